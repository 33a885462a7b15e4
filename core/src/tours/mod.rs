//! Guided tours: for every example of the article, a short walk through a
//! preset's run — a few pause points, each with a caption saying what is on
//! screen at that moment ("the leader has answered the client; the
//! follower has nothing yet").
//!
//! Tours are data. A [`Tour`] names a preset and lists its [`Step`]s; a
//! step's pause point is an [`Anchor`] — an event of the run (the nth
//! message with some label sent or delivered, a client operation answered,
//! a narration note) rather than a raw time, so small changes to a preset's
//! timing move the pause points with the events instead of breaking them.
//! [`resolve`] turns the anchors into times against a run; [`check`]
//! verifies each step's [`Expect`]ations against the state at that time,
//! so a caption that says "node 2 has nothing yet" is tested to be true.
//!
//! The tours themselves are data: `content/tours/<section>.json`, one
//! list per section of the article, parsed on first use. The helpers
//! below (`sent`, `holds`, …) build the same values in Rust, for tests.

mod claims;
mod find;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

use claims::expectation;
pub use claims::inspector_lines;
use find::find_anchor;

use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use crate::check::AnomalyKind;
use crate::content::{self, leak_slice, leak_str, leak_strs};
use crate::node::{NodeId, OpId, Role};
use crate::presets::{self, Preset};
use crate::run::{self, NodeState, Run, Snapshot};
use crate::table_diff::diff_tables;
use crate::time::{Duration, Instant};
use crate::trace::StepKind;
use once_cell::race::OnceBox;
use serde::{Deserialize, Serialize};

/// The article's sections, in its order: the start page groups tours by
/// them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Section {
    SingleLeader,
    MultiLeader,
    Leaderless,
    Comparison,
}

impl Section {
    pub const ALL: [Section; 4] = [
        Section::SingleLeader,
        Section::MultiLeader,
        Section::Leaderless,
        Section::Comparison,
    ];

    /// A short id for links and CSS: `single-leader`, `multi-leader`,
    /// `leaderless`, `comparison`.
    pub fn id(self) -> &'static str {
        match self {
            Section::SingleLeader => "single-leader",
            Section::MultiLeader => "multi-leader",
            Section::Leaderless => "leaderless",
            Section::Comparison => "comparison",
        }
    }

    /// The heading on the start page.
    pub fn title(self) -> &'static str {
        match self {
            Section::SingleLeader => "Single-leader replication",
            Section::MultiLeader => "Multi-leader replication",
            Section::Leaderless => "Leaderless replication",
            Section::Comparison => "Comparing the three",
        }
    }
}

/// A guided walk through one preset's run.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tour {
    /// Unique; what `?tour=<id>` names.
    #[serde(deserialize_with = "leak_str")]
    pub id: &'static str,
    #[serde(deserialize_with = "leak_str")]
    pub title: &'static str,
    pub section: Section,
    /// The id of the preset whose run the tour walks through.
    #[serde(deserialize_with = "leak_str")]
    pub preset: &'static str,
    /// One or two sentences for the start page.
    #[serde(deserialize_with = "leak_str")]
    pub summary: &'static str,
    #[serde(deserialize_with = "leak_slice")]
    pub steps: &'static [Step],
}

impl Tour {
    /// The preset the tour walks through (`None` only for a broken tour).
    pub fn preset(&self) -> Option<&'static Preset> {
        presets::find(self.preset)
    }
}

/// One pause point of a tour.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// One or two sentences about what is on screen at the pause point.
    #[serde(deserialize_with = "leak_str")]
    pub caption: &'static str,
    /// Where the run pauses.
    pub at: Anchor,
    /// What must be true of the run at that moment for the caption to be
    /// right; checked by the tests (see [`check`]).
    #[serde(default, deserialize_with = "leak_slice")]
    pub expect: &'static [Expect],
}

