//! A run as plain data for other tools: the full trace with its messages,
//! notes and client history as one JSON document (the CLI's `trace`
//! command and the web app's "export trace" use it), and the lane titles
//! both diagram renderers share.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::Serialize;

use crate::history::Operation;
use crate::node::NodeId;
use crate::run::Run;
use crate::scenario::Scenario;
use crate::trace::{Fate, Note, StepKind};

#[derive(Serialize)]
struct StepOut {
    i: usize,
    t_us: u64,
    node: NodeId,
    kind: StepKind,
    subject: u32,
}

#[derive(Serialize)]
struct MessageOut<'a> {
    id: usize,
    from: NodeId,
    to: NodeId,
    label: &'a str,
    payload: &'a str,
    sent_step: u32,
    sent_at_us: u64,
    deliver_at_us: u64,
    #[serde(flatten)]
    fate: Fate,
}

#[derive(Serialize)]
struct TraceOut<'a> {
    scenario: &'a Scenario,
    trace_hash: String,
    steps: Vec<StepOut>,
    messages: Vec<MessageOut<'a>>,
    notes: &'a [Note],
    history: &'a [Operation],
}

/// The whole run as one JSON document.
pub fn trace_json(run: &dyn Run) -> String {
    let trace = run.trace();
    let out = TraceOut {
        scenario: run.scenario(),
        trace_hash: format!("{:016x}", trace.hash()),
        steps: trace
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| StepOut {
                i,
                t_us: s.time.0,
                node: s.node,
                kind: s.kind,
                subject: s.subject,
            })
            .collect(),
        messages: trace
            .messages
            .iter()
            .enumerate()
            .map(|(id, m)| MessageOut {
                id,
                from: m.from,
                to: m.to,
                label: trace.label(m),
                payload: trace.payload(m),
                sent_step: m.sent_step,
                sent_at_us: m.sent_at.0,
                deliver_at_us: m.deliver_at.0,
                fate: m.fate,
            })
            .collect(),
        notes: &trace.notes,
        history: &run.history().ops,
    };
    serde_json::to_string(&out).unwrap_or_default()
}

/// "Node 1 · leader" for every node, from its role once every node has
/// started (roles may change later — a failover — and the diagram's notes
/// say when).
pub fn lane_titles(run: &dyn Run) -> Vec<String> {
    starting_roles(run)
        .iter()
        .enumerate()
        .map(|(i, role)| format!("Node {} · {role}", i + 1))
        .collect()
}

/// Each node's role once every node has started: what places the nodes
/// in the pictures, so a later failover does not move them.
pub fn starting_roles(run: &dyn Run) -> Vec<crate::node::Role> {
    let started = usize::from(run.scenario().node_count());
    run.nodes_after(started)
        .into_iter()
        .map(|n| n.view.role)
        .collect()
}
