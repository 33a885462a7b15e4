//! The leaderless parameters the page offers, as data (see
//! [`crate::protocol::params`]), and the quorum arithmetic's verdict
//! under them.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use serde_json::{json, Value};

use super::LeaderlessConfig;
use crate::protocol::params::{current, slider, Group, Kind, Param, When};
use crate::quorum::{QuorumConfig, MAX_N};

/// The leaderless controls: the ring and its quorums, then the repairs.
pub fn params() -> Vec<Group> {
    let ring = LeaderlessConfig::default();
    const N: &str = "/protocol/n";
    const AE: &str = "/protocol/anti_entropy";
    let max_n = f64::from(MAX_N);
    let quorums = vec![
        slider("Nodes on the ring", "/protocol/nodes", (3.0, 12.0, 1.0), ""),
        slider("Replicas per key (n)", N, (1.0, max_n, 1.0), "").capped("/protocol/nodes"),
        slider("Write quorum (w)", "/protocol/w", (1.0, max_n, 1.0), "").capped(N),
        slider("Read quorum (r)", "/protocol/r", (1.0, max_n, 1.0), "").capped(N),
    ];
    let repair = vec![
        Param::new(
            "Read repair (a read writes the newest version back)",
            "/protocol/read_repair",
            Kind::Check,
        )
        .default(json!(ring.read_repair)),
        Param::new(
            "Blocking read repair (write back to w replicas before answering: linearizable quorum reads)",
            "/protocol/blocking_read_repair",
            Kind::Check,
        )
        .default(json!(ring.blocking_read_repair)),
        Param::new(
            "When a replica is unreachable",
            "/protocol/sloppy_quorum",
            Kind::Choice(vec![
                ("strict quorum: the request fails", json!(false)),
                ("sloppy quorum: the next node keeps a hint", json!(true)),
            ]),
        )
        .default(json!(ring.sloppy_quorum)),
        Param::new(
            "Anti-entropy (Merkle trees with the ring successor)",
            AE,
            Kind::Toggle(json!({"interval_ms": 400})),
        ),
        slider(
            "Anti-entropy interval",
            "/protocol/anti_entropy/interval_ms",
            (50.0, 5000.0, 50.0),
            "ms",
        )
        .when(When::Exists(AE)),
        slider(
            "Merkle tree depth",
            "/protocol/anti_entropy/depth",
            (0.0, 8.0, 1.0),
            "",
        )
        // The core's default depth, as it fills it in when the field is
        // absent.
        .default(
            json!(super::config::default_depth()),
        )
        .when(When::Exists(AE)),
    ];
    vec![
        Group {
            title: "Ring and quorums",
            params: quorums,
            note: Some(quorum_note),
        },
        Group {
            title: "Repair",
            params: repair,
            note: None,
        },
    ]
}

/// Whether every read overlaps the latest write, in the core's quorum
/// arithmetic (none when n, w or r is out of the calculator's range).
pub fn quorum_note(doc: &Value) -> Option<(bool, String)> {
    let get = |path| current(doc, path).as_u64().map(|v| v as u32);
    let (n, w, r) = (
        get("/protocol/n")?,
        get("/protocol/w")?,
        get("/protocol/r")?,
    );
    let a = QuorumConfig::new(n, w, r).ok()?.analyse();
    let sum = (w + r).to_string();
    Some(if a.overlaps {
        (
            true,
            format!(
                "w + r = {sum} > n = {n}: every read overlaps the latest write on at least {} replica(s).",
                a.overlap
            ),
        )
    } else {
        (
            false,
            format!("w + r = {sum} ≤ n = {n}: a read can miss the latest write and return a stale value."),
        )
    })
}
