//! The cluster as a picture: nodes with their role and health, the links
//! between them (cut links dashed red, slow links amber), the clients, and
//! every message in flight as a labelled dot interpolated along its link.
//! Lost messages tumble and fade. Clicking a node or a link selects it for
//! the inspector, where the interventions are.

use std::rc::Rc;

use replicascope_core::node::NodeId;
use replicascope_core::run::Snapshot;
use yew::prelude::*;

use crate::layout::{dots_at, node_positions, Point, CLIENTS, HEIGHT, WIDTH};
use crate::state::{Model, Msg, Selection};

/// Most dots drawn at once (the rest are counted).
const MAX_DOTS: usize = 1500;
/// Above this many nodes, links are not drawn (they would be a hairball).
const MAX_LINKED_NODES: usize = 12;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: UseReducerHandle<Model>,
    pub snapshot: Rc<Snapshot>,
}

#[function_component(Topology)]
pub fn topology(props: &Props) -> Html {
    let state = &props.state;
    let snap = &props.snapshot;
    let roles: Vec<String> = snap.nodes.iter().map(|n| n.view.role.clone()).collect();
    let pos = node_positions(&roles);
    let n = pos.len();
    let run = state.run.run.borrow();
    let trace = run.trace();
    let now = state.cursor;

    let select = |s: Selection| {
        let state = state.clone();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            state.dispatch(Msg::Select(s));
        })
    };

    // Links, once per pair; their look comes from the faults in force.
    let mut links = Vec::new();
    if n <= MAX_LINKED_NODES {
        for a in 0..n {
            for b in a + 1..n {
                let (na, nb) = (NodeId(a as u16), NodeId(b as u16));
                let cut_ab = snap.network.cut.contains(&(na, nb));
                let cut_ba = snap.network.cut.contains(&(nb, na));
                let slow = snap
                    .network
                    .slow
                    .iter()
                    .any(|(x, y, _)| (*x == na && *y == nb) || (*x == nb && *y == na));
                let selected = matches!(state.selection, Selection::Link(x, y) if (x == na && y == nb) || (x == nb && y == na));
                let class = classes!(
                    "link",
                    (cut_ab || cut_ba).then_some("cut"),
                    (cut_ab != cut_ba).then_some("one-way"),
                    slow.then_some("slow"),
                    selected.then_some("selected"),
                );
                let title = match (cut_ab, cut_ba) {
                    (true, true) => format!("{na} ↮ {nb}: partitioned"),
                    (true, false) => format!("{na} → {nb} cut (one way)"),
                    (false, true) => format!("{nb} → {na} cut (one way)"),
                    _ if slow => format!("{na} ↔ {nb}: slow link"),
                    _ => format!("{na} ↔ {nb}: click to partition or slow it"),
                };
                let (p, q) = (pos[a], pos[b]);
                links.push(html! {
                    <g class={class} onclick={select(Selection::Link(na, nb))} data-link={format!("{}-{}", a + 1, b + 1)}>
                        <title>{ title }</title>
                        <line class="hit" x1={f(p.x)} y1={f(p.y)} x2={f(q.x)} y2={f(q.y)} />
                        <line class="wire" x1={f(p.x)} y1={f(p.y)} x2={f(q.x)} y2={f(q.y)} />
                        if cut_ab || cut_ba {
                            <text class="cut-mark" x={f((p.x + q.x) / 2.0)} y={f((p.y + q.y) / 2.0 + 4.0)} text-anchor="middle">{ "✂" }</text>
                        }
                    </g>
                });
            }
        }
    }

    // Client requests waiting for an answer, and answers just given.
    let history = run.history();
    let recent = state.run.max_flight_us.max(5_000);
    let client_lines = history.ops.iter().filter(|o| o.invoked_at <= now).filter_map(|o| {
        let target = *pos.get(o.node.index())?;
        let waiting = o.completed_at.is_none_or(|done| done > now);
        let just_done = o.completed_at.is_some_and(|done| done <= now && now.0 - done.0 < recent);
        if !waiting && !just_done {
            return None;
        }
        let failed = o.failed();
        let text = if waiting {
            format!("{} — waiting", o.request)
        } else if failed {
            String::from("failed")
        } else {
            String::from("answered")
        };
        let class = classes!("client-line", waiting.then_some("waiting"), failed.then_some("failed"));
        Some(html! {
            <g class={class}>
                <line x1={f(CLIENTS.x + 34.0)} y1={f(CLIENTS.y)} x2={f(target.x)} y2={f(target.y)} />
                <text x={f((CLIENTS.x + 34.0 + target.x) / 2.0)} y={f((CLIENTS.y + target.y) / 2.0 - 6.0)} text-anchor="middle">{ text }</text>
            </g>
        })
    });

    let dots = dots_at(trace, now, state.run.max_flight_us, MAX_DOTS);
    let label_dots = dots.len() <= 24;
    let dot_views = dots.iter().filter_map(|d| {
        let (from, to) = (*pos.get(d.from.index())?, *pos.get(d.to.index())?);
        let mut at: Point = from.lerp(to, d.progress);
        let mut opacity = 1.0;
        let lost = d.falling.is_some();
        if let Some(fall) = d.falling {
            at.y += 60.0 * fall * fall;
            opacity = 1.0 - fall;
        }
        let m = trace.message(d.id)?;
        let label = trace.label(m);
        let selected = state.selection == Selection::Message(d.id);
        Some(html! {
            <g class={classes!("dot", lost.then_some("lost"), selected.then_some("selected"))}
               transform={format!("translate({:.1} {:.1})", at.x, at.y)} opacity={format!("{opacity:.2}")}
               onclick={select(Selection::Message(d.id))} data-msg={d.id.to_string()}>
                <title>{ format!("{label}: {}", trace.payload(m)) }</title>
                <circle r="7" />
                if label_dots {
                    <text y="-11" text-anchor="middle">{ label }</text>
                }
            </g>
        })
    });

    let nodes = snap.nodes.iter().zip(&pos).map(|(node, p)| {
        let selected = state.selection == Selection::Node(node.node);
        let class = classes!("node", (!node.up).then_some("down"), node.view.role.clone(), selected.then_some("selected"));
        html! {
            <g class={class} transform={format!("translate({:.1} {:.1})", p.x, p.y)}
               onclick={select(Selection::Node(node.node))} data-node={(node.node.0 + 1).to_string()}
               role="button" tabindex="0" aria-label={format!("Node {} ({}{}) — select", node.node.0 + 1, node.view.role, if node.up { "" } else { ", down" })}>
                <circle r="32" />
                <text class="node-name" y="-1" text-anchor="middle">{ format!("Node {}", node.node.0 + 1) }</text>
                <text class="node-role" y="15" text-anchor="middle">{ if node.up { node.view.role.clone() } else { String::from("down") } }</text>
            </g>
        }
    });

    let hidden = dots.len() >= MAX_DOTS;
    html! {
        <figure class="topology" aria-label="Cluster topology">
            <svg viewBox={format!("0 0 {WIDTH} {HEIGHT}")} role="img" aria-label="Nodes, links and messages in flight"
                 onclick={select(Selection::None)}>
                <g class="links">{ for links }</g>
                <g class="clients">
                    <rect x={f(CLIENTS.x - 34.0)} y={f(CLIENTS.y - 20.0)} width="68" height="40" rx="8" />
                    <text x={f(CLIENTS.x)} y={f(CLIENTS.y + 4.0)} text-anchor="middle">{ "Clients" }</text>
                </g>
                <g>{ for client_lines }</g>
                <g class="nodes">{ for nodes }</g>
                <g class="dots" data-testid="dots">{ for dot_views }</g>
            </svg>
            if hidden {
                <figcaption>{ format!("Showing the newest {MAX_DOTS} messages in flight.") }</figcaption>
            }
        </figure>
    }
}

fn f(v: f64) -> String {
    format!("{v:.1}")
}
