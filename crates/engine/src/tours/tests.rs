use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::find::find_anchor;
use super::*;
use crate::run;

/// Every failure of every tour, so one run of the tests lists them all.
fn failures() -> Vec<String> {
    let mut out = Vec::new();
    for tour in all() {
        match start(tour) {
            Ok((run, _)) => {
                if let Err(e) = verify(tour, &*run) {
                    out.push(e.to_string());
                }
            }
            Err(e) => out.push(e.to_string()),
        }
    }
    out
}

#[test]
fn every_tour_plays_to_the_end_and_every_expectation_holds() {
    let failed = failures();
    assert!(failed.is_empty(), "\n{}", failed.join("\n"));
}

#[test]
fn pause_points_strictly_increase_and_stay_within_the_run() {
    for tour in all() {
        let (run, steps) = start(tour).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(steps.len(), tour.steps.len(), "{}", tour.id);
        let end = run.scenario().until().0;
        for pair in steps.windows(2) {
            assert!(pair[0].t_us < pair[1].t_us, "{}: {pair:?}", tour.id);
        }
        for (i, s) in steps.iter().enumerate() {
            assert_eq!(s.step_index, i);
            assert_eq!(s.caption, tour.steps[i].caption);
            assert!(s.t_us <= end, "{}: step {} after the end", tour.id, i + 1);
        }
    }
}

#[test]
fn ids_are_unique_and_every_preset_exists() {
    let mut ids = ids();
    ids.sort_unstable();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n, "duplicate tour ids");
    for tour in all() {
        assert!(
            presets::find(tour.preset).is_some(),
            "{} names unknown preset {}",
            tour.id,
            tour.preset
        );
        assert_eq!(find(tour.id).map(|t| t.id), Some(tour.id));
    }
    assert!(find("no-such-tour").is_none());
}

#[test]
fn every_article_preset_has_a_tour() {
    for p in presets::all()
        .iter()
        .filter(|p| !p.id.starts_with("chatter"))
    {
        assert!(
            all().iter().any(|t| t.preset == p.id),
            "preset {} has no tour",
            p.id
        );
    }
}

#[test]
fn tours_are_short_and_captions_are_one_or_two_sentences() {
    for tour in all() {
        assert!(
            (3..=7).contains(&tour.steps.len()),
            "{} has {} steps",
            tour.id,
            tour.steps.len()
        );
        assert!(
            !tour.title.is_empty() && !tour.summary.is_empty(),
            "{}",
            tour.id
        );
        for (i, step) in tour.steps.iter().enumerate() {
            let sentences = sentences(step.caption);
            assert!(
                (1..=2).contains(&sentences),
                "{} step {}: {sentences} sentences in {:?}",
                tour.id,
                i + 1,
                step.caption
            );
            assert!(
                !step.caption.contains("  "),
                "{} step {}: double space in {:?}",
                tour.id,
                i + 1,
                step.caption
            );
        }
    }
}

/// Sentence ends: a full stop, question or exclamation mark at the end of
/// the text or before a space and a capital letter.
fn sentences(text: &str) -> usize {
    let chars: Vec<char> = text.trim().chars().collect();
    let mut count = 0;
    for (i, c) in chars.iter().enumerate() {
        if !matches!(c, '.' | '?' | '!') {
            continue;
        }
        let end = i + 1 == chars.len();
        let next_sentence =
            chars.get(i + 1) == Some(&' ') && chars.get(i + 2).is_some_and(|c| c.is_uppercase());
        if end || next_sentence {
            count += 1;
        }
    }
    count
}

#[test]
fn sections_follow_the_article_and_hold_every_tour() {
    let grouped = by_section();
    let sections: Vec<&str> = grouped.iter().map(|(s, _)| s.id()).collect();
    assert_eq!(
        sections,
        [
            "single-leader",
            "multi-leader",
            "leaderless",
            "raft",
            "chain-replication",
            "comparison"
        ]
    );
    let total: usize = grouped.iter().map(|(_, t)| t.len()).sum();
    assert_eq!(total, all().len());
    for (section, tours) in &grouped {
        assert!(tours.iter().all(|t| t.section == *section));
    }
    // The list itself is in section order, so the start page and the CLI
    // can walk it directly.
    let order: Vec<Section> = all().iter().map(|t| t.section).collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
    assert_eq!(
        Section::parse("comparison").unwrap().title(),
        "Comparing the three"
    );
    assert_eq!(Section::nth(0).id(), "single-leader");
}

