//! A small SQL subset for single-leader replication log formats:
//! statement-based replication re-executes statements on followers, and
//! the before/after row images computed here feed row-based events and WAL
//! page diffs.
//!
//! Supported: `INSERT INTO t (col, ...) VALUES (...), ...`,
//! `UPDATE t SET col = expr, ... [WHERE expr]`, `DELETE FROM t [WHERE expr]`
//! and `SELECT * | col, ... FROM t [WHERE expr]`, with arithmetic,
//! comparisons, `AND`/`OR`/`NOT`, `IS [NOT] NULL` and the node-dependent
//! functions `NOW()`, `RAND()` and `UUID()`, which read the node's clock
//! and random stream through an [`EvalContext`] — never global state.
//!
//! ```
//! use replicascope_protocols::sql::{execute_sql, SeededContext, Table, Value};
//!
//! let mut leader = Table::accounts_example();
//! let effects = execute_sql(
//!     &mut leader,
//!     "UPDATE accounts SET balance = balance * 1.1 WHERE status = 'active'",
//!     &mut SeededContext::new(0, 1),
//! )
//! .unwrap();
//! assert_eq!(effects.changes.len(), 3);
//! // balance is an INT column: 100 * 1.1 is stored as 110.
//! assert_eq!(leader.get(1).unwrap()[1], Value::Int(110));
//! ```

mod ast;
mod error;
mod eval;
mod lexer;
mod log_sizes;
mod pages;
mod parser;
mod rowlog;
mod table;
mod value;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod log_props;
#[cfg(test)]
mod tests;

pub use ast::{CmpOp, Expr, Function, Projection, Statement};
pub use error::{ParseError, SqlError};
pub use eval::{
    apply_changes, eval_expr, execute, execute_sql, rand_unit, uuid_v4, Effects, EvalContext,
    ResultSet, RowChange, SeededContext,
};
pub use lexer::{tokenize, Keyword, Tok, Token};
pub use log_sizes::{log_sizes, FormatCost, LogError, LogSizes, STATEMENT_HEADER};
pub use pages::{
    PageWrite, Pages, SlotAddr, StorageError, StorageVersion, MERGE_GAP, PAGE_SIZE, TEXT_MAX,
};
pub use parser::{parse, parse_expr, MAX_DEPTH, MAX_HEIGHT, MAX_OPERANDS};
pub use rowlog::{apply_row_events, plan_row_events, row_events, RowEvent, RowLogError};
pub use table::{Column, Row, Table};
pub use value::{ArithOp, ColumnType, Value};

/// SQL words, operators, literals and names — plus a few characters that
/// are none of those — to build random statements from: the vocabulary of
/// the parser's property tests and of the seeded mutation sweep.
#[doc(hidden)]
pub const SQL_WORDS: &[&str] = &[
    "SELECT",
    "INSERT",
    "INTO",
    "VALUES",
    "UPDATE",
    "SET",
    "DELETE",
    "FROM",
    "WHERE",
    "AND",
    "OR",
    "NOT",
    "IS",
    "NULL",
    "TRUE",
    "FALSE",
    "NOW()",
    "RAND()",
    "UUID()",
    "NOW",
    "(",
    ")",
    ",",
    ";",
    "*",
    "+",
    "-",
    "/",
    "=",
    "<>",
    "!=",
    "!",
    "<",
    "<=",
    ">",
    ">=",
    "'a''b'",
    "'",
    "''",
    "1",
    "0",
    "1.5",
    ".5",
    "9223372036854775808",
    "99999999999999999999",
    "id",
    "balance",
    "t",
    "accounts",
    "x_1",
    "é",
    "#",
    ".",
    "\u{a0}",
    "\n",
];
