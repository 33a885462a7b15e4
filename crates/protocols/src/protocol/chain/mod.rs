//! Chain replication (van Renesse & Schneider, "Chain Replication for
//! Supporting High Throughput and Availability", OSDI 2004) and its read
//! extension CRAQ (Terrace & Freedman, "Object Storage on CRAQ", USENIX
//! ATC 2009).
//!
//! The servers form a line. Every write enters at the head, which gives
//! it the next sequence number and passes it to its successor; each
//! server passes it on in order, and the last one, the tail, commits it.
//! The acknowledgement then travels back up the line, and each server it
//! passes marks that write clean (committed). Only then does the server
//! the client contacted (its proxy) answer the client: a write is never
//! acknowledged before every server in the chain holds it.
//!
//! Reads go to the tail, which holds exactly the committed writes, so
//! every read is strongly consistent and no server but the tail does
//! any read work. CRAQ spreads reads: any server answers a read of an
//! object it holds only clean versions of, from its own copy; for an
//! object with a dirty (uncommitted) version it asks the tail which
//! version is committed and answers with that one.
//!
//! A configuration master ([`master`]) — here one extra node, which is
//! not itself replicated — hears from every chain server and removes a
//! server it has not heard from for a while; it numbers each new chain
//! and tells every node. When a server leaves, its predecessor re-sends
//! to its new successor every write that successor lacks; a tail that
//! leaves makes its predecessor the tail, which commits what it holds; a
//! head that leaves makes the next server the head. Clients' proxies
//! re-send unanswered requests with the same request id, and the head
//! numbers each request id once, so nothing is applied twice. A server
//! that restarts after the master removed it, or a new one an operator
//! adds, joins at the tail after copying the current tail's writes.
//!
//! Durable (survives a crash): the configuration the node knows, its
//! writes, how far they are committed, and whether it is a full member.
//! Volatile: its read lease, its proxied client requests, what it knows
//! of its successor, and the master's failure-detection clocks.

mod config;
mod family;
mod master;
mod message;
pub mod params;
mod request;
pub(crate) mod settings;
mod timer;
mod view;

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

pub use config::{
    ChainConfig, DEFAULT_HEARTBEAT_MS, DEFAULT_RETRY_MS, DEFAULT_TIMEOUT_MS, MAX_NODES, MAX_SPARES,
};
pub use message::{Msg, Write};
pub use request::{Command, Request};
pub use settings::matching_settings;
pub use timer::Timer;

use crate::chunked::Chunked;
use crate::node::{
    self, Ctx, Input, NodeId, NodeView, OpId, OperatorAction, Outcome, Protocol, Volatile,
};
use crate::opset::OpSet;

/// A key's versions on one node: the newest committed (clean) one, and
/// newer writes not committed yet (dirty), oldest first. Each is
/// `(sequence number, value)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Versions {
    pub clean: Option<(u64, i64)>,
    pub dirty: Vec<(u64, i64)>,
}

/// Where a server stands with the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Membership {
    /// A spare: outside the chain until an operator adds it.
    Spare,
    /// Asked to join (or removed, and asking to come back): its writes
    /// are not the chain's until its predecessor has sent it a copy.
    Joining,
    /// Holds the chain's writes, in order, with no gap.
    Member,
}

/// A client request this node forwarded and has not answered yet.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Waiting {
    Write {
        key: String,
        value: i64,
        /// The write's number, once it has passed through this node.
        seq: Option<u64>,
        /// Local clock when it was last sent.
        sent_us: i64,
    },
    Read {
        key: String,
        sent_us: i64,
    },
}

/// What a crash wipes.
#[derive(Clone, Debug)]
struct Memory {
    /// Reads may be answered from this node's copy until this local clock
    /// reading (the master promised not to replace it before then).
    lease_until: i64,
    /// Asked the predecessor for the writes it lacks; no copy yet.
    awaiting_copy: bool,
    /// The successor has told us (or we assumed) what it holds, so new
    /// writes can stream to it.
    succ_ready: bool,
    /// The successor holds writes up to here, as far as we know.
    succ_last: u64,
    /// Writes up to here have been sent to the successor.
    sent_upto: u64,
    /// When to send again the writes the successor has not confirmed.
    resend_at: Option<i64>,
    /// Client requests this node is the proxy for.
    waiting: BTreeMap<OpId, Waiting>,
    retry_armed: bool,
    /// Master: each chain server's latest heartbeat, by the master's clock.
    heard: BTreeMap<NodeId, i64>,
}

