//! Fuzzes the scenario JSON (`Scenario::from_json`); the checks live in
//! `replicascope_core::fuzzing::check_scenario_json`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| replicascope_core::fuzzing::check_scenario_json(data));
