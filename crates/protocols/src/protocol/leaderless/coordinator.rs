//! The coordinator: whichever node a client reached. A write gets a new
//! version (a dot from this node, and the context it supersedes), goes to
//! all n replicas of the key and succeeds after w acknowledgements; a
//! read asks the n replicas and answers after r replies, merging their
//! versions (concurrent ones become siblings). Replies that arrive later
//! still count: replicas that answered with older data get the merged
//! version written back (read repair). A replica that does not answer in
//! time is suspected; under a sloppy quorum the write goes to the next
//! node on the ring instead, with a hint naming the node it belongs to.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use super::message::{Msg, Stored, Versions};
use super::{LeaderlessNode, Request, Timer};
use crate::node::{Causal, Ctx, NodeId, OpId, Outcome};
use crate::quorum::ConsistencyLevel;
use crate::vv::{Dot, Sibling, Siblings, VersionVector};

/// A request this node coordinates.
#[derive(Clone, Debug)]
pub enum Pending {
    Write {
        op: OpId,
        key: String,
        versions: Versions,
        needed: usize,
        /// The write's event and the history it replaced, for the reply.
        causal: Causal,
        /// Node written to → the home replica it stands for.
        sent: BTreeMap<NodeId, NodeId>,
        acked: BTreeSet<NodeId>,
        answered: bool,
    },
    Read {
        op: OpId,
        key: String,
        needed: usize,
        asked: Vec<NodeId>,
        replies: BTreeMap<NodeId, Siblings<Stored>>,
        merged: Siblings<Stored>,
        repaired: BTreeSet<NodeId>,
        /// Replicas known to hold `merged`: they replied with it, or
        /// acknowledged a blocking read repair of it.
        holders: BTreeSet<NodeId>,
        answered: bool,
    },
}

/// The version a read or write reports: how many writes its version
/// vector covers. A read that saw a write covers at least as many.
pub(super) fn version_number(v: &VersionVector) -> u64 {
    v.iter().map(|(_, c)| c).sum()
}

impl LeaderlessNode {
    pub(super) fn on_client(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, op: OpId, request: Request) {
        match request {
            Request::Put {
                key,
                values,
                context,
                consistency,
            } => {
                let needed = consistency.map(|c| self.level(c));
                self.write(ctx, op, key, values, context, needed)
            }
            Request::Get { key, consistency } => {
                let needed = consistency.map(|c| self.level(c));
                self.read(ctx, op, key, needed)
            }
        }
    }

    /// Replicas a consistency level waits for, never more than n.
    fn level(&self, level: ConsistencyLevel) -> usize {
        usize::from(level.replicas(self.config.n)).min(self.config.replicas())
    }

    pub(super) fn new_req(&mut self) -> u32 {
        let req = self.next_req;
        self.next_req += 1;
        req
    }

    pub(super) fn arm_request_timers(&self, ctx: &mut Ctx<'_, Msg, Timer>, req: u32) {
        let replica = Self::ms(self.config.replica_timeout_ms);
        let request = Self::ms(self.config.request_timeout_ms);
        ctx.set_timer(Timer::ReplicaTimeout(req), replica, replica);
        ctx.set_timer(Timer::RequestTimeout(req), request, request);
    }

