//! Each session guarantee on small hand-made histories: what it flags,
//! what it allows, what it leaves to others, and that a large history is
//! checked quickly.

use super::*;
use alloc::collections::BTreeSet;
use alloc::string::ToString;

use crate::node::{NodeId, OpId};
use crate::time::Instant;

/// `node` is 1-based, times in milliseconds.
fn write(
    h: &mut History,
    user: Option<u32>,
    node: u16,
    key: &str,
    value: i64,
    (at, done): (u64, u64),
    version: u64,
) -> OpId {
    let id = h.invoke_in_session(
        NodeId(node - 1),
        Request::Write {
            key: key.to_string(),
            value,
        },
        Instant::from_millis(at),
        0,
        user,
    );
    h.complete(id, Outcome::written(version), Instant::from_millis(done), 0);
    id
}

/// A successful read returning `version` (value `10 * version`, none
/// for version 0).
fn read(
    h: &mut History,
    user: Option<u32>,
    node: u16,
    key: &str,
    (at, done): (u64, u64),
    version: u64,
) -> OpId {
    let id = h.invoke_in_session(
        NodeId(node - 1),
        Request::read(key),
        Instant::from_millis(at),
        0,
        user,
    );
    let value = (version > 0).then_some(10 * version as i64);
    h.complete(
        id,
        Outcome::read(value, version),
        Instant::from_millis(done),
        0,
    );
    id
}

fn failed_read(h: &mut History, user: Option<u32>, node: u16, key: &str, at: u64) -> OpId {
    let id = h.invoke_in_session(
        NodeId(node - 1),
        Request::read(key),
        Instant::from_millis(at),
        0,
        user,
    );
    h.complete(
        id,
        Outcome::Failed {
            reason: "timed out".to_string(),
        },
        Instant::from_millis(at + 1),
        0,
    );
    id
}

fn run(checker: &dyn Checker, h: &History) -> Vec<Anomaly> {
    let surviving = BTreeSet::new();
    checker.check(&CheckInput {
        history: h,
        surviving_writes: &surviving,
    })
}

fn ops(found: &[Anomaly]) -> Vec<(AnomalyKind, OpId)> {
    found.iter().map(|a| (a.kind, a.op)).collect()
}

// ---- read your writes ----

#[test]
fn ryw_flags_read_missing_own_acknowledged_write() {
    let mut h = History::default();
    write(&mut h, Some(1), 1, "x", 1, (0, 2), 1);
    write(&mut h, Some(1), 1, "x", 5, (10, 12), 3);
    let r = read(&mut h, Some(1), 3, "x", (13, 14), 1);
    let found = run(&ReadYourWritesCheck, &h);
    assert_eq!(ops(&found), [(AnomalyKind::ReadYourWrites, r)]);
    assert_eq!(
        found[0].explanation,
        "user 1 wrote x = 5 (version 3, acknowledged at t=12 ms) but then read x from \
             node 3 and got version 1: node 3 had not applied the user's own write yet"
    );
}

#[test]
fn ryw_allows_reading_own_write_or_newer() {
    let mut h = History::default();
    write(&mut h, Some(1), 1, "x", 5, (0, 2), 3);
    read(&mut h, Some(1), 2, "x", (3, 4), 3);
    read(&mut h, Some(1), 3, "x", (5, 6), 7);
    assert!(run(&ReadYourWritesCheck, &h).is_empty());
}

#[test]
fn ryw_ignores_other_users_and_other_keys() {
    let mut h = History::default();
    write(&mut h, Some(2), 1, "x", 5, (0, 2), 3);
    write(&mut h, Some(1), 1, "y", 6, (3, 4), 4);
    write(&mut h, None, 1, "x", 7, (5, 6), 5);
    // User 1 never wrote x; y is a different key.
    read(&mut h, Some(1), 3, "x", (7, 8), 1);
    assert!(run(&ReadYourWritesCheck, &h).is_empty());
}

#[test]
fn ryw_read_of_never_written_key() {
    let mut h = History::default();
    write(&mut h, Some(4), 1, "cart", 2, (0, 1), 1);
    let r = read(&mut h, Some(4), 2, "cart", (2, 3), 0);
    let found = run(&ReadYourWritesCheck, &h);
    assert_eq!(ops(&found), [(AnomalyKind::ReadYourWrites, r)]);
    assert_eq!(
        found[0].explanation,
        "user 4 wrote cart = 2 (version 1, acknowledged at t=1 ms) but then read cart from \
             node 2 and got no value (version 0): node 2 had not applied the user's own write yet"
    );
}

#[test]
fn ryw_read_overlapping_the_write_is_not_a_violation() {
    let mut h = History::default();
    // The write is acknowledged at 10 ms; the read began at 5 ms.
    write(&mut h, Some(1), 1, "x", 5, (0, 10), 3);
    read(&mut h, Some(1), 2, "x", (5, 11), 0);
    // Acknowledged at exactly the instant the read began: not before it.
    write(&mut h, Some(1), 1, "y", 6, (12, 20), 4);
    read(&mut h, Some(1), 2, "y", (20, 21), 0);
    assert!(run(&ReadYourWritesCheck, &h).is_empty());
}

