//! SQL values and the arithmetic/comparison rules on them: `Int` and `Real`
//! mix into `Real`, integer overflow and division by zero are errors,
//! anything involving `NULL` is `NULL` (three-valued logic), and a real
//! result that is not finite is an overflow error — so `NaN` never exists
//! and equality is plain bitwise equality.

use alloc::format;
use alloc::string::String;
use core::cmp::Ordering;
use core::fmt;

use super::error::SqlError;

/// One SQL value.
#[derive(Clone, Debug)]
pub enum Value {
    Int(i64),
    Real(f64),
    Text(String),
    Bool(bool),
    /// Microseconds on the evaluating node's local clock.
    Timestamp(i64),
    Null,
}

/// Structural equality (reals by bit pattern): "is this the same stored
/// value", used for before/after images. SQL `=` is [`Value::sql_cmp`].
impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Real(a), Value::Real(b)) => a.to_bits() == b.to_bits(),
            (Value::Text(a), Value::Text(b)) => a == b,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Timestamp(a), Value::Timestamp(b)) => a == b,
            (Value::Null, Value::Null) => true,
            _ => false,
        }
    }
}

impl Eq for Value {}

/// The declared type of a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    Int,
    Real,
    Text,
    Bool,
    Timestamp,
}

impl ColumnType {
    pub fn name(self) -> &'static str {
        match self {
            ColumnType::Int => "INT",
            ColumnType::Real => "REAL",
            ColumnType::Text => "TEXT",
            ColumnType::Bool => "BOOL",
            ColumnType::Timestamp => "TIMESTAMP",
        }
    }
}

impl fmt::Display for ColumnType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An arithmetic operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
}

impl ArithOp {
    pub fn symbol(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
        }
    }
}

/// 2^63 as an f64: the first real that no longer fits in an i64.
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;

impl Value {
    /// "INT", "REAL", "TEXT", "BOOL", "TIMESTAMP" or "NULL".
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Int(_) => "INT",
            Value::Real(_) => "REAL",
            Value::Text(_) => "TEXT",
            Value::Bool(_) => "BOOL",
            Value::Timestamp(_) => "TIMESTAMP",
            Value::Null => "NULL",
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// "INT 5", "TEXT 'a'", "NULL": a value with its type, for messages.
    pub fn describe(&self) -> String {
        match self {
            Value::Null => String::from("NULL"),
            Value::Timestamp(_) => format!("{self}"),
            v => format!("{} {}", v.type_name(), v),
        }
    }

    /// `self op other` with SQL rules. Int op Int stays Int (checked;
    /// division truncates toward zero), any Real makes the result Real,
    /// Timestamp ± Int shifts by microseconds, Timestamp − Timestamp is the
    /// Int distance in microseconds, NULL op anything is NULL.
    pub fn arith(&self, op: ArithOp, other: &Value) -> Result<Value, SqlError> {
        use Value::*;
        let overflow = || SqlError::Overflow {
            message: format!("{} {} {} is out of range", self, op.symbol(), other),
        };
        match (self, other) {
            (Null, _) | (_, Null) => Ok(Null),
            (Int(a), Int(b)) => {
                let r = match op {
                    ArithOp::Add => a.checked_add(*b),
                    ArithOp::Sub => a.checked_sub(*b),
                    ArithOp::Mul => a.checked_mul(*b),
                    ArithOp::Div => {
                        if *b == 0 {
                            return Err(SqlError::DivisionByZero);
                        }
                        a.checked_div(*b)
                    }
                };
                r.map(Int).ok_or_else(overflow)
            }
            (Int(_) | Real(_), Int(_) | Real(_)) => {
                let (a, b) = (self.as_f64(), other.as_f64());
                let r = match op {
                    ArithOp::Add => a + b,
                    ArithOp::Sub => a - b,
                    ArithOp::Mul => a * b,
                    ArithOp::Div => {
                        if b == 0.0 {
                            return Err(SqlError::DivisionByZero);
                        }
                        a / b
                    }
                };
                if r.is_finite() {
                    Ok(Real(r))
                } else {
                    Err(overflow())
                }
            }
            (Timestamp(t), Int(d)) if op == ArithOp::Add => {
                t.checked_add(*d).map(Timestamp).ok_or_else(overflow)
            }
            (Int(d), Timestamp(t)) if op == ArithOp::Add => {
                t.checked_add(*d).map(Timestamp).ok_or_else(overflow)
            }
            (Timestamp(t), Int(d)) if op == ArithOp::Sub => {
                t.checked_sub(*d).map(Timestamp).ok_or_else(overflow)
            }
            (Timestamp(a), Timestamp(b)) if op == ArithOp::Sub => {
                a.checked_sub(*b).map(Int).ok_or_else(overflow)
            }
            _ => Err(SqlError::Type {
                message: format!(
                    "cannot apply '{}' to {} and {}",
                    op.symbol(),
                    self.describe(),
                    other.describe()
                ),
            }),
        }
    }

