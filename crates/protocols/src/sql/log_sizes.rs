//! What one statement costs in each single-leader replication log format:
//! statement-based ships the SQL text once however many rows it touches,
//! row-based ships one event per changed row, and the WAL ships every
//! changed byte range of every page — so a one-line batch UPDATE is tiny
//! in the first and grows with the table in the other two.

use core::fmt;

use super::error::SqlError;
use super::eval::{execute, EvalContext};
use super::pages::{Pages, StorageError, StorageVersion};
use super::parser::parse;
use super::rowlog::row_events;
use super::table::Table;

/// A statement event's fixed part, as for row events.
pub const STATEMENT_HEADER: usize = 8;

/// How many log records one statement produced in one format, and their
/// total size in bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FormatCost {
    pub events: usize,
    pub bytes: usize,
}

/// The cost of one statement in each format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LogSizes {
    pub statement: FormatCost,
    pub wal: FormatCost,
    pub row: FormatCost,
}

/// The statement failed, or its rows do not fit the storage format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogError {
    Sql(SqlError),
    Storage(StorageError),
}

impl From<SqlError> for LogError {
    fn from(e: SqlError) -> Self {
        LogError::Sql(e)
    }
}

impl From<StorageError> for LogError {
    fn from(e: StorageError) -> Self {
        LogError::Storage(e)
    }
}

impl fmt::Display for LogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LogError::Sql(e) => e.fmt(f),
            LogError::Storage(e) => e.fmt(f),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for LogError {}

