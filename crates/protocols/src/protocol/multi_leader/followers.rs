//! A leader's stream to the followers in its own datacenter: after every
//! change it sends the key's new copy, numbered. A follower applies
//! copies in order and acknowledges them; one that finds a gap (a copy
//! lost to a partition) or comes back from a crash asks for the whole
//! store, and a leader whose follower has not acknowledged everything by
//! the retry timer sends it the whole store — so followers always catch
//! up, however their copies went missing.

use super::Timer;
use alloc::format;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use super::cell::Cell;
use super::message::Msg;
use super::MultiLeaderNode;
use crate::node::{Ctx, NodeId};

impl MultiLeaderNode {
    /// Sends a key's current copy to this datacenter's followers.
    pub(super) fn copy_to_followers(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, key: &str) {
        let Some(cell) = self.store.get(key) else {
            return;
        };
        let cell = Rc::new(cell.clone());
        self.copy_seq += 1;
        let mut any = false;
        for f in self.config.followers_of(self.dc()) {
            any = true;
            ctx.send(
                f,
                Msg::Copy {
                    seq: self.copy_seq,
                    key: String::from(key),
                    cell: cell.clone(),
                },
            );
        }
        if any {
            self.arm_retry(ctx);
        }
    }

    /// A follower receives copy number `seq`.
    pub(super) fn on_copy(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        from: NodeId,
        seq: u64,
        key: String,
        cell: &Cell,
    ) {
        if seq == self.copy_seq + 1 {
            self.store.insert(key, cell.clone());
            self.copy_seq = seq;
            ctx.send(from, Msg::CopyAck { seq });
        } else if seq <= self.copy_seq {
            ctx.send(from, Msg::CopyAck { seq: self.copy_seq });
        } else {
            ctx.note(format!(
                "{} expected copy {} from its leader but got copy {seq}: some were lost, so it asks for everything.",
                self.me,
                self.copy_seq + 1
            ));
            ctx.send(from, Msg::CatchUp);
        }
    }

    pub(super) fn on_copy_ack(&mut self, from: NodeId, seq: u64) {
        let acked = self.follower_acked.entry(from).or_insert(0);
        *acked = (*acked).max(seq);
    }

    /// The whole store, numbered with the last copy it includes.
    pub(super) fn send_snapshot(&self, ctx: &mut Ctx<'_, Msg, Timer>, to: NodeId) {
        let cells: Vec<(String, Cell)> = self
            .store
            .iter()
            .map(|(k, c)| (k.clone(), c.clone()))
            .collect();
        ctx.send(
            to,
            Msg::Snapshot {
                seq: self.copy_seq,
                cells: Rc::new(cells),
            },
        );
    }

    pub(super) fn on_snapshot(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        from: NodeId,
        seq: u64,
        cells: &[(String, Cell)],
    ) {
        if seq < self.copy_seq {
            return;
        }
        self.store = crate::sorting::map_from(cells.iter().cloned());
        self.copy_seq = seq;
        ctx.send(from, Msg::CopyAck { seq });
    }

    /// Followers that have not acknowledged every copy get the whole
    /// store again; true when some did.
    pub(super) fn resend_to_followers(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) -> bool {
        let behind: Vec<NodeId> = self
            .config
            .followers_of(self.dc())
            .filter(|f| self.follower_acked.get(f).copied().unwrap_or(0) < self.copy_seq)
            .collect();
        for &f in &behind {
            ctx.note(format!(
                "{f} has not acknowledged {}'s latest copies: the leader sends it the whole store.",
                self.me
            ));
            self.send_snapshot(ctx, f);
        }
        !behind.is_empty()
    }
}
