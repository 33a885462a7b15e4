//! The space-time diagram for busy runs, painted on a canvas. The run is
//! cut into overlapping pages of time; a page is painted once (only the
//! arrows inside it, found by binary search) and the now line glides over
//! it as an overlay, so a run of 100 000 events plays as smoothly as one of
//! ten and no arrow ever becomes a DOM element. The page turns when the
//! cursor passes three quarters of it. Clicking near an arrow selects its
//! message, as in the SVG view.

use replicascope_core::diagram::nice_step;
use replicascope_core::time::{Duration, Instant};
use replicascope_core::trace::{Fate, Trace};
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{HtmlCanvasElement, ImageData};
use yew::prelude::*;

use crate::canvas::{fitted_context, use_displayed_width, Theme};
use crate::components::spacetime::{lane_heads, LaneHead};
use crate::state::{Frame, Msg, Selection};
use replicascope_raster::{Dash, Raster, Rgb};

const HEIGHT: f64 = 440.0;
const TOP: f64 = 46.0;
const LEFT: f64 = 64.0;
/// Arrows in view, about, in a dense run.
const ARROWS_IN_VIEW: f64 = 400.0;

/// The same as the diagram's: the moment (its nodes give the roles under
/// the lane names), the selection, and where a click sends its pick.
pub use crate::components::spacetime::Props;

/// The time window shown for a cursor, and its scale.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct View {
    pub from_us: f64,
    pub span_us: f64,
    pub lanes: usize,
    pub width: f64,
}

impl View {
    pub fn new(trace: &Trace, mean_latency_ms: f64, nodes: usize, cursor: Instant) -> View {
        let mean_us = (mean_latency_ms * 1000.0).clamp(100.0, 1.0e7);
        // The last message by index (iterating to it walks the whole run).
        let last = trace
            .messages
            .len()
            .checked_sub(1)
            .and_then(|i| trace.messages.get(i))
            .map_or(1, |m| m.sent_at.0.max(1)) as f64;
        let per_us = trace.messages.len() as f64 / last;
        let span_us = (12.0 * mean_us)
            .min(ARROWS_IN_VIEW / per_us.max(1e-12))
            .max(200.0);
        let lanes = nodes + 1;
        // Pages overlap by half: the cursor always sits in the middle half.
        let half = span_us / 2.0;
        let page = (cursor.0 as f64 / half).floor();
        View {
            from_us: page * half - half / 2.0,
            span_us,
            lanes,
            width: (LEFT + lanes as f64 * lane_gap(lanes) + 20.0).clamp(440.0, 1400.0),
        }
    }

    pub fn y(&self, t_us: f64) -> f64 {
        TOP + (t_us - self.from_us) / self.span_us * (HEIGHT - TOP - 8.0)
    }

    pub fn x(&self, lane: usize) -> f64 {
        LEFT + lane as f64 * lane_gap(self.lanes)
    }

    fn end_us(&self) -> f64 {
        self.from_us + self.span_us
    }
}

/// Narrow lanes keep the diagram about as tall as it is wide.
fn lane_gap(lanes: usize) -> f64 {
    if lanes <= 12 {
        64.0
    } else {
        (1000.0 / lanes as f64).max(18.0)
    }
}

/// Index range of messages that may cross the window (sent before it ends,
/// and not more than the longest flight before it starts).
fn visible(trace: &Trace, view: &View, max_flight_us: u64) -> (usize, usize) {
    let start = (view.from_us - max_flight_us as f64).max(0.0) as u64;
    let end = view.end_us().max(0.0) as u64;
    (
        trace.messages.partition_point(|m| m.sent_at.0 < start),
        trace.messages.partition_point(|m| m.sent_at.0 <= end),
    )
}

/// Distance from point p to segment ab.
fn distance(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    };
    let (cx, cy) = (a.0 + t * dx, a.1 + t * dy);
    ((p.0 - cx).powi(2) + (p.1 - cy).powi(2)).sqrt()
}

