//! The checks behind the fuzz targets in `fuzz/`: one function per parser
//! that takes arbitrary bytes, feeds them to the parser and to whatever
//! consumes its output, and panics only on a real bug — a panic inside
//! the library, a round trip that changes the value, a run whose virtual
//! time stops advancing. Rejected input is fine: every error must merely
//! be printable.
//!
//! The same functions replay the kept corpus and crash inputs in
//! `tests/fuzz_regressions.rs` and run under the seeded mutation sweep of
//! `tests/parser_properties.rs`, so what the fuzzer once found stays fixed
//! in `cargo test`. Everything here is `no_std` + `alloc`, like the rest of
//! the crate; nothing calls it outside tests and fuzzing.
//!
//! - [`check_scenario_json`]: [`Scenario::from_json`], then for a valid
//!   scenario the JSON round trip and a bounded run.
//! - [`check_share_url`]: [`share::decode`] of a link (input starting with
//!   `{` is taken as the link's JSON and base64-encoded first, so the
//!   fuzzer reaches the JSON without having to invent base64), then
//!   `decode(encode(x)) == x` and the same trace from both.
//! - [`check_sql`]: the lexer, [`sql::parse`] and [`sql::parse_expr`],
//!   printing and re-parsing, and executing a parsed statement on two
//!   small tables, checking the row-event and WAL logs replay to the
//!   leader's table.

use alloc::borrow::Cow;
use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use crate::node::{NodeId, Protocol, Request};
use crate::protocol::{Family, Visit};
use crate::run::Run;
use crate::scenario::{Scenario, ScenarioError};
use crate::share;
use crate::sim::Simulator;
use crate::sql::{
    self, apply_changes, apply_row_events, execute, log_sizes, row_events, Column, ColumnType,
    Pages, SeededContext, Statement, StorageVersion, Table, Tok, Value,
};
use crate::time::Instant;

/// Steps a fuzzed run may take before it is cut short: enough for every
/// preset's first second, small enough that one input takes milliseconds.
pub const RUN_STEP_BUDGET: usize = 20_000;

/// Steps in a row at one virtual instant after which a run counts as
/// stuck. The largest legitimate burst is every message of a 64-node,
/// fanout-64 chatter cluster arriving together: 4096.
pub const STUCK_STEPS: usize = 10_000;

/// Feeds `data` to the scenario parser. A scenario that parses must be
/// valid, serialise, parse back to an equal value and run.
pub fn check_scenario_json(data: &[u8]) {
    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    let scenario = match Scenario::from_json(text) {
        Ok(s) => s,
        Err(e) => {
            check_scenario_error(&e);
            return;
        }
    };
    if let Err(problems) = scenario.validate() {
        panic!("from_json accepted an invalid scenario: {problems:?}");
    }
    let json = scenario.to_json();
    assert!(!json.is_empty(), "a valid scenario did not serialise");
    match Scenario::from_json(&json) {
        Ok(again) => assert!(
            again == scenario,
            "the JSON round trip changed the scenario\nbefore: {scenario:?}\nafter:  {again:?}\njson: {json}"
        ),
        Err(e) => panic!("a scenario's own JSON does not parse: {e}\njson: {json}"),
    }
    run_bounded(&scenario);
}

/// Feeds `data` to the link decoder. A link that decodes must re-encode
/// to a link that decodes to the same run, and both must replay the same
/// trace (which is what the hash in a link promises).
pub fn check_share_url(data: &[u8]) {
    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    let link: Cow<'_, str> = if text.trim_start().starts_with('{') {
        Cow::Owned(URL_SAFE_NO_PAD.encode(text.as_bytes()))
    } else {
        Cow::Borrowed(text)
    };
    let shared = match share::decode(&link) {
        Ok(s) => s,
        Err(why) => {
            assert!(!why.is_empty(), "a refused link must say why");
            return;
        }
    };
    assert_eq!(
        shared.v,
        share::LINK_VERSION,
        "decoded a link of another version"
    );
    if let Err(problems) = shared.scenario.validate() {
        panic!("decode accepted an invalid scenario: {problems:?}");
    }
    let encoded = share::encode(&shared);
    assert!(
        !encoded.is_empty()
            && encoded
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "an encoded link must be non-empty URL-safe base64: {encoded}"
    );
    let again = match share::decode(&encoded) {
        Ok(again) => again,
        Err(why) => panic!("a link made by encode does not decode: {why}\nrun: {shared:?}"),
    };
    assert!(
        again == shared,
        "the link round trip changed the run\nbefore: {shared:?}\nafter:  {again:?}"
    );
    assert_eq!(share::encode(&again), encoded, "encoding is not canonical");
    let first = run_bounded(&shared.scenario);
    let second = run_bounded(&again.scenario);
    assert_eq!(
        first, second,
        "the re-decoded link replays a different trace"
    );
}

