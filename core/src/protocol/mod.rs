//! The replication protocols, each a pure state machine implementing
//! [`crate::node::Protocol`], and the serde configuration that picks one.

pub mod chatter;

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
pub mod leaderless;
pub mod multi_leader;
pub mod single_leader;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::node::NodeId;
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
    /// One leader per datacenter; leaders replicate to each other.
    MultiLeader(multi_leader::MultiLeaderConfig),
    /// No leader: quorum reads and writes on a hash ring (Dynamo-style).
    Leaderless(leaderless::LeaderlessConfig),
}

impl ProtocolConfig {
    /// "In a real database": the configuration of real systems that does
    /// what this setup does, one block per system (none for the
    /// simulator's own protocols).
    pub fn real_settings(&self) -> alloc::vec::Vec<single_leader::Settings> {
        match self {
            ProtocolConfig::SingleLeader(c) => single_leader::matching_settings(c),
            ProtocolConfig::Leaderless(c) => leaderless::settings::matching_settings(c),
            ProtocolConfig::MultiLeader(c) => multi_leader::settings::matching_settings(c),
            _ => alloc::vec::Vec::new(),
        }
    }

    pub fn node_count(&self) -> u16 {
        match self {
            ProtocolConfig::Chatter(c) => c.nodes,
            // Clamped like the other protocols: validation reports a bad
            // count, and must not overflow computing it.
            ProtocolConfig::SingleLeader(c) => c.followers.min(single_leader::MAX_FOLLOWERS) + 1,
            ProtocolConfig::MultiLeader(c) => c.node_count(),
            ProtocolConfig::Leaderless(c) => c.node_count(),
        }
    }

    pub fn validate(&self, v: &mut Validator) {
        match self {
            ProtocolConfig::Chatter(c) => c.validate(v),
            ProtocolConfig::SingleLeader(c) => c.validate(v),
            ProtocolConfig::MultiLeader(c) => c.validate(v),
            ProtocolConfig::Leaderless(c) => c.validate(v),
        }
    }

    /// A short name for the protocol family.
    pub fn name(&self) -> &'static str {
        match self {
            ProtocolConfig::Chatter(_) => "chatter",
            ProtocolConfig::SingleLeader(_) => "single-leader",
            ProtocolConfig::MultiLeader(_) => "multi-leader",
            ProtocolConfig::Leaderless(_) => "leaderless",
        }
    }

    /// Groups of nodes the views draw as boxes (datacenters), with names.
    pub fn datacenters(&self) -> Vec<(String, Vec<NodeId>)> {
        match self {
            ProtocolConfig::MultiLeader(c) => c
                .datacenter_members()
                .into_iter()
                .enumerate()
                .map(|(i, members)| (format!("dc {}", i + 1), members))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Directed replication links between leaders, for protocols where
    /// the topology is not "everyone talks to everyone".
    pub fn replication_links(&self) -> Vec<(NodeId, NodeId)> {
        match self {
            ProtocolConfig::MultiLeader(c) => c.replication_links(),
            _ => Vec::new(),
        }
    }

    /// A key's replicas in ring order (its preference list), for protocols
    /// that place keys on a hash ring; empty otherwise.
    pub fn preference_list(&self, key: &str) -> Vec<NodeId> {
        match self {
            ProtocolConfig::Leaderless(c) => c.preference_list(key),
            _ => Vec::new(),
        }
    }

    /// Each node's position on the hash ring (fraction of a turn, 0 to 1),
    /// for protocols that have one.
    pub fn ring_positions(&self) -> Vec<f64> {
        match self {
            ProtocolConfig::Leaderless(c) => (0..c.node_count())
                .map(|n| f64::from(c.token(NodeId(n))) / 4_294_967_296.0)
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Extra delay on links between datacenters, and each node's
    /// datacenter, for protocols that have datacenters.
    pub fn cross_datacenter(&self) -> Option<(f64, Vec<u16>)> {
        match self {
            ProtocolConfig::MultiLeader(c) => Some((
                c.cross_dc_ms,
                (0..c.node_count()).map(|n| c.dc_of(NodeId(n))).collect(),
            )),
            _ => None,
        }
    }

    /// Do the protocol's keys behave as registers a client expects to be
    /// linearizable? Chatter's traffic has no replication semantics.
    pub fn checks_linearizability(&self) -> bool {
        !matches!(self, ProtocolConfig::Chatter(_))
    }

    /// Are write versions positions in one log (so a later version holds
    /// every earlier write)? Then session checks can compare versions
    /// across keys.
    pub fn versions_are_log_positions(&self) -> bool {
        matches!(self, ProtocolConfig::SingleLeader(_))
    }
}
