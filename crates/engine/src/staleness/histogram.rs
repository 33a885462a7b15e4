//! A log-linear histogram of durations: exact to the microsecond below
//! 256 µs, then 128 buckets per power of two (under 0.8 % relative
//! error). Fixed size, merge-free and sort-free, so a million trials
//! cost a few kilobytes and percentiles can be read at any moment while
//! results stream in.

use alloc::vec;
use alloc::vec::Vec;

const EXACT: u64 = 256;
const SUB_BITS: u32 = 7;
const SUB: usize = 1 << SUB_BITS;
/// Exponents 8..=63, 128 buckets each, after the exact ones.
const BUCKETS: usize = EXACT as usize + (64 - 8) * SUB;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Histogram {
    counts: Vec<u64>,
    total: u64,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram::new()
    }
}

fn index(us: u64) -> usize {
    if us < EXACT {
        return us as usize;
    }
    let e = 63 - us.leading_zeros();
    let sub = ((us >> (e - SUB_BITS)) as usize) & (SUB - 1);
    EXACT as usize + (e as usize - 8) * SUB + sub
}

/// The largest value that lands in bucket `i`.
fn upper(i: usize) -> u64 {
    if i < EXACT as usize {
        return i as u64;
    }
    let e = (i - EXACT as usize) / SUB + 8;
    let sub = ((i - EXACT as usize) % SUB) as u64;
    let shift = e as u32 - SUB_BITS;
    ((SUB as u64 + sub) << shift) + ((1u64 << shift) - 1)
}

impl Histogram {
    pub fn new() -> Histogram {
        Histogram {
            counts: vec![0; BUCKETS],
            total: 0,
        }
    }

    /// Records a duration in ms; negative counts as 0, rounded up to the
    /// next microsecond.
    pub fn record_ms(&mut self, ms: f64) {
        let us = if ms.is_finite() && ms > 0.0 {
            let v = libm::ceil(ms * 1000.0);
            if v >= 1.8e19 {
                u64::MAX
            } else {
                v as u64
            }
        } else if ms.is_nan() {
            return;
        } else if ms > 0.0 {
            u64::MAX
        } else {
            0
        };
        self.record_us(us);
    }

    /// Records a duration in whole µs.
    pub fn record_us(&mut self, us: u64) {
        self.counts[index(us)] += 1;
        self.total += 1;
    }

    pub fn total(&self) -> u64 {
        self.total
    }

    /// The smallest recorded bound (in ms) at or below which a share `q`
    /// of the values lie: the `q` quantile, rounded up to its bucket's
    /// top. `None` before anything was recorded.
    pub fn quantile_ms(&self, q: f64) -> Option<f64> {
        if self.total == 0 {
            return None;
        }
        let want = libm::ceil(q.clamp(0.0, 1.0) * self.total as f64).max(1.0) as u64;
        let mut seen = 0;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= want {
                return Some(upper(i) as f64 / 1000.0);
            }
        }
        Some(upper(BUCKETS - 1) as f64 / 1000.0)
    }

    /// Share of the values at or below `ms`, rounded to the microsecond
    /// (bucket resolution).
    pub fn share_at_most_ms(&self, ms: f64) -> f64 {
        if self.total == 0 {
            return 0.0;
        }
        let us = crate::scenario::ms_to_instant(ms).0;
        let last = index(us);
        let below: u64 = self.counts[..=last].iter().sum();
        below as f64 / self.total as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_contiguous_and_tight() {
        let mut previous = None;
        for i in 0..BUCKETS {
            let hi = upper(i);
            if let Some(p) = previous {
                assert_eq!(index(p + 1), i, "bucket {i} starts right after {p}");
            }
            assert_eq!(index(hi), i);
            previous = Some(hi);
            if hi == u64::MAX {
                break;
            }
        }
        // Relative width under 1 %.
        let i = index(1_000_000);
        let lo = upper(i - 1) + 1;
        assert!((upper(i) - lo) as f64 / lo as f64 <= 1.0 / 128.0);
    }

    #[test]
    fn quantiles_of_a_known_sample() {
        let mut h = Histogram::new();
        for i in 1..=1000 {
            h.record_ms(f64::from(i) * 0.1); // 0.1 … 100 ms
        }
        let p50 = h.quantile_ms(0.5).unwrap();
        assert!((50.0..50.5).contains(&p50), "{p50}");
        let p999 = h.quantile_ms(0.999).unwrap();
        assert!((99.9..100.7).contains(&p999), "{p999}");
        assert_eq!(h.quantile_ms(0.0), Some(0.1));
        assert!((h.share_at_most_ms(10.0) - 0.1).abs() < 0.002);
        h.record_ms(-3.0);
        h.record_ms(f64::NAN);
        assert_eq!(h.total(), 1001);
        assert_eq!(Histogram::new().quantile_ms(0.5), None);
    }
}
