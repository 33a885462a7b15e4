//! Long runs in bounded memory: a simulated hour (or day) headless.
//!
//! A recorded run keeps everything — every step, message, note and client
//! operation, plus a checkpoint of the whole world every
//! [`crate::sim::CHECKPOINT_EVERY`] steps — because the views seek and
//! replay it. That costs a few hundred bytes per event: fine for a
//! minute, not for an hour. A windowed run ([`run_windowed`]) records the
//! same trace the same way but keeps only a sliding window of it: once
//! `window` steps are held, the older half is folded into counters and a
//! [`TraceDigest`] and forgotten (messages still in flight and operations
//! still pending stay until they are settled). Checkpoints are off. Memory
//! then stays flat however long the run goes; the simulation itself is
//! untouched, which the digest proves: a windowed run's digest equals
//! [`Trace::digest`](crate::trace::Trace::digest) of the same run
//! recorded in full.
//!
//! [`add_churn`] and [`add_load`] turn any scenario into a soak test:
//! repeating crash/recover, partition/heal and slow-link faults, and a
//! seeded client load, both stopping a quiet spell before the end so the
//! replicas can settle.

use crate::protocol::Spec;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::history::Operation;
use crate::node::{NodeId, Protocol};
use crate::protocol::{Family, Visit};
use crate::replica_values::{up_replicas, ReplicaValues};
use crate::rng::SimRng;
use crate::run::MessageCounts;
use crate::scenario::{Action, Generator, Scenario, ScenarioError, Timed};
use crate::sim::{Setup, Simulator, World};
use crate::trace::{Fate, Note, StepKind, TraceDigest};

/// Steps a windowed run keeps unless told otherwise.
pub const DEFAULT_WINDOW: usize = 100_000;

/// Reported as the run goes (at every compaction and at the end).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Virtual time of the last step, µs.
    pub now_us: u64,
    /// The run's end, µs.
    pub until_us: u64,
    pub events: u64,
    /// The last report: the run is over.
    pub done: bool,
}

/// Operations of one kind, by outcome.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpCounts {
    pub ok: u64,
    pub failed: u64,
    /// Not answered when the run ended.
    pub pending: u64,
}

/// Latency of the operations that succeeded, in milliseconds. Quantiles
/// come from a log-scale histogram (16 buckets per power of two: within
/// about 6 %); mean and max are exact.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Latencies {
    pub count: u64,
    pub mean_ms: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// Fault steps the run took (scheduled ones and the churn's).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultCounts {
    pub crashes: u64,
    pub recoveries: u64,
    pub partitions: u64,
    pub heals: u64,
    /// Links made slow (restoring a link's speed counts as a heal).
    pub slow_links: u64,
}

/// The most the window ever held (measured just before each compaction).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowPeak {
    pub steps: u64,
    pub messages: u64,
    pub notes: u64,
    pub operations: u64,
    /// Heap bytes of the retained trace and history (records, payload
    /// text, notes; approximate for operations' key strings).
    pub bytes: u64,
}

/// One node at the end.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeSummary {
    pub node: NodeId,
    pub up: bool,
    pub role: crate::node::Role,
    /// The inspector's figures for the node (keys held, hints, repairs…).
    pub fields: Vec<(String, String)>,
}

/// Do the replicas agree at the end?
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Convergence {
    /// Keys some replica holds.
    pub keys: u64,
    /// Keys whose replicas (the up ones that should hold it) disagree or
    /// miss it.
    pub divergent_keys: u64,
    /// `divergent_keys == 0` and nothing left in flight.
    pub converged: bool,
    pub messages_in_flight: u64,
    /// Hinted writes still waiting for their home replica (leaderless).
    pub hints_held: u64,
    /// A few divergent keys, described.
    pub examples: Vec<String>,
}

/// What `replicascope long-run` prints (the CLI adds wall time and RSS).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LongRunReport {
    pub protocol: String,
    pub seed: u64,
    /// The scenario's end, µs of virtual time.
    pub until_us: u64,
    /// The last step's virtual time, µs.
    pub last_event_us: u64,
    /// Steps taken.
    pub events: u64,
    /// [`TraceDigest`] of the whole run, 16 hex digits.
    pub trace_digest: String,
    pub window: u64,
    pub compactions: u64,
    pub messages: MessageCounts,
    pub notes: u64,
    pub writes: OpCounts,
    pub reads: OpCounts,
    pub latency: Latencies,
    pub faults: FaultCounts,
    pub peak_window: WindowPeak,
    pub nodes: Vec<NodeSummary>,
    pub convergence: Convergence,
}

/// Runs `scenario` to its end keeping at most `window` steps (at least 1)
/// of its trace; `progress` hears how far it got at every compaction.
pub fn run_windowed(
    scenario: &Scenario,
    window: usize,
    progress: &mut dyn FnMut(Progress),
) -> Result<LongRunReport, ScenarioError> {
    scenario.validate().map_err(ScenarioError::Invalid)?;
    Ok(scenario.protocol.visit(RunWindowed {
        scenario,
        window,
        progress,
    }))
}

