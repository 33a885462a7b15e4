//! The one central abstraction: a protocol node is a pure state machine.
//! One [`Input`] goes in; the node answers by pushing [`Effect`]s into its
//! [`Ctx`] — exactly one row of a sequence diagram. Nodes never see the
//! queue, the network or a wall clock: their time is the local clock reading
//! the simulator hands them, their randomness the stream it lends them.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::{self, Debug};
use serde::{Deserialize, Serialize};

use crate::rng::SimRng;
use crate::time::Duration;

mod request;
mod view;
mod volatile;

pub use request::{statement_is_write, Request};
pub use view::{
    ChainView, Internal, LogCell, LogView, NodeView, Progress, ReviewChoice, ReviewItem, Role,
    SyncCounts, TableView, TreeNodeView, TreeView,
};
pub use volatile::Volatile;

/// A node's index in the cluster. Stored 0-based; written 1-based
/// everywhere a person reads it (JSON scenarios, diagrams: "node 1"), like
/// the article's Node 1, Node 2, Node 3.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub u16);

impl Serialize for NodeId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u32(u32::from(self.0) + 1)
    }
}

impl<'de> Deserialize<'de> for NodeId {
    /// A number, or — as a JSON object key, e.g. a version vector's
    /// `{"1": 3}` — the same number as a string.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Number;
        impl serde::de::Visitor<'_> for Number {
            type Value = u64;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a node number (1, 2, …)")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<u64, E> {
                Ok(v)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<u64, E> {
                u64::try_from(v).map_err(|_| {
                    E::custom(alloc::format!(
                        "node {v} does not exist: nodes are numbered from 1"
                    ))
                })
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<u64, E> {
                v.parse()
                    .map_err(|_| E::custom(alloc::format!("\"{v}\" is not a node number")))
            }
        }
        let n = d.deserialize_any(Number)?;
        if n == 0 || n > u64::from(u16::MAX) {
            return Err(serde::de::Error::custom(alloc::format!(
                "node {n} does not exist: nodes are numbered from 1"
            )));
        }
        Ok(NodeId((n - 1) as u16))
    }
}

impl NodeId {
    pub fn index(self) -> usize {
        usize::from(self.0)
    }

    /// "Node 2", to start a sentence (`Display` writes "node 2").
    pub fn capitalised(self) -> String {
        alloc::format!("Node {}", u32::from(self.0) + 1)
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "node {}", self.0 + 1)
    }
}

/// A client operation's id: its index in the run's history.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct OpId(pub u32);

/// How a client operation ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// The write was acknowledged; `version` orders writes to one key.
    Written {
        version: u64,
        /// The leader's epoch when it acknowledged, for protocols that
        /// number leaderships (finds writes a deposed leader still took).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        epoch: Option<u32>,
        /// Who led that epoch: two nodes promoted while cut off from each
        /// other can both claim one epoch (ordered by node number).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        leader: Option<NodeId>,
        /// For protocols with version vectors: the write's own event and
        /// the versions it replaced.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        causal: Option<Causal>,
    },
    /// The read returned `value` (none: the key was never written) at
    /// `version` (0 when none).
    Read {
        value: Option<i64>,
        version: u64,
        /// For protocols that number leaderships: the epoch whose leader
        /// wrote the value, and that leader, so versions of different
        /// leaderships compare.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        epoch: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        leader: Option<NodeId>,
        /// For protocols with version vectors: the versions the answer
        /// shows and the history they make up.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        causal: Option<Causal>,
    },
    /// A SQL `SELECT`'s rows (values as text), read at `version`.
    Rows {
        columns: Vec<String>,
        rows: Vec<Vec<String>>,
        version: u64,
    },
    /// A read that found several values: a set's members, or concurrent
    /// values kept side by side (siblings), in ascending order.
    Values {
        values: Vec<i64>,
        version: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        causal: Option<Causal>,
        /// When the answer held several versions side by side (a
        /// leaderless key's siblings), each version's own values, so a
        /// reader sees the two carts and not only their union; empty
        /// otherwise.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        siblings: Vec<Vec<i64>>,
    },
    Failed {
        reason: String,
    },
}

