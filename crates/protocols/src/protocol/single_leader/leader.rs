//! The leader's side: taking writes (key-value puts and SQL statements in
//! the configured log format), counting acknowledgements, the semi-sync
//! fallback, streaming a follower what it misses, stepping down, and being
//! promoted.

use alloc::format;
use alloc::string::String;

use super::store::Undo;
use super::*;
use crate::scenario_parts::ms_to_instant;
use crate::time::Duration;

/// The leader's side: writes, acknowledgements, the semi-sync fallback.
impl SingleLeaderNode {
    /// Appends an already-applied change as the next entry, streams it
    /// and answers the client as the acknowledgement mode says.
    pub(super) fn leader_write(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        op: OpId,
        change: Change,
        undo: Undo,
        what: &str,
    ) {
        // A leader has flushed everything (promotion flushes first), so
        // the next LSN follows the durable log.
        let lsn = self.lsn() + 1;
        let entry = Entry {
            lsn,
            epoch: self.term.epoch,
            leader: self.id,
            op,
            change,
        };
        let prev = self.op_at(lsn - 1);
        for peer in self.stream_peers(ctx) {
            ctx.send(
                peer,
                Msg::Replicate {
                    term: self.term,
                    entry: entry.clone(),
                    prev,
                    upto: lsn,
                },
            );
        }
        self.log.push(Logged { entry, undo });
        self.answer_or_wait(ctx, op, lsn, what);
    }

    /// Runs a client's statement; a statement that fails changes nothing
    /// and ships nothing.
    pub(super) fn leader_sql(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, op: OpId, sql: &str) {
        let format = self.config.log_format;
        match self.store.execute_as_leader(sql, format, ctx) {
            Err(e) => {
                ctx.note(format!(
                    "{} rejects the statement: {e}. Nothing changed and nothing is replicated.",
                    self.id.capitalised()
                ));
                ctx.reply(
                    op,
                    Outcome::Failed {
                        reason: format!("SQL error: {e}"),
                    },
                );
            }
            Ok((change, undo, matched)) => {
                let lsn = self.lsn() + 1;
                let ships = match &change {
                    Change::Statement { .. } => String::from("the statement text"),
                    c => format!("{} ({} B)", c.summary(), c.encoded_len()),
                };
                let what = format!(
                    "LSN {lsn} ({} row{} matched; {} ships {ships})",
                    matched,
                    if matched == 1 { "" } else { "s" },
                    format.name()
                );
                self.leader_write(ctx, op, change, undo, &what);
            }
        }
    }

    /// What the client is told when the write at `lsn` is acknowledged:
    /// its version, and the leadership (epoch and leader) that took it.
    fn acknowledgement(&self, lsn: u64) -> Outcome {
        Outcome::Written {
            version: lsn,
            epoch: Some(self.term.epoch),
            leader: Some(self.id),
            causal: None,
        }
    }

    pub(super) fn answer_or_wait(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        op: OpId,
        lsn: u64,
        what: &str,
    ) {
        let me = self.id.capitalised();
        match self.config.ack {
            AckMode::Async => {
                ctx.note(format!("{me} wrote {what} and answered the client at once; the followers get it in the background."));
                ctx.reply(op, self.acknowledgement(lsn));
            }
            AckMode::Sync => {
                let sync = self.config.synchronous_followers(self.id);
                if sync.is_empty() {
                    ctx.note(format!("{me} wrote {what}; none of its followers is a synchronous one, so it answered the client at once."));
                    ctx.reply(op, self.acknowledgement(lsn));
                } else {
                    ctx.note(format!(
                        "{me} wrote {what}; the client waits until {} acknowledged it.",
                        group(&sync)
                    ));
                    self.wait(op, lsn, i64::MAX);
                }
            }
            AckMode::SemiSync if self.volatile.fell_back => {
                ctx.note(format!("{me} wrote {what} and answered at once: semi-sync has fallen back to asynchronous until a follower catches up."));
                ctx.reply(op, self.acknowledgement(lsn));
            }
            AckMode::SemiSync => {
                ctx.note(format!(
                    "{me} wrote {what}; semi-sync: the client waits for one follower's acknowledgement, at most {} ms.",
                    self.config.semi_sync_timeout_ms
                ));
                let timeout = ms_to_instant(self.config.semi_sync_timeout_ms).0;
                let deadline = ctx
                    .local_time_us
                    .saturating_add(i64::try_from(timeout).unwrap_or(i64::MAX));
                let first = self.volatile.waiting.is_empty();
                self.wait(op, lsn, deadline);
                if first {
                    self.arm_semi_sync_timer(ctx);
                }
            }
        }
    }

    pub(super) fn wait(&mut self, op: OpId, lsn: u64, deadline_us: i64) {
        self.volatile
            .waiting
            .insert(lsn, Waiting { op, deadline_us });
    }

