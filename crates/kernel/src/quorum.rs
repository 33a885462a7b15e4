//! Quorum arithmetic for leaderless replication: with `n` replicas, a write
//! waits for `w` acknowledgements and a read asks `r` replicas. When
//! `w + r > n` every read set shares at least one replica with every write
//! set, so some reply carries the latest acknowledged write.
//!
//! This module answers the questions the quorum calculator asks — does the
//! read overlap the write, how many failures each side survives, which
//! Cassandra consistency level the numbers correspond to, and how likely a
//! read of `r` random replicas is to miss all `w` that hold the newest value.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use serde::{Deserialize, Serialize};

/// The largest replication factor the calculator offers (and the leaderless
/// cluster in the simulator supports). The staleness lab, which builds its
/// own clusters, has a larger limit: [`LAB_MAX_N`].
pub const MAX_N: u8 = 9;

/// Most replicas per key the lab takes. Published PBS figures go to
/// n = 10 and production clusters beyond; the quorum calculator and the
/// simulated clusters keep [`crate::quorum::MAX_N`]. A protocol trial
/// runs n + 2 nodes (two coordinators that hold no copy).
pub const LAB_MAX_N: u8 = 16;

/// Why a quorum configuration was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum QuorumError {
    /// `n` must be between 1 and [`MAX_N`].
    N { n: u32 },
    /// `w` must be between 1 and `n`.
    W { w: u32, n: u8 },
    /// `r` must be between 1 and `n`.
    R { r: u32, n: u8 },
}

impl fmt::Display for QuorumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            QuorumError::N { n } => {
                write!(
                    f,
                    "n = {n} is out of range: n must be between 1 and {MAX_N}"
                )
            }
            QuorumError::W { w, n } => {
                write!(
                    f,
                    "w = {w} is out of range: w must be between 1 and n = {n}"
                )
            }
            QuorumError::R { r, n } => {
                write!(
                    f,
                    "r = {r} is out of range: r must be between 1 and n = {n}"
                )
            }
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for QuorumError {}

/// A valid `(n, w, r)`: `1 ≤ w, r ≤ n ≤ MAX_N`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuorumConfig {
    n: u8,
    w: u8,
    r: u8,
}

impl QuorumConfig {
    /// Checks every bound; the first violated one is reported.
    pub fn new(n: u32, w: u32, r: u32) -> Result<Self, QuorumError> {
        if n == 0 || n > u32::from(MAX_N) {
            return Err(QuorumError::N { n });
        }
        let n8 = n as u8;
        if w == 0 || w > n {
            return Err(QuorumError::W { w, n: n8 });
        }
        if r == 0 || r > n {
            return Err(QuorumError::R { r, n: n8 });
        }
        Ok(QuorumConfig {
            n: n8,
            w: w as u8,
            r: r as u8,
        })
    }

    /// The nearest valid configuration: `n` is clamped to `1..=MAX_N`, then
    /// `w` and `r` to `1..=n`. This is what dragging the `n` slider below the
    /// current `w` or `r` does.
    pub fn clamped(n: u32, w: u32, r: u32) -> Self {
        let n = n.clamp(1, u32::from(MAX_N));
        QuorumConfig {
            n: n as u8,
            w: w.clamp(1, n) as u8,
            r: r.clamp(1, n) as u8,
        }
    }

    pub fn n(&self) -> u8 {
        self.n
    }
    pub fn w(&self) -> u8 {
        self.w
    }
    pub fn r(&self) -> u8 {
        self.r
    }

    /// Every derived figure the calculator shows.
    pub fn analyse(&self) -> QuorumAnalysis {
        let (n, w, r) = (self.n, self.w, self.r);
        QuorumAnalysis {
            n,
            w,
            r,
            overlaps: u16::from(w) + u16::from(r) > u16::from(n),
            overlap: (w + r).saturating_sub(n),
            write_tolerance: n - w,
            read_tolerance: n - r,
            write_levels: ConsistencyLevel::matching(w, n),
            read_levels: ConsistencyLevel::matching(r, n),
            stale_read: Fraction::new(binomial(n - w, r), binomial(n, r)),
        }
    }
}

