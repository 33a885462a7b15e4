//! The messages Raft servers exchange: the paper's RequestVote and
//! AppendEntries (with their pre-vote and InstallSnapshot relatives), plus
//! the two a server that took a client's request uses to pass it to the
//! leader and get the answer back.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use super::log::{Entry, Members};
use super::request::Request;
use crate::node::{describe_into, Message, OpId, Outcome};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// "Would you vote for me in `term`?" — asked without raising any
    /// term (pre-vote).
    PreVote {
        term: u32,
        last_index: u64,
        last_term: u32,
    },
    PreVoteReply {
        term: u32,
        granted: bool,
    },
    /// RequestVote. `transfer`: the leader handed over; vote even if a
    /// leader was heard recently.
    RequestVote {
        term: u32,
        last_index: u64,
        last_term: u32,
        transfer: bool,
    },
    Vote {
        term: u32,
        granted: bool,
    },
    /// AppendEntries: `entries` follow position `prev_index` (of term
    /// `prev_term`); `round` numbers the leader's heartbeat rounds, for
    /// ReadIndex and leases.
    Append {
        term: u32,
        prev_index: u64,
        prev_term: u32,
        entries: Vec<Entry>,
        commit: u64,
        round: u64,
    },
    /// `matched`: on success the last position now agreeing with the
    /// leader; on failure the position the leader should try next (the
    /// fast back-up: the first entry of the conflicting term, or just past
    /// the follower's log).
    AppendReply {
        term: u32,
        success: bool,
        matched: u64,
        round: u64,
    },
    /// InstallSnapshot: the state machine up to `index` (of `last_term`),
    /// for a follower that needs entries the leader has compacted away.
    Snapshot {
        term: u32,
        index: u64,
        last_term: u32,
        data: BTreeMap<String, (i64, u64)>,
        done: BTreeMap<OpId, u64>,
        members: Members,
        round: u64,
    },
    /// A client's request, passed from the server it contacted to the
    /// leader it knows.
    Forward {
        op: OpId,
        request: Request,
    },
    /// The leader's answer to a forwarded request.
    Answer {
        op: OpId,
        outcome: Outcome,
    },
    /// A server outside the cluster asks to join.
    Join,
}

impl Message for Msg {
    fn label(&self) -> &'static str {
        match self {
            Msg::PreVote { .. } => "pre-vote",
            Msg::PreVoteReply { .. } => "pre-vote reply",
            Msg::RequestVote { .. } => "request vote",
            Msg::Vote { .. } => "vote",
            Msg::Append { entries, .. } if entries.is_empty() => "heartbeat",
            Msg::Append { .. } => "append",
            Msg::AppendReply { .. } => "append reply",
            Msg::Snapshot { .. } => "snapshot",
            Msg::Forward { .. } => "forward",
            Msg::Answer { .. } => "answer",
            Msg::Join => "join",
        }
    }

    fn describe(&self, out: &mut String) {
        match self {
            Msg::PreVote {
                term,
                last_index,
                last_term,
            } => describe_into(
                out,
                format_args!("term {term}, last entry {last_index} (term {last_term})"),
            ),
            Msg::RequestVote {
                term,
                last_index,
                last_term,
                transfer,
            } => {
                describe_into(
                    out,
                    format_args!("term {term}, last entry {last_index} (term {last_term})"),
                );
                if *transfer {
                    out.push_str(", leadership transfer");
                }
            }
            Msg::PreVoteReply { term, granted } | Msg::Vote { term, granted } => describe_into(
                out,
                format_args!("term {term}: {}", if *granted { "yes" } else { "no" }),
            ),
            Msg::Append {
                term,
                prev_index,
                prev_term,
                entries,
                commit,
                ..
            } => {
                describe_into(
                    out,
                    format_args!("term {term}, after {prev_index} (term {prev_term}), "),
                );
                match (entries.first(), entries.last()) {
                    (Some(_), Some(_)) if entries.len() == 1 => {
                        describe_into(out, format_args!("entry {}", prev_index + 1))
                    }
                    (Some(_), Some(_)) => describe_into(
                        out,
                        format_args!(
                            "entries {}–{}",
                            prev_index + 1,
                            prev_index + entries.len() as u64
                        ),
                    ),
                    _ => out.push_str("no entries"),
                }
                describe_into(out, format_args!(", commit {commit}"));
            }
            Msg::AppendReply {
                term,
                success,
                matched,
                ..
            } => {
                if *success {
                    describe_into(out, format_args!("term {term}: ok, up to {matched}"))
                } else {
                    describe_into(out, format_args!("term {term}: no, try {matched}"))
                }
            }
            Msg::Snapshot {
                term,
                index,
                last_term,
                ..
            } => describe_into(
                out,
                format_args!("term {term}, state up to entry {index} (term {last_term})"),
            ),
            Msg::Forward { op, request } => match request {
                Request::Read { key } => describe_into(out, format_args!("#{} read {key}", op.0)),
                Request::Write { key, value } => {
                    describe_into(out, format_args!("#{} write {key} = {value}", op.0))
                }
            },
            Msg::Answer { op, .. } => describe_into(out, format_args!("#{}", op.0)),
            Msg::Join => out.push_str("let me in"),
        }
    }
}
