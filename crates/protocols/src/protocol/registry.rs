//! The protocol registry: one line per protocol, and the two traits a
//! protocol's folder implements so that nothing outside it needs to name
//! it.
//!
//! - [`Spec`] is what the rest of the tree asks of a protocol's
//!   configuration: its name, node count, validation, how a user session's
//!   requests are routed, the real databases' settings that match it, the
//!   shapes the views draw (datacenters, a hash ring), and the
//!   [`Features`] the page offers for it. `ProtocolConfig` answers it
//!   too, by asking the scenario's own protocol ([`ProtocolConfig::spec`]).
//! - [`Family`] adds the node type that runs the configuration, for the
//!   generic code (a run, a long run, the fuzzer) that must build a
//!   simulator (the engine's `sim::Simulator`) of that type. [`ProtocolConfig::visit`]
//!   calls a [`Visit`]or with the scenario's protocol as its concrete type
//!   — the one `match` over protocols in the whole tree.
//!
//! Adding a protocol: a folder under `protocol/` whose configuration
//! implements both traits, and one line in the `registry!` call below
//! (see `docs/adding-a-protocol.md`).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Debug;
use serde::{Deserialize, Serialize};

use super::params::Group;
use super::settings::Settings;
use crate::node::{NodeId, Protocol, Request};
use crate::replica_values::Convergence;
use crate::scenario_parts::Validator;

/// What the rest of the tree asks of a protocol, answered by its
/// configuration.
pub trait Spec: Debug {
    /// A short name for the protocol family: "single-leader".
    fn name(&self) -> &'static str;

    /// How many nodes the cluster has. Must not overflow on a
    /// configuration that [`Spec::validate`] would refuse.
    fn node_count(&self) -> u16;

    /// Reports every problem of the configuration to `v`, naming the
    /// field (`protocol.w`).
    fn validate(&self, v: &mut Validator);

    /// "In a real database": the configuration of real systems that does
    /// what this setup does, one block per system.
    fn real_settings(&self) -> Vec<Settings> {
        Vec::new()
    }

    /// Where user `session`'s `request` goes, and why (a sentence for the
    /// narration), for protocols that route requests themselves; `None`
    /// leaves it to the scenario's leader/follower routing rules.
    fn route(&self, _session: u32, _request: &Request, _up: &[bool]) -> Option<(NodeId, String)> {
        None
    }

    /// Groups of nodes the views draw as boxes (datacenters), with names.
    fn datacenters(&self) -> Vec<(String, Vec<NodeId>)> {
        Vec::new()
    }

    /// Directed replication links, for protocols where the topology is not
    /// "everyone talks to everyone".
    fn replication_links(&self) -> Vec<(NodeId, NodeId)> {
        Vec::new()
    }

    /// A key's replicas in ring order (its preference list), for protocols
    /// that place keys on a hash ring; empty otherwise.
    fn preference_list(&self, _key: &str) -> Vec<NodeId> {
        Vec::new()
    }

    /// Each node's position on the hash ring (fraction of a turn, 0 to 1),
    /// for protocols that have one.
    fn ring_positions(&self) -> Vec<f64> {
        Vec::new()
    }

    /// Where `key` sits on the hash ring and who holds it, for protocols
    /// that have one.
    fn placement(&self, _key: &str) -> Option<Placement> {
        None
    }

    /// Extra delay on links between datacenters, and each node's
    /// datacenter, for protocols that have datacenters.
    fn cross_datacenter(&self) -> Option<(f64, Vec<u16>)> {
        None
    }

    /// Do the protocol's keys behave as registers a client expects to be
    /// linearizable?
    fn checks_linearizability(&self) -> bool {
        true
    }

    /// Are write versions positions in one log (so a later version holds
    /// every earlier write)? Then session checks can compare versions
    /// across keys.
    fn versions_are_log_positions(&self) -> bool {
        false
    }

    /// What the page offers for this protocol.
    fn features(&self) -> Features {
        Features::default()
    }

    /// Can a run of this configuration show `kind` at all? The explorer
    /// refuses to search for what cannot happen. By default: what the
    /// history checkers can find in any protocol's answers.
    fn can_show(&self, kind: crate::anomaly::AnomalyKind) -> bool {
        use crate::anomaly::AnomalyKind as K;
        match kind {
            K::StaleRead | K::LostWrite | K::LostUpdate | K::Divergence => true,
            K::NotLinearizable => self.checks_linearizability(),
            K::ReadYourWrites | K::MonotonicRead | K::ConsistentPrefix => {
                self.versions_are_log_positions()
            }
            K::SplitBrain | K::Conflict | K::DiscardedWrite | K::CausalityViolation => false,
        }
    }

    /// Do the nodes read their clocks (and may keep what they read)? If
    /// not, two states that differ only in the true time behave the
    /// same, and the explorer merges them.
    fn reads_clock(&self) -> bool {
        true
    }

