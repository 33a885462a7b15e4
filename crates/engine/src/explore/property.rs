//! The properties the explorer can look for. Each is one or more of the
//! anomaly kinds the simulator's own checkers label, so "found" means
//! exactly what the same label means on an ordinary run: the replayed
//! counterexample shows it in its anomaly list.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::anomaly::AnomalyKind;
use crate::protocol::Spec;
use crate::scenario::Scenario;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Property {
    StaleRead,
    LostWrite,
    Linearizable,
    ReadYourWrites,
    MonotonicReads,
    ConsistentPrefix,
    SplitBrain,
    Divergence,
    DiscardedWrite,
    Conflict,
}

impl Property {
    pub const ALL: [Property; 10] = [
        Property::StaleRead,
        Property::LostWrite,
        Property::Linearizable,
        Property::ReadYourWrites,
        Property::MonotonicReads,
        Property::ConsistentPrefix,
        Property::SplitBrain,
        Property::Divergence,
        Property::DiscardedWrite,
        Property::Conflict,
    ];

    /// The name on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Property::StaleRead => "stale-read",
            Property::LostWrite => "lost-write",
            Property::Linearizable => "linearizable",
            Property::ReadYourWrites => "read-your-writes",
            Property::MonotonicReads => "monotonic-reads",
            Property::ConsistentPrefix => "consistent-prefix",
            Property::SplitBrain => "split-brain",
            Property::Divergence => "divergence",
            Property::DiscardedWrite => "discarded-write",
            Property::Conflict => "conflict",
        }
    }

    /// What a violation is, in a sentence.
    pub fn meaning(self) -> &'static str {
        match self {
            Property::StaleRead => "a read misses a write acknowledged before the read began",
            Property::LostWrite => {
                "an acknowledged write is held by no node that is up, or is replaced by a write whose client never saw it"
            }
            Property::Linearizable => {
                "the clients' history of a key has no linearization: no single order of the operations, each between its call and its answer, explains every answer"
            }
            Property::ReadYourWrites => "a user does not see their own earlier write",
            Property::MonotonicReads => "a user's later read returns older data than an earlier one",
            Property::ConsistentPrefix => "a user sees a write without a write that came before it",
            Property::SplitBrain => "two leaders acknowledge writes at once",
            Property::Divergence => {
                "replicas hold different values once nothing is in flight and no timer is left to reconcile them"
            }
            Property::DiscardedWrite => "last-write-wins silently throws away an acknowledged write",
            Property::Conflict => "two leaders accept concurrent writes to one key",
        }
    }

    pub fn parse(name: &str) -> Result<Property, String> {
        Property::ALL
            .into_iter()
            .find(|p| p.name() == name)
            .ok_or_else(|| {
                let names: Vec<&str> = Property::ALL.iter().map(|p| p.name()).collect();
                format!(
                    "there is no property \"{name}\": choose one of {}",
                    names.join(", ")
                )
            })
    }

    /// The anomaly kinds whose appearance violates the property.
    pub fn kinds(self) -> &'static [AnomalyKind] {
        match self {
            Property::StaleRead => &[AnomalyKind::StaleRead],
            Property::LostWrite => &[AnomalyKind::LostWrite, AnomalyKind::LostUpdate],
            Property::Linearizable => &[AnomalyKind::NotLinearizable],
            Property::ReadYourWrites => &[AnomalyKind::ReadYourWrites],
            Property::MonotonicReads => &[AnomalyKind::MonotonicRead],
            Property::ConsistentPrefix => &[AnomalyKind::ConsistentPrefix],
            Property::SplitBrain => &[AnomalyKind::SplitBrain],
            Property::Divergence => &[AnomalyKind::Divergence],
            Property::DiscardedWrite => &[AnomalyKind::DiscardedWrite],
            Property::Conflict => &[AnomalyKind::Conflict],
        }
    }

    /// Whether only the clients' history can show a violation (so a
    /// state whose history did not change needs no new judgement).
    pub fn reads_history_only(self) -> bool {
        !matches!(
            self,
            Property::LostWrite
                | Property::Divergence
                | Property::DiscardedWrite
                | Property::Conflict
        )
    }

    /// Refuses a property the scenario's protocol can never violate, with
    /// the reason.
    pub fn applies_to(self, scenario: &Scenario) -> Result<(), String> {
        let spec = scenario.protocol.spec();
        if self.kinds().iter().any(|&k| spec.can_show(k)) {
            return Ok(());
        }
        let why = match self {
            Property::Linearizable => "its keys are not registers (they merge or keep siblings), so the linearizability checker does not judge them",
            Property::ReadYourWrites | Property::MonotonicReads | Property::ConsistentPrefix => {
                "the session checks compare positions in one leader's log, and this protocol has no single log"
            }
            Property::SplitBrain => "split brain is two leaders of different epochs acknowledging writes, and this protocol has no elected leader",
            Property::DiscardedWrite => "only last-write-wins discards writes, and this configuration does not use it",
            Property::Conflict => "only leaders that accept writes concurrently meet conflicts",
            _ => "it never labels this anomaly",
        };
        Err(format!(
            "{} does not apply to {}: {why}",
            self.name(),
            spec.name()
        ))
    }
}
