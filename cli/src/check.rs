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
    /// Check it this many times and report the median timings (reading
    /// and searching apart): the native half of the checker benchmark.
    #[arg(long, default_value_t = 1, value_parser = repeats, allow_hyphen_values = true)]
    repeat: u32,
}

fn repeats(text: &str) -> Result<u32, String> {
    match crate::values::whole::<u32>(text) {
        Ok(n) if (1..=1000).contains(&n) => Ok(n),
        _ => Err(format!(
            "must be a whole number from 1 to 1000, got {}",
            text.trim()
        )),
    }
}

/// Median wall-clock milliseconds over the repeats.
struct Timing {
    read_ms: f64,
    search_ms: f64,
    repeats: u32,
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
    let budget = Budget { steps: args.steps };
    let (mut reads, mut searches) = (Vec::new(), Vec::new());
    let mut checked = None;
    for _ in 0..args.repeat {
        let start = Instant::now();
        let prepared =
            import::prepare(&text, args.model).map_err(|e| format!("{}: {e}", args.file))?;
        let read = start.elapsed();
        let mut job = import::Job::new(prepared, budget);
        while !job.advance(u64::MAX) {}
        searches.push((start.elapsed() - read).as_secs_f64() * 1000.0);
        reads.push(read.as_secs_f64() * 1000.0);
        checked = Some(job.result());
    }
    let checked = checked.ok_or("--repeat must be at least 1")?;
    let timing = Timing {
        read_ms: crate::bench::median(&reads),
        search_ms: crate::bench::median(&searches),
        repeats: args.repeat,
    };
    let status = match checked.valid {
        Some(true) => 0,
        Some(false) => 2,
        None => 3,
    };
    let out = if args.json {
        json(&checked, &timing)?
    } else {
        text_report(&args.file, &checked, &timing)
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
    /// Search steps over all keys (each tries or undoes one operation).
    steps: u64,
    invalid_keys: Vec<InvalidKey<'a>>,
    unknown_keys: Vec<&'a str>,
    /// Reading plus searching (medians when repeated).
    elapsed_ms: f64,
    read_ms: f64,
    search_ms: f64,
    repeats: u32,
    /// Operations checked per second of reading and searching.
    ops_per_s: f64,
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

fn json(c: &CheckedHistory, t: &Timing) -> Result<String, String> {
    let round = |ms: f64| (ms * 1000.0).round() / 1000.0;
    let elapsed_ms = t.read_ms + t.search_ms;
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
        steps: c.keys.iter().map(|k| k.steps).sum(),
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
        elapsed_ms: round(elapsed_ms),
        read_ms: round(t.read_ms),
        search_ms: round(t.search_ms),
        repeats: t.repeats,
        ops_per_s: if elapsed_ms > 0.0 {
            (c.ops.len() as f64 / (elapsed_ms / 1000.0)).round()
        } else {
            0.0
        },
    };
    serde_json::to_string_pretty(&report).map_err(|e| format!("cannot write JSON: {e}"))
}

fn text_report(file: &str, c: &CheckedHistory, t: &Timing) -> String {
    let verdict = match c.valid {
        Some(true) => "linearizable",
        Some(false) => "NOT linearizable",
        None => "undecided (a key ran out of its search budget)",
    };
    let median = if t.repeats > 1 {
        format!("; medians of {}", t.repeats)
    } else {
        String::new()
    };
    let mut out = format!(
        "{file}: {verdict}\n{} history, {} model: {} operations by {} processes over {} key(s), checked in {:.1} ms (reading {:.1} ms, searching {:.1} ms{median})\n",
        c.format.name(),
        c.model.name(),
        c.ops.len(),
        c.processes.len(),
        c.keys.len(),
        t.read_ms + t.search_ms,
        t.read_ms,
        t.search_ms,
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
