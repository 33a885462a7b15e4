//! A finished run of any protocol behind one interface, so the CLI and the
//! web app handle every scenario alike: read the trace and history, ask for
//! the nodes' state at any time, fork with an intervention, summarise.

use crate::protocol::Spec;
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::check::{self, Anomaly, AnomalyKind, CheckInput};
use crate::history::History;
use crate::node::{NodeId, NodeView, Protocol};
use crate::opset::OpSet;
use crate::protocol::{Family, Visit};
use crate::replica_values::{up_replicas, ReplicaValues};
use crate::scenario::{Scenario, ScenarioError, Timed};
use crate::sim::{CutShort, Simulator, World};
use crate::time::{Duration, Instant};
use crate::trace::{Fate, Trace};

/// A node as the views show it at some moment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeState {
    pub node: NodeId,
    pub up: bool,
    pub view: NodeView,
    /// The node's armed timers (their protocol's numbers) and when each
    /// fires: the views draw an election timer as a shrinking ring. Not
    /// in JSON: when a timer fires is the simulator's business.
    #[serde(skip)]
    pub timers: Vec<(u32, Instant)>,
}

/// Everything the views show about one moment: nodes and network.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub nodes: Vec<NodeState>,
    pub network: NetworkState,
}

/// The network's faults in force at some moment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkState {
    /// Directed links that deliver nothing.
    pub cut: Vec<(NodeId, NodeId)>,
    /// Directed links with extra delay.
    pub slow: Vec<(NodeId, NodeId, Duration)>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageCounts {
    pub sent: u64,
    pub delivered: u64,
    pub dropped: u64,
    pub in_flight: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteCounts {
    pub ok: u64,
    pub failed: u64,
    pub lost: u64,
    pub pending: u64,
    /// Acknowledged writes last-write-wins silently threw away.
    #[serde(default)]
    pub discarded: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadCounts {
    pub ok: u64,
    pub failed: u64,
    pub stale: u64,
    pub pending: u64,
}

/// What `replicascope run --json` prints.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub protocol: String,
    pub seed: u64,
    /// The trace hash as 16 hex digits.
    pub trace_hash: String,
    /// Steps the simulator took.
    pub events: u64,
    pub end_time_us: u64,
    pub messages: MessageCounts,
    pub writes: WriteCounts,
    pub reads: ReadCounts,
    pub conflicts: u64,
    pub anomalies: Vec<Anomaly>,
    pub nodes: Vec<NodeState>,
    /// Trace storage (steps and message records, without payload text)
    /// divided by steps.
    pub trace_bytes_per_event: f64,
    /// Why the run ended before the scenario's end, when it did: it hit
    /// the simulator's step limit (`end_time_us` is then where it stopped).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cut_short: Option<String>,
    /// Is every key's client history linearizable? `null` where no model
    /// applies (SQL, counters and sets, synthetic traffic) or a key was
    /// too hard to decide within the checker's budget.
    #[serde(default)]
    pub linearizable: Option<bool>,
}

/// A run of some protocol.
pub trait Run {
    fn scenario(&self) -> &Scenario;
    fn trace(&self) -> &Trace;
    fn history(&self) -> &History;
    /// Every node after the steps at or before `t`.
    fn nodes_at(&self, t: Instant) -> Vec<NodeState>;
    /// Every node after the first `steps` steps.
    fn nodes_after(&self, steps: usize) -> Vec<NodeState>;
    fn network_at(&self, t: Instant) -> NetworkState;
    /// Nodes and network at `t`, from one re-simulation.
    fn snapshot_at(&self, t: Instant) -> Snapshot;
    /// This run with `intervention` added, as a new run re-simulated from
    /// the last checkpoint before it; this one stays as it was. An invalid
    /// intervention is refused.
    fn forked(&self, intervention: Timed) -> Result<Box<dyn Run>, ScenarioError>;
    /// Every anomaly of the whole run, judged at its end.
    fn anomalies(&self) -> Vec<Anomaly>;
    /// What the nodes reported about their own state, each with its node
    /// and step, in step order.
    fn findings(&self) -> Vec<crate::sim::Finding>;
    /// The anomalies a checker finds looking only at the run up to `t`:
    /// the nodes after the steps at or before `t`, the history without
    /// answers that had not arrived by then (those operations are
    /// pending). The same as [`Run::anomalies`] of the scenario cut at
    /// `t`; at or after the last step, the same as [`Run::anomalies`].
    fn anomalies_at(&self, t: Instant) -> Vec<Anomaly>;
    /// The client history checked for linearizability, key by key;
    /// `None` where no model applies.
    fn linearizability(&self) -> Option<crate::linearizability::simulated::Checked>;
    fn summary(&self) -> Summary;
    /// Set when the run stopped at the simulator's step limit before the
    /// scenario's end.
    fn cut_short(&self) -> Option<CutShort>;
    /// Where the recorded run ends: the scenario's end, or where it was
    /// cut short.
    fn end(&self) -> Instant {
        self.cut_short()
            .map_or_else(|| self.scenario().until(), |c| c.at)
    }
}

/// Validates, builds and runs `scenario` to its end.
pub fn start(scenario: &Scenario) -> Result<Box<dyn Run>, ScenarioError> {
    scenario.validate().map_err(ScenarioError::Invalid)?;
    crate::explore::check_schedule(scenario).map_err(ScenarioError::Invalid)?;
    Ok(scenario.protocol.visit(Finish(scenario)))
}

/// Builds and runs a simulator of the scenario's own protocol.
struct Finish<'a>(&'a Scenario);

