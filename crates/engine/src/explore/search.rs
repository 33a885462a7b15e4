//! The search itself, for one protocol `P`: states of the whole system
//! (the simulator's world plus what clients saw), the choices open in
//! each, and breadth-first search with a visited set of fingerprints, or
//! random walks when the space is too big for that.

use alloc::vec::Vec;

use super::fingerprint::{Fingerprint, Visited};
use super::{Bounds, Mode, Progress, Property, Stop};
use crate::anomaly::Anomaly;
use crate::history::History;
use crate::node::{NodeId, OpId, Protocol};
use crate::protocol::Spec;
use crate::rng::SimRng;
use crate::scenario::{Action, Choice, Chosen, Scenario};
use crate::sim::{Engine, Setup, World};
use crate::time::Instant;

/// One state of the search.
#[derive(Clone)]
struct State<P: Protocol> {
    world: World<P>,
    history: History,
    /// Workload operations issued (bit `i` for `workload.ops[i]`).
    issued: u64,
    /// Per client, its operation in progress.
    waiting: Vec<Option<OpId>>,
    /// Scripted faults taken.
    script: u16,
    crashes: u8,
    losses: u8,
    partitions: u8,
    depth: u32,
    /// The step that led here, in `Space::steps`; `u32::MAX` at the root.
    step: u32,
    /// Each node's fingerprint ([`World::node_fingerprint`]).
    nodes: Vec<u64>,
    /// The history's fingerprint, kept until the history changes.
    history_fp: u64,
    /// Whether the step that led here changed the history (an operation
    /// called or answered): only then can a property that reads nothing
    /// else have become violated.
    history_changed: bool,
    /// Fingerprints of the messages in flight, by message number: a
    /// message never changes while it travels.
    messages: Vec<(u32, u64)>,
}

/// What one protocol's search keeps.
pub(super) struct Space<P: Protocol> {
    setup: Setup,
    property: Property,
    bounds: Bounds,
    mode: Mode,
    /// Per client, its operations' indices in `workload.ops`, in order.
    clients: Vec<Vec<u32>>,
    absolute_time: bool,
    /// Whether the workload has user sessions (whose router remembers).
    sessions: bool,
    visited: Visited,
    /// Breadth-first: states whose successors are still to be explored,
    /// in the order found.
    queue: alloc::collections::VecDeque<State<P>>,
    /// Every step taken to reach a queued or explored state: its parent
    /// step and the choice, so a schedule is read back from any state.
    steps: Vec<(u32, Chosen)>,
    root: Option<State<P>>,
    rng: SimRng,
    walks: u32,
    pub(super) progress: Progress,
    found: Option<(u32, Anomaly)>,
    done: bool,
    /// Set when some state at the depth bound still had choices.
    cut_at_depth: bool,
    /// Scratch.
    effects: Vec<crate::node::Effect<P::Msg>>,
}

impl<P: Protocol> Space<P> {
    pub(super) fn new(
        scenario: &Scenario,
        nodes: Vec<P>,
        property: Property,
        bounds: Bounds,
        mode: Mode,
        clients: Vec<Vec<u32>>,
    ) -> Space<P> {
        let setup = Setup::exploring(scenario.clone());
        let mut world = World::new(&setup, nodes);
        let mut history = History::default();
        let mut effects = Vec::new();
        {
            // Every node's start is part of the initial state.
            let mut engine = Engine::exploring(&setup, &mut world, &mut history, &mut effects);
            while engine.step() {}
        }
        let absolute_time = scenario.protocol.spec().reads_clock()
            || scenario.clocks.iter().any(|c| c.drift_ppm != 0.0);
        let nodes = (0..world.nodes.len())
            .map(|i| world.node_fingerprint(i))
            .collect();
        let history_fp = history_fingerprint(&history);
        let mut root = State {
            world,
            history,
            issued: 0,
            waiting: alloc::vec![None; clients.len()],
            script: 0,
            crashes: 0,
            losses: 0,
            partitions: 0,
            depth: 0,
            step: u32::MAX,
            nodes,
            history_fp,
            history_changed: true,
            messages: Vec::new(),
        };
        let seed = match mode {
            Mode::RandomWalk { seed, .. } => seed,
            Mode::BreadthFirst => 0,
        };
        let mut space = Space {
            setup,
            property,
            bounds,
            mode,
            clients,
            absolute_time,
            sessions: scenario
                .workload
                .ops
                .iter()
                .any(|t| matches!(t.action, Action::Session { .. })),
            visited: Visited::default(),
            queue: Default::default(),
            steps: Vec::new(),
            root: None,
            rng: SimRng::stream(seed, "explore"),
            walks: 0,
            progress: Progress::default(),
            found: None,
            done: false,
            cut_at_depth: false,
            effects,
        };
        let fp = space.fingerprint(&mut root);
        space.visited.insert(fp);
        space.progress.states = 1;
        if let Some(a) = space.violation(&root) {
            space.found = Some((u32::MAX, a));
            space.done = true;
        }
        match mode {
            Mode::BreadthFirst => space.queue.push_back(root),
            Mode::RandomWalk { .. } => space.root = Some(root),
        }
        space
    }

