//! Multi-value register: instead of picking a winner among concurrent
//! assignments it keeps them all, each with its version, until an
//! assignment whose context has seen them replaces them. Built on
//! [`Siblings`](crate::vv::Siblings): a read returns every current value and
//! the merged context; assigning with that context collapses them.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Debug;

use super::{CvRdt, Describe};
use crate::node::NodeId;
use crate::vv::{Siblings, VersionVector};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MvRegister<T> {
    siblings: Siblings<T>,
}

impl<T> Default for MvRegister<T> {
    fn default() -> Self {
        MvRegister {
            siblings: Siblings::new(),
        }
    }
}

impl<T: Clone> MvRegister<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Assigns on `replica` having seen everything this copy holds: the
    /// register then has exactly one value. Returns its version.
    pub fn assign(&mut self, replica: NodeId, value: T) -> VersionVector {
        let ctx = self.siblings.context();
        self.siblings.write(value, &ctx, replica)
    }

    /// Assigns on `replica` for a client that had read `context` (perhaps
    /// stale): replaces only the values that context has seen.
    pub fn assign_with_context(
        &mut self,
        replica: NodeId,
        value: T,
        context: &VersionVector,
    ) -> VersionVector {
        self.siblings.write(value, context, replica)
    }

    /// The current values (more than one when assignments were
    /// concurrent), in a deterministic order.
    pub fn values(&self) -> Vec<&T> {
        self.siblings.values()
    }

    /// The context a read returns.
    pub fn context(&self) -> VersionVector {
        self.siblings.context()
    }

    pub fn siblings(&self) -> &Siblings<T> {
        &self.siblings
    }
}

impl<T: Clone> CvRdt for MvRegister<T> {
    fn merge(&mut self, other: &Self) {
        self.siblings.merge(&other.siblings);
    }
}

impl<T: Clone + Debug> Describe for MvRegister<T> {
    fn describe(&self) -> Vec<(String, String)> {
        let mut rows: Vec<(String, String)> = self
            .siblings
            .iter()
            .map(|s| {
                (
                    format!("{:?}", s.value),
                    format!("written {} · version {}", s.dot, s.version()),
                )
            })
            .collect();
        rows.push((String::from("context"), format!("{}", self.context())));
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: NodeId = NodeId(0);
    const B: NodeId = NodeId(1);

    #[test]
    fn keeps_concurrent_values_until_dominating_assign() {
        let mut a = MvRegister::new();
        let mut b = MvRegister::new();
        a.assign(A, "red");
        b.assign(B, "blue");
        let (mut ab, mut ba) = (a.clone(), b.clone());
        ab.merge(&b);
        ba.merge(&a);
        assert_eq!(ab, ba);
        assert_eq!(ab.values(), [&"red", &"blue"]);
        // An assignment that saw only "red" keeps "blue".
        let red_ctx = a.context();
        let mut c = ab.clone();
        c.assign_with_context(A, "green", &red_ctx);
        // In dot order: node 1#2, then node 2#1.
        assert_eq!(c.values(), [&"green", &"blue"]);
        // One whose context dominates both collapses them.
        let v = ab.assign(B, "purple");
        assert!(v.dominates(&a.context()) && v.dominates(&b.context()));
        assert_eq!(ab.values(), [&"purple"]);
        // And it wins over the older sibling set on merge, both ways.
        let mut old = ba.clone();
        old.merge(&ab);
        assert_eq!(old.values(), [&"purple"]);
        ab.merge(&ba);
        assert_eq!(ab.values(), [&"purple"]);
        assert_eq!(
            ab.describe(),
            [
                (
                    String::from(r#""purple""#),
                    String::from("written node 2#2 · version {node 1: 1, node 2: 2}")
                ),
                (
                    String::from("context"),
                    String::from("{node 1: 1, node 2: 2}")
                ),
            ]
        );
    }
}
