//! Single-leader replication with failover. One node — the leader — takes
//! every write: it appends it to its log under the next log sequence
//! number (LSN), applies it, and streams the entry to every other node.
//! Followers receive entries strictly in LSN order into a volatile buffer
//! and flush them to their durable log (and to the data they serve reads
//! from) a moment later.
//!
//! When the client hears back is the acknowledgement mode: asynchronous —
//! at once; synchronous — once every synchronous follower acknowledged;
//! semi-synchronous — once any one follower did, or, after a timeout, at
//! once until a follower catches up again. Whether a follower acknowledges
//! when the entry arrives or only after flushing it is the durability.
//!
//! Failover is by hand: an operator promotes a follower. Leadership is
//! numbered by epoch; the promoted node leads the next epoch, starting at
//! the LSN its own log had. Everything above that LSN on other nodes never
//! reached the new leader: when they learn of the new epoch they discard
//! it — acknowledged or not, those writes are gone from them. Every entry
//! names the client operation that wrote it, which identifies it across
//! logs, so a follower can check that its log agrees with its leader's
//! before appending (and rewind where it does not).
//!
//! Durable (survives a crash): epoch and leader, the flushed log and the
//! data. Volatile: received-but-unflushed entries, and the leader's
//! bookkeeping of acknowledgements and waiting writes.

mod config;
mod settings;
#[cfg(test)]
mod tests;

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

pub use config::{
    AckMode, Durability, SingleLeaderConfig, DEFAULT_FLUSH_MS, DEFAULT_SEMI_SYNC_TIMEOUT_MS,
};
pub use settings::{matching_settings, Settings};

use crate::node::{Ctx, Input, Message, NodeId, NodeView, OpId, Outcome, Protocol, Request};
use crate::protocol::ProtocolConfig;
use crate::scenario::{ms_to_instant, Scenario};
use crate::sim::describe_into;
use crate::time::Duration;

/// The node that leads the first epoch.
pub const LEADER: NodeId = NodeId(0);
/// The first leader's epoch.
pub const FIRST_EPOCH: u32 = 1;
/// Timer: a follower flushes what it has received.
pub const FLUSH_TIMER: u32 = 1;
/// Timer: the oldest write waiting for a semi-sync acknowledgement has
/// waited as long as it may.
pub const SEMI_SYNC_TIMER: u32 = 2;

/// One replicated write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub lsn: u64,
    pub key: String,
    pub value: i64,
    /// The client operation that wrote it: an entry's identity in any log.
    pub op: OpId,
}

/// A leadership: who leads which epoch, and the LSN its log had when it
/// took over (anything above that elsewhere never reached it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Term {
    pub epoch: u32,
    pub leader: NodeId,
    pub since: u64,
}

impl Term {
    fn first() -> Term {
        Term {
            epoch: FIRST_EPOCH,
            leader: LEADER,
            since: 0,
        }
    }

    /// Later epochs win. Two nodes promoted into the same epoch (a split
    /// brain) are ordered by node number, so every node picks the same one.
    fn outranks(&self, epoch: u32, leader: NodeId) -> bool {
        (self.epoch, self.leader) > (epoch, leader)
    }

    fn same_leadership(&self, other: &Term) -> bool {
        self.epoch == other.epoch && self.leader == other.leader
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// Leader → follower: append this entry. `prev` is the operation of
    /// the leader's entry just before it: the follower appends only when
    /// its own log agrees there.
    Replicate {
        term: Term,
        entry: Entry,
        prev: Option<OpId>,
    },
    /// Follower → leader: I have every entry up to `lsn` (received or
    /// flushed, as the durability setting says).
    Ack { epoch: u32, lsn: u64 },
    /// Follower → leader: my durable log ends at LSN `after` with the
    /// entry of operation `last`; send me what follows.
    Resume {
        epoch: u32,
        after: u64,
        last: Option<OpId>,
    },
    /// "`term.leader` leads `term.epoch`": a promoted leader's
    /// announcement, a leader's word after a restart, or a correction to a
    /// node still living in an older epoch.
    NewLeader { term: Term },
    /// Leader → follower: your log disagrees with mine; keep entries up
    /// to `keep` only, then ask again.
    Rewind { epoch: u32, keep: u64 },
}

impl Message for Msg {
    fn label(&self) -> &'static str {
        match self {
            Msg::Replicate { .. } => "replicate",
            Msg::Ack { .. } => "ack",
            Msg::Resume { .. } => "resume",
            Msg::NewLeader { .. } => "new leader",
            Msg::Rewind { .. } => "rewind",
        }
    }