    /// Explores up to `budget` more transitions; true once finished.
    pub(super) fn advance(&mut self, budget: u64) -> bool {
        let until = self.progress.transitions + budget;
        while !self.done && self.progress.transitions < until {
            match self.mode {
                Mode::BreadthFirst => self.expand_next(),
                Mode::RandomWalk { walks, .. } => self.walk(walks),
            }
        }
        self.progress.queue = self.queue.len();
        self.progress.visited_bytes = self.visited.bytes();
        self.done
    }

    pub(super) fn stop_reason(&self) -> Option<Stop> {
        if self.found.is_some() {
            return None;
        }
        if self.progress.states >= self.bounds.max_states {
            return Some(Stop::States);
        }
        if self.cut_at_depth {
            return Some(Stop::Depth);
        }
        if matches!(self.mode, Mode::RandomWalk { .. }) {
            return Some(Stop::Walks);
        }
        None
    }

    pub(super) fn finished(&self) -> bool {
        self.done
    }

    /// The schedule to the violation found, and the violation.
    pub(super) fn found(&self) -> Option<(Vec<Chosen>, Anomaly)> {
        let (step, anomaly) = self.found.as_ref()?;
        Some((self.schedule(*step), anomaly.clone()))
    }

    fn schedule(&self, mut step: u32) -> Vec<Chosen> {
        let mut out = Vec::new();
        while step != u32::MAX {
            let (parent, chosen) = &self.steps[step as usize];
            out.push(chosen.clone());
            step = *parent;
        }
        out.reverse();
        out
    }

    fn expand_next(&mut self) {
        let Some(state) = self.queue.pop_front() else {
            self.done = true;
            return;
        };
        let choices = self.choices(&state);
        if state.depth >= self.bounds.max_depth {
            if !choices.is_empty() {
                self.cut_at_depth = true;
            }
            return;
        }
        self.progress.depth = self.progress.depth.max(state.depth + 1);
        for chosen in choices {
            self.progress.transitions += 1;
            let Some(mut next) = self.take(&state, &chosen) else {
                continue;
            };
            let fp = self.fingerprint(&mut next);
            if !self.visited.insert(fp) {
                continue;
            }
            self.progress.states += 1;
            let step = self.steps.len() as u32;
            self.steps.push((state.step, chosen));
            next.step = step;
            if let Some(a) = self.violation(&next) {
                self.found = Some((step, a));
                self.done = true;
                return;
            }
            if self.progress.states >= self.bounds.max_states {
                self.done = true;
                return;
            }
            self.queue.push_back(next);
        }
    }

    /// One random path from the initial state, at most `max_depth` long.
    fn walk(&mut self, walks: u32) {
        if self.walks >= walks {
            self.done = true;
            return;
        }
        self.walks += 1;
        let Some(mut state) = self.root.clone() else {
            self.done = true;
            return;
        };
        while state.depth < self.bounds.max_depth {
            let choices = self.choices(&state);
            if choices.is_empty() {
                return;
            }
            let chosen = choices[self.rng.index(choices.len())].clone();
            self.progress.transitions += 1;
            let Some(mut next) = self.take(&state, &chosen) else {
                return;
            };
            let step = self.steps.len() as u32;
            self.steps.push((state.step, chosen));
            next.step = step;
            self.progress.depth = self.progress.depth.max(next.depth);
            let fp = self.fingerprint(&mut next);
            if self.visited.len() < self.bounds.max_states as usize && self.visited.insert(fp) {
                self.progress.states += 1;
            }
            if let Some(a) = self.violation(&next) {
                // The shortest of the walks' violations is kept.
                let shorter = self
                    .found
                    .as_ref()
                    .is_none_or(|(s, _)| self.schedule(*s).len() > next.depth as usize);
                if shorter {
                    self.found = Some((step, a));
                }
                self.done = true;
                return;
            }
            state = next;
        }
        if !self.choices(&state).is_empty() {
            self.cut_at_depth = true;
        }
    }

