//! Multi-leader replication: one leader per datacenter takes writes
//! locally and replicates them asynchronously to the other leaders along
//! a topology (all-to-all, circular, star); each leader streams its
//! changes to the followers in its own datacenter. Two leaders can accept
//! writes to the same key without knowing of each other — a conflict —
//! and the run's `resolution` decides what happens then.
//!
//! The parts: [`config`] (datacenters, topology, resolution), [`cell`]
//! (a key's value with its version vector), [`message`], [`stream`] (each
//! leader's log, shipped to its peers with acknowledgements, retries and
//! loop prevention by path), [`apply`] (a replicated write meeting a
//! leader's copy: overwrite, conflict, last-write-wins, CRDT merge,
//! resolver), [`client`] (requests), [`view`] and [`routing`] (conflict
//! avoidance: each key's home datacenter).

pub mod apply;
pub mod cell;
pub mod client;
pub mod config;
pub mod crdt_value;
mod family;
pub mod followers;
pub mod message;
pub mod params;
mod request;
pub mod resolve;
pub mod routing;
pub mod settings;
pub mod stream;
mod timer;
pub mod view;

use alloc::collections::BTreeMap;
use alloc::rc::Rc;
use alloc::vec::Vec;

use crate::node::{self, Ctx, Input, NoCommand, NodeId, NodeView, OpId, Protocol, Volatile};
use crate::vv::VersionVector;

pub use config::{CrdtKind, MultiLeaderConfig, Resolution, ResolverKind, Topology};
pub use message::Msg;
pub use request::{Edit, Request};
pub use timer::Timer;

use cell::Cell;
use message::Update;

#[derive(Clone, Debug)]
pub struct MultiLeaderNode {
    config: Rc<MultiLeaderConfig>,
    me: NodeId,
    // Durable: the database and its replication bookkeeping survive a crash.
    #[doc(hidden)]
    pub store: BTreeMap<String, Cell>,
    /// This leader's write counter (the second half of its dots).
    seq: u64,
    /// Per origin leader, the highest write applied here.
    applied: VersionVector,
    applied_ops: crate::opset::OpSet,
    /// What this leader ships, in order, from absolute index `log_base`
    /// on: entries every downstream peer has acknowledged are dropped.
    log: Vec<Rc<Update>>,
    log_base: u64,
    /// Per downstream leader: log entries it has acknowledged.
    acked: BTreeMap<NodeId, u64>,
    /// Per upstream leader: the next entry of its log expected here.
    expected: BTreeMap<NodeId, u64>,
    /// Replicated writes waiting for writes they depend on (causal
    /// delivery); kept on disk like a relay log.
    held: Vec<Rc<Update>>,
    /// Per follower: copies it has acknowledged.
    follower_acked: BTreeMap<NodeId, u64>,
    /// Leader: copies sent to its followers; follower: copies applied.
    copy_seq: u64,
    counts: Counts,
    /// Lost in a crash.
    volatile: Volatile<Memory>,
}

/// What a multi-leader node keeps only in memory.
#[derive(Clone, Debug, Default)]
struct Memory {
    /// Per downstream leader: where the next shipment starts.
    sent: BTreeMap<NodeId, u64>,
    /// The retry timer is pending.
    retry_armed: bool,
}

/// Tallies the inspector shows.
#[derive(Clone, Debug, Default)]
struct Counts {
    conflicts: u32,
    discarded: u32,
    loops_stopped: u32,
    overtaken: u32,
}

use alloc::string::String;

impl MultiLeaderNode {
    pub fn new(config: &MultiLeaderConfig, me: NodeId) -> MultiLeaderNode {
        let config = config.clone();
        MultiLeaderNode {
            config: Rc::new(config),
            me,
            store: BTreeMap::new(),
            seq: 0,
            applied: VersionVector::new(),
            applied_ops: crate::opset::OpSet::new(),
            log: Vec::new(),
            log_base: 0,
            acked: BTreeMap::new(),
            expected: BTreeMap::new(),
            held: Vec::new(),
            copy_seq: 0,
            counts: Counts::default(),
            follower_acked: BTreeMap::new(),
            volatile: Volatile::new(Memory::default()),
        }
    }

    #[doc(hidden)]
    pub fn is_leader(&self) -> bool {
        self.config.is_leader(self.me)
    }

    fn dc(&self) -> u16 {
        self.config.dc_of(self.me)
    }

    /// This datacenter's leader.
    fn my_leader(&self) -> NodeId {
        self.config.leader_of(self.dc())
    }

    /// A key's cell, for tests.
    pub fn cell(&self, key: &str) -> Option<&Cell> {
        self.store.get(key)
    }
}

impl Protocol for MultiLeaderNode {
    /// Everything but the configuration (shared, never changes) and the
    /// inspector's tallies (never read back).
    fn fingerprint(&self, out: &mut dyn core::fmt::Write) {
        let _ = out.write_fmt(format_args!(
            "{:?}",
            (
                (
                    self.me,
                    &self.store,
                    self.seq,
                    &self.applied,
                    &self.applied_ops
                ),
                (&self.log, self.log_base, &self.acked, &self.expected),
                (
                    &self.held,
                    &self.follower_acked,
                    self.copy_seq,
                    &self.volatile
                ),
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
            Input::Start => {}
            Input::Command(never) => match never {},
            Input::Client { op, request } => self.on_client(ctx, op, request),
            Input::Message { from, msg } => match msg {
                Msg::Replicate {
                    from_index,
                    index,
                    update,
                } => self.receive(ctx, from, from_index, index, update),
                Msg::Ack { next } => self.on_ack(from, next),
                Msg::Copy { seq, key, cell } => self.on_copy(ctx, from, seq, key, &cell),
                Msg::CopyAck { seq } => self.on_copy_ack(from, seq),
                Msg::CatchUp => self.send_snapshot(ctx, from),
                Msg::Snapshot { seq, cells } => self.on_snapshot(ctx, from, seq, &cells),
            },
            Input::Timer(Timer::Retry) => {
                self.volatile.retry_armed = false;
                self.retry(ctx);
            }
            Input::Recovered => {
                if self.is_leader() {
                    // Pick up each peer's stream where it was acknowledged,
                    // and check on the followers at the next retry.
                    self.ship(ctx);
                    self.arm_retry(ctx);
                } else {
                    ctx.send(self.my_leader(), Msg::CatchUp);
                }
            }
        }
    }

    fn on_crash(&mut self) {
        self.volatile.crash();
    }

    fn view(&self) -> NodeView {
        view::view(self)
    }

    fn has_applied(&self, op: OpId) -> bool {
        self.applied_ops.contains(op)
    }

    fn applied_ops(&self) -> crate::opset::OpSet {
        self.applied_ops.clone()
    }

    /// A follower takes its leader's copies of keys, not the writes
    /// themselves: it holds a write when its copy's version vector has
    /// seen it (applied, or thrown away by last write wins).
    fn covers(&self, key: &str, dot: crate::vv::Dot) -> Option<bool> {
        Some(self.store.get(key).is_some_and(|c| c.vv.contains(dot)))
    }

    fn footprint(&self) -> usize {
        self.store.len() + self.log.len() + self.held.len()
    }

    fn leads(&self) -> bool {
        self.is_leader()
    }

    fn replica_state(&self) -> Option<Vec<(String, String)>> {
        Some(
            self.store
                .iter()
                .map(|(k, c)| (k.clone(), c.value.text()))
                .collect(),
        )
    }
}
