//! What a client asks a node, in the scenario format's words: one
//! vocabulary for scenario files, share links and histories. Each
//! protocol turns it into requests of its own (`Protocol::request`) and
//! refuses the kinds it does not serve.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use serde::{Deserialize, Serialize};

use super::values_text;

/// What a client asks a node to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Request {
    Write {
        key: String,
        value: i64,
    },
    Read {
        key: String,
        /// Read-your-writes by log position: the client's last write had
        /// this version, so the node must not answer from older data (a
        /// lagging follower waits until it has caught up that far).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at_least: Option<u64>,
    },
    /// A statement of the mini-SQL subset (see the protocols' `sql`), run on the
    /// node's table. Protocols without a table refuse it.
    Sql {
        sql: String,
    },
    /// `key = key + by` on a number that must already exist (an SQL
    /// `UPDATE`); on a counter CRDT, an increment (negative: decrement).
    Increment {
        key: String,
        by: i64,
    },
    /// Put `value` into the set at `key` (a shopping cart's item).
    Add {
        key: String,
        value: i64,
    },
    /// Take `value` out of the set at `key`.
    Remove {
        key: String,
        value: i64,
    },
    /// Leaderless write (Dynamo's put): `values` (a set, e.g. a shopping
    /// cart's items) with the `context` — the version vector — the client
    /// read before; it replaces exactly the versions that context has
    /// seen (absent: whatever the coordinator's own copy has seen).
    /// `consistency` overrides w for this write.
    Put {
        key: String,
        values: Vec<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        context: Option<crate::vv::VersionVector>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        consistency: Option<crate::quorum::ConsistencyLevel>,
    },
    /// Leaderless read; `consistency` overrides r for this read.
    Get {
        key: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        consistency: Option<crate::quorum::ConsistencyLevel>,
    },
}

impl Request {
    /// A plain read of `key`.
    pub fn read(key: &str) -> Request {
        Request::Read {
            key: String::from(key),
            at_least: None,
        }
    }
    /// The key a key-value request names; empty for SQL.
    pub fn key(&self) -> &str {
        match self {
            Request::Write { key, .. }
            | Request::Read { key, .. }
            | Request::Increment { key, .. }
            | Request::Add { key, .. }
            | Request::Remove { key, .. }
            | Request::Put { key, .. }
            | Request::Get { key, .. } => key,
            Request::Sql { .. } => "",
        }
    }
    /// Writes and SQL statements other than `SELECT`.
    pub fn is_write(&self) -> bool {
        match self {
            Request::Write { .. }
            | Request::Increment { .. }
            | Request::Add { .. }
            | Request::Remove { .. }
            | Request::Put { .. } => true,
            Request::Read { .. } | Request::Get { .. } => false,
            Request::Sql { sql } => statement_is_write(sql),
        }
    }
}

impl fmt::Display for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Request::Write { key, value } => write!(f, "write {key} = {value}"),
            Request::Read {
                key,
                at_least: None,
            } => write!(f, "read {key}"),
            Request::Read {
                key,
                at_least: Some(v),
            } => write!(f, "read {key} (at least version {v})"),
            Request::Sql { sql } => f.write_str(sql),
            Request::Increment { key, by } if *by < 0 => write!(f, "decrement {key} by {}", -by),
            Request::Increment { key, by } => write!(f, "increment {key} by {by}"),
            Request::Add { key, value } => write!(f, "add {value} to {key}"),
            Request::Remove { key, value } => write!(f, "remove {value} from {key}"),
            Request::Put {
                key,
                values,
                context,
                consistency,
            } => {
                write!(f, "put {key} = {}", values_text(values))?;
                if let Some(context) = context {
                    write!(f, " with context {context}")?;
                }
                if let Some(c) = consistency {
                    write!(f, " at {}", c.name())?;
                }
                Ok(())
            }
            Request::Get { key, consistency } => {
                write!(f, "get {key}")?;
                if let Some(c) = consistency {
                    write!(f, " at {}", c.name())?;
                }
                Ok(())
            }
        }
    }
}

/// Does this SQL statement change data (anything but a `SELECT`)?
pub fn statement_is_write(sql: &str) -> bool {
    !sql.trim_start()
        .get(..6)
        .is_some_and(|w| w.eq_ignore_ascii_case("select"))
}
