//! What the inspector shows of a multi-leader node: its datacenter, how
//! far it has applied each leader's writes, its keys with their version
//! vectors (and a CRDT's per-replica internals), the conflicts it found
//! and the keys waiting for a person to pick a value.

use alloc::format;
use alloc::string::String;

use super::cell::Value;
use super::config::Resolution;
use super::MultiLeaderNode;
use crate::node::{Internal, NodeView, ReviewChoice, ReviewItem, Role};

pub fn view(n: &MultiLeaderNode) -> NodeView {
    let width = usize::from(n.config.node_count());
    let mut v = NodeView {
        role: if n.is_leader() {
            Role::Leader
        } else {
            Role::Follower
        },
        ..NodeView::default()
    };
    let mut field = |k: &str, val: String| v.fields.push((String::from(k), val));
    field("datacenter", format!("dc {}", n.dc() + 1));
    if n.is_leader() {
        field(
            "writes applied",
            format!("{}", n.applied.display_for(width)),
        );
        field("log entries kept", format!("{}", n.log.len()));
        let unacked: usize = n
            .config
            .downstream(n.me)
            .into_iter()
            .map(|p| n.unacked(p))
            .sum();
        field("not yet acknowledged", format!("{unacked}"));
        if n.config.causal_delivery {
            field("held back now", format!("{}", n.held.len()));
        }
        field("conflicts found", format!("{}", n.counts.conflicts));
        if n.config.resolution == Resolution::LastWriteWins {
            field("writes discarded", format!("{}", n.counts.discarded));
        }
        if n.counts.loops_stopped > 0 {
            field(
                "looping writes dropped",
                format!("{}", n.counts.loops_stopped),
            );
        }
        if n.counts.overtaken > 0 {
            field("arrived out of order", format!("{}", n.counts.overtaken));
        }
    }
    for (key, cell) in &n.store {
        match &cell.value {
            Value::Number(x) => {
                v.data.insert(key.clone(), *x);
            }
            Value::Crdt(c) => {
                if let super::crdt_value::Reading::Number(Some(x)) = c.read() {
                    v.data.insert(key.clone(), x);
                } else {
                    v.fields.push((key.clone(), c.text()));
                }
                for (label, value) in c.internals() {
                    v.internals.push(Internal::of_key(key, &label, value));
                }
            }
            other => v.fields.push((key.clone(), other.text())),
        }
        v.internals.push(Internal::of_key(
            key,
            "version vector",
            format!("{}", cell.vv.display_for(width)),
        ));
        if let Value::Siblings(siblings) = &cell.value {
            v.review.push(ReviewItem {
                key: key.clone(),
                choices: siblings
                    .iter()
                    .map(|(value, w)| ReviewChoice {
                        value: match value {
                            Value::Number(x) => Some(*x),
                            _ => None,
                        },
                        text: value.text(),
                        from: w.label(),
                    })
                    .collect(),
            });
        }
    }
    v
}
