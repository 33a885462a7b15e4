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

/// Milliseconds as the whole number the settings take.
pub(crate) fn whole_ms(ms: f64) -> u64 {
    let rounded = libm::round(ms);
    if rounded.is_finite() && rounded > 0.0 {
        rounded as u64
    } else {
        0
    }
}