#[function_component(SpaceTimeCanvas)]
pub fn spacetime_canvas(props: &Props) -> Html {
    let frame = &props.frame;
    let canvas = use_node_ref();
    // Roles at the cursor (a failover changes them): repainted when they do.
    let heads = lane_heads(&frame.snapshot);
    let view = {
        let run = frame.run();
        View::new(
            run.trace(),
            run.scenario().network.latency.mean_ms(),
            usize::from(run.scenario().node_count()),
            frame.cursor,
        )
    };

    // Paint when the page, the selection or the run changed — or when the
    // canvas's displayed size did (layout can settle after the first paint).
    let width = use_displayed_width(&canvas);
    let painted = use_mut_ref(|| None::<(usize, u64, i64, Selection, i32, Vec<LaneHead>)>);
    {
        let canvas = canvas.clone();
        let (frame, selection) = (frame.clone(), props.selection);
        use_effect(move || {
            if let Some(el) = canvas.cast::<HtmlCanvasElement>() {
                let run_id = std::rc::Rc::as_ptr(&frame.run.run) as *const () as usize;
                let key = (
                    run_id,
                    frame.run.revision,
                    view.from_us as i64,
                    selection,
                    width,
                    heads,
                );
                if painted.borrow().as_ref() != Some(&key) {
                    paint(&el, width, &frame, selection, &view, &key.5);
                    *painted.borrow_mut() = Some(key);
                }
            }
        });
    }

    let onclick = {
        let (frame, send) = (frame.clone(), props.send.clone());
        Callback::from(move |e: MouseEvent| {
            let Some(el) = e
                .current_target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            else {
                return;
            };
            let r = el.get_bounding_client_rect();
            let p = (
                (f64::from(e.client_x()) - r.left()) * view.width / r.width().max(1.0),
                (f64::from(e.client_y()) - r.top()) * HEIGHT / r.height().max(1.0),
            );
            let trace = frame.run().trace();
            let (first, end) = visible(trace, &view, frame.run.max_flight_us);
            let hit = (first..end)
                .filter_map(|i| {
                    let m = trace.messages.get(i)?;
                    let a = (view.x(m.from.index() + 1), view.y(m.sent_at.0 as f64));
                    let b = (view.x(m.to.index() + 1), view.y(m.deliver_at.0 as f64));
                    Some((i as u32, distance(p, a, b)))
                })
                .filter(|(_, d)| *d <= 6.0)
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(id, _)| id);
            send.emit(Msg::Select(hit.map_or(Selection::None, Selection::Message)));
        })
    };

    let now_pct = view.y(frame.cursor.0 as f64) / HEIGHT * 100.0;
    html! {
        <figure class="spacetime canvas-mode" aria-label="Space-time diagram">
            <div class="canvas-wrap">
            <div class="now-line" style={format!("top: {now_pct:.3}%")} aria-hidden="true"></div>
            <canvas ref={canvas} class="spacetime-canvas" {onclick} data-testid="spacetime-canvas"
                    style={format!("aspect-ratio: {} / {HEIGHT}", view.width)}
                    role="img" aria-label="Space-time diagram around the cursor: one lane per node, an arrow per message" />
            </div>
        </figure>
    }
}

