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
