//! Replication by consensus: Raft (Ongaro & Ousterhout, "In Search of an
//! Understandable Consensus Algorithm", USENIX ATC 2014, and Ongaro's
//! dissertation, 2014).
//!
//! Every server keeps a log. A leader, elected for a numbered term by a
//! majority, appends clients' writes to its log and sends them on with
//! AppendEntries; a follower accepts entries only where its log agrees
//! with the leader's at the position before them, and drops a conflicting
//! suffix. An entry is committed once a majority holds it — and, the rule
//! Figure 8 of the paper exists to explain, only entries of the leader's
//! own term are committed by counting; older ones commit with them. The
//! toggle `commit_older_terms` breaks that rule on purpose.
//!
//! A server votes once per term, and only for a candidate whose log is at
//! least as up to date as its own; so a new leader holds every committed
//! entry. Pre-vote and check-quorum stop a server that was cut off from
//! disrupting a healthy leader when it returns ([`election`]).
//!
//! Clients may contact any server: a follower passes the request to the
//! leader it knows and answers the client when the leader answers it,
//! asking again (with the same request id) after a timeout; the state
//! machine applies each request id once ([`client`]). Reads are served one
//! of four ways ([`ReadMode`]).
//!
//! Durable: term, vote, log and snapshot. Volatile: role, commit index,
//! the applied state (rebuilt from the snapshot and the log), the leader's
//! progress tracking, and the requests a server is passing on.

mod client;
mod config;
mod election;
mod family;
mod log;
mod message;
pub mod params;
mod replication;
mod request;
pub(crate) mod settings;
mod timer;
mod view;

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

pub use config::{InitialEntry, InitialServer, RaftConfig, ReadMode, MAX_SERVERS};
pub use log::{Entry, Log, Members, Payload};
pub use message::Msg;
pub use request::{Command, Request};
pub use timer::Timer;

use crate::node::{self, Ctx, Input, NodeId, NodeView, OpId, OperatorAction, Protocol, Volatile};
use crate::time::Duration;

/// The state machine: each key's value and the log position that wrote
/// it, and which client requests it has applied (at which position), so a
/// retried request is applied once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Store {
    pub kv: BTreeMap<String, (i64, u64)>,
    pub done: BTreeMap<OpId, u64>,
}

/// What a server is doing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum State {
    #[default]
    Follower,
    /// Asking for pre-votes: its term is not raised yet.
    PreCandidate,
    Candidate,
    Leader,
}

/// The settings a server consults, in the units it uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tuning {
    pub election: Duration,
    pub jitter: Duration,
    pub heartbeat: Duration,
    pub retry: Duration,
    pub lease_us: i64,
    pub pre_vote: bool,
    pub check_quorum: bool,
    pub heartbeats: bool,
    pub commit_older_terms: bool,
    pub reads: ReadMode,
    pub max_batch: usize,
    pub snapshot_every: u64,
    pub max_term: u32,
}

/// A ReadIndex read waiting at the leader: answer once a heartbeat round
/// started after it arrived has reached a majority and the leader has
/// applied up to `index`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadWait {
    pub op: OpId,
    pub proxy: NodeId,
    pub key: String,
    pub index: u64,
    pub round: u64,
}

/// A leader's bookkeeping, gone when it steps down or crashes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lead {
    /// For each server: the next position to send it.
    pub next: Vec<u64>,
    /// For each server: the last position known to agree with ours.
    pub matched: Vec<u64>,
    /// Servers with an AppendEntries (or snapshot) unanswered: one at a
    /// time each, so a slow follower is not buried in copies.
    pub outstanding: u16,
    /// Heartbeats since each outstanding message went out; at the
    /// second it is sent again (the first was probably lost).
    pub waited: Vec<u8>,
    /// Check quorum: servers heard from since the last check, and
    /// heartbeats since it.
    pub heard: u16,
    pub ticks: u32,
    /// The latest heartbeat round, and each recent round's start (by the
    /// leader's clock) and who answered it.
    pub round: u64,
    pub rounds: Vec<(u64, i64, u16)>,
    /// The latest round a majority answered.
    pub confirmed: u64,
    /// Lease reads are allowed until this local time (µs).
    pub lease_until: i64,
    pub reads: Vec<ReadWait>,
}

