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
use crate::scenario_parts::Validator;

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
    /// What the leader ships for a SQL statement.
    #[serde(default, skip_serializing_if = "LogFormat::is_default")]
    pub log_format: LogFormat,
    /// Each node's storage-engine format version (node numbers → version,
    /// default 1). Physical (WAL) replication needs every follower on the
    /// leader's version; the logical formats do not care.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub storage_versions: Vec<StorageVersionOf>,
    /// Rows in the example `accounts` table each node starts with (5 to
    /// 2000): a bigger table makes a new follower's snapshot copy longer.
    #[serde(default = "default_rows", skip_serializing_if = "is_default_rows")]
    pub rows: u32,
    /// Nodes that start empty, outside replication, until an operator adds
    /// them (`add_follower`): they join from a snapshot of the leader.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub joining: Vec<NodeId>,
    /// How fast a snapshot is copied to a joining follower.
    #[serde(
        default = "default_copy_rows_per_ms",
        skip_serializing_if = "is_default_copy_rate"
    )]
    pub copy_rows_per_ms: f64,
    /// Automatic failover: followers that hear nothing from the leader for
    /// the timeout elect the most up-to-date follower. Absent: failover
    /// only by hand (`promote`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failover: Option<Failover>,
    /// Leaderships are numbered (epochs) and every message carries its
    /// epoch, so a deposed leader learns it is deposed. Off: a leader that
    /// comes back after a failover keeps taking writes — split brain.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub fencing: bool,
}

/// A node's storage-engine format version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageVersionOf {
    pub node: NodeId,
    pub version: u8,
}

/// Automatic failover settings.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Failover {
    /// A follower that has heard nothing from its leader for this long
    /// declares it dead and stands for election.
    pub timeout_ms: f64,
    /// How often the leader says "still here" when it has nothing to send.
    #[serde(default = "default_heartbeat_ms")]
    pub heartbeat_ms: f64,
}

/// What the leader writes into the replication stream for a statement.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// The statement text; followers execute it again (MySQL
    /// `binlog_format=STATEMENT`).
    Statement,
    /// Physical page changes from the write-ahead log; followers copy
    /// bytes (PostgreSQL streaming replication).
    Wal,
    /// Logical row events: each changed row's before and after image
    /// (MySQL `binlog_format=ROW`, PostgreSQL logical decoding).
    #[default]
    Row,
}

impl LogFormat {
    pub fn is_default(&self) -> bool {
        *self == LogFormat::default()
    }

    pub fn name(self) -> &'static str {
        match self {
            LogFormat::Statement => "statement-based",
            LogFormat::Wal => "WAL shipping (physical)",
            LogFormat::Row => "row-based (logical)",
        }
    }
}

fn yes() -> bool {
    true
}
fn is_true(b: &bool) -> bool {
    *b
}
fn is_default_rows(r: &u32) -> bool {
    *r == default_rows()
}
fn is_default_copy_rate(r: &f64) -> bool {
    *r == default_copy_rows_per_ms()
}
fn default_rows() -> u32 {
    5
}
fn default_copy_rows_per_ms() -> f64 {
    1.0
}
fn default_heartbeat_ms() -> f64 {
    DEFAULT_HEARTBEAT_MS
}

/// A heartbeat every 100 ms, like Patroni's loop but faster, so a short
/// run shows detection.
pub const DEFAULT_HEARTBEAT_MS: f64 = 100.0;

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
            log_format: LogFormat::default(),
            storage_versions: Vec::new(),
            rows: default_rows(),
            joining: Vec::new(),
            copy_rows_per_ms: default_copy_rows_per_ms(),
            failover: None,
            fencing: true,
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

/// The most followers a single-leader cluster may have.
pub const MAX_FOLLOWERS: u16 = 6;

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
        self.validate_nodes(v);
        v.count_in("protocol.rows", self.rows, 5, 2000);
        v.finite_in(
            "protocol.copy_rows_per_ms",
            self.copy_rows_per_ms,
            0.001,
            1_000_000.0,
            "between 0.001 and 1000000 rows per ms",
        );
        if let Some(f) = &self.failover {
            v.finite_in(
                "protocol.failover.timeout_ms",
                f.timeout_ms,
                1.0,
                600_000.0,
                "between 1 and 600000 ms",
            );
            v.finite_in(
                "protocol.failover.heartbeat_ms",
                f.heartbeat_ms,
                1.0,
                600_000.0,
                "between 1 and 600000 ms",
            );
        }
    }

    fn validate_nodes(&self, v: &mut Validator) {
        let last = self.followers.min(MAX_FOLLOWERS);
        for (i, s) in self.storage_versions.iter().enumerate() {
            if s.node.0 > last {
                v.push(
                    &format!("protocol.storage_versions[{i}].node"),
                    format!(
                        "node {} does not exist: the nodes are 1 to {}",
                        s.node.0 + 1,
                        last + 1
                    ),
                );
            }
            if s.version == 0 || s.version > 2 {
                v.push(
                    &format!("protocol.storage_versions[{i}].version"),
                    format!("storage format v{} does not exist: 1 or 2", s.version),
                );
            }
        }
        for (i, node) in self.joining.iter().enumerate() {
            let field = format!("protocol.joining[{i}]");
            if node.0 == 0 {
                v.push(
                    &field,
                    String::from("node 1 is the first leader: it cannot join later"),
                );
            } else if node.0 > last {
                v.push(
                    &field,
                    format!(
                        "node {} is not a follower: the followers are nodes 2 to {}",
                        node.0 + 1,
                        last + 1
                    ),
                );
            }
        }
    }

    /// The storage format version `node` runs.
    pub fn storage_version(&self, node: NodeId) -> u8 {
        self.storage_versions
            .iter()
            .rev()
            .find(|s| s.node == node)
            .map_or(1, |s| s.version)
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
            crate::sorting::sort(&mut nodes);
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
