//! The three replication log formats on the SQL table, with fixed seeds
//! and exact outcomes: statement-based replication diverges exactly where
//! the node's clock, random stream or lag enter the statement; WAL shipping
//! and row-based replication converge; WAL refuses a follower on another
//! storage version. Plus the property: for random SQL workloads, followers
//! end identical to the leader in every format without non-deterministic
//! functions, and with them only statement-based replication may diverge.

use crate::protocol::ProtocolConfig;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use proptest::prelude::*;

// What `use super::*` brought in when these compiled inside the
// protocol (see crates/engine/src/protocol_tests.rs).
use crate::check::AnomalyKind;
use crate::latency::Latency;
use crate::node::TableView;
#[allow(unused_imports)]
use crate::node::*;
use crate::node::Request;
use crate::presets;
#[allow(unused_imports)]
use crate::protocol::single_leader::*;
use crate::scenario::{Scenario, FORMAT};
use crate::sim::Simulator;
use crate::sql::Value;
use crate::table_diff::{diff_tables, CellDiff, RowDiff};
#[allow(unused_imports)]
use crate::vv::*;

fn run_preset(id: &str) -> Simulator<SingleLeaderNode> {
    run(&presets::find(id).unwrap().scenario())
}

fn run(s: &Scenario) -> Simulator<SingleLeaderNode> {
    assert_eq!(s.validate(), Ok(()));
    let mut sim = crate::protocol::simulator::<SingleLeaderConfig>(s).unwrap();
    sim.run();
    sim
}

fn anomalies(s: &Scenario) -> Vec<crate::check::Anomaly> {
    crate::run::start(s).unwrap().anomalies()
}

fn view(sim: &Simulator<SingleLeaderNode>, n: usize) -> TableView {
    sim.world().nodes[n].table().to_view()
}

fn cell(sim: &Simulator<SingleLeaderNode>, n: usize, id: i64, col: usize) -> Value {
    sim.world().nodes[n].table().get(id).unwrap()[col].clone()
}

#[test]
fn statement_based_now_rand_uuid_diverge_exactly() {
    let sim = run_preset("single-leader-statement-nondeterminism");
    // NOW(): the leader ran the INSERT at 10 ms; each follower flushed it
    // at 21 ms by its own clock (+250 ms, −40 ms).
    assert_eq!(cell(&sim, 0, 6, 3), Value::Timestamp(10_000));
    assert_eq!(cell(&sim, 1, 6, 3), Value::Timestamp(271_000));
    assert_eq!(cell(&sim, 2, 6, 3), Value::Timestamp(-19_000));
    // RAND(): each node's own seeded stream.
    assert_eq!(cell(&sim, 0, 1, 1), Value::Int(654));
    assert_eq!(cell(&sim, 1, 1, 1), Value::Int(788));
    assert_eq!(cell(&sim, 2, 1, 1), Value::Int(826));
    // UUID(): three different ones.
    let uuids: Vec<Value> = (0..3).map(|n| cell(&sim, n, 5, 2)).collect();
    assert!(uuids[0] != uuids[1] && uuids[1] != uuids[2] && uuids[0] != uuids[2]);
    // Row by row: three rows differ on each follower, one cell each.
    let diff = diff_tables(&view(&sim, 0), &view(&sim, 1));
    let ids: Vec<&str> = diff.iter().map(RowDiff::id).collect();
    assert_eq!(ids, vec!["1", "5", "6"]);
    assert_eq!(
        diff[2],
        RowDiff::Changed {
            id: "6".into(),
            cells: vec![CellDiff {
                column: "created_at".into(),
                leader: "t=10 ms".into(),
                follower: "t=271 ms".into()
            }]
        }
    );
    // Every replicated statement diverged on both followers.
    let found = anomalies(
        &presets::find("single-leader-statement-nondeterminism")
            .unwrap()
            .scenario(),
    );
    let divergent: Vec<(u32, bool)> = found
        .iter()
        .filter(|a| a.kind == AnomalyKind::Divergence)
        .map(|a| (a.op.0, a.explanation.starts_with("Node 2")))
        .collect();
    assert_eq!(
        divergent,
        vec![
            (1, true),
            (1, false),
            (2, true),
            (2, false),
            (3, true),
            (3, false)
        ]
    );
    assert!(found[0]
        .explanation
        .contains("row 6: created_at t=271 ms here, t=10 ms on the leader"));
}

#[test]
fn wal_and_row_based_replicate_the_leaders_values() {
    for id in ["single-leader-wal-shipping", "single-leader-row-based"] {
        let sim = run_preset(id);
        let leader = view(&sim, 0);
        for n in 1..3 {
            assert_eq!(
                diff_tables(&leader, &view(&sim, n)),
                vec![],
                "{id}: node {}",
                n + 1
            );
        }
        assert_eq!(cell(&sim, 2, 6, 3), Value::Timestamp(10_000), "{id}");
        assert_eq!(sim.world().nodes[2].lsn(), 4, "{id}");
        let scenario = presets::find(id).unwrap().scenario();
        assert!(anomalies(&scenario).is_empty(), "{id}");
    }
}