impl Memory {
    fn new() -> Memory {
        Memory {
            lease_until: i64::MIN,
            awaiting_copy: false,
            succ_ready: false,
            succ_last: 0,
            sent_upto: 0,
            resend_at: None,
            waiting: BTreeMap::new(),
            retry_armed: false,
            heard: BTreeMap::new(),
        }
    }
}

/// A chain server, the master, or a spare.
#[derive(Clone, Debug)]
pub struct ChainNode {
    id: NodeId,
    config: ChainConfig,
    // Durable.
    /// The configuration this node knows: its number and the chain, head
    /// first.
    version: u32,
    chain: Vec<NodeId>,
    membership: Membership,
    /// Writes 1..=n, in order (entry `i` is write `i + 1`). Chunked, so
    /// the simulator's checkpoints share it instead of copying it.
    log: Chunked<Write>,
    /// Writes up to here are committed (clean).
    committed: u64,
    /// Every request id in `log`.
    ops: OpSet,
    store: BTreeMap<String, Versions>,
    /// Master: chain servers known to hold every write (not still copying).
    synced: BTreeSet<NodeId>,
    volatile: Volatile<Memory>,
}

impl ChainNode {
    pub fn new(config: &ChainConfig, id: NodeId) -> ChainNode {
        let chain = config.first_chain();
        let membership = if chain.contains(&id) {
            Membership::Member
        } else {
            Membership::Spare
        };
        let synced = if id == config.master() {
            chain.iter().copied().collect()
        } else {
            BTreeSet::new()
        };
        ChainNode {
            id,
            config: config.clone(),
            version: 1,
            chain,
            membership,
            log: Chunked::new(),
            committed: 0,
            ops: OpSet::new(),
            store: BTreeMap::new(),
            synced,
            volatile: Volatile::new(Memory::new()),
        }
    }

    pub fn is_master(&self) -> bool {
        self.id == self.config.master()
    }

    /// The configuration number this node knows.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// The chain as this node knows it, head first.
    pub fn chain(&self) -> &[NodeId] {
        &self.chain
    }

    pub fn membership(&self) -> Membership {
        self.membership
    }

    /// The writes this node holds (numbered 1..=n).
    pub fn writes(&self) -> Vec<Write> {
        self.log.iter().cloned().collect()
    }

    /// How many writes it holds: its last write's number.
    pub fn last(&self) -> u64 {
        self.log.len() as u64
    }

    /// Writes up to here are committed.
    pub fn committed(&self) -> u64 {
        self.committed
    }

    /// `key`'s versions on this node.
    pub fn versions(&self, key: &str) -> Versions {
        self.store.get(key).cloned().unwrap_or_default()
    }

    fn in_chain(&self) -> bool {
        self.chain.contains(&self.id)
    }

    fn position(&self) -> Option<usize> {
        self.chain.iter().position(|&n| n == self.id)
    }

    fn pred(&self) -> Option<NodeId> {
        let i = self.position()?;
        i.checked_sub(1).map(|p| self.chain[p])
    }

    fn succ(&self) -> Option<NodeId> {
        let i = self.position()?;
        self.chain.get(i + 1).copied()
    }

    pub fn is_head(&self) -> bool {
        self.chain.first() == Some(&self.id) && self.membership == Membership::Member
    }

    pub fn is_tail(&self) -> bool {
        self.chain.last() == Some(&self.id) && self.membership == Membership::Member
    }

    /// A member holding a lease: its copy may answer reads.
    fn serves_reads(&self, now: i64) -> bool {
        self.membership == Membership::Member && self.in_chain() && self.volatile.lease_until > now
    }

    /// The committed value of `key` and the write that made it.
    fn committed_value(&self, key: &str) -> (Option<i64>, u64) {
        match self.store.get(key).and_then(|v| v.clean) {
            Some((seq, value)) => (Some(value), seq),
            None => (None, 0),
        }
    }

    fn write_at(&self, seq: u64) -> Option<&Write> {
        self.log.get(usize::try_from(seq.checked_sub(1)?).ok()?)
    }

    fn seq_of(&self, op: OpId) -> Option<u64> {
        if !self.ops.contains(op) {
            return None;
        }
        (0..self.log.len())
            .rev()
            .find(|&i| self.log.get(i).is_some_and(|w| w.op == op))
            .map(|i| i as u64 + 1)
    }

