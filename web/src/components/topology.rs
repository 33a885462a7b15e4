//! The cluster as a picture: nodes with their role and health, the links
//! between them (cut links dashed red, slow links amber), the clients, and
//! every message in flight as a labelled dot interpolated along its link.
//! Lost messages tumble and fade. Clicking a node or a link selects it for
//! the inspector, where the interventions are.

use std::rc::Rc;

use replicascope_core::node::NodeId;
use replicascope_core::run::Snapshot;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::canvas::{fitted_context, Theme};
use crate::layout::{dots_at, node_positions, Point, CLIENTS, HEIGHT, WIDTH};
use crate::state::{Model, Msg, Selection};

/// Above this many messages in flight, dots are painted on a canvas: one
/// bitmap instead of hundreds of SVG elements to lay out every frame.
const MAX_SVG_DOTS: usize = 60;
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
    // Enter or space on a focused node or link selects it, as a click does.
    let select_key = |s: Selection| {
        let state = state.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                e.stop_propagation();
                state.dispatch(Msg::Select(s));
            }
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
                    <g class={class} onclick={select(Selection::Link(na, nb))} onkeydown={select_key(Selection::Link(na, nb))}
                       data-link={format!("{}-{}", a + 1, b + 1)} role="button" tabindex="0"
                       aria-label={format!("Link between node {} and node {} — select", a + 1, b + 1)}>
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
    let on_canvas = dots.len() > MAX_SVG_DOTS;
    let placed: Vec<PlacedDot> = dots
        .iter()
        .filter_map(|d| {
            let (from, to) = (*pos.get(d.from.index())?, *pos.get(d.to.index())?);
            let mut at: Point = from.lerp(to, d.progress);
            if let Some(fall) = d.falling {
                at.y += 60.0 * fall * fall;
            }
            Some(PlacedDot {
                id: d.id,
                at,
                opacity: d.falling.map_or(1.0, |f| 1.0 - f),
                lost: d.falling.is_some(),
                selected: state.selection == Selection::Message(d.id),
            })
        })
        .collect();
    let placed = Rc::new(placed);
    let dot_views = dots.iter().filter(|_| !on_canvas).filter_map(|d| {
        let (from, to) = (*pos.get(d.from.index())?, *pos.get(d.to.index())?);
        let mut at: Point = from.lerp(to, d.progress);
        let mut opacity = 1.0;
        let lost = d.falling.is_some();
        if let Some(fall) = d.falling {
            at.y += 60.0 * fall * fall;
            opacity = 1.0 - fall;
        }
        let selected = state.selection == Selection::Message(d.id);
        let class = classes!("dot", lost.then_some("lost"), selected.then_some("selected"));
        let transform = format!("translate({:.1} {:.1})", at.x, at.y);
        if !label_dots {
            // Many messages: plain dots, no per-dot text (keeps frames cheap).
            return Some(html! {
                <g {class} {transform} opacity={lost.then(|| format!("{opacity:.2}"))} data-msg={d.id.to_string()}>
                    <circle r="6" />
                </g>
            });
        }
        let m = trace.message(d.id)?;
        let label = trace.label(m);
        Some(html! {
            <g {class} {transform} opacity={lost.then(|| format!("{opacity:.2}"))} data-msg={d.id.to_string()}>
                <title>{ format!("{label}: {}", trace.payload(m)) }</title>
                <circle r="7" />
                <text y="-11" text-anchor="middle">{ label }</text>
            </g>
        })
    });

    // Big clusters get smaller nodes labelled by number only.
    let radius = if n <= 12 {
        32.0
    } else {
        (std::f64::consts::PI * 165.0 / n as f64 * 0.8).clamp(6.0, 32.0)
    };
    let small = radius < 20.0;
    let nodes = snap.nodes.iter().zip(&pos).map(|(node, p)| {
        let selected = state.selection == Selection::Node(node.node);
        let class = classes!("node", (!node.up).then_some("down"), node.view.role.clone(), selected.then_some("selected"));
        html! {
            <g class={class} transform={format!("translate({:.1} {:.1})", p.x, p.y)}
               onclick={select(Selection::Node(node.node))} onkeydown={select_key(Selection::Node(node.node))}
               data-node={(node.node.0 + 1).to_string()}
               role="button" tabindex="0" aria-label={format!("Node {} ({}{}) — select", node.node.0 + 1, node.view.role, if node.up { "" } else { ", down" })}>
                <circle r={format!("{radius:.1}")} />
                if small {
                    <text class="node-name" y="4" text-anchor="middle" font-size="9">{ node.node.0 + 1 }</text>
                } else {
                    <text class="node-name" y="-1" text-anchor="middle">{ format!("Node {}", node.node.0 + 1) }</text>
                    <text class="node-role" y="15" text-anchor="middle">{ if node.up { node.view.role.clone() } else { String::from("down") } }</text>
                    if let Some(lsn) = node.view.fields.iter().find(|(k, _)| k == "LSN").map(|(_, v)| v) {
                        <text class="node-lsn" y="50" text-anchor="middle">{ format!("LSN {lsn}") }</text>
                    }
                }
            </g>
        }
    });

    // Clicks on the picture: a dot drawn on the canvas is found by
    // position; anything else clears the selection.
    let on_background = {
        let state = state.clone();
        let placed = placed.clone();
        Callback::from(move |e: MouseEvent| {
            let hit = e
                .current_target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|svg| {
                    let r = svg.get_bounding_client_rect();
                    let x = (f64::from(e.client_x()) - r.left()) * WIDTH / r.width().max(1.0);
                    let y = (f64::from(e.client_y()) - r.top()) * HEIGHT / r.height().max(1.0);
                    nearest(&placed, x, y)
                });
            state.dispatch(Msg::Select(hit.map_or(Selection::None, Selection::Message)));
        })
    };
    // One listener for every SVG dot: the clicked dot names its message.
    let on_dot = {
        let state = state.clone();
        Callback::from(move |e: MouseEvent| {
            let id = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|t| t.closest("[data-msg]").ok().flatten())
                .and_then(|g| g.get_attribute("data-msg"))
                .and_then(|id| id.parse::<u32>().ok());
            if let Some(id) = id {
                e.stop_propagation();
                state.dispatch(Msg::Select(Selection::Message(id)));
            }
        })
    };
    let hidden = dots.len() >= MAX_DOTS;
    html! {
        <figure class="topology" aria-label="Cluster topology">
            <svg viewBox={format!("0 0 {WIDTH} {HEIGHT}")} role="img" aria-label="Nodes, links and messages in flight"
                 onclick={on_background}>
                <g class="links">{ for links }</g>
                <g class="clients">
                    <rect x={f(CLIENTS.x - 34.0)} y={f(CLIENTS.y - 20.0)} width="68" height="40" rx="8" />
                    <text x={f(CLIENTS.x)} y={f(CLIENTS.y + 4.0)} text-anchor="middle">{ "Clients" }</text>
                </g>
                <g>{ for client_lines }</g>
                <g class="nodes">{ for nodes }</g>
                <g class="dots" data-testid="dots" onclick={on_dot}>{ for dot_views }</g>
            </svg>
            if on_canvas {
                <DotCanvas dots={placed.clone()} />
            }
            if hidden {
                <figcaption>{ format!("Showing the newest {MAX_DOTS} messages in flight.") }</figcaption>
            }
        </figure>
    }
}

