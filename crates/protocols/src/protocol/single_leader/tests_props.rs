//! Property: whatever crashes, partitions, promotions, elections and new
//! followers happen, once every fault is healed and every node is back,
//! an automatically failing-over, fenced cluster settles on one leader
//! and every member holds exactly the leader's log, data and table — in
//! every log format (with deterministic statements). Sweeps seeds and
//! prints the failing scenario.

use crate::protocol::ProtocolConfig;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use proptest::prelude::*;

// What `use super::*` brought in when these compiled inside the
// protocol (see crates/engine/src/protocol_tests.rs).
use crate::latency::Latency;
#[allow(unused_imports)]
use crate::node::*;
use crate::presets;
#[allow(unused_imports)]
use crate::protocol::single_leader::*;
use crate::scenario::{Action, Scenario, Timed, FORMAT};
use crate::sim::Simulator;
use crate::table_diff::diff_tables;
#[allow(unused_imports)]
use crate::vv::*;

const SETTLE_MS: f64 = 800.0;

fn arb_action(n: u16) -> impl Strategy<Value = Timed> {
    (0.0f64..SETTLE_MS, 0u8..9, 0u16..8, 0u16..8, 0i64..100).prop_map(
        move |(at_ms, kind, a, b, v)| {
            let (a, b) = (NodeId(a % n), NodeId(b % n));
            let action = match kind {
                0 => Action::Crash { node: a },
                1 => Action::Recover { node: a },
                2 => Action::Partition {
                    from: vec![a],
                    to: vec![b],
                    two_way: v % 2 == 0,
                },
                3 => Action::Promote { node: a },
                4 => Action::AddFollower { node: a },
                5 => presets::sql(
                    a.0,
                    &format!(
                        "UPDATE accounts SET balance = balance + {v} WHERE id = {}",
                        v % 7
                    ),
                ),
                6 => presets::sql(
                    a.0,
                    &format!(
                        "INSERT INTO accounts (id, balance, status) VALUES ({}, {v}, 'new')",
                        6 + v % 5
                    ),
                ),
                7 => presets::sql(a.0, &format!("DELETE FROM accounts WHERE id = {}", v % 9)),
                _ => presets::write(a.0, "x", v),
            };
            Timed { at_ms, action }
        },
    )
}

fn arb_scenario() -> impl Strategy<Value = Scenario> {
    (
        2u16..5,
        0u8..3,
        any::<bool>(),
        20.0f64..200.0,
        any::<u64>(),
        0.0f64..15.0,
    )
        .prop_flat_map(|(followers, format, joiner, timeout, seed, jitter)| {
            let n = followers + 1;
            (
                Just((followers, format, joiner, timeout, seed, jitter)),
                proptest::collection::vec(arb_action(n), 0..25),
            )
        })
        .prop_map(
            |((followers, format, joiner, timeout, seed, jitter), actions)| {
                let config = SingleLeaderConfig {
                    log_format: match format {
                        0 => LogFormat::Statement,
                        1 => LogFormat::Wal,
                        _ => LogFormat::Row,
                    },
                    joining: if joiner {
                        vec![NodeId(followers)]
                    } else {
                        vec![]
                    },
                    copy_rows_per_ms: 0.5,
                    failover: Some(Failover {
                        timeout_ms: timeout,
                        heartbeat_ms: timeout / 4.0,
                    }),
                    ..presets::single_leader(followers, AckMode::Async)
                };
                let mut s = Scenario {
                    format: FORMAT,
                    seed,
                    protocol: ProtocolConfig::SingleLeader(config),
                    network: Default::default(),
                    clocks: Vec::new(),
                    faults: actions,
                    workload: Default::default(),
                    interventions: Vec::new(),
                    schedule: Vec::new(),
                    until_ms: 5_000.0,
                };
                s.network.latency = Latency::Uniform {
                    min_ms: 1.0,
                    max_ms: 1.0 + jitter,
                };
                // Everything heals; every node is back; the joiner is added.
                s.faults.push(presets::at(SETTLE_MS, Action::HealAll));
                for i in 0..=followers {
                    s.faults
                        .push(presets::at(SETTLE_MS, Action::Recover { node: NodeId(i) }));
                }
                if joiner {
                    s.faults.push(presets::at(
                        SETTLE_MS + 10.0,
                        Action::AddFollower {
                            node: NodeId(followers),
                        },
                    ));
                }
                s
            },
        )
}

fn settled(sim: &Simulator<SingleLeaderNode>) -> Result<(), String> {
    let nodes = &sim.world().nodes;
    let leaders: Vec<usize> = (0..nodes.len()).filter(|&i| nodes[i].is_leader()).collect();
    let [l] = leaders[..] else {
        return Err(format!("leaders at the end: {leaders:?}"));
    };
    let leader = &nodes[l];
    let table = leader.table().to_view();
    let view = crate::node::Protocol::view(&**leader);
    for (i, n) in nodes.iter().enumerate() {
        if i == l {
            continue;
        }
        if !n.term().same_leadership(&leader.term()) {
            return Err(format!(
                "node {} believes {:?}, leader {:?}",
                i + 1,
                n.term(),
                leader.term()
            ));
        }
        if n.lsn() != leader.lsn() {
            return Err(format!(
                "node {} at LSN {}, leader at {}",
                i + 1,
                n.lsn(),
                leader.lsn()
            ));
        }
        let ops: Vec<OpId> = n.log().iter().map(|e| e.op).collect();
        let theirs: Vec<OpId> = leader
            .log()
            .iter()
            .filter(|e| e.lsn > n.lsn() - ops.len() as u64)
            .map(|e| e.op)
            .collect();
        if !theirs.ends_with(&ops) && !ops.ends_with(&theirs) {
            return Err(format!(
                "node {} log {ops:?} is not the leader's {theirs:?}",
                i + 1
            ));
        }
        let diff = diff_tables(&table, &n.table().to_view());
        if !diff.is_empty() {
            return Err(format!("node {} table differs: {diff:?}", i + 1));
        }
        if crate::node::Protocol::view(&**n).data != view.data {
            return Err(format!("node {} data differs", i + 1));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(crate::protocol::sweep_config(96))]

    #[test]
    fn after_every_fault_heals_the_cluster_settles_on_one_leader_and_one_history(s in arb_scenario()) {
        prop_assert_eq!(s.validate(), Ok(()));
        let mut sim = crate::protocol::simulator::<SingleLeaderConfig>(&s).unwrap();
        sim.run();
        if let Err(why) = settled(&sim) {
            return Err(TestCaseError::fail(format!("{why}\nscenario: {}", s.to_json())));
        }
    }
}
