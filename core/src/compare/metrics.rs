//! Figures read off a finished run's client history and anomalies:
//! latency percentiles, write availability while a fault is in force,
//! reads that came back with siblings, and lost or discarded writes
//! counted once each. Integer microseconds throughout; milliseconds only
//! in the result.

use alloc::collections::BTreeSet;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::check::{Anomaly, AnomalyKind};
use crate::history::History;
use crate::node::{OpId, Outcome};

/// The median and 99th percentile of some operations' latencies
/// (nearest rank), over `count` operations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Percentiles {
    pub count: u64,
    /// `None` when there was no operation to measure.
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
}

/// Nearest-rank percentiles of `latencies_us` (sorted here).
pub fn percentiles(mut latencies_us: Vec<u64>) -> Percentiles {
    crate::sorting::sort(&mut latencies_us);
    let n = latencies_us.len();
    // Nearest rank: the smallest value with at least p % of the values at
    // or below it — an observed latency, never an interpolation.
    let at = |p: usize| -> Option<f64> {
        let rank = (p * n).div_ceil(100).max(1);
        latencies_us.get(rank - 1).map(|&us| us as f64 / 1000.0)
    };
    Percentiles {
        count: n as u64,
        p50_ms: at(50),
        p99_ms: at(99),
    }
}

/// Latencies of acknowledged writes (`writes`) or successful reads, as
/// their users waited: each operation's own plus `trip`, the user's round
/// trip to the node that answered.
pub fn latencies(
    history: &History,
    writes: bool,
    trip: impl Fn(&crate::history::Operation) -> u64,
) -> Vec<u64> {
    history
        .ops
        .iter()
        .filter(|o| o.request.is_write() == writes)
        .filter(|o| match &o.outcome {
            Some(Outcome::Written { .. }) => writes,
            Some(Outcome::Read { .. } | Outcome::Values { .. }) => !writes,
            _ => false,
        })
        .filter_map(|o| Some(o.latency_us()? + trip(o)))
        .collect()
}

/// Writes issued while a fault was in force, and how many of them the
/// client saw succeed in time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Availability {
    pub issued: u64,
    /// Acknowledged within the client's deadline.
    pub succeeded: u64,
    /// `succeeded / issued`; `None` when no write was issued.
    pub share: Option<f64>,
}

/// Writes invoked in `[from_us, to_us)` that were acknowledged within
/// `deadline_us` of being sent. A write still waiting at the deadline
/// counts as unavailable even if it succeeds later: its client has given
/// up (a synchronous leader cut off from its followers answers nobody
/// until the partition heals).
pub fn write_availability(
    history: &History,
    (from_us, to_us): (u64, u64),
    deadline_us: u64,
) -> Availability {
    let mut issued = 0u64;
    let mut succeeded = 0u64;
    for o in &history.ops {
        let t = o.invoked_at.0;
        if !o.request.is_write() || t < from_us || t >= to_us {
            continue;
        }
        issued += 1;
        let in_time = o.latency_us().is_some_and(|l| l <= deadline_us);
        succeeded += u64::from(o.acknowledged_write() && in_time);
    }
    Availability {
        issued,
        succeeded,
        share: (issued > 0).then(|| succeeded as f64 / issued as f64),
    }
}

/// Reads answered with two or more concurrent values side by side
/// (siblings): what a leaderless store shows a client instead of picking
/// a winner. Every write in the comparison writes a distinct value, so
/// two values mean two concurrent versions.
pub fn sibling_reads(history: &History) -> u64 {
    history
        .ops
        .iter()
        .filter(|o| matches!(&o.outcome, Some(Outcome::Values { values, .. }) if values.len() > 1))
        .count() as u64
}

/// Acknowledged writes that are gone, each counted once.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LostWrites {
    /// No surviving node holds them (the lost-write checker's findings,
    /// `Summary.writes.lost`).
    pub lost: u64,
    /// Last write wins threw them away for a write that never saw them;
    /// each write counts once, however many writes beat it (as in
    /// `Summary.writes.discarded`).
    pub discarded: u64,
    /// Discarded writes made after, in real time, a write that beat
    /// them: only a clock that runs behind does that.
    pub discarded_by_earlier: u64,
    /// Writes lost, discarded or both.
    pub total: u64,
}

