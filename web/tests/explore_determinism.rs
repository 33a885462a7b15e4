#![cfg(target_arch = "wasm32")]
//! The explorer in Chromium's WebAssembly searches exactly as natively:
//! for every exploration that teaches, the same states, depth and
//! schedule as the vector the engine's native test committed.

use replicascope_core::explore::vectors;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const VECTORS: &str = include_str!("../../crates/engine/src/explore/vectors.txt");

#[wasm_bindgen_test]
fn wasm_explorations_equal_native_ones() {
    assert!(VECTORS.lines().count() >= 6);
    assert_eq!(vectors(), VECTORS);
}
