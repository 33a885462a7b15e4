//! `presets`, `run`, `trace` and `svg`: one scenario, run headless.

use replicascope_core::protocol::Spec;
use std::fmt::Write;

use replicascope_core::table_diff::{diff_tables, RowDiff};

use replicascope_core::diagram::{self, activity_end, DiagramOptions, MAX_NOTES, MAX_OPERATIONS};
use replicascope_core::export;
use replicascope_core::node::Role;
use replicascope_core::presets;
use replicascope_core::run::{self, Run, Summary};
use replicascope_core::scenario::ms_to_instant;
use replicascope_core::time::{Duration, Instant};

use crate::load::{self, Source};
use crate::output;
use crate::values::{time_ms, whole};

#[derive(clap::Args)]
pub struct PresetsArgs {
    /// Also print each preset's title.
    #[arg(long)]
    long: bool,
}

#[derive(clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    source: Source,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(clap::ValueEnum, Clone, Copy)]
enum Format {
    Json,
}

#[derive(clap::Args)]
pub struct TraceArgs {
    #[command(flatten)]
    source: Source,
    #[arg(long, value_enum, default_value = "json")]
    format: Format,
}

#[derive(clap::Args)]
pub struct SettingsArgs {
    #[command(flatten)]
    source: Source,
}

/// One block per system: its name, then its lines.
pub fn settings(args: &SettingsArgs) -> Result<String, String> {
    let scenario = load::scenario(&args.source)?;
    let blocks = scenario.protocol.spec().real_settings();
    if blocks.is_empty() {
        return Err(format!(
            "no real database settings are written for {} yet",
            scenario.protocol.spec().name()
        ));
    }
    let text: Vec<String> = blocks
        .iter()
        .map(|s| format!("== {} ==\n{}\n", s.system, s.lines))
        .collect();
    Ok(text.join("\n"))
}

#[derive(clap::Args)]
pub struct SvgArgs {
    #[command(flatten)]
    source: Source,
    /// Draw from this virtual time (default: the start).
    #[arg(long, allow_hyphen_values = true, value_parser = time_ms)]
    from: Option<f64>,
    /// Draw up to this virtual time (default: the end of the run's
    /// activity).
    #[arg(long, allow_hyphen_values = true, value_parser = time_ms)]
    at: Option<f64>,
    /// Most messages to draw; the rest are counted in a footer. At most
    /// 2000 client operations and 2000 notes are drawn whatever this says.
    #[arg(long, default_value_t = 5000, allow_hyphen_values = true, value_parser = whole::<usize>)]
    max_messages: usize,
}

pub fn presets(args: &PresetsArgs) -> String {
    let mut out = String::new();
    for p in presets::all() {
        if args.long {
            let _ = writeln!(out, "{:<40} {}", p.id, p.title);
        } else {
            let _ = writeln!(out, "{}", p.id);
        }
    }
    out
}

/// Loads and runs the scenario. A run cut short by the step limit is
/// still a result, so it is returned, and the reason goes to stderr where
/// JSON or SVG on stdout cannot hide it.
fn start(source: &Source) -> Result<Box<dyn Run>, String> {
    let scenario = load::scenario(source)?;
    let run = run::start(&scenario).map_err(|e| e.to_string())?;
    if let Some(cut) = run.cut_short() {
        output::error(&cut.describe());
    }
    Ok(run)
}

pub fn run(args: &RunArgs) -> Result<String, String> {
    let run = start(&args.source)?;
    let summary = run.summary();
    if args.json {
        return serde_json::to_string_pretty(&summary).map_err(|e| e.to_string());
    }
    Ok(readable(&summary))
}

fn readable(s: &Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} run, seed {}, {} events to {} — trace {}",
        s.protocol,
        s.seed,
        s.events,
        Duration(s.end_time_us),
        s.trace_hash
    );
    let m = &s.messages;
    let _ = writeln!(
        out,
        "messages: {} sent, {} delivered, {} dropped, {} still in flight",
        m.sent, m.delivered, m.dropped, m.in_flight
    );
    let w = &s.writes;
    let discarded = if w.discarded > 0 {
        format!(", {} silently discarded", w.discarded)
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "writes:   {} ok, {} failed, {} lost{discarded}, {} pending",
        w.ok, w.failed, w.lost, w.pending
    );
    let r = &s.reads;
    let _ = writeln!(
        out,
        "reads:    {} ok, {} failed, {} stale, {} pending",
        r.ok, r.failed, r.stale, r.pending
    );
    let _ = writeln!(out, "conflicts: {}", s.conflicts);
    if let Some(why) = &s.cut_short {
        let _ = writeln!(out, "cut short: {why}");
    }
    for a in &s.anomalies {
        let _ = writeln!(
            out,
            "  ! {} (op #{}): {}",
            a.kind.label(),
            a.op.0,
            a.explanation
        );
    }
    for n in &s.nodes {
        let data: Vec<String> = n
            .view
            .data
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let fields: Vec<String> = n
            .view
            .fields
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        let _ = writeln!(
            out,
            "Node {} ({}{}): {} | data {{{}}}",
            n.node.0 + 1,
            n.view.role,
            if n.up { "" } else { ", down" },
            fields.join(", "),
            data.join(", ")
        );
        for i in &n.view.internals {
            let _ = writeln!(out, "    {}: {}", i.label(), i.value);
        }
        for item in &n.view.review {
            let choices: Vec<String> = item
                .choices
                .iter()
                .map(|c| format!("{} from {}", c.text, c.from))
                .collect();
            let _ = writeln!(
                out,
                "    needs review: {} = {}",
                item.key,
                choices.join(" | ")
            );
        }
    }
    table_differences(&mut out, s);
    out
}

