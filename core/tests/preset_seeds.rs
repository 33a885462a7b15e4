//! What a preset shows does not depend on luck: run under seeds 1–20,
//! every preset shows the same kinds of anomaly as its own seed (the run
//! its paragraph describes), and refuses writes and reads exactly when
//! that run does — "Another seed" is one click away in the page. A preset
//! whose point does depend on random choices must say so in its text;
//! those are listed here with the words that say it, and must still show
//! their point under some of the other seeds.

use std::collections::BTreeSet;

use replicascope_core::{presets, run};

/// Presets whose outcome is drawn from the seed, and the words of their
/// paragraph that say so.
const VARIES: &[(&str, &str)] = &[
    (
        "single-leader-mixed-faults",
        "the counts vary from seed to seed",
    ),
    (
        "single-leader-monotonic-reads",
        "Which follower serves each read is drawn at random",
    ),
    (
        "single-leader-consistent-prefix",
        "Which follower serves each read is drawn at random",
    ),
];

#[derive(Debug, PartialEq, Eq)]
struct Shown {
    anomalies: BTreeSet<String>,
    refused_writes: bool,
    refused_reads: bool,
}

fn shown(preset: &presets::Preset, seed: Option<u64>) -> Shown {
    let mut s = preset.scenario();
    if let Some(seed) = seed {
        s.seed = seed;
    }
    let summary = run::start(&s).expect("presets run").summary();
    Shown {
        anomalies: summary
            .anomalies
            .iter()
            .map(|a| a.kind.label().to_string())
            .collect(),
        refused_writes: summary.writes.failed > 0,
        refused_reads: summary.reads.failed > 0,
    }
}

#[test]
fn every_preset_shows_its_point_under_seeds_one_to_twenty() {
    let mut problems = Vec::new();
    for p in presets::all() {
        let documented = shown(p, None);
        let varies = VARIES.iter().find(|(id, _)| *id == p.id);
        if let Some((_, words)) = varies {
            assert!(
                p.description.contains(words),
                "{}: its paragraph must say what varies (\"{words}\")",
                p.id
            );
        }
        let differing: Vec<u64> = (1..=20)
            .filter(|&seed| shown(p, Some(seed)) != documented)
            .collect();
        match varies {
            None if !differing.is_empty() => problems.push(format!(
                "{}: seeds {differing:?} show something else than {documented:?}",
                p.id
            )),
            Some(_) if differing.len() == 20 => problems.push(format!(
                "{}: no seed from 1 to 20 shows {documented:?}",
                p.id
            )),
            _ => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The list above names only presets that exist and do vary: a preset
/// made robust leaves it.
#[test]
fn the_presets_said_to_vary_do_vary() {
    for (id, _) in VARIES {
        let p = presets::find(id).unwrap_or_else(|| panic!("{id} is no preset"));
        let documented = shown(p, None);
        assert!(
            (1..=20).any(|seed| shown(p, Some(seed)) != documented),
            "{id} shows the same under every seed: take it off the list"
        );
    }
}