/// Lost and discarded writes from a run's anomalies.
pub fn lost_writes(anomalies: &[Anomaly], history: &History) -> LostWrites {
    let ops = |kind: AnomalyKind| -> BTreeSet<OpId> {
        crate::sorting::set_from(anomalies.iter().filter(|a| a.kind == kind).map(|a| a.op))
    };
    let (lost, discarded) = (
        ops(AnomalyKind::LostWrite),
        ops(AnomalyKind::DiscardedWrite),
    );
    let invoked = |op: Option<OpId>| op.and_then(|o| history.get(o)).map(|o| o.invoked_at);
    let by_earlier = crate::sorting::set_from(
        anomalies
            .iter()
            .filter(|a| a.kind == AnomalyKind::DiscardedWrite)
            .filter(
                |a| matches!((invoked(Some(a.op)), invoked(a.other)), (Some(l), Some(w)) if l > w),
            )
            .map(|a| a.op),
    );
    LostWrites {
        lost: lost.len() as u64,
        discarded: discarded.len() as u64,
        discarded_by_earlier: by_earlier.len() as u64,
        total: lost.union(&discarded).count() as u64,
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::node::{NodeId, Request};
    use crate::time::Instant;
    use alloc::string::String;

    #[test]
    fn percentiles_are_observed_values_by_nearest_rank() {
        let p = percentiles((1..=200).rev().map(|ms| ms * 1000).collect());
        assert_eq!(p.count, 200);
        assert_eq!(p.p50_ms, Some(100.0));
        assert_eq!(p.p99_ms, Some(198.0));
        let one = percentiles(alloc::vec![1500]);
        assert_eq!((one.p50_ms, one.p99_ms), (Some(1.5), Some(1.5)));
        assert_eq!(percentiles(Vec::new()).p50_ms, None);
    }

    fn history(ops: &[(u64, Option<(u64, Outcome)>)]) -> History {
        let mut h = History::default();
        for (i, (at, done)) in ops.iter().enumerate() {
            let request = Request::Write {
                key: "k1".into(),
                value: i as i64,
            };
            let id = h.invoke(NodeId(0), request, Instant(*at), i as u32);
            if let Some((when, outcome)) = done {
                h.complete(id, outcome.clone(), Instant(*when), i as u32);
            }
        }
        h.invoke(NodeId(0), Request::read("k1"), Instant(150), 9);
        h.complete(
            OpId(h.ops.len() as u32 - 1),
            Outcome::Values {
                values: alloc::vec![1, 2],
                version: 2,
                causal: None,
                siblings: Vec::new(),
            },
            Instant(160),
            9,
        );
        h
    }

    #[test]
    fn availability_counts_writes_in_the_window_acknowledged_in_time() {
        let failed = Outcome::Failed {
            reason: "down".into(),
        };
        let h = history(&[
            (50, Some((60, Outcome::written(1)))),   // before the window
            (100, Some((110, Outcome::written(2)))), // in time
            (120, Some((400, Outcome::written(3)))), // too late
            (130, Some((131, failed))),              // failed
            (140, None),                             // never answered
            (200, Some((201, Outcome::written(4)))), // after the window
        ]);
        let a = write_availability(&h, (100, 200), 100);
        assert_eq!((a.issued, a.succeeded, a.share), (4, 1, Some(0.25)));
        assert_eq!(write_availability(&h, (500, 600), 100).share, None);
        assert_eq!(sibling_reads(&h), 1);
        assert_eq!(latencies(&h, true, |_| 0), [10, 10, 280, 1]);
        assert_eq!(latencies(&h, false, |_| 0), [10]);
        // The user's trip to the node is added to each operation.
        assert_eq!(
            latencies(&h, true, |o| u64::from(o.id.0) * 1000),
            [10, 1010, 2280, 5001]
        );
    }

    #[test]
    fn each_lost_or_discarded_write_counts_once() {
        let h = history(&[
            (10, Some((11, Outcome::written(1)))),
            (20, Some((21, Outcome::written(2)))),
            (30, Some((31, Outcome::written(3)))),
        ]);
        let a = |kind, op: u32, other: Option<u32>| Anomaly {
            kind,
            op: OpId(op),
            other: other.map(OpId),
            explanation: String::new(),
        };
        let anomalies = [
            // #0 lost to #1 and to #2 (two records), and lost outright.
            a(AnomalyKind::DiscardedWrite, 0, Some(1)),
            a(AnomalyKind::DiscardedWrite, 0, Some(2)),
            a(AnomalyKind::LostWrite, 0, None),
            // #2 lost to #1, which was made before it: a slow clock.
            a(AnomalyKind::DiscardedWrite, 2, Some(1)),
            a(AnomalyKind::StaleRead, 3, Some(1)),
        ];
        let l = lost_writes(&anomalies, &h);
        assert_eq!(
            (l.lost, l.discarded, l.discarded_by_earlier, l.total),
            (1, 2, 1, 2)
        );
    }
}
