//! Single-leader promotion with fixed seeds and exact outcomes: what a new
//! leader never had is truncated, a deposed leader's divergent entries are
//! found by comparing entries (not only by log position), and how it
//! learns of the newer epoch.

use alloc::vec;
use alloc::vec::Vec;

// What `use super::*` brought in when these compiled inside the
// protocol (see crates/engine/src/protocol_tests.rs).
#[allow(unused_imports)]
use crate::node::*;
use crate::node::{NodeId, OpId, Outcome};
use crate::presets;
#[allow(unused_imports)]
use crate::protocol::single_leader::*;
use crate::run::Run;
use crate::scenario::{Action, Scenario};
use crate::time::Instant;
use crate::trace::StepKind;
#[allow(unused_imports)]
use crate::vv::*;
use super::tests::*;

/// Node 2 has LSN 1 but not 2 when it is promoted; node 3 has both and
/// must discard LSN 2 when it follows node 2.
fn promotion_scenario() -> Scenario {
    let mut s = scenario(config(2, AckMode::Async), 200.0);
    s.faults = vec![
        at(
            15.0,
            Action::SlowLink {
                from: node(1),
                to: node(2),
                extra_ms: 100.0,
                two_way: false,
            },
        ),
        at(25.0, Action::Crash { node: node(1) }),
        at(40.0, Action::Promote { node: node(2) }),
    ];
    s.workload.ops = vec![
        at(10.0, write(1, "x", 1)),
        at(20.0, write(1, "y", 2)),
        at(60.0, write(2, "z", 3)),
        at(80.0, write(3, "w", 4)),
        at(90.0, read(3, "y")),
    ];
    s
}

#[test]
fn promotion_truncates_what_the_new_leader_never_had() {
    let sim = simulate(&promotion_scenario());
    let before = sim.world_at(Instant::from_millis(45));
    assert_eq!(log_ops(&before.nodes[2]), vec![0, 1]);
    assert_eq!(before.nodes[1].term().since, 1);
    let after = sim.world_at(Instant::from_millis(55));
    assert_eq!(log_ops(&after.nodes[2]), vec![0], "LSN 2 (y = 2) discarded");
    assert_eq!(after.nodes[2].view().data.get("y"), None);
    assert_eq!(after.nodes[2].term().leader, node(2));
    // The new leader's write lands at LSN 2 on both.
    let end = sim.world();
    assert_eq!(log_ops(&end.nodes[1]), vec![0, 2]);
    assert_eq!(log_ops(&end.nodes[2]), vec![0, 2]);
    assert_eq!(done_ms(&sim, 2), Some(60.0));
    assert_eq!(
        outcome(&sim, 2),
        Outcome::Written {
            version: 2,
            epoch: Some(2),
            leader: Some(NodeId(1)),
            causal: None,
        }
    );
    // Writes to a follower name the leader now in charge.
    assert!(matches!(outcome(&sim, 3), Outcome::Failed { reason }
        if reason == "node 3 is a read-only follower: writes go to the leader (node 2, epoch 2)"));
    assert_eq!(outcome(&sim, 4), Outcome::read(None, 0));
    let s = sim.summary();
    assert_eq!(
        (s.writes.ok, s.writes.failed, s.writes.lost, s.reads.stale),
        (3, 1, 1, 1)
    );
    assert_eq!(s.anomalies[0].op, OpId(1), "y = 2 is the lost write");
    // The slow copy of y = 2 reached node 2 in epoch 2 and was ignored.
    assert!(!end.nodes[1].has_applied(OpId(1)));
    let leader = end.nodes[1].view();
    assert_eq!(
        (leader.role.name(), field(&leader, "epoch")),
        ("leader", "2")
    );
    assert_eq!(
        field(&leader, "acknowledged"),
        "node 1: LSN 0 (lag 2), node 3: LSN 2 (lag 0)"
    );
}

/// Node 1, cut off, writes a = 1 at LSN 2; node 3 leads epoch 2 and
/// writes b = 2 at LSN 2, which reaches node 2; node 3 crashes and node 2
/// leads epoch 3 from LSN 2. Node 1's LSN 2 is below that, so truncating
/// at the new leader's starting LSN keeps it: only comparing entries finds
/// it. `heal_ms` and `c_ms` decide how node 1 learns of epoch 3.
fn diverged_old_leader(heal_ms: f64, c_ms: f64) -> Scenario {
    let mut s = scenario(config(2, AckMode::Async), 250.0);
    s.faults = vec![
        at(
            30.0,
            Action::Partition {
                from: vec![node(1)],
                to: vec![node(2), node(3)],
                two_way: true,
            },
        ),
        at(50.0, Action::Promote { node: node(3) }),
        at(90.0, Action::Crash { node: node(3) }),
        at(heal_ms, Action::HealAll),
        at(100.0, Action::Promote { node: node(2) }),
    ];
    s.workload.ops = vec![
        at(10.0, write(1, "x", 1)),
        at(40.0, write(1, "a", 1)),
        at(70.0, write(3, "b", 2)),
        at(c_ms, write(2, "c", 3)),
    ];
    s
}