#[test]
fn ryw_ignores_failed_and_sessionless_reads() {
    let mut h = History::default();
    write(&mut h, Some(1), 1, "x", 5, (0, 2), 3);
    failed_read(&mut h, Some(1), 2, "x", 3);
    write(&mut h, None, 1, "y", 5, (0, 2), 4);
    read(&mut h, None, 2, "y", (5, 6), 0);
    read(&mut h, None, 2, "x", (5, 6), 0);
    assert!(run(&ReadYourWritesCheck, &h).is_empty());
}

// ---- monotonic reads ----

#[test]
fn monotonic_flags_read_older_than_an_earlier_one() {
    let mut h = History::default();
    read(&mut h, Some(2), 2, "x", (0, 1), 4);
    let r = read(&mut h, Some(2), 3, "x", (2, 3), 2);
    let found = run(&MonotonicReads, &h);
    assert_eq!(ops(&found), [(AnomalyKind::MonotonicRead, r)]);
    assert_eq!(
        found[0].explanation,
        "user 2 read x at version 4 from node 2, then read it again from node 3 and got \
             version 2: time went backwards"
    );
}

#[test]
fn monotonic_compares_with_the_highest_earlier_read() {
    let mut h = History::default();
    read(&mut h, Some(2), 1, "x", (0, 1), 2);
    read(&mut h, Some(2), 2, "x", (2, 3), 6);
    read(&mut h, Some(2), 1, "x", (4, 5), 3);
    let r = read(&mut h, Some(2), 3, "x", (6, 7), 0);
    let found = run(&MonotonicReads, &h);
    assert_eq!(
        ops(&found),
        [
            (AnomalyKind::MonotonicRead, OpId(2)),
            (AnomalyKind::MonotonicRead, r)
        ]
    );
    assert_eq!(
        found[1].explanation,
        "user 2 read x at version 6 from node 2, then read it again from node 3 and got \
             no value (version 0): time went backwards"
    );
}

#[test]
fn monotonic_allows_non_decreasing_versions() {
    let mut h = History::default();
    read(&mut h, Some(1), 1, "x", (0, 1), 2);
    read(&mut h, Some(1), 2, "x", (2, 3), 2);
    read(&mut h, Some(1), 3, "x", (4, 5), 5);
    // Another key, another user, a sessionless client: not compared.
    read(&mut h, Some(1), 3, "y", (6, 7), 1);
    read(&mut h, Some(2), 3, "x", (6, 7), 1);
    read(&mut h, None, 3, "x", (6, 7), 1);
    assert!(run(&MonotonicReads, &h).is_empty());
}

#[test]
fn monotonic_overlapping_reads_are_not_ordered() {
    let mut h = History::default();
    // The first read completes at 5 ms, after the second began at 3 ms.
    read(&mut h, Some(1), 1, "x", (0, 5), 4);
    read(&mut h, Some(1), 2, "x", (3, 6), 2);
    assert!(run(&MonotonicReads, &h).is_empty());
}

#[test]
fn monotonic_ignores_failed_and_sessionless_reads() {
    let mut h = History::default();
    read(&mut h, None, 1, "x", (0, 1), 4);
    read(&mut h, None, 2, "x", (2, 3), 2);
    read(&mut h, Some(1), 1, "x", (4, 5), 3);
    failed_read(&mut h, Some(1), 2, "x", 6);
    read(&mut h, None, 2, "x", (8, 9), 1);
    assert!(run(&MonotonicReads, &h).is_empty());
}

// ---- consistent prefix ----

#[test]
fn consistent_prefix_flags_answer_before_question() {
    let mut h = History::default();
    // Someone asks (x, version 3), someone answers (y, version 4).
    write(&mut h, None, 1, "x", 1, (0, 1), 3);
    write(&mut h, None, 1, "y", 2, (2, 3), 4);
    read(&mut h, Some(1), 2, "y", (4, 5), 4);
    let r = read(&mut h, Some(1), 3, "x", (6, 7), 0);
    let found = run(&ConsistentPrefix, &h);
    assert_eq!(ops(&found), [(AnomalyKind::ConsistentPrefix, r)]);
    assert_eq!(
        found[0].explanation,
        "user 1 read y at version 4 from node 2, then read x from node 3 and got no value \
             (version 0), missing x = 1 (version 3), which comes earlier in the log than \
             version 4: the answer before the question"
    );
}

