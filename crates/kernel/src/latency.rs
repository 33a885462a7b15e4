//! Message delay distributions. Real networks are not constant: most
//! messages are quick and a few are very slow, which is why the engine
//! offers heavy-tailed Pareto and weighted mixtures (the shapes measured in
//! production by the PBS paper) beside constant, uniform and exponential.
//! Sampling goes through `libm`, so every target draws the same delays.

use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::rng::SimRng;
use crate::time::Duration;

/// Longest delay a sample may produce (one hour): keeps heavy tails from
/// overflowing virtual time.
pub const MAX_DELAY_US: u64 = 3_600_000_000;

/// Shortest delay a sample produces: one microsecond, the simulator's
/// resolution. A message always arrives strictly after it was sent, so a
/// chain of messages (chatter's endless conversations) moves virtual time
/// forward and every run reaches its end, even on a 0 ms link.
pub const MIN_DELAY_US: u64 = 1;

/// A drawn delay in ms as the simulator takes it: rounded half up to
/// whole microseconds, at least [`MIN_DELAY_US`] and at most
/// [`MAX_DELAY_US`]. A draw too long to represent — beyond the cap,
/// overflowed to infinity (a Pareto with a tiny shape, an exponential with
/// a subnormal rate) or NaN (∞ · 0 on the way) — is the cap, never the
/// minimum. Plain IEEE arithmetic, identical on every target; the staleness
/// lab's direct method rounds its draws through here too, so both of its
/// methods see the same delays.
#[inline]
pub fn delay_us(ms: f64) -> u64 {
    // `min` returns the cap for NaN (Rust's `f64::min` ignores a NaN on
    // every target). Branch-free, and the clamped value fits an i64, whose
    // conversion is cheaper than u64's: the staleness lab's direct method
    // does this a dozen times per trial.
    let us = (ms * 1000.0 + 0.5)
        .min(MAX_DELAY_US as f64)
        .max(MIN_DELAY_US as f64);
    us as i64 as u64
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Latency {
    /// Always `ms`.
    Constant { ms: f64 },
    /// Uniform between `min_ms` and `max_ms`.
    Uniform { min_ms: f64, max_ms: f64 },
    /// Exponential with rate `rate_per_ms` (mean `1 / rate` ms).
    Exponential { rate_per_ms: f64 },
    /// Pareto with scale `xm_ms` (the minimum) and shape `alpha`.
    Pareto { xm_ms: f64, alpha: f64 },
    /// Picks one part with probability proportional to its weight.
    Mixture { parts: Vec<Part> },
    /// `base` plus a fixed `ms` (a WAN hop on top of a local delay).
    Shifted { ms: f64, base: Box<Latency> },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    pub weight: f64,
    pub latency: Latency,
}

/// Which leg of a quorum request a message is, after the WARS model of
/// probabilistically bounded staleness: the write going out to a replica
/// (W), its acknowledgement coming back (A), the read request (R) and the
/// read's response (S). Each leg can have its own delay distribution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Leg {
    Write,
    Ack,
    Read,
    Response,
}

/// A delay distribution per leg; messages that are no leg (repairs,
/// hints, anti-entropy) keep their link's latency.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegLatencies {
    pub write: Latency,
    pub ack: Latency,
    pub read: Latency,
    pub response: Latency,
}

impl LegLatencies {
    pub fn get(&self, leg: Leg) -> &Latency {
        match leg {
            Leg::Write => &self.write,
            Leg::Ack => &self.ack,
            Leg::Read => &self.read,
            Leg::Response => &self.response,
        }
    }

    pub fn validate(&self, path: &str, problems: &mut Vec<(String, String)>) {
        for (name, l) in [
            ("write", &self.write),
            ("ack", &self.ack),
            ("read", &self.read),
            ("response", &self.response),
        ] {
            l.validate(&format!("{path}.{name}"), problems);
        }
    }
}

impl Default for Latency {
    fn default() -> Self {
        Latency::Constant { ms: 10.0 }
    }
}

impl Latency {
    pub fn constant_ms(ms: f64) -> Latency {
        Latency::Constant { ms }
    }

    /// One delay, rounded to the microsecond, between [`MIN_DELAY_US`]
    /// and [`MAX_DELAY_US`] (see [`delay_us`]).
    pub fn sample(&self, rng: &mut SimRng) -> Duration {
        Duration(delay_us(self.sample_ms(rng)))
    }

    /// One delay in milliseconds, unrounded.
    pub fn sample_ms(&self, rng: &mut SimRng) -> f64 {
        match self {
            Latency::Constant { ms } => *ms,
            Latency::Uniform { min_ms, max_ms } => min_ms + (max_ms - min_ms) * rng.unit(),
            Latency::Exponential { rate_per_ms } => -libm::log(rng.unit_open()) / rate_per_ms,
            Latency::Pareto { xm_ms, alpha } => xm_ms / libm::pow(rng.unit_open(), 1.0 / alpha),
            Latency::Mixture { parts } => {
                let total: f64 = parts.iter().map(|p| p.weight).sum();
                let mut pick = rng.unit() * total;
                for part in parts {
                    if pick < part.weight {
                        return part.latency.sample_ms(rng);
                    }
                    pick -= part.weight;
                }
                // Rounding left us past the end: the last part.
                parts.last().map_or(0.0, |p| p.latency.sample_ms(rng))
            }
            Latency::Shifted { ms, base } => ms + base.sample_ms(rng),
        }
    }

