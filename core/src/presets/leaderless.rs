//! Presets for leaderless replication: the article's quorum write and
//! read with one node down, version vectors and read repair, a strict
//! quorum that cannot be met, a sloppy quorum with hinted handoff, and
//! what happens when w + r ≤ n.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use super::{at, base, crash, read, recover, write};
use crate::latency::Latency;
use crate::node::{NodeId, Request};
use crate::protocol::leaderless::{AntiEntropy, LeaderlessConfig};
use crate::protocol::ProtocolConfig;
use crate::quorum::ConsistencyLevel;
use crate::scenario::{Action, LinkOverride, Scenario};

/// `nodes` on the ring with n, w, r, and key `x` pinned to node 1 (so its
/// preference list is nodes 1, 2, 3).
fn ring(nodes: u16, n: u8, w: u8, r: u8, change: impl FnOnce(&mut LeaderlessConfig)) -> Scenario {
    let mut c = LeaderlessConfig {
        nodes,
        n,
        w,
        r,
        ..LeaderlessConfig::default()
    };
    c.pins.insert(String::from("x"), 1);
    change(&mut c);
    let mut s = base(ProtocolConfig::Leaderless(c), 1_000.0);
    s.network.latency = Latency::constant_ms(5.0);
    s
}

/// Node 3's links to nodes 1 and 2 take `ms` each way.
fn far_node_3(ms: f64) -> Vec<LinkOverride> {
    (0..2)
        .map(|from| LinkOverride {
            from: NodeId(from),
            to: NodeId(2),
            two_way: true,
            latency: Some(Latency::constant_ms(ms)),
            drop: None,
            delivery: None,
        })
        .collect()
}

fn cut(a: u16, b: u16) -> Action {
    Action::Partition {
        from: vec![NodeId(a)],
        to: vec![NodeId(b)],
        two_way: true,
    }
}

pub(super) fn quorum_one_down() -> Scenario {
    let mut s = ring(3, 3, 2, 2, |_| {});
    s.faults = vec![at(0.0, crash(2)), at(100.0, recover(2))];
    s.workload.ops = vec![
        at(10.0, write(0, "x", 1)),
        // Node 3 is back but never got x = 1; the read asks all three.
        at(150.0, read(1, "x")),
        at(300.0, read(2, "x")),
    ];
    s.until_ms = 400.0;
    s
}

pub(super) fn version_vectors() -> Scenario {
    let mut s = ring(3, 3, 2, 3, |_| {});
    let mut ops: Vec<_> = Vec::new();
    // Two rounds of writes, one coordinated by each node: [2, 2, 2].
    for (i, value) in [100, 200, 300, 400, 500, 600].into_iter().enumerate() {
        ops.push(at(
            10.0 + 30.0 * i as f64,
            write((i % 3) as u16, "x", value),
        ));
    }
    // Node 3 is cut off while node 1 writes 900: [3, 2, 2] on nodes 1, 2.
    ops.push(at(220.0, write(0, "x", 900)));
    ops.push(at(300.0, read(1, "x")));
    ops.push(at(400.0, read(2, "x")));
    s.workload.ops = ops;
    s.faults = vec![
        at(200.0, cut(2, 0)),
        at(200.0, cut(2, 1)),
        at(260.0, Action::HealAll),
    ];
    s.until_ms = 500.0;
    s
}

pub(super) fn strict_quorum_fails() -> Scenario {
    let mut s = ring(3, 3, 2, 2, |_| {});
    s.faults = vec![at(0.0, crash(1)), at(0.0, crash(2))];
    s.workload.ops = vec![at(10.0, write(0, "x", 1)), at(600.0, read(0, "x"))];
    s.until_ms = 1_200.0;
    s
}

pub(super) fn sloppy_quorum() -> Scenario {
    let mut s = ring(4, 3, 3, 1, |c| {
        c.sloppy_quorum = true;
        // So that the handoff, not a read, brings node 3 up to date.
        c.read_repair = false;
    });
    s.faults = vec![at(0.0, cut(0, 2)), at(400.0, Action::HealAll)];
    s.workload.ops = vec![
        at(10.0, write(0, "x", 1)),
        at(300.0, read(2, "x")),
        at(900.0, read(2, "x")),
    ];
    s.until_ms = 1_000.0;
    s
}

