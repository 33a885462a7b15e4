//! Turning command-line words into a scenario: a preset id or a JSON file,
//! then `--seed` and `--until` on top, validated again.

use std::path::Path;

use replicascope_core::presets;
use replicascope_core::scenario::{Scenario, ScenarioError};

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
    /// (a bare number is milliseconds).
    #[arg(long, allow_hyphen_values = true, value_parser = duration_ms)]
    pub until: Option<f64>,
}

pub fn scenario(source: &Source) -> Result<Scenario, String> {
    let mut scenario = read(&source.scenario)?;
    if let Some(seed) = source.seed {
        scenario.seed = seed;
    }
    if let Some(ms) = source.until {
        scenario.until_ms = ms;
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
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {name}: {e}"))?;
        return Scenario::from_json(&text).map_err(|e| format!("{name}: {e}"));
    }
    Err(format!(
        "unknown preset '{name}'; valid presets: {}",
        presets::ids().join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_preset_lists_the_valid_ones() {
        let err = read("no-such-preset").unwrap_err();
        assert!(err.starts_with("unknown preset 'no-such-preset'; valid presets: "));
        assert!(err.contains("single-leader-sync-write"));
    }
}
