//! A key-value model's string as the search keeps it: its length and two
//! polynomial hashes of its bytes (modulo the Mersenne prime 2^61 − 1,
//! with two bases — Karp–Rabin fingerprints) identify it, and the pieces
//! it was built from, shared with the value it grew from, print it.
//!
//! An append then costs the appended piece, not a copy of the whole value,
//! and the search hashes and compares 24 bytes instead of the value: on
//! Porcupine's 1 712-operation key-value history, copying, hashing and
//! freeing the growing strings took most of the time. Equal strings always
//! compare equal; two different strings of length L compare equal with
//! probability about (L / 2^61)^2 — the same kind of bet as the search's
//! memo fingerprints, and like them checked exactly under `cfg(test)`,
//! where every `Text` also keeps its whole string.

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::hash::{Hash, Hasher};

const P: u64 = (1 << 61) - 1;
const BASES: [u64; 2] = [0x1f2e_3d4c_5b6a_7988 % P, 0x0123_4567_89ab_cdef % P];

fn mul(a: u64, b: u64) -> u64 {
    let x = u128::from(a) * u128::from(b);
    let r = (x as u64 & P) + (x >> 61) as u64;
    if r >= P {
        r - P
    } else {
        r
    }
}

fn add(a: u64, b: u64) -> u64 {
    let r = a + b;
    if r >= P {
        r - P
    } else {
        r
    }
}

/// The two hashes of `s`: what [`Text::is`] compares, without the powers
/// [`hash`] also keeps (half the multiplications, on a get's whole value).
fn fingerprint(s: &str) -> [u64; 2] {
    let mut h = [0u64; 2];
    for &b in s.as_bytes() {
        for k in 0..2 {
            h[k] = add(mul(h[k], BASES[k]), u64::from(b) + 1);
        }
    }
    h
}

/// The two hashes of `s`, and the two bases to the power of its length.
fn hash(s: &str) -> ([u64; 2], [u64; 2]) {
    let (mut h, mut pow) = ([0u64; 2], [1u64; 2]);
    for &b in s.as_bytes() {
        for k in 0..2 {
            h[k] = add(mul(h[k], BASES[k]), u64::from(b) + 1);
            pow[k] = mul(pow[k], BASES[k]);
        }
    }
    (h, pow)
}

/// One appended piece and the value before it.
struct Piece {
    before: Option<Rc<Piece>>,
    text: String,
}

impl Drop for Piece {
    /// Unlinks the chain one piece at a time: a key appended to 100 000
    /// times must not drop its history recursively.
    fn drop(&mut self) {
        let mut next = self.before.take();
        while let Some(piece) = next {
            match Rc::try_unwrap(piece) {
                Ok(mut piece) => next = piece.before.take(),
                Err(_) => break,
            }
        }
    }
}

/// A string value, fingerprinted (see the module doc).
#[derive(Clone)]
pub struct Text {
    len: u64,
    hash: [u64; 2],
    last: Option<Rc<Piece>>,
    #[cfg(test)]
    whole: String,
}

impl Text {
    pub fn empty() -> Text {
        Text {
            len: 0,
            hash: [0; 2],
            last: None,
            #[cfg(test)]
            whole: String::new(),
        }
    }

    pub fn of(s: &str) -> Text {
        Text::empty().then(s)
    }

    /// This value with `s` appended.
    pub fn then(&self, s: &str) -> Text {
        if s.is_empty() {
            return self.clone();
        }
        let (h, pow) = hash(s);
        Text {
            len: self.len + s.len() as u64,
            hash: [
                add(mul(self.hash[0], pow[0]), h[0]),
                add(mul(self.hash[1], pow[1]), h[1]),
            ],
            last: Some(Rc::new(Piece {
                before: self.last.clone(),
                text: String::from(s),
            })),
            #[cfg(test)]
            whole: {
                let mut w = self.whole.clone();
                w.push_str(s);
                w
            },
        }
    }

    /// Whether this value is `s`.
    pub fn is(&self, s: &str) -> bool {
        self.len == s.len() as u64 && self.hash == fingerprint(s)
    }

    /// The value as a string (for explanations: walks its pieces).
    pub fn to_text(&self) -> String {
        let mut pieces: Vec<&str> = Vec::new();
        let mut at = self.last.as_deref();
        while let Some(p) = at {
            pieces.push(&p.text);
            at = p.before.as_deref();
        }
        pieces.iter().rev().copied().collect()
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        let same = self.len == other.len && self.hash == other.hash;
        #[cfg(test)]
        assert_eq!(
            same,
            self.whole == other.whole,
            "two strings with one fingerprint"
        );
        same
    }
}

impl Eq for Text {}

impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.len.hash(state);
        self.hash.hash(state);
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.to_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    #[test]
    fn a_value_is_the_same_however_it_was_built() {
        let built = Text::empty().then("ab").then("").then("cde").then("f");
        assert_eq!(built, Text::of("abcdef"));
        assert!(built.is("abcdef"));
        assert!(!built.is("abcdeg"));
        assert!(!built.is("abcde"));
        assert_eq!(built.to_text(), "abcdef");
        assert_ne!(Text::of("ab"), Text::of("ba"));
        assert_ne!(Text::of("a"), Text::of("aa"));
        assert!(Text::empty().is(""));
        assert_eq!(format!("{:?}", Text::of("x y")), "\"x y\"");
    }

    #[test]
    fn a_long_chain_drops_without_recursing() {
        let mut t = Text::empty();
        // (Each step copies the whole string under `cfg(test)`: keep it
        // long enough to overflow a recursive drop, short enough to build.)
        for i in 0..40_000u32 {
            t = t.then(if i % 2 == 0 { "a" } else { "b" });
        }
        assert_eq!(t.len, 40_000);
        drop(t);
    }
}
