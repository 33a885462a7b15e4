//! "In a real database" for multi-leader replication: CouchDB, whose
//! continuous replications are one leader shipping its changes to
//! another and whose conflicts are kept as revisions, and MySQL Group
//! Replication in multi-primary mode, which takes writes everywhere but
//! orders them by group agreement rather than asynchronously. Each line
//! says where the real system behaves differently from this run (CouchDB
//! never discards a conflicting write by its clock; Group Replication
//! rolls the later of two conflicting transactions back).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::config::{MultiLeaderConfig, Resolution, Topology};
use crate::protocol::settings::Settings;

/// Replication links shown in full; more are summarised.
const SHOWN_LINKS: usize = 6;

/// The settings matching `config`: CouchDB first (asynchronous, like this
/// run), then MySQL Group Replication.
pub fn matching_settings(config: &MultiLeaderConfig) -> Vec<Settings> {
    alloc::vec![couchdb(config), group_replication(config)]
}

/// Which datacenter sends to which (1-based), as the topology says.
pub fn links(config: &MultiLeaderConfig) -> Vec<(u8, u8)> {
    let d = config.datacenters.max(1);
    match config.topology {
        Topology::AllToAll => (1..=d)
            .flat_map(|a| (1..=d).filter(move |&b| b != a).map(move |b| (a, b)))
            .collect(),
        Topology::Circular if d > 1 => (1..=d).map(|a| (a, a % d + 1)).collect(),
        Topology::Circular => Vec::new(),
        Topology::Star => (2..=d).flat_map(|a| [(a, 1), (1, a)]).collect(),
    }
}

fn couchdb(c: &MultiLeaderConfig) -> Settings {
    let links = links(c);
    let mut lines = String::from(
        "# CouchDB 3.x: one continuous replication per direction of every link,\n\
         # a document in the _replicator database",
    );
    for (from, to) in links.iter().take(SHOWN_LINKS) {
        lines.push_str(&format!(
            "\ncurl -X POST http://dc{to}:5984/_replicator -H 'Content-Type: application/json' \\\n  \
             -d '{{\"source\": \"http://dc{from}:5984/shop\", \"target\": \"http://dc{to}:5984/shop\", \"continuous\": true}}'"
        ));
    }
    if links.len() > SHOWN_LINKS {
        lines.push_str(&format!(
            "\n# ... and {} more, one per remaining direction",
            links.len() - SHOWN_LINKS
        ));
    }
    if c.topology != Topology::AllToAll {
        lines.push_str(
            "\n# each database keeps the revisions it received, so a write travels on\n\
             # through the next replication: the ring or hub forwards as it does here",
        );
    }
    lines.push_str(match c.resolution {
        Resolution::LastWriteWins => {
            "\n# no equivalent of last write wins: every replica picks the same winning\n\
             # revision by revision history, not by clock, and keeps the losers:\n\
             # GET /shop/cart?conflicts=true lists them in _conflicts"
        }
        Resolution::None => {
            "\n# conflicts are kept, as here: GET /shop/cart?conflicts=true lists the\n\
             # losing revisions in _conflicts until the application resolves them"
        }
        Resolution::Resolver => {
            "\n# the application resolves: read ?conflicts=true, write the merged\n\
             # document, delete the losing revisions"
        }
        Resolution::Crdt => {
            "\n# no built-in CRDTs: the application merges the _conflicts revisions\n\
             # (a union for a set, per-replica counts for a counter)"
        }
    });
    if c.causal_delivery {
        lines.push_str(
            "\n# no equivalent of causal delivery: each replication sends the latest\n\
             # revision of each changed document, with no order across documents",
        );
    }
    if c.route_by_key {
        lines.push_str(
            "\n# routing each key to its home datacenter is the application's job\n\
             # (no setting): it avoids conflicts rather than resolving them",
        );
    }
    Settings {
        system: "CouchDB",
        lines,
    }
}

fn group_replication(c: &MultiLeaderConfig) -> Settings {
    let seeds: Vec<String> = (1..=c.datacenters.max(1))
        .map(|d| format!("dc{d}:33061"))
        .collect();
    let mut lines = format!(
        "# my.cnf on each datacenter's server (MySQL 8.0 and 8.4 LTS)\n\
         plugin_load_add = 'group_replication.so'\n\
         group_replication_group_name = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee'\n\
         group_replication_local_address = 'dc1:33061'  # each server its own\n\
         group_replication_group_seeds = '{}'\n\
         group_replication_single_primary_mode = OFF\n\
         group_replication_enforce_update_everywhere_checks = ON\n\
         # not asynchronous: a commit waits until a majority of the group has\n\
         # agreed on its order (a WAN round trip, {:.0} ms each way here)",
        seeds.join(","),
        c.cross_dc_ms
    );
    lines.push_str(match c.resolution {
        Resolution::LastWriteWins => {
            "\n# no last write wins: of two conflicting transactions the later to be\n\
             # ordered is rolled back (its client gets an error), so nothing\n\
             # acknowledged is silently discarded"
        }
        _ => {
            "\n# conflicts never reach the data: of two conflicting transactions the\n\
             # later to be ordered is rolled back and its client gets an error"
        }
    });
    if c.topology != Topology::AllToAll {
        lines.push_str(&format!(
            "\n# no {} topology: every member talks to every other",
            c.topology.name()
        ));
    }
    Settings {
        system: "MySQL Group Replication",
        lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(datacenters: u8, topology: Topology, resolution: Resolution) -> MultiLeaderConfig {
        MultiLeaderConfig {
            datacenters,
            topology,
            resolution,
            ..MultiLeaderConfig::default()
        }
    }

    #[test]
    fn links_follow_the_topology() {
        assert_eq!(
            links(&config(3, Topology::AllToAll, Resolution::None)).len(),
            6
        );
        assert_eq!(
            links(&config(3, Topology::Circular, Resolution::None)),
            [(1, 2), (2, 3), (3, 1)]
        );
        assert_eq!(
            links(&config(3, Topology::Star, Resolution::None)),
            [(2, 1), (1, 2), (3, 1), (1, 3)]
        );
    }

    #[test]
    fn each_direction_is_one_replication_and_lww_is_said_to_differ() {
        let c = config(3, Topology::Circular, Resolution::LastWriteWins);
        let s = couchdb(&c);
        assert_eq!(
            s.lines.matches("\"continuous\": true").count(),
            3,
            "{}",
            s.lines
        );
        assert!(s.lines.contains(
            "\"source\": \"http://dc3:5984/shop\", \"target\": \"http://dc1:5984/shop\""
        ));
        assert!(s.lines.contains("no equivalent of last write wins"));
        let big = couchdb(&config(5, Topology::AllToAll, Resolution::None));
        assert!(big.lines.contains("... and 14 more"), "{}", big.lines);
        let gr = group_replication(&c);
        assert!(gr
            .lines
            .contains("group_replication_single_primary_mode = OFF"));
        assert!(gr
            .lines
            .contains("group_replication_group_seeds = 'dc1:33061,dc2:33061,dc3:33061'"));
        assert!(gr.lines.contains("no circular topology"));
    }
}