#[test]
fn consistent_prefix_names_the_latest_missed_write() {
    let mut h = History::default();
    write(&mut h, None, 1, "x", 1, (0, 1), 2);
    write(&mut h, Some(3), 1, "x", 2, (0, 1), 5);
    write(&mut h, None, 1, "x", 3, (0, 1), 8);
    write(&mut h, None, 1, "y", 4, (0, 1), 6);
    write(&mut h, None, 1, "z", 5, (0, 1), 7);
    read(&mut h, Some(1), 2, "y", (2, 3), 6);
    read(&mut h, Some(1), 2, "z", (4, 5), 7);
    let r = read(&mut h, Some(1), 3, "x", (6, 7), 2);
    let found = run(&ConsistentPrefix, &h);
    assert_eq!(ops(&found), [(AnomalyKind::ConsistentPrefix, r)]);
    assert_eq!(
        found[0].explanation,
        "user 1 read z at version 7 from node 2, then read x from node 3 and got version 2, \
             missing x = 2 (version 5), which comes earlier in the log than version 7: the \
             answer before the question"
    );
}

#[test]
fn consistent_prefix_allows_prefix_reads() {
    let mut h = History::default();
    write(&mut h, None, 1, "x", 1, (0, 1), 3);
    write(&mut h, None, 1, "y", 2, (2, 3), 4);
    write(&mut h, None, 1, "x", 9, (2, 3), 5);
    read(&mut h, Some(1), 2, "y", (4, 5), 4);
    // Has every write to x before version 4 (a later one it may miss).
    read(&mut h, Some(1), 3, "x", (6, 7), 3);
    // A key with no write between: nothing to miss.
    read(&mut h, Some(1), 3, "z", (8, 9), 0);
    assert!(run(&ConsistentPrefix, &h).is_empty());
}

#[test]
fn consistent_prefix_leaves_same_key_and_own_writes_to_others() {
    let mut h = History::default();
    write(&mut h, None, 1, "x", 1, (0, 1), 3);
    // Same key going backwards is a monotonic-read problem.
    read(&mut h, Some(1), 2, "x", (2, 3), 3);
    read(&mut h, Some(1), 3, "x", (4, 5), 0);
    // The user's own later write to y is not something they read.
    write(&mut h, Some(2), 1, "y", 2, (6, 7), 4);
    read(&mut h, Some(2), 3, "x", (8, 9), 0);
    // Another user's (or a sessionless client's) read proves nothing
    // about this user.
    read(&mut h, Some(3), 1, "y", (10, 11), 4);
    read(&mut h, None, 1, "y", (10, 11), 4);
    read(&mut h, Some(4), 3, "x", (12, 13), 0);
    assert!(run(&ConsistentPrefix, &h).is_empty());
}

#[test]
fn consistent_prefix_overlapping_read_is_not_earlier() {
    let mut h = History::default();
    write(&mut h, None, 1, "x", 1, (0, 1), 3);
    write(&mut h, None, 1, "y", 2, (2, 3), 4);
    read(&mut h, Some(1), 2, "y", (4, 10), 4);
    read(&mut h, Some(1), 3, "x", (6, 7), 0);
    assert!(run(&ConsistentPrefix, &h).is_empty());
}

#[test]
fn consistent_prefix_ignores_failed_and_sessionless_reads() {
    let mut h = History::default();
    write(&mut h, None, 1, "x", 1, (0, 1), 3);
    write(&mut h, None, 1, "y", 2, (2, 3), 4);
    read(&mut h, None, 2, "y", (4, 5), 4);
    read(&mut h, None, 3, "x", (6, 7), 0);
    read(&mut h, Some(1), 2, "z", (4, 5), 0);
    failed_read(&mut h, Some(1), 2, "y", 6);
    failed_read(&mut h, Some(1), 3, "x", 8);
    assert!(run(&ConsistentPrefix, &h).is_empty());
}

#[test]
fn top_two_tracks_highest_version_per_other_key() {
    let mut h = History::default();
    let ids: Vec<OpId> = [("a", 3), ("b", 5), ("a", 7), ("c", 6), ("a", 2)]
        .iter()
        .enumerate()
        .map(|(i, &(k, v))| read(&mut h, Some(1), 1, k, (i as u64, i as u64), v))
        .collect();
    let mut top = TopTwo::default();
    for &id in &ids {
        top.add(UserRead::of(h.get(id).unwrap()).unwrap());
    }
    let best = |k| top.highest_other_than(k).map(|r| (r.key, r.version));
    let pos = |lsn| LogPos::new(None, None, lsn);
    assert_eq!(best("a"), Some(("c", pos(6))));
    assert_eq!(best("b"), Some(("a", pos(7))));
    assert_eq!(best("z"), Some(("a", pos(7))));
}

// ---- all three ----

#[test]
fn large_histories_are_checked_quickly() {
    // 60k operations: O(n^2) would take minutes in a debug build.
    let mut h = History::default();
    for i in 0..20_000u64 {
        let key = if i % 2 == 0 { "x" } else { "y" };
        write(&mut h, None, 1, key, i as i64, (i, i), i + 1);
        read(&mut h, Some((i % 7) as u32), 2, key, (i, i + 1), i + 1);
        read(&mut h, None, 3, key, (i, i + 1), 0);
    }
    for checker in [
        &ReadYourWritesCheck as &dyn Checker,
        &MonotonicReads,
        &ConsistentPrefix,
    ] {
        assert!(run(checker, &h).is_empty(), "{}", checker.name());
    }
}
