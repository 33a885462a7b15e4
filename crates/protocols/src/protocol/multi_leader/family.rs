//! Multi-leader replication as the registry sees it: datacenters and the
//! links between their leaders, routing by a user's nearest (or a key's
//! home) datacenter, and what the page offers (CRDT operations, the review
//! list).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::{
    routing, settings, CrdtKind, MultiLeaderConfig, MultiLeaderNode, Resolution, ResolverKind,
};
use crate::node::{NodeId, Request};
use crate::protocol::registry::{Family, Features, RequestForm, RequestKind, Spec};
use crate::protocol::settings::Settings;
use crate::scenario_parts::Validator;

impl Spec for MultiLeaderConfig {
    fn can_show(&self, kind: crate::anomaly::AnomalyKind) -> bool {
        use crate::anomaly::AnomalyKind as K;
        use crate::protocol::multi_leader::config::Resolution;
        match kind {
            K::StaleRead | K::LostWrite | K::LostUpdate | K::Divergence => true,
            K::NotLinearizable => self.checks_linearizability(),
            K::ReadYourWrites | K::MonotonicRead | K::ConsistentPrefix => false,
            K::SplitBrain => false,
            // Concurrent writes to one key meet: every leader reports it.
            K::Conflict | K::CausalityViolation => true,
            K::DiscardedWrite => self.resolution == Resolution::LastWriteWins,
        }
    }
    fn name(&self) -> &'static str {
        "multi-leader"
    }
    fn node_count(&self) -> u16 {
        MultiLeaderConfig::node_count(self)
    }
    fn validate(&self, v: &mut Validator) {
        MultiLeaderConfig::validate(self, v);
    }
    fn real_settings(&self) -> Vec<Settings> {
        settings::matching_settings(self)
    }
    fn route(&self, session: u32, request: &Request, up: &[bool]) -> Option<(NodeId, String)> {
        Some(routing::route(self, session, request, up))
    }
    fn datacenters(&self) -> Vec<(String, Vec<NodeId>)> {
        self.datacenter_members()
            .into_iter()
            .enumerate()
            .map(|(i, members)| (format!("dc {}", i + 1), members))
            .collect()
    }
    fn replication_links(&self) -> Vec<(NodeId, NodeId)> {
        MultiLeaderConfig::replication_links(self)
    }
    fn cross_datacenter(&self) -> Option<(f64, Vec<u16>)> {
        Some((
            self.cross_dc_ms,
            (0..self.node_count())
                .map(|n| self.dc_of(NodeId(n)))
                .collect(),
        ))
    }
    fn features(&self) -> Features {
        // The form starts on what the value takes: a counter CRDT is
        // incremented, a set's elements added, anything else written.
        let default = match (self.resolution, self.crdt) {
            (Resolution::Crdt, CrdtKind::GCounter | CrdtKind::PnCounter) => RequestKind::Increment,
            (Resolution::Crdt, CrdtKind::GSet | CrdtKind::TwoPSet | CrdtKind::OrSet) => {
                RequestKind::Add
            }
            _ => RequestKind::Write,
        };
        Features {
            requests: RequestForm::Merged { default },
            review: self.resolution == Resolution::Resolver
                && self.resolver == ResolverKind::Review,
            internals_caption: "Internals: version vectors and CRDT state",
            ..Features::default()
        }
    }
}

impl Family for MultiLeaderConfig {
    type Node = MultiLeaderNode;
    fn node(&self, id: NodeId) -> MultiLeaderNode {
        MultiLeaderNode::new(self, id)
    }
    fn params() -> Vec<crate::protocol::params::Group> {
        super::params::params()
    }
}
