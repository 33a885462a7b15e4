//! `long-run`: a scenario run for a long stretch of virtual time in
//! bounded memory — only a sliding window of the trace is kept, the rest
//! is folded into counters and a digest over every step (see the core's
//! `long_run` module). Optionally turned into a soak test with seeded load
//! and repeating faults.

use std::fmt::Write;
use std::time::Instant as Wall;

use serde::Serialize;

use replicascope_core::long_run::{
    add_churn, add_load, run_windowed, LongRunReport, Progress, DEFAULT_WINDOW,
};
use replicascope_core::scenario::ScenarioError;

use crate::load::{self, Source};
use crate::output;
use crate::values::{duration_ms, number, time_ms, whole};

/// Most faults `--churn` may add: each is a scheduled action held in
/// memory before the run starts.
const MAX_CHURN_FAULTS: f64 = 100_000.0;

#[derive(clap::Args)]
pub struct Args {
    /// A preset id (see `replicascope presets`) or a scenario JSON file.
    scenario: String,
    /// Seed for every random choice (overrides the scenario's).
    #[arg(long, allow_hyphen_values = true, value_parser = whole::<u64>)]
    seed: Option<u64>,
    /// Virtual time to run: 3600s, 60m, 1h, at most 1 day (default: the
    /// scenario's end). Faults and operations scheduled after it are left
    /// out.
    #[arg(long, allow_hyphen_values = true, value_parser = duration_ms)]
    duration: Option<f64>,
    /// Trace steps kept in memory; older ones are folded into counters and
    /// the digest.
    #[arg(long, default_value_t = DEFAULT_WINDOW, allow_hyphen_values = true, value_parser = whole::<usize>)]
    window: usize,
    /// Add seeded client load: this many operations per second (half
    /// reads, half writes; up to 1000000), replacing the scenario's
    /// generator.
    #[arg(long, allow_hyphen_values = true, value_parser = number)]
    load: Option<f64>,
    /// Keys the added load spreads over (1–1000000).
    #[arg(long, default_value_t = 100, allow_hyphen_values = true, value_parser = whole::<u32>)]
    keys: u32,
    /// Add a fault every this often (at least 1 ms, and at most 100000
    /// faults in the run), in turn a crash (then recovery), a partition of
    /// one node (then heal) and a slow link (then restored).
    #[arg(long, allow_hyphen_values = true, value_parser = duration_ms)]
    churn: Option<f64>,
    /// Neither added load nor added faults in this last stretch of the
    /// run, so the replicas can settle.
    #[arg(long, allow_hyphen_values = true, value_parser = time_ms, default_value = "10s")]
    quiet: f64,
    /// Print the scenario (with load and churn added) as JSON instead of
    /// running it — e.g. to record a shorter stretch in full with `run`.
    #[arg(long)]
    print_scenario: bool,
    /// Report progress on stderr every simulated minute.
    #[arg(long)]
    progress: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// The core's report plus what only the process can measure.
#[derive(Serialize)]
struct Output {
    #[serde(flatten)]
    report: LongRunReport,
    wall_s: f64,
    events_per_s: f64,
    /// Peak resident memory of the whole process (Linux `VmHWM`).
    max_rss_bytes: Option<u64>,
}

pub fn run(args: &Args) -> Result<String, String> {
    if args.window == 0 {
        return Err(String::from("--window must be at least 1 step"));
    }
    let source = Source {
        scenario: args.scenario.clone(),
        seed: args.seed,
        until: args.duration,
    };
    let mut scenario = load::scenario_until(&source, "--duration")?;
    if let Some(rate) = args.load {
        if !(rate > 0.0 && rate <= 1_000_000.0) {
            return Err(format!(
                "--load must be above 0 and at most 1000000 operations per second, got {rate}"
            ));
        }
        if !(1..=1_000_000).contains(&args.keys) {
            return Err(format!(
                "--keys must be from 1 to 1000000, got {}",
                args.keys
            ));
        }
        add_load(&mut scenario, rate, args.keys, args.quiet);
    }
    if let Some(period) = args.churn {
        check_churn(period, scenario.until_ms - args.quiet)?;
        add_churn(&mut scenario, period, args.quiet);
    }
    scenario
        .validate()
        .map_err(|problems| ScenarioError::Invalid(problems).to_string())?;
    if args.print_scenario {
        return serde_json::to_string_pretty(&scenario).map_err(|e| e.to_string());
    }
    let start = Wall::now();
    let mut next_minute = 60_000_000u64;
    let show = args.progress;
    let mut progress = |p: Progress| {
        if show && (p.now_us >= next_minute || p.done) {
            next_minute = (p.now_us / 60_000_000 + 1) * 60_000_000;
            output::note(&format!(
                "{} of {}: {} events, {:.1} s wall",
                secs(p.now_us),
                secs(p.until_us),
                p.events,
                start.elapsed().as_secs_f64()
            ));
        }
    };
    let report = run_windowed(&scenario, args.window, &mut progress).map_err(|e| e.to_string())?;
    let wall_s = start.elapsed().as_secs_f64();
    let out = Output {
        events_per_s: report.events as f64 / wall_s.max(1e-9),
        report,
        wall_s,
        max_rss_bytes: max_rss_bytes(),
    };
    if args.json {
        return serde_json::to_string_pretty(&out).map_err(|e| e.to_string());
    }
    Ok(readable(&out))
}

/// `--churn period` over `span_ms` of the run: at least 1 ms (the core
/// ignores shorter periods) and at most [`MAX_CHURN_FAULTS`] faults, two
/// actions each, so a tiny period over a long run cannot fill the memory
/// before the run even starts.
fn check_churn(period_ms: f64, span_ms: f64) -> Result<(), String> {
    if period_ms < 1.0 {
        return Err(format!("--churn must be at least 1 ms, got {period_ms} ms"));
    }
    let faults = (span_ms / period_ms).floor();
    if faults > MAX_CHURN_FAULTS {
        return Err(format!(
            "--churn {period_ms} ms would add {faults} faults in {span_ms} ms; at most \
             {MAX_CHURN_FAULTS} are allowed, so use a period of at least {} ms",
            (span_ms / MAX_CHURN_FAULTS).ceil()
        ));
    }
    Ok(())
}

/// The process's peak resident set size, from `/proc/self/status`.
pub(crate) fn max_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Virtual time in seconds.
fn secs(us: u64) -> String {
    format!("{:.3} s", us as f64 / 1e6)
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

fn readable(o: &Output) -> String {
    let r = &o.report;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} run, seed {}: {} simulated (last event at {}), {} events in {:.1} s wall ({:.0} events/s)",
        r.protocol,
        r.seed,
        secs(r.until_us),
        secs(r.last_event_us),
        r.events,
        o.wall_s,
        o.events_per_s
    );
    let _ = writeln!(
        out,
        "trace digest {} over every step; window {} steps, {} compactions",
        r.trace_digest, r.window, r.compactions
    );
    let m = &r.messages;
    let _ = writeln!(
        out,
        "messages: {} sent, {} delivered, {} dropped, {} still in flight; {} notes",
        m.sent, m.delivered, m.dropped, m.in_flight, r.notes
    );
    for (name, c) in [("writes", &r.writes), ("reads", &r.reads)] {
        let _ = writeln!(
            out,
            "{name}: {} ok, {} failed, {} pending",
            c.ok, c.failed, c.pending
        );
    }
    let l = &r.latency;
    let _ = writeln!(
        out,
        "latency of {} successful operations: mean {:.2} ms, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        l.count, l.mean_ms, l.p50_ms, l.p99_ms, l.max_ms
    );
    let f = &r.faults;
    let _ = writeln!(
        out,
        "faults: {} crashes, {} recoveries, {} partitions, {} slow links, {} heals",
        f.crashes, f.recoveries, f.partitions, f.slow_links, f.heals
    );
    let p = &r.peak_window;
    let _ = writeln!(
        out,
        "peak window: {} steps, {} messages, {} notes, {} operations, {}; process max RSS {}",
        p.steps,
        p.messages,
        p.notes,
        p.operations,
        mb(p.bytes),
        o.max_rss_bytes.map_or_else(|| String::from("unknown"), mb)
    );
    let c = &r.convergence;
    let verdict = if c.converged {
        String::from("converged")
    } else {
        format!("not converged ({} divergent)", c.divergent_keys)
    };
    let _ = writeln!(
        out,
        "end: {verdict}: {} keys, {} messages in flight, {} hints held",
        c.keys, c.messages_in_flight, c.hints_held
    );
    for e in &c.examples {
        let _ = writeln!(out, "  ! {e}");
    }
    // The first few of each node's figures (the JSON has them all).
    const SHOWN: usize = 6;
    for n in &r.nodes {
        let mut fields: Vec<String> = n
            .fields
            .iter()
            .take(SHOWN)
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        if n.fields.len() > SHOWN {
            fields.push(format!("… {} more", n.fields.len() - SHOWN));
        }
        let _ = writeln!(
            out,
            "Node {} ({}{}): {}",
            n.node.0 + 1,
            n.role,
            if n.up { "" } else { ", down" },
            fields.join(", ")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn churn_is_bounded() {
        assert_eq!(check_churn(1000.0, 3_600_000.0), Ok(()));
        assert_eq!(
            check_churn(0.5, 3_600_000.0),
            Err("--churn must be at least 1 ms, got 0.5 ms".to_string())
        );
        assert_eq!(
            check_churn(1.0, 86_390_000.0),
            Err("--churn 1 ms would add 86390000 faults in 86390000 ms; at most 100000 are allowed, so use a period of at least 864 ms".to_string())
        );
        assert_eq!(check_churn(864.0, 86_390_000.0), Ok(()));
    }
}
