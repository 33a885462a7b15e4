//! The space-time picture of one key of an imported history, in the
//! manner of Porcupine's visualisation: one row per process, each
//! operation a bar from its invocation to its answer on a time axis
//! compressed to event order (only the order of calls and answers
//! matters to linearizability, so gaps between them are not drawn). An
//! operation that was never answered runs open to the right edge: it may
//! have taken effect at any time after its call. The operations of the
//! longest prefix the checker could linearize carry their place in that
//! order; the ones that cannot follow it are drawn in red. A window of
//! events is shown at a time, starting where the history fails.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use replicascope_core::linearizability::import::{CheckedHistory, Format};
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use crate::canvas::{fitted_context, use_displayed_width, Theme};

const WIDTH: f64 = 960.0;
const LEFT: f64 = 96.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 30.0;
const ROW: f64 = 26.0;
const BAR: f64 = 16.0;
/// Rows drawn at most; zooming in shows the rest.
const MAX_ROWS: usize = 48;
/// Events across the window when it opens.
const DEFAULT_SPAN: usize = 60;

#[derive(Properties)]
pub struct Props {
    pub history: Rc<CheckedHistory>,
    pub key_index: usize,
}

impl PartialEq for Props {
    /// By identity: comparing 100 000 operations on every render of the
    /// page would cost more than drawing them.
    fn eq(&self, other: &Props) -> bool {
        Rc::ptr_eq(&self.history, &other.history) && self.key_index == other.key_index
    }
}

/// One key's operations placed on the compressed axis.
#[derive(PartialEq)]
struct Placed {
    /// Indices into `CheckedHistory::ops`, by call.
    ops: Vec<usize>,
    /// Event times in order; an op's call and answer are indices here.
    times: Vec<u64>,
    call: Vec<usize>,
    /// `None`: never answered.
    ret: Vec<Option<usize>>,
    /// Op index → its place (1-based) in the linearized prefix.
    order: BTreeMap<usize, usize>,
    stuck: BTreeSet<usize>,
}

impl Placed {
    fn new(history: &CheckedHistory, key_index: usize) -> Placed {
        let Some(verdict) = history.keys.get(key_index) else {
            return Placed::empty();
        };
        let mut ops: Vec<usize> = (0..history.ops.len())
            .filter(|&i| history.ops[i].key == verdict.key)
            .collect();
        ops.sort_by_key(|&i| (history.ops[i].call, i));
        let mut times: Vec<u64> = ops
            .iter()
            .flat_map(|&i| {
                let op = &history.ops[i];
                core::iter::once(op.call).chain(op.ret)
            })
            .collect();
        times.sort_unstable();
        times.dedup();
        let rank = |t: u64| times.binary_search(&t).unwrap_or(0);
        let call = ops.iter().map(|&i| rank(history.ops[i].call)).collect();
        let ret = ops.iter().map(|&i| history.ops[i].ret.map(rank)).collect();
        Placed {
            order: verdict
                .prefix
                .iter()
                .enumerate()
                .map(|(n, &i)| (i, n + 1))
                .collect(),
            stuck: verdict.stuck.iter().copied().collect(),
            ops,
            call,
            ret,
            times,
        }
    }

    fn empty() -> Placed {
        Placed {
            ops: Vec::new(),
            times: Vec::new(),
            call: Vec::new(),
            ret: Vec::new(),
            order: BTreeMap::new(),
            stuck: BTreeSet::new(),
        }
    }

    /// The window that opens first: the failure in view, a little of what
    /// led to it before it.
    fn first_window(&self) -> Window {
        let span = DEFAULT_SPAN.min(self.times.len().max(1));
        let failing = self
            .ops
            .iter()
            .zip(&self.call)
            .filter(|(i, _)| self.stuck.contains(i))
            .map(|(_, &c)| c)
            .min();
        let from = failing.map_or(0, |c| c.saturating_sub(span / 3));
        Window { from, span }.clamped(self.times.len())
    }
}

/// Which events are shown: `span` of them from the `from`-th.
#[derive(Clone, Copy, PartialEq, Debug)]
struct Window {
    from: usize,
    span: usize,
}

impl Window {
    fn clamped(self, events: usize) -> Window {
        let span = self.span.clamp(1, events.max(1));
        Window {
            from: self.from.min(events.saturating_sub(span)),
            span,
        }
    }
}

/// One bar as drawn.
struct Bar {
    op: usize,
    row: usize,
    x0: f64,
    x1: f64,
    open: bool,
}

/// The bars in view and the processes (rows) they occupy.
struct Layout {
    rows: Vec<usize>,
    bars: Vec<Bar>,
    /// Processes with operations in view that did not fit.
    hidden: usize,
}

