//! The multi-leader node's one timer. Its number is the id traces have
//! always recorded, so recorded runs keep their hashes.

use crate::node;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timer {
    /// Re-send the changes a peer datacenter has not acknowledged.
    Retry,
}

impl node::Timer for Timer {
    fn id(self) -> u32 {
        1
    }
    fn from_id(id: u32) -> Option<Timer> {
        (id == 1).then_some(Timer::Retry)
    }
}
