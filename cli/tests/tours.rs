//! `replicascope tour` as a user runs it.

use std::process::{Command, Output};

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

/// The tour ids `replicascope tour` lists, in order.
fn listed_ids() -> Vec<String> {
    let o = replicascope(&["tour"]);
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
        .lines()
        .filter(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next().map(String::from))
        .collect()
}

#[test]
fn tour_alone_lists_every_tour_grouped_like_the_article() {
    let o = replicascope(&["tour"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let headings: Vec<&str> = text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with(' '))
        .collect();
    assert_eq!(
        headings,
        [
            "Single-leader replication",
            "Multi-leader replication",
            "Leaderless replication",
            "Replication by consensus (Raft)",
            "Chain replication",
            "Comparing the three",
        ]
    );
    let ids = listed_ids();
    assert!(ids.len() >= 40, "{ids:?}");
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "duplicate ids: {ids:?}");
    for id in [
        "single-leader-sync-write",
        "multi-leader-price-conflict",
        "leaderless-sloppy-quorum",
        "comparison-tunable-consistency",
    ] {
        assert!(ids.iter().any(|i| i == id), "{id} missing from {ids:?}");
    }
    assert!(text.contains("(4 steps)"), "{text}");
}

#[test]
fn tour_prints_each_pause_point_with_its_time_and_caption() {
    let o = replicascope(&["tour", "single-leader-async-write"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.starts_with("An asynchronous write — single-leader-async-write\n"),
        "{text}"
    );
    assert!(
        text.contains("Single-leader replication, preset single-leader-async-write, 5 steps"),
        "{text}"
    );
    // Steps are numbered, timed and in order.
    let steps: Vec<&str> = text
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            t.split_once(". ")
                .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        })
        .collect();
    assert_eq!(steps.len(), 5, "{text}");
    assert!(
        steps[0].trim_start().starts_with("1. 10 ms  The leader"),
        "{text}"
    );
    assert!(steps[1].contains("15 ms"), "{text}");
    assert!(steps[4].trim_start().starts_with("5. 40 ms"), "{text}");
    // Captions wrap to the terminal width.
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    assert!(!text.contains("checked claims"), "{text}");
}

#[test]
fn every_listed_tour_plays_and_its_claims_hold() {
    for id in listed_ids() {
        let o = replicascope(&["tour", &id, "--check"]);
        assert!(o.status.success(), "{id}: {}", stderr(&o));
        let text = stdout(&o);
        assert!(text.contains(&format!("— {id}\n")), "{text}");
        assert!(
            text.trim_end().ends_with("checked claims hold"),
            "{id}: {text}"
        );
    }
}

#[test]
fn an_unknown_tour_exits_non_zero_with_one_line_naming_the_valid_ones() {
    let o = replicascope(&["tour", "no-such-tour"]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("replicascope: unknown tour 'no-such-tour'; valid tours: "),
        "{err}"
    );
    assert!(err.contains("single-leader-sync-write"), "{err}");
    assert!(stdout(&o).is_empty());
}
