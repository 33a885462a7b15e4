//! One table: a schema and its rows keyed by the integer primary key `id`
//! (the first column) in a `BTreeMap`, so rows are always visited in
//! primary-key order — the same on every node and every target.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::error::SqlError;
use super::value::{ColumnType, Value};

/// A column's name and declared type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub ty: ColumnType,
}

impl Column {
    pub fn new(name: &str, ty: ColumnType) -> Column {
        Column {
            name: String::from(name),
            ty,
        }
    }
}

/// A row's values, in column order (`values[0]` is the `id`).
pub type Row = Vec<Value>;

/// A table. Column and table names match case-insensitively (ASCII), as
/// unquoted SQL identifiers do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    pub rows: BTreeMap<i64, Row>,
}

/// Microseconds per day, for the example's `created_at` values.
const DAY_US: i64 = 86_400_000_000;

impl Table {
    /// The table as text, values as SQL literals.
    pub fn to_view(&self) -> crate::node::TableView {
        crate::node::TableView {
            name: self.name.clone(),
            columns: self.column_names(),
            rows: self
                .rows
                .values()
                .map(|row| row.iter().map(|v| alloc::format!("{v}")).collect())
                .collect(),
        }
    }

    /// An empty table. The first column must be `id INT` (the primary
    /// key) and names must be distinct.
    pub fn new(name: &str, columns: Vec<Column>) -> Result<Table, SqlError> {
        match columns.first() {
            Some(c) if c.name.eq_ignore_ascii_case("id") && c.ty == ColumnType::Int => {}
            _ => {
                return Err(SqlError::BadSchema {
                    message: String::from("the first column must be the primary key id INT"),
                })
            }
        }
        for (i, c) in columns.iter().enumerate() {
            if columns[..i]
                .iter()
                .any(|d| d.name.eq_ignore_ascii_case(&c.name))
            {
                return Err(SqlError::BadSchema {
                    message: format!("column '{}' is defined twice", c.name),
                });
            }
        }
        Ok(Table {
            name: String::from(name),
            columns,
            rows: BTreeMap::new(),
        })
    }

    /// `accounts(id INT, balance INT, status TEXT, created_at TIMESTAMP)`
    /// with five rows, three 'active' and two 'closed', created one to ten
    /// days before local time 0 — the table for the example
    /// `UPDATE accounts SET balance = balance * 1.1 WHERE status = 'active'`.
    /// `balance` is an INT column, so `balance * 1.1` (a REAL) is stored
    /// rounded half away from zero (see [`Value::coerce`]).
    pub fn accounts_example() -> Table {
        let mut t = Table {
            name: String::from("accounts"),
            columns: alloc::vec![
                Column::new("id", ColumnType::Int),
                Column::new("balance", ColumnType::Int),
                Column::new("status", ColumnType::Text),
                Column::new("created_at", ColumnType::Timestamp),
            ],
            rows: BTreeMap::new(),
        };
        let rows: [(i64, i64, &str, i64); 5] = [
            (1, 100, "active", -10 * DAY_US),
            (2, 250, "closed", -8 * DAY_US),
            (3, 5, "active", -5 * DAY_US),
            (4, 1_005, "active", -2 * DAY_US),
            (5, 0, "closed", -DAY_US),
        ];
        for (id, balance, status, created) in rows {
            t.rows.insert(
                id,
                alloc::vec![
                    Value::Int(id),
                    Value::Int(balance),
                    Value::Text(String::from(status)),
                    Value::Timestamp(created),
                ],
            );
        }
        t
    }

    /// The index of the column called `name`, or an error listing the
    /// table's columns.
    pub fn column_index(&self, name: &str) -> Result<usize, SqlError> {
        self.columns
            .iter()
            .position(|c| c.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| SqlError::UnknownColumn {
                column: String::from(name),
                table: self.name.clone(),
                columns: self.columns.iter().map(|c| c.name.clone()).collect(),
            })
    }

    /// The column names, in order.
    pub fn column_names(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.name.clone()).collect()
    }

    /// The row with primary key `id`.
    pub fn get(&self, id: i64) -> Option<&Row> {
        self.rows.get(&id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    #[test]
    fn example_table_is_in_primary_key_order() {
        let t = Table::accounts_example();
        assert_eq!(
            t.rows.keys().copied().collect::<Vec<_>>(),
            vec![1, 2, 3, 4, 5]
        );
        assert_eq!(
            t.column_names(),
            vec!["id", "balance", "status", "created_at"]
        );
        assert_eq!(t.column_index("BALANCE"), Ok(1));
        assert_eq!(
            t.column_index("balanc").unwrap_err().to_string(),
            "unknown column 'balanc' in table accounts (columns: id, balance, status, created_at)"
        );
    }

    #[test]
    fn schema_needs_an_int_id_first_and_unique_names() {
        assert!(Table::new("t", vec![Column::new("x", ColumnType::Int)]).is_err());
        assert!(Table::new("t", vec![Column::new("id", ColumnType::Text)]).is_err());
        assert!(Table::new(
            "t",
            vec![
                Column::new("id", ColumnType::Int),
                Column::new("ID", ColumnType::Int)
            ]
        )
        .is_err());
        assert!(Table::new("t", vec![]).is_err());
    }
}