    /// Appends the next write (its number must follow the last one).
    fn append(&mut self, write: Write) {
        debug_assert_eq!(write.seq, self.last() + 1);
        self.ops.insert(write.op);
        self.store
            .entry(write.key.clone())
            .or_default()
            .dirty
            .push((write.seq, write.value));
        if let Some(Waiting::Write { seq, .. }) = self.volatile.waiting.get_mut(&write.op) {
            *seq = Some(write.seq);
        }
        self.log.push(write);
    }

    /// Marks writes up to `upto` committed (never beyond what it holds)
    /// and answers the clients whose writes that covers. True if
    /// anything changed.
    fn commit_to(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, upto: u64) -> bool {
        let upto = upto.min(self.last());
        if upto <= self.committed {
            return false;
        }
        for seq in self.committed + 1..=upto {
            let Some(w) = self.log.get(seq as usize - 1) else {
                break;
            };
            let (key, value) = (w.key.clone(), w.value);
            let v = self.store.entry(key).or_default();
            let done = v.dirty.iter().take_while(|d| d.0 <= seq).count();
            v.dirty.drain(..done);
            v.clean = Some((seq, value));
        }
        self.committed = upto;
        self.answer_committed(ctx);
        true
    }

    /// Answers every proxied write that is now committed.
    fn answer_committed(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        let committed = self.committed;
        let done: Vec<(OpId, u64)> = self
            .volatile
            .waiting
            .iter()
            .filter_map(|(&op, w)| match w {
                Waiting::Write { seq: Some(s), .. } if *s <= committed => Some((op, *s)),
                _ => None,
            })
            .collect();
        for (op, seq) in done {
            self.volatile.waiting.remove(&op);
            ctx.reply(op, Outcome::written(seq));
            ctx.note(format!(
                "{} answers request #{}: committed as write {seq}.",
                self.id.capitalised(),
                op.0
            ));
        }
    }

    /// Forgets every write: the node will copy the chain's again.
    fn wipe(&mut self) {
        self.log = Chunked::new();
        self.committed = 0;
        self.ops = OpSet::new();
        self.store.clear();
        for w in self.volatile.waiting.values_mut() {
            if let Waiting::Write { seq, .. } = w {
                *seq = None;
            }
        }
        let m = &mut *self.volatile;
        m.awaiting_copy = false;
        m.succ_ready = false;
        m.succ_last = 0;
        m.sent_upto = 0;
        m.resend_at = None;
        m.lease_until = i64::MIN;
    }

    /// Sends the successor every write it has not been sent yet.
    fn pump(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        let Some(succ) = self.succ() else { return };
        if self.membership != Membership::Member || !self.volatile.succ_ready {
            return;
        }
        while self.volatile.sent_upto < self.last() {
            let seq = self.volatile.sent_upto + 1;
            let Some(write) = self.write_at(seq).cloned() else {
                break;
            };
            ctx.send(
                succ,
                Msg::Forward {
                    version: self.version,
                    write,
                },
            );
            self.volatile.sent_upto = seq;
        }
    }

    /// While some write it holds is not known to be committed, it sends
    /// the successor something every retry interval (what the successor
    /// may lack, or else its last write again), so that a lost write or
    /// a lost acknowledgement is noticed: the successor answers a repeat
    /// with how far it knows the chain has committed.
    fn schedule_resend(&mut self, now: i64) {
        let uncommitted = self.committed < self.last();
        let has_succ = self.succ().is_some();
        let m = &mut *self.volatile;
        if !uncommitted || !has_succ || !m.succ_ready {
            m.resend_at = None;
        } else if m.resend_at.is_none() {
            m.resend_at = Some(now + self.config.retry().0 as i64);
        }
    }

    /// Tells the predecessor how far the chain has committed and what this
    /// node holds.
    fn ack_up(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        if let Some(pred) = self.pred() {
            ctx.send(
                pred,
                Msg::Ack {
                    version: self.version,
                    upto: self.committed,
                    has: self.last(),
                },
            );
        }
    }

    /// The tail commits whatever it holds and says so upstream.
    fn tail_commits(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        if !self.is_tail() {
            return;
        }
        let from = self.committed;
        if self.commit_to(ctx, self.last()) {
            ctx.note(format!(
                "{} is the tail: it commits {} and sends the acknowledgement back up the chain.",
                self.id.capitalised(),
                range_text(from + 1, self.committed)
            ));
            self.ack_up(ctx);
        }
    }

    fn send_resume(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        if let Some(pred) = self.pred() {
            ctx.send(
                pred,
                Msg::Resume {
                    version: self.version,
                    last: self.last(),
                },
            );
            self.volatile.awaiting_copy = true;
        }
    }

