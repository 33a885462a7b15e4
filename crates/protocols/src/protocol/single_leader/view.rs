//! What the inspector shows of a single-leader node: its role, log
//! position, replication state, and its data and table.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::*;
use crate::node::Role;

/// What the inspector shows.
impl SingleLeaderNode {
    pub(super) fn node_view(&self) -> NodeView {
        let mut fields = alloc::vec![
            field("LSN", format!("{}", self.lsn())),
            field("epoch", format!("{}", self.term.epoch)),
        ];
        if self.is_leader() {
            fields.extend(self.leader_fields());
        } else {
            fields.extend(self.follower_fields());
        }
        fields.push(field(
            "log format",
            String::from(self.config.log_format.name()),
        ));
        fields.push(field(
            "storage format",
            format!("v{}", self.store.version.0),
        ));
        if self.config.failover.is_some() {
            fields.push(field("elections started", format!("{}", self.elections)));
        }
        if self.diverged > 0 {
            fields.push(field(
                "diverged from leader",
                format!("after {} statement(s)", self.diverged),
            ));
        }
        let role = match (&self.join, self.is_leader()) {
            (JoinState::Outside, _) => Role::NotJoined,
            (JoinState::Copying { .. }, _) => Role::CopyingSnapshot,
            (JoinState::CatchingUp { .. }, _) => Role::CatchingUp,
            (_, true) => Role::Leader,
            (_, false) => Role::Follower,
        };
        NodeView {
            role,
            log_position: Some(self.lsn()),
            epoch: Some(self.term.epoch),
            fields,
            data: crate::sorting::map_from(self.store.kv.iter().map(|(k, v)| (k.clone(), v.value))),
            table: Some(self.store.table.to_view()),
            ..NodeView::default()
        }
    }

    pub(super) fn leader_fields(&self) -> Vec<(String, String)> {
        let lsn = self.lsn();
        let acks: Vec<String> = (0..self.volatile.acked.len() as u16)
            .map(NodeId)
            .filter(|&n| n != self.id)
            .map(|n| {
                let a = self.acked_by(n);
                format!("{n}: LSN {a} (lag {})", lsn.saturating_sub(a))
            })
            .collect();
        let waiting: Vec<String> = self
            .volatile
            .waiting
            .keys()
            .map(|l| format!("LSN {l}"))
            .collect();
        let copies: Vec<String> = self
            .volatile
            .copies
            .iter()
            .map(|(n, c)| {
                format!(
                    "to {n}: {} of {} rows (snapshot at LSN {})",
                    c.next,
                    c.rows.len(),
                    c.lsn
                )
            })
            .collect();
        let mut fields = alloc::vec![
            field("mode", self.mode_text()),
            field("acknowledged", acks.join(", ")),
            field(
                "waiting writes",
                if waiting.is_empty() {
                    String::from("none")
                } else {
                    waiting.join(", ")
                },
            ),
        ];
        if !copies.is_empty() {
            fields.push(field("snapshot copies", copies.join("; ")));
        }
        fields
    }

    pub(super) fn mode_text(&self) -> String {
        match self.config.ack {
            AckMode::Async => String::from("async"),
            AckMode::SemiSync if self.volatile.fell_back => {
                String::from("async (semi-sync fell back)")
            }
            AckMode::SemiSync => String::from("semi-sync"),
            AckMode::Sync => {
                let sync = self.config.synchronous_followers(self.id);
                if sync.is_empty() {
                    String::from("sync, but no synchronous follower: answers at once")
                } else {
                    format!("sync (waits for {})", group(&sync))
                }
            }
        }
    }

    pub(super) fn follower_fields(&self) -> Vec<(String, String)> {
        let acks = if self.acks_on_receipt() {
            "on receipt, before flushing"
        } else {
            "after flushing"
        };
        let state = match (&self.stopped, &self.join) {
            (Some(reason), _) => format!("stopped — {reason}"),
            (None, JoinState::Outside) => String::from("not part of the cluster yet"),
            (None, JoinState::Copying { lsn, got, total }) => {
                format!("copying snapshot at LSN {lsn}: {got} of {total} rows")
            }
            (None, JoinState::CatchingUp { target }) => {
                format!("catching up: LSN {} of {target}", self.lsn())
            }
            (None, JoinState::Member) => match self.volatile.leader_lsn {
                None => String::from("has not heard from its leader since it started"),
                Some(leader) => {
                    let lag = leader.saturating_sub(self.lsn());
                    if lag == 0 {
                        String::from("streaming, in sync as far as it knows")
                    } else {
                        format!(
                            "streaming, {lag} entr{} behind",
                            if lag == 1 { "y" } else { "ies" }
                        )
                    }
                }
            },
        };
        alloc::vec![
            field("leader", format!("{}", self.term.leader)),
            field("replication", state),
            field("received LSN", format!("{}", self.received_lsn())),
            field(
                "unflushed entries",
                format!("{}", self.volatile.buffer.len())
            ),
            field("acknowledges", String::from(acks)),
        ]
    }
}

fn field(name: &str, value: String) -> (String, String) {
    (String::from(name), value)
}
