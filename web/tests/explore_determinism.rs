#![cfg(target_arch = "wasm32")]
//! The explorer in Chromium's WebAssembly searches exactly as natively:
//! for every exploration that teaches, the same states, depth and
//! schedule as the vector the engine's native test committed. The search
//! runs in slices with a pause between them, as the page's worker does,
//! so the test driver is never kept waiting on one long task.

use replicascope_core::explore::{catalogue, vector_line, Mode, Search};
use wasm_bindgen_test::*;

mod dom;
use dom::pause;

wasm_bindgen_test_configure!(run_in_browser);

const VECTORS: &str = include_str!("../../crates/engine/src/explore/vectors.txt");

#[wasm_bindgen_test]
async fn wasm_explorations_equal_native_ones() {
    let mut computed = String::new();
    for e in catalogue::all() {
        let scenario = e.scenario().expect("its scenario");
        let mut search = Search::new(&scenario, e.property, e.bounds, Mode::BreadthFirst)
            .unwrap_or_else(|why| panic!("{}: {why}", e.id));
        while !search.advance(2048) {
            pause(0).await;
        }
        computed.push_str(&vector_line(&e.id, &search.report()));
    }
    assert!(VECTORS.lines().count() >= 10);
    assert_eq!(computed, VECTORS);
}