pub(super) fn w_plus_r_not_above_n() -> Scenario {
    let mut s = ring(3, 3, 1, 1, |c| c.read_repair = false);
    // Node 3's links are slow: it gets every write 150 ms late.
    s.network.links = far_node_3(150.0);
    s.workload.ops = vec![
        at(10.0, write(0, "x", 1)),
        at(60.0, read(2, "x")),
        at(110.0, write(1, "x", 2)),
        at(160.0, read(2, "x")),
        at(400.0, read(2, "x")),
    ];
    s.until_ms = 500.0;
    s
}

pub(super) fn anti_entropy() -> Scenario {
    let mut s = ring(3, 3, 2, 1, |c| {
        c.read_repair = false;
        c.anti_entropy = Some(AntiEntropy {
            interval_ms: 400.0,
            depth: 2,
            key_range: (0, 4000),
        });
    });
    let keys: Vec<String> = (0..16).map(|i| alloc::format!("{}", i * 250)).collect();
    let mut ops: Vec<_> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| at(10.0 + i as f64, write(0, k, 1)))
        .collect();
    // Node 3 is cut off while keys 1000–1750 change.
    for (i, k) in ["1000", "1250", "1500", "1750"].into_iter().enumerate() {
        ops.push(at(150.0 + i as f64, write(0, k, 2)));
    }
    s.workload.ops = ops;
    s.faults = vec![
        at(100.0, cut(2, 0)),
        at(100.0, cut(2, 1)),
        at(300.0, Action::HealAll),
    ];
    s.until_ms = 1_000.0;
    s
}

fn put(node: u16, key: &str, values: &[i64], context: &[(u16, u64)]) -> Action {
    Action::Client {
        node: NodeId(node),
        request: Request::Put {
            key: String::from(key),
            values: values.to_vec(),
            context: Some(context.iter().map(|&(n, c)| (NodeId(n), c)).collect()),
            consistency: None,
        },
    }
}

fn get(node: u16, key: &str, consistency: Option<ConsistencyLevel>) -> Action {
    Action::Client {
        node: NodeId(node),
        request: Request::Get {
            key: String::from(key),
            consistency,
        },
    }
}

pub(super) fn shopping_cart() -> Scenario {
    // Items: 1 milk, 2 flour, 3 eggs, 4 ham, 5 bacon. Every request goes
    // through node 1, so the versions count node 1's writes.
    let mut s = ring(3, 3, 3, 3, |c| {
        c.pins.insert(String::from("cart"), 1);
    });
    s.workload.ops = vec![
        // Client 1 adds milk; client 2, who has read nothing, adds eggs.
        at(10.0, put(0, "cart", &[1], &[])),
        at(40.0, put(0, "cart", &[3], &[])),
        // Client 1 read version [1] (milk) and adds flour.
        at(70.0, put(0, "cart", &[1, 2], &[(0, 1)])),
        // Client 2 read [2] (milk and eggs as siblings), merges, adds ham.
        at(100.0, put(0, "cart", &[1, 3, 4], &[(0, 2)])),
        // Client 1 read [3] and adds bacon to what it saw.
        at(130.0, put(0, "cart", &[1, 2, 3, 5], &[(0, 3)])),
        at(170.0, get(0, "cart", None)),
        // A client that read everything ([5]) writes the merged cart back:
        // one version again.
        at(200.0, put(0, "cart", &[1, 2, 3, 4, 5], &[(0, 5)])),
        at(240.0, get(0, "cart", None)),
    ];
    s.until_ms = 300.0;
    s
}

pub(super) fn consistency_levels() -> Scenario {
    let mut s = ring(3, 3, 2, 2, |_| {});
    // Node 3 is 100 ms away from the others.
    s.network.links = far_node_3(100.0);
    // Each write carries the version the previous one made, so it
    // replaces it rather than becoming a sibling.
    let level = |c: ConsistencyLevel, value: i64| Action::Client {
        node: NodeId(0),
        request: Request::Put {
            key: String::from("x"),
            values: vec![value],
            context: Some(
                (value > 1)
                    .then(|| (NodeId(0), (value - 1) as u64))
                    .into_iter()
                    .collect(),
            ),
            consistency: Some(c),
        },
    };
    s.workload.ops = vec![
        at(10.0, level(ConsistencyLevel::One, 1)),
        at(300.0, level(ConsistencyLevel::Quorum, 2)),
        at(600.0, level(ConsistencyLevel::All, 3)),
        at(900.0, get(0, "x", Some(ConsistencyLevel::One))),
        at(1_200.0, get(0, "x", Some(ConsistencyLevel::All))),
    ];
    s.until_ms = 1_500.0;
    s
}