impl Outcome {
    /// An acknowledgement with no epoch.
    pub fn written(version: u64) -> Outcome {
        Outcome::Written {
            version,
            epoch: None,
            leader: None,
            causal: None,
        }
    }

    /// A plain read's answer, with nothing beyond its version.
    pub fn read(value: Option<i64>, version: u64) -> Outcome {
        Outcome::Read {
            value,
            version,
            epoch: None,
            leader: None,
            causal: None,
        }
    }

    /// The causal position of a write or read, for protocols that keep
    /// version vectors.
    pub fn causal(&self) -> Option<&Causal> {
        match self {
            Outcome::Written { causal, .. }
            | Outcome::Read { causal, .. }
            | Outcome::Values { causal, .. } => causal.as_ref(),
            _ => None,
        }
    }
}

/// Where a version sits in a causal order (see [`crate::vv`]). Version
/// vectors are only partially ordered, so checkers compare them by
/// containment — "has this answer seen that write's event?" — never by
/// a single number.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Causal {
    /// A write: its own event. A read: the events of the versions it
    /// returned (its siblings).
    pub dots: Vec<crate::vv::Dot>,
    /// A write: the history it replaced (the context it was written
    /// with). A read: the history its answer reflects — the context a
    /// client writes back with to replace exactly what it saw.
    pub context: crate::vv::VersionVector,
}

/// A protocol's timers, as an enum of its own. The simulator keeps only
/// the number ([`Timer::id`]) — that is what a trace records — and hands
/// the node back the typed timer, so a protocol matches on its own names
/// and cannot be handed a timer it never defined.
pub trait Timer: Copy + Debug + Eq {
    /// The number the simulator and the trace know this timer by. Two
    /// timers a node may have pending at once must have different ids.
    fn id(self) -> u32;
    /// The timer [`Timer::id`] gave `id`; `None` for a number this
    /// protocol never hands out.
    fn from_id(id: u32) -> Option<Self>;
}

/// The timers of a protocol that sets none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoTimer {}

impl Timer for NoTimer {
    fn id(self) -> u32 {
        match self {}
    }
    fn from_id(_: u32) -> Option<NoTimer> {
        None
    }
}

/// An operator command of a protocol that has none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoCommand {}

/// What an operator can do to a node, in the scenario format's words (its
/// `promote` and `add_follower` actions). A protocol turns the ones it has
/// into its own [`Protocol::Command`]; the others leave its nodes alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperatorAction {
    /// Make this node the leader (a manual failover, like PostgreSQL's
    /// `pg_ctl promote`).
    Promote,
    /// Add this node as a new follower: it starts empty and joins from a
    /// snapshot.
    AddFollower,
}

/// What a node is handed. `R` and `C` are the protocol's own client
/// requests and operator commands ([`Protocol::Request`],
/// [`Protocol::Command`]), so a node matches only what it serves.
#[derive(Clone, Debug)]
pub enum Input<M, T, R, C> {
    /// The run began (or the node was added).
    Start,
    Message {
        from: NodeId,
        msg: M,
    },
    /// A timer the node set has fired.
    Timer(T),
    Client {
        op: OpId,
        request: R,
    },
    /// The node came back after a crash: only its durable state is left.
    Recovered,
    /// An operator's command.
    Command(C),
}

