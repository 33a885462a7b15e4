//! "In a real database" for leaderless replication: the Cassandra and
//! Riak KV configuration that does what the simulated ring does — n
//! copies, w and r acknowledgements, read repair, hinted handoff, Merkle
//! anti-entropy. Written for current releases (Cassandra 4.1 and later,
//! Riak KV 3.x), with a comment where an older release differs or where
//! a system has no equivalent. Cassandra's consistency is chosen per
//! session or per statement by the client, never inside the query text:
//! the `USING CONSISTENCY` clause of early CQL is gone since CQL 3.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::config::LeaderlessConfig;
use crate::protocol::settings::whole_ms;
use crate::protocol::settings::Settings;

/// The settings matching `config`: Cassandra first (the most used),
/// then Riak KV (the closest to Dynamo: sloppy quorums and siblings).
pub fn matching_settings(config: &LeaderlessConfig) -> Vec<Settings> {
    alloc::vec![cassandra(config), riak(config)]
}

/// Cassandra's consistency level asking `k` of `n` replicas, if one does.
fn level(k: u8, n: u8) -> Option<&'static str> {
    match k {
        _ if k == n => Some("ALL"),
        _ if k == n / 2 + 1 => Some("QUORUM"),
        1 => Some("ONE"),
        2 => Some("TWO"),
        3 => Some("THREE"),
        _ => None,
    }
}

fn consistency(what: &str, k: u8, n: u8) -> String {
    match level(k, n) {
        Some(level) => format!("CONSISTENCY {level};  -- {what}: {k} of {n} replicas answer"),
        None => format!(
            "-- no consistency level asks exactly {k} of {n} replicas for {what}: the levels are\n\
             -- ONE, TWO, THREE, QUORUM and ALL; the nearest above is {}",
            level_at_least(k, n)
        ),
    }
}

/// The weakest level asking at least `k` of `n`.
fn level_at_least(k: u8, n: u8) -> &'static str {
    (k..=n).find_map(|j| level(j, n)).unwrap_or("ALL")
}

fn cassandra(c: &LeaderlessConfig) -> Settings {
    let mut lines = format!(
        "-- CQL: n = {n} copies of every row\n\
         CREATE KEYSPACE shop WITH replication = {{'class': 'SimpleStrategy', 'replication_factor': {n}}};\n\
         -- w and r are chosen by the client, per session in cqlsh (drivers: per statement)\n\
         {}\n\
         {}",
        consistency("writes", c.w, c.n),
        consistency("reads", c.r, c.n),
        n = c.n,
    );
    lines.push_str(if !c.read_repair {
        "\nALTER TABLE shop.carts WITH read_repair = 'NONE';"
    } else if c.blocking_read_repair {
        "\n-- the read waits until the stale replicas are repaired (the default)\n\
         ALTER TABLE shop.carts WITH read_repair = 'BLOCKING';"
    } else {
        "\n-- no equivalent: Cassandra 4.0 removed background read repair\n\
         -- (read_repair_chance); the closest repairs before answering\n\
         ALTER TABLE shop.carts WITH read_repair = 'BLOCKING';"
    });
    lines.push_str(&format!(
        "\n# cassandra.yaml (4.1 names; older releases: write_request_timeout_in_ms and so on)\n\
         write_request_timeout: {t}ms\n\
         read_request_timeout: {t}ms",
        t = whole_ms(c.replica_timeout_ms)
    ));
    lines.push_str(if c.sloppy_quorum {
        "\nhinted_handoff_enabled: true\n\
         # Cassandra keeps hints for a replica that is down but never counts them\n\
         # towards w (only CONSISTENCY ANY does): a sloppy quorum has no equivalent"
    } else {
        "\n# a strict quorum: no stand-in keeps a hint for a missing replica\n\
         hinted_handoff_enabled: false"
    });
    if c.anti_entropy.is_some() {
        lines.push_str(
            "\n# anti-entropy: Merkle-tree repair, run regularly on every node\n\
             # nodetool repair --full shop",
        );
    }
    Settings {
        system: "Cassandra",
        lines,
    }
}

