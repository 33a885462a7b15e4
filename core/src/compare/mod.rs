//! "Compare the three architectures": the same workload and the same
//! fault on single-leader (synchronous and asynchronous), multi-leader and
//! leaderless replication, each a real simulator run with the same seed,
//! measured side by side — the article's comparison table with figures.
//!
//! [`scenario_for`] builds one architecture's scenario (see [`topology`]
//! for the shared world and what it leaves out, [`workload`] for the
//! clients), [`measure`] runs it and reads the figures off its history
//! and summary ([`metrics`]), [`compare`] does all four.

pub mod architecture;
pub mod explain;
pub mod metrics;
pub mod topology;
pub mod workload;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

pub use architecture::{Architecture, Contender, Under};
pub use metrics::{Availability, LostWrites, Percentiles};
pub use topology::scenario_for;

use crate::scenario::{Action, Scenario};

/// Datacenters in the shared world, one machine each.
pub const DATACENTERS: u16 = 3;
/// A client gives up on a write after this long: a write acknowledged
/// later does not count as available.
pub const CLIENT_DEADLINE_MS: f64 = 1_000.0;
/// Most requests a comparison may issue per run: every request is written
/// into the run's share link (about 100 characters each), and links stay
/// well under the 200 000 characters a link may hold.
pub const MAX_REQUESTS: f64 = 1_500.0;

/// The fault every architecture suffers, in the middle third of the run
/// (clock skew: all along).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    #[default]
    None,
    /// The machine in dc 1 (the single leader) crashes, then recovers.
    Crash,
    /// Dc 1 is cut off from the other two datacenters, then healed.
    Partition,
    /// Node 1's clock runs [`topology::SKEW_MS`] behind all along.
    Skew,
}

impl Fault {
    pub const ALL: [Fault; 4] = [Fault::None, Fault::Crash, Fault::Partition, Fault::Skew];

    /// The name the CLI and the page use.
    pub fn id(self) -> &'static str {
        match self {
            Fault::None => "none",
            Fault::Crash => "crash",
            Fault::Partition => "partition",
            Fault::Skew => "skew",
        }
    }

    pub fn parse(text: &str) -> Option<Fault> {
        Fault::ALL.into_iter().find(|f| f.id() == text)
    }

    /// A few words, for a menu.
    pub fn label(self) -> &'static str {
        match self {
            Fault::None => "No fault",
            Fault::Crash => "Crash: dc 1's machine",
            Fault::Partition => "Partition: dc 1 cut off",
            Fault::Skew => "Clock skew: node 1 behind",
        }
    }

    /// One line saying what happens.
    pub fn describe(self) -> String {
        match self {
            Fault::None => String::from("no fault"),
            Fault::Crash => {
                String::from("the machine in dc 1 (the single leader) crashes, then recovers")
            }
            Fault::Partition => String::from(
                "dc 1 (the single leader's) is cut off from dc 2 and dc 3, then healed",
            ),
            Fault::Skew => format!(
                "node 1's clock runs {} ms behind for the whole run",
                topology::SKEW_MS
            ),
        }
    }
}

/// What to compare: one workload, one fault, one seed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompareSpec {
    pub fault: Fault,
    /// Requests per second of virtual time, all datacenters together.
    pub rate_per_s: f64,
    /// Share of requests that are reads, 0 to 1.
    pub read_fraction: f64,
    /// Keys `k1…kK`, chosen uniformly: fewer keys, more contention.
    pub keys: u32,
    pub seed: u64,
    /// Requests are sent during this long; the run lasts
    /// [`topology::SETTLE_MS`] more.
    pub duration_ms: f64,
}

impl CompareSpec {
    /// The defaults the CLI and the page start from.
    pub fn new(fault: Fault) -> CompareSpec {
        CompareSpec {
            fault,
            rate_per_s: 100.0,
            read_fraction: 0.5,
            keys: 10,
            seed: 1,
            duration_ms: 3_000.0,
        }
    }

    /// The first problem, in one line naming the setting.
    pub fn validate(&self) -> Result<(), String> {
        let number = |name: &str, v: f64, lo: f64, hi: f64, unit: &str| {
            if v.is_finite() && (lo..=hi).contains(&v) {
                Ok(())
            } else {
                Err(format!("{name} {v} is out of range: {lo} to {hi}{unit}"))
            }
        };
        number(
            "rate",
            self.rate_per_s,
            1.0,
            1_000.0,
            " requests per second",
        )?;
        number("read fraction", self.read_fraction, 0.0, 1.0, "")?;
        number("duration", self.duration_ms, 300.0, 60_000.0, " ms")?;
        if !(1..=1_000).contains(&self.keys) {
            return Err(format!("keys {} is out of range: 1 to 1000", self.keys));
        }
        let expected = self.rate_per_s * self.duration_ms / 1000.0;
        if expected > MAX_REQUESTS {
            return Err(format!(
                "rate × duration asks for about {expected:.0} requests per run; at most {MAX_REQUESTS:.0} fit in a share link"
            ));
        }
        Ok(())
    }

