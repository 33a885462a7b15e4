//! "In a real database": a block of a real system's configuration that
//! does what a simulated setup does. Each protocol's folder writes its own
//! (`settings.rs`); this is the shape they share.

use alloc::string::String;
use serde::Serialize;

/// One database's configuration lines.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Settings {
    /// "MySQL", "PostgreSQL", "Cassandra", "Riak KV".
    pub system: &'static str,
    /// The lines, newline-separated, comments in the system's own syntax.
    pub lines: String,
}