    /// A quorum write. `context` is what the client read before (none: the
    /// coordinator's own copy, if it holds one); `level` overrides w.
    pub(super) fn write(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        op: OpId,
        key: String,
        values: Vec<i64>,
        context: Option<VersionVector>,
        needed: Option<usize>,
    ) {
        let context = context.unwrap_or_else(|| {
            self.store
                .get(&key)
                .map(Siblings::context)
                .unwrap_or_default()
        });
        // The write goes into this node's copy of the key — its store if
        // it is one of the key's replicas, otherwise its record of what it
        // coordinated — and the whole copy travels: the new version's
        // vector claims every earlier event of this node, so it must not
        // reach a replica without the concurrent versions it kept.
        let replica = self.config.preference_list(&key).contains(&self.me);
        let copy = if replica {
            self.store.get(&key)
        } else {
            self.coordinated.get(&key)
        };
        let floor = copy.map_or(0, |c| c.max_counter(self.me));
        self.dots = self.dots.max(context.get(self.me)).max(floor) + 1;
        let dot = Dot {
            node: self.me,
            counter: self.dots,
        };
        let causal = Causal {
            dots: vec![dot],
            context: context.clone(),
        };
        let sibling = Sibling {
            value: Stored { values, op },
            dot,
            context,
        };
        let mut copy = copy.cloned().unwrap_or_default();
        copy.put(sibling);
        if !replica {
            self.coordinated.insert(key.clone(), copy.clone());
        }
        let versions: Versions = Rc::new(copy);
        let req = self.new_req();
        let needed = needed.unwrap_or(usize::from(self.config.w));
        self.volatile.pending.insert(
            req,
            Pending::Write {
                op,
                key: key.clone(),
                versions: versions.clone(),
                needed,
                causal,
                sent: BTreeMap::new(),
                acked: BTreeSet::new(),
                answered: false,
            },
        );
        let mut local = false;
        for home in self.config.preference_list(&key) {
            let target = if self.config.sloppy_quorum && self.volatile.suspected.contains(&home) {
                self.stand_in(req, &key).unwrap_or(home)
            } else {
                home
            };
            local |= self.send_store(ctx, req, target, home);
        }
        self.arm_request_timers(ctx, req);
        // Counted after every replica was sent the write: with w = 1 the
        // local acknowledgement alone may finish the request.
        if local {
            self.on_store_ack(ctx, req, self.me);
        }
    }

    /// The next node on the ring past the preference list that is not
    /// suspected and not yet written to for this request.
    fn stand_in(&self, req: u32, key: &str) -> Option<NodeId> {
        let Some(Pending::Write { sent, .. }) = self.volatile.pending.get(&req) else {
            return None;
        };
        self.config
            .ring_from(key)
            .into_iter()
            .skip(self.config.replicas())
            .find(|n| !self.volatile.suspected.contains(n) && !sent.contains_key(n))
    }

    /// Writes this request's versions to `target`, which stands for
    /// `home`; true when the target is this node (stored already, its
    /// acknowledgement left to the caller).
    fn send_store(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        req: u32,
        target: NodeId,
        home: NodeId,
    ) -> bool {
        let Some(Pending::Write {
            key,
            versions,
            sent,
            ..
        }) = self.volatile.pending.get_mut(&req)
        else {
            return false;
        };
        sent.insert(target, home);
        let (key, versions) = (key.clone(), versions.clone());
        let hint_for = (target != home).then_some(home);
        if target == self.me {
            self.store_locally(ctx, &key, &versions, hint_for);
            true
        } else {
            ctx.send(
                target,
                Msg::Store {
                    req,
                    key,
                    versions,
                    hint_for,
                },
            );
            false
        }
    }

    pub(super) fn on_store_ack(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, req: u32, from: NodeId) {
        let Some(Pending::Write {
            op,
            key,
            versions,
            needed,
            causal,
            sent,
            acked,
            answered,
        }) = self.volatile.pending.get_mut(&req)
        else {
            return;
        };
        acked.insert(from);
        if !*answered && acked.len() >= *needed {
            *answered = true;
            let mut written = causal.context.clone();
            for &dot in &causal.dots {
                written.observe(dot);
            }
            let names = join_nodes(acked.iter().copied());
            ctx.note(format!(
                "{} has {} of the {} acknowledgements it needs ({names}): the write succeeds.",
                self.me,
                acked.len(),
                needed
            ));
            ctx.reply(
                *op,
                Outcome::Written {
                    version: version_number(&written),
                    epoch: None,
                    leader: None,
                    causal: Some(causal.clone()),
                },
            );
        }
        let everyone = sent.keys().all(|n| acked.contains(n));
        // Every home replica holds these versions now (stores are durable
        // and drop a version only for one that replaced it): a coordinator
        // that is not a replica need not ship them again.
        let homes_hold = self
            .config
            .preference_list(key)
            .iter()
            .all(|h| sent.get(h) == Some(h) && acked.contains(h));
        let (answered, key, versions) = (*answered, key.clone(), versions.clone());
        if homes_hold {
            if let Some(copy) = self.coordinated.get_mut(&key) {
                copy.remove_dots(&versions.dots());
                if copy.is_empty() {
                    self.coordinated.remove(&key);
                }
            }
        }
        if everyone && answered {
            self.finish(ctx, req);
        }
    }

