//! Raft's safety properties over random crashes, recoveries, partitions,
//! message loss, membership changes and leadership transfers, step by
//! step (failing scenarios are printed):
//! - at most one leader per term (Election Safety);
//! - a committed entry is never changed or lost: every server's committed
//!   prefix agrees with every other's (State Machine Safety), under every
//!   read mode but the unsafe commit toggle;
//! - no acknowledged write is lost, and reads through the log, ReadIndex
//!   and leases within their margin are linearizable (the run's own
//!   checkers find nothing);
//! - once every fault heals and every server is back, every member has
//!   learnt what it had committed well before the end,
//!   and members at the leader's commit index hold its data.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use proptest::prelude::*;

use crate::latency::Latency;
use crate::node::{NodeId, OpId, Protocol, Request};
use crate::protocol::raft::*;
use crate::protocol::ProtocolConfig;
use crate::scenario::{Action, Scenario, Timed};

const SETTLE_MS: f64 = 1_500.0;

fn at(at_ms: f64, action: Action) -> Timed {
    Timed { at_ms, action }
}

fn arb_fault(n: u16) -> impl Strategy<Value = Timed> {
    (0.0f64..SETTLE_MS, 0u8..7, 0u16..9, 0u16..9).prop_map(move |(t, kind, a, b)| {
        let (a, b) = (NodeId(a % n), NodeId(b % n));
        let action = match kind {
            0 | 1 => Action::Crash { node: a },
            2 => Action::Recover { node: a },
            3 | 4 => Action::Partition {
                from: vec![a],
                to: vec![b],
                two_way: kind == 3,
            },
            5 => Action::Promote { node: a },
            _ => Action::AddFollower { node: a },
        };
        at(t, action)
    })
}

fn arb_scenario() -> impl Strategy<Value = Scenario> {
    (
        3u16..6,
        0u8..4,
        any::<bool>(),
        any::<bool>(),
        any::<u64>(),
        0.0f64..0.05,
        0u16..6,
        any::<bool>(),
    )
        .prop_flat_map(|(servers, reads, pre_vote, joiner, seed, drop, snapshot, batch1)| {
            let n = servers + u16::from(joiner);
            (
                Just((servers, reads, pre_vote, joiner, seed, drop, snapshot, batch1)),
                proptest::collection::vec(arb_fault(n), 0..12),
                proptest::collection::vec((0u16..9, any::<bool>(), 0u8..3, 0.0f64..SETTLE_MS + 500.0), 1..25),
            )
        })
        .prop_map(|((servers, reads, pre_vote, joiner, seed, drop, snapshot, batch1), faults, ops)| {
            let n = servers + u16::from(joiner);
            let config = RaftConfig {
                servers: n,
                outside: if joiner { vec![NodeId(servers)] } else { vec![] },
                election_ms: 60.0,
                heartbeat_ms: 15.0,
                pre_vote,
                check_quorum: reads == 2 || pre_vote,
                reads: [ReadMode::Log, ReadMode::ReadIndex, ReadMode::Lease, ReadMode::ReadIndex][usize::from(reads)],
                // A lease well inside its margin: no clock drifts here.
                lease_ms: Some(40.0),
                snapshot_every: snapshot * 2,
                max_batch: if batch1 { 1 } else { 64 },
                retry_ms: 80.0,
                ..RaftConfig::default()
            };
            let mut s = crate::presets::base(ProtocolConfig::Raft(config), 3_000.0);
            s.seed = seed;
            s.network.drop = drop;
            s.network.latency = Latency::Uniform { min_ms: 1.0, max_ms: 6.0 };
            s.faults = faults;
            s.faults.push(at(SETTLE_MS, Action::HealAll));
            for i in 0..n {
                s.faults.push(at(SETTLE_MS, Action::Recover { node: NodeId(i) }));
            }
            for (i, (node, is_write, key, t)) in ops.into_iter().enumerate() {
                let key = String::from(["x", "y", "z"][usize::from(key)]);
                let request = if is_write {
                    Request::Write { key, value: i as i64 }
                } else {
                    Request::read(&key)
                };
                s.workload.ops.push(at(t, Action::Client { node: NodeId(node % n), request }));
            }
            s
        })
}

