//! Adding a follower with no downtime, in the five steps databases use:
//! the leader takes a consistent snapshot at a known LSN (1) and copies it
//! to the new node at a limited rate while writes keep flowing (2); the
//! new follower asks for every change after the snapshot's LSN (3), the
//! leader streams the backlog and then new writes (4), and once the
//! follower has reached the leader's position it is in sync and serves
//! reads (5).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::*;
use crate::scenario_parts::ms_to_instant;
use crate::sorting::map_from;
use crate::sql::Pages;
use crate::time::Duration;

/// Rows per snapshot message.
pub const CHUNK_ROWS: usize = 20;
/// A joining follower that has received nothing for this long asks again
/// (its request, or the leader, may be gone).
pub const JOIN_PATIENCE: Duration = Duration(1_000_000);

/// Where a node stands in joining the cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JoinState {
    /// Listed as joining; no operator has added it yet.
    Outside,
    /// Receiving the snapshot taken at `lsn` (`got` of `total` rows).
    Copying { lsn: u64, got: u32, total: u32 },
    /// Has the snapshot; replaying the log up to the leader's position.
    CatchingUp { target: u64 },
    /// A full member: in sync (as far as replication goes).
    Member,
}

impl JoinState {
    pub fn is_member(&self) -> bool {
        *self == JoinState::Member
    }

    /// Does the node take entries from the leader's stream?
    pub fn receives_stream(&self) -> bool {
        matches!(self, JoinState::Member | JoinState::CatchingUp { .. })
    }

    /// A crash loses a snapshot half copied: the copy starts over.
    pub fn on_crash(&mut self) {
        if let JoinState::Copying { .. } = self {
            *self = JoinState::Copying {
                lsn: 0,
                got: 0,
                total: 0,
            };
        }
    }
}

/// One message of a snapshot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    pub epoch: u32,
    /// The snapshot's position, the operation of the entry there and the
    /// epoch that entry was written in.
    pub lsn: u64,
    pub last: Option<OpId>,
    pub last_epoch: u32,
    /// The key-value data and the writes the snapshot holds (first chunk
    /// only).
    pub kv: Vec<(String, KeyValue)>,
    pub ops: crate::opset::OpSet,
    pub rows: Vec<Vec<Value>>,
    pub first_row: u32,
    pub total_rows: u32,
    /// Under WAL shipping, the last chunk carries the page images: a
    /// physical base backup, so later page writes find the same bytes.
    pub pages: Option<Pages>,
}

/// The leader's copy of a snapshot being sent.
#[derive(Clone, Debug)]
pub struct Copy {
    pub lsn: u64,
    pub last: Option<OpId>,
    pub last_epoch: u32,
    pub kv: Vec<(String, KeyValue)>,
    pub ops: crate::opset::OpSet,
    pub rows: Vec<Vec<Value>>,
    pub pages: Option<Pages>,
    /// Rows sent so far.
    pub next: usize,
}

/// What a joining follower has received of its snapshot.
#[derive(Clone, Debug, Default)]
pub struct Staged {
    pub lsn: u64,
    pub last: Option<OpId>,
    pub last_epoch: u32,
    pub kv: Vec<(String, KeyValue)>,
    pub ops: crate::opset::OpSet,
    pub rows: Vec<Vec<Value>>,
}

impl SingleLeaderNode {
    /// An operator adds this node.
    pub(super) fn start_join(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        match self.join {
            JoinState::Member => ctx.note(format!(
                "{} is already a member of the cluster: adding it again changes nothing.",
                self.id.capitalised()
            )),
            JoinState::Copying { .. } | JoinState::CatchingUp { .. } => {
                ctx.note(format!("{} is already joining.", self.id.capitalised()))
            }
            JoinState::Outside => {
                ctx.note(format!(
                    "{} starts empty. Step 1: it asks the leader ({}) for a consistent snapshot of its data.",
                    self.id.capitalised(),
                    self.term.leader
                ));
                self.join = JoinState::Copying {
                    lsn: 0,
                    got: 0,
                    total: 0,
                };
                self.volatile.staged = None;
                ctx.send(self.term.leader, Msg::JoinRequest);
                ctx.set_timer(Timer::Join, JOIN_PATIENCE, JOIN_PATIENCE);
            }
        }
    }

    /// No snapshot data (or no backlog) for a while: ask again.
    pub(super) fn on_join_timer(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        match self.join {
            JoinState::Copying { .. } => {
                ctx.note(format!(
                    "{} has received no snapshot data for {JOIN_PATIENCE}.",
                    self.id.capitalised()
                ));
                self.restart_join(ctx);
            }
            JoinState::CatchingUp { .. } => {
                ctx.send(self.term.leader, self.resume_request());
                ctx.set_timer(Timer::Join, JOIN_PATIENCE, JOIN_PATIENCE);
            }
            JoinState::Outside | JoinState::Member => {}
        }
    }

