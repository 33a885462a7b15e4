//! Client requests at a single-leader node: writes at the leader (a
//! follower refuses them and names the leader), reads anywhere — held back
//! until a follower has caught up to the version the client last saw —
//! and SQL statements.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::{Change, JoinState, Msg, Request, SingleLeaderNode, Timer};
use crate::node::{statement_is_write, Ctx, NodeId, OpId, Outcome};
use crate::sql::Value;

impl SingleLeaderNode {
    pub(super) fn refuse_write(&self, ctx: &mut Ctx<'_, Msg, Timer>, op: OpId) {
        let reason = format!(
            "{} is a read-only follower: writes go to the leader ({}, epoch {})",
            self.id, self.term.leader, self.term.epoch
        );
        ctx.reply(op, Outcome::Failed { reason });
    }

    /// Corrects a node that still believes in leadership (`epoch`,
    /// `leader`) when this node knows a later one.
    pub(super) fn correct_if_stale(
        &self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        to: NodeId,
        epoch: u32,
        leader: NodeId,
    ) {
        if !self.term.outranks(epoch, leader) || to == self.id {
            return;
        }
        if !self.config.fencing {
            // Without fencing, leaderships carry no numbers anyone checks:
            // nothing tells the other node its leadership is over.
            return;
        }
        let t = self.term;
        let belief = if leader == to {
            String::from("it leads")
        } else {
            format!("{leader} leads")
        };
        let answer = if self.is_leader() {
            format!("it leads epoch {} now", t.epoch)
        } else {
            format!("{} leads epoch {} now", t.leader, t.epoch)
        };
        ctx.note(format!(
            "{} still believes {belief} epoch {epoch}; {} answers that {answer}.",
            to.capitalised(),
            self.id
        ));
        ctx.send(to, Msg::NewLeader { term: t });
    }

    pub(super) fn on_client(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, op: OpId, request: Request) {
        if let Some(reason) = self.not_serving() {
            ctx.reply(op, Outcome::Failed { reason });
            return;
        }
        match request {
            Request::Read { key, at_least } => self.read(ctx, op, key, at_least),
            Request::Sql { sql } if !statement_is_write(&sql) => self.select(ctx, op, &sql),
            _ if !self.is_leader() => self.refuse_write(ctx, op),
            Request::Write { key, value } => {
                let undo_key = key.clone();
                let lsn = self.lsn() + 1;
                let undo = self
                    .store
                    .put(&undo_key, value, lsn, (self.term.epoch, self.id));
                let what = format!("LSN {lsn} ({key} = {value})");
                self.leader_write(ctx, op, Change::Put { key, value }, undo, &what);
            }
            Request::Sql { sql } => self.leader_sql(ctx, op, &sql),
        }
    }

    /// Why this node answers no client now (a follower still joining).
    pub(super) fn not_serving(&self) -> Option<String> {
        match &self.join {
            JoinState::Member => None,
            JoinState::Outside => Some(format!(
                "{} is not part of the cluster yet: an operator has to add it as a follower",
                self.id
            )),
            JoinState::Copying { .. } => Some(format!(
                "{} is still copying the leader's snapshot: it serves no reads until it has caught up",
                self.id
            )),
            JoinState::CatchingUp { target } => Some(format!(
                "{} is catching up (LSN {} of {target}): it serves no reads until it is in sync",
                self.id,
                self.lsn()
            )),
        }
    }

    /// A key-value read, at once or once this node has applied `at_least`.
    pub(super) fn read(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        op: OpId,
        key: String,
        at_least: Option<u64>,
    ) {
        match at_least {
            Some(v) if v > self.lsn() && !self.is_leader() => {
                ctx.note(format!(
                    "{} has applied up to LSN {} but the client has seen LSN {v}: the read waits until this follower catches up.",
                    self.id.capitalised(),
                    self.lsn()
                ));
                self.volatile.pending_reads.push((op, key, v));
            }
            _ => self.answer_read(ctx, op, &key),
        }
    }

    pub(super) fn answer_read(&self, ctx: &mut Ctx<'_, Msg, Timer>, op: OpId, key: &str) {
        let outcome = match self.store.kv.get(key) {
            Some(kv) => Outcome::Read {
                value: Some(kv.value),
                version: kv.lsn,
                epoch: Some(kv.epoch),
                leader: Some(kv.leader),
                causal: None,
            },
            None => Outcome::read(None, 0),
        };
        ctx.reply(op, outcome);
    }

    /// Answers waiting reads this node has now caught up for.
    pub(super) fn release_reads(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        if self.volatile.pending_reads.is_empty() {
            return;
        }
        let lsn = self.lsn();
        let (ready, still): (Vec<_>, Vec<_>) = core::mem::take(&mut self.volatile.pending_reads)
            .into_iter()
            .partition(|r| r.2 <= lsn);
        self.volatile.pending_reads = still;
        for (op, key, v) in ready {
            ctx.note(format!(
                "{} has reached LSN {v}: the waiting read of {key} is answered.",
                self.id.capitalised()
            ));
            self.answer_read(ctx, op, &key);
        }
    }

    /// A `SELECT`: any member node answers from its own table.
    pub(super) fn select(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, op: OpId, sql: &str) {
        let mut table = self.store.table.clone();
        match crate::sql::execute_sql(&mut table, sql, ctx) {
            Ok(effects) => {
                let rs = effects.selected.unwrap_or(crate::sql::ResultSet {
                    columns: Vec::new(),
                    rows: Vec::new(),
                });
                ctx.reply(
                    op,
                    Outcome::Rows {
                        columns: rs.columns,
                        rows: rs
                            .rows
                            .iter()
                            .map(|r| r.iter().map(|v: &Value| format!("{v}")).collect())
                            .collect(),
                        version: self.lsn(),
                    },
                );
            }
            Err(e) => ctx.reply(
                op,
                Outcome::Failed {
                    reason: format!("SQL error: {e}"),
                },
            ),
        }
    }
}
