//! Chain replication: the chain drawn as a line, head to tail.

pub mod chain_line;
