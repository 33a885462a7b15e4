//! The space-time (sequence) diagram as SVG: one vertical lane per node
//! plus one for the clients, time flowing down, an arrow from each send to
//! its delivery, dropped messages ending in a cross. The CLI's `svg`
//! command and the web app's export both call this one renderer, so a
//! figure pasted into a blog post matches what the page showed.

mod render;
#[cfg(test)]
mod tests;
mod text;

pub use render::{render, render_svg};
pub use text::escape;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::time::Instant;
use crate::trace::{DropReason, Fate, Trace};

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
