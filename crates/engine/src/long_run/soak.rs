//! Turning any scenario into a soak test: repeating faults and a seeded
//! client load, both stopping a quiet spell before the end.

use alloc::vec;
use alloc::vec::Vec;

use crate::node::NodeId;
use crate::rng::SimRng;
use crate::scenario::{Action, Generator, Scenario, Timed};

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
