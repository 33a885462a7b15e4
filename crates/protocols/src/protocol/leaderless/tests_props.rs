//! Properties of leaderless replication, swept over seeds (failing
//! scenarios are printed):
//! - strict quorum with w + r > n, writes one after another and no
//!   faults: no read is stale;
//! - w + r ≤ n: some seeds give stale reads;
//! - anti-entropy makes every key's replicas equal once the network heals;
//! - hinted handoff never loses an acknowledged write once nodes recover.

use crate::protocol::ProtocolConfig;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use proptest::prelude::*;

// What `use super::*` brought in when these compiled inside the
// protocol (see crates/engine/src/protocol_tests.rs).
use crate::latency::Latency;
use crate::node::Outcome;
#[allow(unused_imports)]
use crate::node::*;
use crate::presets;
#[allow(unused_imports)]
use crate::protocol::leaderless::*;
use crate::run;
use crate::scenario::{Action, Scenario, Timed};
#[allow(unused_imports)]
use crate::vv::*;

/// One replica's versions of a key: each sibling's values and dot.
type Copy = Vec<(Vec<i64>, crate::vv::Dot)>;

fn scenario(config: LeaderlessConfig, seed: u64, jitter: f64, until_ms: f64) -> Scenario {
    let mut s = presets::base(ProtocolConfig::Leaderless(config), until_ms);
    s.seed = seed;
    s.network.latency = Latency::Uniform {
        min_ms: 1.0,
        max_ms: 1.0 + jitter,
    };
    s
}

fn config(nodes: u16, n: u8, w: u8, r: u8) -> LeaderlessConfig {
    LeaderlessConfig {
        nodes,
        n,
        w,
        r,
        ..LeaderlessConfig::default()
    }
}

fn arb_quorum() -> impl Strategy<Value = (u16, u8, u8, u8)> {
    (3u16..8).prop_flat_map(|nodes| {
        (1u8..=nodes.min(5) as u8).prop_flat_map(move |n| {
            (1u8..=n).prop_flat_map(move |w| {
                // r such that w + r > n.
                ((n + 1 - w).max(1)..=n).prop_map(move |r| (nodes, n, w, r))
            })
        })
    })
}

