//! A node's state as the inspector, the CLI summary and the tours see
//! it: typed where anything compares it (role, log position, epoch,
//! anti-entropy counts), text where only people read it.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use serde::{Deserialize, Serialize};

use super::NodeId;

/// What a node is doing in its cluster, as the views name it.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Takes writes and streams them to followers.
    Leader,
    /// Applies what a leader sends.
    Follower,
    /// A leaderless node: stores its share of the ring and coordinates
    /// any request.
    #[default]
    Replica,
    /// Synthetic traffic's node: no replication role.
    Peer,
    /// A node an operator has not added to the cluster yet.
    #[serde(rename = "not joined")]
    NotJoined,
    /// A new follower receiving a snapshot.
    #[serde(rename = "copying snapshot")]
    CopyingSnapshot,
    /// A new follower replaying the log after its snapshot.
    #[serde(rename = "catching up")]
    CatchingUp,
    /// Asking for votes to lead a new term (consensus).
    Candidate,
    /// Asking whether it could win, before raising its term (pre-vote).
    #[serde(rename = "pre-candidate")]
    PreCandidate,
    /// Receives the log but does not vote, until it has caught up.
    Learner,
    /// Chain replication: the first server, where writes enter.
    Head,
    /// Chain replication: a server between the head and the tail.
    Middle,
    /// Chain replication: the last server, which commits writes and
    /// answers reads.
    Tail,
    /// Chain replication: the configuration master, outside the chain.
    Master,
}

impl Role {
    /// The words the views print: "leader", "catching up".
    pub fn name(self) -> &'static str {
        match self {
            Role::Leader => "leader",
            Role::Follower => "follower",
            Role::Replica => "replica",
            Role::Peer => "peer",
            Role::NotJoined => "not joined",
            Role::CopyingSnapshot => "copying snapshot",
            Role::CatchingUp => "catching up",
            Role::Candidate => "candidate",
            Role::PreCandidate => "pre-candidate",
            Role::Learner => "learner",
            Role::Head => "head",
            Role::Middle => "middle",
            Role::Tail => "tail",
            Role::Master => "master",
        }
    }

    /// One word for a CSS class: "leader", "catching-up".
    pub fn class(self) -> &'static str {
        match self {
            Role::NotJoined => "not-joined",
            Role::CopyingSnapshot => "copying-snapshot",
            Role::CatchingUp => "catching-up",
            other => other.name(),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An anti-entropy process's work so far: Merkle tree hashes sent to
/// peers, and keys copied because they differed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncCounts {
    pub hashes_exchanged: u32,
    pub keys_synced: u32,
}

impl fmt::Display for SyncCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} hashes exchanged, {} keys synced",
            self.hashes_exchanged, self.keys_synced
        )
    }
}

/// A node's state as the inspector and the CLI summary show it. The
/// typed fields are what views and tests compare; `fields` and
/// `internals` are text for people.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeView {
    pub role: Role,
    /// For protocols with one log: the position of the node's last
    /// flushed entry (a single-leader node's LSN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_position: Option<u64>,
    /// For protocols that number leaderships: the node's epoch (term).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epoch: Option<u32>,
    /// For protocols with anti-entropy: its work so far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anti_entropy: Option<SyncCounts>,
    /// Named figures in display order ("LSN" → "7").
    pub fields: Vec<(String, String)>,
    /// The node's current key → value data.
    pub data: BTreeMap<String, i64>,
    /// The node's SQL table, for protocols that keep one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<TableView>,
    /// Internal bookkeeping behind the values: a key's version vector, a
    /// CRDT's per-replica counters, tags, tombstones, a sibling's write,
    /// a hint kept for another node.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub internals: Vec<Internal>,
    /// Keys holding conflicting versions that a person must choose
    /// between (the "flag for review" resolver).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub review: Vec<ReviewItem>,
    /// Merkle trees this node keeps for anti-entropy, one per peer it
    /// compares with.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trees: Vec<TreeView>,
    /// For consensus protocols: the log by term, the commit index, the
    /// vote, and (on a leader) each server's progress.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consensus: Option<LogView>,
    /// For chain replication: the chain as this node knows it and how far
    /// its own copy reaches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain: Option<ChainView>,
}

