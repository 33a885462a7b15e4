//! Scenario tests with fixed seeds: every multi-leader preset ends the
//! way its description promises, plus the properties a run must keep for
//! any seed (every leader ends with every write; resolutions converge).

use crate::protocol::ProtocolConfig;
use alloc::string::String;
use alloc::vec::Vec;

// What `use super::*` brought in when these compiled inside the
// protocol (see crates/engine/src/protocol_tests.rs).
use crate::check::AnomalyKind;
use crate::node::Outcome;
#[allow(unused_imports)]
use crate::node::*;
use crate::presets;
#[allow(unused_imports)]
use crate::protocol::multi_leader::*;
use crate::run::{self, Run};
use crate::scenario::Scenario;
use crate::trace::StepKind;
#[allow(unused_imports)]
use crate::vv::*;

fn preset(id: &str) -> Scenario {
    presets::find(id).expect("preset exists").scenario()
}

fn run_of(s: &Scenario) -> alloc::boxed::Box<dyn Run> {
    run::start(s).expect("valid scenario")
}

/// Each node's final value of `key` as text ("" when absent).
fn finals(r: &dyn Run, key: &str) -> Vec<String> {
    r.nodes_after(usize::MAX)
        .into_iter()
        .map(|n| {
            n.view
                .data
                .get(key)
                .map(|v| alloc::format!("{v}"))
                .or_else(|| {
                    n.view
                        .fields
                        .iter()
                        .find(|(k, _)| k == key)
                        .map(|(_, v)| v.clone())
                })
                .unwrap_or_default()
        })
        .collect()
}

fn kinds(r: &dyn Run, kind: AnomalyKind) -> Vec<(u32, Option<u32>)> {
    r.anomalies()
        .into_iter()
        .filter(|a| a.kind == kind)
        .map(|a| (a.op.0, a.other.map(|o| o.0)))
        .collect()
}

fn config_of(s: &mut Scenario) -> &mut MultiLeaderConfig {
    match &mut s.protocol {
        ProtocolConfig::MultiLeader(c) => c,
        _ => panic!("multi-leader preset"),
    }
}

#[test]
fn price_conflict_without_resolution_leaves_datacenters_apart() {
    let r = run_of(&preset("multi-leader-price-conflict"));
    assert_eq!(finals(&*r, "price"), ["150", "150", "100", "100"]);
    assert_eq!(kinds(&*r, AnomalyKind::Conflict), [(1, Some(0))]);
    assert_eq!(kinds(&*r, AnomalyKind::Divergence).len(), 1);
}

#[test]
fn every_resolution_converges_on_the_price_conflict() {
    for (resolution, resolver, want) in [
        (Resolution::LastWriteWins, ResolverKind::Review, "150"),
        (Resolution::Resolver, ResolverKind::Higher, "150"),
        (Resolution::Resolver, ResolverKind::Lower, "100"),
        (Resolution::Resolver, ResolverKind::MergeSets, "{100, 150}"),
        (
            Resolution::Resolver,
            ResolverKind::Review,
            "conflict: 100 | 150",
        ),
    ] {
        let mut s = preset("multi-leader-price-conflict");
        let c = config_of(&mut s);
        c.resolution = resolution;
        c.resolver = resolver;
        let r = run_of(&s);
        assert_eq!(
            finals(&*r, "price"),
            [want; 4],
            "{resolution:?} {resolver:?}"
        );
        assert!(kinds(&*r, AnomalyKind::Divergence).is_empty());
        assert_eq!(kinds(&*r, AnomalyKind::Conflict).len(), 1);
    }
}

#[test]
fn last_write_wins_discards_exactly_the_expected_writes() {
    let r = run_of(&preset("multi-leader-lww-clock-skew"));
    // #0 loses to the concurrent #1 (stamp 50 ms > 10 ms); #2 comes 220 ms
    // after #1 in real time but node 3's clock says 40 ms.
    assert_eq!(
        kinds(&*r, AnomalyKind::DiscardedWrite),
        [(0, Some(1)), (2, Some(1))]
    );
    assert_eq!(r.summary().writes.discarded, 2);
    assert!(r
        .anomalies()
        .iter()
        .any(|a| a.op.0 == 2 && a.explanation.contains("220 ms after #1 in real time")));
    assert_eq!(finals(&*r, "x"), ["2"; 6]);
    // Every client was told its write succeeded.
    assert_eq!(r.summary().writes.ok, 4);
    // Followers get the merged version even when the value did not
    // change, so their reads of x = 2 are not stale.
    assert_eq!(r.summary().reads.stale, 0);
}

