//! Running a single-leader cluster, with fixed seeds and exact outcomes:
//! a follower added from a snapshot while writes continue, automatic
//! failover (lost writes, split brain without fencing, a timeout shorter
//! than the network's delays), and the anomalies of reading from lagging
//! followers with and without their fixes.

use crate::protocol::ProtocolConfig;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

// What `use super::*` brought in when these compiled inside the
// protocol (see crates/engine/src/protocol_tests.rs).
use crate::check::AnomalyKind;
#[allow(unused_imports)]
use crate::node::*;
use crate::presets;
#[allow(unused_imports)]
use crate::protocol::single_leader::*;
use crate::scenario::{ReadYourWrites, Routing, Scenario};
use crate::sim::Simulator;
use crate::table_diff::diff_tables;
use crate::time::Instant;
#[allow(unused_imports)]
use crate::vv::*;

fn scenario(id: &str) -> Scenario {
    presets::find(id).unwrap().scenario()
}

fn run(s: &Scenario) -> Simulator<SingleLeaderNode> {
    assert_eq!(s.validate(), Ok(()));
    let mut sim = crate::protocol::simulator::<SingleLeaderConfig>(s).unwrap();
    sim.run();
    sim
}

fn kinds(s: &Scenario) -> Vec<(AnomalyKind, u32)> {
    crate::run::start(s)
        .unwrap()
        .anomalies()
        .iter()
        .map(|a| (a.kind, a.op.0))
        .collect()
}

fn notes(sim: &Simulator<SingleLeaderNode>) -> Vec<String> {
    sim.trace.notes.iter().map(|n| n.text.clone()).collect()
}

#[test]
fn a_new_follower_copies_a_snapshot_and_catches_up_without_stopping_writes() {
    let s = scenario("single-leader-add-follower");
    let sim = run(&s);
    // Before the operator adds it, node 3 is outside the cluster.
    let early = sim.world_at(Instant::from_millis(50));
    assert_eq!(early.nodes[2].view().role.name(), "not joined");
    // During the copy it refuses reads.
    let refused = sim
        .history
        .ops
        .iter()
        .find(|o| o.node == NodeId(2))
        .unwrap();
    assert!(matches!(&refused.outcome, Some(Outcome::Failed { reason })
        if reason == "node 3 is still copying the leader's snapshot: it serves no reads until it has caught up"));
    // The five steps, in order.
    let text = notes(&sim).join("\n");
    let steps: Vec<usize> = ["Step 1", "Step 2", "Step 3", "Step 4", "Step 5"]
        .iter()
        .map(|s| text.find(s).unwrap_or_else(|| panic!("{s} missing")))
        .collect();
    assert!(steps.windows(2).all(|w| w[0] < w[1]), "{steps:?}");
    // 400 rows at 2 rows per ms: 20 chunks, 10 ms apart.
    assert!(
        text.contains("takes a consistent snapshot at LSN 4: 400 rows"),
        "{text}"
    );
    // The leader answered every write at once, during the copy too.
    let writes: Vec<u64> = sim
        .history
        .ops
        .iter()
        .filter(|o| o.request.is_write())
        .map(|o| o.latency_us().unwrap())
        .collect();
    assert_eq!(writes.len(), 23);
    assert!(writes.iter().all(|&l| l == 0));
    // In sync at the end: same table (with the update made during the
    // copy), same data, serving reads.
    let end = sim.world();
    assert_eq!(end.nodes[2].view().role.name(), "follower");
    assert_eq!(end.nodes[2].lsn(), end.nodes[0].lsn());
    assert_eq!(
        diff_tables(
            &end.nodes[0].table().to_view(),
            &end.nodes[2].table().to_view()
        ),
        vec![]
    );
    assert_eq!(end.nodes[2].view().data, end.nodes[0].view().data);
    let last = sim.history.ops.last().unwrap();
    assert_eq!(last.node, NodeId(2));
    assert!(matches!(
        last.outcome,
        Some(Outcome::Read { value: Some(_), .. })
    ));
    assert!(kinds(&s).is_empty());
}

