//! Logical (row-based) replication, like MySQL's binlog in ROW format: the
//! leader ships each changed row's before and after images, and a follower
//! applies them by primary key and column name. Nothing is re-evaluated
//! (so `NOW()` and `RAND()` cannot diverge) and nothing physical is shared
//! (so the follower may run another storage format or column order).

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use super::error::SqlError;
use super::eval::RowChange;
use super::table::{Row, Table};
use super::value::Value;

/// An event's fixed part: type, timestamp, server id, length.
const EVENT_HEADER: usize = 8;

/// One changed row. Images pair each value with its column's name, so a
/// follower whose columns are in another order can still apply them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowEvent {
    Insert {
        table: String,
        after: Vec<(String, Value)>,
    },
    Update {
        table: String,
        id: i64,
        before: Vec<(String, Value)>,
        after: Vec<(String, Value)>,
    },
    Delete {
        table: String,
        id: i64,
        before: Vec<(String, Value)>,
    },
}

impl RowEvent {
    /// The table the event changes.
    pub fn table(&self) -> &str {
        match self {
            RowEvent::Insert { table, .. }
            | RowEvent::Update { table, .. }
            | RowEvent::Delete { table, .. } => table,
        }
    }

    /// The primary key of the changed row (for an insert, the image's
    /// `id` value, if it has one).
    pub fn id(&self) -> Option<i64> {
        match self {
            RowEvent::Insert { after, .. } => key_of(after).map(|(_, id)| id),
            RowEvent::Update { id, .. } | RowEvent::Delete { id, .. } => Some(*id),
        }
    }

    /// Bytes the event takes in a binlog: an 8-byte header, the table
    /// name (length byte + text) and every value of every image as a
    /// column name (length byte + text), a type tag and its payload (8
    /// bytes for INT, REAL and TIMESTAMP, 1 for BOOL, length byte + text
    /// for TEXT, nothing for NULL). The primary key travels inside the
    /// images, as in MySQL's row events, so it costs nothing extra.
    pub fn encoded_len(&self) -> usize {
        let images: usize = match self {
            RowEvent::Insert { after, .. } => image_len(after),
            RowEvent::Update { before, after, .. } => image_len(before) + image_len(after),
            RowEvent::Delete { before, .. } => image_len(before),
        };
        EVENT_HEADER + 1 + self.table().len() + images
    }
}

fn image_len(image: &[(String, Value)]) -> usize {
    image
        .iter()
        .map(|(name, v)| {
            let payload = match v {
                Value::Int(_) | Value::Real(_) | Value::Timestamp(_) => 8,
                Value::Bool(_) => 1,
                Value::Text(s) => 1 + s.len(),
                Value::Null => 0,
            };
            1 + name.len() + 1 + payload
        })
        .sum()
}

/// The image's primary key: the value of the column called `id`, or else
/// of the first column, when it is an INT.
fn key_of(image: &[(String, Value)]) -> Option<(&str, i64)> {
    let pair = image
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("id"))
        .or(image.first())?;
    match pair {
        (name, Value::Int(id)) => Some((name, *id)),
        _ => None,
    }
}

fn lookup<'a>(image: &'a [(String, Value)], name: &str) -> Option<&'a Value> {
    image
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

/// "INSERT accounts id=6: balance=0, status='active', created_at=NULL",
/// "UPDATE accounts id=3: balance 5 → 6" (changed columns only),
/// "DELETE accounts id=2".
impl fmt::Display for RowEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RowEvent::Insert { table, after } => {
                write!(f, "INSERT {table}")?;
                let key = key_of(after);
                if let Some((_, id)) = key {
                    write!(f, " id={id}")?;
                }
                let rest = after
                    .iter()
                    .filter(|(n, _)| key.is_none_or(|(k, _)| !n.eq_ignore_ascii_case(k)));
                for (i, (name, v)) in rest.enumerate() {
                    f.write_str(if i == 0 { ": " } else { ", " })?;
                    write!(f, "{name}={v}")?;
                }
                Ok(())
            }
            RowEvent::Update {
                table,
                id,
                before,
                after,
            } => {
                write!(f, "UPDATE {table} id={id}")?;
                let changed = after.iter().filter(|(n, v)| lookup(before, n) != Some(v));
                let mut any = false;
                for (i, (name, new)) in changed.enumerate() {
                    any = true;
                    f.write_str(if i == 0 { ": " } else { ", " })?;
                    match lookup(before, name) {
                        Some(old) => write!(f, "{name} {old} → {new}")?,
                        None => write!(f, "{name} ? → {new}")?,
                    }
                }
                if !any {
                    f.write_str(": no change")?;
                }
                Ok(())
            }
            RowEvent::Delete { table, id, .. } => write!(f, "DELETE {table} id={id}"),
        }
    }
}

