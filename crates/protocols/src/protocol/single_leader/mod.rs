//! Single-leader replication. One node — the leader — takes every write:
//! it appends it to its log under the next log sequence number (LSN),
//! applies it, and streams the entry to every follower. Followers receive
//! entries strictly in LSN order into a volatile buffer and flush them to
//! their durable log (and to the data they serve reads from) a moment
//! later.
//!
//! When the client hears back is the acknowledgement mode: asynchronous —
//! at once; synchronous — once every synchronous follower acknowledged;
//! semi-synchronous — once any one follower did, or, after a timeout, at
//! once until a follower catches up again. Whether a follower acknowledges
//! when the entry arrives or only after flushing it is the durability.
//!
//! What an entry carries for a SQL statement is the log format (see
//! [`store`]): the statement, page bytes, or row images. A new follower
//! joins from a snapshot taken at a known LSN and catches up from there
//! ([`join`]). Failover is by hand (an operator promotes a follower) or
//! automatic: followers that stop hearing the leader elect the most
//! up-to-date one ([`election`]).
//!
//! Leadership is numbered by epoch; the promoted node leads the next
//! epoch, starting at the LSN its own log had. Everything above that LSN
//! on other nodes never reached the new leader: when they learn of the new
//! epoch they discard it — acknowledged or not, those writes are gone from
//! them. Every entry names the client operation that wrote it, which
//! identifies it across logs, so a follower can check that its log agrees
//! with its leader's before appending (and rewind where it does not).
//!
//! Durable (survives a crash): epoch, leader and vote, the flushed log and
//! the data. Volatile: received-but-unflushed entries, and the leader's
//! bookkeeping of acknowledgements, waiting writes and snapshot copies.

mod client;
mod config;
mod election;
mod family;
mod follower;
mod join;
mod leader;
mod message;
pub mod params;
mod request;
pub(crate) mod settings;
mod store;
mod timer;
mod view;

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

pub use config::{
    AckMode, Durability, Failover, LogFormat, SingleLeaderConfig, StorageVersionOf,
    DEFAULT_FLUSH_MS, DEFAULT_HEARTBEAT_MS, DEFAULT_SEMI_SYNC_TIMEOUT_MS, MAX_FOLLOWERS,
};
pub use join::with_new_follower;
pub use message::Msg;
pub use request::{Command, Request};
pub use settings::matching_settings;
pub use store::{initial_table, Change, KeyValue};
pub use timer::Timer;

use crate::anomaly::{Anomaly, AnomalyKind};
use crate::chunked::Chunked;
use crate::node::{
    self, Ctx, Input, NodeId, NodeView, OpId, OperatorAction, Outcome, Protocol, Volatile,
};
use crate::sql::Value;
use join::{Copy, JoinState};
use store::{Store, Undo};

/// The node that leads the first epoch.
pub const LEADER: NodeId = NodeId(0);
/// The first leader's epoch.
pub const FIRST_EPOCH: u32 = 1;

/// One replicated write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub lsn: u64,
    /// The epoch whose leader wrote it: with the LSN, what Raft's
    /// "last log term and index" is to a vote.
    pub epoch: u32,
    /// That leader (two nodes promoted into one epoch both write in it).
    pub leader: NodeId,
    /// The client operation that wrote it: an entry's identity in any log.
    pub op: OpId,
    pub change: Change,
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

    #[doc(hidden)]
    pub fn same_leadership(&self, other: &Term) -> bool {
        self.epoch == other.epoch && self.leader == other.leader
    }
}

/// A write the leader has not answered yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Waiting {
    op: OpId,
    /// Local clock reading after which semi-sync gives up on it.
    deadline_us: i64,
}

/// A durable log entry and how to take it back.
#[derive(Clone, Debug)]
struct Logged {
    entry: Entry,
    undo: Undo,
}