fn layout(history: &CheckedHistory, placed: &Placed, window: Window) -> Layout {
    let end = window.from + window.span;
    let x = |rank: f64| {
        LEFT + (rank - window.from as f64 + 0.5) / window.span as f64 * (WIDTH - LEFT - RIGHT)
    };
    let in_view: Vec<usize> = (0..placed.ops.len())
        .filter(|&n| placed.call[n] < end && placed.ret[n].is_none_or(|r| r >= window.from))
        .collect();
    let processes: BTreeSet<usize> = in_view
        .iter()
        .map(|&n| history.ops[placed.ops[n]].process)
        .collect();
    let hidden = processes.len().saturating_sub(MAX_ROWS);
    let rows: Vec<usize> = processes.into_iter().take(MAX_ROWS).collect();
    let bars = in_view
        .into_iter()
        .filter_map(|n| {
            let op = placed.ops[n];
            let row = rows.binary_search(&history.ops[op].process).ok()?;
            let x0 = x(placed.call[n] as f64 - 0.35).max(LEFT - 4.0);
            let (x1, open) = match placed.ret[n] {
                Some(r) => (x(r as f64 + 0.35).min(WIDTH - RIGHT + 4.0), false),
                None => (WIDTH - RIGHT + 4.0, true),
            };
            Some(Bar {
                op,
                row,
                x0,
                x1,
                open,
            })
        })
        .collect();
    Layout { rows, bars, hidden }
}

fn height(rows: usize) -> f64 {
    TOP + rows.max(1) as f64 * ROW + 10.0
}

/// How an event time reads on the axis.
fn time_label(format: Format, t: u64) -> String {
    match format {
        Format::Json => format!("{:.1} ms", t as f64 / 1000.0),
        Format::JepsenLog | Format::JepsenEdn => format!("event {}", t + 1),
    }
}

