//! Leaderless (Dynamo-style) replication. Nodes sit on a consistent-hash
//! ring; each key's n replicas are the next n nodes clockwise from the
//! key (its preference list). Whichever node a client reaches coordinates
//! the request: a write goes to all n replicas and succeeds after w
//! acknowledgements, a read asks the replicas and answers after r
//! replies. Every value carries a version vector; writes that did not see
//! each other are kept side by side as siblings.
//!
//! The parts: [`config`] (ring, n/w/r, repair mechanisms), [`message`],
//! [`coordinator`] (quorum writes and reads, read repair, sloppy quorum),
//! [`replica`] (storing, answering, hinted handoff), [`anti_entropy`]
//! (Merkle-tree comparison with the ring successor) and [`view`].

pub mod anti_entropy;
pub mod config;
pub mod coordinator;
mod family;
pub mod message;
pub mod params;
pub mod read;
pub mod replica;
mod request;
pub mod settings;
mod timer;
pub mod view;

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::rc::Rc;
use alloc::string::String;

use crate::node::{self, Ctx, Input, NoCommand, NodeId, NodeView, OpId, Protocol, Volatile};
use crate::time::Duration;
use crate::vv::Siblings;

pub use config::{AntiEntropy, LeaderlessConfig};
pub use message::{Msg, Stored};
pub use request::Request;
pub use timer::Timer;

use coordinator::Pending;

#[derive(Clone, Debug)]
pub struct LeaderlessNode {
    config: Rc<LeaderlessConfig>,
    me: NodeId,
    // Durable.
    #[doc(hidden)]
    pub store: BTreeMap<String, Siblings<Stored>>,
    /// Writes held for a home replica that did not answer: (home, key).
    #[doc(hidden)]
    pub hints: BTreeMap<(NodeId, String), Siblings<Stored>>,
    /// Counter for the dots of writes this node coordinates.
    dots: u64,
    /// Keys this node coordinates writes for without being one of their
    /// replicas: the versions it wrote that not every home replica has
    /// acknowledged yet. Each write ships them along (see
    /// [`Siblings::put`]), as a replica coordinator ships its own copy.
    #[doc(hidden)]
    pub coordinated: BTreeMap<String, Siblings<Stored>>,
    /// Client writes whose version entered this node's store. A store
    /// drops a version only when a later one replaced it, so the set
    /// only grows; writes held as hints are counted from `hints` itself,
    /// since a hint goes once it is handed over.
    stored_ops: crate::opset::OpSet,
    counts: Counts,
    /// The next client request's number. It survives a crash although it
    /// is not on disk in a real store: numbers are never reused, so a
    /// reply to a request from before the crash cannot be taken for an
    /// answer to a new one.
    next_req: u32,
    /// Lost in a crash.
    volatile: Volatile<Memory>,
}

/// What a leaderless node keeps only in memory.
#[derive(Clone, Debug, Default)]
struct Memory {
    /// Client requests this node coordinates, by number.
    pending: BTreeMap<u32, Pending>,
    /// Nodes that failed to answer lately; cleared by any message from them.
    suspected: BTreeSet<NodeId>,
    /// The hint timer is pending.
    hint_timer_armed: bool,
    /// The anti-entropy exchange under way.
    ae: anti_entropy::Exchange,
}

/// Tallies the inspector shows.
#[derive(Clone, Debug, Default)]
struct Counts {
    repairs_sent: u32,
    hints_delivered: u32,
    hashes_exchanged: u32,
    keys_synced: u32,
}

impl LeaderlessNode {
    pub fn new(config: &LeaderlessConfig, me: NodeId) -> LeaderlessNode {
        let config = config.clone();
        LeaderlessNode {
            config: Rc::new(config),
            me,
            store: BTreeMap::new(),
            hints: BTreeMap::new(),
            dots: 0,
            coordinated: BTreeMap::new(),
            stored_ops: crate::opset::OpSet::new(),
            counts: Counts::default(),
            next_req: 1,
            volatile: Volatile::new(Memory::default()),
        }
    }

