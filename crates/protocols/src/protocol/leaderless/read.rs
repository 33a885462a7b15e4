//! The coordinator's quorum read: ask the key's n replicas, answer after
//! r replies with their versions merged (concurrent ones become
//! siblings), and write the merged version back to replicas that
//! answered with less (read repair).
//!
//! Read repair normally happens after the answer, in the background. With
//! blocking read repair — Cassandra's behaviour for quorum reads, and the
//! write-back phase of Attiya, Bar-Noy and Dolev's register — the
//! coordinator first writes the newest version back until w replicas
//! hold it, and answers only then: a later read quorum overlaps those w,
//! so once one client has seen a value no later client can miss it, and
//! quorum reads become linearizable.

use super::Timer;
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use super::coordinator::{join_nodes, version_number, Pending};
use super::message::{union, versions_text, Msg, Stored};
use super::LeaderlessNode;
use crate::node::{Causal, Ctx, NodeId, OpId, Outcome};
use crate::vv::{Siblings, VersionVector};

impl LeaderlessNode {
    /// A quorum read; `needed` overrides r.
    pub(super) fn read(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        op: OpId,
        key: String,
        needed: Option<usize>,
    ) {
        let req = self.new_req();
        let asked = self.config.preference_list(&key);
        self.volatile.pending.insert(
            req,
            Pending::Read {
                op,
                key: key.clone(),
                needed: needed.unwrap_or(usize::from(self.config.r)),
                asked: asked.clone(),
                replies: BTreeMap::new(),
                merged: Siblings::new(),
                repaired: BTreeSet::new(),
                holders: BTreeSet::new(),
                answered: false,
            },
        );
        self.arm_request_timers(ctx, req);
        for n in asked {
            if n == self.me {
                let mine = self.store.get(&key).cloned().unwrap_or_default();
                self.on_fetch_reply(ctx, req, self.me, &mine);
            } else {
                ctx.send(
                    n,
                    Msg::Fetch {
                        req,
                        key: key.clone(),
                    },
                );
            }
        }
    }

    pub(super) fn on_fetch_reply(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        req: u32,
        from: NodeId,
        versions: &Siblings<Stored>,
    ) {
        let blocking = self.config.blocking_read_repair;
        let Some(Pending::Read {
            replies,
            merged,
            holders,
            repaired,
            needed,
            answered,
            ..
        }) = self.volatile.pending.get_mut(&req)
        else {
            return;
        };
        replies.insert(from, versions.clone());
        let before = merged.context();
        merged.merge(versions);
        let newest = merged.context();
        if newest != before {
            // A newer version arrived: only replicas that have it hold
            // what the read will return (and a blocking repair still
            // waiting starts its write-backs over).
            holders.clear();
            if blocking && !*answered {
                repaired.clear();
            }
            holders.extend(
                replies
                    .iter()
                    .filter(|(_, v)| v.context() == newest)
                    .map(|(n, _)| *n),
            );
        } else if versions.context() == newest {
            holders.insert(from);
        }
        let enough = replies.len() >= *needed;
        if *answered || !enough {
            self.repair_stale(ctx, req);
            self.finish_if_done(ctx, req);
            return;
        }
        if !blocking || holders.len() >= replies.len() {
            self.answer_read(ctx, req, None);
        } else {
            self.repair_stale(ctx, req);
            self.answer_if_held(ctx, req);
        }
        self.repair_stale(ctx, req);
        self.finish_if_done(ctx, req);
    }

    /// A replica has the version a blocking read repair wrote back.
    pub(super) fn on_repair_ack(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        req: u32,
        from: NodeId,
        context: &VersionVector,
    ) {
        let Some(Pending::Read {
            merged, holders, ..
        }) = self.volatile.pending.get_mut(&req)
        else {
            return;
        };
        if merged.context() == *context {
            holders.insert(from);
        }
        self.answer_if_held(ctx, req);
        self.finish_if_done(ctx, req);
    }

    /// Blocking read repair: answers once w replicas hold the merged
    /// version.
    fn answer_if_held(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, req: u32) {
        let w = usize::from(self.config.w).min(self.config.replicas());
        let Some(Pending::Read {
            holders,
            answered: false,
            ..
        }) = self.volatile.pending.get(&req)
        else {
            return;
        };
        if holders.len() >= w {
            let names = join_nodes(holders.iter().copied());
            self.answer_read(
                ctx,
                req,
                Some(format!(
                    " after writing it back until {w} replicas hold it ({names}): blocking read repair"
                )),
            );
        }
    }

