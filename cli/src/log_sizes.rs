//! `replicascope log-sizes`: what the leader would ship for one SQL
//! statement in each replication log format — statement text, WAL page
//! writes, or row events — counted in events and bytes.

use replicascope_core::protocol::single_leader::initial_table;
use replicascope_core::sql::{log_sizes, SeededContext, StorageVersion};

use crate::values::whole;

#[derive(clap::Args)]
pub struct Args {
    /// The statement, e.g. "UPDATE accounts SET balance = balance + 1".
    sql: String,
    /// Rows in the example accounts table (5–2000).
    #[arg(long, default_value_t = 5, allow_hyphen_values = true, value_parser = whole::<u32>)]
    rows: u32,
    /// Storage format version of the pages (1 or 2).
    #[arg(long, default_value_t = 1, allow_hyphen_values = true, value_parser = whole::<u8>)]
    storage_version: u8,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(args: &Args) -> Result<String, String> {
    if !(5..=2000).contains(&args.rows) {
        return Err(format!("--rows {} is out of range: 5 to 2000", args.rows));
    }
    let version = StorageVersion(args.storage_version);
    if !version.is_supported() {
        return Err(format!(
            "--storage-version {} does not exist: 1 or 2",
            args.storage_version
        ));
    }
    let table = initial_table(args.rows);
    // The leader's clock reads 0 and its random stream is seed 1's: the
    // sizes do not depend on either.
    let sizes = log_sizes(&table, &args.sql, &mut SeededContext::new(0, 1), version)
        .map_err(|e| e.to_string())?;
    if args.json {
        let value = serde_json::json!({
            "sql": args.sql,
            "rows": args.rows,
            "statement": { "events": sizes.statement.events, "bytes": sizes.statement.bytes },
            "wal": { "events": sizes.wal.events, "bytes": sizes.wal.bytes },
            "row": { "events": sizes.row.events, "bytes": sizes.row.bytes },
        });
        return serde_json::to_string_pretty(&value).map_err(|e| e.to_string());
    }
    Ok(format!(
        "format            events     bytes\n\
         statement-based {:>8} {:>9}\n\
         WAL (physical)  {:>8} {:>9}\n\
         row-based       {:>8} {:>9}",
        sizes.statement.events,
        sizes.statement.bytes,
        sizes.wal.events,
        sizes.wal.bytes,
        sizes.row.events,
        sizes.row.bytes
    ))
}
