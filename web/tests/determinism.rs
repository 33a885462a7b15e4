#![cfg(target_arch = "wasm32")]
//! The same runs in Chromium's WebAssembly as natively: every trace hash
//! must equal the vector committed beside the core's native test.

use replicascope_core::determinism::{
    compare_vectors, compute_mixed, compute_vectors, parse_vectors, MIXED_RUNS,
};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const VECTORS: &str = include_str!("../../core/tests/trace_hashes.txt");
const MIXED: &str = include_str!("../../core/tests/mixed_hashes.txt");

#[wasm_bindgen_test]
fn wasm_trace_hashes_equal_native_ones() {
    let computed = compute_vectors();
    let (want, got) = (parse_vectors(VECTORS), parse_vectors(&computed));
    assert!(want.len() >= 20);
    assert_eq!(want, got);
}

/// The thousand runs of the mixed workload (every architecture, perturbed
/// latency, loss, fault timing and load), hash for hash.
#[wasm_bindgen_test]
fn wasm_mixed_workload_hashes_equal_native_ones() {
    let start = js_sys::Date::now();
    let computed = compute_mixed();
    let ms = js_sys::Date::now() - start;
    let c = compare_vectors(MIXED, &computed, 5);
    console_log!(
        "mixed workload: {} runs in WebAssembly in {:.2} s, {} mismatches; {}",
        MIXED_RUNS,
        ms / 1000.0,
        c.mismatches,
        parse_vectors(&computed).last().copied().unwrap_or("")
    );
    assert_eq!(c.want as u64, MIXED_RUNS + 1);
    assert!(c.is_match(), "{}", c.report());
}
