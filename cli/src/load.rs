//! Turning command-line words into a scenario: a preset id or a JSON file,
//! then `--seed` and `--until` on top, validated again.

use std::path::Path;

use replicascope_core::presets;
use replicascope_core::scenario::{Scenario, ScenarioError};

/// Settings every run-like command shares.
#[derive(clap::Args, Clone, Debug)]
pub struct Source {
    /// A preset id (see `replicascope presets`) or a scenario JSON file.
    pub scenario: String,
    /// Seed for every random choice (overrides the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Stop the run at this virtual time: 250ms, 2s, 1.5s, 300us, 1m, 1h
    /// (a bare number is milliseconds).
    #[arg(long, value_parser = parse_duration_ms)]
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

/// "250ms" → 250, "2s" → 2000, "300us" → 0.3, "1m" → 60000, "7" → 7.
pub fn parse_duration_ms(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("'{text}' is not a duration: write e.g. 250ms, 2s, 1m"))?;
    let scale = match unit.trim() {
        "" | "ms" => 1.0,
        "us" | "µs" => 0.001,
        "s" => 1000.0,
        "m" | "min" => 60_000.0,
        "h" => 3_600_000.0,
        other => {
            return Err(format!(
                "unknown unit '{other}' in '{text}': use us, ms, s, m or h"
            ))
        }
    };
    let ms = value * scale;
    if !ms.is_finite() || ms <= 0.0 {
        return Err(format!("'{text}' must be longer than zero"));
    }
    Ok(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ms("250ms"), Ok(250.0));
        assert_eq!(parse_duration_ms("2s"), Ok(2000.0));
        assert_eq!(parse_duration_ms("1.5s"), Ok(1500.0));
        assert_eq!(parse_duration_ms("300us"), Ok(0.3));
        assert_eq!(parse_duration_ms("1m"), Ok(60_000.0));
        assert_eq!(parse_duration_ms("7"), Ok(7.0));
        assert!(parse_duration_ms("2 fortnights")
            .unwrap_err()
            .contains("unknown unit"));
        assert!(parse_duration_ms("soon")
            .unwrap_err()
            .contains("not a duration"));
        assert!(parse_duration_ms("0s").is_err());
    }

    #[test]
    fn unknown_preset_lists_the_valid_ones() {
        let err = read("no-such-preset").unwrap_err();
        assert!(err.starts_with("unknown preset 'no-such-preset'; valid presets: "));
        assert!(err.contains("single-leader-sync-write"));
    }
}