/// A pause point, found in the run's trace or history. The pause is at the
/// time of the event, so the state shown includes every step taken at that
/// instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Anchor {
    /// A fixed virtual time, in milliseconds.
    At(u64),
    /// The `nth` (from 1) message labelled `label` (as the diagram shows
    /// it: "replicate", "ack", "write", "hinted write"…) matching `from`
    /// and `to` — when it was sent, or when it was delivered (counting
    /// deliveries in the order they happened; lost messages never count).
    AfterMessage {
        #[serde(deserialize_with = "leak_str")]
        label: &'static str,
        nth: u32,
        #[serde(default)]
        delivered: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<NodeId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<NodeId>,
    },
    /// Client operation `op` (its index in the history: the order in which
    /// operations reached the cluster) got its answer.
    AfterReply { op: u32 },
    /// The `nth` (from 1) fault or operator action of kind `event`
    /// (matching `node`, when given) took effect. Typed: rewording the
    /// narration cannot move it.
    AfterEvent {
        event: Event,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        node: Option<NodeId>,
        nth: u32,
    },
    /// The `nth` (from 1) narration note containing `contains`. Only for
    /// what a protocol alone reports (a conflict, a merge, a repair);
    /// faults and operator actions use [`Anchor::AfterEvent`].
    AfterNote {
        #[serde(deserialize_with = "leak_str")]
        contains: &'static str,
        nth: u32,
    },
    /// The end of the run.
    End,
}

/// A fault or operator action, as the trace records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// A node crashed.
    Crash,
    /// A crashed node came back.
    Recover,
    /// A partition, a heal or a slow link (the node is the fault's first
    /// sending side; "heal all" is recorded at node 1).
    Network,
    /// An operator promoted a node.
    Promote,
    /// An operator added a node as a follower.
    Join,
}

impl Event {
    fn step_kind(self) -> StepKind {
        match self {
            Event::Crash => StepKind::Crash,
            Event::Recover => StepKind::Recover,
            Event::Network => StepKind::Network,
            Event::Promote => StepKind::Promote,
            Event::Join => StepKind::Join,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Event::Crash => "crash",
            Event::Recover => "recovery",
            Event::Network => "network fault",
            Event::Promote => "promotion",
            Event::Join => "follower added",
        }
    }
}

/// Node number `number` crashed.
pub const fn crashed(number: u16) -> Anchor {
    event_at(Event::Crash, number)
}

/// Node number `number` came back.
pub const fn recovered(number: u16) -> Anchor {
    event_at(Event::Recover, number)
}

/// The `nth` network fault (partition, heal, slow link) took effect.
pub const fn network_fault(nth: u32) -> Anchor {
    Anchor::AfterEvent {
        event: Event::Network,
        node: None,
        nth,
    }
}

/// The first `event` at node number `number`.
pub const fn event_at(event: Event, number: u16) -> Anchor {
    Anchor::AfterEvent {
        event,
        node: Some(node(number)),
        nth: 1,
    }
}

impl Anchor {
    /// Only messages sent by node number `number` (1-based, as written on
    /// screen). Leaves other anchors as they are.
    pub const fn from(self, number: u16) -> Anchor {
        match self {
            Anchor::AfterMessage {
                label,
                nth,
                delivered,
                to,
                ..
            } => Anchor::AfterMessage {
                label,
                nth,
                delivered,
                from: Some(node(number)),
                to,
            },
            other => other,
        }
    }

    /// Only messages sent to node number `number` (1-based).
    pub const fn to(self, number: u16) -> Anchor {
        match self {
            Anchor::AfterMessage {
                label,
                nth,
                delivered,
                from,
                ..
            } => Anchor::AfterMessage {
                label,
                nth,
                delivered,
                from,
                to: Some(node(number)),
            },
            other => other,
        }
    }
}