    fn describe(&self, out: &mut String) {
        match self {
            Msg::Replicate { term, entry, .. } => describe_into(
                out,
                format_args!(
                    "LSN {}: {} = {} (epoch {})",
                    entry.lsn, entry.key, entry.value, term.epoch
                ),
            ),
            Msg::Ack { epoch, lsn } => {
                describe_into(out, format_args!("has up to LSN {lsn} (epoch {epoch})"))
            }
            Msg::Resume { epoch, after, .. } => describe_into(
                out,
                format_args!("send entries after LSN {after} (epoch {epoch})"),
            ),
            Msg::NewLeader { term } => describe_into(
                out,
                format_args!(
                    "{} leads epoch {} from LSN {}",
                    term.leader, term.epoch, term.since
                ),
            ),
            Msg::Rewind { epoch, keep } => {
                describe_into(out, format_args!("keep up to LSN {keep} (epoch {epoch})"))
            }
        }
    }
}

/// A write the leader has not answered yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Waiting {
    op: OpId,
    /// Local clock reading after which semi-sync gives up on it.
    deadline_us: i64,
}

#[derive(Clone, Debug)]
pub struct SingleLeaderNode {
    id: NodeId,
    config: SingleLeaderConfig,
    // Durable.
    term: Term,
    /// Flushed entries: entry `i` has LSN `i + 1`.
    log: Vec<Entry>,
    /// The data as of `log`: key → (value, LSN that wrote it).
    data: BTreeMap<String, (i64, u64)>,
    // Volatile.
    /// Received entries not flushed yet; they continue `log`.
    buffer: Vec<Entry>,
    flush_pending: bool,
    /// Leader: the highest LSN each node acknowledged (index = node).
    acked: Vec<u64>,
    /// Leader: writes waiting for acknowledgements, by LSN.
    waiting: BTreeMap<u64, Waiting>,
    /// Leader in semi-sync mode: a write timed out, so it answers at once
    /// until a follower has caught up.
    fell_back: bool,
}

impl SingleLeaderNode {
    pub fn new(scenario: &Scenario, id: NodeId) -> SingleLeaderNode {
        let config = match &scenario.protocol {
            ProtocolConfig::SingleLeader(c) => c.clone(),
            _ => SingleLeaderConfig::default(),
        };
        let nodes = usize::from(config.followers) + 1;
        SingleLeaderNode {
            id,
            config,
            term: Term::first(),
            log: Vec::new(),
            data: BTreeMap::new(),
            buffer: Vec::new(),
            flush_pending: false,
            acked: alloc::vec![0; nodes],
            waiting: BTreeMap::new(),
            fell_back: false,
        }
    }

    pub fn is_leader(&self) -> bool {
        self.term.leader == self.id
    }

    /// The leadership this node believes in.
    pub fn term(&self) -> Term {
        self.term
    }

    /// The durable LSN: the last flushed entry.
    pub fn lsn(&self) -> u64 {
        self.log.len() as u64
    }

    /// The last entry received, flushed or not.
    pub fn received_lsn(&self) -> u64 {
        (self.log.len() + self.buffer.len()) as u64
    }

    /// The durable log.
    pub fn log(&self) -> &[Entry] {
        &self.log
    }

    fn entry_at(&self, lsn: u64) -> Option<&Entry> {
        let i = usize::try_from(lsn.checked_sub(1)?).ok()?;
        match self.log.get(i) {
            Some(e) => Some(e),
            None => self.buffer.get(i - self.log.len()),
        }
    }

    fn op_at(&self, lsn: u64) -> Option<OpId> {
        self.entry_at(lsn).map(|e| e.op)
    }

