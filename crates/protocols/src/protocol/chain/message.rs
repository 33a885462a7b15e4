//! The chain's messages, and how each reads in the diagram and the
//! inspector. Messages between neighbours in the chain carry the
//! configuration version their sender believes in: a node acts on them
//! only when it believes in the same one, so a server the master removed
//! (which may not know it yet) can no longer feed writes or
//! acknowledgements into the new chain.

use alloc::string::String;
use alloc::vec::Vec;

use crate::node::{describe_into, Message, NodeId, OpId};

/// One write, as the head numbered it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Write {
    /// Its place in the chain's single order of writes: 1, 2, 3… The
    /// head hands out the next number; every node holds writes 1..=n
    /// with no gap, so "has up to n" says everything.
    pub seq: u64,
    /// The client operation (request id) it came from: the head never
    /// numbers one request twice.
    pub op: OpId,
    pub key: String,
    pub value: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// The node a client contacted → the head: please write this. Sent
    /// again, unchanged, when no answer comes.
    Submit { op: OpId, key: String, value: i64 },
    /// Predecessor → successor: the next write down the chain.
    Forward { version: u32, write: Write },
    /// Successor → predecessor: the tail has committed every write up to
    /// `upto`, and I hold writes up to `has`.
    Ack { version: u32, upto: u64, has: u64 },
    /// Successor → (new) predecessor: I hold writes up to `last`; send
    /// me what follows.
    Resume { version: u32, last: u64 },
    /// Predecessor → successor: the writes after `after` that it holds
    /// (all of them, for a server joining empty), and how far the chain
    /// has committed. `vouched`: the sender is a member holding a lease,
    /// so the master still counts it in the chain and what it sends is
    /// every committed write — only such a copy makes a joiner a member.
    Copy {
        version: u32,
        after: u64,
        writes: Vec<Write>,
        committed: u64,
        vouched: bool,
    },
    /// Head → the node that submitted `op` again: it was committed long
    /// ago as write `seq`.
    Done { op: OpId, seq: u64 },
    /// The node a client contacted → the tail: answer this read.
    Read { op: OpId, key: String },
    /// Tail → that node: the committed value (`version` 0: never written).
    Value {
        op: OpId,
        value: Option<i64>,
        version: u64,
    },
    /// CRAQ: a node holding a dirty copy of `key` → the tail: which
    /// version of it is committed?
    VersionQuery { op: OpId, key: String },
    /// Tail → that node: version `seq` (written by `writer`) is the
    /// committed one.
    Version {
        op: OpId,
        key: String,
        seq: u64,
        writer: Option<OpId>,
    },
    /// Chain node → master: I am alive, at configuration `version`;
    /// `stamp` is my clock when I sent this; `synced`: my copy of the
    /// chain's writes is complete.
    Renew {
        version: u32,
        stamp: i64,
        synced: bool,
    },
    /// Master → chain node: you are in the chain; answer reads until
    /// `stamp` plus the lease.
    Lease { version: u32, stamp: i64 },
    /// Master → everyone: configuration `version` is this chain, head
    /// first.
    Config { version: u32, chain: Vec<NodeId> },
    /// A server → master: add me at the tail.
    Join,
}

impl Message for Msg {
    fn label(&self) -> &'static str {
        match self {
            Msg::Submit { .. } => "submit",
            Msg::Forward { .. } => "write",
            Msg::Ack { .. } => "ack",
            Msg::Resume { .. } => "resume",
            Msg::Copy { .. } => "copy",
            Msg::Done { .. } => "done",
            Msg::Read { .. } => "read",
            Msg::Value { .. } => "value",
            Msg::VersionQuery { .. } => "version?",
            Msg::Version { .. } => "version",
            Msg::Renew { .. } => "heartbeat",
            Msg::Lease { .. } => "lease",
            Msg::Config { .. } => "config",
            Msg::Join => "join",
        }
    }

    fn describe(&self, out: &mut String) {
        match self {
            Msg::Submit { op, key, value } => {
                describe_into(out, format_args!("request #{}: {key} = {value}", op.0))
            }
            Msg::Forward { version, write } => describe_into(
                out,
                format_args!(
                    "write {}: {} = {} (request #{}, config {version})",
                    write.seq, write.key, write.value, write.op.0
                ),
            ),
            Msg::Ack { version, upto, has } => describe_into(
                out,
                format_args!("committed up to write {upto}; I hold up to {has} (config {version})"),
            ),
            Msg::Resume { version, last } => describe_into(
                out,
                format_args!("I hold writes up to {last}: send what follows (config {version})"),
            ),
            Msg::Copy {
                version,
                after,
                writes,
                committed,
                vouched,
            } => {
                match (writes.first(), writes.last()) {
                    (Some(f), Some(l)) => describe_into(
                        out,
                        format_args!(
                            "writes {}–{} after {after}, committed up to {committed} (config {version})",
                            f.seq, l.seq
                        ),
                    ),
                    _ => describe_into(
                        out,
                        format_args!(
                            "nothing after write {after}, committed up to {committed} (config {version})"
                        ),
                    ),
                }
                if !vouched {
                    out.push_str("; sender holds no lease");
                }
            }
            Msg::Done { op, seq } => describe_into(
                out,
                format_args!("request #{} was committed as write {seq}", op.0),
            ),
            Msg::Read { op, key } => {
                describe_into(out, format_args!("request #{}: read {key}", op.0))
            }
            Msg::Value { op, value, version } => match value {
                Some(v) => describe_into(
                    out,
                    format_args!("request #{}: {v} (write {version})", op.0),
                ),
                None => describe_into(out, format_args!("request #{}: never written", op.0)),
            },
            Msg::VersionQuery { op, key } => describe_into(
                out,
                format_args!("request #{}: which version of {key} is committed?", op.0),
            ),
            Msg::Version { op, key, seq, .. } => describe_into(
                out,
                format_args!("request #{}: {key} is committed at write {seq}", op.0),
            ),
            Msg::Renew {
                version, synced, ..
            } => describe_into(
                out,
                format_args!(
                    "alive at config {version}{}",
                    if *synced { "" } else { ", still copying" }
                ),
            ),
            Msg::Lease { version, .. } => {
                describe_into(out, format_args!("lease renewed (config {version})"))
            }
            Msg::Config { version, chain } => {
                describe_into(out, format_args!("config {version}: "));
                for (i, n) in chain.iter().enumerate() {
                    if i > 0 {
                        out.push_str(" → ");
                    }
                    describe_into(out, format_args!("{}", n.0 + 1));
                }
            }
            Msg::Join => out.push_str("add me at the tail"),
        }
    }
}