/// Something the caption claims, checked against the run at the pause
/// point: the nodes as the inspector shows them ([`NodeState`]) and the
/// anomalies the list shows by then (those whose operation was sent at or
/// before the pause).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Expect {
    /// The node's key-value data maps `key` to `value` (`None`: it has no
    /// such key).
    NodeValue {
        node: NodeId,
        #[serde(deserialize_with = "leak_str")]
        key: &'static str,
        value: Option<i64>,
    },
    /// The node's role.
    Role { node: NodeId, role: Role },
    /// The node is up (`true`) or crashed (`false`).
    Up { node: NodeId, up: bool },
    /// One line of the node's inspector — a field or an internal as
    /// "label: value", or "needs review: key" — contains `text`
    /// (`present: false`: none does).
    Shows {
        node: NodeId,
        #[serde(deserialize_with = "leak_str")]
        text: &'static str,
        present: bool,
    },
    /// The rows (by id) in which `node`'s table differs from `than`'s are
    /// exactly `rows` (empty: identical tables).
    TableDiff {
        node: NodeId,
        than: NodeId,
        #[serde(deserialize_with = "leak_strs")]
        rows: &'static [&'static str],
    },
    /// The anomaly list shows at least one of this kind.
    Anomaly(AnomalyKind),
    /// The anomaly list shows none of this kind.
    NoAnomaly(AnomalyKind),
}

/// A node by the number people read (node 1 is `NodeId(0)`).
pub const fn node(number: u16) -> NodeId {
    NodeId(number - 1)
}

/// The `nth` message labelled `label` to be sent.
pub const fn sent(label: &'static str, nth: u32) -> Anchor {
    Anchor::AfterMessage {
        label,
        nth,
        delivered: false,
        from: None,
        to: None,
    }
}

/// The `nth` message labelled `label` to be delivered.
pub const fn delivered(label: &'static str, nth: u32) -> Anchor {
    Anchor::AfterMessage {
        label,
        nth,
        delivered: true,
        from: None,
        to: None,
    }
}

/// Client operation `op` answered.
pub const fn reply(op: u32) -> Anchor {
    Anchor::AfterReply { op }
}

/// The first narration note containing `contains`.
pub const fn note(contains: &'static str) -> Anchor {
    Anchor::AfterNote { contains, nth: 1 }
}

/// The `nth` narration note containing `contains`.
pub const fn nth_note(contains: &'static str, nth: u32) -> Anchor {
    Anchor::AfterNote { contains, nth }
}

/// Node number `number` holds `key` = `value`.
pub const fn holds(number: u16, key: &'static str, value: i64) -> Expect {
    Expect::NodeValue {
        node: node(number),
        key,
        value: Some(value),
    }
}

/// Node number `number` has no `key` at all.
pub const fn lacks(number: u16, key: &'static str) -> Expect {
    Expect::NodeValue {
        node: node(number),
        key,
        value: None,
    }
}

/// Node number `number` has role `role`.
pub const fn role(number: u16, role: Role) -> Expect {
    Expect::Role {
        node: node(number),
        role,
    }
}

/// Node number `number`'s inspector shows `text`.
pub const fn shows(number: u16, text: &'static str) -> Expect {
    Expect::Shows {
        node: node(number),
        text,
        present: true,
    }
}

/// Node number `number`'s inspector does not show `text`.
pub const fn hides(number: u16, text: &'static str) -> Expect {
    Expect::Shows {
        node: node(number),
        text,
        present: false,
    }
}

/// A tour's pause point, found in a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedStep {
    /// The step's index in [`Tour::steps`] (from 0).
    pub step_index: usize,
    pub caption: &'static str,
    /// Where to put the cursor, µs of virtual time.
    pub t_us: u64,
    /// The trace step of the anchored event (`None` for [`Anchor::At`] and
    /// [`Anchor::End`]).
    pub event: Option<usize>,
}

impl ResolvedStep {
    pub fn at(&self) -> Instant {
        Instant(self.t_us)
    }
}

