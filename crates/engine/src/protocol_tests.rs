//! The protocols' tests, compiled here.
//!
//! A protocol lives in one folder, its tests beside its code
//! (`crates/protocols/src/protocol/<name>/tests*.rs`, with their
//! `testdata/`). Most of them run presets and scenarios through the
//! simulator and check the run, and the simulator is the engine's: compiled
//! in the protocols crate they would make it depend on the engine, which
//! depends on it. So the engine compiles them, from where they are, as if
//! they were its own modules; what they need from a protocol's insides is
//! `#[doc(hidden)] pub` there. The protocols' unit tests that need no
//! simulator stay inline in the protocols crate.

#[cfg(test)]
#[path = "../../protocols/src/protocol/registry_tests.rs"]
mod registry_tests;

#[cfg(test)]
#[path = "../../protocols/src/protocol/single_leader/tests.rs"]
mod single_leader_tests;

#[cfg(test)]
#[path = "../../protocols/src/protocol/single_leader/tests_ops.rs"]
mod single_leader_tests_ops;

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "../../protocols/src/protocol/single_leader/tests_props.rs"]
mod single_leader_tests_props;

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "../../protocols/src/protocol/single_leader/tests_regressions.rs"]
mod single_leader_tests_regressions;

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "../../protocols/src/protocol/single_leader/tests_safety.rs"]
mod single_leader_tests_safety;

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "../../protocols/src/protocol/single_leader/tests_sql.rs"]
mod single_leader_tests_sql;

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "../../protocols/src/protocol/multi_leader/tests.rs"]
mod multi_leader_tests;

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "../../protocols/src/protocol/multi_leader/tests_props.rs"]
mod multi_leader_tests_props;

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "../../protocols/src/protocol/multi_leader/tests_safety.rs"]
mod multi_leader_tests_safety;

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "../../protocols/src/protocol/leaderless/tests.rs"]
mod leaderless_tests;

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "../../protocols/src/protocol/leaderless/tests_props.rs"]
mod leaderless_tests_props;

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "../../protocols/src/protocol/leaderless/tests_regressions.rs"]
mod leaderless_tests_regressions;

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "../../protocols/src/protocol/leaderless/tests_safety.rs"]
mod leaderless_tests_safety;
