//! Executing a statement against a table. Everything node-dependent —
//! `NOW()`, `RAND()`, `UUID()` — comes from an [`EvalContext`] the caller
//! supplies (the node's local clock and its own seeded random stream), so
//! re-executing a statement on a follower gives the leader's result exactly
//! when the statement does not call them: statement-based replication's
//! divergence, made reproducible.
//!
//! Execution is two-phase: every affected row is computed first, then the
//! changes are applied, so a failing statement leaves the table unchanged.
//! Rows are visited in primary-key order; for each row the WHERE clause is
//! evaluated, then (if it is TRUE) the SET expressions left to right, each
//! seeing the row's old values. `AND`/`OR` evaluate both sides (no
//! short-circuit), so the number of random draws per row does not depend on
//! the data. `NOW()` reads the clock once per statement (SQL's
//! statement-start time); every `RAND()`/`UUID()` call draws afresh.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Ordering;
use core::fmt::Write;

use super::ast::{CmpOp, Expr, Function, Projection, Statement};
use super::error::SqlError;
use super::table::{Row, Table};
use super::value::Value;
use crate::rng::SimRng;

/// What a node lends a statement while executing it.
pub trait EvalContext {
    /// The node's local clock in microseconds (true time plus skew).
    fn now_us(&mut self) -> i64;
    /// The next draw from the node's own random stream.
    fn next_u64(&mut self) -> u64;
}

/// Inside a protocol step, the node's [`Ctx`](crate::node::Ctx) is the
/// context: its local clock and its random stream.
impl<M, T: crate::node::Timer> EvalContext for crate::node::Ctx<'_, M, T> {
    fn now_us(&mut self) -> i64 {
        self.local_time_us
    }
    fn next_u64(&mut self) -> u64 {
        self.rng.next_u64()
    }
}

/// A standalone context: a fixed clock reading and an owned stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeededContext {
    pub now_us: i64,
    pub rng: SimRng,
}

impl SeededContext {
    /// Clock reading `now_us`; the stream called "sql" of `seed`.
    pub fn new(now_us: i64, seed: u64) -> SeededContext {
        SeededContext {
            now_us,
            rng: SimRng::stream(seed, "sql"),
        }
    }
}

impl EvalContext for SeededContext {
    fn now_us(&mut self) -> i64 {
        self.now_us
    }
    fn next_u64(&mut self) -> u64 {
        self.rng.next_u64()
    }
}

/// `RAND()`: the top 53 bits of one draw, scaled into `[0, 1)`.
pub fn rand_unit(ctx: &mut dyn EvalContext) -> f64 {
    (ctx.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// `UUID()`: two draws as 16 big-endian bytes, with the version (4) and
/// variant (10xx) bits set, as lower-case `8-4-4-4-12` hex.
pub fn uuid_v4(ctx: &mut dyn EvalContext) -> String {
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&ctx.next_u64().to_be_bytes());
    b[8..].copy_from_slice(&ctx.next_u64().to_be_bytes());
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let mut s = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        let _ = write!(s, "{byte:02x}");
    }
    s
}

/// One changed row: `before` is `None` for an insert, `after` is `None`
/// for a delete.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowChange {
    pub id: i64,
    pub before: Option<Row>,
    pub after: Option<Row>,
}

/// The rows a SELECT returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResultSet {
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
}

/// What a statement did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Effects {
    /// Changed rows in primary-key order (an UPDATE that leaves a row's
    /// values as they were does not list it). Empty for SELECT.
    pub changes: Vec<RowChange>,
    /// Rows the WHERE clause kept (inserted rows for INSERT).
    pub matched: usize,
    /// `Some` for SELECT.
    pub selected: Option<ResultSet>,
}

/// Parses and executes `src`.
pub fn execute_sql(
    table: &mut Table,
    src: &str,
    ctx: &mut dyn EvalContext,
) -> Result<Effects, SqlError> {
    let stmt = super::parser::parse(src)?;
    execute(table, &stmt, ctx)
}

/// Executes `stmt` on `table`. On error the table is unchanged.
pub fn execute(
    table: &mut Table,
    stmt: &Statement,
    ctx: &mut dyn EvalContext,
) -> Result<Effects, SqlError> {
    let effects = plan(table, stmt, ctx)?;
    apply_changes(table, &effects.changes);
    Ok(effects)
}

/// Writes row changes (computed by a statement or a replication log) into
/// `table`, in order.
pub fn apply_changes(table: &mut Table, changes: &[RowChange]) {
    for c in changes {
        match &c.after {
            Some(row) => {
                table.rows.insert(c.id, row.clone());
            }
            None => {
                table.rows.remove(&c.id);
            }
        }
    }
}

