//! Probabilistically bounded staleness (PBS): how stale is eventual
//! consistency, in numbers? For a leaderless configuration (n, w, r) and a
//! delay distribution per message leg, estimate the chance that a read
//! started t ms after a write committed returns that write — the WARS
//! model of Bailis et al. (VLDB 2012). A write goes to all n replicas and
//! commits at the w-th acknowledgement; the read goes to all n at commit +
//! t and takes the first r responses; it is consistent if one of those
//! replicas had the write when the read request reached it. No read
//! repair, hints or anti-entropy help.
//!
//! Two ways to count: [`simulated`] runs the leaderless protocol itself in
//! the simulator, trial by trial; [`direct`] samples the same delays and
//! computes the outcome in closed form, hundreds of times faster. A test
//! checks they agree within sampling error. [`StalenessRun`] does trials
//! in batches, so the browser can show results while they accumulate.

pub mod direct;
pub mod histogram;
pub mod model;
pub mod sampler;
pub mod simulated;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::rng::SimRng;
use crate::scenario::{Problem, Validator};
use histogram::Histogram;
pub use model::LatencyModel;

/// How trials are counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Closed-form outcome from sampled delays (fast).
    #[default]
    Direct,
    /// The leaderless protocol in the simulator (the reference).
    Protocol,
}

impl Method {
    pub fn parse(text: &str) -> Option<Method> {
        match text {
            "direct" => Some(Method::Direct),
            "protocol" => Some(Method::Protocol),
            _ => None,
        }
    }

    /// Most trials one run may ask for.
    pub fn max_trials(self) -> u64 {
        match self {
            Method::Direct => 100_000_000,
            Method::Protocol => 1_000_000,
        }
    }
}

pub use crate::quorum::LAB_MAX_N as MAX_N;

/// Most t values one run reports.
pub const MAX_POINTS: usize = 400;
/// Latest t: one hour.
pub const MAX_T_MS: f64 = 3_600_000.0;

/// One staleness experiment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StalenessConfig {
    pub n: u8,
    pub w: u8,
    pub r: u8,
    pub latency: LatencyModel,
    /// Times after the commit at which reads start, ms.
    pub t_ms: Vec<f64>,
    pub trials: u64,
    #[serde(default)]
    pub seed: u64,
    #[serde(default)]
    pub method: Method,
}

impl StalenessConfig {
    /// Every problem, each naming its field.
    pub fn validate(&self) -> Result<(), Vec<Problem>> {
        let mut v = Validator::default();
        v.count_in("n", u32::from(self.n), 1, u32::from(MAX_N));
        let n = u32::from(self.n.clamp(1, MAX_N));
        v.count_in("w", u32::from(self.w), 1, n);
        v.count_in("r", u32::from(self.r), 1, n);
        let mut problems = Vec::new();
        self.latency.validate(&mut problems);
        v.extend(problems);
        if self.t_ms.is_empty() || self.t_ms.len() > MAX_POINTS {
            v.push(
                "t_ms",
                alloc::format!(
                    "{} times given: ask for 1 to {MAX_POINTS} read times",
                    self.t_ms.len()
                ),
            );
        }
        for (i, &t) in self.t_ms.iter().enumerate() {
            v.finite_in(
                &alloc::format!("t_ms[{i}]"),
                t,
                0.0,
                MAX_T_MS,
                "a read starts 0 to 3600000 ms after the write commits",
            );
        }
        let max = self.method.max_trials();
        if self.trials == 0 || self.trials > max {
            v.push(
                "trials",
                alloc::format!("{} is not allowed: between 1 and {max}", self.trials),
            );
        }
        v.finish()
    }
}

/// When a read asked for `t_ms` after the commit starts, µs after it:
/// rounded to the simulator's microsecond, as both methods take it.
pub fn read_delay_us(t_ms: f64) -> i64 {
    crate::scenario::ms_to_instant(t_ms).0 as i64
}

/// P(consistent) at one t.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub t_ms: f64,
    pub p_consistent: f64,
}

/// Latency percentiles, ms.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Percentiles {
    pub p50: f64,
    pub p99: f64,
    pub p999: f64,
}

impl Percentiles {
    fn of(h: &Histogram) -> Percentiles {
        let q = |q| h.quantile_ms(q).unwrap_or(0.0);
        Percentiles {
            p50: q(0.5),
            p99: q(0.99),
            p999: q(0.999),
        }
    }
}

/// What the trials so far say.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StalenessResult {
    pub n: u8,
    pub w: u8,
    pub r: u8,
    pub method: Method,
    pub trials: u64,
    pub points: Vec<Point>,
    /// The smallest t at which 99.9 % of reads are consistent (for the
    /// protocol method: the smallest such t among those asked for; none
    /// if no asked-for t gets there).
    pub t_999_ms: Option<f64>,
    pub write_latency_ms: Percentiles,
    pub read_latency_ms: Percentiles,
    /// Why the run stopped early, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// An experiment in progress.
