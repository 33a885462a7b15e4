//! Automatic failover: the leader sends heartbeats; a follower that hears
//! nothing from it for the timeout declares it dead and asks the others to
//! make it leader of the next epoch. A node votes at most once per epoch,
//! only for a candidate whose log is at least as up to date as its own —
//! Raft's rule: the log whose last entry has the later epoch is newer, and
//! only between equal epochs does the longer log win — and only if it has
//! itself stopped hearing the leader. A majority of votes makes the candidate leader.
//! A timeout shorter than the network's delays declares live leaders dead.

use alloc::collections::BTreeSet;
use alloc::format;
use alloc::vec::Vec;

use super::*;
use crate::scenario_parts::ms_to_instant;
use crate::time::Duration;

impl SingleLeaderNode {
    fn timeout(&self) -> Option<Duration> {
        self.config
            .failover
            .map(|f| Duration(ms_to_instant(f.timeout_ms).0))
    }

    /// A leader with automatic failover configured sends heartbeats.
    pub(super) fn start_heartbeats(&self, ctx: &mut Ctx<'_, Msg, Timer>) {
        if let Some(f) = self.config.failover {
            let every = Duration(ms_to_instant(f.heartbeat_ms).0.max(1));
            ctx.set_timer(Timer::Heartbeat, every, every);
        }
    }

    pub(super) fn on_heartbeat_timer(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        if !self.is_leader() {
            return;
        }
        // Every peer, even a joining node not streamed to yet: a member
        // that missed this leader's announcement learns of it here.
        for peer in ctx.peers() {
            ctx.send(
                peer,
                Msg::Heartbeat {
                    term: self.term,
                    lsn: self.lsn(),
                    last: self.op_at(self.lsn()),
                },
            );
        }
        self.start_heartbeats(ctx);
    }

    /// The leader was heard: the election timer starts over, somewhere
    /// between one and two timeouts (randomised as in Raft, so followers
    /// rarely stand at once and split the vote).
    pub(super) fn heard_from_leader(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        self.volatile.last_heard_us = ctx.local_time_us;
        if let Some(t) = self.timeout() {
            if !self.is_leader() && self.join.is_member() {
                ctx.set_timer(Timer::Election, t, Duration(t.0.saturating_mul(2)));
            }
        }
    }

    pub(super) fn on_heartbeat(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        from: NodeId,
        term: Term,
        lsn: u64,
        last: Option<OpId>,
    ) {
        let term = Term {
            leader: from,
            ..term
        };
        if term.same_leadership(&self.term) {
            if !self.is_leader() {
                self.heard_from_leader(ctx);
                self.volatile.leader_at_least(lsn);
                self.check_in_sync(ctx);
                self.ask_for_missing(ctx, lsn, last);
            }
        } else if term.outranks(self.term.epoch, self.term.leader) {
            self.follow(ctx, term);
        } else {
            self.correct_if_stale(ctx, from, term.epoch, term.leader);
        }
    }

    /// The heartbeat says where the leader's log ends. If this node has
    /// less (entries lost to a partition), or holds a different entry at
    /// that position (written by a deposed leader, its correction lost),
    /// it asks the leader, which streams or rewinds it — again after a
    /// timeout, in case the request was lost too.
    fn ask_for_missing(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        leader_lsn: u64,
        last: Option<OpId>,
    ) {
        let have = self.received_lsn();
        if self.stopped.is_some() || !self.join.receives_stream() || leader_lsn < self.base {
            return;
        }
        let behind = have < leader_lsn;
        let differs = !behind && self.op_at(leader_lsn) != last;
        if !behind && !differs {
            return;
        }
        let wait = self.timeout().map_or(0, |t| t.0 as i64);
        if let Some((at, when)) = self.volatile.asked_at {
            if at == have && ctx.local_time_us.saturating_sub(when) < wait {
                return;
            }
        }
        self.volatile.asked_at = Some((have, ctx.local_time_us));
        let what = if behind {
            format!("the leader is at LSN {leader_lsn} while it has only {have}: it asks for the missing entries")
        } else {
            format!("its entry at LSN {leader_lsn} is not the leader's: it reports where its log ends so the leader can correct it")
        };
        ctx.note(format!(
            "{} learns from the heartbeat that {what}.",
            self.id.capitalised()
        ));
        ctx.send(self.term.leader, self.resume_request());
    }

    /// Nodes that vote: all but those still waiting to be added.
    fn voters(&self, ctx: &Ctx<'_, Msg, Timer>) -> usize {
        usize::from(ctx.cluster).saturating_sub(self.config.joining.len() - self.joined_count())
    }

    fn joined_count(&self) -> usize {
        self.config
            .joining
            .iter()
            .filter(|n| self.joined.contains(n) || (**n == self.id && self.join.is_member()))
            .count()
    }

