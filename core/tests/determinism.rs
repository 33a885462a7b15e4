//! Cross-target determinism: every preset under several seeds must produce
//! exactly the trace hashes committed in `trace_hashes.txt`, and the
//! thousand runs of the mixed workload those in `mixed_hashes.txt`. The
//! web crate's wasm-bindgen tests check the same files in Chromium, so
//! native and WebAssembly runs are proven bit-identical.
//!
//! After a deliberate behaviour change, regenerate the vectors with
//! `REPLICASCOPE_BLESS=1 cargo test -p replicascope-core --test determinism`
//! and review the diff.

use replicascope_core::determinism::{
    compare_vectors, compute_mixed, compute_vectors, parse_vectors, MIXED_RUNS,
};

const VECTORS: &str = include_str!("trace_hashes.txt");
const MIXED: &str = include_str!("mixed_hashes.txt");

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

#[test]
fn mixed_workload_hashes_match_the_committed_vectors() {
    let start = std::time::Instant::now();
    let computed = compute_mixed();
    let elapsed = start.elapsed();
    if std::env::var_os("REPLICASCOPE_BLESS").is_some() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/mixed_hashes.txt");
        let header = "# The mixed workload: `seed preset trace-hash events` per run, then\n\
                      # `combined hash runs events`. Blessed natively; see determinism.rs.\n";
        std::fs::write(path, format!("{header}{computed}")).unwrap();
        return;
    }
    let lines = parse_vectors(&computed);
    let runs = lines.len() - 1;
    assert_eq!(runs as u64, MIXED_RUNS);
    assert!(
        lines.iter().all(|l| !l.contains(" invalid ")),
        "every perturbed scenario validates"
    );
    let distinct: std::collections::BTreeSet<&str> =
        lines.iter().filter_map(|l| l.split(' ').nth(2)).collect();
    assert!(
        distinct.len() > 900,
        "runs differ: {} distinct",
        distinct.len()
    );
    let c = compare_vectors(MIXED, &computed, 5);
    println!(
        "mixed workload: {runs} runs natively in {:.2} s, {} mismatches; {}",
        elapsed.as_secs_f64(),
        c.mismatches,
        lines.last().unwrap()
    );
    assert!(c.is_match(), "{}", c.report());
}