    /// Sends the successor the writes after `after`, and streams from
    /// there on.
    fn send_copy(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, succ: NodeId, after: u64) {
        let writes: Vec<Write> = self
            .log
            .iter_from(usize::try_from(after).unwrap_or(usize::MAX))
            .cloned()
            .collect();
        let now = ctx.local_time_us;
        ctx.send(
            succ,
            Msg::Copy {
                version: self.version,
                after,
                writes,
                committed: self.committed,
                vouched: self.serves_reads(now),
            },
        );
        let m = &mut *self.volatile;
        m.succ_ready = true;
        m.succ_last = after;
        m.sent_upto = self.log.len() as u64;
        m.resend_at = None;
        self.schedule_resend(now);
    }

    /// A configuration from the master, if newer than the one it knows.
    fn adopt(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, version: u32, chain: Vec<NodeId>) {
        if version <= self.version || self.is_master() {
            return;
        }
        let (old_pred, old_succ, was_in) = (self.pred(), self.succ(), self.in_chain());
        self.version = version;
        let old_chain = core::mem::replace(&mut self.chain, chain);
        if !self.in_chain() {
            if self.membership == Membership::Member {
                ctx.note(format!(
                    "{} learns it is no longer in the chain (config {version}): it drops its copy and asks to join again at the tail.",
                    self.id.capitalised()
                ));
                self.wipe();
                self.membership = Membership::Joining;
                ctx.send(self.config.master(), Msg::Join);
            }
            return;
        }
        if self.membership == Membership::Spare {
            self.membership = Membership::Joining;
        }
        let (pred, succ) = (self.pred(), self.succ());
        let joining = self.membership == Membership::Joining || !was_in;
        match pred {
            // A joiner holds nothing it can vouch for: it asks for
            // everything after what it holds.
            Some(_) if joining => self.send_resume(ctx),
            // A member whose predecessor was removed: the new predecessor
            // sends what it may lack on its own (below, on its side); the
            // retry tick asks if that copy never comes.
            Some(_) if pred != old_pred => self.volatile.awaiting_copy = true,
            Some(_) => {}
            None => self.volatile.awaiting_copy = false,
        }
        if succ != old_succ || !was_in {
            self.volatile.succ_ready = false;
            self.volatile.resend_at = None;
            match (succ, self.membership) {
                (Some(s), Membership::Member) if old_chain.contains(&s) => {
                    // The paper's rule: re-send what the new successor may
                    // lack — every write not yet known to be committed.
                    let after = self.committed;
                    self.send_copy(ctx, s, after);
                }
                // A server joining at the tail says what it holds first.
                _ => {}
            }
        }
        let role = if self.chain.len() == 1 {
            "the whole chain"
        } else if pred.is_none() {
            "the head"
        } else if succ.is_none() {
            "the tail"
        } else {
            "a middle node"
        };
        ctx.note(format!(
            "{} adopts config {version}: {}; it is {role}.",
            self.id.capitalised(),
            chain_text(&self.chain)
        ));
        self.tail_commits(ctx);
    }

    fn on_start(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        if self.is_master() {
            self.master_start(ctx);
            return;
        }
        if self.membership == Membership::Member {
            // The master counts every first member as heard at the start,
            // so a lease from the start is one it would have granted.
            self.volatile.lease_until = ctx.local_time_us + self.config.lease().0 as i64;
            self.volatile.succ_ready = true;
            ctx.set_timer(
                Timer::Renew,
                self.config.heartbeat(),
                self.config.heartbeat(),
            );
        }
    }

    fn on_recovered(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        if self.is_master() {
            self.master_start(ctx);
            return;
        }
        match self.membership {
            Membership::Spare => {}
            Membership::Joining => {
                ctx.send(self.config.master(), Msg::Join);
                ctx.set_timer(
                    Timer::Renew,
                    self.config.heartbeat(),
                    self.config.heartbeat(),
                );
            }
            Membership::Member => {
                // Its writes are on disk; it tells the master it is back
                // and asks its predecessor for anything it missed. If the
                // master removed it meanwhile, the answer says so and it
                // joins again at the tail.
                self.renew(ctx);
                ctx.set_timer(
                    Timer::Renew,
                    self.config.heartbeat(),
                    self.config.heartbeat(),
                );
                self.send_resume(ctx);
                // What it had sent its successor is forgotten: send again
                // every write not known to be committed.
                if let Some(succ) = self.succ() {
                    let after = self.committed;
                    self.send_copy(ctx, succ, after);
                }
                self.tail_commits(ctx);
            }
        }
    }

