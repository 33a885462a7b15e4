//! The knobs of single-leader replication, as a scenario writes them:
//! when the leader answers the client (asynchronous, synchronous, or
//! MySQL-style semi-synchronous), which followers a synchronous leader
//! waits for, and whether a follower acknowledges an entry when it arrives
//! or only once it is flushed to its durable log.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::node::NodeId;
use crate::scenario::Validator;

/// The single-leader cluster: node 1 starts as leader, nodes 2… follow.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SingleLeaderConfig {
    /// Followers besides the leader (1 to 6).
    pub followers: u16,
    #[serde(default)]
    pub ack: AckMode,
    /// In `sync` mode, the followers the leader waits for (node numbers);
    /// empty means every follower. The others replicate asynchronously.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sync_followers: Vec<NodeId>,
    /// In `semi_sync` mode, how long a write waits for a follower before
    /// the leader gives up and falls back to asynchronous replication.
    #[serde(default = "default_semi_sync_timeout_ms")]
    pub semi_sync_timeout_ms: f64,
    /// What a waited-for follower's acknowledgement promises.
    #[serde(default)]
    pub durability: Durability,
    /// How long a follower takes to flush received entries to its durable
    /// log; 0 flushes on arrival.
    #[serde(default = "default_flush_ms")]
    pub flush_ms: f64,
}

/// MySQL's `rpl_semi_sync_master_timeout` default: ten seconds is theirs,
/// one second keeps the fallback visible in a short run.
pub const DEFAULT_SEMI_SYNC_TIMEOUT_MS: f64 = 1_000.0;
pub const DEFAULT_FLUSH_MS: f64 = 1.0;

fn default_semi_sync_timeout_ms() -> f64 {
    DEFAULT_SEMI_SYNC_TIMEOUT_MS
}

fn default_flush_ms() -> f64 {
    DEFAULT_FLUSH_MS
}

impl Default for SingleLeaderConfig {
    fn default() -> Self {
        SingleLeaderConfig {
            followers: 1,
            ack: AckMode::default(),
            sync_followers: Vec::new(),
            semi_sync_timeout_ms: DEFAULT_SEMI_SYNC_TIMEOUT_MS,
            durability: Durability::default(),
            flush_ms: DEFAULT_FLUSH_MS,
        }
    }
}

/// When the leader tells the client its write succeeded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AckMode {
    /// Right after writing locally; followers catch up in the background
    /// (PostgreSQL `synchronous_commit = local`).
    #[default]
    Async,
    /// After every synchronous follower has acknowledged the write.
    Sync,
    /// After one follower — any — has acknowledged it; when none does in
    /// time, the leader falls back to asynchronous until a follower has
    /// caught up (MySQL's semi-synchronous replication plugin).
    SemiSync,
}

/// What a waited-for follower's acknowledgement means.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Durability {
    /// The entry arrived, not yet flushed (PostgreSQL `remote_write`): a
    /// follower crash before the flush loses it on that follower.
    Received,
    /// The entry is in the follower's durable log (PostgreSQL `on`).
    #[default]
    Flushed,
}

const MAX_FOLLOWERS: u16 = 6;

impl SingleLeaderConfig {
    pub fn validate(&self, v: &mut Validator) {
        v.count_in(
            "protocol.followers",
            self.followers.into(),
            1,
            MAX_FOLLOWERS.into(),
        );
        self.validate_sync_followers(v);
        v.finite_in(
            "protocol.semi_sync_timeout_ms",
            self.semi_sync_timeout_ms,
            1.0,
            600_000.0,
            "between 1 and 600000 ms (ten minutes)",
        );
        v.finite_in(
            "protocol.flush_ms",
            self.flush_ms,
            0.0,
            10_000.0,
            "between 0 and 10000 ms",
        );
    }

    fn validate_sync_followers(&self, v: &mut Validator) {
        // The followers are nodes 2..=followers+1 (stored 1..=followers).
        let last = self.followers.min(MAX_FOLLOWERS);
        for (i, node) in self.sync_followers.iter().enumerate() {
            let field = format!("protocol.sync_followers[{i}]");
            let number = u32::from(node.0) + 1;
            if node.0 == 0 {
                v.push(
                    &field,
                    String::from(
                        "node 1 is the leader: only followers can be synchronous followers",
                    ),
                );
            } else if node.0 > last {
                v.push(
                    &field,
                    format!(
                        "node {number} is not a follower: the followers are nodes 2 to {}",
                        last + 1
                    ),
                );
            } else if self.sync_followers[..i].contains(node) {
                v.push(&field, format!("node {number} is listed twice"));
            }
        }
    }

    /// The followers a synchronous leader `leader` waits for: the
    /// configured ones (every other node when none is named), never the
    /// leader itself — after a failover the promoted node leaves the list.
    pub fn synchronous_followers(&self, leader: NodeId) -> Vec<NodeId> {
        if self.sync_followers.is_empty() {
            (0..=self.followers)
                .map(NodeId)
                .filter(|&n| n != leader)
                .collect()
        } else {
            let mut nodes: Vec<NodeId> = self
                .sync_followers
                .iter()
                .copied()
                .filter(|&n| n != leader && n.0 <= self.followers)
                .collect();
            nodes.sort();
            nodes.dedup();
            nodes
        }
    }

    /// Does the leader `leader` wait for `follower`'s acknowledgement?
    /// Only then does the follower acknowledge on arrival under
    /// `received` durability; everyone else acknowledges after the flush
    /// so the leader still learns how far behind it is.
    pub fn waits_for(&self, leader: NodeId, follower: NodeId) -> bool {
        match self.ack {
            AckMode::Async => false,
            AckMode::SemiSync => follower != leader,
            AckMode::Sync => self.synchronous_followers(leader).contains(&follower),
        }
    }
}
