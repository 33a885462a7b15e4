//! Scenario tests with the default spec (seed 1, 100 requests/s for 3 s,
//! half reads, 10 keys): exact figures, pinned after checking each one
//! against the mechanism that should produce it.

use super::*;
use crate::node::NodeId;
use crate::scenario::Action;

fn run(fault: Fault) -> Comparison {
    compare(&CompareSpec::new(fault)).expect("the default spec runs")
}

fn row(c: &Comparison, arch: Architecture) -> &Row {
    c.rows.iter().find(|r| r.architecture == arch).expect("row")
}

/// The architecture `id` names in `content/compare/architectures.json`.
fn named(id: &str) -> Architecture {
    Architecture::parse(id).expect(id)
}

fn availability(r: &Row) -> (u64, u64) {
    let a = r.write_availability.as_ref().expect("a fault window");
    (a.succeeded, a.issued)
}

#[test]
fn without_a_fault_sync_and_quorums_pay_a_wan_round_trip_and_async_reads_are_stale() {
    let c = run(Fault::None);
    let (sync, not_sync) = (
        row(&c, named("single-leader-sync")),
        row(&c, named("single-leader-async")),
    );
    let (multi, quorum) = (row(&c, named("multi-leader")), row(&c, named("leaderless")));
    // Sync waits for the farther of two followers; leaderless for the
    // nearer of two other replicas: both one round trip of 2 × 40 ms.
    // On top, each user's own trip to the node: 2 ms within its
    // datacenter, 82 ms from another. Two users in three reach the single
    // leader from another datacenter; leaderless and multi-leader users
    // reach a node in their own.
    let round_trip = 2.0 * topology::CROSS_DC_MS;
    assert_eq!(sync.write_latency.p50_ms, Some(164.979));
    assert!(sync.write_latency.p50_ms > Some(2.0 * round_trip));
    assert!(quorum.write_latency.p50_ms > Some(round_trip));
    assert!(quorum.read_latency.p50_ms > Some(round_trip));
    assert!(quorum.write_latency.p50_ms < Some(round_trip + 8.0));
    // Asynchronous replication does not spare a remote user the trip to
    // the leader; multi-leader answers from the user's own datacenter.
    assert_eq!(not_sync.write_latency.p50_ms, Some(82.0));
    assert_eq!(multi.write_latency.p99_ms, Some(2.0));
    assert!(multi.write_latency.p99_ms < not_sync.write_latency.p50_ms);
    // Followers (async) and other datacenters' leaders lag; sync and
    // w + r > n never return data older than an acknowledged write.
    // Multi-leader: 23, each one a read from a leader that had not
    // applied a write acknowledged elsewhere (version vectors compared by
    // containment; their sums had hidden two).
    let stale: Vec<u64> = c.rows.iter().map(|r| r.stale_reads).collect();
    assert_eq!(stale, [0, 35, 23, 0, 0, 0]);
    // One leader orders every write: no conflicts. Multi-leader finds
    // concurrent writes and LWW discards one of each pair; leaderless
    // keeps both and shows them to readers as siblings.
    let conflicts: Vec<u64> = c.rows.iter().map(|r| r.conflicts).collect();
    assert_eq!(conflicts, [0, 0, 24, 21, 0, 0]);
    assert_eq!(quorum.sibling_reads, 21);
    // 24 pairs, 22 distinct writes thrown away (some lost to two).
    assert_eq!(multi.lost_writes.discarded, 22);
    assert_eq!(multi.lost_writes.discarded_by_earlier, 0, "true clocks");
    for r in &c.rows {
        assert_eq!(r.write_availability, None, "{}", r.label);
        assert_eq!((r.writes.ok, r.writes.failed), (145, 0), "{}", r.label);
        assert_eq!((r.reads.ok, r.reads.failed), (156, 0), "{}", r.label);
        if r.architecture != named("multi-leader") {
            assert_eq!(r.lost_writes.total, 0, "{}", r.label);
        }
    }
}