/// Why a tour cannot be played.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TourError {
    pub tour: &'static str,
    /// The failing step's index (from 0); `None` when the tour as a whole
    /// fails.
    pub step: Option<usize>,
    /// The failing step's caption.
    pub caption: Option<&'static str>,
    pub problem: TourProblem,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TourProblem {
    /// The tour names a preset that does not exist.
    UnknownPreset(&'static str),
    /// The preset's scenario did not run.
    Scenario(String),
    NoSteps,
    /// The anchor's event never happens in the run; says what was looked
    /// for and what the run has instead.
    AnchorNotFound(String),
    /// The pause point is after the run's end.
    PastEnd {
        t_us: u64,
        end_us: u64,
    },
    /// The pause point is not later than the previous step's.
    NotAfterPrevious {
        t_us: u64,
        previous_us: u64,
    },
    /// The caption's claim is not true of the run at the pause point.
    Expectation(String),
}

impl fmt::Display for TourProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TourProblem::UnknownPreset(id) => write!(f, "there is no preset \"{id}\""),
            TourProblem::Scenario(e) => write!(f, "the preset does not run: {e}"),
            TourProblem::NoSteps => f.write_str("the tour has no steps"),
            TourProblem::AnchorNotFound(what) => f.write_str(what),
            TourProblem::PastEnd { t_us, end_us } => write!(
                f,
                "the pause point {} is after the run ends at {}",
                Instant(*t_us),
                Instant(*end_us)
            ),
            TourProblem::NotAfterPrevious { t_us, previous_us } => write!(
                f,
                "the pause point {} is not later than the previous step's ({})",
                Instant(*t_us),
                Instant(*previous_us)
            ),
            TourProblem::Expectation(what) => f.write_str(what),
        }
    }
}

impl fmt::Display for TourError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "tour \"{}\"", self.tour)?;
        if let Some(i) = self.step {
            write!(f, ", step {}", i + 1)?;
        }
        if let Some(caption) = self.caption {
            write!(f, " (\"{}\")", excerpt(caption))?;
        }
        write!(f, ": {}", self.problem)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for TourError {}

/// The first few words of a caption, for error messages.
fn excerpt(caption: &str) -> String {
    const WORDS: usize = 8;
    let words: Vec<&str> = caption.split_whitespace().collect();
    if words.len() <= WORDS {
        return words.join(" ");
    }
    format!("{}…", words[..WORDS].join(" "))
}

/// Every tour, grouped by section in the article's order.
pub fn all() -> &'static [&'static Tour] {
    TOURS.get_or_init(|| {
        let tours: &'static [Tour] = content::load(FILES, &mut Vec::new()).leak();
        Box::new(tours.iter().collect())
    })
}

/// The tour with this id.
pub fn find(id: &str) -> Option<&'static Tour> {
    all().iter().copied().find(|t| t.id == id)
}

/// Every tour id, for error messages.
pub fn ids() -> Vec<&'static str> {
    all().iter().map(|t| t.id).collect()
}

