//! Observed-remove set: every add carries a fresh unique tag (the adding
//! replica and its next counter). A remove tombstones only the tags it has
//! observed for that element, so an add that the remover had not seen —
//! one concurrent with the remove — keeps its tag and the element stays.
//! Unlike the two-phase set, an element can be added again after removal.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Debug;

use super::{join, CmRdt, CvRdt, Describe};
use crate::node::NodeId;
use crate::vv::{Dot, VersionVector};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrSet<T: Ord> {
    /// Live tags per element; an element with no live tag is absent (and
    /// not stored, so equal states compare equal).
    live: BTreeMap<T, BTreeSet<Dot>>,
    /// Tags that were removed. Tags are unique, so no element is needed.
    tombstones: BTreeSet<Dot>,
    /// The highest tag counter seen per replica: where new tags come from.
    clock: VersionVector,
}

/// Operation for the op-based form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OrSetOp<T> {
    Add {
        value: T,
        tag: Dot,
    },
    /// Removes exactly these (observed) tags of `value`.
    Remove {
        value: T,
        tags: BTreeSet<Dot>,
    },
}

impl<T: Ord> Default for OrSet<T> {
    fn default() -> Self {
        OrSet {
            live: BTreeMap::new(),
            tombstones: BTreeSet::new(),
            clock: VersionVector::new(),
        }
    }
}

impl<T: Ord + Clone> OrSet<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `value` with a fresh tag from `replica` (the replica holding
    /// this copy); returns the op to broadcast.
    pub fn add(&mut self, replica: NodeId, value: T) -> OrSetOp<T> {
        let tag = Dot {
            node: replica,
            counter: self.clock.get(replica) + 1,
        };
        let op = OrSetOp::Add { value, tag };
        self.apply(&op);
        op
    }

    /// Removes `value` as observed here: tombstones its current tags.
    /// Returns the op to broadcast (with no tags if `value` was absent).
    pub fn remove(&mut self, value: &T) -> OrSetOp<T> {
        let tags = self.live.get(value).cloned().unwrap_or_default();
        let op = OrSetOp::Remove {
            value: value.clone(),
            tags,
        };
        self.apply(&op);
        op
    }

    pub fn contains(&self, value: &T) -> bool {
        self.live.contains_key(value)
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.live.keys()
    }

    pub fn len(&self) -> usize {
        self.live.len()
    }

    pub fn is_empty(&self) -> bool {
        self.live.is_empty()
    }

    /// The live tags of `value`.
    pub fn tags(&self, value: &T) -> impl Iterator<Item = Dot> + '_ {
        self.live.get(value).into_iter().flatten().copied()
    }

    pub fn tombstones(&self) -> impl Iterator<Item = Dot> + '_ {
        self.tombstones.iter().copied()
    }

    fn insert_tag(&mut self, value: &T, tag: Dot) {
        self.clock.observe(tag);
        if !self.tombstones.contains(&tag) {
            self.live.entry(value.clone()).or_default().insert(tag);
        }
    }

    fn kill_tags<'a>(&mut self, value: &T, tags: impl IntoIterator<Item = &'a Dot>) {
        for &tag in tags {
            self.clock.observe(tag);
            self.tombstones.insert(tag);
            if let Some(live) = self.live.get_mut(value) {
                live.remove(&tag);
            }
        }
        if self.live.get(value).is_some_and(BTreeSet::is_empty) {
            self.live.remove(value);
        }
    }
}

impl<T: Ord + Clone> CvRdt for OrSet<T> {
    fn merge(&mut self, other: &Self) {
        self.clock.merge(&other.clock);
        self.tombstones.extend(other.tombstones.iter().copied());
        for (value, tags) in &other.live {
            for &tag in tags {
                self.insert_tag(value, tag);
            }
        }
        let dead = &self.tombstones;
        self.live.retain(|_, tags| {
            tags.retain(|t| !dead.contains(t));
            !tags.is_empty()
        });
    }
}

/// Ops commute even without causal delivery: a remove that arrives before
/// the add it observed leaves a tombstone the add then respects.
impl<T: Ord + Clone> CmRdt for OrSet<T> {
    type Op = OrSetOp<T>;
    fn apply(&mut self, op: &OrSetOp<T>) {
        match op {
            OrSetOp::Add { value, tag } => self.insert_tag(value, *tag),
            OrSetOp::Remove { value, tags } => self.kill_tags(value, tags),
        }
    }
}

impl<T: Ord + Clone + Debug> Describe for OrSet<T> {
    fn describe(&self) -> Vec<(String, String)> {
        let mut rows: Vec<(String, String)> = self
            .live
            .iter()
            .map(|(v, tags)| (format!("{v:?}"), format!("tags {{{}}}", join(tags))))
            .collect();
        rows.push((
            String::from("tombstones"),
            format!("{{{}}}", join(&self.tombstones)),
        ));
        rows.push((String::from("clock"), format!("{}", self.clock)));
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: NodeId = NodeId(0);
    const B: NodeId = NodeId(1);

    /// A removes x while B concurrently adds x again: B's new tag was not
    /// observed by the remove, so x survives the merge on both sides.
    #[test]
    fn add_concurrent_with_remove_survives() {
        let mut a = OrSet::new();
        a.add(A, "x");
        let mut b = a.clone();
        a.remove(&"x");
        assert!(!a.contains(&"x"));
        b.add(B, "x");
        let (mut ab, mut ba) = (a.clone(), b.clone());
        ab.merge(&b);
        ba.merge(&a);
        assert_eq!(ab, ba);
        assert!(ab.contains(&"x"));
        assert_eq!(
            ab.tags(&"x").collect::<Vec<_>>(),
            [Dot {
                node: B,
                counter: 1
            }]
        );
        assert_eq!(
            ab.describe(),
            [
                (String::from(r#""x""#), String::from("tags {node 2#1}")),
                (String::from("tombstones"), String::from("{node 1#1}")),
                (
                    String::from("clock"),
                    String::from("{node 1: 1, node 2: 1}")
                ),
            ]
        );
    }

    #[test]
    fn observed_remove_wins_and_re_add_works() {
        let mut a = OrSet::new();
        a.add(A, 1);
        let mut b = a.clone();
        b.remove(&1);
        a.merge(&b);
        assert!(!a.contains(&1));
        a.add(A, 1);
        assert!(a.contains(&1));
        assert_eq!(
            a.tags(&1).next(),
            Some(Dot {
                node: A,
                counter: 2
            })
        );
    }

    #[test]
    fn op_based_remove_before_add() {
        let mut src = OrSet::new();
        let add = src.add(A, 7);
        let rm = src.remove(&7);
        let mut dst = OrSet::new();
        dst.apply(&rm);
        dst.apply(&add);
        assert_eq!(dst, src);
        assert!(dst.is_empty());
    }
}
