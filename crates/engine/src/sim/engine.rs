//! The run loop: pick the next thing to happen, hand it to the node it
//! concerns, apply the effects that come back. `World` is all the mutable
//! state (what a checkpoint clones); `Engine` borrows it together with the
//! immutable setup and, when recording, the trace and history.

use crate::protocol::Spec;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use super::network::{NetState, Verdict};
use super::queue::EventQueue;
use super::sessions::{Route, Sessions};
use super::setup::Setup;
use crate::chunked::Chunked;
use crate::history::History;
use crate::node::{
    Ctx, Effect, Input, Message, NodeId, OpId, OperatorAction, Outcome, Protocol, Request, Timer,
};
use crate::rng::SimRng;
use crate::scenario::{ms_to_instant, Action, Generator};
use crate::time::{Duration, Instant};
use crate::trace::{DropReason, Fate, MessageRecord, Note, Step, StepKind, Trace};

/// What a node of protocol `P` is handed.
type NodeInput<P> = Input<
    <P as Protocol>::Msg,
    <P as Protocol>::Timer,
    <P as Protocol>::Request,
    <P as Protocol>::Command,
>;

mod actions;
mod choose;
mod space;

pub use space::InFlight;

/// Something in the queue.
#[derive(Clone, Debug)]
enum Event<M> {
    Deliver {
        id: u32,
        from: NodeId,
        to: NodeId,
        msg: M,
    },
    Timer {
        node: NodeId,
        timer: u32,
        generation: u64,
    },
}

/// All mutable simulation state.
#[derive(Clone, Debug)]
pub struct World<P: Protocol> {
    pub now: Instant,
    /// Shared between copies of the world until one changes: a checkpoint
    /// or an explorer state copies a node only when a step touches it.
    pub nodes: Vec<Rc<P>>,
    pub up: Vec<bool>,
    pub net: NetState,
    /// Steps taken so far (recorded or not).
    pub steps: usize,
    /// Nodes that have had their `Start` (each is a step at time zero,
    /// before anything else happens).
    started: u16,
    rngs: Vec<SimRng>,
    net_rng: SimRng,
    workload_rng: SimRng,
    /// Per node: pending timer id → generation (a fired event whose
    /// generation is not here was cancelled or re-armed).
    timers: Vec<BTreeMap<u32, u64>>,
    next_generation: u64,
    queue: EventQueue<Event<P::Msg>>,
    agenda_pos: usize,
    /// Steps of the scenario's schedule taken so far (see
    /// [`crate::scenario::Chosen`]).
    schedule_pos: usize,
    next_generated: Option<Instant>,
    next_message: u32,
    next_op: u32,
    /// Client operations each node has not answered yet (failed if the
    /// node crashes: the client sees its connection drop).
    pending_ops: Vec<Vec<OpId>>,
    /// The application's router and what it remembers per user session.
    sessions: Sessions,
    /// What nodes reported about their own state, in step order.
    pub findings: Chunked<Finding>,
}

/// A problem a node reported at a step ([`crate::node::Effect::Finding`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub node: NodeId,
    /// The step during which the node reported it.
    pub step: u32,
    pub anomaly: crate::anomaly::Anomaly,
}

impl<P: Protocol> World<P> {
    /// Roughly how many items a clone of the world copies: every node's
    /// [`Protocol::footprint`], the events in flight, one per node.
    pub fn footprint(&self) -> usize {
        self.nodes.iter().map(|n| n.footprint() + 1).sum::<usize>() + self.queue.len()
    }