static BROKEN_LABEL: Tour = Tour {
    id: "broken-label",
    title: "A tour whose second anchor never happens",
    section: Section::nth(0),
    preset: "single-leader-sync-write",
    summary: "For the tests.",
    steps: &[
        Step {
            caption: "The write reaches the leader.",
            at: sent("replicate", 1),
            expect: &[],
        },
        Step {
            caption: "A message nobody ever sends.",
            at: delivered("telegram", 1).to(2),
            expect: &[],
        },
        Step {
            caption: "Never reached.",
            at: Anchor::End,
            expect: &[],
        },
    ],
};

#[test]
fn an_anchor_that_never_happens_is_a_readable_error_not_a_panic() {
    let Err(e) = start(&BROKEN_LABEL) else {
        panic!("the broken tour resolved");
    };
    assert_eq!(e.tour, "broken-label");
    assert_eq!(e.step, Some(1));
    assert!(matches!(e.problem, TourProblem::AnchorNotFound(_)));
    let text = e.to_string();
    assert!(text.starts_with("tour \"broken-label\", step 2"), "{text}");
    assert!(text.contains("A message nobody ever sends."), "{text}");
    assert!(text.contains("\"telegram\""), "{text}");
    assert!(text.contains("to node 2"), "{text}");
    assert!(text.contains("delivered 0"), "{text}");
}

static BROKEN_OTHERS: Tour = Tour {
    id: "broken-others",
    title: "Anchors that go wrong in other ways",
    section: Section::nth(0),
    preset: "single-leader-sync-write",
    summary: "For the tests.",
    steps: &[
        Step {
            caption: "The client is answered.",
            at: reply(0),
            expect: &[],
        },
        Step {
            caption: "Earlier than the step before.",
            at: Anchor::At(5),
            expect: &[],
        },
    ],
};

static BROKEN_EXPECTATION: Tour = Tour {
    id: "broken-expectation",
    title: "A caption that is not true",
    section: Section::nth(0),
    preset: "single-leader-sync-write",
    summary: "For the tests.",
    steps: &[
        Step {
            caption: "The follower already has x = 1 (it has not).",
            at: sent("replicate", 1),
            expect: &[holds(2, "x", 1)],
        },
        Step {
            caption: "The end.",
            at: Anchor::End,
            expect: &[],
        },
    ],
};

static BROKEN_PRESET: Tour = Tour {
    id: "broken-preset",
    title: "A tour of a preset that does not exist",
    section: Section::nth(4),
    preset: "no-such-preset",
    summary: "For the tests.",
    steps: &[],
};

#[test]
fn other_broken_tours_fail_with_the_tour_and_step_named() {
    let Err(e) = start(&BROKEN_OTHERS) else {
        panic!("resolved");
    };
    assert_eq!(e.step, Some(1));
    assert_eq!(
        e.problem,
        TourProblem::NotAfterPrevious {
            t_us: 5_000,
            previous_us: 30_000
        }
    );
    assert!(e.to_string().contains("not later than"), "{e}");

    let (run, resolved) = start(&BROKEN_EXPECTATION).expect("anchors resolve");
    let e = check(&BROKEN_EXPECTATION, &*run, &resolved).unwrap_err();
    assert_eq!((e.tour, e.step), ("broken-expectation", Some(0)));
    assert!(
        e.to_string()
            .contains("expected node 2 to hold x = 1, it holds nothing"),
        "{e}"
    );

    let e = start(&BROKEN_PRESET).err().expect("unknown preset");
    assert_eq!(e.problem, TourProblem::UnknownPreset("no-such-preset"));
    assert_eq!(e.step, None);
    assert!(
        e.to_string().contains("no preset \"no-such-preset\""),
        "{e}"
    );
}

