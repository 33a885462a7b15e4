//! Leader election (Raft §5.2, §5.4.1) with the dissertation's two
//! guards against disruption (§9.6):
//!
//! - **pre-vote**: before raising its term, a server asks whether it
//!   could win; servers that still hear a leader, or whose logs are more
//!   up to date, say no. A server cut off by a partition keeps failing
//!   its pre-vote and never raises its term, so it disrupts nobody when
//!   it returns.
//! - **check-quorum**: a leader that heard from no majority for an
//!   election timeout steps down; and a server that heard from its leader
//!   since its own election timer last fired ignores vote requests (the
//!   leader is presumed alive), unless a leadership transfer asks.
//!
//! Without either, a server coming back from a partition with a term
//! raised by its failed elections makes the healthy leader step down.

use alloc::format;

use super::*;

impl RaftNode {
    /// A majority of this server's voters, counting `set`.
    fn has_majority(&self, set: u16) -> bool {
        self.members().majority(set)
    }

    pub(super) fn election_timeout(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        if self.is_leader() || !self.may_lead() {
            return;
        }
        self.volatile.heard_leader = false;
        let next = self.term.saturating_add(1);
        if self.tuning.max_term > 0 && next > self.tuning.max_term {
            // The explorer's bound: no election past `max_term`.
            return;
        }
        if self.tuning.pre_vote {
            self.volatile.state = State::PreCandidate;
            self.volatile.votes = 1 << self.id.0;
            ctx.note(format!(
                "{} heard from no leader: it asks for pre-votes for term {next}, without raising its term.",
                self.id.capitalised()
            ));
            if self.has_majority(self.volatile.votes) {
                return self.campaign(ctx, false);
            }
            for peer in self.members().others(self.id) {
                if self.members().votes(peer) {
                    ctx.send(
                        peer,
                        Msg::PreVote {
                            term: next,
                            last_index: self.log.last_index(),
                            last_term: self.log.last_term(),
                        },
                    );
                }
            }
            self.arm_election(ctx);
        } else {
            self.campaign(ctx, false);
        }
    }

    /// Raise the term, vote for itself, ask for votes.
    pub(super) fn campaign(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, transfer: bool) {
        self.term += 1;
        self.voted_for = Some(self.id);
        self.elections += 1;
        self.volatile.state = State::Candidate;
        self.volatile.leader = None;
        self.volatile.lead = None;
        self.volatile.votes = 1 << self.id.0;
        ctx.note(format!(
            "{} becomes a candidate for term {} and votes for itself.",
            self.id.capitalised(),
            self.term
        ));
        if self.has_majority(self.volatile.votes) {
            return self.become_leader(ctx, true);
        }
        for peer in self.members().others(self.id) {
            if self.members().votes(peer) {
                ctx.send(
                    peer,
                    Msg::RequestVote {
                        term: self.term,
                        last_index: self.log.last_index(),
                        last_term: self.log.last_term(),
                        transfer,
                    },
                );
            }
        }
        self.arm_election(ctx);
    }

    /// The operator moves leadership here: campaign now, skipping the
    /// pre-vote, with the others told to ignore their leader lease.
    pub(super) fn transfer_to_me(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        if self.is_leader() {
            ctx.note(format!("{} is the leader already.", self.id.capitalised()));
            return;
        }
        if !self.members().votes(self.id) {
            ctx.note(format!(
                "{} is not a voter, so it cannot lead.",
                self.id.capitalised()
            ));
            return;
        }
        self.campaign(ctx, true);
    }

    /// The candidate's log is at least as up to date as ours (§5.4.1):
    /// a later last term, or the same last term and at least as long.
    fn up_to_date(&self, last_index: u64, last_term: u32) -> bool {
        (last_term, last_index) >= (self.log.last_term(), self.log.last_index())
    }

    /// This server leads, or heard from a live leader since its election
    /// timer last fired.
    fn hears_leader(&self) -> bool {
        self.is_leader() || (self.volatile.heard_leader && self.volatile.leader.is_some())
    }

    /// Check-quorum's lease: a leader heard recently is presumed alive.
    fn in_lease(&self) -> bool {
        self.tuning.check_quorum && self.hears_leader()
    }