/// What a node asks for in return.
#[derive(Clone, Debug)]
pub enum Effect<M> {
    Send {
        to: NodeId,
        msg: M,
    },
    /// Fire timer `timer` after a delay the simulator draws from
    /// `min..=max` (a range, so protocols can jitter without their own RNG).
    /// Setting a timer that is already pending re-arms it.
    SetTimer {
        timer: u32,
        min: Duration,
        max: Duration,
    },
    CancelTimer {
        timer: u32,
    },
    Reply {
        op: OpId,
        outcome: Outcome,
    },
    /// A sentence for the narration ("follower 2 applied LSN 7").
    Note(String),
    /// A problem the node sees in its own state at this step, which no
    /// client may ever observe (a replica whose copy diverged from its
    /// leader's, a write last-write-wins discarded). The run keeps it with
    /// the node and the step, for the anomaly list.
    Finding(crate::anomaly::Anomaly),
}

/// A protocol message: a short label for the diagram and a payload text
/// for the inspector.
pub trait Message: Clone + Debug {
    /// One or two words: "write", "ack", "hint".
    fn label(&self) -> &'static str;
    /// The payload in a few words, appended to `out`.
    fn describe(&self, out: &mut String);
    /// Which leg of a quorum request this is, when the network gives each
    /// leg its own delay (see [`crate::latency::LegLatencies`]).
    fn leg(&self) -> Option<crate::latency::Leg> {
        None
    }
}

/// Everything a node may use while it handles one input.
pub struct Ctx<'a, M, T> {
    /// The node handling the input.
    pub node: NodeId,
    /// How many nodes the cluster has.
    pub cluster: u16,
    /// The node's own clock reading in microseconds: true time plus its
    /// skew and drift. Protocols must use this, never the simulator's time.
    pub local_time_us: i64,
    /// The node's own random stream.
    pub rng: &'a mut SimRng,
    effects: &'a mut Vec<Effect<M>>,
    timers: core::marker::PhantomData<T>,
}

impl<'a, M, T: Timer> Ctx<'a, M, T> {
    pub fn new(
        node: NodeId,
        cluster: u16,
        local_time_us: i64,
        rng: &'a mut SimRng,
        effects: &'a mut Vec<Effect<M>>,
    ) -> Self {
        Ctx {
            node,
            cluster,
            local_time_us,
            rng,
            effects,
            timers: core::marker::PhantomData,
        }
    }
    pub fn send(&mut self, to: NodeId, msg: M) {
        self.effects.push(Effect::Send { to, msg });
    }
    pub fn set_timer(&mut self, timer: T, min: Duration, max: Duration) {
        self.effects.push(Effect::SetTimer {
            timer: timer.id(),
            min,
            max,
        });
    }
    pub fn cancel_timer(&mut self, timer: T) {
        self.effects.push(Effect::CancelTimer { timer: timer.id() });
    }
    pub fn reply(&mut self, op: OpId, outcome: Outcome) {
        self.effects.push(Effect::Reply { op, outcome });
    }
    pub fn note(&mut self, text: String) {
        self.effects.push(Effect::Note(text));
    }
    /// Reports a problem the node sees at this step (see
    /// [`Effect::Finding`]).
    pub fn finding(&mut self, anomaly: crate::anomaly::Anomaly) {
        self.effects.push(Effect::Finding(anomaly));
    }
    /// Every other node of the cluster, in id order.
    pub fn peers(&self) -> impl Iterator<Item = NodeId> + 'static {
        let me = self.node;
        (0..self.cluster).map(NodeId).filter(move |&n| n != me)
    }
}

/// A replication protocol's node.
pub trait Protocol: Clone + Debug {
    type Msg: Message;
    type Timer: Timer;
    /// The client requests this protocol serves, in its own terms.
    type Request: Clone + Debug;
    /// What an operator can tell its nodes to do ([`NoCommand`]: nothing).
    type Command: Clone + Debug;

    /// `request`, in the scenario format's words, as one this protocol
    /// serves — or the sentence a client is answered with when it serves
    /// no such request (a CRDT increment sent to a SQL database). The
    /// simulator asks before handing the node anything, so nodes carry no
    /// refusal arms for other protocols' requests.
    fn request(request: Request) -> Result<Self::Request, String>;