/// [`run_windowed`] with the scenario's protocol as its own type.
struct RunWindowed<'a> {
    scenario: &'a Scenario,
    window: usize,
    progress: &'a mut dyn FnMut(Progress),
}

impl Visit for RunWindowed<'_> {
    type Out = LongRunReport;
    fn visit<F: Family>(self, config: &F) -> LongRunReport {
        Windowed::new(self.scenario, |id| config.node(id), self.window)
            .finish(self.progress, |w| config.convergence(w))
    }
}

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

/// Replicas that should be identical: every up node that reports replica
/// state (or, failing that, its key → value data and its table's rows)
/// must hold the same value for every key and row.
pub fn convergence<P: Protocol>(world: &World<P>) -> Convergence {
    let replicas = up_replicas(world).map(|(id, node)| {
        let state = node.replica_state().unwrap_or_else(|| {
            let view = node.view();
            let mut state: Vec<(String, String)> = view
                .data
                .into_iter()
                .map(|(k, v)| (k, format!("{v}")))
                .collect();
            if let Some(table) = view.table {
                // Rows by primary key (the first column), so a row that
                // differs is named, not the whole table.
                state.extend(table.rows.into_iter().map(|row| {
                    let id = row.first().cloned().unwrap_or_default();
                    (format!("{} row {id}", table.name), row.join(", "))
                }));
            }
            state
        });
        (id, state)
    });
    let values = ReplicaValues::gather(replicas);
    let mut c = Convergence {
        keys: values.keys() as u64,
        ..Convergence::default()
    };
    for disagreement in values.disagreements() {
        c.divergent_keys += 1;
        if c.examples.len() < 5 {
            let parts = disagreement.describe(names);
            c.examples.push(format!("{}: {parts}", disagreement.key));
        }
    }
    c
}

fn names(nodes: &[NodeId]) -> String {
    let ids: Vec<String> = nodes.iter().map(|n| format!("{}", n.0 + 1)).collect();
    format!("node {}", ids.join(", "))
}

/// Log-scale latency histogram in µs: exact below 128 µs, then 128
/// buckets per power of two (each under 0.8 % wide).
#[derive(Clone, Debug)]
struct Histogram {
    buckets: Vec<u64>,
    count: u64,
    sum: u128,
    max: u64,
}

/// Sub-bucket bits.
const SUB: usize = 7;

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            buckets: vec![0; (1 << SUB) + (64 - SUB) * (1 << SUB)],
            count: 0,
            sum: 0,
            max: 0,
        }
    }
}

impl Histogram {
    fn bucket(us: u64) -> usize {
        if us < 1 << SUB {
            return us as usize;
        }
        let e = 63 - us.leading_zeros() as usize; // SUB..=63
        (1 << SUB) + (e - SUB) * (1 << SUB) + ((us >> (e - SUB)) as usize & ((1 << SUB) - 1))
    }

    /// The smallest value a bucket holds, and its width.
    fn range(b: usize) -> (u64, u64) {
        if b < 1 << SUB {
            return (b as u64, 1);
        }
        let (e, sub) = ((b >> SUB) - 1 + SUB, b & ((1 << SUB) - 1));
        (((1u64 << SUB) + sub as u64) << (e - SUB), 1 << (e - SUB))
    }

    fn add(&mut self, us: u64) {
        self.buckets[Self::bucket(us)] += 1;
        self.count += 1;
        self.sum += u128::from(us);
        self.max = self.max.max(us);
    }

    fn quantile_us(&self, q: f64) -> u64 {
        let rank = libm::ceil(q * self.count as f64).max(1.0) as u64;
        let mut seen = 0;
        for (b, &n) in self.buckets.iter().enumerate() {
            seen += n;
            if seen >= rank {
                // The bucket's middle, but never past the largest value.
                let (lo, width) = Self::range(b);
                return (lo + width / 2).min(self.max);
            }
        }
        self.max
    }

    fn summary(&self) -> Latencies {
        if self.count == 0 {
            return Latencies::default();
        }
        let ms = |us: u64| us as f64 / 1000.0;
        Latencies {
            count: self.count,
            mean_ms: self.sum as f64 / self.count as f64 / 1000.0,
            p50_ms: ms(self.quantile_us(0.5)),
            p99_ms: ms(self.quantile_us(0.99)),
            max_ms: ms(self.max),
        }
    }
}