    fn apply(&mut self, entry: Entry) {
        self.data
            .insert(entry.key.clone(), (entry.value, entry.lsn));
        self.log.push(entry);
    }

    /// Keeps entries up to LSN `keep`, flushed or not. Returns the durable
    /// entries discarded: the data no longer shows them.
    fn truncate_to(&mut self, keep: u64) -> Vec<Entry> {
        let keep = usize::try_from(keep).unwrap_or(usize::MAX);
        self.buffer.truncate(keep.saturating_sub(self.log.len()));
        let dropped = self.log.split_off(keep.min(self.log.len()));
        if !dropped.is_empty() {
            self.rebuild_data();
        }
        dropped
    }

    fn rebuild_data(&mut self) {
        self.data.clear();
        for e in &self.log {
            self.data.insert(e.key.clone(), (e.value, e.lsn));
        }
    }

    /// Moves every received entry to the durable log; the LSN range moved.
    fn flush(&mut self) -> Option<(u64, u64)> {
        if self.buffer.is_empty() {
            return None;
        }
        let first = self.lsn() + 1;
        for entry in core::mem::take(&mut self.buffer) {
            self.apply(entry);
        }
        Some((first, self.lsn()))
    }

    fn flush_delay(&self) -> Duration {
        Duration(ms_to_instant(self.config.flush_ms).0)
    }

    /// Under `received` durability a waited-for follower acknowledges on
    /// arrival; otherwise acknowledgements follow the flush.
    fn acks_on_receipt(&self) -> bool {
        self.config.durability == Durability::Received
            && self.config.waits_for(self.term.leader, self.id)
    }

    fn resume_request(&self) -> Msg {
        Msg::Resume {
            epoch: self.term.epoch,
            after: self.lsn(),
            last: self.op_at(self.lsn()),
        }
    }

    fn read(&self, ctx: &mut Ctx<'_, Msg>, op: OpId, key: &str) {
        let (value, version) = match self.data.get(key) {
            Some(&(v, lsn)) => (Some(v), lsn),
            None => (None, 0),
        };
        ctx.reply(op, Outcome::Read { value, version });
    }

    fn refuse_write(&self, ctx: &mut Ctx<'_, Msg>, op: OpId) {
        let reason = format!(
            "{} is a read-only follower: writes go to the leader ({}, epoch {})",
            self.id, self.term.leader, self.term.epoch
        );
        ctx.reply(op, Outcome::Failed { reason });
    }

    /// Corrects a node that still believes in leadership (`epoch`,
    /// `leader`) when this node knows a later one.
    fn correct_if_stale(&self, ctx: &mut Ctx<'_, Msg>, to: NodeId, epoch: u32, leader: NodeId) {
        if !self.term.outranks(epoch, leader) || to == self.id {
            return;
        }
        let t = self.term;
        let belief = if leader == to {
            String::from("it leads")
        } else {
            format!("{leader} leads")
        };
        let answer = if self.is_leader() {
            format!("it leads epoch {} now", t.epoch)
        } else {
            format!("{} leads epoch {} now", t.leader, t.epoch)
        };
        ctx.note(format!(
            "{} still believes {belief} epoch {epoch}; {} answers that {answer}.",
            capital(to),
            self.id
        ));
        ctx.send(to, Msg::NewLeader { term: t });
    }

    fn on_client(&mut self, ctx: &mut Ctx<'_, Msg>, op: OpId, request: Request) {
        match request {
            Request::Read { key } => self.read(ctx, op, &key),
            Request::Write { key, value } if self.is_leader() => {
                self.leader_write(ctx, op, key, value)
            }
            Request::Write { .. } => self.refuse_write(ctx, op),
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Msg>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Replicate { term, entry, prev } => self.on_replicate(ctx, from, term, entry, prev),
            Msg::NewLeader { term } => self.on_new_leader(ctx, from, term),
            Msg::Ack { epoch, lsn } => {
                if self.leads(epoch) {
                    self.on_ack(ctx, from, lsn);
                } else {
                    self.correct_if_stale(ctx, from, epoch, self.id);
                }
            }
            Msg::Resume { epoch, after, last } => {
                if self.leads(epoch) {
                    self.on_resume(ctx, from, after, last);
                } else {
                    self.correct_if_stale(ctx, from, epoch, self.id);
                }
            }
            Msg::Rewind { epoch, keep } => {
                if !self.is_leader() && from == self.term.leader && epoch == self.term.epoch {
                    self.on_rewind(ctx, keep);
                }
            }
        }
    }

