//! Regressions from independent checks (issue "Correctness first"), each
//! built from its reproduction and swept over other keys, values, times
//! and coordinators, since the same bug hides in other shapes:
//! - a coordinator shipped a new version without the concurrent versions
//!   it kept, so a replica handed out a context covering a value it never
//!   showed, and a later write silently superseded that value;
//! - a hinted-handoff acknowledgement dropped a newer hint for the same
//!   home and key;
//! - a node that only ever held a write as a hint counted as holding it.

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

// What `use super::*` brought in when these compiled inside the
// protocol (see crates/engine/src/protocol_tests.rs).
use crate::check::AnomalyKind;
use crate::node::Outcome;
#[allow(unused_imports)]
use crate::node::*;
#[allow(unused_imports)]
use crate::protocol::leaderless::*;
use crate::run::{self, Run};
use crate::scenario::Scenario;
#[allow(unused_imports)]
use crate::vv::*;

fn start(json: &str) -> alloc::boxed::Box<dyn Run> {
    run::start(&Scenario::from_json(json).expect("valid JSON")).expect("valid scenario")
}

fn kinds(r: &dyn Run) -> Vec<AnomalyKind> {
    r.anomalies().iter().map(|a| a.kind).collect()
}

/// The sibling-loss reproduction: node 3 misses the first put (crashed),
/// gets the second, and a client reading it writes with its context.
/// `coordinator` takes the first two puts; `nodes` > 3 adds a node that
/// is no replica of the key.
fn sibling_loss(
    key: &str,
    (a, b, c): (i64, i64, i64),
    shift: f64,
    coordinator: u16,
    nodes: u16,
) -> String {
    let t = |ms: f64| ms + shift;
    format!(
        r#"{{"format":1,"seed":1,"protocol":{{"kind":"leaderless","nodes":{nodes},"n":3,"w":1,"r":1,"read_repair":true,"sloppy_quorum":false,"replica_timeout_ms":100,"request_timeout_ms":500,"hint_retry_ms":500,"pins":{{"{key}":1}}}},"network":{{"latency":{{"kind":"constant","ms":5}},"drop":0,"delivery":"fifo"}},"faults":[{{"at_ms":0,"do":"crash","node":3}},{{"at_ms":{rec},"do":"recover","node":3}}],"workload":{{"ops":[{{"at_ms":{t1},"do":"client","node":{coordinator},"op":"put","key":"{key}","values":[{a}],"context":{{}}}},{{"at_ms":{t2},"do":"client","node":{coordinator},"op":"put","key":"{key}","values":[{b}],"context":{{}}}},{{"at_ms":{t3},"do":"client","node":3,"op":"get","key":"{key}"}},{{"at_ms":{t4},"do":"client","node":3,"op":"put","key":"{key}","values":[{b},{c}],"context":{{"{coordinator}":2}}}},{{"at_ms":{t5},"do":"client","node":1,"op":"get","key":"{key}"}}]}},"until_ms":{end}}}"#,
        rec = t(50.0),
        t1 = t(10.0),
        t2 = t(60.0),
        t3 = t(100.0),
        t4 = t(130.0),
        t5 = t(300.0),
        end = t(400.0),
    )
}

fn values(o: &Option<Outcome>) -> Vec<i64> {
    match o {
        Some(Outcome::Values { values, .. }) => values.clone(),
        Some(Outcome::Read { value, .. }) => value.iter().copied().collect(),
        other => panic!("not a read: {other:?}"),
    }
}

#[test]
fn a_replica_that_missed_a_put_gets_the_concurrent_versions_with_the_next_one() {
    for (key, vals, shift, coordinator, nodes) in [
        ("cart", (1, 2, 9), 0.0, 1, 3),
        ("basket", (7, 8, 3), 3.5, 2, 3),
        ("cart", (1, 2, 9), 0.0, 4, 4),
        ("k", (-5, 40, 41), 11.0, 5, 5),
    ] {
        let json = sibling_loss(key, vals, shift, coordinator, nodes);
        let r = start(&json);
        let ops = &r.history().ops;
        // The read at node 3 shows both concurrent puts — not only the one
        // it received — so the client's context covers what it saw.
        assert_eq!(
            values(&ops[2].outcome),
            {
                let mut v = vec![vals.0, vals.1];
                v.sort();
                v
            },
            "{json}"
        );
        // The client saw both and replaced both: no update was lost. (Two
        // values side by side are no register's answer: not linearizable.)
        assert_eq!(
            kinds(&*r),
            [AnomalyKind::NotLinearizable],
            "{:?}\n{json}",
            r.anomalies()
        );
        let mut end = vec![vals.1, vals.2];
        end.sort();
        assert_eq!(values(&ops[4].outcome), end, "{json}");
        assert_eq!(r.summary().writes.lost, 0);
    }
}

/// The history the sibling-loss run recorded before its fix: node 3's
/// read showed only the second put (event 1#2), whose vector claims 1#1,
/// and the client's put with that context replaced the first put's value
/// everywhere. The lost-update checker must flag it from the history
/// alone, whatever the protocol did.
#[test]
fn the_lost_update_checker_flags_the_recorded_sibling_loss() {
    let history: crate::history::History =
        serde_json::from_str(include_str!("testdata/sibling_loss_before_fix.json"))
            .expect("fixture parses");
    let surviving = alloc::collections::BTreeSet::new();
    let input = crate::check::CheckInput {
        history: &history,
        surviving_writes: &surviving,
    };
    let found = crate::check::Checker::check(&crate::check::LostUpdates, &input);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].op.0, found[0].other.map(|o| o.0)), (0, Some(3)));
    assert!(
        found[0].explanation.contains("no read of cart"),
        "{}",
        found[0].explanation
    );
}