proptest! {
    #![proptest_config(crate::protocol::sweep_config(64))]

    #[test]
    fn strict_overlapping_quorums_never_read_stale(
        (nodes, n, w, r) in arb_quorum(),
        seed in any::<u64>(),
        jitter in 0.0f64..30.0,
        ops in proptest::collection::vec((0u16..8, any::<bool>(), 0u8..3, 0i64..100), 1..20),
    ) {
        let mut s = scenario(config(nodes, n, w, r), seed, jitter, 200.0 * ops.len() as f64 + 500.0);
        // One operation every 200 ms: each write finishes before the next
        // starts, so no two writes are concurrent.
        for (i, (node, is_write, key, value)) in ops.into_iter().enumerate() {
            let key = format!("k{key}");
            let node = node % nodes;
            let action = if is_write {
                presets::write(node, &key, value)
            } else {
                presets::read(node, &key)
            };
            s.workload.ops.push(Timed { at_ms: 200.0 * i as f64 + 10.0, action });
        }
        let r = run::start(&s).expect("valid");
        let stale = r.summary().reads.stale;
        prop_assert_eq!(stale, 0, "scenario: {}", s.to_json());
    }

    #[test]
    fn anti_entropy_converges_replicas_after_the_network_heals(
        seed in any::<u64>(),
        nodes in 3u16..6,
        depth in 0u8..5,
        cuts in proptest::collection::vec((0u16..6, 0u16..6, 0.0f64..300.0), 0..6),
        writes in proptest::collection::vec((0u16..6, 0u8..6, 0.0f64..400.0, 0i64..9), 1..25),
    ) {
        let mut c = config(nodes, 3, 1, 1);
        c.read_repair = false;
        c.anti_entropy = Some(AntiEntropy { interval_ms: 150.0, depth, key_range: crate::merkle::FULL_RANGE });
        let mut s = scenario(c.clone(), seed, 5.0, 2_500.0);
        for (a, b, at_ms) in cuts {
            s.faults.push(Timed { at_ms, action: Action::Partition {
                from: vec![NodeId(a % nodes)], to: vec![NodeId(b % nodes)], two_way: true } });
        }
        s.faults.push(presets::at(500.0, Action::HealAll));
        for (node, key, at_ms, value) in writes {
            s.workload.ops.push(Timed { at_ms, action: presets::write(node % nodes, &format!("k{key}"), value) });
        }
        let mut sim = crate::protocol::simulator::<LeaderlessConfig>(&s).unwrap();
        sim.run();
        let nodes_state = &sim.world().nodes;
        for key in (0..6).map(|k| format!("k{k}")) {
            let homes = c.preference_list(&key);
            let copies: Vec<Option<Copy>> = homes
                .iter()
                .map(|h| nodes_state[h.index()].versions(&key).map(|v| v.iter().map(|s| (s.value.values.clone(), s.dot)).collect()))
                .collect();
            let held: Vec<_> = copies.iter().flatten().collect();
            if held.is_empty() { continue; }
            prop_assert!(
                copies.iter().all(|c| c.is_some() && c.as_ref() == Some(held[0])),
                "{key}: replicas {:?} hold {:?}\nscenario: {}", homes, copies, s.to_json()
            );
        }
    }

    #[test]
    fn hinted_handoff_never_loses_an_acknowledged_write(
        seed in any::<u64>(),
        nodes in 4u16..7,
        faults in proptest::collection::vec((0u8..3, 0u16..7, 0u16..7, 0.0f64..400.0), 0..8),
        writes in proptest::collection::vec((0u16..7, 0u8..4, 0.0f64..450.0, 0i64..9), 1..20),
    ) {
        let mut c = config(nodes, 3, 2, 1);
        c.sloppy_quorum = true;
        c.read_repair = false;
        let mut s = scenario(c.clone(), seed, 5.0, 3_000.0);
        for (kind, a, b, at_ms) in faults {
            let (a, b) = (NodeId(a % nodes), NodeId(b % nodes));
            let action = match kind {
                0 => Action::Crash { node: a },
                1 => Action::Recover { node: a },
                _ => Action::Partition { from: vec![a], to: vec![b], two_way: true },
            };
            s.faults.push(Timed { at_ms, action });
        }
        s.faults.push(presets::at(500.0, Action::HealAll));
        for i in 0..nodes {
            s.faults.push(presets::at(500.0, Action::Recover { node: NodeId(i) }));
        }
        for (node, key, at_ms, value) in writes {
            s.workload.ops.push(Timed { at_ms, action: presets::write(node % nodes, &format!("k{key}"), value) });
        }
        let mut sim = crate::protocol::simulator::<LeaderlessConfig>(&s).unwrap();
        sim.run();
        let world = sim.world();
        for op in sim.history.ops.iter().filter(|o| matches!(o.outcome, Some(Outcome::Written { .. }))) {
            let homes = c.preference_list(op.request.key());
            let holders = homes.iter().filter(|h| world.nodes[h.index()].has_applied(op.id)).count();
            prop_assert!(holders >= 1, "write #{} on no home replica\nscenario: {}", op.id.0, s.to_json());
        }
        let left: usize = world.nodes.iter().map(|n| n.hint_count()).sum();
        prop_assert_eq!(left, 0, "hints left over\nscenario: {}", s.to_json());
    }
}

#[test]
fn reads_can_be_stale_when_w_plus_r_is_at_most_n() {
    let mut stale = 0;
    for seed in 0..40u64 {
        let mut s = scenario(config(5, 3, 1, 1), seed, 40.0, 1_000.0);
        for i in 0..10u16 {
            let t = 10.0 + 80.0 * f64::from(i);
            s.workload
                .ops
                .push(presets::at(t, presets::write(i % 5, "x", i64::from(i))));
            s.workload
                .ops
                .push(presets::at(t + 20.0, presets::read((i + 2) % 5, "x")));
        }
        stale += run::start(&s).expect("valid").summary().reads.stale;
    }
    assert!(stale > 0, "no stale read in 40 seeds");
    let _ = String::new();
}
