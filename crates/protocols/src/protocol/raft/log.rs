//! The replicated log: entries numbered from 1, each stamped with the
//! term of the leader that created it, and — after log compaction — a
//! snapshot standing in for every entry up to `base` (Raft §5.3, §7).

use alloc::string::String;
use alloc::vec::Vec;

use crate::node::{NodeId, OpId};

/// Who votes and who only listens, as bit masks over node indexes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Members {
    pub voters: u16,
    pub learners: u16,
}

impl Members {
    pub fn votes(self, n: NodeId) -> bool {
        self.voters & (1 << n.0) != 0
    }
    pub fn listens(self, n: NodeId) -> bool {
        (self.voters | self.learners) & (1 << n.0) != 0
    }
    pub fn learns(self, n: NodeId) -> bool {
        self.learners & (1 << n.0) != 0
    }
    /// Does `set` hold a majority of the voters?
    pub fn majority(self, set: u16) -> bool {
        2 * (set & self.voters).count_ones() > self.voters.count_ones()
    }
    /// Every node that votes or listens, but `me`.
    pub fn others(self, me: NodeId) -> impl Iterator<Item = NodeId> {
        let all = self.voters | self.learners;
        (0..16u16)
            .filter(move |i| all & (1 << i) != 0 && *i != me.0)
            .map(NodeId)
    }
    pub fn voter_count(self) -> u32 {
        self.voters.count_ones()
    }
}

/// What an entry asks the state machine to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Payload {
    /// The entry a new leader appends at once, so that something of its
    /// own term commits (and with it everything before).
    Noop,
    /// Client operation `op`'s write, taken by `proxy` (the server the
    /// client contacted, which answers it).
    Write {
        op: OpId,
        proxy: NodeId,
        key: String,
        value: i64,
    },
    /// A read through the log: answered when applied.
    Read {
        op: OpId,
        proxy: NodeId,
        key: String,
    },
    /// The cluster's membership from this entry on (in force as soon as
    /// a server has the entry, committed or not: §6).
    Config(Members),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub term: u32,
    pub payload: Payload,
}

impl Entry {
    /// The client operation the entry carries, if any.
    pub fn op(&self) -> Option<OpId> {
        match &self.payload {
            Payload::Write { op, .. } | Payload::Read { op, .. } => Some(*op),
            Payload::Noop | Payload::Config(_) => None,
        }
    }
    /// A few words for the views: "x = 1", "read x", "no-op".
    pub fn text(&self) -> String {
        match &self.payload {
            Payload::Noop => String::from("no-op"),
            Payload::Write { key, value, .. } => alloc::format!("{key} = {value}"),
            Payload::Read { key, .. } => alloc::format!("read {key}"),
            Payload::Config(m) => alloc::format!(
                "config: {} voters, {} learners",
                m.voters.count_ones(),
                m.learners.count_ones()
            ),
        }
    }
}

/// The log, after the entries a snapshot replaced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Log {
    /// The last position the snapshot covers (0: none).
    pub base: u64,
    /// The term of the entry at `base`.
    pub base_term: u32,
    pub entries: Vec<Entry>,
}

