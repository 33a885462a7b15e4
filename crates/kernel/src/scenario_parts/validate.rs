//! Checking a scenario: every problem at once, each naming the field,
//! what was wrong and what is allowed, and the errors a scenario is
//! refused with.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use serde::{Deserialize, Serialize};

use super::{Action, Generator, NetworkConfig, Timed, MAX_UNTIL_MS};
use crate::node::NodeId;

/// One thing wrong with a scenario.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Where, as a path: `faults[2].node`.
    pub field: String,
    /// What was wrong and what is allowed.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Why a scenario could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScenarioError {
    /// Not JSON, or not the shape of a scenario.
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    /// Well-formed but with values out of range.
    Invalid(Vec<Problem>),
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScenarioError::Syntax {
                line,
                column,
                message,
            } => {
                write!(f, "line {line}, column {column}: {message}")
            }
            ScenarioError::Invalid(problems) => {
                let n = problems.len();
                write!(
                    f,
                    "{n} problem{} in the scenario: ",
                    if n == 1 { "" } else { "s" }
                )?;
                for (i, p) in problems.iter().enumerate() {
                    if i > 0 {
                        write!(f, "; ")?;
                    }
                    write!(f, "{p}")?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ScenarioError {}

impl NetworkConfig {
    #[doc(hidden)]
    pub fn validate(&self, v: &mut Validator) {
        let mut latency_problems = Vec::new();
        self.latency
            .validate("network.latency", &mut latency_problems);
        if let Some(legs) = &self.legs {
            legs.validate("network.legs", &mut latency_problems);
        }
        v.extend(latency_problems);
        v.probability("network.drop", self.drop);
        for (i, l) in self.links.iter().enumerate() {
            let p = format!("network.links[{i}]");
            v.node(&format!("{p}.from"), l.from);
            v.node(&format!("{p}.to"), l.to);
            if l.from == l.to {
                v.push(
                    &format!("{p}.to"),
                    "a link joins two different nodes".to_string(),
                );
            }
            if let Some(lat) = &l.latency {
                let mut problems = Vec::new();
                lat.validate(&format!("{p}.latency"), &mut problems);
                v.extend(problems);
            }
            if let Some(d) = l.drop {
                v.probability(&format!("{p}.drop"), d);
            }
        }
    }
}

impl Generator {
    #[doc(hidden)]
    pub fn validate(&self, v: &mut Validator, until_ms: f64) {
        let p = "workload.generator";
        v.finite_in(
            &format!("{p}.rate_per_s"),
            self.rate_per_s,
            0.0,
            1_000_000.0,
            "between 0 and 1000000 operations per second",
        );
        if self.rate_per_s == 0.0 {
            v.push(
                &format!("{p}.rate_per_s"),
                "a generator needs a rate above 0".to_string(),
            );
        }
        v.probability(&format!("{p}.read_fraction"), self.read_fraction);
        if self.keys == 0 || self.keys > 1_000_000 {
            v.push(
                &format!("{p}.keys"),
                format!("{} keys is not allowed: between 1 and 1000000", self.keys),
            );
        }
        for (i, n) in self.nodes.iter().enumerate() {
            v.node(&format!("{p}.nodes[{i}]"), *n);
        }
        v.time(&format!("{p}.start_ms"), self.start_ms);
        if let Some(end) = self.end_ms {
            v.time(&format!("{p}.end_ms"), end);
            if end < self.start_ms {
                v.push(
                    &format!("{p}.end_ms"),
                    "the generator must end after it starts".to_string(),
                );
            }
        }
        let _ = until_ms;
    }
}

/// Collects problems; the helpers check the common kinds of field.
#[derive(Default)]
pub struct Validator {
    problems: Vec<Problem>,
    /// Cluster size, once known, for node references.
    #[doc(hidden)]
    pub nodes: u16,
}

impl Validator {
    pub fn push(&mut self, field: &str, message: String) {
        self.problems.push(Problem {
            field: field.to_string(),
            message,
        });
    }

    pub fn extend(&mut self, problems: Vec<(String, String)>) {
        for (field, message) in problems {
            self.problems.push(Problem { field, message });
        }
    }

    /// `value` must be a finite number in `lo..=hi`; `allowed` says so in words.
    pub fn finite_in(&mut self, field: &str, value: f64, lo: f64, hi: f64, allowed: &str) {
        if !value.is_finite() || value < lo || value > hi {
            self.push(field, format!("{value} is not allowed: {allowed}"));
        }
    }

    /// An integer setting in `lo..=hi`.
    pub fn count_in(&mut self, field: &str, value: u32, lo: u32, hi: u32) {
        if value < lo || value > hi {
            self.push(
                field,
                format!("{value} is not allowed: between {lo} and {hi}"),
            );
        }
    }

    fn probability(&mut self, field: &str, p: f64) {
        self.finite_in(field, p, 0.0, 1.0, "a probability between 0 and 1");
    }

    #[doc(hidden)]
    pub fn time(&mut self, field: &str, ms: f64) {
        self.finite_in(
            field,
            ms,
            0.0,
            MAX_UNTIL_MS,
            "a time between 0 and 86400000 ms (one day)",
        );
    }

    #[doc(hidden)]
    pub fn node(&mut self, field: &str, node: NodeId) {
        if node.0 >= self.nodes {
            self.push(
                field,
                format!(
                    "node {} does not exist: this cluster has nodes 1 to {}",
                    node.0 + 1,
                    self.nodes
                ),
            );
        }
    }

    fn nodes_list(&mut self, field: &str, nodes: &[NodeId]) {
        if nodes.is_empty() {
            self.push(field, "name at least one node".to_string());
        }
        for (i, n) in nodes.iter().enumerate() {
            self.node(&format!("{field}[{i}]"), *n);
        }
    }

    #[doc(hidden)]
    pub fn timed(&mut self, path: &str, t: &Timed, until_ms: f64) {
        self.time(&format!("{path}.at_ms"), t.at_ms);
        if t.at_ms.is_finite() && t.at_ms > until_ms && until_ms.is_finite() {
            self.push(
                &format!("{path}.at_ms"),
                format!("{} ms is after the run ends at {until_ms} ms", t.at_ms),
            );
        }
        match &t.action {
            Action::Crash { node }
            | Action::Recover { node }
            | Action::Promote { node }
            | Action::AddFollower { node }
            | Action::Client { node, .. } => self.node(&format!("{path}.node"), *node),
            Action::Session { .. } => {}
            Action::Partition { from, to, .. } | Action::Heal { from, to, .. } => {
                self.nodes_list(&format!("{path}.from"), from);
                self.nodes_list(&format!("{path}.to"), to);
            }
            Action::HealAll => {}
            Action::SlowLink {
                from, to, extra_ms, ..
            } => {
                self.node(&format!("{path}.from"), *from);
                self.node(&format!("{path}.to"), *to);
                self.finite_in(
                    &format!("{path}.extra_ms"),
                    *extra_ms,
                    0.0,
                    3_600_000.0,
                    "between 0 and 3600000 ms",
                );
            }
        }
    }

    /// The problems found so far (for tests of one protocol's checks).
    #[doc(hidden)]
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    pub fn finish(self) -> Result<(), Vec<Problem>> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(self.problems)
        }
    }
}
