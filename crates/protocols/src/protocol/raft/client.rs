//! Clients (Raft dissertation §6): any server takes a request; a follower
//! passes it to the leader it knows and answers the client when the
//! leader answers it, asking again — with the same request id — when no
//! answer comes, or when it learns of a new leader. The state machine
//! records which request ids it applied, so a write retried after a
//! leader change is applied once (§6.3).
//!
//! Reads, by [`ReadMode`]: through the log; ReadIndex (§6.4: note the
//! commit index, confirm leadership with a heartbeat round, answer once
//! applied that far); a leader lease (§6.4.1: answer alone while a
//! majority's acknowledgement of a recent heartbeat vouches that no other
//! leader can exist — if clocks drift less than the lease allows); or the
//! contacted server's own state (possibly stale).

use alloc::format;

use super::*;
use crate::node::Outcome;

impl RaftNode {
    pub(super) fn receive(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, from: NodeId, msg: Msg) {
        match msg {
            Msg::PreVote {
                term,
                last_index,
                last_term,
            } => self.on_pre_vote(ctx, from, term, last_index, last_term),
            Msg::PreVoteReply { term, granted } => self.on_pre_vote_reply(ctx, from, term, granted),
            Msg::RequestVote {
                term,
                last_index,
                last_term,
                transfer,
            } => self.on_request_vote(ctx, from, term, last_index, last_term, transfer),
            Msg::Vote { term, granted } => self.on_vote(ctx, from, term, granted),
            Msg::Append {
                term,
                prev_index,
                prev_term,
                entries,
                commit,
                round,
            } => self.on_append(
                ctx,
                from,
                (term, prev_index, prev_term, entries, commit, round),
            ),
            Msg::AppendReply {
                term,
                success,
                matched,
                round,
            } => self.on_append_reply(ctx, from, term, success, matched, round),
            Msg::Snapshot {
                term,
                index,
                last_term,
                data,
                done,
                members,
                round,
            } => self.on_snapshot(
                ctx,
                from,
                (
                    term,
                    index,
                    last_term,
                    Store { kv: data, done },
                    members,
                    round,
                ),
            ),
            Msg::Forward { op, request } => self.lead_request(ctx, op, from, request),
            Msg::Answer { op, outcome } => {
                let me = self.id;
                self.answer(ctx, op, me, outcome);
            }
            Msg::Join => self.on_join(ctx, from),
        }
    }

    /// A client's request, taken by this server.
    pub(super) fn client(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, op: OpId, request: Request) {
        if !self.members().listens(self.id) {
            ctx.reply(
                op,
                Outcome::Failed {
                    reason: format!(
                        "{} is not in the cluster",
                        self.id.capitalised().to_lowercase()
                    ),
                },
            );
            return;
        }
        if let (Request::Read { key }, ReadMode::Follower) = (&request, self.tuning.reads) {
            let outcome = self.read_local(key);
            ctx.note(format!(
                "{} answers from its own copy (applied up to entry {}): follower reads may be stale.",
                self.id.capitalised(),
                self.volatile.applied
            ));
            ctx.reply(op, outcome);
            return;
        }
        self.volatile.pending.insert(op, request.clone());
        if self.is_leader() {
            // Its own request needs no retry while it leads; stepping
            // down arms one.
            self.lead_request(ctx, op, self.id, request);
            return;
        }
        ctx.set_timer(Timer::Retry, self.tuning.retry, self.tuning.retry);
        if let Some(leader) = self.volatile.leader {
            ctx.note(format!(
                "{} is not the leader: it passes request #{} to {leader}.",
                self.id.capitalised(),
                op.0
            ));
            ctx.send(leader, Msg::Forward { op, request });
        } else {
            ctx.note(format!(
                "{} knows no leader yet: it holds request #{} until it learns one.",
                self.id.capitalised(),
                op.0
            ));
        }
    }

    /// Passes every request still unanswered to the leader, after a new
    /// one is learnt or a wait ran out.
    pub(super) fn forward_pending(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        if self.volatile.pending.is_empty() {
            return;
        }
        let pending: Vec<(OpId, Request)> = self
            .volatile
            .pending
            .iter()
            .map(|(op, r)| (*op, r.clone()))
            .collect();
        if self.is_leader() {
            for (op, request) in pending {
                self.lead_request(ctx, op, self.id, request);
            }
        } else if let Some(leader) = self.volatile.leader {
            for (op, request) in pending {
                ctx.send(leader, Msg::Forward { op, request });
            }
        }
    }

    pub(super) fn retry(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        if self.volatile.joining && !self.members().listens(self.id) {
            self.knock(ctx);
        }
        if self.volatile.pending.is_empty() {
            return;
        }
        ctx.note(format!(
            "{} has waited long enough: it asks again for {} request(s), with the same request ids.",
            self.id.capitalised(),
            self.volatile.pending.len()
        ));
        let leading = self.is_leader();
        self.forward_pending(ctx);
        if !leading {
            ctx.set_timer(Timer::Retry, self.tuning.retry, self.tuning.retry);
        }
    }