/// The article's three named configurations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum QuorumPreset {
    /// Wait for every replica on write (`w = n`); a single-replica read then
    /// always overlaps. Slow, and one replica down stops all writes.
    Strong,
    /// `w = 1, r = 1`: fastest and most available, reads may be stale.
    HighAvailability,
    /// `n = 3, w = 2, r = 2`: tolerates one failure on each side and still
    /// overlaps.
    Balanced,
}

impl QuorumPreset {
    pub const ALL: [QuorumPreset; 3] = [
        QuorumPreset::Strong,
        QuorumPreset::HighAvailability,
        QuorumPreset::Balanced,
    ];

    pub fn label(self) -> &'static str {
        match self {
            QuorumPreset::Strong => "Strong (w = n)",
            QuorumPreset::HighAvailability => "High availability (w = 1, r = 1)",
            QuorumPreset::Balanced => "Balanced (n = 3, w = 2, r = 2)",
        }
    }

    /// Strong and high-availability keep the current `n`; balanced is the
    /// article's fixed `n = 3` example.
    pub fn apply(self, current: QuorumConfig) -> QuorumConfig {
        let n = u32::from(current.n);
        match self {
            QuorumPreset::Strong => QuorumConfig::clamped(n, n, 1),
            QuorumPreset::HighAvailability => QuorumConfig::clamped(n, 1, 1),
            QuorumPreset::Balanced => QuorumConfig::clamped(3, 2, 2),
        }
    }
}

/// Cassandra's names for "this many replicas must answer".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConsistencyLevel {
    One,
    Two,
    Three,
    /// A majority: `n / 2 + 1`.
    Quorum,
    All,
}

impl ConsistencyLevel {
    pub fn name(self) -> &'static str {
        match self {
            ConsistencyLevel::One => "ONE",
            ConsistencyLevel::Two => "TWO",
            ConsistencyLevel::Three => "THREE",
            ConsistencyLevel::Quorum => "QUORUM",
            ConsistencyLevel::All => "ALL",
        }
    }

    /// How many of `n` replicas this level waits for.
    pub fn replicas(self, n: u8) -> u8 {
        match self {
            ConsistencyLevel::One => 1,
            ConsistencyLevel::Two => 2,
            ConsistencyLevel::Three => 3,
            ConsistencyLevel::Quorum => n / 2 + 1,
            ConsistencyLevel::All => n,
        }
    }

    /// Every level that waits for exactly `k` of `n` replicas (several can
    /// coincide: with `n = 3`, `k = 2` is both TWO and QUORUM). Empty when
    /// Cassandra has no name for `k` (say 4 of 9).
    pub fn matching(k: u8, n: u8) -> Vec<ConsistencyLevel> {
        use ConsistencyLevel::*;
        [One, Two, Three, Quorum, All]
            .into_iter()
            .filter(|level| level.replicas(n) == k && k <= n)
            .collect()
    }
}

/// An exact probability, kept as a reduced fraction so the calculator can
/// show "1/3" as well as "33.3 %".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fraction {
    pub numerator: u64,
    pub denominator: u64,
}

impl Fraction {
    fn new(numerator: u64, denominator: u64) -> Self {
        let g = gcd(numerator, denominator).max(1);
        Fraction {
            numerator: numerator / g,
            denominator: denominator / g,
        }
    }

    pub fn value(&self) -> f64 {
        self.numerator as f64 / self.denominator as f64
    }

    /// "0 %", "33.3 %", "100 %": one decimal, no float formatting surprises
    /// between targets because the rounding is done in integers.
    pub fn percent(&self) -> String {
        let tenths = (self.numerator * 2000 / self.denominator).div_ceil(2);
        format!("{}.{} %", tenths / 10, tenths % 10).replace(".0 %", " %")
    }
}

