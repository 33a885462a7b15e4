//! The Raft controls the page offers, as data (see
//! [`crate::protocol::params`]).

use alloc::vec;
use alloc::vec::Vec;
use serde_json::{json, Value};

use super::{RaftConfig, ReadMode, MAX_SERVERS};
use crate::protocol::params::{slider, variants, Group, Kind, Param, When};

pub fn params() -> Vec<Group> {
    let d = RaftConfig::default();
    let cluster = vec![
        slider(
            "Servers",
            "/protocol/servers",
            (1.0, f64::from(MAX_SERVERS), 1.0),
            "",
        )
        .default(json!(d.servers)),
        slider(
            "Election timeout (shortest)",
            "/protocol/election_ms",
            (10.0, 2000.0, 10.0),
            "ms",
        )
        .default(json!(d.election_ms)),
        slider(
            "Election timeout spread",
            "/protocol/election_jitter_ms",
            (0.0, 2000.0, 5.0),
            "ms",
        )
        .default(json!(d.jitter())),
        slider(
            "Heartbeat interval",
            "/protocol/heartbeat_ms",
            (5.0, 1000.0, 5.0),
            "ms",
        )
        .default(json!(d.heartbeat_ms)),
        Param::new("Pre-vote", "/protocol/pre_vote", Kind::Check).default(json!(d.pre_vote)),
        Param::new("Check quorum", "/protocol/check_quorum", Kind::Check)
            .default(json!(d.check_quorum)),
        Param::new(
            "Commit older terms' entries by counting replicas (unsafe: Figure 8)",
            "/protocol/commit_older_terms",
            Kind::Check,
        )
        .default(json!(d.commit_older_terms)),
        slider(
            "Entries per AppendEntries",
            "/protocol/max_batch",
            (1.0, 64.0, 1.0),
            "",
        )
        .default(json!(d.max_batch)),
        slider(
            "Snapshot every (0: never)",
            "/protocol/snapshot_every",
            (0.0, 50.0, 1.0),
            "entries",
        )
        .default(json!(d.snapshot_every)),
    ];
    let reads = vec![
        variants("Reads", "/protocol/reads", &ReadMode::ALL, ReadMode::name)
            .default(serde_json::to_value(d.reads).unwrap_or(Value::Null)),
        slider("Lease", "/protocol/lease_ms", (0.0, 2000.0, 5.0), "ms")
            .default(json!(d.lease()))
            .when(When::OneOf("/protocol/reads", &["lease"])),
    ];
    vec![
        Group {
            title: "Consensus",
            params: cluster,
            note: None,
        },
        Group {
            title: "Reads",
            params: reads,
            note: None,
        },
    ]
}
