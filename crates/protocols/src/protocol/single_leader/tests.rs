//! Single-leader scenarios with fixed seeds and exact outcomes: the
//! acknowledgement modes, durability, the semi-sync fallback, promotion,
//! truncation and rewinding, plus the configuration's JSON and validation.

use crate::protocol::ProtocolConfig;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

// What `use super::*` brought in when these compiled inside the
// protocol (see crates/engine/src/protocol_tests.rs).
use crate::latency::Latency;
#[allow(unused_imports)]
use crate::node::*;
use crate::node::{NodeId, OpId, Outcome};
use crate::presets;
#[allow(unused_imports)]
use crate::protocol::single_leader::*;
use crate::run::Run;
use crate::scenario::{Action, LinkOverride, Scenario, Timed, FORMAT};
use crate::sim::Simulator;
use crate::time::Instant;
use crate::trace::{DropReason, Fate, StepKind};
#[allow(unused_imports)]
use crate::vv::*;

/// Node `n` as people count (1 is the first leader).
pub(super) fn node(n: u16) -> NodeId {
    NodeId(n - 1)
}

pub(super) fn at(ms: f64, action: Action) -> Timed {
    presets::at(ms, action)
}

pub(super) fn write(n: u16, key: &str, value: i64) -> Action {
    presets::write(node(n).0, key, value)
}

pub(super) fn read(n: u16, key: &str) -> Action {
    presets::read(node(n).0, key)
}

pub(super) fn config(followers: u16, ack: AckMode) -> SingleLeaderConfig {
    presets::single_leader(followers, ack)
}

pub(super) fn scenario(config: SingleLeaderConfig, until_ms: f64) -> Scenario {
    Scenario {
        format: FORMAT,
        seed: 1,
        protocol: ProtocolConfig::SingleLeader(config),
        network: Default::default(),
        clocks: Vec::new(),
        faults: Vec::new(),
        workload: Default::default(),
        interventions: Vec::new(),
        schedule: Vec::new(),
        until_ms,
    }
}

pub(super) fn link(from: u16, to: u16, ms: f64) -> LinkOverride {
    LinkOverride {
        from: node(from),
        to: node(to),
        two_way: true,
        latency: Some(Latency::Constant { ms }),
        drop: None,
        delivery: None,
    }
}

pub(super) fn simulate(s: &Scenario) -> Simulator<SingleLeaderNode> {
    assert_eq!(s.validate(), Ok(()));
    let mut sim = crate::protocol::simulator::<SingleLeaderConfig>(s).unwrap();
    sim.run();
    sim
}

pub(super) fn preset(id: &str) -> Simulator<SingleLeaderNode> {
    simulate(&presets::find(id).unwrap().scenario())
}

pub(super) fn done_ms(sim: &Simulator<SingleLeaderNode>, op: usize) -> Option<f64> {
    sim.history.ops[op]
        .completed_at
        .map(|t| t.0 as f64 / 1000.0)
}

pub(super) fn outcome(sim: &Simulator<SingleLeaderNode>, op: usize) -> Outcome {
    sim.history.ops[op].outcome.clone().unwrap()
}

pub(super) fn log_ops(node: &SingleLeaderNode) -> Vec<u32> {
    node.log().iter().map(|e| e.op.0).collect()
}

pub(super) fn field<'a>(view: &'a NodeView, name: &str) -> &'a str {
    view.fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

pub(super) fn labelled(sim: &Simulator<SingleLeaderNode>, label: &str) -> usize {
    sim.trace
        .messages
        .iter()
        .filter(|m| sim.trace.label(m) == label)
        .count()
}

pub(super) fn notes_contain(sim: &Simulator<SingleLeaderNode>, text: &str) -> bool {
    sim.trace.notes.iter().any(|n| n.text.contains(text))
}

#[test]
fn old_json_still_parses_with_the_defaults() {
    let s = Scenario::from_json(
        r#"{"protocol":{"kind":"single_leader","followers":2,"ack":"async"},"until_ms":100}"#,
    )
    .unwrap();
    let ProtocolConfig::SingleLeader(c) = s.protocol else {
        panic!("not single-leader")
    };
    assert_eq!(c, config(2, AckMode::Async));
    assert_eq!(
        (c.semi_sync_timeout_ms, c.durability, c.flush_ms),
        (1000.0, Durability::Flushed, 1.0)
    );
}