    pub(super) fn finish(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, req: u32) {
        self.volatile.pending.remove(&req);
        ctx.cancel_timer(Timer::ReplicaTimeout(req));
        ctx.cancel_timer(Timer::RequestTimeout(req));
    }

    /// Replicas that have not answered in time are suspected; a sloppy
    /// quorum writes to stand-ins for them.
    pub(super) fn replica_timeout(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, req: u32) {
        let silent: Vec<(NodeId, NodeId)> = match self.volatile.pending.get(&req) {
            Some(Pending::Write { sent, acked, .. }) => sent
                .iter()
                .filter(|(n, _)| !acked.contains(n))
                .map(|(&n, &home)| (n, home))
                .collect(),
            Some(Pending::Read { asked, replies, .. }) => asked
                .iter()
                .filter(|n| !replies.contains_key(n))
                .map(|&n| (n, n))
                .collect(),
            None => return,
        };
        for &(n, _) in &silent {
            self.volatile.suspected.insert(n);
        }
        if !self.config.sloppy_quorum
            || !matches!(self.volatile.pending.get(&req), Some(Pending::Write { .. }))
        {
            return;
        }
        let key = match self.volatile.pending.get(&req) {
            Some(Pending::Write { key, .. }) => key.clone(),
            _ => return,
        };
        let mut more = false;
        for (silent_node, home) in silent {
            if let Some(sub) = self.stand_in(req, &key) {
                ctx.note(format!(
                    "{silent_node} has not answered within {} ms: {} writes to {sub} instead, with a hint that the value belongs on {home} (sloppy quorum).",
                    self.config.replica_timeout_ms, self.me
                ));
                if self.send_store(ctx, req, sub, home) {
                    self.on_store_ack(ctx, req, self.me);
                }
                more = true;
            }
        }
        if more && self.volatile.pending.contains_key(&req) {
            let replica = Self::ms(self.config.replica_timeout_ms);
            ctx.set_timer(Timer::ReplicaTimeout(req), replica, replica);
        }
    }

    pub(super) fn request_timeout(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, req: u32) {
        let Some(p) = self.volatile.pending.remove(&req) else {
            return;
        };
        ctx.cancel_timer(Timer::ReplicaTimeout(req));
        match p {
            Pending::Write {
                op,
                needed,
                sent,
                acked,
                answered: false,
                ..
            } => {
                let silent = join_nodes(sent.keys().copied().filter(|n| !acked.contains(n)));
                ctx.reply(
                    op,
                    Outcome::Failed {
                        reason: format!(
                            "only {} of the {needed} acknowledgements needed arrived within {} ms ({silent} did not answer){}; the replicas that did store it keep it",
                            acked.len(),
                            self.config.request_timeout_ms,
                            if self.config.sloppy_quorum {
                                ""
                            } else {
                                " — a strict quorum does not write to other nodes"
                            }
                        ),
                    },
                );
            }
            Pending::Read {
                op,
                needed,
                asked,
                replies,
                holders,
                answered: false,
                ..
            } => {
                let reason = if replies.len() >= needed {
                    format!(
                        "the replies arrived, but blocking read repair had the newest version on only {} of the {} replicas it must reach within {} ms before answering",
                        holders.len(),
                        self.config.w,
                        self.config.request_timeout_ms
                    )
                } else {
                    let silent =
                        join_nodes(asked.iter().copied().filter(|n| !replies.contains_key(n)));
                    format!(
                        "only {} of the {needed} replies needed arrived within {} ms ({silent} did not answer)",
                        replies.len(),
                        self.config.request_timeout_ms
                    )
                };
                ctx.reply(op, Outcome::Failed { reason });
            }
            _ => {}
        }
    }
}

/// "node 1, node 2".
pub(super) fn join_nodes(nodes: impl Iterator<Item = NodeId>) -> String {
    let names: Vec<String> = nodes.map(|n| format!("{n}")).collect();
    if names.is_empty() {
        String::from("none")
    } else {
        names.join(", ")
    }
}
