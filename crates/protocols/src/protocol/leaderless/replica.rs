//! The replica side: store what a coordinator sends (merging versions, so
//! concurrent writes become siblings), answer reads, accept read repairs,
//! and — as a stand-in under a sloppy quorum — hold a write with a hint
//! and hand it to its home replica once that node answers again.

use alloc::format;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use super::message::{versions_text, Msg, Stored};
use super::{LeaderlessNode, Timer};
use crate::node::{Ctx, NodeId};
use crate::vv::Dot;
use crate::vv::Siblings;

impl LeaderlessNode {
    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Store {
                req,
                key,
                versions,
                hint_for,
            } => {
                self.store_locally(ctx, &key, &versions, hint_for);
                ctx.send(from, Msg::StoreAck { req });
            }
            Msg::StoreAck { req } => self.on_store_ack(ctx, req, from),
            Msg::Fetch { req, key } => {
                let versions = Rc::new(self.store.get(&key).cloned().unwrap_or_default());
                ctx.send(from, Msg::FetchReply { req, key, versions });
            }
            Msg::FetchReply { req, versions, .. } => self.on_fetch_reply(ctx, req, from, &versions),
            Msg::Repair { key, versions } => {
                let before = self.store.get(&key).map(Siblings::context);
                if self.merge_into_store(&key, &versions) {
                    ctx.note(format!(
                        "{} is repaired: {key} goes from {} to {}.",
                        self.me,
                        before.map_or(String::from("nothing"), |c| format!(
                            "{}",
                            c.display_for(usize::from(ctx.cluster))
                        )),
                        versions_text(&versions, usize::from(ctx.cluster))
                    ));
                }
            }
            Msg::BlockingRepair { req, key, versions } => {
                self.merge_into_store(&key, &versions);
                ctx.note(format!(
                    "{} is repaired: {key} becomes {}, and it tells the coordinator, which is waiting to answer the read.",
                    self.me,
                    versions_text(&versions, usize::from(ctx.cluster))
                ));
                ctx.send(
                    from,
                    Msg::RepairAck {
                        req,
                        context: versions.context(),
                    },
                );
            }
            Msg::RepairAck { req, context } => self.on_repair_ack(ctx, req, from, &context),
            Msg::Handoff { key, versions } => {
                self.merge_into_store(&key, &versions);
                ctx.note(format!(
                    "{} receives the write to {key} that {from} held for it while it was unreachable.",
                    self.me
                ));
                ctx.send(
                    from,
                    Msg::HandoffAck {
                        key,
                        dots: Rc::new(versions.dots()),
                    },
                );
            }
            Msg::HandoffAck { key, dots } => self.on_handoff_ack(ctx, from, key, &dots),
            msg @ (Msg::TreeHashes { .. } | Msg::TreeDiff { .. } | Msg::RangeSync { .. }) => {
                self.on_anti_entropy(ctx, from, msg)
            }
        }
    }

    /// Stores versions of `key` as a home replica, or, with `hint_for`,
    /// holds them for that node.
    pub(super) fn store_locally(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        key: &str,
        versions: &Siblings<Stored>,
        hint_for: Option<NodeId>,
    ) {
        match hint_for {
            Some(home) if home != self.me => {
                self.hints
                    .entry((home, String::from(key)))
                    .or_default()
                    .merge(versions);
                self.arm_hint_timer(ctx);
            }
            _ => {
                self.merge_into_store(key, versions);
            }
        }
    }

    /// The home replica has the versions handed over: only those leave
    /// the hint. A write for the same home and key that arrived while the
    /// handoff was on its way stays, to be handed over next time.
    fn on_handoff_ack(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        from: NodeId,
        key: String,
        dots: &[Dot],
    ) {
        let slot = (from, key);
        let Some(hint) = self.hints.get_mut(&slot) else {
            return;
        };
        let before = hint.len();
        hint.remove_dots(dots);
        if hint.len() == before {
            return;
        }
        let key = &slot.1;
        self.counts.hints_delivered += 1;
        if hint.is_empty() {
            self.hints.remove(&slot);
            ctx.note(format!(
                "{from} has its write to {key}: {} drops the hint.",
                self.me
            ));
        } else {
            ctx.note(format!(
                "{from} has the handed-over write to {key}; {} keeps the newer one it holds for {from} and hands it over next.",
                self.me
            ));
        }
    }

    pub(super) fn arm_hint_timer(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        if !self.volatile.hint_timer_armed {
            let after = Self::ms(self.config.hint_retry_ms);
            ctx.set_timer(Timer::Hint, after, after);
            self.volatile.hint_timer_armed = true;
        }
    }

    /// Tries to deliver every hint to its home replica.
    pub(super) fn hand_off(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        let hints: Vec<((NodeId, String), Siblings<Stored>)> = self
            .hints
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for ((home, key), versions) in hints {
            ctx.send(
                home,
                Msg::Handoff {
                    key,
                    versions: Rc::new(versions),
                },
            );
        }
        if !self.hints.is_empty() {
            self.arm_hint_timer(ctx);
        }
    }
}
