//! What a chain serves: reads and writes of single keys (an object store's
//! gets and puts), and the operator's one command, adding a server.

use alloc::string::String;

use crate::node::{self, OperatorAction};

/// A client request a chain node serves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    Read { key: String },
    Write { key: String, value: i64 },
}

impl Request {
    /// The scenario's `request` as one a chain node serves. A read's
    /// `at_least` is dropped: every read the chain answers is already
    /// linearizable, so it holds every write the client saw acknowledged.
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
                "a chain stores objects: it takes reads and writes of one key",
            )),
        }
    }
}

/// What an operator tells a chain node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    /// Ask the master to add this server at the tail of the chain.
    Join,
}

impl Command {
    pub(super) fn of(action: OperatorAction) -> Option<Command> {
        match action {
            OperatorAction::AddFollower => Some(Command::Join),
            // A chain has no leader to promote: the master picks the head.
            OperatorAction::Promote => None,
        }
    }
}
