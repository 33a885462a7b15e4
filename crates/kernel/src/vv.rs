//! Version vectors: how leaderless replicas tell "this write replaced that
//! one" apart from "these two writes happened without knowing of each
//! other".
//!
//! Every replica keeps one counter per node. A node bumps its own entry for
//! each write it coordinates and takes the pointwise maximum when it learns
//! another replica's history. Comparing two vectors entry by entry gives the
//! causal order: one is `Before` the other when it is nowhere larger (and
//! somewhere smaller); when each is larger somewhere the writes are
//! `Concurrent` and neither may silently win.
//!
//! [`Siblings`] is what a replica stores for one key when writes are
//! concurrent: every value nobody has overwritten yet. Each sibling carries a
//! [`Dot`] — the unique `(node, counter)` event that wrote it — and the
//! context the client had read. A write drops exactly the siblings whose dots
//! its context has seen and keeps the rest (the "dotted version vector"
//! refinement, so a client writing with a stale context cannot hide a
//! sibling it never read).

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::cmp::Ordering;
use core::fmt;
use serde::{Deserialize, Serialize};

use crate::node::NodeId;

/// How two version vectors relate causally.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Causality {
    /// Same history.
    Equal,
    /// `self` happened before `other`: `other` has seen all of it, and more.
    Before,
    /// `self` happened after `other`: it has seen all of `other`, and more.
    After,
    /// Neither has seen all of the other.
    Concurrent,
}

/// One event: the `counter`-th write coordinated by `node`. Unique per
/// node, so it also works as a tag (the observed-remove set uses it).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Dot {
    pub node: NodeId,
    pub counter: u64,
}

impl fmt::Display for Dot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.node, self.counter)
    }
}

/// Per-node counters; a missing node counts as 0 (and zeros are never
/// stored, so equal histories are equal values).
///
/// Serialised as a JSON object keyed by the 1-based node number,
/// e.g. `{"1":3,"3":1}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct VersionVector {
    counters: BTreeMap<NodeId, u64>,
}

impl VersionVector {
    pub fn new() -> Self {
        Self::default()
    }

    /// `counts[i]` is node `i`'s counter (0-based index), e.g. the
    /// article's `[3, 2, 2]`.
    pub fn from_dense(counts: &[u64]) -> Self {
        counts
            .iter()
            .enumerate()
            .map(|(i, &c)| (NodeId(i as u16), c))
            .collect()
    }

    /// `node`'s counter (0 if never seen).
    pub fn get(&self, node: NodeId) -> u64 {
        self.counters.get(&node).copied().unwrap_or(0)
    }

    /// Records one more write coordinated by `node`; returns its dot.
    pub fn increment(&mut self, node: NodeId) -> Dot {
        let c = self.counters.entry(node).or_insert(0);
        *c += 1;
        Dot { node, counter: *c }
    }

    /// Pointwise maximum: afterwards `self` has seen everything either had.
    pub fn merge(&mut self, other: &VersionVector) {
        for (&node, &c) in &other.counters {
            let mine = self.counters.entry(node).or_insert(0);
            *mine = (*mine).max(c);
        }
    }

    /// Raises `dot.node`'s entry to at least `dot.counter`.
    pub fn observe(&mut self, dot: Dot) {
        if dot.counter > 0 {
            let c = self.counters.entry(dot.node).or_insert(0);
            *c = (*c).max(dot.counter);
        }
    }

    /// Whether this history includes the event `dot`.
    pub fn contains(&self, dot: Dot) -> bool {
        self.get(dot.node) >= dot.counter
    }

    pub fn compare(&self, other: &VersionVector) -> Causality {
        let (mut less, mut greater) = (false, false);
        let nodes = self.counters.keys().chain(other.counters.keys());
        for &node in nodes {
            match self.get(node).cmp(&other.get(node)) {
                Ordering::Less => less = true,
                Ordering::Greater => greater = true,
                Ordering::Equal => {}
            }
        }
        match (less, greater) {
            (false, false) => Causality::Equal,
            (true, false) => Causality::Before,
            (false, true) => Causality::After,
            (true, true) => Causality::Concurrent,
        }
    }

    /// Strictly newer: has seen everything `other` has, and more.
    pub fn dominates(&self, other: &VersionVector) -> bool {
        self.compare(other) == Causality::After
    }

    /// Has seen everything `other` has (dominates or equal).
    pub fn descends(&self, other: &VersionVector) -> bool {
        matches!(self.compare(other), Causality::After | Causality::Equal)
    }

    pub fn is_empty(&self) -> bool {
        self.counters.is_empty()
    }

    /// Non-zero entries in node order.
    pub fn iter(&self) -> impl Iterator<Item = (NodeId, u64)> + '_ {
        self.counters.iter().map(|(&n, &c)| (n, c))
    }

    /// Dense form for a cluster of `n` nodes: `[3, 2, 2]`. Falls back to
    /// the sparse form when some entry belongs to a node `>= n`.
    pub fn display_for(&self, n: usize) -> impl fmt::Display + '_ {
        Dense { vv: self, n }
    }
}

