//! Checkers read what clients observed (the history) and label anomalies:
//! a read that missed a write acknowledged before it began (stale), an
//! acknowledged write no surviving node holds (lost). Each checker is one
//! rule; later protocols add their own (conflicts, read-your-writes...).

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

mod sessions;

pub use sessions::{ConsistentPrefix, MonotonicReads, ReadYourWritesCheck};

use crate::history::History;
use crate::node::{Causal, OpId, Outcome, Request};

pub use crate::anomaly::{Anomaly, AnomalyKind};

/// What checkers may look at once a run is over.
pub struct CheckInput<'a> {
    pub history: &'a History,
    /// Writes that some node that is up at the end has applied.
    pub surviving_writes: &'a BTreeSet<OpId>,
}

pub trait Checker {
    fn name(&self) -> &'static str;
    fn check(&self, input: &CheckInput<'_>) -> Vec<Anomaly>;
}

/// A position in a leader's log: the leadership that wrote the entry —
/// its epoch, then its leader — then its LSN. One LSN names different
/// writes in different leaderships, so positions compare by leadership
/// first: a later leadership supersedes what an earlier one wrote at any
/// LSN. Two nodes promoted into one epoch while cut off from each other
/// are ordered by node number, as the nodes themselves order them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LogPos {
    pub epoch: u32,
    pub leader: u16,
    pub lsn: u64,
}

impl LogPos {
    pub fn new(epoch: Option<u32>, leader: Option<crate::node::NodeId>, lsn: u64) -> LogPos {
        LogPos {
            epoch: epoch.unwrap_or(0),
            leader: leader.map_or(0, |n| n.0),
            lsn,
        }
    }
}

impl core::fmt::Display for LogPos {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "version {}", self.lsn)?;
        if self.epoch > 1 {
            write!(f, " of epoch {}", self.epoch)?;
        }
        Ok(())
    }
}

/// Where an acknowledged write or a read's answer sits in its protocol's
/// order of versions.
#[derive(Clone, Copy, Debug)]
pub enum Position<'a> {
    /// Protocols with one log per leadership: totally ordered.
    Log(LogPos),
    /// Protocols with version vectors: partially ordered, compared by
    /// which events a history contains.
    Causal(&'a Causal),
}

impl<'a> Position<'a> {
    pub fn of(outcome: &'a Outcome) -> Option<Position<'a>> {
        let (version, epoch, leader, causal) = match outcome {
            Outcome::Written {
                version,
                epoch,
                leader,
                causal,
            }
            | Outcome::Read {
                version,
                epoch,
                leader,
                causal,
                ..
            } => (*version, *epoch, *leader, causal),
            Outcome::Values {
                version, causal, ..
            } => (*version, None, None, causal),
            Outcome::Rows { .. } | Outcome::Failed { .. } => return None,
        };
        Some(match causal {
            Some(c) => Position::Causal(c),
            None => Position::Log(LogPos::new(epoch, leader, version)),
        })
    }

    /// Does an answer at this position reflect the write at `write` —
    /// hold it, or a version that replaced it? Positions of different
    /// kinds never meet in one run; they count as reflected.
    pub fn reflects(&self, write: &Position<'_>) -> bool {
        match (self, write) {
            (Position::Log(r), Position::Log(w)) => r >= w,
            (Position::Causal(r), Position::Causal(w)) => {
                w.dots.iter().all(|&d| r.context.contains(d))
            }
            _ => true,
        }
    }
}

impl core::fmt::Display for Position<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Position::Log(p) => write!(f, "{p}"),
            // An empty vector means the key was never written there.
            Position::Causal(c) if c.context.is_empty() => write!(f, "nothing (version {{}})"),
            Position::Causal(c) => write!(f, "version {}", c.context),
        }
    }
}

/// A read is stale if some write to its key was acknowledged before the
/// read began and the read's answer does not reflect it: it neither
/// holds that write nor a version that replaced it. Versions compare in
/// their protocol's own order ([`Position`]): log positions by epoch,
/// then LSN; version vectors by containment, never by a sum.
pub struct StaleReads;

