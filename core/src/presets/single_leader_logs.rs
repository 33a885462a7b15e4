//! Presets for what the leader ships: statement-based replication and its
//! non-deterministic functions, WAL shipping and its coupling to the
//! storage engine, row-based (logical) replication, and stream sizes.

use alloc::vec;

use super::{at, base, protocol, single_leader, sql};
use crate::node::NodeId;
use crate::protocol::single_leader::{AckMode, LogFormat, SingleLeaderConfig, StorageVersionOf};
use crate::scenario::{Action, ClockConfig, Scenario};

/// The three statements whose results depend on the node running them.
pub(crate) const NOW_INSERT: &str =
    "INSERT INTO accounts (id, balance, status, created_at) VALUES (6, 0, 'active', NOW())";
pub(crate) const RAND_UPDATE: &str = "UPDATE accounts SET balance = RAND() * 1000 WHERE id = 1";
pub(crate) const UUID_UPDATE: &str = "UPDATE accounts SET status = UUID() WHERE id = 5";

fn config(format: LogFormat) -> SingleLeaderConfig {
    SingleLeaderConfig {
        log_format: format,
        ..single_leader(2, AckMode::Async)
    }
}

/// The non-deterministic statements under `format`, with skewed follower
/// clocks.
fn nondeterministic(format: LogFormat, config_edit: fn(&mut SingleLeaderConfig)) -> Scenario {
    let mut c = config(format);
    config_edit(&mut c);
    let mut s = base(protocol(c), 150.0);
    s.clocks = vec![
        ClockConfig {
            node: NodeId(1),
            offset_ms: 250.0,
            drift_ppm: 0.0,
        },
        ClockConfig {
            node: NodeId(2),
            offset_ms: -40.0,
            drift_ppm: 0.0,
        },
    ];
    s.workload.ops = vec![
        // Deterministic: every format replicates it faithfully.
        at(
            5.0,
            sql(
                0,
                "UPDATE accounts SET balance = balance * 1.1 WHERE status = 'active'",
            ),
        ),
        at(10.0, sql(0, NOW_INSERT)),
        at(30.0, sql(0, RAND_UPDATE)),
        at(50.0, sql(0, UUID_UPDATE)),
        at(100.0, sql(1, "SELECT * FROM accounts WHERE id = 6")),
    ];
    s
}

pub(super) fn statement_nondeterminism() -> Scenario {
    nondeterministic(LogFormat::Statement, |_| {})
}

pub(super) fn wal_shipping() -> Scenario {
    nondeterministic(LogFormat::Wal, |_| {})
}

pub(super) fn row_based() -> Scenario {
    nondeterministic(LogFormat::Row, |c| {
        c.storage_versions = vec![StorageVersionOf {
            node: NodeId(2),
            version: 2,
        }];
    })
}

pub(super) fn statement_where_now() -> Scenario {
    let c = SingleLeaderConfig {
        rows: 10,
        ..config(LogFormat::Statement)
    };
    let mut s = base(protocol(c), 1_600.0);
    s.faults = vec![at(
        0.0,
        Action::SlowLink {
            from: NodeId(0),
            to: NodeId(2),
            extra_ms: 1_500.0,
            two_way: false,
        },
    )];
    s.workload.ops = vec![at(
        10.0,
        sql(0, "DELETE FROM accounts WHERE created_at < NOW() - 3000000"),
    )];
    s
}

pub(super) fn wal_version_mismatch() -> Scenario {
    let c = SingleLeaderConfig {
        storage_versions: vec![StorageVersionOf {
            node: NodeId(2),
            version: 2,
        }],
        ..config(LogFormat::Wal)
    };
    let mut s = base(protocol(c), 150.0);
    s.workload.ops = vec![
        at(
            10.0,
            sql(
                0,
                "UPDATE accounts SET balance = balance * 1.1 WHERE status = 'active'",
            ),
        ),
        at(30.0, super::write(0, "x", 1)),
        at(80.0, super::read(1, "x")),
        at(80.0, super::read(2, "x")),
    ];
    s
}

pub(super) fn batch_update() -> Scenario {
    let c = SingleLeaderConfig {
        rows: 200,
        ..config(LogFormat::Row)
    };
    let mut s = base(protocol(c), 100.0);
    s.workload.ops = vec![at(
        10.0,
        sql(0, "UPDATE accounts SET balance = balance + 1"),
    )];
    s
}
