//! "In a real database": the settings of systems that replicate by Raft
//! (or, for MongoDB, a Raft-like protocol) matching a setup. Each line is
//! in the system's own syntax; where a system has no such knob a comment
//! says what it does instead.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::{RaftConfig, ReadMode};
use crate::protocol::settings::{whole_ms, Settings};

pub fn matching_settings(config: &RaftConfig) -> Vec<Settings> {
    alloc::vec![
        etcd(config),
        mongodb(config),
        cockroach(config),
        tikv(config)
    ]
}

fn etcd(c: &RaftConfig) -> Settings {
    let mut lines = format!(
        "# etcd server flags (the election timeout is the shortest; etcd randomises above it)\n\
         etcd --heartbeat-interval={} --election-timeout={} --pre-vote={}",
        whole_ms(c.heartbeat_ms),
        whole_ms(c.election_ms),
        c.pre_vote
    );
    lines.push_str(
        "\n# check quorum is always on in etcd's server (raft.Config{CheckQuorum: true})",
    );
    lines.push_str(match c.reads {
        ReadMode::Log => "\n# reads through the log: etcd has none; a serializable=false Range read uses ReadIndex",
        ReadMode::ReadIndex => "\n# linearizable reads (the default) use ReadIndex: etcdctl get x --consistency=l",
        ReadMode::Lease => "\n# lease reads: raft.Config{ReadOnlyOption: raft.ReadOnlyLeaseBased} (needs CheckQuorum)",
        ReadMode::Follower => "\n# stale reads from the contacted member: etcdctl get x --consistency=s",
    });
    Settings {
        system: "etcd",
        lines,
    }
}

fn mongodb(c: &RaftConfig) -> Settings {
    let read = match c.reads {
        ReadMode::Log | ReadMode::ReadIndex => "linearizable",
        ReadMode::Lease => "majority",
        ReadMode::Follower => "local",
    };
    let pref = if c.reads == ReadMode::Follower {
        "secondaryPreferred"
    } else {
        "primary"
    };
    let lines = format!(
        "// mongosh, on the primary: a replica set of {} members\n\
         cfg = rs.conf()\n\
         cfg.settings.electionTimeoutMillis = {}\n\
         cfg.settings.heartbeatIntervalMillis = {}\n\
         rs.reconfig(cfg)\n\
         // writes wait for a majority, reads as configured here\n\
         db.kv.insertOne({{ _id: \"x\", v: 1 }}, {{ writeConcern: {{ w: \"majority\" }} }})\n\
         db.kv.find({{ _id: \"x\" }}).readConcern(\"{read}\").readPref(\"{pref}\")\n\
         // pre-vote: MongoDB's protocolVersion 1 always runs a dry-run election first",
        c.servers,
        whole_ms(c.election_ms),
        whole_ms(c.heartbeat_ms)
    );
    Settings {
        system: "MongoDB",
        lines,
    }
}

fn cockroach(c: &RaftConfig) -> Settings {
    // CockroachDB expresses Raft timing as ticks of COCKROACH_RAFT_TICK_INTERVAL.
    let tick = whole_ms(c.heartbeat_ms).max(1);
    let election_ticks = (whole_ms(c.election_ms) / tick).max(2);
    let lines = format!(
        "# environment of each cockroach node\n\
         COCKROACH_RAFT_TICK_INTERVAL={tick}ms\n\
         COCKROACH_RAFT_ELECTION_TIMEOUT_TICKS={election_ticks}\n\
         # --max-offset bounds clock skew; leases (and reads served under them) assume it\n\
         cockroach start --max-offset={}ms\n\
         # follower reads (stale by design): SELECT ... AS OF SYSTEM TIME follower_read_timestamp()",
        whole_ms(c.election_ms - c.lease()).max(1)
    );
    Settings {
        system: "CockroachDB",
        lines,
    }
}

fn tikv(c: &RaftConfig) -> Settings {
    let tick = whole_ms(c.heartbeat_ms).max(1);
    let election_ticks = (whole_ms(c.election_ms) / tick).max(2);
    let lease = whole_ms(c.lease());
    let mut lines = format!(
        "# tikv.toml\n\
         [raftstore]\n\
         raft-base-tick-interval = \"{tick}ms\"\n\
         raft-heartbeat-ticks = 1\n\
         raft-election-timeout-ticks = {election_ticks}\n\
         raft-store-max-leader-lease = \"{lease}ms\"\n\
         prevote = {}",
        c.pre_vote
    );
    if c.reads == ReadMode::Follower {
        lines.push_str("\n# client side: replica read (TiDB: SET tidb_replica_read = 'follower')");
    }
    Settings {
        system: "TiKV",
        lines: String::from(lines.as_str()),
    }
}