impl fmt::Display for Fraction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.numerator == 0 || self.denominator == 1 {
            write!(f, "{}", self.numerator)
        } else {
            write!(f, "{}/{}", self.numerator, self.denominator)
        }
    }
}

/// What the calculator shows for one `(n, w, r)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuorumAnalysis {
    pub n: u8,
    pub w: u8,
    pub r: u8,
    /// `w + r > n`: every read set intersects every write set.
    pub overlaps: bool,
    /// The fewest replicas a read set and a write set always share,
    /// `max(0, w + r − n)`.
    pub overlap: u8,
    /// Replicas that may be down while writes still succeed, `n − w`.
    pub write_tolerance: u8,
    /// Replicas that may be down while reads still succeed, `n − r`.
    pub read_tolerance: u8,
    pub write_levels: Vec<ConsistencyLevel>,
    pub read_levels: Vec<ConsistencyLevel>,
    /// Chance that `r` replicas picked uniformly at random all lie outside
    /// the `w` that hold the newest write (and nothing else has it yet):
    /// `C(n − w, r) / C(n, r)`. Zero exactly when the quorums overlap.
    pub stale_read: Fraction,
}

impl QuorumAnalysis {
    /// One sentence a reader can take away.
    pub fn verdict(&self) -> String {
        if self.overlaps {
            let replicas = if self.overlap == 1 {
                "replica"
            } else {
                "replicas"
            };
            format!(
                "w + r = {} > n = {}: every read reaches at least {} {} holding the latest write.",
                self.w + self.r,
                self.n,
                self.overlap,
                replicas
            )
        } else {
            format!(
                "w + r = {} ≤ n = {}: a read can miss the latest write entirely ({} of random reads do).",
                self.w + self.r,
                self.n,
                self.stale_read.percent()
            )
        }
    }

    /// "TWO / QUORUM", or "no named level" when Cassandra has none.
    pub fn level_names(levels: &[ConsistencyLevel]) -> String {
        if levels.is_empty() {
            return String::from("no named level");
        }
        let names: Vec<&str> = levels.iter().map(|l| l.name()).collect();
        names.join(" / ")
    }
}

