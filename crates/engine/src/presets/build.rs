//! Building scenarios in code, for tests: a bare scenario of a protocol,
//! and client requests and faults at a time. The built-in presets are
//! data (`content/presets/`), not built here.

use alloc::string::String;
use alloc::vec::Vec;

use crate::node::{NodeId, Request};
use crate::protocol::single_leader::{AckMode, SingleLeaderConfig};
use crate::protocol::ProtocolConfig;
use crate::scenario::{Action, NetworkConfig, Scenario, Timed, Workload, FORMAT};

// Native-only property tests use it.
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
pub(crate) fn base(protocol: ProtocolConfig, until_ms: f64) -> Scenario {
    Scenario {
        format: FORMAT,
        seed: 1,
        protocol,
        network: NetworkConfig::default(),
        clocks: Vec::new(),
        faults: Vec::new(),
        workload: Workload::default(),
        interventions: Vec::new(),
        schedule: Vec::new(),
        until_ms,
    }
}

pub(crate) fn at(ms: f64, action: Action) -> Timed {
    Timed { at_ms: ms, action }
}

pub(crate) fn write(node: u16, key: &str, value: i64) -> Action {
    Action::Client {
        node: NodeId(node),
        request: Request::Write {
            key: String::from(key),
            value,
        },
    }
}

pub(crate) fn read(node: u16, key: &str) -> Action {
    Action::Client {
        node: NodeId(node),
        request: Request::read(key),
    }
}

#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
pub(crate) fn sql(node: u16, text: &str) -> Action {
    Action::Client {
        node: NodeId(node),
        request: Request::Sql {
            sql: String::from(text),
        },
    }
}

pub(crate) fn single_leader(followers: u16, ack: AckMode) -> SingleLeaderConfig {
    SingleLeaderConfig {
        followers,
        ack,
        ..SingleLeaderConfig::default()
    }
}