    /// Unary minus.
    pub fn negate(&self) -> Result<Value, SqlError> {
        match self {
            Value::Null => Ok(Value::Null),
            Value::Int(a) => a.checked_neg().map(Value::Int).ok_or(SqlError::Overflow {
                message: format!("-({a}) is out of range"),
            }),
            Value::Real(a) => Ok(Value::Real(-a)),
            v => Err(SqlError::Type {
                message: format!("cannot negate {}", v.describe()),
            }),
        }
    }

    /// SQL comparison: `Ok(None)` when either side is NULL, an error for
    /// incomparable types. Ints and reals compare exactly (no rounding of
    /// the int to f64), text compares bytewise, `FALSE < TRUE`.
    pub fn sql_cmp(&self, other: &Value) -> Result<Option<Ordering>, SqlError> {
        use Value::*;
        Ok(Some(match (self, other) {
            (Null, _) | (_, Null) => return Ok(None),
            (Int(a), Int(b)) => a.cmp(b),
            (Real(a), Real(b)) => total(*a, *b),
            (Int(a), Real(b)) => cmp_int_real(*a, *b),
            (Real(a), Int(b)) => cmp_int_real(*b, *a).reverse(),
            (Text(a), Text(b)) => a.as_bytes().cmp(b.as_bytes()),
            (Bool(a), Bool(b)) => a.cmp(b),
            (Timestamp(a), Timestamp(b)) => a.cmp(b),
            _ => {
                return Err(SqlError::Type {
                    message: format!(
                        "cannot compare {} with {}",
                        self.describe(),
                        other.describe()
                    ),
                })
            }
        }))
    }

    /// Converts the value for storage in a column of type `ty`. NULL fits
    /// every type; an Int widens to Real; a Real stored in an INT column is
    /// rounded half away from zero (`libm::round`), so `100 * 1.1` stores
    /// 110 and `5 * 1.1` (which is exactly 5.5 in f64) stores 6. Nothing else is
    /// converted.
    pub fn coerce(self, ty: ColumnType, column: &str) -> Result<Value, SqlError> {
        let bad = |v: &Value| SqlError::ColumnType {
            column: String::from(column),
            expected: ty.name(),
            found: v.describe(),
        };
        match (ty, self) {
            (_, Value::Null) => Ok(Value::Null),
            (ColumnType::Int, Value::Int(i)) => Ok(Value::Int(i)),
            (ColumnType::Int, Value::Real(r)) => {
                let r = libm::round(r);
                if (-TWO_POW_63..TWO_POW_63).contains(&r) {
                    Ok(Value::Int(r as i64))
                } else {
                    Err(SqlError::Overflow {
                        message: format!("{r} does not fit in INT column '{column}'"),
                    })
                }
            }
            (ColumnType::Real, Value::Real(r)) => Ok(Value::Real(r)),
            (ColumnType::Real, Value::Int(i)) => Ok(Value::Real(i as f64)),
            (ColumnType::Text, Value::Text(s)) => Ok(Value::Text(s)),
            (ColumnType::Bool, Value::Bool(b)) => Ok(Value::Bool(b)),
            (ColumnType::Timestamp, Value::Timestamp(t)) => Ok(Value::Timestamp(t)),
            (_, v) => Err(bad(&v)),
        }
    }

