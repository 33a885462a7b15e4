//! The follower's side: receiving entries in LSN order, flushing and
//! applying them (re-executing statements, copying page bytes or applying
//! row images), following a new leader and discarding what it never had.

use alloc::format;

use super::*;
use crate::scenario_parts::ms_to_instant;
use crate::time::Duration;

impl SingleLeaderNode {
    pub(super) fn on_replicate(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        from: NodeId,
        term: Term,
        entry: Entry,
        prev: Option<OpId>,
        upto: u64,
    ) {
        // Whoever sends entries leads (in its own view).
        let term = Term {
            leader: from,
            ..term
        };
        if term.same_leadership(&self.term) {
            if !self.is_leader() {
                self.heard_from_leader(ctx);
                self.volatile.leader_at_least(upto);
                self.receive(ctx, entry, prev);
            }
        } else if term.outranks(self.term.epoch, self.term.leader) {
            // Resuming fetches this entry again, checked against our log.
            self.follow(ctx, term);
        } else {
            if self.term.outranks(term.epoch, from) && !self.config.fencing {
                ctx.note(format!(
                    "{} ignores LSN {} ({}) from {from}: it follows {}. Without fencing it has no way to tell {from} that its leadership is over.",
                    self.id.capitalised(),
                    entry.lsn,
                    entry.change.summary(),
                    self.term.leader
                ));
            } else if self.term.outranks(term.epoch, from) {
                ctx.note(format!(
                    "{} ignores LSN {} ({}): it comes from epoch {}, which is over.",
                    self.id.capitalised(),
                    entry.lsn,
                    entry.change.summary(),
                    term.epoch
                ));
            }
            self.correct_if_stale(ctx, from, term.epoch, from);
        }
    }

    pub(super) fn on_new_leader(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        from: NodeId,
        term: Term,
    ) {
        if term.same_leadership(&self.term) {
            if !self.is_leader() && from == term.leader && self.join.receives_stream() {
                self.heard_from_leader(ctx);
                ctx.note(format!(
                    "{} hears from its leader {} again and reports where its log ends.",
                    self.id.capitalised(),
                    term.leader
                ));
                ctx.send(term.leader, self.resume_request());
            }
        } else if term.outranks(self.term.epoch, self.term.leader) {
            self.follow(ctx, term);
        } else {
            self.correct_if_stale(ctx, from, term.epoch, term.leader);
        }
    }

    /// Adopts a later leadership: step down if leading, drop what the new
    /// leader never had, and ask it for the rest.
    pub(super) fn follow(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, term: Term) {
        let old = self.term;
        let was_leader = self.is_leader();
        if was_leader && !self.config.fencing {
            if self.ignored_epoch >= term.epoch {
                return;
            }
            self.ignored_epoch = term.epoch;
            ctx.note(format!(
                "{} hears that {} leads epoch {}, but without fencing nothing makes it stop: it keeps taking writes as leader of epoch {}. Two leaders now accept writes — split brain.",
                self.id.capitalised(),
                term.leader,
                term.epoch,
                old.epoch
            ));
            return;
        }
        self.term = term;
        self.voted = self.voted.max(term.epoch);
        self.volatile.votes.clear();
        if was_leader {
            self.step_down(ctx, old);
        }
        let tie = if term.epoch == old.epoch {
            " (both claim that epoch; the higher node number wins)"
        } else {
            ""
        };
        ctx.note(format!(
            "{} now follows {}, leader of epoch {} from LSN {}{tie}.",
            self.id.capitalised(),
            term.leader,
            term.epoch,
            term.since
        ));
        // Unflushed entries came from the old leader's stream; the new
        // leader sends again whatever it has.
        self.volatile.buffer.clear();
        self.volatile.flush_pending = false;
        ctx.cancel_timer(Timer::Flush);
        self.discard_above(ctx, term.since, "which the new leader never had");
        self.heard_from_leader(ctx);
        if self.join.is_member() || matches!(self.join, JoinState::CatchingUp { .. }) {
            ctx.send(term.leader, self.resume_request());
        } else {
            // Mid-copy: the snapshot must come from the new leader.
            self.restart_join(ctx);
        }
    }

