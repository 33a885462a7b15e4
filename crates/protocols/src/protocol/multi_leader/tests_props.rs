//! Property: whatever crashes, partitions and skewed clocks a
//! multi-leader run meets, once every fault is healed and every node is
//! back, every acknowledged write reaches every leader, and with any
//! conflict resolution (last write wins, every CRDT, every resolver)
//! every node — leaders and followers — ends with the same value for
//! every key (unless an update overtook its insert without causal
//! delivery, which must then be reported). Sweeps seeds and prints the
//! failing scenario.

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
use crate::node::{Outcome, Request};
use crate::presets;
#[allow(unused_imports)]
use crate::protocol::multi_leader::*;
use crate::scenario::{Action, ClockConfig, Scenario, Timed, FORMAT};
use crate::sim::Simulator;
#[allow(unused_imports)]
use crate::vv::*;

const SETTLE_MS: f64 = 800.0;

fn arb_action(n: u16) -> impl Strategy<Value = Timed> {
    (0.0f64..SETTLE_MS, 0u8..8, 0u16..20, 0u16..20, 0i64..6).prop_map(
        move |(at_ms, kind, a, b, v)| {
            let (a, b) = (NodeId(a % n), NodeId(b % n));
            let key = String::from(if v % 2 == 0 { "x" } else { "y" });
            let client = |request| Action::Client { node: a, request };
            let action = match kind {
                0 => Action::Crash { node: a },
                1 => Action::Recover { node: a },
                2 => Action::Partition {
                    from: vec![a],
                    to: vec![b],
                    two_way: v % 2 == 0,
                },
                3 => client(Request::Increment { key, by: v - 2 }),
                4 => client(Request::Add { key, value: v }),
                5 => client(Request::Remove { key, value: v }),
                _ => client(Request::Write { key, value: v }),
            };
            Timed { at_ms, action }
        },
    )
}

fn arb_resolution() -> impl Strategy<Value = (Resolution, CrdtKind, ResolverKind)> {
    (0u8..12).prop_map(|i| {
        let crdts = [
            CrdtKind::GCounter,
            CrdtKind::PnCounter,
            CrdtKind::GSet,
            CrdtKind::TwoPSet,
            CrdtKind::OrSet,
            CrdtKind::LwwRegister,
            CrdtKind::MvRegister,
        ];
        let resolvers = [
            ResolverKind::Higher,
            ResolverKind::Lower,
            ResolverKind::MergeSets,
            ResolverKind::Review,
        ];
        match i {
            0 => (
                Resolution::LastWriteWins,
                CrdtKind::default(),
                ResolverKind::default(),
            ),
            1..=7 => (
                Resolution::Crdt,
                crdts[usize::from(i - 1)],
                ResolverKind::default(),
            ),
            _ => (
                Resolution::Resolver,
                CrdtKind::default(),
                resolvers[usize::from(i - 8)],
            ),
        }
    })
}

fn arb_scenario() -> impl Strategy<Value = Scenario> {
    (
        (2u8..5, 0u8..3, 0u8..3, any::<bool>()),
        arb_resolution(),
        any::<u64>(),
        0.0f64..20.0,
        proptest::collection::vec(-300.0f64..300.0, 5),
    )
        .prop_flat_map(|(shape, resolution, seed, jitter, skews)| {
            let (dcs, followers, _, _) = shape;
            let n = u16::from(dcs) * (1 + u16::from(followers));
            (
                Just((shape, resolution, seed, jitter, skews)),
                proptest::collection::vec(arb_action(n), 0..30),
            )
        })
        .prop_map(
            |(((dcs, followers, topology, causal), resolution, seed, jitter, skews), actions)| {
                let config = MultiLeaderConfig {
                    datacenters: dcs,
                    followers_per_datacenter: followers,
                    topology: [Topology::AllToAll, Topology::Circular, Topology::Star]
                        [usize::from(topology)],
                    resolution: resolution.0,
                    crdt: resolution.1,
                    resolver: resolution.2,
                    causal_delivery: causal,
                    cross_dc_ms: 40.0,
                    retry_ms: 200.0,
                    ..MultiLeaderConfig::default()
                };
                let nodes = config.node_count();
                let mut s = Scenario {
                    format: FORMAT,
                    seed,
                    protocol: ProtocolConfig::MultiLeader(config.clone()),
                    network: Default::default(),
                    clocks: (0..config.dcs())
                        .map(|dc| ClockConfig {
                            node: config.leader_of(dc),
                            offset_ms: skews[usize::from(dc)],
                            drift_ppm: 0.0,
                        })
                        .collect(),
                    faults: actions,
                    workload: Default::default(),
                    interventions: Vec::new(),
                    schedule: Vec::new(),
                    until_ms: 4_000.0,
                };
                s.network.latency = Latency::Uniform {
                    min_ms: 1.0,
                    max_ms: 1.0 + jitter,
                };
                s.faults.push(presets::at(SETTLE_MS, Action::HealAll));
                for i in 0..nodes {
                    s.faults
                        .push(presets::at(SETTLE_MS, Action::Recover { node: NodeId(i) }));
                }
                s
            },
        )
}

fn settled(sim: &Simulator<MultiLeaderNode>) -> Result<(), String> {
    let nodes = &sim.world().nodes;
    let acked: Vec<OpId> = sim
        .history
        .ops
        .iter()
        .filter(|o| matches!(o.outcome, Some(Outcome::Written { .. })))
        .map(|o| o.id)
        .collect();
    let first = nodes[0].replica_state();
    // Row events without causal delivery can skip an update that overtook
    // its insert; that divergence is allowed only if it was reported.
    let findings = &sim.world().findings;
    let overtaken = findings
        .iter()
        .any(|f| f.anomaly.kind == crate::check::AnomalyKind::CausalityViolation);
    for (i, n) in nodes.iter().enumerate() {
        if n.is_leader() {
            // An update skipped because it overtook its insert is not held,
            // and must have been reported as such, by this node.
            let skipped: Vec<OpId> = findings
                .iter()
                .filter(|f| f.node == NodeId(i as u16))
                .filter(|f| f.anomaly.kind == crate::check::AnomalyKind::CausalityViolation)
                .map(|f| f.anomaly.op)
                .collect();
            if let Some(op) = acked
                .iter()
                .find(|&&op| !n.has_applied(op) && !skipped.contains(&op))
            {
                return Err(format!("leader node {} never got write #{}", i + 1, op.0));
            }
        }
        if n.replica_state() != first && !overtaken {
            return Err(format!(
                "node {} holds {:?}, node 1 holds {:?}",
                i + 1,
                n.replica_state(),
                first
            ));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(crate::protocol::sweep_config(128))]

    #[test]
    fn every_resolution_converges_after_faults_heal(s in arb_scenario()) {
        prop_assert_eq!(s.validate(), Ok(()));
        let mut sim = crate::protocol::simulator::<MultiLeaderConfig>(&s).unwrap();
        sim.run();
        if let Err(why) = settled(&sim) {
            return Err(TestCaseError::fail(format!("{why}\nscenario: {}", s.to_json())));
        }
    }
}
