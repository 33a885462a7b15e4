//! Log replication (Raft §5.3): AppendEntries with the consistency check
//! on the entry before the new ones, truncation of a conflicting suffix,
//! the leader's next/match positions with the fast back-up (a follower
//! names the first entry of the conflicting term, so the leader skips a
//! term per round trip, not an entry), heartbeats, the commit rule
//! (§5.4.2), InstallSnapshot for a follower that needs compacted entries
//! (§7), and membership changes one server at a time (dissertation §4),
//! a new server joining as a learner until it has caught up.

use alloc::format;

use super::*;
use crate::anomaly::{Anomaly, AnomalyKind};

impl RaftNode {
    /// Sends each server what it lacks. `all`: also those with a message
    /// unanswered (a heartbeat round, or a resend).
    pub(super) fn broadcast(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, all: bool) {
        for peer in self.members().others(self.id) {
            let Some(lead) = self.volatile.lead.as_ref() else {
                return;
            };
            let busy = lead.outstanding & (1 << peer.0) != 0;
            let behind = lead.next[peer.index()] <= self.log.last_index();
            if !all && (busy || !behind) {
                continue;
            }
            self.send_append(ctx, peer);
        }
    }

    /// One AppendEntries (or a snapshot) to `peer`, from its next position.
    fn send_append(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, peer: NodeId) {
        let term = self.term;
        let commit = self.volatile.commit;
        let Some(lead) = self.volatile.lead.as_mut() else {
            return;
        };
        let i = peer.index();
        lead.outstanding |= 1 << peer.0;
        lead.waited[i] = 0;
        let round = lead.round;
        let next = lead.next[i];
        if next <= self.log.base {
            // The entries it needs are compacted away: send the state.
            ctx.send(
                peer,
                Msg::Snapshot {
                    term,
                    index: self.log.base,
                    last_term: self.log.base_term,
                    data: self.snapshot.kv.clone(),
                    done: self.snapshot.done.clone(),
                    members: self.snapshot_members,
                    round,
                },
            );
            return;
        }
        let prev_index = next - 1;
        let prev_term = self.log.term_at(prev_index).unwrap_or(0);
        let entries = self.log.slice(next, self.tuning.max_batch);
        ctx.send(
            peer,
            Msg::Append {
                term,
                prev_index,
                prev_term,
                entries,
                commit,
                round,
            },
        );
    }

    pub(super) fn heartbeat(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        if !self.is_leader() {
            return;
        }
        let election = self.tuning.election.0;
        let heartbeat = self.tuning.heartbeat.0.max(1);
        let majority = {
            let members = self.members();
            let Some(lead) = self.volatile.lead.as_mut() else {
                return;
            };
            lead.ticks += 1;
            if u64::from(lead.ticks) * heartbeat >= election {
                let heard = lead.heard | (1 << self.id.0);
                lead.heard = 0;
                lead.ticks = 0;
                Some(members.majority(heard))
            } else {
                None
            }
        };
        if self.tuning.check_quorum && majority == Some(false) {
            ctx.note(format!(
                "{} heard from no majority for an election timeout: it steps down (check quorum).",
                self.id.capitalised()
            ));
            let term = self.term;
            return self.step_down(ctx, term);
        }
        self.new_round(ctx);
        // A message unanswered for a whole heartbeat interval is sent
        // again; others get a heartbeat (or what they lack).
        let peers: Vec<NodeId> = self.members().others(self.id).collect();
        for peer in peers {
            let Some(lead) = self.volatile.lead.as_mut() else {
                return;
            };
            let i = peer.index();
            if lead.outstanding & (1 << peer.0) != 0 && lead.waited[i] < 1 {
                lead.waited[i] += 1;
                continue;
            }
            self.send_append(ctx, peer);
        }
        ctx.set_timer(
            Timer::Heartbeat,
            self.tuning.heartbeat,
            self.tuning.heartbeat,
        );
    }

