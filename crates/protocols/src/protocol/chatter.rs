//! Synthetic all-to-all traffic. Every node starts `fanout` conversations
//! with random peers and answers each message it receives by sending one
//! to another random peer, so `nodes × fanout` messages are always in
//! flight. It has no replication semantics; it measures the engine and
//! stresses the views. Client writes are stored locally, reads answered
//! locally.

use alloc::collections::BTreeMap;
use alloc::string::String;
use serde::{Deserialize, Serialize};

use crate::node::{
    self, Ctx, Input, Message, NoCommand, NoTimer, NodeId, NodeView, OpId, Outcome, Protocol,
};
use crate::protocol::registry::{Family, Spec};
use crate::scenario_parts::Validator;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChatterConfig {
    pub nodes: u16,
    /// Conversations each node starts.
    #[serde(default = "one")]
    pub fanout: u16,
}

fn one() -> u16 {
    1
}

impl Spec for ChatterConfig {
    fn reads_clock(&self) -> bool {
        false
    }
    fn name(&self) -> &'static str {
        "chatter"
    }
    fn node_count(&self) -> u16 {
        self.nodes
    }
    fn validate(&self, v: &mut Validator) {
        v.count_in("protocol.nodes", self.nodes.into(), 2, 64);
        v.count_in("protocol.fanout", self.fanout.into(), 1, 64);
    }
    /// Its traffic has no replication semantics: nothing to check.
    fn checks_linearizability(&self) -> bool {
        false
    }
    fn features(&self) -> crate::protocol::Features {
        crate::protocol::Features {
            internals_caption: "Internals: version vectors and CRDT state",
            ..crate::protocol::Features::default()
        }
    }
}

impl Family for ChatterConfig {
    type Node = ChatterNode;
    fn node(&self, _id: NodeId) -> ChatterNode {
        ChatterNode::new(self)
    }
    fn params() -> alloc::vec::Vec<crate::protocol::params::Group> {
        use crate::protocol::params::{slider, Group};
        alloc::vec![Group {
            title: "Cluster",
            params: alloc::vec![
                slider("Nodes", "/protocol/nodes", (2.0, 64.0, 1.0), ""),
                slider(
                    "Conversations per node",
                    "/protocol/fanout",
                    (1.0, 64.0, 1.0),
                    "",
                ),
            ],
            note: None,
        }]
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ping {
    /// How many hops this conversation has made.
    pub hop: u32,
}

impl Message for Ping {
    fn label(&self) -> &'static str {
        "ping"
    }
    fn describe(&self, out: &mut String) {
        // "hop {}", without core::fmt: chatter exists to measure the engine.
        out.push_str("hop ");
        crate::node::push_decimal(out, u64::from(self.hop));
    }
}

#[derive(Clone, Debug)]
pub struct ChatterNode {
    fanout: u16,
    received: u64,
    data: BTreeMap<String, (i64, u64)>,
    applied: crate::opset::OpSet,
}

impl ChatterNode {
    pub fn new(config: &ChatterConfig) -> ChatterNode {
        ChatterNode {
            fanout: config.fanout,
            received: 0,
            data: BTreeMap::new(),
            applied: crate::opset::OpSet::new(),
        }
    }

    fn random_peer(ctx: &mut Ctx<'_, Ping, NoTimer>) -> NodeId {
        // Any node but this one, uniformly.
        let pick = ctx.rng.between(0, u64::from(ctx.cluster) - 2) as u16;
        NodeId(if pick >= ctx.node.0 { pick + 1 } else { pick })
    }
}

/// What a chatter node serves: numbers under keys, kept locally.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    Read { key: String },
    Write { key: String, value: i64 },
}

impl Protocol for ChatterNode {
    type Msg = Ping;
    type Timer = NoTimer;
    type Request = Request;
    type Command = NoCommand;

    fn request(request: node::Request) -> Result<Request, String> {
        match request {
            node::Request::Write { key, value } => Ok(Request::Write { key, value }),
            node::Request::Read { key, .. } => Ok(Request::Read { key }),
            node::Request::Sql { .. } => Err(String::from("chatter nodes keep no SQL table")),
            node::Request::Increment { .. }
            | node::Request::Add { .. }
            | node::Request::Remove { .. }
            | node::Request::Put { .. }
            | node::Request::Get { .. } => {
                Err(String::from("chatter nodes only read and write numbers"))
            }
        }
    }

    fn on_input(
        &mut self,
        ctx: &mut Ctx<'_, Ping, NoTimer>,
        input: Input<Ping, NoTimer, Request, NoCommand>,
    ) {
        match input {
            Input::Start | Input::Recovered => {
                for _ in 0..self.fanout {
                    let to = Self::random_peer(ctx);
                    ctx.send(to, Ping { hop: 0 });
                }
            }
            Input::Message { msg, .. } => {
                self.received += 1;
                let to = Self::random_peer(ctx);
                ctx.send(to, Ping { hop: msg.hop + 1 });
            }
            Input::Timer(never) => match never {},
            Input::Command(never) => match never {},
            Input::Client { op, request } => match request {
                Request::Write { key, value } => {
                    let version = self.data.get(&key).map_or(0, |v| v.1) + 1;
                    self.data.insert(key, (value, version));
                    self.applied.insert(op);
                    ctx.reply(op, Outcome::written(version));
                }
                Request::Read { key } => {
                    let (value, version) = match self.data.get(&key) {
                        Some(&(v, ver)) => (Some(v), ver),
                        None => (None, 0),
                    };
                    ctx.reply(op, Outcome::read(value, version));
                }
            },
        }
    }

    fn on_crash(&mut self) {
        self.received = 0;
    }

    fn view(&self) -> NodeView {
        NodeView {
            role: crate::node::Role::Peer,
            fields: alloc::vec![(
                String::from("messages received"),
                alloc::format!("{}", self.received)
            )],
            data: crate::sorting::map_from(self.data.iter().map(|(k, v)| (k.clone(), v.0))),
            table: None,
            ..NodeView::default()
        }
    }

    fn has_applied(&self, op: OpId) -> bool {
        self.applied.contains(op)
    }

    fn applied_ops(&self) -> crate::opset::OpSet {
        self.applied.clone()
    }

    fn footprint(&self) -> usize {
        self.data.len()
    }
}
