//! Where chains appear in real systems, and what to configure there to
//! get something like the simulated chain. No mainstream database is a
//! chain-replicated store with a tail that answers reads; these are the
//! nearest settings, and the comments say where they differ.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::ChainConfig;
use crate::protocol::settings::{whole_ms, Settings};

/// The settings matching `config`: HDFS's write pipeline (the closest:
/// data flows down a line of servers and acknowledgements flow back),
/// MongoDB's chained secondaries, and a word on CRAQ when it is on.
pub fn matching_settings(config: &ChainConfig) -> Vec<Settings> {
    let mut all = alloc::vec![hdfs(config), mongodb(config)];
    if config.craq {
        all.push(craq());
    }
    all
}

fn hdfs(config: &ChainConfig) -> Settings {
    let n = config.chain_len();
    // HDFS counts heartbeats in whole seconds.
    let secs = whole_ms(config.heartbeat_ms).div_ceil(1000).max(1);
    let lines = format!(
        "<!-- hdfs-site.xml: each block is written through a pipeline of {n} DataNodes;\n\
         \x20    every DataNode passes the packet on and the acks come back up the pipeline -->\n\
         <property><name>dfs.replication</name><value>{n}</value></property>\n\
         <!-- a DataNode that fails mid-block is dropped and replaced, and the block resumes -->\n\
         <property><name>dfs.client.block.write.replace-datanode-on-failure.enable</name><value>true</value></property>\n\
         <property><name>dfs.client.block.write.replace-datanode-on-failure.policy</name><value>DEFAULT</value></property>\n\
         <!-- the NameNode plays the master: DataNodes report every few seconds\n\
         \x20    (here every {} ms; HDFS counts whole seconds) -->\n\
         <property><name>dfs.heartbeat.interval</name><value>{secs}</value></property>",
        whole_ms(config.heartbeat_ms)
    );
    Settings {
        system: "HDFS",
        lines,
    }
}

fn mongodb(config: &ChainConfig) -> Settings {
    let n = config.chain_len();
    let mut lines = String::from(
        "// mongosh on the primary: let secondaries copy the oplog from each other\n\
         cfg = rs.conf()\n\
         cfg.settings.chainingAllowed = true\n",
    );
    lines.push_str(&format!(
        "cfg.settings.electionTimeoutMillis = {}\n\
         rs.reconfig(cfg)\n",
        whole_ms(config.timeout_ms)
    ));
    lines.push_str("// make the line explicit: each secondary syncs from the one before it\n");
    for k in 2..=n {
        lines.push_str(&format!(
            "rs.syncFrom(\"node{}:27017\")  // run on node{k}\n",
            k - 1
        ));
    }
    lines.push_str(&format!(
        "// acknowledge a write only once all {n} members hold it, as a chain's tail does\n\
         db.items.insertOne({{ _id: \"x\", v: 1 }}, {{ writeConcern: {{ w: {n} }} }})\n\
         // differences: the primary, not the last member, counts the acknowledgements,\n\
         // and reads that must see every acknowledged write go to the primary\n\
         // with readConcern \"linearizable\": MongoDB has no read at the tail"
    ));
    Settings {
        system: "MongoDB",
        lines,
    }
}

fn craq() -> Settings {
    Settings {
        system: "CRAQ",
        lines: String::from(
            "# no switch in a shipping database: CRAQ (Terrace & Freedman, 2009) is a design\n\
             # that object stores implement themselves. Each server keeps, per object, the\n\
             # newest clean version and any dirty ones, answers clean reads itself and asks\n\
             # the tail which version is committed for dirty ones. Reads that may lag\n\
             # (MongoDB readPreference \"secondary\") are cheaper but not linearizable.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hdfs_replication_is_the_chain_length_and_mongodb_waits_for_all() {
        let c = ChainConfig {
            nodes: 4,
            heartbeat_ms: 100.0,
            ..ChainConfig::default()
        };
        let s = matching_settings(&c);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].system, "HDFS");
        assert!(s[0]
            .lines
            .contains("<name>dfs.replication</name><value>4</value>"));
        assert!(s[0]
            .lines
            .contains("<name>dfs.heartbeat.interval</name><value>1</value>"));
        assert!(s[1].lines.contains("cfg.settings.chainingAllowed = true"));
        assert!(s[1].lines.contains("writeConcern: { w: 4 }"));
        assert!(s[1]
            .lines
            .contains("rs.syncFrom(\"node3:27017\")  // run on node4"));
        let craq = matching_settings(&ChainConfig { craq: true, ..c });
        assert_eq!(craq[2].system, "CRAQ");
    }
}
