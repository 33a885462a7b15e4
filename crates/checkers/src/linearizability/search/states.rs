//! The model states the search has met, numbered, with the steps
//! already taken from them, and the fast hash their table uses.

use alloc::vec::Vec;
use core::hash::{Hash, Hasher};

use hashbrown::HashTable;

use super::Op;
use crate::linearizability::model::Model;

/// A fast multiply-rotate hash for the table of states. Only membership is
/// asked of it, never an order, so results do not depend on it.
#[derive(Default)]
struct Mix(u64);

impl Hasher for Mix {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    /// MurmurHash3's finalizer: a multiply alone leaves the low bits —
    /// the ones a table indexes by — depending on the low bits of the
    /// input only.
    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

pub(super) fn hash_of(value: &impl Hash) -> u64 {
    let mut h = Mix::default();
    value.hash(&mut h);
    h.finish()
}

/// Every model state the search has met, numbered, and the steps already
/// taken from the first of them: a state is compared and hashed as a
/// number, and the model runs once per (state, operation) from a state
/// the search keeps coming back to.
///
/// The steps sit in a plain table, a row of operations per state: a
/// register has a handful of states that every step of the search starts
/// from, and indexing a row is cheaper than probing a hash table. States
/// numbered past the table's size are stepped afresh each time: a
/// key-value map makes a new state with most appends and is asked few
/// steps from each twice (about one in ten on Porcupine's key-value
/// histories), so remembering them cost more than the model's step.
pub(super) struct States<S> {
    list: Vec<S>,
    index: HashTable<u32>,
    /// Operations in the history: the length of a row.
    ops: usize,
    /// How many states get a row.
    rows: usize,
    /// Row after row: (state, operation) → the state after it,
    /// [`REFUSED`] or [`UNKNOWN`].
    table: Vec<u32>,
}

const REFUSED: u32 = u32::MAX;
/// Not tried yet.
const UNKNOWN: u32 = u32::MAX - 1;
/// At most this many entries of rows (256 KiB).
const ROWS_SIZE: usize = 1 << 16;

impl<S: Clone + Eq + Hash> States<S> {
    pub(super) fn new(init: S, ops: usize) -> States<S> {
        let mut states = States {
            list: Vec::new(),
            index: HashTable::new(),
            ops,
            rows: ROWS_SIZE / ops.max(1),
            table: Vec::new(),
        };
        states.intern(init);
        states
    }

    /// Emptied, for a history of `ops` operations, keeping the memory.
    pub(super) fn renew(mut self, init: S, ops: usize) -> States<S> {
        self.list.clear();
        self.index.clear();
        self.table.clear();
        self.ops = ops;
        self.rows = ROWS_SIZE / ops.max(1);
        self.intern(init);
        self
    }

    fn intern(&mut self, s: S) -> u32 {
        let hash = hash_of(&s);
        let list = &mut self.list;
        if let Some(&id) = self.index.find(hash, |&id| list[id as usize] == s) {
            return id;
        }
        let id = list.len() as u32;
        list.push(s);
        self.index
            .insert_unique(hash, id, |&id| hash_of(&list[id as usize]));
        if (id as usize) < self.rows {
            self.table.resize(self.table.len() + self.ops, UNKNOWN);
        }
        id
    }

    pub(super) fn step<M: Model<State = S>>(
        &mut self,
        model: &M,
        state: u32,
        i: usize,
        op: &Op<M>,
    ) -> Option<u32> {
        let at = ((state as usize) < self.rows).then(|| state as usize * self.ops + i);
        if let Some(at) = at {
            match self.table[at] {
                UNKNOWN => {}
                REFUSED => return None,
                next => return Some(next),
            }
        }
        let now = &self.list[state as usize];
        let next = if model.read_only(&op.input, op.output.as_ref()) {
            // Nothing to copy or look up: it stays in this state, if any.
            model
                .accepts(now, &op.input, op.output.as_ref())
                .then_some(state)
        } else {
            model
                .step(now, &op.input, op.output.as_ref())
                .map(|s| self.intern(s))
        };
        if let Some(at) = at {
            self.table[at] = next.unwrap_or(REFUSED);
        }
        next
    }
}
