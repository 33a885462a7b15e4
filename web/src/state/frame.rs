//! The selector: everything the views show at one cursor position,
//! computed once per (run, cursor) — the nodes and network (one
//! re-simulation), the messages on the move, the narration's latest lines
//! — so each component takes the frame and the few settings it needs,
//! never the whole model, and none recomputes what another already has.

use std::rc::Rc;

use replicascope_core::node::answer_text;
use replicascope_core::node::Outcome;
use replicascope_core::run::{Run, Snapshot};
use replicascope_core::time::Instant;

use super::RunHandle;
use crate::layout::{dots_at, Dot};

/// The most messages the topology draws in flight at once (the newest).
pub const MAX_DOTS: usize = 1500;

/// Lines the narration keeps, newest first.
pub const NARRATION_LINES: usize = 12;

/// One moment of one run.
#[derive(Clone)]
pub struct Frame {
    pub run: RunHandle,
    pub cursor: Instant,
    /// Where the recorded run ends.
    pub until: Instant,
    /// Steps at or before the cursor.
    pub steps: usize,
    /// Nodes and network at the cursor.
    pub snapshot: Rc<Snapshot>,
    /// Messages on the move (or falling, if lost) at the cursor, newest
    /// first, at most [`MAX_DOTS`].
    pub dots: Rc<Vec<Dot>>,
    /// What happened up to the cursor in words, newest first: (time in
    /// µs, sentence), at most [`NARRATION_LINES`].
    pub narration: Rc<Vec<(u64, String)>>,
}

impl PartialEq for Frame {
    fn eq(&self, other: &Self) -> bool {
        self.run == other.run && self.cursor == other.cursor
    }
}

impl Frame {
    pub fn at(run: &RunHandle, cursor: Instant) -> Frame {
        let r = run.get();
        let trace = r.trace();
        Frame {
            run: run.clone(),
            cursor,
            until: r.end(),
            steps: trace.steps_until(cursor),
            snapshot: Rc::new(r.snapshot_at(cursor)),
            dots: Rc::new(dots_at(trace, cursor, run.max_flight_us, MAX_DOTS)),
            narration: Rc::new(narration(r, cursor)),
        }
    }

    /// The run itself, for what the frame does not precompute.
    pub fn run(&self) -> &dyn Run {
        self.run.get()
    }
}

/// A client's answer in words: "the read returned {1, 2} (version 3)".
pub fn answer(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Written { version, .. } => format!("the write succeeded (version {version})"),
        Outcome::Rows { rows, version, .. } => {
            format!(
                "the query returned {} row(s) as of LSN {version}",
                rows.len()
            )
        }
        Outcome::Read {
            value: Some(v),
            version,
            ..
        } => format!("the read returned {v} (version {version})"),
        Outcome::Read { value: None, .. } => String::from("the read found nothing"),
        Outcome::Values {
            values,
            version,
            siblings,
            ..
        } => {
            format!(
                "the read returned {} (version {version})",
                answer_text(values, siblings)
            )
        }
        Outcome::Failed { reason } => format!("it failed: {reason}"),
    }
}

/// Protocol notes, faults, and client requests with their answers, up to
/// `cursor`, newest first.
fn narration(run: &dyn Run, cursor: Instant) -> Vec<(u64, String)> {
    let trace = run.trace();
    let steps = trace.steps_until(cursor);
    let mut lines: Vec<(u64, String)> = Vec::new();
    for note in trace
        .notes
        .iter()
        .rev()
        .filter(|n| (n.step as usize) < steps)
        .take(NARRATION_LINES)
    {
        let t = trace.steps.get(note.step as usize).map_or(0, |s| s.time.0);
        lines.push((t, note.text.clone()));
    }
    for op in run
        .history()
        .ops
        .iter()
        .rev()
        .filter(|o| o.invoked_at <= cursor)
        .take(NARRATION_LINES)
    {
        // Pushed answer first: the list is newest first and stays stable
        // for lines at the same instant.
        if let (Some(done), Some(outcome)) = (op.completed_at, &op.outcome) {
            if done <= cursor {
                let answer = answer(outcome);
                lines.push((
                    done.0,
                    format!("Node {} answers the client: {answer}.", op.node.0 + 1),
                ));
            }
        }
        lines.push((
            op.invoked_at.0,
            format!("A client asks node {}: {}.", op.node.0 + 1, op.request),
        ));
    }
    // Newest first; stable so same-instant lines keep their order.
    replicascope_core::sorting::sort_by_key(&mut lines, |line| std::cmp::Reverse(line.0));
    lines.truncate(NARRATION_LINES);
    lines
}
