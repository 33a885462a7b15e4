//! A node's SQL table at the cursor, compared cell by cell with the
//! current leader's: what statement-based replication of `NOW()`, `RAND()`
//! or `UUID()` leaves behind on a follower. The comparison is the core's
//! `diff_tables`; this file only lays it out — changed cells show the
//! follower's value and the leader's, rows only on the leader are ghosted,
//! rows only here are marked. Big tables show their first rows plus every
//! differing row.

use std::rc::Rc;

use replicascope_core::node::{NodeId, Role, TableView};
use replicascope_core::run::Snapshot;
use replicascope_core::table_diff::{diff_tables, RowDiff};
use yew::prelude::*;

/// Rows always shown; differing rows beyond them are shown as well.
pub const FIRST_ROWS: usize = 50;

#[derive(Properties)]
pub struct Props {
    /// The nodes at the moment shown (the frame's snapshot).
    pub snapshot: Rc<Snapshot>,
    pub node: NodeId,
}

/// The same snapshot, not an equal one: a frame's snapshot is never
/// changed, so comparing the pointer is enough, and comparing every
/// node's view on each render would cost time and code.
impl PartialEq for Props {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.snapshot, &other.snapshot) && self.node == other.node
    }
}

/// One row as drawn: its cells (the leader's, for a row this node lacks)
/// and how it differs from the leader's, if it does.
#[derive(Debug, PartialEq)]
pub struct Shown<'a> {
    pub cells: &'a [String],
    pub diff: Option<&'a RowDiff>,
}

/// The core's row order: numeric ids first, in number order.
fn key(id: &str) -> (i64, &str) {
    (id.parse::<i64>().unwrap_or(i64::MAX), id)
}

/// The rows to draw, in id order: the first `first` rows and every row
/// that differs. Also returns how many rows there are in all. Both the
/// table and the differences are in id order, so one walk merges them.
pub fn rows_to_show<'a>(
    table: &'a TableView,
    diffs: &'a [RowDiff],
    first: usize,
) -> (Vec<Shown<'a>>, usize) {
    let missing = |d: &RowDiff| matches!(d, RowDiff::Missing { .. });
    let ghost = |d: &'a RowDiff| match d {
        RowDiff::Missing { leader, .. } => Shown {
            cells: leader,
            diff: Some(d),
        },
        _ => Shown {
            cells: &[],
            diff: Some(d),
        },
    };
    let mut next = diffs.iter().peekable();
    let mut all = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let id = row.first().map_or("", String::as_str);
        while let Some(d) = next.next_if(|d| missing(d) && key(d.id()) < key(id)) {
            all.push(ghost(d));
        }
        all.push(Shown {
            cells: row,
            diff: next.next_if(|d| !missing(d) && d.id() == id),
        });
    }
    all.extend(next.filter(|d| missing(d)).map(ghost));
    let total = all.len();
    let mut i = 0;
    all.retain(|r| {
        i += 1;
        i <= first || r.diff.is_some()
    });
    (all, total)
}

/// The line above the table.
pub fn summary(differing: usize, leader: NodeId) -> String {
    match differing {
        0 => String::from("Same rows as the leader."),
        1 => format!("1 row differs from the leader (node {})", leader.0 + 1),
        n => format!("{n} rows differ from the leader (node {})", leader.0 + 1),
    }
}

#[function_component(NodeTable)]
pub fn node_table(props: &Props) -> Html {
    let nodes = &props.snapshot.nodes;
    let Some(me) = nodes.iter().find(|n| n.node == props.node) else {
        return Html::default();
    };
    let Some(table) = me.view.table.as_ref() else {
        return Html::default();
    };
    let lsn = me
        .view
        .log_position
        .map(|v| format!(" — LSN {v}"))
        .unwrap_or_default();
    let caption = format!("Table {} on node {}{lsn}", table.name, props.node.0 + 1);
    // The leader to compare with: another node that says it leads.
    let leader = nodes
        .iter()
        .find(|n| n.node != props.node && n.view.role == Role::Leader)
        .and_then(|n| n.view.table.as_ref().map(|t| (n.node, t)));
    let compare = me.view.role != Role::Leader;
    let diffs = match (compare, leader) {
        (true, Some((_, lt))) => diff_tables(lt, table),
        _ => Vec::new(),
    };
    let line = match (compare, leader) {
        (false, _) => format!(
            "Node {} is the leader: followers are compared with this table.",
            props.node.0 + 1
        ),
        (true, None) => String::from("No node leads at this moment: nothing to compare with."),
        (true, Some((l, _))) => summary(diffs.len(), l),
    };
    let leader_name = leader.map_or(String::from("the leader"), |(l, _)| {
        format!("the leader (node {})", l.0 + 1)
    });
    let (rows, total) = rows_to_show(table, &diffs, FIRST_ROWS);
    let marks = compare && leader.is_some();
    let shown_note =
        (rows.len() < total).then(|| format!("showing {} of {total} rows", rows.len()));
    let body = rows
        .iter()
        .map(|r| row_html(r, &table.columns, &leader_name, marks));
    html! {
        <div class="node-table" data-testid="node-table">
            <p class={classes!("table-summary", (!diffs.is_empty()).then_some("differs"))} data-testid="table-summary">{ line }</p>
            <div class="table-scroll" role="region" aria-label={caption.clone()} tabindex="0">
                <table class="data sql-table">
                    <caption>{ &caption }</caption>
                    <thead><tr>
                        if marks { <th class="mark"><span class="visually-hidden">{ "compared with the leader" }</span></th> }
                        { for table.columns.iter().map(|c| html! { <th scope="col">{ c }</th> }) }
                    </tr></thead>
                    <tbody>{ for body }</tbody>
                </table>
            </div>
            if let Some(note) = shown_note {
                <p class="hint">{ note }{ " (every differing row included)" }</p>
            }
            if table.rows.is_empty() {
                <p class="hint">{ "This table has no rows." }</p>
            }
        </div>
    }
}

