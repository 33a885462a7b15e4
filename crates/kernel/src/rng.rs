//! The simulator's one source of randomness: Xoshiro256++ (from
//! `rand_xoshiro`), seeded from the scenario's seed. Each consumer — the
//! network, the workload generator, the protocol nodes — draws from its own
//! named stream derived from that seed, so adding a client request does not
//! shift every network delay after it.

use rand_core::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// A seeded, cloneable generator (cloned into checkpoints with the rest of
/// the simulator).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimRng(Xoshiro256PlusPlus);

impl SimRng {
    /// The stream called `name` of the run seeded with `seed`.
    pub fn stream(seed: u64, name: &str) -> SimRng {
        SimRng(Xoshiro256PlusPlus::seed_from_u64(
            seed ^ fnv1a(name.as_bytes()),
        ))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in `[0, 1)` with 53 bits of precision.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `(0, 1]`: safe to take the logarithm of.
    pub fn unit_open(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in `lo..=hi` (Lemire's method, unbiased).
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        let span = hi - lo;
        if span == u64::MAX {
            return self.next_u64();
        }
        let range = span + 1;
        let threshold = range.wrapping_neg() % range;
        loop {
            let m = u128::from(self.next_u64()) * u128::from(range);
            if (m as u64) >= threshold {
                return lo + (m >> 64) as u64;
            }
        }
    }

    /// Index in `0..len` (`len > 0`).
    pub fn index(&mut self, len: usize) -> usize {
        self.between(0, len.saturating_sub(1) as u64) as usize
    }

    /// True with probability `p` (clamped to `[0, 1]`).
    pub fn chance(&mut self, p: f64) -> bool {
        if p <= 0.0 {
            false
        } else if p >= 1.0 {
            true
        } else {
            self.unit() < p
        }
    }
}

/// FNV-1a, 64-bit: a tiny stable hash for stream names and trace hashing.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h = Fnv::new();
    h.write(bytes);
    h.finish()
}

/// Incremental FNV-1a.
#[derive(Clone, Copy, Debug)]
pub struct Fnv(u64);

impl Fnv {
    pub fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    pub fn u64(&mut self, v: u64) {
        self.write(&v.to_le_bytes());
    }
    pub fn finish(&self) -> u64 {
        self.0
    }
}

impl Default for Fnv {
    fn default() -> Self {
        Fnv::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_same_numbers() {
        let mut a = SimRng::stream(42, "network");
        let mut b = SimRng::stream(42, "network");
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }

    #[test]
    fn named_streams_differ() {
        let mut a = SimRng::stream(42, "network");
        let mut b = SimRng::stream(42, "workload");
        assert_ne!(a.next_u64(), b.next_u64());
    }

    #[test]
    fn between_stays_in_range_and_hits_both_ends() {
        let mut r = SimRng::stream(7, "t");
        let (mut lo, mut hi) = (false, false);
        for _ in 0..1000 {
            let v = r.between(3, 5);
            assert!((3..=5).contains(&v));
            lo |= v == 3;
            hi |= v == 5;
        }
        assert!(lo && hi);
        assert_eq!(r.between(9, 9), 9);
        assert_eq!(r.between(9, 2), 9);
    }

    #[test]
    fn unit_intervals() {
        let mut r = SimRng::stream(1, "u");
        for _ in 0..1000 {
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
            let o = r.unit_open();
            assert!(o > 0.0 && o <= 1.0);
        }
    }

    #[test]
    fn fnv_known_vector() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
