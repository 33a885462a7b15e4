//! The leaderless views: the hash ring with a key's preference list,
//! the Merkle trees of anti-entropy, the request form's consistency
//! levels and write contexts.

pub mod merkle_view;
pub mod request_form;
pub mod ring;
