//! The explorer: "can this ever happen?" answered by exhaustive search.
//!
//! A run follows one schedule, drawn from its seed. The explorer follows
//! all of them, as an explicit-state model checker does (Holzmann's SPIN;
//! in Rust, Stateright): from the scenario's initial state it tries every
//! choice open in each state — deliver any message in flight (any order,
//! except that first-in-first-out links keep theirs), fire any armed
//! timer, issue a client's next operation, take the next scripted fault,
//! and within the user's bounds crash, recover, lose a message or isolate
//! a node — and judges each state it reaches with the simulator's own
//! checkers. Breadth-first with a set of state fingerprints, so the first
//! violation found is reached by a shortest schedule; random walks for
//! spaces too big for that.
//!
//! Time: each choice happens at the earliest moment it may — a message no
//! sooner than its link's shortest delay after it was sent, a timer no
//! sooner than its shortest delay after it was armed — and never before
//! the choice before it. Nothing has an upper bound (a message may stay
//! in flight, a node may pause), so any open choice may come next. States
//! enter the fingerprint with times relative to now (how long until each
//! message and timer is due) and the history's times as ranks; now itself
//! enters only for protocols whose nodes read their clocks, or when a
//! clock drifts. `docs/explore.md` has the whole rule.
//!
//! A violation is a schedule ([`Chosen`] steps). A scenario holding it
//! replays exactly those steps, so the counterexample is an ordinary run:
//! trace, diagram, inspector and share link.

pub mod catalogue;
mod fingerprint;
mod property;
mod replay;
mod search;
mod story;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
pub mod wire;

pub use fingerprint::{Fingerprint, Visited};
pub use property::Property;
pub use replay::check_schedule;
pub use story::Story;

use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::anomaly::Anomaly;
use crate::node::Protocol;
use crate::protocol::{Family, Visit};
use crate::scenario::{Chosen, Scenario};
use search::Space;

/// How far the search may go. Crashes, losses and partitions bound the
/// model (what may go wrong); depth and states bound the search.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Bounds {
    /// Most choices on one path.
    pub max_depth: u32,
    /// Most distinct states visited.
    pub max_states: u64,
    /// Most crashes of the explorer's own on one path.
    pub crashes: u8,
    /// Most messages lost on one path.
    pub losses: u8,
    /// Most nodes isolated on one path.
    pub partitions: u8,
    /// Most messages in flight on one link (0: no limit). States with
    /// more are not explored — a state constraint, as in TLC: it bounds
    /// the model where a protocol resends without end (a leader's
    /// heartbeats to a follower that never answers).
    pub max_in_flight: u8,
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds {
            max_depth: 40,
            max_states: 1_000_000,
            crashes: 0,
            losses: 0,
            partitions: 0,
            max_in_flight: 0,
        }
    }
}

/// Largest bounds accepted: past these a search would outgrow a browser
/// tab's memory long before it finished.
pub const MAX_DEPTH: u32 = 10_000;
pub const MAX_STATES: u64 = 50_000_000;

impl Bounds {
    /// Every bound out of range, each with what is allowed.
    pub fn check(&self) -> Result<(), String> {
        let mut problems = Vec::new();
        if self.max_depth == 0 || self.max_depth > MAX_DEPTH {
            problems.push(format!(
                "max-depth must be between 1 and {MAX_DEPTH} (it is {})",
                self.max_depth
            ));
        }
        if self.max_states == 0 || self.max_states > MAX_STATES {
            problems.push(format!(
                "max-states must be between 1 and {MAX_STATES} (it is {})",
                self.max_states
            ));
        }
        for (name, n) in [
            ("crashes", self.crashes),
            ("losses", self.losses),
            ("partitions", self.partitions),
        ] {
            if n > 10 {
                problems.push(format!("{name} must be at most 10 (it is {n})"));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        }
    }
}

/// Which search runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Mode {
    /// Every state within the bounds, nearest first: the first violation
    /// found has a shortest schedule, and "none found" with nothing cut
    /// off means none exists within the bounds.
    BreadthFirst,
    /// `walks` random paths, each up to the depth bound: for spaces too
    /// big to search whole. It can find a violation, never rule one out,
    /// and what it finds need not be shortest.
    RandomWalk { walks: u32, seed: u64 },
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::BreadthFirst => "breadth-first",
            Mode::RandomWalk { .. } => "random walk",
        }
    }
}

/// Why a search ended without covering everything within the bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stop {
    /// Some path reached the depth bound with choices left.
    Depth,
    /// The state bound was reached.
    States,
    /// The caller's time budget ran out, or the user stopped it.
    Time,
    /// Random walks never cover the space.
    Walks,
}

impl Stop {
    pub fn describe(self) -> &'static str {
        match self {
            Stop::Depth => "some paths reached the depth bound with choices left",
            Stop::States => "the state bound was reached",
            Stop::Time => "it was stopped (time budget or by hand) before it finished",
            Stop::Walks => "random walks sample paths and never cover them all",
        }
    }
}

