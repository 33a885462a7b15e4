//! Virtual time. The simulator owns the only clock: integer microseconds
//! since the start of the run, so every target orders events identically.

use core::fmt;
use core::ops::{Add, Sub};
use serde::{Deserialize, Serialize};

/// A point in virtual time, microseconds since the run started.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Instant(pub u64);

/// A span of virtual time in microseconds.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Duration(pub u64);

impl Instant {
    pub const ZERO: Instant = Instant(0);
    pub const MAX: Instant = Instant(u64::MAX);

    pub fn as_micros(self) -> u64 {
        self.0
    }
    pub fn from_millis(ms: u64) -> Instant {
        Instant(ms.saturating_mul(1000))
    }
    /// Time elapsed since `earlier`, zero if `earlier` is later.
    pub fn since(self, earlier: Instant) -> Duration {
        Duration(self.0.saturating_sub(earlier.0))
    }
}

impl Duration {
    pub const ZERO: Duration = Duration(0);

    pub fn from_micros(us: u64) -> Duration {
        Duration(us)
    }
    pub fn from_millis(ms: u64) -> Duration {
        Duration(ms.saturating_mul(1000))
    }
    pub fn as_micros(self) -> u64 {
        self.0
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;
    fn add(self, d: Duration) -> Instant {
        Instant(self.0.saturating_add(d.0))
    }
}

impl Add for Duration {
    type Output = Duration;
    fn add(self, d: Duration) -> Duration {
        Duration(self.0.saturating_add(d.0))
    }
}

impl Sub for Instant {
    type Output = Duration;
    fn sub(self, earlier: Instant) -> Duration {
        self.since(earlier)
    }
}

/// "12.345 ms": milliseconds with microsecond precision, done in integers
/// so the text is the same on every target.
pub fn fmt_ms(us: u64, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let (ms, frac) = (us / 1000, us % 1000);
    if frac == 0 {
        write!(f, "{ms} ms")
    } else {
        let mut frac = frac;
        let mut digits = 3;
        while frac % 10 == 0 {
            frac /= 10;
            digits -= 1;
        }
        write!(f, "{ms}.{frac:0digits$} ms")
    }
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t=")?;
        fmt_ms(self.0, f)
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_ms(self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn display_is_milliseconds() {
        assert_eq!(Instant(1_500).to_string(), "t=1.5 ms");
        assert_eq!(Duration(2_000).to_string(), "2 ms");
        assert_eq!(Duration(12_345).to_string(), "12.345 ms");
        assert_eq!(Duration(7).to_string(), "0.007 ms");
    }

    #[test]
    fn arithmetic_saturates() {
        assert_eq!(Instant::MAX + Duration(5), Instant::MAX);
        assert_eq!(Instant(3) - Instant(10), Duration::ZERO);
        assert_eq!(
            Instant::from_millis(2) + Duration::from_millis(3),
            Instant(5_000)
        );
    }
}