/// A consensus log as the views draw it: cells coloured by term, the
/// commit and apply positions, and the server's vote and leader.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogView {
    /// Positions up to `base` are compacted into a snapshot.
    pub base: u64,
    pub base_term: u32,
    pub entries: Vec<LogCell>,
    pub commit: u64,
    pub applied: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voted_for: Option<NodeId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leader: Option<NodeId>,
    /// A leader's view of each other server: the next position it will
    /// send and the last one known to match.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub progress: Vec<Progress>,
    /// Does this server vote?
    pub voter: bool,
    /// The longest an election timer runs, and a heartbeat interval, in
    /// µs: what a timer ring is measured against.
    pub election_max_us: u64,
    pub heartbeat_us: u64,
}

/// One log entry: its term and a few words on what it does.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogCell {
    pub term: u32,
    pub text: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub node: NodeId,
    pub next: u64,
    pub matched: u64,
}

/// A node's knowledge of its chain (chain replication): the servers in
/// order, head first, under configuration `epoch` of the [`NodeView`];
/// the writes it holds (`received`, numbered 1..=received) and how many of
/// them it knows are committed (`committed`; the rest are dirty).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainView {
    pub order: Vec<NodeId>,
    pub received: u64,
    pub committed: u64,
}

/// A Merkle tree as the views draw it: level by level from the root, with
/// what the latest exchange with `peer` found at each node.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreeView {
    pub peer: NodeId,
    pub levels: Vec<Vec<TreeNodeView>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreeNodeView {
    /// Key positions `[lo, hi)` under this node.
    pub range: (u64, u64),
    /// Six hex digits of the hash.
    pub hash: String,
    pub keys: usize,
    /// In the latest exchange: equal, different, or never compared.
    pub compared: Option<bool>,
}

/// A key flagged for review, with the versions to choose from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewItem {
    pub key: String,
    pub choices: Vec<ReviewChoice>,
}

/// One version of a flagged key.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewChoice {
    /// The number to write back to keep this version (none: not a number).
    pub value: Option<i64>,
    pub text: String,
    /// The write it came from: "write #1 (price = 100 at node 1)".
    pub from: String,
}

/// A table as text: column names, and each row's values in column order
/// (the primary key `id` first), rows in primary-key order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableView {
    pub name: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// One line of a node's bookkeeping, typed so that a view can group a
/// key's lines without reading the text. In JSON it is the pair
/// `[label, value]` people read ("likes · node 3", "+3 −0").
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Internal {
    /// The key the line is about; empty for the node's own bookkeeping
    /// (a hint it keeps for another node).
    pub key: String,
    /// For a line about one of several versions kept side by side (a
    /// sibling), that version's value as text.
    pub sibling: Option<String>,
    /// Which part of the key's state: "version vector", "node 3",
    /// "write #6", "hint for node 2".
    pub part: String,
    pub value: String,
}

impl Internal {
    /// A line about `part` of `key`.
    pub fn of_key(key: &str, part: &str, value: String) -> Internal {
        Internal {
            key: String::from(key),
            sibling: None,
            part: String::from(part),
            value,
        }
    }

    /// The label as people read it: "likes · node 3", "x = {900} · write
    /// #6", "hint for node 3".
    pub fn label(&self) -> String {
        match (&self.sibling, self.key.is_empty()) {
            (_, true) => self.part.clone(),
            (Some(v), false) => alloc::format!("{} = {v} · {}", self.key, self.part),
            (None, false) => alloc::format!("{} · {}", self.key, self.part),
        }
    }
}

impl Serialize for Internal {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (self.label(), &self.value).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Internal {
    /// From the `[label, value]` pair: the label is kept whole, as the
    /// part of no key (JSON is for people and other tools, not read
    /// back into views).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (part, value) = <(String, String)>::deserialize(d)?;
        Ok(Internal {
            part,
            value,
            ..Internal::default()
        })
    }
}