    fn renew(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        ctx.send(
            self.config.master(),
            Msg::Renew {
                version: self.version,
                stamp: ctx.local_time_us,
                synced: self.membership == Membership::Member,
            },
        );
    }

    fn on_renew_timer(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        if self.membership != Membership::Spare {
            self.renew(ctx);
            ctx.set_timer(
                Timer::Renew,
                self.config.heartbeat(),
                self.config.heartbeat(),
            );
        }
    }

    fn on_command(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, command: Command) {
        match command {
            Command::Join if self.is_master() => {
                ctx.note(String::from(
                    "The master is not a chain server: it cannot join the chain.",
                ));
            }
            Command::Join if self.membership == Membership::Member && self.in_chain() => {
                ctx.note(format!(
                    "{} is already in the chain.",
                    self.id.capitalised()
                ));
            }
            Command::Join if self.membership == Membership::Joining => {
                ctx.note(format!(
                    "{} is already joining the chain.",
                    self.id.capitalised()
                ));
            }
            Command::Join => {
                self.wipe();
                self.membership = Membership::Joining;
                ctx.send(self.config.master(), Msg::Join);
                ctx.set_timer(
                    Timer::Renew,
                    self.config.heartbeat(),
                    self.config.heartbeat(),
                );
                ctx.note(format!(
                    "{} asks the master to add it at the tail of the chain.",
                    self.id.capitalised()
                ));
            }
        }
    }

    // ---- Client requests (this node as the client's proxy) ----

    fn on_client(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, op: OpId, request: Request) {
        if self.is_master() {
            ctx.reply(
                op,
                Outcome::Failed {
                    reason: format!(
                        "{} is the chain's configuration master: send reads and writes to a chain server",
                        self.id
                    ),
                },
            );
            return;
        }
        let now = ctx.local_time_us;
        match request {
            Request::Write { key, value } => {
                let seq = self.seq_of(op);
                self.volatile.waiting.insert(
                    op,
                    Waiting::Write {
                        key,
                        value,
                        seq,
                        sent_us: now,
                    },
                );
                self.dispatch_write(ctx, op);
            }
            Request::Read { key } => {
                self.volatile
                    .waiting
                    .insert(op, Waiting::Read { key, sent_us: now });
                self.dispatch_read(ctx, op);
            }
        }
    }

    fn dispatch_write(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, op: OpId) {
        let Some(Waiting::Write { key, value, .. }) = self.volatile.waiting.get(&op).cloned()
        else {
            return;
        };
        let Some(&head) = self.chain.first() else {
            return;
        };
        if head == self.id {
            self.submit(ctx, self.id, op, key, value);
        } else {
            ctx.send(head, Msg::Submit { op, key, value });
        }
    }

    /// The head takes request `op` (from proxy `from`): numbers it, unless
    /// it already has (the proxy sent it again).
    fn submit(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        from: NodeId,
        op: OpId,
        key: String,
        value: i64,
    ) {
        if !self.is_head() {
            return;
        }
        if let Some(seq) = self.seq_of(op) {
            // Applied once only: a repeat is answered, never numbered again.
            if seq <= self.committed {
                if from == self.id {
                    self.answer_committed(ctx);
                } else {
                    ctx.send(from, Msg::Done { op, seq });
                }
            }
            ctx.note(format!(
                "{} already has request #{} as write {seq}: it does not apply it twice.",
                self.id.capitalised(),
                op.0
            ));
            return;
        }
        let seq = self.last() + 1;
        self.append(Write {
            seq,
            op,
            key: key.clone(),
            value,
        });
        ctx.note(format!(
            "{} is the head: request #{} becomes write {seq} ({key} = {value}), dirty until the tail commits it.",
            self.id.capitalised(),
            op.0
        ));
        self.pump(ctx);
        self.tail_commits(ctx);
    }