/// Nothing to flag when the read showed both versions it then replaced.
#[test]
fn the_lost_update_checker_accepts_a_context_that_a_read_showed() {
    let r = start(&sibling_loss("cart", (1, 2, 9), 0.0, 1, 3));
    let surviving = alloc::collections::BTreeSet::new();
    let input = crate::check::CheckInput {
        history: r.history(),
        surviving_writes: &surviving,
    };
    assert!(crate::check::Checker::check(&crate::check::LostUpdates, &input).is_empty());
}

/// The hint reproduction: node 4 stands in for node 3 twice; the second
/// hinted write arrives while the first one's handoff is on its way.
fn hint_overtaken(key: &str, first: i64, second: i64, second_at: f64, w: u8) -> String {
    format!(
        r#"{{"format":1,"seed":1,"protocol":{{"kind":"leaderless","nodes":4,"n":3,"w":{w},"r":1,"read_repair":false,"sloppy_quorum":true,"replica_timeout_ms":100,"request_timeout_ms":500,"hint_retry_ms":500,"pins":{{"{key}":1}}}},"network":{{"latency":{{"kind":"constant","ms":5}},"drop":0,"delivery":"fifo"}},"faults":[{{"at_ms":0,"do":"partition","from":[4],"to":[3],"two_way":true}},{{"at_ms":300,"do":"heal_all"}}],"workload":{{"ops":[{{"at_ms":10,"do":"client","node":4,"op":"write","key":"{key}","value":{first}}},{{"at_ms":{second_at},"do":"client","node":4,"op":"write","key":"{key}","value":{second}}},{{"at_ms":1900,"do":"client","node":3,"op":"read","key":"{key}"}}]}},"until_ms":2000}}"#
    )
}

#[test]
fn a_handoff_acknowledgement_drops_only_the_versions_handed_over() {
    // 612 ms: the second write reaches node 4's hint while the first
    // handoff (sent at 610 ms) is on its way; other times around it too.
    for (key, first, second, at, w) in [
        ("x", 1, 2, 612.0, 3),
        ("x", 1, 2, 611.0, 2),
        ("y", 10, 20, 613.5, 3),
        ("z", 5, 6, 614.0, 3),
    ] {
        let json = hint_overtaken(key, first, second, at, w);
        let mut sim = crate::protocol::simulator::<LeaderlessConfig>(
            &Scenario::from_json(&json).expect("valid"),
        )
        .unwrap();
        sim.run();
        let ops = &sim.history.ops;
        assert!(
            matches!(ops[1].outcome, Some(Outcome::Written { .. })),
            "{json}"
        );
        // Node 3 ends up with the second write too, and no hint is left.
        assert!(
            values(&ops[2].outcome).contains(&second),
            "{:?}\n{json}",
            ops[2].outcome
        );
        let left: usize = sim
            .world()
            .nodes
            .iter()
            .map(|n| n.hint_count())
            .sum();
        assert_eq!(left, 0, "{json}");
    }
}

/// The hint-only holder reproduction: node 4 held the write only as a
/// hint, handed it over, and then every home replica crashes.
#[test]
fn a_node_that_handed_a_hint_over_no_longer_counts_as_holding_it() {
    for (key, value, crash_at) in [("x", 1, 900.0), ("q", 77, 700.0)] {
        let json = format!(
            r#"{{"format":1,"seed":1,"protocol":{{"kind":"leaderless","nodes":4,"n":3,"w":3,"r":1,"read_repair":false,"sloppy_quorum":true,"pins":{{"{key}":1}}}},"network":{{"latency":{{"kind":"constant","ms":5}},"drop":0,"delivery":"fifo"}},"faults":[{{"at_ms":0,"do":"partition","from":[4],"to":[3],"two_way":true}},{{"at_ms":300,"do":"heal_all"}},{{"at_ms":{crash_at},"do":"crash","node":1}},{{"at_ms":{crash_at},"do":"crash","node":2}},{{"at_ms":{crash_at},"do":"crash","node":3}}],"workload":{{"ops":[{{"at_ms":10,"do":"client","node":4,"op":"write","key":"{key}","value":{value}}}]}},"until_ms":1000}}"#
        );
        let r = start(&json);
        assert_eq!(r.summary().writes.lost, 1, "{json}");
        assert_eq!(kinds(&*r), [AnomalyKind::LostWrite], "{json}");
        // Without the partition node 4 never held it: the same count.
        let plain = json.replace(
            r#"{"at_ms":0,"do":"partition","from":[4],"to":[3],"two_way":true},"#,
            "",
        );
        assert_eq!(start(&plain).summary().writes.lost, 1, "{plain}");
    }
    // A hint still held is a copy of the write: not lost.
    let held = r#"{"format":1,"seed":1,"protocol":{"kind":"leaderless","nodes":4,"n":3,"w":3,"r":1,"read_repair":false,"sloppy_quorum":true,"pins":{"x":1}},"network":{"latency":{"kind":"constant","ms":5},"drop":0,"delivery":"fifo"},"faults":[{"at_ms":0,"do":"partition","from":[4],"to":[3],"two_way":true},{"at_ms":200,"do":"crash","node":1},{"at_ms":200,"do":"crash","node":2},{"at_ms":200,"do":"crash","node":3}],"workload":{"ops":[{"at_ms":10,"do":"client","node":4,"op":"write","key":"x","value":1}]},"until_ms":400}"#;
    assert_eq!(start(held).summary().writes.lost, 0);
}
