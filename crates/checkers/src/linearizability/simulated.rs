//! The simulator's client histories, checked: each key is a register
//! (a write stores a number, a leaderless put a set of numbers; a read
//! returns what it found, several values side by side when it found
//! siblings). A write that failed may still have reached a replica, and
//! one that never answered may yet take effect, so both count as
//! unanswered; failed and unanswered reads are left out (they changed
//! nothing and observed nothing). Keys touched by operations a register
//! does not explain — SQL statements, counter and set updates — are not
//! checked.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::model::{Register, RegisterAnswer, RegisterOp};
use super::search::{Budget, Op, Verdict};
use super::{check_keys, explain, Report};
use crate::check::{Anomaly, AnomalyKind};
use crate::history::{History, Operation};
use crate::node::{OpId, Outcome, Request};

/// A key of the run as a register of sets of numbers.
pub type Reg = Register<Vec<i64>>;

/// Each key's operations, with the client operation each came from.
pub struct Keyed {
    pub keys: Vec<(String, Vec<Op<Reg>>)>,
    /// For each key (same order), the history's operation behind each op.
    pub origins: Vec<Vec<OpId>>,
}

/// Steps each key may take in a simulator run's check: enough for every
/// preset many times over, bounded so a long run never stalls a page.
pub const RUN_BUDGET: Budget = Budget { steps: 2_000_000 };

/// The registers of `history`, or `None` when no key is one.
pub fn registers(history: &History) -> Option<Keyed> {
    let mut unsupported: BTreeMap<&str, ()> = BTreeMap::new();
    for o in &history.ops {
        if as_register(o).is_none() && !skipped(o) {
            unsupported.insert(o.request.key(), ());
        }
    }
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut keyed = Keyed {
        keys: Vec::new(),
        origins: Vec::new(),
    };
    for o in &history.ops {
        let key = o.request.key();
        if unsupported.contains_key(key) {
            continue;
        }
        let Some(op) = as_register(o) else {
            continue;
        };
        let at = *index.entry(key).or_insert_with(|| {
            keyed.keys.push((String::from(key), Vec::new()));
            keyed.origins.push(Vec::new());
            keyed.keys.len() - 1
        });
        keyed.keys[at].1.push(op);
        keyed.origins[at].push(o.id);
    }
    (!keyed.keys.is_empty()).then_some(keyed)
}

/// Reads that failed or never answered: no effect, nothing observed.
fn skipped(o: &Operation) -> bool {
    matches!(o.request, Request::Read { .. } | Request::Get { .. })
        && !matches!(
            o.outcome,
            Some(Outcome::Read { .. } | Outcome::Values { .. })
        )
}

fn as_register(o: &Operation) -> Option<Op<Reg>> {
    let call = o.invoked_at.0;
    let done = o.completed_at.map(|t| t.0);
    let written = |values: Vec<i64>| {
        let answered = matches!(o.outcome, Some(Outcome::Written { .. }));
        Some(Op {
            call,
            ret: if answered { done } else { None },
            input: RegisterOp::Write(values),
            output: answered.then_some(RegisterAnswer::Written),
        })
    };
    match &o.request {
        Request::Write { value, .. } => written(alloc::vec![*value]),
        Request::Put { values, .. } => {
            let mut set = values.clone();
            crate::sorting::sort(&mut set);
            set.dedup();
            written(set)
        }
        Request::Read { .. } | Request::Get { .. } => {
            let seen = match &o.outcome {
                Some(Outcome::Read { value, .. }) => value.iter().copied().collect(),
                Some(Outcome::Values { values, .. }) => values.clone(),
                _ => return None,
            };
            Some(Op {
                call,
                ret: done,
                input: RegisterOp::Read,
                output: Some(RegisterAnswer::Read(seen)),
            })
        }
        Request::Sql { .. }
        | Request::Increment { .. }
        | Request::Add { .. }
        | Request::Remove { .. } => None,
    }
}

/// A run's linearizability: the report per key, and the keys' operations
/// for explaining it. `None` when no key of the run is a register.
pub struct Checked {
    pub keyed: Keyed,
    /// Keys are named as in `keyed`.
    pub report: Report<String>,
}

pub fn check_history(history: &History, budget: Budget) -> Option<Checked> {
    let keyed = registers(history)?;
    let report = check_keys(&Register::new(), &keyed.keys, budget);
    Some(Checked { keyed, report })
}

impl Checked {
    /// One anomaly per key that is not linearizable, tied to the
    /// operation that cannot be placed (the first answered of those that
    /// could come next).
    pub fn anomalies(&self, history: &History) -> Vec<Anomaly> {
        let mut found = Vec::new();
        for k in self.report.invalid() {
            let Verdict::NotLinearizable(why) = &k.verdict else {
                continue;
            };
            let Some(at) = self.keyed.keys.iter().position(|(key, _)| *key == k.key) else {
                continue;
            };
            let (key, ops) = &self.keyed.keys[at];
            let origins = &self.keyed.origins[at];
            let name = |i: usize| {
                let id = origins[i];
                match history.get(id) {
                    Some(o) => format!("#{} ({} at {})", id.0, short(&o.request), o.node),
                    None => format!("#{}", id.0),
                }
            };
            let Some(&first) = why.stuck.first() else {
                continue;
            };
            found.push(Anomaly {
                kind: AnomalyKind::NotLinearizable,
                op: origins[first],
                other: None,
                explanation: format!(
                    "the history of {key} is not linearizable: {}",
                    explain(&Register::new(), ops, why, name)
                ),
            });
        }
        found
    }
}

/// "write x = 1", "read x".
fn short(r: &Request) -> String {
    match r {
        Request::Write { key, value } => format!("write {key} = {value}"),
        Request::Read { key, .. } => format!("read {key}"),
        other => format!("{other}"),
    }
}
