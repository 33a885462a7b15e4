//! The space-time diagram: one lane per node and one for the clients, an
//! arrow from every send to its delivery. It is drawn by the core's SVG
//! renderer — the very function behind the CLI's `svg` command and the
//! export button — so what you see is what you export.
//!
//! Small runs (a few hundred messages — every article example) are drawn
//! whole; the "now" line is an overlay moved every frame, so the SVG is
//! built once per run and per width. Busy runs go to `spacetime_canvas`,
//! which paints only the arrows around the cursor. Clicking an arrow
//! selects its message in both.
//!
//! What the reader sees is the system at the cursor: the lanes narrow to
//! fit the column, so every node shows; the lane header stays in view
//! while the diagram scrolls and names each node's role *at the cursor*
//! (a follower promoted at 100 ms is "leader" from then on, a crashed
//! node says so); what happens after the cursor is dimmed, or hidden if
//! the reader prefers not to see the future.

use std::rc::Rc;

use replicascope_core::diagram::{
    activity_end, auto_scale, lane_x, render_svg, DiagramOptions, TOP,
};
use replicascope_core::export::lane_titles;
use replicascope_core::run::Snapshot;
use replicascope_core::time::Instant;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::canvas::use_displayed_width;
use crate::components::spacetime_canvas::SpaceTimeCanvas;
use crate::state::{Frame, Msg, Selection};

/// Runs with at most this many messages are drawn whole.
const WHOLE_RUN_MESSAGES: usize = 400;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The moment shown (its nodes give the lane headers' roles).
    pub frame: Rc<Frame>,
    pub selection: Selection,
    /// Where a click sends its pick (`Msg::Select`).
    pub send: Callback<Msg>,
}

/// A lane's header at the cursor: "Node 2", then its role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LaneHead {
    pub name: String,
    /// The node's role in words ("leader"), or "down".
    pub role: &'static str,
    pub down: bool,
}

/// Each lane's header at the cursor.
pub fn lane_heads(snapshot: &Snapshot) -> Vec<LaneHead> {
    snapshot
        .nodes
        .iter()
        .map(|n| LaneHead {
            name: format!("Node {}", n.node.0 + 1),
            role: if n.up { n.view.role.name() } else { "down" },
            down: !n.up,
        })
        .collect()
}

/// A role in one character, for lanes too narrow for the word: its
/// initial ("L" leader, "F" follower, "R" replica…), "↓" for a node that
/// is down. The header's tooltip keeps the word.
pub fn role_mark(role: &str, down: bool) -> String {
    if down {
        return String::from("↓");
    }
    // ASCII case only: `char::to_uppercase` would bring Unicode's case
    // tables into the page for one letter.
    role.chars()
        .next()
        .map(|c| c.to_ascii_uppercase().to_string())
        .unwrap_or_default()
}

/// How the part of the run after the cursor is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Future {
    Dimmed,
    Hidden,
    Shown,
}

impl Future {
    fn class(self) -> &'static str {
        match self {
            Future::Dimmed => "future dimmed",
            Future::Hidden => "future hidden",
            Future::Shown => "future shown",
        }
    }
}

/// The drawn window: `[from, to]` at a fixed scale.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Window {
    pub from: Instant,
    pub to: Instant,
    pub px_per_us: f64,
}

/// The whole run's window (small runs only: busy ones go to the canvas).
pub fn window_for(frame: &Frame) -> Window {
    let run = frame.run();
    let trace = run.trace();
    let until = run.end();
    let to = activity_end(trace, until).max(Instant(until.0.min(1_000)));
    Window {
        from: Instant::ZERO,
        to,
        px_per_us: auto_scale(trace, Instant::ZERO, to),
    }
}

/// Small runs are drawn whole as SVG by the core's renderer; busy runs are
/// painted on a canvas around the cursor.
#[function_component(SpaceTime)]
pub fn spacetime(props: &Props) -> Html {
    let small = props.frame.run().trace().messages.len() <= WHOLE_RUN_MESSAGES;
    let (frame, selection, send) = (props.frame.clone(), props.selection, props.send.clone());
    if small {
        html! { <SpaceTimeSvg {frame} {selection} {send} /> }
    } else {
        html! { <SpaceTimeCanvas {frame} {selection} {send} /> }
    }
}

