//! Histories brought from outside, checked the same way as the
//! simulator's own. Three formats, told apart by their content:
//!
//! - Jepsen log lines, as its `jepsen.util` logger prints them:
//!   `INFO  jepsen.util - 3⇥:invoke⇥:cas⇥[1 2]` (⇥ a tab) — a process number, the
//!   event type (`:invoke`, `:ok`, `:fail`, `:info`), the function
//!   (`:read`, `:write`, `:cas`) and a value (`nil`, an integer, `[from
//!   to]` for a compare-and-set, or `:timed-out`);
//! - Jepsen history maps in EDN, one per line (or one vector of them):
//!   `{:process 0, :type :invoke, :f :append, :key "3", :value "x 1 0 y"}`,
//!   for registers (`:read`, `:write`, `:cas`) and key-value maps of
//!   strings (`:get`, `:put`, `:append`);
//! - this simulator's own JSON history (the `history` of `replicascope
//!   trace`, or a saved trace as a whole).
//!
//! Events pair up per process: an invocation, then that process's next
//! completion. Time is the order of the lines (Jepsen's own checkers
//! need no more). `:ok` completed; `:fail` definitely did not happen —
//! except a compare-and-set, whose `:fail` is a compare that did not
//! match and so a completed operation that changed nothing; `:info`, and
//! an invocation with no completion, may have taken effect or not.
//! Events of processes that are not numbers (Jepsen's `:nemesis`) are
//! faults, not client operations, and are skipped.

mod convert;
pub mod edn;
mod jepsen;
mod job;
mod json;

pub use job::{Body, Head, Job, Keyed, Naming, Prepared, Progress};

use alloc::string::String;
use alloc::vec::Vec;
use serde::Serialize;

use super::model::{KeyValue, Register};
use super::search::Budget;
use convert::{kv_op, register_op, split};
use jepsen::{edn_events, log_events, pair};
use json::prepare_json;

/// Which notation a history came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    JepsenLog,
    JepsenEdn,
    Json,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::JepsenLog => "Jepsen log",
            Format::JepsenEdn => "Jepsen EDN",
            Format::Json => "ReplicaScope JSON",
        }
    }
}

/// The sequential object a history is checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelChoice {
    /// Read, write and compare-and-set on integers (nil when unwritten).
    Register,
    /// Get, put and append on strings, per key (empty when unwritten).
    Kv,
}

impl ModelChoice {
    pub fn parse(name: &str) -> Option<ModelChoice> {
        match name {
            "register" => Some(ModelChoice::Register),
            "kv" => Some(ModelChoice::Kv),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            ModelChoice::Register => "register",
            ModelChoice::Kv => "kv",
        }
    }
}

/// Why a history cannot be read: the line and what was expected there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    /// 1-based; 0 when the problem is the history as a whole.
    pub line: usize,
    pub message: String,
}

impl core::fmt::Display for ImportError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if self.line == 0 {
            f.write_str(&self.message)
        } else {
            write!(f, "line {}: {}", self.line, self.message)
        }
    }
}

fn error(line: usize, message: String) -> ImportError {
    ImportError { line, message }
}

/// One operation of an imported history, as the page draws it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ShownOp {
    /// Index into [`CheckedHistory::processes`].
    pub process: usize,
    pub key: String,
    /// When it was invoked and answered: for Jepsen's formats the
    /// event's position among the history's events (0-based), for the
    /// simulator's own histories µs of simulated time.
    pub call: u64,
    /// `None`: it never completed — its effect is uncertain.
    pub ret: Option<u64>,
    /// "write 3", "read → 2", "cas 1 → 2 (did not match)".
    pub text: String,
    /// The line of its invocation (1-based), for pointing back.
    pub line: usize,
}

/// One key's verdict, with what a person needs to see why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyVerdict {
    pub key: String,
    /// "linearizable", "not linearizable" or "unknown".
    pub verdict: &'static str,
    pub ops: usize,
    pub steps: u64,
    /// For a key that is not linearizable: the longest prefix that can be
    /// linearized (indices into [`CheckedHistory::ops`], in one order that
    /// works) and the operations that cannot follow it.
    pub prefix: Vec<usize>,
    pub stuck: Vec<usize>,
    pub explanation: Option<String>,
}

/// A history read and checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckedHistory {
    pub format: Format,
    pub model: ModelChoice,
    /// True, false, or `None` when no key is invalid and some key could
    /// not be decided within the budget.
    pub valid: Option<bool>,
    pub ops: Vec<ShownOp>,
    /// Process names, in order of first appearance.
    pub processes: Vec<String>,
    /// In the order they were checked.
    pub keys: Vec<KeyVerdict>,
}

/// Reads `text` (in any of the formats) and checks it; `model` overrides
/// the guess (key-value when the history gets, puts or appends).
pub fn check_text(
    text: &str,
    model: Option<ModelChoice>,
    budget: Budget,
) -> Result<CheckedHistory, ImportError> {
    let mut job = Job::new(prepare(text, model)?, budget);
    while !job.advance(u64::MAX) {}
    Ok(job.result())
}

/// Reads `text` into operations per key, ready to check (see [`Job`]).
pub fn prepare(text: &str, model: Option<ModelChoice>) -> Result<Prepared, ImportError> {
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(error(0, String::from("the history is empty")));
    }
    if looks_like_json(trimmed) {
        return prepare_json(text, model);
    }
    let (format, events) = if text.contains("jepsen.util") {
        (Format::JepsenLog, log_events(text)?)
    } else {
        (Format::JepsenEdn, edn_events(text)?)
    };
    let paired = pair(events)?;
    if paired.ops.is_empty() {
        return Err(error(
            0,
            String::from("the history has no client operations"),
        ));
    }
    let kv = paired
        .ops
        .iter()
        .any(|o| matches!(o.f.as_str(), "get" | "put" | "append"));
    let choice = model.unwrap_or(if kv {
        ModelChoice::Kv
    } else {
        ModelChoice::Register
    });
    Ok(match choice {
        ModelChoice::Register => {
            let (head, keyed) = split(format, choice, Register::new(), &paired, register_op)?;
            Prepared {
                head,
                body: Body::Register(keyed),
            }
        }
        ModelChoice::Kv => {
            let (head, keyed) = split(format, choice, KeyValue, &paired, kv_op)?;
            Prepared {
                head,
                body: Body::Kv(keyed),
            }
        }
    })
}

/// JSON texts start with an object holding a string key, or an array of
/// them; EDN maps start with a keyword (`{:process …}`).
fn looks_like_json(t: &str) -> bool {
    let rest = t.trim_start_matches(['[', ' ', '\n', '\r', '\t']);
    rest.starts_with("{\"") || rest.starts_with("{ \"") || rest.starts_with("{\n")
}
