//! A Raft server's timers.

use crate::node;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timer {
    /// A follower or candidate heard from no leader for a random time:
    /// it campaigns (pre-vote first, when on).
    Election,
    /// The leader's heartbeat is due.
    Heartbeat,
    /// The server a client contacted has waited long enough for the
    /// leader's answer: it asks again, with the same request id.
    Retry,
}

const ALL: [Timer; 3] = [Timer::Election, Timer::Heartbeat, Timer::Retry];

impl node::Timer for Timer {
    fn id(self) -> u32 {
        match self {
            Timer::Election => 1,
            Timer::Heartbeat => 2,
            Timer::Retry => 3,
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
        assert_eq!(Timer::from_id(4), None);
    }
}
