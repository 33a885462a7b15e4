//! The search for a linearization: Wing & Gong's algorithm with Lowe's
//! memoisation, the one behind Knossos and Porcupine.
//!
//! The history becomes a list of call and return events in time order
//! (a call before a return at the same instant: operations that touch are
//! concurrent). Walking the list, a call whose operation the model
//! accepts from the current state is linearized: its call and return are
//! taken out of the list, and the walk starts over from the head. Reaching
//! a return means that operation had to take effect before now and did
//! not — so the last choice is undone (its events go back in the list)
//! and the walk tries the next call. Lowe's refinement remembers every
//! (set of linearized operations, model state) pair already reached: the
//! same pair can only lead to the same dead end, so it is never explored
//! twice. The history is linearizable when the list empties; it is not
//! when the first choice is undone with nothing left to try.
//!
//! Work is bounded: the walk counts its steps and gives up at a budget,
//! saying how far it got.

use alloc::vec;
use alloc::vec::Vec;
use core::hash::{Hash, Hasher};

use hashbrown::HashTable;

use super::model::Model;

/// One operation of a history.
#[derive(Debug)]
pub struct Op<M: Model> {
    /// When the client invoked it.
    pub call: u64,
    /// When its answer arrived; `None`: it never completed (the client
    /// crashed or timed out, or the history ends first), so it may take
    /// effect at any time after its call, or never.
    pub ret: Option<u64>,
    pub input: M::Input,
    /// What the client saw; `None` when it saw nothing.
    pub output: Option<M::Output>,
}

impl<M: Model> Clone for Op<M> {
    fn clone(&self) -> Self {
        Op {
            call: self.call,
            ret: self.ret,
            input: self.input.clone(),
            output: self.output.clone(),
        }
    }
}

/// How far a search may go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Steps of the walk (each one tries or undoes one operation).
    pub steps: u64,
}

impl Default for Budget {
    fn default() -> Self {
        Budget { steps: 5_000_000 }
    }
}

/// Why a history is not linearizable, in the terms a person needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    /// The longest prefix the search could linearize, as operation indices
    /// in one order that works.
    pub prefix: Vec<usize>,
    /// The operations that could come next after that prefix — every
    /// operation invoked before the earliest answer still missing — none
    /// of which fits (or leads anywhere). The first is the one whose
    /// answer came first.
    pub stuck: Vec<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// One order that explains every answer.
    Linearizable {
        order: Vec<usize>,
    },
    NotLinearizable(Explanation),
    /// The budget ran out first: `steps` taken, and the longest prefix
    /// linearized on the way.
    Unknown {
        steps: u64,
        longest: usize,
    },
}

impl Verdict {
    pub fn is_linearizable(&self) -> Option<bool> {
        match self {
            Verdict::Linearizable { .. } => Some(true),
            Verdict::NotLinearizable(_) => Some(false),
            Verdict::Unknown { .. } => None,
        }
    }
}

/// What a search found and what it cost.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub verdict: Verdict,
    pub steps: u64,
}

const NIL: usize = usize::MAX;

/// One event: an operation's call or its return.
#[derive(Clone, Copy, Debug)]
struct Event {
    op: usize,
    call: bool,
    /// The other event of the same operation.
    other: usize,
}

/// Which operations are linearized, one bit each.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Bits(Vec<u64>);

