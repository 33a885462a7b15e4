//! `explore`: can this scenario ever violate a property? Breadth-first
//! search over every schedule within the bounds (or random walks), with
//! the shortest counterexample printed step by step and, on request,
//! written as a scenario that `replicascope run` replays.

use std::fmt::Write;
use std::time::Instant as WallClock;

use replicascope_core::explore::{catalogue, Bounds, Mode, Property, Search};
use serde_json::json;

use crate::load::{self, Source};
use crate::values::{duration_ms, whole};

#[derive(clap::Args)]
pub struct Args {
    /// A preset id, a scenario JSON file, or one of the explorations
    /// (`--list`), which brings its own property and bounds.
    #[arg(required_unless_present = "list")]
    scenario: Option<String>,
    /// Seed for the random walks (overrides the scenario's).
    #[arg(long, allow_hyphen_values = true, value_parser = whole::<u64>)]
    seed: Option<u64>,
    /// List the explorations that come with ReplicaScope and exit.
    #[arg(long)]
    list: bool,
    /// What to look for: stale-read, lost-write, linearizable,
    /// read-your-writes, monotonic-reads, consistent-prefix, split-brain,
    /// divergence, discarded-write, conflict. (An exploration names its
    /// own.)
    #[arg(long)]
    property: Option<String>,
    /// Most choices on one path [default: 40].
    #[arg(long, value_parser = whole::<u32>)]
    max_depth: Option<u32>,
    /// Most distinct states visited [default: 1000000].
    #[arg(long, value_parser = whole::<u64>)]
    max_states: Option<u64>,
    /// Crashes the explorer may add on a path [default: 0].
    #[arg(long, value_parser = whole::<u8>)]
    crashes: Option<u8>,
    /// Messages the explorer may lose on a path [default: 0].
    #[arg(long, value_parser = whole::<u8>)]
    losses: Option<u8>,
    /// Nodes the explorer may cut off from the rest on a path [default: 0].
    #[arg(long, value_parser = whole::<u8>)]
    partitions: Option<u8>,
    /// Leave out states with more than this many messages in flight on one link (0: no limit) [default: 0].
    #[arg(long, value_parser = whole::<u8>)]
    max_in_flight: Option<u8>,
    /// Random walks instead of breadth-first search: this many paths,
    /// drawn from --seed (for spaces too big to search whole).
    #[arg(long, value_parser = whole::<u32>)]
    random_walks: Option<u32>,
    /// Stop after this much wall-clock time (e.g. 10s, 2m).
    #[arg(long, value_parser = duration_ms)]
    time_limit: Option<f64>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// Write the counterexample as a scenario file that `replicascope
    /// run` replays to the same violation.
    #[arg(long)]
    emit_scenario: Option<std::path::PathBuf>,
}

