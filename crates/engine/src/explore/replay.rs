//! Replaying a schedule: a scenario that holds one is checked step by
//! step before its run is built, so a hand-edited or stale schedule is
//! refused with the step and the reason, never half played.

use alloc::format;
use alloc::vec::Vec;

use crate::history::History;
use crate::node::Protocol;
use crate::protocol::{Family, Visit};
use crate::scenario::{Choice, Problem, Scenario};
use crate::sim::{Engine, Setup, World};

/// Every step of `scenario`'s schedule can happen, in order.
pub fn check_schedule(scenario: &Scenario) -> Result<(), Vec<Problem>> {
    if scenario.schedule.is_empty() {
        return Ok(());
    }
    scenario.protocol.visit(Check(scenario))
}

struct Check<'a>(&'a Scenario);

impl Visit for Check<'_> {
    type Out = Result<(), Vec<Problem>>;
    fn visit<F: Family>(self, config: &F) -> Self::Out {
        let nodes = (0..self.0.node_count())
            .map(|i| config.node(crate::node::NodeId(i)))
            .collect();
        replay::<F::Node>(self.0, nodes)
    }
}

fn replay<P: Protocol>(scenario: &Scenario, nodes: Vec<P>) -> Result<(), Vec<Problem>> {
    let setup = Setup::new(scenario.clone());
    let mut world = World::new(&setup, nodes);
    let mut history = History::default();
    let mut effects = Vec::new();
    let mut engine = Engine::exploring(&setup, &mut world, &mut history, &mut effects);
    // The nodes' starts come first, as in the run.
    for _ in 0..setup.nodes {
        engine.step();
    }
    let mut issued = alloc::vec![false; scenario.workload.ops.len()];
    let mut script = 0u32;
    for (i, step) in scenario.schedule.iter().enumerate() {
        let refuse = |why: alloc::string::String| {
            alloc::vec![Problem {
                field: format!("schedule[{i}]"),
                message: format!("this step cannot happen: {why}"),
            }]
        };
        match step.choice {
            Choice::Request { op } => {
                if issued[op as usize] {
                    return Err(refuse(format!("client operation {op} was already issued")));
                }
                issued[op as usize] = true;
            }
            Choice::Script { index } => {
                if index != script {
                    return Err(refuse(format!(
                        "scripted faults happen in order, and the next one is {script}"
                    )));
                }
                script += 1;
            }
            _ => {}
        }
        engine.take(step, i as u32).map_err(refuse)?;
    }
    Ok(())
}
