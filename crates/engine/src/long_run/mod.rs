//! Long runs in bounded memory: a simulated hour (or day) headless.
//!
//! A recorded run keeps everything — every step, message, note and client
//! operation, plus a checkpoint of the whole world every
//! [`crate::sim::CHECKPOINT_EVERY`] steps — because the views seek and
//! replay it. That costs a few hundred bytes per event: fine for a
//! minute, not for an hour. A windowed run ([`run_windowed`]) records the
//! same trace the same way but keeps only a sliding window of it: once
//! `window` steps are held, the older half is folded into counters and a
//! [`TraceDigest`] and forgotten (messages still in flight and operations
//! still pending stay until they are settled). Checkpoints are off. Memory
//! then stays flat however long the run goes; the simulation itself is
//! untouched, which the digest proves: a windowed run's digest equals
//! [`Trace::digest`](crate::trace::Trace::digest) of the same run
//! recorded in full.
//!
//! [`add_churn`] and [`add_load`] turn any scenario into a soak test:
//! repeating crash/recover, partition/heal and slow-link faults, and a
//! seeded client load, both stopping a quiet spell before the end so the
//! replicas can settle.
//!
//! [`TraceDigest`]: crate::trace::TraceDigest

mod histogram;
mod soak;
mod windowed;

pub use soak::{add_churn, add_load};
pub use windowed::Windowed;

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::node::NodeId;
use crate::protocol::{Family, Visit};
use crate::run::MessageCounts;
use crate::scenario::{Scenario, ScenarioError};

/// Steps a windowed run keeps unless told otherwise.
pub const DEFAULT_WINDOW: usize = 100_000;

/// Reported as the run goes (at every compaction and at the end).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Virtual time of the last step, µs.
    pub now_us: u64,
    /// The run's end, µs.
    pub until_us: u64,
    pub events: u64,
    /// The last report: the run is over.
    pub done: bool,
}

/// Operations of one kind, by outcome.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpCounts {
    pub ok: u64,
    pub failed: u64,
    /// Not answered when the run ended.
    pub pending: u64,
}

/// Latency of the operations that succeeded, in milliseconds. Quantiles
/// come from a log-scale histogram (16 buckets per power of two: within
/// about 6 %); mean and max are exact.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Latencies {
    pub count: u64,
    pub mean_ms: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// Fault steps the run took (scheduled ones and the churn's).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultCounts {
    pub crashes: u64,
    pub recoveries: u64,
    pub partitions: u64,
    pub heals: u64,
    /// Links made slow (restoring a link's speed counts as a heal).
    pub slow_links: u64,
}

/// The most the window ever held (measured just before each compaction).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowPeak {
    pub steps: u64,
    pub messages: u64,
    pub notes: u64,
    pub operations: u64,
    /// Heap bytes of the retained trace and history (records, payload
    /// text, notes; approximate for operations' key strings).
    pub bytes: u64,
}

/// One node at the end.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeSummary {
    pub node: NodeId,
    pub up: bool,
    pub role: crate::node::Role,
    /// The inspector's figures for the node (keys held, hints, repairs…).
    pub fields: Vec<(String, String)>,
}

pub use crate::replica_values::{convergence, Convergence};

/// What `replicascope long-run` prints (the CLI adds wall time and RSS).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LongRunReport {
    pub protocol: String,
    pub seed: u64,
    /// The scenario's end, µs of virtual time.
    pub until_us: u64,
    /// The last step's virtual time, µs.
    pub last_event_us: u64,
    /// Steps taken.
    pub events: u64,
    /// [`TraceDigest`] of the whole run, 16 hex digits.
    ///
    /// [`TraceDigest`]: crate::trace::TraceDigest
    pub trace_digest: String,
    pub window: u64,
    pub compactions: u64,
    pub messages: MessageCounts,
    pub notes: u64,
    pub writes: OpCounts,
    pub reads: OpCounts,
    pub latency: Latencies,
    pub faults: FaultCounts,
    pub peak_window: WindowPeak,
    pub nodes: Vec<NodeSummary>,
    pub convergence: Convergence,
}

/// Runs `scenario` to its end keeping at most `window` steps (at least 1)
/// of its trace; `progress` hears how far it got at every compaction.
pub fn run_windowed(
    scenario: &Scenario,
    window: usize,
    progress: &mut dyn FnMut(Progress),
) -> Result<LongRunReport, ScenarioError> {
    scenario.validate().map_err(ScenarioError::Invalid)?;
    Ok(scenario.protocol.visit(RunWindowed {
        scenario,
        window,
        progress,
    }))
}

/// [`run_windowed`] with the scenario's protocol as its own type.
struct RunWindowed<'a> {
    scenario: &'a Scenario,
    window: usize,
    progress: &'a mut dyn FnMut(Progress),
}

impl Visit for RunWindowed<'_> {
    type Out = LongRunReport;
    fn visit<F: Family>(self, config: &F) -> LongRunReport {
        Windowed::new(self.scenario, |id| config.node(id), self.window)
            .finish(self.progress, |w| config.convergence(&w.nodes, &w.up))
    }
}
