//! ReplicaScope's checkers: they read a finished run's history (and the
//! nodes' own findings) and label anomalies; the linearizability checker
//! also reads imported Jepsen/Knossos histories. They know the kernel's
//! vocabulary only, never a protocol or the simulator.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod check;
pub mod linearizability;

// The modules of the crates below, under the paths the code has always
// used (`crate::node::NodeId`), so a file reads the same in any crate.
#[allow(unused_imports)]
pub(crate) use replicascope_kernel::{
    anomaly, history, latency, node, opset, quorum, replica_values, rng, scenario_parts, sorting,
    time, vv,
};

/// Property tests' settings: `cases` by default, `PROPTEST_CASES=5000`
/// sweeps more; failing cases are printed, not persisted.
#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) fn sweep_config(cases: u32) -> proptest::prelude::ProptestConfig {
    let mut c = proptest::prelude::ProptestConfig {
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::default()
    };
    if std::env::var("PROPTEST_CASES").is_err() {
        c.cases = cases;
    }
    c
}
