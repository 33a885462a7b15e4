//! Single-leader replication as the registry sees it: its name, how many
//! nodes, the settings of PostgreSQL and MySQL that match it, and what the
//! page offers (failover by an operator, a SQL table).

use alloc::string::String;
use alloc::vec::Vec;

use super::{
    initial_table, matching_settings, SingleLeaderConfig, SingleLeaderNode, MAX_FOLLOWERS,
};
use crate::node::NodeId;
use crate::protocol::registry::{Family, Features, RequestForm, Spec};
use crate::protocol::settings::Settings;
use crate::scenario_parts::Validator;

impl Spec for SingleLeaderConfig {
    fn name(&self) -> &'static str {
        "single-leader"
    }
    fn node_count(&self) -> u16 {
        // Clamped: validation reports a bad count, and must not overflow
        // computing it.
        self.followers.min(MAX_FOLLOWERS) + 1
    }
    fn validate(&self, v: &mut Validator) {
        SingleLeaderConfig::validate(self, v);
    }
    fn real_settings(&self) -> Vec<Settings> {
        matching_settings(self)
    }
    fn versions_are_log_positions(&self) -> bool {
        true
    }
    fn can_show(&self, kind: crate::anomaly::AnomalyKind) -> bool {
        use crate::anomaly::AnomalyKind as K;
        match kind {
            // Leaders are numbered by epoch; two at once can both ack.
            K::SplitBrain => true,
            K::StaleRead | K::LostWrite | K::LostUpdate | K::Divergence => true,
            K::NotLinearizable => self.checks_linearizability(),
            K::ReadYourWrites | K::MonotonicRead | K::ConsistentPrefix => true,
            K::Conflict | K::DiscardedWrite | K::CausalityViolation => false,
        }
    }
    /// A new follower that joins from a snapshot at `at_ms`.
    fn with_new_node(&self) -> Result<(Self, NodeId), String> {
        super::with_new_follower(self)
    }
    fn features(&self) -> Features {
        Features {
            operator_failover: true,
            requests: RequestForm::ReadWrite,
            sql_table: Some(initial_table(self.rows).name),
            internals_caption: "Internals",
            log_position_label: "LSN",
            ..Features::default()
        }
    }
}

impl Family for SingleLeaderConfig {
    type Node = SingleLeaderNode;
    fn node(&self, id: NodeId) -> SingleLeaderNode {
        SingleLeaderNode::new(self, id)
    }
    fn params() -> Vec<crate::protocol::params::Group> {
        super::params::params()
    }
}
