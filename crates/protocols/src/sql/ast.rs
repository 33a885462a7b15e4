//! The syntax tree of the SQL subset, and its canonical text: `Display`
//! prints a statement with the fewest parentheses that keep its meaning, so
//! a parsed statement prints and re-parses to the same tree (what a
//! statement-based replication log would ship to followers).

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use super::value::{ArithOp, Value};

/// One statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Statement {
    /// `INSERT INTO t (col, ...) VALUES (expr, ...), ...`
    Insert {
        table: String,
        columns: Vec<String>,
        rows: Vec<Vec<Expr>>,
    },
    /// `UPDATE t SET col = expr, ... [WHERE expr]`
    Update {
        table: String,
        set: Vec<(String, Expr)>,
        filter: Option<Expr>,
    },
    /// `DELETE FROM t [WHERE expr]`
    Delete { table: String, filter: Option<Expr> },
    /// `SELECT * | col, ... FROM t [WHERE expr]`
    Select {
        table: String,
        projection: Projection,
        filter: Option<Expr>,
    },
}

/// What a SELECT returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Projection {
    /// `*`: every column in table order.
    All,
    Columns(Vec<String>),
}

/// The functions whose value depends on the node evaluating them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Function {
    /// `NOW()`: the node's local clock (a TIMESTAMP).
    Now,
    /// `RAND()`: a REAL in `[0, 1)` from the node's random stream.
    Rand,
    /// `UUID()`: a version-4 UUID string from the node's random stream.
    Uuid,
}