#[test]
fn without_skew_the_later_write_wins() {
    let mut s = preset("multi-leader-lww-clock-skew");
    s.clocks.clear();
    let r = run_of(&s);
    assert_eq!(kinds(&*r, AnomalyKind::DiscardedWrite), [(0, Some(1))]);
    assert_eq!(finals(&*r, "x"), ["3"; 6]);
}

#[test]
fn pn_counter_adds_both_increments() {
    let r = run_of(&preset("multi-leader-crdt-counter"));
    let reads: Vec<Option<i64>> = r
        .history()
        .ops
        .iter()
        .filter_map(|o| match &o.outcome {
            Some(Outcome::Read { value, .. }) => Some(*value),
            _ => None,
        })
        .collect();
    assert_eq!(
        reads,
        [Some(8); 4]
            .into_iter()
            .chain([Some(6); 4])
            .collect::<Vec<_>>()
    );
    let internals = &r.nodes_after(usize::MAX)[0].view.internals;
    assert!(
        internals
            .iter()
            .any(|i| i.key == "likes" && i.label() == "likes · node 3" && i.value == "+3 −0"),
        "{internals:?}"
    );
}

#[test]
fn counter_without_crdt_loses_an_increment() {
    for resolution in [Resolution::LastWriteWins, Resolution::None] {
        let mut s = preset("multi-leader-crdt-counter");
        config_of(&mut s).resolution = resolution;
        s.workload.ops.retain(|t| t.at_ms != 150.0);
        let r = run_of(&s);
        let f = finals(&*r, "likes");
        assert!(f.iter().all(|v| v != "8"), "{resolution:?}: {f:?}");
    }
}

#[test]
fn crdt_presets_end_as_described() {
    let r = run_of(&preset("multi-leader-crdt-or-set"));
    assert_eq!(finals(&*r, "cart"), ["{2}"; 4]);
    let r = run_of(&preset("multi-leader-crdt-2p-set"));
    assert_eq!(finals(&*r, "banned"), ["{8}"; 4]);
    assert_eq!(r.summary().writes.failed, 1, "the re-add of 7 is refused");
    let r = run_of(&preset("multi-leader-crdt-mv-register"));
    let both = r
        .history()
        .ops
        .iter()
        .find(|o| o.invoked_at.0 == 200_000)
        .and_then(|o| o.outcome.clone());
    assert!(
        matches!(&both, Some(Outcome::Values { values, version: 2, .. }) if values == &[1, 2]),
        "{both:?}"
    );
    assert_eq!(finals(&*r, "title"), ["{3}"; 4]);
}

#[test]
fn merge_sets_resolver_brings_a_removed_item_back() {
    let r = run_of(&preset("multi-leader-resolver-merge-cart"));
    assert_eq!(finals(&*r, "cart"), ["{1, 2, 3}"; 4]);
}

#[test]
fn review_lists_the_conflict_and_a_write_settles_it() {
    let mut s = preset("multi-leader-resolver-review");
    let r = run_of(&s);
    let review = &r.nodes_after(usize::MAX)[0].view.review;
    assert_eq!(review.len(), 1);
    assert_eq!(review[0].key, "price");
    let values: Vec<Option<i64>> = review[0].choices.iter().map(|c| c.value).collect();
    assert_eq!(values, [Some(100), Some(150)]);
    // A person keeps 150 at dc 2: that write has seen both, so it wins
    // everywhere and the flag clears.
    s.interventions.push(crate::presets::at(
        400.0,
        crate::scenario::Action::Client {
            node: NodeId(2),
            request: crate::node::Request::Write {
                key: "price".into(),
                value: 150,
            },
        },
    ));
    let r = run_of(&s);
    assert_eq!(finals(&*r, "price"), ["150"; 4]);
    assert!(r
        .nodes_after(usize::MAX)
        .iter()
        .all(|n| n.view.review.is_empty()));
}

