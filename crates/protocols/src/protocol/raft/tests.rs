//! Raft scenarios with fixed seeds and exact outcomes: elections, a
//! leader crash, a minority leader, Figure 8, lease reads under drift,
//! follower reads, a disruptive rejoin with and without pre-vote,
//! membership, snapshots, leadership transfer and request ids.

use alloc::string::String;
use alloc::vec::Vec;

use crate::anomaly::AnomalyKind;
use crate::node::{NodeId, Outcome, Protocol, Role};
use crate::protocol::raft::*;
use crate::protocol::ProtocolConfig;
use crate::run::Run;
use crate::scenario::Scenario;
use crate::sim::Simulator;

fn preset(id: &str) -> Scenario {
    crate::presets::find(id)
        .unwrap_or_else(|| panic!("no preset {id}"))
        .scenario()
}

fn raft(s: &mut Scenario) -> &mut RaftConfig {
    match &mut s.protocol {
        ProtocolConfig::Raft(c) => c,
        other => panic!("not Raft: {other:?}"),
    }
}

fn simulate(s: &Scenario) -> Simulator<RaftNode> {
    let mut sim = crate::protocol::simulator::<RaftConfig>(s).expect("a Raft scenario");
    sim.run();
    sim
}

fn kinds(run: &dyn Run) -> Vec<AnomalyKind> {
    run.anomalies().iter().map(|a| a.kind).collect()
}

fn notes(run: &dyn Run) -> Vec<String> {
    run.trace().notes.iter().map(|n| n.text.clone()).collect()
}

fn leaders(sim: &Simulator<RaftNode>) -> Vec<(usize, u32)> {
    let w = sim.world();
    (0..w.nodes.len())
        .filter(|&i| w.up[i] && w.nodes[i].is_leader())
        .map(|i| (i, w.nodes[i].term))
        .collect()
}

/// Every up server holds the same data.
fn same_data(sim: &Simulator<RaftNode>) -> bool {
    let w = sim.world();
    let views: Vec<_> = (0..w.nodes.len())
        .filter(|&i| w.up[i] && w.nodes[i].members().listens(NodeId(i as u16)))
        .map(|i| w.nodes[i].view().data)
        .collect();
    views.windows(2).all(|p| p[0] == p[1])
}

#[test]
fn an_election_makes_one_leader_and_writes_through_any_server_commit() {
    let s = preset("raft-election");
    let sim = simulate(&s);
    assert_eq!(leaders(&sim).len(), 1);
    assert_eq!(leaders(&sim)[0].1, 1, "won in term 1");
    let run = crate::run::start(&s).unwrap();
    let outcomes: Vec<_> = run.history().ops.iter().map(|o| o.outcome.clone()).collect();
    assert!(matches!(outcomes[0], Some(Outcome::Written { version: 2, .. })), "{outcomes:?}");
    assert!(matches!(outcomes[1], Some(Outcome::Written { version: 3, .. })));
    assert!(matches!(outcomes[2], Some(Outcome::Read { value: Some(2), version: 3, .. })));
    assert!(kinds(&*run).is_empty(), "{:?}", run.anomalies());
    assert!(same_data(&sim));
}

#[test]
fn the_leader_crashes_and_nothing_acknowledged_is_lost_under_any_seed() {
    for seed in 1..=12 {
        let mut s = preset("raft-leader-crash");
        s.seed = seed;
        let run = crate::run::start(&s).unwrap();
        assert!(kinds(&*run).is_empty(), "seed {seed}: {:?}", run.anomalies());
        let written = run
            .history()
            .ops
            .iter()
            .filter(|o| matches!(o.outcome, Some(Outcome::Written { .. })))
            .count();
        assert_eq!(written, 4, "seed {seed}");
        let sim = simulate(&s);
        let l = leaders(&sim);
        assert_eq!(l.len(), 1, "seed {seed}");
        assert_ne!(l[0].0, 0, "seed {seed}: node 1 crashed, another leads");
        assert!(l[0].1 >= 2, "seed {seed}: a new term");
        assert!(same_data(&sim), "seed {seed}");
    }
}

#[test]
fn a_minority_leader_cannot_commit_and_its_request_is_applied_once_after_the_heal() {
    let s = preset("raft-partition-minority");
    let run = crate::run::start(&s).unwrap();
    assert!(kinds(&*run).is_empty(), "{:?}", run.anomalies());
    let h = run.history();
    // x = 2, sent to node 1 at 400 ms, is answered only after the heal.
    let x2 = &h.ops[1];
    let done = x2.completed_at.expect("answered in the end");
    assert!(done.0 > 1_100_000, "answered at {done:?}, before the heal");
    let text = notes(&*run).join("\n");
    assert!(text.contains("steps down (check quorum)"), "{text}");
    let sim = simulate(&s);
    assert!(same_data(&sim));
    for n in &sim.world().nodes {
        let copies = n
            .log
            .entries
            .iter()
            .filter(|e| e.op() == Some(x2.id))
            .count();
        assert!(copies <= 1, "request #1 appended {copies} times");
        assert!(n.volatile.store.done.contains_key(&x2.id), "request #1 applied");
    }
}

#[test]
fn figure_8_loses_a_committed_write_and_the_run_labels_it() {
    let s = preset("raft-figure-8");
    let run = crate::run::start(&s).unwrap();
    assert!(kinds(&*run).contains(&AnomalyKind::LostWrite), "{:?}", run.anomalies());
    let findings = run.findings();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].node, NodeId(0));
}

