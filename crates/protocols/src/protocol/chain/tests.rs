//! Chain scenarios with fixed seeds and exact outcomes: the write path
//! (acknowledged only once the tail has it), reads at the tail, CRAQ's
//! clean reads answered locally and dirty reads that ask the tail, plus
//! the configuration's JSON, validation and registry answers.

use crate::protocol::ProtocolConfig;
use alloc::string::String;
use alloc::vec::Vec;

use crate::latency::Latency;
use crate::node::{NodeId, Outcome, Role};
use crate::presets;
#[allow(unused_imports)]
use crate::protocol::chain::*;
use crate::protocol::{Family, Spec};
use crate::scenario::{Action, Scenario, Timed};
use crate::sim::Simulator;

/// Node `n` as people count.
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

pub(super) fn config(nodes: u16, craq: bool) -> ChainConfig {
    ChainConfig {
        nodes,
        craq,
        ..ChainConfig::default()
    }
}

/// `config` with every message taking exactly 10 ms.
pub(super) fn scenario(config: ChainConfig, until_ms: f64) -> Scenario {
    let mut s = presets::base(ProtocolConfig::Chain(config), until_ms);
    s.network.latency = Latency::Constant { ms: 10.0 };
    s
}

pub(super) fn simulate(s: &Scenario) -> Simulator<ChainNode> {
    assert_eq!(s.validate(), Ok(()));
    let mut sim = crate::protocol::simulator::<ChainConfig>(s).unwrap();
    sim.run();
    sim
}

pub(super) fn outcome(sim: &Simulator<ChainNode>, op: usize) -> Outcome {
    sim.history.ops[op]
        .outcome
        .clone()
        .unwrap_or(Outcome::Failed {
            reason: String::from("no answer"),
        })
}

pub(super) fn done_ms(sim: &Simulator<ChainNode>, op: usize) -> Option<f64> {
    sim.history.ops[op]
        .completed_at
        .map(|t| t.0 as f64 / 1000.0)
}

/// The chain's own messages (not heartbeats, leases or configurations),
/// as `(sent ms, from, to, label)` with nodes numbered from 1.
pub(super) fn chain_messages(sim: &Simulator<ChainNode>) -> Vec<(f64, u16, u16, &'static str)> {
    sim.trace
        .messages
        .iter()
        .map(|m| {
            (
                m.sent_at.0 as f64 / 1000.0,
                m.from.0 + 1,
                m.to.0 + 1,
                sim.trace.label(m),
            )
        })
        .filter(|m| !matches!(m.3, "heartbeat" | "lease" | "config"))
        .collect()
}

pub(super) fn ops_in_log(n: &ChainNode) -> Vec<u32> {
    n.writes().iter().map(|w| w.op.0).collect()
}

#[test]
fn a_write_is_acknowledged_only_after_the_tail_has_it() {
    let mut s = scenario(config(3, false), 200.0);
    s.workload.ops = alloc::vec![at(10.0, write(1, "x", 7))];
    let sim = simulate(&s);
    // Down the chain, committed at the tail, acknowledged back up.
    assert_eq!(
        chain_messages(&sim),
        [
            (10.0, 1, 2, "write"),
            (20.0, 2, 3, "write"),
            (30.0, 3, 2, "ack"),
            (40.0, 2, 1, "ack"),
        ]
    );
    // The head answers when the ack reaches it, not before.
    assert_eq!(outcome(&sim, 0), Outcome::written(1));
    assert_eq!(done_ms(&sim, 0), Some(50.0));
    for n in 1..=3 {
        let node = &sim.world().nodes[node(n).index()];
        assert_eq!((node.last(), node.committed()), (1, 1), "node {n}");
        assert_eq!(node.versions("x").clean, Some((1, 7)));
    }
    let roles: Vec<Role> = (1..=4)
        .map(|n| crate::node::Protocol::view(&*sim.world().nodes[node(n).index()]).role)
        .collect();
    assert_eq!(roles, [Role::Head, Role::Middle, Role::Tail, Role::Master]);
}

#[test]
fn a_middle_node_holds_the_write_dirty_until_the_ack_passes() {
    let mut s = scenario(config(3, false), 35.0);
    s.workload.ops = alloc::vec![at(10.0, write(1, "x", 7))];
    let sim = simulate(&s);
    // At 35 ms the tail has committed it; the ack is on its way to node 2.
    let middle = &sim.world().nodes[node(2).index()];
    assert_eq!(middle.versions("x").dirty, [(1, 7)]);
    assert_eq!(middle.versions("x").clean, None);
    let tail = &sim.world().nodes[node(3).index()];
    assert_eq!(tail.versions("x").clean, Some((1, 7)));
    assert!(sim.history.ops[0].outcome.is_none(), "not acknowledged yet");
}

