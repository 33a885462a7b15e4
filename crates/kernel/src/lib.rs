//! ReplicaScope's kernel: what every other crate speaks.
//!
//! Virtual time ([`time`]), the seeded random stream ([`rng`]), the node
//! contract every protocol implements ([`node::Protocol`]), client
//! histories ([`history`]), the anomalies checkers and protocols report
//! ([`anomaly`]) and the scenario's vocabulary ([`scenario_parts`]).
//!
//! Layering (each crate depends only on the ones before it, so the graph
//! has no cycles by construction): kernel → checkers, protocols → engine →
//! replicascope-core (the facade the web app and the CLI use).
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod anomaly;
pub mod history;
pub mod latency;
pub mod node;
pub mod opset;
pub mod quorum;
pub mod replica_values;
pub mod rng;
pub mod scenario_parts;
pub mod sorting;
pub mod time;
pub mod vv;
