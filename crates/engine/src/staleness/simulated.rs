//! The WARS model run through the real leaderless protocol: the same
//! coordinator and replica code the views animate, in the simulator, with
//! the network giving each leg of a quorum request its own delay.
//!
//! A trial is a cluster of n replicas and two coordinators that hold no
//! copy (nodes n+1 and n+2, so every replica is reached over the network,
//! as in the model). Without read repair, hints or anti-entropy, the only
//! way a replica learns the write is the write itself. The first run finds
//! when the write commits (C); the second replays the same seed with a
//! read at C + t for every t. Delays are drawn when a message is sent, so
//! the write's first w acknowledgements — and C — are the same in both.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use super::model::LatencyModel;
use crate::node::{NodeId, Outcome, Request};
use crate::protocol::leaderless::{LeaderlessConfig, LeaderlessNode};
use crate::protocol::ProtocolConfig;
use crate::rng::SimRng;
use crate::scenario::{Action, Delivery, NetworkConfig, Scenario, Timed};
use crate::sim::Simulator;

const KEY: &str = "x";
const VALUE: i64 = 1;
/// Longer than any request here can take — two legs at the delay cap
/// ([`crate::latency::MAX_DELAY_US`], one hour) plus the WAN hop (at most
/// 10 s) each way — so a slow leg never turns into a failed request. A
/// scenario may set at most 10 minutes, but these clusters are built here,
/// not edited, and with the cap's hour-long draws (a Pareto with a tiny
/// shape) 10 minutes failed the write.
const PATIENCE_MS: f64 = 3.0 * (crate::latency::MAX_DELAY_US / 1000) as f64;

/// What one protocol trial found.
#[derive(Clone, Debug, PartialEq)]
pub struct SimTrial {
    /// Per t (in the order given): did the read return the write?
    pub consistent: Vec<bool>,
    /// The write's latency, µs.
    pub write_us: u64,
    /// Each read's latency, µs.
    pub read_us: Vec<u64>,
}

/// The cluster of one trial, before any request.
pub fn scenario(model: &LatencyModel, n: u8, w: u8, r: u8, seed: u64) -> Scenario {
    let mut pins = BTreeMap::new();
    // Key x's preference list starts at node 1: nodes 1..=n are replicas.
    pins.insert(String::from(KEY), 1);
    let config = LeaderlessConfig {
        nodes: u16::from(n) + 2,
        n,
        w,
        r,
        read_repair: false,
        blocking_read_repair: false,
        sloppy_quorum: false,
        replica_timeout_ms: PATIENCE_MS,
        request_timeout_ms: PATIENCE_MS,
        hint_retry_ms: PATIENCE_MS,
        anti_entropy: None,
        pins,
    };
    let mut faults = Vec::new();
    if model.wan_ms > 0.0 {
        // Each coordinator shares a datacenter with one replica; every
        // other replica is a WAN hop away, in both directions.
        let mut rng = SimRng::stream(seed, "staleness-datacenters");
        for coordinator in [write_coordinator(n), read_coordinator(n)] {
            let local = rng.index(usize::from(n));
            for replica in (0..u16::from(n)).filter(|&i| usize::from(i) != local) {
                faults.push(Timed {
                    at_ms: 0.0,
                    action: Action::SlowLink {
                        from: coordinator,
                        to: NodeId(replica),
                        extra_ms: model.wan_ms,
                        two_way: true,
                    },
                });
            }
        }
    }
    Scenario {
        format: crate::scenario::FORMAT,
        seed,
        protocol: ProtocolConfig::Leaderless(config),
        network: NetworkConfig {
            // Every message that matters is a leg; each takes its own delay.
            delivery: Delivery::Reorder,
            legs: Some(model.legs.clone()),
            ..NetworkConfig::default()
        },
        clocks: Vec::new(),
        faults,
        workload: Default::default(),
        interventions: Vec::new(),
        schedule: Vec::new(),
        until_ms: crate::scenario::MAX_UNTIL_MS,
    }
}

