//! Scenario tests with fixed seeds: each leaderless preset ends the way
//! its description promises.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use crate::check::AnomalyKind;
use crate::node::{NodeId, Outcome};
use crate::presets;
use crate::run::{self, Run};
use crate::scenario::Scenario;

fn preset(id: &str) -> Scenario {
    presets::find(id).expect("preset exists").scenario()
}

fn run_of(s: &Scenario) -> alloc::boxed::Box<dyn Run> {
    run::start(s).expect("valid scenario")
}

/// Every client operation's outcome, in order, without the causal
/// position (tests of it look at it on its own).
fn outcomes(r: &dyn Run) -> Vec<Option<Outcome>> {
    r.history()
        .ops
        .iter()
        .map(|o| o.outcome.clone().map(without_causal))
        .collect()
}

fn without_causal(o: Outcome) -> Outcome {
    match o {
        Outcome::Written {
            version,
            epoch,
            leader,
            ..
        } => Outcome::Written {
            version,
            epoch,
            leader,
            causal: None,
        },
        Outcome::Read {
            value,
            version,
            epoch,
            leader,
            ..
        } => Outcome::Read {
            value,
            version,
            epoch,
            leader,
            causal: None,
        },
        Outcome::Values {
            values,
            version,
            siblings,
            ..
        } => Outcome::Values {
            values,
            version,
            causal: None,
            siblings,
        },
        other => other,
    }
}

fn read(value: Option<i64>, version: u64) -> Option<Outcome> {
    Some(Outcome::read(value, version))
}

fn notes(r: &dyn Run, needle: &str) -> Vec<String> {
    r.trace()
        .notes
        .iter()
        .filter(|n| n.text.contains(needle))
        .map(|n| n.text.clone())
        .collect()
}

#[test]
fn quorum_write_survives_one_replica_down_and_the_read_repairs_it() {
    let r = run_of(&preset("leaderless-quorum-one-down"));
    let o = outcomes(&*r);
    assert!(matches!(o[0], Some(Outcome::Written { version: 1, .. })));
    assert_eq!(o[1], read(Some(1), 1));
    assert_eq!(o[2], read(Some(1), 1));
    assert_eq!(notes(&*r, "Read repair: node 3").len(), 1);
    let ack = notes(&*r, "acknowledgements it needs");
    assert!(
        ack[0].contains("2 of the 2") && ack[0].contains("node 1, node 2"),
        "{ack:?}"
    );
    assert!(r.anomalies().is_empty());
}

#[test]
fn newer_version_vector_wins_and_is_written_back() {
    let r = run_of(&preset("leaderless-version-vectors"));
    let o = outcomes(&*r);
    assert_eq!(o[7], read(Some(900), 7));
    let view = &r.nodes_after(usize::MAX)[2].view;
    assert_eq!(view.data.get("x"), Some(&900));
    assert!(view
        .internals
        .iter()
        .any(|i| i.key == "x"
            && i.sibling.as_deref() == Some("{900}")
            && i.part == "write #6"
            && i.label() == "x = {900} · write #6"
            && i.value == "version [3, 2, 2]"));
    let reply = notes(&*r, "replies it needs");
    assert!(
        reply[0].contains("node 3: {600} at [2, 2, 2]") || reply[0].contains("[2, 2, 2]"),
        "{reply:?}"
    );
}

#[test]
fn strict_quorum_write_fails_and_says_why() {
    let r = run_of(&preset("leaderless-strict-quorum-fails"));
    let o = outcomes(&*r);
    let Some(Outcome::Failed { reason }) = &o[0] else {
        panic!("{o:?}");
    };
    assert!(
        reason.contains("only 1 of the 2 acknowledgements"),
        "{reason}"
    );
    assert!(reason.contains("node 2, node 3 did not answer"), "{reason}");
    assert!(matches!(&o[1], Some(Outcome::Failed { .. })));
}

#[test]
fn sloppy_quorum_writes_a_hint_and_hands_it_off() {
    let r = run_of(&preset("leaderless-sloppy-quorum"));
    let o = outcomes(&*r);
    assert!(matches!(o[0], Some(Outcome::Written { .. })));
    // The read on node 3 during the partition misses the write…
    assert_eq!(o[1], read(None, 0));
    let stale: Vec<u32> = r
        .anomalies()
        .iter()
        .filter(|a| a.kind == AnomalyKind::StaleRead)
        .map(|a| a.op.0)
        .collect();
    assert_eq!(stale, [1]);
    // …and after the handoff node 3 has it.
    assert_eq!(o[2], read(Some(1), 1));
    assert_eq!(
        notes(&*r, "with a hint that the value belongs on node 3").len(),
        1
    );
    assert_eq!(notes(&*r, "drops the hint").len(), 1);
    let mid = r.nodes_at(crate::time::Instant(350_000));
    assert_eq!(mid[3].view.internals.len(), 1, "node 4 holds one hint");
    assert_eq!(mid[3].view.internals[0].part, "hint for node 3");
    assert_eq!(mid[3].view.internals[0].label(), "hint for node 3");
    assert!(r.nodes_after(usize::MAX)[3].view.internals.is_empty());
}

