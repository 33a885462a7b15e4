//! Presets for multi-leader replication: the article's two leaders
//! setting one price, last write wins under clock skew, CRDTs, the
//! application's resolvers, conflict avoidance by routing (and how a
//! failover brings conflicts back), and the replication topologies.

use alloc::string::String;
use alloc::vec;

use super::{at, base, crash, read, recover};
use crate::latency::Latency;
use crate::node::{NodeId, Request};
use crate::protocol::multi_leader::{
    CrdtKind, MultiLeaderConfig, Resolution, ResolverKind, Topology,
};
use crate::protocol::ProtocolConfig;
use crate::scenario::{Action, ClockConfig, LinkOverride, Scenario};

/// `dcs` datacenters with `followers` followers each, 2 ms inside a
/// datacenter and 80 ms more between datacenters.
fn cluster(dcs: u8, followers: u8, change: impl FnOnce(&mut MultiLeaderConfig)) -> ProtocolConfig {
    let mut c = MultiLeaderConfig {
        datacenters: dcs,
        followers_per_datacenter: followers,
        ..MultiLeaderConfig::default()
    };
    change(&mut c);
    ProtocolConfig::MultiLeader(c)
}

fn scenario(protocol: ProtocolConfig, until_ms: f64) -> Scenario {
    let mut s = base(protocol, until_ms);
    s.network.latency = Latency::constant_ms(2.0);
    s
}

fn client(node: u16, request: Request) -> Action {
    Action::Client {
        node: NodeId(node),
        request,
    }
}

fn set(node: u16, key: &str, value: i64) -> Action {
    client(
        node,
        Request::Write {
            key: String::from(key),
            value,
        },
    )
}

fn increment(node: u16, key: &str, by: i64) -> Action {
    client(
        node,
        Request::Increment {
            key: String::from(key),
            by,
        },
    )
}

fn add(node: u16, key: &str, value: i64) -> Action {
    client(
        node,
        Request::Add {
            key: String::from(key),
            value,
        },
    )
}

fn remove(node: u16, key: &str, value: i64) -> Action {
    client(
        node,
        Request::Remove {
            key: String::from(key),
            value,
        },
    )
}

fn user_write(user: u32, key: &str, value: i64) -> Action {
    Action::Session {
        session: user,
        request: Request::Write {
            key: String::from(key),
            value,
        },
    }
}

/// Reads of `key` on every node at `ms`.
fn read_everywhere(s: &mut Scenario, ms: f64, key: &str) {
    for n in 0..s.node_count() {
        s.workload.ops.push(at(ms, read(n, key)));
    }
}

pub(super) fn price_conflict() -> Scenario {
    let mut s = scenario(cluster(2, 1, |_| {}), 400.0);
    s.workload.ops = vec![
        at(10.0, set(0, "price", 100)),
        at(10.0, set(2, "price", 150)),
    ];
    read_everywhere(&mut s, 300.0, "price");
    s
}

pub(super) fn lww_clock_skew() -> Scenario {
    let mut s = scenario(
        cluster(3, 1, |c| c.resolution = Resolution::LastWriteWins),
        600.0,
    );
    s.clocks = vec![
        ClockConfig {
            node: NodeId(2),
            offset_ms: -200.0,
            drift_ppm: 0.0,
        },
        ClockConfig {
            node: NodeId(4),
            offset_ms: 30.0,
            drift_ppm: 0.0,
        },
    ];
    s.workload.ops = vec![
        // Concurrent: dc 1 and dc 3 write x 10 ms apart.
        at(10.0, set(0, "x", 1)),
        at(20.0, set(4, "x", 2)),
        // Much later, after x = 2 has reached it, dc 2 writes x = 3 — but
        // its clock is 200 ms behind.
        at(240.0, set(2, "x", 3)),
        at(260.0, set(0, "y", 7)),
    ];
    read_everywhere(&mut s, 500.0, "x");
    s
}

fn crdt(kind: CrdtKind) -> ProtocolConfig {
    cluster(2, 1, |c| {
        c.resolution = Resolution::Crdt;
        c.crdt = kind;
    })
}

pub(super) fn crdt_counter() -> Scenario {
    let mut s = scenario(crdt(CrdtKind::PnCounter), 400.0);
    s.workload.ops = vec![
        at(10.0, increment(0, "likes", 5)),
        at(10.0, increment(2, "likes", 3)),
        at(150.0, increment(0, "likes", -2)),
    ];
    read_everywhere(&mut s, 120.0, "likes");
    read_everywhere(&mut s, 350.0, "likes");
    s
}

pub(super) fn crdt_or_set() -> Scenario {
    let mut s = scenario(crdt(CrdtKind::OrSet), 500.0);
    s.workload.ops = vec![
        at(10.0, add(0, "cart", 1)),
        at(12.0, add(0, "cart", 2)),
        // dc 2 removes 2 while dc 1, not knowing, adds 2 again.
        at(200.0, remove(2, "cart", 2)),
        at(200.0, add(0, "cart", 2)),
        at(205.0, remove(2, "cart", 1)),
    ];
    read_everywhere(&mut s, 450.0, "cart");
    s
}