    /// `nodes`: one per node of the setup, in id order.
    pub fn new(setup: &Setup, nodes: Vec<P>) -> World<P> {
        let n = setup.nodes;
        let seed = setup.scenario.seed;
        let mut workload_rng = SimRng::stream(seed, "workload");
        let next_generated = setup
            .scenario
            .workload
            .generator
            .as_ref()
            .and_then(|g| first_arrival(g, &mut workload_rng));
        World {
            now: Instant::ZERO,
            nodes: nodes.into_iter().map(Rc::new).collect(),
            up: alloc::vec![true; usize::from(n)],
            net: NetState::new(n),
            steps: 0,
            started: 0,
            rngs: (0..n)
                .map(|i| SimRng::stream(seed, &format!("node/{}", i + 1)))
                .collect(),
            net_rng: SimRng::stream(seed, "network"),
            workload_rng,
            timers: alloc::vec![BTreeMap::new(); usize::from(n)],
            next_generation: 0,
            queue: if setup.explore {
                EventQueue::flat()
            } else {
                EventQueue::default()
            },
            agenda_pos: 0,
            schedule_pos: 0,
            next_generated,
            next_message: 0,
            next_op: 0,
            pending_ops: alloc::vec![Vec::new(); usize::from(n)],
            sessions: Sessions::new(seed),
            findings: Chunked::new(),
        }
    }

    /// Messages in flight right now.
    pub fn in_flight(&self) -> usize {
        self.queue
            .iter()
            .filter(|e| matches!(e, Event::Deliver { .. }))
            .count()
    }
}

fn first_arrival(g: &Generator, rng: &mut SimRng) -> Option<Instant> {
    next_arrival(g, ms_to_instant(g.start_ms), rng)
}

fn next_arrival(g: &Generator, after: Instant, rng: &mut SimRng) -> Option<Instant> {
    // Poisson arrivals: exponential gaps with mean 1 / rate.
    let gap_s = -libm::log(rng.unit_open()) / g.rate_per_s;
    let gap = Duration(libm::round(gap_s * 1_000_000.0).max(1.0) as u64);
    let at = after + gap;
    match g.end_ms {
        Some(end) if at > ms_to_instant(end) => None,
        _ => Some(at),
    }
}

/// What comes next, in tie order at equal times.
enum Next {
    Start,
    Agenda,
    Generated,
    Queue,
    Scheduled,
}

pub struct Engine<'a, P: Protocol> {
    setup: &'a Setup,
    world: &'a mut World<P>,
    trace: Option<&'a mut Trace>,
    history: Option<&'a mut History>,
    /// Scratch for the effects of one input, empty between inputs; lent
    /// by the caller so that it is not allocated anew for every step.
    effects: &'a mut Vec<Effect<P::Msg>>,
}

impl<'a, P: Protocol> Engine<'a, P> {
    pub fn new(
        setup: &'a Setup,
        world: &'a mut World<P>,
        rec: Option<(&'a mut Trace, &'a mut History)>,
        effects: &'a mut Vec<Effect<P::Msg>>,
    ) -> Self {
        let (trace, history) = match rec {
            Some((t, h)) => (Some(t), Some(h)),
            None => (None, None),
        };
        Engine {
            setup,
            world,
            trace,
            history,
            effects,
        }
    }

    /// An engine that keeps the history but no trace: the explorer's,
    /// which judges every state by what clients saw.
    pub fn exploring(
        setup: &'a Setup,
        world: &'a mut World<P>,
        history: &'a mut History,
        effects: &'a mut Vec<Effect<P::Msg>>,
    ) -> Self {
        Engine {
            setup,
            world,
            trace: None,
            history: Some(history),
            effects,
        }
    }

    pub fn world_steps(&self) -> usize {
        self.world.steps
    }

