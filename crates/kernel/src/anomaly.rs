//! What checkers and protocols report: one labelled problem tied to the
//! client operation that shows it.

use alloc::string::String;
use serde::{Deserialize, Serialize};

use crate::node::OpId;

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
    /// An acknowledged write replaced by a write whose client had never
    /// seen it: its value disappears though nobody read it.
    LostUpdate,
    /// A key's history has no linearization: no order of its operations,
    /// each placed between its call and its answer, explains every
    /// answer (see the checkers' `linearizability`).
    NotLinearizable,
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
            AnomalyKind::LostUpdate => "lost update",
            AnomalyKind::NotLinearizable => "not linearizable",
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
