//! Raft's tests that run whole scenarios through the simulator (compiled
//! by the engine crate, whose build script finds this file).

#[cfg(test)]
#[path = "tests.rs"]
mod tests;

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "tests_safety.rs"]
mod tests_safety;