    fn next(&self) -> Option<(Instant, Next)> {
        if self.world.started < self.setup.nodes {
            return Some((Instant::ZERO, Next::Start));
        }
        if self.setup.explore {
            // Only the schedule's steps happen, at the times it names.
            let s = self.setup.scenario.schedule.get(self.world.schedule_pos)?;
            return Some((s.at().max(self.world.now), Next::Scheduled));
        }
        let mut best: Option<(Instant, Next)> = None;
        if let Some(s) = self.setup.agenda.get(self.world.agenda_pos) {
            best = Some((s.at, Next::Agenda));
        }
        if let Some(at) = self.world.next_generated {
            if best.as_ref().is_none_or(|(b, _)| at < *b) {
                best = Some((at, Next::Generated));
            }
        }
        if let Some(at) = self.world.queue.peek_time() {
            if best.as_ref().is_none_or(|(b, _)| at < *b) {
                best = Some((at, Next::Queue));
            }
        }
        best.filter(|(at, _)| *at <= self.setup.until)
    }

    pub fn peek_time(&self) -> Option<Instant> {
        self.next().map(|(at, _)| at)
    }

    /// Handles the next event; false when nothing is left before the end.
    pub fn step(&mut self) -> bool {
        let Some((at, what)) = self.next() else {
            return false;
        };
        self.world.now = at;
        match what {
            Next::Start => {
                let node = NodeId(self.world.started);
                self.world.started += 1;
                self.dispatch(node, Input::Start, StepKind::Start, 0);
            }
            Next::Agenda => {
                let index = self.world.agenda_pos;
                self.world.agenda_pos += 1;
                let action = self.setup.agenda[index].action.clone();
                self.apply(action, index as u32);
            }
            Next::Generated => self.generate(),
            Next::Scheduled => {
                let pos = self.world.schedule_pos;
                self.world.schedule_pos += 1;
                let step = self.setup.scenario.schedule[pos].clone();
                // A schedule is checked by replaying it before its run is
                // built (`crate::explore::replay`); a step that cannot
                // happen is refused there, so here it changes nothing.
                let _ = self.take(&step, pos as u32);
            }
            Next::Queue => {
                if let Some((_, event)) = self.world.queue.pop() {
                    self.event(event);
                }
            }
        }
        true
    }

    fn event(&mut self, event: Event<P::Msg>) {
        match event {
            Event::Deliver { id, from, to, msg } => {
                let lost = if !self.world.up[to.index()] {
                    Some(DropReason::NodeDown)
                } else if self.world.net.severed(from, to, id) {
                    Some(DropReason::Partition)
                } else {
                    None
                };
                if let Some(trace) = self.trace.as_mut() {
                    if let Some(m) = trace.messages.get_mut(id as usize) {
                        m.fate = match lost {
                            Some(reason) => Fate::Dropped { reason },
                            None => Fate::Delivered,
                        };
                    }
                }
                match lost {
                    Some(_) => self.record(to, StepKind::Lost, id),
                    None => self.dispatch(to, Input::Message { from, msg }, StepKind::Deliver, id),
                }
            }
            Event::Timer {
                node,
                timer,
                generation,
            } => {
                let timers = &mut self.world.timers[node.index()];
                if self.world.up[node.index()] && timers.get(&timer) == Some(&generation) {
                    timers.remove(&timer);
                    self.record(node, StepKind::Timer, timer);
                    // Only the node's own `set_timer` armed this id, so it
                    // always reads back; were it not to, the step still
                    // shows that the timer fired.
                    if let Some(typed) = <P::Timer as Timer>::from_id(timer) {
                        self.handle(node, Input::Timer(typed));
                    }
                }
            }
        }
    }

    /// Records a step that hands no input to a protocol.
    fn record(&mut self, node: NodeId, kind: StepKind, subject: u32) {
        let time = self.world.now;
        if let Some(trace) = self.trace.as_mut() {
            trace.steps.push(Step {
                time,
                node,
                kind,
                subject,
            });
        }
        self.world.steps += 1;
    }

    /// One row of the sequence diagram: the node handles `input`, then its
    /// effects are carried out.
    fn dispatch(&mut self, node: NodeId, input: NodeInput<P>, kind: StepKind, subject: u32) {
        self.record(node, kind, subject);
        self.handle(node, input);
    }

