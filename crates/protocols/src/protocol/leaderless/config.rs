//! The knobs of leaderless (Dynamo-style) replication: how many nodes sit
//! on the hash ring, how many replicas each key has (n), how many must
//! acknowledge a write (w) or answer a read (r), and which repair
//! mechanisms run — read repair, hinted handoff after a sloppy quorum,
//! Merkle-tree anti-entropy.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::node::NodeId;
use crate::scenario_parts::Validator;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeaderlessConfig {
    /// Nodes on the ring, 3 to 12.
    pub nodes: u16,
    /// Replicas per key (its preference list).
    pub n: u8,
    /// Acknowledgements a write waits for.
    pub w: u8,
    /// Replies a read waits for.
    pub r: u8,
    /// When a read's replies disagree, the coordinator writes the newest
    /// version back to the replicas that were behind.
    #[serde(default = "yes")]
    pub read_repair: bool,
    /// Read repair before the answer: the coordinator writes the newest
    /// version back until w replicas hold it, then answers (Cassandra's
    /// blocking read repair; with w + r > n, quorum reads become
    /// linearizable).
    #[serde(default, skip_serializing_if = "is_false")]
    pub blocking_read_repair: bool,
    /// When a home replica does not answer, write to the next node on the
    /// ring instead, with a hint naming the node it is meant for.
    #[serde(default)]
    pub sloppy_quorum: bool,
    /// How long a coordinator waits for one replica before it counts it
    /// as unreachable (and, with a sloppy quorum, tries the next node).
    #[serde(default = "default_replica_timeout_ms")]
    pub replica_timeout_ms: f64,
    /// How long a client request may take before it fails.
    #[serde(default = "default_request_timeout_ms")]
    pub request_timeout_ms: f64,
    /// How often a node holding hints tries to hand them over.
    #[serde(default = "default_hint_retry_ms")]
    pub hint_retry_ms: f64,
    /// Background Merkle-tree comparison between ring neighbours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anti_entropy: Option<AntiEntropy>,
    /// A key's first replica (node number), for presets and teaching;
    /// other keys are placed by a stable hash.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub pins: BTreeMap<String, u16>,
}

/// Anti-entropy settings.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AntiEntropy {
    /// Each node compares trees with its ring successor this often.
    pub interval_ms: f64,
    /// Levels of the Merkle tree below the root (leaves = 2^depth).
    #[serde(default = "default_depth")]
    pub depth: u8,
    /// The key positions the tree covers, `[lo, hi)`: numeric keys sit at
    /// their number ("1500"), others are hashed into the range. Default:
    /// the whole 32-bit space.
    #[serde(default = "default_key_range")]
    pub key_range: (u64, u64),
}

fn default_key_range() -> (u64, u64) {
    crate::merkle::FULL_RANGE
}

fn yes() -> bool {
    true
}

fn is_false(b: &bool) -> bool {
    !*b
}
fn default_replica_timeout_ms() -> f64 {
    100.0
}
fn default_request_timeout_ms() -> f64 {
    500.0
}
fn default_hint_retry_ms() -> f64 {
    500.0
}
pub(super) fn default_depth() -> u8 {
    3
}

impl Default for LeaderlessConfig {
    fn default() -> Self {
        LeaderlessConfig {
            nodes: 5,
            n: 3,
            w: 2,
            r: 2,
            read_repair: true,
            blocking_read_repair: false,
            sloppy_quorum: false,
            replica_timeout_ms: default_replica_timeout_ms(),
            request_timeout_ms: default_request_timeout_ms(),
            hint_retry_ms: default_hint_retry_ms(),
            anti_entropy: None,
            pins: BTreeMap::new(),
        }
    }
}

/// Most nodes a scenario's ring may have (validated).
pub const MAX_NODES: u16 = 12;

/// Most nodes a ring ever runs, valid scenario or not: the staleness lab's
/// protocol trials need up to 16 replicas plus two coordinators that hold
/// no copy, more than a scenario offers (its views are laid out for 12).
pub const MAX_RING_NODES: u16 = crate::quorum::LAB_MAX_N as u16 + 2;

/// Ring positions are 32-bit; node `i` of `k` owns the token `i · 2³² / k`.
const RING: u64 = 1 << 32;

impl LeaderlessConfig {
    pub fn node_count(&self) -> u16 {
        self.nodes.clamp(1, MAX_RING_NODES)
    }

