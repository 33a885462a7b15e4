//! What the inspector shows of a chain node: its role and place in the
//! chain, how far its copy reaches and how much of it is committed, and
//! for each key the clean version and any dirty ones. The master shows
//! the chain it decided and which servers hold every write.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::*;
use crate::node::{ChainView, Internal, Role};

impl ChainNode {
    pub(super) fn role(&self) -> Role {
        if self.is_master() {
            return Role::Master;
        }
        match (self.membership, self.position()) {
            (Membership::Spare, _) | (_, None) => Role::NotJoined,
            (Membership::Joining, Some(_)) => Role::CopyingSnapshot,
            // A chain of one is its own tail: it commits what it takes.
            (Membership::Member, Some(i)) if i + 1 == self.chain.len() => Role::Tail,
            (Membership::Member, Some(0)) => Role::Head,
            (Membership::Member, Some(_)) => Role::Middle,
        }
    }

    pub(super) fn node_view(&self) -> NodeView {
        let mut fields = alloc::vec![field(
            "config",
            format!("{} ({})", self.version, chain_text(&self.chain))
        ),];
        if self.is_master() {
            let synced: Vec<String> = self.synced.iter().map(|n| format!("{}", n.0 + 1)).collect();
            fields.push(field(
                "servers holding every write",
                if synced.is_empty() {
                    String::from("none")
                } else {
                    format!("node {}", synced.join(", "))
                },
            ));
            let heard: Vec<String> = self
                .volatile
                .heard
                .iter()
                .map(|(n, t)| format!("{n} at {} ms", t / 1000))
                .collect();
            fields.push(field("last heartbeat (master's clock)", heard.join(", ")));
            return NodeView {
                role: Role::Master,
                epoch: Some(self.version),
                fields,
                chain: Some(ChainView {
                    order: self.chain.clone(),
                    ..ChainView::default()
                }),
                ..NodeView::default()
            };
        }
        fields.push(field("writes held", format!("{}", self.last())));
        fields.push(field(
            "committed up to",
            format!("write {}", self.committed),
        ));
        let dirty = self.last() - self.committed;
        fields.push(field("dirty writes", format!("{dirty}")));
        fields.push(field(
            "membership",
            String::from(match self.membership {
                Membership::Spare => "spare: waits for an operator to add it",
                Membership::Joining => "joining: waits for a copy of the chain's writes",
                Membership::Member => "member",
            }),
        ));
        if self.volatile.lease_until > i64::MIN {
            fields.push(field(
                "read lease until",
                format!("{} ms (its own clock)", self.volatile.lease_until / 1000),
            ));
        }
        if self.config.craq {
            fields.push(field(
                "reads",
                String::from("CRAQ: clean keys from its own copy, dirty ones via the tail"),
            ));
        }
        let waiting = self.volatile.waiting.len();
        if waiting > 0 {
            let ops: Vec<String> = self
                .volatile
                .waiting
                .keys()
                .map(|op| format!("#{}", op.0))
                .collect();
            fields.push(field("client requests waiting", ops.join(", ")));
        }
        let mut internals = Vec::new();
        for (key, v) in &self.store {
            if let Some((seq, value)) = v.clean {
                internals.push(Internal::of_key(
                    key,
                    "clean",
                    format!("{value} (write {seq})"),
                ));
            }
            for (seq, value) in &v.dirty {
                internals.push(Internal::of_key(
                    key,
                    "dirty",
                    format!("{value} (write {seq}, not committed yet)"),
                ));
            }
        }
        NodeView {
            role: self.role(),
            log_position: Some(self.last()),
            epoch: Some(self.version),
            fields,
            data: crate::sorting::map_from(
                self.store
                    .iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.clean?.1))),
            ),
            internals,
            chain: Some(ChainView {
                order: self.chain.clone(),
                received: self.last(),
                committed: self.committed,
            }),
            ..NodeView::default()
        }
    }
}

fn field(name: &str, value: String) -> (String, String) {
    (String::from(name), value)
}