fn riak(c: &LeaderlessConfig) -> Settings {
    // Strict quorums ask the key's own (primary) replicas; Riak's default
    // (pw = pr = 0) lets fallbacks count, as a sloppy quorum does.
    let (pw, pr) = if c.sloppy_quorum { (0, 0) } else { (c.w, c.r) };
    let mut lines = format!(
        "# a bucket type (Riak KV 3.x; before 3.0: riak-admin bucket-type ...)\n\
         riak admin bucket-type create shop '{{\"props\":{{\"n_val\":{n},\"w\":{w},\"r\":{r},\"pw\":{pw},\"pr\":{pr},\"allow_mult\":true}}}}'\n\
         riak admin bucket-type activate shop\n\
         # allow_mult: concurrent writes are kept as siblings, as here",
        n = c.n,
        w = c.w,
        r = c.r,
    );
    lines.push_str(if c.sloppy_quorum {
        "\n# pw = pr = 0: fallback nodes count towards w and r (a sloppy quorum with hinted handoff)"
    } else {
        "\n# pw = w, pr = r: only the key's own replicas count (a strict quorum)"
    });
    if !c.read_repair {
        lines.push_str("\n# no equivalent: Riak always repairs stale replicas it reads");
    }
    lines.push_str(if c.anti_entropy.is_some() {
        "\n# riak.conf: Merkle-tree anti-entropy\nanti_entropy = active"
    } else {
        "\n# riak.conf: no background anti-entropy\nanti_entropy = passive"
    });
    Settings {
        system: "Riak KV",
        lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(n: u8, w: u8, r: u8) -> LeaderlessConfig {
        LeaderlessConfig {
            nodes: 5,
            n,
            w,
            r,
            ..LeaderlessConfig::default()
        }
    }

    #[test]
    fn levels_name_the_count_of_replicas_asked() {
        assert_eq!(level(2, 3), Some("QUORUM"));
        assert_eq!(level(3, 3), Some("ALL"));
        assert_eq!(level(1, 3), Some("ONE"));
        assert_eq!(level(3, 5), Some("QUORUM"));
        assert_eq!(level(2, 5), Some("TWO"));
        assert_eq!(level(4, 7), Some("QUORUM"));
        assert_eq!(level(5, 7), None);
        assert_eq!(level_at_least(5, 7), "ALL");
        assert_eq!(level_at_least(4, 9), "QUORUM");
    }

    #[test]
    fn cassandra_sets_the_keyspace_and_the_levels_outside_the_query() {
        let s = cassandra(&config(3, 2, 2));
        assert!(s.lines.contains("'replication_factor': 3}"), "{}", s.lines);
        assert!(s.lines.contains("CONSISTENCY QUORUM;  -- writes: 2 of 3"));
        assert!(s.lines.contains("CONSISTENCY QUORUM;  -- reads: 2 of 3"));
        // The clause the article quotes is not CQL any more.
        assert!(!s.lines.contains("USING CONSISTENCY"));
        let one = cassandra(&config(3, 3, 1));
        assert!(one.lines.contains("CONSISTENCY ALL;  -- writes"));
        assert!(one.lines.contains("CONSISTENCY ONE;  -- reads"));
        let odd = cassandra(&config(7, 5, 3));
        assert!(odd
            .lines
            .contains("no consistency level asks exactly 5 of 7"));
    }

    #[test]
    fn sloppy_quorums_exist_in_riak_and_not_in_cassandra() {
        let mut c = config(3, 2, 2);
        c.sloppy_quorum = true;
        assert!(cassandra(&c)
            .lines
            .contains("a sloppy quorum has no equivalent"));
        assert!(riak(&c).lines.contains("\"pw\":0,\"pr\":0"));
        c.sloppy_quorum = false;
        assert!(riak(&c).lines.contains("\"pw\":2,\"pr\":2"));
        assert!(cassandra(&c)
            .lines
            .contains("hinted_handoff_enabled: false"));
    }
}
