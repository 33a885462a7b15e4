#![cfg(target_arch = "wasm32")]
//! The same runs in Chromium's WebAssembly as natively: every trace hash
//! must equal the vector committed beside the core's native test.

use replicascope_core::determinism::{compute_vectors, parse_vectors};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const VECTORS: &str = include_str!("../../core/tests/trace_hashes.txt");

#[wasm_bindgen_test]
fn wasm_trace_hashes_equal_native_ones() {
    let computed = compute_vectors();
    let (want, got) = (parse_vectors(VECTORS), parse_vectors(&computed));
    assert!(want.len() >= 20);
    assert_eq!(want, got);
}
