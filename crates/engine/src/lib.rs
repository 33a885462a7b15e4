//! ReplicaScope's engine: a [`scenario::Scenario`] goes into the seeded
//! discrete-event simulator ([`sim`]), which drives the protocols and
//! records a [`trace::Trace`]; [`run::Run`] wraps a run for the CLI and the
//! web app. Long runs, the staleness lab, presets, tours and share links
//! are built on it.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

#[doc(hidden)]
pub mod content;
pub mod explore;
pub mod long_run;
pub mod presets;
mod protocol_tests;
pub mod run;
pub mod scenario;
pub mod section;
pub mod share;
pub mod sim;
pub mod staleness;
pub mod tours;
pub mod trace;

// The modules of the crates below, under the paths the code has always
// used (`crate::node::NodeId`), so a file reads the same in any crate.
#[allow(unused_imports)]
pub(crate) use replicascope_checkers::{check, linearizability};
#[allow(unused_imports)]
pub(crate) use replicascope_kernel::{
    anomaly, history, latency, node, opset, quorum, replica_values, rng, scenario_parts, sorting,
    time, vv,
};
#[allow(unused_imports)]
pub(crate) use replicascope_protocols::{chunked, crdt, merkle, sql, table_diff};

/// The protocols (`crate::protocol::…`), with `simulator` where the
/// engine's code has always found it and the property tests' settings.
pub(crate) mod protocol {
    #[cfg(test)]
    pub use crate::sim::simulator;
    pub use replicascope_protocols::protocol::*;
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
}