#[test]
fn wal_ships_page_bytes_and_row_format_ships_row_images() {
    let describe = |id: &str| {
        let sim = run_preset(id);
        let trace = &sim.trace;
        let m = trace
            .messages
            .iter()
            .find(|m| trace.label(m) == "replicate")
            .unwrap();
        String::from(trace.payload(m))
    };
    // LSN 1 is the article's 10% raise for the three active accounts.
    let wal = describe("single-leader-wal-shipping");
    assert_eq!(
        wal,
        "LSN 1: 3 page writes (v1), first: page 0, bytes 10–17: 64 00 00 00 00 00 00 00 → 6e 00 00 00 00 00 00 00 (48 B, epoch 1)"
    );
    let row = describe("single-leader-row-based");
    assert!(
        row.starts_with("LSN 1: 3 row events, first: UPDATE accounts id=1: balance 100 → 110"),
        "{row}"
    );
    let statement = describe("single-leader-statement-nondeterminism");
    // Long statements are clipped in the diagram; the size is the text's.
    assert_eq!(
        statement,
        "LSN 1: statement \"UPDATE accounts SET balance = balance * 1.1 WHERE status = '…\" (75 B, epoch 1)"
    );
}

#[test]
fn a_lagging_follower_deletes_a_row_the_leader_kept() {
    let sim = run_preset("single-leader-statement-where-now");
    let ids =
        |n: usize| -> Vec<i64> { sim.world().nodes[n].table().rows.keys().copied().collect() };
    // Older than 3 s at 10 ms: rows 1–5 (days old) and 8–10.
    assert_eq!(ids(0), vec![6, 7]);
    assert_eq!(ids(1), vec![6, 7]);
    // Node 3 ran it 1.5 s later: row 7 (2 s old by then... 3.5 s) goes too.
    assert_eq!(ids(2), vec![6]);
    let found = anomalies(
        &presets::find("single-leader-statement-where-now")
            .unwrap()
            .scenario(),
    );
    assert_eq!(found.len(), 1);
    assert!(found[0]
        .explanation
        .contains("row 7 deleted here but kept by the leader"));
}

#[test]
fn wal_needs_the_same_storage_version() {
    let sim = run_preset("single-leader-wal-version-mismatch");
    let w = sim.world();
    assert_eq!((w.nodes[1].lsn(), w.nodes[2].lsn()), (2, 0));
    assert_eq!(
        w.nodes[2].stopped(),
        Some("LSN 1 could not be applied: WAL written by storage format v1 cannot be applied by a node on storage format v2: physical replication needs the same storage engine version on leader and followers")
    );
    assert_eq!(w.nodes[2].table(), &initial_table(5));
    // The follower's reads stay at the old data.
    assert_eq!(sim.history.ops[3].outcome, Some(Outcome::read(None, 0)));
}

#[test]
fn sql_errors_change_nothing_and_select_reads_the_nodes_own_table() {
    let mut s = presets::find("single-leader-row-based").unwrap().scenario();
    s.workload.ops = vec![
        presets::at(
            5.0,
            presets::sql(0, "UPDATE accounts SET balance = WHERE id = 1"),
        ),
        presets::at(6.0, presets::sql(0, "UPDATE accounts SET nope = 1")),
        presets::at(7.0, presets::sql(1, "DELETE FROM accounts")),
        presets::at(
            8.0,
            presets::sql(1, "SELECT id, status FROM accounts WHERE balance > 200"),
        ),
    ];
    let sim = run(&s);
    let outcome = |i: usize| sim.history.ops[i].outcome.clone().unwrap();
    let Outcome::Failed { reason } = outcome(0) else {
        panic!("{:?}", outcome(0))
    };
    assert!(reason.starts_with("SQL error: "), "{reason}");
    assert!(reason.contains("column 31"), "{reason}");
    assert!(
        matches!(outcome(1), Outcome::Failed { reason } if reason.contains("unknown column 'nope'"))
    );
    assert!(
        matches!(outcome(2), Outcome::Failed { reason } if reason.contains("read-only follower"))
    );
    assert_eq!(
        outcome(3),
        Outcome::Rows {
            columns: vec!["id".into(), "status".into()],
            rows: vec![
                vec!["2".into(), "'closed'".into()],
                vec!["4".into(), "'active'".into()]
            ],
            version: 0
        }
    );
    assert_eq!(sim.world().nodes[0].lsn(), 0);
}

