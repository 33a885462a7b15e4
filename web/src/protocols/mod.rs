//! Each protocol's own pictures and panels, one folder per protocol like
//! its core folder: the single-leader log-format comparison, the
//! leaderless hash ring, Merkle trees and request form, the multi-leader
//! review list, Raft's consensus panel, the chain drawn as a line. The shared views decide whether to show them from the
//! core's typed answers (`Spec::features`, `Spec::placement`), never
//! from a protocol's name or display text.

pub mod chain;
pub mod leaderless;
pub mod multi_leader;
pub mod raft;
pub mod single_leader;

// What the shared views place, by what it shows rather than by protocol.
pub use chain::chain_line::ChainLine;
pub use leaderless::merkle_view::MerkleView;
pub use leaderless::request_form as versioned_requests;
pub use leaderless::ring::{hash_ring, hint_badge, hint_badge_box};
pub use multi_leader::review_list::ReviewList;
pub use raft::consensus_view::ConsensusView;
pub use single_leader::log_formats::LogFormats;
