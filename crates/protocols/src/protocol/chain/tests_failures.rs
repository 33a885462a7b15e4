//! Chain scenarios with failures, fixed seeds and exact outcomes: a
//! crashed tail, middle node or head (in-flight writes re-sent, none
//! lost, none applied twice), proxies re-sending a request with the same
//! id (applied once; answered by the head when already committed), read
//! leases (a tail cut off from the master stops answering), and servers
//! joining at the tail — a spare an operator adds, and a crashed server
//! that recovers after the master removed it (one that recovers sooner
//! keeps its place).

use alloc::vec;
use alloc::vec::Vec;

use super::tests::{at, chain_messages, config, done_ms, node, ops_in_log, outcome, read, scenario, simulate, write};
use crate::latency::Latency;
use crate::node::{Outcome, Role};
use crate::protocol::chain::*;
use crate::run::Run;
use crate::scenario::{Action, LinkOverride};

fn crash(n: u16) -> Action {
    Action::Crash { node: node(n) }
}

fn recover(n: u16) -> Action {
    Action::Recover { node: node(n) }
}

fn chain_of(sim: &crate::sim::Simulator<ChainNode>, n: u16) -> Vec<u16> {
    sim.world().nodes[node(n).index()]
        .chain()
        .iter()
        .map(|n| n.0 + 1)
        .collect()
}

#[test]
fn a_crashed_tail_makes_its_predecessor_the_tail_which_commits_what_it_has() {
    let mut s = scenario(config(3, false), 1_000.0);
    s.workload.ops = vec![at(10.0, write(1, "x", 7))];
    // The write reaches node 3 at 30 ms: too late.
    s.faults = vec![at(25.0, crash(3))];
    let sim = simulate(&s);
    // Nobody hears from node 3 after the start: removed at the check at
    // 400 ms (more than 300 ms of silence), announced at 410.
    assert_eq!(chain_of(&sim, 4), [1, 2]);
    assert_eq!(sim.world().nodes[node(4).index()].version(), 2);
    assert_eq!(outcome(&sim, 0), Outcome::written(1));
    assert_eq!(done_ms(&sim, 0), Some(420.0));
    let tail = &sim.world().nodes[node(2).index()];
    assert!(tail.is_tail());
    assert_eq!((tail.last(), tail.committed()), (1, 1));
    assert_eq!(ops_in_log(&sim.world().nodes[node(1).index()]), [0]);
    assert_eq!(sim.anomalies(), []);
}

#[test]
fn a_crashed_middle_node_makes_its_predecessor_resend_what_the_successor_lacks() {
    let mut s = scenario(config(3, false), 1_000.0);
    s.workload.ops = vec![at(10.0, write(1, "x", 7)), at(500.0, write(1, "y", 8))];
    // Write 1 reaches node 2 at 20 ms, after it crashed: lost in flight.
    s.faults = vec![at(15.0, crash(2))];
    let sim = simulate(&s);
    assert_eq!(chain_of(&sim, 1), [1, 3]);
    // Node 1 re-sends write 1 to its new successor once it knows
    // config 2 (410 ms): node 3 commits it at 420, the ack is back at 430.
    let copies: Vec<_> = chain_messages(&sim)
        .into_iter()
        .filter(|m| m.3 == "copy" || m.3 == "resume")
        .collect();
    assert_eq!(copies, [(410.0, 1, 3, "copy")]);
    assert_eq!(outcome(&sim, 0), Outcome::written(1));
    assert_eq!(done_ms(&sim, 0), Some(430.0));
    // The new chain carries later writes straight to the new tail.
    assert_eq!(outcome(&sim, 1), Outcome::written(2));
    assert_eq!(done_ms(&sim, 1), Some(520.0));
    for n in [1, 3] {
        assert_eq!(ops_in_log(&sim.world().nodes[node(n).index()]), [0, 1], "node {n}");
    }
    assert_eq!(sim.anomalies(), []);
}

