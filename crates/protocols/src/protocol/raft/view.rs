//! What the inspector and the Raft picture show of a server: its state,
//! term and vote, its log by term with the commit index, and on a leader
//! each server's next and match positions.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::*;
use crate::node::{LogCell, LogView, Progress, Role};

fn field(name: &str, value: String) -> (String, String) {
    (String::from(name), value)
}

impl RaftNode {
    pub(super) fn role(&self) -> Role {
        let members = self.members();
        if !members.listens(self.id) {
            return Role::NotJoined;
        }
        if members.learns(self.id) {
            return Role::Learner;
        }
        match self.volatile.state {
            State::Follower => Role::Follower,
            State::PreCandidate => Role::PreCandidate,
            State::Candidate => Role::Candidate,
            State::Leader => Role::Leader,
        }
    }

    pub(super) fn node_view(&self) -> NodeView {
        let v = &*self.volatile;
        let mut fields = alloc::vec![
            field("term", format!("{}", self.term)),
            field(
                "voted for",
                self.voted_for
                    .map_or(String::from("nobody"), |n| format!("{n}")),
            ),
            field(
                "leader",
                v.leader.map_or(String::from("unknown"), |n| format!("{n}")),
            ),
            field(
                "last entry",
                format!("{} (term {})", self.log.last_index(), self.log.last_term()),
            ),
            field("commit index", format!("{}", v.commit)),
            field("applied", format!("{}", v.applied)),
        ];
        if self.log.base > 0 {
            fields.push(field(
                "snapshot",
                format!(
                    "up to entry {} (term {})",
                    self.log.base, self.log.base_term
                ),
            ));
        }
        let mut progress = Vec::new();
        if let Some(lead) = &v.lead {
            for peer in self.members().others(self.id) {
                let i = peer.index();
                progress.push(Progress {
                    node: peer,
                    next: lead.next[i],
                    matched: lead.matched[i],
                });
                fields.push(field(
                    &format!("{peer}"),
                    format!("next {}, match {}", lead.next[i], lead.matched[i]),
                ));
            }
            if self.tuning.reads == ReadMode::Lease {
                fields.push(field(
                    "lease until",
                    format!("{} ms (its clock)", lead.lease_until / 1000),
                ));
            }
            if !lead.reads.is_empty() {
                fields.push(field("reads waiting", format!("{}", lead.reads.len())));
            }
        }
        if !v.pending.is_empty() {
            let ops: Vec<String> = v.pending.keys().map(|o| format!("#{}", o.0)).collect();
            fields.push(field("passing on", ops.join(", ")));
        }
        fields.push(field("elections started", format!("{}", self.elections)));
        NodeView {
            role: self.role(),
            log_position: Some(self.log.last_index()),
            epoch: Some(self.term),
            fields,
            data: crate::sorting::map_from(v.store.kv.iter().map(|(k, x)| (k.clone(), x.0))),
            consensus: Some(LogView {
                base: self.log.base,
                base_term: self.log.base_term,
                entries: self
                    .log
                    .entries
                    .iter()
                    .map(|e| LogCell {
                        term: e.term,
                        text: e.text(),
                    })
                    .collect(),
                commit: v.commit,
                applied: v.applied,
                voted_for: self.voted_for,
                leader: v.leader,
                progress,
                voter: self.members().votes(self.id),
                election_max_us: self.tuning.election.0 + self.tuning.jitter.0,
                heartbeat_us: self.tuning.heartbeat.0,
            }),
            ..NodeView::default()
        }
    }
}