    fn leads(&self, epoch: u32) -> bool {
        self.is_leader() && epoch == self.term.epoch
    }
}

/// The leader's side: writes, acknowledgements, the semi-sync fallback.
impl SingleLeaderNode {
    fn leader_write(&mut self, ctx: &mut Ctx<'_, Msg>, op: OpId, key: String, value: i64) {
        // A leader has flushed everything (promotion flushes first), so
        // the next LSN follows the durable log.
        let lsn = self.lsn() + 1;
        let entry = Entry {
            lsn,
            key,
            value,
            op,
        };
        let prev = self.op_at(lsn - 1);
        let what = format!("LSN {lsn} ({} = {})", entry.key, entry.value);
        for peer in ctx.peers() {
            ctx.send(
                peer,
                Msg::Replicate {
                    term: self.term,
                    entry: entry.clone(),
                    prev,
                },
            );
        }
        self.apply(entry);
        self.answer_or_wait(ctx, op, lsn, &what);
    }

    fn answer_or_wait(&mut self, ctx: &mut Ctx<'_, Msg>, op: OpId, lsn: u64, what: &str) {
        let me = capital(self.id);
        match self.config.ack {
            AckMode::Async => {
                ctx.note(format!("{me} wrote {what} and answered the client at once; the followers get it in the background."));
                ctx.reply(op, Outcome::Written { version: lsn });
            }
            AckMode::Sync => {
                let sync = self.config.synchronous_followers(self.id);
                if sync.is_empty() {
                    ctx.note(format!("{me} wrote {what}; none of its followers is a synchronous one, so it answered the client at once."));
                    ctx.reply(op, Outcome::Written { version: lsn });
                } else {
                    ctx.note(format!(
                        "{me} wrote {what}; the client waits until {} acknowledged it.",
                        group(&sync)
                    ));
                    self.wait(op, lsn, i64::MAX);
                }
            }
            AckMode::SemiSync if self.fell_back => {
                ctx.note(format!("{me} wrote {what} and answered at once: semi-sync has fallen back to asynchronous until a follower catches up."));
                ctx.reply(op, Outcome::Written { version: lsn });
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
                let first = self.waiting.is_empty();
                self.wait(op, lsn, deadline);
                if first {
                    self.arm_semi_sync_timer(ctx);
                }
            }
        }
    }

    fn wait(&mut self, op: OpId, lsn: u64, deadline_us: i64) {
        self.waiting.insert(lsn, Waiting { op, deadline_us });
    }