    /// Replicas per key, never more than there are nodes.
    pub fn replicas(&self) -> usize {
        usize::from(self.n).clamp(1, usize::from(self.node_count()))
    }

    /// A node's token on the ring.
    pub fn token(&self, node: NodeId) -> u32 {
        (u64::from(node.0) * RING / u64::from(self.node_count())) as u32
    }

    /// Where `key` sits on the ring.
    pub fn position(&self, key: &str) -> u32 {
        match self.pins.get(key) {
            Some(&node) => self.token(NodeId(node.clamp(1, self.node_count()) - 1)),
            None => fnv32(key),
        }
    }

    /// Every node in ring order starting with `key`'s first replica: the
    /// first n are its preference list, the rest stand in for them under
    /// a sloppy quorum.
    pub fn ring_from(&self, key: &str) -> Vec<NodeId> {
        let k = self.node_count();
        let pos = u64::from(self.position(key));
        // The first node whose token is at or after the key, clockwise.
        let first = (0..k)
            .find(|&i| u64::from(self.token(NodeId(i))) >= pos)
            .unwrap_or(0);
        (0..k).map(|i| NodeId((first + i) % k)).collect()
    }

    /// The n replicas of `key`.
    pub fn preference_list(&self, key: &str) -> Vec<NodeId> {
        let mut all = self.ring_from(key);
        all.truncate(self.replicas());
        all
    }

    pub fn validate(&self, v: &mut Validator) {
        v.count_in("protocol.nodes", u32::from(self.nodes), 3, MAX_NODES.into());
        let nodes = u32::from(self.nodes.clamp(3, MAX_NODES));
        // Up to 9 replicas per key, as the quorum calculator offers.
        v.count_in(
            "protocol.n",
            u32::from(self.n),
            1,
            nodes.min(u32::from(crate::quorum::MAX_N)),
        );
        let n = u32::from(self.n).clamp(1, nodes);
        v.count_in("protocol.w", u32::from(self.w), 1, n);
        v.count_in("protocol.r", u32::from(self.r), 1, n);
        for (field, ms) in [
            ("protocol.replica_timeout_ms", self.replica_timeout_ms),
            ("protocol.request_timeout_ms", self.request_timeout_ms),
            ("protocol.hint_retry_ms", self.hint_retry_ms),
        ] {
            v.finite_in(field, ms, 1.0, 600_000.0, "between 1 and 600000 ms");
        }
        if let Some(ae) = &self.anti_entropy {
            v.finite_in(
                "protocol.anti_entropy.interval_ms",
                ae.interval_ms,
                10.0,
                600_000.0,
                "between 10 and 600000 ms",
            );
            v.count_in("protocol.anti_entropy.depth", u32::from(ae.depth), 0, 8);
            if let Err(e) = crate::merkle::MerkleTree::try_build(
                core::iter::empty(),
                ae.key_range,
                ae.depth.min(8),
            ) {
                v.push("protocol.anti_entropy.key_range", format!("{e}"));
            }
        }
        for (key, &node) in &self.pins {
            if node == 0 || node > self.nodes {
                v.push(
                    &format!("protocol.pins.{key}"),
                    format!(
                        "node {node} does not exist: the ring has nodes 1 to {}",
                        self.nodes
                    ),
                );
            }
        }
    }
}

/// FNV-1a folded to 32 bits: the same position on every target.
fn fnv32(key: &str) -> u32 {
    let h = key.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    (h ^ (h >> 32)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preference_lists_walk_the_ring_clockwise() {
        let mut c = LeaderlessConfig {
            nodes: 5,
            ..Default::default()
        };
        c.pins.insert("x".into(), 4);
        assert_eq!(c.preference_list("x"), [NodeId(3), NodeId(4), NodeId(0)]);
        assert_eq!(c.ring_from("x")[3..], [NodeId(1), NodeId(2)]);
        // Unpinned keys land somewhere, always the same place.
        assert_eq!(c.preference_list("cart"), c.preference_list("cart"));
        assert_eq!(c.preference_list("cart").len(), 3);
    }

    #[test]
    fn quorum_settings_are_checked_against_n() {
        let c = LeaderlessConfig {
            nodes: 3,
            n: 3,
            w: 4,
            r: 0,
            ..Default::default()
        };
        let mut v = Validator::default();
        c.validate(&mut v);
        let problems = v.problems();
        assert!(
            problems.iter().any(|p| p.field == "protocol.w"),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.field == "protocol.r"),
            "{problems:?}"
        );
    }
}
