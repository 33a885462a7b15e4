//! The model without a browser: fragments and shared links,
//! interventions with undo and redo, stepping and playback, and every
//! fragment opening a page or saying why.

use super::*;
#[cfg(not(target_arch = "wasm32"))]
use replicascope_core::tours;
use yew::prelude::*;

#[test]
fn params_are_read_from_fragments_and_queries() {
    assert_eq!(param("#preset=a&run=xyz", "run"), Some("xyz".into()));
    assert_eq!(param("?embed=1", "embed"), Some("1".into()));
    assert_eq!(param("", "run"), None);
    assert_eq!(param("#garbage", "run"), None);
}

#[test]
fn a_shared_link_reopens_the_same_run() {
    let mut m = Model::from_preset("single-leader-async-write", false);
    m.cursor = Instant(12_000);
    let again = Model::from_location(&format!("#{}", m.fragment()), false);
    assert_eq!(again.run.hash, m.run.hash);
    assert_eq!(again.cursor, Instant(12_000));
    assert_eq!(again.preset.as_deref(), Some("single-leader-async-write"));
    assert!(again.notice.is_none());
}

#[test]
fn a_damaged_link_falls_back_with_a_message() {
    let m = Model::from_location("#run=not-a-run", false);
    assert_eq!(m.preset.as_deref(), Some(DEFAULT_PRESET));
    let notice = m.notice.unwrap();
    assert!(
        notice
            .text
            .starts_with("This link could not be opened: the link is damaged"),
        "{}",
        notice.text
    );
    let m = Model::from_location("#preset=nope", false);
    assert!(m.notice.unwrap().text.contains("no preset called 'nope'"));
}

#[test]
fn refused_intervention_keeps_the_run() {
    let m = Rc::new(Model::from_preset("single-leader-async-write", false));
    let before = m.run.hash.clone();
    let after = m
        .clone()
        .reduce(Msg::Intervene(ScenarioAction::Crash { node: NodeId(40) }));
    assert_eq!(after.run.hash, before);
    assert!(after.notice.as_ref().unwrap().text.contains("refused"));
}

#[test]
fn undo_and_redo_take_interventions_back_and_forth() {
    let m = Rc::new(Model::from_preset("single-leader-async-write", false));
    let original = m.run.hash.clone();
    let m = m.reduce(Msg::Seek(Instant(5_000)));
    let crashed = m.reduce(Msg::Intervene(ScenarioAction::Crash { node: NodeId(1) }));
    assert_ne!(crashed.run.hash, original);
    let crashed_hash = crashed.run.hash.clone();
    // Nothing to redo yet.
    let same = crashed.clone().reduce(Msg::Redo);
    assert_eq!(same.run.hash, crashed_hash);

    let undone = crashed.reduce(Msg::Undo);
    assert_eq!(
        undone.run.hash, original,
        "undo gives back the preset's run"
    );
    assert_eq!(undone.cursor, Instant(5_000), "the cursor stays");
    assert_eq!(undone.redo.len(), 1);
    // Undo with nothing left changes nothing.
    let again = undone.clone().reduce(Msg::Undo);
    assert_eq!(again.run.hash, original);
    assert_eq!(again.redo.len(), 1);

    let redone = undone.clone().reduce(Msg::Redo);
    assert_eq!(redone.run.hash, crashed_hash, "redo gives back the crash");
    assert!(redone.redo.is_empty());

    // A new intervention after an undo forgets what could be redone.
    let other = undone.reduce(Msg::Intervene(ScenarioAction::Crash { node: NodeId(0) }));
    assert!(other.redo.is_empty(), "{:?}", other.notice);
    assert_ne!(other.run.hash, crashed_hash);
}

#[test]
fn stepping_moves_between_event_times() {
    // The nodes start at time zero, which the cursor already shows.
    let m = Rc::new(Model::from_preset("single-leader-sync-write", false));
    let m = m.reduce(Msg::StepForward);
    assert_eq!(m.cursor, Instant(10_000), "the client write");
    let m = m.reduce(Msg::StepForward);
    assert_eq!(m.cursor, Instant(15_000), "the follower read");
    let m = m.reduce(Msg::StepBack);
    assert_eq!(m.cursor, Instant(10_000));
}