#[test]
fn new_fields_round_trip_through_json() {
    let json = r#"{"kind":"single_leader","followers":3,"ack":"sync","sync_followers":[2,4],"semi_sync_timeout_ms":250.0,"durability":"received","flush_ms":5.0}"#;
    let p: ProtocolConfig = serde_json::from_str(json).unwrap();
    let ProtocolConfig::SingleLeader(c) = &p else {
        panic!("not single-leader")
    };
    assert_eq!(c.sync_followers, vec![NodeId(1), NodeId(3)]);
    assert_eq!(c.durability, Durability::Received);
    assert_eq!(serde_json::to_string(&p).unwrap(), json);
    let semi: ProtocolConfig =
        serde_json::from_str(r#"{"kind":"single_leader","followers":1,"ack":"semi_sync"}"#)
            .unwrap();
    assert!(matches!(semi, ProtocolConfig::SingleLeader(c) if c.ack == AckMode::SemiSync));
    let unknown = serde_json::from_str::<ProtocolConfig>(
        r#"{"kind":"single_leader","followers":1,"sync_follower":[2]}"#,
    );
    assert!(alloc::format!("{}", unknown.unwrap_err()).contains("unknown field"));
}

#[test]
fn bad_settings_are_reported_field_by_field() {
    let mut c = config(2, AckMode::Sync);
    c.sync_followers = vec![NodeId(0), NodeId(5), NodeId(1), NodeId(1)];
    c.semi_sync_timeout_ms = 0.0;
    c.flush_ms = 20_000.0;
    let problems = scenario(c, 100.0).validate().unwrap_err();
    let text: Vec<String> = problems.iter().map(|p| alloc::format!("{p}")).collect();
    assert_eq!(
        text,
        vec![
            "protocol.sync_followers[0]: node 1 is the leader: only followers can be synchronous followers",
            "protocol.sync_followers[1]: node 6 is not a follower: the followers are nodes 2 to 3",
            "protocol.sync_followers[3]: node 2 is listed twice",
            "protocol.semi_sync_timeout_ms: 0 is not allowed: between 1 and 600000 ms (ten minutes)",
            "protocol.flush_ms: 20000 is not allowed: between 0 and 10000 ms",
        ]
    );
    let mut c = config(1, AckMode::SemiSync);
    c.semi_sync_timeout_ms = 600_001.0;
    c.flush_ms = -1.0;
    assert_eq!(scenario(c, 100.0).validate().unwrap_err().len(), 2);
}

#[test]
fn promote_parses_and_is_validated_like_crash() {
    let s = Scenario::from_json(
        r#"{"protocol":{"kind":"single_leader","followers":1},"until_ms":100,
            "faults":[{"at_ms":5,"do":"promote","node":2}]}"#,
    )
    .unwrap();
    assert_eq!(s.faults[0].action, Action::Promote { node: NodeId(1) });
    let err = Scenario::from_json(
        r#"{"protocol":{"kind":"single_leader","followers":1},"until_ms":100,
            "faults":[{"at_ms":5,"do":"promote","node":3}]}"#,
    )
    .unwrap_err();
    assert!(
        alloc::format!("{err}")
            .contains("faults[0].node: node 3 does not exist: this cluster has nodes 1 to 2"),
        "{err}"
    );
}

#[test]
fn flushed_acks_wait_for_the_flush_and_received_acks_do_not() {
    for (durability, want_ms) in [(Durability::Flushed, 35.0), (Durability::Received, 30.0)] {
        let mut c = config(1, AckMode::Sync);
        c.durability = durability;
        c.flush_ms = 5.0;
        let mut s = scenario(c, 100.0);
        s.workload.ops = vec![at(10.0, write(1, "x", 1)), at(22.0, read(2, "x"))];
        let sim = simulate(&s);
        assert_eq!(done_ms(&sim, 0), Some(want_ms), "{durability:?}");
        // One acknowledgement for the one entry, whichever moment counts.
        assert_eq!(labelled(&sim, "ack"), 1, "{durability:?}");
        // At 22 ms the follower holds the entry unflushed either way, and
        // reads see only flushed data.
        assert_eq!(outcome(&sim, 1), Outcome::read(None, 0));
        let end = sim.world();
        assert_eq!(end.nodes[1].lsn(), 1);
    }
}

