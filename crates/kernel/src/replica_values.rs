//! Replicas that should agree, compared key by key: which value each up
//! replica holds, and the keys where they disagree or some replica lacks
//! the key. Shared by the end-of-run divergence anomaly (`run`) and the
//! long run's periodic convergence check (`long_run`).

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use crate::node::{NodeId, Protocol};
use serde::{Deserialize, Serialize};

/// The nodes that are up, with their ids: the replicas worth comparing.
pub fn up_replicas<'a, P: Protocol>(
    nodes: &'a [Rc<P>],
    up: &'a [bool],
) -> impl Iterator<Item = (NodeId, &'a P)> + 'a {
    nodes
        .iter()
        .zip(up)
        .enumerate()
        .filter(|(_, (_, &up))| up)
        .map(|(i, (node, _))| (NodeId(i as u16), &**node))
}

/// Do the replicas agree at the end?
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Convergence {
    /// Keys some replica holds.
    pub keys: u64,
    /// Keys whose replicas (the up ones that should hold it) disagree or
    /// miss it.
    pub divergent_keys: u64,
    /// `divergent_keys == 0` and nothing left in flight.
    pub converged: bool,
    pub messages_in_flight: u64,
    /// Hinted writes still waiting for their home replica (leaderless).
    pub hints_held: u64,
    /// A few divergent keys, described.
    pub examples: Vec<String>,
}

/// Replicas that should be identical: every up node that reports replica
/// state (or, failing that, its key → value data and its table's rows)
/// must hold the same value for every key and row.
pub fn convergence<P: Protocol>(nodes: &[Rc<P>], up: &[bool]) -> Convergence {
    let replicas = up_replicas(nodes, up).map(|(id, node)| {
        let state = node.replica_state().unwrap_or_else(|| {
            let view = node.view();
            let mut state: Vec<(String, String)> = view
                .data
                .into_iter()
                .map(|(k, v)| (k, format!("{v}")))
                .collect();
            if let Some(table) = view.table {
                // Rows by primary key (the first column), so a row that
                // differs is named, not the whole table.
                state.extend(table.rows.into_iter().map(|row| {
                    let id = row.first().cloned().unwrap_or_default();
                    (format!("{} row {id}", table.name), row.join(", "))
                }));
            }
            state
        });
        (id, state)
    });
    let values = ReplicaValues::gather(replicas);
    let mut c = Convergence {
        keys: values.keys() as u64,
        ..Convergence::default()
    };
    for disagreement in values.disagreements() {
        c.divergent_keys += 1;
        if c.examples.len() < 5 {
            let parts = disagreement.describe(names);
            c.examples.push(format!("{}: {parts}", disagreement.key));
        }
    }
    c
}

fn names(nodes: &[NodeId]) -> String {
    let ids: Vec<String> = nodes.iter().map(|n| format!("{}", n.0 + 1)).collect();
    format!("node {}", ids.join(", "))
}

/// Key → value → the replicas holding that value.
#[derive(Debug, Default)]
pub struct ReplicaValues {
    by_key: BTreeMap<String, BTreeMap<String, Vec<NodeId>>>,
    /// Replicas that reported their state.
    holders: usize,
}

/// A key the replicas do not agree on.
pub struct Disagreement {
    pub key: String,
    values: BTreeMap<String, Vec<NodeId>>,
    /// Replicas that hold the key at all.
    holding: usize,
    holders: usize,
}

impl ReplicaValues {
    /// Groups each replica's `(key, value)` pairs.
    pub fn gather(replicas: impl IntoIterator<Item = (NodeId, Vec<(String, String)>)>) -> Self {
        let mut all = ReplicaValues::default();
        for (node, state) in replicas {
            all.holders += 1;
            for (key, value) in state {
                all.by_key
                    .entry(key)
                    .or_default()
                    .entry(value)
                    .or_default()
                    .push(node);
            }
        }
        all
    }

    /// Keys held by at least one replica.
    pub fn keys(&self) -> usize {
        self.by_key.len()
    }

    /// Keys with two values or more, or missing on some replica, in key
    /// order.
    pub fn disagreements(self) -> impl Iterator<Item = Disagreement> {
        let holders = self.holders;
        self.by_key.into_iter().filter_map(move |(key, values)| {
            let holding = values.values().map(Vec::len).sum();
            (values.len() >= 2 || holding < holders).then_some(Disagreement {
                key,
                values,
                holding,
                holders,
            })
        })
    }
}

impl Disagreement {
    /// "1 on node 1; 2 on node 2, node 3; missing on 1 node(s)", naming a
    /// group of replicas with `names`.
    pub fn describe(&self, names: impl Fn(&[NodeId]) -> String) -> String {
        let mut parts: Vec<String> = self
            .values
            .iter()
            .map(|(value, nodes)| format!("{value} on {}", names(nodes)))
            .collect();
        if self.holding < self.holders {
            parts.push(format!(
                "missing on {} node(s)",
                self.holders - self.holding
            ));
        }
        parts.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn state(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect()
    }

    #[test]
    fn finds_split_values_and_missing_keys_only() {
        let all = ReplicaValues::gather(vec![
            (NodeId(0), state(&[("a", "1"), ("b", "x"), ("c", "7")])),
            (NodeId(1), state(&[("a", "1"), ("b", "y"), ("c", "7")])),
            (NodeId(2), state(&[("a", "1"), ("b", "y")])),
        ]);
        assert_eq!(all.keys(), 3);
        let names = |nodes: &[NodeId]| {
            let ids: Vec<String> = nodes.iter().map(|n| format!("{}", n.0 + 1)).collect();
            ids.join("+")
        };
        let found: Vec<(String, String)> = all
            .disagreements()
            .map(|d| (d.key.clone(), d.describe(names)))
            .collect();
        assert_eq!(
            found,
            [
                ("b".into(), "x on 1; y on 2+3".into()),
                ("c".into(), "7 on 1+2; missing on 1 node(s)".into()),
            ]
        );
    }

    #[test]
    fn nothing_to_compare_is_agreement() {
        assert_eq!(ReplicaValues::gather(Vec::new()).disagreements().count(), 0);
        let one = ReplicaValues::gather(vec![(NodeId(0), state(&[("a", "1")]))]);
        assert_eq!(one.disagreements().count(), 0);
    }
}
