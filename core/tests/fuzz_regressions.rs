//! Replays what the fuzzers kept through the same checks the fuzz targets
//! run (`replicascope_core::fuzzing`): every crash input in
//! `fuzz/regressions/<target>/` and the minimized corpus in
//! `fuzz/corpus/<target>/`. A crash the fuzzer once found stays fixed in a
//! plain `cargo test`, no nightly or libFuzzer needed.
//!
//! `cargo test -p replicascope-core --test fuzz_regressions -- --ignored`
//! (re)writes the seed inputs built from the presets into the corpus
//! directories (see `fuzz/README.md`).

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use replicascope_core::fuzzing::{check_scenario_json, check_share_url, check_sql};

/// A fuzz target's check: panics on a bug.
type Check = fn(&[u8]);

/// Each fuzz target's name (its directory under `fuzz/corpus` and
/// `fuzz/regressions`) and check.
const TARGETS: [(&str, Check); 3] = [
    ("scenario_json", check_scenario_json),
    ("share_url", check_share_url),
    ("sql", check_sql),
];

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// The files in `dir`, sorted; none if it does not exist.
fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    paths
}

/// Runs `check` on every file of `fuzz/<kind>/<target>/`; returns how
/// many there were and the ones that panicked, with the message.
fn replay(kind: &str, target: &str, check: Check) -> (usize, Vec<String>) {
    let paths = files(&fuzz_dir().join(kind).join(target));
    let mut failures = Vec::new();
    for path in &paths {
        // A file may vanish while a fuzzer is reducing the corpus.
        let Ok(data) = std::fs::read(path) else {
            continue;
        };
        if let Err(e) = panic::catch_unwind(AssertUnwindSafe(|| check(&data))) {
            let why = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failures.push(format!("{}: {why}", path.display()));
        }
    }
    (paths.len(), failures)
}

