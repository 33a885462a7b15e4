//! Lowe's memoisation: the linearized set with its Zobrist fingerprint,
//! and the table of every (set, state) pair already reached.

use alloc::vec;
use alloc::vec::Vec;

use hashbrown::HashTable;

/// Which operations are linearized, one bit each.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Bits(Vec<u64>);

impl Bits {
    pub(super) fn new(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }
    pub(super) fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn clear(&mut self, i: usize) {
        self.0[i / 64] &= !(1 << (i % 64));
    }
    pub(super) fn get(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }
}

/// The linearized set with its fingerprint kept up to date: two 64-bit
/// Zobrist hashes (the XOR of a fixed pseudo-random word per member) and
/// the member count. Setting or clearing a bit updates them in O(1), so
/// remembering a set costs three words instead of one bit per operation
/// of the history — 1.25 GB for a 100 000-operation history that needs
/// 100 000 steps. Two different sets share a fingerprint with probability
/// 2^-128 (their symmetric difference XORs to zero in both hashes).
pub(super) struct Linearized {
    bits: Bits,
    a: u64,
    b: u64,
    count: u32,
}

/// SplitMix64's output function: a well-mixed word per operation index.
fn zobrist(i: usize, salt: u64) -> u64 {
    let mut z = (i as u64 ^ salt).wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

const SALT_A: u64 = 0x243f_6a88_85a3_08d3;
const SALT_B: u64 = 0x1319_8a2e_0370_7344;

impl Linearized {
    pub(super) fn new(n: usize) -> Linearized {
        Linearized {
            bits: Bits::new(n),
            a: 0,
            b: 0,
            count: 0,
        }
    }
    fn toggle(&mut self, i: usize) {
        self.a ^= zobrist(i, SALT_A);
        self.b ^= zobrist(i, SALT_B);
    }
    pub(super) fn set(&mut self, i: usize) {
        self.bits.set(i);
        self.toggle(i);
        self.count += 1;
    }
    pub(super) fn clear(&mut self, i: usize) {
        self.bits.clear(i);
        self.toggle(i);
        self.count -= 1;
    }
    pub(super) fn get(&self, i: usize) -> bool {
        self.bits.get(i)
    }
}

/// Every (set of linearized operations, state) pair the search reached
/// (Lowe's memoisation: the same pair leads to the same dead end), as the
/// set's fingerprint and the state's number (see [`Linearized`]). The
/// pairs sit in the table itself: a lookup touches one slot, not a slot
/// and then a list elsewhere, and growing the table rehashes without a
/// second memory access per pair. Tests also keep every set in full and
/// check that equal fingerprints only ever come from equal sets.
pub(super) struct Memo {
    table: HashTable<Pair>,
    #[cfg(test)]
    exact: alloc::collections::BTreeMap<Pair, Bits>,
}

/// One remembered (set, state) pair in 16 bytes: the set's first hash,
/// and its second with the state and the set's size folded in. The
/// folding multiplies by an odd number, which is one-to-one, so equal
/// sets give equal pairs only with equal states and sizes; unequal sets
/// still collide with probability 2^-128.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Pair {
    a: u64,
    b: u64,
}

impl Pair {
    fn new(linearized: &Linearized, state: u32) -> Pair {
        let rest = u64::from(linearized.count) << 32 | u64::from(state);
        Pair {
            a: linearized.a,
            b: linearized.b ^ rest.wrapping_mul(0x9e37_79b9_7f4a_7c15),
        }
    }

    /// Both words are XORs of well-mixed words, but XOR is linear: sets
    /// that differ by the same operations differ by the same bits, and
    /// hashbrown takes a slot from the low bits and a tag from the top
    /// seven, so `a ^ b` alone crowded slots (etcd_002 took ~40% longer).
    /// A 128-bit multiply folded in half spreads every bit over both ends.
    fn hash(&self) -> u64 {
        let p = u128::from(self.a ^ self.b) * 0x9e37_79b9_7f4a_7c15;
        (p >> 64) as u64 ^ p as u64
    }
}

impl Memo {
    pub(super) fn new() -> Memo {
        Memo {
            table: HashTable::new(),
            #[cfg(test)]
            exact: alloc::collections::BTreeMap::new(),
        }
    }

    pub(super) fn clear(&mut self) {
        self.table.clear();
        #[cfg(test)]
        self.exact.clear();
    }

    /// Records the pair; false when it was already there.
    pub(super) fn insert(&mut self, linearized: &Linearized, state: u32) -> bool {
        let pair = Pair::new(linearized, state);
        #[cfg(test)]
        {
            let set = self
                .exact
                .entry(pair)
                .or_insert_with(|| linearized.bits.clone());
            assert_eq!(
                *set, linearized.bits,
                "two different sets with one fingerprint"
            );
        }
        match self.table.entry(pair.hash(), |p| *p == pair, Pair::hash) {
            hashbrown::hash_table::Entry::Occupied(_) => false,
            hashbrown::hash_table::Entry::Vacant(slot) => {
                slot.insert(pair);
                true
            }
        }
    }
}
