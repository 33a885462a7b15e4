//! Errors of the SQL subset: a parse error points at a byte position (and a
//! 1-based line and column) and says what was expected; an evaluation error
//! names the problem in words a reader of the simulator can act on.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// A syntax error: where it happened and what the parser wanted there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset into the statement text.
    pub pos: usize,
    /// 1-based line of `pos`.
    pub line: usize,
    /// 1-based column (in characters) of `pos` within its line.
    pub column: usize,
    /// What the parser expected, e.g. "a value after '='".
    pub expected: String,
    /// What it found, e.g. "'WHERE'" or "end of input".
    pub found: String,
}

impl ParseError {
    /// An error at byte `pos` of `src`; line and column are computed here.
    pub fn at(src: &str, pos: usize, expected: String, found: String) -> ParseError {
        let pos = pos.min(src.len());
        // `pos` always lies on a character boundary (token starts), but be
        // defensive: count only complete characters before it.
        let before = src.get(..pos).unwrap_or(src);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        ParseError {
            pos,
            line,
            column,
            expected,
            found,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 1 {
            write!(f, "line {}, ", self.line)?;
        }
        write!(
            f,
            "column {}: expected {} but found {}",
            self.column, self.expected, self.found
        )
    }
}

/// Everything that can go wrong while parsing or executing a statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SqlError {
    /// The statement text is not in the supported subset.
    Parse(ParseError),
    /// The statement names a different table than the one it was run on.
    UnknownTable { name: String, table: String },
    /// A column reference that the table does not have.
    UnknownColumn {
        column: String,
        table: String,
        columns: Vec<String>,
    },
    /// The same column listed twice in an INSERT column list or UPDATE SET.
    DuplicateColumn { column: String },
    /// An INSERT row whose value count differs from the column list.
    ValueCount {
        row: usize,
        values: usize,
        columns: usize,
    },
    /// A column reference inside INSERT ... VALUES (there is no row yet).
    ColumnInValues { column: String },
    /// An operator applied to values of the wrong types.
    Type { message: String },
    /// A value that does not fit the column it is stored into.
    ColumnType {
        column: String,
        expected: &'static str,
        found: String,
    },
    /// A WHERE clause that evaluated to something other than a boolean.
    NotBoolean { found: String },
    /// Integer (or timestamp, or real) arithmetic out of range.
    Overflow { message: String },
    /// Division by zero (integer or real).
    DivisionByZero,
    /// The primary key `id` is missing or NULL in an inserted row.
    MissingPrimaryKey { row: usize },
    /// An inserted row reuses an existing primary key.
    DuplicatePrimaryKey { id: i64 },
    /// UPDATE may not change the primary key.
    PrimaryKeyUpdate { column: String },
    /// A table definition that is not usable (first column must be INT `id`).
    BadSchema { message: String },
}

impl From<ParseError> for SqlError {
    fn from(e: ParseError) -> Self {
        SqlError::Parse(e)
    }
}

impl fmt::Display for SqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SqlError::Parse(e) => e.fmt(f),
            SqlError::UnknownTable { name, table } => {
                write!(f, "unknown table '{name}' (this node's table is {table})")
            }
            SqlError::UnknownColumn {
                column,
                table,
                columns,
            } => {
                write!(f, "unknown column '{column}' in table {table} (columns: ")?;
                for (i, c) in columns.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str(c)?;
                }
                f.write_str(")")
            }
            SqlError::DuplicateColumn { column } => {
                write!(f, "column '{column}' is listed more than once")
            }
            SqlError::ValueCount {
                row,
                values,
                columns,
            } => write!(
                f,
                "VALUES row {row} has {values} value(s) but {columns} column(s) were listed"
            ),
            SqlError::ColumnInValues { column } => write!(
                f,
                "column reference '{column}' is not allowed in VALUES (there is no row to read it from)"
            ),
            SqlError::Type { message } => write!(f, "type error: {message}"),
            SqlError::ColumnType {
                column,
                expected,
                found,
            } => write!(
                f,
                "cannot store {found} in column '{column}' of type {expected}"
            ),
            SqlError::NotBoolean { found } => {
                write!(f, "WHERE condition must be a boolean but was {found}")
            }
            SqlError::Overflow { message } => write!(f, "numeric overflow: {message}"),
            SqlError::DivisionByZero => f.write_str("division by zero"),
            SqlError::MissingPrimaryKey { row } => write!(
                f,
                "VALUES row {row} has no primary key: column 'id' must be given and not NULL"
            ),
            SqlError::DuplicatePrimaryKey { id } => {
                write!(f, "duplicate primary key: a row with id {id} already exists")
            }
            SqlError::PrimaryKeyUpdate { column } => {
                write!(f, "cannot UPDATE the primary key column '{column}'")
            }
            SqlError::BadSchema { message } => write!(f, "bad table definition: {message}"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for SqlError {}

#[cfg(feature = "std")]
impl std::error::Error for ParseError {}
