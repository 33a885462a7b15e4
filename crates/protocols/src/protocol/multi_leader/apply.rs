//! A replicated write meets a leader's copy of its key. The version
//! vectors say whether the write replaces the copy (it had seen it), is
//! old news (the copy has seen it), or is concurrent — a conflict. Then
//! the run's resolution decides: keep whatever arrived last (none), the
//! higher timestamp (last write wins, silently dropping the other
//! acknowledged write), the CRDT merge, or the application's resolver.

use super::Timer;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::cell::{Cell, Value, Version, Writer};
use super::config::Resolution;
use super::message::{Change, Msg, Update};
use super::resolve::resolve_versions;
use super::MultiLeaderNode;
use crate::anomaly::{Anomaly, AnomalyKind};
use crate::node::Ctx;
use crate::vv::Causality;

impl MultiLeaderNode {
    /// Applies a write replicated from another leader, records it, logs it
    /// for forwarding and passes the key's new copy to the followers.
    pub(super) fn apply_remote(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, u: &Update) {
        if !self.config.causal_delivery && !self.applied.descends(&u.deps) {
            self.counts.overtaken += 1;
            ctx.note(format!(
                "Write #{} ({}) reaches {} before some write its origin had already applied (it depends on {}, this leader has {}): it overtook them.",
                u.op.0,
                u.what,
                self.me,
                u.deps.display_for(usize::from(ctx.cluster)),
                self.applied.display_for(usize::from(ctx.cluster)),
            ));
        }
        self.applied.observe(u.dot);
        self.log_update(u);
        let changed = match self.config.resolution {
            Resolution::Crdt => self.merge_state(ctx, u),
            Resolution::LastWriteWins => self.last_write_wins(ctx, u),
            Resolution::None | Resolution::Resolver => self.apply_row(ctx, u),
        };
        // An update skipped because its insert has not arrived is not
        // held here: only a copy that has taken the write in counts.
        if self.store.get(&u.key).is_some_and(|c| c.vv.contains(u.dot)) {
            self.applied_ops.insert(u.op);
        }
        if changed {
            self.copy_to_followers(ctx, &u.key);
        }
    }

    fn value_of(u: &Update) -> Option<&Value> {
        match &u.change {
            Change::Insert(v) | Change::Update(v) => Some(v),
            Change::State(_) => None,
        }
    }

    /// Lists the conflict between `u` and every writer of `cell` it had
    /// not seen, once per pair (each leader finds it, so the text names
    /// no leader).
    fn record_conflicts(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, u: &Update, cell: &Cell) {
        let how = match self.config.resolution {
            Resolution::None => {
                String::from("with no resolution each leader keeps whichever write reached it last")
            }
            Resolution::LastWriteWins => String::from("last write wins keeps the higher timestamp"),
            Resolution::Crdt => format!("the {} merges both", self.config.crdt.name()),
            Resolution::Resolver => format!("resolver: {}", self.config.resolver.name()),
        };
        let mut found: Vec<Anomaly> = Vec::new();
        for w in cell.unseen_by(&u.vv) {
            let theirs = u.writer();
            let (first, second) = if w.op < theirs.op {
                (w.clone(), theirs)
            } else {
                (theirs, w.clone())
            };
            found.push(Anomaly {
                kind: AnomalyKind::Conflict,
                op: second.op,
                other: Some(first.op),
                explanation: format!(
                    "{} and {} both changed {} without either having seen the other ({how})",
                    first.label(),
                    second.label(),
                    u.key
                ),
            });
        }
        for a in found {
            // Each pair meets once per leader; the run merges the
            // leaders' copies.
            self.counts.conflicts += 1;
            ctx.finding(a);
        }
    }