fn f(v: f64) -> String {
    format!("{v:.1}")
}

/// A message's dot, placed in the picture's coordinates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlacedDot {
    pub id: u32,
    pub at: Point,
    pub opacity: f64,
    pub lost: bool,
    pub selected: bool,
}

/// The dot within reach of `(x, y)`, nearest first.
fn nearest(dots: &[PlacedDot], x: f64, y: f64) -> Option<u32> {
    dots.iter()
        .map(|d| (d.id, (d.at.x - x).powi(2) + (d.at.y - y).powi(2)))
        .filter(|(_, d2)| *d2 <= 12.0 * 12.0)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(id, _)| id)
}

#[derive(Properties, PartialEq)]
struct CanvasProps {
    dots: Rc<Vec<PlacedDot>>,
}

/// Paints many dots on one canvas laid over the SVG picture.
#[function_component(DotCanvas)]
fn dot_canvas(props: &CanvasProps) -> Html {
    let canvas = use_node_ref();
    {
        let canvas = canvas.clone();
        use_effect_with(props.dots.clone(), move |dots| {
            if let Some(el) = canvas.cast::<web_sys::HtmlCanvasElement>() {
                paint(&el, dots);
            }
        });
    }
    html! {
        <canvas ref={canvas} class="dot-canvas" style={format!("aspect-ratio: {WIDTH} / {HEIGHT}")}
                aria-hidden="true" data-testid="dot-canvas" data-dots={props.dots.len().to_string()} />
    }
}

fn paint(canvas: &web_sys::HtmlCanvasElement, dots: &[PlacedDot]) {
    let Some(ctx) = fitted_context(canvas, WIDTH, HEIGHT) else {
        return;
    };
    let theme = Theme::of(canvas);
    let (accent, focus) = (
        theme.color("--accent", "#2563eb"),
        theme.color("--focus", "#f59e0b"),
    );
    for d in dots {
        ctx.set_global_alpha(d.opacity);
        let fill = if d.selected {
            focus.as_str()
        } else if d.lost {
            "#dc2626"
        } else {
            accent.as_str()
        };
        ctx.set_fill_style_str(fill);
        ctx.begin_path();
        let _ = ctx.arc(
            d.at.x,
            d.at.y,
            if d.selected { 8.0 } else { 5.0 },
            0.0,
            std::f64::consts::TAU,
        );
        ctx.fill();
    }
    ctx.set_global_alpha(1.0);
}
