//! The single-leader views: what one SQL statement costs in each
//! replication log format.

pub mod log_formats;
