//! A Raft cluster's configuration: how many servers, the election and
//! heartbeat timings, the safety toggles (pre-vote, check-quorum, the
//! current-term commit rule), how reads are served, and log compaction.

use serde::{Deserialize, Serialize};

use crate::node::NodeId;
use crate::scenario_parts::Validator;

/// Most servers a cluster may have.
pub const MAX_SERVERS: u16 = 9;

/// How a read is served (the Raft dissertation, §6.4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadMode {
    /// The read is a log entry like a write, answered when applied:
    /// linearizable, at the cost of a replication round and a log entry.
    Log,
    /// ReadIndex: the leader notes its commit index, confirms it is still
    /// the leader with one heartbeat round, waits until it has applied
    /// that far, and answers from its state. Linearizable, no log entry.
    #[default]
    ReadIndex,
    /// Leader lease: after a majority acknowledged a heartbeat sent at
    /// local time t, the leader answers alone until t + lease. Safe only
    /// while clocks drift less than the lease's margin assumes.
    Lease,
    /// The server the client contacted answers from what it has applied:
    /// may be stale.
    Follower,
}

impl ReadMode {
    pub const ALL: [ReadMode; 4] = [
        ReadMode::Log,
        ReadMode::ReadIndex,
        ReadMode::Lease,
        ReadMode::Follower,
    ];
    pub fn name(self) -> &'static str {
        match self {
            ReadMode::Log => "through the log",
            ReadMode::ReadIndex => "ReadIndex",
            ReadMode::Lease => "leader lease",
            ReadMode::Follower => "follower reads (stale)",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RaftConfig {
    /// Servers in the cluster (voters from the start, unless `learners`).
    #[serde(default = "default_servers")]
    pub servers: u16,
    /// Servers (by number) that start outside the cluster: an operator's
    /// `add_follower` brings each in as a learner, promoted to voter once
    /// it has caught up.
    #[serde(default, skip_serializing_if = "alloc::vec::Vec::is_empty")]
    pub outside: alloc::vec::Vec<NodeId>,
    /// Servers (by number) that vote but never campaign: MongoDB's
    /// priority-0 members. Also a bound that keeps the explorer's search
    /// small.
    #[serde(default, skip_serializing_if = "alloc::vec::Vec::is_empty")]
    pub never_lead: alloc::vec::Vec<NodeId>,
    /// A follower that hears nothing for a random time in
    /// `[election_ms, 2 × election_ms]` starts an election.
    #[serde(default = "default_election_ms")]
    pub election_ms: f64,
    /// The election timeout's random spread: a timeout is drawn from
    /// `[election_ms, election_ms + jitter]`. Defaults to `election_ms`
    /// (the paper's `[t, 2t]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub election_jitter_ms: Option<f64>,
    /// How often a leader sends AppendEntries when it has nothing new.
    #[serde(default = "default_heartbeat_ms")]
    pub heartbeat_ms: f64,
    /// Leaders send heartbeats. Off only for the explorer: its timers have
    /// no upper bound, so a heartbeat never stops an election there, and
    /// leaving them out keeps their endless copies out of the search
    /// (a leader still sends what a follower lacks, and answers failures).
    /// Without them a leader never checks its quorum and renews a lease
    /// only with a read's round.
    #[serde(default = "yes")]
    pub heartbeats: bool,
    /// Ask for pre-votes first: a server that cannot win does not raise
    /// its term (Raft dissertation §9.6).
    #[serde(default = "yes")]
    pub pre_vote: bool,
    /// Check quorum: a leader that has not heard from a majority within an
    /// election timeout steps down, and a server that heard from its
    /// leader within one ignores vote requests.
    #[serde(default = "yes")]
    pub check_quorum: bool,
    /// Figure 8 of the Raft paper, on purpose: count replicas to commit an
    /// entry of an older term, not only entries of the leader's own term.
    /// Unsafe: an entry committed this way can be overwritten.
    #[serde(default)]
    pub commit_older_terms: bool,
    /// How reads are served.
    #[serde(default)]
    pub reads: ReadMode,
    /// How long a lease lasts after the heartbeat that earned it, by the
    /// leader's own clock. Defaults to 90 % of `election_ms`: safe while
    /// clocks drift less than 10 % apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_ms: Option<f64>,
    /// Most entries one AppendEntries carries.
    #[serde(default = "default_batch")]
    pub max_batch: u16,
    /// Take a snapshot once this many applied entries sit in the log
    /// (0: never), and send it to a follower that needs what was dropped.
    #[serde(default)]
    pub snapshot_every: u16,
    /// Servers start as one leader (node 1, term 1) instead of electing
    /// one: the explorer's starting point, and short presets.
    #[serde(default)]
    pub bootstrap_leader: bool,
    /// Servers start from these states instead of empty (the first ones;
    /// servers past the list start empty): a figure from a paper, or the
    /// explorer's starting point.
    #[serde(default, skip_serializing_if = "alloc::vec::Vec::is_empty")]
    pub initial: alloc::vec::Vec<InitialServer>,
    /// The highest term a server may campaign for (0: no limit). The
    /// explorer's bound, as in model-checking Raft's TLA+ specification.
    #[serde(default)]
    pub max_term: u32,
    /// How long the server a client contacted waits for an answer from
    /// the leader before it asks again (with the same request id).
    #[serde(default = "default_retry_ms")]
    pub retry_ms: f64,
}

/// A server's state at the start, for runs that begin mid-story.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InitialServer {
    #[serde(default)]
    pub term: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voted_for: Option<NodeId>,
    #[serde(default, skip_serializing_if = "alloc::vec::Vec::is_empty")]
    pub log: alloc::vec::Vec<InitialEntry>,
    /// Leads `term` from the start.
    #[serde(default)]
    pub leader: bool,
}

/// An entry of a starting log: a no-op, or client operation `op`'s write.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InitialEntry {
    pub term: u32,
    /// The workload operation (numbered from 0, in the history's order)
    /// whose write this is — it was sent before the run began, and its
    /// client sends it again with the same id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub op: Option<crate::node::OpId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<alloc::string::String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<i64>,
}

