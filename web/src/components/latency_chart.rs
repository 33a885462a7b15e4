//! "Write latency": every write of the run as a mark — x when the client
//! sent it, y how long it waited for its answer — so you can see the
//! leader keep answering at the same latency while a new follower copies a
//! snapshot, and synchronous writes wait a round trip longer than
//! asynchronous ones. The SVG is written as text once per run (three
//! paths, not one element per write, and no per-element view code to
//! weigh on the download); only the "now" line and the veil over the
//! future, plain HTML overlays, move with the cursor. The caption sums up
//! the writes answered so far.

use std::fmt::Write as _;

use replicascope_core::diagram::nice_step;
use replicascope_core::history::History;
use replicascope_core::time::{Duration, Instant};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use std::rc::Rc;

use crate::state::{Frame, Msg};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub frame: Rc<Frame>,
    /// Moves the cursor (`Msg::Seek`).
    pub send: Callback<Msg>,
}

/// Most marks drawn; bigger runs are sampled evenly (the slowest write is
/// always kept, since it sets the scale).
pub const MAX_MARKS: usize = 2000;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 170.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 12.0;
/// Room above the plot for writes that were never answered.
const TOP: f64 = 18.0;
const BOTTOM: f64 = 22.0;

/// One write, as the client saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WritePoint {
    pub invoked: Instant,
    /// `None`: no answer by the end of the run.
    pub completed: Option<Instant>,
    pub failed: bool,
}

impl WritePoint {
    pub fn latency_us(&self) -> Option<u64> {
        Some(self.completed?.0.saturating_sub(self.invoked.0))
    }
}

/// Every write in the history, in the order clients sent them.
pub fn write_points(history: &History) -> Vec<WritePoint> {
    history
        .ops
        .iter()
        .filter(|o| o.request.is_write())
        .map(|o| WritePoint {
            invoked: o.invoked_at,
            completed: o.completed_at,
            failed: o.failed(),
        })
        .collect()
}

/// The writes answered by some moment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LatencySummary {
    pub acknowledged: usize,
    pub failed: usize,
    /// Sent but not yet answered.
    pub waiting: usize,
    /// Over acknowledged writes; the mean of the middle two for an even count.
    pub median_us: Option<u64>,
    pub max_us: Option<u64>,
}

/// The writes answered at or before `now`.
pub fn summary_at(points: &[WritePoint], now: Instant) -> LatencySummary {
    let mut s = LatencySummary::default();
    let mut latencies = Vec::new();
    for p in points.iter().filter(|p| p.invoked <= now) {
        match p.completed {
            Some(done) if done <= now => {
                if p.failed {
                    s.failed += 1;
                } else {
                    s.acknowledged += 1;
                    latencies.push(done.0.saturating_sub(p.invoked.0));
                }
            }
            _ => s.waiting += 1,
        }
    }
    let n = latencies.len();
    if n > 0 {
        // A plain sort (not `select_nth_unstable`): fast enough for every
        // frame of a run with thousands of writes, and lighter to download.
        replicascope_core::sorting::sort(&mut latencies);
        let (lower, upper) = (latencies[(n - 1) / 2], latencies[n / 2]);
        s.median_us = Some(lower + (upper - lower) / 2);
        s.max_us = latencies.last().copied();
    }
    s
}

/// The caption under the chart.
pub fn caption(s: &LatencySummary) -> String {
    let mut text = match (s.median_us, s.max_us) {
        (Some(median), Some(max)) => format!(
            "{} write(s) acknowledged so far: median {}, max {}.",
            s.acknowledged,
            Duration(median),
            Duration(max)
        ),
        _ => String::from("No write acknowledged yet."),
    };
    if s.failed > 0 {
        text.push_str(&format!(" {} failed.", s.failed));
    }
    if s.waiting > 0 {
        text.push_str(&format!(" {} waiting for an answer.", s.waiting));
    }
    text
}

/// The chart's fixed parts for one run.
#[derive(Clone, Debug, PartialEq)]
pub struct Plot {
    pub until_us: u64,
    /// The latency at the top of the plot.
    pub top_us: u64,
    /// Circles for acknowledged writes, crosses for failed ones, triangles
    /// along the top for writes never answered: one path each.
    pub acknowledged: String,
    pub failed: String,
    pub unanswered: String,
    /// `(position, label)` for the latency and time axes.
    pub y_ticks: Vec<(f64, String)>,
    pub x_ticks: Vec<(f64, String)>,
}

impl Plot {
    pub fn x(&self, t: Instant) -> f64 {
        let f = t.0.min(self.until_us) as f64 / self.until_us.max(1) as f64;
        LEFT + f * (WIDTH - LEFT - RIGHT)
    }

    pub fn y(&self, latency_us: u64) -> f64 {
        let f = latency_us.min(self.top_us) as f64 / self.top_us.max(1) as f64;
        HEIGHT - BOTTOM - f * (HEIGHT - TOP - BOTTOM)
    }

