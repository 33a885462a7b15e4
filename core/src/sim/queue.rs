//! The event queue: a 4-ary min-heap ordered by `(time, sequence)`. Heap
//! entries are small keys pointing into a slab of events, so sifting moves
//! 16 bytes however large a protocol's messages are, and four children per
//! node halve the heap's depth. The sequence number makes ties at the same
//! instant first-in, first-out, which keeps runs deterministic.

use alloc::vec::Vec;

use crate::time::Instant;

/// 16 bytes: four keys to a cache line.
#[derive(Clone, Copy, Debug)]
struct Key {
    at: u64,
    /// Push order, wrapping: compared by wrapping difference, which is right
    /// while events at the same instant were pushed fewer than 2³¹ pushes
    /// apart (the queue never holds that many).
    seq: u32,
    slot: u32,
}

impl Key {
    #[inline(always)]
    fn before(&self, other: &Key) -> bool {
        self.at < other.at || (self.at == other.at && (self.seq.wrapping_sub(other.seq) as i32) < 0)
    }
}

#[derive(Clone, Debug)]
pub struct EventQueue<E> {
    heap: Vec<Key>,
    slab: Vec<Option<E>>,
    free: Vec<u32>,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            heap: Vec::new(),
            slab: Vec::new(),
            free: Vec::new(),
        }
    }
}

impl<E> EventQueue<E> {
    pub fn push(&mut self, at: Instant, seq: u64, event: E) {
        let slot = match self.free.pop() {
            Some(s) => {
                self.slab[s as usize] = Some(event);
                s
            }
            None => {
                self.slab.push(Some(event));
                (self.slab.len() - 1) as u32
            }
        };
        let key = Key {
            at: at.0,
            seq: seq as u32,
            slot,
        };
        self.heap.push(key);
        self.sift_up(self.heap.len() - 1);
    }

    /// Time of the earliest event.
    pub fn peek_time(&self) -> Option<Instant> {
        self.heap.first().map(|k| Instant(k.at))
    }

    pub fn pop(&mut self) -> Option<(Instant, E)> {
        let top = *self.heap.first()?;
        let last = self.heap.pop()?;
        if !self.heap.is_empty() {
            self.heap[0] = last;
            self.sift_down(0);
        }
        self.free.push(top.slot);
        let event = self.slab[top.slot as usize].take()?;
        Some((Instant(top.at), event))
    }

    /// Every queued event, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &E> + '_ {
        self.slab.iter().filter_map(|e| e.as_ref())
    }

    fn sift_up(&mut self, mut i: usize) {
        let key = self.heap[i];
        while i > 0 {
            let parent = (i - 1) / 4;
            if !key.before(&self.heap[parent]) {
                break;
            }
            self.heap[i] = self.heap[parent];
            i = parent;
        }
        self.heap[i] = key;
    }

    /// Bottom-up: walk the hole at `i` down along the smallest children to
    /// a leaf, then sift the displaced key up from there. The key that
    /// replaced the root came from the bottom and almost always belongs
    /// near it, so this skips a comparison per level.
    fn sift_down(&mut self, mut i: usize) {
        let key = self.heap[i];
        let n = self.heap.len();
        loop {
            let first = 4 * i + 1;
            if first >= n {
                break;
            }
            let mut best = first;
            let end = (first + 4).min(n);
            for c in first + 1..end {
                if self.heap[c].before(&self.heap[best]) {
                    best = c;
                }
            }
            self.heap[i] = self.heap[best];
            i = best;
        }
        self.heap[i] = key;
        self.sift_up(i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SimRng;

    #[test]
    fn pops_in_time_then_sequence_order() {
        let mut q = EventQueue::default();
        let mut rng = SimRng::stream(5, "queue");
        let mut expected = Vec::new();
        for seq in 0..2000u64 {
            let at = Instant(rng.between(0, 50));
            q.push(at, seq, seq);
            expected.push((at, seq));
            // Interleave some pops to exercise the free list.
            if seq % 7 == 0 {
                expected.sort();
                let (t, e) = q.pop().unwrap();
                assert_eq!((t, e), expected.remove(0));
            }
        }
        expected.sort();
        for want in expected {
            assert_eq!(q.pop(), Some(want));
        }
        assert!(q.pop().is_none());
    }
}