/// Everything a crash wipes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Memory {
    pub state: State,
    pub leader: Option<NodeId>,
    /// Heard from the current leader since its election timer last fired
    /// (check-quorum's "leader lease" on followers).
    pub heard_leader: bool,
    pub commit: u64,
    pub applied: u64,
    pub store: Store,
    pub votes: u16,
    pub lead: Option<Lead>,
    /// Requests this server took from clients and waits to answer.
    pub pending: BTreeMap<OpId, Request>,
    /// Asked to join and not in the cluster yet.
    pub joining: bool,
    /// Writes this server acknowledged to its clients.
    pub acked: crate::opset::OpSet,
}

#[derive(Clone, Debug)]
pub struct RaftNode {
    pub id: NodeId,
    pub tuning: Tuning,
    /// The server count (the leader's progress vectors are this long).
    pub servers: u16,
    pub bootstrap: bool,
    /// Votes but never campaigns.
    pub never_lead: bool,
    // Durable.
    pub term: u32,
    pub voted_for: Option<NodeId>,
    pub log: Log,
    /// The state machine and membership at `log.base`.
    pub snapshot: Store,
    pub snapshot_members: Members,
    // Volatile.
    pub volatile: Volatile<Memory>,
    // Tallies for the inspector (not part of the protocol's state).
    pub elections: u32,
    /// Leads its starting term from the start (a configured state).
    pub starts_leading: bool,
}

impl RaftNode {
    pub fn new(config: &RaftConfig, id: NodeId) -> RaftNode {
        let mut voters = 0u16;
        for n in 0..config.servers.min(MAX_SERVERS) {
            if config.starts_inside(NodeId(n)) {
                voters |= 1 << n;
            }
        }
        let us = |ms: f64| crate::scenario_parts::ms_to_instant(ms).0;
        RaftNode {
            id,
            tuning: Tuning {
                election: Duration(us(config.election_ms)),
                jitter: Duration(us(config.jitter())),
                heartbeat: Duration(us(config.heartbeat_ms)),
                retry: Duration(us(config.retry_ms)),
                lease_us: us(config.lease()) as i64,
                pre_vote: config.pre_vote,
                check_quorum: config.check_quorum,
                heartbeats: config.heartbeats,
                commit_older_terms: config.commit_older_terms,
                reads: config.reads,
                max_batch: usize::from(config.max_batch.max(1)),
                snapshot_every: u64::from(config.snapshot_every),
                max_term: config.max_term,
            },
            servers: config.servers.min(MAX_SERVERS),
            bootstrap: config.bootstrap_leader,
            never_lead: config.never_lead.contains(&id),
            term: 0,
            voted_for: None,
            log: Log::default(),
            snapshot: Store::default(),
            snapshot_members: Members {
                voters,
                learners: 0,
            },
            volatile: Volatile::new(Memory::default()),
            elections: 0,
            starts_leading: false,
        }
        .starting_from(config.initial.get(id.index()))
    }

    /// Takes a configured starting state: term, vote and log.
    fn starting_from(mut self, initial: Option<&InitialServer>) -> RaftNode {
        let Some(s) = initial else {
            return self;
        };
        self.term = s.term;
        self.voted_for = s.voted_for;
        self.starts_leading = s.leader;
        for e in &s.log {
            let payload = match (&e.key, e.value, e.op) {
                (Some(key), Some(value), Some(op)) => Payload::Write {
                    op,
                    proxy: self.id,
                    key: key.clone(),
                    value,
                },
                _ => Payload::Noop,
            };
            self.log.push(Entry {
                term: e.term,
                payload,
            });
        }
        self
    }

    /// The membership in force at this server.
    pub fn members(&self) -> Members {
        self.log.members(self.snapshot_members)
    }

    /// Is client request `op` in the log already (applied or not)?
    fn in_log(&self, op: OpId) -> bool {
        self.log.entries.iter().any(|e| e.op() == Some(op))
    }

    pub fn is_leader(&self) -> bool {
        self.volatile.state == State::Leader
    }

