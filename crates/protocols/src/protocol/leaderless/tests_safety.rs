//! Safety properties of leaderless replication, checked after every step
//! of random runs with crashes, partitions, sloppy quorums and read
//! repair (failing scenarios are printed):
//! - every copy is honest: the history its version vector claims covers
//!   only versions it holds or that a version it holds replaced — a
//!   context read from it never claims a value it did not show;
//! - a write held as a hint reaches its home replica before the hint
//!   goes (checked at the end, long after the network healed);
//! - the labels match their definitions, computed from node state and
//!   values rather than from the versions the checkers use: a write is
//!   labelled lost exactly when no node that is up holds it (or a
//!   version that replaced it), and a read is labelled stale exactly when
//!   it shows neither an earlier acknowledged write's value nor the value
//!   of a write that replaced it.

use crate::protocol::ProtocolConfig;
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::String;
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
use crate::protocol::leaderless::*;
use crate::scenario::{Action, Scenario, Timed};
use crate::sim::Simulator;
use crate::vv::Dot;
#[allow(unused_imports)]
use crate::vv::*;

fn arb_scenario() -> impl Strategy<Value = Scenario> {
    (3u16..6)
        .prop_flat_map(|nodes| {
            (1u8..=nodes.min(4) as u8).prop_flat_map(move |n| {
                (
                    Just(nodes),
                    Just(n),
                    1u8..=n,
                    1u8..=n,
                    any::<bool>(),
                    any::<bool>(),
                    any::<u64>(),
                    proptest::collection::vec((0u8..3, 0u16..6, 0u16..6, 0.0f64..400.0), 0..8),
                    proptest::collection::vec((0u8..3, 0u16..6, 0u8..3, 0.0f64..1_200.0), 1..30),
                    50.0f64..500.0,
                    proptest::collection::vec((0u16..6, 800.0f64..2_500.0), 0..5),
                )
            })
        })
        .prop_map(
            |(nodes, n, w, r, sloppy, read_repair, seed, faults, ops, hint_retry_ms, late)| {
                let config = LeaderlessConfig {
                    nodes,
                    n,
                    w,
                    r,
                    sloppy_quorum: sloppy,
                    read_repair,
                    hint_retry_ms,
                    ..LeaderlessConfig::default()
                };
                let mut s = presets::base(ProtocolConfig::Leaderless(config), 3_000.0);
                s.seed = seed;
                s.network.latency = Latency::Uniform {
                    min_ms: 1.0,
                    max_ms: 12.0,
                };
                for (kind, a, b, at_ms) in faults {
                    let (a, b) = (NodeId(a % nodes), NodeId(b % nodes));
                    let action = match kind {
                        0 => Action::Crash { node: a },
                        1 => Action::Recover { node: a },
                        _ => Action::Partition {
                            from: vec![a],
                            to: vec![b],
                            two_way: true,
                        },
                    };
                    s.faults.push(Timed { at_ms, action });
                }
                s.faults.push(presets::at(500.0, Action::HealAll));
                for i in 0..nodes {
                    s.faults
                        .push(presets::at(500.0, Action::Recover { node: NodeId(i) }));
                }
                // Crashes late in the run, for good: what the survivors
                // hold decides which writes are lost.
                for (node, at_ms) in late {
                    s.faults.push(presets::at(
                        at_ms,
                        Action::Crash {
                            node: NodeId(node % nodes),
                        },
                    ));
                }
                // Every write's value is unique (its index), so a read's
                // values name the writes it shows.
                for (i, (kind, node, key, at_ms)) in ops.into_iter().enumerate() {
                    let (node, key) = (node % nodes, format!("k{key}"));
                    let action = match kind {
                        0 => presets::write(node, &key, i as i64),
                        1 => Action::Client {
                            node: NodeId(node),
                            request: Request::Put {
                                key,
                                values: vec![i as i64],
                                context: Some(crate::vv::VersionVector::new()),
                                consistency: None,
                            },
                        },
                        _ => presets::read(node, &key),
                    };
                    s.workload.ops.push(Timed { at_ms, action });
                }
                s
            },
        )
}