/// One event per changed row, with full before and after images (MySQL's
/// `binlog_row_image=FULL`), in the order of `changes`.
pub fn row_events(table: &Table, changes: &[RowChange]) -> Vec<RowEvent> {
    let image = |row: &Row| -> Vec<(String, Value)> {
        table
            .columns
            .iter()
            .zip(row)
            .map(|(c, v)| (c.name.clone(), v.clone()))
            .collect()
    };
    changes
        .iter()
        .filter_map(|c| match (&c.before, &c.after) {
            (None, Some(a)) => Some(RowEvent::Insert {
                table: table.name.clone(),
                after: image(a),
            }),
            (Some(b), Some(a)) => Some(RowEvent::Update {
                table: table.name.clone(),
                id: c.id,
                before: image(b),
                after: image(a),
            }),
            (Some(b), None) => Some(RowEvent::Delete {
                table: table.name.clone(),
                id: c.id,
                before: image(b),
            }),
            (None, None) => None,
        })
        .collect()
}

/// Why a follower could not apply a row event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowLogError {
    /// The event is for another table.
    WrongTable { event: String, table: String },
    /// An image names a column the follower's table does not have.
    MissingColumn { table: String, column: String },
    /// An update or delete of a row the follower does not have.
    MissingRow { table: String, id: i64 },
    /// An insert of a primary key the follower already has.
    DuplicateRow { table: String, id: i64 },
    /// An insert whose image has no usable primary key value.
    NoPrimaryKey { table: String },
    /// An update whose after image changes the primary key.
    KeyChange {
        table: String,
        id: i64,
        found: String,
    },
    /// A value that does not fit the follower's column type.
    Value(SqlError),
}

impl fmt::Display for RowLogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RowLogError::WrongTable { event, table } => write!(
                f,
                "a row event for table {event} cannot be applied to table {table}"
            ),
            RowLogError::MissingColumn { table, column } => write!(
                f,
                "a row event names column '{column}', which table {table} on this node does not have"
            ),
            RowLogError::MissingRow { table, id } => write!(
                f,
                "a row event changes the row with id {id}, which table {table} on this node does not have"
            ),
            RowLogError::DuplicateRow { table, id } => write!(
                f,
                "a row event inserts id {id}, but table {table} on this node already has that row"
            ),
            RowLogError::NoPrimaryKey { table } => write!(
                f,
                "an INSERT event for table {table} carries no value for the primary key"
            ),
            RowLogError::KeyChange { table, id, found } => write!(
                f,
                "an UPDATE event for id {id} in table {table} would change the primary key to {found}"
            ),
            RowLogError::Value(e) => e.fmt(f),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for RowLogError {}

/// Applies `events` in order: inserts and deletes by primary key, updates
/// by primary key replacing only the columns their after image lists.
/// Values are converted to the follower's column types as an INSERT would
/// convert them. On error the table is unchanged.
pub fn apply_row_events(table: &mut Table, events: &[RowEvent]) -> Result<(), RowLogError> {
    let (rows, _) = replay(table, events)?;
    table.rows = rows;
    Ok(())
}

/// The row changes applying `events` to `table` would make, in order,
/// without changing it — what a follower hands its own storage (e.g.
/// [`Pages::apply_changes`](super::Pages::apply_changes), in whatever
/// format it runs). An update that leaves a row as it was is not listed.
pub fn plan_row_events(table: &Table, events: &[RowEvent]) -> Result<Vec<RowChange>, RowLogError> {
    replay(table, events).map(|(_, changes)| changes)
}

type Replayed = (BTreeMap<i64, Row>, Vec<RowChange>);

fn replay(table: &Table, events: &[RowEvent]) -> Result<Replayed, RowLogError> {
    let mut rows = table.rows.clone();
    let mut changes = Vec::new();
    let missing = |id| RowLogError::MissingRow {
        table: table.name.clone(),
        id,
    };
    for ev in events {
        if !ev.table().eq_ignore_ascii_case(&table.name) {
            return Err(RowLogError::WrongTable {
                event: String::from(ev.table()),
                table: table.name.clone(),
            });
        }
        match ev {
            RowEvent::Insert { after, .. } => {
                let mut row: Row = Vec::new();
                set_columns(table, &mut row, after)?;
                let Some(&Value::Int(id)) = row.first() else {
                    return Err(RowLogError::NoPrimaryKey {
                        table: table.name.clone(),
                    });
                };
                if rows.contains_key(&id) {
                    return Err(RowLogError::DuplicateRow {
                        table: table.name.clone(),
                        id,
                    });
                }
                rows.insert(id, row.clone());
                changes.push(RowChange {
                    id,
                    before: None,
                    after: Some(row),
                });
            }
            RowEvent::Update { id, after, .. } => {
                let old = rows.get(id).ok_or_else(|| missing(*id))?;
                let mut row = old.clone();
                set_columns(table, &mut row, after)?;
                match row.first() {
                    Some(Value::Int(k)) if k == id => {}
                    other => {
                        return Err(RowLogError::KeyChange {
                            table: table.name.clone(),
                            id: *id,
                            found: other.map_or_else(|| String::from("nothing"), Value::describe),
                        })
                    }
                }
                if row != *old {
                    changes.push(RowChange {
                        id: *id,
                        before: Some(old.clone()),
                        after: Some(row.clone()),
                    });
                    rows.insert(*id, row);
                }
            }
            RowEvent::Delete { id, .. } => {
                let old = rows.remove(id).ok_or_else(|| missing(*id))?;
                changes.push(RowChange {
                    id: *id,
                    before: Some(old),
                    after: None,
                });
            }
        }
    }
    Ok((rows, changes))
}

