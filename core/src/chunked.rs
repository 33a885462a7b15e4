//! An append-only list that is cheap to clone: items live in shared
//! chunks of 256, so a clone copies one pointer per chunk and a push
//! after a clone copies at most the last chunk. The simulator clones the
//! whole world into every checkpoint; a node that keeps a growing list
//! (its findings, say) would otherwise be copied in full each time.

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
        self.chunks.iter().map(|c| c.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.chunks.is_empty()
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
}
