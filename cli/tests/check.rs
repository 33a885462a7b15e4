//! `replicascope check` on histories from real systems and from the
//! simulator: its verdicts, its JSON, its exit statuses and its one-line
//! refusals.

use std::process::{Command, Output};

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../core/tests/fixtures/linearizability"
);

fn replicascope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_replicascope"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn fixture(path: &str) -> String {
    format!("{FIXTURES}/{path}")
}

fn temp_file(name: &str, text: &str) -> String {
    let path =
        std::env::temp_dir().join(format!("replicascope-check-{}-{name}", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn verdicts_and_exit_statuses() {
    for (path, status) in [
        ("porcupine/jepsen/etcd_000.log", 2),
        ("porcupine/jepsen/etcd_005.log", 0),
        ("knossos/cas-register/bad/rethink-fail-minimal.edn", 2),
        ("knossos/cas-register/good/cas-register-bug.edn", 0),
        ("porcupine/kv/c10-bad.txt", 2),
        ("porcupine/kv/c01-ok.txt", 0),
    ] {
        let o = replicascope(&["check", &fixture(path)]);
        assert_eq!(
            o.status.code(),
            Some(status),
            "{path}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let out = String::from_utf8_lossy(&o.stdout);
        let first = out.lines().next().unwrap_or("");
        assert!(
            first.ends_with(if status == 0 {
                ": linearizable"
            } else {
                ": NOT linearizable"
            }),
            "{path}: {first}"
        );
    }
}

#[test]
fn json_names_the_invalid_keys_and_their_lines() {
    let o = replicascope(&["check", &fixture("porcupine/kv/c01-bad.txt"), "--json"]);
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["model"], "kv");
    assert_eq!(v["format"], "Jepsen EDN");
    assert_eq!(v["ops"], 38);
    assert_eq!(v["processes"], 1);
    assert_eq!(v["keys"], 8);
    let bad = v["invalid_keys"].as_array().unwrap();
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0]["key"], "7");
    assert_eq!(bad[0]["stuck_lines"], serde_json::json!([59]));
    assert!(bad[0]["explanation"]
        .as_str()
        .unwrap()
        .contains("line 59 (get"));
    assert!(v["elapsed_ms"].as_f64().unwrap() >= 0.0);
}

#[test]
fn a_budget_too_small_says_unknown_with_status_three() {
    let o = replicascope(&[
        "check",
        &fixture("porcupine/jepsen/etcd_002.log"),
        "--steps",
        "50",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["valid"], "unknown");
    assert_eq!(v["unknown_keys"], serde_json::json!([""]));
}

#[test]
fn a_simulator_trace_checks_like_its_run() {
    for (preset, linearizable) in [
        ("single-leader-async-crash-loses-write", false),
        ("single-leader-sync-write", true),
    ] {
        let trace = replicascope(&["trace", preset]);
        assert!(trace.status.success());
        let path = temp_file(
            &format!("{preset}.json"),
            &String::from_utf8_lossy(&trace.stdout),
        );
        let o = replicascope(&["check", &path, "--json"]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["valid"], linearizable, "{preset}");
        assert_eq!(v["format"], "ReplicaScope JSON");
        // The same verdict `run --json` reports.
        let run = replicascope(&["run", preset, "--json"]);
        let summary: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
        assert_eq!(summary["linearizable"], linearizable, "{preset}");
    }
}

#[test]
fn unreadable_histories_are_refused_in_one_line_naming_the_line() {
    for (name, text, wanted) in [
        ("empty", "", "the history is empty"),
        ("garbage", "hello\n", "line 1: expected a Jepsen history map"),
        (
            "unpaired",
            "{:process 0, :type :ok, :f :read, :value 1}\n",
            "line 1: process 0 completes an operation it never invoked",
        ),
        (
            "bad-type",
            "INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:done\t:read\t1\n",
            "line 2: expected :invoke, :ok, :fail or :info, found :done",
        ),
        (
            "bad-value",
            "{:process 0, :type :invoke, :f :cas, :value 3}\n{:process 0, :type :ok, :f :cas, :value 3}\n",
            "line 1: expected [from to] for a cas, found 3",
        ),
        ("bad-json", "[{\"id\": 0}]", "expected a ReplicaScope history"),
    ] {
        let path = temp_file(name, text);
        let o = replicascope(&["check", &path]);
        assert_eq!(o.status.code(), Some(1), "{name}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert!(err.contains(wanted), "{name}: {err}");
    }
    let o = replicascope(&[
        "check",
        &fixture("porcupine/kv/c01-ok.txt"),
        "--model",
        "register",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr)
        .contains("line 1: a register has :read, :write and :cas, not :append (try --model kv)"));
    let o = replicascope(&[
        "check",
        &fixture("porcupine/kv/c01-ok.txt"),
        "--model",
        "foo",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("'foo' is not a model: use register or kv"));
}
