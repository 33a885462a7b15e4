//! The anomaly list at the cursor is what a checker finds in the run up
//! to that moment, not the whole run's verdicts filtered by when their
//! operation was sent. Checked against something built independently:
//! the same scenario cut at the cursor (`Scenario::cut_at`) and run to
//! its end. Every preset, at the moments anomalies can appear (each
//! operation's call and answer, each fault), and under a second seed.

use std::collections::BTreeSet;

use replicascope_core::check::{Anomaly, AnomalyKind};
use replicascope_core::time::Instant;
use replicascope_core::{presets, run};

/// Comparable form of an anomaly.
fn key(a: &Anomaly) -> (u32, AnomalyKind, Option<u32>, String) {
    (a.op.0, a.kind, a.other.map(|o| o.0), a.explanation.clone())
}

/// At most `n` moments spread over `all` (sorted, deduplicated).
fn spread(all: BTreeSet<u64>, n: usize) -> Vec<u64> {
    let all: Vec<u64> = all.into_iter().collect();
    if all.len() <= n {
        return all;
    }
    (0..n).map(|i| all[i * (all.len() - 1) / (n - 1)]).collect()
}

#[test]
fn the_list_at_a_moment_is_the_list_of_the_run_cut_there() {
    for preset in presets::all() {
        for seed in [None, Some(7)] {
            let mut scenario = preset.scenario();
            if let Some(seed) = seed {
                scenario.seed = seed;
            }
            let whole = run::start(&scenario).unwrap();
            let mut moments = BTreeSet::new();
            for op in &whole.history().ops {
                moments.insert(op.invoked_at.0);
                moments.extend(op.completed_at.map(|t| t.0));
            }
            // Whole milliseconds, so the cut scenario's `until_ms` names
            // exactly the same instant.
            let moments: BTreeSet<u64> = moments.into_iter().map(|t| t / 1000 * 1000).collect();
            for t in spread(moments, 12) {
                let at = whole.anomalies_at(Instant(t));
                let mut cut = scenario.clone();
                cut.cut_at(t as f64 / 1000.0);
                let cut = run::start(&cut).unwrap();
                let expected: BTreeSet<_> = cut.anomalies().iter().map(key).collect();
                let got: BTreeSet<_> = at.iter().map(key).collect();
                let context = format!("{} seed {:?} at {t} µs", preset.id, seed);
                // The cut run has ended, so it may also report replicas
                // that disagree with nothing in flight; the run going on
                // at `t` waits for its end to call that divergence.
                assert!(
                    got.is_subset(&expected),
                    "{context}: found at the cursor but not in the cut run: {:?}",
                    got.difference(&expected).collect::<Vec<_>>()
                );
                for extra in expected.difference(&got) {
                    assert_eq!(
                        extra.1,
                        AnomalyKind::Divergence,
                        "{context}: missing {extra:?}"
                    );
                }
                // Nothing is listed whose operation the cursor has not reached.
                for a in &at {
                    let op = whole.history().get(a.op).unwrap();
                    assert!(op.invoked_at.0 <= t, "{context}: {a:?} is in the future");
                }
            }
            // At the end the list is the run's own.
            let end = whole.anomalies_at(whole.end());
            assert_eq!(end, whole.anomalies(), "{} at its end", preset.id);
        }
    }
}

/// The two cases users met: an anomaly listed at 10 ms that happens later.
#[test]
fn a_write_is_not_lost_or_discarded_before_it_happens() {
    let kinds_at = |id: &str, ms: u64| -> Vec<AnomalyKind> {
        let r = run::start(&presets::find(id).unwrap().scenario()).unwrap();
        r.anomalies_at(Instant(ms * 1000))
            .iter()
            .map(|a| a.kind)
            .collect()
    };
    // The leader acknowledges at 10 ms and crashes at 20 ms.
    let crash = "single-leader-async-crash-loses-write";
    assert!(!kinds_at(crash, 10).contains(&AnomalyKind::LostWrite));
    assert!(kinds_at(crash, 10_000).contains(&AnomalyKind::LostWrite));
    // Write #0 loses to a write sent at 20 ms and applied at 92 ms.
    let lww = "multi-leader-lww-clock-skew";
    assert!(!kinds_at(lww, 10).contains(&AnomalyKind::DiscardedWrite));
    assert!(!kinds_at(lww, 91).contains(&AnomalyKind::DiscardedWrite));
    assert!(kinds_at(lww, 10_000).contains(&AnomalyKind::DiscardedWrite));
}
