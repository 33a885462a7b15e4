//! A scenario is everything a run depends on — protocol and its settings,
//! seed, network, clocks, faults, workload, the user's interventions and
//! when to stop — as one serde value. Same scenario, same trace, on every
//! target: that is what makes a shared link replay exactly.
//!
//! Validation reports every problem at once, each naming the field, what
//! was wrong and what is allowed.

//!
//! The vocabulary a scenario is made of (network, clocks, faults,
//! workload, the validator) lives in [`crate::scenario_parts`], below the
//! protocols; it is re-exported here, where callers have always found it.

mod validate;

pub use crate::scenario_parts::*;

use crate::protocol::Spec;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::protocol::ProtocolConfig;
use crate::time::Instant;

/// The scenario's faults in the order they happen (by time, then as
/// written): the order a schedule's `script` steps take them in.
pub fn scripted_order(faults: &[Timed]) -> alloc::vec::Vec<usize> {
    let mut order: alloc::vec::Vec<usize> = (0..faults.len()).collect();
    crate::sorting::sort_by_key(&mut order, |&i| (faults[i].at(), i));
    order
}

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
    /// A schedule found by the explorer: when present the run takes
    /// exactly these steps, in this order, and nothing else happens (see
    /// `docs/explore.md`). Empty for an ordinary run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schedule: Vec<Chosen>,
    /// The run stops at this virtual time.
    pub until_ms: f64,
}

fn format_version() -> u32 {
    FORMAT
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
    /// scripted operations, interventions; or a replayed schedule's steps)
    /// is dropped, so a scenario that
    /// was valid stays valid when it is cut short. An action at exactly
    /// `until_ms` is kept, as validation allows. Returns how many actions
    /// were dropped. A later `until_ms` simply lengthens the run.
    pub fn cut_at(&mut self, until_ms: f64) -> usize {
        self.until_ms = until_ms;
        if !self.schedule.is_empty() {
            // A replayed schedule takes listed operations and faults only
            // as its steps name them (by index, whatever their times): cut
            // the steps, keep the lists.
            let before = self.schedule.len();
            self.schedule.retain(|c| c.at_ms <= until_ms);
            return before - self.schedule.len();
        }
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

    /// This scenario with one more node, which joins when the operator
    /// adds it at `at_ms`, for protocols where that is an operation (see
    /// [`Spec::with_new_node`]); a sentence saying why not otherwise.
    pub fn with_new_node(&self, at_ms: f64) -> Result<Scenario, String> {
        let (protocol, node) = Spec::with_new_node(&self.protocol)?;
        let mut s = self.clone();
        s.protocol = protocol;
        s.interventions.push(Timed {
            at_ms,
            action: Action::AddFollower { node },
        });
        Ok(s)
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
