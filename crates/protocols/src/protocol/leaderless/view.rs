//! What the inspector shows of a leaderless node: its place on the ring,
//! the keys it holds with their version vectors (several values when
//! writes were concurrent: siblings), the hints it keeps for unreachable
//! nodes, whom it suspects, and the repair work it has done.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::message::versions_text;
use super::LeaderlessNode;
use crate::node::{NodeView, Role, SyncCounts};

pub fn view(n: &LeaderlessNode) -> NodeView {
    let width = usize::from(n.config.node_count());
    let mut v = NodeView {
        role: Role::Replica,
        ..NodeView::default()
    };
    let token = n.config.token(n.me);
    v.fields
        .push((String::from("ring token"), format!("{token:#010x}")));
    v.fields
        .push((String::from("keys"), format!("{}", n.store.len())));
    v.fields
        .push((String::from("hints held"), format!("{}", n.hints.len())));
    if !n.volatile.suspected.is_empty() {
        v.fields.push((
            String::from("suspects"),
            super::coordinator::join_nodes(n.volatile.suspected.iter().copied()),
        ));
    }
    let c = &n.counts;
    v.fields.push((
        String::from("read repairs sent"),
        format!("{}", c.repairs_sent),
    ));
    v.fields.push((
        String::from("hints delivered"),
        format!("{}", c.hints_delivered),
    ));
    if n.config.anti_entropy.is_some() {
        let counts = SyncCounts {
            hashes_exchanged: c.hashes_exchanged,
            keys_synced: c.keys_synced,
        };
        v.fields
            .push((String::from("anti-entropy"), format!("{counts}")));
        v.anti_entropy = Some(counts);
    }
    for (key, versions) in &n.store {
        let siblings = versions.values();
        match siblings[..] {
            [one] if one.values.len() == 1 => {
                v.data.insert(key.clone(), one.values[0]);
            }
            [one] => v.fields.push((key.clone(), one.text())),
            _ => v.fields.push((
                format!("{key} ({} siblings)", siblings.len()),
                siblings
                    .iter()
                    .map(|s| s.text())
                    .collect::<Vec<_>>()
                    .join(" | "),
            )),
        }
        for s in versions.iter() {
            v.internals.push(crate::node::Internal {
                key: key.clone(),
                sibling: Some(s.value.text()),
                part: format!("write #{}", s.value.op.0),
                value: format!("version {}", s.version().display_for(width)),
            });
        }
    }
    let k = n.config.node_count();
    let succ = crate::node::NodeId((n.me.0 + 1) % k);
    let pred = crate::node::NodeId((n.me.0 + k - 1) % k);
    for peer in [succ, pred] {
        if let Some(tree) = n.tree_with(peer) {
            let compared = n.volatile.ae.compared.get(&peer);
            v.trees.push(crate::node::TreeView {
                peer,
                levels: tree
                    .levels()
                    .into_iter()
                    .map(|level| {
                        level
                            .into_iter()
                            .map(|t| crate::node::TreeNodeView {
                                range: t.range,
                                hash: crate::merkle::short_hash(t.hash),
                                keys: t.keys,
                                compared: compared.and_then(|c| {
                                    c.iter()
                                        .find(|&&(l, i, _)| l == t.level && i == t.index)
                                        .map(|&(_, _, eq)| eq)
                                }),
                            })
                            .collect()
                    })
                    .collect(),
            });
        }
    }
    for ((home, key), versions) in &n.hints {
        v.internals.push(crate::node::Internal {
            part: format!("hint for {home}"),
            value: format!("{key} = {}", versions_text(versions, width)),
            ..Default::default()
        });
    }
    v
}
