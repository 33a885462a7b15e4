//! The cluster as a picture: nodes with their role and health, the links
//! between them (cut links dashed red, slow links amber), the clients, and
//! every message in flight as a labelled dot interpolated along its link.
//! Lost messages tumble and fade. Clicking a node or a link selects it for
//! the inspector, where the interventions are. When the protocol groups
//! nodes into datacenters (multi-leader), each datacenter is a labelled box
//! and the leaders are joined by the replication topology's directed
//! arrows, so a ring or a hub is visible at a glance. On a hash ring
//! (leaderless), nodes sit on a drawn circle at their ring positions; a
//! key picked from the run's requests is marked on the ring, its
//! preference list is the coloured arc from the key clockwise over its
//! replicas (ringed and numbered 1st, 2nd, …), the nodes a sloppy quorum
//! would write to instead are ringed dashed, and a node holding hints for
//! another wears a badge. Messages still cross the ring along chords.

use replicascope_core::protocol::Spec;
use std::rc::Rc;

use replicascope_core::node::NodeId;
use wasm_bindgen::JsCast;
use yew::prelude::*;

mod labels;

use crate::canvas::{fitted_context, use_displayed_width, Theme};
use crate::layout::{
    arrow, datacenter_layout, node_positions, ring_layout, Point, CLIENTS, HEIGHT, RING_CENTER,
    WIDTH,
};
use crate::protocols::{hash_ring, hint_badge, hint_badge_box};
use crate::state::{Frame, Msg, Selection, MAX_DOTS};
use replicascope_core::label_layout::Rect;

/// Above this many messages in flight, dots are painted on a canvas: one
/// bitmap instead of hundreds of SVG elements to lay out every frame.
const MAX_SVG_DOTS: usize = 60;
/// Above this many nodes, links are not drawn (they would be a hairball).
const MAX_LINKED_NODES: usize = 12;
/// Most keys the ring's key picker offers (a generated workload has many).
pub(crate) const MAX_KEYS: usize = 40;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub frame: Rc<Frame>,
    pub selection: Selection,
    /// Where a click sends its pick (`Msg::Select`).
    pub send: Callback<Msg>,
}