/// How far a search has got.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// Distinct states visited.
    pub states: u64,
    /// Choices tried (each gives a state, new or seen).
    pub transitions: u64,
    /// Deepest level reached.
    pub depth: u32,
    /// States waiting to be expanded (breadth-first).
    pub queue: usize,
    /// Bytes the visited set holds.
    pub visited_bytes: usize,
    /// States left out for holding more messages on a link than
    /// `max_in_flight` allows.
    #[serde(default)]
    pub pruned: u64,
}

/// A violation and the shortest schedule found that reaches it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Counterexample {
    /// The choices, from the initial state (after every node's start).
    pub schedule: Vec<Chosen>,
    /// The anomaly the simulator's checker labels at the last step.
    pub violation: Anomaly,
    /// The scenario that replays the schedule and nothing else: run it to
    /// see the violation.
    pub scenario: Scenario,
}

/// What a search found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub property: Property,
    pub mode: Mode,
    pub bounds: Bounds,
    pub progress: Progress,
    /// Every reachable state within the bounds was visited (and none
    /// violates the property, or `found` says which does).
    pub complete: bool,
    /// Why it is not complete.
    pub stopped: Option<Stop>,
    pub found: Option<Counterexample>,
}

impl Report {
    /// What the in-flight bound left out, when it is set.
    fn in_flight_note(&self) -> String {
        match self.bounds.max_in_flight {
            0 => String::new(),
            k => format!(
                " States with more than {k} message{} in flight on one link were left out ({} of them).",
                if k == 1 { "" } else { "s" },
                self.progress.pruned
            ),
        }
    }

    /// One paragraph for a person.
    pub fn describe(&self) -> String {
        let p = &self.progress;
        match (&self.found, self.stopped) {
            (Some(c), _) => format!(
                "Found a violation of {} after {} choices ({} states explored, {}): {}",
                self.property.name(),
                c.schedule.len(),
                p.states,
                self.mode.name(),
                c.violation.explanation
            ),
            (None, None) => format!(
                "None within these bounds: every reachable state — {} in all, paths of up to {} choices, at most {} crash{}, {} lost message{} and {} isolated node{} — was explored, and in none of them is {} violated ({}).",
                p.states,
                p.depth,
                self.bounds.crashes,
                if self.bounds.crashes == 1 { "" } else { "es" },
                self.bounds.losses,
                if self.bounds.losses == 1 { "" } else { "s" },
                self.bounds.partitions,
                if self.bounds.partitions == 1 { "" } else { "s" },
                self.property.name(),
                self.property.meaning()
            ) + &self.in_flight_note(),
            (None, Some(stop)) => format!(
                "None found, but the search is not complete: {}. {} states explored ({}), paths up to {} choices. Raise the bounds to look further.",
                stop.describe(),
                p.states,
                self.mode.name(),
                p.depth
            ),
        }
    }
}

/// A search in progress, for any protocol: advance it in slices (so a
/// caller can report progress and stop it), then read its report.
pub struct Search {
    space: Box<dyn Explore>,
    scenario: Scenario,
    property: Property,
    mode: Mode,
    bounds: Bounds,
    stopped_by_caller: bool,
}

trait Explore {
    fn advance(&mut self, budget: u64) -> bool;
    fn progress(&self) -> Progress;
    fn finished(&self) -> bool;
    fn stop_reason(&self) -> Option<Stop>;
    fn found(&self) -> Option<(Vec<Chosen>, Anomaly)>;
    #[cfg(all(test, not(target_arch = "wasm32")))]
    fn shortest_by_brute_force(&mut self, limit: u32) -> Option<u32>;
}

impl<P: Protocol> Explore for Space<P> {
    fn advance(&mut self, budget: u64) -> bool {
        Space::advance(self, budget)
    }
    fn progress(&self) -> Progress {
        self.progress
    }
    fn finished(&self) -> bool {
        Space::finished(self)
    }
    fn stop_reason(&self) -> Option<Stop> {
        Space::stop_reason(self)
    }
    fn found(&self) -> Option<(Vec<Chosen>, Anomaly)> {
        Space::found(self)
    }
    #[cfg(all(test, not(target_arch = "wasm32")))]
    fn shortest_by_brute_force(&mut self, limit: u32) -> Option<u32> {
        Space::shortest_by_brute_force(self, limit)
    }
}

/// Most client operations a scenario may list for the explorer (each
/// is one bit of the state).
pub const MAX_OPS: usize = 64;