    fn dispatch_read(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, op: OpId) {
        let Some(Waiting::Read { key, .. }) = self.volatile.waiting.get(&op).cloned() else {
            return;
        };
        let now = ctx.local_time_us;
        let tail = self.chain.last().copied();
        if self.serves_reads(now) {
            if tail == Some(self.id) {
                let (value, version) = self.committed_value(&key);
                self.answer_read(
                    ctx,
                    op,
                    value,
                    version,
                    "the tail, which holds only committed writes",
                );
                return;
            }
            if self.config.craq {
                let dirty = self.store.get(&key).is_some_and(|v| !v.dirty.is_empty());
                if !dirty {
                    let (value, version) = self.committed_value(&key);
                    self.answer_read(ctx, op, value, version, "its own clean copy (CRAQ)");
                    return;
                }
                if let Some(tail) = tail {
                    ctx.note(format!(
                        "{} holds a dirty version of {key}: it asks the tail which version is committed.",
                        self.id.capitalised()
                    ));
                    ctx.send(tail, Msg::VersionQuery { op, key });
                }
                return;
            }
        }
        match tail {
            Some(tail) if tail != self.id => ctx.send(tail, Msg::Read { op, key }),
            // The tail itself without a lease waits for one (or for a
            // newer configuration).
            _ => {}
        }
    }

    fn answer_read(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        op: OpId,
        value: Option<i64>,
        version: u64,
        from: &str,
    ) {
        if self.volatile.waiting.remove(&op).is_none() {
            return;
        }
        ctx.reply(op, Outcome::read(value, version));
        let what = match value {
            Some(v) => format!("{v} (write {version})"),
            None => String::from("nothing: never written"),
        };
        ctx.note(format!(
            "{} answers read #{} from {from}: {what}.",
            self.id.capitalised(),
            op.0
        ));
    }

    // ---- Messages ----

    fn on_message(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, from: NodeId, msg: Msg) {
        if self.is_master() {
            self.master_message(ctx, from, msg);
            return;
        }
        match msg {
            Msg::Submit { op, key, value } => {
                if !self.is_head() {
                    ctx.note(format!(
                        "{} is not the head (as far as it knows): it drops request #{}; the proxy will send it again.",
                        self.id.capitalised(),
                        op.0
                    ));
                }
                self.submit(ctx, from, op, key, value);
            }
            Msg::Forward { version, write } => self.on_forward(ctx, from, version, write),
            Msg::Ack { upto, has, .. } => self.on_ack(ctx, from, upto, has),
            Msg::Resume { version, last } => {
                if version == self.version
                    && Some(from) == self.succ()
                    && self.membership == Membership::Member
                {
                    self.send_copy(ctx, from, last.min(self.last()));
                }
            }
            Msg::Copy {
                version,
                after,
                writes,
                committed,
                vouched,
            } => {
                // A joiner becomes a member only on the word of a server
                // the master still counts in the chain: one that was
                // removed while it was down (and does not know it yet)
                // may lack committed writes.
                if self.membership == Membership::Joining && !vouched {
                    return;
                }
                self.on_copy(ctx, from, version, after, writes, committed)
            }
            Msg::Done { op, seq } => {
                if let Some(Waiting::Write { .. }) = self.volatile.waiting.get(&op) {
                    self.volatile.waiting.remove(&op);
                    ctx.reply(op, Outcome::written(seq));
                    ctx.note(format!(
                        "{} answers request #{}: the head says it was committed as write {seq}.",
                        self.id.capitalised(),
                        op.0
                    ));
                }
            }
            Msg::Read { op, key } => {
                if self.is_tail() && self.serves_reads(ctx.local_time_us) {
                    let (value, version) = self.committed_value(&key);
                    ctx.send(from, Msg::Value { op, value, version });
                }
            }
            Msg::Value { op, value, version } => {
                self.answer_read(ctx, op, value, version, "the tail's answer");
            }
            Msg::VersionQuery { op, key } => {
                if self.is_tail() && self.serves_reads(ctx.local_time_us) {
                    let (_, seq) = self.committed_value(&key);
                    let writer = self.write_at(seq).map(|w| w.op);
                    ctx.send(
                        from,
                        Msg::Version {
                            op,
                            key,
                            seq,
                            writer,
                        },
                    );
                }
            }
            Msg::Version {
                op,
                key,
                seq,
                writer,
            } => {
                if seq == 0 {
                    self.answer_read(ctx, op, None, 0, "the tail's committed version");
                } else if let Some(w) = self
                    .write_at(seq)
                    .filter(|w| Some(w.op) == writer && w.key == key)
                {
                    let value = w.value;
                    self.answer_read(
                        ctx,
                        op,
                        Some(value),
                        seq,
                        "its own copy of the version the tail committed",
                    );
                }
            }
            Msg::Lease { stamp, .. } => {
                let until = stamp + self.config.lease().0 as i64;
                let was = self.serves_reads(ctx.local_time_us);
                if until > self.volatile.lease_until {
                    self.volatile.lease_until = until;
                }
                if !was && self.serves_reads(ctx.local_time_us) {
                    self.retry_reads(ctx);
                }
            }
            Msg::Config { version, chain } => {
                self.adopt(ctx, version, chain);
                self.retry_reads(ctx);
            }
            Msg::Renew { .. } | Msg::Join => {}
        }
    }