#[test]
fn a_diverged_old_leader_rewinds_to_the_common_prefix() {
    // Healed after node 2's announcement was lost: node 1 learns of
    // epoch 3 from the entry c = 3 at 130 ms.
    let sim = simulate(&diverged_old_leader(110.0, 120.0));
    let n2 = sim.world_at(Instant::from_millis(105)).nodes[1].term();
    assert_eq!((n2.epoch, n2.since), (3, 2));
    assert_eq!(
        log_ops(&sim.world_at(Instant::from_millis(135)).nodes[0]),
        vec![0, 1],
        "after adopting epoch 3 it keeps LSN 2 — where the new leader started"
    );
    assert_eq!(labelled(&sim, "rewind"), 1);
    let end = sim.world();
    assert_eq!(log_ops(&end.nodes[0]), vec![0, 2, 3]);
    assert_eq!(end.nodes[0].term().leader, node(2));
    assert!(notes_contain(
        &sim,
        "Node 1 discards LSN 2 (a = 1), where its leader's log differs"
    ));
    let s = sim.summary();
    assert_eq!((s.writes.ok, s.writes.lost), (4, 1));
    assert_eq!(s.anomalies[0].op, OpId(1));
}

#[test]
fn a_follower_checks_the_entry_before_a_new_one() {
    // Healed before node 2's announcement: node 1 follows at 110 ms, keeps
    // a = 1, and the entry c = 3 arriving at 125 ms names b = 2 before it.
    let sim = simulate(&diverged_old_leader(95.0, 115.0));
    assert_eq!(
        log_ops(&sim.world_at(Instant::from_millis(124)).nodes[0]),
        vec![0, 1]
    );
    assert_eq!(
        log_ops(&sim.world_at(Instant::from_millis(125)).nodes[0]),
        vec![0],
        "a = 1 dropped as soon as c = 3 showed the leader has b = 2 there"
    );
    assert_eq!(log_ops(&sim.world().nodes[0]), vec![0, 2, 3]);
    assert_eq!(labelled(&sim, "rewind"), 1);
    assert_eq!(sim.summary().writes.lost, 1);
}

#[test]
fn promoting_the_leader_or_a_down_node_changes_nothing() {
    let mut s = scenario(config(1, AckMode::Sync), 100.0);
    s.faults = vec![
        at(5.0, Action::Promote { node: node(1) }),
        at(6.0, Action::Crash { node: node(2) }),
        at(7.0, Action::Promote { node: node(2) }),
    ];
    let sim = simulate(&s);
    assert!(notes_contain(&sim, "Node 1 already leads epoch 1"));
    assert!(notes_contain(
        &sim,
        "An operator tries to promote node 2, but it is down."
    ));
    assert!(sim.world().nodes.iter().all(|n| n.term().epoch == 1));
    let kinds: Vec<StepKind> = sim.trace.steps.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds[2..],
        [StepKind::Promote, StepKind::Crash, StepKind::Promote]
    );
}

#[test]
fn a_promoted_follower_flushes_what_it_received_first() {
    let mut c = config(1, AckMode::Async);
    c.flush_ms = 50.0;
    let mut s = scenario(c, 100.0);
    s.faults = vec![
        at(15.0, Action::Crash { node: node(1) }),
        at(25.0, Action::Promote { node: node(2) }),
    ];
    s.workload.ops = vec![at(10.0, write(1, "x", 1)), at(30.0, read(2, "x"))];
    let sim = simulate(&s);
    assert!(notes_contain(
        &sim,
        "Node 2 first flushes LSN 1 it had received."
    ));
    assert_eq!(sim.world().nodes[1].term().since, 1);
    assert_eq!(
        outcome(&sim, 1),
        Outcome::Read {
            value: Some(1),
            version: 1,
            epoch: Some(1),
            leader: Some(NodeId(0)),
            causal: None,
        }
    );
    assert_eq!(sim.summary().writes.lost, 0);
}

#[test]
fn chatter_ignores_promotion() {
    let mut s = presets::find("chatter-5").unwrap().scenario();
    let plain = crate::run::start(&s).unwrap().summary();
    s.faults
        .push(at(100.0, Action::Promote { node: NodeId(2) }));
    let promoted = crate::run::start(&s).unwrap().summary();
    assert_eq!(promoted.events, plain.events + 1);
    assert_eq!(promoted.messages, plain.messages);
}
