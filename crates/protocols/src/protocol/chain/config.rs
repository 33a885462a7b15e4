//! The knobs of chain replication, as a scenario writes them: how long
//! the chain is, whether reads use CRAQ's apportioned queries, how often
//! the configuration master hears from the chain and how long it waits
//! before it declares a node dead, and how long a node that forwarded a
//! client's request waits before it sends it again.
//!
//! The node numbering is fixed by the configuration alone, so a scenario
//! can name nodes without running anything: nodes `1..=nodes` start as the
//! chain in that order (node 1 is the first head, node `nodes` the first
//! tail), node `nodes + 1` is the master, and `spares` more nodes after it
//! start outside the chain until an operator adds them.

use serde::{Deserialize, Serialize};

use crate::node::NodeId;
use crate::scenario_parts::Validator;
use crate::time::Duration;

/// A chain of `nodes` servers plus its master (and optional spares).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainConfig {
    /// Servers in the chain at the start (2 to 8).
    pub nodes: u16,
    /// CRAQ (Terrace & Freedman): every chain node answers reads of clean
    /// objects itself and asks the tail only about dirty ones. Off: every
    /// read is answered by the tail, as in the original chain replication.
    #[serde(default, skip_serializing_if = "is_false")]
    pub craq: bool,
    /// Extra servers that start outside the chain (0 to 4). An operator's
    /// `add_follower` makes one join at the tail.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub spares: u16,
    /// How often each chain node tells the master it is alive (and renews
    /// its read lease).
    #[serde(default = "default_heartbeat_ms")]
    pub heartbeat_ms: f64,
    /// How long the master waits without hearing from a chain node before
    /// it removes the node from the chain. A node's read lease lasts half
    /// of this, so a node the master gave up on has stopped answering
    /// reads by the time the new chain is announced.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: f64,
    /// How long the node a client contacted waits for the answer before
    /// it sends the request again (with the same request id), and how
    /// often a node re-sends writes its successor has not confirmed.
    #[serde(default = "default_retry_ms")]
    pub retry_ms: f64,
}

/// Chain nodes renew every 100 ms: often enough that a preset's run
/// shows a failure detected within half a second, rarely enough that
/// heartbeats do not bury the chain's own messages in the diagram.
pub const DEFAULT_HEARTBEAT_MS: f64 = 100.0;
/// Three missed heartbeats and the master reconfigures.
pub const DEFAULT_TIMEOUT_MS: f64 = 300.0;
/// Long compared with a preset's 10 ms hops, so a retry means something
/// was lost, not merely slow.
pub const DEFAULT_RETRY_MS: f64 = 150.0;
/// The longest chain.
pub const MAX_NODES: u16 = 8;
/// The most spare servers.
pub const MAX_SPARES: u16 = 4;

fn default_heartbeat_ms() -> f64 {
    DEFAULT_HEARTBEAT_MS
}
fn default_timeout_ms() -> f64 {
    DEFAULT_TIMEOUT_MS
}
fn default_retry_ms() -> f64 {
    DEFAULT_RETRY_MS
}
fn is_false(b: &bool) -> bool {
    !*b
}
fn is_zero(n: &u16) -> bool {
    *n == 0
}

impl Default for ChainConfig {
    fn default() -> Self {
        ChainConfig {
            nodes: 3,
            craq: false,
            spares: 0,
            heartbeat_ms: DEFAULT_HEARTBEAT_MS,
            timeout_ms: DEFAULT_TIMEOUT_MS,
            retry_ms: DEFAULT_RETRY_MS,
        }
    }
}

impl ChainConfig {
    pub fn validate(&self, v: &mut Validator) {
        v.count_in("protocol.nodes", self.nodes.into(), 2, MAX_NODES.into());
        v.count_in("protocol.spares", self.spares.into(), 0, MAX_SPARES.into());
        v.finite_in(
            "protocol.heartbeat_ms",
            self.heartbeat_ms,
            1.0,
            10_000.0,
            "between 1 and 10000 ms",
        );
        v.finite_in(
            "protocol.timeout_ms",
            self.timeout_ms,
            2.0,
            60_000.0,
            "between 2 and 60000 ms",
        );
        // A heartbeat slower than half the timeout is allowed, and shows:
        // a server's lease (half the timeout) runs out between renewals,
        // and past the timeout the master removes live servers. Safety
        // does not rest on it: the master removes a server only after its
        // lease has run out.
        v.finite_in(
            "protocol.retry_ms",
            self.retry_ms,
            1.0,
            60_000.0,
            "between 1 and 60000 ms",
        );
    }

    /// Chain servers at the start, clamped so a refused configuration
    /// still counts without overflowing.
    pub fn chain_len(&self) -> u16 {
        self.nodes.clamp(1, MAX_NODES)
    }

    /// The configuration master: the node after the first chain.
    pub fn master(&self) -> NodeId {
        NodeId(self.chain_len())
    }

    /// Every node: the chain, the master, the spares.
    pub fn total(&self) -> u16 {
        self.chain_len() + 1 + self.spares.min(MAX_SPARES)
    }

    /// The chain as it starts: nodes 1..=nodes, head first.
    pub fn first_chain(&self) -> alloc::vec::Vec<NodeId> {
        (0..self.chain_len()).map(NodeId).collect()
    }

    /// Is `node` a spare, outside the chain until it is added?
    pub fn is_spare(&self, node: NodeId) -> bool {
        node.0 > self.chain_len() && node.0 < self.total()
    }

    pub(super) fn heartbeat(&self) -> Duration {
        ms(self.heartbeat_ms)
    }
    pub(super) fn timeout(&self) -> Duration {
        ms(self.timeout_ms)
    }
    /// How long a renewed lease lasts: half the master's timeout.
    pub(super) fn lease(&self) -> Duration {
        Duration(ms(self.timeout_ms).0 / 2)
    }
    pub(super) fn retry(&self) -> Duration {
        ms(self.retry_ms)
    }
}

fn ms(ms: f64) -> Duration {
    Duration(crate::scenario_parts::ms_to_instant(ms).0)
}