/// Does `versions` hold `dot`, or a version whose writer had seen it?
fn covers(versions: &Siblings<Stored>, dot: Dot) -> bool {
    versions
        .iter()
        .any(|s| s.dot == dot || s.context.contains(dot))
}

/// Every version any node holds now, by key: stores, hints and the
/// records of coordinators that are no replica.
fn note_dots(
    world: &crate::sim::World<LeaderlessNode>,
    known: &mut BTreeMap<String, BTreeSet<Dot>>,
) {
    for n in &world.nodes {
        let copies = n
            .store
            .iter()
            .chain(n.coordinated.iter())
            .map(|(k, v)| (k.clone(), v))
            .chain(n.hints.iter().map(|((_, k), v)| (k.clone(), v)));
        for (key, versions) in copies {
            known.entry(key).or_default().extend(versions.dots());
        }
    }
}

fn check_honest(
    world: &crate::sim::World<LeaderlessNode>,
    known: &BTreeMap<String, BTreeSet<Dot>>,
) -> Result<(), String> {
    for (i, n) in world.nodes.iter().enumerate() {
        for (key, copy) in &n.store {
            let claimed = copy.context();
            for &d in known.get(key).into_iter().flatten() {
                if claimed.contains(d) && !covers(copy, d) {
                    return Err(format!(
                        "node {}'s copy of {key} claims {d} in {claimed} but neither holds it nor a version that replaced it",
                        i + 1
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The lost-write label against node state (see the property above).
fn check_lost_label(sim: &Simulator<LeaderlessNode>) -> Result<(), String> {
    let world = sim.world();
    let anomalies = crate::run::Run::anomalies(sim);
    let labelled: BTreeSet<u32> = anomalies
        .iter()
        .filter(|a| a.kind == AnomalyKind::LostWrite)
        .map(|a| a.op.0)
        .collect();
    let mut lost = BTreeSet::new();
    for w in sim.history.ops.iter().filter(|o| o.acknowledged_write()) {
        let Some(c) = w.outcome.as_ref().and_then(Outcome::causal) else {
            continue;
        };
        let key = w.request.key();
        let held = world
            .nodes
            .iter()
            .zip(&world.up)
            .filter(|(_, up)| **up)
            .any(|(n, _)| {
                c.dots.iter().all(|&d| {
                    n.store.get(key).is_some_and(|v| covers(v, d))
                        || n.hints.iter().any(|((_, k), v)| k == key && covers(v, d))
                })
            });
        if !held {
            lost.insert(w.id.0);
        }
    }
    if labelled == lost {
        Ok(())
    } else {
        Err(format!(
            "labelled lost {labelled:?}, lost by node state {lost:?}"
        ))
    }
}

proptest! {
    #![proptest_config(crate::protocol::sweep_config(200))]

    /// Sloppy quorums with stand-ins that hand their hints over, then
    /// crashes late in the run: the lost-write label must follow what
    /// the nodes still up hold, not what they once held as hints.
    #[test]
    fn lost_labels_follow_what_survivors_hold_after_handoffs(
        seed in any::<u64>(),
        cut in 0u16..3,
        writes in proptest::collection::vec((0u16..4, 0.0f64..250.0, 0i64..9), 1..6),
        crashes in proptest::collection::vec((0u16..4, 700.0f64..950.0), 0..5),
    ) {
        let config = LeaderlessConfig {
            nodes: 4,
            n: 3,
            w: 3,
            r: 1,
            sloppy_quorum: true,
            read_repair: false,
            ..LeaderlessConfig::default()
        };
        let mut s = presets::base(ProtocolConfig::Leaderless(config), 1_000.0);
        s.seed = seed;
        s.faults.push(presets::at(0.0, Action::Partition { from: vec![NodeId(3)], to: vec![NodeId(cut)], two_way: true }));
        s.faults.push(presets::at(300.0, Action::HealAll));
        for (node, at_ms) in crashes {
            s.faults.push(presets::at(at_ms, Action::Crash { node: NodeId(node) }));
        }
        for (node, at_ms, value) in writes {
            s.workload.ops.push(presets::at(at_ms, presets::write(node, "x", value)));
        }
        let mut sim = crate::protocol::simulator::<LeaderlessConfig>(&s).unwrap();
        sim.run();
        let lost = check_lost_label(&sim);
        prop_assert!(lost.is_ok(), "{}\nscenario: {}", lost.unwrap_err(), s.to_json());
    }

    #[test]
    fn copies_stay_honest_hints_arrive_and_labels_match_their_definitions(s in arb_scenario()) {
        let mut sim = crate::protocol::simulator::<LeaderlessConfig>(&s).unwrap();
        let mut known: BTreeMap<String, BTreeSet<Dot>> = BTreeMap::new();
        // (home, key, dot) of every version ever held as a hint.
        let mut hinted: BTreeSet<(NodeId, String, Dot)> = BTreeSet::new();
        while sim.step() {
            let world = sim.world();
            note_dots(world, &mut known);
            for n in &world.nodes {
                for ((home, key), v) in &n.hints {
                    for d in v.dots() {
                        hinted.insert((*home, key.clone(), d));
                    }
                }
            }
            let honest = check_honest(world, &known);
            prop_assert!(honest.is_ok(), "at {}: {}\nscenario: {}", sim.now(), honest.unwrap_err(), s.to_json());
        }
        let world = sim.world();
        for (home, key, d) in &hinted {
            let there = world.nodes[home.index()].store.get(key).is_some_and(|v| covers(v, *d));
            // A stand-in that crashed for good still holds its hint.
            let still_hinted = world.nodes.iter().any(|n| {
                n.hints.get(&(*home, key.clone())).is_some_and(|v| covers(v, *d))
            });
            prop_assert!(there || still_hinted, "{d} was held as a hint for {home} but never reached it\nscenario: {}", s.to_json());
        }

        let history = &sim.history;
        let anomalies = crate::run::Run::anomalies(&sim);
        let labelled = |kind| -> BTreeSet<u32> {
            anomalies.iter().filter(|a| a.kind == kind).map(|a| a.op.0).collect()
        };
        let lost = check_lost_label(&sim);
        prop_assert!(lost.is_ok(), "{}\nscenario: {}", lost.unwrap_err(), s.to_json());

        // Stale: judged by values. Writes by value (values are unique).
        let by_value: BTreeMap<i64, &crate::history::Operation> = history
            .ops
            .iter()
            .filter_map(|o| match &o.request {
                Request::Write { value, .. } => Some((*value, o)),
                Request::Put { values, .. } => values.first().map(|v| (*v, o)),
                _ => None,
            })
            .collect();
        let mut stale = BTreeSet::new();
        let mut unjudged = BTreeSet::new();
        for r in &history.ops {
            let shown: Vec<i64> = match &r.outcome {
                Some(Outcome::Read { value, .. }) => value.iter().copied().collect(),
                Some(Outcome::Values { values, .. }) => values.clone(),
                _ => continue,
            };
            // The writes shown, with the history each replaced (unknown
            // for a write that was not acknowledged: cannot judge).
            let mut replaced: Vec<&crate::vv::VersionVector> = Vec::new();
            for v in &shown {
                match by_value.get(v).and_then(|w| w.outcome.as_ref()).and_then(Outcome::causal) {
                    Some(c) => replaced.push(&c.context),
                    None => { unjudged.insert(r.id.0); }
                }
            }
            let missed = history.ops.iter().filter(|w| {
                w.acknowledged_write()
                    && w.request.key() == r.request.key()
                    && w.completed_at.is_some_and(|t| t < r.invoked_at)
            }).any(|w| {
                let value = by_value.iter().find(|(_, o)| o.id == w.id).map(|(v, _)| *v);
                let dot = w.outcome.as_ref().and_then(Outcome::causal).and_then(|c| c.dots.first().copied());
                !value.is_some_and(|v| shown.contains(&v))
                    && !dot.is_some_and(|d| replaced.iter().any(|ctx| ctx.contains(d)))
            });
            if missed {
                stale.insert(r.id.0);
            }
        }
        let flagged: BTreeSet<u32> = labelled(AnomalyKind::StaleRead).difference(&unjudged).copied().collect();
        let expected: BTreeSet<u32> = stale.difference(&unjudged).copied().collect();
        prop_assert_eq!(flagged, expected, "scenario: {}", s.to_json());
    }
}