#[test]
fn routing_by_home_gives_no_conflicts_until_failover() {
    let r = run_of(&preset("multi-leader-conflict-avoidance"));
    assert!(kinds(&*r, AnomalyKind::Conflict).is_empty());
    assert!(r
        .history()
        .ops
        .iter()
        .filter(|o| o.request.is_write())
        .all(|o| o.node == NodeId(0)));
    let r = run_of(&preset("multi-leader-avoidance-failover"));
    assert_eq!(kinds(&*r, AnomalyKind::Conflict), [(2, Some(1))]);
    let rerouted = r.history().ops.iter().find(|o| o.id.0 == 2).unwrap();
    assert_eq!(rerouted.node, NodeId(2));
}

#[test]
fn circular_forwards_round_the_ring_and_drops_the_returning_write() {
    let r = run_of(&preset("multi-leader-circular"));
    assert_eq!(finals(&*r, "x"), ["1"; 8]);
    // x = 1 from node 1 and y = 2 from node 5 each come back once.
    let dropped: usize = r
        .trace()
        .notes
        .iter()
        .filter(|n| n.text.contains("has come round"))
        .count();
    assert_eq!(dropped, 2);
    // Every replicate goes to the next leader only.
    for m in r.trace().messages.iter() {
        if r.trace().label(m) == "replicate" {
            assert_eq!((m.to.0 + 8 - m.from.0) % 8, 2, "{m:?}");
        }
    }
}

#[test]
fn star_hub_crash_delays_until_recovery() {
    let r = run_of(&preset("multi-leader-star"));
    let reads: Vec<(u64, Option<i64>)> = r
        .history()
        .ops
        .iter()
        .filter_map(|o| match &o.outcome {
            Some(Outcome::Read { value, .. }) if o.node.0 % 2 == 0 => {
                Some((o.invoked_at.0 / 1000, *value))
            }
            _ => None,
        })
        .collect();
    // At 700 ms the hub is down (its read fails) and only dc 2 itself has
    // y; at 2400 ms every leader does.
    assert_eq!(
        reads,
        [
            (700, Some(2)),
            (700, None),
            (700, None),
            (2400, Some(2)),
            (2400, Some(2)),
            (2400, Some(2)),
            (2400, Some(2)),
        ]
    );
}

#[test]
fn update_overtakes_insert_unless_delivery_is_causal() {
    let r = run_of(&preset("multi-leader-causal-overtaking"));
    assert_eq!(finals(&*r, "x"), ["11", "11", "11", "11", "1", "1"]);
    assert_eq!(kinds(&*r, AnomalyKind::CausalityViolation), [(1, None)]);
    let r = run_of(&preset("multi-leader-causal-delivery"));
    assert_eq!(finals(&*r, "x"), ["11"; 6]);
    assert!(r.anomalies().is_empty(), "{:?}", r.anomalies());
}

/// A leader reports each write last-write-wins discards at the step that
/// discarded it — a delivery of a newer write, or a client's write that
/// loses to one already there — whose narration says which disappeared.
#[test]
fn a_discarded_write_is_reported_at_the_step_that_discarded_it() {
    let s = preset("multi-leader-lww-clock-skew");
    let mut sim = crate::protocol::simulator::<MultiLeaderConfig>(&s).unwrap();
    sim.run();
    let discarded: Vec<_> = sim
        .world()
        .findings
        .iter()
        .filter(|f| f.anomaly.kind == AnomalyKind::DiscardedWrite)
        .collect();
    assert!(!discarded.is_empty(), "the preset discards a write");
    for f in discarded {
        let step = sim.trace.steps.get(f.step as usize).expect("a recorded step");
        assert_eq!(step.node, f.node);
        assert!(
            matches!(step.kind, StepKind::Deliver | StepKind::Client),
            "{:?}",
            step.kind
        );
        let told = sim
            .trace
            .notes
            .iter()
            .any(|n| n.step == f.step && n.text.starts_with("Last write wins at"));
        assert!(told, "step {} does not narrate the discard", f.step);
    }
}