#[test]
fn a_crash_stops_single_leader_writes_until_failover_but_not_the_others() {
    let c = run(Fault::Crash);
    // 54 writes in the middle second: single-leader fails them until the
    // followers have waited out 300 ms of silence and elected.
    assert_eq!(availability(row(&c, named("single-leader-sync"))), (29, 54));
    assert_eq!(
        availability(row(&c, named("single-leader-async"))),
        (29, 54)
    );
    // The router sends dc 1's users to dc 2; two replicas of three still
    // make a quorum with w = 2.
    assert_eq!(availability(row(&c, named("multi-leader"))), (54, 54));
    let quorum = row(&c, named("leaderless"));
    assert_eq!(availability(quorum), (54, 54));
    assert_eq!(quorum.write_availability.as_ref().unwrap().share, Some(1.0));
    // Every acknowledged write was already on the wire when the leader
    // stopped: a clean crash loses nothing, sync or async.
    assert_eq!(row(&c, named("single-leader-sync")).lost_writes.total, 0);
    assert_eq!(row(&c, named("single-leader-async")).lost_writes.total, 0);
    // The new synchronous leader waits for its crashed follower too:
    // writes stall until node 1 is back, and the tail shows it.
    // (Plus the remote user's 82 ms trip to the leader.)
    assert_eq!(
        row(&c, named("single-leader-sync")).write_latency.p99_ms,
        Some(647.48)
    );
    assert_eq!(
        row(&c, named("single-leader-async")).write_latency.p99_ms,
        Some(82.0)
    );
}

#[test]
fn a_partition_makes_async_lose_acknowledged_writes_and_sync_refuse_them() {
    let c = run(Fault::Partition);
    let (sync, not_sync) = (
        row(&c, named("single-leader-sync")),
        row(&c, named("single-leader-async")),
    );
    // Sync: the cut-off leader cannot get its followers' acknowledgements.
    assert_eq!(availability(sync), (0, 54));
    assert_eq!(sync.lost_writes.total, 0);
    // Async: it acknowledges everything, dc 2 and dc 3 elect a new
    // leader, and at the heal the old one steps down and drops them —
    // including the ones it took after the heal before it heard.
    assert_eq!(availability(not_sync), (54, 54));
    assert_eq!(not_sync.lost_writes.lost, 60);
    assert!(not_sync.lost_writes.lost > 54);
    // Reads of epoch 2's data that miss epoch 1's discarded writes are
    // not stale — those writes are lost, and counted there.
    assert_eq!(not_sync.stale_reads, 89);
    // Multi-leader stays writable everywhere and pays in discards.
    let multi = row(&c, named("multi-leader"));
    assert_eq!(availability(multi), (54, 54));
    assert_eq!(multi.lost_writes.discarded, 47);
    assert_eq!(multi.conflicts, 54);
    // named("leaderless"): dc 1's node alone is one replica short of w = 2.
    let quorum = row(&c, named("leaderless"));
    assert_eq!(availability(quorum), (38, 54));
    assert_eq!(quorum.lost_writes.total, 0);
    assert_eq!(quorum.stale_reads, 0);
}

#[test]
fn clock_skew_makes_last_write_wins_discard_later_writes_and_changes_nothing_else() {
    let skewed = run(Fault::Skew);
    let plain = run(Fault::None);
    let multi = row(&skewed, named("multi-leader"));
    assert_eq!(multi.lost_writes.discarded, 34);
    assert!(multi.lost_writes.discarded > row(&plain, named("multi-leader")).lost_writes.discarded);
    // Writes made after their winner in real time: only a slow clock
    // makes LWW throw those away.
    assert_eq!(multi.lost_writes.discarded_by_earlier, 24);
    // The single leader's log and leaderless version vectors ignore
    // clocks: the very same trace as without skew.
    for arch in [
        named("single-leader-sync"),
        named("single-leader-async"),
        named("leaderless"),
    ] {
        assert_eq!(
            row(&skewed, arch).trace_hash,
            row(&plain, arch).trace_hash,
            "{arch:?}"
        );
        assert_eq!(row(&skewed, arch).conflicts, row(&plain, arch).conflicts);
    }
    // The skew is in force all run long: every write counts.
    assert_eq!(availability(multi), (145, 145));
}