#[test]
fn a_write_sent_to_the_tail_is_forwarded_to_the_head_and_answered_by_the_tail() {
    let mut s = scenario(config(3, false), 200.0);
    s.workload.ops = alloc::vec![at(10.0, write(3, "x", 7))];
    let sim = simulate(&s);
    assert_eq!(
        chain_messages(&sim),
        [
            (10.0, 3, 1, "submit"),
            (20.0, 1, 2, "write"),
            (30.0, 2, 3, "write"),
            (40.0, 3, 2, "ack"),
            (50.0, 2, 1, "ack"),
        ]
    );
    // Node 3 is the client's proxy and the tail: it answers on commit.
    assert_eq!(outcome(&sim, 0), Outcome::written(1));
    assert_eq!(done_ms(&sim, 0), Some(40.0));
}

#[test]
fn reads_go_to_the_tail_and_see_only_committed_writes() {
    let mut s = scenario(config(3, false), 200.0);
    s.workload.ops = alloc::vec![
        at(10.0, write(1, "x", 7)),
        // At the tail itself, before the write reaches it.
        at(15.0, read(3, "x")),
        // Sent to the head while the write is in the chain: the tail
        // answers at 35 ms, after it committed at 30.
        at(25.0, read(1, "x")),
    ];
    let sim = simulate(&s);
    assert_eq!(outcome(&sim, 1), Outcome::read(None, 0));
    assert_eq!(done_ms(&sim, 1), Some(15.0));
    assert_eq!(outcome(&sim, 2), Outcome::read(Some(7), 1));
    assert_eq!(done_ms(&sim, 2), Some(45.0));
    let reads: Vec<_> = chain_messages(&sim)
        .into_iter()
        .filter(|m| matches!(m.3, "read" | "value"))
        .collect();
    assert_eq!(reads, [(25.0, 1, 3, "read"), (35.0, 3, 1, "value")]);
    use crate::run::Run;
    assert_eq!(sim.anomalies(), []);
}

#[test]
fn craq_answers_clean_reads_locally_and_asks_the_tail_about_dirty_ones() {
    let mut s = scenario(config(3, true), 200.0);
    s.workload.ops = alloc::vec![
        at(10.0, write(1, "x", 7)),
        // Node 2 got write 1 at 20 ms; its ack arrives at 40: dirty.
        at(25.0, read(2, "x")),
        // A key nobody wrote is clean everywhere.
        at(25.0, read(1, "y")),
        // After the ack passed: clean, answered from node 2's own copy.
        at(45.0, read(2, "x")),
    ];
    let sim = simulate(&s);
    let reads: Vec<_> = chain_messages(&sim)
        .into_iter()
        .filter(|m| !matches!(m.3, "write" | "ack"))
        .collect();
    // Only the dirty read talked to anyone: one question, one answer.
    assert_eq!(reads, [(25.0, 2, 3, "version?"), (35.0, 3, 2, "version")]);
    assert_eq!(outcome(&sim, 1), Outcome::read(Some(7), 1));
    assert_eq!(done_ms(&sim, 1), Some(45.0));
    assert_eq!(outcome(&sim, 2), Outcome::read(None, 0));
    assert_eq!(done_ms(&sim, 2), Some(25.0));
    assert_eq!(outcome(&sim, 3), Outcome::read(Some(7), 1));
    assert_eq!(done_ms(&sim, 3), Some(45.0));
}

#[test]
fn craq_dirty_read_answers_the_committed_version_not_the_newest() {
    let mut s = scenario(config(3, true), 300.0);
    s.workload.ops = alloc::vec![
        at(10.0, write(1, "x", 1)),
        at(100.0, write(1, "x", 2)),
        // The head holds write 2 dirty; the tail has committed write 1
        // only (write 2 reaches it at 120 ms).
        at(101.0, read(1, "x")),
    ];
    let sim = simulate(&s);
    assert_eq!(outcome(&sim, 2), Outcome::read(Some(1), 1));
    assert_eq!(outcome(&sim, 1), Outcome::written(2));
}

#[test]
fn the_master_refuses_client_requests() {
    let mut s = scenario(config(2, false), 100.0);
    s.workload.ops = alloc::vec![at(10.0, write(3, "x", 1))];
    let sim = simulate(&s);
    assert!(matches!(outcome(&sim, 0), Outcome::Failed { .. }));
}

