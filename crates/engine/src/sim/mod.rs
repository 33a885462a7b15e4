//! The discrete-event simulator. It owns virtual time, the event queue, the
//! seeded random streams, the network and the clocks; it feeds one input at
//! a time to a node and turns the effects that come back into queued
//! deliveries, timers, client replies and trace records.
//!
//! Events are ordered by time, first-in first-out at equal times;
//! scheduled actions (faults, client operations, interventions) live apart
//! from the queue in a sorted agenda and run before queued events at the
//! same instant. That keeps a checkpoint valid when an intervention is
//! added after it, so a run can fork at the cursor by re-simulating only
//! the future.

pub(crate) mod engine;
mod network;
mod queue;
mod sessions;
mod setup;

use alloc::rc::Rc;
use alloc::vec::Vec;
use core::cell::RefCell;

pub use crate::node::{describe_into, push_decimal};
pub use engine::{Engine, Finding, InFlight, World};
pub use network::{Link, Links, NetState};
pub use setup::Setup;

use crate::history::History;
use crate::node::{Effect, NodeId, Protocol};
use crate::scenario::{Scenario, Timed};
use crate::time::Instant;
use crate::trace::Trace;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests_props;

/// Steps between checkpoints. Seeking re-simulates at most this many steps
/// (twice as many each time the checkpoint budget thins them).
pub const CHECKPOINT_EVERY: usize = 8192;

/// Most items ([`World::footprint`]) all checkpoints together may copy.
/// A run that stores many keys (a generator over a million of them) would
/// otherwise hold a full copy of a large world every 8192 steps: 8 GB
/// before the step limit in one measured case. Over budget, every other
/// checkpoint is dropped and the spacing doubles, so memory stays bounded
/// and seeking gets slower instead. At the ~185 bytes an item measured
/// for a leaderless store, about 190 MB.
pub const CHECKPOINT_BUDGET: usize = 1_000_000;

/// Most steps one recorded run takes. A valid scenario can still ask for
/// far more work than a browser tab survives (fifty chattering nodes for a
/// simulated day is billions of events, and everything recorded grows with
/// each one): the run stops here instead, keeps what it recorded and says
/// so ([`Simulator::cut_short`]). Room for the million-event benchmark
/// run; at this limit the workloads measured hold 75-790 MB natively
/// and take up to ten seconds (a leaderless store at 10⁶ writes/s). `replicascope long-run` is the tool for longer stretches. A
/// constant, so a shared link still replays exactly.
pub const MAX_STEPS: usize = 1_200_000;

/// Where and why a run stopped before its scenario's end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CutShort {
    /// Steps taken: the limit.
    pub steps: usize,
    /// Virtual time of the last step taken.
    pub at: Instant,
    /// The end the scenario asked for.
    pub until: Instant,
}

impl CutShort {
    /// One sentence for the user: what happened and what to change.
    pub fn describe(&self) -> alloc::string::String {
        alloc::format!(
            "This run stopped after {} events, at {} of the {} it asked for: \
             a recorded run holds at most that many. Everything up to there is \
             shown. Shorten the run (until_ms) or lower the load; for longer \
             stretches, the command line's replicascope long-run keeps a \
             sliding window of the trace.",
            self.steps,
            crate::time::Duration(self.at.0),
            crate::time::Duration(self.until.0),
        )
    }
}

#[derive(Clone, Debug)]
struct Checkpoint<P: Protocol> {
    world: World<P>,
    messages: usize,
}

/// A run of one scenario with protocol `P`.
#[derive(Clone, Debug)]
pub struct Simulator<P: Protocol> {
    setup: Rc<Setup>,
    world: World<P>,
    pub trace: Trace,
    pub history: History,
    checkpoints: Vec<Checkpoint<P>>,
    /// Whether `step` saves checkpoints (a windowed long run, which never
    /// seeks, turns it off).
    checkpointing: bool,
    /// Steps between checkpoints: [`CHECKPOINT_EVERY`], doubled each time
    /// the checkpoints outgrow [`CHECKPOINT_BUDGET`].
    checkpoint_every: usize,
    /// The checkpoints' footprints, in the same order.
    footprints: Vec<usize>,
    /// [`CHECKPOINT_BUDGET`] (tests use a small one).
    checkpoint_budget: usize,
    /// The world last asked for by `with_world_after` (see there).
    replay: RefCell<Option<World<P>>>,
    /// The engine's scratch for a node's effects (see [`Engine`]).
    effects: Vec<Effect<P::Msg>>,
    /// Set when [`Simulator::run`] stopped at [`MAX_STEPS`].
    cut_short: Option<CutShort>,
}