#[derive(Clone, Debug)]
pub struct StalenessRun {
    config: StalenessConfig,
    legs: direct::Legs,
    rng: SimRng,
    done: u64,
    /// The read times in whole µs, as the protocol method schedules them.
    t_us: Vec<i64>,
    /// Per t: trials whose read was consistent.
    hits: Vec<u64>,
    /// Direct method: each trial's threshold t (0 when consistent at once).
    threshold: Histogram,
    write: Histogram,
    read: Histogram,
    error: Option<String>,
}

impl StalenessRun {
    /// Validates; read times are sorted and duplicates dropped.
    pub fn new(mut config: StalenessConfig) -> Result<StalenessRun, Vec<Problem>> {
        config.validate()?;
        crate::sorting::sort_by(&mut config.t_ms, f64::total_cmp);
        config.t_ms.dedup();
        let points = config.t_ms.len();
        let t_us = config.t_ms.iter().map(|&t| read_delay_us(t)).collect();
        Ok(StalenessRun {
            t_us,
            rng: SimRng::stream(config.seed, "staleness"),
            legs: direct::Legs::new(&config.latency),
            config,
            done: 0,
            hits: alloc::vec![0; points],
            threshold: Histogram::new(),
            write: Histogram::new(),
            read: Histogram::new(),
            error: None,
        })
    }

    pub fn config(&self) -> &StalenessConfig {
        &self.config
    }

    pub fn done(&self) -> u64 {
        self.done
    }

    pub fn finished(&self) -> bool {
        self.done >= self.config.trials || self.error.is_some()
    }

    /// Share of the trials done, 0 to 1.
    pub fn progress(&self) -> f64 {
        if self.error.is_some() {
            return 1.0;
        }
        self.done as f64 / self.config.trials as f64
    }

    /// Runs up to `batch` more trials; how many it ran.
    pub fn step(&mut self, batch: u64) -> u64 {
        let todo = batch.min(self.config.trials.saturating_sub(self.done));
        if self.error.is_some() {
            return 0;
        }
        let c = &self.config;
        for i in 0..todo {
            match c.method {
                Method::Direct => {
                    let t = direct::trial(&self.legs, c.n, c.w, c.r, &mut self.rng);
                    for (hits, &at) in self.hits.iter_mut().zip(&self.t_us) {
                        *hits += u64::from(t.threshold_us <= at);
                    }
                    self.threshold.record_us(t.threshold_us.max(0) as u64);
                    self.write.record_us(t.write_us);
                    self.read.record_us(t.read_us);
                }
                Method::Protocol => {
                    let seed = self.rng.next_u64();
                    match simulated::trial(&c.latency, (c.n, c.w, c.r), &c.t_ms, seed) {
                        Ok(t) => {
                            for (hits, &seen) in self.hits.iter_mut().zip(&t.consistent) {
                                *hits += u64::from(seen);
                            }
                            self.write.record_us(t.write_us);
                            for us in t.read_us {
                                self.read.record_us(us);
                            }
                        }
                        Err(why) => {
                            self.error = Some(alloc::format!("trial with seed {seed}: {why}"));
                            self.done += i;
                            return i;
                        }
                    }
                }
            }
        }
        self.done += todo;
        todo
    }

    /// The estimate from the trials so far.
    pub fn result(&self) -> StalenessResult {
        let c = &self.config;
        let trials = self.done.max(1) as f64;
        let points: Vec<Point> = c
            .t_ms
            .iter()
            .zip(&self.hits)
            .map(|(&t_ms, &hits)| Point {
                t_ms,
                p_consistent: hits as f64 / trials,
            })
            .collect();
        let t_999_ms = match c.method {
            Method::Direct => self.threshold.quantile_ms(0.999),
            Method::Protocol => points
                .iter()
                .find(|p| self.done > 0 && p.p_consistent >= 0.999)
                .map(|p| p.t_ms),
        };
        StalenessResult {
            n: c.n,
            w: c.w,
            r: c.r,
            method: c.method,
            trials: self.done,
            points,
            t_999_ms,
            write_latency_ms: Percentiles::of(&self.write),
            read_latency_ms: Percentiles::of(&self.read),
            error: self.error.clone(),
        }
    }

    /// Share of trials consistent at `t_ms` for any t (direct method; at
    /// histogram resolution), for drawing a smooth curve.
    pub fn p_consistent_at(&self, t_ms: f64) -> Option<f64> {
        (self.config.method == Method::Direct && self.done > 0)
            .then(|| self.threshold.share_at_most_ms(t_ms))
    }

    /// All trials at once.
    pub fn run(config: StalenessConfig) -> Result<StalenessResult, Vec<Problem>> {
        let mut run = StalenessRun::new(config)?;
        while !run.finished() {
            run.step(u64::MAX);
        }
        Ok(run.result())
    }
}
