//! The windowed run itself: stepping the simulator, folding the older
//! half of the window into counters and the digest, and the report at
//! the end.

use super::histogram::Histogram;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::{Convergence, FaultCounts, LongRunReport, NodeSummary, OpCounts, Progress, WindowPeak};
use crate::history::Operation;
use crate::node::{NodeId, Protocol};
use crate::protocol::Spec;
use crate::run::MessageCounts;
use crate::scenario::{Action, Scenario};
use crate::sim::{Setup, Simulator, World};
use crate::trace::{Fate, Note, StepKind, TraceDigest};

/// A run that forgets its trace behind a window. Step it by hand (tests
/// watch the window) or [`Windowed::finish`] it.
pub struct Windowed<P: Protocol> {
    sim: Simulator<P>,
    window: usize,
    /// Per agenda entry: what kind of fault it is, for the counts.
    agenda: Vec<FaultKind>,
    digest: TraceDigest,
    compactions: u64,
    messages: MessageCounts,
    writes: OpCounts,
    reads: OpCounts,
    latency: Histogram,
    faults: FaultCounts,
    peak: WindowPeak,
    /// Virtual time of the last recorded step: events the simulator drops
    /// unrecorded (a timer of a crashed node) do not count.
    last_step_us: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FaultKind {
    Partition,
    Heal,
    Slow,
    Other,
}

impl<P: Protocol> Windowed<P> {
    /// The scenario must be valid.
    pub fn new(scenario: &Scenario, make_node: impl FnMut(NodeId) -> P, window: usize) -> Self {
        let mut sim = Simulator::new(scenario, make_node);
        sim.stop_checkpoints();
        let agenda = Setup::new(scenario.clone())
            .agenda
            .iter()
            .map(|s| match &s.action {
                Action::Partition { .. } => FaultKind::Partition,
                Action::Heal { .. } | Action::HealAll => FaultKind::Heal,
                Action::SlowLink { extra_ms, .. } if *extra_ms > 0.0 => FaultKind::Slow,
                Action::SlowLink { .. } => FaultKind::Heal,
                _ => FaultKind::Other,
            })
            .collect();
        Windowed {
            sim,
            window: window.max(1),
            agenda,
            digest: TraceDigest::default(),
            compactions: 0,
            messages: MessageCounts::default(),
            writes: OpCounts::default(),
            reads: OpCounts::default(),
            latency: Histogram::default(),
            faults: FaultCounts::default(),
            peak: WindowPeak::default(),
            last_step_us: 0,
        }
    }

    pub fn simulator(&self) -> &Simulator<P> {
        &self.sim
    }

    /// Handles one event, compacting when the window is full; false once
    /// the run has reached its end.
    pub fn step(&mut self) -> bool {
        if self.sim.trace.steps.retained() >= self.window {
            self.compact();
        }
        let before = self.sim.world().steps;
        let more = self.sim.step();
        if self.sim.world().steps != before {
            self.last_step_us = self.sim.now().0;
        }
        more
    }

    /// Folds the older half of the window into the counters and digest.
    fn compact(&mut self) {
        self.measure();
        // Room for the next step even with a window of one.
        let keep = (self.window / 2).min(self.window - 1);
        let until = self.sim.trace.steps.len() - keep;
        self.forget(until, false);
        self.compactions += 1;
    }

    fn measure(&mut self) {
        let (trace, history) = (&self.sim.trace, &self.sim.history);
        let p = &mut self.peak;
        p.steps = p.steps.max(trace.steps.retained() as u64);
        p.messages = p.messages.max(trace.messages.retained() as u64);
        p.notes = p.notes.max(trace.notes.len() as u64);
        p.operations = p.operations.max(history.ops.len() as u64);
        let notes: usize = trace.notes.iter().map(|n| n.text.capacity()).sum::<usize>()
            + trace.notes.capacity() * core::mem::size_of::<Note>();
        let ops = history.ops.capacity() * core::mem::size_of::<Operation>()
            + history
                .ops
                .iter()
                .map(|o| o.request.key().len())
                .sum::<usize>();
        let bytes = trace.record_bytes() + trace.text.capacity() + notes + ops;
        p.bytes = p.bytes.max(bytes as u64);
    }

