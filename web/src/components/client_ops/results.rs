//! The answers shown under the form: the latest key-value answer, a
//! leaderless read to write back, and the latest statement's rows or
//! outcome.

use replicascope_core::history::Operation;
use replicascope_core::node::{values_text, Outcome, Request};
use replicascope_core::time::Instant;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use std::rc::Rc;

use crate::state::{answer, Frame};

/// Rows of a query result shown at most.
const RESULT_ROWS: usize = 50;
/// The last request a client sent up to `now`, and its answer if it had
/// arrived by then.
pub(super) fn latest_at(ops: &[Operation], now: Instant) -> Option<(&Operation, Option<&Outcome>)> {
    let op = ops.iter().rev().find(|o| o.invoked_at <= now)?;
    Some((op, answer_at(op, now)))
}

/// `op`'s answer, if it had arrived by `now`.
pub(super) fn answer_at(op: &Operation, now: Instant) -> Option<&Outcome> {
    op.completed_at
        .filter(|&t| t <= now)
        .and(op.outcome.as_ref())
}

/// The last SQL request a client sent up to `now`.
pub fn latest_sql(ops: &[Operation], now: Instant) -> Option<&Operation> {
    ops.iter()
        .rev()
        .filter(|o| o.invoked_at <= now)
        .find(|o| matches!(o.request, Request::Sql { .. }))
}
#[derive(Properties, PartialEq)]
pub(super) struct ResultProps {
    pub(super) frame: Rc<Frame>,
}

/// The answer to the latest key-value request at the cursor, in the
/// narration's words ("the read returned {1, 2} (version 3)"). A plain
/// function, not a component: it has no state of its own.
pub(super) fn kv_result(frame: &Frame) -> Html {
    let Some((op, outcome)) = latest_at(&frame.run().history().ops, frame.cursor) else {
        return Html::default();
    };
    let text = match outcome {
        Some(outcome) => answer(outcome),
        None => String::from("waiting for the answer…"),
    };
    html! {
        <p class="hint kv-result" role="status" data-testid="kv-result">
            { format!("Latest: node {} — {}: {text}", op.node.0 + 1, op.request) }
        </p>
    }
}

/// After a leaderless read, one click fills the form to write back what it
/// returned — the siblings merged — with the context it handed back, so a
/// client replaces exactly the versions it saw (the sibling lesson),
/// without typing a version vector by hand.
pub(super) fn write_back(
    frame: &Frame,
    nodes: usize,
    key: &NodeRef,
    value: &NodeRef,
    context: &NodeRef,
) -> Html {
    let Some((op, answer)) = latest_at(&frame.run().history().ops, frame.cursor) else {
        return Html::default();
    };
    let (fill, causal) = match answer {
        Some(Outcome::Values {
            values,
            causal: Some(c),
            ..
        }) => (values_text(values), c),
        Some(Outcome::Read {
            value: Some(v),
            causal: Some(c),
            ..
        }) => (values_text(&[*v]), c),
        _ => return Html::default(),
    };
    let vv = causal.context.display_for(nodes).to_string();
    let read_key = op.request.key().to_string();
    let onclick = {
        let (key, value, context) = (key.clone(), value.clone(), context.clone());
        let (fill, vv) = (fill.clone(), vv.clone());
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            for (field, text) in [(&key, &read_key), (&value, &fill), (&context, &vv)] {
                if let Some(input) = field.cast::<HtmlInputElement>() {
                    input.set_value(text);
                }
            }
        })
    };
    html! {
        <p class="row write-back">
            <button type="button" {onclick} data-testid="write-back"
                    title={format!("Value {fill}, context {vv}: then press Write")}>
                { "Write back with this read's context" }
            </button>
        </p>
    }
}

/// The answer to the latest statement at the cursor: a query's rows, or a
/// word on how a write went.
#[function_component(SqlResult)]
pub(super) fn sql_result(props: &ResultProps) -> Html {
    let frame = &props.frame;
    let Some(op) = latest_sql(&frame.run().history().ops, frame.cursor) else {
        return Html::default();
    };
    let who = format!("Node {}", op.node.0 + 1);
    let body = match answer_at(op, frame.cursor) {
        None => {
            html! { <p class="hint">{ format!("Waiting for the answer of node {} to the latest statement…", op.node.0 + 1) }</p> }
        }
        Some(Outcome::Rows {
            columns,
            rows,
            version,
        }) => {
            let caption = format!(
                "{who} returned {} row{} as of LSN {version}",
                rows.len(),
                if rows.len() == 1 { "" } else { "s" }
            );
            html! {
                <>
                    <div class="table-scroll" role="region" aria-label="Query result" tabindex="0">
                        <table class="data sql-table" data-testid="sql-rows">
                            <caption>{ caption }</caption>
                            <thead><tr>{ for columns.iter().map(|c| html! { <th scope="col">{ c }</th> }) }</tr></thead>
                            <tbody>{ for rows.iter().take(RESULT_ROWS).map(|r| html! {
                                <tr>{ for r.iter().map(|v| html! { <td>{ v }</td> }) }</tr>
                            }) }</tbody>
                        </table>
                    </div>
                    if rows.len() > RESULT_ROWS {
                        <p class="hint">{ format!("showing {RESULT_ROWS} of {} rows", rows.len()) }</p>
                    }
                </>
            }
        }
        Some(Outcome::Written { version, .. }) => {
            html! { <p class="hint">{ format!("{who} committed the latest statement at LSN {version}.") }</p> }
        }
        Some(Outcome::Failed { reason }) => {
            html! { <p class="hint">{ format!("{who} refused the latest statement: {reason}") }</p> }
        }
        Some(Outcome::Read { .. } | Outcome::Values { .. }) => Html::default(),
    };
    html! {
        <div class="sql-result" role="status" data-testid="sql-result">{ body }</div>
    }
}
