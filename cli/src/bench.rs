//! `replicascope bench`: how fast this machine simulates a scenario, as the
//! page does it (a whole recorded run: trace, narration, checkpoints), so
//! the browser harness (`scripts/bench`) can set the WebAssembly figure
//! beside the native one for the very same run.

use std::time::Instant as WallClock;

use replicascope_core::run;
use serde::Serialize;

use crate::load::{self, Source};
use crate::long_run::max_rss_bytes;
use crate::values::whole;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    source: Source,
    /// How many times to run it; the median is reported.
    #[arg(long, default_value_t = 5, allow_hyphen_values = true, value_parser = repeats)]
    repeat: u32,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Report {
    events: usize,
    trace_hash: String,
    repeats: u32,
    /// Wall-clock milliseconds of each run, in order.
    run_ms: Vec<f64>,
    median_ms: f64,
    events_per_s: f64,
    /// Peak resident memory of the process (Linux `VmHWM`).
    max_rss_bytes: Option<u64>,
}

/// 1 to 1000 runs.
fn repeats(text: &str) -> Result<u32, String> {
    match whole::<u32>(text) {
        Ok(n) if (1..=1000).contains(&n) => Ok(n),
        _ => Err(format!(
            "must be a whole number from 1 to 1000, got {}",
            text.trim()
        )),
    }
}

pub fn run(args: &Args) -> Result<String, String> {
    let scenario = load::scenario(&args.source)?;
    let mut times = Vec::new();
    let mut events = 0;
    let mut hash = 0;
    for _ in 0..args.repeat {
        let t0 = WallClock::now();
        let r = run::start(&scenario).map_err(|e| e.to_string())?;
        times.push(t0.elapsed().as_secs_f64() * 1000.0);
        events = r.trace().steps.len();
        hash = r.trace().hash();
    }
    let median_ms = median(&times);
    let report = Report {
        events,
        trace_hash: format!("{hash:016x}"),
        repeats: args.repeat,
        run_ms: times,
        median_ms,
        events_per_s: if median_ms > 0.0 {
            events as f64 / (median_ms / 1000.0)
        } else {
            0.0
        },
        max_rss_bytes: max_rss_bytes(),
    };
    if args.json {
        return serde_json::to_string_pretty(&report).map_err(|e| e.to_string());
    }
    Ok(format!(
        "{} events, trace {}: median {:.1} ms of {} runs = {:.2} M events/s{}",
        report.events,
        report.trace_hash,
        report.median_ms,
        report.repeats,
        report.events_per_s / 1e6,
        report
            .max_rss_bytes
            .map(|b| format!(
                ", peak RSS {:.0} MB ({:.0} B/event)",
                b as f64 / 1e6,
                b as f64 / report.events.max(1) as f64
            ))
            .unwrap_or_default()
    ))
}

pub(crate) fn median(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn median_of_odd_and_even() {
        assert_eq!(super::median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(super::median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(super::median(&[]), 0.0);
    }
}