impl FromIterator<(NodeId, u64)> for VersionVector {
    fn from_iter<I: IntoIterator<Item = (NodeId, u64)>>(iter: I) -> Self {
        let mut vv = VersionVector::new();
        for (node, counter) in iter {
            vv.observe(Dot { node, counter });
        }
        vv
    }
}

/// Sparse form: `{node 1: 3, node 3: 1}`.
impl fmt::Display for VersionVector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{")?;
        for (i, (node, c)) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{node}: {c}")?;
        }
        f.write_str("}")
    }
}

struct Dense<'a> {
    vv: &'a VersionVector,
    n: usize,
}

impl fmt::Display for Dense<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.vv.counters.keys().any(|node| node.index() >= self.n) {
            return write!(f, "{}", self.vv);
        }
        f.write_str("[")?;
        for i in 0..self.n {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}", self.vv.get(NodeId(i as u16)))?;
        }
        f.write_str("]")
    }
}

impl Serialize for VersionVector {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.counters.serialize(s)
    }
}

impl<'de> Deserialize<'de> for VersionVector {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<NodeId, u64>::deserialize(d)?;
        Ok(map.into_iter().collect())
    }
}

/// One value of a key, with the event that wrote it and the history the
/// writer had seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sibling<T> {
    pub value: T,
    pub dot: Dot,
    /// What the writing client had read (excludes `dot` itself).
    pub context: VersionVector,
}

impl<T> Sibling<T> {
    /// The sibling's version: its context plus its own event.
    pub fn version(&self) -> VersionVector {
        let mut v = self.context.clone();
        v.observe(self.dot);
        v
    }

    /// `self` overwrote `other` (its writer had seen `other`).
    fn obsoletes(&self, other: &Sibling<T>) -> bool {
        self.dot != other.dot && self.context.contains(other.dot)
    }
}

/// The values of one key that no write has replaced yet: one when writes
/// are ordered, several when they were concurrent. Kept sorted by dot, so
/// two replicas with the same siblings compare equal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Siblings<T> {
    entries: Vec<Sibling<T>>,
}

impl<T> Default for Siblings<T> {
    fn default() -> Self {
        Siblings {
            entries: Vec::new(),
        }
    }
}