pub fn run(args: &Args) -> Result<String, String> {
    if args.list {
        let lines: Vec<String> = catalogue::all()
            .iter()
            .map(|e| {
                format!(
                    "{}  ({}, {}) {}",
                    e.id,
                    e.architecture,
                    e.property.name(),
                    e.title
                )
            })
            .collect();
        return Ok(lines.join("\n"));
    }
    let name = args.scenario.clone().unwrap_or_default();
    let exploration = catalogue::find(&name);
    let scenario = match exploration.as_ref().and_then(|e| e.scenario()) {
        Some(mut s) => {
            if let Some(seed) = args.seed {
                s.seed = seed;
            }
            s
        }
        None => load::scenario(&Source {
            scenario: name,
            seed: args.seed,
            until: None,
        })?,
    };
    let property = match (&args.property, &exploration) {
        (Some(p), _) => Property::parse(p)?,
        (None, Some(e)) => e.property,
        (None, None) => {
            return Err(
                "name the property to look for with --property (stale-read, lost-write, linearizable, …)".into(),
            )
        }
    };
    let base = exploration.as_ref().map(|e| e.bounds).unwrap_or_default();
    let bounds = Bounds {
        max_depth: args.max_depth.unwrap_or(base.max_depth),
        max_states: args.max_states.unwrap_or(base.max_states),
        crashes: args.crashes.unwrap_or(base.crashes),
        losses: args.losses.unwrap_or(base.losses),
        partitions: args.partitions.unwrap_or(base.partitions),
        max_in_flight: args.max_in_flight.unwrap_or(base.max_in_flight),
    };
    let mode = match args.random_walks {
        Some(walks) => Mode::RandomWalk {
            walks,
            seed: scenario.seed,
        },
        None => Mode::BreadthFirst,
    };
    let started = WallClock::now();
    let mut search = Search::new(&scenario, property, bounds, mode)?;
    while !search.advance(1 << 14) {
        if args
            .time_limit
            .is_some_and(|ms| started.elapsed().as_secs_f64() * 1000.0 >= ms)
        {
            search.stop();
            break;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let report = search.report();
    let p = report.progress;
    let per_s = if elapsed > 0.0 {
        p.states as f64 / elapsed
    } else {
        0.0
    };
    let story = match &report.found {
        Some(c) => Some(
            c.story()
                .map_err(|e| format!("internal error: the counterexample does not replay ({e})"))?,
        ),
        None => None,
    };
    if let (Some(path), Some(c)) = (&args.emit_scenario, &report.found) {
        std::fs::write(path, c.scenario.to_json())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    if args.json {
        let counterexample = report.found.as_ref().zip(story.as_ref()).map(|(c, s)| {
            json!({
                "steps": c.schedule.len(),
                "schedule": c.schedule,
                "violation": s.headline,
                "anomaly": c.violation,
                "story": s.steps.iter().map(|(t, text)| json!({"at_ms": t.0 as f64 / 1000.0, "what": text})).collect::<Vec<_>>(),
                "in_flight": s.in_flight,
            })
        });
        let out = json!({
            "property": property.name(),
            "mode": mode.name(),
            "found": report.found.is_some(),
            "complete": report.complete,
            "stopped_by": report.stopped,
            "states": p.states,
            "transitions": p.transitions,
            "depth": p.depth,
            "queue": p.queue,
            "visited_bytes": p.visited_bytes,
            "elapsed_ms": elapsed * 1000.0,
            "states_per_s": per_s,
            "bounds": report.bounds,
            "counterexample": counterexample,
        });
        return Ok(out.to_string());
    }
    let mut text = String::new();
    let _ = writeln!(
        text,
        "Property: {} — {}",
        property.name(),
        property.meaning()
    );
    let _ = writeln!(
        text,
        "Search: {}; bounds: depth {}, states {}, crashes {}, losses {}, partitions {}{}",
        mode.name(),
        bounds.max_depth,
        bounds.max_states,
        bounds.crashes,
        bounds.losses,
        bounds.partitions,
        match bounds.max_in_flight {
            0 => String::new(),
            k => format!(", at most {k} in flight per link"),
        }
    );
    let _ = writeln!(
        text,
        "Explored {} states ({} choices tried) in {:.0} ms ({:.0} states/s); deepest path {}",
        p.states,
        p.transitions,
        elapsed * 1000.0,
        per_s,
        p.depth
    );
    let _ = writeln!(text, "\n{}", report.describe());
    if let (Some(c), Some(s)) = (&report.found, &story) {
        let _ = writeln!(
            text,
            "\nSchedule ({} steps after every node starts):",
            c.schedule.len()
        );
        for (i, (at, what)) in s.steps.iter().enumerate() {
            let _ = writeln!(
                text,
                "{:>4}. {:>10.3} ms  {what}",
                i + 1,
                at.0 as f64 / 1000.0
            );
        }
        if !s.in_flight.is_empty() {
            let _ = writeln!(text, "Still in flight: {}", s.in_flight.join(", "));
        }
        let _ = writeln!(text, "\n{}", s.headline);
        match &args.emit_scenario {
            Some(path) => {
                let _ = writeln!(text, "Replay it: replicascope run {}", path.display());
            }
            None => {
                let _ = writeln!(
                    text,
                    "Add --emit-scenario FILE to write it as a scenario you can run."
                );
            }
        }
    }
    Ok(text)
}