impl<P: Protocol> Simulator<P> {
    /// Builds the run; nothing has happened yet (each node's `Start` is
    /// the first steps). The scenario must be valid.
    /// `make_node` builds each node (see [`simulator`]
    /// for a scenario's own protocol).
    pub fn new(scenario: &Scenario, make_node: impl FnMut(NodeId) -> P) -> Self {
        let setup = Setup::new(scenario.clone());
        let nodes = (0..setup.nodes).map(NodeId).map(make_node).collect();
        Self::with_nodes(setup, nodes)
    }

    /// [`Simulator::new`] once the nodes are built: one copy per protocol
    /// however many ways there are to build its nodes.
    fn with_nodes(setup: Setup, nodes: Vec<P>) -> Self {
        let setup = Rc::new(setup);
        let world = World::new(&setup, nodes);
        let mut sim = Simulator {
            setup,
            world,
            trace: Trace::default(),
            history: History::default(),
            checkpoints: Vec::new(),
            checkpointing: true,
            checkpoint_every: CHECKPOINT_EVERY,
            footprints: Vec::new(),
            checkpoint_budget: CHECKPOINT_BUDGET,
            replay: RefCell::new(None),
            effects: Vec::new(),
            cut_short: None,
        };
        sim.save_checkpoint();
        sim
    }

