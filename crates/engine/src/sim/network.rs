//! The network between nodes: per directed link a delay distribution, a
//! loss probability and an ordering rule, plus the faults in force right
//! now (partitions, slow links). `route` gives each message its verdict —
//! when it arrives, or why it is lost — at the moment it is sent;
//! `severed` says at delivery whether a partition has cut its link since:
//! a message on a link that was cut while it was in flight is lost, even
//! if the partition healed before it would have arrived, as the packets
//! on a cut wire are.

use alloc::collections::BTreeMap;
use alloc::collections::BTreeSet;
use alloc::vec::Vec;

use crate::latency::{Latency, Leg, LegLatencies};
use crate::node::NodeId;
use crate::rng::SimRng;
use crate::scenario::{Delivery, NetworkConfig};
use crate::time::{Duration, Instant};
use crate::trace::DropReason;

/// A link's fixed settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub latency: Latency,
    pub drop: f64,
    pub delivery: Delivery,
}

/// Immutable link table, built once from the scenario.
#[derive(Clone, Debug)]
pub struct Links {
    nodes: usize,
    kinds: Vec<Link>,
    /// `from * nodes + to` → index into `kinds`.
    table: Vec<u16>,
    /// Per-leg delays that replace a link's latency for quorum messages.
    legs: Option<LegLatencies>,
}

impl Links {
    /// `datacenters`, when the protocol has them: the extra delay between
    /// datacenters and each node's datacenter. Links between two
    /// datacenters get the network's latency plus that delay; the
    /// scenario's own link overrides apply on top.
    pub fn new(config: &NetworkConfig, nodes: u16, datacenters: Option<(f64, &[u16])>) -> Links {
        let nodes = usize::from(nodes);
        let mut kinds = alloc::vec![Link {
            latency: config.latency.clone(),
            drop: config.drop,
            delivery: config.delivery,
        }];
        let mut table = alloc::vec![0u16; nodes * nodes];
        if let Some((extra_ms, dc_of)) = datacenters.filter(|(ms, _)| *ms > 0.0) {
            kinds.push(Link {
                latency: Latency::Shifted {
                    ms: extra_ms,
                    base: alloc::boxed::Box::new(config.latency.clone()),
                },
                ..kinds[0].clone()
            });
            for f in 0..nodes {
                for t in 0..nodes {
                    if dc_of.get(f) != dc_of.get(t) {
                        table[f * nodes + t] = 1;
                    }
                }
            }
        }
        for o in &config.links {
            let (f, t) = (o.from.index(), o.to.index());
            let base = kinds[usize::from(table.get(f * nodes + t).copied().unwrap_or(0))].clone();
            let link = Link {
                latency: o.latency.clone().unwrap_or(base.latency),
                drop: o.drop.unwrap_or(base.drop),
                delivery: o.delivery.unwrap_or(base.delivery),
            };
            let id = kinds.len() as u16;
            kinds.push(link);
            if f < nodes && t < nodes {
                table[f * nodes + t] = id;
                if o.two_way {
                    table[t * nodes + f] = id;
                }
            }
        }
        Links {
            nodes,
            kinds,
            table,
            legs: config.legs.clone(),
        }
    }

    /// The delay distribution of a message on this link: its leg's, when
    /// the network gives quorum legs their own, otherwise the link's.
    pub fn latency(&self, from: NodeId, to: NodeId, leg: Option<Leg>) -> &Latency {
        match (leg, &self.legs) {
            (Some(leg), Some(legs)) => legs.get(leg),
            _ => &self.get(from, to).latency,
        }
    }

    pub fn get(&self, from: NodeId, to: NodeId) -> &Link {
        &self.kinds[usize::from(self.table[from.index() * self.nodes + to.index()])]
    }
}

/// The faults in force and what FIFO ordering remembers.
#[derive(Clone, Debug)]
pub struct NetState {
    nodes: usize,
    /// Directed links that deliver nothing.
    cut: BTreeSet<(u16, u16)>,
    /// Per directed link ever cut: the id of the first message sent after
    /// its latest cut. A message with a smaller id that has not arrived
    /// yet was in flight when the link went down. Message ids count up
    /// from 0 in send order and never wrap within a run (the step limit
    /// keeps them far below 2³²).
    cut_after: BTreeMap<(u16, u16), u32>,
    /// Extra delay on directed links.
    slow: BTreeMap<(u16, u16), Duration>,
    /// Latest delivery time scheduled on each directed link (FIFO links
    /// never deliver earlier than this). Empty until a FIFO link carries a
    /// message: it is `nodes²` entries, copied into every checkpoint.
    last_delivery: Vec<Instant>,
}

/// Where a message is going.
pub enum Verdict {
    Deliver(Instant),
    Lost(DropReason),
}

impl NetState {
    pub fn new(nodes: u16) -> NetState {
        let nodes = usize::from(nodes);
        NetState {
            nodes,
            cut: BTreeSet::new(),
            cut_after: BTreeMap::new(),
            slow: BTreeMap::new(),
            last_delivery: Vec::new(),
        }
    }

    pub fn is_cut(&self, from: NodeId, to: NodeId) -> bool {
        !self.cut.is_empty() && self.cut.contains(&(from.0, to.0))
    }

