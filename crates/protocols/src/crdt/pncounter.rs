//! Counter that can go down: two grow-only counters, one for increments and
//! one for decrements; the value is their difference. Each half merges on
//! its own, so the pair merges as a CRDT too.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::{CmRdt, CvRdt, Describe, GCounter, GCounterOp};
use crate::node::NodeId;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PnCounter {
    p: GCounter,
    n: GCounter,
}

/// "`replica` added `delta`" (negative to subtract).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PnCounterOp {
    pub replica: NodeId,
    pub delta: i64,
}

impl PnCounter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `delta` (may be negative) on `replica`'s behalf.
    pub fn add(&mut self, replica: NodeId, delta: i64) -> PnCounterOp {
        let op = PnCounterOp { replica, delta };
        self.apply(&op);
        op
    }

    pub fn value(&self) -> i64 {
        let v = i128::from(self.p.value()) - i128::from(self.n.value());
        v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
    }

    /// The increments half.
    pub fn increments(&self) -> &GCounter {
        &self.p
    }

    /// The decrements half.
    pub fn decrements(&self) -> &GCounter {
        &self.n
    }
}

impl CvRdt for PnCounter {
    fn merge(&mut self, other: &Self) {
        self.p.merge(&other.p);
        self.n.merge(&other.n);
    }
}

impl CmRdt for PnCounter {
    type Op = PnCounterOp;
    fn apply(&mut self, op: &PnCounterOp) {
        let half = if op.delta >= 0 {
            &mut self.p
        } else {
            &mut self.n
        };
        half.apply(&GCounterOp {
            replica: op.replica,
            by: op.delta.unsigned_abs(),
        });
    }
}

impl Describe for PnCounter {
    fn describe(&self) -> Vec<(String, String)> {
        let mut nodes: Vec<NodeId> = self
            .p
            .counts()
            .chain(self.n.counts())
            .map(|(n, _)| n)
            .collect();
        crate::sorting::sort(&mut nodes);
        nodes.dedup();
        let mut rows: Vec<(String, String)> = nodes
            .into_iter()
            .map(|n| {
                (
                    format!("{n}"),
                    format!("+{} −{}", self.p.get(n), self.n.get(n)),
                )
            })
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

    #[test]
    fn a_plus5_minus2_and_b_plus3_is_6() {
        let mut a = PnCounter::new();
        let mut b = PnCounter::new();
        a.add(A, 5);
        a.add(A, -2);
        b.add(B, 3);
        let mut ab = a.clone();
        ab.merge(&b);
        let mut ba = b.clone();
        ba.merge(&a);
        assert_eq!(ab.value(), 6);
        assert_eq!(ab, ba);
        assert_eq!(
            ab.describe(),
            [
                (String::from("node 1"), String::from("+5 −2")),
                (String::from("node 2"), String::from("+3 −0")),
                (String::from("value"), String::from("6")),
            ]
        );
    }

    #[test]
    fn op_based_any_order() {
        let ops = [
            PnCounterOp {
                replica: A,
                delta: 5,
            },
            PnCounterOp {
                replica: A,
                delta: -2,
            },
            PnCounterOp {
                replica: B,
                delta: 3,
            },
        ];
        let mut fwd = PnCounter::new();
        ops.iter().for_each(|o| fwd.apply(o));
        let mut rev = PnCounter::new();
        ops.iter().rev().for_each(|o| rev.apply(o));
        assert_eq!(fwd, rev);
        assert_eq!(fwd.value(), 6);
    }
}
