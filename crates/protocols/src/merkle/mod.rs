//! Range Merkle trees: how Dynamo-style replicas find the few keys they
//! disagree on without shipping every key.
//!
//! Each replica hashes the keys of one key range into a complete binary
//! tree. The range is cut into `2^depth` equal leaf ranges; a leaf's hash
//! covers every `(key, digest)` stored in its range, and each inner node
//! hashes its two children, so the root summarises the whole range. Two
//! replicas compare top-down: equal roots mean nothing to do after a single
//! hash; otherwise they compare the children of the differing nodes only,
//! level by level, until they reach the leaves whose ranges hold the
//! difference. Only the keys of those leaves are transferred.
//!
//! This module is the pure data structure and the comparison as a list of
//! steps ([`compare`]); which node sends what to whom is protocol code and
//! lives elsewhere.
//!
//! Positions: a key made only of ASCII digits that fits in a `u32` (such as
//! `"1500"`) sits at that number, so ranges read naturally ("keys
//! 1000–2000"); any other key is hashed into the tree's range (see
//! [`position_in`]). Everything is FNV-1a 64, so hashes are identical on
//! every target and every run.

mod exchange;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod proptests;
#[cfg(test)]
mod tests;

pub use exchange::{compare, keys_to_sync, Comparison, Step, SyncKey};

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;
use serde::{Deserialize, Serialize};

use crate::rng::{fnv1a, Fnv};

/// A node's hash.
pub type Hash = u64;

/// The deepest tree offered: 1 024 leaves, 2 047 nodes.
pub const MAX_DEPTH: u8 = 10;

/// The whole `u32` key space, the range [`key_position`] maps into.
pub const FULL_RANGE: (u64, u64) = (0, 1 << 32);

/// The hash of a leaf that holds no keys (the same in every tree, so two
/// replicas that both lack a range agree on it without further work).
pub const EMPTY_LEAF: Hash = 0x6618_81f2_09ab_b575;

/// Why a tree could not be built, or two trees could not be compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MerkleError {
    /// `depth` must be at most [`MAX_DEPTH`].
    Depth { depth: u8 },
    /// The range `[lo, hi)` must be non-empty and hold at least one position
    /// per leaf.
    Range { lo: u64, hi: u64, leaves: usize },
    /// The trees have different shapes: their nodes do not correspond.
    DepthMismatch { a: u8, b: u8 },
    /// The trees cover different key ranges: equal hashes would mean nothing.
    RangeMismatch { a: (u64, u64), b: (u64, u64) },
}

