//! Just enough EDN (Clojure's data notation, which Jepsen writes its
//! histories in) to read operation maps: nil, booleans, integers,
//! strings, keywords, symbols, vectors, lists, sets and maps. Commas are
//! whitespace; `;` starts a comment; `#inst "…"`-style tags keep their
//! value and drop the tag.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

#[derive(Clone, Debug, PartialEq)]
pub enum Edn {
    Nil,
    Bool(bool),
    Int(i64),
    /// A number that is not a whole one (kept as its text).
    Number(String),
    Str(String),
    /// `:read` → "read".
    Keyword(String),
    Symbol(String),
    /// Vectors, lists and sets alike.
    List(Vec<Edn>),
    Map(Vec<(Edn, Edn)>),
}

impl Edn {
    /// The value under keyword `key` of a map.
    pub fn get(&self, key: &str) -> Option<&Edn> {
        match self {
            Edn::Map(entries) => entries
                .iter()
                .find(|(k, _)| matches!(k, Edn::Keyword(name) if name == key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn keyword(&self) -> Option<&str> {
        match self {
            Edn::Keyword(k) => Some(k),
            _ => None,
        }
    }

    /// The value as it would read back, for messages.
    pub fn text(&self) -> String {
        match self {
            Edn::Nil => String::from("nil"),
            Edn::Bool(b) => format!("{b}"),
            Edn::Int(i) => format!("{i}"),
            Edn::Number(n) | Edn::Symbol(n) => n.clone(),
            Edn::Str(s) => format!("{s:?}"),
            Edn::Keyword(k) => format!(":{k}"),
            Edn::List(items) => {
                let inner: Vec<String> = items.iter().map(Edn::text).collect();
                format!("[{}]", inner.join(" "))
            }
            Edn::Map(entries) => {
                let inner: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("{} {}", k.text(), v.text()))
                    .collect();
                format!("{{{}}}", inner.join(", "))
            }
        }
    }
}

/// Reads one value from `text`; the rest of the text must be blank.
pub fn parse(text: &str) -> Result<Edn, String> {
    let mut p = Parser {
        chars: text.as_bytes(),
        at: 0,
    };
    let v = p.value()?;
    p.blank();
    if p.at < p.chars.len() {
        return Err(format!(
            "unexpected text after the value at column {}",
            p.at + 1
        ));
    }
    Ok(v)
}

/// Reads a text holding one vector or list, and returns its items with
/// the line (1-based) each starts on.
pub fn parse_items(text: &str) -> Result<Vec<(usize, Edn)>, (usize, String)> {
    let mut p = Parser {
        chars: text.as_bytes(),
        at: 0,
    };
    let newlines: Vec<usize> = text
        .bytes()
        .enumerate()
        .filter(|&(_, c)| c == b'\n')
        .map(|(i, _)| i)
        .collect();
    let line_at = |at: usize| newlines.partition_point(|&nl| nl < at) + 1;
    p.blank();
    let close = match p.peek() {
        Some(b'[') => b']',
        Some(b'(') => b')',
        _ => {
            return Err((
                line_at(p.at),
                String::from("expected a vector of history maps"),
            ))
        }
    };
    p.at += 1;
    let mut items = Vec::new();
    loop {
        p.blank();
        match p.peek() {
            Some(c) if c == close => {
                p.at += 1;
                break;
            }
            None => {
                return Err((
                    line_at(p.at),
                    format!("expected '{}' before the end of the text", close as char),
                ))
            }
            _ => {
                let start = p.at;
                let item = p.nested(1).map_err(|e| (line_at(start), e))?;
                items.push((line_at(start), item));
            }
        }
    }
    p.blank();
    if p.at < p.chars.len() {
        return Err((
            line_at(p.at),
            String::from("unexpected text after the vector"),
        ));
    }
    Ok(items)
}

struct Parser<'a> {
    chars: &'a [u8],
    at: usize,
}

/// How deep vectors and maps may nest: histories are shallow, and a
/// bound keeps hostile input from exhausting the stack.
const MAX_DEPTH: usize = 64;

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.chars.get(self.at).copied()
    }

    fn blank(&mut self) {
        while let Some(c) = self.peek() {
            match c {
                b' ' | b'\t' | b'\n' | b'\r' | b',' => self.at += 1,
                b';' => {
                    while self.peek().is_some_and(|c| c != b'\n') {
                        self.at += 1;
                    }
                }
                _ => break,
            }
        }
    }

    fn value(&mut self) -> Result<Edn, String> {
        self.nested(0)
    }

