//! This protocol's tests that run whole scenarios through the simulator.
//! The simulator lives in the engine crate, so the engine compiles this
//! file — its build script finds every protocol folder's
//! `engine_tests.rs` — and the paths below are relative to this folder.
//! A test that needs no simulator stays inline in the protocol's code.

#[cfg(test)]
#[path = "tests.rs"]
mod tests;

#[cfg(test)]
#[path = "tests_failures.rs"]
mod tests_failures;

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "tests_props.rs"]
mod tests_props;
