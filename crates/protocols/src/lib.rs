//! ReplicaScope's replication protocols: pure state machines over the
//! kernel's node contract ([`node::Protocol`]),
//! and what they are built from (the SQL subset, CRDTs, Merkle trees).
//! They know nothing of the simulator that drives them: their scenario
//! tests, which need it, compile in the engine crate
//! (`crates/engine/src/protocol_tests.rs`) from the files beside each
//! protocol.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod chunked;
pub mod crdt;
pub mod merkle;
pub mod protocol;
pub mod sql;
pub mod table_diff;

// The modules of the crates below, under the paths the code has always
// used (`crate::node::NodeId`), so a file reads the same in any crate.
#[allow(unused_imports)]
pub(crate) use replicascope_kernel::{
    anomaly, history, latency, node, opset, quorum, replica_values, rng, scenario_parts, sorting,
    time, vv,
};
