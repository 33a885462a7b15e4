//! Session guarantees — what one user sees across their own requests when
//! reads go to lagging followers. Only operations sent by a user session
//! (`session: Some(..)`) are judged; everyone else is background traffic.
//!
//! These rules assume versions are log positions (single-leader
//! replication): a node that has applied version `v` has applied every
//! write with a smaller version, so comparing versions compares how far
//! along the one log a node was when it answered.
//!
//! "Earlier" always means *completed before this read was invoked*: a
//! request still in flight when the read started proves nothing.
//!
//! Each checker sorts the session operations into one timeline (reads are
//! judged at their invocation, results are learned at their completion)
//! and keeps only per-user, per-key maxima in ordered maps, so a run of
//! `n` operations costs `O(n log n)`.

#[cfg(test)]
mod tests;

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use core::ops::Bound::Excluded;

use super::{Anomaly, AnomalyKind, CheckInput, Checker, LogPos};
use crate::history::{History, Operation};
use crate::node::{Outcome, Request};

/// A user's read of a key returned an older version than a write to that
/// key the same user had already had acknowledged.
pub struct ReadYourWritesCheck;

/// A user's read of a key returned an older version than an earlier read
/// of the same key by the same user.
pub struct MonotonicReads;

/// A user who had already seen log position `b` (reading one key) later
/// read another key at a state missing an acknowledged write to it at a
/// position before `b`: the answer before the question. Same-key regressions
/// are [`MonotonicReads`]' business and are not counted here.
pub struct ConsistentPrefix;

/// A user's successful read of one key.
#[derive(Clone, Copy)]
struct UserRead<'a> {
    op: &'a Operation,
    user: u32,
    key: &'a str,
    version: LogPos,
}

impl<'a> UserRead<'a> {
    fn of(op: &'a Operation) -> Option<UserRead<'a>> {
        match (&op.request, &op.outcome, op.session) {
            (
                Request::Read { key, .. },
                Some(Outcome::Read {
                    version,
                    epoch,
                    leader,
                    ..
                }),
                Some(user),
            ) => Some(UserRead {
                op,
                user,
                key,
                version: LogPos::new(*epoch, *leader, *version),
            }),
            _ => None,
        }
    }
}

/// An acknowledged key-value write, by anyone.
#[derive(Clone, Copy)]
struct AckedWrite<'a> {
    op: &'a Operation,
    key: &'a str,
    value: i64,
    version: LogPos,
}

impl<'a> AckedWrite<'a> {
    fn of(op: &'a Operation) -> Option<AckedWrite<'a>> {
        match (&op.request, &op.outcome) {
            (
                Request::Write { key, value },
                Some(Outcome::Written {
                    version,
                    epoch,
                    leader,
                    ..
                }),
            ) => Some(AckedWrite {
                op,
                key,
                value: *value,
                version: LogPos::new(*epoch, *leader, *version),
            }),
            _ => None,
        }
    }
}

enum Event<'a> {
    /// A user's read begins: judge it against what is already known.
    Judge(UserRead<'a>),
    /// A user's operation completed: from now on it counts as earlier.
    Learn(&'a Operation),
}

/// The session operations in time order. At equal instants a read is
/// judged before anything completing at that instant is learned (earlier
/// means strictly before), so a read never counts as earlier than itself.
fn timeline(history: &History) -> Vec<Event<'_>> {
    let mut events: Vec<(u64, u8, u32, Event<'_>)> = Vec::new();
    for op in history.ops.iter().filter(|o| o.session.is_some()) {
        if let Some(read) = UserRead::of(op) {
            events.push((op.invoked_at.0, 0, op.id.0, Event::Judge(read)));
        }
        if let Some(done) = op.completed_at {
            events.push((done.0, 1, op.id.0, Event::Learn(op)));
        }
    }
    crate::sorting::sort_by_key(&mut events, |&(at, order, id, _)| (at, order, id));
    events.into_iter().map(|(_, _, _, e)| e).collect()
}

/// What the read returned, in words.
fn got(version: LogPos) -> String {
    if version.lsn == 0 {
        String::from("got no value (version 0)")
    } else {
        format!("got {version}")
    }
}

fn finish(mut found: Vec<Anomaly>) -> Vec<Anomaly> {
    crate::sorting::sort_by_key(&mut found, |a| a.op);
    found
}

impl Checker for ReadYourWritesCheck {
    fn name(&self) -> &'static str {
        "read your writes"
    }

    fn check(&self, input: &CheckInput<'_>) -> Vec<Anomaly> {
        // (user, key) -> the user's acknowledged write with the highest version.
        let mut own: BTreeMap<(u32, &str), AckedWrite<'_>> = BTreeMap::new();
        let mut found = Vec::new();
        for event in timeline(input.history) {
            match event {
                Event::Learn(op) => {
                    let (Some(user), Some(write)) = (op.session, AckedWrite::of(op)) else {
                        continue;
                    };
                    own.entry((user, write.key))
                        .and_modify(|w| {
                            if write.version > w.version {
                                *w = write;
                            }
                        })
                        .or_insert(write);
                }
                Event::Judge(read) => {
                    let Some(write) = own.get(&(read.user, read.key)) else {
                        continue;
                    };
                    if write.version <= read.version {
                        continue;
                    }
                    let acked = write.op.completed_at.unwrap_or_default();
                    found.push(Anomaly {
                        other: None,
                        kind: AnomalyKind::ReadYourWrites,
                        op: read.op.id,
                        explanation: format!(
                            "user {user} wrote {key} = {value} ({wv}, acknowledged at {acked}) \
                             but then read {key} from {node} and {got}: {node} had not applied \
                             the user's own write yet",
                            user = read.user,
                            key = read.key,
                            value = write.value,
                            wv = write.version,
                            node = read.op.node,
                            got = got(read.version),
                        ),
                    });
                }
            }
        }
        finish(found)
    }
}

impl Checker for MonotonicReads {
    fn name(&self) -> &'static str {
        "monotonic reads"
    }

