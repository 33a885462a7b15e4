//! Last-writer-wins register: every assignment is stamped with
//! `(timestamp, replica)` and merging keeps the greater stamp. Equal
//! timestamps are broken by the replica id (the higher wins), so every
//! replica picks the same winner; concurrent writes other than the winner
//! are silently lost — the price of the simple rule.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Ordering;
use core::fmt::Debug;

use super::{CmRdt, CvRdt, Describe};
use crate::node::NodeId;

/// A value with its stamp; also the op of the op-based form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stamped<T> {
    pub value: T,
    pub timestamp: i64,
    pub replica: NodeId,
}

impl<T: Ord> Stamped<T> {
    /// Stamp order; the value only breaks a full tie (one replica reusing a
    /// timestamp, e.g. after a clock reset), keeping merge deterministic.
    fn key_cmp(&self, other: &Self) -> Ordering {
        (self.timestamp, self.replica, &self.value).cmp(&(
            other.timestamp,
            other.replica,
            &other.value,
        ))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LwwRegister<T> {
    current: Option<Stamped<T>>,
}

impl<T> Default for LwwRegister<T> {
    fn default() -> Self {
        LwwRegister { current: None }
    }
}

impl<T: Ord + Clone> LwwRegister<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Assigns `value` at `timestamp` on `replica`. Returns whether it won
    /// (an older stamp than the current one is ignored).
    pub fn set(&mut self, value: T, timestamp: i64, replica: NodeId) -> bool {
        let s = Stamped {
            value,
            timestamp,
            replica,
        };
        let wins = self.wins(&s);
        if wins {
            self.current = Some(s);
        }
        wins
    }

    pub fn get(&self) -> Option<&T> {
        self.current.as_ref().map(|s| &s.value)
    }

    pub fn stamped(&self) -> Option<&Stamped<T>> {
        self.current.as_ref()
    }

    fn wins(&self, s: &Stamped<T>) -> bool {
        self.current
            .as_ref()
            .is_none_or(|c| s.key_cmp(c) == Ordering::Greater)
    }
}

impl<T: Ord + Clone> CvRdt for LwwRegister<T> {
    fn merge(&mut self, other: &Self) {
        if let Some(s) = &other.current {
            self.apply(s);
        }
    }
}

impl<T: Ord + Clone> CmRdt for LwwRegister<T> {
    type Op = Stamped<T>;
    fn apply(&mut self, op: &Stamped<T>) {
        if self.wins(op) {
            self.current = Some(op.clone());
        }
    }
}

impl<T: Ord + Clone + Debug> Describe for LwwRegister<T> {
    fn describe(&self) -> Vec<(String, String)> {
        match &self.current {
            None => alloc::vec![(String::from("value"), String::from("(unset)"))],
            Some(s) => alloc::vec![
                (String::from("value"), format!("{:?}", s.value)),
                (String::from("timestamp"), format!("{}", s.timestamp)),
                (String::from("replica"), format!("{}", s.replica)),
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: NodeId = NodeId(0);
    const B: NodeId = NodeId(1);

    #[test]
    fn later_timestamp_wins() {
        let mut a = LwwRegister::new();
        let mut b = LwwRegister::new();
        a.set("old", 10, B);
        b.set("new", 20, A);
        let (mut ab, mut ba) = (a.clone(), b.clone());
        ab.merge(&b);
        ba.merge(&a);
        assert_eq!(ab.get(), Some(&"new"));
        assert_eq!(ab, ba);
        assert!(!ab.set("stale", 5, B));
        assert_eq!(ab.get(), Some(&"new"));
    }

    #[test]
    fn tie_broken_by_replica() {
        let mut a = LwwRegister::new();
        let mut b = LwwRegister::new();
        a.set("from a", 7, A);
        b.set("from b", 7, B);
        let (mut ab, mut ba) = (a.clone(), b.clone());
        ab.merge(&b);
        ba.merge(&a);
        assert_eq!(ab.get(), Some(&"from b"));
        assert_eq!(ab, ba);
        assert_eq!(
            ab.describe(),
            [
                (String::from("value"), String::from(r#""from b""#)),
                (String::from("timestamp"), String::from("7")),
                (String::from("replica"), String::from("node 2")),
            ]
        );
    }
}