/// Each server's committed entries as (index → term, op).
fn committed(node: &RaftNode) -> Vec<(u64, u32, Option<OpId>)> {
    let upto = node.volatile.commit.min(node.log.last_index());
    (node.log.base + 1..=upto)
        .filter_map(|i| node.log.get(i).map(|e| (i, e.term, e.op())))
        .collect()
}

fn check_steps(s: &Scenario) -> Result<(), String> {
    let mut sim = crate::protocol::simulator::<RaftConfig>(s).ok_or("no simulator")?;
    let mut leader_of: BTreeMap<u32, usize> = BTreeMap::new();
    let mut chosen: BTreeMap<u64, (u32, Option<OpId>)> = BTreeMap::new();
    // The leader's commit index a while before the end: by the end
    // every member has learnt at least that much.
    let late = crate::scenario_parts::ms_to_instant(s.until_ms - 300.0);
    let mut late_commit = None;
    while sim.step() {
        let w = sim.world();
        if late_commit.is_none() && sim.now() >= late {
            late_commit = w.nodes.iter().filter(|n| n.is_leader()).map(|n| n.volatile.commit).max();
        }
        for (i, n) in w.nodes.iter().enumerate() {
            if n.is_leader() {
                if let Some(&other) = leader_of.get(&n.term) {
                    if other != i {
                        return Err(format!("nodes {} and {} both lead term {}", other + 1, i + 1, n.term));
                    }
                }
                leader_of.insert(n.term, i);
            }
            for (index, term, op) in committed(n) {
                match chosen.get(&index) {
                    Some(&c) if c != (term, op) => {
                        return Err(format!(
                            "node {} committed ({term}, {op:?}) at {index}, where {c:?} was committed at {}",
                            i + 1,
                            sim.now().0
                        ))
                    }
                    _ => {
                        chosen.insert(index, (term, op));
                    }
                }
            }
        }
    }
    // Settled: one leader, every member the same.
    let w = sim.world();
    // The leader of the newest term (an election may be under way at the
    // very end, when a few heartbeats in a row were lost: then there is
    // none, and only the commit check below applies).
    let newest = (0..w.nodes.len())
        .filter(|&i| w.up[i] && w.nodes[i].is_leader())
        .max_by_key(|&i| w.nodes[i].term);
    let Some(l) = newest else {
        let lagging = w.nodes.iter().position(|n| {
            n.members().votes(n.id) && n.volatile.commit < late_commit.unwrap_or(0)
        });
        return match lagging {
            Some(i) => Err(format!("no leader at the end, and node {} has not learnt the commit index {late_commit:?}", i + 1)),
            None => Ok(()),
        };
    };
    let leader = &w.nodes[l];
    for (i, n) in w.nodes.iter().enumerate() {
        if !leader.members().listens(NodeId(i as u16)) {
            continue;
        }
        let behind = n.volatile.commit < late_commit.unwrap_or(0);
        let differs = n.volatile.commit == leader.volatile.commit && n.view().data != leader.view().data;
        if behind || differs {
            return Err(format!(
                "node {} at commit {} with {:?}; leader node {} at {} with {:?}",
                i + 1,
                n.volatile.commit,
                n.view().data,
                l + 1,
                leader.volatile.commit,
                leader.view().data
            ));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(crate::protocol::sweep_config(64))]

    #[test]
    fn one_leader_per_term_committed_entries_never_change_nothing_acknowledged_lost(s in arb_scenario()) {
        prop_assert_eq!(s.validate(), Ok(()));
        if let Err(why) = check_steps(&s) {
            return Err(TestCaseError::fail(format!("{why}\nscenario: {}", s.to_json())));
        }
        let run = crate::run::start(&s).unwrap();
        let anomalies = run.anomalies();
        if !anomalies.is_empty() {
            return Err(TestCaseError::fail(format!("{anomalies:?}\nscenario: {}", s.to_json())));
        }
    }
}
