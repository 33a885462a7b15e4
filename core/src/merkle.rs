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

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The article's key space: keys "0", "50", …, "3950" over `[0, 4000)`.
    fn article_keys() -> BTreeMap<String, u64> {
        (0..4000)
            .step_by(50)
            .map(|k| (k.to_string(), digest_value("v1", "[1, 0, 0]")))
            .collect()
    }

    fn entries(m: &BTreeMap<String, u64>) -> impl Iterator<Item = (&str, u64)> {
        m.iter().map(|(k, &d)| (k.as_str(), d))
    }

    fn tree(m: &BTreeMap<String, u64>, range: (u64, u64), depth: u8) -> MerkleTree {
        MerkleTree::build(entries(m), range, depth)
    }

    /// Replica B took newer writes for every key in 1000..2000 while A was
    /// down.
    fn article_pair() -> (BTreeMap<String, u64>, BTreeMap<String, u64>) {
        let a = article_keys();
        let mut b = a.clone();
        for k in (1000..2000).step_by(50) {
            b.insert(k.to_string(), digest_value("v2", "[1, 1, 0]"));
        }
        (a, b)
    }

    fn step(level: u8, index: usize, equal: bool) -> Step {
        Step {
            level,
            index,
            equal,
        }
    }

    #[test]
    fn identical_replicas_exchange_only_the_root() {
        let a = article_keys();
        let (ta, tb) = (tree(&a, (0, 4000), 3), tree(&a.clone(), (0, 4000), 3));
        assert_eq!(ta.root(), tb.root());
        let c = compare(&ta, &tb).unwrap();
        assert_eq!(c.steps, [step(0, 0, true)]);
        assert!(c.differing_leaves.is_empty() && c.in_sync());
        assert_eq!(c.hashes_exchanged, 1);
    }

    #[test]
    fn article_depth_two_descends_only_into_1000_2000() {
        let (a, b) = article_pair();
        let (ta, tb) = (tree(&a, (0, 4000), 2), tree(&b, (0, 4000), 2));
        let c = compare(&ta, &tb).unwrap();
        assert_eq!(
            c.steps,
            [
                step(0, 0, false), // [0, 4000)
                step(1, 0, false), // [0, 2000)
                step(1, 1, true),  // [2000, 4000): its leaves are skipped
                step(2, 0, true),  // [0, 1000)
                step(2, 1, false), // [1000, 2000)
            ]
        );
        assert_eq!(c.differing_leaves, [1]);
        assert_eq!(ta.leaf_range(1), (1000, 2000));
        assert_eq!(c.hashes_exchanged, 5);
        assert!(c.step_at(2, 2).is_none() && c.step_at(1, 1).unwrap().equal);
    }

    #[test]
    fn article_depth_three_splits_1000_2000_into_two_leaves() {
        let (a, b) = article_pair();
        let (ta, tb) = (tree(&a, (0, 4000), 3), tree(&b, (0, 4000), 3));
        let c = compare(&ta, &tb).unwrap();
        assert_eq!(
            c.steps,
            [
                step(0, 0, false),
                step(1, 0, false),
                step(1, 1, true),
                step(2, 0, true),
                step(2, 1, false),
                step(3, 2, false),
                step(3, 3, false),
            ]
        );
        assert_eq!(c.differing_leaves, [2, 3]);
        assert_eq!(
            (ta.leaf_range(2), ta.leaf_range(3)),
            ((1000, 1500), (1500, 2000))
        );
    }

    #[test]
    fn article_depth_six_exchanges_far_fewer_hashes_than_the_whole_tree() {
        let (a, b) = article_pair();
        let (ta, tb) = (tree(&a, (0, 4000), 6), tree(&b, (0, 4000), 6));
        let c = compare(&ta, &tb).unwrap();
        // Leaves are 62.5 positions wide; 1000..2000 is exactly leaves 16..32
        // and each holds a changed key.
        assert_eq!(c.differing_leaves, (16..32).collect::<Vec<_>>());
        let ranges: Vec<_> = c
            .differing_leaves
            .iter()
            .map(|&l| ta.leaf_range(l))
            .collect();
        assert_eq!(ranges.first().unwrap().0, 1000);
        assert_eq!(ranges.last().unwrap().1, 2000);
        assert!(ranges.windows(2).all(|w| w[0].1 == w[1].0));
        // 1 + 2 + 2 + 2 + 4 + 8 + 16: one equal sibling per level until the
        // subtree is exactly 1000..2000, then everything below it.
        assert_eq!(c.hashes_exchanged, 35);
        assert_eq!(node_count(6), 127);
        assert!(c.hashes_exchanged * 3 < node_count(6));
        // Every step below level 0 is a child of a differing step.
        for s in &c.steps[1..] {
            let parent = c.step_at(s.level - 1, s.index / 2).unwrap();
            assert!(!parent.equal);
        }
    }

    #[test]
    fn keys_to_sync_lists_the_differing_leaves_contents() {
        let a = article_keys();
        let mut b = a.clone();
        b.insert("1050".to_string(), digest_value("v2", "[1, 1, 0]"));
        b.remove("1500");
        b.insert("1725".to_string(), digest_value("new", "[0, 1, 0]"));
        let (ta, tb) = (tree(&a, (0, 4000), 2), tree(&b, (0, 4000), 2));
        let c = compare(&ta, &tb).unwrap();
        assert_eq!(c.differing_leaves, [1]);
        let sync = keys_to_sync(entries(&a), entries(&b), &c.differing_leaves, &ta);
        // The whole leaf [1000, 2000) travels: A's 20 keys plus B's new one.
        let mut expected: Vec<String> = (1000..2000).step_by(50).map(|k| k.to_string()).collect();
        expected.push("1725".to_string());
        expected.sort_by_key(|k| k.parse::<u32>().unwrap());
        let listed: Vec<&str> = sync.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(listed, expected);
        assert!(sync.iter().all(|s| s.leaf == 1));
        let changed: Vec<&str> = sync
            .iter()
            .filter(|s| !s.in_sync())
            .map(|s| s.key.as_str())
            .collect();
        assert_eq!(changed, ["1050", "1500", "1725"]);
        let k1500 = sync.iter().find(|s| s.key == "1500").unwrap();
        assert_eq!((k1500.a.is_some(), k1500.b), (true, None));
        let k1725 = sync.iter().find(|s| s.key == "1725").unwrap();
        assert_eq!((k1725.a, k1725.b.is_some()), (None, true));
    }

    #[test]
    fn a_key_on_one_side_only_is_detected() {
        let a = article_keys();
        let mut b = a.clone();
        b.insert("cart:alice".to_string(), digest_value("milk", "[1]"));
        let leaf = tree(&a, (0, 4000), 4).leaf_of("cart:alice").unwrap();
        for (x, y) in [(&a, &b), (&b, &a)] {
            let (tx, ty) = (tree(x, (0, 4000), 4), tree(y, (0, 4000), 4));
            assert_ne!(tx.root(), ty.root());
            let c = compare(&tx, &ty).unwrap();
            assert_eq!(c.differing_leaves, [leaf]);
            let sync = keys_to_sync(entries(x), entries(y), &c.differing_leaves, &tx);
            let odd: Vec<_> = sync.iter().filter(|s| !s.in_sync()).collect();
            assert_eq!(odd.len(), 1);
            assert_eq!(odd[0].key, "cart:alice");
        }
    }

    #[test]
    fn insertion_order_does_not_change_any_hash() {
        let mut pairs: Vec<(String, u64)> = (0..300u64)
            .map(|i| (format!("k{i}"), i * 7))
            .chain((0..4000).step_by(37).map(|k: u64| (k.to_string(), k)))
            .collect();
        let build = |pairs: &[(String, u64)]| {
            MerkleTree::build(pairs.iter().map(|(k, d)| (k.as_str(), *d)), (0, 4000), 5)
        };
        let forward = build(&pairs);
        pairs.reverse();
        assert_eq!(build(&pairs), forward);
        pairs.sort_by(|x, y| x.1.cmp(&y.1).then(y.0.cmp(&x.0)));
        assert_eq!(build(&pairs), forward);
        // A repeated key keeps its largest digest whichever comes first.
        let one = MerkleTree::build([("7", 1), ("7", 9)], (0, 10), 1);
        let other = MerkleTree::build([("7", 9), ("7", 1)], (0, 10), 1);
        assert_eq!(one, other);
        assert_eq!(one, MerkleTree::build([("7", 9)], (0, 10), 1));
    }

    #[test]
    fn mismatched_trees_are_refused() {
        let a = article_keys();
        let t2 = tree(&a, (0, 4000), 2);
        let t3 = tree(&a, (0, 4000), 3);
        let other_range = tree(&a, (0, 8000), 2);
        assert_eq!(
            compare(&t2, &t3),
            Err(MerkleError::DepthMismatch { a: 2, b: 3 })
        );
        let e = compare(&t2, &other_range).unwrap_err();
        assert_eq!(
            e,
            MerkleError::RangeMismatch {
                a: (0, 4000),
                b: (0, 8000)
            }
        );
        assert!(e.to_string().contains("same key range"));
    }

    #[test]
    fn bad_depth_or_range_is_refused() {
        let none = core::iter::empty::<(&str, u64)>;
        assert_eq!(
            MerkleTree::try_build(none(), (0, 4000), 11),
            Err(MerkleError::Depth { depth: 11 })
        );
        assert!(MerkleTree::try_build(none(), (0, 4000), MAX_DEPTH).is_ok());
        assert_eq!(
            MerkleTree::try_build(none(), (5, 5), 0),
            Err(MerkleError::Range {
                lo: 5,
                hi: 5,
                leaves: 1
            })
        );
        // Every leaf must cover at least one position.
        assert!(MerkleTree::try_build(none(), (0, 3), 2).is_err());
        assert!(MerkleTree::try_build(none(), (0, 4), 2).is_ok());
    }

    #[test]
    fn positions_are_numbers_or_stable_hashes() {
        assert_eq!(key_position("1500"), 1500);
        assert_eq!(key_position("007"), 7);
        assert_eq!(key_position("4294967295"), u32::MAX);
        // Not decimal (or too big): hashed, pinned so the layout never moves.
        assert_eq!(key_position("apple"), (fnv1a(b"apple") >> 32) as u32);
        assert_eq!(key_position("apple"), 0xf74a_62a4);
        assert_ne!(key_position("+5"), 5);
        assert_eq!(
            key_position("4294967296"),
            (fnv1a(b"4294967296") >> 32) as u32
        );
        let t = MerkleTree::build(core::iter::empty(), (1000, 2000), 3);
        assert_eq!(t.position_of("1500"), 1500);
        assert_eq!(t.position_of("2500"), 2500);
        assert_eq!(t.leaf_of("2500"), None); // outside: another tree's job
        assert_eq!(t.leaf_of("1500"), Some(4));
        for key in ["apple", "cart:alice", "", "-1", "x".repeat(100).as_str()] {
            let p = t.position_of(key);
            assert!((1000..2000).contains(&p), "{key:?} at {p}");
        }
    }

    #[test]
    fn keys_outside_the_range_are_not_covered() {
        let inside = MerkleTree::build([("10", 1)], (0, 100), 2);
        let plus_outside = MerkleTree::build([("10", 1), ("500", 2)], (0, 100), 2);
        assert_eq!(inside, plus_outside);
        let sync = keys_to_sync([("500", 1)], [("500", 2)], &[0, 1, 2, 3], &inside);
        assert!(sync.is_empty());
    }

    #[test]
    fn leaves_split_the_range_evenly() {
        let t = MerkleTree::build(core::iter::empty(), (0, 4000), 2);
        let ranges: Vec<_> = (0..4).map(|i| t.leaf_range(i)).collect();
        assert_eq!(
            ranges,
            [(0, 1000), (1000, 2000), (2000, 3000), (3000, 4000)]
        );
        assert_eq!(t.node_range(0, 0), (0, 4000));
        assert_eq!(t.node_range(1, 1), (2000, 4000));
        // Uneven widths differ by at most one, and every position's leaf
        // agrees with the leaf ranges.
        let t = MerkleTree::build(core::iter::empty(), (10, 20), 2);
        let ranges: Vec<_> = (0..4).map(|i| t.leaf_range(i)).collect();
        assert_eq!(ranges, [(10, 13), (13, 15), (15, 18), (18, 20)]);
        for depth in 0..=4 {
            let t = MerkleTree::build(core::iter::empty(), (3, 40), depth);
            for p in 3..40u64 {
                let leaf = t.leaf_of(&p.to_string()).unwrap();
                let (lo, hi) = t.leaf_range(leaf);
                assert!(lo <= p && p < hi, "depth {depth}: {p} in leaf {leaf}");
            }
        }
    }

    #[test]
    fn empty_leaves_share_one_fixed_hash() {
        assert_eq!(leaf_hash(&[]), EMPTY_LEAF);
        let t = MerkleTree::build([("3999", 1)], (0, 4000), 2);
        assert_eq!(t.node(2, 0), EMPTY_LEAF);
        assert_ne!(t.node(2, 3), EMPTY_LEAF);
        assert_eq!(t.node(1, 0), inner_hash(EMPTY_LEAF, EMPTY_LEAF));
        assert_eq!(t.node(1, 1), inner_hash(EMPTY_LEAF, t.node(2, 3)));
        assert_eq!(t.root(), inner_hash(t.node(1, 0), t.node(1, 1)));
    }

    #[test]
    fn digests_separate_value_from_version() {
        assert_eq!(
            digest_value("milk", "[1, 0]"),
            digest_value("milk", "[1, 0]")
        );
        assert_ne!(digest_value("ab", "c"), digest_value("a", "bc"));
        assert_ne!(
            digest_value("milk", "[1, 0]"),
            digest_value("milk", "[1, 1]")
        );
    }

    #[test]
    fn depth_zero_is_the_root_alone() {
        let t0 = MerkleTree::build([("1", 1)], (0, 4000), 0);
        let t1 = MerkleTree::build([("1", 2)], (0, 4000), 0);
        assert_eq!(
            (t0.depth(), t0.leaf_count(), t0.leaf_range(0)),
            (0, 1, (0, 4000))
        );
        let c = compare(&t0, &t1).unwrap();
        assert_eq!(c.steps, [step(0, 0, false)]);
        assert_eq!(c.differing_leaves, [0]);
    }

    #[test]
    fn views_for_drawing_two_trees() {
        assert_eq!(short_hash(0x1234_5678_9abc_def0), "123456");
        assert_eq!(short_hash(1), "000000");
        let t = tree(&article_keys(), (0, 4000), 2);
        let levels = t.levels();
        assert_eq!(levels.iter().map(Vec::len).collect::<Vec<_>>(), [1, 2, 4]);
        assert_eq!(levels[0][0].hash, t.root());
        assert_eq!(levels[0][0].keys, 80);
        assert_eq!(levels[1][1].range, (2000, 4000));
        assert_eq!(levels[1][1].keys, 40);
        assert_eq!(levels[2][3].keys, t.leaf_len(3));
        assert_eq!(levels[2][3].hash, t.node(2, 3));
        assert!(levels
            .iter()
            .flatten()
            .all(|n| t.node(n.level, n.index) == n.hash));
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod proptests {
    //! Random key sets, random edits: syncing the keys of the differing
    //! leaves always makes the trees equal, and no leaf whose contents
    //! differ goes unreported.

    use super::*;
    use proptest::prelude::*;

    const RANGE: (u64, u64) = (0, 1000);

    #[derive(Clone, Debug)]
    enum Edit {
        Change(usize, u64),
        Delete(usize),
        Insert(String, u64),
    }

    /// Decimal keys, some beyond the range (never covered), and text keys.
    fn key() -> impl Strategy<Value = String> {
        prop_oneof![(0u32..1200).prop_map(|n| n.to_string()), "[a-z]{1,6}",]
    }

    fn edit() -> impl Strategy<Value = Edit> {
        prop_oneof![
            (any::<usize>(), any::<u64>()).prop_map(|(i, d)| Edit::Change(i, d)),
            any::<usize>().prop_map(Edit::Delete),
            (key(), any::<u64>()).prop_map(|(k, d)| Edit::Insert(k, d)),
        ]
    }

    fn apply(a: &BTreeMap<String, u64>, edits: &[Edit]) -> BTreeMap<String, u64> {
        let mut b = a.clone();
        for e in edits {
            let nth = |i: usize, m: &BTreeMap<String, u64>| {
                (!m.is_empty()).then(|| m.keys().nth(i % m.len()).unwrap().clone())
            };
            match e {
                Edit::Change(i, d) => {
                    if let Some(k) = nth(*i, &b) {
                        b.insert(k, *d);
                    }
                }
                Edit::Delete(i) => {
                    if let Some(k) = nth(*i, &b) {
                        b.remove(&k);
                    }
                }
                Edit::Insert(k, d) => {
                    b.insert(k.clone(), *d);
                }
            }
        }
        b
    }

    fn build(m: &BTreeMap<String, u64>, depth: u8) -> MerkleTree {
        MerkleTree::build(m.iter().map(|(k, &d)| (k.as_str(), d)), RANGE, depth)
    }

    /// Leaf `leaf`'s `(key, digest)` contents.
    fn contents(m: &BTreeMap<String, u64>, t: &MerkleTree, leaf: usize) -> BTreeMap<String, u64> {
        m.iter()
            .filter(|(k, _)| t.leaf_of(k) == Some(leaf))
            .map(|(k, &d)| (k.clone(), d))
            .collect()
    }

    proptest! {
        #[test]
        fn syncing_differing_leaves_equalises_roots(
            a in prop::collection::btree_map(key(), any::<u64>(), 0..80),
            edits in prop::collection::vec(edit(), 0..12),
            depth in 0u8..=6,
        ) {
            let b = apply(&a, &edits);
            let (ta, tb) = (build(&a, depth), build(&b, depth));
            let c = compare(&ta, &tb).unwrap();
            prop_assert_eq!(c.in_sync(), ta.root() == tb.root());

            // Steps: root first, then exactly the children of differing
            // nodes, each with the right verdict.
            prop_assert_eq!(c.steps[0].level, 0);
            for s in &c.steps {
                prop_assert_eq!(s.equal, ta.node(s.level, s.index) == tb.node(s.level, s.index));
                if s.level > 0 {
                    prop_assert!(!c.step_at(s.level - 1, s.index / 2).unwrap().equal);
                }
            }
            prop_assert_eq!(c.hashes_exchanged, c.steps.len());

            // Every leaf whose contents differ is reported, and only those.
            for leaf in 0..ta.leaf_count() {
                let differs = contents(&a, &ta, leaf) != contents(&b, &tb, leaf);
                prop_assert_eq!(differs, c.differing_leaves.contains(&leaf), "leaf {}", leaf);
            }

            // Copy B's version of every listed key to A (deleting A-only
            // keys): the trees then agree.
            let sync = keys_to_sync(
                a.iter().map(|(k, &d)| (k.as_str(), d)),
                b.iter().map(|(k, &d)| (k.as_str(), d)),
                &c.differing_leaves,
                &ta,
            );
            let mut synced = a.clone();
            for s in &sync {
                prop_assert!(c.differing_leaves.contains(&s.leaf));
                match s.b {
                    Some(d) => synced.insert(s.key.clone(), d),
                    None => synced.remove(&s.key),
                };
            }
            let ts = build(&synced, depth);
            prop_assert_eq!(ts.root(), tb.root());
            prop_assert!(compare(&ts, &tb).unwrap().in_sync());
        }
    }
}