    /// `scenario` (which runs this protocol) with one more node that an
    /// operator adds at `at_ms`, for protocols where that is an operation
    /// ([`Features::operator_failover`]); a sentence saying why not
    /// otherwise.
    fn with_new_node(&self) -> Result<(Self, NodeId), String>
    where
        Self: Sized,
    {
        Err(String::from(
            "this protocol has no operation that adds a node",
        ))
    }
}

/// A key on the hash ring: its position (fraction of a turn) and every
/// node clockwise from it, the first `replicas` of them holding it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Placement {
    pub position: f64,
    pub ring: Vec<NodeId>,
    pub replicas: usize,
    /// Can the nodes after the replicas stand in for unreachable ones
    /// (a sloppy quorum)?
    pub sloppy: bool,
}

impl Placement {
    /// The key's replicas: its preference list.
    pub fn replicas(&self) -> &[NodeId] {
        &self.ring[..self.replicas.min(self.ring.len())]
    }

    /// The nodes a sloppy quorum may write to instead, in the order it
    /// tries them; empty without a sloppy quorum.
    pub fn stand_ins(&self) -> &[NodeId] {
        if self.sloppy {
            &self.ring[self.replicas.min(self.ring.len())..]
        } else {
            &[]
        }
    }
}

/// What the page offers for a protocol: typed answers, so no view has to
/// recognise a protocol by name or read its display text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Features {
    /// An operator can promote a node and add a follower (manual
    /// failover, a new replica from a snapshot).
    pub operator_failover: bool,
    /// The request form's kinds.
    pub requests: RequestForm,
    /// The SQL table every node keeps, by name (none: no SQL).
    pub sql_table: Option<String>,
    /// Keys can be flagged for a person to choose between versions.
    pub review: bool,
    /// Replicas compare Merkle trees with their ring successor.
    pub merkle_trees: bool,
    /// The heading over a node's internals in the inspector.
    pub internals_caption: &'static str,
    /// What a node's `log_position` is called under it in the topology:
    /// "LSN" (single-leader), "log" (a consensus log, a chain's writes).
    pub log_position_label: &'static str,
    /// Servers keep a consensus log by term (`NodeView::consensus`) and
    /// an election timer: the page draws the log rows and timer rings.
    pub consensus_log: bool,
    /// Servers form a chain (`NodeView::chain`): the page draws it as a
    /// line from head to tail.
    pub chain_line: bool,
}

/// Which requests the page's form offers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RequestForm {
    /// Reads and writes of one key (plus SQL when the protocol keeps a
    /// table).
    #[default]
    ReadWrite,
    /// Writes, reads and the CRDT operations, starting on `default`.
    Merged { default: RequestKind },
    /// Versioned puts and gets on a hash ring.
    Versioned,
}

/// A kind of key-value request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RequestKind {
    #[default]
    Write,
    Increment,
    Add,
}

/// A protocol: its configuration (which answers [`Spec`]) and the node
/// type that runs it.
pub trait Family: Spec + Registered + Clone + 'static {
    type Node: Protocol + 'static;

    /// Node `id` of a cluster running this configuration.
    fn node(&self, id: NodeId) -> Self::Node;

    /// The controls the page offers for this protocol's parameters.
    fn params() -> Vec<Group> {
        Vec::new()
    }

    /// Is every replica's copy the same once nothing is in flight? The
    /// long run's end-of-run check; the default compares every up node's
    /// [`Protocol::replica_state`].
    fn convergence(&self, nodes: &[alloc::rc::Rc<Self::Node>], up: &[bool]) -> Convergence {
        crate::replica_values::convergence(nodes, up)
    }
}

/// Finds a protocol's configuration inside a scenario's
/// [`ProtocolConfig`]; the registry implements it for every protocol.
pub trait Registered: Sized {
    /// This configuration, if the scenario runs this protocol.
    fn pick(config: &ProtocolConfig) -> Option<&Self>;
}

/// Something done with a protocol as its concrete type: building and
/// running a simulator of its nodes. [`ProtocolConfig::visit`] calls it.
pub trait Visit {
    type Out;
    fn visit<F: Family>(self, config: &F) -> Self::Out;
}

