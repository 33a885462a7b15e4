//! `replicascope long-run`: a soak run in bounded memory, as a user runs it.

use std::process::{Command, Output};

fn replicascope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_replicascope"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn json(args: &[&str]) -> serde_json::Value {
    let o = replicascope(args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("valid JSON")
}

const SOAK: &[&str] = &[
    "long-run",
    "leaderless-sloppy-quorum",
    "--duration",
    "30s",
    "--load",
    "200",
    "--keys",
    "20",
    "--churn",
    "5s",
    "--quiet",
    "5s",
    "--window",
    "3000",
];

#[test]
fn long_run_json_reports_the_figures() {
    let mut args = SOAK.to_vec();
    args.push("--json");
    let v = json(&args);
    assert_eq!(v["protocol"], "leaderless");
    assert_eq!(v["seed"], 1);
    assert_eq!(v["until_us"], 30_000_000);
    assert!(v["last_event_us"].as_u64().unwrap() <= 30_000_000);
    let events = v["events"].as_u64().unwrap();
    assert!(events > 10_000, "{events}");
    assert_eq!(v["trace_digest"].as_str().unwrap().len(), 16);
    assert_eq!(v["window"], 3000);
    assert!(v["compactions"].as_u64().unwrap() >= events / 3000);
    assert!(v["peak_window"]["steps"].as_u64().unwrap() <= 3000);
    assert!(v["peak_window"]["bytes"].as_u64().unwrap() > 0);
    let m = &v["messages"];
    let sent = m["sent"].as_u64().unwrap();
    assert!(sent > 0);
    assert_eq!(
        sent,
        m["delivered"].as_u64().unwrap()
            + m["dropped"].as_u64().unwrap()
            + m["in_flight"].as_u64().unwrap()
    );
    assert!(v["writes"]["ok"].as_u64().unwrap() > 1000);
    assert!(v["reads"]["ok"].as_u64().unwrap() > 1000);
    assert!(v["latency"]["p99_ms"].as_f64().unwrap() >= v["latency"]["p50_ms"].as_f64().unwrap());
    // A fault every 5 s up to the quiet last 5 s: five, in turn a crash,
    // a partition and a slow link; plus the preset's own cut at 0 ms.
    let f = &v["faults"];
    assert_eq!(f["crashes"], 2);
    assert_eq!(f["recoveries"], 2);
    assert_eq!(f["partitions"], 2 + 1);
    assert_eq!(f["slow_links"], 1);
    assert_eq!(f["heals"], 2 + 1 + 1);
    assert_eq!(v["nodes"].as_array().unwrap().len(), 4);
    assert!(v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["up"] == true));
    assert!(v["convergence"]["keys"].as_u64().unwrap() >= 20);
    assert_eq!(v["convergence"]["messages_in_flight"], 0);
    assert!(v["wall_s"].as_f64().unwrap() > 0.0);
    assert!(v["events_per_s"].as_f64().unwrap() > 0.0);
    if cfg!(target_os = "linux") {
        assert!(v["max_rss_bytes"].as_u64().unwrap() > 1_000_000);
    }

    // Another window, the same run.
    let mut wider = args.clone();
    let at = wider.iter().position(|a| *a == "3000").unwrap();
    wider[at] = "100000";
    let w = json(&wider);
    assert_eq!(w["trace_digest"], v["trace_digest"]);
    assert_eq!(w["events"], v["events"]);
    assert_eq!(w["compactions"], 0);
}

#[test]
fn long_run_prints_a_readable_summary_and_the_scenario() {
    let o = replicascope(SOAK);
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.starts_with("leaderless run, seed 1: 30.000 s simulated"),
        "{text}"
    );
    for part in [
        "trace digest ",
        "faults: 2 crashes",
        "peak window: ",
        "Node 4 (replica)",
    ] {
        assert!(text.contains(part), "{part}: {text}");
    }

    let mut args = SOAK.to_vec();
    args.push("--print-scenario");
    let s = json(&args);
    assert_eq!(s["until_ms"], 30_000.0);
    assert_eq!(s["workload"]["generator"]["rate_per_s"], 200.0);
    assert_eq!(s["workload"]["generator"]["end_ms"], 25_000.0);
    assert_eq!(s["faults"].as_array().unwrap().len(), 2 + 2 * 5);
}

#[test]
fn long_run_refuses_an_empty_window() {
    let o = replicascope(&["long-run", "leaderless-sloppy-quorum", "--window", "0"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--window"));
}

/// `--churn 1ms` over a day would build 86 million faults (172 million
/// scheduled actions, gigabytes) before the run began; a period under
/// 1 ms was silently ignored; a negative `--load` or zero `--keys`
/// surfaced as a scenario field the user never wrote.
#[test]
fn long_run_refuses_load_and_churn_it_cannot_use() {
    for (args, expected) in [
        (
            vec!["--churn", "1ms", "--duration", "24h"],
            "replicascope: --churn 1 ms would add 86390000 faults in 86390000 ms; at most 100000 are allowed, so use a period of at least 864 ms",
        ),
        (
            vec!["--churn", "1ms", "--duration", "20m"],
            "replicascope: --churn 1 ms would add 1190000 faults in 1190000 ms; at most 100000 are allowed, so use a period of at least 12 ms",
        ),
        (
            vec!["--churn", "500us"],
            "replicascope: --churn must be at least 1 ms, got 0.5 ms",
        ),
        (
            vec!["--load", "-5"],
            "replicascope: --load must be above 0 and at most 1000000 operations per second, got -5",
        ),
        (
            vec!["--load", "0"],
            "replicascope: --load must be above 0 and at most 1000000 operations per second, got 0",
        ),
        (
            vec!["--load", "10", "--keys", "0"],
            "replicascope: --keys must be from 1 to 1000000, got 0",
        ),
    ] {
        let mut all = vec!["long-run", "chatter-5"];
        all.extend(&args);
        let o = replicascope(&all);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err.trim_end(), expected, "{args:?}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    // A period the run can hold is used as before.
    let v = json(&[
        "long-run",
        "chatter-5",
        "--duration",
        "2s",
        "--churn",
        "20ms",
        "--quiet",
        "0",
        "--json",
    ]);
    assert!(
        v["faults"]["crashes"].as_u64().unwrap() > 10,
        "{}",
        v["faults"]
    );
}