    /// The highest LSN the acknowledgement mode counts as confirmed.
    pub(super) fn confirmed_lsn(&self) -> u64 {
        let followers = || {
            (0..self.volatile.acked.len() as u16)
                .map(NodeId)
                .filter(|&n| n != self.id)
        };
        match self.config.ack {
            AckMode::Async => self.lsn(),
            AckMode::SemiSync if self.volatile.fell_back => self.lsn(),
            AckMode::SemiSync => followers().map(|f| self.acked_by(f)).max().unwrap_or(0),
            AckMode::Sync => self
                .config
                .synchronous_followers(self.id)
                .iter()
                .map(|&f| self.acked_by(f))
                .min()
                .unwrap_or_else(|| self.lsn()),
        }
    }

    pub(super) fn acked_by(&self, node: NodeId) -> u64 {
        self.volatile.acked.get(node.index()).copied().unwrap_or(0)
    }

    pub(super) fn on_ack(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, from: NodeId, lsn: u64) {
        self.record_ack(ctx, from, lsn);
        self.release(ctx, from);
    }

    /// Notes how far `from` has got; a semi-sync leader that fell back
    /// turns semi-sync on again once a follower has all it has.
    pub(super) fn record_ack(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, from: NodeId, lsn: u64) {
        let lsn = lsn.min(self.lsn());
        if let Some(slot) = self.volatile.acked.get_mut(from.index()) {
            *slot = (*slot).max(lsn);
        }
        if self.volatile.fell_back && lsn >= self.lsn() {
            self.volatile.fell_back = false;
            ctx.note(format!(
                "{} has caught up with the leader's LSN {lsn}: semi-sync is back on, writes wait for a follower again.",
                from.capitalised()
            ));
        }
    }

    /// Answers every waiting write the mode now counts as confirmed.
    pub(super) fn release(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, by: NodeId) {
        let confirmed = self.confirmed_lsn();
        let mut released = false;
        while let Some((&lsn, &w)) = self.volatile.waiting.first_key_value() {
            if lsn > confirmed {
                break;
            }
            self.volatile.waiting.remove(&lsn);
            released = true;
            let why = match self.config.ack {
                AckMode::SemiSync => format!(
                    "{} acknowledged LSN {lsn}, and semi-sync needs just one follower",
                    by.capitalised()
                ),
                _ => format!(
                    "{} acknowledged LSN {lsn}, the last synchronous follower to do so",
                    by.capitalised()
                ),
            };
            ctx.note(format!(
                "{why}: the leader now tells the client the write succeeded."
            ));
            ctx.reply(w.op, self.acknowledgement(lsn));
        }
        if released && self.config.ack == AckMode::SemiSync {
            self.arm_semi_sync_timer(ctx);
        }
    }

    /// Times the oldest waiting write's deadline (or stops the timer).
    pub(super) fn arm_semi_sync_timer(&self, ctx: &mut Ctx<'_, Msg, Timer>) {
        match self.volatile.waiting.values().next() {
            Some(w) => {
                let left = w.deadline_us.saturating_sub(ctx.local_time_us).max(0) as u64;
                ctx.set_timer(Timer::SemiSync, Duration(left), Duration(left));
            }
            None => ctx.cancel_timer(Timer::SemiSync),
        }
    }

    /// No follower answered in time: give up waiting, like MySQL's
    /// semi-sync master switching itself off.
    pub(super) fn semi_sync_timeout(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        if !self.is_leader()
            || self.config.ack != AckMode::SemiSync
            || self.volatile.waiting.is_empty()
        {
            return;
        }
        let oldest = self.volatile.waiting.keys().next().copied().unwrap_or(0);
        self.volatile.fell_back = true;
        let n = self.volatile.waiting.len();
        ctx.note(format!(
            "No follower acknowledged LSN {oldest} within {} ms: semi-sync falls back to asynchronous, and the leader answers {} without any follower's copy confirmed.",
            self.config.semi_sync_timeout_ms,
            if n == 1 { String::from("the waiting write") } else { format!("all {n} waiting writes") }
        ));
        for (lsn, w) in core::mem::take(&mut self.volatile.waiting) {
            ctx.reply(w.op, self.acknowledgement(lsn));
        }
    }

