//! ReplicaScope's simulation core: the facade the web app, the CLI and
//! the fuzzer use. The code lives in four crates, each depending only on
//! the ones before it (the crate graph has no cycles by construction):
//!
//! - `replicascope-kernel` (`crates/kernel`): time, randomness, the node
//!   contract, histories, anomalies, the scenario vocabulary;
//! - `replicascope-checkers` (`crates/checkers`): anomaly checkers and the
//!   linearizability checker (kernel only);
//! - `replicascope-protocols` (`crates/protocols`): the protocols and the
//!   SQL, CRDT and Merkle code they use (kernel only);
//! - `replicascope-engine` (`crates/engine`): scenarios, the simulator,
//!   runs, long runs, the staleness lab, presets, tours, share links.
//!
//! This crate adds what sits on top of a run (comparisons, the diagram,
//! exports, the test kit) and re-exports every module, so callers keep
//! the paths they have always used (`replicascope_core::sim::Simulator`).
//!
//! Everything here is `no_std` + `alloc`: the same code runs natively (CLI,
//! tests, benchmarks) and in the browser, and gives bit-identical results in
//! both because time and randomness belong to the simulator and all float
//! maths goes through `libm`.
//!
//! Data flows one way: a [`scenario::Scenario`] goes into the simulator
//! ([`sim`]), which feeds one input at a time to protocol nodes
//! ([`node::Protocol`]) and records every step into a [`trace::Trace`] and
//! every client operation into a [`history::History`]; checkers
//! ([`check`]) label anomalies; [`run::Run`] wraps it all for the CLI and
//! the web app.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod compare;
#[cfg(any(test, feature = "testkit"))]
pub mod determinism;
pub mod diagram;
pub mod export;
#[cfg(any(test, feature = "testkit"))]
pub mod fuzzing;
pub mod label_layout;

pub use replicascope_checkers::{check, linearizability};
pub use replicascope_engine::{
    explore, long_run, presets, run, scenario, section, share, sim, staleness, tours, trace,
};
pub use replicascope_kernel::{
    anomaly, history, latency, node, opset, quorum, replica_values, rng, scenario_parts, sorting,
    time, vv,
};
pub use replicascope_protocols::{chunked, crdt, merkle, sql, table_diff};

/// The protocols, and [`simulator`](crate::sim::simulator) where callers
/// have always found it.
pub mod protocol {
    pub use replicascope_engine::sim::simulator;
    pub use replicascope_protocols::protocol::*;
}

use replicascope_engine::content;
