//! Single-leader replication: node 1 is the leader and takes every write;
//! it appends each to its log under the next log sequence number (LSN),
//! applies it, and streams the entry to every follower, which applies
//! entries strictly in LSN order and acknowledges them.
//!
//! When the client hears back is the whole story of the acknowledgement
//! mode: asynchronous — as soon as the leader has the write; synchronous —
//! only once every follower has acknowledged it.
//!
//! Durable state (survives a crash): data, log, LSN. Volatile: which
//! writes are waiting for acknowledgements, what followers have acked.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::node::{Ctx, Input, Message, NodeId, NodeView, OpId, Outcome, Protocol, Request};
use crate::protocol::ProtocolConfig;
use crate::scenario::{Scenario, Validator};
use crate::sim::describe_into;

pub const LEADER: NodeId = NodeId(0);

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SingleLeaderConfig {
    /// Followers besides the leader (1 to 6).
    pub followers: u16,
    #[serde(default)]
    pub ack: AckMode,
}

/// When the leader tells the client its write succeeded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AckMode {
    /// Right after writing locally; followers catch up in the background.
    #[default]
    Async,
    /// After every follower has acknowledged the write.
    Sync,
}

impl SingleLeaderConfig {
    pub fn validate(&self, v: &mut Validator) {
        v.count_in("protocol.followers", self.followers.into(), 1, 6);
    }
}

/// One replicated write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub lsn: u64,
    pub key: String,
    pub value: i64,
    pub op: OpId,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// Leader → follower: apply this log entry.
    Replicate(Entry),
    /// Follower → leader: I have applied everything up to `lsn`.
    Ack { lsn: u64 },
    /// Follower → leader: send me every entry after `lsn` (after a gap or
    /// a restart).
    Resume { after: u64 },
}

impl Message for Msg {
    fn label(&self) -> &'static str {
        match self {
            Msg::Replicate(_) => "replicate",
            Msg::Ack { .. } => "ack",
            Msg::Resume { .. } => "resume",
        }
    }
    fn describe(&self, out: &mut String) {
        match self {
            Msg::Replicate(e) => {
                describe_into(out, format_args!("LSN {}: {} = {}", e.lsn, e.key, e.value))
            }
            Msg::Ack { lsn } => describe_into(out, format_args!("applied up to LSN {lsn}")),
            Msg::Resume { after } => {
                describe_into(out, format_args!("send entries after LSN {after}"))
            }
        }
    }
}

#[derive(Clone, Debug)]
pub struct SingleLeaderNode {
    id: NodeId,
    followers: u16,
    ack: AckMode,
    // Durable.
    data: BTreeMap<String, (i64, u64)>,
    log: Vec<Entry>,
    // Volatile, leader only.
    /// Highest LSN each follower acknowledged (index = node id).
    acked: Vec<u64>,
    /// Writes waiting for acknowledgements: LSN → client operation.
    waiting: BTreeMap<u64, OpId>,
}

impl SingleLeaderNode {
    pub fn new(scenario: &Scenario, id: NodeId) -> SingleLeaderNode {
        let (followers, ack) = match &scenario.protocol {
            ProtocolConfig::SingleLeader(c) => (c.followers, c.ack),
            _ => (1, AckMode::Async),
        };
        SingleLeaderNode {
            id,
            followers,
            ack,
            data: BTreeMap::new(),
            log: Vec::new(),
            acked: alloc::vec![0; usize::from(followers) + 1],
            waiting: BTreeMap::new(),
        }
    }

    fn is_leader(&self) -> bool {
        self.id == LEADER
    }

    pub fn lsn(&self) -> u64 {
        self.log.last().map_or(0, |e| e.lsn)
    }

    fn apply(&mut self, entry: Entry) {
        self.data
            .insert(entry.key.clone(), (entry.value, entry.lsn));
        self.log.push(entry);
    }

    fn followers(&self) -> impl Iterator<Item = NodeId> {
        (1..=self.followers).map(NodeId)
    }

    fn read(&self, ctx: &mut Ctx<'_, Msg>, op: OpId, key: &str) {
        let (value, version) = match self.data.get(key) {
            Some(&(v, lsn)) => (Some(v), lsn),
            None => (None, 0),
        };
        ctx.reply(op, Outcome::Read { value, version });
    }