#[test]
fn sync_waits_only_for_the_synchronous_followers() {
    let mut c = config(2, AckMode::Sync);
    c.sync_followers = vec![node(3)];
    let mut s = scenario(c, 150.0);
    s.network.links = vec![link(1, 3, 30.0)];
    s.workload.ops = vec![at(10.0, write(1, "x", 1))];
    let sim = simulate(&s);
    // Node 2 acknowledges at 31 ms; the leader waits for node 3:
    // 30 ms there, 1 ms flush, 30 ms back.
    assert_eq!(done_ms(&sim, 0), Some(71.0));
    let leader = sim.world_at(Instant::from_millis(50)).nodes[0].view();
    assert_eq!(field(&leader, "mode"), "sync (waits for node 3)");
    assert_eq!(field(&leader, "waiting writes"), "LSN 1");
    assert_eq!(
        field(&leader, "acknowledged"),
        "node 2: LSN 1 (lag 0), node 3: LSN 0 (lag 1)"
    );
    assert_eq!(labelled(&sim, "ack"), 2);
}

#[test]
fn an_async_follower_acknowledges_after_its_flush_even_under_received() {
    let mut c = config(2, AckMode::Sync);
    c.sync_followers = vec![node(2)];
    c.durability = Durability::Received;
    c.flush_ms = 4.0;
    let mut s = scenario(c, 100.0);
    s.workload.ops = vec![at(10.0, write(1, "x", 1))];
    let sim = simulate(&s);
    assert_eq!(done_ms(&sim, 0), Some(30.0));
    let acks: Vec<(u16, u64)> = sim
        .trace
        .messages
        .iter()
        .filter(|m| sim.trace.label(m) == "ack")
        .map(|m| (m.from.0 + 1, m.sent_at.0))
        .collect();
    assert_eq!(acks, vec![(2, 20_000), (3, 24_000)]);
    let views = sim.world_at(Instant::from_millis(22));
    assert_eq!(field(&views.nodes[1].view(), "received LSN"), "1");
    assert_eq!(field(&views.nodes[1].view(), "LSN"), "0");
    assert_eq!(field(&views.nodes[1].view(), "unflushed entries"), "1");
    assert_eq!(
        field(&views.nodes[1].view(), "acknowledges"),
        "on receipt, before flushing"
    );
    assert_eq!(
        field(&views.nodes[2].view(), "acknowledges"),
        "after flushing"
    );
}

#[test]
fn semi_sync_falls_back_after_the_timeout_and_comes_back() {
    let sim = preset("single-leader-semi-sync-fallback");
    assert_eq!(done_ms(&sim, 0), Some(1_010.0), "waited the full second");
    assert_eq!(done_ms(&sim, 1), Some(1_200.0), "fallen back: at once");
    assert_eq!(done_ms(&sim, 2), Some(1_621.0), "semi-sync again");
    assert_eq!(
        outcome(&sim, 2),
        Outcome::Written {
            version: 3,
            epoch: Some(1),
            leader: Some(NodeId(0)),
            causal: None,
        }
    );
    assert_eq!(
        outcome(&sim, 3),
        Outcome::Read {
            value: Some(3),
            version: 3,
            epoch: Some(1),
            leader: Some(NodeId(0)),
            causal: None,
        }
    );
    let mode_at = |ms| {
        let v = sim.world_at(Instant::from_millis(ms)).nodes[0].view();
        String::from(field(&v, "mode"))
    };
    assert_eq!(mode_at(500), "semi-sync");
    assert_eq!(mode_at(1_100), "async (semi-sync fell back)");
    assert_eq!(mode_at(1_530), "async (semi-sync fell back)");
    assert_eq!(mode_at(1_531), "semi-sync");
    assert!(notes_contain(&sim, "semi-sync falls back to asynchronous"));
    assert!(notes_contain(&sim, "semi-sync is back on"));
    let s = sim.summary();
    assert_eq!((s.writes.ok, s.writes.lost, s.reads.stale), (3, 0, 0));
}

