//! What travels between leaderless nodes: a coordinator's write to a
//! replica (possibly a stand-in holding it for another node, with a
//! hint), its acknowledgement, a read's request and reply, a read-repair
//! write-back, a hinted handoff, and the anti-entropy exchange.

use alloc::format;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use crate::latency::Leg;
use crate::node::{values_text, Message, NodeId, OpId};
use crate::vv::Siblings;

/// One written version's values (one number, or a set such as a cart's
/// items) and the client operation that wrote it (so a replica can tell
/// which acknowledged writes it holds).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    pub values: Vec<i64>,
    pub op: OpId,
}

impl Stored {
    /// `{1, 2}`.
    pub fn text(&self) -> String {
        values_text(&self.values)
    }
}

/// What a read of these versions returns: the union of every sibling's
/// values (a client merging a cart's siblings), in ascending order.
pub fn union(v: &Siblings<Stored>) -> Vec<i64> {
    let mut all: Vec<i64> = v
        .iter()
        .flat_map(|s| s.value.values.iter().copied())
        .collect();
    crate::sorting::sort(&mut all);
    all.dedup();
    all
}

/// A key's siblings as they travel.
pub type Versions = Rc<Siblings<Stored>>;

#[derive(Clone, Debug)]
pub enum Msg {
    /// Coordinator → replica: merge these versions of `key`. `hint_for`
    /// names the home replica a stand-in keeps them for.
    Store {
        req: u32,
        key: String,
        versions: Versions,
        hint_for: Option<NodeId>,
    },
    StoreAck {
        req: u32,
    },
    /// Coordinator → replica: send me your versions of `key`.
    Fetch {
        req: u32,
        key: String,
    },
    FetchReply {
        req: u32,
        key: String,
        versions: Versions,
    },
    /// Coordinator → a replica that answered with older data: the newest
    /// versions, merged.
    Repair {
        key: String,
        versions: Versions,
    },
    /// Coordinator → a replica that answered with older data, when read
    /// repair blocks: the newest versions, to acknowledge before the read
    /// is answered.
    BlockingRepair {
        req: u32,
        key: String,
        versions: Versions,
    },
    /// Replica → coordinator: it holds the versions with this context.
    RepairAck {
        req: u32,
        context: crate::vv::VersionVector,
    },
    /// Stand-in → home replica, once it answers again: the write it held.
    Handoff {
        key: String,
        versions: Versions,
    },
    /// Home replica → stand-in: these versions (by dot) arrived.
    HandoffAck {
        key: String,
        dots: Rc<Vec<crate::vv::Dot>>,
    },
    /// Anti-entropy: the sender's Merkle hashes for these tree nodes
    /// (level, index, hash).
    TreeHashes {
        round: u32,
        level: u8,
        hashes: Rc<Vec<(usize, u64)>>,
    },
    /// Anti-entropy: the nodes (at `level`) whose hashes differ.
    TreeDiff {
        round: u32,
        level: u8,
        differing: Rc<Vec<usize>>,
    },
    /// Anti-entropy: every key in the differing leaf ranges, both ways.
    RangeSync {
        round: u32,
        leaves: Rc<Vec<usize>>,
        entries: Rc<Vec<(String, Siblings<Stored>)>>,
        reply: bool,
    },
}

/// `{900} at [3, 2, 2]`: the values and the version vector they make up,
/// dense for a cluster of `width` nodes (0: sparse, when the width is not
/// known).
pub fn versions_text(v: &Siblings<Stored>, width: usize) -> String {
    let siblings: Vec<String> = v.values().into_iter().map(Stored::text).collect();
    let values = if siblings.is_empty() {
        String::from("nothing")
    } else {
        siblings.join(" | ")
    };
    if width == 0 {
        format!("{values} at {}", v.context())
    } else {
        format!("{values} at {}", v.context().display_for(width))
    }
}

impl Message for Msg {
    fn leg(&self) -> Option<Leg> {
        match self {
            Msg::Store { .. } => Some(Leg::Write),
            Msg::StoreAck { .. } => Some(Leg::Ack),
            Msg::Fetch { .. } => Some(Leg::Read),
            Msg::FetchReply { .. } => Some(Leg::Response),
            _ => None,
        }
    }

    fn label(&self) -> &'static str {
        match self {
            Msg::Store { hint_for: None, .. } => "write",
            Msg::Store { .. } => "hinted write",
            Msg::StoreAck { .. } => "ack",
            Msg::Fetch { .. } => "read",
            Msg::FetchReply { .. } => "reply",
            Msg::Repair { .. } | Msg::BlockingRepair { .. } => "read repair",
            Msg::RepairAck { .. } => "repair ack",
            Msg::Handoff { .. } => "handoff",
            Msg::HandoffAck { .. } => "handoff ack",
            Msg::TreeHashes { .. } => "merkle hashes",
            Msg::TreeDiff { .. } => "merkle diff",
            Msg::RangeSync { .. } => "range sync",
        }
    }

    fn describe(&self, out: &mut String) {
        let text = match self {
            Msg::Store {
                key,
                versions,
                hint_for,
                ..
            } => match hint_for {
                Some(h) => format!(
                    "{key} = {} — hint: meant for {h}",
                    versions_text(versions, 0)
                ),
                None => format!("{key} = {}", versions_text(versions, 0)),
            },
            Msg::StoreAck { req } => format!("stored (request {req})"),
            Msg::Fetch { key, .. } => format!("send {key}"),
            Msg::FetchReply { key, versions, .. }
            | Msg::Repair { key, versions }
            | Msg::Handoff { key, versions } => {
                format!("{key} = {}", versions_text(versions, 0))
            }
            Msg::BlockingRepair { key, versions, .. } => {
                format!(
                    "{key} = {} — acknowledge before the read is answered",
                    versions_text(versions, 0)
                )
            }
            Msg::RepairAck { context, .. } => format!("has {context}"),
            Msg::HandoffAck { key, .. } => format!("{key} handed over; hint dropped"),
            Msg::TreeHashes { level, hashes, .. } => {
                format!("{} hash(es) at level {level}", hashes.len())
            }
            Msg::TreeDiff {
                level, differing, ..
            } => format!("{} node(s) differ at level {level}", differing.len()),
            Msg::RangeSync { entries, .. } => format!("{} key(s)", entries.len()),
        };
        out.push_str(&text);
    }
}
