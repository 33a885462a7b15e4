//! Turning command-line words into a scenario: a preset id or a JSON file,
//! then `--seed` and `--until` on top, validated again.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use replicascope_core::presets;
use replicascope_core::scenario::{Scenario, ScenarioError, MAX_UNTIL_MS};

use crate::output;
use crate::values::{duration_ms, whole};

/// Settings every run-like command shares.
#[derive(clap::Args, Clone, Debug)]
pub struct Source {
    /// A preset id (see `replicascope presets`) or a scenario JSON file.
    pub scenario: String,
    /// Seed for every random choice (overrides the scenario's).
    #[arg(long, allow_hyphen_values = true, value_parser = whole::<u64>)]
    pub seed: Option<u64>,
    /// Stop the run at this virtual time: 250ms, 2s, 1.5s, 300us, 1m, 1h
    /// (a bare number is milliseconds). Faults and operations scheduled
    /// after it are left out; a later time lengthens the run (up to 1 day).
    #[arg(long, allow_hyphen_values = true, value_parser = duration_ms)]
    pub until: Option<f64>,
}

/// The scenario `source` names, with `--seed` and `--until` applied.
pub fn scenario(source: &Source) -> Result<Scenario, String> {
    scenario_until(source, "--until")
}

/// [`scenario`], for a command whose flag for `source.until` is
/// `until_flag` (long-run calls it `--duration`).
pub fn scenario_until(source: &Source, until_flag: &str) -> Result<Scenario, String> {
    let mut scenario = read(&source.scenario)?;
    if let Some(seed) = source.seed {
        scenario.seed = seed;
    }
    if let Some(ms) = source.until {
        if !(ms > 0.0 && ms <= MAX_UNTIL_MS) {
            return Err(format!(
                "{until_flag} must be longer than zero and at most one day ({MAX_UNTIL_MS} ms), got {ms} ms"
            ));
        }
        // Cut the run there: what was scheduled later never happens.
        scenario.cut_at(ms);
    }
    scenario
        .validate()
        .map_err(|problems| ScenarioError::Invalid(problems).to_string())?;
    Ok(scenario)
}

fn read(name: &str) -> Result<Scenario, String> {
    if let Some(p) = presets::find(name) {
        return Ok(p.scenario());
    }
    let path = Path::new(name);
    if path.exists() || name.ends_with(".json") || name.contains('/') {
        let text =
            read_file(path, MAX_FILE_BYTES).map_err(|e| format!("cannot read {name}: {e}"))?;
        return Scenario::from_json(&text).map_err(|e| format!("{name}: {e}"));
    }
    Err(format!(
        "unknown preset '{name}'; valid presets: {}",
        presets::ids().join(", ")
    ))
}

/// Largest scenario file read: far more than any real scenario (300 000
/// scripted operations take about 28 MB), but not endless (`/dev/zero`).
const MAX_FILE_BYTES: u64 = 256 << 20;

/// The file's text, if it is at most `limit` bytes.
fn read_file(path: &Path, limit: u64) -> Result<String, String> {
    let file = File::open(path).map_err(|e| output::reason(&e))?;
    let mut text = String::new();
    file.take(limit + 1)
        .read_to_string(&mut text)
        .map_err(|e| output::reason(&e))?;
    if text.len() as u64 > limit {
        return Err(format!(
            "it is larger than {:.0} MB, the most a scenario may be",
            limit as f64 / f64::from(1 << 20)
        ));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(scenario: &str, until: Option<f64>) -> Source {
        Source {
            scenario: scenario.to_string(),
            seed: None,
            until,
        }
    }

    /// Every preset cut at a quarter, half and three quarters of its
    /// length loads, ends there, and keeps only what comes before.
    #[test]
    fn until_cuts_every_preset_instead_of_refusing_it() {
        for p in presets::all() {
            let full = p.scenario();
            for share in [0.25, 0.5, 0.75] {
                let t = full.until_ms * share;
                let cut =
                    scenario(&source(p.id, Some(t))).unwrap_or_else(|e| panic!("{}: {e}", p.id));
                assert_eq!(cut.until_ms, t, "{}", p.id);
                if !full.schedule.is_empty() {
                    // A replay keeps its lists and loses its later steps.
                    let steps = full.schedule.iter().filter(|c| c.at_ms <= t).count();
                    assert_eq!(cut.schedule.len(), steps, "{}", p.id);
                    continue;
                }
                let kept = |s: &Scenario| {
                    s.faults
                        .iter()
                        .chain(&s.workload.ops)
                        .chain(&s.interventions)
                        .filter(|a| a.at_ms <= t)
                        .count()
                };
                assert_eq!(kept(&cut), kept(&full), "{}", p.id);
                assert_eq!(
                    cut.faults.len() + cut.workload.ops.len() + cut.interventions.len(),
                    kept(&full),
                    "{}",
                    p.id
                );
            }
        }
    }

    /// Cutting a run at T changes nothing before T: its steps are the
    /// full run's steps up to T, for every preset.
    #[test]
    fn a_cut_run_is_the_full_run_up_to_the_cut() {
        use replicascope_core::run;
        use replicascope_core::scenario::ms_to_instant;
        for p in presets::all() {
            let full = run::start(&p.scenario()).unwrap();
            for share in [0.3, 0.5, 0.85] {
                let t = p.scenario().until_ms * share;
                let cut = run::start(&scenario(&source(p.id, Some(t))).unwrap()).unwrap();
                let until = ms_to_instant(t);
                let before: Vec<_> = full
                    .trace()
                    .steps
                    .iter()
                    .filter(|s| s.time <= until)
                    .copied()
                    .collect();
                let steps: Vec<_> = cut.trace().steps.iter().copied().collect();
                assert_eq!(steps, before, "{} at {t} ms", p.id);
                assert!(cut.summary().end_time_us <= until.0, "{}", p.id);
            }
        }
    }

    #[test]
    fn until_may_lengthen_a_run_up_to_a_day() {
        let longer = scenario(&source("chatter-5", Some(5_000.0))).unwrap();
        assert_eq!(longer.until_ms, 5_000.0);
        let err = scenario(&source("chatter-5", Some(MAX_UNTIL_MS + 1.0))).unwrap_err();
        assert_eq!(
            err,
            "--until must be longer than zero and at most one day (86400000 ms), got 86400001 ms"
        );
        let err = scenario_until(&source("chatter-5", Some(-3.0)), "--duration").unwrap_err();
        assert!(
            err.starts_with("--duration must be longer than zero"),
            "{err}"
        );
    }

    #[test]
    fn an_endless_file_is_refused() {
        let err = read_file(Path::new("/dev/zero"), 4 << 20).unwrap_err();
        assert_eq!(err, "it is larger than 4 MB, the most a scenario may be");
        let err = read("/no/such/file.json").unwrap_err();
        assert_eq!(
            err,
            "cannot read /no/such/file.json: No such file or directory"
        );
    }

    #[test]
    fn unknown_preset_lists_the_valid_ones() {
        let err = read("no-such-preset").unwrap_err();
        assert!(err.starts_with("unknown preset 'no-such-preset'; valid presets: "));
        assert!(err.contains("single-leader-sync-write"));
    }
}
