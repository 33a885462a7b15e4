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

mod events;
mod memo;
mod states;

use alloc::vec;
use alloc::vec::Vec;

use hashbrown::HashTable;

use super::model::Model;
use events::Events;
use memo::{Bits, Linearized, Memo};
use states::{hash_of, States};

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