impl Visit for Finish<'_> {
    type Out = Box<dyn Run>;
    fn visit<F: Family>(self, config: &F) -> Box<dyn Run> {
        let mut sim = Simulator::new(self.0, |id| config.node(id));
        sim.run();
        Box::new(sim)
    }
}

/// Refuses an intervention `scenario` would not validate with. Not
/// generic, so the page's wasm holds it once rather than per protocol.
fn accepts(scenario: &Scenario, intervention: &Timed) -> Result<(), ScenarioError> {
    let mut candidate = scenario.clone();
    candidate.interventions.push(intervention.clone());
    candidate.validate().map_err(ScenarioError::Invalid)
}

fn node_states<P: Protocol>(world: &World<P>) -> Vec<NodeState> {
    let armed = world.armed_timers();
    world
        .nodes
        .iter()
        .zip(&world.up)
        .enumerate()
        .map(|(i, (n, &up))| NodeState {
            node: NodeId(i as u16),
            up,
            view: n.view(),
            timers: armed
                .iter()
                .filter_map(|(c, due)| match *c {
                    crate::scenario::Choice::Timer { node, timer } if node.index() == i => {
                        Some((timer, *due))
                    }
                    _ => None,
                })
                .collect(),
        })
        .collect()
}

fn network_state<P: Protocol>(world: &World<P>) -> NetworkState {
    NetworkState {
        cut: world.net.cut_links().collect(),
        slow: world
            .net
            .slow_links()
            .map(|((a, b), d)| (a, b, d))
            .collect(),
    }
}