#[test]
fn semi_sync_answers_on_the_first_acknowledgement() {
    let mut s = scenario(config(2, AckMode::SemiSync), 100.0);
    s.network.links = vec![link(1, 3, 40.0)];
    s.workload.ops = vec![at(10.0, write(1, "x", 1))];
    let sim = simulate(&s);
    // Node 2 answers first (10 + 1 + 10); node 3 is not waited for.
    assert_eq!(done_ms(&sim, 0), Some(31.0));
}

#[test]
fn the_postgres_trio_differs_only_in_what_was_promised() {
    let on = preset("single-leader-pg-on");
    assert!(
        matches!(outcome(&on, 0), Outcome::Failed { reason } if reason == "node 1 crashed before answering")
    );
    let s = on.summary();
    assert_eq!((s.writes.ok, s.writes.failed, s.writes.lost), (0, 1, 0));
    assert_eq!(s.reads.stale, 0);

    let remote_write = preset("single-leader-pg-remote-write");
    assert_eq!(done_ms(&remote_write, 0), Some(30.0));
    let s = remote_write.summary();
    assert_eq!((s.writes.ok, s.writes.lost, s.reads.stale), (1, 1, 1));
    // The follower had it in memory only: at 24 ms received, not durable.
    let before_crash = remote_write.world_at(Instant::from_millis(24));
    assert_eq!(
        (
            before_crash.nodes[1].received_lsn(),
            before_crash.nodes[1].lsn()
        ),
        (1, 0)
    );
    let after_crash = remote_write.world_at(Instant::from_millis(25));
    assert_eq!(after_crash.nodes[1].received_lsn(), 0);

    let local = preset("single-leader-pg-local");
    assert_eq!(done_ms(&local, 0), Some(10.0));
    let s = local.summary();
    assert_eq!((s.writes.ok, s.writes.lost, s.reads.stale), (1, 1, 1));
    // Node 2 was promoted in all three.
    for sim in [&on, &remote_write, &local] {
        let n2 = sim.world().nodes[1].term();
        assert_eq!((n2.epoch, n2.leader, n2.since), (2, node(2), 0));
    }
}

#[test]
fn async_crash_and_promotion_lose_the_acknowledged_write() {
    let sim = preset("single-leader-async-crash-loses-write");
    let s = sim.summary();
    assert_eq!(
        (s.writes.ok, s.writes.lost, s.reads.ok, s.reads.stale),
        (1, 1, 2, 2)
    );
    assert_eq!(done_ms(&sim, 0), Some(10.0));
    // Before the old leader learns of epoch 2 it still holds x = 1.
    let at_95 = sim.world_at(Instant::from_millis(95));
    assert!(at_95.nodes[0].is_leader());
    assert_eq!(at_95.nodes[0].term().epoch, 1);
    assert_eq!(log_ops(&at_95.nodes[0]), vec![0]);
    // Then it steps down and discards it.
    let end = sim.world();
    let roles: Vec<(String, u32)> = end
        .nodes
        .iter()
        .map(|n| (String::from(n.view().role.name()), n.term().epoch))
        .collect();
    assert_eq!(
        roles,
        vec![
            (String::from("follower"), 2),
            (String::from("leader"), 2),
            (String::from("follower"), 2)
        ]
    );
    assert!(end.nodes.iter().all(|n| n.log().is_empty()));
    assert!(!end.nodes[0].has_applied(OpId(0)));
    assert!(end.up.iter().all(|&up| up));
    // The copies sent in epoch 1 arrived and were ignored.
    assert!(notes_contain(
        &sim,
        "ignores LSN 1 (x = 1): it comes from epoch 1"
    ));
    assert!(notes_contain(
        &sim,
        "Node 1 discards LSN 1 (x = 1), which the new leader never had: that write is gone"
    ));
    let promote_steps = sim
        .trace
        .steps
        .iter()
        .filter(|s| s.kind == StepKind::Promote)
        .count();
    assert_eq!(promote_steps, 1);
    assert!(sim.trace.messages.iter().any(|m| m.fate
        == Fate::Dropped {
            reason: DropReason::NodeDown
        }));
}
