//! The registry against the built-in presets (compiled in the engine,
//! which holds the presets: see `crates/engine/src/protocol_tests.rs`).

use alloc::string::String;
use alloc::vec::Vec;

use crate::protocol::registry::*;

#[test]
fn each_registry_kind_is_the_one_scenario_json_uses() {
    let mut seen = Vec::new();
    for preset in crate::presets::all() {
        let json = serde_json::to_value(preset.scenario()).unwrap();
        let kind = String::from(json["protocol"]["kind"].as_str().unwrap());
        assert!(KINDS.contains(&kind.as_str()), "{}: kind {kind}", preset.id);
        assert_eq!(
            kind,
            preset.scenario().protocol.spec().name().replace('-', "_")
        );
        assert!(!params_for(&kind).is_empty(), "{kind} offers no controls");
        seen.push(kind);
    }
    for kind in KINDS {
        assert!(seen.iter().any(|k| k == kind), "no preset runs {kind}");
    }
    assert!(params_for("no_such_protocol").is_empty());
}
