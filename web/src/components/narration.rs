//! The narrated event log: what happened up to the cursor, in plain words,
//! newest first — protocol notes, faults, and client requests with their
//! answers.

use replicascope_core::node::{answer_text, Outcome};
use replicascope_core::time::Duration;
use yew::prelude::*;

use crate::state::Model;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: UseReducerHandle<Model>,
}

const SHOWN: usize = 12;

/// A client's answer in words: "the read returned {1, 2} (version 3)".
/// Shared with the request form, which shows the latest answer.
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

#[function_component(Narration)]
pub fn narration(props: &Props) -> Html {
    let state = &props.state;
    let run = state.run.run.borrow();
    let trace = run.trace();
    let steps = trace.steps_until(state.cursor);
    let mut lines: Vec<(u64, String)> = Vec::new();
    for note in trace
        .notes
        .iter()
        .rev()
        .filter(|n| (n.step as usize) < steps)
        .take(SHOWN)
    {
        let t = trace.steps.get(note.step as usize).map_or(0, |s| s.time.0);
        lines.push((t, note.text.clone()));
    }
    for op in run
        .history()
        .ops
        .iter()
        .rev()
        .filter(|o| o.invoked_at <= state.cursor)
        .take(SHOWN)
    {
        // Pushed answer first: the list is newest first and stays stable
        // for lines at the same instant.
        if let (Some(done), Some(outcome)) = (op.completed_at, &op.outcome) {
            if done <= state.cursor {
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
    lines.truncate(SHOWN);
    html! {
        <section class="card narration" aria-label="What happened">
            <h2>{ "What happened" }</h2>
            if lines.is_empty() {
                <p class="hint">{ "Nothing yet. Press play, or step forward with →." }</p>
            } else {
                <ol class="log" data-testid="narration">
                    { for lines.iter().enumerate().map(|(i, (t, text))| html! {
                        <li class={classes!((i == 0).then_some("latest"))}>
                            <time>{ format!("{}", Duration(*t)) }</time>{ " " }{ text }
                        </li>
                    }) }
                </ol>
            }
        </section>
    }
}
