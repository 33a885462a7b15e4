//! The space-time (sequence) diagram as SVG: one vertical lane per node
//! plus one for the clients, time flowing down, an arrow from each send to
//! its delivery, dropped messages ending in a cross. The CLI's `svg`
//! command and the web app's export both call this one renderer, so a
//! figure pasted into a blog post matches what the page showed.

use alloc::borrow::Cow;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

use crate::history::History;
use crate::label_layout::{text_box, text_width, Anchor, Placed, Placer, Rect, Spot};
use crate::node::{Outcome, Request};
use crate::scenario::Scenario;
use crate::time::Instant;
use crate::trace::{DropReason, Fate, StepKind, Trace};

/// What to draw.
#[derive(Clone, Debug)]
pub struct DiagramOptions {
    /// Draw what happened from `from` up to and including `to`.
    pub from: Instant,
    pub to: Instant,
    /// Lane titles, one per node ("Node 1 · leader").
    pub lanes: Vec<String>,
    /// At most this many messages; the rest are summarised in a footer.
    pub max_messages: usize,
    /// Fixed vertical scale; `None` picks one so the shortest message is
    /// readable.
    pub px_per_ms: Option<f64>,
    /// Draws the "now" line at this time.
    pub cursor: Option<Instant>,
    /// Narrower lanes and no narration column (the web view shows the
    /// narration beside the diagram instead).
    pub compact: bool,
    /// With `compact`: the width to fit, in pixels. Lanes narrow (down to
    /// [`MIN_LANE_GAP`]) so that every lane shows without scrolling
    /// sideways.
    pub width: Option<f64>,
    /// Draw each lane's title at the top. A page that keeps its own
    /// header in view while the diagram scrolls turns this off.
    pub titles: bool,
}

impl DiagramOptions {
    /// The whole run, automatic scale, no cursor.
    pub fn whole(from: Instant, to: Instant, lanes: Vec<String>) -> DiagramOptions {
        DiagramOptions {
            from,
            to,
            lanes,
            max_messages: 5_000,
            px_per_ms: None,
            cursor: None,
            compact: false,
            width: None,
            titles: true,
        }
    }

    /// Pixels between neighbouring lanes for a run of `nodes` nodes.
    pub fn lane_gap(&self, nodes: usize) -> f64 {
        if !self.compact {
            return LANE_GAP;
        }
        match self.width {
            Some(width) => {
                ((width - LEFT - RIGHT) / nodes.max(1) as f64).clamp(MIN_LANE_GAP, COMPACT_LANE_GAP)
            }
            None => COMPACT_LANE_GAP,
        }
    }
}

/// Where lane `lane` (0: the clients, node i: i + 1) is drawn, for lanes
/// `gap` apart.
pub fn lane_x(lane: usize, gap: f64) -> f64 {
    LEFT + lane as f64 * gap
}

const LANE_GAP: f64 = 190.0;
const COMPACT_LANE_GAP: f64 = 140.0;
/// The narrowest lanes a fitted diagram draws: nine nodes fit a phone,
/// numbered, without labels on the arrows.
pub const MIN_LANE_GAP: f64 = 18.0;
/// Lanes narrower than this leave message labels out (each arrow's
/// tooltip still names it): they would cover each other.
pub const LABELLED_LANE_GAP: f64 = 50.0;
const LEFT: f64 = 70.0;
/// Room right of the last lane of a compact diagram for a fault's label
/// ("crashed").
const RIGHT: f64 = 50.0;
/// Size of the text on arrows and lanes (the SVG's `.msg-label`,
/// `.client-label` and `.note`).
const LABEL_PX: f64 = 10.5;
/// Where time `from` is drawn, in pixels from the top.
pub const TOP: f64 = 70.0;
const NOTE_WIDTH: f64 = 680.0;
const MAX_HEIGHT: f64 = 16_000.0;
/// Most client operations drawn in one diagram, whatever the message cap:
/// each is two arrows with text, and beyond a couple of thousand they no
/// longer fit in [`MAX_HEIGHT`] readably. The rest are counted in the
/// footer.
pub const MAX_OPERATIONS: usize = 2_000;
/// Most notes (narration lines and fault markers on the lanes) drawn in
/// one diagram; the rest are counted in the footer.
pub const MAX_NOTES: usize = 2_000;
/// Longest label, tooltip or note, in characters; longer text (a payload
/// listing a whole table, say) is cut and ends in "…".
pub const MAX_TEXT_CHARS: usize = 300;

/// What a diagram left out to stay within its caps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Omitted {
    /// Messages beyond [`DiagramOptions::max_messages`].
    pub messages: usize,
    /// Client operations beyond [`MAX_OPERATIONS`].
    pub operations: usize,
    /// Notes and fault markers beyond [`MAX_NOTES`].
    pub notes: usize,
}