    fn leader_write(&mut self, ctx: &mut Ctx<'_, Msg>, op: OpId, key: String, value: i64) {
        let entry = Entry {
            lsn: self.lsn() + 1,
            key,
            value,
            op,
        };
        let lsn = entry.lsn;
        for f in self.followers() {
            ctx.send(f, Msg::Replicate(entry.clone()));
        }
        self.apply(entry);
        match self.ack {
            AckMode::Async => {
                ctx.note(format!("Leader wrote LSN {lsn} and answered the client at once; followers have not got it yet."));
                ctx.reply(op, Outcome::Written { version: lsn });
            }
            AckMode::Sync => {
                ctx.note(format!("Leader wrote LSN {lsn}; the client waits until every follower acknowledges it."));
                self.waiting.insert(lsn, op);
            }
        }
    }

    /// Answers every waiting write that all followers have now acknowledged.
    fn release_acknowledged(&mut self, ctx: &mut Ctx<'_, Msg>) {
        let everyone = self
            .followers()
            .map(|f| self.acked[f.index()])
            .min()
            .unwrap_or(0);
        while let Some((&lsn, &op)) = self.waiting.first_key_value() {
            if lsn > everyone {
                break;
            }
            self.waiting.remove(&lsn);
            ctx.note(format!("Every follower has LSN {lsn}: the leader now tells the client the write succeeded."));
            ctx.reply(op, Outcome::Written { version: lsn });
        }
    }
}

impl Protocol for SingleLeaderNode {
    type Msg = Msg;

    fn on_input(&mut self, ctx: &mut Ctx<'_, Msg>, input: Input<Msg>) {
        match input {
            Input::Start => {}
            Input::Recovered => {
                if !self.is_leader() {
                    let after = self.lsn();
                    ctx.note(format!(
                        "{} is back with LSN {after} and asks the leader for the rest.",
                        ctx.node
                    ));
                    ctx.send(LEADER, Msg::Resume { after });
                }
            }
            Input::Timer(_) => {}
            Input::Client { op, request } => match request {
                Request::Read { key } => self.read(ctx, op, &key),
                Request::Write { key, value } => {
                    if self.is_leader() {
                        self.leader_write(ctx, op, key, value);
                    } else {
                        ctx.reply(
                            op,
                            Outcome::Failed {
                                reason: format!("{} is a read-only follower: writes go to the leader ({LEADER})", ctx.node),
                            },
                        );
                    }
                }
            },
            Input::Message { from, msg } => match msg {
                Msg::Replicate(entry) => {
                    let have = self.lsn();
                    if entry.lsn == have + 1 {
                        let lsn = entry.lsn;
                        ctx.note(format!(
                            "{} applied LSN {lsn} ({} = {}).",
                            ctx.node, entry.key, entry.value
                        ));
                        self.apply(entry);
                        ctx.send(from, Msg::Ack { lsn });
                    } else if entry.lsn <= have {
                        ctx.send(from, Msg::Ack { lsn: have });
                    } else {
                        ctx.note(format!(
                            "{} missed entries after LSN {have}: asking the leader to resend.",
                            ctx.node
                        ));
                        ctx.send(from, Msg::Resume { after: have });
                    }
                }
                Msg::Ack { lsn } => {
                    if let Some(slot) = self.acked.get_mut(from.index()) {
                        *slot = (*slot).max(lsn);
                    }
                    self.release_acknowledged(ctx);
                }
                Msg::Resume { after } => {
                    for entry in self.log.iter().filter(|e| e.lsn > after) {
                        ctx.send(from, Msg::Replicate(entry.clone()));
                    }
                }
            },
        }
    }

    fn on_crash(&mut self) {
        self.waiting.clear();
        self.acked.iter_mut().for_each(|a| *a = 0);
    }

    fn view(&self) -> NodeView {
        let mut fields = alloc::vec![
            (String::from("LSN"), format!("{}", self.lsn())),
            (String::from("log entries"), format!("{}", self.log.len())),
        ];
        if self.is_leader() {
            let acks: Vec<String> = self
                .followers()
                .map(|f| format!("{f}: {}", self.acked[f.index()]))
                .collect();
            fields.push((String::from("acknowledged"), acks.join(", ")));
            let waiting: Vec<String> = self.waiting.keys().map(|l| format!("{l}")).collect();
            fields.push((
                String::from("waiting for acks"),
                if waiting.is_empty() {
                    String::from("none")
                } else {
                    waiting.join(", ")
                },
            ));
        }
        NodeView {
            role: String::from(if self.is_leader() {
                "leader"
            } else {
                "follower"
            }),
            fields,
            data: self.data.iter().map(|(k, v)| (k.clone(), v.0)).collect(),
        }
    }

    fn has_applied(&self, op: OpId) -> bool {
        self.log.iter().any(|e| e.op == op)
    }
}