    /// The node handles `input` as part of the step just recorded.
    fn handle(&mut self, node: NodeId, input: NodeInput<P>) {
        let step = (self.world.steps - 1) as u32;
        let i = node.index();
        let local = self.setup.local_time(i, self.world.now);
        let mut effects = core::mem::take(self.effects);
        {
            let world = &mut *self.world;
            let mut ctx = Ctx::new(
                node,
                self.setup.nodes,
                local,
                &mut world.rngs[i],
                &mut effects,
            );
            Rc::make_mut(&mut world.nodes[i]).on_input(&mut ctx, input);
        }
        for effect in effects.drain(..) {
            self.effect(node, step, effect);
        }
        *self.effects = effects;
    }

    fn effect(&mut self, node: NodeId, step: u32, effect: Effect<P::Msg>) {
        let now = self.world.now;
        match effect {
            Effect::Send { to, msg } => {
                if to.0 >= self.setup.nodes {
                    return; // a protocol bug must not take the simulator down
                }
                let id = self.world.next_message;
                self.world.next_message += 1;
                let verdict = if self.setup.explore {
                    self.world
                        .net
                        .earliest(&self.setup.links, node, to, now, msg.leg())
                } else {
                    self.world.net.route(
                        &self.setup.links,
                        &mut self.world.net_rng,
                        node,
                        to,
                        now,
                        msg.leg(),
                    )
                };
                let (fate, deliver_at) = match verdict {
                    Verdict::Deliver(at) => (Fate::InFlight, at),
                    Verdict::Lost(reason) => (Fate::Dropped { reason }, now),
                };
                if let Some(trace) = self.trace.as_mut() {
                    let label = trace.label_id(msg.label());
                    let m = MessageRecord::new(node, to, label, fate, step, now, deliver_at);
                    trace.push_message(m, |text| msg.describe(text));
                }
                if let Verdict::Deliver(at) = verdict {
                    self.push(
                        at,
                        Event::Deliver {
                            id,
                            from: node,
                            to,
                            msg,
                        },
                    );
                }
            }
            Effect::SetTimer { timer, min, max } => {
                let delay = if self.setup.explore {
                    // Due at the earliest; when it fires is the explorer's
                    // choice. The one it replaces goes from the queue.
                    self.forget_timer(node, timer);
                    min
                } else {
                    Duration(self.world.rngs[node.index()].between(min.0, max.0.max(min.0)))
                };
                let generation = self.world.next_generation;
                self.world.next_generation += 1;
                self.world.timers[node.index()].insert(timer, generation);
                self.push(
                    now + delay,
                    Event::Timer {
                        node,
                        timer,
                        generation,
                    },
                );
            }
            Effect::CancelTimer { timer } => {
                if self.setup.explore {
                    self.forget_timer(node, timer);
                }
                self.world.timers[node.index()].remove(&timer);
            }
            Effect::Reply { op, outcome } => {
                self.world.pending_ops[node.index()].retain(|p| *p != op);
                self.world.sessions.answered(op, &outcome, now);
                if let Some(history) = self.history.as_mut() {
                    history.complete(op, outcome, now, step);
                }
            }
            Effect::Note(text) => {
                if let Some(trace) = self.trace.as_mut() {
                    trace.notes.push(Note { step, text });
                }
            }
            Effect::Finding(anomaly) => self.world.findings.push(Finding {
                node,
                step,
                anomaly,
            }),
        }
    }

    fn push(&mut self, at: Instant, event: Event<P::Msg>) {
        self.world.queue.push(at, event);
    }
}

/// "node 1" or "nodes 2, 3".
fn group(nodes: &[NodeId]) -> String {
    match nodes {
        [one] => format!("{one}"),
        _ => {
            let ids: Vec<String> = nodes.iter().map(|n| format!("{}", n.0 + 1)).collect();
            format!("nodes {}", ids.join(", "))
        }
    }
}
