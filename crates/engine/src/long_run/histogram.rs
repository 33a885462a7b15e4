//! The latency histogram a long run keeps instead of every operation:
//! log-scale buckets, and the percentiles read from them.

use alloc::vec;
use alloc::vec::Vec;

use super::Latencies;

/// Log-scale latency histogram in µs: exact below 128 µs, then 128
/// buckets per power of two (each under 0.8 % wide).
#[derive(Clone, Debug)]
pub(super) struct Histogram {
    buckets: Vec<u64>,
    count: u64,
    sum: u128,
    max: u64,
}

/// Sub-bucket bits.
const SUB: usize = 7;

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            buckets: vec![0; (1 << SUB) + (64 - SUB) * (1 << SUB)],
            count: 0,
            sum: 0,
            max: 0,
        }
    }
}

impl Histogram {
    fn bucket(us: u64) -> usize {
        if us < 1 << SUB {
            return us as usize;
        }
        let e = 63 - us.leading_zeros() as usize; // SUB..=63
        (1 << SUB) + (e - SUB) * (1 << SUB) + ((us >> (e - SUB)) as usize & ((1 << SUB) - 1))
    }

    /// The smallest value a bucket holds, and its width.
    fn range(b: usize) -> (u64, u64) {
        if b < 1 << SUB {
            return (b as u64, 1);
        }
        let (e, sub) = ((b >> SUB) - 1 + SUB, b & ((1 << SUB) - 1));
        (((1u64 << SUB) + sub as u64) << (e - SUB), 1 << (e - SUB))
    }

    pub(super) fn add(&mut self, us: u64) {
        self.buckets[Self::bucket(us)] += 1;
        self.count += 1;
        self.sum += u128::from(us);
        self.max = self.max.max(us);
    }

    fn quantile_us(&self, q: f64) -> u64 {
        let rank = libm::ceil(q * self.count as f64).max(1.0) as u64;
        let mut seen = 0;
        for (b, &n) in self.buckets.iter().enumerate() {
            seen += n;
            if seen >= rank {
                // The bucket's middle, but never past the largest value.
                let (lo, width) = Self::range(b);
                return (lo + width / 2).min(self.max);
            }
        }
        self.max
    }

    pub(super) fn summary(&self) -> Latencies {
        if self.count == 0 {
            return Latencies::default();
        }
        let ms = |us: u64| us as f64 / 1000.0;
        Latencies {
            count: self.count,
            mean_ms: self.sum as f64 / self.count as f64 / 1000.0,
            p50_ms: ms(self.quantile_us(0.5)),
            p99_ms: ms(self.quantile_us(0.99)),
            max_ms: ms(self.max),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_narrow_and_contiguous() {
        for us in [
            0u64,
            1,
            127,
            128,
            129,
            255,
            256,
            1000,
            10_000,
            123_456,
            u64::MAX,
        ] {
            let b = Histogram::bucket(us);
            let (lo, width) = Histogram::range(b);
            assert!(lo <= us && us - lo < width, "{us}: {lo} + {width}");
            assert!(width == 1 || width <= lo / 128, "{us}: {lo} + {width}");
            assert_eq!(Histogram::bucket(lo), b);
            assert_eq!(Histogram::bucket(lo + (width - 1)), b);
            if b + 1 < Histogram::default().buckets.len() {
                assert_eq!(Histogram::range(b + 1).0, lo + width, "{us}");
            }
        }
        let mut h = Histogram::default();
        for us in 1..=1000 {
            h.add(us * 1000);
        }
        let s = h.summary();
        assert_eq!(s.count, 1000);
        assert_eq!(s.max_ms, 1000.0);
        assert!((s.mean_ms - 500.5).abs() < 1e-9);
        assert!((496.0..=504.0).contains(&s.p50_ms), "{}", s.p50_ms);
        assert!((982.0..=998.0).contains(&s.p99_ms), "{}", s.p99_ms);
    }
}
