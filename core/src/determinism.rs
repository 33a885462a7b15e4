//! Trace-hash test vectors: the same runs computed on every target must
//! hash alike. Shared by the native test and the browser test.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::presets;
use crate::run;

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