    /// The leader takes request `op`, which `proxy` answers.
    pub(super) fn lead_request(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        op: OpId,
        proxy: NodeId,
        request: Request,
    ) {
        if !self.is_leader() {
            // Not (or no longer) the leader: pass it on if we know one;
            // the proxy retries otherwise.
            if let Some(leader) = self.volatile.leader.filter(|&l| l != proxy && l != self.id) {
                ctx.send(leader, Msg::Forward { op, request });
            }
            return;
        }
        match request {
            Request::Write { key, value } => {
                if let Some(&version) = self.volatile.store.done.get(&op) {
                    return self.answer(ctx, op, proxy, Outcome::written(version));
                }
                if self.in_log(op) {
                    return;
                }
                self.log.push(Entry {
                    term: self.term,
                    payload: Payload::Write {
                        op,
                        proxy,
                        key,
                        value,
                    },
                });
                self.advance_commit(ctx);
                self.broadcast(ctx, false);
            }
            Request::Read { key } => {
                match self.tuning.reads {
                    ReadMode::Log => {
                        if self.in_log(op) {
                            return;
                        }
                        self.log.push(Entry {
                            term: self.term,
                            payload: Payload::Read { op, proxy, key },
                        });
                        self.advance_commit(ctx);
                        self.broadcast(ctx, false);
                    }
                    ReadMode::Lease if self.lease_holds(ctx.local_time_us) => {
                        ctx.note(format!(
                        "{} answers from its own state: its lease runs until {} ms on its clock.",
                        self.id.capitalised(),
                        self.volatile.lead.as_ref().map_or(0, |l| l.lease_until / 1000)
                    ));
                        let outcome = self.read_local(&key);
                        self.answer(ctx, op, proxy, outcome);
                    }
                    ReadMode::ReadIndex | ReadMode::Lease | ReadMode::Follower => {
                        self.read_index(ctx, op, proxy, key)
                    }
                }
            }
        }
    }

    fn lease_holds(&self, now: i64) -> bool {
        self.own_term_committed()
            && self
                .volatile
                .lead
                .as_ref()
                .is_some_and(|l| now < l.lease_until)
    }

    /// ReadIndex: wait for a heartbeat round started now to reach a
    /// majority, and for the state machine to reach today's commit index.
    fn read_index(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, op: OpId, proxy: NodeId, key: String) {
        let commit = self.volatile.commit;
        let single = self.members().majority(1 << self.id.0);
        let Some(lead) = self.volatile.lead.as_mut() else {
            return;
        };
        if lead.reads.iter().any(|r| r.op == op) {
            return;
        }
        let round = lead.round + 1;
        lead.reads.push(ReadWait {
            op,
            proxy,
            key,
            index: commit,
            round,
        });
        if single {
            lead.confirmed = round;
            lead.round = round;
            self.answer_reads(ctx);
            return;
        }
        self.new_round(ctx);
        self.broadcast(ctx, true);
    }

    /// A majority answered heartbeat rounds: renew the lease, confirm
    /// waiting reads.
    pub(super) fn confirm_rounds(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        let members = self.members();
        let lease = self.tuning.lease_us;
        let Some(lead) = self.volatile.lead.as_mut() else {
            return;
        };
        let mut best = None;
        for &(round, at, acks) in &lead.rounds {
            if round > lead.confirmed && members.majority(acks) {
                best = Some((round, at));
            }
        }
        let Some((round, at)) = best else {
            return;
        };
        lead.confirmed = round;
        lead.rounds.retain(|r| r.0 > round);
        if self.tuning.reads == ReadMode::Lease {
            lead.lease_until = lead.lease_until.max(at + lease);
        }
        self.answer_reads(ctx);
    }

    /// Answers ReadIndex reads whose round is confirmed and whose index
    /// is applied, once the leader's own term has committed an entry.
    pub(super) fn answer_reads(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        if !self.own_term_committed() {
            return;
        }
        let applied = self.volatile.applied;
        let Some(lead) = self.volatile.lead.as_mut() else {
            return;
        };
        let confirmed = lead.confirmed;
        let (ready, waiting): (Vec<ReadWait>, Vec<ReadWait>) = core::mem::take(&mut lead.reads)
            .into_iter()
            .partition(|r| r.round <= confirmed && r.index <= applied);
        lead.reads = waiting;
        for r in ready {
            let outcome = self.read_local(&r.key);
            self.answer(ctx, r.op, r.proxy, outcome);
        }
    }

    /// `key` in this server's applied state.
    pub(super) fn read_local(&self, key: &str) -> Outcome {
        match self.volatile.store.kv.get(key) {
            Some(&(value, version)) => Outcome::read(Some(value), version),
            None => Outcome::read(None, 0),
        }
    }

    /// Answers request `op`: to the client, when this server took it;
    /// else (as the leader) to the server that did.
    pub(super) fn answer(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        op: OpId,
        proxy: NodeId,
        outcome: Outcome,
    ) {
        if proxy == self.id {
            if self.volatile.pending.remove(&op).is_some() {
                if matches!(outcome, Outcome::Written { .. }) {
                    self.volatile.acked.insert(op);
                }
                ctx.reply(op, outcome);
            }
        } else if self.is_leader() {
            ctx.send(proxy, Msg::Answer { op, outcome });
        }
    }
}