#[test]
fn w_plus_r_at_most_n_gives_stale_reads() {
    let r = run_of(&preset("leaderless-w-plus-r-not-above-n"));
    assert_eq!(r.summary().reads.stale, 2);
    let s = preset("leaderless-w-plus-r-not-above-n");
    // With r = 3 (w + r > n) the same reads are fresh.
    let mut fixed = s.clone();
    if let crate::protocol::ProtocolConfig::Leaderless(c) = &mut fixed.protocol {
        c.r = 3;
    }
    let r = run_of(&fixed);
    assert_eq!(r.summary().reads.stale, 0);
    let _ = NodeId(0);
}

#[test]
fn anti_entropy_descends_only_into_the_differing_range() {
    let r = run_of(&preset("leaderless-anti-entropy"));
    let before = r.nodes_at(crate::time::Instant(350_000));
    assert_eq!(
        before[2].view.data.get("1000"),
        Some(&1),
        "node 3 missed the change"
    );
    let after = r.nodes_after(usize::MAX);
    for n in &after {
        for k in ["1000", "1250", "1500", "1750"] {
            assert_eq!(n.view.data.get(k), Some(&2), "{} {k}", n.node);
        }
    }
    assert_eq!(notes(&*r, "differ only in key range(s) 1000–2000").len(), 1);
    // Node 3 (initiator with node 1): root, two halves, two quarters.
    let node3 = &after[2].view;
    assert!(
        node3
            .fields
            .iter()
            .any(|(k, v)| k == "anti-entropy" && v == "6 hashes exchanged, 4 keys synced"),
        "{:?}",
        node3.fields
    );
    // In the exchange seen from node 3, the quarter 2000–3000 was compared
    // equal; nothing under the equal half was compared.
    let mid = r.nodes_at(crate::time::Instant(445_000));
    let tree = mid[2]
        .view
        .trees
        .iter()
        .find(|t| t.peer == NodeId(0))
        .unwrap();
    let verdicts: Vec<Vec<Option<bool>>> = tree
        .levels
        .iter()
        .map(|l| l.iter().map(|t| t.compared).collect())
        .collect();
    assert_eq!(
        verdicts,
        [
            vec![Some(false)],
            vec![Some(false), Some(true)],
            vec![Some(true), Some(false), None, None],
        ]
    );
}

#[test]
fn cart_writes_with_stale_contexts_keep_siblings_whose_union_is_the_cart() {
    let r = run_of(&preset("leaderless-shopping-cart"));
    let o = outcomes(&*r);
    assert_eq!(
        o[5],
        Some(Outcome::Values {
            values: vec![1, 2, 3, 4, 5],
            version: 5,
            causal: None,
            // The reader is handed both carts, not only their union.
            siblings: vec![vec![1, 3, 4], vec![1, 2, 3, 5]],
        })
    );
    // At 170 ms every replica holds exactly two siblings: {1, 3, 4} from
    // client 2 and {1, 2, 3, 5} from client 1.
    let mid = r.nodes_at(crate::time::Instant(170_000));
    for n in &mid {
        let siblings = n
            .view
            .fields
            .iter()
            .find(|(k, _)| k == "cart (2 siblings)")
            .map(|(_, v)| v.clone());
        assert_eq!(
            siblings.as_deref(),
            Some("{1, 3, 4} | {1, 2, 3, 5}"),
            "{}",
            n.node
        );
    }
    // The merged write-back leaves one version.
    let end = r.nodes_after(usize::MAX);
    assert!(end[0]
        .view
        .fields
        .iter()
        .any(|(k, v)| k == "cart" && v == "{1, 2, 3, 4, 5}"));
}

#[test]
fn consistency_levels_set_how_many_replicas_a_request_waits_for() {
    let r = run_of(&preset("leaderless-consistency-levels"));
    let latencies: Vec<u64> = r
        .history()
        .ops
        .iter()
        .map(|o| o.completed_at.map_or(u64::MAX, |c| c.0 - o.invoked_at.0))
        .collect();
    // ONE: the local copy; QUORUM: one 5 ms round trip; ALL: the far
    // replica's 100 ms each way. Reads alike.
    assert_eq!(latencies, [0, 10_000, 200_000, 0, 200_000]);
    assert_eq!(outcomes(&*r)[4], read(Some(3), 3));
}

#[test]
fn every_leaderless_preset_survives_a_json_round_trip() {
    for p in presets::all()
        .iter()
        .filter(|p| p.id.starts_with("leaderless"))
    {
        let s = p.scenario();
        let back = Scenario::from_json(&s.to_json()).expect(p.id);
        assert_eq!(back, s, "{}", p.id);
    }
}
