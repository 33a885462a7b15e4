//! The explorer against things it did not compute itself: the teaching
//! explorations' expected answers, a brute-force tree search on tiny
//! spaces, replays of its counterexamples through the ordinary run, and
//! refusals of bad input.

use super::catalogue;
use super::*;
use crate::anomaly::AnomalyKind;
use crate::run;
use crate::scenario::Choice;

fn exploration(id: &str) -> (Scenario, &'static catalogue::Exploration) {
    let e = catalogue::find(id).unwrap_or_else(|| panic!("no exploration {id}"));
    (e.scenario().expect("its scenario"), e)
}

#[test]
fn every_exploration_parses_and_finds_what_it_says() {
    let text = include_str!("../../../../content/explorations.json");
    let listed: Vec<serde_json::Value> = serde_json::from_str(text).unwrap();
    let all = catalogue::all();
    assert_eq!(all.len(), listed.len(), "an exploration did not parse");
    for arch in ["leaderless", "single-leader", "multi-leader"] {
        assert!(
            all.iter().any(|e| e.architecture == arch),
            "none for {arch}"
        );
    }
    for e in all {
        let scenario = e
            .scenario()
            .unwrap_or_else(|| panic!("{}: no scenario", e.id));
        let report = explore(&scenario, e.property, e.bounds, Mode::BreadthFirst)
            .unwrap_or_else(|err| panic!("{}: {err}", e.id));
        assert_eq!(
            report.found.is_some(),
            e.expect.found,
            "{}: {}",
            e.id,
            report.describe()
        );
        if let Some(steps) = e.expect.steps {
            assert_eq!(
                report.found.as_ref().map(|c| c.schedule.len()),
                Some(steps),
                "{}",
                e.id
            );
        }
        if let Some(complete) = e.expect.complete {
            assert_eq!(report.complete, complete, "{}: {}", e.id, report.describe());
        }
        if let Some(c) = &report.found {
            // The counterexample is an ordinary run that shows the same
            // violation at its end.
            let replay = run::start(&c.scenario).unwrap_or_else(|err| panic!("{}: {err}", e.id));
            assert!(
                replay.anomalies().contains(&c.violation),
                "{}: the replay does not show {:?}",
                e.id,
                c.violation
            );
            let story = Story::of(c, replay.as_ref());
            assert_eq!(story.step + 1, replay.trace().steps.len(), "{}", e.id);
            assert_eq!(story.steps.len(), c.schedule.len());
        }
    }
}

#[test]
fn breadth_first_finds_a_shortest_schedule_as_brute_force_does() {
    for (id, limit) in [
        ("leaderless-stale-read-w1-r1", 4),
        ("multi-leader-lww-skew-discards-write", 4),
    ] {
        let (scenario, e) = exploration(id);
        let mut brute = Search::new(&scenario, e.property, e.bounds, Mode::BreadthFirst).unwrap();
        let shortest = brute.shortest_by_brute_force(limit);
        let report = explore(&scenario, e.property, e.bounds, Mode::BreadthFirst).unwrap();
        let found = report.found.map(|c| c.schedule.len() as u32);
        assert_eq!(found, shortest, "{id}");
        assert!(found.is_some(), "{id}: both must find one");
    }
    // And where nothing exists within the limit, neither finds anything.
    let (scenario, e) = exploration("leaderless-no-stale-read-w2-r2");
    let bounds = Bounds {
        max_depth: 6,
        ..e.bounds
    };
    let mut brute = Search::new(&scenario, e.property, bounds, Mode::BreadthFirst).unwrap();
    assert_eq!(brute.shortest_by_brute_force(6), None);
    let report = explore(&scenario, e.property, bounds, Mode::BreadthFirst).unwrap();
    assert!(report.found.is_none());
    assert_eq!(report.stopped, Some(Stop::Depth), "{}", report.describe());
}

#[test]
fn the_same_search_twice_gives_the_same_schedule() {
    let (scenario, e) = exploration("leaderless-strict-quorum-not-linearizable");
    let a = explore(&scenario, e.property, e.bounds, Mode::BreadthFirst).unwrap();
    let b = explore(&scenario, e.property, e.bounds, Mode::BreadthFirst).unwrap();
    assert_eq!(a, b);
    let walk = Mode::RandomWalk {
        walks: 200,
        seed: 7,
    };
    let a = explore(&scenario, e.property, e.bounds, walk).unwrap();
    let b = explore(&scenario, e.property, e.bounds, walk).unwrap();
    assert_eq!(a, b);
    assert!(!a.complete, "random walks never claim completeness");
}

#[test]
fn a_stricter_quorum_is_searched_completely_and_found_safe() {
    let (scenario, e) = exploration("leaderless-no-stale-read-w2-r2");
    let report = explore(&scenario, e.property, e.bounds, Mode::BreadthFirst).unwrap();
    assert!(
        report.complete && report.found.is_none(),
        "{}",
        report.describe()
    );
    // With one quorum smaller, the same search finds a stale read.
    let mut weaker = scenario.clone();
    if let crate::protocol::ProtocolConfig::Leaderless(c) = &mut weaker.protocol {
        c.r = 1;
    }
    let report = explore(&weaker, e.property, e.bounds, Mode::BreadthFirst).unwrap();
    assert_eq!(
        report.found.map(|c| c.violation.kind),
        Some(AnomalyKind::StaleRead)
    );
}

