//! Property tests of the simulator: random but valid scenarios and
//! failover churn, swept over seeds; the failing case is printed.

use crate::protocol::Spec;
use alloc::collections::BTreeMap;
use alloc::vec;
use alloc::vec::Vec;

use proptest::prelude::*;

use super::tests::comparable;

use crate::latency::Latency;
use crate::node::{NodeId, Request};
use crate::protocol::chatter::ChatterConfig;
use crate::protocol::single_leader::{AckMode, Durability, SingleLeaderConfig, SingleLeaderNode};
use crate::protocol::ProtocolConfig;
use crate::run;
use crate::scenario::{
    Action, Delivery, LinkOverride, NetworkConfig, Scenario, Timed, Workload, FORMAT,
};
use crate::time::Instant;
use crate::trace::{Fate, StepKind};

/// Every single-leader setting: all three modes, some synchronous
/// followers, either durability, no to slow flushes, short timeouts.
fn arb_single_leader() -> impl Strategy<Value = SingleLeaderConfig> {
    (
        1u16..5,
        0u8..3,
        any::<u8>(),
        any::<bool>(),
        prop_oneof![Just(0.0), Just(0.5), Just(1.0), Just(7.0)],
        1.0f64..150.0,
    )
        .prop_map(|(followers, ack, sync_bits, received, flush_ms, timeout)| {
            SingleLeaderConfig {
                followers,
                ack: match ack {
                    0 => AckMode::Async,
                    1 => AckMode::Sync,
                    _ => AckMode::SemiSync,
                },
                sync_followers: (1..=followers)
                    .filter(|f| sync_bits & (1 << f) != 0)
                    .map(NodeId)
                    .collect(),
                semi_sync_timeout_ms: timeout,
                durability: if received {
                    Durability::Received
                } else {
                    Durability::Flushed
                },
                flush_ms,
                ..SingleLeaderConfig::default()
            }
        })
}

