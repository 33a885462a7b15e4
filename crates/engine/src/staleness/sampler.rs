//! Delay distributions compiled for the direct Monte Carlo's inner loop:
//! mixture weights normalised once, Pareto drawn as `xm · e^(E/α)` with E
//! exponential (one `log` and one `exp` instead of `pow`, about three
//! times faster here). Same distributions as [`Latency`], different
//! random draws, so only the direct method uses it; the simulator keeps
//! `Latency::sample` and with it every recorded trace.

use alloc::boxed::Box;
use alloc::vec::Vec;

use crate::latency::Latency;
use crate::rng::SimRng;

#[derive(Clone, Debug)]
pub enum Sampler {
    Constant(f64),
    Uniform {
        min: f64,
        span: f64,
    },
    Exponential {
        mean: f64,
    },
    Pareto {
        xm: f64,
        inv_alpha: f64,
    },
    /// Cumulative shares (last is 1) and their parts.
    Mixture(Vec<(f64, Sampler)>),
    Shifted(f64, Box<Sampler>),
}

impl Sampler {
    pub fn new(l: &Latency) -> Sampler {
        match l {
            Latency::Constant { ms } => Sampler::Constant(*ms),
            Latency::Uniform { min_ms, max_ms } => Sampler::Uniform {
                min: *min_ms,
                span: max_ms - min_ms,
            },
            Latency::Exponential { rate_per_ms } => Sampler::Exponential {
                mean: 1.0 / rate_per_ms,
            },
            Latency::Pareto { xm_ms, alpha } => Sampler::Pareto {
                xm: *xm_ms,
                inv_alpha: 1.0 / alpha,
            },
            Latency::Mixture { parts } => {
                let total: f64 = parts.iter().map(|p| p.weight).sum();
                let mut seen = 0.0;
                let mut out: Vec<(f64, Sampler)> = parts
                    .iter()
                    .map(|p| {
                        seen += p.weight;
                        (seen / total, Sampler::new(&p.latency))
                    })
                    .collect();
                if let Some(last) = out.last_mut() {
                    last.0 = f64::INFINITY; // rounding never falls off the end
                }
                Sampler::Mixture(out)
            }
            Latency::Shifted { ms, base } => Sampler::Shifted(*ms, Box::new(Sampler::new(base))),
        }
    }

    /// One delay, ms.
    pub fn sample(&self, rng: &mut SimRng) -> f64 {
        match self {
            Sampler::Constant(ms) => *ms,
            Sampler::Uniform { min, span } => min + span * rng.unit(),
            Sampler::Exponential { mean } => -libm::log(rng.unit_open()) * mean,
            Sampler::Pareto { xm, inv_alpha } => {
                xm * libm::exp(-libm::log(rng.unit_open()) * inv_alpha)
            }
            Sampler::Mixture(parts) => {
                let pick = rng.unit();
                for (upto, part) in parts {
                    if pick < *upto {
                        return part.sample(rng);
                    }
                }
                0.0
            }
            Sampler::Shifted(ms, base) => ms + base.sample(rng),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::latency::Part;

    /// Sample means match the distributions' means.
    #[test]
    fn means_match() {
        let cases = [
            Latency::Pareto {
                xm_ms: 1.05,
                alpha: 3.0,
            },
            Latency::Exponential { rate_per_ms: 0.25 },
            Latency::Mixture {
                parts: alloc::vec![
                    Part {
                        weight: 3.0,
                        latency: Latency::Uniform {
                            min_ms: 1.0,
                            max_ms: 3.0,
                        },
                    },
                    Part {
                        weight: 1.0,
                        latency: Latency::Shifted {
                            ms: 10.0,
                            base: Box::new(Latency::Constant { ms: 2.0 }),
                        },
                    },
                ],
            },
        ];
        for l in cases {
            let s = Sampler::new(&l);
            let mut rng = SimRng::stream(5, "sampler");
            let n = 400_000;
            let mean: f64 = (0..n).map(|_| s.sample(&mut rng)).sum::<f64>() / f64::from(n);
            let want = l.mean_ms();
            assert!((mean - want).abs() < 0.01 * want, "{l:?}: {mean} vs {want}");
        }
    }
}
