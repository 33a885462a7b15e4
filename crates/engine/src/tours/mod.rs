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

mod catalogue;
mod claims;
mod error;
mod find;
mod play;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

pub use catalogue::{all, by_section, files, find, ids, problems};
pub use claims::inspector_lines;
pub use error::{TourError, TourProblem};
pub use play::{check, resolve, start, time_text, verify, ResolvedStep};

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::check::AnomalyKind;
use crate::content::{leak_slice, leak_str, leak_strs};
use crate::node::{NodeId, OpId, Role};
use crate::presets::{self, Preset};
use crate::run::{NodeState, Run, Snapshot};
use crate::table_diff::diff_tables;
use crate::trace::StepKind;
use serde::{Deserialize, Serialize};

pub use crate::section::Section;

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
    /// The `nth` (from 1) problem of kind `kind` a node reported about its
    /// own state (matching `node`, when given): a conflict found, a write
    /// last-write-wins discarded, a replica that diverged. Typed, like
    /// [`Anchor::AfterEvent`].
    AfterFinding {
        kind: AnomalyKind,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        node: Option<NodeId>,
        nth: u32,
    },
    /// The `nth` (from 1) narration note containing `contains`. Only for
    /// what a protocol alone reports and nothing typed marks (a merge, a
    /// repair, an election); faults and operator actions use
    /// [`Anchor::AfterEvent`], problems a node reports
    /// [`Anchor::AfterFinding`].
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
