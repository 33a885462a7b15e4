//! The lexer: statement text to tokens, each with its byte span so the
//! parser can point at the exact column of a mistake. Keywords are
//! case-insensitive; identifiers are `[A-Za-z_][A-Za-z0-9_]*`; strings use
//! single quotes with `''` as the escaped quote; numbers are `123`,
//! `123.45` or `.5`.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::error::ParseError;

/// The reserved words of the subset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keyword {
    Select,
    From,
    Where,
    Insert,
    Into,
    Values,
    Update,
    Set,
    Delete,
    And,
    Or,
    Not,
    Is,
    Null,
    True,
    False,
}

impl Keyword {
    const ALL: [(Keyword, &'static str); 16] = [
        (Keyword::Select, "SELECT"),
        (Keyword::From, "FROM"),
        (Keyword::Where, "WHERE"),
        (Keyword::Insert, "INSERT"),
        (Keyword::Into, "INTO"),
        (Keyword::Values, "VALUES"),
        (Keyword::Update, "UPDATE"),
        (Keyword::Set, "SET"),
        (Keyword::Delete, "DELETE"),
        (Keyword::And, "AND"),
        (Keyword::Or, "OR"),
        (Keyword::Not, "NOT"),
        (Keyword::Is, "IS"),
        (Keyword::Null, "NULL"),
        (Keyword::True, "TRUE"),
        (Keyword::False, "FALSE"),
    ];

    /// The keyword spelled `word` in any letter case.
    pub fn lookup(word: &str) -> Option<Keyword> {
        Keyword::ALL
            .iter()
            .find(|(_, s)| s.eq_ignore_ascii_case(word))
            .map(|(k, _)| *k)
    }

    /// The canonical (upper-case) spelling.
    pub fn as_str(self) -> &'static str {
        Keyword::ALL
            .iter()
            .find(|(k, _)| *k == self)
            .map_or("", |(_, s)| s)
    }
}

/// One token.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Ident(String),
    Keyword(Keyword),
    /// An unsigned integer literal; it may be 2^63, which only fits after
    /// a unary minus (the parser folds `-9223372036854775808`).
    Int(u64),
    Real(f64),
    Str(String),
    LParen,
    RParen,
    Comma,
    Semicolon,
    Star,
    Plus,
    Minus,
    Slash,
    Eq,
    /// `<>` or `!=`.
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Eof,
}

/// A token and the bytes `start..end` of the source it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub start: usize,
    pub end: usize,
}

/// Splits `src` into tokens; the last token is always [`Tok::Eof`].
pub fn tokenize(src: &str) -> Result<Vec<Token>, ParseError> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let simple = match c {
            b'(' => Some(Tok::LParen),
            b')' => Some(Tok::RParen),
            b',' => Some(Tok::Comma),
            b';' => Some(Tok::Semicolon),
            b'*' => Some(Tok::Star),
            b'+' => Some(Tok::Plus),
            b'-' => Some(Tok::Minus),
            b'/' => Some(Tok::Slash),
            b'=' => Some(Tok::Eq),
            _ => None,
        };
        if let Some(tok) = simple {
            i += 1;
            out.push(Token { tok, start, end: i });
            continue;
        }
        let next = bytes.get(i + 1).copied();
        let tok = match c {
            b'<' => match next {
                Some(b'=') => {
                    i += 2;
                    Tok::Le
                }
                Some(b'>') => {
                    i += 2;
                    Tok::Ne
                }
                _ => {
                    i += 1;
                    Tok::Lt
                }
            },
            b'>' => {
                if next == Some(b'=') {
                    i += 2;
                    Tok::Ge
                } else {
                    i += 1;
                    Tok::Gt
                }
            }
            b'!' => {
                if next == Some(b'=') {
                    i += 2;
                    Tok::Ne
                } else {
                    return Err(ParseError::at(
                        src,
                        i + 1,
                        String::from("'=' after '!'"),
                        found_char(src, i + 1),
                    ));
                }
            }
            b'\'' => {
                let mut text = String::new();
                i += 1;
                loop {
                    // Find the next quote; everything before it is literal.
                    let Some(q) = src[i..].find('\'') else {
                        return Err(ParseError::at(
                            src,
                            src.len(),
                            format!("a closing quote for the string starting at column {}", {
                                ParseError::at(src, start, String::new(), String::new()).column
                            }),
                            String::from("end of input"),
                        ));
                    };
                    text.push_str(&src[i..i + q]);
                    i += q + 1;
                    if bytes.get(i) == Some(&b'\'') {
                        text.push('\'');
                        i += 1;
                    } else {
                        break;
                    }
                }
                Tok::Str(text)
            }
            b'0'..=b'9' | b'.' => {
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                let mut real = false;
                if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
                    real = true;
                    i += 1;
                    while i < bytes.len() && bytes[i].is_ascii_digit() {
                        i += 1;
                    }
                }
                if i == start {
                    // A lone '.' (not followed by a digit).
                    return Err(ParseError::at(
                        src,
                        start,
                        String::from("a token"),
                        found_char(src, start),
                    ));
                }
                let text = &src[start..i];
                if real {
                    match text.parse::<f64>() {
                        Ok(r) if r.is_finite() => Tok::Real(r),
                        _ => {
                            return Err(ParseError::at(
                                src,
                                start,
                                String::from("a number small enough for a REAL"),
                                format!("'{text}'"),
                            ))
                        }
                    }
                } else {
                    match text.parse::<u64>() {
                        Ok(n) if n <= 1 << 63 => Tok::Int(n),
                        _ => {
                            return Err(ParseError::at(
                                src,
                                start,
                                String::from("an integer that fits in 64 bits"),
                                format!("'{text}'"),
                            ))
                        }
                    }
                }
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                let word = &src[start..i];
                match Keyword::lookup(word) {
                    Some(k) => Tok::Keyword(k),
                    None => Tok::Ident(String::from(word)),
                }
            }
            _ => {
                // Whitespace (any Unicode whitespace) is skipped; anything
                // else is not part of the language.
                let ch = src[i..].chars().next().unwrap_or(' ');
                if ch.is_whitespace() {
                    i += ch.len_utf8();
                    continue;
                }
                return Err(ParseError::at(
                    src,
                    start,
                    String::from("a token"),
                    found_char(src, start),
                ));
            }
        };
        out.push(Token { tok, start, end: i });
    }
    out.push(Token {
        tok: Tok::Eof,
        start: src.len(),
        end: src.len(),
    });
    Ok(out)
}