fn paint(
    el: &HtmlCanvasElement,
    width: i32,
    frame: &Frame,
    selection: Selection,
    view: &View,
    heads: &[LaneHead],
) {
    // The now line is an overlay: painting happens once per page.
    let Some(ctx) = fitted_context(el, width, view.width, HEIGHT) else {
        return;
    };
    let theme = Theme::of(el);
    let color = |name: &str, fallback: &str| theme.color(name, fallback);
    let (fg, muted, line, accent, focus) = (
        color("--fg", "#0f172a"),
        color("--muted", "#475569"),
        color("--line", "#cbd5e1"),
        color("--accent", "#2563eb"),
        color("--focus", "#f59e0b"),
    );
    ctx.set_line_width(1.0);

    // Lanes and arrows go through the rasteriser (see `raster`), handed to
    // the canvas in one piece; text and the few highlighted strokes are
    // drawn over them.
    let scale = f64::from(el.width()) / view.width;
    let rgb = |css: &str, fallback: Rgb| Rgb::parse(css).unwrap_or(fallback);
    let background = rgb(&color("--bg", "#f8fafc"), Rgb(248, 250, 252));
    let mut raster = Raster::new(el.width(), el.height(), background);
    let device = |x: f64, y: f64| (x * scale, y * scale);
    let lane_rgb = rgb(&line, Rgb(203, 213, 225));
    for lane in 0..view.lanes {
        let x = view.x(lane);
        raster.line(device(x, TOP - 6.0), device(x, HEIGHT), lane_rgb, None);
    }
    let run = frame.run();
    let trace = run.trace();
    let (first, end) = visible(trace, view, frame.run.max_flight_us);
    let (arrow_rgb, lost_rgb) = (rgb(&accent, Rgb(37, 99, 235)), Rgb(220, 38, 38));
    let dash = Dash {
        on: 4.0 * scale,
        off: 3.0 * scale,
    };
    for i in first..end {
        let Some(m) = trace.messages.get(i) else {
            break;
        };
        let (x1, y1) = (view.x(m.from.index() + 1), view.y(m.sent_at.0 as f64));
        let (x2, y2) = (view.x(m.to.index() + 1), view.y(m.deliver_at.0 as f64));
        if !matches!(m.fate, Fate::Dropped { .. }) {
            raster.line(device(x1, y1), device(x2, y2), arrow_rgb, None);
            continue;
        }
        // Lost: dashed red, ending in a cross half-way.
        let y2 = y2.max(y1 + 12.0);
        let (xm, ym) = (x1 + (x2 - x1) * 0.55, y1 + (y2 - y1) * 0.55);
        raster.line(device(x1, y1), device(xm, ym), lost_rgb, Some(dash));
        raster.line(
            device(xm - 4.0, ym - 4.0),
            device(xm + 4.0, ym + 4.0),
            lost_rgb,
            None,
        );
        raster.line(
            device(xm + 4.0, ym - 4.0),
            device(xm - 4.0, ym + 4.0),
            lost_rgb,
            None,
        );
    }
    let (w, h) = (raster.width(), raster.height());
    if let Ok(image) = ImageData::new_with_u8_clamped_array_and_sh(Clamped(raster.bytes()), w, h) {
        let _ = ctx.put_image_data(&image, 0.0, 0.0);
    }

    // Lane titles (pinned at the top).
    ctx.set_fill_style_str(&fg);
    ctx.set_font("600 11px system-ui, sans-serif");
    ctx.set_text_align("center");
    let small = lane_gap(view.lanes) < 40.0;
    for lane in 0..view.lanes {
        let x = view.x(lane);
        let title = if lane == 0 {
            String::from(if small { "C" } else { "Clients" })
        } else if small {
            lane.to_string()
        } else {
            format!("Node {lane}")
        };
        let _ = ctx.fill_text(&title, x, TOP - 22.0);
        // The role ("leader") under the name, where there is room.
        let role = (lane > 0 && !small)
            .then(|| heads.get(lane - 1).map(|h| h.role))
            .flatten();
        if let Some(role) = role {
            ctx.set_font("10px system-ui, sans-serif");
            let _ = ctx.fill_text(role, x, TOP - 10.0);
            ctx.set_font("600 11px system-ui, sans-serif");
        }
    }

    // Time ticks.
    ctx.set_fill_style_str(&muted);
    ctx.set_font("10px system-ui, sans-serif");
    ctx.set_text_align("right");
    let step = nice_step(view.span_us / 6.0);
    let mut t = (view.from_us / step).ceil() * step;
    while t <= view.end_us() {
        if t >= 0.0 {
            let _ = ctx.fill_text(
                &format!("{}", Duration(t as u64)),
                LEFT - 10.0,
                view.y(t) + 3.0,
            );
        }
        t += step;
    }

    let selected = match selection {
        Selection::Message(id) => Some(id as usize),
        _ => None,
    };
    if let Some(m) = selected.and_then(|i| trace.messages.get(i)) {
        ctx.set_stroke_style_str(&focus);
        ctx.set_line_width(3.5);
        ctx.begin_path();
        ctx.move_to(view.x(m.from.index() + 1), view.y(m.sent_at.0 as f64));
        ctx.line_to(view.x(m.to.index() + 1), view.y(m.deliver_at.0 as f64));
        ctx.stroke();
        ctx.set_line_width(1.0);
    }

    // Client requests and answers.
    ctx.set_stroke_style_str("#0d9488");
    ctx.begin_path();
    let ops = &run.history().ops;
    let first_op = ops.partition_point(|o| (o.invoked_at.0 as f64) < view.from_us - view.span_us);
    for op in &ops[first_op..] {
        if op.invoked_at.0 as f64 > view.end_us() {
            break;
        }
        let (xc, xn) = (view.x(0), view.x(op.node.index() + 1));
        let y = view.y(op.invoked_at.0 as f64);
        ctx.move_to(xc, y);
        ctx.line_to(xn, y);
        if let Some(done) = op.completed_at {
            let yd = view.y(done.0 as f64) + if done == op.invoked_at { 6.0 } else { 0.0 };
            ctx.move_to(xn, yd);
            ctx.line_to(xc, yd);
        }
    }
    ctx.stroke();
}

#[cfg(test)]
mod tests {
    use super::*;
    use replicascope_core::presets;
    use replicascope_core::run;

    #[test]
    fn the_view_slides_with_the_cursor_and_finds_crossing_arrows() {
        let s = presets::find("chatter-5").unwrap().scenario();
        let r = run::start(&s).unwrap();
        let trace = r.trace();
        let view = View::new(trace, s.network.latency.mean_ms(), 5, Instant(500_000));
        // The cursor sits in the middle half of its page.
        let f = (500_000.0 - view.from_us) / view.span_us;
        assert!((0.25..=0.75).contains(&f), "{f}");
        // Nearby cursors share the page; far ones turn it.
        let near = View::new(trace, s.network.latency.mean_ms(), 5, Instant(500_001));
        assert_eq!(near.from_us, view.from_us);
        let (first, end) = visible(trace, &view, 20_000);
        assert!(end > first);
        for i in first..end {
            let m = trace.messages.get(i).unwrap();
            assert!(m.sent_at.0 as f64 <= view.from_us + view.span_us);
            assert!(m.sent_at.0 as f64 >= view.from_us - 20_000.0);
        }
    }

    #[test]
    fn distance_to_segments() {
        assert_eq!(distance((0.0, 1.0), (0.0, 0.0), (2.0, 0.0)), 1.0);
        assert_eq!(distance((3.0, 0.0), (0.0, 0.0), (2.0, 0.0)), 1.0);
        assert_eq!(distance((1.0, 1.0), (1.0, 1.0), (1.0, 1.0)), 0.0);
    }
}