    fn as_f64(&self) -> f64 {
        match self {
            Value::Int(i) => *i as f64,
            Value::Real(r) => *r,
            _ => 0.0,
        }
    }
}

/// Reals are always finite here, so `partial_cmp` never fails; `total_cmp`
/// would order -0.0 below 0.0, which SQL does not.
fn total(a: f64, b: f64) -> Ordering {
    a.partial_cmp(&b).unwrap_or(Ordering::Equal)
}

/// Exact comparison of an i64 with a finite f64.
fn cmp_int_real(i: i64, r: f64) -> Ordering {
    if r >= TWO_POW_63 {
        return Ordering::Less;
    }
    if r < -TWO_POW_63 {
        return Ordering::Greater;
    }
    // Now trunc(r) fits in an i64 exactly.
    let t = libm::trunc(r);
    match i.cmp(&(t as i64)) {
        Ordering::Equal => total(0.0, r - t),
        o => o,
    }
}

/// SQL literal syntax for NULL, booleans, numbers and text (`'it''s'`);
/// timestamps as `t=1.5 ms` (they have no literal). Reals print with Rust's
/// shortest round-trip formatting (implemented in `core`, identical on
/// every target), always with a decimal point so they read back as reals.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(i) => write!(f, "{i}"),
            Value::Real(r) => {
                let s = format!("{r}");
                f.write_str(&s)?;
                if r.is_finite() && !s.contains('.') {
                    f.write_str(".0")?;
                }
                Ok(())
            }
            Value::Text(s) => {
                f.write_str("'")?;
                for (i, part) in s.split('\'').enumerate() {
                    if i > 0 {
                        f.write_str("''")?;
                    }
                    f.write_str(part)?;
                }
                f.write_str("'")
            }
            Value::Bool(true) => f.write_str("TRUE"),
            Value::Bool(false) => f.write_str("FALSE"),
            Value::Timestamp(t) => {
                f.write_str("t=")?;
                if *t < 0 {
                    f.write_str("-")?;
                }
                fmt_timestamp(t.unsigned_abs(), f)
            }
            Value::Null => f.write_str("NULL"),
        }
    }
}

