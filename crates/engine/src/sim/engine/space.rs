//! What the explorer reads of a world: the message and timer choices open
//! in it, each with when it is due, and the world's fingerprint.

use super::*;
use crate::explore::Fingerprint;
use crate::scenario::Choice;

/// A message in flight as the explorer sees it.
#[derive(Clone, Copy, Debug)]
pub struct InFlight {
    pub id: u32,
    pub from: NodeId,
    pub to: NodeId,
    /// When it may arrive at the earliest.
    pub due: Instant,
    /// Whether it is the oldest on its link or its link may reorder: only
    /// those can be delivered next.
    pub deliverable: bool,
}

impl<P: Protocol> World<P> {
    /// The messages in flight, oldest first.
    pub fn messages(&self, setup: &Setup) -> Vec<InFlight> {
        let mut out: Vec<InFlight> = self
            .queue
            .iter_timed()
            .filter_map(|(due, e)| match e {
                Event::Deliver { id, from, to, .. } => Some(InFlight {
                    id: *id,
                    from: *from,
                    to: *to,
                    due,
                    deliverable: true,
                }),
                Event::Timer { .. } => None,
            })
            .collect();
        crate::sorting::sort_by_key(&mut out, |m| m.id);
        for m in &mut out {
            m.deliverable = self.may_arrive_next(setup, m.id, m.from, m.to);
        }
        out
    }

    /// Whether message `id` (in flight from `from` to `to`) may arrive
    /// before the others: always on a link that reorders; on a
    /// first-in-first-out link, only if no older message is still on it.
    pub fn may_arrive_next(&self, setup: &Setup, id: u32, from: NodeId, to: NodeId) -> bool {
        !NetState::fifo(&setup.links, from, to)
            || !self.queue.iter().any(|e| {
                matches!(e, Event::Deliver { id: older, from: f, to: t, .. }
                    if *f == from && *t == to && *older < id)
            })
    }

    /// Where message `id` is going, if it is in flight.
    pub fn message_to(&self, id: u32) -> Option<NodeId> {
        self.queue.iter().find_map(|e| match e {
            Event::Deliver { id: i, to, .. } if *i == id => Some(*to),
            _ => None,
        })
    }

    /// Every armed timer of a node that is up, as a choice with the time
    /// it is due, by node then timer.
    pub fn armed_timers(&self) -> Vec<(Choice, Instant)> {
        let mut out: Vec<(Choice, Instant)> = self
            .queue
            .iter_timed()
            .filter_map(|(due, e)| match e {
                Event::Timer {
                    node,
                    timer,
                    generation,
                } if self.up[node.index()]
                    && self.timers[node.index()].get(timer) == Some(generation) =>
                {
                    Some((
                        Choice::Timer {
                            node: *node,
                            timer: *timer,
                        },
                        due,
                    ))
                }
                _ => None,
            })
            .collect();
        out.sort_by_key(|(c, _)| *c);
        out
    }

    /// Whether any timer is armed on a node that is up.
    pub fn any_timer_armed(&self) -> bool {
        self.up
            .iter()
            .zip(&self.timers)
            .any(|(up, t)| *up && !t.is_empty())
    }

    /// One node's fingerprint: whether it is up, and its state.
    pub fn node_fingerprint(&self, i: usize) -> u64 {
        let mut h = Fingerprint::default();
        h.u64(u64::from(self.up[i]));
        self.nodes[i].fingerprint(&mut h);
        h.finish()
    }

    /// Hashes what decides this world's future: nodes (`nodes`: each
    /// one's [`World::node_fingerprint`], which the explorer keeps from
    /// state to state and recomputes only for a node a step touched), the
    /// network's cuts and slow links, the messages in flight (a multiset,
    /// except that order counts on first-in-first-out links; `message`
    /// gives a message's fingerprint, again remembered by the caller),
    /// the armed timers, the router's memory (`sessions`: when the
    /// workload has user sessions) and the nodes' findings.
    /// Time enters only when `absolute` (nodes that read their clocks, or
    /// a clock that drifts): then now, and how long until each message
    /// and timer is due. Otherwise it cannot matter: nothing in the
    /// explorer's time rule has a deadline, so waiting never disables a
    /// choice, and every step takes time, so the history's order is the
    /// steps' order. Message numbers and timer generations never
    /// enter: they name the same thing differently on different paths.
    pub fn fingerprint(
        &self,
        setup: &Setup,
        h: &mut Fingerprint,
        absolute: bool,
        sessions: bool,
        nodes: &[u64],
        message: &mut dyn FnMut(u32, &P::Msg) -> u64,
    ) {
        if absolute {
            h.u64(self.now.0);
        }
        for fp in nodes {
            h.u64(*fp);
        }
        // Chatter draws from its node's random stream (for the others it
        // never moves): the next number drawn stands for where it is.
        for r in &self.rngs {
            h.u64(r.clone().next_u64());
        }
        for (a, b) in self.net.cut_links() {
            h.u64(u64::from(a.0) << 16 | u64::from(b.0) | 1 << 40);
        }
        for ((a, b), d) in self.net.slow_links() {
            h.u64(u64::from(a.0) << 16 | u64::from(b.0) | 2 << 40);
            h.u64(d.0);
        }
        let mut messages: Vec<(u16, u16, u64, u64, u64)> = Vec::new();
        for (due, e) in self.queue.iter_timed() {
            if let Event::Deliver { id, from, to, msg } = e {
                let severed = self.net.severed(*from, *to, *id);
                let order = if NetState::fifo(&setup.links, *from, *to) {
                    u64::from(*id)
                } else {
                    0
                };
                messages.push((
                    from.0,
                    to.0,
                    order,
                    if absolute {
                        due.0.saturating_sub(self.now.0)
                    } else {
                        0
                    },
                    message(*id, msg) ^ u64::from(severed),
                ));
            }
        }
        // Ids only order a link's messages; what enters is the order.
        messages.sort_unstable();
        h.u64(messages.len() as u64);
        for (from, to, _, wait, msg) in messages {
            h.u64(u64::from(from) << 16 | u64::from(to));
            h.u64(wait);
            h.u64(msg);
        }
        for (choice, due) in self.armed_timers() {
            if let Choice::Timer { node, timer } = choice {
                h.u64(u64::from(node.0) << 32 | u64::from(timer));
                if absolute {
                    h.u64(due.0.saturating_sub(self.now.0));
                }
            }
        }
        if sessions {
            h.debug(&self.sessions);
        }
        for ops in &self.pending_ops {
            h.u64(ops.len() as u64);
            for op in ops {
                h.u64(u64::from(op.0));
            }
        }
        for f in self.findings.iter() {
            h.u64(f.anomaly.kind as u64);
            h.u64(u64::from(f.anomaly.op.0));
        }
    }
}