    /// Truncates the log above `keep`, narrating the writes that vanish.
    pub(super) fn discard_above(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, keep: u64, why: &str) {
        let dropped = self.truncate_to(keep);
        if let (Some(first), Some(last)) = (dropped.first(), dropped.last()) {
            ctx.note(format!(
                "{} discards {} ({}), {why}: {} gone from this node.",
                self.id.capitalised(),
                lsn_range(first.lsn, last.lsn),
                entries_text(&dropped),
                if dropped.len() == 1 {
                    "that write is"
                } else {
                    "those writes are"
                }
            ));
        }
    }

    /// An entry from our leader: append it if it continues our log.
    fn receive(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, entry: Entry, prev: Option<OpId>) {
        if self.stopped.is_some() || !self.join.receives_stream() {
            return;
        }
        let have = self.received_lsn();
        if entry.lsn <= self.base {
            return; // already in the snapshot this node started from
        }
        if entry.lsn > have + 1 {
            ctx.note(format!(
                "{} got LSN {} but has only up to LSN {have}: it asks the leader to send the missing entries.",
                self.id.capitalised(),
                entry.lsn
            ));
            ctx.send(self.term.leader, self.resume_request());
            return;
        }
        if entry.lsn <= have {
            if self.op_at(entry.lsn) == Some(entry.op) {
                return; // sent again after a resume: we have it
            }
            self.discard_above(ctx, entry.lsn - 1, "where its leader has different entries");
        }
        if self.op_at(entry.lsn - 1) != prev {
            // Our entry before it is not the leader's: drop it, ask again.
            self.discard_above(
                ctx,
                entry.lsn.saturating_sub(2),
                "where its leader's log differs",
            );
            ctx.send(self.term.leader, self.resume_request());
            return;
        }
        self.take(ctx, entry);
    }

    fn flush_delay(&self) -> Duration {
        Duration(ms_to_instant(self.config.flush_ms).0)
    }

    /// Under `received` durability a waited-for follower acknowledges on
    /// arrival; otherwise acknowledgements follow the flush.
    pub(super) fn acks_on_receipt(&self) -> bool {
        self.config.durability == Durability::Received
            && self.config.waits_for(self.term.leader, self.id)
    }

    /// Buffers (or with no flush delay, applies) an entry that continues
    /// the log, and acknowledges it when the durability says so.
    fn take(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, entry: Entry) {
        let me = self.id.capitalised();
        let what = format!("LSN {} ({})", entry.lsn, entry.change.summary());
        let lsn = entry.lsn;
        if self.flush_delay() == Duration::ZERO {
            self.volatile.buffer.push(entry);
            if self.flush(ctx).is_some() {
                ctx.note(format!(
                    "{me} received {what}, flushed and applied it, and acknowledges it."
                ));
                self.ack(ctx, lsn);
            }
            self.after_apply(ctx);
            return;
        }
        self.volatile.buffer.push(entry);
        if self.acks_on_receipt() {
            ctx.note(format!("{me} received {what} and acknowledges it at once, before flushing: until the flush a crash here loses it."));
            self.ack(ctx, lsn);
        } else {
            ctx.note(format!(
                "{me} received {what}; it acknowledges once the entry is flushed, {} ms from now at the latest.",
                self.config.flush_ms
            ));
        }
        if !self.volatile.flush_pending {
            self.volatile.flush_pending = true;
            let delay = self.flush_delay();
            ctx.set_timer(Timer::Flush, delay, delay);
        }
    }