    /// No resolution, or the application's resolver: row events with
    /// version vectors.
    fn apply_row(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, u: &Update) -> bool {
        let Some(value) = Self::value_of(u).cloned() else {
            return false;
        };
        let me = self.me;
        let Some(cell) = self.store.get(&u.key).cloned() else {
            if let Change::Update(_) = u.change {
                let missing = u
                    .deps
                    .iter()
                    .filter(|&(n, c)| self.applied.get(n) < c)
                    .map(|(n, c)| format!("{n}'s writes up to #{c}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let a = Anomaly {
                    kind: AnomalyKind::CausalityViolation,
                    op: u.op,
                    other: None,
                    explanation: format!(
                        "write #{} ({} at {}) updates {} but reached {me} before the insert it depends on ({missing}): there is no such row here, so the update was skipped",
                        u.op.0, u.what, u.dot.node, u.key
                    ),
                };
                ctx.note(format!(
                    "{me} gets an update of {} before {} exists here — the insert has not arrived yet. The update is skipped.",
                    u.key, u.key
                ));
                ctx.finding(a);
                return false;
            }
            self.store
                .insert(u.key.clone(), Cell::new(value, u.vv.clone(), u.writer()));
            return true;
        };
        match u.vv.compare(&cell.vv) {
            Causality::Before | Causality::Equal => {
                ctx.note(format!(
                    "{me} already has a newer {} than write #{}: nothing to do.",
                    u.key, u.op.0
                ));
                false
            }
            Causality::After => {
                let mut vv = cell.vv.clone();
                vv.merge(&u.vv);
                let mut c = Cell::new(value, u.vv.clone(), u.writer());
                c.vv = vv;
                self.store.insert(u.key.clone(), c);
                true
            }
            Causality::Concurrent => {
                self.record_conflicts(ctx, u, &cell);
                // The versions no write has superseded: the old ones this
                // write had not seen, and the write itself.
                let mut frontier: Vec<Version> = cell
                    .versions()
                    .into_iter()
                    .filter(|v| !u.vv.descends(&v.vv))
                    .collect();
                frontier.push(Version {
                    value: value.clone(),
                    writer: u.writer(),
                    vv: u.vv.clone(),
                });
                crate::sorting::sort_by_key(&mut frontier, |v| v.writer.dot);
                let (new_value, writers, how) = match self.config.resolution {
                    Resolution::Resolver => {
                        let (v, how) = resolve_versions(self.config.resolver, &frontier);
                        let writers = frontier.iter().map(|v| v.writer.clone()).collect();
                        (v, writers, how)
                    }
                    _ => {
                        frontier = Vec::new();
                        (
                            value,
                            alloc::vec![u.writer()],
                            format!(
                                "no resolution: it overwrites its own {} with the write that arrived last — the other leader will do the opposite",
                                cell.value.text()
                            ),
                        )
                    }
                };
                ctx.note(format!(
                    "Conflict on {} at {me}: {} has {}, write #{} from {} says {} and neither saw the other. {how}.",
                    u.key,
                    me,
                    cell.value.text(),
                    u.op.0,
                    u.dot.node,
                    Self::value_of(u).map(Value::text).unwrap_or_default(),
                ));
                let c = self.store.get_mut(&u.key).expect("present");
                c.value = new_value;
                c.vv.merge(&u.vv);
                c.writers = writers;
                c.frontier = frontier;
                true
            }
        }
    }

    /// Last write wins: the higher timestamp stays, whatever causality
    /// says; an acknowledged write that loses to one that never saw it is
    /// silently discarded.
    fn last_write_wins(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, u: &Update) -> bool {
        let Some(value) = Self::value_of(u).cloned() else {
            return false;
        };
        let Some(cell) = self.store.get(&u.key).cloned() else {
            self.store
                .insert(u.key.clone(), Cell::new(value, u.vv.clone(), u.writer()));
            return true;
        };
        if u.vv.compare(&cell.vv) == Causality::Concurrent {
            self.record_conflicts(ctx, u, &cell);
        }
        let c = self.store.get_mut(&u.key).expect("present");
        c.vv.merge(&u.vv);
        if u.stamp > cell.stamp() {
            c.value = value;
            c.writers = alloc::vec![u.writer()];
            let winner = u.writer();
            for lost in cell.unseen_by(&u.vv) {
                self.discard(ctx, lost, &winner);
            }
            true
        } else {
            if !cell.vv.contains(u.dot) {
                if let Some(winner) = cell.writers.iter().max_by_key(|w| w.stamp) {
                    let winner = winner.clone();
                    self.discard(ctx, &u.writer(), &winner);
                }
            }
            // The value stays, but the copy has now seen this write too:
            // followers need the merged version, or their reads look stale.
            !cell.vv.descends(&u.vv)
        }
    }

    /// Records that `lost` was thrown away in favour of `winner`, which
    /// never saw it.
    pub(super) fn discard(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        lost: &Writer,
        winner: &Writer,
    ) {
        let a = Anomaly {
            kind: AnomalyKind::DiscardedWrite,
            op: lost.op,
            other: Some(winner.op),
            explanation: format!(
                "{} was acknowledged, then silently discarded: {} never saw it but carries a later timestamp ({} against {})",
                lost.label(),
                winner.label(),
                winner.stamp.text(),
                lost.stamp.text()
            ),
        };
        ctx.note(format!(
            "Last write wins at {}: {} (stamped {}) beats {} (stamped {}), which disappears without an error.",
            self.me,
            winner.label(),
            winner.stamp.text(),
            lost.label(),
            lost.stamp.text()
        ));
        self.counts.discarded += 1;
        ctx.finding(a);
    }

    /// CRDT: merge the shipped state into the local one.
    fn merge_state(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, u: &Update) -> bool {
        let Change::State(state) = &u.change else {
            return false;
        };
        let Some(cell) = self.store.get(&u.key).cloned() else {
            self.store.insert(
                u.key.clone(),
                Cell::new(Value::Crdt(state.clone()), u.vv.clone(), u.writer()),
            );
            return true;
        };
        let concurrent = u.vv.compare(&cell.vv) == Causality::Concurrent;
        if concurrent {
            self.record_conflicts(ctx, u, &cell);
        }
        let c = self.store.get_mut(&u.key).expect("present");
        let before = c.value.text();
        if let Value::Crdt(mine) = &mut c.value {
            mine.merge(state);
        }
        c.vv.merge(&u.vv);
        c.writers = merged_writers(&cell, u);
        let after = c.value.text();
        ctx.note(format!(
            "{} merges write #{}'s {} state [{}] into its own: {before} ⊔ {} = {after}{}.",
            self.me,
            u.op.0,
            self.config.crdt.name(),
            state.internals_line(),
            state.text(),
            if concurrent {
                " — concurrent updates, combined without losing either"
            } else {
                ""
            }
        ));
        true
    }
}

/// The writers a merged value comes from: the new write and every old
/// writer it had not seen (the ones it had seen are superseded).
fn merged_writers(cell: &Cell, u: &Update) -> Vec<Writer> {
    let mut w: Vec<Writer> = cell.unseen_by(&u.vv).cloned().collect();
    w.push(u.writer());
    crate::sorting::sort_by_key(&mut w, |w| w.dot);
    w
}
