//! A set of client operation ids as a bitmap. Operation ids are dense
//! (their index in the history), so one bit each is enough — and a node's
//! "which writes have I seen" set stays a few kilobytes for a long run,
//! cheap to clone into every checkpoint, where an ordered tree set of the
//! same ids would be hundreds of kilobytes per node.

use alloc::vec::Vec;

use crate::node::OpId;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpSet {
    words: Vec<u64>,
}

impl OpSet {
    pub fn new() -> OpSet {
        OpSet::default()
    }

    pub fn insert(&mut self, op: OpId) {
        let (word, bit) = (op.0 as usize / 64, op.0 % 64);
        if self.words.len() <= word {
            self.words.resize(word + 1, 0);
        }
        self.words[word] |= 1 << bit;
    }

    pub fn contains(&self, op: OpId) -> bool {
        let (word, bit) = (op.0 as usize / 64, op.0 % 64);
        self.words.get(word).is_some_and(|w| w & (1 << bit) != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_exactly_what_was_inserted() {
        let mut s = OpSet::new();
        for id in [0, 63, 64, 1000] {
            s.insert(OpId(id));
        }
        for id in [0, 63, 64, 1000] {
            assert!(s.contains(OpId(id)));
        }
        for id in [1, 62, 65, 999, 1001, 100_000] {
            assert!(!s.contains(OpId(id)));
        }
    }
}
