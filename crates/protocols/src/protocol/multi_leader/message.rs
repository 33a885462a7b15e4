//! What travels between nodes: a replicated write between leaders (with
//! the path it has taken, so a leader can drop writes that come back to
//! it), the acknowledgement that moves a peer's stream position, and the
//! copies a leader sends the followers in its own datacenter.

use alloc::format;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use super::cell::{Cell, Stamp, Value, Writer};
use super::crdt_value::CrdtValue;
use crate::node::{Message, NodeId, OpId};
use crate::vv::{Dot, VersionVector};

/// One client write as it travels between leaders.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Update {
    /// `(origin leader, its write counter)`: unique.
    pub dot: Dot,
    pub op: OpId,
    pub key: String,
    pub change: Change,
    /// The key's version vector at the origin after the write.
    pub vv: VersionVector,
    /// Every write the origin had applied before this one (any key):
    /// what causal delivery waits for.
    pub deps: VersionVector,
    pub stamp: Stamp,
    /// "price = 100".
    pub what: String,
    /// Leaders it has passed through, origin first.
    pub path: Vec<NodeId>,
}

impl Update {
    pub fn writer(&self) -> Writer {
        Writer {
            op: self.op,
            dot: self.dot,
            what: self.what.clone(),
            stamp: self.stamp,
        }
    }
}

/// The row event a write becomes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// The key did not exist at the origin.
    Insert(Value),
    /// The key existed at the origin; its new value (an after-image, as
    /// row-based replication ships it).
    Update(Value),
    /// A CRDT's whole state after the write, to be merged.
    State(CrdtValue),
}

#[derive(Clone, Debug)]
pub enum Msg {
    /// Leader → leader: entry `index` of the sender's log; entries from
    /// `from_index` up to it held nothing for this peer.
    Replicate {
        from_index: u64,
        index: u64,
        update: Rc<Update>,
    },
    /// The receiver has handled the sender's log up to `next` (exclusive).
    Ack { next: u64 },
    /// Leader → follower in its datacenter: a key's new copy, the
    /// `seq`-th the leader has sent.
    Copy {
        seq: u64,
        key: String,
        cell: Rc<Cell>,
    },
    /// Follower → leader: copies up to `seq` are applied.
    CopyAck { seq: u64 },
    /// A follower that missed copies asks its leader for everything.
    CatchUp,
    /// The leader's whole store, as of copy `seq`.
    Snapshot {
        seq: u64,
        cells: Rc<Vec<(String, Cell)>>,
    },
}

impl Message for Msg {
    fn label(&self) -> &'static str {
        match self {
            Msg::Replicate { .. } => "replicate",
            Msg::Ack { .. } => "ack",
            Msg::Copy { .. } => "copy",
            Msg::CopyAck { .. } => "copy ack",
            Msg::CatchUp => "catch up",
            Msg::Snapshot { .. } => "snapshot",
        }
    }

    fn describe(&self, out: &mut String) {
        match self {
            Msg::Replicate { index, update, .. } => {
                let u = update;
                out.push_str(&format!(
                    "log entry {index}: write #{} {} from {} (dot {}), stamp {}, key version {}",
                    u.op.0,
                    match &u.change {
                        Change::Insert(v) => format!("insert {} = {}", u.key, v.text()),
                        Change::Update(v) => format!("update {} = {}", u.key, v.text()),
                        Change::State(c) => format!("{} state [{}]", u.key, c.internals_line()),
                    },
                    u.dot.node,
                    u.dot,
                    u.stamp.text(),
                    u.vv,
                ));
                out.push_str(", path ");
                for (i, n) in u.path.iter().enumerate() {
                    if i > 0 {
                        out.push_str(" → ");
                    }
                    out.push_str(&format!("{}", n.0 + 1));
                }
            }
            Msg::Ack { next } => out.push_str(&format!("handled log entries below {next}")),
            Msg::Copy { seq, key, cell } => out.push_str(&format!(
                "copy {seq}: {key} = {} (version {})",
                cell.value.text(),
                cell.vv
            )),
            Msg::CopyAck { seq } => out.push_str(&format!("applied copies up to {seq}")),
            Msg::CatchUp => out.push_str("send me every key"),
            Msg::Snapshot { seq, cells } => {
                out.push_str(&format!("{} keys, as of copy {seq}", cells.len()))
            }
        }
    }
}
