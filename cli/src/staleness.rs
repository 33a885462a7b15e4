//! `replicascope staleness`: probabilistically bounded staleness in a
//! terminal — P(a read t ms after a write commits returns it) for n/w/r
//! and a latency model, plus write and read latency percentiles.

use std::time::Instant;

use replicascope_core::staleness::{LatencyModel, Method, StalenessConfig, StalenessRun};

use crate::output;
use crate::values::whole;

#[derive(clap::Args)]
pub struct Args {
    /// Replicas per key (1–16).
    #[arg(long, allow_hyphen_values = true, value_parser = whole::<u8>)]
    n: u8,
    /// Write acknowledgements to wait for (1–n).
    #[arg(long, allow_hyphen_values = true, value_parser = whole::<u8>)]
    w: u8,
    /// Read responses to wait for (1–n).
    #[arg(long, allow_hyphen_values = true, value_parser = whole::<u8>)]
    r: u8,
    /// Delay model: lnkd-ssd, lnkd-disk, ymmr, wan, or exp:<λ_W>,<λ_ARS>
    /// (rates per ms).
    #[arg(long, default_value = "lnkd-disk")]
    latency: String,
    /// Times after the commit at which reads start, ms, comma-separated.
    #[arg(
        long,
        default_value = "0,1,2,5,10,20,50,100,200,500,1000",
        allow_hyphen_values = true
    )]
    t: String,
    /// Number of write-then-read trials.
    #[arg(long, default_value_t = 100_000, allow_hyphen_values = true, value_parser = whole::<u64>)]
    trials: u64,
    /// Seed for the random delays.
    #[arg(long, default_value_t = 0, allow_hyphen_values = true, value_parser = whole::<u64>)]
    seed: u64,
    /// direct (closed form from sampled delays, fast) or protocol (the
    /// leaderless protocol in the simulator, trial by trial).
    #[arg(long, default_value = "direct")]
    method: String,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// Also print how long the trials took (to stderr).
    #[arg(long)]
    timing: bool,
}

fn times(text: &str) -> Result<Vec<f64>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<f64>()
                .map_err(|_| format!("--t: '{s}' is not a number of milliseconds"))
        })
        .collect()
}

/// The method's name as it is given on the command line.
fn method_name(method: Method) -> &'static str {
    match method {
        Method::Direct => "direct",
        Method::Protocol => "protocol",
    }
}

pub fn run(args: &Args) -> Result<String, String> {
    let method = Method::parse(&args.method).ok_or_else(|| {
        format!(
            "--method: '{}' is not a method: use direct or protocol",
            args.method
        )
    })?;
    let config = StalenessConfig {
        n: args.n,
        w: args.w,
        r: args.r,
        latency: LatencyModel::parse(&args.latency).map_err(|e| format!("--latency: {e}"))?,
        t_ms: times(&args.t)?,
        trials: args.trials,
        seed: args.seed,
        method,
    };
    let started = Instant::now();
    let result = StalenessRun::run(config).map_err(|problems| {
        problems
            .iter()
            .map(|p| {
                // Fields are named as in the config; say which flag it was.
                let flag = match p.field.split(['[', '.']).next().unwrap_or("") {
                    "t_ms" => "t",
                    other => other,
                };
                format!("--{flag}: {}", p.message)
            })
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    if args.timing {
        let s = started.elapsed().as_secs_f64();
        output::note(&format!(
            "{} trials in {s:.3} s: {:.0} trials/s",
            result.trials,
            result.trials as f64 / s
        ));
    }
    if let Some(e) = &result.error {
        return Err(format!(
            "the {} method stopped after {} of {} trials: {e}",
            method_name(result.method),
            result.trials,
            args.trials
        ));
    }
    if args.json {
        return serde_json::to_string_pretty(&result).map_err(|e| e.to_string());
    }
    let mut out = format!(
        "n = {}, w = {}, r = {}, latency {}, {} trials ({} method)\n",
        result.n,
        result.w,
        result.r,
        args.latency,
        result.trials,
        method_name(result.method)
    );
    if u16::from(result.w) + u16::from(result.r) > u16::from(result.n) {
        out.push_str("w + r > n: every read overlaps the write's quorum, so it is never stale\n");
    }
    out.push_str("  t (ms)   P(read sees the write)\n");
    for p in &result.points {
        out.push_str(&format!(
            "{:>8}   {:.4} %\n",
            p.t_ms,
            p.p_consistent * 100.0
        ));
    }
    match result.t_999_ms {
        Some(t) => out.push_str(&format!("99.9 % of reads see the write from t = {t} ms\n")),
        None => out.push_str("no t asked for reaches 99.9 %\n"),
    }
    for (name, l) in [
        ("write", result.write_latency_ms),
        ("read", result.read_latency_ms),
    ] {
        out.push_str(&format!(
            "{name} latency: p50 {} ms, p99 {} ms, p99.9 {} ms\n",
            l.p50, l.p99, l.p999
        ));
    }
    Ok(out)
}