impl fmt::Display for MerkleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            MerkleError::Depth { depth } => write!(
                f,
                "depth {depth} is out of range: depth must be between 0 and {MAX_DEPTH}"
            ),
            MerkleError::Range { lo, hi, leaves } => write!(
                f,
                "key range [{lo}, {hi}) is too small: it must hold at least one position for each of the {leaves} leaves"
            ),
            MerkleError::DepthMismatch { a, b } => write!(
                f,
                "cannot compare a tree of depth {a} with a tree of depth {b}: build both with the same depth"
            ),
            MerkleError::RangeMismatch { a, b } => write!(
                f,
                "cannot compare a tree over [{}, {}) with a tree over [{}, {}): build both over the same key range",
                a.0, a.1, b.0, b.1
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for MerkleError {}

/// The digest a replica stores per key: what two replicas must agree on for
/// the key to count as in sync — its value and its version (a version
/// vector's or timestamp's display text, say). Both parts are
/// length-prefixed, so `("ab", "c")` and `("a", "bc")` differ.
pub fn digest_value(value_text: &str, version_text: &str) -> u64 {
    let mut h = Fnv::new();
    h.write(b"value");
    write_str(&mut h, value_text);
    write_str(&mut h, version_text);
    h.finish()
}

/// The key's number when it is written in decimal: ASCII digits only and at
/// most `u32::MAX` (`"007"` is 7; `"+5"`, `"-1"`, `"1e3"` and `""` are not
/// numbers).
fn decimal(key: &str) -> Option<u32> {
    if key.is_empty() || !key.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    key.parse().ok()
}

/// Where `key` sits for a tree over `range = [lo, hi)`:
///
/// - a decimal key (see above) sits at its number, even when that is
///   outside the range (the tree then does not cover it);
/// - any other key sits at `lo + fnv1a(key) * (hi - lo) / 2^64`, always
///   inside the range. Scaling by multiplication (rather than `mod`) uses
///   FNV's well-mixed high bits; its low bits depend only on the low bits of
///   each byte.
///
/// Stable: the same key and range give the same position forever.
pub fn position_in(key: &str, range: (u64, u64)) -> u64 {
    match decimal(key) {
        Some(n) => u64::from(n),
        None => {
            let width = u128::from(range.1.saturating_sub(range.0));
            let scaled = (u128::from(fnv1a(key.as_bytes())) * width) >> 64;
            range.0 + scaled as u64
        }
    }
}

/// `key`'s position in the whole `u32` key space ([`FULL_RANGE`]): its
/// number when decimal, otherwise the high 32 bits of its FNV-1a 64 hash.
pub fn key_position(key: &str) -> u32 {
    position_in(key, FULL_RANGE) as u32
}

/// The first 6 hex digits of a hash (its high 24 bits), for display.
pub fn short_hash(h: Hash) -> String {
    format!("{:06x}", h >> 40)
}

/// Nodes in a tree of `depth` (at most [`MAX_DEPTH`]): what comparing
/// every node would exchange.
pub fn node_count(depth: u8) -> usize {
    (1usize << (u32::from(depth) + 1)) - 1
}

fn write_str(h: &mut Fnv, s: &str) {
    h.u64(s.len() as u64);
    h.write(s.as_bytes());
}

/// One leaf's hash over its `(position, key, digest)` entries, which must
/// be sorted. The count goes first so no entry list is a prefix of another.
fn leaf_hash(entries: &[(u64, &str, u64)]) -> Hash {
    let mut h = Fnv::new();
    h.write(b"leaf");
    h.u64(entries.len() as u64);
    for &(position, key, digest) in entries {
        h.u64(position);
        write_str(&mut h, key);
        h.u64(digest);
    }
    h.finish()
}

fn inner_hash(left: Hash, right: Hash) -> Hash {
    let mut h = Fnv::new();
    h.write(b"node");
    h.u64(left);
    h.u64(right);
    h.finish()
}

/// Start of part `i` when `width` positions are cut into `parts` pieces:
/// `ceil(width * i / parts)`. Rounding up is what makes "position `x` is in
/// part `floor(x * parts / width)`" agree exactly with the boundaries.
fn boundary(width: u64, parts: u64, i: u64) -> u64 {
    (u128::from(width) * u128::from(i)).div_ceil(u128::from(parts)) as u64
}

/// What a UI draws for one node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeView {
    pub level: u8,
    pub index: usize,
    /// Key positions `[lo, hi)` under this node.
    pub range: (u64, u64),
    pub hash: Hash,
    /// How many keys the tree holds under this node.
    pub keys: usize,
}

/// A replica's Merkle tree over one key range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MerkleTree {
    range: (u64, u64),
    depth: u8,
    /// `hashes[level][index]`; level 0 is the root, level `depth` the leaves.
    hashes: Vec<Vec<Hash>>,
    /// Keys per leaf.
    leaf_keys: Vec<usize>,
}