#[test]
fn automatic_failover_elects_the_most_up_to_date_follower_and_loses_the_old_leaders_writes() {
    let s = scenario("single-leader-auto-failover");
    let sim = run(&s);
    let end = sim.world();
    let term = end.nodes[2].term();
    assert_eq!((term.epoch, term.leader, term.since), (2, NodeId(2), 2));
    assert!(end.nodes.iter().all(|n| n.term().leader == NodeId(2)));
    let text = notes(&sim).join("\n");
    assert!(text.contains(
        "Node 3 wins the election for epoch 2 with its own vote and node 2's (2 of 3 nodes)"
    ));
    assert!(text.contains("Node 1 discards LSN 3–4 (x = 3, y = 1)"));
    assert_eq!(
        kinds(&s),
        vec![
            (AnomalyKind::LostWrite, 2),
            (AnomalyKind::LostWrite, 3),
            (AnomalyKind::StaleRead, 6),
            (AnomalyKind::NotLinearizable, 6),
        ]
    );
}

#[test]
fn without_fencing_the_old_leader_keeps_taking_writes() {
    let s = scenario("single-leader-split-brain");
    let sim = run(&s);
    let end = sim.world();
    let leaders: Vec<u16> = (0..3)
        .filter(|&n| end.nodes[n].is_leader())
        .map(|n| n as u16 + 1)
        .collect();
    assert_eq!(leaders, vec![1, 3]);
    assert_eq!(end.nodes[0].view().data.get("x"), Some(&5));
    assert_eq!(end.nodes[2].view().data.get("x"), Some(&4));
    assert!(kinds(&s).contains(&(AnomalyKind::SplitBrain, 5)));
    // With fencing the same faults end with one leader and no split brain.
    let mut fenced = s.clone();
    if let ProtocolConfig::SingleLeader(c) = &mut fenced.protocol {
        c.fencing = true;
    }
    let sim = run(&fenced);
    assert_eq!(
        (0..3).filter(|&n| sim.world().nodes[n].is_leader()).count(),
        1
    );
    assert!(!kinds(&fenced)
        .iter()
        .any(|k| k.0 == AnomalyKind::SplitBrain));
}

#[test]
fn a_short_failover_timeout_deposes_a_live_leader_and_a_longer_one_does_not() {
    let s = scenario("single-leader-failover-timeout-too-short");
    let sim = run(&s);
    assert_eq!(sim.world().nodes[1].term().epoch, 2);
    assert!(sim.world().nodes[1].is_leader());
    assert_eq!(
        kinds(&s),
        vec![
            (AnomalyKind::LostWrite, 1),
            (AnomalyKind::StaleRead, 2),
            (AnomalyKind::NotLinearizable, 2)
        ]
    );
    let mut patient = s.clone();
    if let ProtocolConfig::SingleLeader(c) = &mut patient.protocol {
        c.failover = Some(Failover {
            timeout_ms: 500.0,
            heartbeat_ms: 20.0,
        });
    }
    let sim = run(&patient);
    assert!(sim.world().nodes[0].is_leader());
    assert_eq!(sim.world().nodes[0].term().epoch, 1);
    assert!(!notes(&sim).iter().any(|n| n.contains("declares it dead")));
    assert!(kinds(&patient).is_empty());
}

fn with_routing(id: &str, routing: Routing) -> Scenario {
    let mut s = scenario(id);
    s.workload.routing = routing;
    s
}