#[function_component(Diagram)]
pub fn diagram(props: &Props) -> Html {
    let canvas = use_node_ref();
    let width = use_displayed_width(&canvas);
    let placed = {
        let history = props.history.clone();
        let key = props.key_index;
        use_memo((Rc::as_ptr(&history) as usize, key), move |_| {
            Placed::new(&history, key)
        })
    };
    // The window belongs to one key of one history; a new one opens at
    // its failure.
    let owner = (Rc::as_ptr(&props.history) as usize, props.key_index);
    let window = use_state(|| (owner, placed.first_window()));
    let current = if window.0 == owner {
        window.1
    } else {
        placed.first_window()
    };
    let selected = use_state(|| None::<(usize, usize, usize)>);
    let selected_op = selected
        .filter(|&(p, k, _)| (p, k) == owner)
        .map(|(_, _, op)| op);
    let events = placed.times.len();
    let shown = layout(&props.history, &placed, current);
    let h = height(shown.rows.len());

    {
        let canvas = canvas.clone();
        let history = props.history.clone();
        let placed = placed.clone();
        use_effect_with(
            (width, owner, current, selected_op),
            move |&(width, _, current, selected)| {
                if let Some(el) = canvas.cast::<HtmlCanvasElement>() {
                    paint(&el, width, &history, &placed, current, selected);
                }
            },
        );
    }

    let set = |w: Window| {
        let window = window.clone();
        Callback::from(move |_: MouseEvent| window.set((owner, w.clamped(events))))
    };
    let step = (current.span / 2).max(1);
    let earlier = set(Window {
        from: current.from.saturating_sub(step),
        ..current
    });
    let later = set(Window {
        from: current.from + step,
        ..current
    });
    let zoom_in = set(Window {
        from: current.from + current.span / 4,
        span: (current.span / 2).max(4),
    });
    let zoom_out = set(Window {
        from: current.from.saturating_sub(current.span / 2),
        span: current.span * 2,
    });
    let failure = set(placed.first_window());
    let all = set(Window {
        from: 0,
        span: events,
    });

    let on_click = {
        let selected = selected.clone();
        let history = props.history.clone();
        let placed = placed.clone();
        Callback::from(move |e: MouseEvent| {
            let el: HtmlCanvasElement = e.target_unchecked_into();
            let scale = WIDTH / f64::from(el.client_width().max(1));
            let (x, y) = (
                f64::from(e.offset_x()) * scale,
                f64::from(e.offset_y()) * scale,
            );
            let shown = layout(&history, &placed, current);
            let hit = shown.bars.iter().rev().find(|b| {
                let top = TOP + b.row as f64 * ROW + (ROW - BAR) / 2.0;
                (b.x0..=b.x1).contains(&x) && (top..=top + BAR).contains(&y)
            });
            selected.set(hit.map(|b| (owner.0, owner.1, b.op)));
        })
    };

    let (first, last) = (
        placed.times.get(current.from).copied(),
        placed
            .times
            .get((current.from + current.span).min(events).saturating_sub(1))
            .copied(),
    );
    let range = match (first, last) {
        (Some(a), Some(b)) => format!(
            "Events {}–{} of {events} ({} to {})",
            current.from + 1,
            (current.from + current.span).min(events),
            time_label(props.history.format, a),
            time_label(props.history.format, b)
        ),
        _ => String::from("No operations on this key"),
    };
    let details = selected_op
        .and_then(|i| props.history.ops.get(i))
        .map(|op| {
            let place = match (
                placed.order.get(&selected_op.unwrap_or(usize::MAX)),
                placed.stuck.contains(&selected_op.unwrap_or(usize::MAX)),
            ) {
                (Some(n), _) => format!("#{n} in the order the checker found"),
                (None, true) => String::from("cannot follow the linearized prefix"),
                (None, false) => String::from("not placed before the search stopped"),
            };
            let answered = match op.ret {
                Some(t) => format!("answered at {}", time_label(props.history.format, t)),
                None => String::from(
                    "never answered: it may have taken effect at any time after its call",
                ),
            };
            format!(
                "Line {}: process {} — {}; invoked at {}, {answered}; {place}.",
                op.line,
                props
                    .history
                    .processes
                    .get(op.process)
                    .map_or("?", |s| s.as_str()),
                op.text,
                time_label(props.history.format, op.call)
            )
        });
    let label = format!(
        "Space-time diagram: {} processes, {} operations in view; red ones cannot follow the linearized prefix",
        shown.rows.len(),
        shown.bars.len()
    );
    html! {
        <figure class="hc-diagram" data-testid="history-diagram">
            <div class="hc-window">
                <button type="button" onclick={earlier} disabled={current.from == 0}>{ "◀ Earlier" }</button>
                <button type="button" onclick={later} disabled={current.from + current.span >= events}>{ "Later ▶" }</button>
                <button type="button" onclick={zoom_in} disabled={current.span <= 4}>{ "Zoom in" }</button>
                <button type="button" onclick={zoom_out} disabled={current.span >= events}>{ "Zoom out" }</button>
                if !placed.stuck.is_empty() {
                    <button type="button" onclick={failure}>{ "Where it fails" }</button>
                }
                <button type="button" onclick={all} disabled={current.span >= events}>{ "Whole key" }</button>
                <span class="hint" data-testid="history-window">{ range }</span>
            </div>
            <canvas ref={canvas} role="img" aria-label={label} onclick={on_click}
                    style={format!("aspect-ratio: {WIDTH} / {h}")} />
            <figcaption class="hint">
                { "Each bar runs from an operation's call to its answer; an open end was never answered. " }
                { "Green bars carry their place in the order the checker found; red ones cannot come next. Click a bar for its line." }
                if shown.hidden > 0 {
                    { format!(" {} more processes are active here: zoom in to see them.", shown.hidden) }
                }
            </figcaption>
            if let Some(d) = details {
                <p class="hc-op" data-testid="history-op">{ d }</p>
            }
        </figure>
    }
}

