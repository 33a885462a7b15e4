//! Raft as the registry sees it: its name, its servers, the settings of
//! etcd, MongoDB, CockroachDB and TiKV that match it, what it can show,
//! and what the page offers (a leadership transfer, adding a server).

use alloc::string::String;
use alloc::vec::Vec;

use super::{RaftConfig, RaftNode, ReadMode, MAX_SERVERS};
use crate::node::NodeId;
use crate::protocol::registry::{Family, Features, RequestForm, Spec};
use crate::protocol::settings::Settings;
use crate::scenario_parts::Validator;

impl Spec for RaftConfig {
    fn name(&self) -> &'static str {
        "raft"
    }
    fn node_count(&self) -> u16 {
        self.servers.clamp(1, MAX_SERVERS)
    }
    fn validate(&self, v: &mut Validator) {
        RaftConfig::validate(self, v);
    }
    fn real_settings(&self) -> Vec<Settings> {
        super::settings::matching_settings(self)
    }
    /// Versions are log positions: every write's version is its entry's
    /// index, and a later index holds every earlier write.
    fn versions_are_log_positions(&self) -> bool {
        true
    }
    fn can_show(&self, kind: crate::anomaly::AnomalyKind) -> bool {
        use crate::anomaly::AnomalyKind as K;
        match kind {
            K::StaleRead | K::LostWrite | K::LostUpdate | K::Divergence => true,
            K::NotLinearizable => true,
            K::ReadYourWrites | K::MonotonicRead | K::ConsistentPrefix => true,
            // Acknowledgements are not stamped with a term (a follower
            // that passed a request on answers later than the leader
            // decided), so the split-brain checker has nothing to rank:
            // "one leader per term" is a property test instead.
            K::SplitBrain => false,
            K::Conflict | K::DiscardedWrite | K::CausalityViolation => false,
        }
    }
    /// Only lease reads look at the clock.
    fn reads_clock(&self) -> bool {
        self.reads == ReadMode::Lease
    }
    /// A server the configuration starts outside the cluster joins when an
    /// operator adds it; promote is a leadership transfer.
    fn features(&self) -> Features {
        Features {
            operator_failover: true,
            requests: RequestForm::ReadWrite,
            sql_table: None,
            internals_caption: "Internals",
            log_position_label: "log",
            consensus_log: true,
            ..Features::default()
        }
    }
    fn with_new_node(&self) -> Result<(Self, NodeId), String> {
        if self.servers >= MAX_SERVERS {
            return Err(alloc::format!(
                "the cluster has the most servers it may have ({MAX_SERVERS})"
            ));
        }
        let mut config = self.clone();
        let node = NodeId(self.servers);
        config.servers += 1;
        config.outside.push(node);
        Ok((config, node))
    }
}

impl Family for RaftConfig {
    type Node = RaftNode;
    fn node(&self, id: NodeId) -> RaftNode {
        RaftNode::new(self, id)
    }
    fn params() -> Vec<crate::protocol::params::Group> {
        super::params::params()
    }
}
