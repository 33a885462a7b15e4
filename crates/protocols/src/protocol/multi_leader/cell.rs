//! What one key holds on one node: its value, the version vector of every
//! write to the key the node has taken into account, and who wrote what
//! it holds now. The version vector is how a leader tells a write that
//! replaced its copy from one made without knowing of it — a conflict.

use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::crdt_value::{CrdtValue, Reading};
use crate::node::{values_text, OpId};
use crate::vv::{Dot, VersionVector};

/// A key's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Number(i64),
    Set(BTreeSet<i64>),
    /// Concurrent values kept side by side until a person picks one (the
    /// "flag for review" resolver).
    Siblings(Vec<(Value, Writer)>),
    Crdt(CrdtValue),
}

impl Value {
    pub fn text(&self) -> String {
        match self {
            Value::Number(v) => format!("{v}"),
            Value::Set(s) => values_text(&s.iter().copied().collect::<Vec<_>>()),
            Value::Siblings(s) => {
                let mut out = String::from("conflict: ");
                for (i, (v, _)) in s.iter().enumerate() {
                    if i > 0 {
                        out.push_str(" | ");
                    }
                    out.push_str(&v.text());
                }
                out
            }
            Value::Crdt(c) => c.text(),
        }
    }

    /// A read's answer: one number, or several values (a set's members,
    /// the flattened siblings).
    pub fn reading(&self) -> Reading {
        match self {
            Value::Number(v) => Reading::Number(Some(*v)),
            Value::Set(s) => Reading::Values(s.iter().copied().collect()),
            Value::Siblings(s) => {
                let mut all: Vec<i64> = Vec::new();
                for (v, _) in s {
                    match v.reading() {
                        Reading::Number(Some(n)) => all.push(n),
                        Reading::Number(None) => {}
                        Reading::Values(vs) => all.extend(vs),
                    }
                }
                crate::sorting::sort(&mut all);
                all.dedup();
                Reading::Values(all)
            }
            Value::Crdt(c) => c.read(),
        }
    }
}

/// The client write behind a value: which operation, where it was taken,
/// what it asked for ("price = 100") and the timestamp its leader gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Writer {
    pub op: OpId,
    pub dot: Dot,
    pub what: String,
    pub stamp: Stamp,
}

impl Writer {
    /// "write #1 (price = 100 at node 1)".
    pub fn label(&self) -> String {
        format!("write #{} ({} at {})", self.op.0, self.what, self.dot.node)
    }
}

/// Last-write-wins order: the leader's clock reading in µs, ties broken by
/// the leader's id so every node picks the same winner.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stamp {
    pub micros: i64,
    pub node: u16,
}

impl Stamp {
    /// "t=1020.5 ms by its clock".
    pub fn text(&self) -> String {
        let us = self.micros;
        let sign = if us < 0 { "-" } else { "" };
        let us = us.unsigned_abs();
        let (ms, frac) = (us / 1000, us % 1000);
        if frac == 0 {
            format!("{sign}{ms} ms")
        } else {
            let digits = format!("{frac:03}");
            format!("{sign}{ms}.{} ms", digits.trim_end_matches('0'))
        }
    }
}

/// One concurrent version of a key: its value, the write that made it
/// and that write's version vector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    pub value: Value,
    pub writer: Writer,
    pub vv: VersionVector,
}

/// One key on one node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    pub value: Value,
    pub vv: VersionVector,
    /// The writes the current value came from: one after a plain write,
    /// several after a merge or a resolver.
    pub writers: Vec<Writer>,
    /// The versions no later write has seen, in dot order, when there are
    /// several (empty: just the one version `value` is). An application
    /// resolver decides from these every time, not from its previous
    /// answer, so leaders that saw the versions in different orders still
    /// agree.
    pub frontier: Vec<Version>,
}

impl Cell {
    /// A key holding one write's value.
    pub fn new(value: Value, vv: VersionVector, writer: Writer) -> Cell {
        Cell {
            frontier: Vec::new(),
            value,
            vv,
            writers: alloc::vec![writer],
        }
    }

    /// The concurrent versions this copy stands for.
    pub fn versions(&self) -> Vec<Version> {
        if !self.frontier.is_empty() {
            return self.frontier.clone();
        }
        self.writers
            .first()
            .map(|w| Version {
                value: self.value.clone(),
                writer: w.clone(),
                vv: self.vv.clone(),
            })
            .into_iter()
            .collect()
    }

    /// The stamp last-write-wins compares: the newest of its writers'.
    pub fn stamp(&self) -> Stamp {
        self.writers
            .iter()
            .map(|w| w.stamp)
            .max()
            .unwrap_or_default()
    }

    /// The writers a write with context `vv` did not know about: the ones
    /// it conflicts with.
    pub fn unseen_by<'a>(&'a self, vv: &'a VersionVector) -> impl Iterator<Item = &'a Writer> {
        self.writers.iter().filter(move |w| !vv.contains(w.dot))
    }

    /// The version a read reports: how many writes to the key the copy
    /// reflects. A copy that has seen a write has a version at least as
    /// high as that write's.
    pub fn version(&self) -> u64 {
        self.vv.iter().map(|(_, n)| n).sum()
    }
}
