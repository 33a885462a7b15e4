//! Anti-entropy: in the background each node compares, with its ring
//! successor, a Merkle tree over the keys both replicate. The initiator
//! sends the root hash; the successor answers which of the hashes it was
//! sent differ from its own; the initiator sends the children of only
//! those, level by level; at the leaves, the keys of the differing leaf
//! ranges travel both ways and are merged. Two replicas that differ in a
//! few keys exchange a few hashes, not their whole data — and data no
//! client ever reads again is repaired too, which read repair cannot do.

use alloc::format;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use super::message::{Msg, Stored};
use super::{LeaderlessNode, Timer};
use crate::merkle::{digest_value, MerkleTree};
use crate::node::{Ctx, NodeId};
use crate::vv::Siblings;

/// This node's anti-entropy bookkeeping (volatile).
#[derive(Clone, Debug, Default)]
pub struct Exchange {
    /// Exchanges this node has started.
    pub round: u32,
    /// The tree nodes compared in the latest exchange with each peer:
    /// (level, index, equal).
    pub compared: alloc::collections::BTreeMap<NodeId, Vec<(u8, usize, bool)>>,
}

impl LeaderlessNode {
    fn successor(&self) -> NodeId {
        NodeId((self.me.0 + 1) % self.config.node_count())
    }

    /// The keys this node holds that `peer` also replicates, with digests.
    fn shared_entries(&self, peer: NodeId) -> Vec<(String, u64)> {
        let width = usize::from(self.config.node_count());
        self.store
            .iter()
            .filter(|(k, _)| {
                let list = self.config.preference_list(k);
                list.contains(&peer) && list.contains(&self.me)
            })
            .map(|(k, v)| {
                let values: Vec<String> = v.values().iter().map(|s| s.text()).collect();
                let version = format!("{}", v.context().display_for(width));
                (k.clone(), digest_value(&values.join(","), &version))
            })
            .collect()
    }

    /// The Merkle tree over the keys shared with `peer`.
    pub fn tree_with(&self, peer: NodeId) -> Option<MerkleTree> {
        let ae = self.config.anti_entropy?;
        let entries = self.shared_entries(peer);
        MerkleTree::try_build(
            entries.iter().map(|(k, d)| (k.as_str(), *d)),
            ae.key_range,
            ae.depth,
        )
        .ok()
    }

    pub(super) fn arm_anti_entropy(&mut self, ctx: &mut Ctx<'_, Msg, Timer>, first: bool) {
        let Some(ae) = self.config.anti_entropy else {
            return;
        };
        // Staggered start, so the nodes do not all compare at once.
        let share = f64::from(self.me.0 + 1) / f64::from(self.config.node_count());
        let ms = if first {
            ae.interval_ms * share
        } else {
            ae.interval_ms
        };
        let after = Self::ms(ms);
        ctx.set_timer(Timer::AntiEntropy, after, after);
    }

    pub(super) fn start_exchange(&mut self, ctx: &mut Ctx<'_, Msg, Timer>) {
        self.arm_anti_entropy(ctx, false);
        let peer = self.successor();
        let Some(tree) = self.tree_with(peer) else {
            return;
        };
        self.volatile.ae.round += 1;
        self.volatile.ae.compared.insert(peer, Vec::new());
        self.counts.hashes_exchanged += 1;
        ctx.send(
            peer,
            Msg::TreeHashes {
                round: self.volatile.ae.round,
                level: 0,
                hashes: Rc::new(alloc::vec![(0, tree.root())]),
            },
        );
    }