fn default_servers() -> u16 {
    3
}
fn default_election_ms() -> f64 {
    150.0
}
fn default_heartbeat_ms() -> f64 {
    50.0
}
fn default_batch() -> u16 {
    64
}
fn default_retry_ms() -> f64 {
    400.0
}
fn yes() -> bool {
    true
}

impl Default for RaftConfig {
    fn default() -> Self {
        RaftConfig {
            servers: default_servers(),
            outside: alloc::vec::Vec::new(),
            never_lead: alloc::vec::Vec::new(),
            election_ms: default_election_ms(),
            election_jitter_ms: None,
            heartbeat_ms: default_heartbeat_ms(),
            heartbeats: true,
            pre_vote: true,
            check_quorum: true,
            commit_older_terms: false,
            reads: ReadMode::default(),
            lease_ms: None,
            max_batch: default_batch(),
            snapshot_every: 0,
            bootstrap_leader: false,
            initial: alloc::vec::Vec::new(),
            max_term: 0,
            retry_ms: default_retry_ms(),
        }
    }
}

impl RaftConfig {
    fn validate_initial(&self, v: &mut Validator) {
        if self.initial.is_empty() {
            return;
        }
        if self.initial.len() > usize::from(self.servers) {
            v.push(
                "protocol.initial",
                alloc::format!(
                    "{} starting states for {} servers: give at most one per server (the others start empty)",
                    self.initial.len(),
                    self.servers
                ),
            );
            return;
        }
        if self.bootstrap_leader {
            v.push(
                "protocol.initial",
                alloc::string::String::from("a starting state and bootstrap_leader exclude each other: mark the leader in the starting state"),
            );
        }
        let mut leaders = alloc::collections::BTreeSet::new();
        for (i, s) in self.initial.iter().enumerate() {
            let p = alloc::format!("protocol.initial[{i}]");
            if s.leader && !leaders.insert(s.term) {
                v.push(
                    &alloc::format!("{p}.leader"),
                    alloc::format!("two servers cannot both lead term {}", s.term),
                );
            }
            if let Some(n) = s.voted_for {
                if n.0 >= self.servers {
                    v.push(
                        &alloc::format!("{p}.voted_for"),
                        alloc::format!("{n} does not exist"),
                    );
                }
            }
            let mut last = 0;
            for (j, e) in s.log.iter().enumerate() {
                let q = alloc::format!("{p}.log[{j}]");
                if e.term < last || e.term > s.term {
                    v.push(
                        &alloc::format!("{q}.term"),
                        alloc::format!(
                            "terms in a log never decrease and never pass the server's term ({})",
                            s.term
                        ),
                    );
                }
                last = e.term;
                if e.key.is_some() != e.value.is_some() || e.key.is_some() != e.op.is_some() {
                    v.push(
                        &q,
                        alloc::string::String::from(
                            "a write names its op, key and value; a no-op names none",
                        ),
                    );
                }
            }
        }
    }

