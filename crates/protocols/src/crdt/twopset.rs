//! Two-phase set: a grow-only set of additions plus a grow-only set of
//! tombstones. An element is present when added and not tombstoned; since
//! tombstones are forever, an element once removed can never come back.

use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Debug;

use super::{CmRdt, CvRdt, Describe};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TwoPSet<T: Ord> {
    added: BTreeSet<T>,
    removed: BTreeSet<T>,
}

/// Operation for the op-based form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TwoPSetOp<T> {
    Add(T),
    Remove(T),
}

impl<T: Ord> Default for TwoPSet<T> {
    fn default() -> Self {
        TwoPSet {
            added: BTreeSet::new(),
            removed: BTreeSet::new(),
        }
    }
}

impl<T: Ord + Clone> TwoPSet<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `value`. Returns `false` when it did not take effect because
    /// `value` was removed before (and then the set is unchanged); `true`
    /// means `value` is now present.
    pub fn add(&mut self, value: T) -> bool {
        if self.removed.contains(&value) {
            return false;
        }
        self.added.insert(value);
        true
    }

    /// Removes `value` if it is present here (a replica may only remove
    /// what it has seen added). Returns whether it did.
    pub fn remove(&mut self, value: &T) -> bool {
        if !self.contains(value) {
            return false;
        }
        self.removed.insert(value.clone());
        true
    }

    pub fn contains(&self, value: &T) -> bool {
        self.added.contains(value) && !self.removed.contains(value)
    }

    /// The present elements.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.added.iter().filter(|e| !self.removed.contains(e))
    }

    pub fn tombstones(&self) -> impl Iterator<Item = &T> {
        self.removed.iter()
    }
}

impl<T: Ord + Clone> CvRdt for TwoPSet<T> {
    fn merge(&mut self, other: &Self) {
        self.added.extend(other.added.iter().cloned());
        self.removed.extend(other.removed.iter().cloned());
    }
}

/// A `Remove` may arrive before its `Add`; the tombstone still wins.
impl<T: Ord + Clone> CmRdt for TwoPSet<T> {
    type Op = TwoPSetOp<T>;
    fn apply(&mut self, op: &TwoPSetOp<T>) {
        match op {
            TwoPSetOp::Add(v) => {
                self.added.insert(v.clone());
            }
            TwoPSetOp::Remove(v) => {
                self.added.insert(v.clone());
                self.removed.insert(v.clone());
            }
        }
    }
}

impl<T: Ord + Clone + Debug> Describe for TwoPSet<T> {
    fn describe(&self) -> Vec<(String, String)> {
        let show = |it: &mut dyn Iterator<Item = &T>| {
            let items: Vec<String> = it.map(|e| format!("{e:?}")).collect();
            format!("{{{}}}", items.join(", "))
        };
        alloc::vec![
            (String::from("elements"), show(&mut self.iter())),
            (String::from("added"), show(&mut self.added.iter())),
            (String::from("tombstones"), show(&mut self.removed.iter())),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_re_add_after_remove() {
        let mut a = TwoPSet::new();
        assert!(a.add(1));
        assert!(a.remove(&1));
        assert!(!a.contains(&1));
        assert!(!a.add(1));
        assert!(!a.contains(&1));
        assert!(!a.remove(&2), "cannot remove what was never added");
    }

    #[test]
    fn remove_wins_over_concurrent_add() {
        let mut a = TwoPSet::new();
        a.add("x");
        let mut b = a.clone();
        a.remove(&"x");
        assert!(b.add("x")); // b has not heard of the removal yet
        b.merge(&a);
        assert!(!b.contains(&"x"));
        assert_eq!(
            b.describe(),
            [
                (String::from("elements"), String::from("{}")),
                (String::from("added"), String::from(r#"{"x"}"#)),
                (String::from("tombstones"), String::from(r#"{"x"}"#)),
            ]
        );
    }
}
