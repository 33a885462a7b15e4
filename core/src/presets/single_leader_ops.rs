//! Presets for running a single-leader cluster: adding a follower from a
//! snapshot, automatic failover (lost writes, split brain, a timeout that
//! is too short), and the anomalies replication lag shows to users reading
//! from followers.

use alloc::vec;

use super::{at, base, protocol, read, session_read, session_write, single_leader, sql, write};
use crate::node::NodeId;
use crate::protocol::single_leader::{AckMode, Failover, SingleLeaderConfig};
use crate::scenario::{Action, Generator, Routing, Scenario};

pub(super) fn add_follower() -> Scenario {
    let c = SingleLeaderConfig {
        rows: 400,
        copy_rows_per_ms: 2.0,
        joining: vec![NodeId(2)],
        ..single_leader(2, AckMode::Async)
    };
    let mut s = base(protocol(c), 700.0);
    s.workload.generator = Some(Generator {
        rate_per_s: 40.0,
        read_fraction: 0.0,
        keys: 5,
        nodes: vec![NodeId(0)],
        start_ms: 0.0,
        end_ms: Some(600.0),
    });
    s.workload.ops = vec![
        at(150.0, read(2, "k1")),
        at(
            200.0,
            sql(0, "UPDATE accounts SET balance = balance + 1 WHERE id = 3"),
        ),
        at(650.0, read(2, "k1")),
    ];
    s.interventions = vec![];
    s.faults = vec![at(100.0, Action::AddFollower { node: NodeId(2) })];
    s
}

fn failover_config(timeout_ms: f64, heartbeat_ms: f64) -> SingleLeaderConfig {
    SingleLeaderConfig {
        failover: Some(Failover {
            timeout_ms,
            heartbeat_ms,
        }),
        ..single_leader(2, AckMode::Async)
    }
}

/// The leader is cut off from its followers at 400 ms and healed at
/// 2000 ms; its clients reach it throughout. Long enough for the election
/// to finish whatever the timers draw: node 2's candidacy fails (its log
/// is behind), and a split vote costs node 3 one more timeout, so node 3
/// leads by 1.7 s at the latest.
fn partitioned_leader(fencing: bool) -> Scenario {
    let c = SingleLeaderConfig {
        fencing,
        ..failover_config(300.0, 100.0)
    };
    let mut s = base(protocol(c), 2_500.0);
    s.faults = vec![
        // Node 2 lags a little, so node 3 is the most up-to-date follower.
        at(
            0.0,
            Action::SlowLink {
                from: NodeId(0),
                to: NodeId(1),
                extra_ms: 30.0,
                two_way: false,
            },
        ),
        at(
            400.0,
            Action::Partition {
                from: vec![NodeId(0)],
                to: vec![NodeId(1), NodeId(2)],
                two_way: true,
            },
        ),
        at(2_000.0, Action::HealAll),
    ];
    s.workload.ops = vec![
        at(100.0, write(0, "x", 1)),
        at(380.0, write(0, "x", 2)),
        at(450.0, write(0, "x", 3)),
        at(500.0, write(0, "y", 1)),
    ];
    s
}

pub(super) fn auto_failover() -> Scenario {
    let mut s = partitioned_leader(true);
    s.workload.ops.extend([
        at(1_800.0, write(2, "x", 4)),
        at(2_300.0, read(0, "x")),
        at(2_300.0, read(0, "y")),
    ]);
    s
}

pub(super) fn split_brain() -> Scenario {
    let mut s = partitioned_leader(false);
    s.workload.ops.extend([
        at(1_800.0, write(2, "x", 4)),
        at(2_100.0, write(0, "x", 5)),
        at(2_150.0, write(2, "y", 2)),
        at(2_400.0, read(0, "x")),
        at(2_400.0, read(1, "x")),
    ]);
    s
}

pub(super) fn timeout_too_short() -> Scenario {
    let mut s = base(protocol(failover_config(60.0, 20.0)), 1_000.0);
    let slow = |to: u16, extra_ms: f64| Action::SlowLink {
        from: NodeId(0),
        to: NodeId(to),
        extra_ms,
        two_way: false,
    };
    // 200 ms: every heartbeat gap outlasts even the longest election
    // timer drawn (twice the timeout), so the election happens whatever
    // the seed.
    s.faults = vec![
        at(300.0, slow(1, 200.0)),
        at(300.0, slow(2, 200.0)),
        at(700.0, slow(1, 0.0)),
        at(700.0, slow(2, 0.0)),
    ];
    s.workload.ops = vec![
        at(100.0, write(0, "x", 1)),
        at(350.0, write(0, "x", 2)),
        at(900.0, read(0, "x")),
    ];
    s
}

/// Two followers; the links to node 3 add 200 ms, so it lags.
fn lagging(routing: Routing) -> Scenario {
    let mut s = base(protocol(single_leader(2, AckMode::Async)), 400.0);
    s.faults = vec![at(
        0.0,
        Action::SlowLink {
            from: NodeId(0),
            to: NodeId(2),
            extra_ms: 200.0,
            two_way: false,
        },
    )];
    s.workload.routing = routing;
    s
}

pub(super) fn read_your_writes() -> Scenario {
    // Sticky reads pin user 1 to node 3, the lagging follower.
    let mut s = lagging(Routing {
        sticky_reads: true,
        ..Routing::default()
    });
    s.workload.ops = vec![
        at(10.0, session_write(1, "profile", 1)),
        at(60.0, session_read(1, "profile")),
        at(350.0, session_read(1, "profile")),
    ];
    s
}

pub(super) fn monotonic_reads() -> Scenario {
    let mut s = lagging(Routing::default());
    s.seed = MONOTONIC_SEED;
    s.workload.ops = vec![
        at(10.0, session_write(1, "x", 1)),
        at(60.0, session_read(2, "x")),
        at(80.0, session_read(2, "x")),
    ];
    s
}

pub(super) fn consistent_prefix() -> Scenario {
    let mut s = lagging(Routing::default());
    s.seed = PREFIX_SEED;
    s.workload.ops = vec![
        at(10.0, session_write(1, "question", 1)),
        at(30.0, session_write(2, "answer", 1)),
        at(60.0, session_read(3, "answer")),
        at(80.0, session_read(3, "question")),
    ];
    s
}

/// Seeds whose random routing sends the reads first to the up-to-date
/// follower, then to the lagging one (found by trying seeds in order).
const MONOTONIC_SEED: u64 = 2;
const PREFIX_SEED: u64 = 2;