/// Feeds `data` to the SQL lexer and parsers. A statement that parses must
/// print and re-parse to the same tree; executed on a small table it must
/// either fail leaving the table unchanged or produce changes that the
/// row-based and WAL logs replay exactly.
pub fn check_sql(data: &[u8]) {
    let Ok(src) = core::str::from_utf8(data) else {
        return;
    };
    check_tokens(src);
    if let Ok(expr) = sql::parse_expr(src) {
        let printed = expr.to_string();
        match sql::parse_expr(&printed) {
            Ok(again) => assert!(
                again == expr,
                "printing changed the expression\nsource:  {src:?}\nprinted: {printed:?}\nbefore: {expr:?}\nafter:  {again:?}"
            ),
            Err(e) => panic!("a printed expression does not parse: {e}\nsource: {src:?}\nprinted: {printed:?}"),
        }
        let _ =
            sql::eval_expr(&expr, &mut SeededContext::new(1_000_000, 7)).map_err(|e| e.to_string());
    }
    let stmt = match sql::parse(src) {
        Ok(stmt) => stmt,
        Err(e) => {
            check_parse_error(src, &e);
            return;
        }
    };
    let printed = stmt.to_string();
    match sql::parse(&printed) {
        Ok(again) => assert!(
            again == stmt,
            "printing changed the statement\nsource:  {src:?}\nprinted: {printed:?}\nbefore: {stmt:?}\nafter:  {again:?}"
        ),
        Err(e) => panic!("a printed statement does not parse: {e}\nsource: {src:?}\nprinted: {printed:?}"),
    }
    assert_eq!(
        sql::parse(&printed).map(|s| s.to_string()).as_deref(),
        Ok(printed.as_str()),
        "printing is not canonical"
    );
    // The simulator decides reads from writes by the text alone.
    let request = Request::Sql {
        sql: String::from(src),
    };
    assert_eq!(
        request.is_write(),
        !stmt.is_read_only(),
        "Request::is_write disagrees with the parser on {src:?}"
    );
    for e in stmt.expressions() {
        assert!(
            e.height() <= sql::MAX_HEIGHT,
            "the parser accepted an expression {} levels deep",
            e.height()
        );
    }
    let _ = stmt.nondeterministic_functions();
    let table = sql_tables()
        .into_iter()
        .find(|t| t.name.eq_ignore_ascii_case(stmt.table()))
        .unwrap_or_else(Table::accounts_example);
    check_execution(&table, src, &stmt);
}

/// What to do with a valid scenario: run it for at most
/// [`RUN_STEP_BUDGET`] steps, look at it the way the views do, and return
/// its trace hash.
fn run_bounded(scenario: &Scenario) -> u64 {
    scenario.protocol.visit(Drive(scenario))
}

/// [`drive`]s a simulator of the scenario's own protocol.
struct Drive<'a>(&'a Scenario);

impl Visit for Drive<'_> {
    type Out = u64;
    fn visit<F: Family>(self, config: &F) -> u64 {
        drive(Simulator::new(self.0, |id| config.node(id)))
    }
}

fn drive<P: Protocol + 'static>(mut sim: Simulator<P>) -> u64 {
    let mut stuck = 0;
    let mut last = sim.now();
    for _ in 0..RUN_STEP_BUDGET {
        if !sim.step() {
            break;
        }
        let now = sim.now();
        assert!(
            now >= last,
            "virtual time went backwards: {last:?} → {now:?}"
        );
        if now == last {
            stuck += 1;
            assert!(
                stuck < STUCK_STEPS,
                "virtual time stopped advancing: {STUCK_STEPS} steps at {now:?}"
            );
        } else {
            stuck = 0;
            last = now;
        }
    }
    let until = sim.scenario().until();
    assert!(sim.now() <= until, "the run went past its end");
    let run: &dyn Run = &sim;
    let summary = run.summary();
    assert_eq!(summary.events as usize, run.trace().steps.len());
    let nodes = usize::from(run.scenario().node_count());
    assert!(
        summary.nodes.len() >= nodes,
        "a node is missing from the summary"
    );
    let snapshot = run.snapshot_at(Instant(sim.now().0 / 2));
    assert!(
        snapshot.nodes.len() >= nodes,
        "a node is missing from a snapshot"
    );
    for (i, n) in snapshot.nodes.iter().enumerate() {
        assert_eq!(n.node, NodeId(i as u16));
    }
    run.trace().hash()
}

fn check_scenario_error(e: &ScenarioError) {
    let message = e.to_string();
    assert!(!message.is_empty());
    if let ScenarioError::Invalid(problems) = e {
        assert!(!problems.is_empty(), "an invalid scenario with no problem");
    }
}

fn check_tokens(src: &str) {
    match sql::tokenize(src) {
        Ok(tokens) => {
            assert_eq!(tokens.last().map(|t| &t.tok), Some(&Tok::Eof));
            let mut at = 0;
            for t in &tokens {
                assert!(
                    at <= t.start && t.start <= t.end && src.get(t.start..t.end).is_some(),
                    "token {t:?} is not a span of {src:?} after byte {at}"
                );
                at = t.end;
            }
        }
        Err(e) => check_parse_error(src, &e),
    }
}

fn check_parse_error(src: &str, e: &sql::ParseError) {
    assert!(e.pos <= src.len(), "error position past the end: {e:?}");
    assert!(e.line >= 1 && e.column >= 1, "positions are 1-based: {e:?}");
    assert!(!e.to_string().is_empty());
}

