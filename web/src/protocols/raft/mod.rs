//! Consensus (Raft): each server's state, term, vote and election timer,
//! and its log as a row of cells coloured by term with the commit index.

pub mod consensus_view;
