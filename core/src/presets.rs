//! Presets: ready scenarios with an id, a title and a paragraph saying what
//! to watch for. Each protocol family adds its own; every example of the
//! article becomes one.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use crate::latency::Latency;
use crate::node::{NodeId, Request};
use crate::protocol::chatter::ChatterConfig;
use crate::protocol::single_leader::{AckMode, SingleLeaderConfig};
use crate::protocol::ProtocolConfig;
use crate::scenario::{Action, NetworkConfig, Scenario, Timed, Workload, FORMAT};

pub struct Preset {
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    build: fn() -> Scenario,
}

impl Preset {
    pub fn scenario(&self) -> Scenario {
        (self.build)()
    }
}

pub fn all() -> &'static [Preset] {
    PRESETS
}

pub fn find(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}

/// Every preset id, for error messages.
pub fn ids() -> Vec<&'static str> {
    PRESETS.iter().map(|p| p.id).collect()
}

static PRESETS: &[Preset] = &[
    Preset {
        id: "single-leader-sync-write",
        title: "Synchronous write",
        description: "One leader, one follower, synchronous replication. The client's write reaches the leader, \
                      the leader forwards it and waits: only after the follower's acknowledgement comes back does \
                      the client hear 'success'. Both copies exist before the client moves on, at the price of a \
                      full round trip on every write.",
        build: sync_write,
    },
    Preset {
        id: "single-leader-async-write",
        title: "Asynchronous write",
        description: "The same cluster, asynchronous replication. The leader answers the client as soon as it has \
                      written locally; the copy to the follower travels afterwards. Writes are fast, and for a \
                      moment the follower is behind: a read there returns the old value.",
        build: async_write,
    },
    Preset {
        id: "single-leader-async-crash-loses-write",
        title: "Asynchronous leader crash loses a write",
        description: "The link to the follower is cut, the client writes, the leader acknowledges at once and \
                      then crashes. The only copy of an acknowledged write is on a dead machine: the checker \
                      counts it as lost.",
        build: async_crash_loses_write,
    },
    Preset {
        id: "single-leader-mixed-faults",
        title: "Single leader under random load and faults",
        description: "A leader and three asynchronous followers serve a seeded stream of reads and writes over \
                      ten keys, with heavy-tailed network delays. A follower crashes and comes back, a partition \
                      cuts another off for a while, and the leader finally crashes. Watch stale reads pile up \
                      on lagging followers and count the acknowledged writes that die with the leader.",
        build: mixed_faults,
    },
    Preset {
        id: "chatter-5",
        title: "Engine stress: 5 nodes chattering",
        description: "Synthetic all-to-all traffic between five nodes, no replication at all: each message is \
                      answered with one to a random peer. A workout for the engine and the diagram.",
        build: || chatter(5, 4, 1_000.0),
    },
    Preset {
        id: "chatter-50",
        title: "Engine stress: 50 nodes chattering",
        description: "The same synthetic traffic between fifty nodes with jittery latency and reordering links: \
                      thousands of messages in flight at once.",
        build: || chatter(50, 20, 1_000.0),
    },
];

fn base(protocol: ProtocolConfig, until_ms: f64) -> Scenario {
    Scenario {
        format: FORMAT,
        seed: 1,
        protocol,
        network: NetworkConfig::default(),
        clocks: Vec::new(),
        faults: Vec::new(),
        workload: Workload::default(),
        interventions: Vec::new(),
        until_ms,
    }
}

fn at(ms: f64, action: Action) -> Timed {
    Timed { at_ms: ms, action }
}

fn write(node: u16, key: &str, value: i64) -> Action {
    Action::Client {
        node: NodeId(node),
        request: Request::Write {
            key: String::from(key),
            value,
        },
    }
}

fn read(node: u16, key: &str) -> Action {
    Action::Client {
        node: NodeId(node),
        request: Request::Read {
            key: String::from(key),
        },
    }
}

fn single_leader(followers: u16, ack: AckMode) -> ProtocolConfig {
    ProtocolConfig::SingleLeader(SingleLeaderConfig { followers, ack })
}

fn sync_write() -> Scenario {
    let mut s = base(single_leader(1, AckMode::Sync), 100.0);
    s.workload.ops = vec![at(10.0, write(0, "x", 1)), at(15.0, read(1, "x"))];
    s
}

fn async_write() -> Scenario {
    let mut s = base(single_leader(1, AckMode::Async), 100.0);
    s.workload.ops = vec![
        at(10.0, write(0, "x", 1)),
        at(15.0, read(1, "x")),
        at(40.0, read(1, "x")),
    ];
    s
}

fn async_crash_loses_write() -> Scenario {
    let mut s = base(single_leader(2, AckMode::Async), 100.0);
    s.faults = vec![
        at(
            5.0,
            Action::Partition {
                from: vec![NodeId(0)],
                to: vec![NodeId(1), NodeId(2)],
                two_way: true,
            },
        ),
        at(20.0, Action::Crash { node: NodeId(0) }),
    ];
    s.workload.ops = vec![at(10.0, write(0, "x", 1)), at(30.0, read(1, "x"))];
    s
}

fn mixed_faults() -> Scenario {
    use crate::latency::Part;
    let mut s = base(single_leader(3, AckMode::Async), 2_000.0);
    s.network.latency = Latency::Mixture {
        parts: vec![
            Part {
                weight: 0.9,
                latency: Latency::Pareto {
                    xm_ms: 2.0,
                    alpha: 3.0,
                },
            },
            Part {
                weight: 0.1,
                latency: Latency::Exponential { rate_per_ms: 0.05 },
            },
        ],
    };
    s.faults = vec![
        at(300.0, Action::Crash { node: NodeId(2) }),
        at(700.0, Action::Recover { node: NodeId(2) }),
        at(
            900.0,
            Action::Partition {
                from: vec![NodeId(0)],
                to: vec![NodeId(3)],
                two_way: true,
            },
        ),
        at(1_300.0, Action::HealAll),
        at(1_800.0, Action::Crash { node: NodeId(0) }),
    ];
    s.workload.generator = Some(crate::scenario::Generator {
        rate_per_s: 100.0,
        read_fraction: 0.6,
        keys: 10,
        nodes: vec![],
        start_ms: 0.0,
        end_ms: None,
    });
    s
}

fn chatter(nodes: u16, fanout: u16, until_ms: f64) -> Scenario {
    let mut s = base(
        ProtocolConfig::Chatter(ChatterConfig { nodes, fanout }),
        until_ms,
    );
    s.network.latency = Latency::Uniform {
        min_ms: 1.0,
        max_ms: 20.0,
    };
    s.network.delivery = crate::scenario::Delivery::Reorder;
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_is_valid_and_ids_are_unique() {
        let mut ids = ids();
        for p in all() {
            assert_eq!(p.scenario().validate(), Ok(()), "{}", p.id);
            assert!(!p.title.is_empty() && p.description.len() > 80, "{}", p.id);
        }
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), all().len());
    }
}
