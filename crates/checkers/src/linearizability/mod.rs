//! Linearizability checking, from the definition (Herlihy & Wing, 1990):
//! a history is linearizable when every operation can be given one
//! instant between its invocation and its answer such that, taken in
//! that order, the operations are a run of the sequential object that
//! explains every answer a client saw.
//!
//! - [`model`]: the sequential objects — a read/write/compare-and-set
//!   register and a key-value map of strings — behind one trait, so later
//!   protocols can add theirs;
//! - [`search`]: Wing & Gong's search with Lowe's memoisation (as in
//!   Knossos and Porcupine), bounded by a step budget, explaining a
//!   failure by the longest prefix it could linearize and the operations
//!   that cannot follow it;
//! - per-key checking ([`check_keys`]): each key of a key-value history
//!   is an object of its own, and a history is linearizable exactly when
//!   each key's is (linearizability is compositional — Herlihy & Wing's
//!   locality, the P-compositionality Horn & Kroening exploit);
//! - [`import`]: histories from real systems (Jepsen logs and EDN maps)
//!   and from this simulator.
//!
//! Operations that never answered may take effect at any time after
//! their invocation, or never. Operations that definitely failed took no
//! effect and are left out before checking — except a compare-and-set
//! that answered "did not match", which completed and changed nothing.

pub mod import;
pub mod model;
pub mod search;
pub mod simulated;
pub mod text;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

use alloc::string::String;
use alloc::vec::Vec;

pub use model::{KeyValue, KvAnswer, KvOp, Model, Register, RegisterAnswer, RegisterOp};
pub use search::{check, Budget, Explanation, Op, Verdict};

/// Once one key is proven not linearizable the history is decided; the
/// other keys are still checked, for the list of invalid ones, but with
/// at most this many steps each, so a hard key cannot hold the answer.
pub const STEPS_AFTER_DECIDED: u64 = 200_000;

/// One key's result.
#[derive(Clone, Debug)]
pub struct KeyResult<K> {
    pub key: K,
    /// Operations of this key, in the order they were given (the
    /// verdict's indices point into them).
    pub ops: usize,
    pub verdict: Verdict,
    pub steps: u64,
}

/// A whole history's result, key by key.
#[derive(Clone, Debug)]
pub struct Report<K> {
    /// True when every key is linearizable; false when one key is not;
    /// `None` when no key is proven invalid and some came back unknown.
    pub valid: Option<bool>,
    /// In the order they were checked: fewest operations first.
    pub keys: Vec<KeyResult<K>>,
}

impl<K> Report<K> {
    pub fn invalid(&self) -> impl Iterator<Item = &KeyResult<K>> {
        self.keys
            .iter()
            .filter(|k| matches!(k.verdict, Verdict::NotLinearizable(_)))
    }
    pub fn unknown(&self) -> impl Iterator<Item = &KeyResult<K>> {
        self.keys
            .iter()
            .filter(|k| matches!(k.verdict, Verdict::Unknown { .. }))
    }
}

/// Checks each key's operations on its own, each with `budget`; keys
/// with fewer operations first, since a small key is decided fastest.
/// `by_key` lists each key's operations.
pub fn check_keys<M: Model + Clone, K: Clone>(
    model: &M,
    by_key: &[(K, Vec<Op<M>>)],
    budget: Budget,
) -> Report<K> {
    let mut order: Vec<usize> = (0..by_key.len()).collect();
    crate::sorting::sort_by_key(&mut order, |&i| by_key[i].1.len());
    let mut keys = Vec::with_capacity(by_key.len());
    let mut decided = false;
    for i in order {
        let (key, ops) = &by_key[i];
        let budget = if decided {
            Budget {
                steps: budget.steps.min(STEPS_AFTER_DECIDED),
            }
        } else {
            budget
        };
        let out = check(model, ops, budget);
        decided |= matches!(out.verdict, Verdict::NotLinearizable(_));
        keys.push(KeyResult {
            key: key.clone(),
            ops: ops.len(),
            verdict: out.verdict,
            steps: out.steps,
        });
    }
    let valid = if decided {
        Some(false)
    } else if keys
        .iter()
        .any(|k| matches!(k.verdict, Verdict::Unknown { .. }))
    {
        None
    } else {
        Some(true)
    };
    Report { valid, keys }
}

/// Splits keyed operations into one list per key, keys in first-seen
/// order.
pub fn by_key<M: Model, K: Ord + Clone>(
    ops: impl IntoIterator<Item = (K, Op<M>)>,
) -> Vec<(K, Vec<Op<M>>)> {
    let mut index: alloc::collections::BTreeMap<K, usize> = alloc::collections::BTreeMap::new();
    let mut out: Vec<(K, Vec<Op<M>>)> = Vec::new();
    for (key, op) in ops {
        let at = *index.entry(key.clone()).or_insert_with(|| {
            out.push((key.clone(), Vec::new()));
            out.len() - 1
        });
        out[at].1.push(op);
    }
    out
}

/// An explanation in words: the prefix that works, the state it leaves,
/// and what cannot follow. `name` names an operation by its index.
pub fn explain<M: Model>(
    model: &M,
    ops: &[Op<M>],
    why: &Explanation,
    name: impl Fn(usize) -> String,
) -> String {
    use alloc::format;
    let state = model.describe_after(ops, &why.prefix).unwrap_or_default();
    let prefix = if why.prefix.is_empty() {
        String::from("no operation can go first")
    } else {
        format!(
            "{} operation(s) can be put in one order ({}), after which {state}",
            why.prefix.len(),
            shorten(why.prefix.iter().map(|&i| name(i)).collect())
        )
    };
    let stuck: Vec<String> = why
        .stuck
        .iter()
        .map(|&i| {
            format!(
                "{} ({})",
                name(i),
                model.describe_op(&ops[i].input, ops[i].output.as_ref())
            )
        })
        .collect();
    format!(
        "{prefix}; then none of the operations that could come next fits: {}",
        shorten(stuck)
    )
}

/// "a, b, c" — or the first and last few of a long list.
fn shorten(items: Vec<String>) -> String {
    const EDGE: usize = 4;
    if items.len() <= 2 * EDGE + 1 {
        return items.join(", ");
    }
    let head = items[..EDGE].join(", ");
    let tail = items[items.len() - EDGE..].join(", ");
    alloc::format!("{head}, … {} more …, {tail}", items.len() - 2 * EDGE)
}
