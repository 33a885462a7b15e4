//! Checking a whole scenario: every part reports to one [`Validator`],
//! so every problem comes back at once.

use alloc::format;
use alloc::string::ToString;
use alloc::vec::Vec;

use super::{Problem, Scenario, Validator, FORMAT};
use crate::protocol::Spec;

impl Scenario {
    /// Every problem, or `Ok` when the scenario can run.
    pub fn validate(&self) -> Result<(), Vec<Problem>> {
        let mut v = Validator::default();
        if self.format != FORMAT {
            v.push(
                "format",
                format!(
                    "format {} is not supported: this build reads format {FORMAT}",
                    self.format
                ),
            );
        }
        v.time("until_ms", self.until_ms);
        if self.until_ms <= 0.0 {
            v.push("until_ms", "the run must last longer than 0 ms".to_string());
        }
        self.protocol.spec().validate(&mut v);
        let nodes = self.node_count();
        v.nodes = nodes;
        self.network.validate(&mut v);
        for (i, c) in self.clocks.iter().enumerate() {
            let p = format!("clocks[{i}]");
            v.node(&format!("{p}.node"), c.node);
            v.finite_in(
                &format!("{p}.offset_ms"),
                c.offset_ms,
                -3_600_000.0,
                3_600_000.0,
                "an offset within ±1 hour",
            );
            v.finite_in(
                &format!("{p}.drift_ppm"),
                c.drift_ppm,
                -100_000.0,
                100_000.0,
                "a drift within ±100000 ppm",
            );
        }
        for (list, items) in [
            ("faults", &self.faults),
            ("workload.ops", &self.workload.ops),
            ("interventions", &self.interventions),
        ] {
            // With a schedule, listed times only order each client's
            // operations: the schedule says when each happens.
            let until = if self.schedule.is_empty() {
                self.until_ms
            } else {
                f64::INFINITY
            };
            for (i, t) in items.iter().enumerate() {
                v.timed(&format!("{list}[{i}]"), t, until);
            }
        }
        v.finite_in(
            "workload.routing.leader_window_ms",
            self.workload.routing.leader_window_ms,
            0.0,
            3_600_000.0,
            "between 0 and 3600000 ms",
        );
        if let Some(g) = &self.workload.generator {
            g.validate(&mut v, self.until_ms);
        }
        if !self.schedule.is_empty() {
            v.schedule(
                &self.schedule,
                self.workload.ops.len(),
                self.faults.len(),
                self.until_ms,
            );
            if self.workload.generator.is_some() {
                v.push(
                    "workload.generator",
                    "a run that replays a schedule takes only the operations listed in workload.ops; remove the generator".to_string(),
                );
            }
            if !self.interventions.is_empty() {
                v.push(
                    "interventions",
                    "this run replays a schedule step by step, so it cannot take interventions; remove the schedule to change the run by hand".to_string(),
                );
            }
        }
        v.finish()
    }
}