    /// The highest LSN the acknowledgement mode counts as confirmed.
    fn confirmed_lsn(&self) -> u64 {
        let followers = || {
            (0..self.acked.len() as u16)
                .map(NodeId)
                .filter(|&n| n != self.id)
        };
        match self.config.ack {
            AckMode::Async => self.lsn(),
            AckMode::SemiSync if self.fell_back => self.lsn(),
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

    fn acked_by(&self, node: NodeId) -> u64 {
        self.acked.get(node.index()).copied().unwrap_or(0)
    }

    fn on_ack(&mut self, ctx: &mut Ctx<'_, Msg>, from: NodeId, lsn: u64) {
        self.record_ack(ctx, from, lsn);
        self.release(ctx, from);
    }

    /// Notes how far `from` has got; a semi-sync leader that fell back
    /// turns semi-sync on again once a follower has all it has.
    fn record_ack(&mut self, ctx: &mut Ctx<'_, Msg>, from: NodeId, lsn: u64) {
        let lsn = lsn.min(self.lsn());
        if let Some(slot) = self.acked.get_mut(from.index()) {
            *slot = (*slot).max(lsn);
        }
        if self.fell_back && lsn >= self.lsn() {
            self.fell_back = false;
            ctx.note(format!(
                "{} has caught up with the leader's LSN {lsn}: semi-sync is back on, writes wait for a follower again.",
                capital(from)
            ));
        }
    }

    /// Answers every waiting write the mode now counts as confirmed.
    fn release(&mut self, ctx: &mut Ctx<'_, Msg>, by: NodeId) {
        let confirmed = self.confirmed_lsn();
        let mut released = false;
        while let Some((&lsn, &w)) = self.waiting.first_key_value() {
            if lsn > confirmed {
                break;
            }
            self.waiting.remove(&lsn);
            released = true;
            let why = match self.config.ack {
                AckMode::SemiSync => format!(
                    "{} acknowledged LSN {lsn}, and semi-sync needs just one follower",
                    capital(by)
                ),
                _ => format!(
                    "{} acknowledged LSN {lsn}, the last synchronous follower to do so",
                    capital(by)
                ),
            };
            ctx.note(format!(
                "{why}: the leader now tells the client the write succeeded."
            ));
            ctx.reply(w.op, Outcome::Written { version: lsn });
        }
        if released && self.config.ack == AckMode::SemiSync {
            self.arm_semi_sync_timer(ctx);
        }
    }

    /// Times the oldest waiting write's deadline (or stops the timer).
    fn arm_semi_sync_timer(&self, ctx: &mut Ctx<'_, Msg>) {
        match self.waiting.values().next() {
            Some(w) => {
                let left = w.deadline_us.saturating_sub(ctx.local_time_us).max(0) as u64;
                ctx.set_timer(SEMI_SYNC_TIMER, Duration(left), Duration(left));
            }
            None => ctx.cancel_timer(SEMI_SYNC_TIMER),
        }
    }

    /// No follower answered in time: give up waiting, like MySQL's
    /// semi-sync master switching itself off.
    fn semi_sync_timeout(&mut self, ctx: &mut Ctx<'_, Msg>) {
        if !self.is_leader() || self.config.ack != AckMode::SemiSync || self.waiting.is_empty() {
            return;
        }
        let oldest = self.waiting.keys().next().copied().unwrap_or(0);
        self.fell_back = true;
        let n = self.waiting.len();
        ctx.note(format!(
            "No follower acknowledged LSN {oldest} within {} ms: semi-sync falls back to asynchronous, and the leader answers {} without any follower's copy confirmed.",
            self.config.semi_sync_timeout_ms,
            if n == 1 { String::from("the waiting write") } else { format!("all {n} waiting writes") }
        ));
        for (lsn, w) in core::mem::take(&mut self.waiting) {
            ctx.reply(w.op, Outcome::Written { version: lsn });
        }
    }

    /// A follower reports where its durable log ends: send what follows if
    /// its log agrees with ours there, or tell it to rewind.
    fn on_resume(&mut self, ctx: &mut Ctx<'_, Msg>, from: NodeId, after: u64, last: Option<OpId>) {
        let agrees = after == 0 || (after <= self.lsn() && self.op_at(after) == last);
        if !agrees {
            let keep = after.saturating_sub(1).min(self.lsn());
            ctx.note(format!(
                "{}'s log does not match the leader's at LSN {after}: the leader tells it to keep entries up to LSN {keep} only.",
                capital(from)
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
        // Its durable log agrees up to `after`: that counts as acknowledged.
        self.record_ack(ctx, from, after);
        self.release(ctx, from);
        self.stream_after(ctx, from, after);
    }

    fn stream_after(&self, ctx: &mut Ctx<'_, Msg>, to: NodeId, after: u64) {
        let start = usize::try_from(after).unwrap_or(usize::MAX);
        let Some(missing) = self.log.get(start..).filter(|m| !m.is_empty()) else {
            return;
        };
        ctx.note(format!(
            "{} sends {to} the {} entr{} after LSN {after}.",
            capital(self.id),
            missing.len(),
            if missing.len() == 1 { "y" } else { "ies" }
        ));
        for entry in missing {
            ctx.send(
                to,
                Msg::Replicate {
                    term: self.term,
                    entry: entry.clone(),
                    prev: self.op_at(entry.lsn - 1),
                },
            );
        }
    }

    /// A later leadership exists: stop leading. Waiting writes were never
    /// confirmed, and this node can no longer confirm them.
    fn step_down(&mut self, ctx: &mut Ctx<'_, Msg>, old: Term) {
        let t = self.term;
        ctx.note(format!(
            "{} led epoch {}, but {} leads epoch {}: it steps down and becomes a follower.",
            capital(self.id),
            old.epoch,
            t.leader,
            t.epoch
        ));
        for (_, w) in core::mem::take(&mut self.waiting) {
            let reason = format!(
                "{} stepped down before the write was confirmed: {} leads epoch {} now",
                self.id, t.leader, t.epoch
            );
            ctx.reply(w.op, Outcome::Failed { reason });
        }
        self.fell_back = false;
        self.acked.iter_mut().for_each(|a| *a = 0);
        ctx.cancel_timer(SEMI_SYNC_TIMER);
    }

    /// An operator made this node the leader (a manual failover).
    fn promote(&mut self, ctx: &mut Ctx<'_, Msg>) {
        if self.is_leader() {
            ctx.note(format!(
                "{} already leads epoch {}: promoting it changes nothing.",
                capital(self.id),
                self.term.epoch
            ));
            return;
        }
        // Promotion first makes everything received durable, as a standby
        // replays all the WAL it has before it opens for writes.
        if let Some((a, b)) = self.flush() {
            ctx.note(format!(
                "{} first flushes {} it had received.",
                capital(self.id),
                lsn_range(a, b)
            ));
        }
        self.flush_pending = false;
        ctx.cancel_timer(FLUSH_TIMER);
        self.term = Term {
            epoch: self.term.epoch.saturating_add(1),
            leader: self.id,
            since: self.lsn(),
        };
        self.acked.iter_mut().for_each(|a| *a = 0);
        self.waiting.clear();
        self.fell_back = false;
        ctx.note(format!(
            "{} is promoted: it leads epoch {} from its LSN {} and tells every other node. Anything the old leader wrote after that LSN is not in its log.",
            capital(self.id),
            self.term.epoch,
            self.term.since
        ));
        for peer in ctx.peers() {
            ctx.send(peer, Msg::NewLeader { term: self.term });
        }
    }
}

/// The follower's side: receiving, flushing, following a new leader.
impl SingleLeaderNode {
    fn on_replicate(
        &mut self,
        ctx: &mut Ctx<'_, Msg>,
        from: NodeId,
        term: Term,
        entry: Entry,
        prev: Option<OpId>,
    ) {
        // Whoever sends entries leads (in its own view).
        let term = Term {
            leader: from,
            ..term
        };
        if term.same_leadership(&self.term) {
            if !self.is_leader() {
                self.receive(ctx, entry, prev);
            }
        } else if term.outranks(self.term.epoch, self.term.leader) {
            // Resuming fetches this entry again, checked against our log.
            self.follow(ctx, term);
        } else {
            if self.term.outranks(term.epoch, from) {
                ctx.note(format!(
                    "{} ignores LSN {} ({} = {}): it comes from epoch {}, which is over.",
                    capital(self.id),
                    entry.lsn,
                    entry.key,
                    entry.value,
                    term.epoch
                ));
            }
            self.correct_if_stale(ctx, from, term.epoch, from);
        }
    }

    fn on_new_leader(&mut self, ctx: &mut Ctx<'_, Msg>, from: NodeId, term: Term) {
        if term.same_leadership(&self.term) {
            if !self.is_leader() && from == term.leader {
                ctx.note(format!(
                    "{} hears from its leader {} again and reports where its log ends.",
                    capital(self.id),
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
    fn follow(&mut self, ctx: &mut Ctx<'_, Msg>, term: Term) {
        let old = self.term;
        let was_leader = self.is_leader();
        self.term = term;
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
            capital(self.id),
            term.leader,
            term.epoch,
            term.since
        ));
        // Unflushed entries came from the old leader's stream; the new
        // leader sends again whatever it has.
        self.buffer.clear();
        self.flush_pending = false;
        ctx.cancel_timer(FLUSH_TIMER);
        self.discard_above(ctx, term.since, "which the new leader never had");
        ctx.send(term.leader, self.resume_request());
    }

    /// Truncates the log above `keep`, narrating the writes that vanish.
    fn discard_above(&mut self, ctx: &mut Ctx<'_, Msg>, keep: u64, why: &str) {
        let dropped = self.truncate_to(keep);
        if let (Some(first), Some(last)) = (dropped.first(), dropped.last()) {
            ctx.note(format!(
                "{} discards {} ({}), {why}: {} gone from this node.",
                capital(self.id),
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
    fn receive(&mut self, ctx: &mut Ctx<'_, Msg>, entry: Entry, prev: Option<OpId>) {
        let have = self.received_lsn();
        if entry.lsn == 0 {
            return;
        }
        if entry.lsn > have + 1 {
            ctx.note(format!(
                "{} got LSN {} but has only up to LSN {have}: it asks the leader to send the missing entries.",
                capital(self.id),
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

    /// Buffers (or with no flush delay, applies) an entry that continues
    /// the log, and acknowledges it when the durability says so.
    fn take(&mut self, ctx: &mut Ctx<'_, Msg>, entry: Entry) {
        let me = capital(self.id);
        let what = format!("LSN {} ({} = {})", entry.lsn, entry.key, entry.value);
        let lsn = entry.lsn;
        if self.flush_delay() == Duration::ZERO {
            self.apply(entry);
            ctx.note(format!(
                "{me} received {what}, flushed and applied it, and acknowledges it."
            ));
            self.ack(ctx, lsn);
            return;
        }
        self.buffer.push(entry);
        if self.acks_on_receipt() {
            ctx.note(format!("{me} received {what} and acknowledges it at once, before flushing: until the flush a crash here loses it."));
            self.ack(ctx, lsn);
        } else {
            ctx.note(format!(
                "{me} received {what}; it acknowledges once the entry is flushed, {} ms from now at the latest.",
                self.config.flush_ms
            ));
        }
        if !self.flush_pending {
            self.flush_pending = true;
            let delay = self.flush_delay();
            ctx.set_timer(FLUSH_TIMER, delay, delay);
        }
    }

    fn ack(&self, ctx: &mut Ctx<'_, Msg>, lsn: u64) {
        ctx.send(
            self.term.leader,
            Msg::Ack {
                epoch: self.term.epoch,
                lsn,
            },
        );
    }

    fn on_flush_timer(&mut self, ctx: &mut Ctx<'_, Msg>) {
        self.flush_pending = false;
        let Some((a, b)) = self.flush() else {
            return;
        };
        let me = capital(self.id);
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
    }

    fn on_rewind(&mut self, ctx: &mut Ctx<'_, Msg>, keep: u64) {
        self.discard_above(ctx, keep, "where its leader's log differs");
        ctx.send(self.term.leader, self.resume_request());
    }

    fn on_recovered(&mut self, ctx: &mut Ctx<'_, Msg>) {
        let me = capital(self.id);
        if self.is_leader() {
            ctx.note(format!(
                "{me} is back and still believes it leads epoch {}: it tells the other nodes.",
                self.term.epoch
            ));
            for peer in ctx.peers() {
                ctx.send(peer, Msg::NewLeader { term: self.term });
            }
        } else {
            ctx.note(format!(
                "{me} is back with LSN {} and asks its leader ({}) for the rest.",
                self.lsn(),
                self.term.leader
            ));
            ctx.send(self.term.leader, self.resume_request());
        }
    }
}

impl Protocol for SingleLeaderNode {
    type Msg = Msg;

    fn on_input(&mut self, ctx: &mut Ctx<'_, Msg>, input: Input<Msg>) {
        match input {
            Input::Start => {}
            Input::Recovered => self.on_recovered(ctx),
            Input::Promote => self.promote(ctx),
            Input::Timer(FLUSH_TIMER) => self.on_flush_timer(ctx),
            Input::Timer(SEMI_SYNC_TIMER) => self.semi_sync_timeout(ctx),
            Input::Timer(_) => {}
            Input::Client { op, request } => self.on_client(ctx, op, request),
            Input::Message { from, msg } => self.on_message(ctx, from, msg),
        }
    }

    fn on_crash(&mut self) {
        self.buffer.clear();
        self.flush_pending = false;
        self.waiting.clear();
        self.fell_back = false;
        self.acked.iter_mut().for_each(|a| *a = 0);
    }

    fn view(&self) -> NodeView {
        let mut fields = alloc::vec![
            field("LSN", format!("{}", self.lsn())),
            field("epoch", format!("{}", self.term.epoch)),
        ];
        if self.is_leader() {
            fields.extend(self.leader_fields());
        } else {
            fields.extend(self.follower_fields());
        }
        NodeView {
            role: String::from(if self.is_leader() {
                "leader"
            } else {
                "follower"
            }),
            fields,
            data: self.data.iter().map(|(k, v)| (k.clone(), v.0)).collect(),
        }
    }

    fn has_applied(&self, op: OpId) -> bool {
        self.log.iter().any(|e| e.op == op)
    }
}

/// What the inspector shows.
impl SingleLeaderNode {
    fn leader_fields(&self) -> Vec<(String, String)> {
        let lsn = self.lsn();
        let acks: Vec<String> = (0..self.acked.len() as u16)
            .map(NodeId)
            .filter(|&n| n != self.id)
            .map(|n| {
                let a = self.acked_by(n);
                format!("{n}: LSN {a} (lag {})", lsn.saturating_sub(a))
            })
            .collect();
        let waiting: Vec<String> = self.waiting.keys().map(|l| format!("LSN {l}")).collect();
        alloc::vec![
            field("mode", self.mode_text()),
            field("acknowledged", acks.join(", ")),
            field(
                "waiting writes",
                if waiting.is_empty() {
                    String::from("none")
                } else {
                    waiting.join(", ")
                },
            ),
        ]
    }

    fn mode_text(&self) -> String {
        match self.config.ack {
            AckMode::Async => String::from("async"),
            AckMode::SemiSync if self.fell_back => String::from("async (semi-sync fell back)"),
            AckMode::SemiSync => String::from("semi-sync"),
            AckMode::Sync => {
                let sync = self.config.synchronous_followers(self.id);
                if sync.is_empty() {
                    String::from("sync, but no synchronous follower: answers at once")
                } else {
                    format!("sync (waits for {})", group(&sync))
                }
            }
        }
    }

    fn follower_fields(&self) -> Vec<(String, String)> {
        let acks = if self.acks_on_receipt() {
            "on receipt, before flushing"
        } else {
            "after flushing"
        };
        alloc::vec![
            field("leader", format!("{}", self.term.leader)),
            field("received LSN", format!("{}", self.received_lsn())),
            field("unflushed entries", format!("{}", self.buffer.len())),
            field("acknowledges", String::from(acks)),
        ]
    }
}

fn field(name: &str, value: String) -> (String, String) {
    (String::from(name), value)
}

/// "Node 2", to start a sentence.
fn capital(node: NodeId) -> String {
    format!("Node {}", u32::from(node.0) + 1)
}

/// "node 2" or "nodes 2, 3".
fn group(nodes: &[NodeId]) -> String {
    match nodes {
        [one] => format!("{one}"),
        _ => {
            let ids: Vec<String> = nodes
                .iter()
                .map(|n| format!("{}", u32::from(n.0) + 1))
                .collect();
            format!("nodes {}", ids.join(", "))
        }
    }
}

/// "LSN 4" or "LSN 4–6".
fn lsn_range(first: u64, last: u64) -> String {
    if first == last {
        format!("LSN {first}")
    } else {
        format!("LSN {first}–{last}")
    }
}

/// "x = 1, y = 2" for the first few entries.
fn entries_text(entries: &[Entry]) -> String {
    const SHOWN: usize = 3;
    let mut parts: Vec<String> = entries
        .iter()
        .take(SHOWN)
        .map(|e| format!("{} = {}", e.key, e.value))
        .collect();
    if entries.len() > SHOWN {
        parts.push(format!("and {} more", entries.len() - SHOWN));
    }
    parts.join(", ")
}