/// Evaluates an expression that reads no columns (e.g. from
/// [`parse_expr`](super::parse_expr)).
pub fn eval_expr(expr: &Expr, ctx: &mut dyn EvalContext) -> Result<Value, SqlError> {
    let table = Table {
        name: String::new(),
        columns: Vec::new(),
        rows: BTreeMap::new(),
    };
    Evaluator {
        table: &table,
        ctx,
        now: None,
    }
    .eval(expr, None)
}

/// Computes the effects without touching the table.
fn plan(table: &Table, stmt: &Statement, ctx: &mut dyn EvalContext) -> Result<Effects, SqlError> {
    if !stmt.table().eq_ignore_ascii_case(&table.name) {
        return Err(SqlError::UnknownTable {
            name: String::from(stmt.table()),
            table: table.name.clone(),
        });
    }
    check_columns(table, stmt)?;
    let mut ev = Evaluator {
        table,
        ctx,
        now: None,
    };
    match stmt {
        Statement::Insert { columns, rows, .. } => {
            let idx = distinct_indices(table, columns.iter())?;
            let mut new_rows: BTreeMap<i64, Row> = BTreeMap::new();
            for (n, exprs) in rows.iter().enumerate() {
                let n = n + 1;
                if exprs.len() != columns.len() {
                    return Err(SqlError::ValueCount {
                        row: n,
                        values: exprs.len(),
                        columns: columns.len(),
                    });
                }
                let mut row: Row = table.columns.iter().map(|_| Value::Null).collect();
                for (&i, e) in idx.iter().zip(exprs) {
                    let col = &table.columns[i];
                    row[i] = ev.eval(e, None)?.coerce(col.ty, &col.name)?;
                }
                let Some(&Value::Int(id)) = row.first() else {
                    return Err(SqlError::MissingPrimaryKey { row: n });
                };
                if table.rows.contains_key(&id) || new_rows.contains_key(&id) {
                    return Err(SqlError::DuplicatePrimaryKey { id });
                }
                new_rows.insert(id, row);
            }
            Ok(Effects {
                matched: new_rows.len(),
                changes: new_rows
                    .into_iter()
                    .map(|(id, row)| RowChange {
                        id,
                        before: None,
                        after: Some(row),
                    })
                    .collect(),
                selected: None,
            })
        }
        Statement::Update { set, filter, .. } => {
            let idx = distinct_indices(table, set.iter().map(|(c, _)| c))?;
            if let Some(&i) = idx.iter().find(|&&i| i == 0) {
                return Err(SqlError::PrimaryKeyUpdate {
                    column: table.columns[i].name.clone(),
                });
            }
            let mut changes = Vec::new();
            let mut matched = 0;
            for (&id, row) in &table.rows {
                if !ev.keeps(filter, row)? {
                    continue;
                }
                matched += 1;
                let mut after = row.clone();
                for (&i, (_, e)) in idx.iter().zip(set) {
                    let col = &table.columns[i];
                    let v = ev.eval(e, Some(row))?.coerce(col.ty, &col.name)?;
                    if let Some(slot) = after.get_mut(i) {
                        *slot = v;
                    }
                }
                if after != *row {
                    changes.push(RowChange {
                        id,
                        before: Some(row.clone()),
                        after: Some(after),
                    });
                }
            }
            Ok(Effects {
                changes,
                matched,
                selected: None,
            })
        }
        Statement::Delete { filter, .. } => {
            let mut changes = Vec::new();
            for (&id, row) in &table.rows {
                if ev.keeps(filter, row)? {
                    changes.push(RowChange {
                        id,
                        before: Some(row.clone()),
                        after: None,
                    });
                }
            }
            Ok(Effects {
                matched: changes.len(),
                changes,
                selected: None,
            })
        }
        Statement::Select {
            projection, filter, ..
        } => {
            let idx: Vec<usize> = match projection {
                Projection::All => (0..table.columns.len()).collect(),
                Projection::Columns(cols) => cols
                    .iter()
                    .map(|c| table.column_index(c))
                    .collect::<Result<_, _>>()?,
            };
            let mut rows = Vec::new();
            for row in table.rows.values() {
                if ev.keeps(filter, row)? {
                    rows.push(idx.iter().map(|&i| cell(row, i)).collect());
                }
            }
            Ok(Effects {
                changes: Vec::new(),
                matched: rows.len(),
                selected: Some(ResultSet {
                    columns: idx.iter().map(|&i| table.columns[i].name.clone()).collect(),
                    rows,
                }),
            })
        }
    }
}

/// Column indices for `names`, rejecting unknown and repeated columns.
fn distinct_indices<'a>(
    table: &Table,
    names: impl Iterator<Item = &'a String>,
) -> Result<Vec<usize>, SqlError> {
    let mut idx: Vec<usize> = Vec::new();
    for name in names {
        let i = table.column_index(name)?;
        if idx.contains(&i) {
            return Err(SqlError::DuplicateColumn {
                column: name.clone(),
            });
        }
        idx.push(i);
    }
    Ok(idx)
}