impl Search {
    /// Checks everything first: the scenario, the property (does it apply
    /// to this protocol?) and the bounds; each refusal names what was
    /// wrong.
    pub fn new(
        scenario: &Scenario,
        property: Property,
        bounds: Bounds,
        mode: Mode,
    ) -> Result<Search, String> {
        scenario
            .validate()
            .map_err(|p| crate::scenario::ScenarioError::Invalid(p).to_string())?;
        bounds.check()?;
        property.applies_to(scenario)?;
        if !scenario.schedule.is_empty() {
            return Err("this scenario already replays a schedule: explore the scenario without its schedule".into());
        }
        if scenario.workload.generator.is_some() {
            return Err("the explorer needs the workload's operations listed in workload.ops; this scenario draws them at random from a generator".into());
        }
        if scenario.workload.ops.len() > MAX_OPS {
            return Err(format!(
                "the explorer takes at most {MAX_OPS} client operations; this scenario lists {}",
                scenario.workload.ops.len()
            ));
        }
        if let Mode::RandomWalk { walks: 0, .. } = mode {
            return Err("walks must be at least 1".into());
        }
        // Faults and interventions together are the script, listed in the
        // order they happen (interventions after faults at one time): a
        // schedule takes them so.
        let mut scenario = scenario.clone();
        let mut script = core::mem::take(&mut scenario.faults);
        script.append(&mut scenario.interventions);
        scenario.faults = crate::scenario::scripted_order(&script)
            .into_iter()
            .map(|i| script[i].clone())
            .collect();
        let clients = search::clients(&scenario);
        let space = scenario.protocol.visit(Build {
            scenario: &scenario,
            property,
            bounds,
            mode,
            clients,
        });
        Ok(Search {
            space,
            scenario,
            property,
            mode,
            bounds,
            stopped_by_caller: false,
        })
    }

    /// See `Space::shortest_by_brute_force` (before any `advance`).
    #[cfg(all(test, not(target_arch = "wasm32")))]
    fn shortest_by_brute_force(&mut self, limit: u32) -> Option<u32> {
        self.space.shortest_by_brute_force(limit)
    }

    /// Tries up to `budget` more choices; true once the search is over.
    pub fn advance(&mut self, budget: u64) -> bool {
        self.space.advance(budget)
    }

    pub fn progress(&self) -> Progress {
        self.space.progress()
    }

    /// Ends the search where it is (time budget, or a person pressed
    /// Stop); the report says so.
    pub fn stop(&mut self) {
        if !self.space.finished() {
            self.stopped_by_caller = true;
        }
    }

    pub fn report(&self) -> Report {
        let found = self.space.found().map(|(schedule, violation)| {
            let mut scenario = self.scenario.clone();
            let last = schedule.last().map_or(0.0, |s| s.at_ms);
            // One more millisecond, so the violating step is not the
            // run's very end.
            scenario.until_ms = last + 1.0;
            // Operations and faults taken say when the search took them.
            for s in &schedule {
                let listed = match s.choice {
                    crate::scenario::Choice::Request { op } => {
                        scenario.workload.ops.get_mut(op as usize)
                    }
                    crate::scenario::Choice::Script { index } => {
                        scenario.faults.get_mut(index as usize)
                    }
                    _ => None,
                };
                if let Some(t) = listed {
                    t.at_ms = s.at_ms;
                }
            }
            scenario.schedule = schedule.clone();
            Counterexample {
                schedule,
                violation,
                scenario,
            }
        });
        let stopped = if found.is_some() {
            None
        } else if self.stopped_by_caller {
            Some(Stop::Time)
        } else {
            self.space.stop_reason()
        };
        Report {
            property: self.property,
            mode: self.mode,
            bounds: self.bounds,
            progress: self.space.progress(),
            complete: found.is_none() && stopped.is_none() && self.space.finished(),
            stopped,
            found,
        }
    }
}

/// Searches to the end (or the bounds) in one call.
pub fn explore(
    scenario: &Scenario,
    property: Property,
    bounds: Bounds,
    mode: Mode,
) -> Result<Report, String> {
    let mut search = Search::new(scenario, property, bounds, mode)?;
    while !search.advance(1 << 16) {}
    Ok(search.report())
}

/// One line per exploration that teaches ([`vector_line`]). The native
/// tests and the WebAssembly tests compare it with the committed
/// `vectors.txt`: the search is the same on every target, state for
/// state.
pub fn vectors() -> String {
    let mut out = String::new();
    for e in catalogue::all() {
        let Some(scenario) = e.scenario() else {
            continue;
        };
        match explore(&scenario, e.property, e.bounds, Mode::BreadthFirst) {
            Ok(r) => out.push_str(&vector_line(&e.id, &r)),
            Err(why) => out.push_str(&format!("{} error {why}\n", e.id)),
        }
    }
    out
}

/// An exploration's id, the states visited, the depth reached, and the
/// counterexample's length and a hash of its schedule (`- -` when none).
pub fn vector_line(id: &str, r: &Report) -> String {
    let found = match &r.found {
        Some(c) => {
            let mut h = Fingerprint::default();
            h.debug(&c.schedule);
            format!("{} {:016x}", c.schedule.len(), h.finish())
        }
        None => String::from("- -"),
    };
    format!("{id} {} {} {found}\n", r.progress.states, r.progress.depth)
}

struct Build<'a> {
    scenario: &'a Scenario,
    property: Property,
    bounds: Bounds,
    mode: Mode,
    clients: Vec<Vec<u32>>,
}

impl Visit for Build<'_> {
    type Out = Box<dyn Explore>;
    fn visit<F: Family>(self, config: &F) -> Box<dyn Explore> {
        let nodes = (0..self.scenario.node_count())
            .map(|i| config.node(crate::node::NodeId(i)))
            .collect();
        Box::new(Space::<F::Node>::new(
            self.scenario,
            nodes,
            self.property,
            self.bounds,
            self.mode,
            self.clients,
        ))
    }
}
