//! Labels against their definitions, over random multi-leader runs with
//! crashes, partitions, skewed clocks and reads at any node (failing
//! scenarios are printed):
//! - a read from a leader is labelled stale exactly when that leader had
//!   applied neither a write acknowledged before the read began nor a
//!   later write whose own leader had applied it — judged from the nodes'
//!   records of applied writes, not from version vectors (followers take
//!   copies of keys, not writes, and keep no such record);
//! - a write is labelled lost exactly when no node that is up holds it:
//!   no leader applied it and no follower's copy reflects it;
//! - a discarded write counts once, however many writes beat it.
//!
//! And the regression from its reproduction: three concurrent writes
//! under last write wins discard two, not three.

use crate::protocol::ProtocolConfig;
use alloc::collections::BTreeSet;
use alloc::format;
use alloc::vec;
use alloc::vec::Vec;
use proptest::prelude::*;

// What `use super::*` brought in when these compiled inside the
// protocol (see crates/engine/src/protocol_tests.rs).
use crate::check::AnomalyKind;
use crate::latency::Latency;
#[allow(unused_imports)]
use crate::node::*;
use crate::node::{Outcome, Request};
use crate::presets;
#[allow(unused_imports)]
use crate::protocol::multi_leader::*;
use crate::run::Run;
use crate::scenario::{Action, ClockConfig, Scenario, Timed};
#[allow(unused_imports)]
use crate::vv::*;

fn arb_scenario() -> impl Strategy<Value = Scenario> {
    (
        2u8..4,
        0u8..2,
        any::<bool>(),
        any::<u64>(),
        proptest::collection::vec(-50.0f64..50.0, 4),
        proptest::collection::vec((0u8..4, 0u16..12, 0u16..12, 0.0f64..1_200.0), 1..40),
    )
        .prop_map(|(dcs, followers, lww, seed, skews, actions)| {
            let config = MultiLeaderConfig {
                datacenters: dcs,
                followers_per_datacenter: followers,
                resolution: if lww {
                    Resolution::LastWriteWins
                } else {
                    Resolution::None
                },
                cross_dc_ms: 30.0,
                ..MultiLeaderConfig::default()
            };
            let n = config.node_count();
            let mut s = presets::base(ProtocolConfig::MultiLeader(config.clone()), 2_000.0);
            s.seed = seed;
            s.network.latency = Latency::Uniform {
                min_ms: 1.0,
                max_ms: 8.0,
            };
            s.clocks = (0..config.dcs())
                .map(|dc| ClockConfig {
                    node: config.leader_of(dc),
                    offset_ms: skews[usize::from(dc)],
                    drift_ppm: 0.0,
                })
                .collect();
            for (i, (kind, a, b, at_ms)) in actions.into_iter().enumerate() {
                let (a, b) = (NodeId(a % n), NodeId(b % n));
                let key = format!("k{}", i % 2);
                let action = match kind {
                    0 if i % 5 == 0 => Action::Partition {
                        from: vec![a],
                        to: vec![b],
                        two_way: true,
                    },
                    0 | 1 => presets::read(a.0, &key),
                    _ => presets::write(a.0, &key, i as i64),
                };
                s.workload.ops.push(Timed { at_ms, action });
            }
            s.faults.push(presets::at(1_300.0, Action::HealAll));
            s
        })
}

