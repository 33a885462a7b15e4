//! Conflict-free replicated data types: replica states that can always be
//! merged, in any order and any number of times, and still end up equal.
//!
//! The state-based ("convergent") form needs one thing from a type: a
//! `merge` that is a least upper bound — commutative, associative and
//! idempotent — and mutators that only ever move the state upwards. Then
//! gossip can lose, duplicate and reorder states freely: replicas that have
//! (transitively) received the same updates hold the same state.
//!
//! Where it is natural a type also has an op-based ("commutative") form
//! ([`CmRdt`]): mutators return the operation they applied, and other
//! replicas `apply` it. Operations must be delivered exactly once; the
//! types here accept them in any order.
//!
//! Every type implements [`Describe`] for the inspector: its raw state
//! (per-replica counters, tags, tombstones) as label/value rows.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Display;

mod gcounter;
mod gset;
mod lww;
mod mvregister;
mod orset;
mod pncounter;
mod twopset;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod proptests;

pub use gcounter::{GCounter, GCounterOp};
pub use gset::GSet;
pub use lww::{LwwRegister, Stamped};
pub use mvregister::MvRegister;
pub use orset::{OrSet, OrSetOp};
pub use pncounter::{PnCounter, PnCounterOp};
pub use twopset::{TwoPSet, TwoPSetOp};

use crate::vv::{Siblings, VersionVector};

/// A state-based CRDT: `merge` is the join of a semilattice.
pub trait CvRdt: Clone {
    /// Afterwards `self` holds everything either state held.
    fn merge(&mut self, other: &Self);
}

/// An op-based CRDT: operations commute, so replicas that applied the same
/// set of operations (each exactly once) hold the same state.
pub trait CmRdt {
    type Op;
    fn apply(&mut self, op: &Self::Op);
}

/// The raw state as label/value rows, for the inspector.
pub trait Describe {
    fn describe(&self) -> Vec<(String, String)>;
}

impl CvRdt for VersionVector {
    fn merge(&mut self, other: &Self) {
        VersionVector::merge(self, other);
    }
}

impl<T: Clone> CvRdt for Siblings<T> {
    fn merge(&mut self, other: &Self) {
        Siblings::merge(self, other);
    }
}

/// `a, b, c` — for set-like rows.
pub(crate) fn join<I>(items: I) -> String
where
    I: IntoIterator,
    I::Item: Display,
{
    use core::fmt::Write;
    let mut out = String::new();
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{item}");
    }
    out
}