#[test]
fn crash_inputs_stay_fixed() {
    let mut failures = Vec::new();
    for (target, check) in TARGETS {
        failures.extend(replay("regressions", target, check).1);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Replays one target's corpus (a test per target, so they run in
/// parallel).
fn corpus_replays_cleanly(target: &str) {
    let (_, check) = TARGETS.into_iter().find(|(t, _)| *t == target).unwrap();
    let (n, failures) = replay("corpus", target, check);
    assert!(n > 0, "fuzz/corpus/{target} is empty or missing");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn scenario_json_corpus_replays_cleanly() {
    corpus_replays_cleanly("scenario_json");
}

#[test]
fn share_url_corpus_replays_cleanly() {
    corpus_replays_cleanly("share_url");
}

#[test]
fn sql_corpus_replays_cleanly() {
    corpus_replays_cleanly("sql");
}

/// Statements for the SQL seeds: the presets', the documentation's and
/// the parser tests', good and bad.
const SQL_SEEDS: &[&str] = &[
    "UPDATE accounts SET balance = balance * 1.1 WHERE status = 'active'",
    "INSERT INTO accounts (id, balance, status, created_at) VALUES (6, 0, 'active', NOW())",
    "INSERT INTO accounts (id, balance, status, created_at) VALUES (7, 0, UUID(), NOW())",
    "INSERT INTO accounts (id, balance, status) VALUES (9, 7 * 6, 'new'), (7, -1, NULL)",
    "INSERT INTO accounts (id, created_at) VALUES (8, NOW()), (7, NOW() + 1)",
    "INSERT INTO accounts (id, balance) VALUES (7, 1), (8)",
    "INSERT INTO t (id, r, s, b, ts) VALUES (5, RAND(), 'it''s', FALSE, NOW() - 5)",
    "INSERT INTO t (id VALUES (1)",
    "DELETE FROM accounts WHERE created_at < NOW() - 259200000000",
    "DELETE FROM accounts WHERE balance < 10 OR status IS NULL",
    "DELETE FROM accounts WHERE status AND TRUE",
    "DELETE FROM t WHERE NOT (r = 1 OR b = FALSE) AND s IS NOT NULL",
    "DELETE FROM t WHERE a = 1 = 2",
    "DELETE FROM t",
    "SELECT * FROM accounts WHERE balance > 100",
    "SELECT id, balance FROM accounts WHERE -balance / (2 - 3) * 4 <= 10.25",
    "SELECT id, status FROM accounts WHERE created_at < NOW() - 432000000000",
    "SELECT * FROM t WHERE ts - ts > - -1 AND r <> 0.5",
    "SELECT * FROM t WHERE id - -9223372036854775808 > - -1",
    "SELECT * FROM t WHERE id = 9223372036854775807 + 1",
    "SELECT * FROM t WHERE (id = 1",
    "SELECT * FROM t WHERE id = foo()",
    "SELECT * FROM t WHERE id = now(1)",
    "SELECT * FROM where",
    "SELECT *\nFROM t\nWHERE s = 'x' ;",
    "UPDATE t SET r = -(1 + 2), s = UUID(), b = NOT b, ts = ts + 1 WHERE id <= 3",
    "UPDATE t SET r = 1 / (2 * 3.0), s = s WHERE b IS NULL",
    "UPDATE accounts SET balance = 'lots'",
    "UPDATE accounts SET id = 1",
    "UPDATE accounts SET balance = balance / 0",
    "UPDATE accounts SET balance = 9223372036854775807 * 2",
    "UPDATE t SET s = 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' WHERE id = 1",
    "a + 1 >= b * 2 OR NOT (c <> 3)",
    "x IS NOT NULL AND y is null",
    "-9223372036854775808",
    "'unterminated",
    "99999999999999999999",
    "a ! b",
    ".5 + 1.25 * RAND()",
];

/// Writes the seed corpus: every preset as scenario JSON and as a share
/// link (base64, and raw JSON for the target's `{` mode), and the SQL
/// seeds plus every statement the presets send.
#[test]
#[ignore = "writes fuzz/corpus; run by hand (see fuzz/README.md)"]
fn write_seed_corpus() {
    use replicascope_core::node::Request;
    use replicascope_core::scenario::Action;
    use replicascope_core::share::{self, SharedRun, LINK_VERSION};
    use replicascope_core::{presets, run};

    let corpus = fuzz_dir().join("corpus");
    let dir = |t: &str| {
        let d = corpus.join(t);
        std::fs::create_dir_all(&d).unwrap();
        d
    };
    let (scenarios, links, sql) = (dir("scenario_json"), dir("share_url"), dir("sql"));
    let mut statements: Vec<String> = SQL_SEEDS.iter().map(|s| s.to_string()).collect();
    for (i, p) in presets::all().iter().enumerate() {
        let s = p.scenario();
        std::fs::write(scenarios.join(format!("preset-{}.json", p.id)), s.to_json()).unwrap();
        let hash = run::start(&s).unwrap().summary().trace_hash;
        let shared = SharedRun {
            title: None,
            v: LINK_VERSION,
            preset: Some(p.id.to_string()),
            t_us: s.until().0 / 2,
            hash: Some(hash),
            scenario: s.clone(),
        };
        std::fs::write(
            links.join(format!("preset-{}.link", p.id)),
            share::encode(&shared),
        )
        .unwrap();
        if i % 4 == 0 {
            let json = serde_json::to_string(&shared).unwrap();
            std::fs::write(links.join(format!("preset-{}.json", p.id)), json).unwrap();
        }
        for t in s
            .workload
            .ops
            .iter()
            .chain(&s.faults)
            .chain(&s.interventions)
        {
            if let Action::Client {
                request: Request::Sql { sql },
                ..
            }
            | Action::Session {
                request: Request::Sql { sql },
                ..
            } = &t.action
            {
                if !statements.contains(sql) {
                    statements.push(sql.clone());
                }
            }
        }
    }
    for (i, s) in statements.iter().enumerate() {
        std::fs::write(sql.join(format!("seed-{i:03}.sql")), s).unwrap();
    }
}
