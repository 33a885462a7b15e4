//! A hand-written recursive-descent parser for the subset. Precedence,
//! loosest first: OR < AND < NOT < comparison (and IS [NOT] NULL) < +,- <
//! *,/ < unary minus. Binary operators are left-associative; comparisons do
//! not chain. Nesting, expression length and the depth of the resulting
//! tree are bounded so that no input — however long or deep — can exhaust
//! the stack while parsing, evaluating, printing or dropping the tree.

use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::ast::{CmpOp, Expr, Function, Projection, Statement};
use super::error::ParseError;
use super::lexer::{tokenize, Keyword, Tok, Token};
use super::value::{ArithOp, Value};

/// Deepest nesting of parentheses, NOT and unary minus.
pub const MAX_DEPTH: usize = 64;
/// Most operands (literals, columns, calls) in one expression.
pub const MAX_OPERANDS: usize = 512;
/// Deepest expression tree (see [`Expr::height`]): a SET value, VALUES
/// entry or WHERE clause may be at most this many levels deep, so a chain
/// like `a + a + … + a` has at most this many terms. Evaluation recurses
/// once per level, several KB a level in an unoptimised build: 128 levels
/// fit in well under 1 MB (a browser's WebAssembly stack), where the 512
/// operands alone would not.
pub const MAX_HEIGHT: usize = 128;

/// Parses one statement (an optional trailing `;` is allowed).
pub fn parse(src: &str) -> Result<Statement, ParseError> {
    let mut p = Parser::new(src)?;
    let stmt = p.statement()?;
    p.eat(&Tok::Semicolon);
    p.expect_end("end of statement")?;
    Ok(stmt)
}

/// Parses a lone expression (handy for tests and tools).
pub fn parse_expr(src: &str) -> Result<Expr, ParseError> {
    let mut p = Parser::new(src)?;
    let e = p.whole_expr()?;
    p.expect_end("end of expression")?;
    Ok(e)
}

struct Parser<'s> {
    src: &'s str,
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
    operands: usize,
}

type PResult<T> = Result<T, ParseError>;