    fn on_forward(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        from: NodeId,
        version: u32,
        write: Write,
    ) {
        // A joiner takes nothing before its copy: its log starts from a
        // copy vouched for by a current member, never from whatever a
        // predecessor that may be stale streams to it.
        if version != self.version
            || Some(from) != self.pred()
            || self.membership != Membership::Member
        {
            return;
        }
        let last = self.last();
        if write.seq <= last {
            // A repeat (its sender re-sent what it had no word of): say
            // what this node has, so the sender stops.
            ctx.send(
                from,
                Msg::Ack {
                    version: self.version,
                    upto: self.committed,
                    has: last,
                },
            );
            return;
        }
        if write.seq > last + 1 {
            // A gap: something was lost on the way. Ask for the rest.
            if !self.volatile.awaiting_copy {
                self.send_resume(ctx);
            }
            return;
        }
        self.append(write);
        if self.succ().is_some() {
            self.pump(ctx);
        } else {
            self.tail_commits(ctx);
        }
    }

    fn on_ack(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, from: NodeId, upto: u64, has: u64) {
        // Accepted from the current successor in any configuration: what
        // it says about commits is true whatever it believes.
        if Some(from) != self.succ() || self.membership != Membership::Member {
            return;
        }
        let m = &mut *self.volatile;
        if has > m.succ_last {
            m.succ_last = has.min(self.log.len() as u64);
        }
        let from_seq = self.committed;
        if self.commit_to(ctx, upto) {
            ctx.note(format!(
                "{} marks {} clean and passes the acknowledgement up.",
                self.id.capitalised(),
                range_text(from_seq + 1, self.committed)
            ));
            self.ack_up(ctx);
        }
    }

    fn on_copy(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        from: NodeId,
        version: u32,
        after: u64,
        writes: Vec<Write>,
        committed: u64,
    ) {
        if version != self.version
            || Some(from) != self.pred()
            || self.membership == Membership::Spare
        {
            return;
        }
        if after > self.last() {
            // It assumed this node holds more than it does: ask for
            // everything after what it really holds.
            if !self.volatile.awaiting_copy {
                self.send_resume(ctx);
            }
            return;
        }
        let before = self.last();
        for w in writes {
            if w.seq == self.last() + 1 {
                self.append(w);
            }
        }
        self.volatile.awaiting_copy = false;
        if self.membership == Membership::Joining {
            self.membership = Membership::Member;
            ctx.note(format!(
                "{} has copied its predecessor's {} writes: it is a full member of the chain now.",
                self.id.capitalised(),
                self.last()
            ));
        } else if self.last() > before {
            ctx.note(format!(
                "{} receives {} from its predecessor.",
                self.id.capitalised(),
                range_text(before + 1, self.last())
            ));
        }
        self.commit_to(ctx, committed);
        if self.succ().is_some() {
            self.pump(ctx);
            self.ack_up(ctx);
        } else {
            let c = self.committed;
            self.tail_commits(ctx);
            if self.committed == c {
                self.ack_up(ctx);
            }
        }
        self.retry_reads(ctx);
    }

    // ---- Retries ----

    fn retry_reads(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        let reads: Vec<OpId> = self
            .volatile
            .waiting
            .iter()
            .filter(|(_, w)| matches!(w, Waiting::Read { .. }))
            .map(|(&op, _)| op)
            .collect();
        if !reads.is_empty() && self.serves_reads(ctx.local_time_us) && self.is_tail() {
            for op in reads {
                self.dispatch_read(ctx, op);
            }
        }
    }

    fn has_work(&self) -> bool {
        let m = &*self.volatile;
        !m.waiting.is_empty()
            || m.resend_at.is_some()
            || m.awaiting_copy
            || self.membership == Membership::Joining
            || (self.succ().is_some() && !m.succ_ready)
    }

    fn arm_retry(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        if !self.is_master() && !self.volatile.retry_armed && self.has_work() {
            let t = self.config.retry();
            ctx.set_timer(Timer::Retry, t, t);
            self.volatile.retry_armed = true;
        }
    }

