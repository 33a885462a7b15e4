//! The engine driven by choices instead of the clock: one schedule step
//! ([`Chosen`]) at a time, each refused with a sentence when it cannot
//! happen in the current state. The explorer takes these steps to search;
//! a scenario with a schedule replays them; both go through here, so a
//! counterexample replays into exactly the states the search saw.

use super::*;
use crate::scenario::{Choice, Chosen};

impl<P: Protocol> Engine<'_, P> {
    /// Takes one schedule step at its time. `pos` (the step's place in
    /// its schedule) is the trace step's subject for faults.
    pub fn take(&mut self, step: &Chosen, pos: u32) -> Result<(), String> {
        let at = step.at();
        if at < self.world.now {
            return Err(format!(
                "it is {} ms, before the step before it",
                at.0 as f64 / 1000.0
            ));
        }
        if let Some(due) = self.due(step.choice)? {
            if at < due {
                return Err(format!("it is not due until {} ms", due.0 as f64 / 1000.0));
            }
        }
        self.world.now = at;
        match step.choice {
            Choice::Deliver { message } => {
                let event = self.take_message(message, at)?;
                self.event(event);
            }
            Choice::Lose { message } => {
                let Event::Deliver { to, .. } = self.take_message(message, at)? else {
                    return Ok(());
                };
                if let Some(m) = self
                    .trace
                    .as_mut()
                    .and_then(|t| t.messages.get_mut(message as usize))
                {
                    m.fate = Fate::Dropped {
                        reason: DropReason::Network,
                    };
                }
                self.record(to, StepKind::Lost, message);
            }
            Choice::Timer { node, timer } => {
                let generation = self.world.timers[node.index()].get(&timer).copied();
                let (_, event) = self
                    .world
                    .queue
                    .take(|e| {
                        matches!(e, Event::Timer { node: n, timer: t, generation: g }
                            if *n == node && *t == timer && Some(*g) == generation)
                    })
                    .ok_or_else(|| format!("{node} has no timer {timer} armed"))?;
                self.event(event);
            }
            Choice::Request { op } => {
                let action = self
                    .setup
                    .scenario
                    .workload
                    .ops
                    .get(op as usize)
                    .map(|t| t.action.clone())
                    .ok_or_else(|| format!("there is no client operation {op}"))?;
                self.apply(action, op);
            }
            Choice::Script { index } => {
                let action = self
                    .setup
                    .script
                    .get(index as usize)
                    .cloned()
                    .ok_or_else(|| format!("there is no scripted fault {index}"))?;
                self.apply(action, pos);
            }
            Choice::Crash { node } => self.apply(Action::Crash { node }, pos),
            Choice::Recover { node } => self.apply(Action::Recover { node }, pos),
            Choice::Isolate { node } => {
                let others: Vec<NodeId> = (0..self.setup.nodes)
                    .map(NodeId)
                    .filter(|&n| n != node)
                    .collect();
                self.apply(
                    Action::Partition {
                        from: alloc::vec![node],
                        to: others,
                        two_way: true,
                    },
                    pos,
                );
            }
            Choice::HealAll => self.apply(Action::HealAll, pos),
        }
        Ok(())
    }

    /// Takes message `id` out of the queue; its record in the trace now
    /// arrives (or is lost) `at`.
    fn take_message(&mut self, id: u32, at: Instant) -> Result<Event<P::Msg>, String> {
        let (_, event) = self
            .world
            .queue
            .take(|e| matches!(e, Event::Deliver { id: i, .. } if *i == id))
            .ok_or_else(|| not_in_flight(id))?;
        if let Some(m) = self
            .trace
            .as_mut()
            .and_then(|t| t.messages.get_mut(id as usize))
        {
            m.deliver_at = at;
        }
        Ok(event)
    }

    /// When a message or timer choice may happen at the earliest; an
    /// error when it cannot happen at all (not in flight, not armed, or a
    /// message overtaking an older one on a first-in-first-out link).
    fn due(&self, choice: Choice) -> Result<Option<Instant>, String> {
        match choice {
            Choice::Deliver { message } | Choice::Lose { message } => {
                let mut found = None;
                for (at, e) in self.world.queue.iter_timed() {
                    if let Event::Deliver { id, from, to, .. } = e {
                        if *id == message {
                            found = Some((at, *from, *to));
                        }
                    }
                }
                let (at, from, to) = found.ok_or_else(|| not_in_flight(message))?;
                if matches!(choice, Choice::Deliver { .. })
                    && !self.world.may_arrive_next(self.setup, message, from, to)
                {
                    return Err(format!(
                        "message #{message} would overtake an older message on the first-in-first-out link {from} → {to}"
                    ));
                }
                Ok(Some(at))
            }
            Choice::Timer { node, timer } => {
                let generation = self
                    .world
                    .timers
                    .get(node.index())
                    .and_then(|t| t.get(&timer))
                    .ok_or_else(|| format!("{node} has no timer {timer} armed"))?;
                Ok(self.world.queue.iter_timed().find_map(|(at, e)| match e {
                    Event::Timer {
                        node: n,
                        timer: t,
                        generation: g,
                    } if *n == node && *t == timer && g == generation => Some(at),
                    _ => None,
                }))
            }
            _ => Ok(None),
        }
    }

    /// Drops a node's queued firing of `timer` (explorer time only: there
    /// the queue must hold exactly the timers that can still fire).
    pub(super) fn forget_timer(&mut self, node: NodeId, timer: u32) {
        self.world.queue.retain(
            |e| !matches!(e, Event::Timer { node: n, timer: t, .. } if *n == node && *t == timer),
        );
    }
}

fn not_in_flight(message: u32) -> String {
    format!("message #{message} is not in flight")
}