    /// Moves received entries to the durable log, applying each to the
    /// data; returns the LSN range moved. An entry this node cannot apply
    /// stops replication there (like a replica's SQL thread stopping on an
    /// error): it and everything after it stay unapplied.
    pub(super) fn flush(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) -> Option<(u64, u64)> {
        if self.volatile.buffer.is_empty() {
            return None;
        }
        let first = self.lsn() + 1;
        let mut entries = core::mem::take(&mut self.volatile.buffer).into_iter();
        for entry in entries.by_ref() {
            match self
                .store
                .apply(&entry.change, entry.lsn, (entry.epoch, entry.leader), ctx)
            {
                Ok((undo, differs)) => {
                    if let Some(what) = differs {
                        self.note_divergence(ctx, &entry, &what);
                    }
                    self.log.push(Logged { entry, undo });
                }
                Err(e) => {
                    let reason = format!("LSN {} could not be applied: {e}", entry.lsn);
                    ctx.note(format!(
                        "{} stops replicating: {reason}. It stays at LSN {} until someone fixes it.",
                        self.id.capitalised(),
                        self.lsn()
                    ));
                    self.stopped = Some(reason);
                    break;
                }
            }
        }
        drop(entries);
        if self.lsn() < first {
            return None;
        }
        Some((first, self.lsn()))
    }

    /// A re-executed statement changed other rows, or other values, than
    /// it did on the leader.
    fn note_divergence(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, entry: &Entry, what: &str) {
        let Change::Statement { sql, .. } = &entry.change else {
            return;
        };
        let text = format!(
            "{} ran \"{sql}\" (LSN {}) again with its own clock and random numbers and got different rows — {what}. Nothing in statement-based replication notices.",
            self.id.capitalised(),
            entry.lsn
        );
        ctx.note(text.clone());
        ctx.finding(Anomaly {
            other: None,
            kind: AnomalyKind::Divergence,
            op: entry.op,
            explanation: text,
        });
        self.diverged += 1;
    }

    fn ack(&self, ctx: &mut Ctx<'_, Msg, Timer>, lsn: u64) {
        ctx.send(
            self.term.leader,
            Msg::Ack {
                epoch: self.term.epoch,
                lsn,
            },
        );
    }

    /// After applying: answer waiting reads, and a joining follower that
    /// reached its leader's position is in sync.
    fn after_apply(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        self.release_reads(ctx);
        self.check_in_sync(ctx);
    }

    pub(super) fn on_flush_timer(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        self.volatile.flush_pending = false;
        let Some((a, b)) = self.flush(ctx) else {
            return;
        };
        let me = self.id.capitalised();
        let range = lsn_range(a, b);
        if self.is_leader() {
            ctx.note(format!("{me} flushed {range}."));
        } else if self.acks_on_receipt() {
            ctx.note(format!(
                "{me} flushed {range} to its durable log and applied it (it acknowledged on receipt)."
            ));
        } else {
            ctx.note(format!(
                "{me} flushed {range} to its durable log and applied it; it acknowledges LSN {b}."
            ));
            self.ack(ctx, b);
        }
        self.after_apply(ctx);
    }

    pub(super) fn on_rewind(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, keep: u64) {
        if keep < self.base {
            // Its data starts from a snapshot taken after that point: only
            // a fresh snapshot can bring it back in line.
            ctx.note(format!(
                "{} cannot rewind to LSN {keep}: its data starts from a snapshot at LSN {}. It asks {} for a fresh snapshot.",
                self.id.capitalised(),
                self.base,
                self.term.leader
            ));
            ctx.send(self.term.leader, Msg::JoinRequest);
            return;
        }
        self.discard_above(ctx, keep, "where its leader's log differs");
        ctx.send(self.term.leader, self.resume_request());
    }

    pub(super) fn on_start(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        if self.is_leader() {
            self.start_heartbeats(ctx);
        } else if self.join.is_member() {
            self.heard_from_leader(ctx);
        }
    }

    pub(super) fn on_recovered(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        let me = self.id.capitalised();
        if !self.join.is_member() {
            self.resume_join(ctx);
        } else if self.is_leader() {
            ctx.note(format!(
                "{me} is back and still believes it leads epoch {}: it tells the other nodes.",
                self.term.epoch
            ));
            for peer in ctx.peers() {
                ctx.send(peer, Msg::NewLeader { term: self.term });
            }
            self.start_heartbeats(ctx);
        } else {
            ctx.note(format!(
                "{me} is back with LSN {} and asks its leader ({}) for the rest.",
                self.lsn(),
                self.term.leader
            ));
            ctx.send(self.term.leader, self.resume_request());
            self.heard_from_leader(ctx);
        }
    }
}
