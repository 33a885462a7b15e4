//! The scenario's vocabulary: network, clocks, faults, workload, the
//! time conversion, and the validator every part (and every protocol's
//! configuration) reports to. Everything a scenario holds except the
//! scenario itself, which names the protocol registry: protocols and
//! checkers speak this vocabulary without depending on the engine.

mod schedule;
mod validate;

pub use schedule::{Choice, Chosen};
pub use validate::{Problem, ScenarioError, Validator};

use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::latency::{Latency, LegLatencies};
use crate::node::{NodeId, Request};
use crate::time::Instant;

/// The scenario format this build reads and writes.
pub const FORMAT: u32 = 1;
/// Longest run a scenario may ask for: one simulated day.
pub const MAX_UNTIL_MS: f64 = 86_400_000.0;

/// Network model: a default for every directed link, and overrides.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkConfig {
    #[serde(default)]
    pub latency: Latency,
    /// Probability that a message is lost in transit.
    #[serde(default)]
    pub drop: f64,
    #[serde(default)]
    pub delivery: Delivery,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<LinkOverride>,
    /// A delay per leg of a quorum request (write, ack, read, response),
    /// replacing the link's latency for those messages; slow links and
    /// partitions still apply. The staleness lab's WARS model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legs: Option<LegLatencies>,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        NetworkConfig {
            latency: Latency::default(),
            drop: 0.0,
            delivery: Delivery::Fifo,
            links: Vec::new(),
            legs: None,
        }
    }
}

/// Whether a link keeps messages in the order they were sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// In order, like a TCP connection: a message never overtakes an
    /// earlier one on the same link.
    #[default]
    Fifo,
    /// Each message takes its own delay, so later ones can overtake.
    Reorder,
}

/// Settings for the link `from → to` (and `to → from` when `two_way`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkOverride {
    pub from: NodeId,
    pub to: NodeId,
    #[serde(default = "yes")]
    pub two_way: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<Latency>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drop: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<Delivery>,
}

fn yes() -> bool {
    true
}

/// A node's clock: `local = true + offset + true × drift / 1e6`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockConfig {
    pub node: NodeId,
    #[serde(default)]
    pub offset_ms: f64,
    #[serde(default)]
    pub drift_ppm: f64,
}

/// Something that happens at a given virtual time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Timed {
    pub at_ms: f64,
    #[serde(flatten)]
    pub action: Action,
}

impl Timed {
    pub fn at(&self) -> Instant {
        ms_to_instant(self.at_ms)
    }
}

/// Faults and client operations: what can be scheduled or done by hand.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum Action {
    /// The node stops: volatile state lost, messages to it lost.
    Crash {
        node: NodeId,
    },
    Recover {
        node: NodeId,
    },
    /// Messages from `from` to `to` are lost (and back, when `two_way`).
    Partition {
        from: Vec<NodeId>,
        to: Vec<NodeId>,
        #[serde(default = "yes")]
        two_way: bool,
    },
    /// Undo a partition between these groups.
    Heal {
        from: Vec<NodeId>,
        to: Vec<NodeId>,
        #[serde(default = "yes")]
        two_way: bool,
    },
    /// Every partition and slow link ends.
    HealAll,
    /// Add `extra_ms` to every message on the link (0 restores it).
    SlowLink {
        from: NodeId,
        to: NodeId,
        extra_ms: f64,
        #[serde(default = "yes")]
        two_way: bool,
    },
    /// An operator makes `node` the leader (a manual failover); protocols
    /// without a leader ignore it.
    Promote {
        node: NodeId,
    },
    /// A client sends `request` to `node`.
    Client {
        node: NodeId,
        #[serde(flatten)]
        request: Request,
    },
    /// User `session` sends `request` through the application's router
    /// (see [`Routing`]): writes go to the leader, reads to a follower.
    Session {
        session: u32,
        #[serde(flatten)]
        request: Request,
    },
    /// An operator adds `node` as a new follower: it copies a snapshot of
    /// the leader, then catches up from the snapshot's log position.
    AddFollower {
        node: NodeId,
    },
}

impl Action {
    /// Every node the action names.
    pub fn nodes(&self) -> Vec<NodeId> {
        match self {
            Action::Crash { node }
            | Action::Recover { node }
            | Action::Promote { node }
            | Action::AddFollower { node }
            | Action::Client { node, .. } => alloc::vec![*node],
            Action::Session { .. } => Vec::new(),
            Action::Partition { from, to, .. } | Action::Heal { from, to, .. } => {
                from.iter().chain(to.iter()).copied().collect()
            }
            Action::HealAll => Vec::new(),
            Action::SlowLink { from, to, .. } => alloc::vec![*from, *to],
        }
    }
}

/// Client load: scripted operations plus an optional seeded generator.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workload {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ops: Vec<Timed>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generator: Option<Generator>,
    /// How the application routes user sessions' requests.
    #[serde(default, skip_serializing_if = "Routing::is_default")]
    pub routing: Routing,
}

/// The application's router for user sessions: writes always go to the
/// leader; reads go to a follower (spreading load), which is where
/// replication lag shows. The toggles are the classic fixes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Routing {
    #[serde(default)]
    pub read_your_writes: ReadYourWrites,
    /// For [`ReadYourWrites::LeaderWindow`]: how long after a session's
    /// last write its reads go to the leader.
    #[serde(default = "default_window_ms")]
    pub leader_window_ms: f64,
    /// Each session always reads from the same follower (chosen by its
    /// number), so its reads never go back in time.
    #[serde(default)]
    pub sticky_reads: bool,
}

impl Default for Routing {
    fn default() -> Routing {
        Routing {
            read_your_writes: ReadYourWrites::Off,
            leader_window_ms: default_window_ms(),
            sticky_reads: false,
        }
    }
}

impl Routing {
    pub fn is_default(&self) -> bool {
        *self == Routing::default()
    }
}

fn default_window_ms() -> f64 {
    1000.0
}

/// How a session makes sure it sees its own writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadYourWrites {
    /// Reads go to any follower, lag or not.
    #[default]
    Off,
    /// For a while after writing, the session reads from the leader.
    LeaderWindow,
    /// The session remembers its last write's log position; a follower
    /// answers only once it has applied that far.
    LogPosition,
}

/// Poisson arrivals of reads and writes over `keys` keys, for long runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Generator {
    /// Operations per second of virtual time.
    pub rate_per_s: f64,
    /// Share of operations that are reads, 0 to 1.
    #[serde(default = "half")]
    pub read_fraction: f64,
    /// Keys are `k1` … `k{keys}`, chosen uniformly.
    #[serde(default = "one")]
    pub keys: u32,
    /// Nodes clients talk to; empty means any node, uniformly.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nodes: Vec<NodeId>,
    #[serde(default)]
    pub start_ms: f64,
    /// Defaults to the scenario's end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_ms: Option<f64>,
}

fn half() -> f64 {
    0.5
}
fn one() -> u32 {
    1
}

/// Milliseconds (as written in scenarios) to virtual time, rounded to the
/// microsecond. Callers validate first; nonsense maps to zero.
pub fn ms_to_instant(ms: f64) -> Instant {
    if ms.is_finite() && ms > 0.0 {
        Instant(libm::round(ms * 1000.0) as u64)
    } else {
        Instant::ZERO
    }
}
