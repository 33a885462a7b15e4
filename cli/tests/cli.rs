//! The `replicascope` binary as a user runs it.

use std::io::Read;
use std::process::{Command, Output, Stdio};

fn replicascope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_replicascope"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(args: &[&str]) -> serde_json::Value {
    let o = replicascope(args);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("valid JSON")
}

fn temp_file(name: &str, text: &str) -> String {
    let path =
        std::env::temp_dir().join(format!("replicascope-test-{}-{name}", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn presets_prints_one_id_per_line() {
    let o = replicascope(&["presets"]);
    assert!(o.status.success());
    let ids: Vec<String> = stdout(&o).lines().map(String::from).collect();
    assert!(ids.contains(&"single-leader-sync-write".to_string()));
    assert!(ids.iter().all(|id| !id.contains(' ')));
}

#[test]
fn run_json_reports_the_summary_fields() {
    let v = json(&["run", "single-leader-async-crash-loses-write", "--json"]);
    assert_eq!(v["seed"], 1);
    assert_eq!(v["trace_hash"].as_str().unwrap().len(), 16);
    assert_eq!(v["events"], 24);
    assert_eq!(v["end_time_us"], 150_000);
    assert_eq!(v["messages"]["sent"], 12);
    assert_eq!(v["messages"]["dropped"], 3);
    assert_eq!(v["writes"]["ok"], 1);
    assert_eq!(v["writes"]["lost"], 1);
    assert_eq!(v["reads"]["stale"], 2);
    assert_eq!(v["conflicts"], 0);
    assert_eq!(v["nodes"].as_array().unwrap().len(), 3);
    // The old leader is back, as a follower of the promoted node 2.
    assert_eq!(v["nodes"][0]["up"], true);
    assert_eq!(v["nodes"][0]["view"]["role"], "follower");
    assert_eq!(v["nodes"][1]["view"]["role"], "leader");
}

#[test]
fn seed_and_until_override_the_scenario() {
    let a = json(&[
        "run",
        "chatter-5",
        "--json",
        "--seed",
        "9",
        "--until",
        "200ms",
    ]);
    let b = json(&[
        "run",
        "chatter-5",
        "--json",
        "--seed",
        "9",
        "--until",
        "0.2s",
    ]);
    assert_eq!(a["seed"], 9);
    assert_eq!(a["end_time_us"], 200_000);
    assert_eq!(a["trace_hash"], b["trace_hash"]);
    let c = json(&[
        "run",
        "chatter-5",
        "--json",
        "--seed",
        "10",
        "--until",
        "200ms",
    ]);
    assert_ne!(a["trace_hash"], c["trace_hash"]);
}

#[test]
fn readable_summary_by_default() {
    let o = replicascope(&["run", "single-leader-sync-write"]);
    let text = stdout(&o);
    assert!(
        text.starts_with("single-leader run, seed 1, 6 events to 100 ms"),
        "{text}"
    );
    assert!(text.contains("writes:   1 ok, 0 failed, 0 lost, 0 pending"));
}

#[test]
fn unknown_preset_fails_and_lists_the_valid_ones() {
    let o = replicascope(&["run", "no-such-thing"]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("unknown preset 'no-such-thing'; valid presets: single-leader-sync-write"));
}

#[test]
fn bad_json_names_line_and_column() {
    let path = temp_file("bad.json", "{\n  \"seed\": 1,\n  \"protocol\": \n}");
    let o = replicascope(&["run", &path]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("line 4, column 1"), "{}", stderr(&o));
}

#[test]
fn invalid_values_are_reported_field_by_field() {
    let scenario = r#"{"protocol": {"kind": "single_leader", "followers": 9},
        "network": {"latency": {"kind": "exponential", "rate_per_ms": 0}, "drop": 2},
        "faults": [{"at_ms": 5, "do": "crash", "node": 3}], "until_ms": 100}"#;
    let path = temp_file("invalid.json", scenario);
    let o = replicascope(&["run", &path]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("protocol.followers: 9 is not allowed: between 1 and 6"),
        "{err}"
    );
    assert!(err.contains("network.latency.rate_per_ms"), "{err}");
    assert!(err.contains("network.drop: 2 is not allowed"), "{err}");
}

#[test]
fn a_scenario_file_round_trips() {
    let v = json(&["trace", "single-leader-async-write", "--format", "json"]);
    let scenario = serde_json::to_string(&v["scenario"]).unwrap();
    let path = temp_file("roundtrip.json", &scenario);
    let from_file = json(&["run", &path, "--json"]);
    let from_preset = json(&["run", "single-leader-async-write", "--json"]);
    assert_eq!(from_file["trace_hash"], from_preset["trace_hash"]);
    assert_eq!(v["trace_hash"], from_preset["trace_hash"]);
}

/// A valid scenario that asks for billions of events (fifty chattering
/// nodes for a simulated day) used to run until memory ran out. It now
/// stops at the simulator's step limit, still succeeds with what it
/// recorded, and says where and why on stderr and in the summary.
#[test]
fn a_run_too_big_to_record_stops_at_the_step_limit_and_says_so() {
    let huge = temp_file(
        "huge.json",
        r#"{"format": 1, "seed": 1, "protocol": {"kind": "chatter", "nodes": 50, "fanout": 20},
            "network": {"latency": {"kind": "exponential", "rate_per_ms": 0.1}, "delivery": "reorder"},
            "until_ms": 86400000}"#,
    );
    let o = replicascope(&["run", &huge, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let limit = replicascope_core::sim::MAX_STEPS;
    let err = stderr(&o);
    assert!(
        err.contains(&format!("This run stopped after {limit} events, at "))
            && err.contains("of the 86400000 ms it asked for"),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    assert_eq!(v["events"], limit as u64);
    let end = v["end_time_us"].as_u64().unwrap();
    assert!(end > 0 && end < 86_400_000_000, "{end}");
    assert!(v["cut_short"]
        .as_str()
        .unwrap()
        .contains("replicascope long-run"));
    // The readable summary says it too.
    let text = stdout(&replicascope(&["run", &huge]));
    assert!(text.contains("cut short: This run stopped after"), "{text}");
}

#[test]
fn trace_json_lists_every_step_and_message() {
    let v = json(&["trace", "single-leader-sync-write"]);
    assert_eq!(v["steps"].as_array().unwrap().len(), 6);
    let messages = v["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0]["label"], "replicate");
    assert_eq!(messages[0]["payload"], "LSN 1: x = 1 (epoch 1)");
    assert_eq!(messages[0]["status"], "delivered");
    assert_eq!(messages[0]["sent_at_us"], 10_000);
    assert_eq!(messages[0]["deliver_at_us"], 20_000);
    assert_eq!(v["history"][0]["outcome"]["outcome"], "written");
}

#[test]
fn svg_is_a_standalone_document() {
    let o = replicascope(&["svg", "single-leader-async-crash-loses-write"]);
    assert!(o.status.success());
    let svg = stdout(&o);
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("lost: receiver down"));
    assert!(svg.contains("Node 1 · leader"));
    let early = stdout(&replicascope(&[
        "svg",
        "single-leader-async-crash-loses-write",
        "--at",
        "8ms",
    ]));
    assert!(!early.contains("write x=1"), "the write happens at 10 ms");
}

/// The page's Export SVG at the end of a run draws the whole run from 0 to
/// the end of its activity with every lane titled: the CLI's figure is
/// that same picture, byte for byte.
#[test]
fn svg_matches_the_pages_export_at_the_end_of_the_run() {
    use replicascope_core::diagram::{activity_end, render_svg, DiagramOptions};
    use replicascope_core::export::lane_titles;
    use replicascope_core::time::Instant;
    for id in ["leaderless-sloppy-quorum", "multi-leader-lww-clock-skew"] {
        let run = replicascope_core::run::start(
            &replicascope_core::presets::find(id).unwrap().scenario(),
        )
        .unwrap();
        let end = activity_end(run.trace(), run.scenario().until());
        let opts = DiagramOptions::whole(Instant::ZERO, end, lane_titles(&*run));
        let page = render_svg(run.scenario(), run.trace(), run.history(), &opts);
        let cli = stdout(&replicascope(&["svg", id]));
        assert_eq!(cli, page, "{id}");
    }
}

#[test]
fn quorum_command() {
    let v = json(&["quorum", "--n", "3", "--w", "1", "--r", "1", "--json"]);
    assert_eq!(v["overlaps"], false);
    assert_eq!(v["stale_read"]["numerator"], 2);
    let o = replicascope(&["quorum", "--n", "3", "--w", "4", "--r", "1"]);
    assert!(!o.status.success());
    assert_eq!(
        stderr(&o).trim(),
        "replicascope: w = 4 is out of range: w must be between 1 and n = 3"
    );
}

#[test]
fn log_sizes_compares_the_three_formats_for_one_statement() {
    let v = json(&[
        "log-sizes",
        "UPDATE accounts SET balance = balance + 1",
        "--rows",
        "200",
        "--json",
    ]);
    // One statement; one row event and one 8-byte page write per row.
    assert_eq!(v["statement"]["events"], 1);
    assert_eq!(v["statement"]["bytes"], 49);
    assert_eq!(v["row"]["events"], 200);
    assert_eq!(v["wal"]["events"], 200);
    assert_eq!(v["wal"]["bytes"], 3200);
    let o = replicascope(&["log-sizes", "UPDATE accounts SET = 1"]);
    assert!(!o.status.success());
    assert_eq!(
        stderr(&o).trim(),
        "replicascope: column 21: expected a column name after 'SET' but found '='"
    );
    let o = replicascope(&["log-sizes", "DELETE FROM accounts", "--rows", "3"]);
    assert_eq!(
        stderr(&o).trim(),
        "replicascope: --rows 3 is out of range: 5 to 2000"
    );
}

#[test]
fn run_lists_the_rows_a_follower_holds_differently() {
    let o = replicascope(&["run", "single-leader-statement-where-now"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("Node 3's table differs from the leader's (node 1) in 1 row(s):\n  row 7: only on the leader"), "{text}");
    assert!(!text.contains("Node 2's table differs"), "{text}");
    let o = replicascope(&["run", "single-leader-row-based"]);
    assert!(!stdout(&o).contains("differs from the leader"));
}

#[test]
fn multi_leader_last_write_wins_counts_the_discarded_writes() {
    let v = json(&["run", "multi-leader-lww-clock-skew", "--json"]);
    assert_eq!(v["protocol"], "multi-leader");
    assert_eq!(v["writes"]["discarded"], 2);
    assert_eq!(v["writes"]["ok"], 4);
    let o = replicascope(&["run", "multi-leader-lww-clock-skew"]);
    let text = stdout(&o);
    assert!(text.contains("2 silently discarded"), "{text}");
    assert!(text.contains("in real time"), "{text}");
}

#[test]
fn multi_leader_text_shows_crdt_internals_and_the_review_list() {
    let o = replicascope(&["run", "multi-leader-crdt-counter"]);
    let text = stdout(&o);
    assert!(text.contains("likes · node 1: +5 −2"), "{text}");
    assert!(text.contains("likes · node 3: +3 −0"), "{text}");
    let o = replicascope(&["run", "multi-leader-resolver-review"]);
    let text = stdout(&o);
    assert!(
        text.contains("needs review: price = 100 from write #0 (price = 100 at node 1) | 150 from write #1 (price = 150 at node 3)"),
        "{text}"
    );
}

#[test]
fn multi_leader_bad_settings_are_named() {
    let file = temp_file(
        "ml.json",
        r#"{"protocol":{"kind":"multi_leader","datacenters":7,"followers_per_datacenter":1,"homes":{"x":9}},"until_ms":100}"#,
    );
    let o = replicascope(&["run", &file]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("protocol.datacenters"), "{err}");
    assert!(err.contains("protocol.homes.x"), "{err}");
}

#[test]
fn leaderless_runs_from_the_cli() {
    let v = json(&["run", "leaderless-sloppy-quorum", "--json"]);
    assert_eq!(v["protocol"], "leaderless");
    assert_eq!(v["reads"]["stale"], 1);
    let o = replicascope(&["run", "leaderless-shopping-cart"]);
    let text = stdout(&o);
    assert!(
        text.contains("cart = {1, 2, 3, 4, 5} · write #6: version [6, 0, 0]"),
        "{text}"
    );
    let file = temp_file(
        "ll.json",
        r#"{"protocol":{"kind":"leaderless","nodes":3,"n":3,"w":4,"r":2},"workload":{"ops":[{"at_ms":1,"do":"client","node":1,"op":"get","key":"x","consistency":"SOMETIMES"}]},"until_ms":100}"#,
    );
    let o = replicascope(&["run", &file]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("SOMETIMES"), "{err}");
    let file = temp_file(
        "ll2.json",
        r#"{"protocol":{"kind":"leaderless","nodes":3,"n":3,"w":4,"r":0},"until_ms":100}"#,
    );
    let o = replicascope(&["run", &file]);
    let err = stderr(&o);
    assert!(
        err.contains("protocol.w: 4 is not allowed: between 1 and 3"),
        "{err}"
    );
    assert!(err.contains("protocol.r"), "{err}");
}

#[test]
fn the_benchmark_scenarios_in_the_readme_load_and_run() {
    for file in ["leaderless-60s.json", "multi-leader-60s.json"] {
        let path = format!("{}/../docs/bench/{file}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap();
        let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["until_ms"], 60_000, "{file}");
        // The first 300 ms, without the later faults, as a smoke test.
        doc["until_ms"] = 300.into();
        doc["faults"] = serde_json::Value::Array(Vec::new());
        let short = temp_file(file, &doc.to_string());
        let v = json(&["run", &short, "--json"]);
        assert!(
            v["events"].as_u64().unwrap() > 1000,
            "{file}: {}",
            v["events"]
        );
    }
}

#[test]
fn compare_prints_an_aligned_table_of_the_four_architectures() {
    let o = replicascope(&["compare", "--fault", "partition"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    let header = lines
        .iter()
        .position(|l| l.starts_with("architecture"))
        .expect("a header");
    let table = &lines[header..header + 5];
    // Every line of the table is as wide as the header, and the columns
    // line up: "lost writes" ends where each row's last figure ends.
    assert!(
        table
            .iter()
            .all(|l| l.chars().count() == table[0].chars().count()),
        "{text}"
    );
    assert!(table[1].starts_with("Single-leader, sync "), "{text}");
    assert!(
        table[4].starts_with("Leaderless (n=3, w=2, r=2) "),
        "{text}"
    );
    // The measured figures of this seed: sync refuses every write while
    // cut off, async takes them all and later loses 60 acknowledged ones.
    assert!(table[1].contains("0 % (0/54)"), "{text}");
    assert!(
        table[2].contains("100 % (54/54)") && table[2].ends_with(" 60"),
        "{text}"
    );
    assert!(table[4].contains("70 % (38/54)"), "{text}");
    assert!(text.contains("60 acknowledged writes were gone"), "{text}");
}

#[test]
fn compare_json_is_the_comparison_and_its_scenarios_replay_with_run() {
    let v = json(&[
        "compare", "--fault", "crash", "--rate", "60", "--seed", "7", "--json",
    ]);
    assert_eq!(v["spec"]["fault"], "crash");
    assert_eq!(v["spec"]["seed"], 7);
    assert_eq!(v["fault_window_ms"], serde_json::json!([1000.0, 2000.0]));
    let rows = v["rows"].as_array().unwrap();
    let ids: Vec<&str> = rows
        .iter()
        .map(|r| r["architecture"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "single_leader_sync",
            "single_leader_async",
            "multi_leader",
            "leaderless",
            "raft",
            "chain"
        ]
    );
    for r in rows {
        assert!(r["write_latency"]["p50_ms"].is_number(), "{r}");
        assert!(
            r["write_availability"]["issued"].as_u64().unwrap() > 0,
            "{r}"
        );
    }
    // `--scenario` prints exactly the run behind a row: `run` reproduces
    // its trace.
    let o = replicascope(&[
        "compare",
        "--fault",
        "crash",
        "--rate",
        "60",
        "--seed",
        "7",
        "--scenario",
        "multi-leader",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let file = temp_file("compare-ml.json", &stdout(&o));
    let summary = json(&["run", &file, "--json"]);
    assert_eq!(summary["protocol"], "multi-leader");
    assert_eq!(summary["trace_hash"], rows[2]["trace_hash"]);
    // The summary counts a write once per write that beat it; the
    // comparison counts each discarded write once.
    let discarded = rows[2]["lost_writes"]["discarded"].as_u64().unwrap();
    assert!(discarded > 0);
    assert!(summary["writes"]["discarded"].as_u64().unwrap() >= discarded);
}

#[test]
fn compare_refuses_bad_input_with_one_line() {
    for (args, expected) in [
        (
            vec!["--fault", "meteor"],
            "--fault 'meteor' is not a fault: none, crash, partition or skew",
        ),
        (vec!["--rate", "fast"], "--rate 'fast' is not a number"),
        (
            vec!["--reads", "2"],
            "read fraction 2 is out of range: 0 to 1",
        ),
        (vec!["--keys", "-3"], "--keys '-3' is not a number"),
        (
            vec!["--duration-ms", "10"],
            "duration 10 is out of range: 300 to 60000 ms",
        ),
        (
            vec!["--rate", "1000", "--duration-ms", "60000"],
            "at most 1500 fit in a share link",
        ),
        (
            vec!["--scenario", "paxos"],
            "--scenario 'paxos' is not an architecture",
        ),
    ] {
        let mut all = vec!["compare"];
        all.extend(&args);
        let o = replicascope(&all);
        assert!(!o.status.success(), "{args:?}");
        let err = stderr(&o);
        assert!(err.contains(expected), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

/// Runs the binary with `stdout` as its standard output.
fn replicascope_to(args: &[&str], stdout: Stdio) -> Output {
    Command::new(env!("CARGO_BIN_EXE_replicascope"))
        .args(args)
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .expect("the binary runs")
}

/// The write end of a pipe whose reader has already gone: every write to
/// it fails with "broken pipe", whatever the timing.
fn closed_pipe() -> Stdio {
    let mut reader = Command::new("true")
        .stdin(Stdio::piped())
        .spawn()
        .expect("true runs");
    let writer = reader.stdin.take().unwrap();
    reader.wait().unwrap();
    Stdio::from(writer)
}

fn one_line_error(o: &Output) -> String {
    let err = stderr(o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("replicascope: "), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    err.trim_end().to_string()
}

/// `--until T` used to be refused whenever a fault or an operation was
/// scheduled after T (34 of the 45 presets at half their length). Now the
/// run is cut there: every preset runs to half, a quarter and nine tenths
/// of its length, and ends no later.
#[test]
fn until_cuts_every_preset_instead_of_refusing_it() {
    let ids = stdout(&replicascope(&["presets"]));
    for id in ids.lines() {
        let full = json(&["trace", id]);
        let until = full["scenario"]["until_ms"].as_f64().unwrap();
        for share in [0.25, 0.5, 0.9] {
            let t = format!("{}ms", until * share);
            let o = replicascope(&["run", id, "--until", &t, "--json"]);
            assert!(o.status.success(), "{id} --until {t}: {}", stderr(&o));
            let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
            let end = v["end_time_us"].as_f64().unwrap();
            assert!(end <= until * share * 1000.0, "{id} --until {t}: {end}");
        }
    }
}

/// `trace`, `svg`, `bench` and `long-run` cut the run the same way: the
/// scenario they ran ends at T and holds nothing scheduled after it, and
/// what happened up to T is what the whole run did up to T.
#[test]
fn every_command_with_until_cuts_the_run_alike() {
    for (id, t, t_ms) in [
        ("single-leader-async-crash-loses-write", "75ms", 75.0),
        ("single-leader-semi-sync-fallback", "0.85s", 850.0),
        ("multi-leader-star", "1250", 1250.0),
        // A fault at exactly 260 ms stays; the one after goes.
        ("leaderless-version-vectors", "260ms", 260.0),
    ] {
        let full = json(&["trace", id]);
        let cut = json(&["trace", id, "--until", t]);
        let s = &cut["scenario"];
        assert_eq!(s["until_ms"], t_ms, "{id}");
        for list in [&s["faults"], &s["workload"]["ops"], &s["interventions"]] {
            for a in list.as_array().into_iter().flatten() {
                assert!(a["at_ms"].as_f64().unwrap() <= t_ms, "{id}: {a}");
            }
        }
        let up_to = |v: &serde_json::Value| -> Vec<serde_json::Value> {
            v["steps"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|s| s["t_us"].as_f64().unwrap() <= t_ms * 1000.0)
                .cloned()
                .collect()
        };
        assert_eq!(up_to(&cut), *cut["steps"].as_array().unwrap(), "{id}");
        assert_eq!(up_to(&cut), up_to(&full), "{id}");

        let o = replicascope(&["svg", id, "--until", t]);
        assert!(o.status.success(), "{id}: {}", stderr(&o));
        assert!(stdout(&o).trim_end().ends_with("</svg>"), "{id}");
        let b = json(&["bench", id, "--until", t, "--repeat", "1", "--json"]);
        assert_eq!(b["trace_hash"], cut["trace_hash"], "{id}");
        let l = json(&["long-run", id, "--duration", t, "--json"]);
        assert_eq!(l["until_us"].as_f64().unwrap(), t_ms * 1000.0, "{id}");
    }
    let v = json(&["trace", "leaderless-version-vectors", "--until", "260ms"]);
    let faults = v["scenario"]["faults"].as_array().unwrap();
    assert_eq!(faults.last().unwrap()["at_ms"], 260.0);
}

#[test]
fn until_of_zero_or_less_or_past_a_day_is_one_line() {
    for (args, expected) in [
        (
            vec!["run", "chatter-5", "--until", "0"],
            "replicascope: --until must be longer than zero, got 0 (see 'replicascope run --help')",
        ),
        (
            vec!["trace", "chatter-5", "--until", "-5"],
            "replicascope: --until must be longer than zero, got -5 (see 'replicascope trace --help')",
        ),
        (
            vec!["svg", "chatter-5", "--until=-2s"],
            "replicascope: --until must be longer than zero, got '-2s' (see 'replicascope svg --help')",
        ),
        (
            vec!["long-run", "chatter-5", "--duration", "0ms"],
            "replicascope: --duration must be longer than zero, got '0ms' (see 'replicascope long-run --help')",
        ),
        (
            vec!["run", "chatter-5", "--until", "25h"],
            "replicascope: --until must be longer than zero and at most one day (86400000 ms), got 90000000 ms",
        ),
        (
            vec!["long-run", "chatter-5", "--duration", "25h"],
            "replicascope: --duration must be longer than zero and at most one day (86400000 ms), got 90000000 ms",
        ),
    ] {
        let o = replicascope(&args);
        assert!(!o.status.success(), "{args:?}");
        assert_eq!(one_line_error(&o), expected, "{args:?}");
    }
}

/// `replicascope svg chatter-50 | head -c 10` and friends: the reader
/// goes away early. That used to panic (status 101, a backtrace); now the
/// process stops quietly with status 0, like `yes | head`.
#[test]
fn a_reader_that_stops_early_ends_the_process_quietly() {
    for args in [
        vec!["svg", "chatter-50"],
        vec!["trace", "chatter-50"],
        vec!["trace", "leaderless-sloppy-quorum"],
        vec!["presets", "--long"],
        vec!["run", "chatter-5", "--json"],
        vec!["tour"],
        vec!["--help"],
    ] {
        // A pipe closed before the first write.
        let o = replicascope_to(&args, closed_pipe());
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(!err.contains("cannot write"), "{args:?}: {err}");
    }
    // A reader that takes ten bytes and leaves, as `head -c 10` does.
    // Both outputs are megabytes, far more than a pipe buffers, so the
    // process is still writing when the reader goes.
    for args in [
        vec!["svg", "chatter-50"],
        vec!["trace", "chatter-50", "--until", "500ms"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_replicascope"))
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = child.stdout.take().unwrap();
        let mut first = [0u8; 10];
        out.read_exact(&mut first).unwrap();
        drop(out);
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        let err = stderr(&o);
        assert!(
            !err.contains("panicked") && !err.contains("cannot write"),
            "{err}"
        );
    }
}

/// `presets > /dev/full` used to panic; now it is one line and status 1.
#[test]
fn a_full_disk_is_one_line_and_a_failure() {
    for args in [
        vec!["presets"],
        vec!["svg", "single-leader-sync-write"],
        vec!["run", "chatter-5", "--json"],
        vec!["quorum", "--n", "3", "--w", "2", "--r", "2"],
        vec!["--help"],
        vec!["--version"],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full exists on Linux");
        let o = replicascope_to(&args, Stdio::from(full));
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert_eq!(
            one_line_error(&o),
            "replicascope: cannot write the output: No space left on device",
            "{args:?}"
        );
    }
}

/// A scenario of many client operations used to give an SVG that grew
/// with them (300 000 operations: 154 MB, even with --max-messages 10).
/// Now at most 2000 operations and 2000 notes are drawn, the rest counted
/// in the footer and on stderr, so the size stops growing. (300 000
/// operations take about 6 s to simulate in a debug build; 6 000 and
/// 30 000 show the same bound in well under a second each.)
#[test]
fn svg_stays_bounded_however_many_operations() {
    let mut sizes = Vec::new();
    for ops in [6_000usize, 30_000] {
        let list: Vec<serde_json::Value> = (0..ops)
            .map(|i| {
                serde_json::json!({"at_ms": i as f64 * 0.01, "do": "client", "node": 1,
                    "op": "write", "key": format!("k{}", i % 10), "value": i})
            })
            .collect();
        let scenario = serde_json::json!({
            "protocol": {"kind": "single_leader", "followers": 1},
            "network": {"latency": {"kind": "constant", "ms": 1.0}},
            "workload": {"ops": list},
            "until_ms": ops as f64 * 0.01 + 100.0,
        });
        let file = temp_file(&format!("ops-{ops}.json"), &scenario.to_string());
        let o = replicascope(&["svg", &file, "--max-messages", "10"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let svg = stdout(&o);
        assert!(svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("<line class=\"msg").count(), 10);
        assert!(
            svg.contains(&format!("{} more client operations and ", ops - 2000)),
            "{ops}"
        );
        let err = one_line_error(&o);
        assert!(
            err.starts_with("replicascope: the diagram leaves out ")
                && err.contains(&format!("{} client operations", ops - 2000))
                && err.contains("at most 10 messages, set by --max-messages"),
            "{err}"
        );
        sizes.push(svg.len());
    }
    assert!(sizes[1] < 2_000_000, "{sizes:?}");
    // Five times the operations, about the same document.
    assert!(sizes[1] * 10 < sizes[0] * 11, "{sizes:?}");
    // A smaller message cap makes a smaller document.
    let few = replicascope(&["svg", "chatter-50", "--max-messages", "10"]);
    let many = replicascope(&["svg", "chatter-50", "--max-messages", "2000"]);
    assert!(stdout(&few).len() * 4 < stdout(&many).len());
}

/// Clap's three-to-seven-line reports are one line now, and a negative
/// number is judged as a value instead of taken for an unknown flag.
#[test]
fn command_line_errors_are_one_line() {
    for (args, expected) in [
        (
            vec!["run", "chatter-5", "--seed", "-1"],
            "--seed must be a whole number from 0 to 18446744073709551615, got -1 (see 'replicascope run --help')",
        ),
        (
            vec!["long-run", "chatter-5", "--seed", "-7"],
            "--seed must be a whole number from 0 to 18446744073709551615, got -7 (see 'replicascope long-run --help')",
        ),
        (
            vec!["staleness", "--n", "3", "--w", "1", "--r", "1", "--seed", "-1"],
            "--seed must be a whole number from 0 to 18446744073709551615, got -1 (see 'replicascope staleness --help')",
        ),
        (
            vec!["svg", "chatter-5", "--max-messages", "-10"],
            "--max-messages must be a whole number from 0 to 18446744073709551615, got -10 (see 'replicascope svg --help')",
        ),
        (
            vec!["quorum", "--n", "3"],
            "missing --w and --r (see 'replicascope quorum --help')",
        ),
        (vec!["run"], "missing <scenario> (see 'replicascope run --help')"),
        (
            vec!["run", "chatter-5", "--jsn"],
            "unexpected argument '--jsn' (did you mean '--json'?) (see 'replicascope run --help')",
        ),
        (
            vec!["trace", "chatter-5", "--format", "xml"],
            "--format must be one of json, got 'xml' (see 'replicascope trace --help')",
        ),
        (
            vec!["run", "chatter-5", "--until"],
            "--until needs a value (see 'replicascope run --help')",
        ),
        (
            vec!["run", "chatter-5", "--seed", "1", "--seed", "2"],
            "--seed is given more than once (see 'replicascope run --help')",
        ),
        (
            vec!["bench", "chatter-5", "--repeat", "0"],
            "--repeat must be a whole number from 1 to 1000, got 0 (see 'replicascope bench --help')",
        ),
        (
            vec!["log-sizes", "DELETE FROM accounts", "--rows", "-5"],
            "--rows must be a whole number from 0 to 4294967295, got -5 (see 'replicascope log-sizes --help')",
        ),
        (
            vec!["svg", "chatter-5", "--from", "-1s"],
            "--from must not be negative, got '-1s' (see 'replicascope svg --help')",
        ),
        (
            vec!["runn", "chatter-5"],
            "unknown command 'runn' (did you mean 'run'?); commands: presets, run, trace, svg, settings, quorum, log-sizes, staleness, compare, tour, long-run, bench, explore, check",
        ),
        (
            vec!["rnu", "chatter-5"],
            "unknown command 'rnu'; commands: presets, run, trace, svg, settings, quorum, log-sizes, staleness, compare, tour, long-run, bench, explore, check",
        ),
        (
            vec![],
            "name a command: presets, run, trace, svg, settings, quorum, log-sizes, staleness, compare, tour, long-run, bench, explore, check (see 'replicascope --help')",
        ),
    ] {
        let o = replicascope(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert_eq!(
            one_line_error(&o),
            format!("replicascope: {expected}"),
            "{args:?}"
        );
        assert!(stdout(&o).is_empty(), "{args:?}");
    }
}

#[test]
fn help_and_version_still_print_and_succeed() {
    for args in [vec!["--help"], vec!["run", "--help"], vec!["help", "svg"]] {
        let o = replicascope(&args);
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        assert!(stdout(&o).contains("Usage: replicascope"), "{args:?}");
        assert!(stderr(&o).is_empty(), "{args:?}");
    }
    let o = replicascope(&["--version"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o).trim(),
        format!("replicascope {}", env!("CARGO_PKG_VERSION"))
    );
    let help = stdout(&replicascope(&["run", "--help"]));
    assert!(help.contains("left out"), "{help}");
}

/// `svg --from 5000` used to complain about an `--at` nobody gave.
#[test]
fn svg_window_errors_name_the_flags_given() {
    for (args, expected) in [
        (
            vec!["svg", "chatter-5", "--from", "5000"],
            "replicascope: --from 5000 ms is after the run ends at 1000 ms",
        ),
        (
            vec!["svg", "single-leader-sync-write", "--from", "2s"],
            "replicascope: --from 2000 ms is after the run ends at 100 ms",
        ),
        (
            vec!["svg", "chatter-5", "--from", "600ms", "--at", "300ms"],
            "replicascope: --from 600 ms is after --at 300 ms",
        ),
    ] {
        let o = replicascope(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert_eq!(one_line_error(&o), expected, "{args:?}");
        assert!(!stderr(&o).contains("--at") || args.contains(&"--at"));
    }
    // Starting after the activity draws the quiet rest of the run.
    let o = replicascope(&["svg", "single-leader-sync-write", "--from", "90ms"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains(">100 ms<"), "{}", stdout(&o));
    // --from 0 is the start, not an error.
    let o = replicascope(&["svg", "single-leader-sync-write", "--from", "0"]);
    assert_eq!(
        stdout(&o),
        stdout(&replicascope(&["svg", "single-leader-sync-write"]))
    );
}

#[test]
fn settings_print_each_real_database_the_setup_matches() {
    let o = replicascope(&["settings", "leaderless-sloppy-quorum"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    // n = 3, w = 3, r = 1, sloppy: Cassandra has the levels, Riak the fallbacks.
    assert!(text.contains("== Cassandra =="), "{text}");
    assert!(
        text.contains("CONSISTENCY ALL;  -- writes: 3 of 3"),
        "{text}"
    );
    assert!(
        text.contains("CONSISTENCY ONE;  -- reads: 1 of 3"),
        "{text}"
    );
    assert!(text.contains("== Riak KV =="), "{text}");
    assert!(text.contains("\"pw\":0,\"pr\":0"), "{text}");
    let mysql = stdout(&replicascope(&[
        "settings",
        "single-leader-semi-sync-fallback",
    ]));
    assert!(
        mysql.contains("rpl_semi_sync_source_enabled = 1"),
        "{mysql}"
    );
    let ml = stdout(&replicascope(&["settings", "multi-leader-lww-clock-skew"]));
    assert!(
        ml.contains("== CouchDB ==") && ml.contains("no equivalent of last write wins"),
        "{ml}"
    );
    assert!(
        ml.contains("group_replication_single_primary_mode = OFF"),
        "{ml}"
    );
    // The simulator's own chatter protocol has none: said, not silently empty.
    let none = replicascope(&["settings", "chatter-5"]);
    assert!(!none.status.success());
    assert!(
        stderr(&none).contains("no real database settings are written for"),
        "{}",
        stderr(&none)
    );
}
