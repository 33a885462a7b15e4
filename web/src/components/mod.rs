//! One component per file.

pub mod quorum_calculator;