    /// Starts a heartbeat round when something needs one: a lease to
    /// renew, or a ReadIndex read to confirm. (Otherwise the round number
    /// stays put, so the explorer's states do not differ by it alone.)
    pub(super) fn new_round(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        let lease = self.tuning.reads == ReadMode::Lease;
        let Some(lead) = self.volatile.lead.as_mut() else {
            return;
        };
        let waiting = lead.reads.iter().any(|r| r.round > lead.confirmed);
        if !lease && !waiting {
            return;
        }
        lead.round += 1;
        let at = if lease { ctx.local_time_us } else { 0 };
        lead.rounds.push((lead.round, at, 1 << self.id.0));
        if lead.rounds.len() > 8 {
            lead.rounds.remove(0);
        }
    }

    pub(super) fn on_append(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        from: NodeId,
        append: (u32, u64, u32, Vec<Entry>, u64, u64),
    ) {
        let (term, prev_index, prev_term, entries, commit, round) = append;
        if term < self.term {
            ctx.send(
                from,
                Msg::AppendReply {
                    term: self.term,
                    success: false,
                    matched: 0,
                    round,
                },
            );
            return;
        }
        self.follow(ctx, from, term);
        let last = self.log.last_index();
        if prev_index > last {
            return self.reply_append(ctx, from, false, last + 1, round);
        }
        if prev_index >= self.log.base && self.log.term_at(prev_index) != Some(prev_term) {
            let hint = self
                .log
                .first_of_term(prev_index)
                .max(self.volatile.commit + 1);
            return self.reply_append(ctx, from, false, hint, round);
        }
        let mut index = prev_index;
        for entry in entries {
            index += 1;
            if index <= self.log.base {
                continue;
            }
            match self.log.term_at(index) {
                Some(t) if t == entry.term => continue,
                Some(_) => self.truncate(ctx, index, &entry),
                None => {}
            }
            self.log.push(entry);
        }
        let new_commit = commit.min(index);
        if new_commit > self.volatile.commit {
            self.volatile.commit = new_commit;
            self.apply(ctx);
        }
        self.reply_append(ctx, from, true, index, round);
    }

    /// Drops the log from `index` on, where the leader's entry differs. A
    /// server never drops an entry it knows is committed unless the
    /// protocol is broken — Figure 8's failure — so that is a finding.
    fn truncate(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, index: u64, by: &Entry) {
        if index <= self.volatile.commit {
            if let Some(old) = self.log.get(index).cloned() {
                let text = format!(
                    "{} had entry {index} (term {}, {}) committed — and acknowledged to its client — and now overwrites it with the leader's entry of term {} ({}): a committed entry is lost, as in Figure 8 of the Raft paper.",
                    self.id.capitalised(),
                    old.term,
                    old.text(),
                    by.term,
                    by.text()
                );
                ctx.note(text.clone());
                // A lost write only if a client was told it succeeded:
                // this server answered it.
                let acked = matches!(old.payload, Payload::Write { op, .. } if self.volatile.acked.contains(op));
                if let (true, Payload::Write { op, .. }) = (acked, old.payload) {
                    ctx.finding(Anomaly {
                        kind: AnomalyKind::LostWrite,
                        op,
                        other: by.op(),
                        explanation: text,
                    });
                }
            }
        } else {
            ctx.note(format!(
                "{} drops its entries from {index} on: they conflict with the leader's log.",
                self.id.capitalised()
            ));
        }
        self.log.truncate_from(index);
    }

    fn reply_append(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        to: NodeId,
        success: bool,
        matched: u64,
        round: u64,
    ) {
        ctx.send(
            to,
            Msg::AppendReply {
                term: self.term,
                success,
                matched,
                round,
            },
        );
    }

    /// `leader` leads `term` (at least ours): follow it.
    fn follow(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, leader: NodeId, term: u32) {
        if term > self.term || self.volatile.state != State::Follower {
            self.step_down(ctx, term);
        }
        let new = self.volatile.leader != Some(leader);
        self.volatile.leader = Some(leader);
        self.volatile.heard_leader = true;
        self.volatile.joining = false;
        self.arm_election(ctx);
        if new {
            self.forward_pending(ctx);
        }
    }

