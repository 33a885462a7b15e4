//! One shared world for every architecture: three datacenters an equal
//! WAN hop apart, one machine in each, the same links, the same clients
//! and the same fault — only the replication protocol differs. Each
//! architecture's own configuration is in
//! `content/compare/architectures.json` (today: single-leader sync and
//! async with failover after [`FAILOVER_TIMEOUT_MS`] of silence, fenced
//! by epoch; multi-leader with a leader per datacenter and last write
//! wins on the leaders' own clocks; leaderless with n = 3, w = 2, r = 2,
//! read repair, strict quorum).
//!
//! Users sit in the three datacenters. A request's latency is what its
//! user waits: the trip to the node it was routed to and back, added at
//! its mean ([`client_trip_us`] — a local hop each way within the
//! datacenter, a WAN hop as well from another one), plus the time the
//! node took to answer. So a dc 3 user's single-leader write pays the
//! WAN round trip to the leader in dc 1 even when replication is
//! asynchronous. Not modelled: disks (writes are durable when applied)
//! and client retries (a failed request stays failed).

use crate::protocol::Spec;
use alloc::boxed::Box;
use alloc::vec;
use alloc::vec::Vec;

use super::{workload, Architecture, CompareSpec, Fault, DATACENTERS};
use crate::latency::Latency;
use crate::node::NodeId;
use crate::protocol::ProtocolConfig;
use crate::scenario::{
    Action, ClockConfig, LinkOverride, NetworkConfig, Scenario, Timed, Workload, FORMAT,
};

/// One-way delay between two machines in one datacenter: 0.5–1.5 ms.
const LOCAL_MIN_MS: f64 = 0.5;
const LOCAL_MAX_MS: f64 = 1.5;
/// Extra one-way delay between two datacenters (any pair): a WAN hop
/// across one continent.
pub const CROSS_DC_MS: f64 = 40.0;
/// Single-leader followers declare the leader dead after this much
/// silence (heartbeats every 100 ms).
pub const FAILOVER_TIMEOUT_MS: f64 = 300.0;
/// How far node 1's clock runs behind true time in the clock-skew fault
/// (the `multi-leader-lww-clock-skew` preset's figure).
pub const SKEW_MS: f64 = 200.0;
/// The run goes on this long after the last request, so replication,
/// failover and repairs finish before the checkers judge the end state.
pub const SETTLE_MS: f64 = 1_000.0;

/// The user's round trip to the node `op` was routed to, at its mean:
/// twice the local hop within the user's datacenter, twice the local and
/// the WAN hop from another. Node `i` sits in datacenter `i` in every
/// architecture; an operation sent by no user session costs nothing.
pub fn client_trip_us(op: &crate::history::Operation) -> u64 {
    let local_ms = (LOCAL_MIN_MS + LOCAL_MAX_MS) / 2.0;
    let one_way_ms = match op.session.map(workload::datacenter_of) {
        Some(dc) if dc == op.node.0 % DATACENTERS => local_ms,
        Some(_) => local_ms + CROSS_DC_MS,
        None => 0.0,
    };
    workload::ms_to_us(2.0 * one_way_ms)
}

/// The scenario `arch` runs for `spec`: same seed, network, clients and
/// fault for every architecture.
pub fn scenario_for(spec: &CompareSpec, arch: Architecture) -> Scenario {
    let protocol = arch.protocol();
    Scenario {
        format: FORMAT,
        seed: spec.seed,
        network: network(&protocol),
        protocol,
        clocks: clocks(spec.fault),
        faults: faults(spec),
        workload: Workload {
            ops: workload::requests(spec),
            ..Workload::default()
        },
        interventions: Vec::new(),
        schedule: Vec::new(),
        until_ms: spec.duration_ms + SETTLE_MS,
    }
}

fn local() -> Latency {
    Latency::Uniform {
        min_ms: LOCAL_MIN_MS,
        max_ms: LOCAL_MAX_MS,
    }
}

/// The local delay everywhere; the WAN hop between datacenters. Node `i`
/// is in datacenter `i`. Multi-leader adds the hop itself (its
/// `cross_dc_ms`); the others get it as link overrides — the same
/// distribution either way.
fn network(protocol: &ProtocolConfig) -> NetworkConfig {
    let mut links = Vec::new();
    if protocol.spec().cross_datacenter().is_none() {
        for a in 0..DATACENTERS {
            for b in a + 1..DATACENTERS {
                links.push(LinkOverride {
                    from: NodeId(a),
                    to: NodeId(b),
                    two_way: true,
                    latency: Some(Latency::Shifted {
                        ms: CROSS_DC_MS,
                        base: Box::new(local()),
                    }),
                    drop: None,
                    delivery: None,
                });
            }
        }
    }
    NetworkConfig {
        latency: local(),
        links,
        ..NetworkConfig::default()
    }
}

fn clocks(fault: Fault) -> Vec<ClockConfig> {
    match fault {
        Fault::Skew => vec![ClockConfig {
            node: NodeId(0),
            offset_ms: -SKEW_MS,
            drift_ppm: 0.0,
        }],
        _ => Vec::new(),
    }
}

/// Crash and partition hit dc 1 — where the single leader lives — for the
/// middle third of the requests.
fn faults(spec: &CompareSpec) -> Vec<Timed> {
    let Some((start, end)) = spec.fault_window_ms() else {
        return Vec::new();
    };
    let node1 = NodeId(0);
    let rest: Vec<NodeId> = (1..DATACENTERS).map(NodeId).collect();
    let (begin, finish) = match spec.fault {
        Fault::Crash => (
            Action::Crash { node: node1 },
            Action::Recover { node: node1 },
        ),
        Fault::Partition => (
            Action::Partition {
                from: vec![node1],
                to: rest.clone(),
                two_way: true,
            },
            Action::Heal {
                from: vec![node1],
                to: rest,
                two_way: true,
            },
        ),
        // Skew is in the clocks for the whole run.
        Fault::None | Fault::Skew => return Vec::new(),
    };
    vec![
        Timed {
            at_ms: start,
            action: begin,
        },
        Timed {
            at_ms: end,
            action: finish,
        },
    ]
}