    fn on_retry(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        self.volatile.retry_armed = false;
        let now = ctx.local_time_us;
        let retry = self.config.retry().0 as i64;
        let due: Vec<OpId> = self
            .volatile
            .waiting
            .iter()
            .filter(|(_, w)| match w {
                Waiting::Write { sent_us, .. } | Waiting::Read { sent_us, .. } => {
                    now - *sent_us >= retry
                }
            })
            .map(|(&op, _)| op)
            .collect();
        for op in due {
            if let Some(Waiting::Write { sent_us, .. } | Waiting::Read { sent_us, .. }) =
                self.volatile.waiting.get_mut(&op)
            {
                *sent_us = now;
            }
            let is_write = matches!(self.volatile.waiting.get(&op), Some(Waiting::Write { .. }));
            ctx.note(format!(
                "{} has no answer for request #{} yet: it sends it again with the same request id.",
                self.id.capitalised(),
                op.0
            ));
            if is_write {
                self.dispatch_write(ctx, op);
            } else {
                self.dispatch_read(ctx, op);
            }
        }
        if self.volatile.resend_at.is_some_and(|t| t <= now) {
            self.volatile.resend_at = None;
            let last = self.last();
            self.volatile.sent_upto = self.volatile.succ_last.min(last.saturating_sub(1));
            self.pump(ctx);
        }
        // A successor that has not said what it holds (its word was lost,
        // or it missed the configuration that made it a joiner): offer it
        // what is not committed; it asks for more if it lacks more.
        if let (Some(succ), false, Membership::Member) =
            (self.succ(), self.volatile.succ_ready, self.membership)
        {
            let after = self.committed;
            self.send_copy(ctx, succ, after);
        }
        let joining = self.membership == Membership::Joining;
        if self.volatile.awaiting_copy || (joining && self.in_chain()) {
            self.send_resume(ctx);
        }
        if joining && !self.in_chain() {
            ctx.send(self.config.master(), Msg::Join);
        }
    }
}

impl Protocol for ChainNode {
    type Msg = Msg;
    type Timer = Timer;
    type Request = Request;
    type Command = Command;

    fn request(request: node::Request) -> Result<Request, String> {
        Request::accept(request)
    }

    fn command(action: OperatorAction) -> Option<Command> {
        Command::of(action)
    }

    fn on_input(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        input: Input<Msg, Timer, Request, Command>,
    ) {
        match input {
            Input::Start => self.on_start(ctx),
            Input::Recovered => self.on_recovered(ctx),
            Input::Command(c) => self.on_command(ctx, c),
            Input::Timer(Timer::Renew) => self.on_renew_timer(ctx),
            Input::Timer(Timer::Check) => self.master_check(ctx),
            Input::Timer(Timer::Retry) => self.on_retry(ctx),
            Input::Client { op, request } => self.on_client(ctx, op, request),
            Input::Message { from, msg } => self.on_message(ctx, from, msg),
        }
        if !self.is_master() {
            self.schedule_resend(ctx.local_time_us);
        }
        self.arm_retry(ctx);
    }

    fn on_crash(&mut self) {
        self.volatile.crash();
    }

    fn view(&self) -> NodeView {
        self.node_view()
    }

    /// Every write it holds, committed or not: a write acknowledged to a
    /// client is in every member's copy, and a dirty one a crash left at
    /// the tail's predecessor is committed when it becomes the tail.
    fn has_applied(&self, op: OpId) -> bool {
        self.ops.contains(op)
    }

    fn applied_ops(&self) -> OpSet {
        self.ops.clone()
    }

    fn footprint(&self) -> usize {
        self.store.len() + self.volatile.waiting.len() + self.chain.len()
    }

    fn leads(&self) -> bool {
        self.is_head()
    }

    /// A member's committed values: what it would answer. Nodes outside
    /// the chain (the master, spares, servers still copying) hold no
    /// replica.
    fn replica_state(&self) -> Option<Vec<(String, String)>> {
        if self.membership != Membership::Member || !self.in_chain() {
            return None;
        }
        Some(
            self.store
                .iter()
                .filter_map(|(k, v)| {
                    let (seq, value) = v.clean?;
                    Some((k.clone(), format!("{value} (write {seq})")))
                })
                .collect(),
        )
    }
}

/// "1 → 2 → 3".
fn chain_text(chain: &[NodeId]) -> String {
    let names: Vec<String> = chain.iter().map(|n| format!("{}", n.0 + 1)).collect();
    if names.is_empty() {
        String::from("no servers")
    } else {
        format!("node {}", names.join(" → "))
    }
}

/// "write 4" or "writes 4–6".
fn range_text(first: u64, last: u64) -> String {
    if first >= last {
        format!("write {last}")
    } else {
        format!("writes {first}–{last}")
    }
}
