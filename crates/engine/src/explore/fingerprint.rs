//! State fingerprints: a 64-bit hash of everything that decides what a
//! state can still do, and the set of fingerprints already seen. As in
//! explicit-state model checkers (SPIN's bitstate hashing, Stateright's
//! fingerprints), the search keeps fingerprints of visited states, not
//! the states: 8 bytes a slot instead of a copy of every node. Two
//! different states with one fingerprint would make the search skip the
//! second; at 2⁻⁶⁴ per pair that is about one chance in 10⁸ after 10⁶
//! states (the birthday bound), which `docs/explore.md` states.

use alloc::vec::Vec;
use core::fmt;

/// A streaming 64-bit hash. Words are folded in with a 128-bit multiply
/// (the "mum" step of wyhash), which mixes every input bit into the
/// whole state; text arrives through [`fmt::Write`], so any `Debug`
/// value can be hashed without allocating.
#[derive(Clone, Copy, Debug)]
pub struct Fingerprint {
    state: u64,
    /// Up to six bytes of text not yet folded in, and how many.
    pending: u64,
    pending_len: u32,
}

const K1: u64 = 0xa076_1d64_78bd_642f;
const K2: u64 = 0xe703_7ed1_a0b4_28db;

#[inline]
fn mum(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ ((p >> 64) as u64)
}

impl Default for Fingerprint {
    fn default() -> Self {
        Fingerprint {
            state: 0x5265_706c_6963_6153, // "ReplicaS"
            pending: 0,
            pending_len: 0,
        }
    }
}

impl Fingerprint {
    #[inline]
    pub fn u64(&mut self, x: u64) {
        self.flush();
        self.fold(x);
    }

    fn flush(&mut self) {
        if self.pending_len > 0 {
            let x = self.pending ^ (u64::from(self.pending_len) << 56);
            self.fold(x);
            self.pending = 0;
            self.pending_len = 0;
        }
    }

    #[inline]
    fn fold(&mut self, x: u64) {
        self.state = mum(self.state ^ x ^ K1, K2);
    }

    /// Hashes a value by its `Debug` text: complete by construction (every
    /// field prints) and canonical, as state here is kept in ordered maps.
    pub fn debug(&mut self, value: &impl fmt::Debug) {
        let _ = fmt::write(self, format_args!("{value:?}"));
        // A separator, so ("ab", "c") and ("a", "bc") differ.
        self.u64(0xff);
    }

    pub fn finish(mut self) -> u64 {
        self.flush();
        // Never 0: the visited set keeps 0 for an empty slot.
        mum(self.state, K1).max(1)
    }
}

impl fmt::Write for Fingerprint {
    /// Text is streamed seven bytes to a word, however it arrives in
    /// pieces (`Debug` writes many small ones).
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let mut bytes = s.as_bytes();
        while !bytes.is_empty() {
            let take = (7 - self.pending_len as usize).min(bytes.len());
            let mut word = [0u8; 8];
            word[..take].copy_from_slice(&bytes[..take]);
            self.pending |= u64::from_le_bytes(word) << (8 * self.pending_len);
            self.pending_len += take as u32;
            bytes = &bytes[take..];
            if self.pending_len == 7 {
                self.flush();
            }
        }
        Ok(())
    }
}

/// A set of fingerprints: open addressing with linear probing in one
/// flat table, kept at most half full (so 16-32 bytes a fingerprint).
/// Deterministic, unlike a hash set seeded at random.
#[derive(Clone, Debug, Default)]
pub struct Visited {
    slots: Vec<u64>,
    len: usize,
}

impl Visited {
    /// Adds `fp` (never 0); false if it was already there.
    pub fn insert(&mut self, fp: u64) -> bool {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = (fp as usize) & mask;
        loop {
            match self.slots[i] {
                0 => {
                    self.slots[i] = fp;
                    self.len += 1;
                    return true;
                }
                x if x == fp => return false,
                _ => i = (i + 1) & mask,
            }
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes the table holds.
    pub fn bytes(&self) -> usize {
        self.slots.len() * 8
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(1024);
        let old = core::mem::replace(&mut self.slots, alloc::vec![0; size]);
        self.len = 0;
        for fp in old.into_iter().filter(|&x| x != 0) {
            self.insert(fp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_hashed_whole_and_separated() {
        let fp = |parts: &[&str]| {
            let mut h = Fingerprint::default();
            for p in parts {
                h.debug(p);
            }
            h.finish()
        };
        assert_eq!(fp(&["abc", "def"]), fp(&["abc", "def"]));
        assert_ne!(fp(&["abc", "def"]), fp(&["abcd", "ef"]));
        assert_ne!(
            fp(&["a long string of text"]),
            fp(&["a long string of texT"])
        );
        // However the text arrives in pieces, the same text hashes alike.
        let pieces = |parts: &[&str]| {
            let mut h = Fingerprint::default();
            for p in parts {
                let _ = fmt::Write::write_str(&mut h, p);
            }
            h.finish()
        };
        assert_eq!(
            pieces(&["abcdefghij", "klmnopq"]),
            pieces(&["abc", "defghijklm", "nopq"])
        );
        assert_ne!(pieces(&["abcdefghij"]), pieces(&["abcdefghi"]));
    }

    #[test]
    fn the_set_finds_what_it_holds_and_nothing_else() {
        let mut v = Visited::default();
        for i in 1..5000u64 {
            assert!(v.insert(i.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1));
        }
        assert_eq!(v.len(), 4999);
        for i in 1..5000u64 {
            assert!(!v.insert(i.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1));
        }
        assert!(v.bytes() <= 32 * v.len());
    }
}