    pub(super) fn on_election_timer(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        let Some(timeout) = self.timeout() else {
            return;
        };
        if self.is_leader() || !self.join.is_member() {
            return;
        }
        let epoch = self.term.epoch.max(self.voted).saturating_add(1);
        self.voted = epoch;
        self.volatile.votes = BTreeSet::from([self.id]);
        self.elections += 1;
        let silence = Duration(
            ctx.local_time_us
                .saturating_sub(self.volatile.last_heard_us)
                .max(0) as u64,
        );
        ctx.note(format!(
            "{} has heard nothing from its leader ({}) for {silence}, more than the {timeout} timeout: it declares it dead and asks the others to make it leader of epoch {epoch} (its log ends at LSN {}).",
            self.id.capitalised(),
            self.term.leader,
            self.received_lsn()
        ));
        let (last_epoch, lsn) = self.log_position();
        for peer in ctx.peers() {
            ctx.send(
                peer,
                Msg::RequestVote {
                    epoch,
                    lsn,
                    last_epoch,
                },
            );
        }
        // Stand again later if this election goes nowhere.
        ctx.set_timer(
            Timer::Election,
            timeout,
            Duration(timeout.0.saturating_mul(2)),
        );
        self.check_won(ctx);
    }

    pub(super) fn on_request_vote(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        from: NodeId,
        epoch: u32,
        theirs: (u32, u64),
    ) {
        let Some(timeout) = self.timeout() else {
            return;
        };
        if !self.join.is_member() {
            return;
        }
        let me = self.id.capitalised();
        let mine = self.log_position();
        let silence = Duration(
            ctx.local_time_us
                .saturating_sub(self.volatile.last_heard_us)
                .max(0) as u64,
        );
        let refusal = if epoch <= self.term.epoch || epoch <= self.voted {
            Some(format!(
                "it has already voted in (or knows of) epoch {}",
                self.voted.max(self.term.epoch)
            ))
        } else if self.is_leader() {
            Some(String::from("it is the leader and alive"))
        } else if mine > theirs {
            Some(format!(
                "its own log is more up to date (it ends at LSN {} from epoch {}, the candidate's at LSN {} from epoch {}): a new leader must have every write it has",
                mine.1, mine.0, theirs.1, theirs.0
            ))
        } else if silence < timeout {
            Some(format!(
                "it heard from its leader {} only {silence} ago",
                self.term.leader
            ))
        } else {
            None
        };
        match refusal {
            Some(why) => {
                ctx.note(format!(
                    "{me} refuses to vote for {from} in epoch {epoch}: {why}."
                ));
                if self.term.epoch >= epoch && self.term.leader != from {
                    // Tell the candidate which leadership it is behind, so
                    // it follows it (or stands again above it) instead of
                    // asking for an epoch that is already taken.
                    ctx.send(from, Msg::NewLeader { term: self.term });
                }
                ctx.send(
                    from,
                    Msg::Vote {
                        epoch,
                        granted: false,
                    },
                );
                if !self.is_leader() && epoch == self.voted && theirs > mine {
                    // A rival with a more up-to-date log would get every
                    // vote this node could: let it stand alone next time.
                    ctx.note(format!(
                        "{me} sees that {from}'s log is more up to date than its own, so it stands aside and waits longer before trying again."
                    ));
                    ctx.set_timer(
                        Timer::Election,
                        Duration(timeout.0.saturating_mul(2)),
                        Duration(timeout.0.saturating_mul(3)),
                    );
                }
            }
            None => {
                self.voted = epoch;
                ctx.note(format!("{me} votes for {from} to lead epoch {epoch}."));
                ctx.send(
                    from,
                    Msg::Vote {
                        epoch,
                        granted: true,
                    },
                );
                // Give the candidate time to win before standing itself.
                ctx.set_timer(
                    Timer::Election,
                    timeout,
                    Duration(timeout.0.saturating_add(timeout.0 / 2)),
                );
            }
        }
    }

    pub(super) fn on_vote(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        from: NodeId,
        epoch: u32,
        granted: bool,
    ) {
        if !granted || self.is_leader() || epoch != self.voted || self.term.epoch >= epoch {
            return;
        }
        self.volatile.votes.insert(from);
        self.check_won(ctx);
    }

    fn check_won(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        let needed = self.voters(ctx) / 2 + 1;
        if self.volatile.votes.len() < needed {
            return;
        }
        let others: Vec<NodeId> = self
            .volatile
            .votes
            .iter()
            .copied()
            .filter(|&n| n != self.id)
            .collect();
        let how = if others.is_empty() {
            format!("wins the election for epoch {} on its own vote", self.voted)
        } else {
            format!(
                "wins the election for epoch {} with its own vote and {}'s ({} of {} nodes)",
                self.voted,
                group(&others),
                self.volatile.votes.len(),
                self.voters(ctx)
            )
        };
        let epoch = self.voted;
        self.take_over(ctx, epoch, &how);
    }
}