/// Rejects unknown columns before any row is touched, so the error does
/// not depend on the data (an empty table reports it too).
fn check_columns(table: &Table, stmt: &Statement) -> Result<(), SqlError> {
    let mut result = Ok(());
    let in_values = matches!(stmt, Statement::Insert { .. });
    for e in stmt.expressions() {
        e.visit(&mut |node| {
            if let (Expr::Column(c), Ok(())) = (node, &result) {
                result = if in_values {
                    Err(SqlError::ColumnInValues { column: c.clone() })
                } else {
                    table.column_index(c).map(|_| ())
                };
            }
        });
    }
    result
}

struct Evaluator<'a> {
    table: &'a Table,
    ctx: &'a mut dyn EvalContext,
    /// `NOW()`, read at its first use in the statement.
    now: Option<i64>,
}

impl Evaluator<'_> {
    /// Whether the WHERE clause keeps `row`: only TRUE keeps it.
    fn keeps(&mut self, filter: &Option<Expr>, row: &Row) -> Result<bool, SqlError> {
        let Some(f) = filter else {
            return Ok(true);
        };
        match self.eval(f, Some(row))? {
            Value::Bool(b) => Ok(b),
            Value::Null => Ok(false),
            v => Err(SqlError::NotBoolean {
                found: v.describe(),
            }),
        }
    }

    fn eval(&mut self, e: &Expr, row: Option<&Row>) -> Result<Value, SqlError> {
        Ok(match e {
            Expr::Literal(v) => v.clone(),
            Expr::Column(c) => match row {
                Some(row) => cell(row, self.table.column_index(c)?),
                None => return Err(SqlError::ColumnInValues { column: c.clone() }),
            },
            Expr::Call(Function::Now) => {
                let now = match self.now {
                    Some(t) => t,
                    None => *self.now.insert(self.ctx.now_us()),
                };
                Value::Timestamp(now)
            }
            Expr::Call(Function::Rand) => Value::Real(rand_unit(self.ctx)),
            Expr::Call(Function::Uuid) => Value::Text(uuid_v4(self.ctx)),
            Expr::Neg(x) => self.eval(x, row)?.negate()?,
            Expr::Not(x) => match truth(self.eval(x, row)?, "NOT")? {
                Some(b) => Value::Bool(!b),
                None => Value::Null,
            },
            Expr::Arith { op, left, right } => {
                let l = self.eval(left, row)?;
                let r = self.eval(right, row)?;
                l.arith(*op, &r)?
            }
            Expr::Compare { op, left, right } => {
                let l = self.eval(left, row)?;
                let r = self.eval(right, row)?;
                match l.sql_cmp(&r)? {
                    None => Value::Null,
                    Some(o) => Value::Bool(holds(*op, o)),
                }
            }
            Expr::IsNull { expr, negated } => {
                Value::Bool(self.eval(expr, row)?.is_null() != *negated)
            }
            Expr::And(l, r) => {
                let l = truth(self.eval(l, row)?, "AND")?;
                let r = truth(self.eval(r, row)?, "AND")?;
                match (l, r) {
                    (Some(false), _) | (_, Some(false)) => Value::Bool(false),
                    (Some(true), Some(true)) => Value::Bool(true),
                    _ => Value::Null,
                }
            }
            Expr::Or(l, r) => {
                let l = truth(self.eval(l, row)?, "OR")?;
                let r = truth(self.eval(r, row)?, "OR")?;
                match (l, r) {
                    (Some(true), _) | (_, Some(true)) => Value::Bool(true),
                    (Some(false), Some(false)) => Value::Bool(false),
                    _ => Value::Null,
                }
            }
        })
    }
}

/// Column `i` of `row` (NULL if a hand-built row is too short).
fn cell(row: &Row, i: usize) -> Value {
    row.get(i).cloned().unwrap_or(Value::Null)
}

/// A boolean operand: `Some(b)`, `None` for NULL (unknown), or an error.
fn truth(v: Value, op: &str) -> Result<Option<bool>, SqlError> {
    match v {
        Value::Bool(b) => Ok(Some(b)),
        Value::Null => Ok(None),
        v => Err(SqlError::Type {
            message: format!("{op} needs boolean operands but got {}", v.describe()),
        }),
    }
}

fn holds(op: CmpOp, o: Ordering) -> bool {
    match op {
        CmpOp::Eq => o == Ordering::Equal,
        CmpOp::Ne => o != Ordering::Equal,
        CmpOp::Lt => o == Ordering::Less,
        CmpOp::Le => o != Ordering::Greater,
        CmpOp::Gt => o == Ordering::Greater,
        CmpOp::Ge => o != Ordering::Less,
    }
}