impl Checker for StaleReads {
    fn name(&self) -> &'static str {
        "stale reads"
    }

    fn check(&self, input: &CheckInput<'_>) -> Vec<Anomaly> {
        let ops = &input.history.ops;
        // Acknowledged writes per key, in operation order: each read then
        // scans only its own key's writes (long runs have thousands of
        // operations over many keys).
        let mut writes: BTreeMap<&str, Vec<(OpId, Position<'_>, crate::time::Instant)>> =
            BTreeMap::new();
        for w in ops.iter().filter(|w| w.request.is_write()) {
            if let (Some(outcome @ Outcome::Written { .. }), Some(done)) =
                (&w.outcome, w.completed_at)
            {
                if let Some(pos) = Position::of(outcome) {
                    writes
                        .entry(w.request.key())
                        .or_default()
                        .push((w.id, pos, done));
                }
            }
        }
        let mut found = Vec::new();
        for read in ops {
            let key = match &read.request {
                Request::Read { key, .. } | Request::Get { key, .. } => key,
                _ => continue,
            };
            let Some(got) = read
                .outcome
                .as_ref()
                .filter(|o| matches!(o, Outcome::Read { .. } | Outcome::Values { .. }))
                .and_then(Position::of)
            else {
                continue;
            };
            let newer = writes.get(key.as_str()).and_then(|ws| {
                ws.iter()
                    .find(|(_, pos, done)| *done < read.invoked_at && !got.reflects(pos))
            });
            if let Some(&(write, pos, done)) = newer {
                let what = match pos {
                    Position::Causal(c) if !c.dots.is_empty() => {
                        let events: Vec<String> = c.dots.iter().map(|d| format!("{d}")).collect();
                        format!("event {}", events.join(", "))
                    }
                    _ => format!("{pos}"),
                };
                found.push(Anomaly {
                    other: None,
                    kind: AnomalyKind::StaleRead,
                    op: read.id,
                    explanation: format!(
                        "read of {key} at {} returned {got}, but write #{} ({what}) was acknowledged at {done}",
                        read.node, write.0
                    ),
                });
            }
        }
        found
    }
}

/// An acknowledged write is lost when no node that is up at the end holds it.
pub struct LostWrites;

impl Checker for LostWrites {
    fn name(&self) -> &'static str {
        "lost writes"
    }

    fn check(&self, input: &CheckInput<'_>) -> Vec<Anomaly> {
        input
            .history
            .ops
            .iter()
            .filter(|o| o.acknowledged_write() && !input.surviving_writes.contains(&o.id))
            .map(|o| Anomaly {
                other: None,
                kind: AnomalyKind::LostWrite,
                op: o.id,
                explanation: format!(
                    "{} was acknowledged to the client but no surviving node has it",
                    o.request
                ),
            })
            .collect()
    }
}

/// Lost updates, for protocols with version vectors: a write made with a
/// context (the history its client read) replaces every version that
/// context has seen. That is only right for versions the client was
/// shown — by a read that returned that version, or returned a later one
/// that had itself replaced it. An acknowledged write replaced otherwise
/// is lost though no client ever saw it: the context claimed more than
/// any read showed.
///
/// Judged from what reads showed (the events of the siblings they
/// returned), not from the contexts they handed out: a replica that lies
/// about its history hands out a context that covers a value it never
/// showed, which is exactly the bug this catches. Writes without a
/// context overwrite on purpose and are not judged.
pub struct LostUpdates;

