//! Durable and volatile state, separated by type: what a crash wipes.

/// The part of a node's state a crash wipes: memory, not disk. It keeps
/// the value it was built with, and [`Volatile::crash`] puts that back, so
/// a protocol that keeps every volatile field inside one `V` cannot forget
/// one when it crashes (a hand-written list of resets can). Reads and
/// writes go through `Deref`: `self.volatile.buffer`.
#[derive(Clone, Debug)]
pub struct Volatile<V> {
    now: V,
    fresh: V,
}

impl<V: Clone> Volatile<V> {
    /// Volatile state that starts as, and after every crash returns to,
    /// `fresh`.
    pub fn new(fresh: V) -> Self {
        Volatile {
            now: fresh.clone(),
            fresh,
        }
    }

    /// The node crashed: back to the state it was built with.
    pub fn crash(&mut self) {
        self.now = self.fresh.clone();
    }
}

impl<V> core::ops::Deref for Volatile<V> {
    type Target = V;
    fn deref(&self) -> &V {
        &self.now
    }
}

impl<V> core::ops::DerefMut for Volatile<V> {
    fn deref_mut(&mut self) -> &mut V {
        &mut self.now
    }
}
