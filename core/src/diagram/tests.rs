//! Diagrams of preset runs: what is drawn, what is left out under the
//! caps, and that labels and text stay readable.

use super::text::cut;
use super::*;
use crate::label_layout::{text_box, text_width, Anchor, Rect, Spot};
use crate::presets;
use crate::run;
use crate::scenario::Scenario;
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
            // presets::write, which is the engine's and test-only there.
            action: crate::scenario::Action::Client {
                node: crate::node::NodeId(0),
                request: crate::node::Request::Write {
                    key: "x".to_string(),
                    value: i as i64,
                },
            },
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