    /// A follower reports where its durable log ends: send what follows if
    /// its log agrees with ours there, or tell it to rewind.
    pub(super) fn on_resume(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        from: NodeId,
        after: u64,
        last: Option<OpId>,
    ) {
        let agrees = after == 0 || (after <= self.lsn() && self.op_at(after) == last);
        if !agrees {
            let keep = after.saturating_sub(1).min(self.lsn());
            ctx.note(format!(
                "{}'s log does not match the leader's at LSN {after}: the leader tells it to keep entries up to LSN {keep} only.",
                from.capitalised()
            ));
            ctx.send(
                from,
                Msg::Rewind {
                    epoch: self.term.epoch,
                    keep,
                },
            );
            return;
        }
        if self.volatile.copies.contains_key(&from) {
            // Sent before the snapshot being copied to it: stale.
            return;
        }
        if after < self.base {
            ctx.note(format!(
                "{} needs the entries after LSN {after}, but {}'s log only starts after its snapshot at LSN {}: it sends {from} a fresh snapshot instead.",
                from.capitalised(),
                self.id,
                self.base
            ));
            self.start_copy(ctx, from);
            return;
        }
        self.on_joiner_resume(ctx, from, after);
        // Its durable log agrees up to `after`: that counts as acknowledged.
        self.record_ack(ctx, from, after);
        self.release(ctx, from);
        self.stream_after(ctx, from, after);
        // A new follower learns where the log ends, so it knows when it
        // is in sync.
        if self.config.joining.contains(&from) {
            ctx.send(
                from,
                Msg::Heartbeat {
                    term: self.term,
                    lsn: self.lsn(),
                    last: self.op_at(self.lsn()),
                },
            );
        }
    }

    pub(super) fn stream_after(&self, ctx: &mut Ctx<'_, Msg, Timer>, to: NodeId, after: u64) {
        let start = usize::try_from(after.saturating_sub(self.base)).unwrap_or(usize::MAX);
        let count = self.log.len().saturating_sub(start);
        if count == 0 {
            return;
        }
        ctx.note(format!(
            "{} sends {to} the {} entr{} after LSN {after}.",
            self.id.capitalised(),
            count,
            if count == 1 { "y" } else { "ies" }
        ));
        let upto = self.lsn();
        for l in self.log.iter_from(start) {
            ctx.send(
                to,
                Msg::Replicate {
                    term: self.term,
                    entry: l.entry.clone(),
                    prev: self.op_at(l.entry.lsn - 1),
                    upto,
                },
            );
        }
    }

    /// A later leadership exists: stop leading. Waiting writes were never
    /// confirmed, and this node can no longer confirm them.
    pub(super) fn step_down(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, old: Term) {
        let t = self.term;
        ctx.note(format!(
            "{} led epoch {}, but {} leads epoch {}: it steps down and becomes a follower.",
            self.id.capitalised(),
            old.epoch,
            t.leader,
            t.epoch
        ));
        for (_, w) in core::mem::take(&mut self.volatile.waiting) {
            let reason = format!(
                "{} stepped down before the write was confirmed: {} leads epoch {} now",
                self.id, t.leader, t.epoch
            );
            ctx.reply(w.op, Outcome::Failed { reason });
        }
        self.volatile.fell_back = false;
        self.volatile.acked.iter_mut().for_each(|a| *a = 0);
        self.volatile.copies.clear();
        ctx.cancel_timer(Timer::SemiSync);
        ctx.cancel_timer(Timer::Heartbeat);
        ctx.cancel_timer(Timer::Copy);
    }

    /// An operator made this node the leader (a manual failover).
    pub(super) fn promote(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        if self.is_leader() {
            ctx.note(format!(
                "{} already leads epoch {}: promoting it changes nothing.",
                self.id.capitalised(),
                self.term.epoch
            ));
            return;
        }
        if let Some(reason) = self.not_serving() {
            ctx.note(format!("It cannot be promoted: {reason}."));
            return;
        }
        let epoch = self.term.epoch.max(self.voted).saturating_add(1);
        self.take_over(ctx, epoch, "is promoted");
    }

    /// Becomes the leader of `epoch` and tells every other node.
    pub(super) fn take_over(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, epoch: u32, how: &str) {
        // A new leader first makes everything received durable, as a
        // standby replays all the WAL it has before it opens for writes.
        if let Some((a, b)) = self.flush(ctx) {
            ctx.note(format!(
                "{} first flushes {} it had received.",
                self.id.capitalised(),
                lsn_range(a, b)
            ));
        }
        self.volatile.flush_pending = false;
        ctx.cancel_timer(Timer::Flush);
        ctx.cancel_timer(Timer::Election);
        self.voted = self.voted.max(epoch);
        self.term = Term {
            epoch,
            leader: self.id,
            since: self.lsn(),
        };
        self.volatile.acked.iter_mut().for_each(|a| *a = 0);
        self.volatile.waiting.clear();
        self.volatile.fell_back = false;
        self.volatile.votes.clear();
        ctx.note(format!(
            "{} {how}: it leads epoch {} from its LSN {} and tells every other node. Anything the old leader wrote after that LSN is not in its log.",
            self.id.capitalised(),
            self.term.epoch,
            self.term.since
        ));
        for peer in ctx.peers() {
            ctx.send(peer, Msg::NewLeader { term: self.term });
        }
        self.start_heartbeats(ctx);
        // Reads that waited for a position are answered: a leader has all.
        let lsn = self.lsn();
        for r in &mut self.volatile.pending_reads {
            r.2 = r.2.min(lsn);
        }
        self.release_reads(ctx);
    }
}