    /// When the fault is in force, `[start, end)` in ms: the middle third
    /// of the requests for a crash or partition, the whole run for skew.
    pub fn fault_window_ms(&self) -> Option<(f64, f64)> {
        let third = libm::round(self.duration_ms / 3.0);
        match self.fault {
            Fault::None => None,
            Fault::Crash | Fault::Partition => Some((third, 2.0 * third)),
            Fault::Skew => Some((0.0, self.duration_ms + topology::SETTLE_MS)),
        }
    }
}

/// One architecture's measured figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub architecture: Architecture,
    pub label: String,
    /// Acknowledged writes, from request to acknowledgement.
    pub write_latency: Percentiles,
    /// Successful reads, from request to answer.
    pub read_latency: Percentiles,
    /// Writes issued while the fault was in force; `None` without a fault.
    pub write_availability: Option<Availability>,
    /// Reads that returned an older version than one acknowledged before
    /// they began (`Summary.reads.stale`).
    pub stale_reads: u64,
    /// Concurrent writes the leaders found (`Summary.conflicts`) plus
    /// reads answered with siblings.
    pub conflicts: u64,
    /// The part of `conflicts` that are reads answered with siblings.
    pub sibling_reads: u64,
    pub lost_writes: LostWrites,
    pub writes: Counts,
    pub reads: Counts,
    pub events: u64,
    /// The run's trace hash: the share link reproduces exactly this.
    pub trace_hash: String,
}

/// Requests of one kind by result.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub ok: u64,
    pub failed: u64,
    pub pending: u64,
}

/// All four rows for one spec.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub spec: CompareSpec,
    pub fault_window_ms: Option<(f64, f64)>,
    pub rows: Vec<Row>,
}

/// Runs `scenario` (built by [`scenario_for`], possibly edited) and reads
/// `arch`'s figures off it. The fault window comes from the scenario
/// itself: from its first scheduled fault to its last, or the whole run
/// when a clock is offset.
pub fn measure(arch: Architecture, scenario: &Scenario) -> Result<Row, String> {
    let run = crate::run::start(scenario).map_err(|e| e.to_string())?;
    let summary = run.summary();
    let history = run.history();
    let window = fault_window_us(scenario);
    let sibling_reads = metrics::sibling_reads(history);
    let deadline_us = workload::ms_to_us(CLIENT_DEADLINE_MS);
    Ok(Row {
        architecture: arch,
        label: arch.label().to_string(),
        write_latency: metrics::percentiles(metrics::latencies(
            history,
            true,
            topology::client_trip_us,
        )),
        read_latency: metrics::percentiles(metrics::latencies(
            history,
            false,
            topology::client_trip_us,
        )),
        write_availability: window.map(|w| metrics::write_availability(history, w, deadline_us)),
        stale_reads: summary.reads.stale,
        conflicts: summary.conflicts + sibling_reads,
        sibling_reads,
        lost_writes: metrics::lost_writes(&summary.anomalies, history),
        writes: Counts {
            ok: summary.writes.ok,
            failed: summary.writes.failed,
            pending: summary.writes.pending,
        },
        reads: Counts {
            ok: summary.reads.ok,
            failed: summary.reads.failed,
            pending: summary.reads.pending,
        },
        events: summary.events,
        trace_hash: summary.trace_hash,
    })
}

fn fault_window_us(scenario: &Scenario) -> Option<(u64, u64)> {
    let scheduled = scenario
        .faults
        .iter()
        .filter(|t| !matches!(t.action, Action::Client { .. } | Action::Session { .. }));
    let times: Vec<u64> = scheduled.map(|t| t.at().0).collect();
    if let (Some(&first), Some(&last)) = (times.iter().min(), times.iter().max()) {
        return Some((first, last));
    }
    scenario
        .clocks
        .iter()
        .any(|c| c.offset_ms != 0.0 || c.drift_ppm != 0.0)
        .then(|| (0, scenario.until().0))
}

/// Runs every architecture on `spec`.
pub fn compare(spec: &CompareSpec) -> Result<Comparison, String> {
    spec.validate()?;
    let rows = Architecture::all()
        .iter()
        .map(|&arch| measure(arch, &scenario_for(spec, arch)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Comparison {
        spec: spec.clone(),
        fault_window_ms: spec.fault_window_ms(),
        rows,
    })
}
