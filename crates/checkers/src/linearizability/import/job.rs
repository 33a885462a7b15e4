//! Checking a prepared history key by key, in pieces: each call to
//! [`Job::advance`] does at most so many search steps and returns, so the
//! page can check a long history between frames (and stop), while the
//! command line runs it to the end in one call. Keys with fewer operations
//! go first; once one key is shown not linearizable the others get a
//! smaller budget (see [`super::super::STEPS_AFTER_DECIDED`]).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::super::model::{KeyValue, Model, Register};
use super::super::search::{Budget, Op, Search, Verdict};
use super::super::{explain, STEPS_AFTER_DECIDED};
use super::{CheckedHistory, Format, KeyVerdict, ModelChoice, ShownOp};
use crate::node::OpId;

/// What a history is, apart from its operations per key.
#[derive(Clone, Debug)]
pub struct Head {
    pub format: Format,
    pub model: ModelChoice,
    /// Every operation as the page draws it.
    pub ops: Vec<ShownOp>,
    pub processes: Vec<String>,
}

/// How an explanation names an operation.
#[derive(Clone, Debug)]
pub enum Naming {
    /// By the line of its invocation.
    Lines,
    /// By the simulator's operation id, per key.
    Operations(Vec<Vec<OpId>>),
}

/// Operations per key for one model.
#[derive(Clone, Debug)]
pub struct Keyed<M: Model> {
    pub model: M,
    pub keys: Vec<(String, Vec<Op<M>>)>,
    /// For each key, the index in [`Head::ops`] of each of its operations.
    pub places: Vec<Vec<usize>>,
    pub names: Naming,
}

/// The three kinds of history the importers make.
#[derive(Clone, Debug)]
pub enum Body {
    Register(Keyed<Register<Option<i64>>>),
    Kv(Keyed<KeyValue>),
    Simulated(Keyed<Register<Vec<i64>>>),
}

/// A history read and split by key, not checked yet.
#[derive(Clone, Debug)]
pub struct Prepared {
    pub head: Head,
    pub body: Body,
}

/// How far a job has got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub keys_done: usize,
    pub keys: usize,
    /// Search steps taken, over all keys.
    pub steps: u64,
}

/// The checking of one model's keys.
struct Keys<M: Model> {
    keyed: Keyed<M>,
    /// Key indices, fewest operations first.
    order: Vec<usize>,
    next: usize,
    current: Option<(usize, Search<M>)>,
    /// The last key's search, done: the next key's takes over its tables.
    spare: Option<Search<M>>,
    verdicts: Vec<KeyVerdict>,
    decided: bool,
    steps: u64,
}

impl<M: Model + Clone> Keys<M> {
    fn new(keyed: Keyed<M>) -> Keys<M> {
        let mut order: Vec<usize> = (0..keyed.keys.len()).collect();
        crate::sorting::sort_by_key(&mut order, |&i| keyed.keys[i].1.len());
        Keys {
            keyed,
            order,
            next: 0,
            current: None,
            spare: None,
            verdicts: Vec::new(),
            decided: false,
            steps: 0,
        }
    }

    fn done(&self) -> bool {
        self.current.is_none() && self.next >= self.order.len()
    }

    fn advance(&mut self, head: &Head, budget: Budget, mut steps: u64) -> bool {
        while steps > 0 {
            if self.current.is_none() {
                let Some(&k) = self.order.get(self.next) else {
                    return true;
                };
                self.next += 1;
                let ops = self.keyed.keys[k].1.clone();
                let search = match self.spare.take() {
                    Some(done) => done.reuse(ops),
                    None => Search::new(self.keyed.model.clone(), ops),
                };
                self.current = Some((k, search));
            }
            let Some((k, search)) = self.current.as_mut() else {
                continue;
            };
            let limit = if self.decided {
                budget.steps.min(STEPS_AFTER_DECIDED)
            } else {
                budget.steps
            };
            let chunk = steps.min(limit.saturating_sub(search.steps()));
            let before = search.steps();
            let verdict = match search.advance(chunk) {
                Some(v) => Some(v),
                None if search.steps() >= limit => Some(Verdict::Unknown {
                    steps: search.steps(),
                    longest: search.longest(),
                }),
                None => None,
            };
            let spent = search.steps() - before;
            steps = steps.saturating_sub(spent.max(1));
            self.steps += spent;
            if let Some(verdict) = verdict {
                let k = *k;
                let searched = search.steps();
                self.decided |= matches!(verdict, Verdict::NotLinearizable(_));
                let v = self.verdict(head, k, &verdict, searched);
                self.verdicts.push(v);
                self.spare = self.current.take().map(|(_, done)| done);
            }
        }
        self.done()
    }