#[test]
fn an_unknown_operation_and_a_missing_note_are_named() {
    static UNKNOWN_OP: Tour = Tour {
        id: "unknown-op",
        title: "t",
        section: Section::nth(2),
        preset: "single-leader-sync-write",
        summary: "s",
        steps: &[Step {
            caption: "An operation that does not exist.",
            at: reply(99),
            expect: &[],
        }],
    };
    let run = run::start(
        &presets::find("single-leader-sync-write")
            .unwrap()
            .scenario(),
    )
    .unwrap();
    let e = resolve(&UNKNOWN_OP, &*run).unwrap_err();
    assert_eq!(e.step, Some(0));
    assert!(
        e.to_string()
            .contains("client operation #99 does not exist: the run has 2"),
        "{e}"
    );
    let e = find_anchor(&nth_note("never written anywhere", 3), &*run).unwrap_err();
    assert!(
        e.to_string().contains(
            "the 3rd narration note containing \"never written anywhere\", but the run has 0"
        ),
        "{e}"
    );
    assert_eq!(
        find_anchor(&Anchor::At(10_000), &*run),
        Ok((10_000_000, None))
    );
    static PAST_END: Tour = Tour {
        id: "past-end",
        title: "t",
        section: Section::nth(2),
        preset: "single-leader-sync-write",
        summary: "s",
        steps: &[Step {
            caption: "After the end.",
            at: Anchor::At(10_000),
            expect: &[],
        }],
    };
    let e = resolve(&PAST_END, &*run).unwrap_err();
    assert_eq!(
        e.problem,
        TourProblem::PastEnd {
            t_us: 10_000_000,
            end_us: 100_000
        }
    );
    assert!(
        e.to_string().contains("after the run ends at t=100 ms"),
        "{e}"
    );
}

#[test]
fn anchors_find_the_events_they_name() {
    let run = run::start(
        &presets::find("single-leader-sync-write")
            .unwrap()
            .scenario(),
    )
    .unwrap();
    // Sent at 10 ms by the client step; delivered at 20 ms; the ack back
    // at 30 ms, when the client is answered.
    assert_eq!(find_anchor(&sent("replicate", 1), &*run).unwrap().0, 10_000);
    assert_eq!(
        find_anchor(&delivered("replicate", 1), &*run).unwrap().0,
        20_000
    );
    assert_eq!(
        find_anchor(&delivered("ack", 1).from(2).to(1), &*run)
            .unwrap()
            .0,
        30_000
    );
    assert!(find_anchor(&delivered("ack", 1).from(1), &*run).is_err());
    assert_eq!(find_anchor(&reply(0), &*run).unwrap().0, 30_000);
    assert_eq!(find_anchor(&Anchor::End, &*run).unwrap(), (100_000, None));
    let (t, event) = find_anchor(&note("last synchronous follower"), &*run).unwrap();
    assert_eq!(t, 30_000);
    assert_eq!(
        run.trace().steps.get(event.unwrap()).map(|s| s.time.0),
        Some(30_000)
    );
}

#[test]
fn pause_points_follow_the_events_when_the_preset_timing_changes() {
    // The same preset on a network 2 ms slower per message: every anchor
    // still finds its event, later than before, and the claims still hold.
    let tour = find("single-leader-async-write").unwrap();
    let (_, before) = start(tour).unwrap();
    let mut scenario = tour.preset().unwrap().scenario();
    scenario.network.latency = crate::latency::Latency::constant_ms(12.0);
    let run = run::start(&scenario).unwrap();
    let after = verify(tour, &*run).unwrap_or_else(|e| panic!("{e}"));
    let times = |steps: &[ResolvedStep]| steps.iter().map(|s| s.t_us).collect::<Vec<_>>();
    assert_eq!(times(&before), [10_000, 15_000, 20_000, 31_000, 40_000]);
    assert_eq!(times(&after), [10_000, 15_000, 22_000, 35_000, 40_000]);
}

/// A finding anchors at the step where the node reported it: the step
/// whose narration tells of it. Asking for one the run does not have says
/// how many there are.
#[test]
fn a_finding_anchors_where_the_node_reported_it() {
    let s = presets::find("multi-leader-lww-clock-skew")
        .unwrap()
        .scenario();
    let run = run::start(&s).unwrap();
    let discarded = |nth| Anchor::AfterFinding {
        kind: AnomalyKind::DiscardedWrite,
        node: Some(NodeId(4)),
        nth,
    };
    let typed = find_anchor(&discarded(1), &*run).unwrap();
    let told = find_anchor(&nth_note("Last write wins at node 5", 1), &*run).unwrap();
    assert_eq!(typed, told);
    let there = run
        .findings()
        .iter()
        .filter(|f| f.anomaly.kind == AnomalyKind::DiscardedWrite && f.node == NodeId(4))
        .count();
    assert!(there >= 2, "the preset discards twice at node 5");
    let e = find_anchor(&discarded(99), &*run).unwrap_err();
    assert!(
        e.to_string().contains(&format!(
            "wanted the 99th silently discarded write reported by a node (node 5), but the run has {there}"
        )),
        "{e}"
    );
}