    fn check(&self, input: &CheckInput<'_>) -> Vec<Anomaly> {
        // (user, key) -> the user's completed read with the highest version.
        let mut seen: BTreeMap<(u32, &str), UserRead<'_>> = BTreeMap::new();
        let mut found = Vec::new();
        for event in timeline(input.history) {
            match event {
                Event::Learn(op) => {
                    let Some(read) = UserRead::of(op) else {
                        continue;
                    };
                    seen.entry((read.user, read.key))
                        .and_modify(|r| {
                            if read.version > r.version {
                                *r = read;
                            }
                        })
                        .or_insert(read);
                }
                Event::Judge(read) => {
                    let Some(before) = seen.get(&(read.user, read.key)) else {
                        continue;
                    };
                    if before.version <= read.version {
                        continue;
                    }
                    found.push(Anomaly {
                        other: None,
                        kind: AnomalyKind::MonotonicRead,
                        op: read.op.id,
                        explanation: format!(
                            "user {user} read {key} at {bv} from {bnode}, then read it \
                             again from {node} and {got}: time went backwards",
                            user = read.user,
                            key = read.key,
                            bv = before.version,
                            bnode = before.op.node,
                            node = read.op.node,
                            got = got(read.version),
                        ),
                    });
                }
            }
        }
        finish(found)
    }
}

/// The two highest per-key maxima among a user's completed reads, on
/// distinct keys: enough to answer "the highest version seen on a key
/// other than `k`" for any `k`.
#[derive(Default)]
struct TopTwo<'a> {
    best: Option<UserRead<'a>>,
    second: Option<UserRead<'a>>,
}

impl<'a> TopTwo<'a> {
    fn add(&mut self, read: UserRead<'a>) {
        match (self.best, self.second) {
            (None, _) => self.best = Some(read),
            (Some(b), _) if b.key == read.key => {
                if read.version > b.version {
                    self.best = Some(read);
                }
            }
            (Some(b), _) if read.version > b.version => {
                self.second = Some(b);
                self.best = Some(read);
            }
            (Some(_), Some(s)) if s.key == read.key => {
                if read.version > s.version {
                    self.second = Some(read);
                }
            }
            (Some(_), Some(s)) if read.version <= s.version => {}
            (Some(_), _) => self.second = Some(read),
        }
    }

    /// The read with the highest version among keys other than `key`.
    fn highest_other_than(&self, key: &str) -> Option<UserRead<'a>> {
        match self.best {
            Some(b) if b.key != key => Some(b),
            _ => self.second,
        }
    }
}

impl Checker for ConsistentPrefix {
    fn name(&self) -> &'static str {
        "consistent prefix"
    }

    fn check(&self, input: &CheckInput<'_>) -> Vec<Anomaly> {
        // key -> version -> the acknowledged write (by anyone) at that position.
        let mut writes: BTreeMap<&str, BTreeMap<LogPos, AckedWrite<'_>>> = BTreeMap::new();
        for write in input.history.ops.iter().filter_map(AckedWrite::of) {
            writes
                .entry(write.key)
                .or_default()
                .entry(write.version)
                .or_insert(write);
        }
        let mut seen: BTreeMap<u32, TopTwo<'_>> = BTreeMap::new();
        let mut found = Vec::new();
        for event in timeline(input.history) {
            match event {
                Event::Learn(op) => {
                    if let Some(read) = UserRead::of(op) {
                        seen.entry(read.user).or_default().add(read);
                    }
                }
                Event::Judge(read) => {
                    let Some(later) = seen
                        .get(&read.user)
                        .and_then(|t| t.highest_other_than(read.key))
                    else {
                        continue;
                    };
                    // Versions strictly between what this read got and
                    // what the user had already seen.
                    if later.version <= read.version {
                        continue;
                    }
                    let between = (Excluded(read.version), Excluded(later.version));
                    let Some((_, missed)) = writes
                        .get(read.key)
                        .and_then(|w| w.range(between).next_back())
                    else {
                        continue;
                    };
                    found.push(Anomaly {
                        other: None,
                        kind: AnomalyKind::ConsistentPrefix,
                        op: read.op.id,
                        explanation: format!(
                            "user {user} read {lkey} at {lv} from {lnode}, then read \
                             {key} from {node} and {got}, missing {key} = {value} ({mv}), \
                             which comes earlier in the log than {lv}: the answer before \
                             the question",
                            user = read.user,
                            lkey = later.key,
                            lv = later.version,
                            lnode = later.op.node,
                            key = read.key,
                            node = read.op.node,
                            got = got(read.version),
                            value = missed.value,
                            mv = missed.version,
                        ),
                    });
                }
            }
        }
        finish(found)
    }
}