    fn answer_read(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, req: u32, blocking: Option<String>) {
        let me = self.me;
        let (config_n, config_w) = (self.config.replicas() as u8, self.config.w);
        let sloppy = self.config.sloppy_quorum;
        let Some(Pending::Read {
            op,
            needed,
            replies,
            merged,
            answered,
            ..
        }) = self.volatile.pending.get_mut(&req)
        else {
            return;
        };
        *answered = true;
        let values = union(merged);
        let context = merged.context();
        let version = version_number(&context);
        let causal = Some(Causal {
            dots: merged.dots(),
            context,
        });
        let outcome = match values[..] {
            [] => Outcome::Read {
                value: None,
                version: 0,
                epoch: None,
                leader: None,
                causal,
            },
            [v] if merged.len() == 1 => Outcome::Read {
                value: Some(v),
                version,
                epoch: None,
                leader: None,
                causal,
            },
            _ => Outcome::Values {
                values,
                version,
                causal,
                siblings: if merged.len() > 1 {
                    merged
                        .values()
                        .into_iter()
                        .map(|s| s.values.clone())
                        .collect()
                } else {
                    Vec::new()
                },
            },
        };
        let answers: Vec<String> = replies
            .iter()
            .map(|(n, v)| format!("{n}: {}", versions_text(v, usize::from(ctx.cluster))))
            .collect();
        // Whether these replies must include the latest acknowledged
        // write: the read and write quorums overlap when w + r > n.
        let (n, w) = (usize::from(config_n), usize::from(config_w));
        let overlap = if *needed + w > n && sloppy {
            format!("{} + {w} > {n}, but under a sloppy quorum a write may sit on stand-ins outside these replicas", *needed)
        } else if *needed + w > n {
            format!(
                "{} + {w} > {n}: every write quorum overlaps this read's replies",
                *needed
            )
        } else {
            format!(
                "{} + {w} ≤ {n}: these replies may all have missed the latest write",
                *needed
            )
        };
        let siblings = if merged.len() > 1 {
            format!(
                " — {} concurrent versions, neither dominating the other, so all are returned as siblings",
                merged.len()
            )
        } else {
            String::new()
        };
        let count = if replies.len() > *needed {
            format!("{} replies ({} needed)", replies.len(), needed)
        } else {
            format!("{} of the {} replies it needs", replies.len(), needed)
        };
        ctx.note(format!(
            "{me} has {count} ({}): it returns {}{siblings}{} ({overlap}).",
            answers.join("; "),
            versions_text(merged, usize::from(ctx.cluster)),
            blocking.unwrap_or_default()
        ));
        ctx.reply(*op, outcome);
    }

    /// Read repair: every replica that answered with less than the merged
    /// version gets it written back — after the answer, or before it when
    /// the repair blocks.
    fn repair_stale(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, req: u32) {
        let me = self.me;
        let blocking = self.config.blocking_read_repair;
        if !self.config.read_repair && !blocking {
            return;
        }
        let Some(Pending::Read {
            key,
            replies,
            merged,
            repaired,
            holders,
            answered,
            needed,
            ..
        }) = self.volatile.pending.get_mut(&req)
        else {
            return;
        };
        // Background repair waits for the answer; a blocking one starts as
        // soon as the quorum is in.
        let waiting = blocking && !*answered && replies.len() >= *needed;
        if !*answered && !waiting {
            return;
        }
        let newest = merged.context();
        let repairs: Vec<(NodeId, VersionVector)> = replies
            .iter()
            .filter(|(n, v)| !repaired.contains(n) && !holders.contains(n) && v.context() != newest)
            .map(|(n, v)| (*n, v.context()))
            .collect();
        repaired.extend(repairs.iter().map(|r| r.0));
        let (key, merged_now) = (key.clone(), Rc::new(merged.clone()));
        let width = usize::from(ctx.cluster);
        for (n, theirs) in repairs {
            self.counts.repairs_sent += 1;
            ctx.note(format!(
                "Read repair: {n} answered {key} at {}, which {} dominates; {me} writes {} back to it{}.",
                theirs.display_for(width),
                newest.display_for(width),
                versions_text(&merged_now, width),
                if waiting { " and waits for it before answering" } else { "" }
            ));
            if n == me {
                self.merge_into_store(&key, &merged_now);
                if waiting {
                    if let Some(Pending::Read { holders, .. }) = self.volatile.pending.get_mut(&req)
                    {
                        holders.insert(me);
                    }
                }
            } else if waiting {
                ctx.send(
                    n,
                    Msg::BlockingRepair {
                        req,
                        key: key.clone(),
                        versions: merged_now.clone(),
                    },
                );
            } else {
                ctx.send(
                    n,
                    Msg::Repair {
                        key: key.clone(),
                        versions: merged_now.clone(),
                    },
                );
            }
        }
    }

    /// Done once every replica replied and the answer went out.
    fn finish_if_done(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, req: u32) {
        let done = matches!(
            self.volatile.pending.get(&req),
            Some(Pending::Read { asked, replies, answered: true, .. }) if replies.len() == asked.len()
        );
        if done {
            self.finish(ctx, req);
        }
    }
}