#[test]
fn opening_a_scenario_shows_it_from_its_start() {
    let m = Rc::new(Model::from_preset("single-leader-sync-write", false))
        .reduce(Msg::Seek(Instant(12_000)));
    let other = presets::find("multi-leader-price-conflict")
        .unwrap()
        .scenario();
    let opened = m.clone().reduce(Msg::OpenScenario(
        Box::new(other.clone()),
        "Opened.".into(),
        Some("A test run".into()),
    ));
    assert_eq!(opened.title.as_deref(), Some("A test run"));
    let reopened = Model::from_location(&opened.fragment(), false);
    assert_eq!(
        reopened.title.as_deref(),
        Some("A test run"),
        "the link keeps the name"
    );
    assert_eq!(opened.scenario(), other);
    assert_eq!(opened.cursor, Instant::ZERO);
    assert_eq!(opened.preset, None);
    assert!(opened.run.revision > m.run.revision);
    assert_eq!(opened.notice.as_ref().map(|n| n.error), Some(false));
    let mut broken = other;
    broken.until_ms = -1.0;
    let refused = opened
        .clone()
        .reduce(Msg::OpenScenario(Box::new(broken), String::new(), None));
    assert_eq!(refused.run.hash, opened.run.hash);
    assert!(refused.notice.as_ref().unwrap().error);
}

#[test]
fn a_fragment_typed_into_the_address_bar_opens_what_it_names() {
    let m = Rc::new(Model::from_preset("single-leader-sync-write", false));
    let same = m.clone().reduce(Msg::Navigate(m.fragment()));
    assert!(
        Rc::ptr_eq(&m, &same),
        "the page's own fragment changes nothing"
    );
    let other = m.reduce(Msg::Navigate(String::from(
        "preset=leaderless-sloppy-quorum",
    )));
    assert_eq!(other.preset.as_deref(), Some("leaderless-sloppy-quorum"));
    let bad = other.reduce(Msg::Navigate(String::from("preset=nope")));
    assert!(
        bad.notice.as_ref().is_some_and(|n| n.error),
        "{:?}",
        bad.notice
    );
    // The run on screen stays.
    assert_eq!(bad.preset.as_deref(), Some("leaderless-sloppy-quorum"));
    let damaged = bad.reduce(Msg::Navigate(String::from("run=%%%not-a-link")));
    assert!(
        damaged.notice.as_ref().is_some_and(|n| n.error),
        "{:?}",
        damaged.notice
    );
    assert_eq!(damaged.preset.as_deref(), Some("leaderless-sloppy-quorum"));
}

#[test]
fn playing_advances_at_the_chosen_speed_and_stops_at_the_end() {
    let m = Rc::new(Model::from_preset("single-leader-sync-write", false)).reduce(Msg::Play);
    // 10 ms links: 1× plays 20 ms of virtual time per second.
    let m = m.reduce(Msg::Tick(100.0));
    assert_eq!(m.cursor, Instant(2_000));
    let m = m.reduce(Msg::SetSpeed(10.0)).reduce(Msg::Tick(100.0));
    assert_eq!(m.cursor, Instant(22_000));
    let m = m
        .reduce(Msg::SetSpeed(100.0))
        .reduce(Msg::Tick(250.0))
        .reduce(Msg::Tick(250.0));
    assert_eq!(m.cursor, m.until());
    assert!(!m.playing);
}