impl Log {
    pub fn last_index(&self) -> u64 {
        self.base + self.entries.len() as u64
    }
    pub fn last_term(&self) -> u32 {
        self.entries.last().map_or(self.base_term, |e| e.term)
    }
    /// The term of the entry at `index`: `None` past the end or before
    /// the snapshot.
    pub fn term_at(&self, index: u64) -> Option<u32> {
        if index == self.base {
            Some(self.base_term)
        } else {
            self.get(index).map(|e| e.term)
        }
    }
    pub fn get(&self, index: u64) -> Option<&Entry> {
        if index <= self.base {
            return None;
        }
        self.entries.get((index - self.base - 1) as usize)
    }
    pub fn push(&mut self, entry: Entry) {
        self.entries.push(entry);
    }
    /// Drops the entries from `index` on.
    pub fn truncate_from(&mut self, index: u64) {
        if index > self.base {
            self.entries.truncate((index - self.base - 1) as usize);
        }
    }
    /// Up to `max` entries from `from` on.
    pub fn slice(&self, from: u64, max: usize) -> Vec<Entry> {
        if from <= self.base {
            return Vec::new();
        }
        let start = (from - self.base - 1) as usize;
        self.entries.iter().skip(start).take(max).cloned().collect()
    }
    /// The first position of the term of the entry at `index` (the fast
    /// back-up's hint: the leader skips the whole conflicting term).
    pub fn first_of_term(&self, index: u64) -> u64 {
        let Some(term) = self.term_at(index) else {
            return index;
        };
        let mut i = index;
        while i > self.base + 1 && self.term_at(i - 1) == Some(term) {
            i -= 1;
        }
        i
    }
    /// Forgets the entries up to `index`, now covered by a snapshot.
    pub fn compact(&mut self, index: u64) {
        if index <= self.base || index > self.last_index() {
            return;
        }
        let term = self.term_at(index).unwrap_or(self.base_term);
        self.entries.drain(..(index - self.base) as usize);
        self.base = index;
        self.base_term = term;
    }
    /// The log is replaced by a snapshot up to `index` of `term`: keep the
    /// entries after it only if the log agrees at `index`.
    pub fn reset_to(&mut self, index: u64, term: u32) {
        if self.term_at(index) == Some(term) && index >= self.base {
            self.compact(index);
            if self.base != index {
                self.base = index;
                self.base_term = term;
            }
        } else {
            self.entries.clear();
            self.base = index;
            self.base_term = term;
        }
    }
    /// The membership in force: the latest configuration entry in the log,
    /// else `before` (the snapshot's).
    pub fn members(&self, before: Members) -> Members {
        self.entries
            .iter()
            .rev()
            .find_map(|e| match e.payload {
                Payload::Config(m) => Some(m),
                _ => None,
            })
            .unwrap_or(before)
    }
    /// Is there a configuration entry after `index`?
    pub fn config_after(&self, index: u64) -> bool {
        self.entries.iter().enumerate().any(|(i, e)| {
            self.base + 1 + i as u64 > index && matches!(e.payload, Payload::Config(_))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(terms: &[u32]) -> Log {
        Log {
            base: 0,
            base_term: 0,
            entries: terms
                .iter()
                .map(|&term| Entry {
                    term,
                    payload: Payload::Noop,
                })
                .collect(),
        }
    }

    #[test]
    fn positions_and_terms_read_back_after_compaction() {
        let mut l = log(&[1, 1, 2, 2, 3]);
        assert_eq!((l.last_index(), l.last_term()), (5, 3));
        assert_eq!(l.first_of_term(4), 3);
        assert_eq!(l.first_of_term(2), 1);
        l.compact(3);
        assert_eq!((l.base, l.base_term), (3, 2));
        assert_eq!(l.term_at(3), Some(2));
        assert_eq!(l.term_at(2), None);
        assert_eq!(l.term_at(4), Some(2));
        assert_eq!(l.first_of_term(4), 4);
        assert_eq!(l.slice(4, 10).len(), 2);
        assert_eq!(l.slice(3, 10).len(), 0);
        l.truncate_from(5);
        assert_eq!(l.last_index(), 4);
    }

    #[test]
    fn a_snapshot_keeps_the_entries_after_it_only_where_the_log_agrees() {
        let mut l = log(&[1, 1, 2]);
        l.reset_to(2, 1);
        assert_eq!((l.base, l.last_index()), (2, 3));
        let mut l = log(&[1, 1, 2]);
        l.reset_to(2, 5);
        assert_eq!((l.base, l.base_term, l.last_index()), (2, 5, 2));
        let mut l = log(&[1]);
        l.reset_to(4, 2);
        assert_eq!((l.base, l.last_index(), l.last_term()), (4, 4, 2));
    }

    #[test]
    fn majorities_count_voters_only() {
        let m = Members {
            voters: 0b0111,
            learners: 0b1000,
        };
        assert!(m.majority(0b0011));
        assert!(!m.majority(0b1001));
        assert!(m.listens(NodeId(3)) && !m.votes(NodeId(3)));
        assert_eq!(
            m.others(NodeId(0)).collect::<Vec<_>>(),
            [NodeId(1), NodeId(2), NodeId(3)]
        );
    }
}
