//! What a multi-leader store serves: reads of a key from the local copy,
//! and writes — a plain value, or one of the operations a CRDT offers
//! (an increment, adding to or removing from a set).

use alloc::string::String;

use crate::node;

/// A client request a multi-leader node serves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    Read { key: String },
    Write { key: String, edit: Edit },
}

/// How a write changes its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edit {
    /// Replace the value.
    Set(i64),
    /// Add `by` to a number (negative: subtract).
    Increment(i64),
    /// Put a value into a set.
    Add(i64),
    /// Take a value out of a set.
    Remove(i64),
}

impl Request {
    /// The scenario's `request` as one a multi-leader node serves.
    pub(super) fn accept(request: node::Request) -> Result<Request, String> {
        let write = |key, edit| Ok(Request::Write { key, edit });
        match request {
            node::Request::Read { key, .. } | node::Request::Get { key, .. } => {
                Ok(Request::Read { key })
            }
            node::Request::Write { key, value } => write(key, Edit::Set(value)),
            node::Request::Increment { key, by } => write(key, Edit::Increment(by)),
            node::Request::Add { key, value } => write(key, Edit::Add(value)),
            node::Request::Remove { key, value } => write(key, Edit::Remove(value)),
            node::Request::Put { .. } => Err(String::from(
                "put with a version context is a leaderless request: use write, increment, add or remove",
            )),
            node::Request::Sql { .. } => Err(String::from(
                "multi-leader nodes keep keys, not a SQL table: use write, increment, add or remove",
            )),
        }
    }
}

impl Edit {
    /// The write of `key` as the scenario says it ("increment likes by
    /// 3"): its text is the scenario request's, written in one place.
    pub(super) fn request(self, key: String) -> node::Request {
        match self {
            Edit::Set(value) => node::Request::Write { key, value },
            Edit::Increment(by) => node::Request::Increment { key, by },
            Edit::Add(value) => node::Request::Add { key, value },
            Edit::Remove(value) => node::Request::Remove { key, value },
        }
    }
}