macro_rules! registry {
    ($( $(#[$doc:meta])* $variant:ident($kind:literal, $config:ty), )*) => {
        /// The controls of the protocol whose `kind` (as scenario JSON
        /// names it) is given; none for a kind no protocol has.
        pub fn params_for(kind: &str) -> Vec<Group> {
            $( if kind == $kind { return <$config as Family>::params(); } )*
            Vec::new()
        }

        /// Every protocol's controls, in registry order.
        pub fn every_protocols_params() -> Vec<Vec<Group>> {
            alloc::vec![$( <$config as Family>::params(), )*]
        }

        /// Every protocol's `kind`, as scenario JSON names it.
        pub const KINDS: &[&str] = &[$( $kind, )*];

        /// Which protocol a scenario runs, with its settings. In JSON, the
        /// `kind` field names it (`"kind": "single_leader"`).
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "kind", rename_all = "snake_case")]
        pub enum ProtocolConfig {
            $( $(#[$doc])* $variant($config), )*
        }

        /// Each question goes to the scenario's own protocol. Dispatched
        /// by `match`, not through a `dyn Spec`: the compiler inlines each
        /// answer where it is asked and drops what no caller asks (a
        /// vtable keeps every method of every protocol: +3 KB of wasm).
        impl Spec for ProtocolConfig {
            fn name(&self) -> &'static str {
                match self { $( ProtocolConfig::$variant(c) => c.name(), )* }
            }
            fn node_count(&self) -> u16 {
                match self { $( ProtocolConfig::$variant(c) => c.node_count(), )* }
            }
            fn validate(&self, v: &mut Validator) {
                match self { $( ProtocolConfig::$variant(c) => c.validate(v), )* }
            }
            fn real_settings(&self) -> Vec<Settings> {
                match self { $( ProtocolConfig::$variant(c) => c.real_settings(), )* }
            }
            fn route(&self, session: u32, request: &Request, up: &[bool]) -> Option<(NodeId, String)> {
                match self { $( ProtocolConfig::$variant(c) => c.route(session, request, up), )* }
            }
            fn datacenters(&self) -> Vec<(String, Vec<NodeId>)> {
                match self { $( ProtocolConfig::$variant(c) => c.datacenters(), )* }
            }
            fn replication_links(&self) -> Vec<(NodeId, NodeId)> {
                match self { $( ProtocolConfig::$variant(c) => c.replication_links(), )* }
            }
            fn preference_list(&self, key: &str) -> Vec<NodeId> {
                match self { $( ProtocolConfig::$variant(c) => c.preference_list(key), )* }
            }
            fn ring_positions(&self) -> Vec<f64> {
                match self { $( ProtocolConfig::$variant(c) => c.ring_positions(), )* }
            }
            fn placement(&self, key: &str) -> Option<Placement> {
                match self { $( ProtocolConfig::$variant(c) => c.placement(key), )* }
            }
            fn cross_datacenter(&self) -> Option<(f64, Vec<u16>)> {
                match self { $( ProtocolConfig::$variant(c) => c.cross_datacenter(), )* }
            }
            fn checks_linearizability(&self) -> bool {
                match self { $( ProtocolConfig::$variant(c) => c.checks_linearizability(), )* }
            }
            fn versions_are_log_positions(&self) -> bool {
                match self { $( ProtocolConfig::$variant(c) => c.versions_are_log_positions(), )* }
            }
            fn features(&self) -> Features {
                match self { $( ProtocolConfig::$variant(c) => c.features(), )* }
            }
            fn can_show(&self, kind: crate::anomaly::AnomalyKind) -> bool {
                match self { $( ProtocolConfig::$variant(c) => c.can_show(kind), )* }
            }
            fn reads_clock(&self) -> bool {
                match self { $( ProtocolConfig::$variant(c) => c.reads_clock(), )* }
            }
            fn with_new_node(&self) -> Result<(Self, NodeId), String> {
                match self { $( ProtocolConfig::$variant(c) => c.with_new_node().map(|(c, n)| (ProtocolConfig::$variant(c), n)), )* }
            }
        }

        impl ProtocolConfig {
            /// The configuration's answers to [`Spec`], from whichever
            /// protocol the scenario runs.
            pub fn spec(&self) -> &impl Spec {
                self
            }

            /// Calls `visitor` with the configuration as its own type.
            pub fn visit<V: Visit>(&self, visitor: V) -> V::Out {
                match self {
                    $( ProtocolConfig::$variant(c) => visitor.visit(c), )*
                }
            }
        }

        $(
            impl Registered for $config {
                fn pick(config: &ProtocolConfig) -> Option<&Self> {
                    match config {
                        ProtocolConfig::$variant(c) => Some(c),
                        #[allow(unreachable_patterns)]
                        _ => None,
                    }
                }
            }

            impl From<$config> for ProtocolConfig {
                fn from(c: $config) -> ProtocolConfig {
                    ProtocolConfig::$variant(c)
                }
            }
        )*
    };
}

// The registry: one line per protocol — its variant, its `kind` in
// scenario JSON (serde's snake-case name of the variant; a test checks),
// and its configuration type.
registry! {
    /// Synthetic all-to-all traffic with no replication semantics: the
    /// engine's benchmark and a stress test for the views.
    Chatter("chatter", super::chatter::ChatterConfig),
    /// One leader takes every write and streams it to its followers.
    SingleLeader("single_leader", super::single_leader::SingleLeaderConfig),
    /// One leader per datacenter; leaders replicate to each other.
    MultiLeader("multi_leader", super::multi_leader::MultiLeaderConfig),
    /// No leader: quorum reads and writes on a hash ring (Dynamo-style).
    Leaderless("leaderless", super::leaderless::LeaderlessConfig),
    /// Consensus: an elected leader per term commits entries a majority
    /// holds (Raft).
    Raft("raft", super::raft::RaftConfig),
    /// Servers in a line: writes enter at the head and commit at the
    /// tail, which answers reads (CRAQ: any server answers clean reads).
    Chain("chain", super::chain::ChainConfig),
}