    /// `x` as a percentage of the chart's width (for HTML overlays: the
    /// SVG keeps its aspect ratio, so percentages line up).
    pub fn percent(x: f64) -> f64 {
        100.0 * x / WIDTH
    }

    /// The static chart: axes, grid and marks.
    pub fn svg(&self) -> String {
        let mut s = format!(
            r#"<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="Latency of every write, by when it was sent"><g class="lat-axis">"#
        );
        for (y, label) in &self.y_ticks {
            let _ = write!(
                s,
                r#"<line x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}"/><text x="{}" y="{:.1}" text-anchor="end">{label}</text>"#,
                WIDTH - RIGHT,
                LEFT - 6.0,
                y + 3.5
            );
        }
        for (x, label) in &self.x_ticks {
            let _ = write!(
                s,
                r#"<text x="{x:.1}" y="{}" text-anchor="middle">{label}</text>"#,
                HEIGHT - 6.0
            );
        }
        let _ = write!(
            s,
            r#"</g><path class="lat-ok" d="{}"/><path class="lat-failed" d="{}"/><path class="lat-unanswered" d="{}"/></svg>"#,
            self.acknowledged, self.failed, self.unanswered
        );
        s
    }

    /// The time under horizontal chart position `x`.
    pub fn time_at(&self, x: f64) -> Instant {
        let f = ((x - LEFT) / (WIDTH - LEFT - RIGHT)).clamp(0.0, 1.0);
        Instant((f * self.until_us as f64).round() as u64)
    }
}

/// Which points to draw: all of them, or `cap` evenly spaced plus the
/// slowest.
pub fn sampled(points: &[WritePoint], cap: usize) -> Vec<usize> {
    let n = points.len();
    if n <= cap {
        return (0..n).collect();
    }
    let mut picked: Vec<usize> = (0..cap).map(|i| i * n / cap).collect();
    let slowest = (0..n).max_by_key(|&i| points[i].latency_us().unwrap_or(0));
    if let Some(i) = slowest {
        if let Err(at) = picked.binary_search(&i) {
            picked.insert(at, i);
        }
    }
    picked
}

/// Lays out the marks and axes for a run ending at `until`.
pub fn plot(points: &[WritePoint], until: Instant) -> Plot {
    let slowest = points.iter().filter_map(WritePoint::latency_us).max();
    // At least 1 ms, so an all-instant run still has a readable axis.
    let raw_top = slowest.unwrap_or(0).max(1_000) as f64;
    let y_step = nice_step(raw_top / 4.0);
    let top_us = ((raw_top / y_step).ceil() * y_step) as u64;
    let mut p = Plot {
        until_us: until.0.max(1),
        top_us: top_us.max(1),
        acknowledged: String::new(),
        failed: String::new(),
        unanswered: String::new(),
        y_ticks: Vec::new(),
        x_ticks: Vec::new(),
    };
    let mut v = 0.0;
    while v <= p.top_us as f64 {
        p.y_ticks
            .push((p.y(v as u64), time_label(v as u64, y_step)));
        v += y_step;
    }
    let x_step = nice_step(p.until_us as f64 / 6.0);
    let mut t = 0.0;
    while t <= p.until_us as f64 {
        p.x_ticks
            .push((p.x(Instant(t as u64)), time_label(t as u64, x_step)));
        t += x_step;
    }
    const R: f64 = 3.0;
    for i in sampled(points, MAX_MARKS) {
        let w = points[i];
        let x = p.x(w.invoked);
        match w.latency_us() {
            None => p.unanswered.push_str(&format!("M{:.1},4h8l-4,7z", x - 4.0)),
            Some(l) if w.failed => p.failed.push_str(&format!(
                "M{:.1},{:.1}l{d},{d}m0,-{d}l-{d},{d}",
                x - R,
                p.y(l) - R,
                d = 2.0 * R
            )),
            Some(l) => p.acknowledged.push_str(&format!(
                "M{:.1},{:.1}a{R},{R} 0 1,0 {d},0a{R},{R} 0 1,0 -{d},0",
                x - R,
                p.y(l),
                d = 2.0 * R
            )),
        }
    }
    p
}

/// A tick label in one unit per axis: "20 ms", "0.5 ms" for steps under
/// a tenth of a second, "0.5 s", "2 s" above (no "1500 ms" beside "1 s").
fn time_label(us: u64, step_us: f64) -> String {
    if us == 0 {
        String::from("0")
    } else if step_us >= 100_000.0 {
        let tenths = (us + 50_000) / 100_000;
        if tenths % 10 == 0 {
            format!("{} s", tenths / 10)
        } else {
            format!("{}.{} s", tenths / 10, tenths % 10)
        }
    } else {
        Duration(us).to_string()
    }
}

