//! Checking what a caption claims against the run at its stop: node
//! values, roles, inspector lines, table differences, anomalies.

use super::*;

/// The inspector's lines for a node, as [`Expect::Shows`] searches them.
pub fn inspector_lines(state: &NodeState) -> Vec<String> {
    let v = &state.view;
    let mut lines: Vec<String> = Vec::new();
    lines.extend(v.fields.iter().map(|(k, val)| format!("{k}: {val}")));
    lines.extend(
        v.internals
            .iter()
            .map(|i| format!("{}: {}", i.label(), i.value)),
    );
    lines.extend(v.review.iter().map(|r| format!("needs review: {}", r.key)));
    lines
}

pub(super) fn expectation(
    e: &Expect,
    snapshot: &Snapshot,
    shown: &[AnomalyKind],
) -> Result<(), String> {
    let get = |n: NodeId| {
        snapshot
            .nodes
            .get(n.index())
            .ok_or_else(|| format!("{n} does not exist (the run has {})", snapshot.nodes.len()))
    };
    let show = |v: Option<i64>| match v {
        Some(v) => format!("{v}"),
        None => String::from("nothing"),
    };
    match *e {
        Expect::NodeValue { node, key, value } => {
            let got = get(node)?.view.data.get(key).copied();
            if got != value {
                return Err(format!(
                    "expected {node} to hold {key} = {}, it holds {}",
                    show(value),
                    show(got)
                ));
            }
        }
        Expect::Role { node, role } => {
            let got = get(node)?.view.role;
            if got != role {
                return Err(format!("expected {node} to be {role}, it is {got}"));
            }
        }
        Expect::Up { node, up } => {
            if get(node)?.up != up {
                return Err(format!(
                    "expected {node} to be {}, it is {}",
                    if up { "up" } else { "down" },
                    if up { "down" } else { "up" }
                ));
            }
        }
        Expect::Shows {
            node,
            text,
            present,
        } => {
            let lines = inspector_lines(get(node)?);
            let found = lines.iter().any(|l| l.contains(text));
            if found != present {
                return Err(format!(
                    "expected {node}'s inspector {} \"{text}\"; it shows: {}",
                    if present { "to show" } else { "not to show" },
                    lines.join(" | ")
                ));
            }
        }
        Expect::TableDiff { node, than, rows } => {
            let (Some(a), Some(b)) = (&get(than)?.view.table, &get(node)?.view.table) else {
                return Err(format!("{node} or {than} has no table"));
            };
            let got: Vec<String> = diff_tables(a, b)
                .iter()
                .map(|d| String::from(d.id()))
                .collect();
            if got.iter().map(String::as_str).ne(rows.iter().copied()) {
                return Err(format!(
                    "expected {node}'s table to differ from {than}'s in rows [{}], it differs in [{}]",
                    rows.join(", "),
                    got.join(", ")
                ));
            }
        }
        Expect::Anomaly(kind) => {
            if !shown.contains(&kind) {
                return Err(format!(
                    "expected the anomaly list to show a {}",
                    kind.label()
                ));
            }
        }
        Expect::NoAnomaly(kind) => {
            if shown.contains(&kind) {
                return Err(format!(
                    "expected the anomaly list to show no {}",
                    kind.label()
                ));
            }
        }
    }
    Ok(())
}