/// The tours of each section, sections in the article's order (a section
/// without tours is left out).
pub fn by_section() -> Vec<(Section, Vec<&'static Tour>)> {
    Section::ALL
        .iter()
        .map(|&s| {
            (
                s,
                all().iter().copied().filter(|t| t.section == s).collect(),
            )
        })
        .filter(|(_, tours): &(Section, Vec<&'static Tour>)| !tours.is_empty())
        .collect()
}

/// The tour files, one per section, in the article's order.
const FILES: &[content::File] = &[
    (
        "tours/single-leader.json",
        include_str!(concat!(env!("OUT_DIR"), "/tours/single-leader.json")),
    ),
    (
        "tours/multi-leader.json",
        include_str!(concat!(env!("OUT_DIR"), "/tours/multi-leader.json")),
    ),
    (
        "tours/leaderless.json",
        include_str!(concat!(env!("OUT_DIR"), "/tours/leaderless.json")),
    ),
    (
        "tours/comparison.json",
        include_str!(concat!(env!("OUT_DIR"), "/tours/comparison.json")),
    ),
];

static TOURS: OnceBox<Vec<&'static Tour>> = OnceBox::new();

/// The tour files compiled in, by path under `content/`.
pub fn files() -> Vec<&'static str> {
    FILES.iter().map(|(path, _)| *path).collect()
}

/// What is wrong with the tour files (nothing, the tests require): each
/// file that does not parse, with the error. Tours that parse but do not
/// play are [`check`]ed by the tests instead.
pub fn problems() -> Vec<String> {
    let mut problems = Vec::new();
    content::load::<Tour>(FILES, &mut problems);
    problems
}

/// Runs the tour's preset and finds its pause points.
pub fn start(tour: &'static Tour) -> Result<(Box<dyn Run>, Vec<ResolvedStep>), TourError> {
    let whole = |problem| TourError {
        tour: tour.id,
        step: None,
        caption: None,
        problem,
    };
    let preset = tour
        .preset()
        .ok_or_else(|| whole(TourProblem::UnknownPreset(tour.preset)))?;
    let run =
        run::start(&preset.scenario()).map_err(|e| whole(TourProblem::Scenario(e.to_string())))?;
    let steps = resolve(tour, &*run)?;
    Ok((run, steps))
}

/// Finds every step's pause point in `run` (a run of the tour's preset).
/// Fails, naming the step, when an anchor's event never happens, lies past
/// the end of the run, or is not later than the previous step's.
pub fn resolve(tour: &'static Tour, run: &dyn Run) -> Result<Vec<ResolvedStep>, TourError> {
    if tour.steps.is_empty() {
        return Err(TourError {
            tour: tour.id,
            step: None,
            caption: None,
            problem: TourProblem::NoSteps,
        });
    }
    let end = run.scenario().until().0;
    let mut resolved: Vec<ResolvedStep> = Vec::with_capacity(tour.steps.len());
    for (i, step) in tour.steps.iter().enumerate() {
        let fail = |problem| TourError {
            tour: tour.id,
            step: Some(i),
            caption: Some(step.caption),
            problem,
        };
        let (t_us, event) = find_anchor(&step.at, run).map_err(&fail)?;
        if t_us > end {
            return Err(fail(TourProblem::PastEnd { t_us, end_us: end }));
        }
        if let Some(previous) = resolved.last() {
            if t_us <= previous.t_us {
                return Err(fail(TourProblem::NotAfterPrevious {
                    t_us,
                    previous_us: previous.t_us,
                }));
            }
        }
        resolved.push(ResolvedStep {
            step_index: i,
            caption: step.caption,
            t_us,
            event,
        });
    }
    Ok(resolved)
}

/// Resolves the tour and checks every expectation against the run at its
/// pause point.
pub fn verify(tour: &'static Tour, run: &dyn Run) -> Result<Vec<ResolvedStep>, TourError> {
    let resolved = resolve(tour, run)?;
    check(tour, run, &resolved)?;
    Ok(resolved)
}

/// Checks each resolved step's expectations against the nodes and the
/// anomaly list at its pause point.
pub fn check(
    tour: &'static Tour,
    run: &dyn Run,
    resolved: &[ResolvedStep],
) -> Result<(), TourError> {
    for r in resolved {
        let Some(step) = tour.steps.get(r.step_index) else {
            continue;
        };
        if step.expect.is_empty() {
            continue;
        }
        let snapshot = run.snapshot_at(r.at());
        // What the anomaly list shows at the stop: what the checkers find
        // in the run up to it.
        let shown: Vec<AnomalyKind> = run.anomalies_at(r.at()).iter().map(|a| a.kind).collect();
        for e in step.expect {
            expectation(e, &snapshot, &shown).map_err(|m| TourError {
                tour: tour.id,
                step: Some(r.step_index),
                caption: Some(step.caption),
                problem: TourProblem::Expectation(format!("at {}: {m}", r.at())),
            })?;
        }
    }
    Ok(())
}

/// A resolved step's time, as the CLI and the page print it ("12.5 ms").
pub fn time_text(step: &ResolvedStep) -> String {
    format!("{}", Duration(step.t_us))
}