impl<P: Protocol + 'static> Run for Simulator<P> {
    fn scenario(&self) -> &Scenario {
        Simulator::scenario(self)
    }
    fn trace(&self) -> &Trace {
        &self.trace
    }
    fn history(&self) -> &History {
        &self.history
    }
    fn nodes_at(&self, t: Instant) -> Vec<NodeState> {
        self.with_world_after(self.trace.steps_until(t), node_states)
    }
    fn nodes_after(&self, steps: usize) -> Vec<NodeState> {
        self.with_world_after(steps, node_states)
    }
    fn network_at(&self, t: Instant) -> NetworkState {
        self.with_world_after(self.trace.steps_until(t), network_state)
    }

    fn snapshot_at(&self, t: Instant) -> Snapshot {
        self.with_world_after(self.trace.steps_until(t), |world| Snapshot {
            nodes: node_states(world),
            network: network_state(world),
        })
    }

    fn forked(&self, intervention: Timed) -> Result<Box<dyn Run>, ScenarioError> {
        accepts(Simulator::scenario(self), &intervention)?;
        Ok(Box::new(Simulator::forked(self, intervention)))
    }

    fn findings(&self) -> Vec<crate::sim::Finding> {
        self.world().findings.iter().cloned().collect()
    }
    fn anomalies(&self) -> Vec<Anomaly> {
        anomalies_of(
            self.scenario(),
            self.world(),
            &self.history,
            Some(&self.trace),
        )
    }

    fn anomalies_at(&self, t: Instant) -> Vec<Anomaly> {
        let steps = self.trace.steps_until(t);
        if steps >= self.world().steps {
            // Nothing happens after the last step: the end is already here.
            return Run::anomalies(self);
        }
        let mut history = self.history.clone();
        history.truncate_steps(steps);
        self.with_world_after(steps, |world| {
            anomalies_of(self.scenario(), world, &history, None)
        })
    }

    fn linearizability(&self) -> Option<crate::linearizability::simulated::Checked> {
        linearizability_of(self.scenario(), &self.history)
    }

    fn summary(&self) -> Summary {
        let trace = &self.trace;
        let mut messages = MessageCounts {
            sent: trace.messages.len() as u64,
            ..Default::default()
        };
        for m in trace.messages.iter() {
            match m.fate {
                Fate::Delivered => messages.delivered += 1,
                Fate::Dropped { .. } => messages.dropped += 1,
                Fate::InFlight => messages.in_flight += 1,
            }
        }
        let anomalies = self.anomalies();
        // Operations, not anomalies: a write last-write-wins discarded is
        // one discarded write however many writes beat it.
        let count = |kind| {
            crate::sorting::set_from(anomalies.iter().filter(|a| a.kind == kind).map(|a| a.op))
                .len() as u64
        };
        let (mut writes, mut reads) = (WriteCounts::default(), ReadCounts::default());
        for op in &self.history.ops {
            let done = op.outcome.is_some();
            let failed = op.failed();
            if op.request.is_write() {
                writes.ok += u64::from(done && !failed);
                writes.failed += u64::from(failed);
                writes.pending += u64::from(!done);
            } else {
                reads.ok += u64::from(done && !failed);
                reads.failed += u64::from(failed);
                reads.pending += u64::from(!done);
            }
        }
        // Lost outright or lost to an update that never saw it: one write
        // counts once.
        writes.lost = crate::sorting::set_from(
            anomalies
                .iter()
                .filter(|a| matches!(a.kind, AnomalyKind::LostWrite | AnomalyKind::LostUpdate))
                .map(|a| a.op),
        )
        .len() as u64;
        writes.discarded = count(AnomalyKind::DiscardedWrite);
        reads.stale = count(AnomalyKind::StaleRead);
        let events = trace.steps.len() as u64;
        Summary {
            protocol: String::from(self.scenario().protocol.spec().name()),
            seed: self.scenario().seed,
            trace_hash: format!("{:016x}", trace.hash()),
            events,
            end_time_us: Run::end(self).0,
            messages,
            writes,
            reads,
            // A conflict is a pair of writes: each pair counts.
            conflicts: anomalies
                .iter()
                .filter(|a| a.kind == AnomalyKind::Conflict)
                .count() as u64,
            anomalies,
            nodes: node_states(self.world()),
            trace_bytes_per_event: if events == 0 {
                0.0
            } else {
                trace.record_bytes() as f64 / events as f64
            },
            cut_short: Run::cut_short(self).map(|c| c.describe()),
            linearizable: self.linearizability().and_then(|c| c.report.valid),
        }
    }

    fn cut_short(&self) -> Option<CutShort> {
        Simulator::cut_short(self)
    }
}

/// Every checker over one moment of a run: the nodes as `world` holds
/// them and the history as clients knew it then. `end` is the whole
/// trace when the moment is the run's end, where replicas that still
/// disagree once nothing is in flight have diverged for good; earlier,
/// a timer may yet reconcile them, so that check waits for the end.
fn anomalies_of<P: Protocol>(
    scenario: &Scenario,
    world: &World<P>,
    history: &History,
    end: Option<&Trace>,
) -> Vec<Anomaly> {
    let settled = end.is_some_and(|trace| !trace.messages.iter().any(|m| m.fate == Fate::InFlight));
    judge(scenario, world, history, settled, None)
}

/// The checkers that label `kinds` (every checker for `None`) over one
/// moment: what a run's anomalies are made of, and what the explorer
/// asks of each state it reaches. `settled`: nothing is in flight and
/// nothing more will happen, so replicas that disagree have diverged.
pub(crate) fn judge<P: Protocol>(
    scenario: &Scenario,
    world: &World<P>,
    history: &History,
    settled: bool,
    kinds: Option<&[AnomalyKind]>,
) -> Vec<Anomaly> {
    let wants = |k: AnomalyKind| kinds.is_none_or(|ks| ks.contains(&k));
    // Only the lost-write checkers read what survived: the nodes are
    // asked only when those are wanted.
    let surviving = if wants(AnomalyKind::LostWrite) || wants(AnomalyKind::LostUpdate) {
        surviving_writes(world, history)
    } else {
        alloc::collections::BTreeSet::new()
    };
    let input = CheckInput {
        history,
        surviving_writes: &surviving,
    };
    let mut all: Vec<Anomaly> = Vec::new();
    let standard = [
        AnomalyKind::StaleRead,
        AnomalyKind::LostWrite,
        AnomalyKind::LostUpdate,
        AnomalyKind::SplitBrain,
    ];
    if standard.into_iter().any(wants) {
        all.extend(check::standard().iter().flat_map(|c| c.check(&input)));
    }
    let sessions = [
        AnomalyKind::ReadYourWrites,
        AnomalyKind::MonotonicRead,
        AnomalyKind::ConsistentPrefix,
    ];
    if sessions.into_iter().any(wants) && scenario.protocol.spec().versions_are_log_positions() {
        all.extend(check::sessions().iter().flat_map(|c| c.check(&input)));
    }
    if wants(AnomalyKind::NotLinearizable) {
        if let Some(checked) = linearizability_of(scenario, history) {
            all.extend(checked.anomalies(history));
        }
    }
    all.extend(world.findings.iter().map(|f| f.anomaly.clone()));
    if settled && wants(AnomalyKind::Divergence) {
        all.extend(end_divergence(world, history));
    }
    all.retain(|a| wants(a.kind));
    crate::sorting::sort_by(&mut all, |a, b| {
        (a.op, a.kind, a.other, &a.explanation).cmp(&(b.op, b.kind, b.other, &b.explanation))
    });
    all.dedup();
    for a in &mut all {
        explain_clock(a, history, &scenario.clocks);
    }
    all
}

