//! Checkers read what clients observed (the history) and label anomalies:
//! a read that missed a write acknowledged before it began (stale), an
//! acknowledged write no surviving node holds (lost). Each checker is one
//! rule; later protocols add their own (conflicts, read-your-writes...).

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

mod sessions;

pub use sessions::{ConsistentPrefix, MonotonicReads, ReadYourWritesCheck};

use crate::history::History;
use crate::node::{OpId, Outcome, Request};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnomalyKind {
    StaleRead,
    LostWrite,
    Conflict,
    /// A user did not see their own earlier write.
    ReadYourWrites,
    /// A user's later read of a key returned older data than an earlier one.
    MonotonicRead,
    /// A user saw a write without a write that came before it in the log
    /// (an answer before its question).
    ConsistentPrefix,
    /// A follower's copy differs from its leader's after applying the same
    /// log entry (statement-based replication of a non-deterministic
    /// statement).
    Divergence,
    /// A write acknowledged by a node that was no longer the leader.
    SplitBrain,
    /// An acknowledged write that last-write-wins threw away for a write
    /// that never saw it.
    DiscardedWrite,
    /// A write applied (or refused) before a write it depends on arrived:
    /// an update overtaking its insert.
    CausalityViolation,
}

impl AnomalyKind {
    pub fn label(self) -> &'static str {
        match self {
            AnomalyKind::StaleRead => "stale read",
            AnomalyKind::LostWrite => "lost write",
            AnomalyKind::Conflict => "conflict",
            AnomalyKind::ReadYourWrites => "read-your-writes violation",
            AnomalyKind::MonotonicRead => "non-monotonic read",
            AnomalyKind::ConsistentPrefix => "consistent-prefix violation",
            AnomalyKind::Divergence => "replica divergence",
            AnomalyKind::SplitBrain => "split brain",
            AnomalyKind::DiscardedWrite => "silently discarded write",
            AnomalyKind::CausalityViolation => "causality violation",
        }
    }
}

/// One labelled problem, tied to the client operation that shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anomaly {
    pub kind: AnomalyKind,
    pub op: OpId,
    /// The other operation involved: the write a conflicting one met, the
    /// write that won over a discarded one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other: Option<OpId>,
    pub explanation: String,
}

/// What checkers may look at once a run is over.
pub struct CheckInput<'a> {
    pub history: &'a History,
    /// Writes that some node that is up at the end has applied.
    pub surviving_writes: &'a BTreeSet<OpId>,
}

pub trait Checker {
    fn name(&self) -> &'static str;
    fn check(&self, input: &CheckInput<'_>) -> Vec<Anomaly>;
}

/// A read is stale if some write to its key was acknowledged before the
/// read began and the read returned an older version.
pub struct StaleReads;

impl Checker for StaleReads {
    fn name(&self) -> &'static str {
        "stale reads"
    }

    fn check(&self, input: &CheckInput<'_>) -> Vec<Anomaly> {
        let ops = &input.history.ops;
        // Acknowledged writes per key, in operation order: each read then
        // scans only its own key's writes (long runs have thousands of
        // operations over many keys).
        let mut writes: BTreeMap<&str, Vec<(OpId, u64, crate::time::Instant)>> = BTreeMap::new();
        for w in ops.iter().filter(|w| w.request.is_write()) {
            if let (Some(Outcome::Written { version, .. }), Some(done)) =
                (&w.outcome, w.completed_at)
            {
                writes
                    .entry(w.request.key())
                    .or_default()
                    .push((w.id, *version, done));
            }
        }
        let mut found = Vec::new();
        for read in ops {
            let key = match &read.request {
                Request::Read { key, .. } | Request::Get { key, .. } => key,
                _ => continue,
            };
            let got = match &read.outcome {
                Some(Outcome::Read { version, .. } | Outcome::Values { version, .. }) => *version,
                _ => continue,
            };
            let newer = writes.get(key.as_str()).and_then(|ws| {
                ws.iter()
                    .find(|&&(_, version, done)| done < read.invoked_at && version > got)
            });
            if let Some(&(write, version, done)) = newer {
                found.push(Anomaly {
                    other: None,
                    kind: AnomalyKind::StaleRead,
                    op: read.id,
                    explanation: format!(
                        "read of {key} at {} returned version {got}, but write #{} (version {version}) was acknowledged at {done}",
                        read.node, write.0
                    ),
                });
            }
        }
        found
    }
}

/// An acknowledged write is lost when no node that is up at the end holds it.
pub struct LostWrites;

impl Checker for LostWrites {
    fn name(&self) -> &'static str {
        "lost writes"
    }

    fn check(&self, input: &CheckInput<'_>) -> Vec<Anomaly> {
        input
            .history
            .ops
            .iter()
            .filter(|o| o.acknowledged_write() && !input.surviving_writes.contains(&o.id))
            .map(|o| Anomaly {
                other: None,
                kind: AnomalyKind::LostWrite,
                op: o.id,
                explanation: format!(
                    "{} was acknowledged to the client but no surviving node has it",
                    o.request
                ),
            })
            .collect()
    }
}

/// A write is a split-brain write when the node that acknowledged it did
/// so as leader of an epoch older than one a write had already been
/// acknowledged in: two leaders were taking writes at once.
pub struct SplitBrainWrites;

impl Checker for SplitBrainWrites {
    fn name(&self) -> &'static str {
        "split brain"
    }

    fn check(&self, input: &CheckInput<'_>) -> Vec<Anomaly> {
        let mut acked: Vec<(crate::time::Instant, u32, &crate::history::Operation)> = input
            .history
            .ops
            .iter()
            .filter_map(|o| match (&o.outcome, o.completed_at) {
                (Some(Outcome::Written { epoch: Some(e), .. }), Some(t)) => Some((t, *e, o)),
                _ => None,
            })
            .collect();
        crate::sorting::sort_by_key(&mut acked, |(t, _, o)| (*t, o.id));
        let mut newest: Option<(u32, &crate::history::Operation)> = None;
        let mut found = Vec::new();
        for (_, epoch, op) in acked {
            match newest {
                Some((e, by)) if epoch < e => found.push(Anomaly {
                    other: None,
                    kind: AnomalyKind::SplitBrain,
                    op: op.id,
                    explanation: format!(
                        "{} acknowledged {} as leader of epoch {epoch}, but {} had already acknowledged a write as leader of epoch {e}: two leaders were taking writes",
                        op.node, op.request, by.node
                    ),
                }),
                Some((e, _)) if epoch <= e => {}
                _ => newest = Some((epoch, op)),
            }
        }
        found
    }
}

/// The session guarantees (read-your-writes, monotonic reads, consistent
/// prefix), for protocols whose versions are log positions.
pub fn sessions() -> [&'static dyn Checker; 3] {
    [
        &sessions::ReadYourWritesCheck,
        &sessions::MonotonicReads,
        &sessions::ConsistentPrefix,
    ]
}

/// Every checker that applies to all protocols.
pub fn standard() -> [&'static dyn Checker; 3] {
    [&StaleReads, &LostWrites, &SplitBrainWrites]
}
