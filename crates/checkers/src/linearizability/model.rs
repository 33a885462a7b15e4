//! Sequential specifications the checker linearizes histories against: a
//! model says, for a state and one operation with what its client saw,
//! whether that outcome could happen and what state follows. An outcome
//! nobody saw (the client crashed, timed out, or the run ended first) is
//! passed as `None` and any outcome is accepted — the operation may have
//! taken effect or not, and linearizing it at the very end is the same as
//! never.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Debug;
use core::hash::Hash;

use super::search::{replay, Op};
use super::text::Text;

/// A sequential data type.
pub trait Model {
    type State: Clone + Eq + Hash + Debug;
    type Input: Clone + Debug + Eq + Hash;
    type Output: Clone + Debug + PartialEq;

    fn init(&self) -> Self::State;

    /// The state after `input` ran on `state` and answered `output`, or
    /// `None` when that answer cannot come from `state`. With `output`
    /// `None` (no one saw the answer) any answer is possible, so the step
    /// must succeed.
    fn step(
        &self,
        state: &Self::State,
        input: &Self::Input,
        output: Option<&Self::Output>,
    ) -> Option<Self::State>;

    /// Does this operation, with this answer, leave every state it can
    /// run in as it was (a read, a compare that did not match)? The search
    /// places such an operation as soon as it fits, without branching.
    fn read_only(&self, _input: &Self::Input, _output: Option<&Self::Output>) -> bool {
        false
    }

    /// Whether [`Model::step`] would succeed; the search asks this of
    /// read-only operations, whose next state it already knows, so a
    /// model with large states can answer without copying one.
    fn accepts(
        &self,
        state: &Self::State,
        input: &Self::Input,
        output: Option<&Self::Output>,
    ) -> bool {
        self.step(state, input, output).is_some()
    }

    /// The state in words ("x holds 3").
    fn describe_state(&self, state: &Self::State) -> String;

    /// The state after `order` (indices into `ops`) in words, or `None`
    /// when that order does not fit. By default: replay it and
    /// [`Model::describe_state`]; a model whose states are fingerprints
    /// rebuilds the value from the operations instead.
    fn describe_after(&self, ops: &[Op<Self>], order: &[usize]) -> Option<String>
    where
        Self: Sized,
    {
        replay(self, ops, order)
            .ok()
            .map(|state| self.describe_state(&state))
    }

    /// One operation in words ("write 3", "read → 2").
    fn describe_op(&self, input: &Self::Input, output: Option<&Self::Output>) -> String;
}

/// A register's value: Jepsen's integers and nil, or — for stores that
/// keep sets, like a shopping cart — a set of integers.
pub trait RegisterValue: Clone + Eq + Hash + Debug {
    /// What a register that was never written holds.
    fn unwritten() -> Self;
    fn text(&self) -> String;
}

impl RegisterValue for Option<i64> {
    fn unwritten() -> Self {
        None
    }
    fn text(&self) -> String {
        match self {
            Some(v) => format!("{v}"),
            None => String::from("nil"),
        }
    }
}

/// A sorted set of numbers; empty when never written. A read that found
/// concurrent values side by side (siblings) observed their union, which
/// no single write put there.
impl RegisterValue for Vec<i64> {
    fn unwritten() -> Self {
        Vec::new()
    }
    fn text(&self) -> String {
        match self.as_slice() {
            [] => String::from("nothing"),
            [one] => format!("{one}"),
            many => crate::node::values_text(many),
        }
    }
}

/// An operation on a register.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RegisterOp<V> {
    Read,
    Write(V),
    /// Compare-and-set: if the register holds the first value, store the
    /// second.
    Cas(V, V),
}

/// What a register operation answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegisterAnswer<V> {
    Read(V),
    Written,
    /// Whether the compare matched (a "did not match" answer is a
    /// completed operation that changed nothing).
    Cas(bool),
}

/// A read/write/compare-and-set register; reads of a never-written
/// register return nil (or the empty set).
#[derive(Clone, Copy, Debug, Default)]
pub struct Register<V>(core::marker::PhantomData<V>);

impl<V> Register<V> {
    pub fn new() -> Self {
        Register(core::marker::PhantomData)
    }
}

impl<V: RegisterValue> Model for Register<V> {
    type State = V;
    type Input = RegisterOp<V>;
    type Output = RegisterAnswer<V>;

    fn init(&self) -> V {
        V::unwritten()
    }

    fn step(
        &self,
        state: &V,
        input: &RegisterOp<V>,
        output: Option<&RegisterAnswer<V>>,
    ) -> Option<V> {
        match (input, output) {
            (RegisterOp::Read, None) => Some(state.clone()),
            (RegisterOp::Read, Some(RegisterAnswer::Read(v))) => {
                (v == state).then(|| state.clone())
            }
            (RegisterOp::Write(v), None | Some(RegisterAnswer::Written)) => Some(v.clone()),
            (RegisterOp::Cas(from, to), None) => Some(if from == state {
                to.clone()
            } else {
                state.clone()
            }),
            (RegisterOp::Cas(from, to), Some(RegisterAnswer::Cas(true))) => {
                (from == state).then(|| to.clone())
            }
            (RegisterOp::Cas(from, _), Some(RegisterAnswer::Cas(false))) => {
                (from != state).then(|| state.clone())
            }
            _ => None,
        }
    }

