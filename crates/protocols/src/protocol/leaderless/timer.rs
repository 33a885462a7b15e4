//! The leaderless node's timers. A coordinator runs two timers per client
//! request, so a request's number is part of the timer: request `req`'s
//! timers are `req << 2 | kind`, the node-wide ones are request 0. These
//! are the ids traces have always recorded, so recorded runs keep their
//! hashes.

use crate::node;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timer {
    /// A replica of request `req` has not answered in time: try a
    /// fallback node (sloppy quorum) or give up on it.
    ReplicaTimeout(u32),
    /// Request `req` did not reach its quorum in time.
    RequestTimeout(u32),
    /// Try to hand held hints back to their home replicas.
    Hint,
    /// Start the next anti-entropy exchange.
    AntiEntropy,
}

impl node::Timer for Timer {
    fn id(self) -> u32 {
        match self {
            Timer::ReplicaTimeout(req) => req << 2,
            Timer::RequestTimeout(req) => req << 2 | 1,
            Timer::Hint => 2,
            Timer::AntiEntropy => 3,
        }
    }
    fn from_id(id: u32) -> Option<Timer> {
        match (id >> 2, id & 3) {
            (req, 0) => Some(Timer::ReplicaTimeout(req)),
            (req, 1) => Some(Timer::RequestTimeout(req)),
            (0, 2) => Some(Timer::Hint),
            (0, 3) => Some(Timer::AntiEntropy),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::Timer as _;

    #[test]
    fn every_timer_reads_back_from_its_id() {
        for t in [
            Timer::ReplicaTimeout(0),
            Timer::ReplicaTimeout(41),
            Timer::RequestTimeout(1),
            Timer::RequestTimeout(u32::MAX >> 2),
            Timer::Hint,
            Timer::AntiEntropy,
        ] {
            assert_eq!(Timer::from_id(t.id()), Some(t));
        }
        assert_eq!(Timer::from_id(6), None, "request 1 has no hint timer");
    }
}
