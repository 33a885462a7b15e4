//! What a run is given and never changes: the scenario, the link table,
//! every node's clock, and the agenda — scheduled faults, scripted client
//! operations and interventions merged into one time-ordered list.

use crate::protocol::Spec;
use alloc::vec::Vec;

use super::network::Links;
use crate::scenario::{Action, Scenario};
use crate::time::Instant;

/// One agenda entry.
#[derive(Clone, Debug)]
pub struct Scheduled {
    pub at: Instant,
    pub action: Action,
}

#[derive(Clone, Debug)]
pub struct Setup {
    pub scenario: Scenario,
    pub nodes: u16,
    pub until: Instant,
    pub links: Links,
    /// Per node: clock offset in µs and drift in parts per million.
    pub clocks: Vec<(i64, f64)>,
    /// Sorted by time; at equal times faults come first, then scripted
    /// operations, then interventions, each in the order written — so an
    /// intervention added later never reorders what came before it.
    pub agenda: Vec<Scheduled>,
    /// Whether time is the explorer's: messages and timers are due at
    /// their earliest and happen only when a schedule step chooses them
    /// (a scenario with a schedule, or the explorer's own search).
    pub explore: bool,
    /// The scenario's faults, in the order a schedule takes them (as
    /// listed).
    pub script: Vec<Action>,
}

impl Setup {
    pub fn new(scenario: Scenario) -> Setup {
        let nodes = scenario.node_count();
        let mut clocks = alloc::vec![(0i64, 0.0f64); usize::from(nodes)];
        for c in &scenario.clocks {
            if let Some(slot) = clocks.get_mut(c.node.index()) {
                *slot = (libm::round(c.offset_ms * 1000.0) as i64, c.drift_ppm);
            }
        }
        let mut agenda: Vec<(Instant, u8, usize, Action)> = Vec::new();
        for (class, list) in [
            &scenario.faults,
            &scenario.workload.ops,
            &scenario.interventions,
        ]
        .into_iter()
        .enumerate()
        {
            for (i, t) in list.iter().enumerate() {
                agenda.push((t.at(), class as u8, i, t.action.clone()));
            }
        }
        crate::sorting::sort_by_key(&mut agenda, |(at, class, i, _)| (*at, *class, *i));
        let datacenters = scenario.protocol.spec().cross_datacenter();
        // As listed: the explorer lists a scenario's faults in time order
        // before it searches, and a schedule's times may then tie them.
        let script = scenario.faults.iter().map(|t| t.action.clone()).collect();
        Setup {
            links: Links::new(
                &scenario.network,
                nodes,
                datacenters.as_ref().map(|(ms, dcs)| (*ms, dcs.as_slice())),
            ),
            until: scenario.until(),
            nodes,
            clocks,
            agenda: agenda
                .into_iter()
                .map(|(at, _, _, action)| Scheduled { at, action })
                .collect(),
            explore: !scenario.schedule.is_empty(),
            script,
            scenario,
        }
    }

    /// The setup the explorer searches from: the scenario's own, with
    /// time chosen step by step.
    pub fn exploring(scenario: Scenario) -> Setup {
        Setup {
            explore: true,
            ..Setup::new(scenario)
        }
    }

    /// A node's own clock reading at true time `now`, in µs.
    pub fn local_time(&self, node: usize, now: Instant) -> i64 {
        let (offset, drift_ppm) = self.clocks.get(node).copied().unwrap_or((0, 0.0));
        let t = now.0 as i64;
        let drift = if drift_ppm == 0.0 {
            0
        } else {
            libm::round(t as f64 * drift_ppm / 1_000_000.0) as i64
        };
        t.saturating_add(offset).saturating_add(drift)
    }
}