    /// One key's result for people: the verdict, and for a key that is
    /// not linearizable the prefix, the operations stuck after it (as
    /// indices into the shown operations) and the explanation.
    fn verdict(&self, head: &Head, k: usize, verdict: &Verdict, steps: u64) -> KeyVerdict {
        let (key, ops) = &self.keyed.keys[k];
        let place = &self.keyed.places[k];
        let name = |i: usize| match &self.keyed.names {
            Naming::Lines => format!("line {}", head.ops[place[i]].line),
            Naming::Operations(ids) => format!("#{}", ids[k][i].0),
        };
        let (label, prefix, stuck, explanation) = match verdict {
            Verdict::Linearizable { .. } => ("linearizable", Vec::new(), Vec::new(), None),
            Verdict::NotLinearizable(why) => (
                "not linearizable",
                why.prefix.iter().map(|&i| place[i]).collect(),
                why.stuck.iter().map(|&i| place[i]).collect(),
                Some(explain(&self.keyed.model, ops, why, name)),
            ),
            Verdict::Unknown { steps, longest } => (
                "unknown",
                Vec::new(),
                Vec::new(),
                Some(format!(
                    "undecided after {steps} steps of the search; the longest prefix it linearized had {longest} of {} operations",
                    ops.len()
                )),
            ),
        };
        KeyVerdict {
            key: key.clone(),
            verdict: label,
            ops: ops.len(),
            steps,
            prefix,
            stuck,
            explanation,
        }
    }
}

enum Checking {
    Register(Keys<Register<Option<i64>>>),
    Kv(Keys<KeyValue>),
    Simulated(Keys<Register<Vec<i64>>>),
}

/// A history being checked.
pub struct Job {
    head: Head,
    budget: Budget,
    checking: Checking,
}

impl Job {
    pub fn new(prepared: Prepared, budget: Budget) -> Job {
        let checking = match prepared.body {
            Body::Register(k) => Checking::Register(Keys::new(k)),
            Body::Kv(k) => Checking::Kv(Keys::new(k)),
            Body::Simulated(k) => Checking::Simulated(Keys::new(k)),
        };
        Job {
            head: prepared.head,
            budget,
            checking,
        }
    }

    pub fn head(&self) -> &Head {
        &self.head
    }

    /// Searches at most about `steps` steps; true once every key has a
    /// verdict.
    pub fn advance(&mut self, steps: u64) -> bool {
        let (head, budget) = (&self.head, self.budget);
        match &mut self.checking {
            Checking::Register(k) => k.advance(head, budget, steps),
            Checking::Kv(k) => k.advance(head, budget, steps),
            Checking::Simulated(k) => k.advance(head, budget, steps),
        }
    }

    pub fn progress(&self) -> Progress {
        let (keys_done, keys, steps) = match &self.checking {
            Checking::Register(k) => (k.verdicts.len(), k.order.len(), k.steps),
            Checking::Kv(k) => (k.verdicts.len(), k.order.len(), k.steps),
            Checking::Simulated(k) => (k.verdicts.len(), k.order.len(), k.steps),
        };
        Progress {
            keys_done,
            keys,
            steps,
        }
    }

    /// The result so far: every key checked (all of them once
    /// [`Job::advance`] returned true); keys not reached yet make the
    /// verdict undecided unless one key is already invalid.
    pub fn result(&self) -> CheckedHistory {
        let verdicts = match &self.checking {
            Checking::Register(k) => &k.verdicts,
            Checking::Kv(k) => &k.verdicts,
            Checking::Simulated(k) => &k.verdicts,
        };
        let keys = self.progress().keys;
        let invalid = verdicts.iter().any(|v| v.verdict == "not linearizable");
        let all_valid =
            verdicts.len() == keys && verdicts.iter().all(|v| v.verdict == "linearizable");
        CheckedHistory {
            format: self.head.format,
            model: self.head.model,
            valid: if invalid {
                Some(false)
            } else if all_valid {
                Some(true)
            } else {
                None
            },
            ops: self.head.ops.clone(),
            processes: self.head.processes.clone(),
            keys: verdicts.clone(),
        }
    }
}