/// Executes `sql` on a copy of `table` and measures the three logs it
/// would produce, the WAL for storage format `version`. A SELECT logs
/// nothing anywhere; a write that changes no rows still ships its
/// statement. `table` itself is not changed.
pub fn log_sizes(
    table: &Table,
    sql: &str,
    ctx: &mut dyn EvalContext,
    version: StorageVersion,
) -> Result<LogSizes, LogError> {
    let stmt = parse(sql).map_err(SqlError::from)?;
    let mut after = table.clone();
    let effects = execute(&mut after, &stmt, ctx)?;
    if stmt.is_read_only() {
        return Ok(LogSizes::default());
    }
    let writes = Pages::from_table(table, version)?.apply_changes(&effects.changes)?;
    let events = row_events(table, &effects.changes);
    Ok(LogSizes {
        statement: FormatCost {
            events: 1,
            bytes: STATEMENT_HEADER + sql.len(),
        },
        wal: FormatCost {
            events: writes.len(),
            bytes: writes.iter().map(|w| w.encoded_len()).sum(),
        },
        row: FormatCost {
            events: events.len(),
            bytes: events.iter().map(|e| e.encoded_len()).sum(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::{Column, ColumnType, SeededContext, Value};
    use alloc::string::ToString;
    use alloc::vec;
    use alloc::vec::Vec;

    fn sizes(t: &Table, sql: &str, v: StorageVersion) -> Result<LogSizes, LogError> {
        log_sizes(t, sql, &mut SeededContext::new(0, 1), v)
    }

    fn cost(events: usize, bytes: usize) -> FormatCost {
        FormatCost { events, bytes }
    }

    /// `t(id INT, n INT)` with ids and values 1..=100: 18-byte slots (flag
    /// 1, bitmap 1, id 8, n 8), 14 per page, so 8 pages, the last with 2.
    fn hundred() -> Table {
        let mut t = Table::new(
            "t",
            vec![
                Column::new("id", ColumnType::Int),
                Column::new("n", ColumnType::Int),
            ],
        )
        .unwrap();
        for i in 1..=100 {
            t.rows.insert(i, vec![Value::Int(i), Value::Int(i)]);
        }
        t
    }

    #[test]
    fn a_batch_update_of_the_example_table() {
        let t = Table::accounts_example();
        let sql = "UPDATE accounts SET balance = balance + 1";
        for v in [StorageVersion::V1, StorageVersion::V2] {
            let s = sizes(&t, sql, v).unwrap();
            // 41 characters of SQL.
            assert_eq!(s.statement, cost(1, 49));
            // One 8-byte balance field per row, in slots 66 (v1) or 68 (v2)
            // bytes apart, three to a page: 5 × (8 + 8) on two pages.
            assert_eq!(s.wal, cost(5, 80));
            let mut p = Pages::from_table(&t, v).unwrap();
            let mut after = t.clone();
            let e =
                crate::sql::execute_sql(&mut after, sql, &mut SeededContext::new(0, 1)).unwrap();
            let pages: Vec<u32> = p
                .apply_changes(&e.changes)
                .unwrap()
                .iter()
                .map(|w| w.page)
                .collect();
            assert_eq!(pages, vec![0, 0, 0, 1, 1]);
            // 5 × (8 header + 9 name + two 64-byte images).
            assert_eq!(s.row, cost(5, 725));
        }
        assert_eq!(t, Table::accounts_example());
    }

    #[test]
    fn a_batch_update_of_a_hundred_rows() {
        let t = hundred();
        let sql = "UPDATE t SET n = n + 1";
        let s = sizes(&t, sql, StorageVersion::V1).unwrap();
        assert_eq!(s.statement, cost(1, 8 + 22));
        // Consecutive n fields are 10 bytes apart, too far to merge: one
        // write per row, on all 8 pages.
        assert_eq!(s.wal, cost(100, 100 * 16));
        // Images: id (1+2, 1, 8) + n (1+1, 1, 8) = 23; 8 + 2 + 2 × 23.
        assert_eq!(s.row, cost(100, 100 * 56));
        let mut p = Pages::from_table(&t, StorageVersion::V1).unwrap();
        assert_eq!(p.page_count(), 8);
        let mut after = t.clone();
        let e = crate::sql::execute_sql(&mut after, sql, &mut SeededContext::new(0, 1)).unwrap();
        let writes = p.apply_changes(&e.changes).unwrap();
        let mut pages: Vec<u32> = writes.iter().map(|w| w.page).collect();
        pages.dedup();
        assert_eq!(pages, (0..8).collect::<Vec<_>>());
    }

    #[test]
    fn deleting_every_row_merges_whole_pages() {
        let s = sizes(&hundred(), "DELETE FROM t", StorageVersion::V1).unwrap();
        assert_eq!(s.statement, cost(1, 8 + 13));
        // Zeroed slots are adjacent, so each page is one write: 7 pages of
        // 14 slots (252 bytes) and one of 2 slots (36 bytes).
        assert_eq!(s.wal, cost(8, 7 * (8 + 252) + (8 + 36)));
        // 8 + 2 + one 23-byte image.
        assert_eq!(s.row, cost(100, 100 * 33));
    }

    #[test]
    fn an_insert_costs_the_non_zero_fields_of_its_slot() {
        let sql = "INSERT INTO accounts (id, balance, status) VALUES (6, 0, 'new')";
        let s = sizes(&Table::accounts_example(), sql, StorageVersion::V1).unwrap();
        assert_eq!(s.statement, cost(1, 8 + sql.len()));
        // The free slot 2 of page 1: flag, bitmap and id (10 bytes), then
        // status (1 + 39 = 40); balance 0 and the NULL created_at stay zero.
        assert_eq!(s.wal, cost(2, (8 + 10) + (8 + 40)));
        // id 12, balance 17, status 'new' 12, created_at NULL 12.
        assert_eq!(s.row, cost(1, 8 + 9 + 12 + 17 + 12 + 12));
    }

    #[test]
    fn reads_log_nothing_and_empty_writes_log_only_the_statement() {
        let t = Table::accounts_example();
        let s = sizes(&t, "SELECT * FROM accounts", StorageVersion::V1).unwrap();
        assert_eq!(s, LogSizes::default());
        let sql = "UPDATE accounts SET balance = 0 WHERE id = 42";
        let s = sizes(&t, sql, StorageVersion::V1).unwrap();
        assert_eq!(s.statement, cost(1, 8 + sql.len()));
        assert_eq!((s.wal, s.row), (cost(0, 0), cost(0, 0)));
    }

    #[test]
    fn errors_say_what_went_wrong() {
        let t = Table::accounts_example();
        let e = sizes(&t, "UPDATE accounts SET nope = 1", StorageVersion::V1).unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown column 'nope' in table accounts (columns: id, balance, status, created_at)"
        );
        let e = sizes(&t, "SELECT FROM", StorageVersion::V1).unwrap_err();
        assert!(matches!(e, LogError::Sql(SqlError::Parse(_))));
        let e = sizes(
            &t,
            "UPDATE accounts SET status = 'a status much longer than one slot holds' WHERE id = 1",
            StorageVersion::V1,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "text of 40 bytes does not fit column 'status': a page slot holds at most 39 bytes of text"
        );
        let e = sizes(&t, "DELETE FROM accounts", StorageVersion(7)).unwrap_err();
        assert!(matches!(
            e,
            LogError::Storage(StorageError::UnsupportedVersion { .. })
        ));
    }
}
