//! Each leader's replication stream. A leader appends every write it
//! applies to its log and ships entries to its downstream leaders; a peer
//! acknowledges how far it has handled the stream, and entries not
//! acknowledged within `retry_ms` are sent again — so a partition or a
//! crash delays replication instead of losing it.
//!
//! In circular and star topologies a leader forwards writes it received.
//! Every write carries the path of leaders it has passed through; a
//! leader that finds itself on the path drops the write, which is how a
//! write stops after going round the ring once (MySQL's server ids,
//! PostgreSQL's replication origins). With causal delivery a write waits
//! until everything its origin had applied before it has arrived.

use alloc::format;
use alloc::rc::Rc;

use super::config::Topology;
use super::message::{Msg, Update};
use super::{MultiLeaderNode, Timer};
use crate::node::{Ctx, NodeId};
use crate::time::Duration;

impl MultiLeaderNode {
    /// Does log entry `e` go to `peer`? All-to-all leaders send only their
    /// own writes (everyone hears from the origin directly); forwarding
    /// topologies send everything except back to the hop it came from.
    fn goes_to(&self, e: &Update, peer: NodeId) -> bool {
        match self.config.topology {
            Topology::AllToAll => e.dot.node == self.me,
            Topology::Circular | Topology::Star => {
                let hops = e.path.len();
                hops < 2 || e.path[hops - 2] != peer
            }
        }
    }

    /// Sends every log entry each downstream leader has not been sent yet.
    pub(super) fn ship(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        let mut shipped = false;
        for peer in self.config.downstream(self.me) {
            let start = self
                .volatile
                .sent
                .get(&peer)
                .or(self.acked.get(&peer))
                .copied()
                .unwrap_or(0)
                .max(self.log_base);
            let mut from_index = start;
            for index in start..self.log_end() {
                let entry = &self.log[(index - self.log_base) as usize];
                if self.goes_to(entry, peer) {
                    ctx.send(
                        peer,
                        Msg::Replicate {
                            from_index,
                            index,
                            update: entry.clone(),
                        },
                    );
                    shipped = true;
                    from_index = index + 1;
                }
            }
            self.volatile.sent.insert(peer, from_index);
        }
        if shipped {
            self.arm_retry(ctx);
        }
    }

    pub(super) fn arm_retry(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        if !self.volatile.retry_armed {
            let after = Duration(crate::scenario_parts::ms_to_instant(self.config.retry_ms).0);
            ctx.set_timer(Timer::Retry, after, after);
            self.volatile.retry_armed = true;
        }
    }

    /// One past the last log entry's absolute index.
    fn log_end(&self) -> u64 {
        self.log_base + self.log.len() as u64
    }

    /// Entries a peer should have and has not acknowledged.
    pub(super) fn unacked(&self, peer: NodeId) -> usize {
        let acked = self
            .acked
            .get(&peer)
            .copied()
            .unwrap_or(0)
            .max(self.log_base);
        let from = (acked - self.log_base) as usize;
        self.log
            .get(from..)
            .unwrap_or_default()
            .iter()
            .filter(|e| self.goes_to(e, peer))
            .count()
    }

    /// The retry timer fired: send again whatever is unacknowledged.
    pub(super) fn retry(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        let mut again = 0;
        for peer in self.config.downstream(self.me) {
            let n = self.unacked(peer);
            if n > 0 {
                again += n;
                let acked = self.acked.get(&peer).copied().unwrap_or(0);
                self.volatile.sent.insert(peer, acked);
            }
        }
        if again > 0 {
            ctx.note(format!(
                "{} has {again} replicated write(s) its peers have not acknowledged after {} ms: it sends them again.",
                self.me, self.config.retry_ms
            ));
            self.ship(ctx);
        }
        if self.resend_to_followers(ctx) {
            self.arm_retry(ctx);
        }
    }

    pub(super) fn on_ack(&mut self, from: NodeId, next: u64) {
        let acked = self.acked.entry(from).or_insert(0);
        *acked = (*acked).max(next.min(self.log_base + self.log.len() as u64));
        let acked = *acked;
        let sent = self.volatile.sent.entry(from).or_insert(acked);
        *sent = (*sent).max(acked);
        // Entries every downstream leader has acknowledged are never sent
        // again: drop them, so the log stays as long as the slowest peer's
        // backlog.
        let everyone = self
            .config
            .downstream(self.me)
            .iter()
            .map(|p| self.acked.get(p).copied().unwrap_or(0))
            .min()
            .unwrap_or(0);
        if everyone > self.log_base {
            let drop = ((everyone - self.log_base) as usize).min(self.log.len());
            self.log.drain(..drop);
            self.log_base += drop as u64;
        }
    }

    /// Entry `index` of `from`'s log arrives.
    pub(super) fn receive(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        from: NodeId,
        from_index: u64,
        index: u64,
        update: Rc<Update>,
    ) {
        if !self.is_leader() {
            return;
        }
        let expected = self.expected.get(&from).copied().unwrap_or(0);
        if index < expected {
            // Sent again after a lost acknowledgement: already handled.
            ctx.send(from, Msg::Ack { next: expected });
            return;
        }
        if from_index > expected {
            ctx.note(format!(
                "{} expected entry {expected} of {from}'s log but got entry {index}: it waits for the missing ones to be sent again.",
                self.me
            ));
            return;
        }
        self.expected.insert(from, index + 1);
        ctx.send(from, Msg::Ack { next: index + 1 });
        if update.path.contains(&self.me) {
            self.counts.loops_stopped += 1;
            ctx.note(format!(
                "{} drops write #{} from {}: its path already names {} — it has come round, and forwarding it again would loop forever.",
                self.me, update.op.0, update.dot.node, self.me
            ));
            return;
        }
        if self.applied.contains(update.dot) {
            ctx.note(format!(
                "{} already has write #{} (dot {}): this copy is ignored.",
                self.me, update.op.0, update.dot
            ));
            return;
        }
        if self.config.causal_delivery && !self.applied.descends(&update.deps) {
            ctx.note(format!(
                "{} holds back write #{} ({}): its origin had applied {} before it, and {} has only {} — it waits for the missing writes.",
                self.me,
                update.op.0,
                update.what,
                update.deps.display_for(usize::from(ctx.cluster)),
                self.me,
                self.applied.display_for(usize::from(ctx.cluster)),
            ));
            self.held.push(update);
            return;
        }
        self.apply_remote(ctx, &update);
        self.release_held(ctx);
        self.ship(ctx);
    }

    /// Applies held writes whose dependencies have all arrived, until none
    /// is ready.
    fn release_held(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        while let Some(i) = self
            .held
            .iter()
            .position(|u| self.applied.descends(&u.deps))
        {
            let update = self.held.remove(i);
            ctx.note(format!(
                "{} releases write #{}: everything it depends on has arrived.",
                self.me, update.op.0
            ));
            if !self.applied.contains(update.dot) {
                self.apply_remote(ctx, &update);
            }
        }
    }

    /// Appends to the log what this leader applied; a forwarded write gets
    /// this leader added to its path.
    pub(super) fn log_update(&mut self, update: &Update) {
        // All-to-all leaders ship only their own writes.
        if self.config.topology == Topology::AllToAll && update.dot.node != self.me {
            return;
        }
        let mut entry = update.clone();
        if entry.path.last() != Some(&self.me) {
            entry.path.push(self.me);
        }
        self.log.push(Rc::new(entry));
    }
}