/// Any fragment opens a page: the one it asks for, or the default with
/// a message saying why. The same fragment always opens the same page,
/// and a page that opened without a message writes a link that reopens
/// it exactly.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn every_fragment_opens_a_page_or_says_why() {
    use crate::sweep::{cases, splice};
    use replicascope_core::rng::SimRng;
    use std::panic::{catch_unwind, AssertUnwindSafe};
    let mut shared = Model::from_preset("single-leader-async-write", false);
    shared.cursor = Instant(7_000);
    let link = shared.fragment();
    let encoded = param(&link, "run").unwrap();
    let damaged = &encoded[..encoded.len() / 2];
    let tour = tours::all()[0].id;
    let last_tour = tours::all().last().unwrap().id;
    let ids = [
        "single-leader-async-write",
        "leaderless-sloppy-quorum",
        "nope",
        "",
    ];
    let runs = [&encoded, damaged, "AAAA", "e30", "eyJ2IjoxfQ", "%3D", &link];
    let tours = [tour, last_tour, "nope", ""];
    let numbers = ["2", "0", "-1", "99999999999999999999", "1.5", ""];
    let keys: [(&str, &[&str]); 7] = [
        ("preset", &ids),
        ("run", &runs),
        ("tour", &tours),
        ("step", &numbers),
        ("t", &numbers),
        ("embed", &numbers),
        ("", &ids),
    ];
    let values: Vec<&str> = [&ids[..], &runs, &tours, &numbers].concat();
    let mut rng = SimRng::stream(1, "web-fragment-sweep");
    let pick = |rng: &mut SimRng, from: &[&str]| {
        from[rng.between(0, from.len() as u64 - 1) as usize].to_string()
    };
    for case in 0..cases() {
        // Mostly key=value pairs, as links are; sometimes spliced junk.
        let mut fragment = pick(&mut rng, &["#", "?", "", "##"]);
        for i in 0..rng.between(0, 4) {
            if i > 0 {
                fragment.push_str(&pick(&mut rng, &["&", "&", "&", "&&", ";"]));
            }
            let (key, fitting) = keys[rng.between(0, keys.len() as u64 - 1) as usize];
            fragment.push_str(key);
            fragment.push_str(&pick(&mut rng, &["=", "=", "=", "=", "==", ""]));
            let value = if rng.chance(0.8) {
                fitting
            } else {
                &values[..]
            };
            fragment.push_str(&pick(&mut rng, value));
        }
        if rng.chance(0.2) {
            fragment.push_str(&splice(&mut rng, &values, 2));
        }
        let embed = case % 2 == 1;
        let open = || {
            catch_unwind(AssertUnwindSafe(|| Model::from_location(&fragment, embed)))
                .unwrap_or_else(|_| panic!("case {case}: panicked on {fragment:?}"))
        };
        let m = open();
        assert!(m.cursor <= m.until(), "case {case}: {fragment:?}");
        if let Some(n) = &m.notice {
            assert!(!n.text.is_empty(), "case {case}: {fragment:?}");
        }
        let again = open();
        assert_eq!(
            (&again.run.hash, again.cursor, again.notice.map(|n| n.text)),
            (
                &m.run.hash,
                m.cursor,
                m.notice.as_ref().map(|n| n.text.clone())
            ),
            "case {case}: {fragment:?} opened two different pages"
        );
        if m.notice.is_none() {
            let back = Model::from_location(&format!("#{}", m.fragment()), embed);
            assert_eq!(
                (&back.run.hash, back.cursor, back.notice.is_none()),
                (&m.run.hash, m.cursor, true),
                "case {case}: the link written for {fragment:?} reopens another page"
            );
        }
    }
}

#[test]
fn an_intervention_forks_a_new_run_and_the_older_model_keeps_its_own() {
    let mut m = Model::from_preset("single-leader-async-crash-loses-write", false);
    m.cursor = Instant(15_000);
    let before = Rc::new(m);
    let (hash, frame) = (
        before.run.hash.clone(),
        Frame::at(&before.run, before.cursor),
    );
    let after = before
        .clone()
        .reduce(Msg::Intervene(ScenarioAction::Crash { node: NodeId(1) }));
    // The new model runs the forked scenario ...
    assert_eq!(after.scenario().interventions.len(), 1);
    assert_ne!(after.run.hash, hash);
    assert!(!Rc::ptr_eq(&after.run.run, &before.run.run));
    // ... and the model it came from still describes its own run.
    assert_eq!(before.scenario().interventions.len(), 0);
    assert_eq!(before.run.hash, hash);
    let again = Frame::at(&before.run, before.cursor);
    assert!(again == frame);
    assert_eq!(*again.snapshot, *frame.snapshot);
    assert_eq!(*again.narration, *frame.narration);
}

#[test]
fn a_frame_holds_what_the_views_show_at_its_cursor() {
    let m = Model::from_preset("single-leader-async-write", false);
    let run = &m.run;
    for t in [0, 9_999, 10_000, 15_000, 40_000, 1_000_000] {
        let f = Frame::at(run, Instant(t));
        let r = run.get();
        assert_eq!(f.steps, r.trace().steps_until(Instant(t)), "{t}");
        assert_eq!(f.snapshot.nodes, r.nodes_at(Instant(t)), "{t}");
        assert_eq!(f.until, r.end());
        // Every line it narrates happened at or before the cursor, newest
        // first, and no more than the narration shows.
        assert!(f.narration.len() <= NARRATION_LINES);
        assert!(f.narration.iter().all(|(at, _)| *at <= t), "{t}");
        assert!(f.narration.windows(2).all(|w| w[0].0 >= w[1].0), "{t}");
        // The messages it shows in flight were sent by then.
        for d in f.dots.iter() {
            assert!(r.trace().messages.get(d.id as usize).unwrap().sent_at.0 <= t);
        }
    }
    // The async write at 10 ms: acknowledged at once, narrated by 10 ms.
    let f = Frame::at(run, Instant(10_000));
    assert!(
        f.narration.iter().any(|(at, line)| *at == 10_000
            && line.starts_with("Node 1 answers the client: the write succeeded")),
        "{:?}",
        f.narration
    );
    assert!(Frame::at(run, Instant(0))
        .narration
        .iter()
        .all(|(_, l)| !l.contains("client")));
}