    /// The command `action` means to this protocol; `None` (the
    /// default) when it has no such operation, and its nodes are left
    /// alone.
    fn command(_action: OperatorAction) -> Option<Self::Command> {
        None
    }

    /// Handles one input. Must be deterministic: the same state, input and
    /// context give the same effects.
    fn on_input(
        &mut self,
        ctx: &mut Ctx<'_, Self::Msg, Self::Timer>,
        input: Input<Self::Msg, Self::Timer, Self::Request, Self::Command>,
    );

    /// The node crashed: drop everything that is not durable. The
    /// simulator cancels its timers and stops delivering to it; on recovery
    /// the node receives [`Input::Recovered`].
    fn on_crash(&mut self);

    fn view(&self) -> NodeView;

    /// Has this node applied the write made by client operation `op`? Used
    /// to find acknowledged writes that no surviving node holds.
    fn has_applied(&self, op: OpId) -> bool;

    /// Every op [`Protocol::has_applied`] says yes to, as one set: the
    /// end-of-run check asks about every acknowledged write, and a scan of
    /// the log for each would be quadratic.
    fn applied_ops(&self) -> crate::opset::OpSet;

    /// For protocols with version vectors: does this node hold the
    /// version `dot` of `key`, or a version whose writer had seen it (and
    /// so replaced it)? A write replaced before it reached a replica was
    /// never applied there, yet it is not lost. `None`: the protocol
    /// answers through [`Protocol::applied_ops`] instead.
    fn covers(&self, _key: &str, _dot: crate::vv::Dot) -> Option<bool> {
        None
    }

    /// Roughly how many items a clone of this node copies (stored keys,
    /// rows, hints; not what it shares, like a chunked log). The simulator
    /// keeps its checkpoints' total under a budget with it.
    fn footprint(&self) -> usize {
        0
    }

    /// Writes what decides this node's future to `out`, for the
    /// explorer's state fingerprints: by default its whole `Debug` text
    /// (complete by construction). A protocol may leave out what never
    /// changes (its configuration) or never feeds back into what the node
    /// does (tallies for the inspector): fewer bytes to hash, and states
    /// that differ only in a tally merge.
    fn fingerprint(&self, out: &mut dyn core::fmt::Write) {
        let _ = out.write_fmt(format_args!("{self:?}"));
    }

    /// Does this node take writes as a leader right now? Client sessions
    /// route writes to it. Leaderless protocols keep the default.
    fn leads(&self) -> bool {
        false
    }

    /// For protocols whose replicas should end up identical once every
    /// message has arrived: each key's value as text. Leaving `None` opts
    /// out of the end-of-run divergence check.
    fn replica_state(&self) -> Option<Vec<(String, String)>> {
        None
    }
}

/// `{1, 2, 3}`: how a set of values reads.
/// What a several-valued read returned, as a reader should see it: the
/// siblings one by one ("{1, 2, 3} | {1, 4, 5}") when there were several,
/// else the values.
pub fn answer_text(values: &[i64], siblings: &[Vec<i64>]) -> String {
    if siblings.len() > 1 {
        let each: Vec<String> = siblings.iter().map(|s| values_text(s)).collect();
        alloc::format!("{} siblings: {}", siblings.len(), each.join(" | "))
    } else {
        values_text(values)
    }
}

pub fn values_text(values: &[i64]) -> String {
    let mut out = String::from("{");
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&alloc::format!("{v}"));
    }
    out.push('}');
    out
}

/// Appends `value` to `out` without allocating (for payload text).
pub fn describe_into(out: &mut String, args: core::fmt::Arguments<'_>) {
    let _ = core::fmt::Write::write_fmt(out, args);
}

/// Appends `n` in decimal, as `{}` would, without going through
/// `core::fmt` (a chatty protocol describes a number per message).
pub fn push_decimal(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[i..] {
        out.push(char::from(d));
    }
}
