//! Two replicas comparing their trees top-down, and the keys they then
//! send each other: the exchange as data, step by step.

use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use super::{MerkleError, MerkleTree};

/// One node pair compared during the exchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub level: u8,
    pub index: usize,
    pub equal: bool,
}

/// The outcome of comparing two replicas' trees top-down.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    /// Node pairs in exchange order: the root, then, level by level and left
    /// to right, both children of every node that differed.
    pub steps: Vec<Step>,
    /// Leaves whose hashes differ, ascending: the ranges to sync.
    pub differing_leaves: Vec<usize>,
    /// Hashes sent over the network: one per step (one side sends its hash
    /// for a node, the other answers equal or not). Compare with
    /// [`node_count`] for exchanging the whole tree.
    ///
    /// [`node_count`]: super::node_count
    pub hashes_exchanged: usize,
}

impl Comparison {
    /// Equal roots: the replicas already agree on the whole range.
    pub fn in_sync(&self) -> bool {
        self.differing_leaves.is_empty()
    }

    /// How node `(level, index)` fared: `None` when it was never compared
    /// because an ancestor already matched (the UI greys those out).
    pub fn step_at(&self, level: u8, index: usize) -> Option<&Step> {
        self.steps
            .iter()
            .find(|s| s.level == level && s.index == index)
    }
}

/// Compares two replicas' trees the way the exchange would: root first,
/// then only below nodes whose hashes differ. Trees of different depth or
/// range do not correspond node for node and are refused.
pub fn compare(a: &MerkleTree, b: &MerkleTree) -> Result<Comparison, MerkleError> {
    if a.depth != b.depth {
        return Err(MerkleError::DepthMismatch {
            a: a.depth,
            b: b.depth,
        });
    }
    if a.range != b.range {
        return Err(MerkleError::RangeMismatch {
            a: a.range,
            b: b.range,
        });
    }
    let mut out = Comparison::default();
    let mut frontier = vec![0usize];
    for level in 0..=a.depth {
        let mut next = Vec::new();
        for &index in &frontier {
            let equal = a.node(level, index) == b.node(level, index);
            out.steps.push(Step {
                level,
                index,
                equal,
            });
            if equal {
                continue;
            }
            if level == a.depth {
                out.differing_leaves.push(index);
            } else {
                next.extend([2 * index, 2 * index + 1]);
            }
        }
        frontier = next;
    }
    out.hashes_exchanged = out.steps.len();
    Ok(out)
}

/// One key in a differing leaf, with each replica's digest (`None`: that
/// replica lacks the key).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncKey {
    pub key: String,
    pub position: u64,
    pub leaf: usize,
    pub a: Option<u64>,
    pub b: Option<u64>,
}

impl SyncKey {
    /// Both replicas hold the same digest: the key travels only because it
    /// shares a leaf with a real difference (the cost of coarse leaves).
    pub fn in_sync(&self) -> bool {
        self.a == self.b
    }
}

/// Every key either replica holds in `leaves` (normally
/// [`Comparison::differing_leaves`]) of `tree`'s layout: what the replicas
/// send each other after the comparison. In tree order (position, then
/// key). Keys are expected unique per replica; a repeat keeps its largest
/// digest, as [`MerkleTree::build`] does.
pub fn keys_to_sync<'a, 'b>(
    a_entries: impl IntoIterator<Item = (&'a str, u64)>,
    b_entries: impl IntoIterator<Item = (&'b str, u64)>,
    leaves: &[usize],
    tree: &MerkleTree,
) -> Vec<SyncKey> {
    let mut keys: BTreeMap<(u64, String), SyncKey> = BTreeMap::new();
    let mut add = |key: &str, digest: u64, side_b: bool| {
        let Some(leaf) = tree.leaf_of(key) else {
            return;
        };
        if !leaves.contains(&leaf) {
            return;
        }
        let position = tree.position_of(key);
        let entry = keys
            .entry((position, key.to_string()))
            .or_insert_with(|| SyncKey {
                key: key.to_string(),
                position,
                leaf,
                a: None,
                b: None,
            });
        let side = if side_b { &mut entry.b } else { &mut entry.a };
        *side = Some(side.map_or(digest, |d| d.max(digest)));
    };
    for (key, digest) in a_entries {
        add(key, digest, false);
    }
    for (key, digest) in b_entries {
        add(key, digest, true);
    }
    keys.into_values().collect()
}