#[function_component(Topology)]
pub fn topology(props: &Props) -> Html {
    let frame = &props.frame;
    let snap = &frame.snapshot;
    let selection = props.selection;
    // The key whose preference list the ring shows (None: the first).
    let picked_key = use_state(|| None::<String>);
    let start_roles = use_memo(frame.run.clone(), |handle| {
        replicascope_core::export::starting_roles(handle.get())
    });
    let run = frame.run();
    let protocol = &run.scenario().protocol;
    let (dcs, repl) = (
        protocol.spec().datacenters(),
        protocol.spec().replication_links(),
    );
    let n = snap.nodes.len();
    let dc = (!dcs.is_empty()).then(|| datacenter_layout(&dcs, n));
    let ring_at = protocol.spec().ring_positions();
    let position_label = protocol.spec().features().log_position_label;
    let ring = (dc.is_none() && !ring_at.is_empty()).then(|| ring_layout(&ring_at));
    let pos = match (&dc, &ring) {
        (Some(l), _) => l.nodes.clone(),
        (None, Some((nodes, _))) => nodes.clone(),
        // Placed by the roles the nodes started with, so a failover does
        // not move them: the new leader is found by its label, not by
        // nodes swapping places under the reader's eyes.
        _ => node_positions(&start_roles),
    };
    let trace = run.trace();
    let now = frame.cursor;
    // Big clusters get smaller nodes labelled by number only.
    let radius = match (&dc, &ring) {
        (Some(l), _) => l.radius,
        (None, Some((_, r))) => *r,
        _ if n <= 12 => 32.0,
        _ => (std::f64::consts::PI * 165.0 / n as f64 * 0.8).clamp(6.0, 32.0),
    };
    let key_view = ring.as_ref().map(|_| {
        hash_ring(
            protocol,
            run.history(),
            picked_key.as_deref(),
            &ring_at,
            radius,
        )
    });

    let select = |s: Selection| {
        let send = props.send.clone();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            send.emit(Msg::Select(s));
        })
    };
    // Enter or space on a focused node or link selects it, as a click does.
    let select_key = |s: Selection| {
        let send = props.send.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                e.stop_propagation();
                send.emit(Msg::Select(s));
            }
        })
    };

    // Which pairs get a link: in a small cluster every pair; with
    // datacenters only the pairs that talk — each leader and its own
    // followers, and the leaders the replication topology joins — so five
    // datacenters of four nodes stay readable.
    let pairs: Vec<(u16, u16)> = if dc.is_some() {
        let mut p: Vec<(u16, u16)> = dcs
            .iter()
            .filter_map(|(_, m)| m.split_first())
            .flat_map(|(l, fs)| fs.iter().map(move |f| (l.0, f.0)))
            .collect();
        for &(a, b) in &repl {
            let pair = (a.0.min(b.0), a.0.max(b.0));
            if !p.contains(&pair) {
                p.push(pair);
            }
        }
        p
    } else if n <= MAX_LINKED_NODES {
        let n = n as u16;
        (0..n)
            .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
            .collect()
    } else {
        Vec::new()
    };
    // Links, once per pair; their look comes from the faults in force.
    let mut links = Vec::new();
    for (a, b) in pairs {
        let (na, nb) = (NodeId(a), NodeId(b));
        let (Some(&p), Some(&q)) = (pos.get(na.index()), pos.get(nb.index())) else {
            continue;
        };
        let (a, b) = (a + 1, b + 1);
        let cut_ab = snap.network.cut.contains(&(na, nb));
        let cut_ba = snap.network.cut.contains(&(nb, na));
        let slow = snap
            .network
            .slow
            .iter()
            .any(|(x, y, _)| (*x == na && *y == nb) || (*x == nb && *y == na));
        let selected = matches!(selection, Selection::Link(x, y) if (x == na && y == nb) || (x == nb && y == na));
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
        // The replication topology's directions on this pair, as arrows;
        // when both directions exist they run side by side.
        let arrows: Vec<Html> = repl
            .iter()
            .filter(|&&(x, y)| (x == na && y == nb) || (x == nb && y == na))
            .map(|&(x, y)| {
                let both = repl.contains(&(y, x));
                let (from, to) = if x == na { (p, q) } else { (q, p) };
                let (s, e) = arrow(from, to, radius, if both { 4.0 } else { 0.0 });
                html! {
                    <line class="wire repl" x1={f(s.x)} y1={f(s.y)} x2={f(e.x)} y2={f(e.y)}
                          marker-end="url(#repl-arrow)" data-repl={format!("{}-{}", x.0 + 1, y.0 + 1)} />
                }
            })
            .collect();
        links.push(html! {
            <g class={class} onclick={select(Selection::Link(na, nb))} onkeydown={select_key(Selection::Link(na, nb))}
               data-link={format!("{a}-{b}")} role="button" tabindex="0"
               aria-label={format!("Link between node {a} and node {b} — select")}>
                <title>{ title }</title>
                <line class="hit" x1={f(p.x)} y1={f(p.y)} x2={f(q.x)} y2={f(q.y)} />
                if arrows.is_empty() {
                    <line class="wire" x1={f(p.x)} y1={f(p.y)} x2={f(q.x)} y2={f(q.y)} />
                } else {
                    { for arrows }
                }
                if cut_ab || cut_ba {
                    <text class="cut-mark" x={f((p.x + q.x) / 2.0)} y={f((p.y + q.y) / 2.0 + 4.0)} text-anchor="middle">{ "✂" }</text>
                }
            </g>
        });
    }
    let boxes = dc
        .iter()
        .flat_map(|l| l.boxes.iter().enumerate())
        .map(|(i, b)| {
            html! {
                <g class="dc" data-dc={(i + 1).to_string()}>
                    <rect x={f(b.x)} y={f(b.y)} width={f(b.w)} height={f(b.h)} rx="10" />
                    <text class="dc-name" x={f(b.x + 8.0)} y={f(b.y + 13.0)}>{ &b.name }</text>
                </g>
            }
        });

    // Client requests waiting for an answer, and answers just given.
    let history = run.history();
    let recent = frame.run.max_flight_us.max(5_000);
    let requests: Vec<(Point, String, bool, bool)> = history
        .ops
        .iter()
        .filter(|o| o.invoked_at <= now)
        .filter_map(|o| {
            let target = *pos.get(o.node.index())?;
            let waiting = o.completed_at.is_none_or(|done| done > now);
            let just_done = o
                .completed_at
                .is_some_and(|done| done <= now && now.0 - done.0 < recent);
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
            Some((target, text, waiting, failed))
        })
        .collect();

    let dots = &*frame.dots;
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
                selected: selection == Selection::Message(d.id),
            })
        })
        .collect();
    let placed = Rc::new(placed);

    // Hint badges sit inside the ring, clear of neighbours; elsewhere at
    // a node's top right.
    let badge_dir = |p: Point| {
        let (dx, dy) = match ring {
            Some(_) => (RING_CENTER.x - p.x, RING_CENTER.y - p.y),
            None => (1.0, -1.0),
        };
        let len = (dx * dx + dy * dy).sqrt().max(1.0);
        Point {
            x: dx / len,
            y: dy / len,
        }
    };
    let mut taken: Vec<Rect> = key_view
        .as_ref()
        .map(|k| k.taken.clone())
        .unwrap_or_default();
    taken.extend(
        snap.nodes
            .iter()
            .zip(&pos)
            .filter_map(|(n, p)| hint_badge_box(&n.view.fields, badge_dir(*p), radius, *p)),
    );
    // Small nodes show their number only; in datacenter boxes it is sized
    // to the node so twenty nodes stay legible.
    let sized = dc.is_some() || ring.is_some();
    let small = radius < if sized { 26.0 } else { 20.0 };

    // Labels, placed so that none covers another or a node.
    let lsn_below: Vec<bool> = snap
        .nodes
        .iter()
        .map(|n| !small && n.view.log_position.is_some())
        .collect();
    let dc_names: Vec<(Point, String)> = dc
        .iter()
        .flat_map(|l| l.boxes.iter())
        .map(|b| {
            (
                Point {
                    x: b.x + 8.0,
                    y: b.y + 13.0,
                },
                b.name.clone(),
            )
        })
        .collect();
    let dot_texts: Vec<&str> = if label_dots && !on_canvas {
        placed
            .iter()
            .map(|d| trace.message(d.id).map_or("", |m| trace.label(m)))
            .collect()
    } else {
        Vec::new()
    };
    let (client_spots, dot_spots) = labels::place(
        &labels::Obstacles {
            nodes: &pos,
            radius,
            lsn_below: &lsn_below,
            dc_names: &dc_names,
            taken: &taken,
        },
        &requests
            .iter()
            .map(|(target, text, ..)| labels::ClientLabel {
                target: *target,
                text,
            })
            .collect::<Vec<_>>(),
        &placed
            .iter()
            .zip(&dot_texts)
            .map(|(d, text)| labels::DotLabel { at: d.at, text })
            .collect::<Vec<_>>(),
    );
    let client_lines = requests.iter().zip(&client_spots).map(|((target, text, waiting, failed), spot)| {
        let class = classes!("client-line", waiting.then_some("waiting"), failed.then_some("failed"));
        html! {
            <g class={class}>
                <title>{ text.clone() }</title>
                <line x1={f(CLIENTS.x + 34.0)} y1={f(CLIENTS.y)} x2={f(target.x)} y2={f(target.y)} />
                if let Some(p) = spot {
                    <text x={f(p.spot.x)} y={f(p.spot.y)} text-anchor={p.spot.anchor.svg()}>{ p.text.clone() }</text>
                }
            </g>
        }
    });
    let dot_views = placed.iter().enumerate().filter(|_| !on_canvas).filter_map(|(i, d)| {
        let at = d.at;
        let (opacity, lost, selected) = (d.opacity, d.lost, d.selected);
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
        let spot = dot_spots.get(i).and_then(Option::as_ref);
        Some(html! {
            <g {class} {transform} opacity={lost.then(|| format!("{opacity:.2}"))} data-msg={d.id.to_string()}>
                <title>{ format!("{label}: {}", trace.payload(m)) }</title>
                <circle r="7" />
                if let Some(p) = spot {
                    <text x={f(p.spot.x - at.x)} y={f(p.spot.y - at.y)} text-anchor={p.spot.anchor.svg()}>{ p.text.clone() }</text>
                }
            </g>
        })
    });

    let number_px = if sized {
        format!("{:.0}", (radius * 0.85).clamp(9.0, 15.0))
    } else {
        String::from("9")
    };
    let nodes = snap.nodes.iter().zip(&pos).map(|(node, p)| {
        let selected = selection == Selection::Node(node.node);
        let class = classes!("node", (!node.up).then_some("down"), node.view.role.class(), selected.then_some("selected"));
        html! {
            <g class={class} transform={format!("translate({:.1} {:.1})", p.x, p.y)}
               onclick={select(Selection::Node(node.node))} onkeydown={select_key(Selection::Node(node.node))}
               data-node={(node.node.0 + 1).to_string()}
               role="button" tabindex="0" aria-label={format!("Node {} ({}{}) — select", node.node.0 + 1, node.view.role, if node.up { "" } else { ", down" })}>
                <circle r={format!("{radius:.1}")} />
                if small {
                    <text class="node-name" y="4" text-anchor="middle" style={format!("font-size: {number_px}px")}>{ node.node.0 + 1 }</text>
                } else {
                    <text class="node-name" y="-1" text-anchor="middle">{ format!("Node {}", node.node.0 + 1) }</text>
                    <text class="node-role" y="15" text-anchor="middle">{ if node.up { node.view.role.name() } else { "down" } }</text>
                    if let Some(lsn) = node.view.log_position {
                        <text class="node-lsn" y="50" text-anchor="middle">{ format!("{position_label} {lsn}") }</text>
                    }
                }
                { hint_badge(&node.view.fields, badge_dir(*p), radius) }
            </g>
        }
    });

    // Clicks on the picture: a dot drawn on the canvas is found by
    // position; anything else clears the selection.
    let on_background = {
        let send = props.send.clone();
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
            send.emit(Msg::Select(hit.map_or(Selection::None, Selection::Message)));
        })
    };
    // One listener for every SVG dot: the clicked dot names its message.
    let on_dot = {
        let send = props.send.clone();
        Callback::from(move |e: MouseEvent| {
            let id = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|t| t.closest("[data-msg]").ok().flatten())
                .and_then(|g| g.get_attribute("data-msg"))
                .and_then(|id| id.parse::<u32>().ok());
            if let Some(id) = id {
                e.stop_propagation();
                send.emit(Msg::Select(Selection::Message(id)));
            }
        })
    };
    let hidden = dots.len() >= MAX_DOTS;
    let on_key = {
        let picked_key = picked_key.clone();
        Callback::from(move |e: Event| {
            let s: web_sys::HtmlSelectElement = e.target_unchecked_into();
            picked_key.set(Some(s.value()));
        })
    };
    let (under, over, key_bar) = match key_view {
        Some(k) => {
            let bar = k.bar(on_key);
            (k.under, k.over, bar)
        }
        None => Default::default(),
    };
    html! {
        <figure class={classes!("topology", ring.is_some().then_some("ring"))} aria-label="Cluster topology">
            <svg viewBox={format!("0 0 {WIDTH} {HEIGHT}")} role="img" aria-label="Nodes, links and messages in flight"
                 onclick={on_background}>
                if dc.is_some() {
                    <defs>
                        <marker id="repl-arrow" class="repl-arrow" viewBox="0 0 10 10" refX="8" refY="5"
                                markerWidth="6" markerHeight="6" orient="auto">
                            <path d="M0 0L10 5L0 10z" />
                        </marker>
                    </defs>
                    <g class="dcs">{ for boxes }</g>
                }
                { under }
                <g class="links">{ for links }</g>
                <g class="clients">
                    <rect x={f(CLIENTS.x - 34.0)} y={f(CLIENTS.y - 20.0)} width="68" height="40" rx="8" />
                    <text x={f(CLIENTS.x)} y={f(CLIENTS.y + 4.0)} text-anchor="middle">{ "Clients" }</text>
                </g>
                <g>{ for client_lines }</g>
                { over }
                <g class="nodes">{ for nodes }</g>
                <g class="dots" data-testid="dots" onclick={on_dot}>{ for dot_views }</g>
            </svg>
            { key_bar }
            if on_canvas {
                <DotCanvas dots={placed.clone()} />
            }
            if hidden {
                <figcaption>{ format!("Showing the newest {MAX_DOTS} messages in flight.") }</figcaption>
            }
        </figure>
    }
}

pub(crate) fn f(v: f64) -> String {
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
    let width = use_displayed_width(&canvas);
    {
        let canvas = canvas.clone();
        use_effect_with((props.dots.clone(), width), move |(dots, width)| {
            if let Some(el) = canvas.cast::<web_sys::HtmlCanvasElement>() {
                paint(&el, *width, dots);
            }
        });
    }
    html! {
        <canvas ref={canvas} class="dot-canvas" style={format!("aspect-ratio: {WIDTH} / {HEIGHT}")}
                aria-hidden="true" data-testid="dot-canvas" data-dots={props.dots.len().to_string()} />
    }
}

fn paint(canvas: &web_sys::HtmlCanvasElement, width: i32, dots: &[PlacedDot]) {
    let Some(ctx) = fitted_context(canvas, width, WIDTH, HEIGHT) else {
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
