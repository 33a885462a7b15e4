//! The knobs of multi-leader replication, as a scenario writes them: how
//! many datacenters (each a leader with its own followers), which leaders
//! forward to which (the replication topology), how slow the links
//! between datacenters are, and what a leader does when two leaders took
//! writes to the same key without knowing of each other.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::node::NodeId;
use crate::scenario_parts::Validator;

/// Datacenters 1 to `datacenters`; in each, a leader and its followers.
/// Nodes are numbered datacenter by datacenter, leader first: with one
/// follower each, dc 1 is nodes 1–2, dc 2 nodes 3–4, and so on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MultiLeaderConfig {
    /// 2 to 5.
    #[serde(default = "two")]
    pub datacenters: u8,
    /// Followers beside each datacenter's leader, 0 to 3.
    #[serde(default = "one")]
    pub followers_per_datacenter: u8,
    #[serde(default)]
    pub topology: Topology,
    /// Extra delay on every link between two datacenters, on top of the
    /// network's (local) latency.
    #[serde(default = "default_cross_dc_ms")]
    pub cross_dc_ms: f64,
    #[serde(default)]
    pub resolution: Resolution,
    /// With `resolution: crdt`, the data type every key holds.
    #[serde(default)]
    pub crdt: CrdtKind,
    /// With `resolution: resolver`, the application's conflict handler.
    #[serde(default)]
    pub resolver: ResolverKind,
    /// Hold back a replicated write until every write its origin had
    /// applied before it has arrived (version vectors). Off: writes are
    /// applied as they arrive, so an update can overtake its insert.
    #[serde(default)]
    pub causal_delivery: bool,
    /// Conflict avoidance: the application sends every request for a key
    /// to the key's home datacenter (re-routed when that leader is down).
    #[serde(default)]
    pub route_by_key: bool,
    /// Home datacenter per key (1-based) for `route_by_key`; keys not
    /// listed get one from a stable hash of the key.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub homes: BTreeMap<String, u8>,
    /// How long a leader waits for an acknowledgement before it sends
    /// unacknowledged writes to a peer leader again.
    #[serde(default = "default_retry_ms")]
    pub retry_ms: f64,
}

impl Default for MultiLeaderConfig {
    fn default() -> Self {
        MultiLeaderConfig {
            datacenters: 2,
            followers_per_datacenter: 1,
            topology: Topology::default(),
            cross_dc_ms: default_cross_dc_ms(),
            resolution: Resolution::default(),
            crdt: CrdtKind::default(),
            resolver: ResolverKind::default(),
            causal_delivery: false,
            route_by_key: false,
            homes: BTreeMap::new(),
            retry_ms: default_retry_ms(),
        }
    }
}

/// Which leaders send their writes to which.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topology {
    /// Every leader sends to every other leader directly.
    #[default]
    AllToAll,
    /// Each leader sends to the next one (dc 1 → dc 2 → … → dc 1); writes
    /// travel round the ring, forwarded by every leader on the way.
    Circular,
    /// Dc 1 is the hub: the others send only to it, and it forwards to
    /// the rest.
    Star,
}

impl Topology {
    pub fn name(self) -> &'static str {
        match self {
            Topology::AllToAll => "all-to-all",
            Topology::Circular => "circular",
            Topology::Star => "star",
        }
    }
}

/// What a leader does with a write that is concurrent with its own copy.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// Nothing: the write that arrives last wins on each leader, so the
    /// datacenters can end with different values. Conflicts are listed.
    #[default]
    None,
    /// Each write carries its node's clock reading; the highest timestamp
    /// wins everywhere and the other write is silently dropped.
    LastWriteWins,
    /// Every key is a conflict-free replicated data type: leaders ship
    /// their state and merge.
    Crdt,
    /// The application's `resolve_conflict(local, remote, …)` decides.
    Resolver,
}

