//! `replicascope check <FILE>`: is a history linearizable? Reads Jepsen
//! logs, Jepsen EDN maps or this simulator's own JSON history (the format
//! is told from the content), checks each key, and says which keys are
//! not linearizable and why. Exit status: 0 linearizable, 2 not, 3 when a
//! key could not be decided within the budget, 1 when the file cannot be
//! read.

use std::time::Instant;

use replicascope_core::linearizability::import::{self, CheckedHistory, ModelChoice};
use replicascope_core::linearizability::Budget;
use serde::Serialize;

#[derive(clap::Args)]
pub struct Args {
    /// The history: a Jepsen log, Jepsen EDN maps, or a ReplicaScope
    /// JSON history (`replicascope trace` output).
    file: String,
    /// The object the history is checked against: register (read, write,
    /// cas on integers) or kv (get, put, append on strings, per key).
    /// Default: kv when the history gets, puts or appends.
    #[arg(long, value_parser = model)]
    model: Option<ModelChoice>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
    /// Search steps each key may take before it is reported unknown.
    #[arg(long, default_value_t = Budget::default().steps, value_parser = crate::values::whole::<u64>, allow_hyphen_values = true)]
    steps: u64,
}

fn model(text: &str) -> Result<ModelChoice, String> {
    ModelChoice::parse(text).ok_or_else(|| format!("'{text}' is not a model: use register or kv"))
}

/// Histories this large are refused before reading: the checker holds
/// every operation in memory.
const MAX_BYTES: u64 = 256 * 1024 * 1024;

/// The text and the exit status.
pub fn run(args: &Args) -> Result<(String, u8), String> {
    let size = std::fs::metadata(&args.file)
        .map_err(|e| format!("cannot read {}: {e}", args.file))?
        .len();
    if size > MAX_BYTES {
        return Err(format!(
            "{} is {size} bytes; histories up to {MAX_BYTES} bytes can be checked",
            args.file
        ));
    }
    let text = std::fs::read_to_string(&args.file)
        .map_err(|e| format!("cannot read {}: {e}", args.file))?;
    if args.steps == 0 {
        return Err(String::from("--steps must be at least 1"));
    }
    let start = Instant::now();
    let checked = import::check_text(&text, args.model, Budget { steps: args.steps })
        .map_err(|e| format!("{}: {e}", args.file))?;
    let elapsed_ms = start.elapsed().as_secs_f64() * 1000.0;
    let status = match checked.valid {
        Some(true) => 0,
        Some(false) => 2,
        None => 3,
    };
    let out = if args.json {
        json(&checked, elapsed_ms)?
    } else {
        text_report(&args.file, &checked, elapsed_ms)
    };
    Ok((out, status))
}

#[derive(Serialize)]
struct Report<'a> {
    /// true, false, or "unknown".
    valid: serde_json::Value,
    model: &'static str,
    format: &'static str,
    ops: usize,
    processes: usize,
    keys: usize,
    invalid_keys: Vec<InvalidKey<'a>>,
    unknown_keys: Vec<&'a str>,
    elapsed_ms: f64,
}

#[derive(Serialize)]
struct InvalidKey<'a> {
    key: &'a str,
    explanation: &'a str,
    /// Lines (1-based) of the operations in the longest prefix that can
    /// be linearized, in one order that works.
    prefix_lines: Vec<usize>,
    /// Lines of the operations that cannot follow it.
    stuck_lines: Vec<usize>,
}

fn json(c: &CheckedHistory, elapsed_ms: f64) -> Result<String, String> {
    let report = Report {
        valid: match c.valid {
            Some(v) => serde_json::Value::Bool(v),
            None => serde_json::Value::String(String::from("unknown")),
        },
        model: c.model.name(),
        format: c.format.name(),
        ops: c.ops.len(),
        processes: c.processes.len(),
        keys: c.keys.len(),
        invalid_keys: c
            .keys
            .iter()
            .filter(|k| k.verdict == "not linearizable")
            .map(|k| InvalidKey {
                key: &k.key,
                explanation: k.explanation.as_deref().unwrap_or(""),
                prefix_lines: k.prefix.iter().map(|&i| c.ops[i].line).collect(),
                stuck_lines: k.stuck.iter().map(|&i| c.ops[i].line).collect(),
            })
            .collect(),
        unknown_keys: c
            .keys
            .iter()
            .filter(|k| k.verdict == "unknown")
            .map(|k| k.key.as_str())
            .collect(),
        elapsed_ms: (elapsed_ms * 1000.0).round() / 1000.0,
    };
    serde_json::to_string_pretty(&report).map_err(|e| format!("cannot write JSON: {e}"))
}

fn text_report(file: &str, c: &CheckedHistory, elapsed_ms: f64) -> String {
    let verdict = match c.valid {
        Some(true) => "linearizable",
        Some(false) => "NOT linearizable",
        None => "undecided (a key ran out of its search budget)",
    };
    let mut out = format!(
        "{file}: {verdict}\n{} history, {} model: {} operations by {} processes over {} key(s), checked in {elapsed_ms:.1} ms\n",
        c.format.name(),
        c.model.name(),
        c.ops.len(),
        c.processes.len(),
        c.keys.len()
    );
    for k in c.keys.iter().filter(|k| k.verdict != "linearizable") {
        let name = if k.key.is_empty() {
            String::from("the register")
        } else {
            format!("key {}", k.key)
        };
        out.push_str(&format!(
            "{name} ({} operations): {} — {}\n",
            k.ops,
            k.verdict,
            k.explanation.as_deref().unwrap_or("")
        ));
    }
    out
}
