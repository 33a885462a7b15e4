//! Application-level conflict resolution: the handler the application
//! registers, called with both versions when a leader finds that a
//! replicated write is concurrent with its own copy. Whatever it returns
//! must not depend on which side is "local" — both leaders call it, in
//! opposite roles, and must end with the same value.

use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::cell::{Stamp, Value, Version, Writer};
use super::config::ResolverKind;

/// What the handler decided.
pub enum Resolved {
    /// Store this value; `how` says why in a sentence.
    Value { value: Value, how: String },
    /// Keep both; a person must choose.
    Review(Value),
}

/// `resolve_conflict(local, remote, local_ts, remote_ts)`: the
/// application's handler for two concurrent versions of one key.
pub fn resolve_conflict(
    kind: ResolverKind,
    local: (&Value, &[Writer]),
    remote: (&Value, &Writer),
    local_ts: Stamp,
    remote_ts: Stamp,
) -> Resolved {
    let _ = (local_ts, remote_ts);
    match kind {
        ResolverKind::Higher | ResolverKind::Lower => {
            let (a, b) = (rank(local.0), rank(remote.0));
            let remote_wins = if kind == ResolverKind::Higher {
                b > a
            } else {
                b < a
            };
            let word = if kind == ResolverKind::Higher {
                "higher"
            } else {
                "lower"
            };
            let winner = if remote_wins { remote.0 } else { local.0 };
            Resolved::Value {
                value: winner.clone(),
                how: format!(
                    "the resolver keeps the {word} value: {} (of {} and {})",
                    winner.text(),
                    local.0.text(),
                    remote.0.text()
                ),
            }
        }
        ResolverKind::MergeSets => {
            let mut union: BTreeSet<i64> = members(local.0);
            union.extend(members(remote.0));
            let value = Value::Set(union);
            Resolved::Value {
                how: format!(
                    "the resolver merges the sets: {} ∪ {} = {}",
                    local.0.text(),
                    remote.0.text(),
                    value.text()
                ),
                value,
            }
        }
        ResolverKind::Review => {
            let mut siblings: Vec<(Value, Writer)> = local
                .1
                .first()
                .map(|w| alloc::vec![(local.0.clone(), w.clone())])
                .unwrap_or_default();
            siblings.push((remote.0.clone(), remote.1.clone()));
            crate::sorting::sort_by_key(&mut siblings, |(_, w)| w.dot);
            Resolved::Review(Value::Siblings(siblings))
        }
    }
}

/// The value a key holds given its concurrent versions (sorted by dot):
/// the resolver folded over them, or — for review — all of them side by
/// side. Depends only on the set of versions, never on arrival order.
pub fn resolve_versions(kind: ResolverKind, versions: &[Version]) -> (Value, String) {
    let Some((first, rest)) = versions.split_first() else {
        return (Value::Set(BTreeSet::new()), String::new());
    };
    if rest.is_empty() {
        return (first.value.clone(), String::new());
    }
    if kind == ResolverKind::Review {
        let siblings = versions
            .iter()
            .map(|v| (v.value.clone(), v.writer.clone()))
            .collect();
        return (
            Value::Siblings(siblings),
            String::from("both versions are kept and the key is flagged for review"),
        );
    }
    let mut value = first.value.clone();
    let mut writers = alloc::vec![first.writer.clone()];
    let mut how = String::new();
    for v in rest {
        if let Resolved::Value {
            value: next,
            how: h,
        } = resolve_conflict(
            kind,
            (&value, &writers),
            (&v.value, &v.writer),
            first.writer.stamp,
            v.writer.stamp,
        ) {
            value = next;
            how = h;
        }
        writers.push(v.writer.clone());
    }
    (value, how)
}

/// Numbers compare as themselves; a set by its size, then its members.
fn rank(v: &Value) -> (i64, Vec<i64>) {
    match v {
        Value::Number(n) => (*n, Vec::new()),
        other => {
            let m: Vec<i64> = members(other).into_iter().collect();
            (m.len() as i64, m)
        }
    }
}

/// A value as a set: a number is a set of one.
fn members(v: &Value) -> BTreeSet<i64> {
    match v.reading() {
        super::crdt_value::Reading::Number(Some(n)) => crate::sorting::set_from([n]),
        super::crdt_value::Reading::Number(None) => BTreeSet::new(),
        super::crdt_value::Reading::Values(vs) => crate::sorting::set_from(vs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::{NodeId, OpId};
    use crate::vv::Dot;

    fn writer(op: u32, node: u16) -> Writer {
        Writer {
            op: OpId(op),
            dot: Dot {
                node: NodeId(node),
                counter: 1,
            },
            what: String::new(),
            stamp: Stamp::default(),
        }
    }

    fn resolve(kind: ResolverKind, a: &Value, b: &Value) -> Value {
        let (wa, wb) = (writer(0, 0), writer(1, 2));
        match resolve_conflict(
            kind,
            (a, core::slice::from_ref(&wa)),
            (b, &wb),
            Stamp::default(),
            Stamp::default(),
        ) {
            Resolved::Value { value, .. } | Resolved::Review(value) => value,
        }
    }

    #[test]
    fn resolvers_give_the_same_answer_from_either_side() {
        let (a, b) = (Value::Number(100), Value::Number(150));
        for kind in [
            ResolverKind::Higher,
            ResolverKind::Lower,
            ResolverKind::MergeSets,
        ] {
            assert_eq!(resolve(kind, &a, &b), resolve(kind, &b, &a), "{kind:?}");
        }
        assert_eq!(resolve(ResolverKind::Higher, &a, &b), Value::Number(150));
        assert_eq!(resolve(ResolverKind::Lower, &a, &b), Value::Number(100));
        assert_eq!(
            resolve(ResolverKind::MergeSets, &a, &b),
            Value::Set([100, 150].into_iter().collect())
        );
    }

    #[test]
    fn review_keeps_both_values_in_one_order() {
        let (a, b) = (Value::Number(100), Value::Number(150));
        let Value::Siblings(s) = resolve(ResolverKind::Review, &a, &b) else {
            panic!("review keeps siblings");
        };
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].0, Value::Number(100));
    }
}
