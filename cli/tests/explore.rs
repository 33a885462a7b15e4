//! `replicascope explore`: its JSON, the scenario it writes replaying to
//! the same violation through `replicascope run`, the explorations it
//! lists, and its one-line refusals.

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
    serde_json::from_slice(&o.stdout).expect("one JSON object")
}

#[test]
fn a_found_counterexample_is_written_and_replays_to_the_same_violation() {
    let path =
        std::env::temp_dir().join(format!("replicascope-explore-{}.json", std::process::id()));
    let file = path.to_string_lossy().into_owned();
    let j = json(&[
        "explore",
        "leaderless-w-plus-r-not-above-n",
        "--property",
        "stale-read",
        "--json",
        "--emit-scenario",
        &file,
    ]);
    assert_eq!(j["property"], "stale-read");
    assert_eq!(j["mode"], "breadth-first");
    assert_eq!(j["found"], true);
    assert_eq!(j["complete"], false);
    for field in [
        "states",
        "depth",
        "elapsed_ms",
        "states_per_s",
        "transitions",
    ] {
        assert!(j[field].is_number(), "{field}");
    }
    let c = &j["counterexample"];
    assert_eq!(c["steps"], 2);
    assert_eq!(c["schedule"].as_array().unwrap().len(), 2);
    assert_eq!(c["schedule"][0]["do"], "request");
    assert!(c["violation"]
        .as_str()
        .unwrap()
        .starts_with("Stale read: read of x at node 3"));
    let run = json(&["run", &file, "--json"]);
    let anomalies = run["anomalies"].as_array().unwrap();
    assert!(
        anomalies.iter().any(|a| a == &c["anomaly"]),
        "the replay shows the same anomaly: {anomalies:?}"
    );
    assert_eq!(run["reads"]["stale"], 1);
    std::fs::remove_file(&path).ok();
}

#[test]
fn an_exploration_brings_its_property_and_bounds_and_can_come_back_complete() {
    let j = json(&["explore", "leaderless-no-stale-read-w2-r2", "--json"]);
    assert_eq!(j["property"], "stale-read");
    assert_eq!(j["found"], false);
    assert_eq!(j["complete"], true);
    assert!(j["counterexample"].is_null());
    // A depth bound cuts it short, and it says so.
    let j = json(&[
        "explore",
        "leaderless-no-stale-read-w2-r2",
        "--max-depth",
        "4",
        "--json",
    ]);
    assert_eq!(j["complete"], false);
    assert_eq!(j["stopped_by"], "depth");
    let listed = String::from_utf8(replicascope(&["explore", "--list"]).stdout).unwrap();
    for id in [
        "leaderless-stale-read-w1-r1",
        "single-leader-failover-loses-acknowledged-write",
    ] {
        assert!(listed.contains(id), "{listed}");
    }
}

#[test]
fn bad_properties_and_bounds_are_refused_in_one_line() {
    for (args, expected) in [
        (
            vec![
                "explore",
                "leaderless-w-plus-r-not-above-n",
                "--property",
                "split-brain",
            ],
            "split-brain does not apply to leaderless",
        ),
        (
            vec![
                "explore",
                "leaderless-w-plus-r-not-above-n",
                "--property",
                "stale",
            ],
            "there is no property \"stale\"",
        ),
        (
            vec!["explore", "leaderless-w-plus-r-not-above-n"],
            "name the property to look for with --property",
        ),
        (
            vec![
                "explore",
                "leaderless-w-plus-r-not-above-n",
                "--property",
                "stale-read",
                "--max-depth",
                "0",
            ],
            "max-depth must be between 1",
        ),
        (
            vec![
                "explore",
                "single-leader-add-follower",
                "--property",
                "lost-write",
            ],
            "generator",
        ),
    ] {
        let o = replicascope(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(expected), "{args:?}: {err}");
    }
}
