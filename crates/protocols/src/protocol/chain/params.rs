//! The chain-replication parameters the page offers, as data (see
//! [`crate::protocol::params`]).

use alloc::vec;
use alloc::vec::Vec;
use serde_json::json;

use super::{ChainConfig, MAX_NODES};
use crate::protocol::params::{slider, Group, Kind, Param};

/// The chain's controls: its length and reads, then failure handling.
pub fn params() -> Vec<Group> {
    let c = ChainConfig::default();
    let chain = vec![
        slider(
            "Servers in the chain",
            "/protocol/nodes",
            (2.0, f64::from(MAX_NODES), 1.0),
            "",
        ),
        Param::new(
            "CRAQ (any server answers reads of clean keys)",
            "/protocol/craq",
            Kind::Check,
        )
        .default(json!(c.craq)),
    ];
    let failures = vec![
        slider(
            "Heartbeat interval",
            "/protocol/heartbeat_ms",
            (10.0, 1000.0, 10.0),
            "ms",
        )
        .default(json!(c.heartbeat_ms)),
        slider(
            "Failure-detection timeout",
            "/protocol/timeout_ms",
            (20.0, 5000.0, 10.0),
            "ms",
        )
        .default(json!(c.timeout_ms)),
        slider(
            "Client retry timeout",
            "/protocol/retry_ms",
            (10.0, 2000.0, 10.0),
            "ms",
        )
        .default(json!(c.retry_ms)),
    ];
    vec![
        Group {
            title: "Chain",
            params: chain,
            note: None,
        },
        Group {
            title: "Failures",
            params: failures,
            note: None,
        },
    ]
}
