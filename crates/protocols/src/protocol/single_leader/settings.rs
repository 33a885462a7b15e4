//! The real database configuration that matches a single-leader setup:
//! what to put in MySQL or `postgresql.conf` to get the behaviour the
//! simulator shows. Where a database has no exact equivalent, a comment
//! line says so and what comes closest. MySQL's lines use the names of
//! 8.0.26 and later (8.4 LTS: `rpl_semi_sync_source`, `semisync_source.so`);
//! a comment gives the names older releases use.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::config::{AckMode, Durability, LogFormat, SingleLeaderConfig};
use crate::node::NodeId;
use crate::protocol::settings::{whole_ms, Settings};

/// The settings matching `config`, most fitting database first: MySQL for
/// semi-sync (its invention), PostgreSQL for the rest.
pub fn matching_settings(config: &SingleLeaderConfig) -> Vec<Settings> {
    let (mysql, postgres) = (mysql(config), postgres(config));
    match config.ack {
        AckMode::SemiSync => alloc::vec![mysql, postgres],
        AckMode::Async | AckMode::Sync => alloc::vec![postgres, mysql],
    }
}

/// Standby names as the settings call them: `node2`, `node3`, ...
/// (each standby's `application_name`).
fn standby_name(node: NodeId) -> String {
    format!("node{}", node.0 + 1)
}

fn standby_list(nodes: &[NodeId]) -> String {
    let names: Vec<String> = nodes.iter().map(|&n| standby_name(n)).collect();
    names.join(", ")
}

fn postgres(config: &SingleLeaderConfig) -> Settings {
    let leader = NodeId(0);
    let mut lines = String::from("# postgresql.conf on the leader (node 1)\n");
    let commit = match config.durability {
        Durability::Flushed => "on",
        Durability::Received => "remote_write",
    };
    match config.ack {
        AckMode::Async => {
            lines.push_str("synchronous_standby_names = ''\nsynchronous_commit = local");
        }
        AckMode::Sync => {
            let sync = config.synchronous_followers(leader);
            lines.push_str(&format!(
                "synchronous_standby_names = 'FIRST {} ({})'\nsynchronous_commit = {commit}",
                sync.len(),
                standby_list(&sync)
            ));
        }
        AckMode::SemiSync => {
            let all: Vec<NodeId> = (1..=config.followers).map(NodeId).collect();
            lines.push_str(
                "# no exact equivalent: PostgreSQL never falls back to asynchronous on a timeout;\n\
                 # the closest waits for any one standby, for as long as it takes\n",
            );
            lines.push_str(&format!(
                "synchronous_standby_names = 'ANY 1 ({})'\nsynchronous_commit = {commit}",
                standby_list(&all)
            ));
        }
    }
    lines.push_str(match config.log_format {
        LogFormat::Wal => "\n# physical streaming replication: standbys replay the WAL\nwal_level = replica",
        LogFormat::Row => {
            "\n# logical replication: row changes, any version on the subscriber\nwal_level = logical\n# CREATE PUBLICATION pub FOR TABLE accounts; on each follower CREATE SUBSCRIPTION"
        }
        LogFormat::Statement => {
            "\n# no equivalent: PostgreSQL never ships statements; the closest\n# is logical replication of rows (wal_level = logical)"
        }
    });
    if let Some(f) = &config.failover {
        lines.push_str(&format!(
            "\n# automatic failover is not built in: a manager such as Patroni does it;\n# its ttl and loop_wait play the {} ms timeout and {} ms heartbeat here",
            whole_ms(f.timeout_ms),
            whole_ms(f.heartbeat_ms)
        ));
    }
    Settings {
        system: "PostgreSQL",
        lines,
    }
}