/// A random but valid scenario for the properties below.
fn arb_scenario() -> impl Strategy<Value = Scenario> {
    (
        any::<u64>(),
        prop_oneof![
            (2u16..8, 1u16..4).prop_map(|(nodes, fanout)| ProtocolConfig::Chatter(ChatterConfig {
                nodes,
                fanout
            })),
            arb_single_leader().prop_map(ProtocolConfig::SingleLeader),
        ],
        prop_oneof![
            (0.0f64..20.0).prop_map(|ms| Latency::Constant { ms }),
            (0.1f64..5.0, 0.0f64..30.0).prop_map(|(a, b)| Latency::Uniform {
                min_ms: a,
                max_ms: a + b
            }),
            (0.05f64..2.0).prop_map(|rate_per_ms| Latency::Exponential { rate_per_ms }),
            (0.1f64..3.0, 1.1f64..5.0).prop_map(|(xm_ms, alpha)| Latency::Pareto { xm_ms, alpha }),
        ],
        0.0f64..0.3,
        any::<bool>(),
        prop::collection::vec((0.0f64..300.0, 0u8..7, 0u16..8, 0u16..8), 0..8),
        prop::collection::vec((0.0f64..300.0, 0u16..8, any::<bool>()), 0..20),
    )
        .prop_map(|(seed, protocol, latency, drop, fifo, faults, ops)| {
            let n = protocol.spec().node_count();
            let node = |i: u16| NodeId(i % n);
            let faults = faults
                .into_iter()
                .map(|(at_ms, kind, a, b)| {
                    let action = match kind {
                        0 => Action::Crash { node: node(a) },
                        1 => Action::Recover { node: node(a) },
                        2 => Action::Partition {
                            from: vec![node(a)],
                            to: vec![node(b)],
                            two_way: a % 2 == 0,
                        },
                        3 => Action::Heal {
                            from: vec![node(a)],
                            to: vec![node(b)],
                            two_way: true,
                        },
                        4 => Action::SlowLink {
                            from: node(a),
                            to: node(b),
                            extra_ms: f64::from(b) * 3.0,
                            two_way: true,
                        },
                        5 => Action::Promote { node: node(a) },
                        _ => Action::HealAll,
                    };
                    Timed { at_ms, action }
                })
                .collect();
            let ops = ops
                .into_iter()
                .map(|(at_ms, target, write)| Timed {
                    at_ms,
                    action: Action::Client {
                        // Mostly to the first leader; sometimes elsewhere,
                        // which after a promotion may be the leader.
                        node: node(if write && target % 3 != 0 { 0 } else { target }),
                        request: if write {
                            Request::Write {
                                key: "x".into(),
                                value: at_ms as i64,
                            }
                        } else {
                            Request::read("x")
                        },
                    },
                })
                .collect();
            Scenario {
                format: FORMAT,
                seed,
                protocol,
                network: NetworkConfig {
                    latency,
                    drop,
                    delivery: if fifo {
                        Delivery::Fifo
                    } else {
                        Delivery::Reorder
                    },
                    links: vec![LinkOverride {
                        from: NodeId(0),
                        to: NodeId(1),
                        two_way: false,
                        latency: Some(Latency::Constant { ms: 2.0 }),
                        drop: None,
                        delivery: None,
                    }],
                    legs: None,
                },
                clocks: vec![],
                faults,
                workload: Workload {
                    ops,
                    generator: None,
                    routing: Default::default(),
                },
                interventions: vec![],
                schedule: Vec::new(),
                until_ms: 300.0,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    /// No panic; time never goes backwards; every delivered message was
    /// sent before it arrived, to the node whose step delivers it; nothing
    /// crosses a cut link; FIFO links keep order; runs repeat exactly.
    #[test]
    fn engine_invariants(s in arb_scenario()) {
        prop_assert_eq!(s.validate(), Ok(()));
        let run = run::start(&s).unwrap();
        let trace = run.trace();
        let mut last = Instant::ZERO;
        for step in trace.steps.iter() {
            prop_assert!(step.time >= last, "time went backwards at {:?}", step);
            last = step.time;
            if step.kind == StepKind::Deliver {
                let m = trace.message(step.subject).unwrap();
                prop_assert_eq!(m.fate, Fate::Delivered);
                prop_assert_eq!(m.to, step.node);
                prop_assert!(m.sent_at <= step.time && m.deliver_at == step.time);
                prop_assert!((m.sent_step as usize) < trace.steps.len());
            }
        }
        // Replaying the network state: no delivery across a link cut at that moment.
        for step in trace.steps.iter().filter(|s| s.kind == StepKind::Deliver) {
            let m = trace.message(step.subject).unwrap();
            let net = run.network_at(step.time);
            prop_assert!(!net.cut.contains(&(m.from, m.to)), "delivered across a cut link: {:?}", m);
        }
        if s.network.delivery == Delivery::Fifo {
            let mut last_on_link: BTreeMap<(u16, u16), (Instant, u32)> = BTreeMap::new();
            for (id, m) in trace.messages.iter().enumerate() {
                if m.fate != Fate::Delivered { continue; }
                if let Some((prev_at, prev_id)) = last_on_link.insert((m.from.0, m.to.0), (m.deliver_at, id as u32)) {
                    prop_assert!(prev_at <= m.deliver_at, "message {} overtook {}", id, prev_id);
                }
            }
        }
        prop_assert_eq!(run::start(&s).unwrap().summary().trace_hash, run.summary().trace_hash);
    }

    /// Forking at any time gives exactly the run with the intervention
    /// from the start.
    #[test]
    fn fork_matches_fresh_run(s in arb_scenario(), at_ms in 0.0f64..300.0, node in 0u16..8, promote in any::<bool>()) {
        let node = NodeId(node % s.node_count());
        let action = if promote { Action::Promote { node } } else { Action::Crash { node } };
        let intervention = Timed { at_ms, action };
        let original = run::start(&s).unwrap();
        let forked = original.forked(intervention.clone()).unwrap();
        let mut whole = s.clone();
        whole.interventions.push(intervention);
        prop_assert_eq!(comparable(&*forked), comparable(&*run::start(&whole).unwrap()));
        // Forking made a new run: the original is still the plain one.
        prop_assert_eq!(comparable(&*original), comparable(&*run::start(&s).unwrap()));
    }

    /// Whatever the faults and promotions, every single-leader node's log
    /// is numbered 1, 2, 3… with no write twice, its data is its log
    /// replayed, it never has more unflushed entries than it received, and
    /// two logs holding the same write at the same LSN agree on every
    /// entry before it.
    #[test]
    fn single_leader_logs_stay_consistent(mut s in arb_scenario(), config in arb_single_leader(), churn in arb_failovers()) {
        s.protocol = ProtocolConfig::SingleLeader(config);
        s.faults.extend(churn);
        let n = s.node_count();
        for t in s.faults.iter_mut().chain(s.workload.ops.iter_mut()) {
            clamp_nodes(&mut t.action, n);
        }
        s.network.links.retain(|l| l.from.0 < n && l.to.0 < n);
        prop_assert_eq!(s.validate(), Ok(()));
        let mut sim = crate::protocol::simulator::<SingleLeaderConfig>(&s).unwrap();
        let mut checked = 0;
        while sim.step() {
            checked += 1;
            if checked % 16 == 0 {
                check_logs(&sim.world().nodes)?;
            }
        }
        check_logs(&sim.world().nodes)?;
    }
}

/// Failover churn: promotions, one-way and two-way partitions, heals.
fn arb_failovers() -> impl Strategy<Value = Vec<Timed>> {
    prop::collection::vec((0.0f64..300.0, 0u8..4, 0u16..8, 0u16..8), 0..16).prop_map(|v| {
        v.into_iter()
            .map(|(at_ms, kind, a, b)| Timed {
                at_ms,
                action: match kind {
                    0 | 1 => Action::Promote { node: NodeId(a) },
                    2 => Action::Partition {
                        from: vec![NodeId(a)],
                        to: vec![NodeId(b)],
                        two_way: a % 2 == 0,
                    },
                    _ => Action::HealAll,
                },
            })
            .collect()
    })
}

/// Points every node an action names into a cluster of `n` nodes.
fn clamp_nodes(action: &mut Action, n: u16) {
    let fix = |id: &mut NodeId| id.0 %= n;
    match action {
        Action::Crash { node }
        | Action::Recover { node }
        | Action::Promote { node }
        | Action::AddFollower { node }
        | Action::Client { node, .. } => fix(node),
        Action::Session { .. } => {}
        Action::Partition { from, to, .. } | Action::Heal { from, to, .. } => {
            from.iter_mut().chain(to.iter_mut()).for_each(fix)
        }
        Action::SlowLink { from, to, .. } => {
            fix(from);
            fix(to);
        }
        Action::HealAll => {}
    }
}

fn check_logs(nodes: &[alloc::rc::Rc<SingleLeaderNode>]) -> Result<(), TestCaseError> {
    use crate::node::Protocol;
    for (i, node) in nodes.iter().enumerate() {
        let log = node.log();
        let mut seen = alloc::collections::BTreeSet::new();
        let mut data = BTreeMap::new();
        for (k, e) in log.iter().enumerate() {
            prop_assert_eq!(
                e.lsn,
                k as u64 + 1,
                "node {} log is not numbered in order",
                i + 1
            );
            prop_assert!(
                seen.insert(e.op),
                "node {} holds write {:?} twice",
                i + 1,
                e.op
            );
            if let crate::protocol::single_leader::Change::Put { key, value } = &e.change {
                data.insert(key.clone(), *value);
            }
        }
        prop_assert_eq!(
            &node.view().data,
            &data,
            "node {} data is not its log",
            i + 1
        );
        prop_assert!(node.received_lsn() >= node.lsn());
    }
    for a in nodes {
        for b in nodes {
            let (la, lb) = (a.log(), b.log());
            let common = la.len().min(lb.len());
            if let Some(k) = (0..common).rev().find(|&k| la[k].op == lb[k].op) {
                prop_assert_eq!(
                    &la[..=k],
                    &lb[..=k],
                    "logs share LSN {} but differ before it",
                    k + 1
                );
            }
        }
    }
    Ok(())
}
