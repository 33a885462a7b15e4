//! The single-leader protocol's messages: what leader, followers and
//! candidates send each other, and how each reads in the diagram and the
//! inspector.

use alloc::string::String;

use super::{join, Change, Entry, Term};
use crate::node::{describe_into, Message, NodeId, OpId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// Leader → follower: append this entry. `prev` is the operation of
    /// the leader's entry just before it: the follower appends only when
    /// its own log agrees there. `upto` is the leader's LSN when it sent
    /// it: a follower that has that much is in sync.
    Replicate {
        term: Term,
        entry: Entry,
        prev: Option<OpId>,
        upto: u64,
    },
    /// Follower → leader: I have every entry up to `lsn` (received or
    /// flushed, as the durability setting says).
    Ack {
        epoch: u32,
        lsn: u64,
    },
    /// Follower → leader: my durable log ends at LSN `after` with the
    /// entry of operation `last`; send me what follows.
    Resume {
        epoch: u32,
        after: u64,
        last: Option<OpId>,
    },
    /// "`term.leader` leads `term.epoch`": a promoted leader's
    /// announcement, a leader's word after a restart, or a correction to a
    /// node still living in an older epoch.
    NewLeader {
        term: Term,
    },
    /// Leader → follower: your log disagrees with mine; keep entries up
    /// to `keep` only, then ask again.
    Rewind {
        epoch: u32,
        keep: u64,
    },
    /// Leader → follower: still here, my log ends at `lsn` with the entry
    /// of operation `last` (sent with automatic failover, and to a new
    /// follower so it knows when it is in sync).
    Heartbeat {
        term: Term,
        lsn: u64,
        last: Option<OpId>,
    },
    /// A follower that lost its leader asks to lead `epoch`; its log ends
    /// at `lsn` with an entry written in epoch `last_epoch` (so voters can
    /// prefer the most up-to-date log, as Raft compares last term, then
    /// length).
    RequestVote {
        epoch: u32,
        lsn: u64,
        last_epoch: u32,
    },
    Vote {
        epoch: u32,
        granted: bool,
    },
    /// New follower → leader: take a snapshot for me.
    JoinRequest,
    /// Leader → the other members: `node` has joined and is streamed to.
    /// Membership is durable knowledge of every member, so whoever leads
    /// next streams to it too.
    Joined {
        epoch: u32,
        node: NodeId,
    },
    /// Leader → new follower: part of the snapshot taken at LSN `lsn`.
    SnapshotChunk(join::Chunk),
}

impl Message for Msg {
    fn label(&self) -> &'static str {
        match self {
            Msg::Replicate { .. } => "replicate",
            Msg::Ack { .. } => "ack",
            Msg::Resume { .. } => "resume",
            Msg::NewLeader { .. } => "new leader",
            Msg::Rewind { .. } => "rewind",
            Msg::Heartbeat { .. } => "heartbeat",
            Msg::RequestVote { .. } => "vote?",
            Msg::Vote { .. } => "vote",
            Msg::JoinRequest => "join",
            Msg::Joined { .. } => "joined",
            Msg::SnapshotChunk(_) => "snapshot",
        }
    }

    fn describe(&self, out: &mut String) {
        match self {
            Msg::Replicate { term, entry, .. } => match &entry.change {
                Change::Put { .. } => describe_into(
                    out,
                    format_args!(
                        "LSN {}: {} (epoch {})",
                        entry.lsn,
                        entry.change.summary(),
                        term.epoch
                    ),
                ),
                c => describe_into(
                    out,
                    format_args!(
                        "LSN {}: {} ({} B, epoch {})",
                        entry.lsn,
                        c.summary(),
                        c.encoded_len(),
                        term.epoch
                    ),
                ),
            },
            Msg::Ack { epoch, lsn } => {
                describe_into(out, format_args!("has up to LSN {lsn} (epoch {epoch})"))
            }
            Msg::Resume { epoch, after, .. } => describe_into(
                out,
                format_args!("send entries after LSN {after} (epoch {epoch})"),
            ),
            Msg::NewLeader { term } => describe_into(
                out,
                format_args!(
                    "{} leads epoch {} from LSN {}",
                    term.leader, term.epoch, term.since
                ),
            ),
            Msg::Rewind { epoch, keep } => {
                describe_into(out, format_args!("keep up to LSN {keep} (epoch {epoch})"))
            }
            Msg::Heartbeat { term, lsn, .. } => describe_into(
                out,
                format_args!("leader of epoch {} alive at LSN {lsn}", term.epoch),
            ),
            Msg::RequestVote {
                epoch,
                lsn,
                last_epoch,
            } => describe_into(
                out,
                format_args!(
                    "vote for me to lead epoch {epoch}: my log ends at LSN {lsn} (from epoch {last_epoch})"
                ),
            ),
            Msg::Vote { epoch, granted } => describe_into(
                out,
                format_args!("{} for epoch {epoch}", if *granted { "yes" } else { "no" }),
            ),
            Msg::JoinRequest => out.push_str("send me a snapshot"),
            Msg::Joined { epoch, node } => describe_into(
                out,
                format_args!("{node} has joined the cluster (epoch {epoch})"),
            ),
            Msg::SnapshotChunk(c) => describe_into(
                out,
                format_args!(
                    "snapshot at LSN {}: rows {}–{} of {}",
                    c.lsn,
                    c.first_row + 1,
                    c.first_row + c.rows.len() as u32,
                    c.total_rows
                ),
            ),
        }
    }
}
