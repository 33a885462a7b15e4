//! A counterexample in words: what each chosen step did, read from the
//! replayed run's own trace (message labels, the nodes' narration), and
//! which messages were still in flight when the violation showed — the
//! caption the page shows over the run and the CLI prints.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use super::Counterexample;
use crate::run::Run;
use crate::scenario::Choice;
use crate::time::Instant;
use crate::trace::{Fate, MessageRecord};

/// The counterexample told step by step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Story {
    /// The violation: its label and the checker's explanation.
    pub headline: String,
    /// One line per chosen step: its time and what happened.
    pub steps: Vec<(Instant, String)>,
    /// Messages sent but not delivered when the violation showed.
    pub in_flight: Vec<String>,
    /// The trace step at which the violation shows (the last one).
    pub step: usize,
}

fn message(run: &dyn Run, id: u32) -> String {
    match run.trace().message(id) {
        Some(m) => describe(run, m, id),
        None => format!("message #{id}"),
    }
}

fn describe(run: &dyn Run, m: &MessageRecord, id: u32) -> String {
    format!("{} #{id} ({} → {})", run.trace().label(m), m.from, m.to)
}

/// The first narration line of a trace step, if the node said anything.
fn note(run: &dyn Run, step: usize) -> Option<&str> {
    let notes = &run.trace().notes;
    let at = notes.partition_point(|n| (n.step as usize) < step);
    notes
        .get(at)
        .filter(|n| n.step as usize == step)
        .map(|n| n.text.as_str())
}

impl Counterexample {
    /// Replays the counterexample as a run and tells it; an error only
    /// if its scenario does not replay (the search's never fail to).
    pub fn story(&self) -> Result<Story, crate::scenario::ScenarioError> {
        let replay = crate::run::start(&self.scenario)?;
        Ok(Story::of(self, replay.as_ref()))
    }
}

impl Story {
    /// `run` is the counterexample's scenario, run.
    pub fn of(c: &Counterexample, run: &dyn Run) -> Story {
        let starts = run.scenario().node_count() as usize;
        let mut steps = Vec::new();
        for (k, s) in c.schedule.iter().enumerate() {
            let step = starts + k;
            let said = note(run, step);
            let text = match s.choice {
                Choice::Deliver { message: id } => format!("{} arrives", message(run, id)),
                Choice::Lose { message: id } => format!("the network loses {}", message(run, id)),
                Choice::Timer { node, .. } => match said {
                    Some(n) => format!("{node}'s timer fires: {n}"),
                    None => format!("{node}'s timer fires"),
                },
                Choice::Request { .. } => {
                    match run
                        .history()
                        .ops
                        .iter()
                        .find(|o| o.invoke_step as usize == step)
                    {
                        Some(o) => format!("a client sends {} to {}", o.request, o.node),
                        None => String::from("a client sends a request"),
                    }
                }
                Choice::Script { .. } => format!("(scripted) {}", said.unwrap_or("a fault")),
                Choice::Crash { node } => format!("{node} crashes"),
                Choice::Recover { node } => format!("{node} recovers"),
                Choice::Isolate { node } => format!("{node} is cut off from every other node"),
                Choice::HealAll => String::from("every partition heals"),
            };
            steps.push((s.at(), text));
        }
        let in_flight = run
            .trace()
            .messages
            .iter()
            .enumerate()
            .filter(|(_, m)| m.fate == Fate::InFlight)
            .map(|(id, m)| describe(run, m, id as u32))
            .collect();
        Story {
            headline: format!(
                "{}: {}",
                capitalised(c.violation.kind.label()),
                c.violation.explanation
            ),
            steps,
            in_flight,
            step: starts + c.schedule.len().saturating_sub(1),
        }
    }

    /// The caption: the violation, how many choices led there, and what
    /// was still on its way.
    pub fn caption(&self) -> String {
        let mut text = format!(
            "{} — reached in {} chosen step{}.",
            self.headline,
            self.steps.len(),
            if self.steps.len() == 1 { "" } else { "s" }
        );
        match self.in_flight.as_slice() {
            [] => {}
            [one] => text.push_str(&format!(" {one} was still in flight when it happened.")),
            many => text.push_str(&format!(
                " Still in flight when it happened: {}.",
                many.join(", ")
            )),
        }
        text
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