#[function_component(LatencyChart)]
pub fn latency_chart(props: &Props) -> Html {
    let frame = &props.frame;
    let data = use_memo(frame.run.clone(), |handle| {
        let run = &handle.run;
        let points = write_points(run.history());
        let plot = plot(&points, run.end());
        let svg = AttrValue::from(plot.svg());
        (points, plot, svg)
    });
    let (points, plot, svg) = &*data;
    if points.is_empty() {
        // Nothing to chart (a run without writes).
        return html! {};
    }
    let summary = caption(&summary_at(points, frame.cursor));
    let now = Plot::percent(plot.x(frame.cursor));
    let right = Plot::percent(RIGHT);
    let bottom = 100.0 * BOTTOM / HEIGHT;

    // Clicking the chart moves the cursor to that moment.
    let onclick = {
        let send = props.send.clone();
        let plot = plot.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(area) = e
                .current_target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            else {
                return;
            };
            let rect = area.get_bounding_client_rect();
            if rect.width() > 0.0 {
                let x = (f64::from(e.client_x()) - rect.left()) / rect.width() * WIDTH;
                send.emit(Msg::Seek(plot.time_at(x)));
            }
        })
    };

    html! {
        <figure class="latency-chart" aria-labelledby="latency-chart-title">
            <h2 id="latency-chart-title">{ "Write latency" }</h2>
            <div class="lat-plot" {onclick} title="Click to move the cursor to that moment">
                { Html::from_html_unchecked(svg.clone()) }
                // What has not happened yet is veiled, not hidden.
                <div class="lat-later" aria-hidden="true"
                     style={format!("left:{now:.2}%;right:{right:.2}%;bottom:{bottom:.2}%")}></div>
                <div class="lat-now" aria-hidden="true"
                     style={format!("left:{now:.2}%;bottom:{bottom:.2}%")}></div>
            </div>
            <figcaption>
                <span data-testid="latency-summary">{ summary }</span>
                <span class="lat-key" aria-hidden="true">
                    <span class="ok">{ "● acknowledged" }</span>
                    <span class="failed">{ "✕ failed" }</span>
                    <span class="unanswered">{ "▼ never answered" }</span>
                </span>
            </figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(invoked_ms: u64, done_ms: Option<u64>, failed: bool) -> WritePoint {
        WritePoint {
            invoked: Instant(invoked_ms * 1000),
            completed: done_ms.map(|d| Instant(d * 1000)),
            failed,
        }
    }

    #[test]
    fn summary_counts_what_has_happened() {
        let points = [
            w(0, Some(10), false),
            w(5, Some(35), false),
            w(6, Some(8), true),
            w(7, Some(27), false),
            w(8, None, false),
            w(90, Some(91), false),
        ];
        let s = summary_at(&points, Instant(40_000));
        assert_eq!(s.acknowledged, 3);
        assert_eq!(s.failed, 1);
        assert_eq!(s.waiting, 1);
        assert_eq!(s.median_us, Some(20_000));
        assert_eq!(s.max_us, Some(30_000));
        // An even count: the mean of the middle two.
        let s = summary_at(&points, Instant(30_000));
        assert_eq!(s.median_us, Some(15_000));
        assert_eq!(s.waiting, 2);
        assert_eq!(summary_at(&points, Instant(0)).median_us, None);
        assert_eq!(
            caption(&summary_at(&[], Instant(5))),
            "No write acknowledged yet."
        );
    }

    #[test]
    fn sampling_keeps_the_slowest() {
        let mut points: Vec<WritePoint> = (0..10_000).map(|i| w(i, Some(i + 1), false)).collect();
        points[4321].completed = Some(Instant(999_999_000));
        let picked = sampled(&points, 100);
        assert!(picked.len() <= 101);
        assert!(picked.contains(&4321));
        assert!(picked.windows(2).all(|p| p[0] < p[1]));
        assert_eq!(sampled(&points[..5], 100), vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn plot_scales_to_round_ticks() {
        let points = [
            w(10, Some(31), false),
            w(50, None, false),
            w(60, Some(62), true),
        ];
        let p = plot(&points, Instant(100_000));
        assert_eq!(p.top_us, 30_000);
        let labels: Vec<&str> = p.y_ticks.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["0", "10 ms", "20 ms", "30 ms"]);
        assert_eq!(p.x_ticks.first().map(|t| t.1.as_str()), Some("0"));
        let long = plot(&points, Instant(1_700_000));
        let labels: Vec<&str> = long.x_ticks.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["0", "0.5 s", "1 s", "1.5 s"]);
        assert!(!p.acknowledged.is_empty() && !p.failed.is_empty() && !p.unanswered.is_empty());
        assert_eq!(p.time_at(p.x(Instant(40_000))), Instant(40_000));
        assert_eq!(p.time_at(-50.0), Instant(0));
        let svg = p.svg();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(">30 ms</text>") && svg.contains(r#"class="lat-failed" d="M"#));
        // An empty run still has a sane scale.
        let empty = plot(&[], Instant(0));
        assert!(empty.top_us > 0 && empty.until_us > 0);
    }
}