/// Adds repeating faults to `scenario`, one per `period_ms`, cycling
/// through a crash (recovered later in the period), a partition of one
/// node from the rest (healed), and a slow link (restored); nodes, start
/// times and durations come from the scenario's seed. Nothing starts in
/// the last `quiet_ms`, and every fault is over by the end of its period.
pub fn add_churn(scenario: &mut Scenario, period_ms: f64, quiet_ms: f64) {
    let nodes = scenario.node_count();
    if nodes == 0 || period_ms.is_nan() || period_ms < 1.0 {
        return;
    }
    let mut rng = SimRng::stream(scenario.seed, "churn");
    let last = scenario.until_ms - quiet_ms;
    let mut k = 0u64;
    let at = |ms: f64| libm::round(ms);
    while (k + 1) as f64 * period_ms <= last {
        let slot = k as f64 * period_ms;
        let start = at(slot + period_ms * (0.1 + 0.2 * rng.unit()));
        let end = at(start + period_ms * (0.2 + 0.4 * rng.unit())).max(start + 1.0);
        let a = NodeId(rng.between(0, u64::from(nodes) - 1) as u16);
        let kind = if nodes < 2 { 0 } else { k % 3 };
        let (begin, finish) = match kind {
            0 => (Action::Crash { node: a }, Action::Recover { node: a }),
            1 => {
                let rest: Vec<NodeId> = (0..nodes).map(NodeId).filter(|&n| n != a).collect();
                (
                    Action::Partition {
                        from: vec![a],
                        to: rest.clone(),
                        two_way: true,
                    },
                    Action::Heal {
                        from: vec![a],
                        to: rest,
                        two_way: true,
                    },
                )
            }
            _ => {
                let b = NodeId(
                    ((u64::from(a.0) + rng.between(1, u64::from(nodes) - 1)) % u64::from(nodes))
                        as u16,
                );
                let extra_ms = at(20.0 + 230.0 * rng.unit());
                let slow = |extra_ms| Action::SlowLink {
                    from: a,
                    to: b,
                    extra_ms,
                    two_way: true,
                };
                (slow(extra_ms), slow(0.0))
            }
        };
        scenario.faults.push(Timed {
            at_ms: start,
            action: begin,
        });
        scenario.faults.push(Timed {
            at_ms: end,
            action: finish,
        });
        k += 1;
    }
}

/// Replaces the scenario's generator with Poisson reads and writes (half
/// each) at `rate_per_s` over `keys` keys from any node, stopping
/// `quiet_ms` before the end.
pub fn add_load(scenario: &mut Scenario, rate_per_s: f64, keys: u32, quiet_ms: f64) {
    scenario.workload.generator = Some(Generator {
        rate_per_s,
        read_fraction: 0.5,
        keys,
        nodes: Vec::new(),
        start_ms: 0.0,
        end_ms: Some((scenario.until_ms - quiet_ms).max(0.0)),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_narrow_and_contiguous() {
        for us in [
            0u64,
            1,
            127,
            128,
            129,
            255,
            256,
            1000,
            10_000,
            123_456,
            u64::MAX,
        ] {
            let b = Histogram::bucket(us);
            let (lo, width) = Histogram::range(b);
            assert!(lo <= us && us - lo < width, "{us}: {lo} + {width}");
            assert!(width == 1 || width <= lo / 128, "{us}: {lo} + {width}");
            assert_eq!(Histogram::bucket(lo), b);
            assert_eq!(Histogram::bucket(lo + (width - 1)), b);
            if b + 1 < Histogram::default().buckets.len() {
                assert_eq!(Histogram::range(b + 1).0, lo + width, "{us}");
            }
        }
        let mut h = Histogram::default();
        for us in 1..=1000 {
            h.add(us * 1000);
        }
        let s = h.summary();
        assert_eq!(s.count, 1000);
        assert_eq!(s.max_ms, 1000.0);
        assert!((s.mean_ms - 500.5).abs() < 1e-9);
        assert!((496.0..=504.0).contains(&s.p50_ms), "{}", s.p50_ms);
        assert!((982.0..=998.0).contains(&s.p99_ms), "{}", s.p99_ms);
    }

    #[test]
    fn churn_faults_are_valid_paired_and_stop_before_the_quiet_spell() {
        let mut s = crate::presets::find("leaderless-sloppy-quorum")
            .unwrap()
            .scenario();
        s.until_ms = 120_000.0;
        let before = s.faults.len();
        add_churn(&mut s, 5_000.0, 20_000.0);
        add_load(&mut s, 100.0, 20, 20_000.0);
        assert_eq!(s.validate(), Ok(()));
        let churn = &s.faults[before..];
        assert_eq!(churn.len(), 2 * 20);
        assert!(churn.iter().all(|t| t.at_ms <= 100_000.0));
        for pair in churn.chunks(2) {
            assert!(pair[0].at_ms < pair[1].at_ms);
        }
        let kinds = |f: fn(&Action) -> bool| churn.iter().filter(|t| f(&t.action)).count();
        assert_eq!(kinds(|a| matches!(a, Action::Crash { .. })), 7);
        assert_eq!(kinds(|a| matches!(a, Action::Partition { .. })), 7);
        assert_eq!(
            kinds(|a| matches!(a, Action::SlowLink { extra_ms, .. } if *extra_ms > 0.0)),
            6
        );
    }
}