fn mysql(config: &SingleLeaderConfig) -> Settings {
    let lines = match config.ack {
        AckMode::SemiSync => {
            let mut lines = format!(
                "-- MySQL 8.0.26+ (before: rpl_semi_sync_master / semisync_master.so, _slave)\n\
                 -- on the source (node 1)\n\
                 INSTALL PLUGIN rpl_semi_sync_source SONAME 'semisync_source.so';\n\
                 SET GLOBAL rpl_semi_sync_source_enabled = 1;\n\
                 SET GLOBAL rpl_semi_sync_source_timeout = {};\n\
                 SET GLOBAL rpl_semi_sync_source_wait_for_replica_count = 1;\n\
                 -- on every replica\n\
                 INSTALL PLUGIN rpl_semi_sync_replica SONAME 'semisync_replica.so';\n\
                 SET GLOBAL rpl_semi_sync_replica_enabled = 1;",
                whole_ms(config.semi_sync_timeout_ms)
            );
            if config.durability == Durability::Received {
                lines.push_str(
                    "\n-- a replica acknowledges once the event is in its relay log;\n\
                     -- MySQL has no separate choice between received and flushed",
                );
            }
            lines
        }
        AckMode::Async => String::from(
            "-- plain asynchronous replication: the semi-sync plugin stays off\n\
             SET GLOBAL rpl_semi_sync_source_enabled = 0;",
        ),
        AckMode::Sync => {
            let count = config.synchronous_followers(NodeId(0)).len();
            format!(
                "-- no exact equivalent: MySQL replication is never fully synchronous;\n\
                 -- the closest is semi-sync waiting for {count} replica(s) with a timeout so long\n\
                 -- it never falls back (it cannot name which replicas must answer)\n\
                 INSTALL PLUGIN rpl_semi_sync_source SONAME 'semisync_source.so';\n\
                 SET GLOBAL rpl_semi_sync_source_enabled = 1;\n\
                 SET GLOBAL rpl_semi_sync_source_wait_for_replica_count = {count};\n\
                 SET GLOBAL rpl_semi_sync_source_timeout = 4294967295;"
            )
        }
    };
    let mut lines = lines;
    lines.push_str(match config.log_format {
        LogFormat::Statement => "\nSET GLOBAL binlog_format = 'STATEMENT';",
        LogFormat::Row => "\nSET GLOBAL binlog_format = 'ROW';",
        LogFormat::Wal => {
            "\n-- no equivalent: MySQL ships its logical binlog, never InnoDB pages;\n-- the closest is SET GLOBAL binlog_format = 'ROW';"
        }
    });
    if config.failover.is_some() {
        lines.push_str(
            "\n-- automatic failover is not built into async replication: a manager\n-- such as Orchestrator does it (or use MySQL Group Replication)",
        );
    }
    Settings {
        system: "MySQL",
        lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(ack: AckMode, durability: Durability) -> SingleLeaderConfig {
        SingleLeaderConfig {
            followers: 2,
            ack,
            durability,
            ..SingleLeaderConfig::default()
        }
    }

    fn lines_for(settings: &[Settings], system: &str) -> String {
        settings
            .iter()
            .find(|s| s.system == system)
            .map(|s| s.lines.clone())
            .unwrap_or_default()
    }

    #[test]
    fn semi_sync_gives_the_mysql_plugin_lines_first() {
        let mut c = config(AckMode::SemiSync, Durability::Flushed);
        c.semi_sync_timeout_ms = 2_500.0;
        let s = matching_settings(&c);
        assert_eq!(s[0].system, "MySQL");
        let mysql = &s[0].lines;
        assert!(mysql.contains("INSTALL PLUGIN rpl_semi_sync_source SONAME 'semisync_source.so';"));
        assert!(mysql.contains("SET GLOBAL rpl_semi_sync_source_enabled = 1;"));
        assert!(mysql.contains("SET GLOBAL rpl_semi_sync_source_timeout = 2500;"));
        // The names deprecated since 8.0.26 appear only in the comment.
        assert!(!mysql.contains("SET GLOBAL rpl_semi_sync_master"));
        let pg = lines_for(&s, "PostgreSQL");
        assert!(pg.contains("# no exact equivalent"), "{pg}");
        assert!(pg.contains("synchronous_standby_names = 'ANY 1 (node2, node3)'"));
        assert!(pg.contains("synchronous_commit = on"));
    }

    #[test]
    fn sync_names_the_synchronous_standbys_and_the_durability() {
        let mut c = config(AckMode::Sync, Durability::Flushed);
        c.sync_followers = alloc::vec![NodeId(2)];
        let s = matching_settings(&c);
        assert_eq!(s[0].system, "PostgreSQL");
        assert_eq!(
            s[0].lines,
            "# postgresql.conf on the leader (node 1)\n\
             synchronous_standby_names = 'FIRST 1 (node3)'\n\
             synchronous_commit = on\n\
             # logical replication: row changes, any version on the subscriber\n\
             wal_level = logical\n\
             # CREATE PUBLICATION pub FOR TABLE accounts; on each follower CREATE SUBSCRIPTION"
        );
        c.durability = Durability::Received;
        c.sync_followers.clear();
        let pg = lines_for(&matching_settings(&c), "PostgreSQL");
        assert!(pg.contains("'FIRST 2 (node2, node3)'"), "{pg}");
        assert!(pg.contains("synchronous_commit = remote_write\n"), "{pg}");
        let mysql = lines_for(&matching_settings(&c), "MySQL");
        assert!(mysql.starts_with("-- no exact equivalent"), "{mysql}");
        assert!(mysql.contains("wait_for_replica_count = 2;"));
    }

    #[test]
    fn async_is_synchronous_commit_local() {
        let s = matching_settings(&config(AckMode::Async, Durability::Flushed));
        assert_eq!(s[0].system, "PostgreSQL");
        assert!(s[0].lines.contains("synchronous_commit = local\n"));
        assert!(lines_for(&s, "MySQL").contains("rpl_semi_sync_source_enabled = 0"));
    }

    #[test]
    fn semi_sync_received_explains_the_missing_choice() {
        let s = matching_settings(&config(AckMode::SemiSync, Durability::Received));
        assert!(s[0].lines.contains("no separate choice"));
        assert!(lines_for(&s, "PostgreSQL").contains("synchronous_commit = remote_write"));
    }

    #[test]
    fn log_formats_and_failover_map_to_each_system() {
        let mut c = config(AckMode::Async, Durability::Flushed);
        c.log_format = LogFormat::Statement;
        let s = matching_settings(&c);
        assert!(lines_for(&s, "MySQL").ends_with("SET GLOBAL binlog_format = 'STATEMENT';"));
        assert!(lines_for(&s, "PostgreSQL").contains("never ships statements"));
        c.log_format = LogFormat::Wal;
        c.failover = Some(super::super::Failover {
            timeout_ms: 300.0,
            heartbeat_ms: 100.0,
        });
        let s = matching_settings(&c);
        let pg = lines_for(&s, "PostgreSQL");
        assert!(pg.contains("wal_level = replica"), "{pg}");
        assert!(
            pg.ends_with("play the 300 ms timeout and 100 ms heartbeat here"),
            "{pg}"
        );
        let mysql = lines_for(&s, "MySQL");
        assert!(mysql.contains("never InnoDB pages"), "{mysql}");
        assert!(mysql.contains("Orchestrator"), "{mysql}");
    }
}