    /// Digests and forgets the steps before `until`, the settled messages
    /// they sent, their notes and the settled operations they invoked;
    /// `all` at the end takes everything, in flight or pending or not.
    fn forget(&mut self, until: usize, all: bool) {
        let trace = &mut self.sim.trace;
        for i in trace.steps.first()..until {
            let Some(s) = trace.steps.get(i) else { break };
            self.digest.step(s);
            let fault = match s.kind {
                StepKind::Crash => &mut self.faults.crashes,
                StepKind::Recover => &mut self.faults.recoveries,
                StepKind::Network => match self.agenda.get(s.subject as usize) {
                    Some(FaultKind::Partition) => &mut self.faults.partitions,
                    Some(FaultKind::Heal) => &mut self.faults.heals,
                    Some(FaultKind::Slow) => &mut self.faults.slow_links,
                    _ => continue,
                },
                _ => continue,
            };
            *fault += 1;
        }
        let mut next = trace.messages.first();
        while let Some(m) = trace.messages.get(next) {
            if !all && (m.fate == Fate::InFlight || m.sent_step as usize >= until) {
                break;
            }
            self.digest.message(m, trace.label(m), trace.payload(m));
            self.messages.sent += 1;
            match m.fate {
                Fate::Delivered => self.messages.delivered += 1,
                Fate::Dropped { .. } => self.messages.dropped += 1,
                Fate::InFlight => self.messages.in_flight += 1,
            }
            next += 1;
        }
        for n in trace.notes.iter().take_while(|n| (n.step as usize) < until) {
            self.digest.note(n);
        }
        trace.forget_before(until, next);
        let history = &mut self.sim.history;
        let settled = history
            .ops
            .iter()
            .take_while(|o| all || (o.outcome.is_some() && (o.invoke_step as usize) < until))
            .count();
        for op in history.forget_front(settled) {
            let counts = if op.request.is_write() {
                &mut self.writes
            } else {
                &mut self.reads
            };
            if op.outcome.is_none() {
                counts.pending += 1;
            } else if op.failed() {
                counts.failed += 1;
            } else {
                counts.ok += 1;
                if let Some(us) = op.latency_us() {
                    self.latency.add(us);
                }
            }
        }
    }

    /// Runs to the end and reports; `convergence` judges the final world.
    pub fn finish(
        mut self,
        progress: &mut dyn FnMut(Progress),
        convergence: impl FnOnce(&World<P>) -> Convergence,
    ) -> LongRunReport {
        let until_us = self.sim.scenario().until().0;
        let mut seen = 0;
        while self.step() {
            if self.compactions != seen {
                seen = self.compactions;
                progress(self.progress(until_us, false));
            }
        }
        self.measure();
        self.forget(usize::MAX, true);
        progress(self.progress(until_us, true));
        let world = self.sim.world();
        let nodes = world
            .nodes
            .iter()
            .zip(&world.up)
            .enumerate()
            .map(|(i, (n, &up))| {
                let view = n.view();
                NodeSummary {
                    node: NodeId(i as u16),
                    up,
                    role: view.role,
                    fields: view.fields,
                }
            })
            .collect();
        let mut convergence = convergence(world);
        convergence.messages_in_flight = world.in_flight() as u64;
        convergence.converged =
            convergence.divergent_keys == 0 && convergence.messages_in_flight == 0;
        let scenario = self.sim.scenario();
        LongRunReport {
            protocol: String::from(scenario.protocol.spec().name()),
            seed: scenario.seed,
            until_us,
            last_event_us: self.last_step_us,
            events: world.steps as u64,
            trace_digest: format!("{:016x}", self.digest.finish()),
            window: self.window as u64,
            compactions: self.compactions,
            messages: self.messages.clone(),
            notes: self.digest.counts()[2],
            writes: self.writes.clone(),
            reads: self.reads.clone(),
            latency: self.latency.summary(),
            faults: self.faults.clone(),
            peak_window: self.peak.clone(),
            nodes,
            convergence,
        }
    }

    fn progress(&self, until_us: u64, done: bool) -> Progress {
        Progress {
            now_us: self.sim.now().0,
            until_us,
            events: self.sim.world().steps as u64,
            done,
        }
    }
}