/// `C(n, k)`, zero when `k > n`. Exact for the sizes used here (n ≤ 64 at
/// least): the running product stays divisible at each step.
pub fn binomial(n: u8, k: u8) -> u64 {
    if k > n {
        return 0;
    }
    let k = k.min(n - k);
    let mut acc: u64 = 1;
    for i in 0..u64::from(k) {
        acc = acc * (u64::from(n) - i) / (i + 1);
    }
    acc
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    fn analyse(n: u32, w: u32, r: u32) -> QuorumAnalysis {
        QuorumConfig::new(n, w, r).unwrap().analyse()
    }

    #[test]
    fn balanced_three_two_two_overlaps_by_one_and_survives_one_failure() {
        let a = analyse(3, 2, 2);
        assert!(a.overlaps);
        assert_eq!(a.overlap, 1);
        assert_eq!((a.write_tolerance, a.read_tolerance), (1, 1));
        assert_eq!(
            a.write_levels,
            [ConsistencyLevel::Two, ConsistencyLevel::Quorum]
        );
        assert_eq!(a.stale_read, Fraction::new(0, 1));
        assert_eq!(
            a.verdict(),
            "w + r = 4 > n = 3: every read reaches at least 1 replica holding the latest write."
        );
    }

    #[test]
    fn one_one_of_three_misses_two_thirds_of_the_time() {
        let a = analyse(3, 1, 1);
        assert!(!a.overlaps);
        assert_eq!(a.overlap, 0);
        // C(2,1)/C(3,1) = 2/3
        assert_eq!(a.stale_read.to_string(), "2/3");
        assert_eq!(a.stale_read.percent(), "66.7 %");
        assert!(a.verdict().contains("66.7 %"), "{}", a.verdict());
    }

    #[test]
    fn stale_probability_matches_hand_counts() {
        // n=5, w=2, r=2: C(3,2)/C(5,2) = 3/10
        assert_eq!(analyse(5, 2, 2).stale_read, Fraction::new(3, 10));
        // n=9, w=1, r=4: C(8,4)/C(9,4) = 70/126 = 5/9
        assert_eq!(analyse(9, 1, 4).stale_read.to_string(), "5/9");
        // n=1 always overlaps.
        assert_eq!(analyse(1, 1, 1).stale_read.numerator, 0);
    }

    #[test]
    fn stale_probability_is_zero_exactly_when_quorums_overlap() {
        for n in 1..=MAX_N as u32 {
            for w in 1..=n {
                for r in 1..=n {
                    let a = analyse(n, w, r);
                    assert_eq!(a.overlaps, a.stale_read.numerator == 0, "n={n} w={w} r={r}");
                    assert!(a.stale_read.numerator <= a.stale_read.denominator);
                    assert_eq!(a.write_tolerance as u32 + w, n);
                }
            }
        }
    }

    #[test]
    fn cassandra_names() {
        assert_eq!(
            ConsistencyLevel::matching(1, 1),
            [
                ConsistencyLevel::One,
                ConsistencyLevel::Quorum,
                ConsistencyLevel::All
            ]
        );
        assert_eq!(
            QuorumAnalysis::level_names(&ConsistencyLevel::matching(3, 5)),
            "THREE / QUORUM"
        );
        assert_eq!(
            QuorumAnalysis::level_names(&ConsistencyLevel::matching(9, 9)),
            "ALL"
        );
        assert_eq!(
            QuorumAnalysis::level_names(&ConsistencyLevel::matching(4, 9)),
            "no named level"
        );
    }

    #[test]
    fn out_of_range_input_is_refused_with_a_reason() {
        assert_eq!(QuorumConfig::new(0, 1, 1), Err(QuorumError::N { n: 0 }));
        assert_eq!(QuorumConfig::new(10, 1, 1), Err(QuorumError::N { n: 10 }));
        let err = QuorumConfig::new(3, 4, 1).unwrap_err();
        assert_eq!(err, QuorumError::W { w: 4, n: 3 });
        assert_eq!(
            err.to_string(),
            "w = 4 is out of range: w must be between 1 and n = 3"
        );
        assert_eq!(
            QuorumConfig::new(3, 1, 0),
            Err(QuorumError::R { r: 0, n: 3 })
        );
    }

    #[test]
    fn shrinking_n_clamps_w_and_r() {
        let c = QuorumConfig::clamped(2, 5, 3);
        assert_eq!((c.n(), c.w(), c.r()), (2, 2, 2));
        let c = QuorumConfig::clamped(0, 0, 0);
        assert_eq!((c.n(), c.w(), c.r()), (1, 1, 1));
        let c = QuorumConfig::clamped(99, 4, 4);
        assert_eq!((c.n(), c.w(), c.r()), (9, 4, 4));
    }

    #[test]
    fn presets() {
        let five = QuorumConfig::new(5, 3, 3).unwrap();
        let strong = QuorumPreset::Strong.apply(five);
        assert_eq!((strong.n(), strong.w(), strong.r()), (5, 5, 1));
        assert!(strong.analyse().overlaps);
        let ha = QuorumPreset::HighAvailability.apply(five);
        assert_eq!((ha.n(), ha.w(), ha.r()), (5, 1, 1));
        assert!(!ha.analyse().overlaps);
        let bal = QuorumPreset::Balanced.apply(five);
        assert_eq!((bal.n(), bal.w(), bal.r()), (3, 2, 2));
    }

    #[test]
    fn binomials() {
        assert_eq!(binomial(9, 4), 126);
        assert_eq!(binomial(5, 0), 1);
        assert_eq!(binomial(2, 3), 0);
        assert_eq!(binomial(0, 0), 1);
    }
}
