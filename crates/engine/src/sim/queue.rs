//! The event queue: a radix heap over event times. Events come out in
//! time order and, at equal times, in the order they were pushed
//! (first-in, first-out), which keeps runs deterministic.
//!
//! A radix heap needs what a simulation guarantees anyway: nothing is
//! scheduled before the last event taken out. Relative to that time,
//! `last`, an event waits in the bucket of the highest bit in which its
//! time differs from `last`. Taking out the next event empties the lowest
//! non-empty bucket into lower ones (its earliest time becomes `last`), so
//! each event moves a few times over its life instead of being sifted
//! through a heap at every push and pop. Every bucket keeps push order
//! (pushes append; a bucket is only emptied into buckets that are empty),
//! which gives first-in, first-out at equal times for free.

use alloc::collections::VecDeque;
use alloc::vec::Vec;

use crate::time::Instant;

/// Buckets `1..=64` by the highest differing bit, stored at `b - 1`.
const BUCKETS: usize = 64;

#[derive(Clone, Debug)]
pub struct EventQueue<E> {
    /// Time of the event last taken out: nothing queued is earlier.
    last: u64,
    /// The events at `last`, in push order.
    current: VecDeque<E>,
    /// `buckets[b]`: events whose time first differs from `last` in bit
    /// `b` (from the least significant), with their times, in push order.
    buckets: Vec<Vec<(u64, E)>>,
    /// Earliest time in each bucket (stale for an empty one).
    earliest: [u64; BUCKETS],
    /// Bit `b` set when `buckets[b]` is not empty.
    occupied: u64,
    /// Flat mode (the explorer's): every event in `buckets[0]` with its
    /// time, nothing ordered. The explorer takes events out by choice,
    /// never by time, and copies its queue with every state it keeps:
    /// one vector instead of sixty-four.
    flat: bool,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            last: 0,
            current: VecDeque::new(),
            buckets: (0..BUCKETS).map(|_| Vec::new()).collect(),
            earliest: [0; BUCKETS],
            occupied: 0,
            flat: false,
        }
    }
}

impl<E> EventQueue<E> {
    /// A queue for the explorer (see `flat`): `pop` and `peek_time`
    /// still work, by a linear scan.
    pub fn flat() -> Self {
        EventQueue {
            last: 0,
            current: VecDeque::new(),
            buckets: alloc::vec![Vec::new()],
            earliest: [0; BUCKETS],
            occupied: 0,
            flat: true,
        }
    }

    /// Queues `event` at `at`, which must not be before the last event
    /// taken out (the simulator only schedules into the future).
    #[inline]
    pub fn push(&mut self, at: Instant, event: E) {
        debug_assert!(at.0 >= self.last, "event scheduled in the past");
        self.place(at.0, event);
    }

    #[inline]
    fn place(&mut self, at: u64, event: E) {
        if self.flat {
            self.buckets[0].push((at, event));
            return;
        }
        let diff = at ^ self.last;
        if diff == 0 {
            self.current.push_back(event);
            return;
        }
        let b = (u64::BITS - 1 - diff.leading_zeros()) as usize;
        let bit = 1u64 << b;
        if self.occupied & bit == 0 || at < self.earliest[b] {
            self.earliest[b] = at;
        }
        self.occupied |= bit;
        self.buckets[b].push((at, event));
    }

    /// Events queued.
    pub fn len(&self) -> usize {
        self.current.len() + self.buckets.iter().map(Vec::len).sum::<usize>()
    }

    /// Time of the earliest event.
    #[inline]
    pub fn peek_time(&self) -> Option<Instant> {
        if self.flat {
            return self.buckets[0].iter().map(|(at, _)| Instant(*at)).min();
        }
        if !self.current.is_empty() {
            return Some(Instant(self.last));
        }
        if self.occupied == 0 {
            return None;
        }
        Some(Instant(
            self.earliest[self.occupied.trailing_zeros() as usize],
        ))
    }

    #[inline]
    pub fn pop(&mut self) -> Option<(Instant, E)> {
        if self.flat {
            let first = self.peek_time()?;
            return self.take_timed(|at, _| at == first);
        }
        if self.current.is_empty() {
            if self.occupied == 0 {
                return None;
            }
            self.advance();
        }
        let event = self.current.pop_front()?;
        Some((Instant(self.last), event))
    }

    /// Moves `last` to the earliest queued time and spreads the lowest
    /// bucket, which holds it, over the buckets below (all empty).
    fn advance(&mut self) {
        let b = self.occupied.trailing_zeros() as usize;
        self.last = self.earliest[b];
        self.occupied &= !(1u64 << b);
        let mut events = core::mem::take(&mut self.buckets[b]);
        for (at, event) in events.drain(..) {
            self.place(at, event);
        }
        // Keep the emptied bucket's allocation for its next events.
        self.buckets[b] = events;
    }

