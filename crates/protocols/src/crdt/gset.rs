//! Grow-only set: elements can be added, never removed, so merging is set
//! union.

use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt::Debug;

use super::{CmRdt, CvRdt, Describe};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GSet<T: Ord> {
    elements: BTreeSet<T>,
}

impl<T: Ord> Default for GSet<T> {
    fn default() -> Self {
        GSet {
            elements: BTreeSet::new(),
        }
    }
}

impl<T: Ord> GSet<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Returns whether `value` is new here.
    pub fn insert(&mut self, value: T) -> bool {
        self.elements.insert(value)
    }

    pub fn contains(&self, value: &T) -> bool {
        self.elements.contains(value)
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.elements.iter()
    }

    pub fn len(&self) -> usize {
        self.elements.len()
    }

    pub fn is_empty(&self) -> bool {
        self.elements.is_empty()
    }
}

impl<T: Ord + Clone> CvRdt for GSet<T> {
    fn merge(&mut self, other: &Self) {
        self.elements.extend(other.elements.iter().cloned());
    }
}

/// The op is the element added.
impl<T: Ord + Clone> CmRdt for GSet<T> {
    type Op = T;
    fn apply(&mut self, op: &T) {
        self.elements.insert(op.clone());
    }
}

impl<T: Ord + Debug> Describe for GSet<T> {
    fn describe(&self) -> Vec<(String, String)> {
        let items: Vec<String> = self.elements.iter().map(|e| format!("{e:?}")).collect();
        alloc::vec![
            (
                String::from("elements"),
                format!("{{{}}}", items.join(", "))
            ),
            (String::from("size"), self.len().to_string()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_and_describe() {
        let mut a = GSet::new();
        let mut b = GSet::new();
        assert!(a.insert("x"));
        assert!(!a.insert("x"));
        b.insert("y");
        a.merge(&b);
        assert!(a.contains(&"x") && a.contains(&"y"));
        assert_eq!(a.describe()[0].1, r#"{"x", "y"}"#);
    }
}
