//! Trace-hash test vectors: the same runs computed on every target must
//! hash alike. Shared by the native test and the browser test: every
//! preset under a few seeds ([`compute_vectors`]), and a mixed workload of
//! a thousand perturbed runs across the three architectures
//! ([`compute_mixed`]).

use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::latency::Latency;
use crate::presets;
use crate::rng::{Fnv, SimRng};
use crate::run;
use crate::scenario::{Delivery, Generator, Scenario};

/// Seeds every preset is run with.
pub const SEEDS: [u64; 4] = [1, 2, 3, 1_000_003];

/// One line per (preset, seed): `id seed hash events`.
pub fn compute_vectors() -> String {
    let mut out = String::new();
    for p in presets::all() {
        for seed in SEEDS {
            let mut s = p.scenario();
            s.seed = seed;
            let line = match run::start(&s) {
                Ok(r) => format!(
                    "{} {} {:016x} {}\n",
                    p.id,
                    seed,
                    r.trace().hash(),
                    r.trace().steps.len()
                ),
                Err(e) => format!("{} {} invalid {}\n", p.id, seed, e),
            };
            out.push_str(&line);
        }
    }
    out
}

/// The lines of a vectors file, comments and blanks skipped.
pub fn parse_vectors(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

/// Runs in the mixed workload ([`compute_mixed`]).
pub const MIXED_RUNS: u64 = 1000;

/// Longest virtual time of one mixed run, ms (presets run longer are cut).
pub const MIXED_UNTIL_MS: f64 = 1_000.0;

/// The presets of one architecture, in list order.
/// The presets the mixed workload walks through: the ones that existed
/// when its vectors were first blessed, so adding a preset (covered by
/// the per-preset vectors) does not reshuffle a thousand runs.
const MIXED_PRESETS: &[&str] = &[
    "single-leader-sync-write",
    "single-leader-async-write",
    "single-leader-async-crash-loses-write",
    "single-leader-semi-sync-fallback",
    "single-leader-pg-on",
    "single-leader-pg-remote-write",
    "single-leader-pg-local",
    "single-leader-mixed-faults",
    "single-leader-statement-nondeterminism",
    "single-leader-statement-where-now",
    "single-leader-wal-shipping",
    "single-leader-wal-version-mismatch",
    "single-leader-row-based",
    "single-leader-batch-update",
    "single-leader-add-follower",
    "single-leader-auto-failover",
    "single-leader-split-brain",
    "single-leader-failover-timeout-too-short",
    "single-leader-read-your-writes",
    "single-leader-monotonic-reads",
    "single-leader-consistent-prefix",
    "multi-leader-price-conflict",
    "multi-leader-lww-clock-skew",
    "multi-leader-crdt-counter",
    "multi-leader-crdt-or-set",
    "multi-leader-crdt-2p-set",
    "multi-leader-crdt-mv-register",
    "multi-leader-resolver-review",
    "multi-leader-resolver-merge-cart",
    "multi-leader-conflict-avoidance",
    "multi-leader-avoidance-failover",
    "multi-leader-circular",
    "multi-leader-star",
    "multi-leader-causal-overtaking",
    "multi-leader-causal-delivery",
    "leaderless-quorum-one-down",
    "leaderless-version-vectors",
    "leaderless-strict-quorum-fails",
    "leaderless-sloppy-quorum",
    "leaderless-w-plus-r-not-above-n",
    "leaderless-anti-entropy",
    "leaderless-shopping-cart",
    "leaderless-consistency-levels",
];

fn family(prefix: &str) -> Vec<&'static presets::Preset> {
    MIXED_PRESETS
        .iter()
        .filter(|id| id.starts_with(prefix))
        .filter_map(|id| presets::find(id))
        .collect()
}