    fn engine(&mut self, record: bool) -> Engine<'_, P> {
        Engine::new(
            &self.setup,
            &mut self.world,
            if record {
                Some((&mut self.trace, &mut self.history))
            } else {
                None
            },
            &mut self.effects,
        )
    }

    pub fn scenario(&self) -> &Scenario {
        &self.setup.scenario
    }

    pub fn now(&self) -> Instant {
        self.world.now
    }

    pub fn world(&self) -> &World<P> {
        &self.world
    }

    /// Handles one event; false when the run has reached its end.
    pub fn step(&mut self) -> bool {
        let more = self.engine(true).step();
        if more && self.checkpointing && self.world.steps % self.checkpoint_every == 0 {
            self.save_checkpoint();
        }
        more
    }

    /// Runs to the scenario's end time, or to [`MAX_STEPS`] steps if that
    /// comes first (see [`Simulator::cut_short`]).
    pub fn run(&mut self) {
        self.run_at_most(MAX_STEPS);
    }

    /// [`Simulator::run`] with another step limit (tests use a small one).
    pub fn run_at_most(&mut self, max_steps: usize) {
        self.cut_short = None;
        while self.world.steps < max_steps {
            if !self.step() {
                return;
            }
        }
        if self.engine(false).peek_time().is_some() {
            self.cut_short = Some(CutShort {
                steps: self.world.steps,
                at: self.world.now,
                until: self.setup.scenario.until(),
            });
        }
    }

    /// Whether the last [`Simulator::run`] stopped at its step limit with
    /// events still due before the scenario's end.
    pub fn cut_short(&self) -> Option<CutShort> {
        self.cut_short
    }

    /// Runs until virtual time `t` (or the end).
    pub fn run_until(&mut self, t: Instant) {
        while self.engine(false).peek_time().is_some_and(|next| next <= t) {
            if !self.step() {
                break;
            }
        }
    }

    fn save_checkpoint(&mut self) {
        if self
            .checkpoints
            .last()
            .is_some_and(|c| c.world.steps == self.world.steps)
        {
            return;
        }
        let footprint = self.world.footprint();
        while self.checkpoints.len() > 1
            && self.footprints.iter().sum::<usize>() + footprint > self.checkpoint_budget
        {
            self.thin_checkpoints();
        }
        if self.world.steps % self.checkpoint_every != 0 {
            return;
        }
        self.checkpoints.push(Checkpoint {
            world: self.world.clone(),
            messages: self.trace.messages.len(),
        });
        self.footprints.push(footprint);
    }

    /// Doubles the spacing and keeps the checkpoints on it (the first one,
    /// at step 0, always stays).
    fn thin_checkpoints(&mut self) {
        self.checkpoint_every *= 2;
        let every = self.checkpoint_every;
        let (checkpoints, footprints) = self
            .checkpoints
            .drain(..)
            .zip(self.footprints.drain(..))
            .filter(|(c, _)| c.world.steps % every == 0)
            .unzip();
        self.checkpoints = checkpoints;
        self.footprints = footprints;
    }

    /// The nodes, network and clocks as they were after the first `steps`
    /// steps: restore the nearest earlier checkpoint, re-simulate the rest
    /// without recording.
    pub fn world_after(&self, steps: usize) -> World<P> {
        self.with_world_after(steps, |w| w.clone())
    }

    /// Calls `f` with the world after `steps` steps. The last world asked
    /// for is kept, so playing forward re-simulates only the steps since the
    /// previous frame rather than everything since the last checkpoint.
    pub fn with_world_after<R>(&self, steps: usize, f: impl FnOnce(&World<P>) -> R) -> R {
        let steps = steps.min(self.world.steps);
        let cp = self
            .checkpoints
            .iter()
            .rev()
            .find(|c| c.world.steps <= steps)
            .unwrap_or(&self.checkpoints[0]);
        let mut cache = self.replay.borrow_mut();
        let mut world = match cache.take() {
            Some(w) if w.steps <= steps && w.steps >= cp.world.steps => w,
            _ => cp.world.clone(),
        };
        let mut effects = Vec::new();
        let mut engine = Engine::new(&self.setup, &mut world, None, &mut effects);
        while engine.world_steps() < steps && engine.step() {}
        let result = f(&world);
        *cache = Some(world);
        result
    }

    /// The state at virtual time `t`: after every step at or before `t`.
    pub fn world_at(&self, t: Instant) -> World<P> {
        self.world_after(self.trace.steps_until(t))
    }

    /// The last checkpoint taken before `at`. The first one (before
    /// anything happened) is valid for an intervention at any time.
    fn checkpoint_before(&self, at: Instant) -> usize {
        self.checkpoints
            .iter()
            .rposition(|c| c.world.now < at)
            .unwrap_or(0)
    }

    /// This run with `intervention` added, as a new run re-simulated from
    /// the last checkpoint strictly before its time: the past stays, the
    /// future is recomputed, and the result is exactly the run of the
    /// scenario with the intervention included from the start. `self`
    /// stays as it was, so whoever still holds it (an older page state)
    /// keeps a consistent moment. Only the checkpoints before the
    /// intervention are copied, and each shares its chunks with this
    /// run's.
    pub fn forked(&self, intervention: Timed) -> Self {
        let keep = self.checkpoint_before(intervention.at());
        let mut scenario = self.setup.scenario.clone();
        scenario.interventions.push(intervention);
        let checkpoints = self.checkpoints[..=keep].to_vec();
        let Checkpoint { world, messages } = checkpoints[keep].clone();
        let mut next = Simulator {
            setup: Rc::new(Setup::new(scenario)),
            world,
            trace: self.trace.clone(),
            history: self.history.clone(),
            checkpoints,
            checkpointing: self.checkpointing,
            checkpoint_every: self.checkpoint_every,
            footprints: self.footprints[..=keep].to_vec(),
            checkpoint_budget: self.checkpoint_budget,
            replay: RefCell::new(None),
            effects: Vec::new(),
            cut_short: None,
        };
        next.trace.truncate_steps(next.world.steps, messages);
        next.history.truncate_steps(next.world.steps);
        next.run();
        next
    }

    /// Stops saving checkpoints from now on (only the initial one stays):
    /// for runs that are never sought or forked, whose memory must not
    /// grow with their length.
    pub fn stop_checkpoints(&mut self) {
        self.checkpointing = false;
    }

    /// Replaces [`CHECKPOINT_BUDGET`] for this run (before it starts).
    #[cfg(all(test, not(target_arch = "wasm32")))]
    pub(crate) fn set_checkpoint_budget(&mut self, items: usize) {
        self.checkpoint_budget = items;
    }

    /// Steps between checkpoints now, and the checkpoints' total footprint.
    pub fn checkpoint_spacing(&self) -> (usize, usize) {
        (self.checkpoint_every, self.footprints.iter().sum())
    }

    pub fn checkpoint_count(&self) -> usize {
        self.checkpoints.len()
    }
}

/// A simulator of `scenario`'s nodes, or `None` when the scenario runs
/// another protocol than `F`.
pub fn simulator<F: crate::protocol::Family>(scenario: &Scenario) -> Option<Simulator<F::Node>> {
    let config = F::pick(&scenario.protocol)?;
    Some(Simulator::new(scenario, |id| config.node(id)))
}