impl Function {
    pub fn name(self) -> &'static str {
        match self {
            Function::Now => "NOW",
            Function::Rand => "RAND",
            Function::Uuid => "UUID",
        }
    }

    /// The function spelled `name` in any letter case.
    pub fn lookup(name: &str) -> Option<Function> {
        [Function::Now, Function::Rand, Function::Uuid]
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(name))
    }
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "<>",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// An expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    Literal(Value),
    Column(String),
    Call(Function),
    /// Unary minus.
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Arith {
        op: ArithOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    Compare {
        op: CmpOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `expr IS NULL` / `expr IS NOT NULL` (never NULL itself).
    IsNull {
        expr: Box<Expr>,
        negated: bool,
    },
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

// Binding strength, loosest first: OR < AND < NOT < comparison < +,- <
// *,/ < unary minus < atoms.
const P_OR: u8 = 1;
const P_AND: u8 = 2;
const P_NOT: u8 = 3;
const P_CMP: u8 = 4;
const P_ADD: u8 = 5;
const P_MUL: u8 = 6;
const P_NEG: u8 = 7;
const P_ATOM: u8 = 8;

impl Expr {
    fn precedence(&self) -> u8 {
        match self {
            Expr::Or(..) => P_OR,
            Expr::And(..) => P_AND,
            Expr::Not(_) => P_NOT,
            Expr::Compare { .. } | Expr::IsNull { .. } => P_CMP,
            Expr::Arith {
                op: ArithOp::Add | ArithOp::Sub,
                ..
            } => P_ADD,
            Expr::Arith { .. } => P_MUL,
            Expr::Neg(_) => P_NEG,
            // A negative literal prints with a leading '-'.
            Expr::Literal(Value::Int(i)) if *i < 0 => P_NEG,
            Expr::Literal(Value::Real(r)) if r.is_sign_negative() => P_NEG,
            _ => P_ATOM,
        }
    }

    /// Levels in the tree: 1 for a lone value, `a + b` is 2, and a chain
    /// `a + a + … + a` is as deep as it has terms. Every walk over the tree
    /// (evaluating, printing, comparing, dropping) recurses this deep;
    /// computed here without recursion.
    pub fn height(&self) -> usize {
        let mut deepest = 0;
        let mut todo: Vec<(&Expr, usize)> = alloc::vec![(self, 1)];
        while let Some((e, h)) = todo.pop() {
            deepest = deepest.max(h);
            match e {
                Expr::Literal(_) | Expr::Column(_) | Expr::Call(_) => {}
                Expr::Neg(x) | Expr::Not(x) | Expr::IsNull { expr: x, .. } => todo.push((x, h + 1)),
                Expr::Arith { left, right, .. }
                | Expr::Compare { left, right, .. }
                | Expr::And(left, right)
                | Expr::Or(left, right) => {
                    todo.push((left, h + 1));
                    todo.push((right, h + 1));
                }
            }
        }
        deepest
    }

    /// Calls `f` on every function call in the expression, left to right.
    pub fn visit_calls(&self, f: &mut dyn FnMut(Function)) {
        self.visit(&mut |e| {
            if let Expr::Call(func) = e {
                f(*func)
            }
        });
    }

    /// Calls `f` on every node, parents before children, left to right.
    pub fn visit(&self, f: &mut dyn FnMut(&Expr)) {
        f(self);
        match self {
            Expr::Literal(_) | Expr::Column(_) | Expr::Call(_) => {}
            Expr::Neg(e) | Expr::Not(e) | Expr::IsNull { expr: e, .. } => e.visit(f),
            Expr::Arith { left, right, .. }
            | Expr::Compare { left, right, .. }
            | Expr::And(left, right)
            | Expr::Or(left, right) => {
                left.visit(f);
                right.visit(f);
            }
        }
    }
}

impl Statement {
    /// The table the statement reads or writes.
    pub fn table(&self) -> &str {
        match self {
            Statement::Insert { table, .. }
            | Statement::Update { table, .. }
            | Statement::Delete { table, .. }
            | Statement::Select { table, .. } => table,
        }
    }

    /// True for SELECT.
    pub fn is_read_only(&self) -> bool {
        matches!(self, Statement::Select { .. })
    }

    /// Every expression in the statement, in source order.
    pub fn expressions(&self) -> Vec<&Expr> {
        match self {
            Statement::Insert { rows, .. } => rows.iter().flatten().collect(),
            Statement::Update { set, filter, .. } => {
                set.iter().map(|(_, e)| e).chain(filter.iter()).collect()
            }
            Statement::Delete { filter, .. } | Statement::Select { filter, .. } => {
                filter.iter().collect()
            }
        }
    }

    /// The node-dependent functions (`NOW()`, `RAND()`, `UUID()`) the
    /// statement calls, sorted and without repeats. Empty means re-executing
    /// the statement on a follower gives the leader's result; otherwise
    /// statement-based replication can diverge (MySQL calls such statements
    /// "unsafe").
    pub fn nondeterministic_functions(&self) -> Vec<Function> {
        let mut found = Vec::new();
        for e in self.expressions() {
            e.visit_calls(&mut |f| found.push(f));
        }
        crate::sorting::sort(&mut found);
        found.dedup();
        found
    }

    /// No `NOW()`, `RAND()` or `UUID()`: safe for statement-based replication.
    pub fn is_deterministic(&self) -> bool {
        self.nondeterministic_functions().is_empty()
    }
}

/// Writes `e`, parenthesised when it binds more loosely than `min`.
fn write_operand(f: &mut fmt::Formatter<'_>, e: &Expr, min: u8) -> fmt::Result {
    if e.precedence() < min {
        write!(f, "({e})")
    } else {
        write!(f, "{e}")
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Literal(v) => write!(f, "{v}"),
            Expr::Column(c) => f.write_str(c),
            Expr::Call(func) => write!(f, "{}()", func.name()),
            Expr::Neg(e) => {
                f.write_str("-")?;
                if e.precedence() == P_NEG {
                    // "- -x", never "--x".
                    f.write_str(" ")?;
                }
                write_operand(f, e, P_NEG)
            }
            Expr::Not(e) => {
                f.write_str("NOT ")?;
                write_operand(f, e, P_NOT)
            }
            Expr::Arith { op, left, right } => {
                let p = self.precedence();
                write_operand(f, left, p)?;
                write!(f, " {} ", op.symbol())?;
                // Left-associative: an equal-precedence right operand
                // needs parentheses (a - (b - c)).
                write_operand(f, right, p + 1)
            }
            Expr::Compare { op, left, right } => {
                // Comparisons do not chain: both sides are at least +,-.
                write_operand(f, left, P_ADD)?;
                write!(f, " {} ", op.symbol())?;
                write_operand(f, right, P_ADD)
            }
            Expr::IsNull { expr, negated } => {
                write_operand(f, expr, P_ADD)?;
                f.write_str(if *negated { " IS NOT NULL" } else { " IS NULL" })
            }
            Expr::And(l, r) => {
                write_operand(f, l, P_AND)?;
                f.write_str(" AND ")?;
                write_operand(f, r, P_AND + 1)
            }
            Expr::Or(l, r) => {
                write_operand(f, l, P_OR)?;
                f.write_str(" OR ")?;
                write_operand(f, r, P_OR + 1)
            }
        }
    }
}

fn write_list<T: fmt::Display>(f: &mut fmt::Formatter<'_>, items: &[T]) -> fmt::Result {
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{x}")?;
    }
    Ok(())
}

fn write_filter(f: &mut fmt::Formatter<'_>, filter: &Option<Expr>) -> fmt::Result {
    match filter {
        Some(e) => write!(f, " WHERE {e}"),
        None => Ok(()),
    }
}

impl fmt::Display for Statement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Statement::Insert {
                table,
                columns,
                rows,
            } => {
                write!(f, "INSERT INTO {table} (")?;
                write_list(f, columns)?;
                f.write_str(") VALUES ")?;
                for (i, row) in rows.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str("(")?;
                    write_list(f, row)?;
                    f.write_str(")")?;
                }
                Ok(())
            }
            Statement::Update { table, set, filter } => {
                write!(f, "UPDATE {table} SET ")?;
                for (i, (col, e)) in set.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{col} = {e}")?;
                }
                write_filter(f, filter)
            }
            Statement::Delete { table, filter } => {
                write!(f, "DELETE FROM {table}")?;
                write_filter(f, filter)
            }
            Statement::Select {
                table,
                projection,
                filter,
            } => {
                f.write_str("SELECT ")?;
                match projection {
                    Projection::All => f.write_str("*")?,
                    Projection::Columns(cols) => write_list(f, cols)?,
                }
                write!(f, " FROM {table}")?;
                write_filter(f, filter)
            }
        }
    }
}
