//! The space-time diagram: one lane per node and one for the clients, an
//! arrow from every send to its delivery. It is drawn by the core's SVG
//! renderer — the very function behind the CLI's `svg` command and the
//! export button — so what you see is what you export.
//!
//! Only a window of the run is in the DOM: the whole run when it is small,
//! otherwise a page of time around the cursor, so a run of 100 000 events
//! scrolls as smoothly as one of ten. The "now" line is a separate overlay
//! moved every frame; the diagram itself is only redrawn when its window
//! changes. Clicking an arrow selects that message.

use replicascope_core::diagram::{activity_end, auto_scale, render_svg, DiagramOptions, TOP};
use replicascope_core::export::lane_titles;
use replicascope_core::time::Instant;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::state::{Model, Msg, Selection};

/// Runs with at most this many messages are drawn whole.
const WHOLE_RUN_MESSAGES: usize = 400;
/// Height, in pixels, of one page of a windowed diagram.
const PAGE_PX: f64 = 900.0;
/// Arrows on one page of a dense run, about.
const PAGE_MESSAGES: f64 = 600.0;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: UseReducerHandle<Model>,
}

/// The drawn window: `[from, to]` at a fixed scale.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Window {
    pub from: Instant,
    pub to: Instant,
    pub px_per_us: f64,
}

/// Which window of the run to draw for the cursor.
pub fn window_for(model: &Model) -> Window {
    let run = model.run.run.borrow();
    let trace = run.trace();
    let until = run.scenario().until();
    if trace.messages.len() <= WHOLE_RUN_MESSAGES {
        let to = activity_end(trace, until).max(Instant(until.0.min(1_000)));
        return Window {
            from: Instant::ZERO,
            to,
            px_per_us: auto_scale(trace, Instant::ZERO, to),
        };
    }
    // A page spans about 24 message delays, but holds at most about
    // PAGE_MESSAGES arrows in dense runs (a redraw costs in proportion to
    // the arrows on it); pages overlap by half, so the cursor never sits at
    // an edge, and the now line glides between redraws.
    let mean_us = (run.scenario().network.latency.mean_ms() * 1000.0).clamp(100.0, 1.0e7);
    let span_us = trace
        .messages
        .iter()
        .last()
        .map_or(1, |m| m.sent_at.0.max(1)) as f64;
    let per_us = trace.messages.len() as f64 / span_us;
    let page_us = (mean_us * 24.0).min(PAGE_MESSAGES / per_us).max(1_000.0) as u64;
    let half = (page_us / 2).max(1);
    let from = Instant((model.cursor.0 / half).saturating_sub(1) * half);
    let to = Instant((from.0 + page_us).min(until.0));
    Window {
        from,
        to,
        px_per_us: PAGE_PX / page_us as f64,
    }
}

#[function_component(SpaceTime)]
pub fn spacetime(props: &Props) -> Html {
    let state = &props.state;
    let window = window_for(state);
    let svg = use_memo(
        (state.run.clone(), window.from.0, window.to.0),
        |(handle, _, _)| {
            let run = handle.run.borrow();
            let opts = DiagramOptions {
                from: window.from,
                to: window.to,
                lanes: lane_titles(&**run),
                max_messages: 3_000,
                px_per_ms: Some(window.px_per_us * 1000.0),
                cursor: None,
                compact: true,
            };
            AttrValue::from(render_svg(
                run.scenario(),
                run.trace(),
                run.history(),
                &opts,
            ))
        },
    );
    let scroller = use_node_ref();

    // Keep the now line in view while playing or stepping.
    let now_y = TOP + window.cursor_offset(state.cursor);
    {
        let scroller = scroller.clone();
        use_effect_with(now_y as i64, move |&y| {
            if let Some(el) = scroller.cast::<web_sys::Element>() {
                let (top, height) = (el.scroll_top() as i64, el.client_height() as i64);
                if y < top + 40 || y > top + height - 40 {
                    el.set_scroll_top((y - height / 3).max(0) as i32);
                }
            }
        });
    }

    let onclick = {
        let state = state.clone();
        Callback::from(move |e: MouseEvent| {
            let target = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
            let picked = target
                .and_then(|t| t.closest("[data-msg]").ok().flatten())
                .and_then(|g| g.get_attribute("data-msg"))
                .and_then(|id| id.parse::<u32>().ok());
            state.dispatch(Msg::Select(
                picked.map_or(Selection::None, Selection::Message),
            ));
        })
    };

    let highlight = match state.selection {
        Selection::Message(id) => {
            format!(".spacetime [data-msg=\"{id}\"] line {{ stroke-width: 4; }}")
        }
        _ => String::new(),
    };
    let in_window = state.cursor >= window.from && state.cursor <= window.to;
    html! {
        <figure class="spacetime" aria-label="Space-time diagram">
            <style>{ highlight }</style>
            <div class="scroller" ref={scroller} {onclick} data-testid="spacetime">
                <div class="sheet">
                    { Html::from_html_unchecked((*svg).clone()) }
                    if in_window {
                        <div class="now-line" style={format!("transform: translateY({now_y:.1}px)")} aria-hidden="true"></div>
                    }
                </div>
            </div>
        </figure>
    }
}

impl Window {
    /// Pixels from the window's start down to `t`.
    pub fn cursor_offset(&self, t: Instant) -> f64 {
        t.0.saturating_sub(self.from.0) as f64 * self.px_per_us
    }
}