impl Checker for LostUpdates {
    fn name(&self) -> &'static str {
        "lost updates"
    }

    fn check(&self, input: &CheckInput<'_>) -> Vec<Anomaly> {
        use crate::history::Operation;
        use crate::vv::Dot;
        let ops = &input.history.ops;
        // Every write whose event is known: its dot, and the operation and
        // history it replaced; sorted by dot. (Sorted vectors, not ordered
        // maps: this runs in the page too, where every new map type costs
        // download size.)
        let mut writes: Vec<(Dot, &Operation, &Causal)> = Vec::new();
        for o in ops.iter().filter(|o| o.request.is_write()) {
            if let Some(c) = o.outcome.as_ref().and_then(Outcome::causal) {
                writes.extend(c.dots.iter().map(|&d| (d, o, c)));
            }
        }
        if writes.is_empty() {
            return Vec::new();
        }
        crate::sorting::sort_by_key(&mut writes, |w| w.0);
        let find = |d: Dot| {
            writes
                .binary_search_by_key(&d, |w| w.0)
                .ok()
                .map(|i| writes[i])
        };
        let mut found = Vec::new();
        for x in ops {
            let Request::Put {
                key,
                context: Some(context),
                ..
            } = &x.request
            else {
                continue;
            };
            // What reads of this key completed before the write began had
            // shown, closed under "a shown version replaced these".
            let mut todo: Vec<Dot> = ops
                .iter()
                .filter(|r| {
                    matches!(r.request, Request::Get { .. } | Request::Read { .. })
                        && r.request.key() == key.as_str()
                        && r.completed_at.is_some_and(|t| t < x.invoked_at)
                })
                .filter_map(|r| r.outcome.as_ref().and_then(Outcome::causal))
                .flat_map(|c| c.dots.iter().copied())
                .collect();
            let mut seen: Vec<Dot> = Vec::new();
            let mut unknown = false;
            while let Some(d) = todo.pop() {
                if seen.contains(&d) {
                    continue;
                }
                seen.push(d);
                match find(d) {
                    Some((_, _, c)) => todo.extend(
                        writes
                            .iter()
                            .filter(|(w, o, _)| {
                                c.context.contains(*w) && o.request.key() == key.as_str()
                            })
                            .map(|w| w.0),
                    ),
                    // A version whose write never reported its history
                    // (it failed, or is still pending) may have replaced
                    // anything: the client gets the benefit of the doubt.
                    None => unknown = true,
                }
            }
            if unknown {
                continue;
            }
            for &(d, w, _) in &writes {
                if w.id == x.id
                    || w.request.key() != key.as_str()
                    || !w.acknowledged_write()
                    || !context.contains(d)
                    || seen.contains(&d)
                {
                    continue;
                }
                found.push(Anomaly {
                    kind: AnomalyKind::LostUpdate,
                    op: w.id,
                    other: Some(x.id),
                    explanation: format!(
                        "{} (event {d}) was acknowledged, then replaced by write #{} ({}), whose context {context} claims to have seen it — but no read of {key} before that write had returned it or a version that replaced it: its value is lost though no client saw it",
                        w.request, x.id.0, x.request
                    ),
                });
            }
        }
        found
    }
}

/// A write is a split-brain write when the node that acknowledged it did
/// so as leader of an epoch older than one a write had already been
/// acknowledged in: two leaders were taking writes at once.
pub struct SplitBrainWrites;

impl Checker for SplitBrainWrites {
    fn name(&self) -> &'static str {
        "split brain"
    }

    fn check(&self, input: &CheckInput<'_>) -> Vec<Anomaly> {
        // Leaderships rank by epoch, then leader: two nodes promoted into
        // one epoch while cut off from each other are ordered by node
        // number, as the nodes order them.
        let mut acked: Vec<(crate::time::Instant, (u32, u16), &crate::history::Operation)> = input
            .history
            .ops
            .iter()
            .filter_map(|o| match (&o.outcome, o.completed_at) {
                (
                    Some(Outcome::Written {
                        epoch: Some(e),
                        leader,
                        ..
                    }),
                    Some(t),
                ) => Some((t, (*e, leader.map_or(0, |n| n.0)), o)),
                _ => None,
            })
            .collect();
        crate::sorting::sort_by_key(&mut acked, |(t, _, o)| (*t, o.id));
        let mut newest: Option<((u32, u16), &crate::history::Operation)> = None;
        let mut found = Vec::new();
        for (_, rank, op) in acked {
            match newest {
                Some((r, by)) if rank < r => {
                    let (epoch, e) = (rank.0, r.0);
                    let theirs = if epoch == e {
                        format!("also as leader of epoch {e}")
                    } else {
                        format!("as leader of epoch {e}")
                    };
                    found.push(Anomaly {
                        other: None,
                        kind: AnomalyKind::SplitBrain,
                        op: op.id,
                        explanation: format!(
                            "{} acknowledged {} as leader of epoch {epoch}, but {} had already acknowledged a write {theirs}: two leaders were taking writes",
                            op.node, op.request, by.node
                        ),
                    })
                }
                Some((r, _)) if rank <= r => {}
                _ => newest = Some((rank, op)),
            }
        }
        found
    }
}

/// The session guarantees (read-your-writes, monotonic reads, consistent
/// prefix), for protocols whose versions are log positions.
pub fn sessions() -> [&'static dyn Checker; 3] {
    [
        &sessions::ReadYourWritesCheck,
        &sessions::MonotonicReads,
        &sessions::ConsistentPrefix,
    ]
}

/// Every checker that applies to all protocols.
pub fn standard() -> [&'static dyn Checker; 4] {
    [&StaleReads, &LostWrites, &LostUpdates, &SplitBrainWrites]
}
