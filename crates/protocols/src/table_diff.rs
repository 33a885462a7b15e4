//! Row-by-row differences between a leader's table and a follower's: what
//! statement-based replication of `NOW()`, `RAND()` or `UUID()` leaves
//! behind, shown cell by cell. Works on [`TableView`]s (values as text), so
//! the web app and the CLI compare exactly what they display.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use serde::Serialize;

use crate::node::TableView;

/// One row that is not the same on both nodes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RowDiff {
    /// The leader has the row, the follower does not.
    Missing { id: String, leader: Vec<String> },
    /// The follower has a row the leader does not.
    Extra { id: String, follower: Vec<String> },
    /// Both have it; these columns differ.
    Changed { id: String, cells: Vec<CellDiff> },
}

impl RowDiff {
    pub fn id(&self) -> &str {
        match self {
            RowDiff::Missing { id, .. }
            | RowDiff::Extra { id, .. }
            | RowDiff::Changed { id, .. } => id,
        }
    }
}

/// One differing cell: the column and both values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CellDiff {
    pub column: String,
    pub leader: String,
    pub follower: String,
}

/// Orders rows by their numeric id (text ids after, in text order).
fn by_id(view: &TableView) -> BTreeMap<(i64, &str), &Vec<String>> {
    crate::sorting::map_from(view.rows.iter().filter_map(|r| {
        let id = r.first()?;
        Some(((id.parse::<i64>().unwrap_or(i64::MAX), id.as_str()), r))
    }))
}

/// Every row that differs, in id order. Columns are matched by name, so
/// followers with another column order compare fairly.
pub fn diff_tables(leader: &TableView, follower: &TableView) -> Vec<RowDiff> {
    let (l, f) = (by_id(leader), by_id(follower));
    let mut out = Vec::new();
    let mut ids: Vec<&(i64, &str)> = l.keys().chain(f.keys()).collect();
    crate::sorting::sort(&mut ids);
    ids.dedup();
    for key in ids {
        let id = String::from(key.1);
        match (l.get(key), f.get(key)) {
            (Some(lr), None) => out.push(RowDiff::Missing {
                id,
                leader: (*lr).clone(),
            }),
            (None, Some(fr)) => out.push(RowDiff::Extra {
                id,
                follower: (*fr).clone(),
            }),
            (Some(lr), Some(fr)) => {
                let cells: Vec<CellDiff> = leader
                    .columns
                    .iter()
                    .enumerate()
                    .filter_map(|(i, name)| {
                        let lv = lr.get(i)?;
                        let fi = follower
                            .columns
                            .iter()
                            .position(|c| c.eq_ignore_ascii_case(name));
                        let fv = fi.and_then(|fi| fr.get(fi));
                        let fv = fv.cloned().unwrap_or_else(|| String::from("(no column)"));
                        (*lv != fv).then(|| CellDiff {
                            column: name.clone(),
                            leader: lv.clone(),
                            follower: fv,
                        })
                    })
                    .collect();
                if !cells.is_empty() {
                    out.push(RowDiff::Changed { id, cells });
                }
            }
            (None, None) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::Table;
    use alloc::vec;

    fn view(columns: &[&str], rows: &[&[&str]]) -> TableView {
        TableView {
            name: "t".into(),
            columns: columns.iter().map(|c| String::from(*c)).collect(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| String::from(*c)).collect())
                .collect(),
        }
    }

    #[test]
    fn equal_tables_have_no_differences() {
        let t = Table::accounts_example().to_view();
        assert!(diff_tables(&t, &t).is_empty());
    }

    #[test]
    fn missing_extra_and_changed_rows_in_id_order() {
        let leader = view(&["id", "v"], &[&["1", "a"], &["2", "b"], &["10", "c"]]);
        let follower = view(&["id", "v"], &[&["2", "x"], &["3", "d"], &["10", "c"]]);
        assert_eq!(
            diff_tables(&leader, &follower),
            vec![
                RowDiff::Missing {
                    id: "1".into(),
                    leader: vec!["1".into(), "a".into()]
                },
                RowDiff::Changed {
                    id: "2".into(),
                    cells: vec![CellDiff {
                        column: "v".into(),
                        leader: "b".into(),
                        follower: "x".into()
                    }]
                },
                RowDiff::Extra {
                    id: "3".into(),
                    follower: vec!["3".into(), "d".into()]
                },
            ]
        );
    }

    #[test]
    fn columns_match_by_name_not_position() {
        let leader = view(&["id", "a", "b"], &[&["1", "x", "y"]]);
        let follower = view(&["id", "b", "a"], &[&["1", "y", "x"]]);
        assert!(diff_tables(&leader, &follower).is_empty());
    }
}