    pub(super) fn on_pre_vote(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        from: NodeId,
        term: u32,
        last_index: u64,
        last_term: u32,
    ) {
        // A pre-vote changes nothing here: no term, no vote recorded.
        let granted =
            term > self.term && !self.hears_leader() && self.up_to_date(last_index, last_term);
        ctx.send(
            from,
            Msg::PreVoteReply {
                term: if granted { term } else { self.term },
                granted,
            },
        );
    }

    pub(super) fn on_pre_vote_reply(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        from: NodeId,
        term: u32,
        granted: bool,
    ) {
        if self.volatile.state != State::PreCandidate {
            return;
        }
        if !granted {
            if term > self.term {
                self.step_down(ctx, term);
            }
            return;
        }
        if term != self.term + 1 {
            return;
        }
        self.volatile.votes |= 1 << from.0;
        if self.has_majority(self.volatile.votes) {
            ctx.note(format!(
                "{} has pre-votes from a majority: it can win, so it campaigns.",
                self.id.capitalised()
            ));
            self.campaign(ctx, false);
        }
    }

    pub(super) fn on_request_vote(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        from: NodeId,
        term: u32,
        last_index: u64,
        last_term: u32,
        transfer: bool,
    ) {
        if term > self.term {
            if self.in_lease() && !transfer {
                ctx.note(format!(
                    "{} ignores {from}'s vote request for term {term}: it heard from its leader within an election timeout (check quorum).",
                    self.id.capitalised()
                ));
                return;
            }
            self.step_down(ctx, term);
        }
        let granted = term == self.term
            && self.voted_for.is_none_or(|v| v == from)
            && self.up_to_date(last_index, last_term);
        if granted {
            self.voted_for = Some(from);
            // A vote given restarts the timer, as hearing a leader does.
            self.arm_election(ctx);
        }
        ctx.send(
            from,
            Msg::Vote {
                term: self.term,
                granted,
            },
        );
    }

    pub(super) fn on_vote(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        from: NodeId,
        term: u32,
        granted: bool,
    ) {
        if term > self.term {
            return self.step_down(ctx, term);
        }
        if self.volatile.state != State::Candidate || term != self.term || !granted {
            return;
        }
        self.volatile.votes |= 1 << from.0;
        if self.has_majority(self.volatile.votes) {
            self.become_leader(ctx, true);
        }
    }

    /// Won term `self.term`. `noop`: append an entry of the new term at
    /// once, so that it (and everything before it) can commit.
    pub(super) fn become_leader(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, noop: bool) {
        let n = usize::from(self.servers);
        self.volatile.state = State::Leader;
        self.volatile.leader = Some(self.id);
        self.volatile.heard_leader = false;
        if noop {
            self.log.push(Entry {
                term: self.term,
                payload: Payload::Noop,
            });
        }
        let last = self.log.last_index();
        let mut lead = Lead {
            next: alloc::vec![last + 1; n],
            matched: alloc::vec![0; n],
            waited: alloc::vec![0; n],
            ..Lead::default()
        };
        lead.matched[self.id.index()] = last;
        self.volatile.lead = Some(lead);
        ctx.note(format!(
            "{} has votes from a majority: it leads term {}.",
            self.id.capitalised(),
            self.term
        ));
        ctx.cancel_timer(Timer::Election);
        self.advance_commit(ctx);
        if noop || !self.bootstrap {
            // Announce the term and probe each log (a bootstrapped
            // leader's followers know it already, and hold nothing).
            self.broadcast(ctx, true);
        }
        if self.tuning.heartbeats {
            ctx.set_timer(
                Timer::Heartbeat,
                self.tuning.heartbeat,
                self.tuning.heartbeat,
            );
        }
    }

    /// Becomes a follower, in term `term` if that is newer.
    pub(super) fn step_down(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, term: u32) {
        let was_leader = self.is_leader();
        if was_leader && term > self.term {
            ctx.note(format!(
                "{} learns of term {term} and steps down.",
                self.id.capitalised()
            ));
        }
        if term > self.term {
            self.term = term;
            self.voted_for = None;
            self.volatile.leader = None;
            self.volatile.heard_leader = false;
        }
        self.volatile.state = State::Follower;
        self.volatile.lead = None;
        self.volatile.votes = 0;
        if was_leader {
            ctx.cancel_timer(Timer::Heartbeat);
            self.volatile.leader = None;
            if !self.volatile.pending.is_empty() {
                // Requests it took as leader now go to the next one.
                ctx.set_timer(Timer::Retry, self.tuning.retry, self.tuning.retry);
            }
        }
        self.arm_election(ctx);
    }
}