    /// Starts the copy over (after a crash, or a new leader mid-copy).
    pub(super) fn restart_join(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        self.join = JoinState::Copying {
            lsn: 0,
            got: 0,
            total: 0,
        };
        self.volatile.staged = None;
        ctx.note(format!(
            "{} starts the snapshot copy over: it asks {} for a new snapshot.",
            self.id.capitalised(),
            self.term.leader
        ));
        ctx.send(self.term.leader, Msg::JoinRequest);
        ctx.set_timer(Timer::Join, JOIN_PATIENCE, JOIN_PATIENCE);
    }

    /// Back after a crash while joining.
    pub(super) fn resume_join(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        match self.join {
            JoinState::Copying { .. } => self.restart_join(ctx),
            JoinState::CatchingUp { .. } => {
                ctx.send(self.term.leader, self.resume_request());
                ctx.set_timer(Timer::Join, JOIN_PATIENCE, JOIN_PATIENCE);
            }
            JoinState::Outside | JoinState::Member => {}
        }
    }

    fn copy_period(&self) -> Duration {
        let ms = CHUNK_ROWS as f64 / self.config.copy_rows_per_ms;
        Duration(ms_to_instant(ms).0.max(1))
    }

    /// The leader snapshots its data for a new follower.
    pub(super) fn on_join_request(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, from: NodeId) {
        if !self.is_leader() {
            ctx.send(from, Msg::NewLeader { term: self.term });
            return;
        }
        self.start_copy(ctx, from);
    }

    /// Takes a consistent snapshot now and starts copying it to `to`.
    pub(super) fn start_copy(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, to: NodeId) {
        let lsn = self.lsn();
        let rows: Vec<Vec<Value>> = self.store.table.rows.values().cloned().collect();
        let kv: Vec<(String, KeyValue)> =
            self.store.kv.iter().map(|(k, &v)| (k.clone(), v)).collect();
        let bytes: usize = rows.len() * 40 + kv.iter().map(|e| e.0.len() + 16).sum::<usize>();
        let period = self.copy_period();
        let chunks = rows.len().div_ceil(CHUNK_ROWS).max(1) as u64;
        ctx.note(format!(
            "{} takes a consistent snapshot at LSN {lsn}: {} rows and {} keys, about {bytes} B. Step 2: copying it to {to} at {} rows per ms takes about {}. Writes keep flowing meanwhile.",
            self.id.capitalised(),
            rows.len(),
            kv.len(),
            self.config.copy_rows_per_ms,
            Duration(period.0.saturating_mul(chunks))
        ));
        let idle = self.volatile.copies.is_empty();
        let copy = Copy {
            lsn,
            last: self.op_at(lsn),
            last_epoch: self.epoch_at(lsn),
            kv,
            ops: self.applied_ops(),
            rows,
            pages: self.store.pages().cloned(),
            next: 0,
        };
        self.volatile.copies.insert(to, copy);
        if idle {
            ctx.set_timer(Timer::Copy, period, period);
        }
    }

    /// Sends the next chunk of every copy in progress.
    pub(super) fn on_copy_timer(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        if !self.is_leader() {
            self.volatile.copies.clear();
            return;
        }
        let epoch = self.term.epoch;
        let mut done = Vec::new();
        for (&to, copy) in self.volatile.copies.iter_mut() {
            let end = (copy.next + CHUNK_ROWS).min(copy.rows.len());
            let chunk = Chunk {
                epoch,
                lsn: copy.lsn,
                last: copy.last,
                last_epoch: copy.last_epoch,
                kv: if copy.next == 0 {
                    copy.kv.clone()
                } else {
                    Vec::new()
                },
                ops: if copy.next == 0 {
                    copy.ops.clone()
                } else {
                    crate::opset::OpSet::new()
                },
                rows: copy.rows[copy.next..end].to_vec(),
                first_row: copy.next as u32,
                total_rows: copy.rows.len() as u32,
                pages: None,
            };
            let last = end >= copy.rows.len();
            let chunk = Chunk {
                pages: if last { copy.pages.clone() } else { None },
                ..chunk
            };
            copy.next = end;
            if last {
                done.push(to);
            }
            ctx.send(to, Msg::SnapshotChunk(chunk));
        }
        for to in done {
            self.volatile.copies.remove(&to);
        }
        if !self.volatile.copies.is_empty() {
            let period = self.copy_period();
            ctx.set_timer(Timer::Copy, period, period);
        }
    }

