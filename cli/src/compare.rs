//! `replicascope compare`: one workload and one fault on single-leader
//! (sync and async), multi-leader, leaderless, Raft and chain replication,
//! measured side by side
//! as an aligned table with a few sentences per row — or the whole
//! comparison as JSON, or one architecture's scenario to replay with
//! `replicascope run`.
//!
//! Values are parsed here, not by clap, so a bad one (even a negative
//! number, which clap would take for a flag) is answered with one line
//! naming the flag.

use std::str::FromStr;

use replicascope_core::compare::{
    self, explain, topology, Architecture, CompareSpec, Comparison, Fault, Row,
};

#[derive(clap::Args)]
pub struct Args {
    /// The fault every architecture suffers: none, crash, partition, skew.
    #[arg(long, default_value = "none")]
    fault: String,
    /// Requests per second, all datacenters together (1–1000).
    #[arg(long, default_value = "100", allow_hyphen_values = true)]
    rate: String,
    /// Share of requests that are reads (0–1).
    #[arg(long, default_value = "0.5", allow_hyphen_values = true)]
    reads: String,
    /// Keys the requests spread over (1–1000).
    #[arg(long, default_value = "10", allow_hyphen_values = true)]
    keys: String,
    #[arg(long, default_value = "1", allow_hyphen_values = true)]
    seed: String,
    /// How long requests are sent (300–60000 ms); the fault takes the
    /// middle third.
    #[arg(long, default_value = "3000", allow_hyphen_values = true)]
    duration_ms: String,
    /// Print the comparison as JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// Print the scenario one architecture runs (single-leader-sync,
    /// single-leader-async, multi-leader, leaderless, raft, chain) as JSON, for
    /// `replicascope run`.
    #[arg(long)]
    scenario: Option<String>,
}

fn number<T: FromStr>(flag: &str, text: &str) -> Result<T, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("--{flag} '{text}' is not a number"))
}

fn spec(args: &Args) -> Result<CompareSpec, String> {
    let fault = Fault::parse(&args.fault).ok_or_else(|| {
        format!(
            "--fault '{}' is not a fault: none, crash, partition or skew",
            args.fault
        )
    })?;
    let spec = CompareSpec {
        fault,
        rate_per_s: number("rate", &args.rate)?,
        read_fraction: number("reads", &args.reads)?,
        keys: number("keys", &args.keys)?,
        seed: number("seed", &args.seed)?,
        duration_ms: number("duration-ms", &args.duration_ms)?,
    };
    spec.validate()?;
    Ok(spec)
}

pub fn run(args: &Args) -> Result<String, String> {
    let spec = spec(args)?;
    if let Some(name) = &args.scenario {
        let arch = Architecture::parse(name).ok_or_else(|| {
            let ids: Vec<&str> = Architecture::all().iter().map(|a| a.id()).collect();
            format!(
                "--scenario '{name}' is not an architecture: {}",
                ids.join(", ")
            )
        })?;
        let scenario = compare::scenario_for(&spec, arch);
        return serde_json::to_string_pretty(&scenario).map_err(|e| e.to_string());
    }
    let comparison = compare::compare(&spec)?;
    if args.json {
        return serde_json::to_string_pretty(&comparison).map_err(|e| e.to_string());
    }
    Ok(text(&comparison))
}

fn text(c: &Comparison) -> String {
    let s = &c.spec;
    let window = match c.fault_window_ms {
        Some((from, to)) if s.fault != Fault::Skew => format!(", {from}–{to} ms"),
        _ => String::new(),
    };
    let mut out = format!(
        "Fault: {}{window}\n\
         {} requests/s for {} ms, {:.0} % reads, {} keys, seed {}; 3 datacenters, {} ms apart\n\n",
        s.fault.describe(),
        s.rate_per_s,
        s.duration_ms,
        s.read_fraction * 100.0,
        s.keys,
        s.seed,
        topology::CROSS_DC_MS
    );
    out.push_str(&table(&c.rows));
    out.push('\n');
    for r in &c.rows {
        out.push_str(&format!(
            "\n{}: {}\n",
            r.label,
            explain::explain(r, s.fault)
        ));
    }
    out.push_str(&format!(
        "\nAvailability: {}. Add --scenario <{}> for the scenario one row ran.",
        explain::availability_rule(),
        Architecture::all()
            .iter()
            .map(|a| a.id())
            .collect::<Vec<_>>()
            .join("|")
    ));
    out
}

const HEADER: [&str; 9] = [
    "architecture",
    "write p50",
    "write p99",
    "read p50",
    "read p99",
    "write avail.",
    "stale reads",
    "conflicts",
    "lost writes",
];

/// The first column left-aligned, the figures right-aligned.
fn table(rows: &[Row]) -> String {
    let body: Vec<[String; 9]> = rows.iter().map(explain::figures).collect();
    let width = |i: usize| {
        body.iter()
            .map(|c| c[i].chars().count())
            .chain([HEADER[i].chars().count()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..HEADER.len()).map(width).collect();
    let line = |cells: &[String]| {
        let parts: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let pad = " ".repeat(widths[i] - c.chars().count());
                if i == 0 {
                    format!("{c}{pad}")
                } else {
                    format!("{pad}{c}")
                }
            })
            .collect();
        parts.join("  ")
    };
    let header: Vec<String> = HEADER.iter().map(|h| h.to_string()).collect();
    let mut out = line(&header);
    for c in &body {
        out.push('\n');
        out.push_str(&line(c));
    }
    out
}
