//! The append-only, chunked storage every trace list uses, which a
//! windowed long run may cut at the front.

use alloc::vec::Vec;

/// Entries per chunk: storage grows a chunk at a time, so a long run never
/// copies its whole trace to double a vector (which in wasm would leave the
/// old copy's memory behind for good).
const CHUNK: usize = 4096;

/// An append-only vector stored in fixed-size chunks.
///
/// A windowed long run (see [`crate::long_run`]) may forget a prefix with
/// [`Chunked::forget_before`]: indices stay those of the whole sequence,
/// `len` still counts every entry ever pushed, and entries before
/// [`Chunked::first`] are simply no longer there. A recorded run never
/// forgets anything (`first` is 0).
#[derive(Clone, Debug)]
pub struct Chunked<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
    /// Index of `chunks[0][0]` (a multiple of `CHUNK`).
    origin: usize,
    /// Index of the first entry still held (`origin <= first <= len`).
    first: usize,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked::new()
    }
}

impl<T> Chunked<T> {
    pub fn new() -> Self {
        Chunked {
            chunks: Vec::new(),
            len: 0,
            origin: 0,
            first: 0,
        }
    }
    /// Entries ever pushed (forgotten ones included).
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// Index of the first entry still held: 0 unless a prefix was forgotten.
    pub fn first(&self) -> usize {
        self.first
    }
    /// Entries still held.
    pub fn retained(&self) -> usize {
        self.len - self.first
    }
    /// Inlined: the simulator pushes a step and a message per event.
    #[inline]
    pub fn push(&mut self, item: T) {
        if self.len % CHUNK == 0 {
            self.add_chunk();
        }
        if let Some(last) = self.chunks.last_mut() {
            last.push(item);
        }
        self.len += 1;
    }
    #[cold]
    fn add_chunk(&mut self) {
        self.chunks.push(Vec::with_capacity(CHUNK));
    }
    pub fn get(&self, i: usize) -> Option<&T> {
        if i < self.first {
            return None;
        }
        let i = i - self.origin;
        self.chunks.get(i / CHUNK)?.get(i % CHUNK)
    }
    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        if i < self.first {
            return None;
        }
        let i = i - self.origin;
        self.chunks.get_mut(i / CHUNK)?.get_mut(i % CHUNK)
    }
    /// The entries still held, in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + '_ {
        let skip = self.first - self.origin;
        self.chunks.iter().enumerate().flat_map(move |(k, c)| {
            let from = if k == 0 { skip.min(c.len()) } else { 0 };
            c[from..].iter()
        })
    }
    /// Keeps the first `len` entries (never fewer than were forgotten).
    pub fn truncate(&mut self, len: usize) {
        let len = len.max(self.first);
        if len >= self.len {
            return;
        }
        let keep_chunks = (len - self.origin).div_ceil(CHUNK);
        self.chunks.truncate(keep_chunks);
        if let Some(last) = self.chunks.last_mut() {
            let in_last = len - self.origin - (keep_chunks - 1) * CHUNK;
            last.truncate(in_last);
        }
        self.len = len;
    }
    /// Forgets every entry before index `index` (a windowed run's
    /// compaction); whole chunks are freed as they empty.
    pub fn forget_before(&mut self, index: usize) {
        self.first = self.first.max(index.min(self.len));
        let whole = (self.first - self.origin) / CHUNK;
        if whole > 0 {
            self.chunks.drain(..whole);
            self.origin += whole * CHUNK;
        }
    }
    /// Bytes held, counting reserved capacity.
    pub fn heap_bytes(&self) -> usize {
        self.chunks
            .iter()
            .map(|c| c.capacity() * core::mem::size_of::<T>())
            .sum::<usize>()
            + self.chunks.capacity() * core::mem::size_of::<Vec<T>>()
    }
    /// Index of the first entry for which `pred` is false, assuming `pred`
    /// is true for a prefix (binary search).
    pub fn partition_point(&self, mut pred: impl FnMut(&T) -> bool) -> usize {
        let (mut lo, mut hi) = (self.first, self.len);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.get(mid) {
                Some(item) if pred(item) => lo = mid + 1,
                _ => hi = mid,
            }
        }
        lo
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_push_get_truncate_across_chunk_edges() {
        let mut c = Chunked::new();
        for i in 0..(CHUNK * 2 + 5) {
            c.push(i);
        }
        assert_eq!(c.len(), CHUNK * 2 + 5);
        assert_eq!(c.get(CHUNK), Some(&CHUNK));
        assert_eq!(c.iter().count(), CHUNK * 2 + 5);
        c.truncate(CHUNK);
        assert_eq!(c.len(), CHUNK);
        assert_eq!(c.get(CHUNK), None);
        c.push(7);
        assert_eq!(c.get(CHUNK), Some(&7));
        c.truncate(0);
        assert!(c.is_empty());
        c.push(1);
        assert_eq!(c.get(0), Some(&1));
    }

    #[test]
    fn chunked_forgets_a_prefix_but_keeps_indices() {
        let mut c = Chunked::new();
        for i in 0..(CHUNK * 3 + 5) {
            c.push(i);
        }
        c.forget_before(CHUNK + 3);
        assert_eq!(
            (c.len(), c.first(), c.retained()),
            (CHUNK * 3 + 5, CHUNK + 3, CHUNK * 2 + 2)
        );
        assert_eq!(c.chunks.len(), 3, "the first chunk is freed");
        assert_eq!(c.get(CHUNK + 2), None);
        assert_eq!(c.get(CHUNK + 3), Some(&(CHUNK + 3)));
        assert_eq!(c.get_mut(CHUNK * 3 + 4), Some(&mut (CHUNK * 3 + 4)));
        assert!(c.iter().copied().eq(CHUNK + 3..CHUNK * 3 + 5));
        assert_eq!(c.iter().next_back(), Some(&(CHUNK * 3 + 4)));
        assert_eq!(c.partition_point(|&i| i < 7), CHUNK + 3);
        assert_eq!(c.partition_point(|&i| i < CHUNK * 2), CHUNK * 2);
        // Never backwards; pushing goes on at the same indices.
        c.forget_before(5);
        assert_eq!(c.first(), CHUNK + 3);
        c.push(usize::MAX);
        assert_eq!(c.get(CHUNK * 3 + 5), Some(&usize::MAX));
        c.truncate(0);
        assert_eq!((c.len(), c.retained()), (CHUNK + 3, 0));
        c.forget_before(usize::MAX);
        assert_eq!(c.first(), c.len());
        assert_eq!(c.iter().count(), 0);
    }
}