    fn nested(&mut self, depth: usize) -> Result<Edn, String> {
        if depth > MAX_DEPTH {
            return Err(String::from("values nest too deeply"));
        }
        self.blank();
        let Some(c) = self.peek() else {
            return Err(String::from("expected a value, found the end of the text"));
        };
        match c {
            b'{' => {
                self.at += 1;
                let items = self.items(b'}', depth)?;
                if items.len() % 2 != 0 {
                    return Err(String::from("a map needs a value for every key"));
                }
                let mut entries = Vec::with_capacity(items.len() / 2);
                let mut it = items.into_iter();
                while let (Some(k), Some(v)) = (it.next(), it.next()) {
                    entries.push((k, v));
                }
                Ok(Edn::Map(entries))
            }
            b'[' => {
                self.at += 1;
                Ok(Edn::List(self.items(b']', depth)?))
            }
            b'(' => {
                self.at += 1;
                Ok(Edn::List(self.items(b')', depth)?))
            }
            b'#' => {
                self.at += 1;
                if self.peek() == Some(b'{') {
                    self.at += 1;
                    return Ok(Edn::List(self.items(b'}', depth)?));
                }
                // A tagged literal: skip the tag, keep the value.
                let _tag = self.atom();
                self.nested(depth + 1)
            }
            b'"' => self.string(),
            b':' => {
                self.at += 1;
                Ok(Edn::Keyword(self.atom()))
            }
            b'}' | b']' | b')' => Err(format!(
                "unexpected '{}' at column {}",
                c as char,
                self.at + 1
            )),
            _ => {
                let word = self.atom();
                if word.is_empty() {
                    return Err(format!(
                        "unexpected '{}' at column {}",
                        c as char,
                        self.at + 1
                    ));
                }
                Ok(match word.as_str() {
                    "nil" => Edn::Nil,
                    "true" => Edn::Bool(true),
                    "false" => Edn::Bool(false),
                    w if w.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+')
                        && w.len() > usize::from(w.starts_with(['-', '+'])) =>
                    {
                        let digits = w.trim_end_matches('N');
                        match digits.parse::<i64>() {
                            Ok(i) => Edn::Int(i),
                            Err(_) => Edn::Number(word),
                        }
                    }
                    _ => Edn::Symbol(word),
                })
            }
        }
    }

    fn items(&mut self, close: u8, depth: usize) -> Result<Vec<Edn>, String> {
        let mut items = Vec::new();
        loop {
            self.blank();
            match self.peek() {
                Some(c) if c == close => {
                    self.at += 1;
                    return Ok(items);
                }
                None => {
                    return Err(format!(
                        "expected '{}' before the end of the text",
                        close as char
                    ))
                }
                _ => items.push(self.nested(depth + 1)?),
            }
        }
    }

    fn atom(&mut self) -> String {
        let start = self.at;
        while let Some(c) = self.peek() {
            if matches!(
                c,
                b' ' | b'\t'
                    | b'\n'
                    | b'\r'
                    | b','
                    | b'{'
                    | b'}'
                    | b'['
                    | b']'
                    | b'('
                    | b')'
                    | b'"'
                    | b';'
            ) {
                break;
            }
            self.at += 1;
        }
        String::from_utf8_lossy(&self.chars[start..self.at]).into_owned()
    }

    fn string(&mut self) -> Result<Edn, String> {
        self.at += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(String::from("a string is not closed"));
            };
            self.at += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    let Some(e) = self.peek() else {
                        return Err(String::from("a string is not closed"));
                    };
                    self.at += 1;
                    out.push(match e {
                        b'n' => b'\n',
                        b't' => b'\t',
                        b'r' => b'\r',
                        other => other,
                    });
                }
                other => out.push(other),
            }
        }
        Ok(Edn::Str(String::from_utf8_lossy(&out).into_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn reads_operation_maps() {
        let v =
            parse(r#"{:process 0, :type :invoke, :f :cas, :value [1 2], :key "k\"1", :time 12}"#)
                .unwrap();
        assert_eq!(v.get("type").and_then(Edn::keyword), Some("invoke"));
        assert_eq!(
            v.get("value"),
            Some(&Edn::List(vec![Edn::Int(1), Edn::Int(2)]))
        );
        assert_eq!(v.get("key"), Some(&Edn::Str(String::from("k\"1"))));
        assert_eq!(parse("nil").unwrap(), Edn::Nil);
        assert_eq!(parse("-3").unwrap(), Edn::Int(-3));
        assert_eq!(
            parse(":timed-out").unwrap(),
            Edn::Keyword(String::from("timed-out"))
        );
        assert_eq!(
            parse("#{1 2}").unwrap(),
            Edn::List(vec![Edn::Int(1), Edn::Int(2)])
        );
    }

    #[test]
    fn refuses_broken_text_with_a_reason() {
        assert!(parse("{:a 1").unwrap_err().contains("expected '}'"));
        assert!(parse("{:a}").unwrap_err().contains("value for every key"));
        assert!(parse("\"open").unwrap_err().contains("not closed"));
        assert!(parse("1 2").unwrap_err().contains("after the value"));
        assert!(parse(&"[".repeat(100))
            .unwrap_err()
            .contains("nest too deeply"));
    }
}
