//! A schedule: the exact order in which things happen, chosen rather than
//! drawn from the seed. The explorer finds one (the shortest path to a
//! violation); a scenario that holds one replays it step by step, and
//! nothing else happens, so the run ends where the violation shows.
//!
//! Each step names one choice the explorer could make in a state of the
//! whole system — deliver or lose one message in flight, fire one armed
//! timer, issue one client operation, take the next scripted fault, or a
//! fault of its own (crash, recover, isolate, heal) — and the virtual time
//! it happened at.

use alloc::format;
use serde::{Deserialize, Serialize};

use super::{ms_to_instant, Validator};
use crate::node::NodeId;
use crate::time::Instant;

/// One step of a schedule: a choice and when it was taken.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Flat")]
pub struct Chosen {
    pub at_ms: f64,
    #[serde(flatten)]
    pub choice: Choice,
}

impl Chosen {
    pub fn new(at: Instant, choice: Choice) -> Chosen {
        Chosen {
            at_ms: at.0 as f64 / 1000.0,
            choice,
        }
    }

    pub fn at(&self) -> Instant {
        ms_to_instant(self.at_ms)
    }
}

/// What happens next. Messages are named by their number in the trace
/// (the order they were sent in, from 0), client operations by their
/// index in `workload.ops`, scripted faults by their place in the
/// scenario's `faults` (taken in the order listed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum Choice {
    /// The message arrives (or is lost, if its receiver is down or a
    /// partition cut its link).
    Deliver { message: u32 },
    /// The network loses the message.
    Lose { message: u32 },
    /// The node's armed timer fires.
    Timer { node: NodeId, timer: u32 },
    /// A client issues this operation of the workload.
    Request { op: u32 },
    /// The next scripted fault or intervention happens.
    Script { index: u32 },
    /// The node crashes.
    Crash { node: NodeId },
    /// The crashed node comes back with its durable state.
    Recover { node: NodeId },
    /// The node is cut off from every other node, both ways.
    Isolate { node: NodeId },
    /// Every partition heals.
    HealAll,
}

/// A step as the JSON has it, read as one flat record: the same text as
/// the tagged `Choice`, but serde's code for a flat struct is a fraction
/// of what an internally tagged enum costs the page's download.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Flat {
    at_ms: f64,
    #[serde(rename = "do")]
    kind: Kind,
    message: Option<u32>,
    node: Option<NodeId>,
    timer: Option<u32>,
    op: Option<u32>,
    index: Option<u32>,
}

#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    Deliver,
    Lose,
    Timer,
    Request,
    Script,
    Crash,
    Recover,
    Isolate,
    HealAll,
}

impl TryFrom<Flat> for Chosen {
    type Error = alloc::string::String;
    fn try_from(f: Flat) -> Result<Chosen, Self::Error> {
        let need = |v: Option<u32>, field: &str| {
            v.ok_or_else(|| format!("a \"{}\" step needs \"{field}\"", kind_name(f.kind)))
        };
        let node = || {
            f.node
                .ok_or_else(|| format!("a \"{}\" step needs \"node\"", kind_name(f.kind)))
        };
        let choice = match f.kind {
            Kind::Deliver => Choice::Deliver {
                message: need(f.message, "message")?,
            },
            Kind::Lose => Choice::Lose {
                message: need(f.message, "message")?,
            },
            Kind::Timer => Choice::Timer {
                node: node()?,
                timer: need(f.timer, "timer")?,
            },
            Kind::Request => Choice::Request {
                op: need(f.op, "op")?,
            },
            Kind::Script => Choice::Script {
                index: need(f.index, "index")?,
            },
            Kind::Crash => Choice::Crash { node: node()? },
            Kind::Recover => Choice::Recover { node: node()? },
            Kind::Isolate => Choice::Isolate { node: node()? },
            Kind::HealAll => Choice::HealAll,
        };
        Ok(Chosen {
            at_ms: f.at_ms,
            choice,
        })
    }
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Deliver => "deliver",
        Kind::Lose => "lose",
        Kind::Timer => "timer",
        Kind::Request => "request",
        Kind::Script => "script",
        Kind::Crash => "crash",
        Kind::Recover => "recover",
        Kind::Isolate => "isolate",
        Kind::HealAll => "heal_all",
    }
}

impl Validator {
    /// The parts of a schedule that can be checked without running it
    /// (times and names); whether each step is possible in the state the
    /// steps before it reach is checked by replaying it.
    pub fn schedule(&mut self, steps: &[Chosen], ops: usize, scripted: usize, until_ms: f64) {
        let mut last = 0.0;
        for (i, s) in steps.iter().enumerate() {
            let p = format!("schedule[{i}]");
            self.time(&format!("{p}.at_ms"), s.at_ms);
            if s.at_ms < last {
                self.push(
                    &format!("{p}.at_ms"),
                    format!(
                        "{} ms is before the step before it ({last} ms): a schedule runs forward in time",
                        s.at_ms
                    ),
                );
            }
            if s.at_ms > until_ms {
                self.push(
                    &format!("{p}.at_ms"),
                    format!("{} ms is after the run ends at {until_ms} ms", s.at_ms),
                );
            }
            last = s.at_ms.max(last);
            match s.choice {
                Choice::Timer { node, .. }
                | Choice::Crash { node }
                | Choice::Recover { node }
                | Choice::Isolate { node } => self.node(&format!("{p}.node"), node),
                Choice::Request { op } if op as usize >= ops => self.push(
                    &format!("{p}.op"),
                    format!(
                        "there is no client operation {op}: workload.ops has {ops} (numbered from 0)"
                    ),
                ),
                Choice::Script { index } if index as usize >= scripted => self.push(
                    &format!("{p}.index"),
                    format!(
                        "there is no scripted fault {index}: the scenario has {scripted} faults and interventions (numbered from 0)"
                    ),
                ),
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn steps_read_back_as_written_and_name_what_is_missing() {
        let steps = alloc::vec![
            Chosen::new(Instant(1), Choice::Request { op: 0 }),
            Chosen::new(Instant(10_001), Choice::Deliver { message: 3 }),
            Chosen::new(
                Instant(10_002),
                Choice::Timer {
                    node: NodeId(1),
                    timer: 5
                }
            ),
            Chosen::new(Instant(10_003), Choice::HealAll),
            Chosen::new(Instant(10_004), Choice::Isolate { node: NodeId(2) }),
        ];
        let text = serde_json::to_string(&steps).unwrap();
        assert!(
            text.contains(r#"{"at_ms":0.001,"do":"request","op":0}"#),
            "{text}"
        );
        let back: alloc::vec::Vec<Chosen> = serde_json::from_str(&text).unwrap();
        assert_eq!(back, steps);
        assert_eq!(back[1].at(), Instant(10_001));
        let err = serde_json::from_str::<Chosen>(r#"{"at_ms":1,"do":"deliver"}"#).unwrap_err();
        assert!(
            err.to_string()
                .contains(r#"a "deliver" step needs "message""#),
            "{err}"
        );
        assert!(serde_json::from_str::<Chosen>(r#"{"at_ms":1,"do":"teleport"}"#).is_err());
    }
}
