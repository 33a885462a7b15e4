//! Chain replication as the registry sees it: its name and node count,
//! where a user session's requests go (writes to the head, reads to the
//! tail — or, under CRAQ, to any server), the chain's links for the
//! topology, the real systems that build chains, and adding a server.

use alloc::format;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use super::{matching_settings, ChainConfig, ChainNode, MAX_SPARES};
use crate::node::{NodeId, Protocol, Request};
use crate::protocol::registry::{Family, Features, RequestForm, Spec};
use crate::protocol::settings::Settings;
use crate::replica_values::{Convergence, ReplicaValues};
use crate::scenario_parts::Validator;

impl Spec for ChainConfig {
    fn name(&self) -> &'static str {
        "chain"
    }
    fn node_count(&self) -> u16 {
        self.total()
    }
    fn validate(&self, v: &mut Validator) {
        ChainConfig::validate(self, v);
    }
    fn real_settings(&self) -> Vec<Settings> {
        matching_settings(self)
    }
    /// Sessions know only the first chain; a server that is not the head
    /// forwards a write there itself, and one that is not the tail sends a
    /// read on, so a guess that has gone stale still gets answered.
    fn route(&self, session: u32, request: &Request, up: &[bool]) -> Option<(NodeId, String)> {
        let chain = self.first_chain();
        let is_up = |n: &NodeId| up.get(n.index()).copied().unwrap_or(false);
        if request.is_write() {
            let head = chain.first().copied().unwrap_or_default();
            let node = chain.iter().copied().find(is_up).unwrap_or(head);
            let why = if node == head {
                format!("User {session}'s write goes to the head, {node}: every write enters the chain there.")
            } else {
                format!("User {session}'s write goes to {node}, the first server that is up: the head, {head}, is down, and the master will make the next server the head.")
            };
            return Some((node, why));
        }
        if self.craq {
            let n = chain.len().max(1);
            let first = (session.saturating_sub(1) as usize) % n;
            let node = (0..n)
                .map(|i| chain[(first + i) % n])
                .find(is_up)
                .unwrap_or(chain[first]);
            let why = format!(
                "User {session}'s read goes to {node}: under CRAQ any server answers reads of clean keys itself."
            );
            return Some((node, why));
        }
        let tail = chain.last().copied().unwrap_or_default();
        let node = chain.iter().rev().copied().find(is_up).unwrap_or(tail);
        let why = if node == tail {
            format!("User {session}'s read goes to the tail, {node}: only the tail answers reads, so every read sees every acknowledged write.")
        } else {
            format!("User {session}'s read goes to {node}: the tail, {tail}, is down, and the master will make its predecessor the tail.")
        };
        Some((node, why))
    }
    /// The first chain, head to tail (the master's links to every server
    /// are not drawn: they carry only heartbeats and configurations).
    fn replication_links(&self) -> Vec<(NodeId, NodeId)> {
        let chain = self.first_chain();
        chain.windows(2).map(|w| (w[0], w[1])).collect()
    }
    fn features(&self) -> Features {
        Features {
            // No promote: the master picks the head. Spares join through
            // their own "add" button (their role is "not joined").
            operator_failover: false,
            requests: RequestForm::ReadWrite,
            sql_table: None,
            internals_caption: "Versions (clean and dirty)",
            log_position_label: "log",
            chain_line: true,
            ..Features::default()
        }
    }
    /// One more spare, which joins at the tail when the operator adds it.
    fn with_new_node(&self) -> Result<(Self, NodeId), String> {
        if self.spares >= MAX_SPARES {
            return Err(format!(
                "the scenario already has {} spare servers, the most it can have",
                self.spares
            ));
        }
        let mut c = self.clone();
        c.spares += 1;
        let node = NodeId(c.total() - 1);
        Ok((c, node))
    }
}

impl Family for ChainConfig {
    type Node = ChainNode;
    fn node(&self, id: NodeId) -> ChainNode {
        ChainNode::new(self, id)
    }
    fn params() -> Vec<crate::protocol::params::Group> {
        super::params::params()
    }
    /// Only chain members hold a replica: the master and servers outside
    /// the chain or still copying are left out.
    fn convergence(&self, nodes: &[Rc<ChainNode>], up: &[bool]) -> Convergence {
        let replicas = crate::replica_values::up_replicas(nodes, up)
            .filter_map(|(id, node)| Some((id, node.replica_state()?)));
        let values = ReplicaValues::gather(replicas);
        let mut c = Convergence {
            keys: values.keys() as u64,
            ..Convergence::default()
        };
        for disagreement in values.disagreements() {
            c.divergent_keys += 1;
            if c.examples.len() < 5 {
                let parts = disagreement.describe(|nodes: &[NodeId]| {
                    let ids: Vec<String> = nodes.iter().map(|n| format!("{}", n.0 + 1)).collect();
                    format!("node {}", ids.join(", "))
                });
                c.examples.push(format!("{}: {parts}", disagreement.key));
            }
        }
        c
    }
}