    pub(super) fn on_anti_entropy(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        from: NodeId,
        msg: Msg,
    ) {
        match msg {
            Msg::TreeHashes {
                round,
                level,
                hashes,
            } => {
                let Some(tree) = self.tree_with(from) else {
                    return;
                };
                let compared = self.volatile.ae.compared.entry(from).or_default();
                if level == 0 {
                    compared.clear();
                }
                let mut differing = Vec::new();
                for &(index, hash) in hashes.iter() {
                    // A tree node the peer cannot have (another depth) differs.
                    let exists = level <= tree.depth() && index < 1usize << level;
                    let equal = exists && tree.node(level, index) == hash;
                    compared.push((level, index, equal));
                    if !equal {
                        differing.push(index);
                    }
                }
                ctx.send(
                    from,
                    Msg::TreeDiff {
                        round,
                        level,
                        differing: Rc::new(differing),
                    },
                );
            }
            Msg::TreeDiff {
                round,
                level,
                differing,
            } => self.on_tree_diff(ctx, from, round, level, &differing),
            Msg::RangeSync {
                round,
                leaves,
                entries,
                reply,
            } => {
                let mut changed = 0;
                for (key, versions) in entries.iter() {
                    if self.merge_into_store(key, versions) {
                        changed += 1;
                    }
                }
                self.counts.keys_synced += changed;
                ctx.note(format!(
                    "Anti-entropy: {} merges {} key(s) from {from}; {changed} of them changed here.",
                    self.me,
                    entries.len()
                ));
                if !reply {
                    let mine = self.entries_in_leaves(from, &leaves);
                    ctx.send(
                        from,
                        Msg::RangeSync {
                            round,
                            leaves,
                            entries: Rc::new(mine),
                            reply: true,
                        },
                    );
                }
            }
            _ => {}
        }
    }

    fn on_tree_diff(
        &mut self,
        ctx: &mut Ctx<'_, Msg, Timer>,
        peer: NodeId,
        round: u32,
        level: u8,
        differing: &[usize],
    ) {
        if round != self.volatile.ae.round {
            return;
        }
        let Some(tree) = self.tree_with(peer) else {
            return;
        };
        let compared = self.volatile.ae.compared.entry(peer).or_default();
        // Mirror the peer's verdicts, so either side's inspector shows them.
        if level == 0 {
            compared.clear();
            compared.push((0, 0, differing.is_empty()));
        } else {
            for entry in compared.iter_mut().filter(|(l, _, _)| *l == level) {
                entry.2 = !differing.contains(&entry.1);
            }
        }
        if differing.is_empty() {
            if level == 0 {
                ctx.note(format!(
                    "Anti-entropy: {} and {peer} have the same root hash — nothing to repair.",
                    self.me
                ));
            }
            return;
        }
        if level < tree.depth() {
            let next = level + 1;
            let hashes: Vec<(usize, u64)> = differing
                .iter()
                .filter(|&&i| i < 1usize << level)
                .flat_map(|&i| [2 * i, 2 * i + 1])
                .map(|i| (i, tree.node(next, i)))
                .collect();
            for &(i, _) in &hashes {
                compared.push((next, i, false));
            }
            self.counts.hashes_exchanged += hashes.len() as u32;
            ctx.send(
                peer,
                Msg::TreeHashes {
                    round,
                    level: next,
                    hashes: Rc::new(hashes),
                },
            );
            return;
        }
        let ranges: Vec<String> = differing
            .iter()
            .map(|&i| {
                let (lo, hi) = tree.leaf_range(i);
                format!("{lo}–{hi}")
            })
            .collect();
        let leaves = Rc::new(differing.to_vec());
        let entries = self.entries_in_leaves(peer, &leaves);
        ctx.note(format!(
            "Anti-entropy: {} and {peer} differ only in key range(s) {}; {} sends its {} key(s) there and asks for the peer's.",
            self.me,
            ranges.join(", "),
            self.me,
            entries.len()
        ));
        ctx.send(
            peer,
            Msg::RangeSync {
                round,
                leaves,
                entries: Rc::new(entries),
                reply: false,
            },
        );
    }

    /// This node's versions of the keys shared with `peer` that fall in
    /// the given leaves.
    fn entries_in_leaves(&self, peer: NodeId, leaves: &[usize]) -> Vec<(String, Siblings<Stored>)> {
        let Some(tree) = self.tree_with(peer) else {
            return Vec::new();
        };
        self.shared_entries(peer)
            .into_iter()
            .filter(|(k, _)| tree.leaf_of(k).is_some_and(|l| leaves.contains(&l)))
            .filter_map(|(k, _)| self.store.get(&k).map(|v| (k.clone(), v.clone())))
            .collect()
    }
}