    pub(super) fn on_append_reply(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        from: NodeId,
        term: u32,
        success: bool,
        matched: u64,
        round: u64,
    ) {
        if term > self.term {
            return self.step_down(ctx, term);
        }
        if !self.is_leader() || term != self.term {
            return;
        }
        let last = self.log.last_index();
        let Some(lead) = self.volatile.lead.as_mut() else {
            return;
        };
        let i = from.index();
        lead.outstanding &= !(1 << from.0);
        lead.heard |= 1 << from.0;
        for r in lead.rounds.iter_mut() {
            if r.0 <= round {
                r.2 |= 1 << from.0;
            }
        }
        if success {
            lead.matched[i] = lead.matched[i].max(matched);
            lead.next[i] = lead.matched[i] + 1;
        } else {
            // The fast back-up: jump back to the follower's hint (at
            // least one step, never below what it is known to hold).
            lead.next[i] = matched
                .min(lead.next[i].saturating_sub(1))
                .min(last + 1)
                .max(lead.matched[i] + 1);
        }
        self.confirm_rounds(ctx);
        if success {
            self.advance_commit(ctx);
            self.promote_learner(ctx, from);
        }
        let behind = self
            .volatile
            .lead
            .as_ref()
            .is_some_and(|l| l.next[i] <= self.log.last_index() || !success);
        if behind {
            self.send_append(ctx, from);
        }
    }

    /// The commit rule: the highest position a majority of voters holds,
    /// if its entry is of the leader's own term (§5.4.2) — or, with the
    /// Figure 8 toggle, of any term.
    pub(super) fn advance_commit(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        let members = self.members();
        let commit = self.volatile.commit;
        let Some(lead) = self.volatile.lead.as_mut() else {
            return;
        };
        lead.matched[self.id.index()] = self.log.last_index();
        let mut n = self.log.last_index();
        let mut found = None;
        while n > commit {
            let holders = (0..self.servers)
                .filter(|&s| lead.matched[usize::from(s)] >= n)
                .fold(0u16, |m, s| m | (1 << s));
            if members.majority(holders) {
                let term = self.log.term_at(n);
                if term == Some(self.term) || self.tuning.commit_older_terms {
                    found = Some((n, term));
                    break;
                }
            }
            n -= 1;
        }
        let Some((n, term)) = found else {
            return;
        };
        if term != Some(self.term) {
            ctx.note(format!(
                "{} commits entry {n} of term {} because a majority holds it — an older term's entry, counted by replicas (Figure 8's unsafe rule).",
                self.id.capitalised(),
                term.unwrap_or(0)
            ));
        }
        self.volatile.commit = n;
        self.apply(ctx);
        self.answer_reads(ctx);
    }

    /// Applies committed entries to the state machine, answering the
    /// clients whose requests they carry.
    pub(super) fn apply(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        while self.volatile.applied < self.volatile.commit {
            let index = self.volatile.applied + 1;
            let Some(entry) = self.log.get(index).cloned() else {
                break;
            };
            self.volatile.applied = index;
            match entry.payload {
                Payload::Write {
                    op,
                    proxy,
                    key,
                    value,
                } => {
                    let version = match self.volatile.store.done.get(&op) {
                        Some(&v) => {
                            ctx.note(format!(
                                "{} skips entry {index}: request #{} was applied already (entry {v}); a retried request is applied once.",
                                self.id.capitalised(),
                                op.0
                            ));
                            v
                        }
                        None => {
                            self.volatile.store.kv.insert(key, (value, index));
                            self.volatile.store.done.insert(op, index);
                            index
                        }
                    };
                    self.answer(ctx, op, proxy, crate::node::Outcome::written(version));
                }
                Payload::Read { op, proxy, key } => {
                    let outcome = self.read_local(&key);
                    self.answer(ctx, op, proxy, outcome);
                }
                Payload::Noop | Payload::Config(_) => {}
            }
        }
        self.compact();
    }

