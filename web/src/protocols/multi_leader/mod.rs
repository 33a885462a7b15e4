//! The multi-leader views: keys flagged for a person to resolve.

pub mod review_list;
