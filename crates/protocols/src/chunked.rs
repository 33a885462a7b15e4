//! A list that is cheap to clone: items live in shared chunks of 256, so
//! a clone copies one pointer per chunk and a push after a clone copies
//! at most the last chunk. The simulator clones the whole world into
//! every checkpoint; a node that keeps a growing list (its findings, a
//! leader's replication log) would otherwise be copied in full each time,
//! and a long run's checkpoints would grow with the square of its length.
//!
//! Every chunk but the last is full, so indexing is one division. Items
//! are appended, read and cut off at the end, never changed in place.

use alloc::rc::Rc;
use alloc::vec::Vec;

const CHUNK: usize = 256;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunked<T> {
    chunks: Vec<Rc<Vec<T>>>,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked { chunks: Vec::new() }
    }
}

impl<T: Clone> Chunked<T> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, item: T) {
        match self.chunks.last_mut() {
            Some(last) if last.len() < CHUNK => Rc::make_mut(last).push(item),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK);
                chunk.push(item);
                self.chunks.push(Rc::new(chunk));
            }
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.chunks.iter().flat_map(|c| c.iter())
    }

    pub fn len(&self) -> usize {
        match self.chunks.last() {
            Some(last) => (self.chunks.len() - 1) * CHUNK + last.len(),
            None => 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.chunks.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<&T> {
        self.chunks.get(i / CHUNK)?.get(i % CHUNK)
    }

    pub fn last(&self) -> Option<&T> {
        self.chunks.last()?.last()
    }

    /// The items from index `start` on (none if `start` is past the end).
    pub fn iter_from(&self, start: usize) -> impl Iterator<Item = &T> {
        self.chunks
            .get(start / CHUNK..)
            .unwrap_or_default()
            .iter()
            .flat_map(|c| c.iter())
            .skip(start % CHUNK)
    }

    /// Keeps the first `at` items and returns the rest, in order.
    pub fn split_off(&mut self, at: usize) -> Vec<T> {
        if at >= self.len() {
            return Vec::new();
        }
        let keep_chunks = at.div_ceil(CHUNK);
        let mut rest: Vec<T> = Vec::new();
        if at % CHUNK != 0 {
            let partial = Rc::make_mut(&mut self.chunks[keep_chunks - 1]);
            rest.extend(partial.drain(at % CHUNK..));
        }
        for chunk in self.chunks.drain(keep_chunks..) {
            rest.extend(chunk.iter().cloned());
        }
        rest
    }

    pub fn clear(&mut self) {
        self.chunks.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_chunks_and_diverge_on_push() {
        let mut a = Chunked::new();
        for i in 0..600 {
            a.push(i);
        }
        let mut b = a.clone();
        b.push(600);
        a.push(-1);
        assert_eq!(a.len(), 601);
        assert_eq!(b.iter().copied().last(), Some(600));
        assert_eq!(a.iter().copied().last(), Some(-1));
        assert!(a.iter().copied().take(600).eq(0..600));
        // The full chunks are shared, not copied.
        assert!(Rc::ptr_eq(&a.chunks[0], &b.chunks[0]));
    }

    /// Every operation against a plain `Vec` doing the same, over lengths
    /// on and around chunk boundaries, with a clone taken before each cut
    /// that must not see it.
    #[test]
    fn behaves_like_a_vec() {
        for len in [0, 1, 255, 256, 257, 511, 512, 513, 700] {
            for at in [0, 1, 255, 256, 257, 300, 512, 699, 700, 800] {
                let mut c = Chunked::new();
                let mut v = Vec::new();
                for i in 0..len {
                    c.push(i);
                    v.push(i);
                }
                let before = c.clone();
                assert_eq!(c.len(), v.len());
                assert_eq!(c.get(at), v.get(at), "get({at}) of {len}");
                assert_eq!(c.last(), v.last());
                assert!(c.iter_from(at).eq(v.get(at..).unwrap_or_default().iter()));
                let rest = c.split_off(at);
                let expected = if at < v.len() {
                    v.split_off(at)
                } else {
                    Vec::new()
                };
                assert_eq!(rest, expected, "split_off({at}) of {len}");
                assert_eq!(c.len(), v.len(), "len after split_off({at}) of {len}");
                assert!(c.iter().eq(v.iter()));
                assert_eq!(c.is_empty(), v.is_empty());
                assert_eq!(before.len(), len, "the clone kept its items");
                assert!(before.iter().copied().eq(0..len));
                // Pushing after a cut keeps every chunk but the last full.
                c.push(9999);
                v.push(9999);
                assert_eq!(c.get(v.len() - 1), Some(&9999));
                assert!(c.iter().eq(v.iter()));
            }
        }
    }
}
