//! ReplicaScope's simulation core.
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

pub mod anomaly;
pub mod check;
pub mod chunked;
pub mod compare;
pub(crate) mod content;
pub mod crdt;
#[cfg(any(test, feature = "testkit"))]
pub mod determinism;
pub mod diagram;
pub mod export;
#[cfg(any(test, feature = "testkit"))]
pub mod fuzzing;
pub mod history;
pub mod label_layout;
pub mod latency;
pub mod linearizability;
pub mod long_run;
pub mod merkle;
pub mod node;
pub mod opset;
pub mod presets;
pub mod protocol;
pub mod quorum;
pub mod replica_values;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod scenario_parts;
pub mod share;
pub mod sim;
pub mod sorting;
pub mod sql;
pub mod staleness;
pub mod table_diff;
pub mod time;
pub mod tours;
pub mod trace;
pub mod vv;
