//! The comparison's table and the sentences under it. Every cell of a
//! finished row is a link to the run behind it (`#run=…`); rows still
//! waiting for their run say so.

use std::rc::Rc;

use replicascope_core::compare::{explain, Architecture, Fault, Row};
use replicascope_core::scenario::Scenario;
use yew::prelude::*;

/// One architecture's figures and the run that produced them.
pub struct Measured {
    pub row: Row,
    pub scenario: Rc<Scenario>,
    /// `share::encode` of the run from its start, with its trace hash.
    pub link: String,
}

/// What the table shows.
pub struct TableProps<'a> {
    pub fault: Fault,
    pub done: &'a [Rc<Measured>],
    /// Whether a comparison is under way or finished (else: nothing run).
    pub started: bool,
    /// On the simulator page: open a row's run in place (the link's
    /// default is kept for new tabs). `None` on `?page=compare`, where the
    /// link goes to the simulator page.
    pub open: Option<Callback<Rc<Measured>>>,
}

const COLUMNS: [(&str, &str); 9] = [
    ("arch", "Architecture"),
    ("write-p50", "Write p50"),
    ("write-p99", "Write p99"),
    ("read-p50", "Read p50"),
    ("read-p99", "Read p99"),
    ("availability", "Write availability during the fault"),
    ("stale", "Stale reads"),
    ("conflicts", "Conflicts"),
    ("lost", "Lost writes"),
];

fn finished_row(m: &Rc<Measured>, open: &Option<Callback<Rc<Measured>>>) -> Html {
    // On its own page the link leaves for the simulator (no `?page`).
    let href = match open {
        Some(_) => format!("#run={}", m.link),
        None => format!("./#run={}", m.link),
    };
    let onclick = open.clone().map(|open| {
        let m = m.clone();
        Callback::from(move |e: MouseEvent| {
            // Modified and middle clicks keep the browser's new tab.
            if e.button() != 0 || e.ctrl_key() || e.meta_key() || e.shift_key() || e.alt_key() {
                return;
            }
            e.prevent_default();
            open.emit(m.clone());
        })
    });
    let title = format!("Open the {} run in the simulator", m.row.label);
    let cells = explain::figures(&m.row)
        .into_iter()
        .zip(COLUMNS)
        .enumerate()
        .map(|(i, (text, (col, _)))| {
            let link = html! {
                <a href={href.clone()} onclick={onclick.clone()} title={title.clone()}>{ text }</a>
            };
            if i == 0 {
                html! { <th scope="row" data-col={col}>{ link }</th> }
            } else {
                html! { <td data-col={col}>{ link }</td> }
            }
        });
    html! { <tr data-arch={m.row.architecture.id()} class="done">{ for cells }</tr> }
}

fn waiting_row(arch: Architecture, started: bool) -> Html {
    let text = if started { "running…" } else { "" };
    let blanks = COLUMNS[1..]
        .iter()
        .map(|(col, _)| html! { <td data-col={*col}>{ text }</td> });
    html! {
        <tr data-arch={arch.id()} class="waiting" aria-busy={started.to_string()}>
            <th scope="row" data-col="arch">{ arch.label() }</th>
            { for blanks }
        </tr>
    }
}

/// The table and the sentences under it. A plain function, not a
/// component: it re-renders with its parent anyway, and a component costs
/// wasm.
pub fn view(props: &TableProps<'_>) -> Html {
    let rows = Architecture::all().iter().map(|&arch| {
        match props.done.iter().find(|m| m.row.architecture == arch) {
            Some(m) => finished_row(m, &props.open),
            None => waiting_row(arch, props.started),
        }
    });
    let headers = COLUMNS
        .iter()
        .map(|(col, name)| html! { <th scope="col" data-col={*col}>{ *name }</th> });
    let why = props.done.iter().map(|m| {
        html! {
            <li data-arch={m.row.architecture.id()}>
                <strong>{ format!("{}: ", m.row.label) }</strong>
                { explain::explain(&m.row, props.fault) }
            </li>
        }
    });
    html! {
        <>
            <div class="compare-scroll">
                <table class="data compare-table" data-testid="compare-table">
                    <thead><tr>{ for headers }</tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
            <ul class="compare-why">{ for why }</ul>
        </>
    }
}
