//! The replication protocols, each a pure state machine implementing
//! [`crate::node::Protocol`] in a folder of its own, reached through one
//! [`registry`] line.

pub mod chatter;
pub mod leaderless;
pub mod multi_leader;
pub mod params;
pub mod registry;
pub mod settings;
pub mod single_leader;

/// Facade path only (the simulator lives in `sim`); removed at the split.
pub use crate::sim::simulator;
pub use registry::{
    Family, Features, Placement, ProtocolConfig, Registered, RequestForm, RequestKind, Spec, Visit,
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