    fn read_only(&self, input: &RegisterOp<V>, output: Option<&RegisterAnswer<V>>) -> bool {
        matches!(
            (input, output),
            (RegisterOp::Read, _) | (RegisterOp::Cas(..), Some(RegisterAnswer::Cas(false)))
        )
    }

    fn describe_state(&self, state: &V) -> String {
        format!("the register holds {}", state.text())
    }

    fn describe_op(&self, input: &RegisterOp<V>, output: Option<&RegisterAnswer<V>>) -> String {
        match (input, output) {
            (RegisterOp::Read, Some(RegisterAnswer::Read(v))) => format!("read → {}", v.text()),
            (RegisterOp::Read, _) => String::from("read (no answer)"),
            (RegisterOp::Write(v), None) => format!("write {} (no answer)", v.text()),
            (RegisterOp::Write(v), _) => format!("write {}", v.text()),
            (RegisterOp::Cas(a, b), Some(RegisterAnswer::Cas(true))) => {
                format!("cas {} → {}", a.text(), b.text())
            }
            (RegisterOp::Cas(a, b), Some(RegisterAnswer::Cas(false))) => {
                format!("cas {} → {} (did not match)", a.text(), b.text())
            }
            (RegisterOp::Cas(a, b), _) => format!("cas {} → {} (no answer)", a.text(), b.text()),
        }
    }
}

/// An operation on one key of a key-value map of strings.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum KvOp {
    Get,
    Put(String),
    Append(String),
}

/// What a key-value operation answered: a get's string, or done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KvAnswer {
    Got(String),
    Done,
}

/// One key of a key-value map of strings; a key starts as the empty
/// string. Histories are split by key before checking (each key is its
/// own object), so the model holds one string.
#[derive(Clone, Copy, Debug, Default)]
pub struct KeyValue;

impl Model for KeyValue {
    /// Fingerprinted, so an append copies only its own piece.
    type State = Text;
    type Input = KvOp;
    type Output = KvAnswer;

    fn init(&self) -> Text {
        Text::empty()
    }

    fn step(&self, state: &Text, input: &KvOp, output: Option<&KvAnswer>) -> Option<Text> {
        match (input, output) {
            (KvOp::Get, None) => Some(state.clone()),
            (KvOp::Get, Some(KvAnswer::Got(v))) => state.is(v).then(|| state.clone()),
            (KvOp::Put(v), None | Some(KvAnswer::Done)) => Some(Text::of(v)),
            (KvOp::Append(v), None | Some(KvAnswer::Done)) => Some(state.then(v)),
            _ => None,
        }
    }

    fn accepts(&self, state: &Text, input: &KvOp, output: Option<&KvAnswer>) -> bool {
        match (input, output) {
            (KvOp::Get, Some(KvAnswer::Got(v))) => state.is(v),
            _ => self.step(state, input, output).is_some(),
        }
    }

    fn read_only(&self, input: &KvOp, _output: Option<&KvAnswer>) -> bool {
        matches!(input, KvOp::Get)
    }

    /// A fingerprint cannot be printed: only its length is known (an
    /// explanation uses [`Model::describe_after`], which can).
    fn describe_state(&self, state: &Text) -> String {
        format!("the key holds a string of {} bytes", state.len())
    }

    /// The string itself, rebuilt from the puts and appends in `order`
    /// once the fingerprints have shown that the order fits.
    fn describe_after(&self, ops: &[Op<Self>], order: &[usize]) -> Option<String> {
        replay(self, ops, order).ok()?;
        let mut value = String::new();
        for &i in order {
            match &ops[i].input {
                KvOp::Get => {}
                KvOp::Put(v) => value.clone_from(v),
                KvOp::Append(v) => value.push_str(v),
            }
        }
        Some(format!("the key holds \"{}\"", clip(&value)))
    }

    fn describe_op(&self, input: &KvOp, output: Option<&KvAnswer>) -> String {
        match (input, output) {
            (KvOp::Get, Some(KvAnswer::Got(v))) => format!("get → \"{}\"", clip(v)),
            (KvOp::Get, _) => String::from("get (no answer)"),
            (KvOp::Put(v), None) => format!("put \"{}\" (no answer)", clip(v)),
            (KvOp::Put(v), _) => format!("put \"{}\"", clip(v)),
            (KvOp::Append(v), None) => format!("append \"{}\" (no answer)", clip(v)),
            (KvOp::Append(v), _) => format!("append \"{}\"", clip(v)),
        }
    }
}

/// Long strings show their last 40 characters after "…" (appends grow
/// them at the end): the explanation names operations, it need not print
/// every byte.
fn clip(s: &str) -> String {
    const MAX: usize = 40;
    let n = s.chars().count();
    if n <= MAX {
        return String::from(s);
    }
    let start = s.char_indices().nth(n - MAX).map_or(0, |(i, _)| i);
    format!("…{}", &s[start..])
}