#[test]
fn lease_reads_go_stale_only_when_the_clock_drifts_past_the_margin() {
    for seed in 1..=8 {
        let mut s = preset("raft-lease-skew");
        s.seed = seed;
        let run = crate::run::start(&s).unwrap();
        let k = kinds(&*run);
        assert!(k.contains(&AnomalyKind::NotLinearizable), "seed {seed}: {k:?}");
        assert!(k.contains(&AnomalyKind::StaleRead), "seed {seed}: {k:?}");
        // Within the margin (0.5 % slow for a 1 % margin): never stale.
        s.clocks[0].drift_ppm = -5_000.0;
        let run = crate::run::start(&s).unwrap();
        assert!(kinds(&*run).is_empty(), "seed {seed}: {:?}", run.anomalies());
    }
}

#[test]
fn follower_reads_are_stale_and_read_index_reads_are_not() {
    let mut s = preset("raft-follower-reads");
    let run = crate::run::start(&s).unwrap();
    assert!(kinds(&*run).contains(&AnomalyKind::StaleRead));
    assert!(matches!(
        run.history().ops[2].outcome,
        Some(Outcome::Read { value: Some(1), .. })
    ));
    for mode in [ReadMode::ReadIndex, ReadMode::Log] {
        raft(&mut s).reads = mode;
        let run = crate::run::start(&s).unwrap();
        assert!(kinds(&*run).is_empty(), "{mode:?}: {:?}", run.anomalies());
        assert!(matches!(
            run.history().ops[2].outcome,
            Some(Outcome::Read { value: Some(2), .. })
        ), "{mode:?}");
    }
}

#[test]
fn without_pre_vote_a_rejoining_server_deposes_the_leader_and_with_it_nobody_does() {
    let s = preset("raft-disruptive-rejoin");
    let sim = simulate(&s);
    let w = sim.world();
    assert!(w.nodes[2].elections >= 3, "node 3 kept campaigning");
    assert!(leaders(&sim)[0].1 > 2, "the leader's term was raised by the rejoin");
    for (pre_vote, check_quorum) in [(true, false), (false, true), (true, true)] {
        let mut s = s.clone();
        raft(&mut s).pre_vote = pre_vote;
        raft(&mut s).check_quorum = check_quorum;
        let sim = simulate(&s);
        let l = leaders(&sim);
        assert_eq!(l.len(), 1, "pre-vote {pre_vote}, check quorum {check_quorum}");
        if pre_vote {
            assert_eq!(l[0], (0, 1), "node 1 still leads term 1");
            assert_eq!(sim.world().nodes[2].term, 1, "node 3 never raised its term");
        }
    }
}

#[test]
fn a_new_server_is_a_learner_until_it_has_caught_up_then_a_voter() {
    let s = preset("raft-membership");
    let mut sim = crate::protocol::simulator::<RaftConfig>(&s).unwrap();
    let mut roles = Vec::new();
    while sim.step() {
        let r = sim.world().nodes[3].view().role;
        if roles.last() != Some(&r) {
            roles.push(r);
        }
    }
    assert_eq!(roles, [Role::NotJoined, Role::Learner, Role::Follower]);
    let configs = sim.world().nodes[0]
        .log
        .entries
        .iter()
        .filter(|e| matches!(e.payload, Payload::Config(_)))
        .count();
    assert_eq!(configs, 2);
    assert_eq!(sim.world().nodes[0].members().voter_count(), 4);
    assert!(same_data(&sim));
}

#[test]
fn a_follower_behind_the_snapshot_gets_the_snapshot() {
    let s = preset("raft-snapshot-catch-up");
    let run = crate::run::start(&s).unwrap();
    let text = notes(&*run).join("\n");
    assert!(text.contains("Node 3 installs the leader's snapshot"), "{text}");
    assert!(run.trace().labels.contains(&"snapshot"));
    let sim = simulate(&s);
    assert!(same_data(&sim));
    assert!(sim.world().nodes[0].log.base >= 4);
    assert!(kinds(&*run).is_empty());
}

#[test]
fn promote_moves_leadership_to_the_named_server() {
    let s = preset("raft-leadership-transfer");
    let sim = simulate(&s);
    assert_eq!(leaders(&sim), [(2, 2)]);
    let run = crate::run::start(&s).unwrap();
    assert!(kinds(&*run).is_empty());
}

#[test]
fn the_configuration_refuses_what_cannot_work_and_names_the_field() {
    let mut s = preset("raft-election");
    raft(&mut s).election_ms = -1.0;
    raft(&mut s).never_lead = alloc::vec![NodeId(7)];
    raft(&mut s).initial = alloc::vec![InitialServer::default(); 4];
    let problems = s.validate().unwrap_err();
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        ["protocol.election_ms", "protocol.never_lead[0]", "protocol.initial"],
        "{problems:?}"
    );
    let json = r#"{"kind":"raft","servers":3,"votes":2}"#;
    assert!(serde_json::from_str::<ProtocolConfig>(json).is_err());
}

#[test]
fn a_heartbeat_slower_than_the_election_timeout_means_endless_elections() {
    let mut s = preset("raft-election");
    raft(&mut s).heartbeat_ms = 400.0;
    // No client traffic, whose appends would reset the timers too.
    s.workload.ops.clear();
    s.until_ms = 2_000.0;
    let sim = simulate(&s);
    let elections: u32 = sim.world().nodes.iter().map(|n| n.elections).sum();
    assert!(elections >= 3, "{elections} elections");
}