    /// Every queued event with its time, in no particular order.
    pub fn iter_timed(&self) -> impl Iterator<Item = (Instant, &E)> + '_ {
        let last = Instant(self.last);
        self.current.iter().map(move |e| (last, e)).chain(
            self.buckets
                .iter()
                .flatten()
                .map(|(at, e)| (Instant(*at), e)),
        )
    }

    /// Takes out the first event (in queue order) that `pick` accepts,
    /// whatever its time: the explorer chooses what happens next itself.
    pub fn take(&mut self, mut pick: impl FnMut(&E) -> bool) -> Option<(Instant, E)> {
        self.take_timed(|_, e| pick(e))
    }

    fn take_timed(&mut self, mut pick: impl FnMut(Instant, &E) -> bool) -> Option<(Instant, E)> {
        let last = Instant(self.last);
        if let Some(i) = self.current.iter().position(|e| pick(last, e)) {
            return self.current.remove(i).map(|e| (last, e));
        }
        for b in 0..self.buckets.len() {
            if let Some(i) = self.buckets[b]
                .iter()
                .position(|(at, e)| pick(Instant(*at), e))
            {
                let (at, e) = self.buckets[b].remove(i);
                self.refresh(b);
                return Some((Instant(at), e));
            }
        }
        None
    }

    /// Keeps only the events `keep` accepts.
    pub fn retain(&mut self, mut keep: impl FnMut(&E) -> bool) {
        self.current.retain(&mut keep);
        for b in 0..self.buckets.len() {
            if self.flat || self.occupied & (1u64 << b) != 0 {
                self.buckets[b].retain(|(_, e)| keep(e));
                self.refresh(b);
            }
        }
    }

    /// Recomputes a bucket's occupied bit and earliest time after removals.
    fn refresh(&mut self, b: usize) {
        if self.flat {
            return;
        }
        match self.buckets[b].iter().map(|(at, _)| *at).min() {
            Some(at) => self.earliest[b] = at,
            None => self.occupied &= !(1u64 << b),
        }
    }

    /// Every queued event, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &E> + '_ {
        self.current
            .iter()
            .chain(self.buckets.iter().flatten().map(|(_, e)| e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SimRng;

    #[test]
    fn pops_in_time_then_push_order() {
        let mut q = EventQueue::default();
        let mut rng = SimRng::stream(5, "queue");
        let mut expected = Vec::new();
        let mut now = 0;
        for seq in 0..4000u64 {
            // Mostly near the present, sometimes far off, sometimes now.
            let at = now
                + match rng.between(0, 9) {
                    0 => 0,
                    1 => rng.between(0, 1 << 40),
                    _ => rng.between(0, 50),
                };
            q.push(Instant(at), seq);
            expected.push((Instant(at), seq));
            // Interleave some pops (never scheduling before them after).
            if seq % 3 == 0 {
                expected.sort();
                let (t, e) = q.pop().unwrap();
                assert_eq!((t, e), expected.remove(0));
                assert_eq!(q.peek_time(), expected.first().map(|x| x.0));
                now = t.0;
            }
        }
        assert_eq!(q.iter().count(), expected.len());
        expected.sort();
        for want in expected {
            assert_eq!(q.peek_time(), Some(want.0));
            assert_eq!(q.pop(), Some(want));
        }
        assert!(q.pop().is_none());
        assert!(q.peek_time().is_none());
    }

    #[test]
    fn a_flat_queue_pops_in_time_then_push_order_too() {
        let mut q = EventQueue::flat();
        for (at, e) in [(5, 'a'), (1, 'b'), (9, 'c'), (1, 'd')] {
            q.push(Instant(at), e);
        }
        assert_eq!(q.len(), 4);
        assert_eq!(q.peek_time(), Some(Instant(1)));
        let order: Vec<char> = core::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, ['b', 'd', 'a', 'c']);
    }

    #[test]
    fn taking_out_of_order_keeps_the_rest_in_time_order() {
        let mut q = EventQueue::default();
        for (at, e) in [(5, 'a'), (1, 'b'), (9, 'c'), (1, 'd'), (300, 'e')] {
            q.push(Instant(at), e);
        }
        assert_eq!(q.take(|e| *e == 'c'), Some((Instant(9), 'c')));
        assert_eq!(q.take(|e| *e == 'z'), None);
        q.retain(|e| *e != 'b');
        let mut timed: Vec<_> = q.iter_timed().map(|(t, e)| (t.0, *e)).collect();
        timed.sort();
        assert_eq!(timed, [(1, 'd'), (5, 'a'), (300, 'e')]);
        assert_eq!(q.pop(), Some((Instant(1), 'd')));
        assert_eq!(q.pop(), Some((Instant(5), 'a')));
        assert_eq!(q.take(|e| *e == 'e'), Some((Instant(300), 'e')));
        assert!(q.peek_time().is_none());
    }
}
