//! A hand-written recursive-descent parser for the subset. Precedence,
//! loosest first: OR < AND < NOT < comparison (and IS [NOT] NULL) < +,- <
//! *,/ < unary minus. Binary operators are left-associative; comparisons do
//! not chain. Nesting, expression length and the depth of the resulting
//! tree are bounded so that no input — however long or deep — can exhaust
//! the stack while parsing, evaluating, printing or dropping the tree.

mod expr;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod props;
#[cfg(test)]
mod tests;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::ast::{Expr, Projection, Statement};
use super::error::ParseError;
use super::lexer::{tokenize, Keyword, Tok, Token};

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
}
