//! Cross-target determinism: every preset under several seeds must produce
//! exactly the trace hashes committed in `trace_hashes.txt`. The web crate's
//! wasm-bindgen test checks the same file in Chromium, so native and
//! WebAssembly runs are proven bit-identical.
//!
//! After a deliberate behaviour change, regenerate the vectors with
//! `REPLICASCOPE_BLESS=1 cargo test -p replicascope-core --test determinism`
//! and review the diff.

use replicascope_core::determinism::{compute_vectors, parse_vectors};

const VECTORS: &str = include_str!("trace_hashes.txt");

#[test]
fn trace_hashes_match_the_committed_vectors() {
    let computed = compute_vectors();
    if std::env::var_os("REPLICASCOPE_BLESS").is_some() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/trace_hashes.txt");
        std::fs::write(path, computed).unwrap();
        return;
    }
    let want = parse_vectors(VECTORS);
    let got = parse_vectors(&computed);
    assert!(
        want.len() >= 20,
        "too few vectors committed: {}",
        want.len()
    );
    let mismatches: Vec<_> = want.iter().zip(&got).filter(|(w, g)| w != g).collect();
    assert_eq!(want.len(), got.len(), "presets or seeds changed: re-bless");
    assert!(
        mismatches.is_empty(),
        "mismatches (want, got): {mismatches:?}"
    );
}
