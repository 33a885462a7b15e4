//! Simulated events per second for synthetic all-to-all traffic (the
//! `chatter` protocol) with 5 and with 50 nodes, and trace bytes per event.
//! A figure, not a test: `cargo bench -p replicascope-core --bench engine`.
//! Prints the median of several runs (machines are noisy).

use std::time::Instant as Wall;

use replicascope_core::latency::Latency;
use replicascope_core::protocol::chatter::ChatterConfig;
use replicascope_core::protocol::ProtocolConfig;
use replicascope_core::scenario::{Delivery, NetworkConfig, Scenario, Workload, FORMAT};

fn scenario(nodes: u16, fanout: u16, until_ms: f64) -> Scenario {
    Scenario {
        format: FORMAT,
        seed: 7,
        protocol: ProtocolConfig::Chatter(ChatterConfig { nodes, fanout }),
        network: NetworkConfig {
            latency: Latency::Exponential { rate_per_ms: 0.2 },
            drop: 0.0,
            delivery: Delivery::Reorder,
            links: vec![],
            legs: None,
        },
        clocks: vec![],
        faults: vec![],
        workload: Workload::default(),
        interventions: vec![],
        schedule: Vec::new(),
        until_ms,
    }
}

fn main() {
    let repeats: usize = std::env::var("BENCH_REPEATS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(7);
    println!(
        "{:<34} {:>12} {:>14} {:>12}",
        "workload", "events", "events/s", "bytes/event"
    );
    for (name, nodes, fanout, until_ms) in [
        ("5 nodes, 100 in flight", 5u16, 20u16, 20_000.0),
        ("50 nodes, 1000 in flight", 50, 20, 2_000.0),
    ] {
        let s = scenario(nodes, fanout, until_ms);
        let mut rates = Vec::new();
        let mut events = 0;
        let mut bytes = 0.0;
        for _ in 0..repeats {
            let mut sim = replicascope_core::protocol::simulator::<ChatterConfig>(&s).unwrap();
            let start = Wall::now();
            sim.run();
            let secs = start.elapsed().as_secs_f64();
            events = sim.trace.steps.len();
            bytes = sim.trace.record_bytes() as f64 / events as f64;
            rates.push(events as f64 / secs);
        }
        rates.sort_by(|a, b| a.total_cmp(b));
        let median = rates[rates.len() / 2];
        println!(
            "{name:<34} {events:>12} {:>12.2} M {bytes:>12.1}",
            median / 1e6
        );
    }
}