#[test]
fn a_crash_budget_is_what_lets_a_crash_happen() {
    // Without a crash nothing acknowledged can vanish here; with a budget
    // of one, the search may crash a node, and w = 1 leaves one copy.
    let (scenario, e) = exploration("leaderless-stale-read-w1-r1");
    let none = Bounds {
        max_depth: 30,
        ..e.bounds
    };
    let one = Bounds { crashes: 1, ..none };
    let search =
        |b: Bounds| explore(&scenario, Property::LostWrite, b, Mode::BreadthFirst).unwrap();
    let without = search(none);
    assert!(
        without.found.is_none() && without.complete,
        "{}",
        without.describe()
    );
    let with = search(one)
        .found
        .expect("w = 1: the only copy crashes with its node");
    assert!(with
        .schedule
        .iter()
        .any(|s| matches!(s.choice, Choice::Crash { .. })));
}

#[test]
fn bad_bounds_and_properties_that_do_not_apply_are_refused_with_the_reason() {
    let (scenario, e) = exploration("leaderless-stale-read-w1-r1");
    let zero = Bounds {
        max_depth: 0,
        ..e.bounds
    };
    let err = Search::new(&scenario, e.property, zero, Mode::BreadthFirst)
        .err()
        .unwrap();
    assert!(err.contains("max-depth must be between 1"), "{err}");
    let err = Search::new(
        &scenario,
        Property::SplitBrain,
        e.bounds,
        Mode::BreadthFirst,
    )
    .err()
    .unwrap();
    assert!(
        err.starts_with("split-brain does not apply to leaderless"),
        "{err}"
    );
    let err = Property::parse("stale").unwrap_err();
    assert!(
        err.contains("stale-read") && err.contains("conflict"),
        "{err}"
    );
    let mut generated = scenario.clone();
    generated.workload.generator = Some(crate::scenario::Generator {
        rate_per_s: 10.0,
        read_fraction: 0.5,
        keys: 1,
        nodes: Vec::new(),
        start_ms: 0.0,
        end_ms: None,
    });
    let err = Search::new(&generated, e.property, e.bounds, Mode::BreadthFirst)
        .err()
        .unwrap();
    assert!(err.contains("generator"), "{err}");
    let walks = Mode::RandomWalk { walks: 0, seed: 1 };
    assert!(Search::new(&scenario, e.property, e.bounds, walks).is_err());
}

#[test]
fn a_schedule_that_cannot_happen_is_refused_at_its_step() {
    let (scenario, e) = exploration("leaderless-stale-read-w1-r1");
    let c = explore(&scenario, e.property, e.bounds, Mode::BreadthFirst)
        .unwrap()
        .found
        .unwrap();
    let mut bad = c.scenario.clone();
    bad.schedule.push(crate::scenario::Chosen::new(
        crate::time::Instant(bad.schedule.last().unwrap().at().0 + 1),
        Choice::Deliver { message: 99 },
    ));
    let n = bad.schedule.len() - 1;
    let err = run::start(&bad).err().unwrap().to_string();
    assert!(
        err.contains(&format!("schedule[{n}]")) && err.contains("message #99 is not in flight"),
        "{err}"
    );
    let mut twice = c.scenario.clone();
    let first = twice.schedule[0].clone();
    twice.schedule.push(crate::scenario::Chosen {
        at_ms: twice.until_ms - 0.5,
        ..first
    });
    let err = run::start(&twice).err().unwrap().to_string();
    assert!(err.contains("already issued"), "{err}");
    // A replay takes no interventions: the schedule is the whole story.
    let mut run = run::start(&c.scenario).unwrap();
    let refused = run.forked(crate::scenario::Timed {
        at_ms: 0.0,
        action: crate::scenario::Action::Crash {
            node: crate::node::NodeId(0),
        },
    });
    assert!(refused.is_err());
    run = run::start(&c.scenario).unwrap();
    assert_eq!(
        run.trace().hash(),
        run::start(&c.scenario).unwrap().trace().hash()
    );
}

#[test]
fn slicing_the_search_does_not_change_it() {
    for e in catalogue::all().iter().filter(|e| e.expect.found) {
        let scenario = e.scenario().unwrap();
        let whole = explore(&scenario, e.property, e.bounds, Mode::BreadthFirst).unwrap();
        let mut sliced = Search::new(&scenario, e.property, e.bounds, Mode::BreadthFirst).unwrap();
        while !sliced.advance(3) {}
        assert_eq!(sliced.report(), whole, "{}", e.id);
    }
}

#[test]
fn the_search_matches_its_committed_vectors() {
    // Regenerate with REGENERATE_EXPLORE_VECTORS=1 after a deliberate
    // change to what the search visits (and say so in the commit).
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/explore/vectors.txt");
    let computed = vectors();
    if std::env::var("REGENERATE_EXPLORE_VECTORS").is_ok() {
        std::fs::write(path, &computed).unwrap();
    }
    assert_eq!(computed, include_str!("vectors.txt"));
}

#[test]
fn the_session_guarantees_are_found_on_their_presets() {
    for (preset, property, kind) in [
        (
            "single-leader-read-your-writes",
            Property::ReadYourWrites,
            AnomalyKind::ReadYourWrites,
        ),
        (
            "single-leader-consistent-prefix",
            Property::ConsistentPrefix,
            AnomalyKind::ConsistentPrefix,
        ),
    ] {
        let scenario = crate::presets::find(preset).unwrap().scenario();
        let bounds = Bounds {
            max_depth: 12,
            ..Bounds::default()
        };
        let c = explore(&scenario, property, bounds, Mode::BreadthFirst)
            .unwrap()
            .found
            .unwrap_or_else(|| panic!("{preset}: nothing found"));
        assert_eq!(c.violation.kind, kind, "{preset}");
        let replay = run::start(&c.scenario).unwrap();
        assert!(replay.anomalies().contains(&c.violation), "{preset}");
    }
}