/// A clock reading in µs, exactly: under a second as milliseconds
/// ("271 ms"); longer as `[Nd ]hh:mm:ss[.fraction]` ("10d 00:00:00",
/// "00:00:03.5"), which stays short in a table cell.
fn fmt_timestamp(us: u64, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    const SECOND: u64 = 1_000_000;
    if us < SECOND {
        return crate::time::fmt_ms(us, f);
    }
    let (secs, frac) = (us / SECOND, us % SECOND);
    let (days, rest) = (secs / 86_400, secs % 86_400);
    if days > 0 {
        write!(f, "{days}d ")?;
    }
    write!(
        f,
        "{:02}:{:02}:{:02}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )?;
    if frac > 0 {
        let digits = format!("{frac:06}");
        write!(f, ".{}", digits.trim_end_matches('0'))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn timestamps_print_exactly_and_briefly() {
        let show = |us: i64| Value::Timestamp(us).to_string();
        assert_eq!(show(271_000), "t=271 ms");
        assert_eq!(show(-19_000), "t=-19 ms");
        assert_eq!(show(-864_000_000_000), "t=-10d 00:00:00");
        assert_eq!(show(3_500_000), "t=00:00:03.5");
        assert_eq!(show(90_061_000_001), "t=1d 01:01:01.000001");
    }

    #[test]
    fn int_arithmetic_is_checked() {
        let max = Value::Int(i64::MAX);
        assert!(matches!(
            max.arith(ArithOp::Add, &Value::Int(1)),
            Err(SqlError::Overflow { .. })
        ));
        assert_eq!(
            Value::Int(i64::MIN).arith(ArithOp::Div, &Value::Int(-1)),
            Err(SqlError::Overflow {
                message: "-9223372036854775808 / -1 is out of range".to_string()
            })
        );
        assert_eq!(
            Value::Int(7).arith(ArithOp::Div, &Value::Int(0)),
            Err(SqlError::DivisionByZero)
        );
        assert_eq!(
            Value::Int(-7).arith(ArithOp::Div, &Value::Int(2)),
            Ok(Value::Int(-3))
        );
        assert!(Value::Int(i64::MIN).negate().is_err());
    }

    #[test]
    fn mixing_int_and_real_gives_real() {
        assert_eq!(
            Value::Int(3).arith(ArithOp::Mul, &Value::Real(0.5)),
            Ok(Value::Real(1.5))
        );
        assert_eq!(
            Value::Real(1.0).arith(ArithOp::Div, &Value::Real(0.0)),
            Err(SqlError::DivisionByZero)
        );
        assert!(matches!(
            Value::Real(1e308).arith(ArithOp::Mul, &Value::Int(10)),
            Err(SqlError::Overflow { .. })
        ));
    }

    #[test]
    fn null_propagates_and_type_errors_are_clear() {
        assert_eq!(
            Value::Null.arith(ArithOp::Add, &Value::Text("a".into())),
            Ok(Value::Null)
        );
        assert_eq!(Value::Null.sql_cmp(&Value::Int(1)), Ok(None));
        let e = Value::Text("a".into())
            .arith(ArithOp::Add, &Value::Int(1))
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "type error: cannot apply '+' to TEXT 'a' and INT 1"
        );
        let e = Value::Timestamp(5).sql_cmp(&Value::Int(1)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "type error: cannot compare t=0.005 ms with INT 1"
        );
    }

    #[test]
    fn timestamps_shift_and_subtract() {
        assert_eq!(
            Value::Timestamp(10).arith(ArithOp::Sub, &Value::Int(3)),
            Ok(Value::Timestamp(7))
        );
        assert_eq!(
            Value::Timestamp(10).arith(ArithOp::Sub, &Value::Timestamp(3)),
            Ok(Value::Int(7))
        );
        assert!(Value::Timestamp(1)
            .arith(ArithOp::Mul, &Value::Int(2))
            .is_err());
    }

    #[test]
    fn int_real_comparison_is_exact() {
        // i64::MAX as f64 rounds up to 2^63: the int is still smaller.
        let big = Value::Int(i64::MAX);
        assert_eq!(
            big.sql_cmp(&Value::Real(TWO_POW_63)),
            Ok(Some(Ordering::Less))
        );
        assert_eq!(
            Value::Int(2).sql_cmp(&Value::Real(2.5)),
            Ok(Some(Ordering::Less))
        );
        assert_eq!(
            Value::Int(-2).sql_cmp(&Value::Real(-2.5)),
            Ok(Some(Ordering::Greater))
        );
        assert_eq!(
            Value::Real(3.0).sql_cmp(&Value::Int(3)),
            Ok(Some(Ordering::Equal))
        );
    }

    #[test]
    fn real_to_int_rounds_half_away_from_zero() {
        let c = |r: f64| Value::Real(r).coerce(ColumnType::Int, "x");
        assert_eq!(c(2.5), Ok(Value::Int(3)));
        assert_eq!(c(-2.5), Ok(Value::Int(-3)));
        assert_eq!(c(110.00000000000001), Ok(Value::Int(110)));
        assert!(c(1e19).is_err());
        assert_eq!(
            Value::Text("x".into())
                .coerce(ColumnType::Int, "balance")
                .unwrap_err()
                .to_string(),
            "cannot store TEXT 'x' in column 'balance' of type INT"
        );
    }

    #[test]
    fn display_is_sql_literal_syntax() {
        assert_eq!(Value::Text("it's".into()).to_string(), "'it''s'");
        assert_eq!(Value::Real(1.0).to_string(), "1.0");
        assert_eq!(Value::Real(0.1).to_string(), "0.1");
        assert_eq!(Value::Real(1e21).to_string(), "1000000000000000000000.0");
        assert_eq!(Value::Timestamp(-1_500).to_string(), "t=-1.5 ms");
        assert_eq!(Value::Bool(false).to_string(), "FALSE");
    }
}