/// For nodes with a SQL table: the rows each one holds differently from
/// the leader.
fn table_differences(out: &mut String, s: &Summary) {
    let Some(leader) = s.nodes.iter().find(|n| n.view.role == Role::Leader) else {
        return;
    };
    let Some(lt) = &leader.view.table else {
        return;
    };
    for n in s.nodes.iter().filter(|n| n.node != leader.node) {
        let Some(t) = &n.view.table else { continue };
        let diff = diff_tables(lt, t);
        if diff.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "Node {}'s table differs from the leader's (node {}) in {} row(s):",
            n.node.0 + 1,
            leader.node.0 + 1,
            diff.len()
        );
        for d in &diff {
            let line = match d {
                RowDiff::Missing { id, .. } => format!("row {id}: only on the leader"),
                RowDiff::Extra { id, .. } => format!("row {id}: only on this node"),
                RowDiff::Changed { id, cells } => {
                    let cells: Vec<String> = cells
                        .iter()
                        .map(|c| format!("{} {} (leader {})", c.column, c.follower, c.leader))
                        .collect();
                    format!("row {id}: {}", cells.join(", "))
                }
            };
            let _ = writeln!(out, "  {line}");
        }
    }
}

pub fn trace(args: &TraceArgs) -> Result<String, String> {
    let run = start(&args.source)?;
    match args.format {
        Format::Json => Ok(export::trace_json(&*run)),
    }
}

pub fn svg(args: &SvgArgs) -> Result<String, String> {
    let run = start(&args.source)?;
    let scenario = run.scenario();
    let (from, to) = window(
        args.from.map(ms_to_instant),
        args.at.map(ms_to_instant),
        activity_end(run.trace(), scenario.until()),
        scenario.until(),
    )?;
    let opts = DiagramOptions {
        from,
        to,
        lanes: export::lane_titles(&*run),
        max_messages: args.max_messages,
        px_per_ms: None,
        cursor: None,
        compact: false,
        width: None,
        titles: true,
    };
    let drawn = diagram::render(scenario, run.trace(), run.history(), &opts);
    if !drawn.omitted.is_empty() {
        output::error(&format!(
            "the diagram leaves out {} (it draws at most {} messages, set by --max-messages, \
             {MAX_OPERATIONS} client operations and {MAX_NOTES} notes); \
             narrow the window with --from and --at to see them",
            drawn.omitted.describe(),
            args.max_messages,
        ));
    }
    Ok(drawn.svg)
}

/// The stretch of the run to draw: from `from` (default: the start) to
/// `at` (default: where the activity ends, or the end of the run when
/// `from` is later than that), never past the end of the run. Errors name
/// only the flags that were given.
fn window(
    from: Option<Instant>,
    at: Option<Instant>,
    activity: Instant,
    end: Instant,
) -> Result<(Instant, Instant), String> {
    let start = from.unwrap_or(Instant::ZERO);
    if start > end {
        return Err(format!(
            "--from {} is after the run ends at {}",
            Duration(start.0),
            Duration(end.0)
        ));
    }
    let to = match at {
        Some(at) if at < start => {
            return Err(format!(
                "--from {} is after --at {}",
                Duration(start.0),
                Duration(at.0)
            ))
        }
        Some(at) => at.min(end),
        None if start >= activity => end,
        None => activity,
    };
    Ok((start, to))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: u64 = 1000;

    #[test]
    fn the_window_names_only_the_flags_given() {
        let (activity, end) = (Instant(1_000 * MS), Instant(2_000 * MS));
        let w = |from: Option<u64>, at: Option<u64>| {
            window(from.map(Instant), at.map(Instant), activity, end)
        };
        assert_eq!(w(None, None), Ok((Instant::ZERO, activity)));
        assert_eq!(w(Some(500 * MS), None), Ok((Instant(500 * MS), activity)));
        // From after the activity: the quiet rest of the run.
        assert_eq!(w(Some(1_500 * MS), None), Ok((Instant(1_500 * MS), end)));
        assert_eq!(w(Some(2_000 * MS), None), Ok((end, end)));
        assert_eq!(
            w(Some(5_000 * MS), None),
            Err("--from 5000 ms is after the run ends at 2000 ms".to_string())
        );
        assert_eq!(
            w(Some(700 * MS), Some(300 * MS)),
            Err("--from 700 ms is after --at 300 ms".to_string())
        );
        assert_eq!(w(None, Some(9_000 * MS)), Ok((Instant::ZERO, end)));
        assert_eq!(w(Some(0), Some(0)), Ok((Instant::ZERO, Instant::ZERO)));
    }
}
