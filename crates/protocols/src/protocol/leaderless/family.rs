//! Leaderless replication as the registry sees it: the hash ring (each
//! key's preference list, each node's token), routing to any node as
//! coordinator, convergence judged per key on its home replicas, and what
//! the page offers (versioned puts and gets, Merkle trees).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::{message, settings, LeaderlessConfig, LeaderlessNode};
use crate::node::{NodeId, Request};
use crate::protocol::registry::{Family, Features, Placement, RequestForm, Spec};
use crate::protocol::settings::Settings;
use crate::replica_values::Convergence;
use crate::scenario_parts::Validator;

impl Spec for LeaderlessConfig {
    /// Replicas keep version vectors and hints, never a clock reading.
    fn reads_clock(&self) -> bool {
        false
    }
    fn name(&self) -> &'static str {
        "leaderless"
    }
    fn node_count(&self) -> u16 {
        LeaderlessConfig::node_count(self)
    }
    fn validate(&self, v: &mut Validator) {
        LeaderlessConfig::validate(self, v);
    }
    fn real_settings(&self) -> Vec<Settings> {
        settings::matching_settings(self)
    }
    /// Any node can coordinate: user k's requests go to node k (round the
    /// ring), or to the next node up when that one is down.
    fn route(&self, session: u32, request: &Request, up: &[bool]) -> Option<(NodeId, String)> {
        let k = self.node_count();
        let first = (session.saturating_sub(1) % u32::from(k)) as u16;
        let node = (0..k)
            .map(|i| NodeId((first + i) % k))
            .find(|n| up.get(n.index()).copied().unwrap_or(false))
            .unwrap_or(NodeId(first));
        let what = if request.is_write() { "write" } else { "read" };
        let why = if node.0 == first {
            format!("User {session}'s {what} goes to {node}, which coordinates it (any node can).")
        } else {
            format!(
                "User {session}'s {what} would go to {}, which is down: {node} coordinates it instead.",
                NodeId(first)
            )
        };
        Some((node, why))
    }
    fn preference_list(&self, key: &str) -> Vec<NodeId> {
        LeaderlessConfig::preference_list(self, key)
    }
    fn ring_positions(&self) -> Vec<f64> {
        (0..self.node_count())
            .map(|n| turn(self.token(NodeId(n))))
            .collect()
    }
    fn placement(&self, key: &str) -> Option<Placement> {
        Some(Placement {
            position: turn(self.position(key)),
            ring: self.ring_from(key),
            replicas: self.replicas(),
            sloppy: self.sloppy_quorum,
        })
    }
    fn features(&self) -> Features {
        Features {
            requests: RequestForm::Versioned,
            merkle_trees: self.anti_entropy.is_some(),
            internals_caption: "Versions (siblings) and hints",
            ..Features::default()
        }
    }
}

/// A place on the ring (a 32-bit token) as a fraction of a turn.
fn turn(token: u32) -> f64 {
    f64::from(token) / 4_294_967_296.0
}

impl Family for LeaderlessConfig {
    type Node = LeaderlessNode;
    fn node(&self, id: NodeId) -> LeaderlessNode {
        LeaderlessNode::new(self, id)
    }
    fn params() -> Vec<crate::protocol::params::Group> {
        super::params::params()
    }

    /// Each key's up home replicas (its preference list) must hold the
    /// same versions; hints still held are counted.
    fn convergence(&self, nodes: &[alloc::rc::Rc<LeaderlessNode>], up: &[bool]) -> Convergence {
        let mut keys: Vec<&str> = nodes.iter().flat_map(|n| n.keys()).collect();
        crate::sorting::sort(&mut keys);
        keys.dedup();
        let mut c = Convergence {
            keys: keys.len() as u64,
            hints_held: nodes.iter().map(|n| n.hint_count() as u64).sum(),
            ..Convergence::default()
        };
        for key in keys {
            let homes: Vec<NodeId> = self
                .preference_list(key)
                .into_iter()
                .filter(|n| up[n.index()])
                .collect();
            let copies: Vec<_> = homes
                .iter()
                .map(|n| nodes[n.index()].versions(key))
                .collect();
            if copies.windows(2).all(|w| w[0] == w[1]) && copies.iter().all(Option::is_some) {
                continue;
            }
            c.divergent_keys += 1;
            if c.examples.len() < 5 {
                let parts: Vec<String> = homes
                    .iter()
                    .zip(&copies)
                    .map(|(n, v)| match v {
                        Some(v) => {
                            format!("{n} has {}", message::versions_text(v, nodes.len()))
                        }
                        None => format!("{n} lacks it"),
                    })
                    .collect();
                c.examples.push(format!("{key}: {}", parts.join("; ")));
            }
        }
        c
    }
}