#[test]
fn a_crashed_head_makes_the_next_node_head_and_the_proxy_resends_with_the_same_id() {
    let mut s = scenario(config(3, false), 1_000.0);
    // Node 3 is the client's proxy; its submit reaches node 1 at 20 ms,
    // after node 1 crashed.
    s.workload.ops = vec![at(10.0, write(3, "x", 7))];
    s.faults = vec![at(15.0, crash(1))];
    let sim = simulate(&s);
    assert_eq!(chain_of(&sim, 3), [2, 3]);
    assert!(sim.world().nodes[node(2).index()].is_head());
    let submits: Vec<_> = chain_messages(&sim)
        .into_iter()
        .filter(|m| m.3 == "submit")
        .collect();
    // Every 150 ms the proxy sends request #0 again: to node 1 while it
    // still believes node 1 is the head, then to node 2.
    assert_eq!(
        submits,
        [
            (10.0, 3, 1, "submit"),
            (160.0, 3, 1, "submit"),
            (310.0, 3, 1, "submit"),
            (460.0, 3, 2, "submit"),
        ]
    );
    assert_eq!(outcome(&sim, 0), Outcome::written(1));
    assert_eq!(done_ms(&sim, 0), Some(480.0));
    assert_eq!(sim.anomalies(), []);
}

#[test]
fn a_request_sent_again_while_its_write_is_in_the_chain_is_applied_once() {
    let mut s = scenario(config(3, false), 1_000.0);
    // The link from node 2 to node 3 takes 300 ms: the proxy (node 3)
    // hears nothing for longer than its 150 ms retry timeout.
    s.network.links = vec![LinkOverride {
        from: node(2),
        to: node(3),
        two_way: false,
        latency: Some(Latency::Constant { ms: 300.0 }),
        drop: None,
        delivery: None,
    }];
    s.workload.ops = vec![at(10.0, write(3, "x", 7))];
    let sim = simulate(&s);
    let submits = chain_messages(&sim)
        .into_iter()
        .filter(|m| m.3 == "submit")
        .count();
    assert_eq!(submits, 3, "sent at 10, 160 and 310 ms");
    // Write 1 reaches the tail at 330 ms; the tail is the proxy.
    assert_eq!(outcome(&sim, 0), Outcome::written(1));
    assert_eq!(done_ms(&sim, 0), Some(330.0));
    for n in 1..=3 {
        assert_eq!(ops_in_log(&sim.world().nodes[node(n).index()]), [0], "node {n}");
    }
    assert_eq!(sim.anomalies(), []);
}

#[test]
fn a_spare_added_by_an_operator_copies_the_tail_and_becomes_the_tail() {
    let mut c = config(3, false);
    c.spares = 1;
    let mut s = scenario(c, 400.0);
    s.workload.ops = vec![
        at(10.0, write(1, "x", 1)),
        at(20.0, write(1, "y", 2)),
        at(200.0, write(1, "x", 3)),
        at(270.0, read(2, "x")),
    ];
    s.interventions = vec![at(100.0, Action::AddFollower { node: node(5) })];
    let sim = simulate(&s);
    assert_eq!(chain_of(&sim, 4), [1, 2, 3, 5]);
    let joined = &sim.world().nodes[node(5).index()];
    assert_eq!(crate::node::Protocol::view(&**joined).role, Role::Tail);
    assert_eq!(ops_in_log(joined), [0, 1, 2]);
    assert_eq!(joined.committed(), 3);
    // Node 5 asked node 3 for everything (it held nothing) and got the
    // two committed writes in one copy.
    let copies: Vec<_> = chain_messages(&sim)
        .into_iter()
        .filter(|m| matches!(m.3, "copy" | "resume" | "join"))
        .collect();
    assert_eq!(
        copies,
        [
            (100.0, 5, 4, "join"),
            (120.0, 5, 3, "resume"),
            (130.0, 3, 5, "copy"),
        ]
    );
    // Write 3 went down four servers and its ack back up: six hops.
    assert_eq!(outcome(&sim, 2), Outcome::written(3));
    assert_eq!(done_ms(&sim, 2), Some(260.0));
    // The read is answered by the new tail.
    assert_eq!(outcome(&sim, 3), Outcome::read(Some(3), 3));
    assert_eq!(sim.anomalies(), []);
}

