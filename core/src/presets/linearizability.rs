//! Presets that teach linearizability: histories where no read is stale
//! by the per-protocol rule, yet no single order of the operations
//! explains what the clients saw — and the one change that fixes it.

use alloc::string::String;
use alloc::vec;

use super::{at, base, protocol, read, single_leader, write};
use crate::latency::Latency;
use crate::node::{NodeId, Request};
use crate::protocol::leaderless::LeaderlessConfig;
use crate::protocol::multi_leader::{MultiLeaderConfig, Resolution};
use crate::protocol::single_leader::AckMode;
use crate::protocol::ProtocolConfig;
use crate::scenario::{Action, ClockConfig, Scenario};
use crate::vv::VersionVector;

fn slow(from: u16, to: u16, extra_ms: f64) -> Action {
    Action::SlowLink {
        from: NodeId(from),
        to: NodeId(to),
        extra_ms,
        two_way: false,
    }
}

/// Four nodes, key x on nodes 1–3 with n = 3, w = 2, r = 2 (w + r > n).
/// Node 4's links to nodes 2 and 3 are slow, so a write it coordinates
/// reaches node 1 at once and the others 300 ms later: for that long it
/// is in flight and not yet acknowledged. Reader A (at node 1) then sees
/// the new value; reader B (at node 3), starting after A finished, asks
/// nodes 3 and 2 and sees the old one.
fn write_in_flight(blocking: bool) -> Scenario {
    let mut c = LeaderlessConfig {
        nodes: 4,
        n: 3,
        w: 2,
        r: 2,
        read_repair: false,
        blocking_read_repair: blocking,
        ..LeaderlessConfig::default()
    };
    c.pins.insert(String::from("x"), 1);
    let mut s = base(ProtocolConfig::Leaderless(c), 600.0);
    s.network.latency = Latency::constant_ms(10.0);
    // Node 1's link to node 3 is a little slower, so node 3 hears from
    // node 2 before node 1.
    s.faults = vec![
        at(0.0, slow(3, 1, 300.0)),
        at(0.0, slow(3, 2, 300.0)),
        at(0.0, slow(0, 2, 50.0)),
    ];
    // A client reads x = 1 (context [1, 0, 0, 0]) and replaces it with 2
    // through node 4.
    let replace = Action::Client {
        node: NodeId(3),
        request: Request::Put {
            key: String::from("x"),
            values: vec![2],
            context: Some(VersionVector::from_dense(&[1])),
            consistency: None,
        },
    };
    s.workload.ops = vec![
        at(10.0, write(0, "x", 1)),
        at(50.0, read(0, "x")),
        at(100.0, replace),
        at(130.0, read(0, "x")),
        at(200.0, read(2, "x")),
    ];
    s
}

pub(super) fn quorum_not_linearizable() -> Scenario {
    write_in_flight(false)
}

pub(super) fn blocking_read_repair_linearizable() -> Scenario {
    write_in_flight(true)
}

/// A leader and one asynchronous follower behind a slow link: the leader
/// confirms x = 1 and shows it, the follower does not have it yet.
pub(super) fn async_follower_not_linearizable() -> Scenario {
    let mut s = base(protocol(single_leader(1, AckMode::Async)), 300.0);
    s.network.latency = Latency::constant_ms(10.0);
    s.faults = vec![at(0.0, slow(0, 1, 100.0))];
    s.workload.ops = vec![
        at(10.0, write(0, "x", 1)),
        at(20.0, read(0, "x")),
        at(40.0, read(1, "x")),
        at(250.0, read(1, "x")),
    ];
    s
}

/// Two datacenters resolving by last write wins; dc 2's leader runs
/// 250 ms slow. Its write x = 2 comes after x = 1 has reached it, yet its
/// stamp is smaller: every later read returns x = 1.
pub(super) fn lww_skew_not_linearizable() -> Scenario {
    let c = MultiLeaderConfig {
        datacenters: 2,
        followers_per_datacenter: 0,
        resolution: Resolution::LastWriteWins,
        ..MultiLeaderConfig::default()
    };
    let mut s = base(ProtocolConfig::MultiLeader(c), 500.0);
    s.network.latency = Latency::constant_ms(2.0);
    s.clocks = vec![ClockConfig {
        node: NodeId(1),
        offset_ms: -250.0,
        drift_ppm: 0.0,
    }];
    s.workload.ops = vec![
        at(10.0, write(0, "x", 1)),
        at(200.0, write(1, "x", 2)),
        at(220.0, read(1, "x")),
        at(400.0, read(0, "x")),
        at(400.0, read(1, "x")),
    ];
    s
}