    /// The election timeout's spread, in milliseconds.
    pub fn jitter(&self) -> f64 {
        self.election_jitter_ms.unwrap_or(self.election_ms)
    }

    /// The lease a leader grants itself, in milliseconds of its own clock.
    pub fn lease(&self) -> f64 {
        self.lease_ms.unwrap_or(self.election_ms * 0.9)
    }

    /// Is `node` a voter from the start?
    pub fn starts_inside(&self, node: NodeId) -> bool {
        !self.outside.contains(&node)
    }

    pub fn validate(&self, v: &mut Validator) {
        v.count_in(
            "protocol.servers",
            self.servers.into(),
            1,
            MAX_SERVERS.into(),
        );
        v.finite_in(
            "protocol.election_ms",
            self.election_ms,
            1.0,
            60_000.0,
            "an election timeout from 1 ms to 60 s",
        );
        if let Some(j) = self.election_jitter_ms {
            v.finite_in(
                "protocol.election_jitter_ms",
                j,
                0.0,
                60_000.0,
                "a spread from 0 to 60 s",
            );
        }
        v.finite_in(
            "protocol.heartbeat_ms",
            self.heartbeat_ms,
            0.1,
            60_000.0,
            "a heartbeat interval from 0.1 ms to 60 s",
        );
        if let Some(lease) = self.lease_ms {
            v.finite_in(
                "protocol.lease_ms",
                lease,
                0.0,
                60_000.0,
                "a lease from 0 to 60 s",
            );
        }
        v.count_in("protocol.max_batch", self.max_batch.into(), 1, 10_000);
        v.count_in(
            "protocol.snapshot_every",
            self.snapshot_every.into(),
            0,
            10_000,
        );
        v.finite_in(
            "protocol.retry_ms",
            self.retry_ms,
            1.0,
            600_000.0,
            "a retry interval from 1 ms to 10 minutes",
        );
        for (i, n) in self.outside.iter().enumerate() {
            if n.0 >= self.servers.min(MAX_SERVERS) {
                v.push(
                    &alloc::format!("protocol.outside[{i}]"),
                    alloc::format!(
                        "{n} does not exist: the cluster has {} servers",
                        self.servers
                    ),
                );
            }
        }
        for (i, n) in self.never_lead.iter().enumerate() {
            if n.0 >= self.servers.min(MAX_SERVERS) {
                v.push(
                    &alloc::format!("protocol.never_lead[{i}]"),
                    alloc::format!(
                        "{n} does not exist: the cluster has {} servers",
                        self.servers
                    ),
                );
            }
        }
        self.validate_initial(v);
        if self.bootstrap_leader && self.outside.contains(&NodeId(0)) {
            v.push(
                "protocol.bootstrap_leader",
                alloc::string::String::from(
                    "node 1 starts as leader, so it cannot start outside the cluster",
                ),
            );
        }
        if !self.outside.is_empty() && self.outside.len() >= usize::from(self.servers) {
            v.push(
                "protocol.outside",
                alloc::string::String::from("at least one server must start inside the cluster"),
            );
        }
    }
}