impl Resolution {
    pub fn name(self) -> &'static str {
        match self {
            Resolution::None => "no resolution",
            Resolution::LastWriteWins => "last write wins",
            Resolution::Crdt => "CRDT",
            Resolution::Resolver => "application resolver",
        }
    }
}

/// The CRDT every key holds with `resolution: crdt`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CrdtKind {
    /// Grow-only counter: `increment` by 0 or more.
    GCounter,
    /// Counter that also goes down: `increment` by any amount.
    #[default]
    PnCounter,
    /// Grow-only set: `add`.
    GSet,
    /// Two-phase set: `add`, `remove`; once removed, never back.
    TwoPSet,
    /// Observed-remove set: `add`, `remove`; an add concurrent with a
    /// remove survives.
    OrSet,
    /// Last-writer-wins register: `write`, highest timestamp wins.
    LwwRegister,
    /// Multi-value register: `write`; concurrent writes are all kept.
    MvRegister,
}

impl CrdtKind {
    pub fn name(self) -> &'static str {
        match self {
            CrdtKind::GCounter => "G-Counter",
            CrdtKind::PnCounter => "PN-Counter",
            CrdtKind::GSet => "G-Set",
            CrdtKind::TwoPSet => "2P-Set",
            CrdtKind::OrSet => "OR-Set",
            CrdtKind::LwwRegister => "LWW-Register",
            CrdtKind::MvRegister => "MV-Register",
        }
    }
}

/// The application-level conflict handlers on offer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResolverKind {
    /// Keep the larger value (a bid, a high score).
    Higher,
    /// Keep the smaller value (a price floor, a lowest fare).
    Lower,
    /// Keep the union of both values (a shopping cart).
    MergeSets,
    /// Keep both and flag the key for a person to decide.
    #[default]
    Review,
}

impl ResolverKind {
    pub fn name(self) -> &'static str {
        match self {
            ResolverKind::Higher => "take the higher value",
            ResolverKind::Lower => "take the lower value",
            ResolverKind::MergeSets => "merge sets",
            ResolverKind::Review => "keep both, flag for review",
        }
    }
}

fn two() -> u8 {
    2
}
fn one() -> u8 {
    1
}
fn default_cross_dc_ms() -> f64 {
    80.0
}
fn default_retry_ms() -> f64 {
    1000.0
}

impl MultiLeaderConfig {
    pub fn dcs(&self) -> u16 {
        u16::from(self.datacenters.clamp(1, 5))
    }

    fn per_dc(&self) -> u16 {
        1 + u16::from(self.followers_per_datacenter.min(3))
    }

    pub fn node_count(&self) -> u16 {
        self.dcs() * self.per_dc()
    }

    /// The datacenter (0-based) a node lives in.
    pub fn dc_of(&self, node: NodeId) -> u16 {
        node.0 / self.per_dc()
    }

    /// Datacenter `dc`'s leader.
    pub fn leader_of(&self, dc: u16) -> NodeId {
        NodeId(dc * self.per_dc())
    }

    pub fn is_leader(&self, node: NodeId) -> bool {
        node.0 % self.per_dc() == 0
    }

    /// Datacenter `dc`'s followers.
    pub fn followers_of(&self, dc: u16) -> impl Iterator<Item = NodeId> {
        let first = dc * self.per_dc();
        (first + 1..first + self.per_dc()).map(NodeId)
    }

    /// Every datacenter's members, leader first.
    pub fn datacenter_members(&self) -> Vec<Vec<NodeId>> {
        (0..self.dcs())
            .map(|dc| {
                core::iter::once(self.leader_of(dc))
                    .chain(self.followers_of(dc))
                    .collect()
            })
            .collect()
    }