/// The node that coordinates the write.
pub fn write_coordinator(n: u8) -> NodeId {
    NodeId(u16::from(n))
}

/// The node that coordinates the reads.
pub fn read_coordinator(n: u8) -> NodeId {
    NodeId(u16::from(n) + 1)
}

fn client(node: NodeId, at_ms: f64, request: Request) -> Timed {
    Timed {
        at_ms,
        action: Action::Client { node, request },
    }
}

fn saw_write(outcome: &Outcome) -> bool {
    match outcome {
        Outcome::Read { value, .. } => *value == Some(VALUE),
        Outcome::Values { values, .. } => values.contains(&VALUE),
        _ => false,
    }
}

/// Runs until `ops` operations have been issued and all have completed.
fn complete(sim: &mut Simulator<LeaderlessNode>, ops: usize) -> Result<(), String> {
    while sim.history.ops.len() < ops || sim.history.ops.iter().any(|o| o.outcome.is_none()) {
        if !sim.step() {
            return Err(String::from(
                "the run ended before every request was answered",
            ));
        }
    }
    Ok(())
}

fn latency_us(sim: &Simulator<LeaderlessNode>, op: usize) -> u64 {
    sim.history.ops[op].latency_us().unwrap_or(0)
}

/// One trial: a write at time 0, then a read at `C + t` for each t
/// (`t_ms` sorted, distinct).
pub fn trial(
    model: &LatencyModel,
    (n, w, r): (u8, u8, u8),
    t_ms: &[f64],
    seed: u64,
) -> Result<SimTrial, String> {
    trial_in(scenario(model, n, w, r, seed), n, t_ms)
}

/// One trial in `base`, a cluster from [`scenario`] with n replicas
/// (its network may be changed: tests give each link a fixed delay).
pub fn trial_in(mut base: Scenario, n: u8, t_ms: &[f64]) -> Result<SimTrial, String> {
    let write = Request::Write {
        key: String::from(KEY),
        value: VALUE,
    };
    base.workload
        .ops
        .push(client(write_coordinator(n), 0.0, write));

    let mut first =
        crate::sim::simulator::<LeaderlessConfig>(&base).ok_or("not a leaderless scenario")?;
    complete(&mut first, 1)?;
    match &first.history.ops[0].outcome {
        Some(Outcome::Written { .. }) => {}
        Some(Outcome::Failed { reason }) => return Err(format!("the write failed: {reason}")),
        Some(_) => {
            return Err(String::from(
                "the write was answered with something other than an acknowledgement",
            ))
        }
        None => return Err(String::from("the write was never answered")),
    }
    let commit_us = first.history.ops[0].completed_at.map_or(0, |t| t.0);

    let mut second = base;
    for &t in t_ms {
        let at_ms = (commit_us as f64 + super::read_delay_us(t) as f64) / 1000.0;
        second
            .workload
            .ops
            .push(client(read_coordinator(n), at_ms, Request::read(KEY)));
    }
    let mut sim =
        crate::sim::simulator::<LeaderlessConfig>(&second).ok_or("not a leaderless scenario")?;
    complete(&mut sim, 1 + t_ms.len())?;
    if sim.history.ops[0].completed_at.map(|t| t.0) != Some(commit_us) {
        return Err(String::from(
            "the replay committed the write at a different time",
        ));
    }
    // `t_ms` is sorted and distinct, so the reads were issued in its
    // order, right after the write.
    let mut consistent = vec![false; t_ms.len()];
    let mut read_us = Vec::with_capacity(t_ms.len());
    for (i, seen) in consistent.iter_mut().enumerate() {
        let o = &sim.history.ops[1 + i];
        *seen = o.outcome.as_ref().is_some_and(saw_write);
        read_us.push(latency_us(&sim, 1 + i));
    }
    Ok(SimTrial {
        consistent,
        write_us: latency_us(&first, 0),
        read_us,
    })
}
