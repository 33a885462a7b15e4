//! A scenario is everything a run depends on — protocol and its settings,
//! seed, network, clocks, faults, workload, the user's interventions and
//! when to stop — as one serde value. Same scenario, same trace, on every
//! target: that is what makes a shared link replay exactly.
//!
//! Validation reports every problem at once, each naming the field, what
//! was wrong and what is allowed.

mod validate;

pub use validate::{Problem, ScenarioError, Validator};

use crate::protocol::Spec;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::latency::{Latency, LegLatencies};
use crate::node::{NodeId, Request};
use crate::protocol::ProtocolConfig;
use crate::time::Instant;

/// The scenario format this build reads and writes.
pub const FORMAT: u32 = 1;
/// Longest run a scenario may ask for: one simulated day.
pub const MAX_UNTIL_MS: f64 = 86_400_000.0;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    #[serde(default = "format_version")]
    pub format: u32,
    #[serde(default)]
    pub seed: u64,
    pub protocol: ProtocolConfig,
    #[serde(default)]
    pub network: NetworkConfig,
    /// Per-node clock error; nodes not listed keep perfect time.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clocks: Vec<ClockConfig>,
    /// Scheduled faults (crashes, partitions, slow links).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<Timed>,
    #[serde(default)]
    pub workload: Workload,
    /// What the user did while watching: appended at the cursor, they fork
    /// the run there. Kept apart from `faults` so a preset stays readable.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interventions: Vec<Timed>,
    /// The run stops at this virtual time.
    pub until_ms: f64,
}

fn format_version() -> u32 {
    FORMAT
}

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

impl Scenario {
    /// Parses and validates a JSON scenario.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        let scenario: Scenario = serde_json::from_str(text).map_err(|e| ScenarioError::Syntax {
            line: e.line(),
            column: e.column(),
            message: strip_position(&e.to_string()),
        })?;
        scenario.validate().map_err(ScenarioError::Invalid)?;
        Ok(scenario)
    }

    /// Reads a scenario's JSON without validating it, for a caller that
    /// edits it first. The error leaves out serde's line and column: they
    /// would point into text nobody wrote.
    pub fn from_json_unvalidated(text: &str) -> Result<Scenario, String> {
        serde_json::from_str(text).map_err(|e| strip_position(&e.to_string()))
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn until(&self) -> Instant {
        ms_to_instant(self.until_ms)
    }

    /// Ends the run at `until_ms`: whatever is scheduled after it (faults,
    /// scripted operations, interventions) is dropped, so a scenario that
    /// was valid stays valid when it is cut short. An action at exactly
    /// `until_ms` is kept, as validation allows. Returns how many actions
    /// were dropped. A later `until_ms` simply lengthens the run.
    pub fn cut_at(&mut self, until_ms: f64) -> usize {
        self.until_ms = until_ms;
        let mut dropped = 0;
        for list in [
            &mut self.faults,
            &mut self.workload.ops,
            &mut self.interventions,
        ] {
            let before = list.len();
            list.retain(|t| t.at_ms <= until_ms);
            dropped += before - list.len();
        }
        dropped
    }

    /// How many nodes the protocol runs.
    pub fn node_count(&self) -> u16 {
        self.protocol.spec().node_count()
    }
}

/// serde_json appends " at line L column C"; we report those separately.
pub(crate) fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;

    #[test]
    fn cut_at_drops_what_comes_later_and_still_validates() {
        let mut s = presets::find("single-leader-async-crash-loses-write")
            .unwrap()
            .scenario();
        assert_eq!(s.until_ms, 150.0);
        let scheduled = s.faults.len() + s.workload.ops.len() + s.interventions.len();
        let mut plain = s.clone();
        plain.until_ms = 75.0;
        assert!(
            plain.validate().is_err(),
            "setting until_ms alone is refused"
        );
        let dropped = s.cut_at(75.0);
        assert_eq!(s.until_ms, 75.0);
        assert_eq!(dropped, 2, "a fault at 80 ms and an operation at 120 ms");
        assert_eq!(
            s.faults.len() + s.workload.ops.len() + s.interventions.len(),
            scheduled - dropped
        );
        assert!(s.validate().is_ok(), "{:?}", s.validate());
        assert!(s
            .faults
            .iter()
            .chain(&s.workload.ops)
            .all(|t| t.at_ms <= 75.0));
        // What was not after the cut is kept, in order.
        let mut again = s.clone();
        assert_eq!(again.cut_at(75.0), 0);
        assert_eq!(again, s);
    }

    #[test]
    fn cut_at_keeps_an_action_at_the_very_end_and_can_lengthen() {
        let mut s = presets::find("single-leader-async-crash-loses-write")
            .unwrap()
            .scenario();
        s.interventions.push(Timed {
            at_ms: 80.0,
            action: Action::HealAll,
        });
        // The fault at 80 ms and the intervention at 80 ms stay.
        assert_eq!(s.cut_at(80.0), 1);
        assert!(s.faults.iter().any(|t| t.at_ms == 80.0));
        assert_eq!(s.interventions.len(), 1);
        assert!(s.validate().is_ok());
        let before = s.clone();
        assert_eq!(s.cut_at(10_000.0), 0);
        assert_eq!(s.until_ms, 10_000.0);
        assert_eq!(s.faults, before.faults);
    }
}
