//! The replication protocols, each a pure state machine implementing
//! [`crate::node::Protocol`] in a folder of its own, reached through one
//! [`registry`] line.

pub mod chain;
pub mod chatter;
pub mod leaderless;
pub mod multi_leader;
pub mod params;
pub mod raft;
pub mod registry;
pub mod settings;
pub mod single_leader;

pub use registry::{
    Family, Features, Placement, ProtocolConfig, Registered, RequestForm, RequestKind, Spec, Visit,
};