#[test]
fn every_architecture_gets_the_same_requests_network_and_fault() {
    let spec = CompareSpec::new(Fault::Partition);
    let scenarios: Vec<Scenario> = Architecture::all()
        .iter()
        .map(|&a| scenario_for(&spec, a))
        .collect();
    for s in &scenarios[1..] {
        assert_eq!(s.workload, scenarios[0].workload);
        assert_eq!(s.faults, scenarios[0].faults);
        assert_eq!((s.seed, s.until_ms), (scenarios[0].seed, 4_000.0));
        assert_eq!(s.node_count(), 3);
        assert_eq!(s.network.latency, scenarios[0].network.latency);
    }
    // dc 1 is cut off for the middle second, then healed.
    assert_eq!(scenarios[0].faults[0].at_ms, 1_000.0);
    assert!(matches!(
        &scenarios[0].faults[0].action,
        Action::Partition { from, to, two_way: true } if *from == [NodeId(0)] && *to == [NodeId(1), NodeId(2)]
    ));
    assert_eq!(scenarios[0].faults[1].at_ms, 2_000.0);
    // Each run saw the same requests at the same times.
    let c = compare(&spec).unwrap();
    let totals: Vec<u64> = c
        .rows
        .iter()
        .map(|r| r.writes.ok + r.writes.failed + r.writes.pending)
        .collect();
    assert_eq!(totals, [145; 6]);
    assert_eq!(c.fault_window_ms, Some((1_000.0, 2_000.0)));
}

#[test]
fn the_fault_window_comes_from_the_scenario_measured() {
    let spec = CompareSpec::new(Fault::Crash);
    let mut s = scenario_for(&spec, named("leaderless"));
    // Moving the crash moves the window: the first half-second now.
    s.faults[0].at_ms = 0.0;
    s.faults[1].at_ms = 500.0;
    let r = measure(named("leaderless"), &s).unwrap();
    let a = r.write_availability.unwrap();
    assert!(a.issued > 0 && a.issued < 54, "{a:?}");
    let mut quiet = scenario_for(&CompareSpec::new(Fault::None), named("leaderless"));
    quiet.until_ms = 0.0;
    assert!(measure(named("leaderless"), &quiet)
        .unwrap_err()
        .contains("until_ms"));
}

#[test]
fn a_comparison_is_deterministic_and_the_seed_matters() {
    let spec = CompareSpec::new(Fault::Crash);
    assert_eq!(compare(&spec), compare(&spec));
    let other = compare(&CompareSpec {
        seed: 2,
        ..spec.clone()
    })
    .unwrap();
    let first = compare(&spec).unwrap();
    for (a, b) in first.rows.iter().zip(&other.rows) {
        assert_ne!(a.trace_hash, b.trace_hash);
    }
}

#[test]
fn bad_specs_are_refused_naming_the_setting() {
    let base = CompareSpec::new(Fault::None);
    let cases = [
        (
            CompareSpec {
                rate_per_s: 0.0,
                ..base.clone()
            },
            "rate 0 is out of range: 1 to 1000 requests per second",
        ),
        (
            CompareSpec {
                rate_per_s: f64::NAN,
                ..base.clone()
            },
            "rate NaN is out of range",
        ),
        (
            CompareSpec {
                read_fraction: 1.5,
                ..base.clone()
            },
            "read fraction 1.5 is out of range: 0 to 1",
        ),
        (
            CompareSpec {
                keys: 0,
                ..base.clone()
            },
            "keys 0 is out of range: 1 to 1000",
        ),
        (
            CompareSpec {
                duration_ms: 100.0,
                ..base.clone()
            },
            "duration 100 is out of range: 300 to 60000 ms",
        ),
        (
            CompareSpec {
                rate_per_s: 1_000.0,
                duration_ms: 10_000.0,
                ..base.clone()
            },
            "asks for about 10000 requests per run; at most 1500",
        ),
    ];
    for (spec, expected) in cases {
        let e = compare(&spec).unwrap_err();
        assert!(e.contains(expected), "{e}");
        assert!(!e.contains('\n'));
    }
}

#[test]
fn a_full_size_run_still_fits_in_a_share_link() {
    let spec = CompareSpec {
        rate_per_s: 500.0,
        ..CompareSpec::new(Fault::Crash)
    };
    assert_eq!(spec.rate_per_s * spec.duration_ms / 1000.0, MAX_REQUESTS);
    let scenario = scenario_for(&spec, named("single-leader-sync"));
    let link = crate::share::encode(&crate::share::SharedRun {
        title: None,
        v: crate::share::LINK_VERSION,
        preset: None,
        scenario,
        t_us: 0,
        hash: Some(String::from("0123456789abcdef")),
    });
    assert!(
        crate::share::decode(&link).is_ok(),
        "{} characters",
        link.len()
    );
}