    /// Log compaction: a snapshot of the state machine replaces the
    /// applied entries once there are `snapshot_every` of them.
    fn compact(&mut self) {
        let every = self.tuning.snapshot_every;
        let applied = self.volatile.applied;
        if every == 0 || applied < self.log.base + every {
            return;
        }
        // The membership as of `applied`: the latest configuration up to it.
        let mut members = self.snapshot_members;
        for i in self.log.base + 1..=applied {
            if let Some(Entry {
                payload: Payload::Config(m),
                ..
            }) = self.log.get(i)
            {
                members = *m;
            }
        }
        self.snapshot = self.volatile.store.clone();
        self.snapshot_members = members;
        self.log.compact(applied);
    }

    pub(super) fn on_snapshot(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        from: NodeId,
        snapshot: (u32, u64, u32, Store, Members, u64),
    ) {
        let (term, index, last_term, store, members, round) = snapshot;
        if term < self.term {
            return self.reply_append(ctx, from, false, 0, round);
        }
        self.follow(ctx, from, term);
        if index <= self.volatile.commit {
            // Already has all of it.
            return self.reply_append(ctx, from, true, self.volatile.commit, round);
        }
        ctx.note(format!(
            "{} installs the leader's snapshot up to entry {index}.",
            self.id.capitalised()
        ));
        self.log.reset_to(index, last_term);
        self.snapshot = store.clone();
        self.snapshot_members = members;
        self.volatile.store = store;
        self.volatile.commit = index;
        self.volatile.applied = index;
        self.reply_append(ctx, from, true, index, round);
    }

    /// A server outside the cluster asks to join: add it as a learner,
    /// one change at a time.
    pub(super) fn on_join(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, from: NodeId) {
        if !self.is_leader() {
            return;
        }
        let members = self.members();
        if members.listens(from) {
            return;
        }
        if self.log.config_after(self.volatile.commit) {
            ctx.note(format!(
                "{} defers {from}'s join: another membership change is not committed yet.",
                self.id.capitalised()
            ));
            return;
        }
        ctx.note(format!(
            "{} adds {from} as a learner: it receives the log but does not vote until it has caught up.",
            self.id.capitalised()
        ));
        self.append_config(
            ctx,
            Members {
                voters: members.voters,
                learners: members.learners | (1 << from.0),
            },
        );
    }

    /// A learner whose log has caught up with the commit index becomes a
    /// voter, once no other change is pending.
    fn promote_learner(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, peer: NodeId) {
        let members = self.members();
        if !members.learns(peer) || self.log.config_after(self.volatile.commit) {
            return;
        }
        let caught_up = self
            .volatile
            .lead
            .as_ref()
            .is_some_and(|l| l.matched[peer.index()] >= self.volatile.commit);
        if !caught_up {
            return;
        }
        ctx.note(format!(
            "{peer} has caught up: {} makes it a voter.",
            self.id.capitalised()
        ));
        self.append_config(
            ctx,
            Members {
                voters: members.voters | (1 << peer.0),
                learners: members.learners & !(1 << peer.0),
            },
        );
    }

    fn append_config(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, members: Members) {
        self.log.push(Entry {
            term: self.term,
            payload: Payload::Config(members),
        });
        self.advance_commit(ctx);
        self.broadcast(ctx, false);
    }

    pub(super) fn ask_to_join(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        if self.members().listens(self.id) {
            ctx.note(format!(
                "{} is in the cluster already.",
                self.id.capitalised()
            ));
            return;
        }
        self.volatile.joining = true;
        ctx.note(format!(
            "{} asks the cluster to let it in.",
            self.id.capitalised()
        ));
        self.knock(ctx);
    }

    /// Asks every other server to let this one in, and again after a
    /// while if nobody does.
    pub(super) fn knock(&self, ctx: &mut Ctx<'_, Msg, Timer>) {
        for peer in ctx.peers() {
            ctx.send(peer, Msg::Join);
        }
        ctx.set_timer(Timer::Retry, self.tuning.retry, self.tuning.retry);
    }
}