/// Run `seed` of the mixed workload: the architectures take turns
/// (single-leader, multi-leader, leaderless), each walking through its
/// presets; the run has `seed` as its seed and is perturbed by it —
/// another latency distribution, reordering, message loss, faults and
/// scripted operations moved in time, seeded background load — all within
/// what validation allows, and cut at [`MIXED_UNTIL_MS`].
pub fn mixed_scenario(seed: u64) -> (&'static str, Scenario) {
    let families = [
        family("single-leader-"),
        family("multi-leader-"),
        family("leaderless-"),
    ];
    let list = &families[(seed % 3) as usize];
    let preset = list[((seed / 3) % list.len() as u64) as usize];
    let mut s = preset.scenario();
    s.seed = seed;
    let mut rng = SimRng::stream(seed, "mixed-workload");
    // Tenths of a millisecond in `lo..hi`.
    let ms = |rng: &mut SimRng, lo: f64, hi: f64| {
        libm::round((lo + (hi - lo) * rng.unit()) * 10.0) / 10.0
    };
    let (a, b, c) = (
        ms(&mut rng, 0.5, 10.0),
        ms(&mut rng, 0.0, 20.0),
        ms(&mut rng, 0.0, 10.0),
    );
    let kind = rng.between(0, 3);
    let (shift, reorder, lossy, load) = (rng.unit(), rng.unit(), rng.unit(), rng.unit());
    let net = &mut s.network;
    net.latency = match kind {
        0 => net.latency.clone(),
        1 => Latency::Uniform {
            min_ms: a,
            max_ms: a + b,
        },
        2 => Latency::Exponential {
            rate_per_ms: 1.0 / (a + 1.0),
        },
        _ => Latency::Shifted {
            ms: c,
            base: Box::new(net.latency.clone()),
        },
    };
    if reorder < 0.25 {
        net.delivery = Delivery::Reorder;
    }
    if lossy < 0.2 {
        net.drop = libm::round(lossy * 250.0) / 1000.0; // up to 5 %
    }
    s.until_ms = s.until_ms.min(MIXED_UNTIL_MS);
    let until = s.until_ms;
    // Faults move by up to ±10 % of the run, scripted operations by up
    // to ±5 ms; whatever lands after the end is dropped.
    let fault_shift = libm::round((shift - 0.5) * 0.2 * until);
    let mut jitter = SimRng::stream(seed, "mixed-jitter");
    for t in &mut s.faults {
        t.at_ms = (t.at_ms + fault_shift).max(0.0);
    }
    for t in &mut s.workload.ops {
        t.at_ms = (t.at_ms + jitter.between(0, 10) as f64 - 5.0).max(0.0);
    }
    s.faults.retain(|t| t.at_ms <= until);
    s.workload.ops.retain(|t| t.at_ms <= until);
    if s.workload.generator.is_none() && load < 0.75 {
        s.workload.generator = Some(Generator {
            rate_per_s: libm::round(20.0 + 180.0 * load / 0.75),
            read_fraction: 0.5,
            keys: 1 + (seed % 4) as u32,
            nodes: Vec::new(),
            start_ms: 0.0,
            end_ms: None,
        });
    }
    (preset.id, s)
}

/// One line per mixed run, `seed preset hash events`, then
/// `combined hash runs events`: the hash of every line before it and the
/// events of all runs.
pub fn compute_mixed() -> String {
    let mut out = String::new();
    let mut all = Fnv::new();
    let mut events = 0u64;
    for seed in 0..MIXED_RUNS {
        let (id, s) = mixed_scenario(seed);
        let line = match run::start(&s) {
            Ok(r) => {
                events += r.trace().steps.len() as u64;
                format!(
                    "{seed} {id} {:016x} {}\n",
                    r.trace().hash(),
                    r.trace().steps.len()
                )
            }
            Err(e) => format!("{seed} {id} invalid {e}\n"),
        };
        all.write(line.as_bytes());
        out.push_str(&line);
    }
    out.push_str(&format!(
        "combined {:016x} {MIXED_RUNS} {events}\n",
        all.finish()
    ));
    out
}

/// How two vector files compare, line by line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Comparison {
    pub want: usize,
    pub got: usize,
    /// Lines (of those both have) that differ.
    pub mismatches: usize,
    /// The first few differences: (line number from 1, want, got).
    pub first: Vec<(usize, String, String)>,
}

impl Comparison {
    pub fn is_match(&self) -> bool {
        self.mismatches == 0 && self.want == self.got
    }

    /// A paragraph for a failing test.
    pub fn report(&self) -> String {
        let mut out = format!(
            "{} mismatches in {} lines (want {} lines, got {})",
            self.mismatches,
            self.want.min(self.got),
            self.want,
            self.got
        );
        for (line, want, got) in &self.first {
            out.push_str(&format!("\n  line {line}: want `{want}`, got `{got}`"));
        }
        out
    }
}

/// Compares two vector texts (comments and blanks skipped), keeping the
/// first `keep` differences.
pub fn compare_vectors(want: &str, got: &str, keep: usize) -> Comparison {
    let (want, got) = (parse_vectors(want), parse_vectors(got));
    let mut c = Comparison {
        want: want.len(),
        got: got.len(),
        ..Comparison::default()
    };
    for (i, (w, g)) in want.iter().zip(&got).enumerate() {
        if w != g {
            c.mismatches += 1;
            if c.first.len() < keep {
                c.first.push((i + 1, String::from(*w), String::from(*g)));
            }
        }
    }
    c
}
