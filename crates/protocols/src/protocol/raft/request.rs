//! What a Raft cluster serves: reads and writes of keys, and the
//! operator's two commands — a leadership transfer (`promote`) and adding
//! a server (`add_follower`), which joins as a learner first.

use alloc::string::String;

use crate::node::{self, OperatorAction};

/// A client request a Raft server serves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    Read { key: String },
    Write { key: String, value: i64 },
}

impl Request {
    pub(super) fn accept(request: node::Request) -> Result<Request, String> {
        match request {
            node::Request::Read { key, .. } => Ok(Request::Read { key }),
            node::Request::Write { key, value } => Ok(Request::Write { key, value }),
            node::Request::Sql { .. }
            | node::Request::Increment { .. }
            | node::Request::Add { .. }
            | node::Request::Remove { .. }
            | node::Request::Put { .. }
            | node::Request::Get { .. } => Err(String::from(
                "this Raft cluster stores numbers under keys: it takes reads and writes",
            )),
        }
    }

    pub fn key(&self) -> &str {
        match self {
            Request::Read { key } | Request::Write { key, .. } => key,
        }
    }
}

/// What an operator tells a Raft server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    /// Leadership transfer to this server: it campaigns at once, without
    /// a pre-vote, and the others grant it even inside a leader's lease
    /// (etcd's `move-leader` ends in the same `TimeoutNow`).
    Campaign,
    /// This server asks the cluster to let it in: as a learner that
    /// catches up, then as a voter.
    Join,
}

impl Command {
    pub(super) fn of(action: OperatorAction) -> Command {
        match action {
            OperatorAction::Promote => Command::Campaign,
            OperatorAction::AddFollower => Command::Join,
        }
    }
}
