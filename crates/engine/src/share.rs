//! A run in a link: the scenario (with the user's interventions), the
//! cursor and the trace hash, as JSON in URL-safe base64, so that opening
//! the link re-simulates exactly what the sender saw — and the hash proves
//! it. Decoding never panics: a damaged or outdated link yields a message
//! saying what was wrong.

use alloc::format;
use alloc::string::String;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::scenario::{Scenario, ScenarioError};

/// The link format this build writes and reads.
pub const LINK_VERSION: u32 = 1;

/// Longest fragment we try to decode (a scenario is a few KB at most).
const MAX_LINK_CHARS: usize = 200_000;

/// What a shared link carries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedRun {
    pub v: u32,
    /// The preset the run started from, if any (for the page's menu).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    pub scenario: Scenario,
    /// The cursor, µs of virtual time.
    #[serde(default)]
    pub t_us: u64,
    /// The trace hash the sender saw (16 hex digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    /// What the run is, for a run from no preset ("Comparison:
    /// Single-leader, async · leader crash"): the page's menu shows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// Encodes a run for the URL fragment (`#run=…`).
pub fn encode(run: &SharedRun) -> String {
    let json = serde_json::to_string(run).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(json.as_bytes())
}

/// Decodes and validates a fragment value produced by [`encode`].
pub fn decode(text: &str) -> Result<SharedRun, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(String::from("the link carries no run"));
    }
    if text.len() > MAX_LINK_CHARS {
        return Err(format!("the link is too long ({} characters)", text.len()));
    }
    let bytes = URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .map_err(|e| format!("the link is damaged (not valid base64: {e})"))?;
    let json = core::str::from_utf8(&bytes)
        .map_err(|_| String::from("the link is damaged (not UTF-8 text)"))?;
    let version: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("the link is damaged (not JSON: {e})"))?;
    match version.get("v").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(LINK_VERSION) => {}
        Some(v) => {
            return Err(format!(
                "the link was made by a different version of ReplicaScope (link format {v}, this page reads {LINK_VERSION})"
            ))
        }
        None => return Err(String::from("the link has no format version")),
    }
    // Parsed again from the text rather than from `version`: reading a
    // scenario out of a `serde_json::Value` would compile every scenario
    // type's parser a second time (kilobytes of wasm).
    let shared: SharedRun = serde_json::from_str(json).map_err(|e| {
        format!(
            "the link's run is not valid: {}",
            crate::scenario::strip_position(&alloc::format!("{e}"))
        )
    })?;
    shared.scenario.validate().map_err(|p| {
        format!(
            "the link's scenario is not valid: {}",
            ScenarioError::Invalid(p)
        )
    })?;
    Ok(shared)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;

    fn sample() -> SharedRun {
        SharedRun {
            v: LINK_VERSION,
            preset: Some(String::from("single-leader-async-write")),
            scenario: presets::find("single-leader-async-write")
                .unwrap()
                .scenario(),
            t_us: 12_500,
            title: None,
            hash: Some(String::from("0123456789abcdef")),
        }
    }

    #[test]
    fn round_trip() {
        let link = encode(&sample());
        assert!(link
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(decode(&link), Ok(sample()));
    }

    #[test]
    fn damaged_links_say_what_is_wrong() {
        assert_eq!(decode(""), Err(String::from("the link carries no run")));
        assert!(decode("%%%").unwrap_err().contains("not valid base64"));
        assert!(decode(&URL_SAFE_NO_PAD.encode("hello"))
            .unwrap_err()
            .contains("not JSON"));
        assert!(decode(&URL_SAFE_NO_PAD.encode("{}"))
            .unwrap_err()
            .contains("no format version"));
        let old = URL_SAFE_NO_PAD.encode(r#"{"v": 0, "scenario": {}}"#);
        assert!(decode(&old).unwrap_err().contains("different version"));
        let mut bad = sample();
        bad.scenario.until_ms = -1.0;
        assert!(decode(&encode(&bad)).unwrap_err().contains("until_ms"));
        let truncated = &encode(&sample())[..40];
        assert!(decode(truncated).is_err());
    }
}