    /// The shortest delay the distribution can draw, in ms: the explorer's
    /// earliest arrival (it never picks a delay, only an order).
    pub fn min_ms(&self) -> f64 {
        match self {
            Latency::Constant { ms } => *ms,
            Latency::Uniform { min_ms, .. } => *min_ms,
            Latency::Exponential { .. } => 0.0,
            Latency::Pareto { xm_ms, .. } => *xm_ms,
            Latency::Mixture { parts } => parts
                .iter()
                .filter(|p| p.weight > 0.0)
                .map(|p| p.latency.min_ms())
                .fold(f64::INFINITY, f64::min),
            Latency::Shifted { ms, base } => ms + base.min_ms(),
        }
    }

    /// The distribution's mean in ms (infinite for Pareto with `alpha ≤ 1`).
    pub fn mean_ms(&self) -> f64 {
        match self {
            Latency::Constant { ms } => *ms,
            Latency::Uniform { min_ms, max_ms } => (min_ms + max_ms) / 2.0,
            Latency::Exponential { rate_per_ms } => 1.0 / rate_per_ms,
            Latency::Pareto { xm_ms, alpha } => {
                if *alpha <= 1.0 {
                    f64::INFINITY
                } else {
                    alpha * xm_ms / (alpha - 1.0)
                }
            }
            Latency::Mixture { parts } => {
                let total: f64 = parts.iter().map(|p| p.weight).sum();
                parts
                    .iter()
                    .map(|p| p.weight / total * p.latency.mean_ms())
                    .sum()
            }
            Latency::Shifted { ms, base } => ms + base.mean_ms(),
        }
    }

    /// Every problem with the parameters, each naming the field under
    /// `path` (e.g. `network.latency.parts[1].latency.alpha`).
    pub fn validate(&self, path: &str, problems: &mut Vec<(String, String)>) {
        self.validate_depth(path, 0, problems)
    }