impl<T> Siblings<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// A write coordinated by `node` from a client that had read
    /// `context`: replaces every sibling the context has seen, keeps the
    /// concurrent ones. Returns the new sibling's version.
    ///
    /// `node` must be the replica holding this copy (its counter is drawn
    /// from what this copy has seen, so dots stay unique).
    pub fn write(&mut self, value: T, context: &VersionVector, node: NodeId) -> VersionVector {
        let counter = self
            .entries
            .iter()
            .map(|s| s.version().get(node))
            .chain(core::iter::once(context.get(node)))
            .max()
            .unwrap_or(0)
            + 1;
        let dot = Dot { node, counter };
        self.entries.retain(|s| !context.contains(s.dot));
        let sibling = Sibling {
            value,
            dot,
            context: context.clone(),
        };
        let version = sibling.version();
        let at = self.entries.partition_point(|s| s.dot < dot);
        self.entries.insert(at, sibling);
        version
    }

    /// Adds a freshly written sibling: drops every sibling its context
    /// has seen, keeps the concurrent ones. The caller chose the dot and
    /// must keep it unique (a coordinator draws it from its own counter).
    ///
    /// A coordinator ships the whole set this leaves, not the new sibling
    /// alone: the new sibling's version claims every earlier event of its
    /// node, so a replica handed it without the concurrent siblings it
    /// kept would claim to have seen values it never held.
    pub fn put(&mut self, sibling: Sibling<T>) {
        self.entries.retain(|s| !sibling.context.contains(s.dot));
        let at = self.entries.partition_point(|s| s.dot < sibling.dot);
        self.entries.insert(at, sibling);
    }

    /// Drops the siblings with these dots (a hint handed over, a copy
    /// every replica now holds).
    pub fn remove_dots(&mut self, dots: &[Dot]) {
        self.entries.retain(|s| !dots.contains(&s.dot));
    }

    /// The events of the current siblings, in dot order.
    pub fn dots(&self) -> Vec<Dot> {
        self.entries.iter().map(|s| s.dot).collect()
    }

    /// The highest counter of `node` this set's versions carry.
    pub fn max_counter(&self, node: NodeId) -> u64 {
        self.entries
            .iter()
            .map(|s| {
                s.context
                    .get(node)
                    .max(if s.dot.node == node { s.dot.counter } else { 0 })
            })
            .max()
            .unwrap_or(0)
    }

    /// The current values, in dot order.
    pub fn values(&self) -> Vec<&T> {
        self.entries.iter().map(|s| &s.value).collect()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Sibling<T>> {
        self.entries.iter()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// What a read returns as context: the join of all siblings'
    /// versions. Writing back with it replaces every current sibling.
    pub fn context(&self) -> VersionVector {
        let mut ctx = VersionVector::new();
        for s in &self.entries {
            ctx.merge(&s.context);
            ctx.observe(s.dot);
        }
        ctx
    }
}

impl<T: Clone> Siblings<T> {
    /// Union of both sets, then drop every sibling another one overwrote.
    pub fn merge(&mut self, other: &Siblings<T>) {
        let mut all = crate::sorting::map_from(self.entries.drain(..).map(|s| (s.dot, s)));
        for s in &other.entries {
            all.entry(s.dot).or_insert_with(|| s.clone());
        }
        let all: Vec<Sibling<T>> = all.into_values().collect();
        self.entries = all
            .iter()
            .filter(|s| !all.iter().any(|t| t.obsoletes(s)))
            .cloned()
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    const N1: NodeId = NodeId(0);
    const N2: NodeId = NodeId(1);
    const N3: NodeId = NodeId(2);

    #[test]
    fn article_three_replicas() {
        let a = VersionVector::from_dense(&[3, 2, 2]);
        let b = VersionVector::from_dense(&[3, 2, 2]);
        let c = VersionVector::from_dense(&[2, 2, 2]);
        assert_eq!(a.compare(&b), Causality::Equal);
        assert_eq!(c.compare(&a), Causality::Before);
        assert_eq!(a.compare(&c), Causality::After);
        assert!(a.dominates(&c) && !a.dominates(&b) && a.descends(&b));
        assert_eq!(a.display_for(3).to_string(), "[3, 2, 2]");
    }

    #[test]
    fn increment_merge_and_concurrency() {
        let mut a = VersionVector::new();
        let mut b = VersionVector::new();
        assert_eq!(
            a.increment(N1),
            Dot {
                node: N1,
                counter: 1
            }
        );
        b.increment(N2);
        assert_eq!(a.compare(&b), Causality::Concurrent);
        assert!(!a.dominates(&b) && !b.dominates(&a));
        let mut m = a.clone();
        m.merge(&b);
        assert_eq!(m.compare(&a), Causality::After);
        assert_eq!(b.compare(&m), Causality::Before);
        assert_eq!(m.get(N3), 0);
    }

    #[test]
    fn display_forms() {
        let v: VersionVector = [(N1, 3), (N3, 1), (N2, 0)].into_iter().collect();
        assert_eq!(v.to_string(), "{node 1: 3, node 3: 1}");
        assert_eq!(v.display_for(3).to_string(), "[3, 0, 1]");
        assert_eq!(v.display_for(2).to_string(), "{node 1: 3, node 3: 1}");
        assert_eq!(VersionVector::new().to_string(), "{}");
    }

    #[test]
    fn serde_round_trip_drops_zeros() {
        let v = VersionVector::from_dense(&[3, 0, 1]);
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(json, r#"{"1":3,"3":1}"#);
        let back: VersionVector = serde_json::from_str(r#"{"1":3,"2":0,"3":1}"#).unwrap();
        assert_eq!(back, v);
        assert!(serde_json::from_str::<VersionVector>(r#"{"0":1}"#).is_err());
    }

    /// The article's shopping cart: two clients write from stale reads, the
    /// replica keeps both carts as siblings; a client that reads both and
    /// writes the merged cart back collapses them.
    #[test]
    fn shopping_cart_siblings() {
        let mut cart: Siblings<Vec<&str>> = Siblings::new();
        // Client 1 adds milk (no prior read).
        cart.write(vec!["milk"], &VersionVector::new(), N1);
        // Client 2 adds eggs, also without having read: concurrent.
        cart.write(vec!["eggs"], &VersionVector::new(), N1);
        assert_eq!(cart.values(), [&vec!["milk"], &vec!["eggs"]]);
        // Client 1 read [milk] only (context of its own write) and adds flour.
        let ctx1 = VersionVector::from_dense(&[1]);
        cart.write(vec!["milk", "flour"], &ctx1, N1);
        assert_eq!(cart.values(), [&vec!["eggs"], &vec!["milk", "flour"]]);
        // Client 2 reads both siblings, merges them and adds ham.
        let ctx = cart.context();
        assert_eq!(ctx.display_for(1).to_string(), "[3]");
        let v = cart.write(vec!["eggs", "milk", "flour", "ham"], &ctx, N1);
        assert_eq!(cart.values(), [&vec!["eggs", "milk", "flour", "ham"]]);
        assert_eq!(v.display_for(1).to_string(), "[4]");
    }

    #[test]
    fn stale_write_keeps_unseen_sibling_across_replicas() {
        // Replica 1 and 2 each take a write; after exchange both hold two
        // siblings; a write on replica 2 that had only seen replica 1's value
        // keeps replica 2's own concurrent one.
        let mut r1: Siblings<i64> = Siblings::new();
        let mut r2: Siblings<i64> = Siblings::new();
        let v1 = r1.write(1, &VersionVector::new(), N1);
        r2.write(2, &VersionVector::new(), N2);
        r1.merge(&r2);
        r2.merge(&r1);
        assert_eq!(r1, r2);
        assert_eq!(r1.values(), [&1, &2]);
        r2.write(3, &v1, N2);
        assert_eq!(r2.values(), [&2, &3]);
        r1.merge(&r2);
        assert_eq!(r1, r2);
        // Merging is idempotent and order-independent here.
        let before = r1.clone();
        r1.merge(&before);
        assert_eq!(r1, before);
    }
}