proptest! {
    #![proptest_config(crate::protocol::sweep_config(150))]

    #[test]
    fn stale_and_discarded_labels_match_their_definitions(s in arb_scenario()) {
        let ProtocolConfig::MultiLeader(config) = &s.protocol else { unreachable!() };
        let mut sim = crate::protocol::simulator::<MultiLeaderConfig>(&s).unwrap();
        sim.run();
        let anomalies = sim.anomalies();
        let labelled = |kind| -> BTreeSet<u32> {
            anomalies.iter().filter(|a| a.kind == kind).map(|a| a.op.0).collect()
        };
        let history = &sim.history;
        // What each write's leader had applied when it took the write: a
        // later write replaces exactly what its leader had seen.
        let seen_by_writer: alloc::collections::BTreeMap<u32, crate::opset::OpSet> = history
            .ops
            .iter()
            .filter(|w| w.acknowledged_write())
            .filter_map(|w| {
                let step = w.complete_step? as usize;
                Some((w.id.0, sim.with_world_after(step, |world| world.nodes[w.node.index()].applied_ops())))
            })
            .collect();
        let mut stale = BTreeSet::new();
        for r in &history.ops {
            let (Request::Read { key, .. }, Some(Outcome::Read { .. } | Outcome::Values { .. }), Some(step)) =
                (&r.request, &r.outcome, r.complete_step)
            else {
                continue;
            };
            if !config.is_leader(r.node) {
                if labelled(AnomalyKind::StaleRead).contains(&r.id.0) {
                    stale.insert(r.id.0);
                }
                continue;
            }
            let applied = sim.with_world_after(step as usize + 1, |w| w.nodes[r.node.index()].applied_ops());
            let missed = history.ops.iter().any(|w| {
                w.acknowledged_write()
                    && w.request.key() == key.as_str()
                    && w.completed_at.is_some_and(|t| t < r.invoked_at)
                    && !applied.contains(w.id)
                    && !history.ops.iter().any(|x| {
                        x.request.key() == key.as_str()
                            && applied.contains(x.id)
                            && seen_by_writer.get(&x.id.0).is_some_and(|seen| seen.contains(w.id))
                    })
            });
            if missed {
                stale.insert(r.id.0);
            }
        }
        prop_assert_eq!(labelled(AnomalyKind::StaleRead), stale, "scenario: {}", s.to_json());
        let world = sim.world();
        let lost: BTreeSet<u32> = history.ops.iter().filter(|w| w.acknowledged_write()).filter(|w| {
            let dot = w.outcome.as_ref().and_then(Outcome::causal).and_then(|c| c.dots.first().copied());
            !world.nodes.iter().zip(&world.up).any(|(n, up)| {
                *up && (n.has_applied(w.id)
                    || dot.is_some_and(|d| n.store.get(w.request.key()).is_some_and(|c| c.writers.iter().any(|wr| wr.dot == d) || c.vv.contains(d))))
            })
        }).map(|w| w.id.0).collect();
        prop_assert_eq!(labelled(AnomalyKind::LostWrite), lost, "scenario: {}", s.to_json());
        let discarded = labelled(AnomalyKind::DiscardedWrite).len() as u64;
        prop_assert_eq!(sim.summary().writes.discarded, discarded, "scenario: {}", s.to_json());
    }
}

#[test]
fn a_write_beaten_by_two_later_ones_is_discarded_once() {
    for (dcs, offsets) in [
        (3u8, [10.0, 11.0, 12.0, 0.0]),
        (4, [10.0, 10.5, 11.0, 30.0]),
    ] {
        let writes: Vec<alloc::string::String> = (0..dcs)
            .map(|d| {
                format!(
                    r#"{{"at_ms":{},"do":"client","node":{},"op":"write","key":"x","value":{}}}"#,
                    offsets[usize::from(d)],
                    d + 1,
                    d + 1
                )
            })
            .collect();
        let json = format!(
            r#"{{"format":1,"seed":1,"protocol":{{"kind":"multi_leader","datacenters":{dcs},"followers_per_datacenter":0,"cross_dc_ms":40,"resolution":"last_write_wins"}},"network":{{"latency":{{"kind":"constant","ms":1}}}},"workload":{{"ops":[{}]}},"until_ms":500}}"#,
            writes.join(",")
        );
        let s = Scenario::from_json(&json).expect("valid");
        let r = crate::run::start(&s).expect("runs");
        let summary = r.summary();
        // Every write but the newest is thrown away, each counted once.
        assert_eq!(summary.writes.discarded, u64::from(dcs) - 1, "{json}");
        assert!(summary.writes.discarded <= summary.writes.ok);
        let finals: BTreeSet<i64> = summary
            .nodes
            .iter()
            .filter_map(|n| n.view.data.get("x").copied())
            .collect();
        assert_eq!(finals.len(), 1, "{json}");
    }
}
