//! Expressions, loosest operator first: OR, AND, NOT, comparisons,
//! sums, products, unary minus and primaries, each level counted against
//! the bounds on nesting, operands and tree height.

use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;

use super::{PResult, Parser, MAX_DEPTH, MAX_HEIGHT, MAX_OPERANDS};
use crate::sql::ast::{CmpOp, Expr, Function};
use crate::sql::error::ParseError;
use crate::sql::lexer::{Keyword, Tok};
use crate::sql::value::{ArithOp, Value};

impl Parser<'_> {
    /// Runs `f` one nesting level deeper (parentheses, NOT, unary minus).
    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error(format!(
                "an expression nested at most {MAX_DEPTH} levels deep"
            )));
        }
        self.depth += 1;
        let r = f(self);
        self.depth -= 1;
        r
    }

    pub(crate) fn expr(&mut self) -> PResult<Expr> {
        self.or()
    }

    /// A complete expression (a SET value, a VALUES entry, a WHERE
    /// clause), at most [`MAX_HEIGHT`] levels deep.
    pub(super) fn whole_expr(&mut self) -> PResult<Expr> {
        let start = self.toks[self.pos].start;
        let e = self.expr()?;
        let height = e.height();
        if height > MAX_HEIGHT {
            return Err(ParseError::at(
                self.src,
                start,
                format!("an expression at most {MAX_HEIGHT} levels deep"),
                format!("one {height} levels deep (split it into several statements)"),
            ));
        }
        Ok(e)
    }

    fn or(&mut self) -> PResult<Expr> {
        let mut left = self.and()?;
        while self.eat_kw(Keyword::Or) {
            let right = self.and()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> PResult<Expr> {
        let mut left = self.not()?;
        while self.eat_kw(Keyword::And) {
            let right = self.not()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn not(&mut self) -> PResult<Expr> {
        if self.eat_kw(Keyword::Not) {
            let e = self.nested(|p| p.not())?;
            Ok(Expr::Not(Box::new(e)))
        } else {
            self.comparison()
        }
    }

    fn cmp_op(&self) -> Option<CmpOp> {
        Some(match self.peek() {
            Tok::Eq => CmpOp::Eq,
            Tok::Ne => CmpOp::Ne,
            Tok::Lt => CmpOp::Lt,
            Tok::Le => CmpOp::Le,
            Tok::Gt => CmpOp::Gt,
            Tok::Ge => CmpOp::Ge,
            _ => return None,
        })
    }

    fn comparison(&mut self) -> PResult<Expr> {
        let left = self.additive()?;
        let e = if let Some(op) = self.cmp_op() {
            self.advance();
            let right = self.additive()?;
            Expr::Compare {
                op,
                left: Box::new(left),
                right: Box::new(right),
            }
        } else if self.eat_kw(Keyword::Is) {
            let negated = self.eat_kw(Keyword::Not);
            self.expect_kw(Keyword::Null)?;
            Expr::IsNull {
                expr: Box::new(left),
                negated,
            }
        } else {
            return Ok(left);
        };
        if self.cmp_op().is_some() || *self.peek() == Tok::Keyword(Keyword::Is) {
            return Err(self.error(String::from(
                "AND or OR between comparisons (comparisons do not chain; add parentheses)",
            )));
        }
        Ok(e)
    }

    fn additive(&mut self) -> PResult<Expr> {
        let mut left = self.multiplicative()?;
        loop {
            let op = match self.peek() {
                Tok::Plus => ArithOp::Add,
                Tok::Minus => ArithOp::Sub,
                _ => return Ok(left),
            };
            self.advance();
            let right = self.multiplicative()?;
            left = Expr::Arith {
                op,
                left: Box::new(left),
                right: Box::new(right),
            };
        }
    }

    fn multiplicative(&mut self) -> PResult<Expr> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek() {
                Tok::Star => ArithOp::Mul,
                Tok::Slash => ArithOp::Div,
                _ => return Ok(left),
            };
            self.advance();
            let right = self.unary()?;
            left = Expr::Arith {
                op,
                left: Box::new(left),
                right: Box::new(right),
            };
        }
    }

    fn unary(&mut self) -> PResult<Expr> {
        if *self.peek() == Tok::Minus {
            // `-9223372036854775808` is the one literal that only exists
            // negated.
            if *self.peek_at(1) == Tok::Int(1 << 63) {
                self.advance();
                self.operand()?;
                self.advance();
                return Ok(Expr::Literal(Value::Int(i64::MIN)));
            }
            self.advance();
            let e = self.nested(|p| p.unary())?;
            return Ok(Expr::Neg(Box::new(e)));
        }
        self.primary()
    }

    /// Counts one operand against [`MAX_OPERANDS`].
    fn operand(&mut self) -> PResult<()> {
        self.operands += 1;
        if self.operands > MAX_OPERANDS {
            return Err(self.error(format!("at most {MAX_OPERANDS} operands in one statement")));
        }
        Ok(())
    }

    fn primary(&mut self) -> PResult<Expr> {
        let start = self.pos;
        let lit = match self.peek() {
            Tok::Int(n) => match i64::try_from(*n) {
                Ok(i) => Some(Value::Int(i)),
                Err(_) => {
                    return Err(ParseError::at(
                        self.src,
                        self.toks[start].start,
                        String::from("an integer at most 9223372036854775807"),
                        self.text_of(start),
                    ))
                }
            },
            Tok::Real(r) => Some(Value::Real(*r)),
            Tok::Str(s) => Some(Value::Text(s.clone())),
            Tok::Keyword(Keyword::Null) => Some(Value::Null),
            Tok::Keyword(Keyword::True) => Some(Value::Bool(true)),
            Tok::Keyword(Keyword::False) => Some(Value::Bool(false)),
            _ => None,
        };
        if let Some(v) = lit {
            self.operand()?;
            self.advance();
            return Ok(Expr::Literal(v));
        }
        match self.peek().clone() {
            Tok::Ident(name) => {
                self.operand()?;
                self.advance();
                if *self.peek() != Tok::LParen {
                    return Ok(Expr::Column(name));
                }
                let Some(func) = Function::lookup(&name) else {
                    return Err(ParseError::at(
                        self.src,
                        self.toks[start].start,
                        String::from("a column or one of the functions NOW(), RAND(), UUID()"),
                        format!("'{name}('"),
                    ));
                };
                self.advance();
                self.expect(
                    Tok::RParen,
                    &format!("')' ({}() takes no arguments)", func.name()),
                )?;
                Ok(Expr::Call(func))
            }
            Tok::LParen => {
                self.advance();
                let e = self.nested(|p| p.expr())?;
                self.expect(Tok::RParen, "')'")?;
                Ok(e)
            }
            _ => Err(self.error(format!("a value{}", self.after_prev()))),
        }
    }
}