/// A single-leader node's volatile state: what it loses in a crash.
#[derive(Clone, Debug)]
struct Memory {
    /// Received entries not flushed yet; they continue `log`.
    buffer: Vec<Entry>,
    flush_pending: bool,
    /// The leader's LSN as of its latest message: how far "in sync" is.
    /// None until this node has heard from a leader since it started.
    leader_lsn: Option<u64>,
    /// Leader: the highest LSN each node acknowledged (index = node).
    acked: Vec<u64>,
    /// Leader: writes waiting for acknowledgements, by LSN.
    waiting: BTreeMap<u64, Waiting>,
    /// Leader in semi-sync mode: a write timed out, so it answers at once
    /// until a follower has caught up.
    fell_back: bool,
    /// Leader: snapshot copies in progress.
    copies: BTreeMap<NodeId, Copy>,
    /// Candidate: votes received in the epoch it stands for.
    votes: BTreeSet<NodeId>,
    /// Follower: local clock reading when its leader was last heard.
    last_heard_us: i64,
    /// Reads waiting for this node to apply a given LSN.
    pending_reads: Vec<(OpId, String, u64)>,
    /// A joining follower's snapshot, as received so far.
    staged: Option<join::Staged>,
    /// Follower: the received LSN at which it last asked its leader for
    /// missing entries after a heartbeat, and its clock reading then.
    asked_at: Option<(u64, i64)>,
}

impl Memory {
    /// A leader's message says its log reaches at least `lsn`.
    fn leader_at_least(&mut self, lsn: u64) {
        self.leader_lsn = Some(self.leader_lsn.map_or(lsn, |l| l.max(lsn)));
    }

