//! The chain's timers: a chain node's heartbeat to the master, the
//! master's failure check, and a node's retry tick (client requests it
//! forwarded, writes its successor has not confirmed, a copy or a join it
//! asked for and has not received).

use crate::node;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timer {
    /// A chain node tells the master it is alive and renews its lease.
    Renew,
    /// The master looks for chain nodes it has not heard from.
    Check,
    /// Something this node sent may have been lost: send it again.
    Retry,
}

const ALL: [Timer; 3] = [Timer::Renew, Timer::Check, Timer::Retry];

impl node::Timer for Timer {
    fn id(self) -> u32 {
        match self {
            Timer::Renew => 1,
            Timer::Check => 2,
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