#[function_component(SpaceTimeSvg)]
fn spacetime_svg(props: &Props) -> Html {
    let frame = &props.frame;
    let window = window_for(frame);
    let figure = use_node_ref();
    // Fit the lanes to the column, in steps of 8 px so a resize by a
    // pixel or two does not rebuild the SVG. Before the first layout the
    // width is unknown (0): draw at the usual lane spacing.
    let fit = (use_displayed_width(&figure) / 8 * 8) as u32;
    let nodes = usize::from(frame.run().scenario().node_count());
    let opts = DiagramOptions {
        from: window.from,
        to: window.to,
        lanes: Vec::new(),
        max_messages: 3_000,
        px_per_ms: Some(window.px_per_us * 1000.0),
        cursor: None,
        compact: true,
        width: (fit > 0).then_some(f64::from(fit)),
        titles: false,
    };
    let gap = opts.lane_gap(nodes);
    let svg = use_memo(
        (frame.run.clone(), window.from.0, window.to.0, fit),
        move |(handle, _, _, _)| {
            let run = handle.get();
            let opts = DiagramOptions {
                lanes: lane_titles(run),
                ..opts
            };
            AttrValue::from(render_svg(
                run.scenario(),
                run.trace(),
                run.history(),
                &opts,
            ))
        },
    );
    let future = use_state_eq(|| Future::Dimmed);
    let scroller = use_node_ref();

    // Keep the now line in view while playing or stepping. The visible
    // range is remembered, so most frames touch no layout: reading the
    // scroll position forces the browser to lay the diagram out.
    let now_y = TOP + window.cursor_offset(frame.cursor);
    let seen = use_mut_ref(|| (u64::MAX, i64::MIN, i64::MIN));
    {
        let scroller = scroller.clone();
        use_effect_with((now_y as i64, window.from.0), move |&(y, page)| {
            let (seen_page, top, height) = *seen.borrow();
            if seen_page == page && y >= top + 40 && y <= top + height - 40 {
                return;
            }
            if let Some(el) = scroller.cast::<web_sys::Element>() {
                let (top, height) = (el.scroll_top() as i64, el.client_height() as i64);
                let top = if y < top + 40 || y > top + height - 40 {
                    let target = (y - height / 3).max(0);
                    el.set_scroll_top(target as i32);
                    target
                } else {
                    top
                };
                *seen.borrow_mut() = (page, top, height);
            }
        });
    }

    let onclick = {
        let send = props.send.clone();
        Callback::from(move |e: MouseEvent| {
            let target = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
            let picked = target
                .and_then(|t| t.closest("[data-msg]").ok().flatten())
                .and_then(|g| g.get_attribute("data-msg"))
                .and_then(|id| id.parse::<u32>().ok());
            send.emit(Msg::Select(
                picked.map_or(Selection::None, Selection::Message),
            ));
        })
    };

    let highlight = match props.selection {
        Selection::Message(id) => {
            format!(".spacetime [data-msg=\"{id}\"] line {{ stroke-width: 4; }}")
        }
        _ => String::new(),
    };
    let in_window = frame.cursor >= window.from && frame.cursor <= window.to;
    let heads = lane_heads(&frame.snapshot);
    // The narrowest lanes name nodes by number (the tooltip says more).
    let tiny = gap < 46.0;
    let head = |lane: usize, name: &str, role: &str, down: bool| {
        let shown = match (tiny, lane) {
            (false, _) => name.to_string(),
            (true, 0) => String::from("C"),
            (true, _) => lane.to_string(),
        };
        let style = format!(
            "left: {:.1}px; max-width: {:.0}px",
            lane_x(lane, gap),
            gap - 6.0
        );
        let full = if role.is_empty() {
            name.to_string()
        } else {
            format!("{name} · {role}")
        };
        html! {
            <span class={classes!("lane-title", down.then_some("down"), (gap < 72.0).then_some("narrow"))} {style} title={full.clone()} aria-label={full}>
                <b>{ shown }</b>
                if !role.is_empty() {
                    <small>{ if tiny { role_mark(role, down) } else { role.to_string() } }</small>
                }
            </span>
        }
    };
    let pick_future = {
        let future = future.clone();
        Callback::from(move |e: Event| {
            let value = e
                .target_dyn_into::<web_sys::HtmlSelectElement>()
                .map(|s| s.value())
                .unwrap_or_default();
            future.set(match value.as_str() {
                "hidden" => Future::Hidden,
                "shown" => Future::Shown,
                _ => Future::Dimmed,
            });
        })
    };
    html! {
        <figure class="spacetime" aria-label="Space-time diagram" ref={figure}>
            <style>{ highlight }</style>
            <div class="scroller" ref={scroller} {onclick} data-testid="spacetime">
                <div class="sheet">
                    <div class="lanes-head" data-testid="lane-heads">
                        { head(0, "Clients", "", false) }
                        { for heads.iter().enumerate().map(|(i, h)| head(i + 1, &h.name, h.role, h.down)) }
                    </div>
                    { Html::from_html_unchecked((*svg).clone()) }
                    if in_window {
                        <div class="now-line" style={format!("transform: translateY({now_y:.1}px)")} aria-hidden="true"></div>
                        <div class={future.class()} style={format!("top: {:.1}px", now_y + 2.0)} aria-hidden="true"></div>
                    }
                </div>
            </div>
            <label class="future-pick">{ "After the cursor: " }
                <select onchange={pick_future} data-testid="future">
                    <option value="dimmed" selected={*future == Future::Dimmed}>{ "dimmed" }</option>
                    <option value="hidden" selected={*future == Future::Hidden}>{ "hidden" }</option>
                    <option value="shown" selected={*future == Future::Shown}>{ "shown" }</option>
                </select>
            </label>
        </figure>
    }
}

impl Window {
    /// Pixels from the window's start down to `t`.
    pub fn cursor_offset(&self, t: Instant) -> f64 {
        t.0.saturating_sub(self.from.0) as f64 * self.px_per_us
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_lanes_mark_roles_by_initial_and_down_by_an_arrow() {
        assert_eq!(role_mark("leader", false), "L");
        assert_eq!(role_mark("follower", false), "F");
        assert_eq!(role_mark("down", true), "↓");
        assert_eq!(role_mark("leader", true), "↓");
        assert_eq!(role_mark("", false), "");
    }
}
