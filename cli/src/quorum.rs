//! `replicascope quorum`: the quorum calculator in a terminal.

use replicascope_core::quorum::{QuorumAnalysis, QuorumConfig};

use crate::values::whole;

#[derive(clap::Args)]
pub struct Args {
    /// Replicas per key (1–9).
    #[arg(long, allow_hyphen_values = true, value_parser = whole::<u32>)]
    n: u32,
    /// Write acknowledgements to wait for (1–n).
    #[arg(long, allow_hyphen_values = true, value_parser = whole::<u32>)]
    w: u32,
    /// Replicas each read asks (1–n).
    #[arg(long, allow_hyphen_values = true, value_parser = whole::<u32>)]
    r: u32,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(args: &Args) -> Result<String, String> {
    let config = QuorumConfig::new(args.n, args.w, args.r).map_err(|e| e.to_string())?;
    let a = config.analyse();
    if args.json {
        return serde_json::to_string_pretty(&a).map_err(|e| e.to_string());
    }
    Ok(format!(
        "{verdict}\n\
         guaranteed overlap: {overlap}\n\
         writes survive {wt} failure(s), reads survive {rt}\n\
         Cassandra levels: write {wl}, read {rl}\n\
         chance a random read misses the write: {p} ({pct})",
        verdict = a.verdict(),
        overlap = a.overlap,
        wt = a.write_tolerance,
        rt = a.read_tolerance,
        wl = QuorumAnalysis::level_names(&a.write_levels),
        rl = QuorumAnalysis::level_names(&a.read_levels),
        p = a.stale_read,
        pct = a.stale_read.percent(),
    ))
}