    /// The versions this node stores for `key`.
    pub fn versions(&self, key: &str) -> Option<&Siblings<Stored>> {
        self.store.get(key)
    }

    /// The keys this node stores, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> + '_ {
        self.store.keys().map(String::as_str)
    }

    pub fn hint_count(&self) -> usize {
        self.hints.len()
    }

    fn ms(ms: f64) -> Duration {
        Duration(crate::scenario_parts::ms_to_instant(ms).0)
    }

    /// Merges `versions` into this node's copy of `key`; true when the
    /// copy changed.
    fn merge_into_store(&mut self, key: &str, versions: &Siblings<Stored>) -> bool {
        self.note_ops(versions);
        let slot = self.store.entry(String::from(key)).or_default();
        let before = slot.clone();
        slot.merge(versions);
        *slot != before
    }

    fn note_ops(&mut self, versions: &Siblings<Stored>) {
        for s in versions.iter() {
            self.stored_ops.insert(s.value.op);
        }
    }
}

impl Protocol for LeaderlessNode {
    /// Everything but the configuration (shared, never changes) and the
    /// inspector's tallies (never read back).
    fn fingerprint(&self, out: &mut dyn core::fmt::Write) {
        let _ = out.write_fmt(format_args!(
            "{:?}",
            (
                self.me,
                &self.store,
                &self.hints,
                self.dots,
                &self.coordinated,
                &self.stored_ops,
                self.next_req,
                &self.volatile,
            )
        ));
    }
    type Msg = Msg;
    type Timer = Timer;
    type Request = Request;
    type Command = NoCommand;

    fn request(request: node::Request) -> Result<Request, String> {
        Request::accept(request)
    }

    fn on_input(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        input: Input<Msg, Timer, Request, NoCommand>,
    ) {
        match input {
            Input::Start => self.arm_anti_entropy(ctx, true),
            Input::Recovered => {
                if !self.hints.is_empty() {
                    self.arm_hint_timer(ctx);
                }
                self.arm_anti_entropy(ctx, false);
            }
            Input::Command(never) => match never {},
            Input::Client { op, request } => self.on_client(ctx, op, request),
            Input::Message { from, msg } => {
                // Any message shows the sender is reachable again.
                self.volatile.suspected.remove(&from);
                self.on_message(ctx, from, msg);
            }
            Input::Timer(Timer::Hint) => {
                self.volatile.hint_timer_armed = false;
                self.hand_off(ctx);
            }
            Input::Timer(Timer::AntiEntropy) => self.start_exchange(ctx),
            Input::Timer(Timer::ReplicaTimeout(req)) => self.replica_timeout(ctx, req),
            Input::Timer(Timer::RequestTimeout(req)) => self.request_timeout(ctx, req),
        }
    }

    fn on_crash(&mut self) {
        self.volatile.crash();
    }

    fn view(&self) -> NodeView {
        view::view(self)
    }

    fn has_applied(&self, op: OpId) -> bool {
        self.stored_ops.contains(op)
            || self
                .hints
                .values()
                .any(|h| h.iter().any(|s| s.value.op == op))
    }

    fn applied_ops(&self) -> crate::opset::OpSet {
        let mut ops = self.stored_ops.clone();
        for s in self.hints.values().flat_map(Siblings::iter) {
            ops.insert(s.value.op);
        }
        ops
    }

    fn covers(&self, key: &str, dot: crate::vv::Dot) -> Option<bool> {
        let covered =
            |v: &Siblings<Stored>| v.iter().any(|s| s.dot == dot || s.context.contains(dot));
        Some(
            self.store.get(key).is_some_and(covered)
                || self.hints.iter().any(|((_, k), v)| k == key && covered(v)),
        )
    }

    fn footprint(&self) -> usize {
        self.store.len() + self.hints.len() + self.coordinated.len() + self.volatile.pending.len()
    }
}
