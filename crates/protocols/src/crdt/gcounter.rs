//! Grow-only counter: each replica counts only its own increments, and the
//! total is the sum over replicas. Merging takes each replica's larger
//! count, so an increment seen twice is still counted once.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::{CmRdt, CvRdt, Describe};
use crate::node::NodeId;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GCounter {
    /// Non-zero counts only, so equal states compare equal.
    counts: BTreeMap<NodeId, u64>,
}

/// "`replica` added `by`": the op-based form of an increment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GCounterOp {
    pub replica: NodeId,
    pub by: u64,
}

impl GCounter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `by` on `replica`'s behalf; returns the op to broadcast.
    pub fn increment(&mut self, replica: NodeId, by: u64) -> GCounterOp {
        let op = GCounterOp { replica, by };
        self.apply(&op);
        op
    }

    pub fn value(&self) -> u64 {
        self.counts.values().fold(0, |a, &c| a.saturating_add(c))
    }

    /// `replica`'s own contribution.
    pub fn get(&self, replica: NodeId) -> u64 {
        self.counts.get(&replica).copied().unwrap_or(0)
    }

    pub fn counts(&self) -> impl Iterator<Item = (NodeId, u64)> + '_ {
        self.counts.iter().map(|(&n, &c)| (n, c))
    }
}

impl CvRdt for GCounter {
    fn merge(&mut self, other: &Self) {
        for (&node, &c) in &other.counts {
            let mine = self.counts.entry(node).or_insert(0);
            *mine = (*mine).max(c);
        }
    }
}

impl CmRdt for GCounter {
    type Op = GCounterOp;
    fn apply(&mut self, op: &GCounterOp) {
        if op.by > 0 {
            let c = self.counts.entry(op.replica).or_insert(0);
            *c = c.saturating_add(op.by);
        }
    }
}

impl Describe for GCounter {
    fn describe(&self) -> Vec<(String, String)> {
        let mut rows: Vec<(String, String)> = self
            .counts()
            .map(|(n, c)| (format!("{n}"), c.to_string()))
            .collect();
        rows.push((String::from("value"), self.value().to_string()));
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: NodeId = NodeId(0);
    const B: NodeId = NodeId(1);

    /// The article's example: +5 on one replica, +3 on another, merged in
    /// either order, is 8.
    #[test]
    fn five_plus_three_in_either_order() {
        let mut a = GCounter::new();
        let mut b = GCounter::new();
        a.increment(A, 5);
        b.increment(B, 3);
        let (mut ab, mut ba) = (a.clone(), b.clone());
        ab.merge(&b);
        ba.merge(&a);
        assert_eq!(ab.value(), 8);
        assert_eq!(ab, ba);
        // A duplicate delivery changes nothing.
        ab.merge(&b);
        assert_eq!(ab.value(), 8);
    }

    #[test]
    fn op_based_and_describe() {
        let mut a = GCounter::new();
        let op = a.increment(A, 2);
        a.increment(A, 1);
        let mut b = GCounter::new();
        b.apply(&op);
        assert_eq!(b.get(A), 2);
        assert_eq!(
            a.describe(),
            [
                (String::from("node 1"), String::from("3")),
                (String::from("value"), String::from("3"))
            ]
        );
    }
}