impl Omitted {
    pub fn is_empty(&self) -> bool {
        *self == Omitted::default()
    }

    /// "12 messages, 3 client operations and 40 notes"; empty when nothing
    /// was left out.
    pub fn describe(&self) -> String {
        self.list("")
    }

    /// [`Omitted::describe`] with `more` before each kind.
    fn list(&self, more: &str) -> String {
        let parts: Vec<String> = [
            (self.messages, "messages"),
            (self.operations, "client operations"),
            (self.notes, "notes"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {more}{what}"))
        .collect();
        match parts.split_last() {
            None => String::new(),
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        }
    }
}

/// A rendered diagram and what it left out.
#[derive(Clone, Debug)]
pub struct Diagram {
    pub svg: String,
    pub omitted: Omitted,
}

/// Pixels per microsecond for a window: the shortest message in it should
/// still be readable (about 28 px), within an overall height cap.
pub fn auto_scale(trace: &Trace, from: Instant, to: Instant) -> f64 {
    let span_us = (to.0.saturating_sub(from.0)).max(1) as f64;
    let shortest = trace
        .messages
        .iter()
        .filter(|m| m.deliver_at > m.sent_at && m.sent_at >= from && m.sent_at <= to)
        .map(|m| (m.deliver_at.0 - m.sent_at.0) as f64)
        .fold(f64::INFINITY, f64::min);
    let mut px_per_us = if shortest.is_finite() {
        28.0 / shortest
    } else {
        600.0 / span_us
    };
    px_per_us = px_per_us
        .min(600.0 / span_us.min(1000.0))
        .max(200.0 / span_us);
    if span_us * px_per_us > MAX_HEIGHT {
        px_per_us = MAX_HEIGHT / span_us;
    }
    px_per_us
}

/// Renders the diagram. The output is a standalone SVG document (it opens
/// in a browser and can be embedded in a page as an image).
pub fn render_svg(
    scenario: &Scenario,
    trace: &Trace,
    history: &History,
    opts: &DiagramOptions,
) -> String {
    render(scenario, trace, history, opts).svg
}

/// [`render_svg`], also saying what was left out: at most
/// `opts.max_messages` messages, [`MAX_OPERATIONS`] operations and
/// [`MAX_NOTES`] notes are drawn, each text at most [`MAX_TEXT_CHARS`]
/// long, so the document's size is bounded however long the run.
pub fn render(
    scenario: &Scenario,
    trace: &Trace,
    history: &History,
    opts: &DiagramOptions,
) -> Diagram {
    let nodes = usize::from(scenario.node_count());
    let from = opts.from;
    let to = if opts.to < opts.from {
        opts.from
    } else {
        opts.to
    };
    let span_us = (to.0 - from.0).max(1) as f64;

    let px_per_us = match opts.px_per_ms {
        Some(px_per_ms) => px_per_ms / 1000.0,
        None => auto_scale(trace, from, to),
    };
    let y = |t: Instant| TOP + (t.0.saturating_sub(from.0)) as f64 * px_per_us;
    // Lane 0 is the clients; node i is lane i + 1.
    let gap = opts.lane_gap(nodes);
    let x = |lane: usize| lane_x(lane, gap);
    let notes_x = x(nodes) + 60.0;
    let height = y(to) + 60.0;
    let width = if opts.compact {
        x(nodes) + RIGHT
    } else {
        notes_x + NOTE_WIDTH
    };

    let mut s = String::with_capacity(4096 + trace.messages.len().min(opts.max_messages) * 200);
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0} {height:.0}" width="{width:.0}" height="{height:.0}" font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="12" role="img" aria-label="Space-time diagram">
<style>
.lane{{stroke:#94a3b8;stroke-width:1.5}} .title{{font-weight:700;font-size:13px;fill:#0f172a}} .tick{{fill:#64748b;font-size:10px}}
.msg{{stroke:#2563eb;stroke-width:1.4;fill:none}} .msg-label{{fill:#1e3a8a;font-size:10.5px}}
.dropped{{stroke:#dc2626;stroke-dasharray:4 3}} .cross{{stroke:#dc2626;stroke-width:2}}
.client{{stroke:#0d9488;stroke-width:1.4}} .client-label{{fill:#115e59;font-size:10.5px}} .fail{{stroke:#dc2626}}
.note{{fill:#334155;font-size:10.5px}} .crash{{fill:#dc2626}} .recover{{fill:#16a34a}} .net{{fill:#9333ea}} .promote{{fill:#d97706}}
@media (prefers-color-scheme: dark) {{ .title{{fill:#e2e8f0}} .msg-label{{fill:#bfdbfe}} .client-label{{fill:#99f6e4}} .note{{fill:#cbd5e1}} .msg{{stroke:#60a5fa}} }}
</style>
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#2563eb"/></marker>
<marker id="arrow-client" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#0d9488"/></marker></defs>
"##
    );

    // Lanes and titles.
    let mut titles: Vec<String> = Vec::with_capacity(nodes + 1);
    titles.push(String::from("Clients"));
    for i in 0..nodes {
        titles.push(
            opts.lanes
                .get(i)
                .cloned()
                .unwrap_or_else(|| format!("Node {}", i + 1)),
        );
    }
    for (lane, title) in titles.iter().enumerate() {
        let _ = write!(
            s,
            r#"<line class="lane" x1="{x:.1}" y1="{top:.1}" x2="{x:.1}" y2="{bottom:.1}"/>"#,
            x = x(lane),
            top = TOP - 10.0,
            bottom = height - 30.0,
        );
        if opts.titles {
            let _ = write!(
                s,
                r#"<text class="title" x="{x:.1}" y="{ty:.1}" text-anchor="middle">{t}</text>"#,
                x = x(lane),
                ty = TOP - 24.0,
                t = escape(&cut(title))
            );
        }
        s.push('\n');
    }

    // Time ticks on the left: about ten, at round values.
    let step_us = nice_step(span_us / 10.0);
    let mut t = libm::ceil(from.0 as f64 / step_us) * step_us;
    let mut ticks: Vec<(f64, String)> = Vec::new();
    while t <= to.0 as f64 {
        let yy = y(Instant(t as u64));
        let text = ms_text(t as u64);
        let _ = write!(
            s,
            r#"<text class="tick" x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            LEFT - 16.0,
            yy + 3.0,
            text
        );
        s.push('\n');
        ticks.push((yy, text));
        t += step_us;
    }

    // Labels are placed before anything is drawn, most important first —
    // fault markers, then the clients' requests and replies, then the
    // messages — so that when room runs out it is a message label that is
    // shortened or left out (its tooltip keeps the whole text).
    let right_edge = if opts.compact { width } else { notes_x - 10.0 };
    let mut placer = Placer::new(Rect::new(0.0, 0.0, right_edge, height), LABEL_PX, 1.0);
    if opts.titles {
        for (lane, title) in titles.iter().enumerate() {
            let spot = Spot::new(x(lane), TOP - 24.0, Anchor::Middle);
            placer.block(text_box(spot, text_width(title, 13.0), 13.0, 1.0));
        }
    }
    for &(yy, ref text) in &ticks {
        placer.block(placer.box_at(Spot::new(LEFT - 16.0, yy + 3.0, Anchor::End), text));
    }

    let first_message = trace.messages.partition_point(|m| m.sent_at < from);
    let end_message = trace.messages.partition_point(|m| m.sent_at <= to);
    let drawn = (end_message - first_message).min(opts.max_messages);
    let skipped = end_message - first_message - drawn;
    let first_op = history.ops.partition_point(|o| o.invoked_at < from);
    let end_op = history.ops.partition_point(|o| o.invoked_at <= to);
    let shown_ops = (end_op.max(first_op) - first_op).min(MAX_OPERATIONS);
    let skipped_ops = end_op.saturating_sub(first_op) - shown_ops;
    let ops = &history.ops[first_op..first_op + shown_ops];
    let first_step = trace.steps.partition_point(|s| s.time < from);
    let end_step = trace.steps.partition_point(|s| s.time <= to);

    // Fault markers on the lanes (the first MAX_NOTES of them).
    let mut markers: Vec<(usize, &'static str, &'static str, Option<Placed>)> = Vec::new();
    let mut skipped_markers = 0usize;
    for i in first_step..end_step {
        let Some(step) = trace.steps.get(i) else {
            break;
        };
        if let Some((cls, text)) = marker_of(step.kind) {
            // Two links slowed at one instant are one mark on the lane.
            let repeat = markers
                .last()
                .and_then(|m| trace.steps.get(m.0))
                .is_some_and(|m| {
                    m.node == step.node
                        && m.time == step.time
                        && marker_of(m.kind) == Some((cls, text))
                });
            if repeat {
                continue;
            }
            if markers.len() < MAX_NOTES {
                let (lx, yy) = (x(step.node.index() + 1), y(step.time));
                placer.block(Rect::new(lx - 8.0, yy - 3.0, lx + 8.0, yy + 3.0));
                markers.push((i, cls, text, None));
            } else {
                skipped_markers += 1;
            }
        }
    }
    for marker in &mut markers {
        let Some(step) = trace.steps.get(marker.0) else {
            continue;
        };
        let (lx, yy) = (x(step.node.index() + 1), y(step.time));
        marker.3 = placer.place(
            marker.2,
            &[
                Spot::new(lx + 12.0, yy + 4.0, Anchor::Start),
                Spot::new(lx - 12.0, yy + 4.0, Anchor::End),
                Spot::new(lx + 12.0, yy + 16.0, Anchor::Start),
                Spot::new(lx - 12.0, yy + 16.0, Anchor::End),
            ],
        );
    }

    // The clients' requests and replies: above or below their arrow,
    // nearer either end if the middle is taken.
    let along = |x1: f64, x2: f64| [0.5, 0.3, 0.7].map(|f| x1 + (x2 - x1) * f);
    let mut op_labels: Vec<(String, Option<Placed>, Option<Reply>)> = Vec::with_capacity(ops.len());
    for op in ops {
        let (xc, xn) = (x(0), x(op.node.index() + 1));
        let yi = y(op.invoked_at);
        let req = cut(&request_text(&op.request)).into_owned();
        let xs = along(xc, xn);
        let spots: Vec<Spot> = [yi - 4.0, yi + 12.0]
            .iter()
            .flat_map(|&ly| xs.iter().map(move |&lx| Spot::new(lx, ly, Anchor::Middle)))
            .collect();
        let req_label = placer.place(&req, &spots);
        let reply = match (op.completed_at, &op.outcome) {
            (Some(done), Some(outcome)) if done <= to => {
                let yd = y(done) + if done == op.invoked_at { 12.0 } else { 0.0 };
                let (text, fail) = outcome_text(outcome);
                let text = cut(&text).into_owned();
                let spots: Vec<Spot> = [yd + 13.0, yd - 4.0]
                    .iter()
                    .flat_map(|&ly| xs.iter().map(move |&lx| Spot::new(lx, ly, Anchor::Middle)))
                    .collect();
                let placed = placer.place(&text, &spots);
                Some((text, fail, yd, placed))
            }
            _ => None,
        };
        op_labels.push((req, req_label, reply));
    }

    // Message labels, along their arrows. Lanes too narrow for any label
    // leave them to the tooltips.
    let labelled = gap >= LABELLED_LANE_GAP;
    let mut msg_labels: Vec<Option<Placed>> = Vec::with_capacity(drawn);
    for m in (first_message..first_message + drawn).filter_map(|i| trace.messages.get(i)) {
        if !labelled {
            msg_labels.push(None);
            continue;
        }
        let label = cut(trace.label(m));
        let (x1, y1) = (x(m.from.index() + 1), y(m.sent_at));
        let placed = match m.fate {
            Fate::Dropped { .. } => {
                let (xm, ym) = dropped_end(m, x1, y1, &x, &y, from, to);
                placer.place(
                    &label,
                    &[
                        Spot::new(xm + 8.0, ym + 12.0, Anchor::Start),
                        Spot::new(xm - 8.0, ym + 12.0, Anchor::End),
                        Spot::new(xm + 8.0, ym - 8.0, Anchor::Start),
                        Spot::new(xm - 8.0, ym - 8.0, Anchor::End),
                    ],
                )
            }
            Fate::Delivered | Fate::InFlight => {
                let (x2, y2) = (x(m.to.index() + 1), y(m.deliver_at.min(to)));
                let spots = [0.5, 0.35, 0.65, 0.2, 0.8].map(|f| {
                    Spot::new(x1 + (x2 - x1) * f, y1 + (y2 - y1) * f - 4.0, Anchor::Middle)
                });
                placer.place(&label, &spots)
            }
        };
        msg_labels.push(placed);
    }

    // Messages.
    for (k, m) in (first_message..first_message + drawn)
        .filter_map(|i| trace.messages.get(i))
        .enumerate()
    {
        let id = first_message + k;
        let (x1, y1) = (x(m.from.index() + 1), y(m.sent_at));
        let label = escape(&cut(trace.label(m)));
        let payload = escape(&cut(trace.payload(m)));
        let text = label_text(msg_labels.get(k).and_then(Option::as_ref), "msg-label");
        match m.fate {
            Fate::Dropped { reason } => {
                let (xm, ym) = dropped_end(m, x1, y1, &x, &y, from, to);
                let why = match reason {
                    DropReason::Partition => "lost: partition",
                    DropReason::Network => "lost in the network",
                    DropReason::NodeDown => "lost: receiver down",
                };
                let _ = writeln!(
                    s,
                    r#"<g data-msg="{id}"><title>{label}: {payload} ({why})</title><line class="msg dropped" x1="{x1:.1}" y1="{y1:.1}" x2="{xm:.1}" y2="{ym:.1}"/><path class="cross" d="M{a:.1},{b:.1} l8,8 m0,-8 l-8,8"/>{text}</g>"#,
                    a = xm - 4.0,
                    b = ym - 4.0,
                );
            }
            Fate::Delivered | Fate::InFlight => {
                let (x2, y2) = (x(m.to.index() + 1), y(m.deliver_at.min(to)));
                let open = if m.fate == Fate::InFlight || m.deliver_at > to {
                    r#" stroke-dasharray="2 3""#
                } else {
                    ""
                };
                let _ = writeln!(
                    s,
                    r#"<g data-msg="{id}"><title>{label}: {payload}</title><line class="msg" x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" marker-end="url(#arrow)"{open}/>{text}</g>"#,
                );
            }
        }
    }

    // Client operations: request in, reply out.
    for (op, (req, req_label, reply)) in ops.iter().zip(&op_labels) {
        let (xc, xn) = (x(0), x(op.node.index() + 1));
        let yi = y(op.invoked_at);
        let _ = writeln!(
            s,
            r#"<g data-op="{id}"><title>#{id} {req}</title><line class="client" x1="{xc:.1}" y1="{yi:.1}" x2="{xn:.1}" y2="{yi:.1}" marker-end="url(#arrow-client)"/>{text}</g>"#,
            id = op.id.0,
            req = escape(req),
            text = label_text(req_label.as_ref(), "client-label"),
        );
        if let Some((reply, fail, yd, placed)) = reply {
            let _ = writeln!(
                s,
                r#"<g data-op="{id}"><title>#{id} {reply}</title><line class="client{cls}" x1="{xn:.1}" y1="{yd:.1}" x2="{xc:.1}" y2="{yd:.1}" marker-end="url(#arrow-client)"/>{text}</g>"#,
                id = op.id.0,
                cls = if *fail { " fail" } else { "" },
                reply = escape(reply),
                text = label_text(placed.as_ref(), "client-label"),
            );
        }
    }

    // Fault markers, and narration beside the diagram.
    let mut skipped_notes = 0usize;
    let mut notes_drawn = markers.len();
    for (i, cls, text, placed) in &markers {
        let Some(step) = trace.steps.get(*i) else {
            continue;
        };
        let (lx, yy) = (x(step.node.index() + 1), y(step.time));
        let _ = writeln!(
            s,
            r#"<g><title>{text}</title><rect class="{cls}" x="{:.1}" y="{:.1}" width="16" height="6" rx="2"/>{}</g>"#,
            lx - 8.0,
            yy - 3.0,
            label_text(placed.as_ref(), "note"),
        );
    }
    skipped_notes += skipped_markers;
    if !opts.compact {
        let mut last_note_y = f64::NEG_INFINITY;
        let start = trace
            .notes
            .partition_point(|n| (n.step as usize) < first_step);
        for note in &trace.notes[start..] {
            let i = note.step as usize;
            if i >= end_step {
                break;
            }
            if notes_drawn >= MAX_NOTES {
                skipped_notes += 1;
                continue;
            }
            notes_drawn += 1;
            let Some(step_time) = trace.steps.get(i).map(|s| s.time) else {
                break;
            };
            let ny = y(step_time).max(last_note_y + 14.0);
            last_note_y = ny;
            let _ = writeln!(
                s,
                r#"<text class="note" x="{notes_x:.1}" y="{:.1}">{}: {}</text>"#,
                ny + 4.0,
                ms_text(step_time.0),
                escape(&cut(&note.text))
            );
        }
    }
    if let Some(now) = opts.cursor.filter(|c| *c >= from && *c <= to) {
        let yy = y(now);
        let _ = writeln!(
            s,
            r##"<g class="now"><line x1="{:.1}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="#f59e0b" stroke-width="2"/><text x="{:.1}" y="{:.1}" fill="#b45309" font-size="10">now {}</text></g>"##,
            LEFT - 50.0,
            notes_x - 20.0,
            notes_x - 20.0,
            yy - 4.0,
            ms_text(now.0)
        );
    }
    let omitted = Omitted {
        messages: skipped,
        operations: skipped_ops,
        notes: skipped_notes,
    };
    if !omitted.is_empty() {
        let _ = writeln!(
            s,
            r#"<text class="note" x="{LEFT:.1}" y="{:.1}">… {} in this window are not drawn (narrow the time window to see them).</text>"#,
            height - 12.0,
            omitted.list("more ")
        );
    }
    s.push_str("</svg>\n");
    Diagram { svg: s, omitted }
}

/// An operation's answer as drawn: its text, whether it failed, its
/// height, and where its label went.
type Reply = (String, bool, f64, Option<Placed>);

/// The coloured mark a step leaves on its lane, and its label.
fn marker_of(kind: StepKind) -> Option<(&'static str, &'static str)> {
    match kind {
        StepKind::Crash => Some(("crash", "crashed")),
        StepKind::Recover => Some(("recover", "recovered")),
        StepKind::Network => Some(("net", "network")),
        StepKind::Promote => Some(("promote", "promoted")),
        _ => None,
    }
}

/// Where a lost message's arrow stops (in its cross): a little way
/// towards where it was going.
fn dropped_end(
    m: &crate::trace::MessageRecord,
    x1: f64,
    y1: f64,
    x: &impl Fn(usize) -> f64,
    y: &impl Fn(Instant) -> f64,
    from: Instant,
    to: Instant,
) -> (f64, f64) {
    let end_t = if m.deliver_at > m.sent_at {
        m.deliver_at
    } else {
        Instant(m.sent_at.0 + (to.0 - from.0) / 40 + 1)
    };
    let (x2, y2) = (x(m.to.index() + 1), y(end_t));
    (x1 + (x2 - x1) * 0.55, y1 + (y2 - y1) * 0.55)
}

/// A placed label as an SVG `<text>`, or nothing if it was left out.
fn label_text(placed: Option<&Placed>, class: &str) -> String {
    match placed {
        None => String::new(),
        Some(p) => format!(
            r#"<text class="{class}" x="{:.1}" y="{:.1}" text-anchor="{}">{}</text>"#,
            p.spot.x,
            p.spot.y,
            p.spot.anchor.svg(),
            escape(&p.text)
        ),
    }
}

/// `text`, or its first [`MAX_TEXT_CHARS`] characters and "…".
fn cut(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(MAX_TEXT_CHARS) {
        None => Cow::Borrowed(text),
        Some((end, _)) => Cow::Owned(format!("{}…", &text[..end])),
    }
}

/// When the last thing in the trace happens (a step, or the arrival of a
/// message still in flight), plus a little room: where a whole-run diagram
/// should stop rather than trail empty lanes to the scenario's end.
pub fn activity_end(trace: &Trace, until: Instant) -> Instant {
    let last_step = trace.steps.iter().last().map_or(Instant::ZERO, |s| s.time);
    let last_arrival = trace
        .messages
        .iter()
        .filter(|m| {
            m.fate
                != Fate::Dropped {
                    reason: DropReason::Partition,
                }
        })
        .map(|m| m.deliver_at)
        .max()
        .unwrap_or(Instant::ZERO);
    let end = last_step.max(last_arrival);
    let room = (end.0 / 10).max(5_000);
    Instant(end.0.saturating_add(room)).min(until)
}

fn request_text(r: &Request) -> String {
    match r {
        Request::Write { key, value } => format!("write {key}={value}"),
        Request::Read { key, .. } => format!("read {key}"),
        Request::Sql { sql } => sql.clone(),
        Request::Increment { key, by } => format!("{key} += {by}"),
        Request::Add { key, value } => format!("add {value} to {key}"),
        Request::Remove { key, value } => format!("remove {value} from {key}"),
        Request::Put { key, values, .. } => {
            format!("put {key}={}", crate::node::values_text(values))
        }
        Request::Get { key, .. } => format!("get {key}"),
    }
}

fn outcome_text(o: &Outcome) -> (String, bool) {
    match o {
        Outcome::Written { version, .. } => (format!("ok (v{version})"), false),
        Outcome::Rows { rows, .. } => (format!("{} rows", rows.len()), false),
        Outcome::Read {
            value: Some(v),
            version,
            ..
        } => (format!("{v} (v{version})"), false),
        Outcome::Read { value: None, .. } => (String::from("not found"), false),
        Outcome::Values {
            values, siblings, ..
        } => (crate::node::answer_text(values, siblings), false),
        Outcome::Failed { reason } => (format!("failed: {reason}"), true),
    }
}

/// "12 ms", "1.5 ms", "2 s".
fn ms_text(us: u64) -> String {
    if us % 1_000_000 == 0 && us > 0 {
        format!("{} s", us / 1_000_000)
    } else {
        format!("{}", crate::time::Duration(us))
    }
}

/// A round tick spacing (1, 2 or 5 × 10^k µs) near `raw`.
pub fn nice_step(raw: f64) -> f64 {
    let raw = raw.max(1.0);
    let mag = libm::pow(10.0, libm::floor(libm::log10(raw)));
    let f = raw / mag;
    let nice = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

/// Escapes text for SVG content and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;
    use crate::run;
    use alloc::boxed::Box;
    use alloc::string::ToString;
    use alloc::vec;

    fn svg_of(id: &str) -> String {
        let scenario = presets::find(id).unwrap().scenario();
        let run = run::start(&scenario).unwrap();
        let opts = DiagramOptions {
            from: Instant::ZERO,
            to: scenario.until(),
            lanes: vec![
                String::from("Node 1 · leader"),
                String::from("Node 2 · follower"),
            ],
            max_messages: 10_000,
            px_per_ms: None,
            cursor: None,
            compact: false,
            width: None,
            titles: true,
        };
        render_svg(&scenario, run.trace(), run.history(), &opts)
    }

    #[test]
    fn sync_write_draws_the_articles_four_arrows() {
        let svg = svg_of("single-leader-sync-write");
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.trim_end().ends_with("</svg>"));
        // write → leader, replicate → follower, ack ← follower, success ← leader
        assert_eq!(svg.matches(r#"marker-end="url(#arrow)""#).count(), 2);
        assert!(svg.contains(">write x=1<"));
        assert!(svg.contains(">ok (v1)<"));
        assert!(svg.contains(">replicate<") && svg.contains(">ack<"));
        assert!(svg.contains("Node 1 · leader"));
    }

    #[test]
    fn dropped_messages_are_crossed_out() {
        let svg = svg_of("single-leader-async-crash-loses-write");
        // Three "new leader" messages reach the crashed old leader.
        assert_eq!(svg.matches("lost: receiver down").count(), 3);
        assert!(svg.contains(">crashed<") && svg.contains(">promoted<"));
    }

    #[test]
    fn message_cap_is_reported() {
        let scenario = presets::find("chatter-5").unwrap().scenario();
        let run = run::start(&scenario).unwrap();
        let opts = DiagramOptions {
            from: Instant::ZERO,
            to: scenario.until(),
            lanes: vec![],
            max_messages: 10,
            px_per_ms: None,
            cursor: None,
            compact: false,
            width: None,
            titles: true,
        };
        let svg = render_svg(&scenario, run.trace(), run.history(), &opts);
        assert!(svg.contains("more messages in this window are not drawn"));
        assert_eq!(svg.matches("<line class=\"msg").count(), 10);
    }

    /// A run with more operations than a diagram draws: the document
    /// stops growing at the caps and its footer counts what is missing.
    fn busy(ops: usize) -> (Scenario, Box<dyn run::Run>) {
        let mut scenario = presets::find("single-leader-sync-write")
            .unwrap()
            .scenario();
        scenario.until_ms = 1_000.0;
        for i in 0..ops {
            scenario.workload.ops.push(crate::scenario::Timed {
                at_ms: (i as f64) * 900.0 / ops as f64,
                action: presets::write(0, "x", i as i64),
            });
        }
        let run = run::start(&scenario).unwrap();
        (scenario, run)
    }

    fn draw(scenario: &Scenario, run: &dyn run::Run, max_messages: usize) -> Diagram {
        let mut opts = DiagramOptions::whole(Instant::ZERO, scenario.until(), vec![]);
        opts.max_messages = max_messages;
        render(scenario, run.trace(), run.history(), &opts)
    }

    fn operations_drawn(svg: &str) -> usize {
        let mut ids: Vec<&str> = svg
            .split("<g data-op=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect();
        ids.dedup();
        ids.len()
    }

    #[test]
    fn operations_and_notes_are_capped_and_counted() {
        let (small_s, small) = busy(300);
        let total = small.history().ops.len();
        assert!(total >= 300);
        let small = draw(&small_s, &*small, 10);
        assert_eq!(operations_drawn(&small.svg), total);
        assert_eq!(small.omitted.operations, 0);
        let mut sizes = Vec::new();
        for ops in [MAX_OPERATIONS + 1, 3 * MAX_OPERATIONS] {
            let (scenario, run) = busy(ops);
            let d = draw(&scenario, &*run, 10);
            assert_eq!(operations_drawn(&d.svg), MAX_OPERATIONS, "{ops}");
            let total = run.history().ops.len();
            assert!(total > ops);
            assert_eq!(d.omitted.operations, total - MAX_OPERATIONS);
            assert_eq!(d.omitted.messages, run.trace().messages.len() - 10);
            let notes = d.svg.matches("<text class=\"note\"").count();
            // The footer is a note too.
            assert!(notes <= MAX_NOTES + 1, "{notes}");
            let footer = alloc::format!(
                "… {} more messages, {} more client operations and ",
                d.omitted.messages,
                d.omitted.operations
            );
            assert!(d.svg.contains(&footer), "{ops}");
            assert!(d.omitted.notes > 0);
            assert!(d.svg.contains(&alloc::format!(
                " and {} more notes in this window are not drawn",
                d.omitted.notes
            )));
            sizes.push(d.svg.len());
        }
        // Three times the operations, about the same document.
        assert!(sizes[1] * 10 < sizes[0] * 11, "{sizes:?}");
    }

    #[test]
    fn long_text_is_cut() {
        let long = "é".repeat(MAX_TEXT_CHARS + 5);
        let c = cut(&long);
        assert_eq!(c.chars().count(), MAX_TEXT_CHARS + 1);
        assert!(c.ends_with('…'));
        assert_eq!(cut("short"), "short");
        let exact = "a".repeat(MAX_TEXT_CHARS);
        assert_eq!(cut(&exact), exact.as_str());
    }

    #[test]
    fn omissions_read_as_a_list() {
        let o = |messages, operations, notes| Omitted {
            messages,
            operations,
            notes,
        };
        assert_eq!(o(0, 0, 0).describe(), "");
        assert_eq!(o(5, 0, 0).describe(), "5 messages");
        assert_eq!(o(0, 2, 3).describe(), "2 client operations and 3 notes");
        assert_eq!(
            o(1, 2, 3).list("more "),
            "1 more messages, 2 more client operations and 3 more notes"
        );
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }

    #[test]
    fn ticks_are_round() {
        assert_eq!(nice_step(3_000.0), 5_000.0);
        assert_eq!(nice_step(12_000.0), 20_000.0);
        assert_eq!(nice_step(0.2), 1.0);
    }

    /// Every `<text>` on an arrow or a lane (not ticks or titles): where,
    /// how anchored and what it says, read back from the SVG.
    fn drawn_labels(svg: &str) -> Vec<(f64, f64, Anchor, String)> {
        let attr = |tag: &str, name: &str| -> Option<String> {
            let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
            Some(tag[at..].split('"').next()?.to_string())
        };
        let mut out = Vec::new();
        for piece in svg.split("<text ").skip(1) {
            let (tag, rest) = piece.split_once('>').unwrap();
            let tag = &format!(" {tag}");
            let class = attr(tag, "class").unwrap_or_default();
            if !["msg-label", "client-label", "note"].contains(&class.as_str()) {
                continue;
            }
            let anchor = match attr(tag, "text-anchor").as_deref() {
                Some("middle") => Anchor::Middle,
                Some("end") => Anchor::End,
                _ => Anchor::Start,
            };
            let text = rest
                .split("</text>")
                .next()
                .unwrap()
                .replace("&amp;", "&")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'");
            let x: f64 = attr(tag, "x").unwrap().parse().unwrap();
            let y: f64 = attr(tag, "y").unwrap().parse().unwrap();
            out.push((x, y, anchor, text));
        }
        out
    }

    /// The labels of every preset, at the widths the page gives the
    /// diagram (a phone, an embed, the desktop column), neither overlap
    /// nor leave the picture. Judged from the SVG text itself, so the
    /// test sees what the renderer wrote, not what the placer meant.
    #[test]
    fn no_label_covers_another_in_any_preset() {
        let mut seen = 0;
        for preset in presets::all() {
            let scenario = preset.scenario();
            let r = run::start(&scenario).unwrap();
            let to = activity_end(r.trace(), scenario.until());
            for width in [300.0, 455.0, 700.0] {
                let opts = DiagramOptions {
                    compact: true,
                    width: Some(width),
                    titles: false,
                    ..DiagramOptions::whole(Instant::ZERO, to, Vec::new())
                };
                let svg = render_svg(&scenario, r.trace(), r.history(), &opts);
                let view: Vec<f64> = svg
                    .split("viewBox=\"")
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap()
                    .split(' ')
                    .map(|v| v.parse().unwrap())
                    .collect();
                let picture = Rect::new(0.0, 0.0, view[2], view[3]);
                let boxes: Vec<(Rect, String)> = drawn_labels(&svg)
                    .into_iter()
                    .map(|(x, y, anchor, text)| {
                        let w = text_width(&text, LABEL_PX);
                        (text_box(Spot::new(x, y, anchor), w, LABEL_PX, 0.0), text)
                    })
                    .collect();
                seen += boxes.len();
                for (i, (a, ta)) in boxes.iter().enumerate() {
                    assert!(
                        a.inside(&picture),
                        "{} at {width}: '{ta}' leaves the picture",
                        preset.id
                    );
                    for (b, tb) in &boxes[i + 1..] {
                        assert!(
                            !a.overlaps(b),
                            "{} at {width}: '{ta}' covers '{tb}'",
                            preset.id
                        );
                    }
                }
            }
        }
        // The labels were read at all (a parser that finds none passes).
        assert!(seen > 1_000, "only {seen} labels read");
    }

    #[test]
    fn a_sibling_read_shows_each_sibling() {
        let svg = svg_of("leaderless-shopping-cart");
        assert!(
            svg.contains("2 siblings: {1, 3, 4} | {1, 2, 3, 5}"),
            "{svg}"
        );
    }
}
