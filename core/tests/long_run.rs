//! The windowed (bounded-memory) long run changes nothing but what is kept:
//! the same run recorded in full has the same trace digest and the same
//! counts, and the window never holds more steps than asked.

use replicascope_core::long_run::{add_churn, add_load, run_windowed, Windowed};
use replicascope_core::presets;
use replicascope_core::protocol::{Family, ProtocolConfig};
use replicascope_core::run;
use replicascope_core::scenario::Scenario;

/// The sloppy-quorum preset under load for `until_ms`, with a fault
/// (crash, partition or slow link) every 10 s and a quiet last 10 s.
fn soak(until_ms: f64) -> Scenario {
    let mut s = presets::find("leaderless-sloppy-quorum")
        .unwrap()
        .scenario();
    s.until_ms = until_ms;
    add_churn(&mut s, 10_000.0, 10_000.0);
    add_load(&mut s, 100.0, 40, 10_000.0);
    s
}

#[test]
fn windowed_run_digests_like_the_full_recording() {
    // Two simulated minutes.
    let s = soak(120_000.0);
    let full = run::start(&s).unwrap();
    let summary = full.summary();
    let trace = full.trace();

    const WINDOW: usize = 2_000;
    let ProtocolConfig::Leaderless(config) = &s.protocol else {
        unreachable!()
    };
    let mut w = Windowed::new(&s, |id| config.node(id), WINDOW);
    let mut most = 0;
    while w.step() {
        let held = w.simulator().trace.steps.retained();
        assert!(held <= WINDOW, "{held} steps held, window {WINDOW}");
        most = most.max(held);
    }
    assert_eq!(most, WINDOW, "the window filled up");
    let report = w.finish(&mut |_| {}, |world| {
        config.convergence(&world.nodes, &world.up)
    });

    assert!(trace.steps.len() > 20 * WINDOW, "{}", trace.steps.len());
    assert!(report.compactions as usize >= trace.steps.len() / WINDOW);
    assert_eq!(report.events, trace.steps.len() as u64);
    assert_eq!(report.trace_digest, format!("{:016x}", trace.digest()));
    assert!(report.peak_window.steps as usize <= WINDOW);
    assert!(report.peak_window.messages < trace.messages.len() as u64 / 10);
    assert_eq!(report.messages, summary.messages);
    assert_eq!(report.notes, trace.notes.len() as u64);
    assert_eq!(
        (
            report.writes.ok,
            report.writes.failed,
            report.writes.pending
        ),
        (
            summary.writes.ok,
            summary.writes.failed,
            summary.writes.pending
        )
    );
    assert_eq!(
        (report.reads.ok, report.reads.failed, report.reads.pending),
        (
            summary.reads.ok,
            summary.reads.failed,
            summary.reads.pending
        )
    );
    assert_eq!(report.faults.crashes, 4);
    assert_eq!(report.faults.recoveries, 4);
    assert_eq!(report.faults.partitions, 4 + 1, "the preset's own cut too");
    assert_eq!(report.faults.slow_links, 3);
    assert_eq!(report.latency.count, report.writes.ok + report.reads.ok);
    // The same final state as the full run.
    let nodes = full.nodes_after(trace.steps.len());
    assert_eq!(report.nodes.len(), nodes.len());
    for (a, b) in report.nodes.iter().zip(&nodes) {
        assert_eq!((a.up, &a.fields), (b.up, &b.view.fields));
    }
}

#[test]
fn a_window_larger_than_the_run_never_compacts() {
    let s = soak(20_000.0);
    let full = run::start(&s).unwrap();
    let report = run_windowed(&s, usize::MAX, &mut |_| {}).unwrap();
    assert_eq!(report.compactions, 0);
    assert_eq!(report.events, full.trace().steps.len() as u64);
    assert_eq!(
        report.trace_digest,
        format!("{:016x}", full.trace().digest())
    );
}

#[test]
fn every_protocol_runs_windowed() {
    for id in [
        "single-leader-mixed-faults",
        "multi-leader-lww-clock-skew",
        "leaderless-anti-entropy",
        "chatter-5",
    ] {
        let s = presets::find(id).unwrap().scenario();
        let full = run::start(&s).unwrap();
        let mut seen = Vec::new();
        let report = run_windowed(&s, 64, &mut |p| seen.push(p.events)).unwrap();
        assert_eq!(
            report.trace_digest,
            format!("{:016x}", full.trace().digest()),
            "{id}"
        );
        assert_eq!(report.messages, full.summary().messages, "{id}");
        assert!(report.peak_window.steps <= 64, "{id}");
        assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{id}");
        assert_eq!(seen.last(), Some(&report.events), "{id}");
    }
}

/// A run whose replicas end with different tables is not "converged":
/// the statement-based presets re-run non-deterministic statements on
/// each follower, and `run` reports their divergence; with the same
/// statements made deterministic, the tables agree and it converges.
#[test]
fn diverged_tables_are_not_converged() {
    for id in [
        "single-leader-statement-nondeterminism",
        "single-leader-statement-where-now",
    ] {
        let Some(p) = presets::find(id) else { continue };
        let s = p.scenario();
        let full = run::start(&s).unwrap();
        let diverged = full
            .anomalies()
            .iter()
            .any(|a| a.kind == replicascope_core::check::AnomalyKind::Divergence);
        let report = run_windowed(&s, 64, &mut |_| {}).unwrap();
        assert_eq!(
            report.convergence.converged, !diverged,
            "{id}: {:?}",
            report.convergence
        );
        if diverged {
            assert!(report.convergence.divergent_keys > 0, "{id}");
            assert!(
                report
                    .convergence
                    .examples
                    .iter()
                    .any(|e| e.contains(" row ")),
                "{id}: {:?}",
                report.convergence.examples
            );
        }
    }
    // The same table change made deterministically converges.
    let mut s = presets::find("single-leader-sync-write")
        .unwrap()
        .scenario();
    s.workload.ops.push(replicascope_core::scenario::Timed {
        at_ms: 20.0,
        action: replicascope_core::scenario::Action::Client {
            node: replicascope_core::node::NodeId(0),
            request: replicascope_core::node::Request::Sql {
                sql: "UPDATE accounts SET balance = 7 WHERE id = 1".into(),
            },
        },
    });
    let report = run_windowed(&s, 64, &mut |_| {}).unwrap();
    assert!(report.convergence.converged, "{:?}", report.convergence);
}

/// The last event is the last recorded step: a timer that fires on a
/// crashed node is dropped without a step and does not move it.
#[test]
fn the_last_event_is_the_last_recorded_step() {
    for id in [
        "single-leader-async-crash-loses-write",
        "single-leader-auto-failover",
        "leaderless-sloppy-quorum",
        "chatter-5",
    ] {
        let s = presets::find(id).unwrap().scenario();
        let full = run::start(&s).unwrap();
        let last = full.trace().steps.iter().last().map_or(0, |st| st.time.0);
        let report = run_windowed(&s, 64, &mut |_| {}).unwrap();
        assert_eq!(report.last_event_us, last, "{id}");
    }
}