    /// Every choice open in `s`, in a fixed order.
    fn choices(&self, s: &State<P>) -> Vec<Chosen> {
        let w = &s.world;
        // Every step takes a microsecond at least, so no two happen at
        // one instant and the history's real-time order is the steps'.
        let now = w.now + crate::time::Duration(1);
        let mut out = Vec::new();
        let messages = w.messages(&self.setup);
        for m in messages.iter().filter(|m| m.deliverable) {
            out.push(Chosen::new(
                m.due.max(now),
                Choice::Deliver { message: m.id },
            ));
        }
        for (choice, due) in w.armed_timers() {
            out.push(Chosen::new(due.max(now), choice));
        }
        for (c, ops) in self.clients.iter().enumerate() {
            let busy = s.waiting[c]
                .is_some_and(|op| s.history.get(op).is_some_and(|o| o.outcome.is_none()));
            if busy {
                continue;
            }
            if let Some(&op) = ops.iter().find(|&&i| s.issued & (1 << i) == 0) {
                out.push(Chosen::new(now, Choice::Request { op }));
            }
        }
        if usize::from(s.script) < self.setup.script.len() {
            out.push(Chosen::new(
                now,
                Choice::Script {
                    index: u32::from(s.script),
                },
            ));
        }
        let nodes = (0..self.setup.nodes).map(NodeId);
        if s.crashes < self.bounds.crashes {
            for n in nodes.clone().filter(|n| w.up[n.index()]) {
                out.push(Chosen::new(now, Choice::Crash { node: n }));
            }
        }
        for n in nodes.clone().filter(|n| !w.up[n.index()]) {
            out.push(Chosen::new(now, Choice::Recover { node: n }));
        }
        if s.losses < self.bounds.losses {
            for m in &messages {
                out.push(Chosen::new(now, Choice::Lose { message: m.id }));
            }
        }
        if s.partitions < self.bounds.partitions {
            for n in nodes {
                out.push(Chosen::new(now, Choice::Isolate { node: n }));
            }
        }
        if w.net.cut_links().next().is_some() {
            out.push(Chosen::new(now, Choice::HealAll));
        }
        out
    }

    /// `s` after `chosen`, or `None` if the engine refuses it (it never
    /// should: the choices come from the state itself).
    fn take(&mut self, s: &State<P>, chosen: &Chosen) -> Option<State<P>> {
        let mut next = s.clone();
        next.depth += 1;
        let before = next.history.ops.len();
        let answered_before = answered(&next.history);
        {
            let mut engine = Engine::exploring(
                &self.setup,
                &mut next.world,
                &mut next.history,
                &mut self.effects,
            );
            engine.take(chosen, next.depth - 1).ok()?;
        }
        if self.bounds.max_in_flight > 0 && self.too_many_in_flight(&next.world) {
            self.progress.pruned += 1;
            return None;
        }
        // The nodes this step may have changed get new fingerprints: the
        // one it handed an input to, or every node for a request (a
        // session's router picks the node) or a scripted fault.
        let touched = match chosen.choice {
            Choice::Deliver { message } => s
                .world
                .message_to(message)
                .map(|n| n.index()..n.index() + 1),
            Choice::Timer { node, .. } | Choice::Crash { node } | Choice::Recover { node } => {
                Some(node.index()..node.index() + 1)
            }
            Choice::Lose { .. } | Choice::Isolate { .. } | Choice::HealAll => None,
            Choice::Request { .. } | Choice::Script { .. } => Some(0..next.nodes.len()),
        };
        for i in touched.unwrap_or_default() {
            next.nodes[i] = next.world.node_fingerprint(i);
        }
        next.history_changed =
            next.history.ops.len() != before || answered(&next.history) != answered_before;
        if next.history_changed {
            next.history_fp = history_fingerprint(&next.history);
        }
        match chosen.choice {
            Choice::Request { op } => {
                next.issued |= 1 << op;
                if let Some(c) = self.clients.iter().position(|ops| ops.contains(&op)) {
                    next.waiting[c] = next.history.ops.get(before).map(|o| o.id);
                }
            }
            Choice::Script { .. } => next.script += 1,
            Choice::Crash { .. } => next.crashes += 1,
            Choice::Lose { .. } => next.losses += 1,
            Choice::Isolate { .. } => next.partitions += 1,
            _ => {}
        }
        Some(next)
    }

    /// Does some link hold more messages than the in-flight bound?
    fn too_many_in_flight(&self, w: &World<P>) -> bool {
        let mut links: Vec<(NodeId, NodeId)> = w
            .messages(&self.setup)
            .iter()
            .map(|m| (m.from, m.to))
            .collect();
        links.sort_unstable();
        let limit = usize::from(self.bounds.max_in_flight);
        links.chunk_by(|a, b| a == b).any(|run| run.len() > limit)
    }