    /// The leaders `leader` sends its writes (and forwarded ones) to.
    pub fn downstream(&self, leader: NodeId) -> Vec<NodeId> {
        let dc = self.dc_of(leader);
        let n = self.dcs();
        match self.topology {
            Topology::AllToAll => (0..n)
                .filter(|&d| d != dc)
                .map(|d| self.leader_of(d))
                .collect(),
            Topology::Circular => alloc::vec![self.leader_of((dc + 1) % n)],
            Topology::Star if dc == 0 => (1..n).map(|d| self.leader_of(d)).collect(),
            Topology::Star => alloc::vec![self.leader_of(0)],
        }
    }

    /// Every directed replication link between leaders, for the views.
    pub fn replication_links(&self) -> Vec<(NodeId, NodeId)> {
        (0..self.dcs())
            .flat_map(|dc| {
                let l = self.leader_of(dc);
                self.downstream(l).into_iter().map(move |to| (l, to))
            })
            .collect()
    }

    /// The home datacenter of `key` for conflict avoidance.
    pub fn home_of(&self, key: &str) -> u16 {
        match self.homes.get(key) {
            Some(&dc) => u16::from(dc.max(1)) - 1,
            None => (fnv(key) % u64::from(self.dcs())) as u16,
        }
    }

    pub fn validate(&self, v: &mut Validator) {
        v.count_in("protocol.datacenters", u32::from(self.datacenters), 2, 5);
        v.count_in(
            "protocol.followers_per_datacenter",
            u32::from(self.followers_per_datacenter),
            0,
            3,
        );
        v.finite_in(
            "protocol.cross_dc_ms",
            self.cross_dc_ms,
            0.0,
            60_000.0,
            "between 0 and 60000 ms",
        );
        v.finite_in(
            "protocol.retry_ms",
            self.retry_ms,
            10.0,
            60_000.0,
            "between 10 and 60000 ms",
        );
        for (key, &dc) in &self.homes {
            if dc == 0 || dc > self.datacenters {
                v.push(
                    &format!("protocol.homes.{key}"),
                    format!(
                        "datacenter {dc} does not exist: this run has datacenters 1 to {}",
                        self.datacenters
                    ),
                );
            }
        }
        if self.topology == Topology::Circular && self.datacenters < 3 {
            // Two leaders in a ring are just all-to-all; allowed, but the
            // forwarding the topology exists to show never happens.
        }
    }
}

/// FNV-1a: a hash that is the same on every target and every run.
fn fnv(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(dcs: u8, followers: u8, topology: Topology) -> MultiLeaderConfig {
        MultiLeaderConfig {
            datacenters: dcs,
            followers_per_datacenter: followers,
            topology,
            ..Default::default()
        }
    }

    #[test]
    fn nodes_are_numbered_datacenter_by_datacenter() {
        let c = config(3, 2, Topology::AllToAll);
        assert_eq!(c.node_count(), 9);
        assert_eq!(c.leader_of(1), NodeId(3));
        assert_eq!(c.dc_of(NodeId(5)), 1);
        assert!(c.is_leader(NodeId(6)) && !c.is_leader(NodeId(7)));
        assert_eq!(
            c.followers_of(2).collect::<Vec<_>>(),
            [NodeId(7), NodeId(8)]
        );
    }

    #[test]
    fn topologies_name_each_leaders_downstream() {
        let ring = config(4, 0, Topology::Circular);
        assert_eq!(ring.downstream(NodeId(3)), [NodeId(0)]);
        let star = config(4, 1, Topology::Star);
        assert_eq!(
            star.downstream(NodeId(0)),
            [NodeId(2), NodeId(4), NodeId(6)]
        );
        assert_eq!(star.downstream(NodeId(4)), [NodeId(0)]);
        let all = config(3, 0, Topology::AllToAll);
        assert_eq!(all.replication_links().len(), 6);
    }

    #[test]
    fn homes_are_listed_or_hashed_stably() {
        let mut c = config(3, 0, Topology::AllToAll);
        c.homes.insert("alice".into(), 3);
        assert_eq!(c.home_of("alice"), 2);
        assert_eq!(c.home_of("bob"), c.home_of("bob"));
        assert!(c.home_of("bob") < 3);
    }
}
