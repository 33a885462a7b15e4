//! The single-leader parameters the page offers, as data (see
//! [`crate::protocol::params`]).

use alloc::vec;
use alloc::vec::Vec;
use serde_json::{json, Value};

use super::{SingleLeaderConfig, DEFAULT_HEARTBEAT_MS};
use crate::protocol::params::{choice, slider, Group, Kind, Param, When};
use crate::scenario_parts::Routing;

/// Snapshot copy speeds offered, rows per millisecond.
pub const COPY_SPEEDS: &[f64] = &[
    0.1, 0.15, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0, 7.0, 10.0, 15.0, 20.0, 30.0, 50.0,
    70.0, 100.0,
];

/// The single-leader controls: replication, failover, and how user
/// sessions' reads are routed.
pub fn params() -> Vec<Group> {
    let leader = SingleLeaderConfig::default();
    let routing = Routing::default();
    let as_json = |v: Result<Value, serde_json::Error>| v.unwrap_or(Value::Null);
    let replication = vec![
        slider("Followers", "/protocol/followers", (1.0, 6.0, 1.0), ""),
        choice(
            "Acknowledgement",
            "/protocol/ack",
            &[
                ("async", "asynchronous"),
                ("sync", "synchronous"),
                ("semi_sync", "semi-synchronous"),
            ],
        )
        .default(as_json(serde_json::to_value(leader.ack))),
        slider(
            "Semi-sync timeout",
            "/protocol/semi_sync_timeout_ms",
            (50.0, 3000.0, 50.0),
            "ms",
        )
        .default(json!(leader.semi_sync_timeout_ms))
        .when(When::OneOf("/protocol/ack", &["semi_sync"])),
        choice(
            "Log format",
            "/protocol/log_format",
            &[
                ("statement", "statement-based"),
                ("wal", "WAL shipping (physical)"),
                ("row", "row-based (logical)"),
            ],
        )
        .default(as_json(serde_json::to_value(leader.log_format))),
        // Only the formats that ship data (not statements) care which
        // storage-engine version a follower runs; WAL needs them equal.
        Param::new(
            "Follower storage format",
            "/protocol/storage_versions",
            Kind::Choice(vec![
                ("same as leader (v1)", Value::Null),
                ("node 2 runs v2", json!([{"node": 2, "version": 2}])),
            ]),
        )
        .when(When::OneOf("/protocol/log_format", &["wal", "row"])),
        slider(
            "Rows in each table",
            "/protocol/rows",
            (5.0, 2000.0, 5.0),
            "",
        )
        .default(json!(leader.rows)),
        Param::new(
            "Snapshot copy speed",
            "/protocol/copy_rows_per_ms",
            Kind::Ladder {
                values: COPY_SPEEDS,
                unit: "rows/ms",
            },
        )
        .default(json!(leader.copy_rows_per_ms)),
    ];
    let failover = vec![
        Param::new(
            "Automatic failover",
            "/protocol/failover",
            Kind::Toggle(json!({"timeout_ms": 500, "heartbeat_ms": 100})),
        ),
        slider(
            "Failure-detection timeout",
            "/protocol/failover/timeout_ms",
            (10.0, 5000.0, 10.0),
            "ms",
        )
        .when(When::Exists("/protocol/failover")),
        slider(
            "Heartbeat interval",
            "/protocol/failover/heartbeat_ms",
            (10.0, 1000.0, 10.0),
            "ms",
        )
        .default(json!(DEFAULT_HEARTBEAT_MS))
        .when(When::Exists("/protocol/failover")),
        Param::new(
            "Fencing (epoch numbers stop a deposed leader)",
            "/protocol/fencing",
            Kind::Check,
        )
        .default(json!(leader.fencing)),
    ];
    let routing = vec![
        choice(
            "Read-your-writes",
            "/workload/routing/read_your_writes",
            &[
                ("off", "off"),
                (
                    "leader_window",
                    "read from the leader for a while after writing",
                ),
                ("log_position", "wait for the write's log position"),
            ],
        )
        .default(as_json(serde_json::to_value(routing.read_your_writes))),
        slider(
            "Leader window",
            "/workload/routing/leader_window_ms",
            (0.0, 5000.0, 50.0),
            "ms",
        )
        .default(json!(routing.leader_window_ms))
        .when(When::OneOf(
            "/workload/routing/read_your_writes",
            &["leader_window"],
        )),
        Param::new(
            "Sticky reads (monotonic reads)",
            "/workload/routing/sticky_reads",
            Kind::Check,
        )
        .default(json!(routing.sticky_reads)),
    ];
    vec![
        Group {
            title: "Replication",
            params: replication,
            note: None,
        },
        Group {
            title: "Failover",
            params: failover,
            note: None,
        },
        Group {
            title: "User sessions' reads",
            params: routing,
            note: None,
        },
    ]
}