    fn fingerprint(&self, s: &mut State<P>) -> u64 {
        let mut h = Fingerprint::default();
        let known = core::mem::take(&mut s.messages);
        let mut now_known: Vec<(u32, u64)> = Vec::with_capacity(known.len() + 4);
        let mut message = |id: u32, msg: &P::Msg| {
            let fp = match known.binary_search_by_key(&id, |m| m.0) {
                Ok(i) => known[i].1,
                Err(_) => {
                    let mut m = Fingerprint::default();
                    m.debug(msg);
                    m.finish()
                }
            };
            now_known.push((id, fp));
            fp
        };
        s.world.fingerprint(
            &self.setup,
            &mut h,
            self.absolute_time,
            self.sessions,
            &s.nodes,
            &mut message,
        );
        now_known.sort_unstable();
        s.messages = now_known;
        h.u64(s.history_fp);
        h.u64(s.issued);
        h.u64(
            u64::from(s.script)
                | u64::from(s.crashes) << 16
                | u64::from(s.losses) << 24
                | u64::from(s.partitions) << 32,
        );
        h.finish()
    }

    fn violation(&self, s: &State<P>) -> Option<Anomaly> {
        if self.property.reads_history_only() && !s.history_changed {
            return None;
        }
        let settled = s.world.in_flight() == 0 && !s.world.any_timer_armed();
        crate::run::judge(
            &self.setup.scenario,
            &s.world,
            &s.history,
            settled,
            Some(self.property.kinds()),
        )
        .into_iter()
        .next()
    }
}

fn answered(h: &History) -> usize {
    h.ops.iter().filter(|o| o.outcome.is_some()).count()
}

/// What clients saw, with times as ranks: which call and answer came
/// before which (and which at the same instant) is all any checker
/// compares, so paths that differ only in how long things took merge.
fn history_fingerprint(history: &History) -> u64 {
    let mut h = Fingerprint::default();
    let mut times: Vec<Instant> = Vec::new();
    for o in &history.ops {
        times.push(o.invoked_at);
        times.extend(o.completed_at);
    }
    times.sort_unstable();
    times.dedup();
    let rank = |t: Instant| times.binary_search(&t).map_or(0, |i| i as u64 + 1);
    h.u64(history.ops.len() as u64);
    for o in &history.ops {
        h.u64(u64::from(o.node.0) | u64::from(o.session.unwrap_or(u32::MAX)) << 16);
        h.u64(rank(o.invoked_at) | o.completed_at.map_or(0, rank) << 32);
        h.debug(&o.request);
        h.debug(&o.outcome);
    }
    h.finish()
}

/// Groups a scenario's client operations into clients, each in its own
/// order: a user session is one client; operations sent straight to a
/// node come from that node's client.
pub(super) fn clients(scenario: &Scenario) -> Vec<Vec<u32>> {
    let mut keyed: Vec<((u8, u32), Vec<u32>)> = Vec::new();
    let mut order: Vec<usize> = (0..scenario.workload.ops.len()).collect();
    crate::sorting::sort_by_key(&mut order, |&i| (scenario.workload.ops[i].at(), i));
    for i in order {
        let key = match &scenario.workload.ops[i].action {
            Action::Session { session, .. } => (1, *session),
            Action::Client { node, .. } => (0, u32::from(node.0)),
            _ => (2, i as u32),
        };
        match keyed.iter_mut().find(|(k, _)| *k == key) {
            Some((_, ops)) => ops.push(i as u32),
            None => keyed.push((key, alloc::vec![i as u32])),
        }
    }
    keyed.into_iter().map(|(_, ops)| ops).collect()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
impl<P: Protocol> Space<P> {
    /// The length of the shortest violating path found by plain tree
    /// search — every path up to `limit` choices, no visited set, no
    /// fingerprints — to hold breadth-first search to. Only for tiny
    /// spaces: it revisits every state once per path to it.
    pub(super) fn shortest_by_brute_force(&mut self, limit: u32) -> Option<u32> {
        let root = self.queue.front()?.clone();
        let mut best = None;
        self.tree(&root, limit, &mut best);
        best
    }

    fn tree(&mut self, s: &State<P>, limit: u32, best: &mut Option<u32>) {
        if s.depth >= limit || best.is_some_and(|b| s.depth + 1 >= b) {
            return;
        }
        for c in self.choices(s) {
            let Some(mut next) = self.take(s, &c) else {
                continue;
            };
            // Every state judged: none of the search's shortcuts.
            next.history_changed = true;
            if self.violation(&next).is_some() {
                *best = Some(next.depth);
                return;
            }
            self.tree(&next, limit, best);
        }
    }
}