fn paint(
    el: &HtmlCanvasElement,
    width: i32,
    history: &CheckedHistory,
    placed: &Placed,
    window: Window,
    selected: Option<usize>,
) {
    let shown = layout(history, placed, window);
    let h = height(shown.rows.len());
    let Some(ctx) = fitted_context(el, width, WIDTH, h) else {
        return;
    };
    let theme = Theme::of(el);
    let color = |name: &str, fallback: &str| theme.color(name, fallback);
    let (fg, muted, line, card) = (
        color("--fg", "#0f172a"),
        color("--muted", "#475569"),
        color("--line", "#cbd5e1"),
        color("--card", "#ffffff"),
    );
    let (ok_bg, ok_fg, focus) = (
        color("--ok-bg", "#dcfce7"),
        color("--ok-fg", "#14532d"),
        color("--focus", "#f59e0b"),
    );
    let (bad_bg, bad_fg) = ("#fee2e2", "#b91c1c");

    ctx.set_font("11px system-ui, sans-serif");
    ctx.set_text_baseline("middle");
    // Axis: a tick at every few events, labelled with its time.
    ctx.set_fill_style_str(&muted);
    ctx.set_stroke_style_str(&line);
    ctx.set_line_width(1.0);
    let every = replicascope_core::diagram::nice_step(window.span as f64 / 8.0).max(1.0) as usize;
    let span = window.span as f64;
    let x = |rank: f64| LEFT + (rank - window.from as f64 + 0.5) / span * (WIDTH - LEFT - RIGHT);
    let mut rank = window.from.div_ceil(every) * every;
    while rank < window.from + window.span {
        let at = x(rank as f64);
        ctx.begin_path();
        ctx.move_to(at, TOP - 6.0);
        ctx.line_to(at, h - 6.0);
        ctx.stroke();
        if let Some(&t) = placed.times.get(rank) {
            let _ = ctx.fill_text(&time_label(history.format, t), at + 2.0, TOP - 14.0);
        }
        rank += every;
    }
    // Rows.
    for (row, &process) in shown.rows.iter().enumerate() {
        let y = TOP + row as f64 * ROW + ROW / 2.0;
        ctx.set_fill_style_str(&fg);
        let name = history.processes.get(process).map_or("?", |s| s.as_str());
        let _ = ctx.fill_text(&format!("process {name}"), 4.0, y);
    }
    ctx.save();
    ctx.begin_path();
    ctx.rect(LEFT - 4.0, 0.0, WIDTH - LEFT, h);
    ctx.clip();
    for bar in &shown.bars {
        let top = TOP + bar.row as f64 * ROW + (ROW - BAR) / 2.0;
        let (fill, stroke) = match (placed.order.get(&bar.op), placed.stuck.contains(&bar.op)) {
            (Some(_), _) => (ok_bg.as_str(), ok_fg.as_str()),
            (None, true) => (bad_bg, bad_fg),
            (None, false) => (card.as_str(), muted.as_str()),
        };
        ctx.set_fill_style_str(fill);
        ctx.fill_rect(bar.x0, top, bar.x1 - bar.x0, BAR);
        ctx.set_stroke_style_str(if selected == Some(bar.op) {
            &focus
        } else {
            stroke
        });
        ctx.set_line_width(if selected == Some(bar.op) { 2.5 } else { 1.0 });
        ctx.begin_path();
        if bar.open {
            // Three sides: the answer never came.
            ctx.move_to(bar.x1, top);
            ctx.line_to(bar.x0, top);
            ctx.line_to(bar.x0, top + BAR);
            ctx.line_to(bar.x1, top + BAR);
        } else {
            ctx.rect(bar.x0, top, bar.x1 - bar.x0, BAR);
        }
        ctx.stroke();
        let op = &history.ops[bar.op];
        let text = match placed.order.get(&bar.op) {
            Some(n) => format!("#{n} {}", op.text),
            None if bar.open => format!("{} …", op.text),
            None => op.text.clone(),
        };
        ctx.save();
        ctx.begin_path();
        ctx.rect(bar.x0, top, (bar.x1 - bar.x0 - 2.0).max(0.0), BAR);
        ctx.clip();
        ctx.set_fill_style_str(if placed.stuck.contains(&bar.op) {
            bad_fg
        } else {
            fg.as_str()
        });
        let _ = ctx.fill_text(&text, bar.x0 + 3.0, top + BAR / 2.0 + 0.5);
        ctx.restore();
    }
    ctx.restore();
}

#[cfg(test)]
mod tests {
    use super::*;
    use replicascope_core::linearizability::import::check_text;
    use replicascope_core::linearizability::Budget;

    const STALE: &str = "INFO  jepsen.util - 0\t:invoke\t:write\t1
INFO  jepsen.util - 1\t:invoke\t:read\tnil
INFO  jepsen.util - 1\t:ok\t:read\t1
INFO  jepsen.util - 2\t:invoke\t:read\tnil
INFO  jepsen.util - 2\t:ok\t:read\tnil
INFO  jepsen.util - 0\t:ok\t:write\t1
";

    #[test]
    fn bars_follow_event_order_and_the_failure_is_in_the_first_window() {
        let history = check_text(STALE, None, Budget::default()).expect("reads");
        let placed = Placed::new(&history, 0);
        assert_eq!(placed.ops.len(), 3);
        // Six distinct events: three calls, three answers.
        assert_eq!(placed.times.len(), 6);
        assert!(!placed.stuck.is_empty(), "the stale read cannot follow");
        let window = placed.first_window();
        let shown = layout(&history, &placed, window);
        assert_eq!(shown.rows.len(), 3);
        assert!(shown.bars.iter().any(|b| placed.stuck.contains(&b.op)));
        // The write spans both reads.
        let write = shown
            .bars
            .iter()
            .find(|b| history.ops[b.op].text.starts_with("write"))
            .unwrap();
        assert!(shown
            .bars
            .iter()
            .all(|b| b.x0 >= write.x0 && b.x1 <= write.x1));
    }

    #[test]
    fn windows_stay_inside_the_history() {
        assert_eq!(
            Window { from: 50, span: 10 }.clamped(20),
            Window { from: 10, span: 10 }
        );
        assert_eq!(
            Window { from: 0, span: 100 }.clamped(20),
            Window { from: 0, span: 20 }
        );
        assert_eq!(
            Window { from: 3, span: 0 }.clamped(0),
            Window { from: 0, span: 1 }
        );
    }
}
