//! Drawing the diagram: lanes, time ticks, message arrows and their
//! fates, client operations and their answers, notes and fault markers,
//! with labels placed so they do not cover each other.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

use super::text::{cut, escape, ms_text, outcome_text, request_text};
use super::{
    auto_scale, lane_x, nice_step, Diagram, DiagramOptions, Omitted, LABELLED_LANE_GAP, LABEL_PX,
    LEFT, MAX_NOTES, MAX_OPERATIONS, NOTE_WIDTH, RIGHT, TOP,
};
use crate::history::History;
use crate::label_layout::{text_box, text_width, Anchor, Placed, Placer, Rect, Spot};
use crate::scenario::Scenario;
use crate::time::Instant;
use crate::trace::{DropReason, Fate, StepKind, Trace};

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
///
/// [`MAX_TEXT_CHARS`]: super::MAX_TEXT_CHARS
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