fn row_html(row: &Shown<'_>, columns: &[String], leader: &str, marks: bool) -> Html {
    let id = row.cells.first().map_or("", String::as_str);
    let (class, mark, said, title, cells) = match row.diff {
        None => ("", "", "same as the leader", String::new(), None),
        Some(RowDiff::Missing { .. }) => (
            "missing",
            "−",
            "only on the leader",
            format!("Only on {leader}: this node has no row {id}"),
            None,
        ),
        Some(RowDiff::Extra { .. }) => (
            "extra",
            "+",
            "only on this node",
            format!("Only on this node: {leader} has no row {id}"),
            None,
        ),
        Some(RowDiff::Changed { cells, .. }) => (
            "changed",
            "≠",
            "differs from the leader",
            format!("Row {id} differs from {leader}"),
            Some(cells),
        ),
    };
    let tds = row.cells.iter().zip(columns).map(|(v, name)| {
        match cells.and_then(|cs| cs.iter().find(|c| c.column.eq_ignore_ascii_case(name))) {
            Some(d) => html! {
                <td class="cell-diff" title={format!("{v} (leader: {})", d.leader)}>
                    { v }<span class="leader-value">{ format!(" (leader: {})", d.leader) }</span>
                </td>
            },
            None => html! { <td>{ v }</td> },
        }
    });
    html! {
        <tr class={(!class.is_empty()).then_some(class)} title={(!title.is_empty()).then_some(title)}>
            if marks { <td class="mark"><span aria-hidden="true">{ mark }</span><span class="visually-hidden">{ said }</span></td> }
            { for tds }
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(rows: &[&[&str]]) -> TableView {
        TableView {
            name: "accounts".into(),
            columns: vec!["id".into(), "v".into()],
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect(),
        }
    }

    #[test]
    fn missing_rows_are_merged_in_id_order() {
        let leader = view(&[&["1", "a"], &["2", "b"], &["9", "z"], &["10", "c"]]);
        let follower = view(&[&["2", "x"], &["3", "d"], &["10", "c"]]);
        let diffs = diff_tables(&leader, &follower);
        let (rows, total) = rows_to_show(&follower, &diffs, 50);
        assert_eq!(total, 5);
        let ids: Vec<(&str, bool)> = rows
            .iter()
            .map(|r| {
                let missing = matches!(r.diff, Some(RowDiff::Missing { .. }));
                (r.cells[0].as_str(), missing)
            })
            .collect();
        assert_eq!(
            ids,
            [
                ("1", true),
                ("2", false),
                ("3", false),
                ("9", true),
                ("10", false)
            ]
        );
        assert!(
            matches!(rows[1].diff, Some(RowDiff::Changed { cells, .. }) if cells[0].leader == "b")
        );
        assert!(matches!(rows[2].diff, Some(RowDiff::Extra { .. })));
        assert_eq!(rows[0].cells, ["1", "a"]);
        assert_eq!(
            summary(diffs.len(), NodeId(0)),
            "4 rows differ from the leader (node 1)"
        );
        assert_eq!(
            summary(1, NodeId(2)),
            "1 row differs from the leader (node 3)"
        );
        assert_eq!(summary(0, NodeId(0)), "Same rows as the leader.");
    }

    #[test]
    fn big_tables_show_the_first_rows_and_every_difference() {
        let ids: Vec<String> = (1..=2000).map(|i| i.to_string()).collect();
        let leader = TableView {
            name: "accounts".into(),
            columns: vec!["id".into(), "v".into()],
            rows: ids.iter().map(|i| vec![i.clone(), "0".into()]).collect(),
        };
        let mut follower = leader.clone();
        follower.rows[1499][1] = "7".into();
        follower.rows.remove(1999);
        let diffs = diff_tables(&leader, &follower);
        let (rows, total) = rows_to_show(&follower, &diffs, FIRST_ROWS);
        assert_eq!(total, 2000);
        assert_eq!(rows.len(), FIRST_ROWS + 2);
        let last = &rows[FIRST_ROWS + 1];
        assert!(matches!(last.diff, Some(RowDiff::Missing { .. })) && last.cells[0] == "2000");
    }

    #[test]
    fn odd_rows_do_not_panic() {
        let t = TableView {
            name: "t".into(),
            columns: vec![],
            rows: vec![vec![], vec!["x".into()]],
        };
        let diffs = diff_tables(&t, &view(&[&["1", "a"]]));
        let (rows, total) = rows_to_show(&t, &diffs, 1);
        assert!(total >= 2 && !rows.is_empty());
    }
}