impl Bits {
    fn new(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }
    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn clear(&mut self, i: usize) {
        self.0[i / 64] &= !(1 << (i % 64));
    }
    fn get(&self, i: usize) -> bool {
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
struct Linearized {
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
    fn new(n: usize) -> Linearized {
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
    fn set(&mut self, i: usize) {
        self.bits.set(i);
        self.toggle(i);
        self.count += 1;
    }
    fn clear(&mut self, i: usize) {
        self.bits.clear(i);
        self.toggle(i);
        self.count -= 1;
    }
    fn get(&self, i: usize) -> bool {
        self.bits.get(i)
    }
}

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

/// The events in time order, linked both ways so a linearized operation
/// can be lifted out and put back in O(1).
struct Events {
    events: Vec<Event>,
    next: Vec<usize>,
    prev: Vec<usize>,
    /// Index of the sentinel in `next` / `prev`.
    head: usize,
}

impl Events {
    fn new<M: Model>(ops: &[Op<M>]) -> Events {
        // (time, return after call, op): a return at the instant of a call
        // sorts after it, so touching operations count as concurrent.
        let mut order: Vec<(u64, bool, usize)> = Vec::with_capacity(ops.len() * 2);
        for (i, op) in ops.iter().enumerate() {
            order.push((op.call, false, i));
            order.push((op.ret.unwrap_or(u64::MAX), true, i));
        }
        crate::sorting::sort(&mut order);
        let n = order.len();
        let mut events = vec![
            Event {
                op: 0,
                call: true,
                other: NIL
            };
            n
        ];
        let mut call_at = vec![NIL; ops.len()];
        for (at, &(_, ret, op)) in order.iter().enumerate() {
            events[at] = Event {
                op,
                call: !ret,
                other: NIL,
            };
            if !ret {
                call_at[op] = at;
            } else {
                let call = call_at[op];
                events[at].other = call;
                events[call].other = at;
            }
        }
        let head = n;
        let mut next: Vec<usize> = (1..=n).collect();
        if let Some(last) = next.last_mut() {
            *last = NIL;
        }
        next.push(if n == 0 { NIL } else { 0 });
        let mut prev: Vec<usize> = (0..n).map(|i| if i == 0 { head } else { i - 1 }).collect();
        prev.push(NIL);
        Events {
            events,
            next,
            prev,
            head,
        }
    }

    fn first(&self) -> usize {
        self.next[self.head]
    }

    fn unlink(&mut self, e: usize) {
        let (p, n) = (self.prev[e], self.next[e]);
        self.next[p] = n;
        if n != NIL {
            self.prev[n] = p;
        }
    }

    fn relink(&mut self, e: usize) {
        let (p, n) = (self.prev[e], self.next[e]);
        self.next[p] = e;
        if n != NIL {
            self.prev[n] = e;
        }
    }

    /// Takes a call and its return out of the list.
    fn lift(&mut self, call: usize) {
        self.unlink(call);
        self.unlink(self.events[call].other);
    }

    /// Puts them back (in the reverse order they left).
    fn unlift(&mut self, call: usize) {
        self.relink(self.events[call].other);
        self.relink(call);
    }
}

/// Searches for a linearization of `ops` under `model`.
pub fn check<M: Model + Clone>(model: &M, ops: &[Op<M>], budget: Budget) -> Outcome {
    let mut search = Search::new(model.clone(), ops.to_vec());
    match search.advance(budget.steps) {
        Some(verdict) => Outcome {
            verdict,
            steps: search.steps,
        },
        None => Outcome {
            verdict: Verdict::Unknown {
                steps: search.steps,
                longest: search.best.len(),
            },
            steps: search.steps,
        },
    }
}

/// A search that can stop after some steps and go on later (the page
/// checks long histories in slices between frames).
pub struct Search<M: Model> {
    model: M,
    ops: Vec<Op<M>>,
    list: Events,
    states: States<M::State>,
    state: u32,
    linearized: Linearized,
    memo: Memo,
    /// For each operation linearized so far: its call event, the state
    /// before it, and whether it was forced (see below).
    stack: Vec<(usize, u32, bool)>,
    best: Vec<usize>,
    /// How many of `best`'s first operations `stack` still holds: only
    /// the rest is copied when the stack grows past it, so keeping the
    /// longest prefix costs O(1) a step, not a copy of the stack.
    agree: usize,
    steps: u64,
    entry: usize,
    /// Operations that answered and are not linearized yet. Once none is
    /// left the rest never answered: they fit at the end in any order.
    answered_left: usize,
    /// For an operation that never answered: the one invoked just before
    /// it that never answered either and has the same input. Such twins
    /// are interchangeable — swapping them in any linearization gives
    /// another — so the later one is only placed once the earlier one is.
    /// Jepsen histories are full of them (timed-out writes of the same
    /// few values), and each pair would otherwise double the search.
    twin: Vec<Option<usize>>,
    verdict: Option<Verdict>,
}

impl<M: Model> Search<M> {
    pub fn new(model: M, ops: Vec<Op<M>>) -> Search<M> {
        let list = Events::new(&ops);
        let entry = list.first();
        let init = model.init();
        Search {
            model,
            list,
            states: States::new(init, ops.len()),
            state: 0,
            linearized: Linearized::new(ops.len()),
            memo: Memo::new(),
            stack: Vec::new(),
            best: Vec::new(),
            agree: 0,
            steps: 0,
            entry,
            answered_left: ops.iter().filter(|o| o.ret.is_some()).count(),
            twin: twins(&ops),
            verdict: None,
            ops,
        }
    }

    /// A search of `ops` that takes over this one's tables, emptied:
    /// checking key after key, each starts with the room the last one
    /// grew to instead of growing (and rehashing) from nothing again.
    pub fn reuse(self, ops: Vec<Op<M>>) -> Search<M> {
        let Search {
            model,
            mut memo,
            states,
            ..
        } = self;
        let init = model.init();
        let mut search = Search::new(model, ops);
        memo.clear();
        search.memo = memo;
        search.states = states.renew(init, search.ops.len());
        search
    }

    /// The operations searched.
    pub fn ops(&self) -> &[Op<M>] {
        &self.ops
    }

    /// Steps taken so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The most operations linearized at once so far.
    pub fn longest(&self) -> usize {
        self.best.len()
    }

    /// Searches for at most `steps` more steps; the verdict once there is
    /// one. After a verdict, further calls return it again at no cost.
    pub fn advance(&mut self, steps: u64) -> Option<Verdict> {
        if let Some(v) = &self.verdict {
            return Some(v.clone());
        }
        let limit = self.steps.saturating_add(steps);
        while self.answered_left > 0 {
            if self.steps >= limit {
                return None;
            }
            self.steps += 1;
            let entry = self.entry;
            let e = self.list.events[entry];
            let mut backtrack = !e.call;
            let waits_for_twin =
                e.call && self.twin[e.op].is_some_and(|earlier| !self.linearized.get(earlier));
            if e.call && waits_for_twin {
                self.entry = self.list.next[entry];
            } else if e.call {
                let op = &self.ops[e.op];
                match self.states.step(&self.model, self.state, e.op, op) {
                    // An operation nobody saw answer, that would leave the
                    // state as it is, need not be placed now: it can go at
                    // the very end (or never) with the same effect on
                    // everything that answered.
                    Some(next) if op.output.is_none() && next == self.state => {}
                    Some(next) => {
                        // An answered operation that changes no state (a
                        // read that sees this one, a compare that fails) is
                        // best placed now: any order that works from here
                        // works with it moved to the front. So it is forced
                        // — not a choice to revisit: if what follows fails,
                        // so does this point.
                        let forced = op.output.is_some()
                            && self.model.read_only(&op.input, op.output.as_ref());
                        self.linearized.set(e.op);
                        if self.memo.insert(&self.linearized, next) {
                            self.stack.push((entry, self.state, forced));
                            self.state = next;
                            self.list.lift(entry);
                            self.answered_left -= usize::from(op.ret.is_some());
                            if self.stack.len() > self.best.len() {
                                let events = &self.list.events;
                                self.best.truncate(self.agree);
                                self.best.extend(
                                    self.stack[self.agree..]
                                        .iter()
                                        .map(|&(c, _, _)| events[c].op),
                                );
                                self.agree = self.stack.len();
                            }
                            self.entry = self.list.first();
                            continue;
                        }
                        self.linearized.clear(e.op);
                        // Already explored from here, and it failed: a
                        // forced step dooms this point too.
                        backtrack = forced;
                    }
                    None => {}
                }
                if !backtrack {
                    self.entry = self.list.next[entry];
                }
            }
            if backtrack && !self.undo() {
                let stuck = stuck_after(&self.ops, &self.best);
                let verdict = Verdict::NotLinearizable(Explanation {
                    prefix: self.best.clone(),
                    stuck,
                });
                self.verdict = Some(verdict.clone());
                return Some(verdict);
            }
        }
        let mut order: Vec<usize> = self
            .stack
            .iter()
            .map(|&(c, _, _)| self.list.events[c].op)
            .collect();
        order.extend((0..self.ops.len()).filter(|&i| !self.linearized.get(i)));
        let verdict = Verdict::Linearizable { order };
        self.verdict = Some(verdict.clone());
        Some(verdict)
    }

    /// An answer arrived for an operation not yet linearized (or a forced
    /// step failed): undoes choices back to the last one that was free,
    /// and goes on from the call after it. False when nothing is left to
    /// undo.
    fn undo(&mut self) -> bool {
        loop {
            let Some((call, before, forced)) = self.stack.pop() else {
                return false;
            };
            self.agree = self.agree.min(self.stack.len());
            let undone = self.list.events[call].op;
            self.linearized.clear(undone);
            self.answered_left += usize::from(self.ops[undone].ret.is_some());
            self.state = before;
            self.list.unlift(call);
            self.entry = self.list.next[call];
            if !forced {
                return true;
            }
        }
    }
}

fn hash_of(value: &impl Hash) -> u64 {
    let mut h = Mix::default();
    value.hash(&mut h);
    h.finish()
}

/// Every (set of linearized operations, state) pair the search reached
/// (Lowe's memoisation: the same pair leads to the same dead end), as the
/// set's fingerprint and the state's number (see [`Linearized`]). The
/// pairs sit in the table itself: a lookup touches one slot, not a slot
/// and then a list elsewhere, and growing the table rehashes without a
/// second memory access per pair. Tests also keep every set in full and
/// check that equal fingerprints only ever come from equal sets.
struct Memo {
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
    fn new() -> Memo {
        Memo {
            table: HashTable::new(),
            #[cfg(test)]
            exact: alloc::collections::BTreeMap::new(),
        }
    }

    fn clear(&mut self) {
        self.table.clear();
        #[cfg(test)]
        self.exact.clear();
    }

    /// Records the pair; false when it was already there.
    fn insert(&mut self, linearized: &Linearized, state: u32) -> bool {
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
struct States<S> {
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
    fn new(init: S, ops: usize) -> States<S> {
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
    fn renew(mut self, init: S, ops: usize) -> States<S> {
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

    fn step<M: Model<State = S>>(
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

/// Each unanswered operation's twin: the unanswered one with the same
/// input invoked last before it (see [`Search::twin`]).
fn twins<M: Model>(ops: &[Op<M>]) -> Vec<Option<usize>> {
    let mut twin = vec![None; ops.len()];
    let mut unanswered: Vec<usize> = (0..ops.len())
        .filter(|&i| ops[i].ret.is_none() && ops[i].output.is_none())
        .collect();
    crate::sorting::sort_by_key(&mut unanswered, |&i| (ops[i].call, i));
    // Input → the latest unanswered operation with it so far.
    let mut last: HashTable<usize> = HashTable::new();
    for i in unanswered {
        let hash = hash_of(&ops[i].input);
        match last.find_mut(hash, |&j| ops[j].input == ops[i].input) {
            Some(j) => twin[i] = Some(core::mem::replace(j, i)),
            None => {
                last.insert_unique(hash, i, |&j| hash_of(&ops[j].input));
            }
        }
    }
    twin
}

/// The operations that could follow `prefix`: those not in it invoked no
/// later than the earliest answer among them, the one answered first
/// first, then by call time.
fn stuck_after<M: Model>(ops: &[Op<M>], prefix: &[usize]) -> Vec<usize> {
    let mut done = Bits::new(ops.len());
    for &i in prefix {
        done.set(i);
    }
    let rest = (0..ops.len()).filter(|&i| !done.get(i));
    let Some(first) = rest
        .clone()
        .filter(|&i| ops[i].ret.is_some())
        .min_by_key(|&i| (ops[i].ret, i))
    else {
        return Vec::new();
    };
    let deadline = ops[first].ret.unwrap_or(u64::MAX);
    let mut stuck: Vec<usize> = rest
        .filter(|&i| i != first && ops[i].call <= deadline)
        .collect();
    crate::sorting::sort_by_key(&mut stuck, |&i| (ops[i].call, i));
    stuck.insert(0, first);
    stuck
}

/// Replays `order` through the model: the state after it, or the first
/// position that does not fit. For explanations and for checking
/// witnesses in tests.
pub fn replay<M: Model>(model: &M, ops: &[Op<M>], order: &[usize]) -> Result<M::State, usize> {
    let mut state = model.init();
    for (at, &i) in order.iter().enumerate() {
        state = model
            .step(&state, &ops[i].input, ops[i].output.as_ref())
            .ok_or(at)?;
    }
    Ok(state)
}

/// Does `order` respect real time: no operation placed before one that
/// had already answered when it was invoked?
pub fn respects_real_time<M: Model>(ops: &[Op<M>], order: &[usize]) -> bool {
    order.iter().enumerate().all(|(a, &i)| {
        order[a + 1..]
            .iter()
            .all(|&j| ops[j].ret.is_none_or(|r| r >= ops[i].call))
    })
}