impl<'s> Parser<'s> {
    fn new(src: &'s str) -> PResult<Parser<'s>> {
        Ok(Parser {
            src,
            toks: tokenize(src)?,
            pos: 0,
            depth: 0,
            operands: 0,
        })
    }

    fn peek(&self) -> &Tok {
        &self.toks[self.pos].tok
    }

    fn peek_at(&self, ahead: usize) -> &Tok {
        let i = (self.pos + ahead).min(self.toks.len() - 1);
        &self.toks[i].tok
    }

    fn advance(&mut self) -> Tok {
        let t = self.toks[self.pos].tok.clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    fn eat(&mut self, t: &Tok) -> bool {
        if self.peek() == t {
            self.advance();
            true
        } else {
            false
        }
    }

    fn eat_kw(&mut self, k: Keyword) -> bool {
        self.eat(&Tok::Keyword(k))
    }

    /// The source text of token `i` as the user wrote it, quoted.
    fn text_of(&self, i: usize) -> String {
        let t = &self.toks[i];
        match &t.tok {
            Tok::Eof => String::from("end of input"),
            Tok::Str(_) => format!("the string {}", &self.src[t.start..t.end]),
            Tok::Keyword(_) => format!("'{}'", &self.src[t.start..t.end]),
            _ => format!("'{}'", &self.src[t.start..t.end]),
        }
    }

    /// "after 'x'" for the previous token (empty at the start).
    fn after_prev(&self) -> String {
        if self.pos == 0 {
            String::new()
        } else {
            let t = &self.toks[self.pos - 1];
            format!(" after '{}'", &self.src[t.start..t.end])
        }
    }

    /// An error at the current token.
    fn error(&self, expected: String) -> ParseError {
        let mut found = self.text_of(self.pos);
        if matches!(self.peek(), Tok::Keyword(_)) && expected.contains("name") {
            found.push_str(" (a reserved word)");
        }
        ParseError::at(self.src, self.toks[self.pos].start, expected, found)
    }

    fn expect(&mut self, t: Tok, what: &str) -> PResult<()> {
        if self.eat(&t) {
            Ok(())
        } else {
            Err(self.error(format!("{what}{}", self.after_prev())))
        }
    }

    fn expect_kw(&mut self, k: Keyword) -> PResult<()> {
        self.expect(Tok::Keyword(k), k.as_str())
    }

    fn expect_end(&self, what: &str) -> PResult<()> {
        if *self.peek() == Tok::Eof {
            Ok(())
        } else {
            Err(self.error(String::from(what)))
        }
    }

    fn ident(&mut self, what: &str) -> PResult<String> {
        if let Tok::Ident(name) = self.peek() {
            let name = name.clone();
            self.advance();
            Ok(name)
        } else {
            Err(self.error(format!("{what}{}", self.after_prev())))
        }
    }

    fn ident_list(&mut self, what: &str) -> PResult<Vec<String>> {
        let mut names = Vec::new();
        loop {
            names.push(self.ident(what)?);
            if !self.eat(&Tok::Comma) {
                return Ok(names);
            }
        }
    }

    fn filter(&mut self) -> PResult<Option<Expr>> {
        if self.eat_kw(Keyword::Where) {
            Ok(Some(self.whole_expr()?))
        } else {
            Ok(None)
        }
    }

    fn statement(&mut self) -> PResult<Statement> {
        match self.advance() {
            Tok::Keyword(Keyword::Insert) => {
                self.expect_kw(Keyword::Into)?;
                let table = self.ident("a table name")?;
                self.expect(Tok::LParen, "'(' and a column list")?;
                let columns = self.ident_list("a column name")?;
                self.expect(Tok::RParen, "',' or ')'")?;
                self.expect_kw(Keyword::Values)?;
                let mut rows = Vec::new();
                loop {
                    self.expect(Tok::LParen, "'(' and a list of values")?;
                    let mut row = Vec::new();
                    loop {
                        row.push(self.whole_expr()?);
                        if !self.eat(&Tok::Comma) {
                            break;
                        }
                    }
                    self.expect(Tok::RParen, "',' or ')'")?;
                    rows.push(row);
                    if !self.eat(&Tok::Comma) {
                        break;
                    }
                }
                Ok(Statement::Insert {
                    table,
                    columns,
                    rows,
                })
            }
            Tok::Keyword(Keyword::Update) => {
                let table = self.ident("a table name")?;
                self.expect_kw(Keyword::Set)?;
                let mut set = Vec::new();
                loop {
                    let col = self.ident("a column name")?;
                    self.expect(Tok::Eq, "'='")?;
                    set.push((col, self.whole_expr()?));
                    if !self.eat(&Tok::Comma) {
                        break;
                    }
                }
                let filter = self.filter()?;
                Ok(Statement::Update { table, set, filter })
            }
            Tok::Keyword(Keyword::Delete) => {
                self.expect_kw(Keyword::From)?;
                let table = self.ident("a table name")?;
                let filter = self.filter()?;
                Ok(Statement::Delete { table, filter })
            }
            Tok::Keyword(Keyword::Select) => {
                let projection = if self.eat(&Tok::Star) {
                    Projection::All
                } else {
                    Projection::Columns(self.ident_list("'*' or a column name")?)
                };
                self.expect_kw(Keyword::From)?;
                let table = self.ident("a table name")?;
                let filter = self.filter()?;
                Ok(Statement::Select {
                    table,
                    projection,
                    filter,
                })
            }
            _ => {
                self.pos = 0;
                Err(self.error(String::from("INSERT, UPDATE, DELETE or SELECT")))
            }
        }
    }

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
    fn whole_expr(&mut self) -> PResult<Expr> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    fn col(c: &str) -> Box<Expr> {
        Box::new(Expr::Column(c.into()))
    }
    fn int(i: i64) -> Box<Expr> {
        Box::new(Expr::Literal(Value::Int(i)))
    }
    fn err(src: &str) -> String {
        parse(src).unwrap_err().to_string()
    }
    /// The expression re-printed: shows the tree's grouping.
    fn shape(src: &str) -> String {
        parse_expr(src).unwrap().to_string()
    }

    #[test]
    fn the_articles_update() {
        let s =
            parse("UPDATE accounts SET balance = balance * 1.1 WHERE status = 'active'").unwrap();
        assert_eq!(
            s,
            Statement::Update {
                table: "accounts".into(),
                set: vec![(
                    "balance".into(),
                    Expr::Arith {
                        op: ArithOp::Mul,
                        left: col("balance"),
                        right: Box::new(Expr::Literal(Value::Real(1.1))),
                    }
                )],
                filter: Some(Expr::Compare {
                    op: CmpOp::Eq,
                    left: col("status"),
                    right: Box::new(Expr::Literal(Value::Text("active".into()))),
                }),
            }
        );
        assert!(s.is_deterministic());
    }

    #[test]
    fn all_statement_forms() {
        let s = parse("insert into T (id, name) values (1, 'a''b'), (2, NULL);").unwrap();
        assert_eq!(
            s,
            Statement::Insert {
                table: "T".into(),
                columns: vec!["id".into(), "name".into()],
                rows: vec![
                    vec![*int(1), Expr::Literal(Value::Text("a'b".into()))],
                    vec![*int(2), Expr::Literal(Value::Null)],
                ],
            }
        );
        assert_eq!(
            parse("DELETE FROM t").unwrap(),
            Statement::Delete {
                table: "t".into(),
                filter: None
            }
        );
        assert_eq!(
            parse("SELECT * FROM t WHERE created_at < NOW()").unwrap(),
            Statement::Select {
                table: "t".into(),
                projection: Projection::All,
                filter: Some(Expr::Compare {
                    op: CmpOp::Lt,
                    left: col("created_at"),
                    right: Box::new(Expr::Call(Function::Now)),
                }),
            }
        );
        let s = parse("select id, status from t").unwrap();
        assert_eq!(
            s,
            Statement::Select {
                table: "t".into(),
                projection: Projection::Columns(vec!["id".into(), "status".into()]),
                filter: None,
            }
        );
        let s = parse("UPDATE t SET a = RAND(), b = uuid() WHERE c < now()").unwrap();
        assert_eq!(
            s.nondeterministic_functions(),
            vec![Function::Now, Function::Rand, Function::Uuid]
        );
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(shape("1 + 2 * 3"), "1 + 2 * 3");
        assert_eq!(shape("(1 + 2) * 3"), "(1 + 2) * 3");
        assert_eq!(shape("1 - (2 - 3)"), "1 - (2 - 3)");
        assert_eq!(shape("((1 - 2) - 3)"), "1 - 2 - 3");
        assert_eq!(
            parse_expr("a - b - c").unwrap(),
            Expr::Arith {
                op: ArithOp::Sub,
                left: Box::new(Expr::Arith {
                    op: ArithOp::Sub,
                    left: col("a"),
                    right: col("b"),
                }),
                right: col("c"),
            }
        );
        assert_eq!(
            parse_expr("a OR b AND c").unwrap(),
            Expr::Or(col("a"), Box::new(Expr::And(col("b"), col("c"))))
        );
        assert_eq!(
            parse_expr("NOT a = 1 AND b").unwrap(),
            Expr::And(
                Box::new(Expr::Not(Box::new(Expr::Compare {
                    op: CmpOp::Eq,
                    left: col("a"),
                    right: int(1),
                }))),
                col("b")
            )
        );
        assert_eq!(
            parse_expr("-a * b").unwrap(),
            Expr::Arith {
                op: ArithOp::Mul,
                left: Box::new(Expr::Neg(col("a"))),
                right: col("b"),
            }
        );
        assert_eq!(
            shape("a + 1 >= b * 2 OR NOT (c <> 3)"),
            "a + 1 >= b * 2 OR NOT c <> 3"
        );
        assert_eq!(shape("(a OR b) AND c"), "(a OR b) AND c");
        assert_eq!(shape("- -1"), "- -1");
        assert_eq!(shape("-(1 + 2)"), "-(1 + 2)");
        assert_eq!(
            shape("x IS NOT NULL AND y is null"),
            "x IS NOT NULL AND y IS NULL"
        );
        assert_eq!(shape("a != b"), "a <> b");
        assert_eq!(
            parse_expr("-9223372036854775808").unwrap(),
            Expr::Literal(Value::Int(i64::MIN))
        );
    }

    #[test]
    fn error_positions_and_expectations() {
        assert_eq!(
            err("UPDATE t SET balance = WHERE id = 1"),
            "column 24: expected a value after '=' but found 'WHERE'"
        );
        let e = parse("UPDATE t SET balance = WHERE id = 1").unwrap_err();
        assert_eq!((e.pos, e.line, e.column), (23, 1, 24));
        assert_eq!(
            err("SELEC * FROM t"),
            "column 1: expected INSERT, UPDATE, DELETE or SELECT but found 'SELEC'"
        );
        assert_eq!(
            err("SELECT * FROM where"),
            "column 15: expected a table name after 'FROM' but found 'where' (a reserved word)"
        );
        assert_eq!(
            err("INSERT INTO t (id VALUES (1)"),
            "column 19: expected ',' or ')' after 'id' but found 'VALUES'"
        );
        assert_eq!(
            err("DELETE FROM t WHERE a = 1 = 2"),
            "column 27: expected AND or OR between comparisons (comparisons do not chain; add parentheses) but found '='"
        );
        assert_eq!(
            err("SELECT * FROM t WHERE (a = 1"),
            "column 29: expected ')' after '1' but found end of input"
        );
        assert_eq!(
            err("SELECT * FROM t WHERE a = foo()"),
            "column 27: expected a column or one of the functions NOW(), RAND(), UUID() but found 'foo('"
        );
        assert_eq!(
            err("SELECT * FROM t WHERE a = now(1)"),
            "column 31: expected ')' (NOW() takes no arguments) after '(' but found '1'"
        );
        assert_eq!(
            err("DELETE FROM t x"),
            "column 15: expected end of statement but found 'x'"
        );
        assert_eq!(
            err("SELECT * FROM t WHERE a = 9223372036854775808"),
            "column 27: expected an integer at most 9223372036854775807 but found '9223372036854775808'"
        );
        assert_eq!(
            err("UPDATE t\nSET a = 'x' b"),
            "line 2, column 13: expected end of statement but found 'b'"
        );
        assert_eq!(
            err(""),
            "column 1: expected INSERT, UPDATE, DELETE or SELECT but found end of input"
        );
    }

    #[test]
    fn nesting_and_length_are_bounded() {
        let deep = format!(
            "SELECT * FROM t WHERE {}1{}",
            "(".repeat(100),
            ")".repeat(100)
        );
        assert!(err(&deep).contains("nested at most 64 levels deep"));
        let ok = format!(
            "SELECT * FROM t WHERE {}1{} = 1",
            "(".repeat(60),
            ")".repeat(60)
        );
        assert!(parse(&ok).is_ok());
        let long = format!("SELECT * FROM t WHERE a = 1{}", " + 1".repeat(1000));
        assert!(err(&long).contains("at most 512 operands"));
        let negs = format!("SELECT * FROM t WHERE a = {}1", "-".repeat(10_000));
        assert!(parse(&negs).is_err());
        // 128 levels: `a = ` and a chain of 127 terms.
        let tall = format!("DELETE FROM t WHERE a = 1{}", " + 1".repeat(126));
        assert_eq!(parse(&tall).unwrap().expressions()[0].height(), MAX_HEIGHT);
        let taller = format!("DELETE FROM t WHERE a = 1{}", " + 1".repeat(127));
        assert_eq!(
            err(&taller),
            "column 21: expected an expression at most 128 levels deep but found one 129 levels deep (split it into several statements)"
        );
        let values = format!("INSERT INTO t (a) VALUES (1{})", " * 1".repeat(200));
        assert!(err(&values).contains("at most 128 levels deep"));
        assert!(parse_expr(&format!("1{}", " OR 1".repeat(200))).is_err());
        // Long statements of shallow expressions stay fine.
        let rows = format!(
            "INSERT INTO t (a, b) VALUES (1, 2){}",
            ", (1, 2)".repeat(250)
        );
        assert!(parse(&rows).is_ok());
    }

    /// The deepest and the longest statements the parser accepts are
    /// evaluated, printed, compared and dropped on a 1 MB stack (a
    /// browser's WebAssembly stack), even unoptimised.
    #[cfg(feature = "std")]
    #[test]
    fn the_largest_accepted_trees_fit_a_small_stack() {
        extern crate std;
        use crate::sql::{execute, SeededContext, Table};
        let chain = format!(
            "UPDATE accounts SET balance = 1 WHERE balance = 1{}",
            " + 1".repeat(126)
        );
        let nested = format!(
            "UPDATE accounts SET balance = {}1{} WHERE {}balance = 1 OR balance = 2{}",
            "-(".repeat(31),
            " * 1 + 1)".repeat(31),
            "NOT (".repeat(32),
            ")".repeat(32),
        );
        let rows: Vec<String> = (0..100)
            .map(|i| format!("({}, -{i}, NOW())", i + 10))
            .collect();
        let insert = format!(
            "INSERT INTO accounts (id, balance, created_at) VALUES {}",
            rows.join(", ")
        );
        for src in [chain, nested, insert] {
            let worker = std::thread::Builder::new()
                .stack_size(1 << 20)
                .spawn(move || {
                    let stmt = parse(&src).unwrap();
                    assert_eq!(parse(&stmt.to_string()).unwrap(), stmt.clone());
                    let mut t = Table::accounts_example();
                    execute(&mut t, &stmt, &mut SeededContext::new(0, 1)).unwrap();
                })
                .unwrap();
            assert!(worker.join().is_ok());
        }
    }

    #[test]
    fn printing_round_trips() {
        for src in [
            "UPDATE accounts SET balance = balance * 1.1 WHERE status = 'active'",
            "INSERT INTO t (id, name, at) VALUES (1, 'it''s', NOW()), (2, NULL, NOW() - 5)",
            "DELETE FROM t WHERE NOT (a = 1 OR b = 2) AND c IS NOT NULL",
            "SELECT id, balance FROM accounts WHERE -balance / (2 - 3) * 4 <= 10.25",
            "SELECT * FROM t WHERE a - -9223372036854775808 > - -1",
            "UPDATE t SET a = -(1 + 2), b = 1 / (2 * 3), c = 1 / 2 * 3",
        ] {
            let s = parse(src).unwrap();
            assert_eq!(s.to_string(), src);
            assert_eq!(parse(&s.to_string()).unwrap(), s);
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod props {
    use super::*;
    use alloc::string::ToString;
    use proptest::prelude::*;

    fn soup() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(crate::fuzzing::SQL_WORDS), 0..40)
            .prop_map(|w| w.join(" "))
    }

    /// Random well-formed expressions, as text.
    fn expr_text() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            (0i64..1000).prop_map(|i| i.to_string()),
            (0u32..1000).prop_map(|i| format!("{}.{}", i / 10, i % 10)),
            Just("NULL".to_string()),
            Just("TRUE".to_string()),
            Just("'s''t'".to_string()),
            prop::sample::select(&["a", "b", "balance"][..]).prop_map(String::from),
            prop::sample::select(&["NOW()", "RAND()", "UUID()"][..]).prop_map(String::from),
        ];
        leaf.prop_recursive(5, 64, 2, |inner| {
            let ops =
                prop::sample::select(&["+", "-", "*", "/", "=", "<>", "<", ">=", "AND", "OR"][..]);
            prop_oneof![
                (inner.clone(), ops, inner.clone())
                    .prop_map(|(a, o, b)| format!("(({a}) {o} ({b}))")),
                inner.clone().prop_map(|a| format!("NOT ({a})")),
                inner.clone().prop_map(|a| format!("-({a})")),
                inner.prop_map(|a| format!("({a}) IS NOT NULL")),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn random_strings_never_panic(s in ".{0,80}") {
            let _ = parse(&s);
            let _ = parse_expr(&s);
        }

        #[test]
        fn token_soups_never_panic(s in soup()) {
            if let Ok(stmt) = parse(&s) {
                prop_assert_eq!(parse(&stmt.to_string()), Ok(stmt));
            }
            let _ = parse_expr(&s);
        }

        #[test]
        fn statements_print_and_reparse_to_the_same_tree(e in expr_text()) {
            let src = format!("UPDATE t SET a = {e} WHERE {e}");
            let stmt = parse(&src).unwrap();
            let printed = stmt.to_string();
            prop_assert_eq!(parse(&printed).unwrap(), stmt, "{}", printed);
        }
    }
}
