//! The configuration master: the one node that decides what the chain
//! is. The paper's master is itself replicated (with Paxos) so that it
//! never fails; ours is a single node, so while it is down nobody is
//! removed or added — the chain keeps serving as it was, but a failure
//! then stops writes until the master is back.
//!
//! Every chain server sends it a heartbeat every `heartbeat_ms`, stamped
//! with the server's own clock; the master answers with a lease: "you
//! may answer reads until your stamp plus half the timeout". A server it
//! has not heard from for `timeout_ms` is removed, and the master sends
//! the new chain, with the next configuration number, to every node.
//! Because the lease is shorter than the timeout and counted from before
//! the last heartbeat the master saw, a removed server has stopped
//! answering reads by then even if it is alive behind a partition — so a
//! new tail never commits writes an old one could still be hiding.
//!
//! It never removes the last server, nor one whose removal would leave no
//! server holding every write (servers still copying do not count): the
//! chain then waits for that server to come back.

use alloc::format;

use super::*;

impl ChainNode {
    /// At the start, and after a restart: every chain server counts as
    /// heard now (its configuration is on disk, its clocks are not).
    pub(super) fn master_start(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        let now = ctx.local_time_us;
        let members: Vec<NodeId> = self.chain.clone();
        self.volatile.heard = members.into_iter().map(|n| (n, now)).collect();
        ctx.set_timer(
            Timer::Check,
            self.config.heartbeat(),
            self.config.heartbeat(),
        );
    }

    pub(super) fn master_message(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Renew {
                version,
                stamp,
                synced,
            } => {
                if !self.chain.contains(&from) {
                    self.send_config(ctx, from);
                    return;
                }
                self.volatile.heard.insert(from, ctx.local_time_us);
                // Only a report about the current configuration counts: an
                // old heartbeat from before the server rejoined must not
                // vouch for the copy it is still making.
                if synced && version == self.version {
                    self.synced.insert(from);
                }
                if version != self.version {
                    self.send_config(ctx, from);
                }
                ctx.send(
                    from,
                    Msg::Lease {
                        version: self.version,
                        stamp,
                    },
                );
            }
            Msg::Join => {
                if from == self.id {
                    return;
                }
                if self.chain.contains(&from) {
                    self.send_config(ctx, from);
                    return;
                }
                self.chain.push(from);
                self.synced.remove(&from);
                self.volatile.heard.insert(from, ctx.local_time_us);
                self.version += 1;
                ctx.note(format!(
                    "The master adds {} at the tail: config {} is {}. It copies the writes from its predecessor before it counts.",
                    from,
                    self.version,
                    chain_text(&self.chain)
                ));
                self.broadcast(ctx);
            }
            _ => {}
        }
    }

    fn send_config(&self, ctx: &mut Ctx<'_, Msg, Timer>, to: NodeId) {
        ctx.send(
            to,
            Msg::Config {
                version: self.version,
                chain: self.chain.clone(),
            },
        );
    }

    fn broadcast(&self, ctx: &mut Ctx<'_, Msg, Timer>) {
        for peer in ctx.peers() {
            self.send_config(ctx, peer);
        }
    }

    /// Removes every chain server silent for longer than the timeout,
    /// as long as a server holding every write remains.
    pub(super) fn master_check(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        let now = ctx.local_time_us;
        let timeout = self.config.timeout().0 as i64;
        let mut changed = false;
        for node in self.chain.clone() {
            let heard = self.volatile.heard.get(&node).copied().unwrap_or(now);
            if now - heard <= timeout {
                continue;
            }
            let others_synced = self
                .chain
                .iter()
                .any(|&n| n != node && self.synced.contains(&n));
            if self.chain.len() <= 1 || !others_synced {
                continue;
            }
            let was = match self.chain.iter().position(|&n| n == node) {
                Some(0) => "head",
                Some(i) if i + 1 == self.chain.len() => "tail",
                _ => "middle node",
            };
            self.chain.retain(|&n| n != node);
            self.synced.remove(&node);
            self.volatile.heard.remove(&node);
            self.version += 1;
            changed = true;
            ctx.note(format!(
                "The master has not heard from {node} (the {was}) for {} ms: it removes it. Config {} is {}.",
                (now - heard) / 1000,
                self.version,
                chain_text(&self.chain)
            ));
        }
        if changed {
            self.broadcast(ctx);
        }
        ctx.set_timer(
            Timer::Check,
            self.config.heartbeat(),
            self.config.heartbeat(),
        );
    }
}