    fn validate_depth(&self, path: &str, depth: usize, problems: &mut Vec<(String, String)>) {
        let mut check = |field: &str, value: f64, ok: bool, what: &str| {
            if !value.is_finite() || !ok {
                problems.push((
                    format!("{path}.{field}"),
                    format!("{value} is not allowed: {what}"),
                ));
            }
        };
        match self {
            Latency::Constant { ms } => check("ms", *ms, *ms >= 0.0, "a delay is 0 ms or more"),
            Latency::Uniform { min_ms, max_ms } => {
                check("min_ms", *min_ms, *min_ms >= 0.0, "a delay is 0 ms or more");
                check(
                    "max_ms",
                    *max_ms,
                    *max_ms >= *min_ms,
                    "max_ms must be at least min_ms",
                );
            }
            Latency::Exponential { rate_per_ms } => check(
                "rate_per_ms",
                *rate_per_ms,
                *rate_per_ms > 0.0,
                "the rate must be above 0",
            ),
            Latency::Pareto { xm_ms, alpha } => {
                check(
                    "xm_ms",
                    *xm_ms,
                    *xm_ms > 0.0,
                    "the scale must be above 0 ms",
                );
                check("alpha", *alpha, *alpha > 0.0, "the shape must be above 0");
            }
            Latency::Mixture { parts } => {
                if parts.is_empty() {
                    problems.push((
                        format!("{path}.parts"),
                        String::from("a mixture needs at least one part"),
                    ));
                }
                if depth >= 4 {
                    problems.push((
                        path.to_string(),
                        String::from("mixtures may nest at most 4 deep"),
                    ));
                    return;
                }
                for (i, part) in parts.iter().enumerate() {
                    let p = format!("{path}.parts[{i}]");
                    if !part.weight.is_finite() || part.weight <= 0.0 {
                        problems.push((
                            format!("{p}.weight"),
                            format!("{} is not allowed: a weight must be above 0", part.weight),
                        ));
                    }
                    part.latency
                        .validate_depth(&format!("{p}.latency"), depth + 1, problems);
                }
            }
            Latency::Shifted { ms, base } => {
                check("ms", *ms, *ms >= 0.0, "a shift is 0 ms or more");
                if depth >= 4 {
                    problems.push((
                        path.to_string(),
                        String::from("distributions may nest at most 4 deep"),
                    ));
                    return;
                }
                base.validate_depth(&format!("{path}.base"), depth + 1, problems);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn mean_of(l: &Latency, n: usize) -> f64 {
        let mut rng = SimRng::stream(3, "latency-test");
        (0..n)
            .map(|_| l.sample(&mut rng).0 as f64 / 1000.0)
            .sum::<f64>()
            / n as f64
    }

    #[test]
    fn constant_is_constant() {
        let mut rng = SimRng::stream(1, "x");
        assert_eq!(Latency::constant_ms(2.5).sample(&mut rng), Duration(2_500));
    }

    #[test]
    fn a_message_takes_at_least_a_microsecond() {
        let mut rng = SimRng::stream(1, "x");
        for l in [
            Latency::constant_ms(0.0),
            Latency::constant_ms(0.0004),
            Latency::Uniform {
                min_ms: 0.0,
                max_ms: -0.0,
            },
        ] {
            assert_eq!(l.sample(&mut rng), Duration(MIN_DELAY_US), "{l:?}");
        }
        assert_eq!(Latency::constant_ms(0.0006).sample(&mut rng), Duration(1));
        assert_eq!(
            Latency::constant_ms(1e12).sample(&mut rng),
            Duration(MAX_DELAY_US)
        );
    }

    #[test]
    fn sample_means_approach_the_distribution_mean() {
        let cases = [
            Latency::Uniform {
                min_ms: 2.0,
                max_ms: 6.0,
            },
            Latency::Exponential { rate_per_ms: 0.5 },
            Latency::Pareto {
                xm_ms: 1.0,
                alpha: 3.0,
            },
            Latency::Mixture {
                parts: vec![
                    Part {
                        weight: 0.9122,
                        latency: Latency::Pareto {
                            xm_ms: 0.235,
                            alpha: 10.0,
                        },
                    },
                    Part {
                        weight: 0.0878,
                        latency: Latency::Exponential { rate_per_ms: 1.66 },
                    },
                ],
            },
            Latency::Shifted {
                ms: 75.0,
                base: Box::new(Latency::constant_ms(1.0)),
            },
        ];
        for l in &cases {
            let (got, want) = (mean_of(l, 40_000), l.mean_ms());
            assert!(
                (got - want).abs() / want < 0.03,
                "{l:?}: sample mean {got} vs {want}"
            );
        }
    }

    #[test]
    fn pareto_never_below_its_scale() {
        let l = Latency::Pareto {
            xm_ms: 1.5,
            alpha: 3.8,
        };
        let mut rng = SimRng::stream(9, "p");
        for _ in 0..10_000 {
            assert!(l.sample(&mut rng).0 >= 1_500);
        }
    }

    #[test]
    fn draws_that_overflow_are_capped_not_made_minimal() {
        assert_eq!(delay_us(f64::INFINITY), MAX_DELAY_US);
        assert_eq!(delay_us(f64::NAN), MAX_DELAY_US);
        assert_eq!(delay_us(f64::MAX), MAX_DELAY_US);
        assert_eq!(delay_us(3_600_000.0), MAX_DELAY_US);
        assert_eq!(delay_us(3_599_999.999_4), MAX_DELAY_US - 1);
        assert_eq!(delay_us(f64::NEG_INFINITY), MIN_DELAY_US);
        assert_eq!(delay_us(-1.0), MIN_DELAY_US);
        assert_eq!(delay_us(0.0015), 2);
        // Pareto with shape 0.005: most draws are beyond the cap, and
        // where u^200 underflows to 0 (u < 0.024) xm / 0 is infinite.
        // Those draws used to arrive in 1 µs.
        let l = Latency::Pareto {
            xm_ms: 1.0,
            alpha: 0.005,
        };
        let mut rng = SimRng::stream(4, "p");
        let draws: Vec<u64> = (0..1000).map(|_| l.sample(&mut rng).0).collect();
        assert!(draws.iter().all(|&us| us >= 1_000), "{draws:?}");
        assert!(draws.iter().filter(|&&us| us == MAX_DELAY_US).count() > 850);
        // A subnormal rate: the mean (1 / rate) is infinite.
        let l = Latency::Exponential {
            rate_per_ms: 1e-310,
        };
        for _ in 0..100 {
            assert_eq!(l.sample(&mut rng).0, MAX_DELAY_US);
        }
    }

    #[test]
    fn heavy_tails_are_capped() {
        let l = Latency::Pareto {
            xm_ms: 1.0e9,
            alpha: 0.01,
        };
        let mut rng = SimRng::stream(9, "p");
        assert_eq!(l.sample(&mut rng).0, MAX_DELAY_US);
    }

    #[test]
    fn validation_names_each_bad_field() {
        let l = Latency::Mixture {
            parts: vec![
                Part {
                    weight: -1.0,
                    latency: Latency::Exponential { rate_per_ms: 0.0 },
                },
                Part {
                    weight: 1.0,
                    latency: Latency::Uniform {
                        min_ms: 5.0,
                        max_ms: 1.0,
                    },
                },
            ],
        };
        let mut problems = Vec::new();
        l.validate("network.latency", &mut problems);
        let fields: Vec<&str> = problems.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            [
                "network.latency.parts[0].weight",
                "network.latency.parts[0].latency.rate_per_ms",
                "network.latency.parts[1].latency.max_ms",
            ]
        );
    }
}