impl MerkleTree {
    /// Builds the tree over `range = [lo, hi)` with `depth` levels below the
    /// root from `(key, digest)` pairs (digests from [`digest_value`] or
    /// anything else deterministic).
    ///
    /// Keys whose position falls outside the range are not covered by this
    /// tree and are skipped: Dynamo keeps one tree per range a node owns.
    /// Order does not matter. Keys are expected to be unique (a store maps a
    /// key to one value); if one repeats, its largest digest is kept, which
    /// also does not depend on order.
    ///
    /// # Panics
    ///
    /// When [`try_build`](Self::try_build) would return an error: depth
    /// above [`MAX_DEPTH`], or a range with fewer positions than leaves.
    pub fn build<'k>(
        entries: impl IntoIterator<Item = (&'k str, u64)>,
        range: (u64, u64),
        depth: u8,
    ) -> MerkleTree {
        match Self::try_build(entries, range, depth) {
            Ok(tree) => tree,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`build`](Self::build), reporting a bad depth or range instead of
    /// panicking.
    pub fn try_build<'k>(
        entries: impl IntoIterator<Item = (&'k str, u64)>,
        range: (u64, u64),
        depth: u8,
    ) -> Result<MerkleTree, MerkleError> {
        if depth > MAX_DEPTH {
            return Err(MerkleError::Depth { depth });
        }
        let leaves = 1usize << depth;
        let (lo, hi) = range;
        if hi <= lo || hi - lo < leaves as u64 {
            return Err(MerkleError::Range { lo, hi, leaves });
        }
        let mut tree = MerkleTree {
            range,
            depth,
            hashes: Vec::new(),
            leaf_keys: vec![0; leaves],
        };

        // Sorted by position, then key: the order both replicas agree on
        // whatever order they stored things in.
        let mut sorted: BTreeMap<(u64, &str), u64> = BTreeMap::new();
        for (key, digest) in entries {
            let position = position_in(key, range);
            if tree.covers_position(position) {
                let d = sorted.entry((position, key)).or_insert(digest);
                *d = (*d).max(digest);
            }
        }
        let mut groups: Vec<Vec<(u64, &str, u64)>> = vec![Vec::new(); leaves];
        for (&(position, key), &digest) in &sorted {
            groups[tree.leaf_of_position(position)].push((position, key, digest));
        }
        for (count, group) in tree.leaf_keys.iter_mut().zip(&groups) {
            *count = group.len();
        }

        let mut level: Vec<Hash> = groups.iter().map(|g| leaf_hash(g)).collect();
        let mut levels = Vec::with_capacity(usize::from(depth) + 1);
        while level.len() > 1 {
            let parents = level
                .chunks_exact(2)
                .map(|pair| inner_hash(pair[0], pair[1]))
                .collect();
            levels.push(core::mem::replace(&mut level, parents));
        }
        levels.push(level);
        levels.reverse();
        tree.hashes = levels;
        Ok(tree)
    }

    pub fn root(&self) -> Hash {
        self.hashes[0][0]
    }

    /// Levels below the root; the tree has `2^depth` leaves.
    pub fn depth(&self) -> u8 {
        self.depth
    }

    /// The key positions `[lo, hi)` this tree covers.
    pub fn range(&self) -> (u64, u64) {
        self.range
    }

    pub fn leaf_count(&self) -> usize {
        1 << self.depth
    }

    /// The hash of node `index` (0-based, left to right) at `level` (0 is the
    /// root). Panics when there is no such node.
    pub fn node(&self, level: u8, index: usize) -> Hash {
        self.hashes[usize::from(level)][index]
    }

    /// Key positions `[lo, hi)` under node `index` at `level`. Leaves of a
    /// range that does not divide evenly differ in width by at most one.
    pub fn node_range(&self, level: u8, index: usize) -> (u64, u64) {
        let (lo, hi) = self.range;
        let parts = 1u64 << level;
        let i = index as u64;
        (
            lo + boundary(hi - lo, parts, i),
            lo + boundary(hi - lo, parts, i + 1),
        )
    }

    /// Key positions `[lo, hi)` of leaf `index`.
    pub fn leaf_range(&self, index: usize) -> (u64, u64) {
        self.node_range(self.depth, index)
    }

    /// How many keys leaf `index` holds.
    pub fn leaf_len(&self, index: usize) -> usize {
        self.leaf_keys[index]
    }

    /// `key`'s position for this tree's range (see [`position_in`]).
    pub fn position_of(&self, key: &str) -> u64 {
        position_in(key, self.range)
    }

    /// The leaf that holds `key`, or `None` when the tree does not cover it.
    pub fn leaf_of(&self, key: &str) -> Option<usize> {
        let position = self.position_of(key);
        self.covers_position(position)
            .then(|| self.leaf_of_position(position))
    }

    fn covers_position(&self, position: u64) -> bool {
        (self.range.0..self.range.1).contains(&position)
    }

    fn leaf_of_position(&self, position: u64) -> usize {
        let (lo, hi) = self.range;
        let offset = u128::from(position - lo);
        (offset * self.leaf_count() as u128 / u128::from(hi - lo)) as usize
    }

    /// Every node, root level first, each level left to right: what a UI
    /// needs to draw the tree.
    pub fn levels(&self) -> Vec<Vec<NodeView>> {
        (0..=self.depth)
            .map(|level| {
                let span = 1usize << (self.depth - level);
                self.hashes[usize::from(level)]
                    .iter()
                    .enumerate()
                    .map(|(index, &hash)| NodeView {
                        level,
                        index,
                        range: self.node_range(level, index),
                        hash,
                        keys: self.leaf_keys[index * span..(index + 1) * span]
                            .iter()
                            .sum(),
                    })
                    .collect()
            })
            .collect()
    }
}
