//! A key-value model's string as the search keeps it: its length and two
//! polynomial hashes of its bytes (modulo the Mersenne prime 2^61 − 1,
//! with two bases — Karp–Rabin fingerprints), and nothing else. An
//! append combines the value's hashes with the appended piece's, so it
//! costs the piece, not a copy of the whole value; the search hashes and
//! compares 24 bytes instead of the value, and a new state allocates
//! nothing. (The pieces each value was built from were once kept too, to
//! print it: on Porcupine's c50 key-value histories allocating and freeing
//! them was a fifth of the search. An explanation rebuilds the value it
//! prints from the operations instead — see
//! [`super::model::Model::describe_after`].)
//!
//! Equal strings always compare equal; two different strings of length L
//! compare equal with probability about (L / 2^61)^2 — the same kind of
//! bet as the search's memo fingerprints, and like them checked exactly
//! under `cfg(test)`, where every `Text` also keeps its whole string.

#[cfg(test)]
use alloc::string::String;
use core::fmt;
use core::hash::{Hash, Hasher};

const P: u64 = (1 << 61) - 1;
const BASES: [u64; 2] = [0x1f2e_3d4c_5b6a_7988 % P, 0x0123_4567_89ab_cdef % P];

const fn mul(a: u64, b: u64) -> u64 {
    let x = a as u128 * b as u128;
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

/// The two bases to the powers 0 to 32: an appended piece is usually
/// short, and its power then costs a lookup instead of a multiplication
/// per byte.
const POWERS: [[u64; 2]; 33] = {
    let mut t = [[1u64; 2]; 33];
    let mut i = 1;
    while i < t.len() {
        t[i] = [mul(t[i - 1][0], BASES[0]), mul(t[i - 1][1], BASES[1])];
        i += 1;
    }
    t
};

/// The two hashes of `s`, and the two bases to the power of its length.
fn hash(s: &str) -> ([u64; 2], [u64; 2]) {
    if let Some(&pow) = POWERS.get(s.len()) {
        return (fingerprint(s), pow);
    }
    let (mut h, mut pow) = ([0u64; 2], [1u64; 2]);
    for &b in s.as_bytes() {
        for k in 0..2 {
            h[k] = add(mul(h[k], BASES[k]), u64::from(b) + 1);
            pow[k] = mul(pow[k], BASES[k]);
        }
    }
    (h, pow)
}

/// A string value, fingerprinted (see the module doc).
#[derive(Clone)]
pub struct Text {
    len: u64,
    hash: [u64; 2],
    #[cfg(test)]
    whole: String,
}

impl Text {
    pub fn empty() -> Text {
        Text {
            len: 0,
            hash: [0; 2],
            #[cfg(test)]
            whole: String::new(),
        }
    }

    pub fn of(s: &str) -> Text {
        Text::empty().then(s)
    }

    /// This value with `s` appended.
    pub fn then(&self, s: &str) -> Text {
        let (h, pow) = hash(s);
        Text {
            len: self.len + s.len() as u64,
            hash: [
                add(mul(self.hash[0], pow[0]), h[0]),
                add(mul(self.hash[1], pow[1]), h[1]),
            ],
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
        let same = self.len == s.len() as u64 && self.hash == fingerprint(s);
        #[cfg(test)]
        assert_eq!(same, self.whole == s, "two strings with one fingerprint");
        same
    }

    /// Its length in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The value itself, which only tests keep.
    #[cfg(test)]
    pub fn to_text(&self) -> String {
        self.whole.clone()
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
    /// One of the fingerprints is already a hash of the whole value.
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash[0]);
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        #[cfg(test)]
        return write!(f, "{:?}", self.whole);
        #[cfg(not(test))]
        write!(f, "Text({} bytes, {:x?})", self.len, self.hash)
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