/// Stores the image's values into `row` by column name, padding `row` with
/// NULLs to the table's width first.
fn set_columns(table: &Table, row: &mut Row, image: &[(String, Value)]) -> Result<(), RowLogError> {
    if row.len() < table.columns.len() {
        row.resize(table.columns.len(), Value::Null);
    }
    for (name, v) in image {
        let i = table
            .column_index(name)
            .map_err(|_| RowLogError::MissingColumn {
                table: table.name.clone(),
                column: name.clone(),
            })?;
        let (Some(col), Some(slot)) = (table.columns.get(i), row.get_mut(i)) else {
            continue;
        };
        *slot = v
            .clone()
            .coerce(col.ty, &col.name)
            .map_err(RowLogError::Value)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::{execute_sql, Column, ColumnType, SeededContext};
    use alloc::string::ToString;
    use alloc::vec;

    const ARTICLE: &str = "UPDATE accounts SET balance = balance * 1.1 WHERE status = 'active'";

    fn events(t: &mut Table, sql: &str) -> Vec<RowEvent> {
        let e = execute_sql(t, sql, &mut SeededContext::new(0, 1)).unwrap();
        row_events(t, &e.changes)
    }

    fn pairs(p: &[(&str, Value)]) -> Vec<(String, Value)> {
        p.iter().map(|(n, v)| (n.to_string(), v.clone())).collect()
    }

    #[test]
    fn one_event_per_changed_row_with_full_images() {
        let mut t = Table::accounts_example();
        let ev = events(&mut t, ARTICLE);
        assert_eq!(ev.len(), 3);
        assert_eq!(
            ev.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
            vec![
                "UPDATE accounts id=1: balance 100 → 110",
                "UPDATE accounts id=3: balance 5 → 6",
                "UPDATE accounts id=4: balance 1005 → 1106",
            ]
        );
        let RowEvent::Update { before, after, .. } = &ev[1] else {
            panic!("{:?}", ev[1])
        };
        assert_eq!(before.len(), 4);
        assert_eq!(
            after[2],
            ("status".to_string(), Value::Text("active".into()))
        );
        assert_eq!(ev[1].id(), Some(3));
        assert_eq!(ev[1].table(), "accounts");

        let ev = events(
            &mut t,
            "INSERT INTO accounts (id, balance, status) VALUES (6, 0, 'active')",
        );
        assert_eq!(
            ev[0].to_string(),
            "INSERT accounts id=6: balance=0, status='active', created_at=NULL"
        );
        assert_eq!(ev[0].id(), Some(6));
        let ev = events(&mut t, "DELETE FROM accounts WHERE id = 2");
        assert_eq!(ev[0].to_string(), "DELETE accounts id=2");
        assert!(events(&mut t, "SELECT * FROM accounts").is_empty());
    }

    #[test]
    fn encoded_len_counts_names_tags_and_payloads() {
        let mut t = Table::accounts_example();
        let ev = events(&mut t, "UPDATE accounts SET balance = 6 WHERE id = 3");
        // Each image: id (1+2 name, 1 tag, 8) = 12, balance (1+7, 1, 8) =
        // 17, status 'active' (1+6, 1, 1+6) = 15, created_at (1+10, 1, 8)
        // = 20 — 64 bytes; header 8 and "accounts" 1+8 on top.
        assert_eq!(ev[0].encoded_len(), 8 + 9 + 64 + 64);
        let ev = events(&mut t, "INSERT INTO accounts (id) VALUES (6)");
        // id 12; balance, status, created_at NULL: 9 + 8 + 12.
        assert_eq!(ev[0].encoded_len(), 8 + 9 + 12 + 9 + 8 + 12);
        let ev = events(&mut t, "DELETE FROM accounts WHERE id = 6");
        assert_eq!(ev[0].encoded_len(), 8 + 9 + 12 + 9 + 8 + 12);
        let b = RowEvent::Insert {
            table: "t".into(),
            after: pairs(&[("id", Value::Int(1)), ("b", Value::Bool(true))]),
        };
        assert_eq!(b.encoded_len(), 8 + 2 + 12 + (2 + 1 + 1));
    }

    #[test]
    fn a_follower_with_another_column_order_converges() {
        let mut leader = Table::accounts_example();
        let mut follower = Table::new(
            "ACCOUNTS",
            vec![
                Column::new("id", ColumnType::Int),
                Column::new("created_at", ColumnType::Timestamp),
                Column::new("status", ColumnType::Text),
                Column::new("balance", ColumnType::Int),
            ],
        )
        .unwrap();
        let seed = row_events(
            &leader,
            &leader
                .rows
                .iter()
                .map(|(&id, r)| RowChange {
                    id,
                    before: None,
                    after: Some(r.clone()),
                })
                .collect::<Vec<_>>(),
        );
        apply_row_events(&mut follower, &seed).unwrap();
        for sql in [
            ARTICLE,
            "DELETE FROM accounts WHERE status = 'closed'",
            "INSERT INTO accounts (id, status) VALUES (9, 'new')",
        ] {
            let ev = events(&mut leader, sql);
            apply_row_events(&mut follower, &ev).unwrap();
        }
        assert_eq!(follower.rows.len(), leader.rows.len());
        for (id, row) in &follower.rows {
            let l = leader.get(*id).unwrap();
            assert_eq!(
                [&row[0], &row[3], &row[2], &row[1]],
                [&l[0], &l[1], &l[2], &l[3]]
            );
        }
    }

    #[test]
    fn updates_replace_only_the_listed_columns() {
        let mut t = Table::accounts_example();
        let ev = RowEvent::Update {
            table: "accounts".into(),
            id: 2,
            before: Vec::new(),
            after: pairs(&[("Balance", Value::Real(7.4))]),
        };
        assert_eq!(ev.to_string(), "UPDATE accounts id=2: Balance ? → 7.4");
        let planned = plan_row_events(&t, core::slice::from_ref(&ev)).unwrap();
        assert_eq!(planned.len(), 1);
        apply_row_events(&mut t, &[ev]).unwrap();
        let mut expected = Table::accounts_example();
        // Stored as the follower's INT, as an INSERT would store it.
        expected.rows.get_mut(&2).unwrap()[1] = Value::Int(7);
        assert_eq!(t, expected);
        // Re-applying the same values changes nothing and plans nothing.
        let same = RowEvent::Update {
            table: "accounts".into(),
            id: 2,
            before: Vec::new(),
            after: pairs(&[("balance", Value::Int(7))]),
        };
        assert_eq!(plan_row_events(&t, &[same]).unwrap(), vec![]);
    }

    #[test]
    fn errors_name_the_problem_and_leave_the_table_unchanged() {
        let t = Table::accounts_example();
        let ok = RowEvent::Delete {
            table: "accounts".into(),
            id: 1,
            before: Vec::new(),
        };
        let upd = |after: Vec<(String, Value)>| RowEvent::Update {
            table: "accounts".into(),
            id: 3,
            before: Vec::new(),
            after,
        };
        let cases = [
            (
                upd(pairs(&[("email", Value::Null)])),
                "a row event names column 'email', which table accounts on this node does not have",
            ),
            (
                RowEvent::Delete {
                    table: "accounts".into(),
                    id: 1,
                    before: Vec::new(),
                },
                "a row event changes the row with id 1, which table accounts on this node does not have",
            ),
            (
                RowEvent::Insert {
                    table: "accounts".into(),
                    after: pairs(&[("id", Value::Int(2))]),
                },
                "a row event inserts id 2, but table accounts on this node already has that row",
            ),
            (
                RowEvent::Insert {
                    table: "accounts".into(),
                    after: pairs(&[("balance", Value::Int(2))]),
                },
                "an INSERT event for table accounts carries no value for the primary key",
            ),
            (
                upd(pairs(&[("id", Value::Int(4))])),
                "an UPDATE event for id 3 in table accounts would change the primary key to INT 4",
            ),
            (
                upd(pairs(&[("balance", Value::Text("x".into()))])),
                "cannot store TEXT 'x' in column 'balance' of type INT",
            ),
            (
                RowEvent::Delete {
                    table: "users".into(),
                    id: 2,
                    before: Vec::new(),
                },
                "a row event for table users cannot be applied to table accounts",
            ),
        ];
        for (bad, message) in cases {
            let mut f = t.clone();
            let e = apply_row_events(&mut f, &[ok.clone(), bad]).unwrap_err();
            assert_eq!(e.to_string(), message);
            assert_eq!(f, t);
        }
    }
}
