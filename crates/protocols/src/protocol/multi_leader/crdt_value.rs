//! One key held as a CRDT: the chosen type behind one enum, so a leader
//! can apply a client's request to its own copy, ship the whole state, and
//! merge a peer's state into its own without knowing which type it is.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::config::CrdtKind;
use super::request::Edit;
use crate::crdt::{
    CvRdt, Describe, GCounter, GSet, LwwRegister, MvRegister, OrSet, PnCounter, TwoPSet,
};
use crate::node::{values_text, NodeId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CrdtValue {
    GCounter(GCounter),
    PnCounter(PnCounter),
    GSet(GSet<i64>),
    TwoPSet(TwoPSet<i64>),
    OrSet(OrSet<i64>),
    LwwRegister(LwwRegister<i64>),
    MvRegister(MvRegister<i64>),
}

/// What a read of a CRDT returns: one number, or several values.
pub enum Reading {
    Number(Option<i64>),
    Values(Vec<i64>),
}

impl CrdtValue {
    pub fn new(kind: CrdtKind) -> CrdtValue {
        match kind {
            CrdtKind::GCounter => CrdtValue::GCounter(GCounter::new()),
            CrdtKind::PnCounter => CrdtValue::PnCounter(PnCounter::new()),
            CrdtKind::GSet => CrdtValue::GSet(GSet::new()),
            CrdtKind::TwoPSet => CrdtValue::TwoPSet(TwoPSet::new()),
            CrdtKind::OrSet => CrdtValue::OrSet(OrSet::new()),
            CrdtKind::LwwRegister => CrdtValue::LwwRegister(LwwRegister::new()),
            CrdtKind::MvRegister => CrdtValue::MvRegister(MvRegister::new()),
        }
    }

    /// Applies a client's request on replica `me` whose clock reads
    /// `now_us`; a request the type does not offer is refused with a
    /// sentence saying which requests it takes.
    pub fn apply(&mut self, me: NodeId, now_us: i64, edit: Edit) -> Result<(), String> {
        match (self, edit) {
            (CrdtValue::GCounter(c), Edit::Increment(by)) if by >= 0 => {
                c.increment(me, by as u64);
            }
            (CrdtValue::GCounter(_), Edit::Increment(_)) => {
                return Err(String::from(
                    "a G-Counter only grows: pick a PN-Counter to decrement",
                ))
            }
            (CrdtValue::PnCounter(c), Edit::Increment(by)) => {
                c.add(me, by);
            }
            (CrdtValue::GSet(s), Edit::Add(value)) => {
                s.insert(value);
            }
            (CrdtValue::GSet(_), Edit::Remove(_)) => {
                return Err(String::from(
                    "a G-Set only grows: pick a 2P-Set or an OR-Set to remove",
                ))
            }
            (CrdtValue::TwoPSet(s), Edit::Add(value)) => {
                if !s.add(value) {
                    return Err(format!(
                        "{value} was removed before, and a 2P-Set never takes a removed element back"
                    ));
                }
            }
            (CrdtValue::TwoPSet(s), Edit::Remove(value)) => {
                if !s.remove(&value) {
                    return Err(format!("{value} is not in the set"));
                }
            }
            (CrdtValue::OrSet(s), Edit::Add(value)) => {
                s.add(me, value);
            }
            (CrdtValue::OrSet(s), Edit::Remove(value)) => {
                if !s.contains(&value) {
                    return Err(format!("{value} is not in the set"));
                }
                s.remove(&value);
            }
            (CrdtValue::LwwRegister(r), Edit::Set(value)) => {
                r.set(value, now_us, me);
            }
            (CrdtValue::MvRegister(r), Edit::Set(value)) => {
                r.assign(me, value);
            }
            (c, _) => {
                return Err(format!(
                    "a {} takes {}",
                    c.kind().name(),
                    c.kind().requests()
                ))
            }
        }
        Ok(())
    }

    pub fn kind(&self) -> CrdtKind {
        match self {
            CrdtValue::GCounter(_) => CrdtKind::GCounter,
            CrdtValue::PnCounter(_) => CrdtKind::PnCounter,
            CrdtValue::GSet(_) => CrdtKind::GSet,
            CrdtValue::TwoPSet(_) => CrdtKind::TwoPSet,
            CrdtValue::OrSet(_) => CrdtKind::OrSet,
            CrdtValue::LwwRegister(_) => CrdtKind::LwwRegister,
            CrdtValue::MvRegister(_) => CrdtKind::MvRegister,
        }
    }

    /// Joins `other` into `self` (same type; a mismatch cannot happen in
    /// one run, and is ignored rather than trusted).
    pub fn merge(&mut self, other: &CrdtValue) {
        match (self, other) {
            (CrdtValue::GCounter(a), CrdtValue::GCounter(b)) => a.merge(b),
            (CrdtValue::PnCounter(a), CrdtValue::PnCounter(b)) => a.merge(b),
            (CrdtValue::GSet(a), CrdtValue::GSet(b)) => a.merge(b),
            (CrdtValue::TwoPSet(a), CrdtValue::TwoPSet(b)) => a.merge(b),
            (CrdtValue::OrSet(a), CrdtValue::OrSet(b)) => a.merge(b),
            (CrdtValue::LwwRegister(a), CrdtValue::LwwRegister(b)) => a.merge(b),
            (CrdtValue::MvRegister(a), CrdtValue::MvRegister(b)) => a.merge(b),
            _ => {}
        }
    }

    pub fn read(&self) -> Reading {
        match self {
            CrdtValue::GCounter(c) => Reading::Number(Some(c.value() as i64)),
            CrdtValue::PnCounter(c) => Reading::Number(Some(c.value())),
            CrdtValue::GSet(s) => Reading::Values(s.iter().copied().collect()),
            CrdtValue::TwoPSet(s) => Reading::Values(s.iter().copied().collect()),
            CrdtValue::OrSet(s) => Reading::Values(s.iter().copied().collect()),
            CrdtValue::LwwRegister(r) => Reading::Number(r.get().copied()),
            CrdtValue::MvRegister(r) => {
                let mut v: Vec<i64> = r.values().into_iter().copied().collect();
                crate::sorting::sort(&mut v);
                v.dedup();
                Reading::Values(v)
            }
        }
    }

    /// The value as people read it: `8`, `{1, 3}`.
    pub fn text(&self) -> String {
        match self.read() {
            Reading::Number(Some(v)) => format!("{v}"),
            Reading::Number(None) => String::from("(empty)"),
            Reading::Values(v) => values_text(&v),
        }
    }

    /// The internal state (per-replica counters, tags, tombstones).
    pub fn internals(&self) -> Vec<(String, String)> {
        match self {
            CrdtValue::GCounter(c) => c.describe(),
            CrdtValue::PnCounter(c) => c.describe(),
            CrdtValue::GSet(s) => s.describe(),
            CrdtValue::TwoPSet(s) => s.describe(),
            CrdtValue::OrSet(s) => s.describe(),
            CrdtValue::LwwRegister(r) => r.describe(),
            CrdtValue::MvRegister(r) => r.describe(),
        }
    }

    /// The internals on one line, for message payloads and notes.
    pub fn internals_line(&self) -> String {
        let mut out = String::new();
        for (i, (label, value)) in self.internals().into_iter().enumerate() {
            if i > 0 {
                out.push_str("; ");
            }
            out.push_str(&format!("{label}: {value}"));
        }
        out
    }
}

impl CrdtKind {
    /// The requests the type takes, in words.
    pub fn requests(self) -> &'static str {
        match self {
            CrdtKind::GCounter => "increments by 0 or more",
            CrdtKind::PnCounter => "increments and decrements",
            CrdtKind::GSet => "adds only",
            CrdtKind::TwoPSet | CrdtKind::OrSet => "adds and removes",
            CrdtKind::LwwRegister | CrdtKind::MvRegister => "writes",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inc(by: i64) -> Edit {
        Edit::Increment(by)
    }

    #[test]
    fn plus_five_and_plus_three_merge_to_eight_in_either_order() {
        let (a, b) = (NodeId(0), NodeId(2));
        let mut x = CrdtValue::new(CrdtKind::PnCounter);
        let mut y = x.clone();
        x.apply(a, 0, inc(5)).unwrap();
        y.apply(b, 0, inc(3)).unwrap();
        let mut xy = x.clone();
        xy.merge(&y);
        let mut yx = y.clone();
        yx.merge(&x);
        assert_eq!(xy, yx);
        assert_eq!(xy.text(), "8");
    }

    #[test]
    fn types_refuse_requests_they_do_not_offer_and_say_why() {
        let mut g = CrdtValue::new(CrdtKind::GCounter);
        assert!(g
            .apply(NodeId(0), 0, inc(-1))
            .unwrap_err()
            .contains("only grows"));
        let mut s = CrdtValue::new(CrdtKind::TwoPSet);
        s.apply(NodeId(0), 0, Edit::Add(7)).unwrap();
        s.apply(NodeId(0), 0, Edit::Remove(7)).unwrap();
        assert!(s
            .apply(NodeId(0), 0, Edit::Add(7))
            .unwrap_err()
            .contains("never takes"));
        let mut r = CrdtValue::new(CrdtKind::MvRegister);
        assert!(r
            .apply(NodeId(0), 0, inc(1))
            .unwrap_err()
            .contains("takes writes"));
    }
}