#[test]
fn read_your_writes_breaks_on_a_lagging_follower_and_both_fixes_repair_it() {
    let s = scenario("single-leader-read-your-writes");
    assert_eq!(
        kinds(&s),
        vec![
            (AnomalyKind::StaleRead, 1),
            (AnomalyKind::ReadYourWrites, 1),
            (AnomalyKind::NotLinearizable, 1)
        ]
    );
    let window = with_routing(
        "single-leader-read-your-writes",
        Routing {
            read_your_writes: ReadYourWrites::LeaderWindow,
            leader_window_ms: 100.0,
            sticky_reads: true,
        },
    );
    let sim = run(&window);
    assert_eq!(sim.history.ops[1].node, NodeId(0), "read from the leader");
    assert_eq!(
        sim.history.ops[2].node,
        NodeId(2),
        "window over: the follower"
    );
    assert!(kinds(&window).is_empty());
    let position = with_routing(
        "single-leader-read-your-writes",
        Routing {
            read_your_writes: ReadYourWrites::LogPosition,
            leader_window_ms: 1000.0,
            sticky_reads: true,
        },
    );
    let sim = run(&position);
    let read = &sim.history.ops[1];
    assert_eq!(read.node, NodeId(2));
    // It waited for node 3 to apply LSN 1 (arrives at 220 ms, flushed 221).
    assert_eq!(read.completed_at, Some(Instant::from_millis(221)));
    assert_eq!(
        read.outcome,
        Some(Outcome::Read {
            value: Some(1),
            version: 1,
            epoch: Some(1),
            leader: Some(NodeId(0)),
            causal: None,
        })
    );
    assert!(kinds(&position).is_empty());
}

#[test]
fn monotonic_reads_break_across_followers_and_sticky_reads_fix_them() {
    let s = scenario("single-leader-monotonic-reads");
    assert_eq!(
        kinds(&s),
        vec![
            (AnomalyKind::StaleRead, 2),
            (AnomalyKind::MonotonicRead, 2),
            (AnomalyKind::NotLinearizable, 2)
        ]
    );
    let sticky = with_routing(
        "single-leader-monotonic-reads",
        Routing {
            sticky_reads: true,
            ..Routing::default()
        },
    );
    assert!(!kinds(&sticky)
        .iter()
        .any(|k| k.0 == AnomalyKind::MonotonicRead));
}

#[test]
fn the_answer_before_the_question_and_sticky_reads_restore_the_order() {
    let s = scenario("single-leader-consistent-prefix");
    assert_eq!(
        kinds(&s),
        vec![
            (AnomalyKind::StaleRead, 3),
            (AnomalyKind::ConsistentPrefix, 3),
            (AnomalyKind::NotLinearizable, 3)
        ]
    );
    let sticky = with_routing(
        "single-leader-consistent-prefix",
        Routing {
            sticky_reads: true,
            ..Routing::default()
        },
    );
    assert!(!kinds(&sticky)
        .iter()
        .any(|k| k.0 == AnomalyKind::ConsistentPrefix));
}

#[test]
fn a_follower_added_to_any_run_joins_without_changing_the_past() {
    let s = scenario("single-leader-async-write");
    let grown = s.with_new_node(20.0).unwrap();
    assert_eq!(grown.validate(), Ok(()));
    let (before, after) = (run(&s), run(&grown));
    // Until the operator acts, the original nodes do exactly the same.
    let early = |sim: &Simulator<SingleLeaderNode>| -> Vec<(u64, Option<Instant>)> {
        sim.history
            .ops
            .iter()
            .map(|o| (o.invoked_at.0, o.completed_at))
            .collect()
    };
    assert_eq!(early(&before), early(&after));
    let end = after.world();
    assert_eq!(end.nodes.len(), 3);
    assert_eq!(end.nodes[2].view().role.name(), "follower");
    assert_eq!(end.nodes[2].view().data, end.nodes[0].view().data);
    // Six followers is the most.
    let mut full = s.clone();
    if let ProtocolConfig::SingleLeader(c) = &mut full.protocol {
        c.followers = 6;
    }
    assert_eq!(
        full.with_new_node(0.0).unwrap_err(),
        "the cluster already has 6 followers, the most it can have"
    );
    assert!(scenario("chatter-5").with_new_node(0.0).is_err());
}