#[test]
fn json_defaults_validation_and_registry_answers() {
    let s = Scenario::from_json(r#"{"protocol":{"kind":"chain","nodes":3},"until_ms":100}"#)
        .unwrap();
    let ProtocolConfig::Chain(c) = &s.protocol else {
        panic!("not chain")
    };
    assert_eq!(*c, ChainConfig::default());
    assert_eq!(s.protocol.spec().name(), "chain");
    assert_eq!(s.protocol.spec().node_count(), 4);
    assert_eq!(
        s.protocol.spec().replication_links(),
        [(node(1), node(2)), (node(2), node(3))]
    );
    assert!(Scenario::from_json(r#"{"protocol":{"kind":"chain","nodes":3,"nope":1},"until_ms":100}"#).is_err());
    let bad = scenario(
        ChainConfig {
            nodes: 9,
            heartbeat_ms: 100.0,
            timeout_ms: 1.0,
            ..ChainConfig::default()
        },
        100.0,
    );
    let problems = bad.validate().unwrap_err();
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["protocol.nodes", "protocol.timeout_ms"]);
    // Writes to the head, reads to the tail; under CRAQ spread out.
    let up = [true; 4];
    let w = crate::node::Request::Write {
        key: String::from("x"),
        value: 1,
    };
    let r = crate::node::Request::read("x");
    assert_eq!(c.route(1, &w, &up).unwrap().0, node(1));
    assert_eq!(c.route(1, &r, &up).unwrap().0, node(3));
    assert_eq!(c.route(1, &r, &[true, true, false, true]).unwrap().0, node(2));
    let craq = config(3, true);
    assert_eq!(craq.route(2, &r, &up).unwrap().0, node(2));
    // One more spare, after the master.
    let (more, added) = c.with_new_node().unwrap();
    assert_eq!((more.spares, added, more.node_count()), (1, node(5), 5));
    assert!(!ChainConfig::params().is_empty());
    use crate::anomaly::AnomalyKind as K;
    for k in [K::StaleRead, K::LostWrite, K::NotLinearizable, K::Divergence, K::LostUpdate] {
        assert!(c.can_show(k), "{k:?}");
    }
    for k in [K::SplitBrain, K::Conflict, K::DiscardedWrite, K::CausalityViolation] {
        assert!(!c.can_show(k), "{k:?}");
    }
}

pub(super) fn preset(id: &str) -> Simulator<ChainNode> {
    simulate(&presets::find(id).unwrap().scenario())
}

/// What each preset's paragraph says, checked on its run.
#[test]
fn the_presets_show_what_their_paragraphs_say() {
    use crate::run::Run;
    let sim = preset("chain-write-path");
    assert_eq!(done_ms(&sim, 0), Some(50.0), "four hops");
    assert_eq!(outcome(&sim, 1), Outcome::read(None, 0), "tail at 25 ms");
    assert_eq!(outcome(&sim, 2), Outcome::read(Some(7), 1), "tail at 35 ms");
    assert_eq!(outcome(&sim, 3), Outcome::read(Some(7), 1));
    assert!(chain_messages(&sim).contains(&(60.0, 1, 3, "read")));

    let sim = preset("chain-tail-crash");
    assert_eq!(done_ms(&sim, 0), Some(420.0));
    assert_eq!(outcome(&sim, 1), Outcome::written(2));
    assert_eq!(sim.world().nodes[1].chain(), [NodeId(0), NodeId(1)]);

    let sim = preset("chain-middle-crash");
    assert_eq!(done_ms(&sim, 0), Some(430.0));

    let sim = preset("chain-head-crash");
    assert_eq!(done_ms(&sim, 0), Some(480.0));
    let submits = chain_messages(&sim)
        .into_iter()
        .filter(|m| m.3 == "submit")
        .count();
    assert_eq!(submits, 4);

    let sim = preset("chain-craq-dirty-read");
    // The clean read at 60 ms sends nothing; only the dirty one asks.
    let reads: Vec<_> = chain_messages(&sim)
        .into_iter()
        .filter(|m| !matches!(m.3, "write" | "ack"))
        .collect();
    assert_eq!(reads, [(101.0, 1, 3, "version?"), (111.0, 3, 1, "version")]);
    assert_eq!(outcome(&sim, 1), Outcome::read(Some(1), 1));
    assert_eq!(done_ms(&sim, 1), Some(60.0));
    assert_eq!(outcome(&sim, 3), Outcome::read(Some(1), 1));
    assert_eq!(outcome(&sim, 4), Outcome::read(Some(2), 2));
    assert_eq!(done_ms(&sim, 4), Some(200.0));

    let sim = preset("chain-join");
    assert_eq!(done_ms(&sim, 2), Some(260.0));
    assert_eq!(outcome(&sim, 3), Outcome::read(Some(3), 3));

    for id in [
        "chain-write-path",
        "chain-tail-crash",
        "chain-middle-crash",
        "chain-head-crash",
        "chain-craq-dirty-read",
        "chain-join",
    ] {
        assert_eq!(preset(id).anomalies(), [], "{id}");
    }
}