    /// The new follower receives part of its snapshot.
    pub(super) fn on_snapshot_chunk(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        from: NodeId,
        c: Chunk,
    ) {
        if c.epoch < self.term.epoch {
            return;
        }
        let reseed = self.join.receives_stream()
            && !self.is_leader()
            && c.first_row == 0
            && from == self.term.leader
            && c.epoch == self.term.epoch;
        if reseed {
            // The leader no longer has the log this node needs: its
            // snapshot replaces everything here.
            ctx.note(format!(
                "{} receives a fresh snapshot (LSN {}) from its leader and will replace its data with it.",
                self.id.capitalised(),
                c.lsn
            ));
            self.join = JoinState::Copying {
                lsn: c.lsn,
                got: 0,
                total: c.total_rows,
            };
        }
        if !matches!(self.join, JoinState::Copying { .. }) {
            return;
        }
        if c.epoch > self.term.epoch || from != self.term.leader {
            self.term = Term {
                epoch: c.epoch,
                leader: from,
                since: self.term.since,
            };
        }
        if c.first_row == 0 {
            self.volatile.staged = Some(Staged {
                lsn: c.lsn,
                last: c.last,
                last_epoch: c.last_epoch,
                kv: c.kv,
                ops: c.ops,
                rows: Vec::new(),
            });
        }
        let Some(staged) = self.volatile.staged.as_mut().filter(|s| s.lsn == c.lsn) else {
            return;
        };
        if staged.rows.len() != c.first_row as usize {
            return; // a chunk from an abandoned copy
        }
        staged.rows.extend(c.rows);
        let got = staged.rows.len() as u32;
        ctx.set_timer(Timer::Join, JOIN_PATIENCE, JOIN_PATIENCE);
        self.join = JoinState::Copying {
            lsn: c.lsn,
            got,
            total: c.total_rows,
        };
        if got < c.total_rows {
            return;
        }
        let Some(s) = self.volatile.staged.take() else {
            return;
        };
        if let Err(e) = self.store.check_base_backup(c.pages.as_ref()) {
            ctx.note(format!(
                "{} cannot use the snapshot: {e}.",
                self.id.capitalised()
            ));
            self.stopped = Some(e);
            return;
        }
        let kv = map_from(s.kv);
        let rows = map_from(s.rows.into_iter().filter_map(|r| match r.first() {
            Some(Value::Int(id)) => Some((*id, r)),
            _ => None,
        }));
        self.store.install(kv, rows, c.pages);
        self.base = s.lsn;
        self.base_op = s.last;
        self.base_epoch = s.last_epoch;
        self.base_ops = s.ops;
        self.log.clear();
        self.volatile.buffer.clear();
        self.volatile.leader_lsn = Some(s.lsn);
        self.join = JoinState::CatchingUp { target: s.lsn };
        ctx.note(format!(
            "{} has the whole snapshot, as of LSN {}. Step 3: it asks {} for every change after LSN {}.",
            self.id.capitalised(),
            s.lsn,
            self.term.leader,
            s.lsn
        ));
        ctx.send(self.term.leader, self.resume_request());
    }

    /// The leader hears from a joining follower that holds its snapshot.
    pub(super) fn on_joiner_resume(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        from: NodeId,
        after: u64,
    ) {
        if !self.config.joining.contains(&from) || self.joined.contains(&from) {
            return;
        }
        self.joined.insert(from);
        self.volatile.copies.remove(&from);
        let backlog = self.lsn().saturating_sub(after);
        ctx.note(format!(
            "Step 4: {} streams {from} the {backlog} entr{} written since the snapshot (LSN {after}), then every new write, and tells the other members that {from} has joined.",
            self.id.capitalised(),
            if backlog == 1 { "y" } else { "ies" }
        ));
        let others: Vec<NodeId> = self.stream_peers(ctx).filter(|&p| p != from).collect();
        for peer in others {
            ctx.send(
                peer,
                Msg::Joined {
                    epoch: self.term.epoch,
                    node: from,
                },
            );
        }
    }

    /// A catching-up follower that has everything its leader had is in
    /// sync.
    pub(super) fn check_in_sync(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        if let JoinState::CatchingUp { target } = self.join {
            // The target is durable: a node that crashed while catching
            // up has forgotten where its leader was, not where it must
            // get to.
            let target = target.max(self.volatile.leader_lsn.unwrap_or(0));
            self.join = JoinState::CatchingUp { target };
            if self.lsn() >= target && self.volatile.buffer.is_empty() {
                self.join = JoinState::Member;
                ctx.cancel_timer(Timer::Join);
                ctx.note(format!(
                    "Step 5: {} has caught up with its leader at LSN {}: it is in sync and now serves reads.",
                    self.id.capitalised(),
                    self.lsn()
                ));
                self.heard_from_leader(ctx);
            }
        }
    }
}

/// The scenario with one more follower that an operator adds at `at_ms`:
/// the new node exists from the start, empty and outside replication (the
/// leader streams nothing to it, so the run before `at_ms` is unchanged),
/// and joins from a snapshot then. Fails with a sentence when the
/// scenario is not single-leader or already has the most followers.
pub fn with_new_follower(
    config: &SingleLeaderConfig,
) -> Result<(SingleLeaderConfig, NodeId), String> {
    let mut c = config.clone();
    if c.followers >= config::MAX_FOLLOWERS {
        return Err(format!(
            "the cluster already has {} followers, the most it can have",
            c.followers
        ));
    }
    c.followers += 1;
    let node = NodeId(c.followers);
    c.joining.push(node);
    Ok((c, node))
}