    /// Has the leader committed an entry of its own term yet? Until then
    /// its commit index may be behind the cluster's (§6.4).
    fn own_term_committed(&self) -> bool {
        self.log.term_at(self.volatile.commit) == Some(self.term)
    }

    /// Does this server campaign? Voters do, unless configured never to
    /// lead (MongoDB's priority-0 members).
    fn may_lead(&self) -> bool {
        self.members().votes(self.id) && !self.never_lead
    }

    fn arm_election(&self, ctx: &mut Ctx<'_, Msg, Timer>) {
        if self.may_lead() {
            let e = self.tuning.election;
            ctx.set_timer(Timer::Election, e, Duration(e.0 + self.tuning.jitter.0));
        }
    }

    fn start(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        if !self.members().listens(self.id) {
            return;
        }
        if self.starts_leading && self.volatile.lead.is_none() && self.elections == 0 {
            self.starts_leading = false;
            self.become_leader(ctx, false);
            return;
        }
        if self.bootstrap && self.term == 0 {
            // Every server starts in term 1 with node 1 as its leader.
            self.term = 1;
            if self.id == NodeId(0) {
                self.voted_for = Some(self.id);
                self.become_leader(ctx, false);
                return;
            }
            self.volatile.leader = Some(NodeId(0));
            self.volatile.heard_leader = true;
        }
        self.arm_election(ctx);
    }

    fn recovered(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        // The state machine is rebuilt from the snapshot; the log's
        // entries are applied again as the commit index is learnt.
        self.volatile.store = self.snapshot.clone();
        self.volatile.commit = self.log.base;
        self.volatile.applied = self.log.base;
        ctx.note(alloc::format!(
            "{} restarts in term {} with {} log entries; it has forgotten what was committed.",
            self.id.capitalised(),
            self.term,
            self.log.last_index()
        ));
        self.arm_election(ctx);
    }
}

impl Protocol for RaftNode {
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
            Input::Start => self.start(ctx),
            Input::Recovered => self.recovered(ctx),
            Input::Timer(Timer::Election) => self.election_timeout(ctx),
            Input::Timer(Timer::Heartbeat) => self.heartbeat(ctx),
            Input::Timer(Timer::Retry) => self.retry(ctx),
            Input::Client { op, request } => self.client(ctx, op, request),
            Input::Command(Command::Campaign) => self.transfer_to_me(ctx),
            Input::Command(Command::Join) => self.ask_to_join(ctx),
            Input::Message { from, msg } => self.receive(ctx, from, msg),
        }
    }

    fn on_crash(&mut self) {
        self.volatile.crash();
    }

    fn view(&self) -> NodeView {
        self.node_view()
    }

    fn has_applied(&self, op: OpId) -> bool {
        self.snapshot.done.contains_key(&op)
            || self
                .log
                .entries
                .iter()
                .any(|e| matches!(&e.payload, Payload::Write { op: o, .. } if *o == op))
    }

    fn applied_ops(&self) -> crate::opset::OpSet {
        let mut set = crate::opset::OpSet::new();
        for op in self.snapshot.done.keys() {
            set.insert(*op);
        }
        for e in &self.log.entries {
            if let Payload::Write { op, .. } = &e.payload {
                set.insert(*op);
            }
        }
        set
    }

    fn leads(&self) -> bool {
        self.is_leader()
    }

    fn replica_state(&self) -> Option<Vec<(String, String)>> {
        if !self.members().listens(self.id) {
            return None;
        }
        Some(
            self.volatile
                .store
                .kv
                .iter()
                .map(|(k, (v, _))| (k.clone(), alloc::format!("{v}")))
                .collect(),
        )
    }

    fn footprint(&self) -> usize {
        self.log.entries.len() + self.volatile.store.kv.len() + self.snapshot.kv.len()
    }

    fn fingerprint(&self, out: &mut dyn core::fmt::Write) {
        // Everything but the settings and the tallies.
        let _ = out.write_fmt(format_args!(
            "{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
            self.term,
            self.voted_for,
            self.log,
            self.snapshot,
            self.snapshot_members,
            *self.volatile,
            self.id
        ));
    }
}
