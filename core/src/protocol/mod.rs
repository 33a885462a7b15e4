//! The replication protocols, each a pure state machine implementing
//! [`crate::node::Protocol`], and the serde configuration that picks one.

pub mod chatter;
pub mod single_leader;

use serde::{Deserialize, Serialize};

use crate::scenario::Validator;

/// Which protocol a scenario runs, with its settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProtocolConfig {
    /// Synthetic all-to-all traffic with no replication semantics: the
    /// engine's benchmark and a stress test for the views.
    Chatter(chatter::ChatterConfig),
    /// One leader takes every write and streams it to its followers.
    SingleLeader(single_leader::SingleLeaderConfig),
}

impl ProtocolConfig {
    pub fn node_count(&self) -> u16 {
        match self {
            ProtocolConfig::Chatter(c) => c.nodes,
            ProtocolConfig::SingleLeader(c) => c.followers + 1,
        }
    }

    pub fn validate(&self, v: &mut Validator) {
        match self {
            ProtocolConfig::Chatter(c) => c.validate(v),
            ProtocolConfig::SingleLeader(c) => c.validate(v),
        }
    }

    /// A short name for the protocol family.
    pub fn name(&self) -> &'static str {
        match self {
            ProtocolConfig::Chatter(_) => "chatter",
            ProtocolConfig::SingleLeader(_) => "single-leader",
        }
    }

    /// Are write versions positions in one log (so a later version holds
    /// every earlier write)? Then session checks can compare versions
    /// across keys.
    pub fn versions_are_log_positions(&self) -> bool {
        matches!(self, ProtocolConfig::SingleLeader(_))
    }
}
