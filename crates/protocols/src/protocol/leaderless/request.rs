//! What a leaderless (Dynamo-style) store serves: puts and gets of a key,
//! a put carrying the version vector its writer read. A plain write is a
//! put without a context; a plain read, a get at the configured r.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::node;
use crate::quorum::ConsistencyLevel;
use crate::vv::VersionVector;

/// A client request a leaderless coordinator serves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// Store `values` at `key`, replacing the versions `context` has seen
    /// (none: whatever the coordinator's own copy has seen); `consistency`
    /// overrides w.
    Put {
        key: String,
        values: Vec<i64>,
        context: Option<VersionVector>,
        consistency: Option<ConsistencyLevel>,
    },
    /// Read `key`; `consistency` overrides r.
    Get {
        key: String,
        consistency: Option<ConsistencyLevel>,
    },
}

impl Request {
    /// The scenario's `request` as one a leaderless coordinator serves.
    pub(super) fn accept(request: node::Request) -> Result<Request, String> {
        match request {
            node::Request::Write { key, value } => Ok(Request::Put {
                key,
                values: alloc::vec![value],
                context: None,
                consistency: None,
            }),
            node::Request::Read { key, .. } => Ok(Request::Get {
                key,
                consistency: None,
            }),
            node::Request::Put {
                key,
                values,
                context,
                consistency,
            } => Ok(Request::Put {
                key,
                values,
                context,
                consistency,
            }),
            node::Request::Get { key, consistency } => Ok(Request::Get { key, consistency }),
            other @ (node::Request::Sql { .. }
            | node::Request::Increment { .. }
            | node::Request::Add { .. }
            | node::Request::Remove { .. }) => Err(format!(
                "leaderless nodes take reads and writes of keys, not \"{other}\""
            )),
        }
    }
}