fn linearizability_of(
    scenario: &Scenario,
    history: &History,
) -> Option<crate::linearizability::simulated::Checked> {
    if !scenario.protocol.spec().checks_linearizability() {
        return None;
    }
    crate::linearizability::simulated::check_history(
        history,
        crate::linearizability::simulated::RUN_BUDGET,
    )
}

/// Acknowledged writes some node that is up at the end still holds: by
/// version (held, or replaced by a version held) where the protocol keeps
/// version vectors, by the operations each node applied otherwise.
fn surviving_writes<P: Protocol>(
    world: &World<P>,
    history: &History,
) -> alloc::collections::BTreeSet<crate::node::OpId> {
    // One set per surviving node, not a question per write and node.
    let held: Vec<OpSet> = up_replicas(&world.nodes, &world.up)
        .map(|(_, n)| n.applied_ops())
        .collect();
    let holds = |o: &crate::history::Operation| {
        let by_version = o
            .outcome
            .as_ref()
            .and_then(crate::node::Outcome::causal)
            .and_then(|c| {
                up_replicas(&world.nodes, &world.up)
                    .map(|(_, n)| {
                        c.dots
                            .iter()
                            .map(|&d| n.covers(o.request.key(), d))
                            .try_fold(true, |all, one| Some(all && one?))
                    })
                    .try_fold(false, |any, one| Some(any || one?))
            });
        by_version.unwrap_or_else(|| held.iter().any(|ops| ops.contains(o.id)))
    };
    crate::sorting::set_from(
        history
            .ops
            .iter()
            .filter(|o| o.acknowledged_write() && holds(o))
            .map(|o| o.id),
    )
}

/// Replicas that should have converged but hold different values at the
/// end, once no message is in flight: one anomaly per key, tied to the
/// last write of that key.
fn end_divergence<P: Protocol>(world: &World<P>, history: &History) -> Vec<Anomaly> {
    let replicas = up_replicas(&world.nodes, &world.up)
        .filter_map(|(id, node)| Some((id, node.replica_state()?)));
    let mut found = Vec::new();
    for disagreement in ReplicaValues::gather(replicas).disagreements() {
        let key = &disagreement.key;
        let Some(last) = history
            .ops
            .iter()
            .rev()
            .find(|o| o.request.is_write() && o.request.key() == key)
        else {
            continue;
        };
        let parts = disagreement.describe(|nodes| {
            let names: Vec<String> = nodes.iter().map(|n| format!("{n}")).collect();
            names.join(", ")
        });
        found.push(Anomaly {
            kind: AnomalyKind::Divergence,
            op: last.id,
            other: None,
            explanation: format!(
                "after every message arrived the replicas still disagree on {key}: {parts}"
            ),
        });
    }
    found
}

/// A discarded write that was made after its winner in real time lost
/// only because its node's clock was behind: say so.
fn explain_clock(a: &mut Anomaly, history: &History, clocks: &[crate::scenario::ClockConfig]) {
    let (AnomalyKind::DiscardedWrite, Some(winner)) = (a.kind, a.other) else {
        return;
    };
    let (Some(lost), Some(won)) = (
        history.ops.get(a.op.0 as usize),
        history.ops.get(winner.0 as usize),
    ) else {
        return;
    };
    if lost.invoked_at <= won.invoked_at {
        return;
    }
    let offset = |n: NodeId| {
        clocks
            .iter()
            .find(|c| c.node == n)
            .map_or(0.0, |c| c.offset_ms)
    };
    a.explanation.push_str(&format!(
        " — yet #{} happened {} after #{} in real time: {}'s clock ({:+} ms) is behind {}'s ({:+} ms)",
        a.op.0,
        lost.invoked_at.since(won.invoked_at),
        winner.0,
        lost.node,
        offset(lost.node),
        won.node,
        offset(won.node)
    ));
}