#[test]
fn explanations_quote_the_measured_figures() {
    let c = run(Fault::Partition);
    let text = explain::explain(row(&c, named("single-leader-async")), Fault::Partition);
    assert!(
        text.contains("54 of 54 writes issued during the fault succeeded, 100 %"),
        "{text}"
    );
    assert!(text.contains("60 acknowledged writes were gone"), "{text}");
    let text = explain::explain(row(&c, named("leaderless")), Fault::Partition);
    assert!(text.contains("38 of 54") && text.contains("70 %"), "{text}");
    let quiet = run(Fault::None);
    let text = explain::explain(row(&quiet, named("single-leader-sync")), Fault::None);
    assert!(text.contains("median 165.0 ms"), "{text}");
}

#[test]
fn sentences_fill_known_placeholders_and_leave_the_rest() {
    assert_eq!(
        explain::unknown_placeholders("{lost} of {lsot}, {"),
        alloc::vec![String::from("lsot")]
    );
    let c = run(Fault::None);
    let r = row(&c, named("leaderless"));
    assert_eq!(
        explain::fill("{stale_reads} stale, {nope} {", r),
        format!("{} stale, {{nope}} {{", r.stale_reads)
    );
}

#[test]
fn raft_pays_a_majority_round_trip_loses_nothing_and_waits_out_an_election() {
    // No fault: like sync, a write costs the trip to the leader and one
    // WAN round trip to a majority; a read passed to the leader waits a
    // heartbeat round more. Nothing is stale, nothing conflicts.
    let c = run(Fault::None);
    let raft = row(&c, named("raft"));
    let sync = row(&c, named("single-leader-sync"));
    let round_trip = 2.0 * topology::CROSS_DC_MS;
    assert!(raft.write_latency.p50_ms > Some(2.0 * round_trip));
    assert!(raft.write_latency.p50_ms < Some(sync.write_latency.p50_ms.unwrap() + 5.0));
    assert!(raft.read_latency.p50_ms > Some(raft.write_latency.p50_ms.unwrap()));
    assert_eq!(
        (raft.stale_reads, raft.conflicts, raft.lost_writes.total),
        (0, 0, 0)
    );
    // A crash of the leader: each survivor must time out on its own before
    // it votes (check quorum), so the election outlasts single-leader's
    // 300 ms failover; nothing acknowledged is lost.
    let c = run(Fault::Crash);
    let raft = row(&c, named("raft"));
    assert_eq!(availability(raft), (13, 54));
    assert!(availability(raft).0 < availability(row(&c, named("single-leader-sync"))).0);
    assert_eq!(raft.lost_writes.total, 0);
    // A partition: dc 2 and dc 3 keep a majority and a leader.
    let c = run(Fault::Partition);
    let raft = row(&c, named("raft"));
    assert_eq!(availability(raft), (42, 54));
    assert_eq!((raft.stale_reads, raft.lost_writes.total), (0, 0));
}

#[test]
fn a_chain_commits_at_the_tail_and_the_master_routes_around_a_failed_head() {
    // No fault: a write walks head (dc 1) -> tail (dc 2) and its ack back
    // (one WAN round trip, plus remote users' trip to the head); the tail
    // answers every read, so none is stale.
    let c = run(Fault::None);
    let chain = row(&c, named("chain"));
    let round_trip = 2.0 * topology::CROSS_DC_MS;
    assert!(chain.write_latency.p50_ms > Some(2.0 * round_trip));
    assert!(chain.read_latency.p50_ms < chain.write_latency.p50_ms);
    assert_eq!(
        (chain.stale_reads, chain.conflicts, chain.lost_writes.total),
        (0, 0, 0)
    );
    // The head crashes: writes wait at the tail until the master removes
    // the head, then commit there; nothing acknowledged is lost.
    let c = run(Fault::Crash);
    let chain = row(&c, named("chain"));
    assert_eq!(availability(chain), (54, 54));
    assert_eq!(chain.lost_writes.total, 0);
    let c = run(Fault::Partition);
    let chain = row(&c, named("chain"));
    assert_eq!(availability(chain), (44, 54));
    assert_eq!((chain.stale_reads, chain.lost_writes.total), (0, 0));
}