pub(super) fn crdt_two_phase_set() -> Scenario {
    let mut s = scenario(crdt(CrdtKind::TwoPSet), 500.0);
    s.workload.ops = vec![
        at(10.0, add(0, "banned", 7)),
        at(200.0, remove(2, "banned", 7)),
        at(200.0, add(0, "banned", 8)),
        // Too late: 7 is tombstoned on both leaders by now.
        at(400.0, add(0, "banned", 7)),
    ];
    read_everywhere(&mut s, 450.0, "banned");
    s
}

pub(super) fn crdt_mv_register() -> Scenario {
    let mut s = scenario(crdt(CrdtKind::MvRegister), 500.0);
    s.workload.ops = vec![
        at(10.0, set(0, "title", 1)),
        at(10.0, set(2, "title", 2)),
        at(200.0, read(0, "title")),
        // A write made after both arrived supersedes both.
        at(250.0, set(2, "title", 3)),
    ];
    read_everywhere(&mut s, 450.0, "title");
    s
}

pub(super) fn resolver_review() -> Scenario {
    let mut s = scenario(
        cluster(2, 1, |c| {
            c.resolution = Resolution::Resolver;
            c.resolver = ResolverKind::Review;
        }),
        600.0,
    );
    s.workload.ops = vec![
        at(10.0, set(0, "price", 100)),
        at(10.0, set(2, "price", 150)),
    ];
    read_everywhere(&mut s, 300.0, "price");
    s
}

pub(super) fn resolver_merge_cart() -> Scenario {
    let mut s = scenario(
        cluster(2, 1, |c| {
            c.resolution = Resolution::Resolver;
            c.resolver = ResolverKind::MergeSets;
        }),
        500.0,
    );
    s.workload.ops = vec![
        at(10.0, add(0, "cart", 1)),
        at(12.0, add(0, "cart", 2)),
        at(200.0, remove(0, "cart", 2)),
        at(200.0, add(2, "cart", 3)),
    ];
    read_everywhere(&mut s, 450.0, "cart");
    s
}

fn avoidance() -> ProtocolConfig {
    cluster(2, 1, |c| {
        c.route_by_key = true;
        c.homes.insert(String::from("alice"), 1);
    })
}

pub(super) fn routing_avoids_conflicts() -> Scenario {
    let mut s = scenario(avoidance(), 500.0);
    s.workload.ops = vec![
        at(10.0, user_write(1, "alice", 1)),
        at(12.0, user_write(2, "alice", 2)),
        at(100.0, user_write(2, "alice", 3)),
        at(101.0, user_write(1, "alice", 4)),
    ];
    read_everywhere(&mut s, 400.0, "alice");
    s
}

pub(super) fn routing_failover_conflict() -> Scenario {
    let mut s = scenario(avoidance(), 2_000.0);
    s.workload.ops = vec![
        at(10.0, user_write(1, "alice", 1)),
        // In flight to dc 2 when dc 1's leader crashes.
        at(100.0, user_write(1, "alice", 2)),
        at(130.0, user_write(2, "alice", 3)),
    ];
    s.faults = vec![at(120.0, crash(0)), at(600.0, recover(0))];
    read_everywhere(&mut s, 1_900.0, "alice");
    s
}

fn ring(topology: Topology) -> ProtocolConfig {
    cluster(4, 1, |c| {
        c.topology = topology;
        c.cross_dc_ms = 40.0;
    })
}

pub(super) fn circular() -> Scenario {
    let mut s = scenario(ring(Topology::Circular), 600.0);
    s.workload.ops = vec![at(10.0, set(0, "x", 1)), at(300.0, set(4, "y", 2))];
    read_everywhere(&mut s, 550.0, "x");
    s
}

pub(super) fn star() -> Scenario {
    let mut s = scenario(ring(Topology::Star), 2_500.0);
    s.workload.ops = vec![
        at(10.0, set(4, "x", 1)),
        // The hub is down: dc 2's write waits in its log.
        at(300.0, set(2, "y", 2)),
    ];
    s.faults = vec![at(250.0, crash(0)), at(800.0, recover(0))];
    read_everywhere(&mut s, 700.0, "y");
    read_everywhere(&mut s, 2_400.0, "y");
    s
}

fn overtaking(causal: bool) -> Scenario {
    let mut s = scenario(cluster(3, 1, |c| c.causal_delivery = causal), 600.0);
    // The direct link from dc 1 to dc 3 is slow.
    s.network.links = vec![LinkOverride {
        from: NodeId(0),
        to: NodeId(4),
        two_way: false,
        latency: Some(Latency::constant_ms(232.0)),
        drop: None,
        delivery: None,
    }];
    s.workload.ops = vec![
        at(10.0, set(0, "x", 1)),
        // dc 2 has the insert by now and updates the row.
        at(120.0, increment(2, "x", 10)),
    ];
    read_everywhere(&mut s, 550.0, "x");
    s
}

pub(super) fn causal_overtaking() -> Scenario {
    overtaking(false)
}

pub(super) fn causal_delivery() -> Scenario {
    overtaking(true)
}
