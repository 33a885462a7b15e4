//! The single-leader node's timers. Their numbers are the ids traces
//! have always recorded, so recorded runs keep their hashes.

use crate::node;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timer {
    /// A follower flushes what it has received.
    Flush,
    /// The oldest write waiting for a semi-sync acknowledgement has waited
    /// as long as it may.
    SemiSync,
    /// The leader sends the next chunk of a snapshot.
    Copy,
    /// The leader's heartbeat is due.
    Heartbeat,
    /// A follower has heard nothing from its leader for too long.
    Election,
    /// A joining follower has made no progress for a while.
    Join,
}

const ALL: [Timer; 6] = [
    Timer::Flush,
    Timer::SemiSync,
    Timer::Copy,
    Timer::Heartbeat,
    Timer::Election,
    Timer::Join,
];

impl node::Timer for Timer {
    fn id(self) -> u32 {
        match self {
            Timer::Flush => 1,
            Timer::SemiSync => 2,
            Timer::Copy => 3,
            Timer::Heartbeat => 4,
            Timer::Election => 5,
            Timer::Join => 6,
        }
    }
    fn from_id(id: u32) -> Option<Timer> {
        ALL.into_iter().find(|t| node::Timer::id(*t) == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::Timer as _;

    #[test]
    fn every_timer_reads_back_from_its_id() {
        for t in ALL {
            assert_eq!(Timer::from_id(t.id()), Some(t));
        }
        assert_eq!(Timer::from_id(0), None);
        assert_eq!(Timer::from_id(7), None);
    }
}
