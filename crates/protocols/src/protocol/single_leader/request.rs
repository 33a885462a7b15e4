//! What a single-leader database serves: reads and writes of keys, and
//! statements of the mini-SQL subset — and the operator's two commands,
//! promote (a manual failover) and add a follower.

use alloc::string::String;

use crate::node::{self, OperatorAction};

/// A client request a single-leader node serves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// A read of `key`, held back on a follower until it has caught up to
    /// `at_least` (read-your-writes by log position).
    Read {
        key: String,
        at_least: Option<u64>,
    },
    Write {
        key: String,
        value: i64,
    },
    /// A SQL statement; a `SELECT` runs on any node, the others on the
    /// leader.
    Sql {
        sql: String,
    },
}

impl Request {
    /// The scenario's `request` as one a single-leader node serves.
    pub(super) fn accept(request: node::Request) -> Result<Request, String> {
        match request {
            node::Request::Read { key, at_least } => Ok(Request::Read { key, at_least }),
            node::Request::Write { key, value } => Ok(Request::Write { key, value }),
            node::Request::Sql { sql } => Ok(Request::Sql { sql }),
            node::Request::Increment { .. }
            | node::Request::Add { .. }
            | node::Request::Remove { .. }
            | node::Request::Put { .. }
            | node::Request::Get { .. } => Err(String::from(
                "single-leader nodes take key writes and SQL; use UPDATE … SET x = x + n for an increment",
            )),
        }
    }
}

/// What an operator tells a single-leader node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    /// Lead from now on (like PostgreSQL's `pg_ctl promote`).
    Promote,
    /// Join the cluster as a new follower, from a snapshot.
    Join,
}

impl Command {
    pub(super) fn of(action: OperatorAction) -> Command {
        match action {
            OperatorAction::Promote => Command::Promote,
            OperatorAction::AddFollower => Command::Join,
        }
    }
}