/// Statements over the example table: ids 1–12 (some inserted later).
fn statement(deterministic: bool) -> impl Strategy<Value = String> {
    let id = 1i64..13;
    let det = prop_oneof![
        (id.clone(), 0i64..500).prop_map(|(i, b)| format!(
            "INSERT INTO accounts (id, balance, status) VALUES ({i}, {b}, 'active')"
        )),
        (id.clone(), -50i64..50).prop_map(|(i, k)| format!(
            "UPDATE accounts SET balance = balance + {k} WHERE id = {i}"
        )),
        (0i64..600).prop_map(|v| format!(
            "UPDATE accounts SET status = 'closed' WHERE balance < {v} AND status = 'active'"
        )),
        id.clone()
            .prop_map(|i| format!("DELETE FROM accounts WHERE id = {i}")),
        (0i64..300).prop_map(|v| format!("DELETE FROM accounts WHERE balance > {v} OR id = 3")),
    ];
    let nondet = prop_oneof![
        id.clone()
            .prop_map(|i| format!("UPDATE accounts SET balance = RAND() * 100 WHERE id = {i}")),
        id.clone()
            .prop_map(|i| format!("UPDATE accounts SET created_at = NOW() WHERE id = {i}")),
        id.prop_map(|i| format!("UPDATE accounts SET status = UUID() WHERE id = {i}")),
    ];
    if deterministic {
        det.boxed()
    } else {
        prop_oneof![3 => det, 2 => nondet].boxed()
    }
}

fn workload_scenario(format: LogFormat, seed: u64, statements: &[(u32, String)]) -> Scenario {
    let config = SingleLeaderConfig {
        log_format: format,
        ..presets::single_leader(2, AckMode::Async)
    };
    let mut s = Scenario {
        format: FORMAT,
        seed,
        protocol: ProtocolConfig::SingleLeader(config),
        network: Default::default(),
        clocks: vec![crate::scenario::ClockConfig {
            node: NodeId(2),
            offset_ms: 37.0,
            drift_ppm: 0.0,
        }],
        faults: Vec::new(),
        workload: Default::default(),
        interventions: Vec::new(),
        schedule: Vec::new(),
        until_ms: 2_000.0,
    };
    s.network.latency = Latency::Uniform {
        min_ms: 1.0,
        max_ms: 40.0,
    };
    s.workload.ops = statements
        .iter()
        .map(|(t, sql)| presets::at(f64::from(*t), presets::sql(0, sql)))
        .collect();
    s
}

fn converged(sim: &Simulator<SingleLeaderNode>) -> bool {
    let leader = view(sim, 0);
    (1..3).all(|n| diff_tables(&leader, &view(sim, n)).is_empty())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_format_converges_without_nondeterministic_functions(
        seed in 0u64..1_000,
        statements in proptest::collection::vec((0u32..1_000, statement(true)), 1..12),
    ) {
        for format in [LogFormat::Statement, LogFormat::Wal, LogFormat::Row] {
            let s = workload_scenario(format, seed, &statements);
            let sim = run(&s);
            prop_assert!(converged(&sim), "{:?} diverged (seed {seed}): {:?}", format, statements);
            let leader_lsn = sim.world().nodes[0].lsn();
            for n in 1..3 {
                prop_assert_eq!(sim.world().nodes[n].lsn(), leader_lsn);
            }
        }
    }

    #[test]
    fn with_now_and_rand_only_statement_based_may_diverge(
        seed in 0u64..1_000,
        statements in proptest::collection::vec((0u32..1_000, statement(false)), 1..12),
    ) {
        for format in [LogFormat::Wal, LogFormat::Row] {
            let sim = run(&workload_scenario(format, seed, &statements));
            prop_assert!(converged(&sim), "{:?} diverged (seed {seed}): {:?}", format, statements);
        }
        // Statement-based: any difference is one the divergence check
        // reported, tied to a statement with a non-deterministic function.
        let s = workload_scenario(LogFormat::Statement, seed, &statements);
        let sim = run(&s);
        let found = anomalies(&s);
        if !converged(&sim) {
            prop_assert!(found.iter().any(|a| a.kind == AnomalyKind::Divergence));
        }
        // Each follower's first divergence comes from a statement with a
        // non-deterministic function (later ones may follow from it: a
        // WHERE on a value that already differs).
        for node in ["Node 2", "Node 3"] {
            let Some(first) = found
                .iter()
                .filter(|a| a.kind == AnomalyKind::Divergence && a.explanation.starts_with(node))
                .min_by_key(|a| a.op)
            else {
                continue;
            };
            let Request::Sql { sql } = &sim.history.ops[first.op.0 as usize].request else {
                return Err(TestCaseError::fail("divergence on a non-SQL op"));
            };
            prop_assert!(
                sql.contains("RAND()") || sql.contains("NOW()") || sql.contains("UUID()"),
                "{} first diverged on {}", node, sql
            );
        }
    }
}
