//! Client requests. Any node answers reads from its own copy; a leader
//! takes writes at once (replication is asynchronous, so the client
//! waits only for the local datacenter) and turns each into a row event
//! for its peers; a follower sends writers to its datacenter's leader.

use super::Timer;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::cell::{Cell, Stamp, Value};
use super::config::Resolution;
use super::crdt_value::{CrdtValue, Reading};
use super::message::{Change, Msg, Update};
use super::request::{Edit, Request};
use super::MultiLeaderNode;
use crate::node::{Causal, Ctx, OpId, Outcome};
use crate::vv::Dot;

impl MultiLeaderNode {
    pub(super) fn on_client(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, op: OpId, request: Request) {
        match request {
            Request::Read { key } => self.read(ctx, op, &key),
            Request::Write { .. } if !self.is_leader() => ctx.reply(
                op,
                Outcome::Failed {
                    reason: format!(
                        "{} is a follower in dc {}: writes go to that datacenter's leader, {}",
                        self.me,
                        self.dc() + 1,
                        self.my_leader()
                    ),
                },
            ),
            Request::Write { key, edit } => self.write(ctx, op, key, edit),
        }
    }

    fn read(&self, ctx: &mut Ctx<'_, Msg, Timer>, op: OpId, key: &str) {
        let outcome = match self.store.get(key) {
            None => Outcome::Read {
                value: None,
                version: 0,
                epoch: None,
                leader: None,
                causal: Some(Causal::default()),
            },
            Some(cell) => {
                // What the copy shows and every write it reflects: versions
                // compare by which writes they have seen, not by a number.
                let causal = Some(Causal {
                    dots: cell.writers.iter().map(|w| w.dot).collect(),
                    context: cell.vv.clone(),
                });
                match cell.value.reading() {
                    Reading::Number(value) => Outcome::Read {
                        value,
                        version: cell.version(),
                        epoch: None,
                        leader: None,
                        causal,
                    },
                    Reading::Values(values) => Outcome::Values {
                        values,
                        version: cell.version(),
                        causal,
                        siblings: Vec::new(),
                    },
                }
            }
        };
        ctx.reply(op, outcome);
    }

    /// The value a plain (non-CRDT) write leaves, or why it cannot run.
    fn plain_value(existing: Option<&Value>, key: &str, edit: Edit) -> Result<Value, String> {
        match (edit, existing) {
            (Edit::Set(value), _) => Ok(Value::Number(value)),
            (Edit::Increment(by), Some(Value::Number(n))) => {
                Ok(Value::Number(n.saturating_add(by)))
            }
            // Like Redis INCR: a missing counter starts at zero.
            (Edit::Increment(by), None) => Ok(Value::Number(by)),
            (Edit::Add(value), None) => Ok(Value::Set([value].into_iter().collect())),
            (Edit::Add(value), Some(Value::Set(s))) => {
                let mut s = s.clone();
                s.insert(value);
                Ok(Value::Set(s))
            }
            (Edit::Remove(value), Some(Value::Set(s))) if s.contains(&value) => {
                let mut s = s.clone();
                s.remove(&value);
                Ok(Value::Set(s))
            }
            (Edit::Remove(value), Some(Value::Set(_)) | None) => {
                Err(format!("{value} is not in {key}"))
            }
            (_, Some(Value::Siblings(_))) => Err(format!(
                "{key} has conflicting versions waiting for review: write the value to keep first"
            )),
            (Edit::Increment(_), Some(_)) => Err(format!("{key} does not hold a number")),
            (Edit::Add(_) | Edit::Remove(_), Some(_)) => Err(format!("{key} does not hold a set")),
        }
    }

    fn write(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, op: OpId, key: String, edit: Edit) {
        let existing = self.store.get(&key).cloned();
        let me = self.me;
        let change = if self.config.resolution == Resolution::Crdt {
            let mut state = match existing.as_ref().map(|c| &c.value) {
                Some(Value::Crdt(c)) => c.clone(),
                _ => CrdtValue::new(self.config.crdt),
            };
            if let Err(reason) = state.apply(me, ctx.local_time_us, edit) {
                ctx.reply(op, Outcome::Failed { reason });
                return;
            }
            Change::State(state)
        } else {
            match Self::plain_value(existing.as_ref().map(|c| &c.value), &key, edit) {
                Ok(v) if existing.is_none() => Change::Insert(v),
                Ok(v) => Change::Update(v),
                Err(reason) => {
                    ctx.reply(op, Outcome::Failed { reason });
                    return;
                }
            }
        };
        self.seq += 1;
        let dot = Dot {
            node: me,
            counter: self.seq,
        };
        let deps = self.applied.clone();
        let mut vv = existing.as_ref().map(|c| c.vv.clone()).unwrap_or_default();
        let causal = Causal {
            dots: alloc::vec![dot],
            context: vv.clone(),
        };
        vv.observe(dot);
        let update = Update {
            dot,
            op,
            key: key.clone(),
            change,
            vv: vv.clone(),
            deps,
            stamp: Stamp {
                micros: ctx.local_time_us,
                node: me.0,
            },
            what: match edit {
                Edit::Set(value) => format!("{key} = {value}"),
                edit => format!("{}", edit.request(key.clone())),
            },
            path: alloc::vec![me],
        };
        self.applied.observe(dot);
        self.applied_ops.insert(op);
        let writer = update.writer();
        let new_value = match &update.change {
            Change::Insert(v) | Change::Update(v) => v.clone(),
            Change::State(s) => Value::Crdt(s.clone()),
        };
        match existing {
            // Last write wins trusts the clock even for a local write: if
            // the copy here carries a later timestamp, the new value never
            // shows — though the client is told it succeeded.
            Some(old)
                if self.config.resolution == Resolution::LastWriteWins
                    && update.stamp < old.stamp() =>
            {
                let winner = old
                    .writers
                    .iter()
                    .max_by_key(|w| w.stamp)
                    .cloned()
                    .unwrap_or_else(|| writer.clone());
                let cell = self.store.get_mut(&key).expect("present");
                cell.vv.merge(&vv);
                self.discard(ctx, &writer, &winner);
            }
            _ => {
                self.store
                    .insert(key.clone(), Cell::new(new_value, vv, writer));
            }
        }
        let version = self.store.get(&key).map_or(0, Cell::version);
        self.log_update(&update);
        ctx.reply(
            op,
            Outcome::Written {
                version,
                epoch: None,
                leader: None,
                causal: Some(causal),
            },
        );
        self.copy_to_followers(ctx, &key);
        self.ship(ctx);
    }
}
