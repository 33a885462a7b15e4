//! The client's view of a run: each operation's invocation and completion,
//! kept beside the trace so checkers can judge what clients observed
//! (stale reads, lost acknowledged writes) without reading protocol state.

use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::node::{NodeId, OpId, Outcome, Request};
use crate::time::Instant;

/// One client operation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operation {
    pub id: OpId,
    /// The node the client sent it to.
    pub node: NodeId,
    pub request: Request,
    pub invoked_at: Instant,
    /// The step that delivered it to the node.
    pub invoke_step: u32,
    /// `None` while pending (and forever if the run ended first).
    pub completed_at: Option<Instant>,
    pub complete_step: Option<u32>,
    pub outcome: Option<Outcome>,
    /// The user session that sent it, when it went through the router.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<u32>,
}

impl Operation {
    pub fn acknowledged_write(&self) -> bool {
        self.request.is_write() && matches!(self.outcome, Some(Outcome::Written { .. }))
    }
    pub fn failed(&self) -> bool {
        matches!(self.outcome, Some(Outcome::Failed { .. }))
    }
    /// Latency from invocation to completion.
    pub fn latency_us(&self) -> Option<u64> {
        Some(self.completed_at?.0.saturating_sub(self.invoked_at.0))
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    pub ops: Vec<Operation>,
    /// Id of `ops[0]`: operations before it were forgotten by a windowed
    /// long run (see the engine's `long_run`). Always 0 in a recorded run, so
    /// `ops[i]` is operation `i`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub first: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl History {
    pub fn invoke(&mut self, node: NodeId, request: Request, at: Instant, step: u32) -> OpId {
        self.invoke_in_session(node, request, at, step, None)
    }

    pub fn invoke_in_session(
        &mut self,
        node: NodeId,
        request: Request,
        at: Instant,
        step: u32,
        session: Option<u32>,
    ) -> OpId {
        let id = OpId(self.first + self.ops.len() as u32);
        self.ops.push(Operation {
            id,
            node,
            request,
            invoked_at: at,
            invoke_step: step,
            completed_at: None,
            complete_step: None,
            outcome: None,
            session,
        });
        id
    }

    /// Records the first completion of `op`; later replies for the same
    /// operation are ignored (a protocol may answer twice by mistake —
    /// clients take the first answer).
    pub fn complete(&mut self, op: OpId, outcome: Outcome, at: Instant, step: u32) -> bool {
        let Some(index) = op.0.checked_sub(self.first) else {
            return false; // forgotten: answered long ago
        };
        match self.ops.get_mut(index as usize) {
            Some(o) if o.outcome.is_none() => {
                o.outcome = Some(outcome);
                o.completed_at = Some(at);
                o.complete_step = Some(step);
                true
            }
            _ => false,
        }
    }

    pub fn get(&self, op: OpId) -> Option<&Operation> {
        self.ops.get(op.0.checked_sub(self.first)? as usize)
    }

    /// Forgets the `count` oldest operations still held, handing them
    /// over (a windowed long run tallies them first).
    pub fn forget_front(&mut self, count: usize) -> alloc::vec::Drain<'_, Operation> {
        let count = count.min(self.ops.len());
        self.first += count as u32;
        self.ops.drain(..count)
    }

    /// The history as it was after `steps` steps.
    pub fn truncate_steps(&mut self, steps: usize) {
        self.ops.retain(|o| (o.invoke_step as usize) < steps);
        for o in &mut self.ops {
            if o.complete_step.is_some_and(|s| s as usize >= steps) {
                o.completed_at = None;
                o.complete_step = None;
                o.outcome = None;
            }
        }
    }
}