    fn new(nodes: usize) -> Memory {
        Memory {
            buffer: Vec::new(),
            flush_pending: false,
            leader_lsn: None,
            acked: alloc::vec![0; nodes],
            waiting: BTreeMap::new(),
            fell_back: false,
            copies: BTreeMap::new(),
            votes: BTreeSet::new(),
            last_heard_us: 0,
            pending_reads: Vec::new(),
            staged: None,
            asked_at: None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct SingleLeaderNode {
    id: NodeId,
    config: SingleLeaderConfig,
    // Durable.
    term: Term,
    /// The highest epoch this node voted in (or stood for).
    voted: u32,
    /// The log starts after this LSN (a snapshot's, for a node that
    /// joined from one), whose entry was written by `base_op`.
    base: u64,
    base_op: Option<OpId>,
    /// The epoch of the snapshot's last entry, and every write the
    /// snapshot holds (a joined follower has them without their entries).
    base_epoch: u32,
    base_ops: crate::opset::OpSet,
    /// Flushed entries: entry `i` has LSN `base + i + 1`. Chunked, so the
    /// checkpoints of a long run share it instead of each copying it.
    log: Chunked<Logged>,
    store: Store,
    join: JoinState,
    /// Replication stopped at an entry this node could not apply.
    stopped: Option<String>,
    /// Statements whose re-execution here changed other rows than on the
    /// leader (each reported as a finding when it happened).
    diverged: u32,
    /// Elections this node started.
    elections: u32,
    /// Joining nodes known to have joined (a leader streams to them).
    /// Durable: a follower promoted later must stream to them too.
    joined: BTreeSet<NodeId>,
    /// Without fencing: the newest epoch a deposed leader has heard of
    /// (and ignored), so it says so once, even across a restart.
    ignored_epoch: u32,
    /// What a crash wipes.
    volatile: Volatile<Memory>,
}

impl SingleLeaderNode {
    pub fn new(config: &SingleLeaderConfig, id: NodeId) -> SingleLeaderNode {
        let config = config.clone();
        let nodes = usize::from(config.followers) + 1;
        let joining = config.joining.contains(&id);
        let store = Store::new(
            config.log_format,
            config.storage_version(id),
            config.rows,
            joining,
        );
        SingleLeaderNode {
            id,
            term: Term::first(),
            voted: FIRST_EPOCH,
            base: 0,
            base_op: None,
            base_epoch: 0,
            base_ops: crate::opset::OpSet::new(),
            log: Chunked::new(),
            store,
            join: if joining {
                JoinState::Outside
            } else {
                JoinState::Member
            },
            stopped: None,
            diverged: 0,
            elections: 0,
            joined: BTreeSet::new(),
            ignored_epoch: 0,
            volatile: Volatile::new(Memory::new(nodes)),
            config,
        }
    }

    pub fn is_leader(&self) -> bool {
        self.term.leader == self.id && self.join == JoinState::Member
    }

    /// The leadership this node believes in.
    pub fn term(&self) -> Term {
        self.term
    }

    /// The durable LSN: the last flushed entry.
    pub fn lsn(&self) -> u64 {
        self.base + self.log.len() as u64
    }

    /// The last entry received, flushed or not.
    pub fn received_lsn(&self) -> u64 {
        self.lsn() + self.volatile.buffer.len() as u64
    }

    /// The durable log's entries (after the snapshot it starts from).
    pub fn log(&self) -> Vec<Entry> {
        self.log.iter().map(|l| l.entry.clone()).collect()
    }

    /// The node's table.
    pub fn table(&self) -> &crate::sql::Table {
        &self.store.table
    }

    /// Why replication stopped on this node, if it did.
    pub fn stopped(&self) -> Option<&str> {
        self.stopped.as_deref()
    }

    fn entry_at(&self, lsn: u64) -> Option<&Entry> {
        let i = usize::try_from(lsn.checked_sub(self.base + 1)?).ok()?;
        match self.log.get(i) {
            Some(l) => Some(&l.entry),
            None => self.volatile.buffer.get(i - self.log.len()),
        }
    }

    /// The epoch of the entry at `lsn` (0 before the first entry).
    fn epoch_at(&self, lsn: u64) -> u32 {
        if lsn == self.base {
            return self.base_epoch;
        }
        self.entry_at(lsn).map_or(0, |e| e.epoch)
    }

    /// How up to date this node's log is: the epoch of its last entry,
    /// then its length. A log that ends in a later epoch holds every
    /// entry that epoch's leader kept, whatever its length.
    #[doc(hidden)]
    pub fn log_position(&self) -> (u32, u64) {
        let lsn = self.received_lsn();
        (self.epoch_at(lsn), lsn)
    }

    fn op_at(&self, lsn: u64) -> Option<OpId> {
        if lsn == self.base {
            return self.base_op;
        }
        self.entry_at(lsn).map(|e| e.op)
    }

    /// Keeps entries up to LSN `keep`, flushed or not (never below the
    /// snapshot the log starts from). Returns the durable entries
    /// discarded, newest last; the data no longer shows them.
    fn truncate_to(&mut self, keep: u64) -> Vec<Entry> {
        let keep = keep.max(self.base);
        let keep_log = usize::try_from(keep - self.base).unwrap_or(usize::MAX);
        self.volatile
            .buffer
            .truncate(keep_log.saturating_sub(self.log.len()));
        let dropped = self.log.split_off(keep_log.min(self.log.len()));
        for l in dropped.iter().rev() {
            self.store.undo(&l.undo);
        }
        dropped.into_iter().map(|l| l.entry).collect()
    }

    fn resume_request(&self) -> Msg {
        Msg::Resume {
            epoch: self.term.epoch,
            after: self.lsn(),
            last: self.op_at(self.lsn()),
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, from: NodeId, msg: Msg) {
        if self.join == JoinState::Outside {
            // Not in the cluster: it only remembers who leads.
            if let Msg::NewLeader { term } = msg {
                self.term = term;
            }
            return;
        }
        match msg {
            Msg::Replicate {
                term,
                entry,
                prev,
                upto,
            } => self.on_replicate(ctx, from, term, entry, prev, upto),
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
            Msg::Heartbeat { term, lsn, last } => self.on_heartbeat(ctx, from, term, lsn, last),
            Msg::RequestVote {
                epoch,
                lsn,
                last_epoch,
            } => self.on_request_vote(ctx, from, epoch, (last_epoch, lsn)),
            Msg::Vote { epoch, granted } => self.on_vote(ctx, from, epoch, granted),
            Msg::JoinRequest => self.on_join_request(ctx, from),
            Msg::Joined { node, .. } => {
                if self.config.joining.contains(&node) {
                    self.joined.insert(node);
                }
            }
            Msg::SnapshotChunk(chunk) => self.on_snapshot_chunk(ctx, from, chunk),
        }
    }

    fn leads(&self, epoch: u32) -> bool {
        self.is_leader() && epoch == self.term.epoch
    }

    /// The nodes the leader streams to: every other node except joining
    /// ones that have not joined yet.
    fn stream_peers<'a>(&'a self, ctx: &Ctx<'_, Msg, Timer>) -> impl Iterator<Item = NodeId> + 'a {
        ctx.peers()
            .filter(move |p| !self.config.joining.contains(p) || self.joined.contains(p))
    }
}

impl Protocol for SingleLeaderNode {
    /// Everything but the configuration, which never changes.
    fn fingerprint(&self, out: &mut dyn core::fmt::Write) {
        let _ = out.write_fmt(format_args!(
            "{:?}",
            (
                (self.id, &self.term, self.voted, self.base, self.base_op),
                (self.base_epoch, &self.base_ops, &self.log, &self.store),
                (&self.join, &self.stopped, self.diverged, self.elections),
                (&self.joined, self.ignored_epoch, &self.volatile),
            )
        ));
    }
    type Msg = Msg;
    type Timer = Timer;
    type Request = Request;
    type Command = Command;

    fn request(request: node::Request) -> Result<Request, String> {
        Request::accept(request)
    }

    fn command(action: OperatorAction) -> Option<Command> {
        Some(Command::of(action))
    }

    fn on_input(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        input: Input<Msg, Timer, Request, Command>,
    ) {
        match input {
            Input::Start => self.on_start(ctx),
            Input::Recovered => self.on_recovered(ctx),
            Input::Command(Command::Promote) => self.promote(ctx),
            Input::Command(Command::Join) => self.start_join(ctx),
            Input::Timer(Timer::Flush) => self.on_flush_timer(ctx),
            Input::Timer(Timer::SemiSync) => self.semi_sync_timeout(ctx),
            Input::Timer(Timer::Copy) => self.on_copy_timer(ctx),
            Input::Timer(Timer::Heartbeat) => self.on_heartbeat_timer(ctx),
            Input::Timer(Timer::Election) => self.on_election_timer(ctx),
            Input::Timer(Timer::Join) => self.on_join_timer(ctx),
            Input::Client { op, request } => self.on_client(ctx, op, request),
            Input::Message { from, msg } => self.on_message(ctx, from, msg),
        }
    }

    fn on_crash(&mut self) {
        self.volatile.crash();
        self.join.on_crash();
    }

    fn view(&self) -> NodeView {
        self.node_view()
    }

    fn has_applied(&self, op: OpId) -> bool {
        self.base_ops.contains(op) || self.log.iter().any(|l| l.entry.op == op)
    }

    fn footprint(&self) -> usize {
        self.store.kv.len()
            + self.store.table.rows.len()
            + self.volatile.buffer.len()
            + self.volatile.waiting.len()
            + self.volatile.acked.len()
    }

    fn applied_ops(&self) -> crate::opset::OpSet {
        let mut ops = self.base_ops.clone();
        for l in self.log.iter() {
            ops.insert(l.entry.op);
        }
        ops
    }

    fn leads(&self) -> bool {
        self.is_leader()
    }
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
        .map(|e| e.change.summary())
        .collect();
    if entries.len() > SHOWN {
        parts.push(format!("and {} more", entries.len() - SHOWN));
    }
    parts.join(", ")
}