/// `'c'` for the character at byte `pos`, or "end of input".
fn found_char(src: &str, pos: usize) -> String {
    match src.get(pos..).and_then(|s| s.chars().next()) {
        Some(c) => format!("'{c}'"),
        None => String::from("end of input"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    fn toks(src: &str) -> Vec<Tok> {
        tokenize(src).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn keywords_are_case_insensitive_and_identifiers_keep_their_case() {
        assert_eq!(
            toks("sElEcT Balance fRoM t"),
            vec![
                Tok::Keyword(Keyword::Select),
                Tok::Ident("Balance".into()),
                Tok::Keyword(Keyword::From),
                Tok::Ident("t".into()),
                Tok::Eof
            ]
        );
    }

    #[test]
    fn operators_numbers_and_strings() {
        assert_eq!(
            toks("a<>b != c<=1>=2.5<.5>'it''s'"),
            vec![
                Tok::Ident("a".into()),
                Tok::Ne,
                Tok::Ident("b".into()),
                Tok::Ne,
                Tok::Ident("c".into()),
                Tok::Le,
                Tok::Int(1),
                Tok::Ge,
                Tok::Real(2.5),
                Tok::Lt,
                Tok::Real(0.5),
                Tok::Gt,
                Tok::Str("it's".into()),
                Tok::Eof
            ]
        );
        assert_eq!(toks("''"), vec![Tok::Str(String::new()), Tok::Eof]);
    }

    #[test]
    fn spans_are_byte_offsets() {
        let t = tokenize("  é = 'x'").err().unwrap();
        // 'é' is not an identifier character: column counts characters.
        assert_eq!((t.pos, t.column), (2, 3));
        assert_eq!(t.to_string(), "column 3: expected a token but found 'é'");
        let t = tokenize("a\n  'x'").unwrap();
        assert_eq!((t[1].start, t[1].end), (4, 7));
    }

    #[test]
    fn lexical_errors_say_what_was_expected() {
        assert_eq!(
            tokenize("x = 'abc").unwrap_err().to_string(),
            "column 9: expected a closing quote for the string starting at column 5 but found end of input"
        );
        assert_eq!(
            tokenize("a ! b").unwrap_err().to_string(),
            "column 4: expected '=' after '!' but found ' '"
        );
        assert_eq!(
            tokenize("99999999999999999999").unwrap_err().to_string(),
            "column 1: expected an integer that fits in 64 bits but found '99999999999999999999'"
        );
        assert_eq!(
            toks("9223372036854775808"),
            vec![Tok::Int(1 << 63), Tok::Eof]
        );
        assert_eq!(
            tokenize("a\nb #").unwrap_err().to_string(),
            "line 2, column 3: expected a token but found '#'"
        );
    }
}
