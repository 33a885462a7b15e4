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
//!
//! Each protocol lists its own in `engine_tests.rs` in its folder; the
//! build script includes every such file, so a new protocol's tests need
//! no line here.

#[cfg(test)]
#[path = "../../protocols/src/protocol/registry_tests.rs"]
mod registry_tests;

// One `mod <protocol>` per protocol folder with an `engine_tests.rs`.
include!(concat!(env!("OUT_DIR"), "/protocol_tests.rs"));