/// Lives beside the parser (its property tests use it too).
pub use crate::sql::SQL_WORDS;

/// `accounts` (INT, INT, TEXT, TIMESTAMP) and `t` with a column of every
/// type, NULLs and a long text included.
pub fn sql_tables() -> Vec<Table> {
    let mut t = Table::new(
        "t",
        vec![
            Column::new("id", ColumnType::Int),
            Column::new("r", ColumnType::Real),
            Column::new("s", ColumnType::Text),
            Column::new("b", ColumnType::Bool),
            Column::new("ts", ColumnType::Timestamp),
        ],
    )
    .unwrap_or_else(|_| Table::accounts_example());
    let rows = [
        (
            1,
            Value::Real(0.5),
            Value::Text("a".into()),
            Value::Bool(true),
            Value::Timestamp(0),
        ),
        (
            2,
            Value::Real(-1e300),
            Value::Text("it's é".into()),
            Value::Bool(false),
            Value::Null,
        ),
        (
            3,
            Value::Null,
            Value::Null,
            Value::Null,
            Value::Timestamp(i64::MIN),
        ),
        (
            i64::MAX,
            Value::Real(2.0),
            Value::Text("x".repeat(sql::TEXT_MAX)),
            Value::Bool(true),
            Value::Timestamp(i64::MAX),
        ),
    ];
    let mut map = BTreeMap::new();
    for (id, r, s, b, ts) in rows {
        map.insert(id, vec![Value::Int(id), r, s, b, ts]);
    }
    t.rows = map;
    vec![Table::accounts_example(), t]
}

fn check_execution(initial: &Table, src: &str, stmt: &Statement) {
    const NOW_US: i64 = 1_000_000;
    const SEED: u64 = 7;
    let mut leader = initial.clone();
    let effects = match execute(&mut leader, stmt, &mut SeededContext::new(NOW_US, SEED)) {
        Ok(effects) => effects,
        Err(e) => {
            assert!(!e.to_string().is_empty());
            assert!(
                leader == *initial,
                "a failed statement changed the table: {src:?}"
            );
            return;
        }
    };
    // Same context, same result: re-execution is deterministic.
    let mut again = initial.clone();
    let effects_again = execute(&mut again, stmt, &mut SeededContext::new(NOW_US, SEED));
    assert!(
        effects_again.as_ref() == Ok(&effects) && again == leader,
        "executing twice with the same context differs: {src:?}"
    );
    if stmt.is_read_only() {
        assert!(
            effects.changes.is_empty() && leader == *initial,
            "a SELECT changed the table"
        );
    }
    // The changes alone rebuild the leader's table.
    let mut replayed = initial.clone();
    apply_changes(&mut replayed, &effects.changes);
    assert!(
        replayed == leader,
        "the statement's changes do not rebuild its table: {src:?}"
    );
    // Row-based replication.
    let events = row_events(initial, &effects.changes);
    assert_eq!(events.len(), effects.changes.len());
    let mut follower = initial.clone();
    if let Err(e) = apply_row_events(&mut follower, &events) {
        panic!("the leader's row events do not apply: {e}\nstatement: {src:?}");
    }
    assert!(
        follower == leader,
        "row events do not rebuild the leader's table: {src:?}"
    );
    // Physical (WAL) replication, both storage formats.
    for version in [StorageVersion::V1, StorageVersion::V2] {
        let Ok(mut leader_pages) = Pages::from_table(initial, version) else {
            continue;
        };
        let sizes = log_sizes(initial, src, &mut SeededContext::new(NOW_US, SEED), version);
        let Ok(writes) = leader_pages.apply_changes(&effects.changes) else {
            // The new rows do not fit this storage format (text too long).
            assert!(
                sizes.is_err(),
                "log_sizes measured a statement the pages refuse: {src:?}"
            );
            continue;
        };
        match sizes {
            Ok(sizes) if !stmt.is_read_only() => {
                assert_eq!(sizes.statement.bytes, sql::STATEMENT_HEADER + src.len());
                assert_eq!(sizes.row.events, effects.changes.len());
                assert_eq!(sizes.wal.events, writes.len());
            }
            Ok(_) => {}
            Err(e) => {
                panic!("log_sizes failed on a statement that executes: {e}\nstatement: {src:?}")
            }
        }
        let mut wal_follower = match Pages::from_table(initial, version) {
            Ok(p) => p,
            Err(e) => panic!("laying out the same table twice differs: {e}"),
        };
        if let Err(e) = wal_follower.apply_writes(&writes, version) {
            panic!("the leader's WAL does not replay: {e}\nstatement: {src:?}");
        }
        assert!(
            wal_follower == leader_pages,
            "WAL replay differs from the leader's pages: {src:?}"
        );
        match leader_pages.to_table() {
            Ok(t) => assert!(
                t == leader,
                "the leader's pages do not decode to its table: {src:?}"
            ),
            Err(e) => panic!("the leader's pages do not decode: {e}\nstatement: {src:?}"),
        }
    }
}