#[test]
fn a_recovered_server_the_master_removed_rejoins_at_the_tail() {
    let mut s = scenario(config(3, false), 1_500.0);
    s.workload.ops = vec![
        at(10.0, write(1, "x", 1)),
        at(500.0, write(1, "x", 2)),
        at(1_200.0, write(1, "x", 3)),
    ];
    s.faults = vec![at(100.0, crash(2)), at(800.0, recover(2))];
    let sim = simulate(&s);
    // Removed while down; back at the tail, with every write.
    assert_eq!(chain_of(&sim, 4), [1, 3, 2]);
    let back = &sim.world().nodes[node(2).index()];
    assert!(back.is_tail());
    assert_eq!(ops_in_log(back), [0, 1, 2]);
    for op in 0..3 {
        assert!(matches!(outcome(&sim, op), Outcome::Written { .. }), "{op}");
    }
    assert_eq!(sim.world().nodes[node(4).index()].version(), 3);
    assert_eq!(sim.anomalies(), []);
}


#[test]
fn a_server_that_restarts_before_the_master_notices_keeps_its_place() {
    let mut s = scenario(config(3, false), 600.0);
    s.workload.ops = vec![at(10.0, write(1, "x", 1)), at(200.0, write(1, "x", 2))];
    // Down for 100 ms: less than the 300 ms the master waits.
    s.faults = vec![at(100.0, crash(2)), at(200.0, recover(2))];
    let sim = simulate(&s);
    assert_eq!(chain_of(&sim, 4), [1, 2, 3]);
    assert_eq!(sim.world().nodes[node(4).index()].version(), 1);
    // Its writes were on disk; the write sent while it restarted went
    // down the chain as usual.
    for n in 1..=3 {
        assert_eq!(ops_in_log(&sim.world().nodes[node(n).index()]), [0, 1], "node {n}");
    }
    assert_eq!(outcome(&sim, 1), Outcome::written(2));
    assert_eq!(sim.anomalies(), []);
}

#[test]
fn a_tail_cut_off_from_the_master_stops_answering_reads_before_it_is_replaced() {
    let mut s = scenario(config(3, false), 1_500.0);
    // Node 3 can still talk to the other servers and its clients, but
    // not to the master: at 400 ms the master replaces it by node 2.
    s.faults = vec![
        at(
            50.0,
            Action::Partition {
                from: vec![node(3)],
                to: vec![node(4)],
                two_way: true,
            },
        ),
        at(1_000.0, Action::HealAll),
    ];
    s.workload.ops = vec![
        // Acknowledged by the new chain, nodes 1 and 2 only.
        at(500.0, write(1, "x", 7)),
        // Node 3 still believes it is the tail, but its lease ran out at
        // 200 ms: it must not answer from its copy, which lacks x.
        at(600.0, read(3, "x")),
    ];
    let sim = simulate(&s);
    assert_eq!(outcome(&sim, 0), Outcome::written(1));
    // Answered only once node 3 has heard of the new chain, rejoined and
    // copied the write.
    assert_eq!(outcome(&sim, 1), Outcome::read(Some(7), 1));
    assert!(done_ms(&sim, 1).unwrap() > 1_000.0);
    assert_eq!(chain_of(&sim, 4), [1, 2, 3]);
    assert!(sim.world().nodes[node(4).index()].version() >= 3);
    assert_eq!(sim.anomalies(), []);
}

#[test]
fn a_committed_request_sent_again_is_answered_by_the_head_without_a_new_write() {
    let mut c = config(3, false);
    c.spares = 1;
    let mut s = scenario(c, 400.0);
    // Node 5, a spare outside the chain, is the client's proxy: the write
    // and its ack never pass through it, so it learns of the commit only by
    // sending the request again.
    s.workload.ops = vec![at(10.0, write(5, "x", 7))];
    let sim = simulate(&s);
    let asked: Vec<_> = chain_messages(&sim)
        .into_iter()
        .filter(|m| matches!(m.3, "submit" | "done"))
        .collect();
    assert_eq!(
        asked,
        [
            (10.0, 5, 1, "submit"),
            (160.0, 5, 1, "submit"),
            (170.0, 1, 5, "done"),
        ]
    );
    assert_eq!(outcome(&sim, 0), Outcome::written(1));
    assert_eq!(done_ms(&sim, 0), Some(180.0));
    for n in 1..=3 {
        assert_eq!(ops_in_log(&sim.world().nodes[node(n).index()]), [0], "node {n}");
    }
    assert_eq!(sim.anomalies(), []);
}