    /// Cuts or restores a directed link; `next_message` is the id the
    /// next message sent will get, so that the messages in flight now can
    /// be told apart from later ones.
    pub fn set_cut(&mut self, from: NodeId, to: NodeId, cut: bool, next_message: u32) {
        if from == to {
            return;
        }
        if cut {
            self.cut.insert((from.0, to.0));
            self.cut_after.insert((from.0, to.0), next_message);
        } else {
            self.cut.remove(&(from.0, to.0));
        }
    }

    /// Whether message `id` from `from`, arriving now, is lost to a
    /// partition: its link is cut now, or was cut at some moment after the
    /// message was sent (and perhaps healed since).
    pub fn severed(&self, from: NodeId, to: NodeId, id: u32) -> bool {
        self.is_cut(from, to)
            || (!self.cut_after.is_empty()
                && self
                    .cut_after
                    .get(&(from.0, to.0))
                    .is_some_and(|&first_after| id < first_after))
    }

    pub fn set_slow(&mut self, from: NodeId, to: NodeId, extra: Duration) {
        if extra == Duration::ZERO {
            self.slow.remove(&(from.0, to.0));
        } else {
            self.slow.insert((from.0, to.0), extra);
        }
    }

    /// Restores every link. What was in flight across a cut stays lost.
    pub fn heal_all(&mut self) {
        self.cut.clear();
        self.slow.clear();
    }

    /// Directed links cut right now, for the views.
    pub fn cut_links(&self) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        self.cut.iter().map(|&(a, b)| (NodeId(a), NodeId(b)))
    }

    pub fn slow_links(&self) -> impl Iterator<Item = ((NodeId, NodeId), Duration)> + '_ {
        self.slow
            .iter()
            .map(|(&(a, b), &d)| ((NodeId(a), NodeId(b)), d))
    }

    /// The explorer's verdict: lost only to a partition in force, and
    /// otherwise due no sooner than the link's shortest delay (plus a slow
    /// link's extra). When it actually arrives is the explorer's choice.
    pub fn earliest(
        &self,
        links: &Links,
        from: NodeId,
        to: NodeId,
        now: Instant,
        leg: Option<Leg>,
    ) -> Verdict {
        if self.is_cut(from, to) {
            return Verdict::Lost(DropReason::Partition);
        }
        let shortest = Duration(crate::latency::delay_us(
            links.latency(from, to, leg).min_ms(),
        ));
        Verdict::Deliver(now + shortest + self.extra(from, to))
    }

    /// A slow link's extra delay (zero on a normal link).
    fn extra(&self, from: NodeId, to: NodeId) -> Duration {
        if self.slow.is_empty() {
            return Duration::ZERO;
        }
        self.slow
            .get(&(from.0, to.0))
            .copied()
            .unwrap_or(Duration::ZERO)
    }

    /// Whether messages on this link arrive in the order they were sent.
    pub fn fifo(links: &Links, from: NodeId, to: NodeId) -> bool {
        links.get(from, to).delivery == Delivery::Fifo
    }

    /// Decides a message's fate when it is sent at `now`.
    pub fn route(
        &mut self,
        links: &Links,
        rng: &mut SimRng,
        from: NodeId,
        to: NodeId,
        now: Instant,
        leg: Option<Leg>,
    ) -> Verdict {
        if self.is_cut(from, to) {
            return Verdict::Lost(DropReason::Partition);
        }
        let link = links.get(from, to);
        if link.drop > 0.0 && rng.chance(link.drop) {
            return Verdict::Lost(DropReason::Network);
        }
        let delay = links.latency(from, to, leg).sample(rng) + self.extra(from, to);
        let mut at = now + delay;
        if link.delivery == Delivery::Fifo {
            if self.last_delivery.is_empty() {
                self.last_delivery = alloc::vec![Instant::ZERO; self.nodes * self.nodes];
            }
            let last = &mut self.last_delivery[from.index() * self.nodes + to.index()];
            if at < *last {
                at = *last;
            }
            *last = at;
        }
        Verdict::Deliver(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_loses_what_was_in_flight_across_it_even_once_healed() {
        let (a, b, c) = (NodeId(0), NodeId(1), NodeId(2));
        let mut net = NetState::new(3);
        // Messages 0-4 sent; a → b is cut with 5 next, then healed.
        net.set_cut(a, b, true, 5);
        assert!(net.severed(a, b, 7), "cut now: everything is lost");
        net.set_cut(a, b, false, 6);
        assert!(net.severed(a, b, 4), "in flight when the cut came");
        assert!(!net.severed(a, b, 5), "sent after the cut and the heal");
        assert!(!net.severed(b, a, 4), "the other direction was not cut");
        assert!(!net.severed(a, c, 4), "nor another link");
        // A second cut moves the line; healing everything keeps it.
        net.set_cut(a, b, true, 9);
        net.heal_all();
        assert!(!net.is_cut(a, b));
        assert!(net.severed(a, b, 8));
        assert!(!net.severed(a, b, 9));
        // A node's link to itself is never cut.
        net.set_cut(a, a, true, 10);
        assert!(!net.severed(a, a, 0));
    }
}
