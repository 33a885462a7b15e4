//! The history as a list of call and return events in time order,
//! linked both ways so a linearized operation's pair can be lifted out
//! and put back in O(1).

use alloc::vec;
use alloc::vec::Vec;

use super::Op;
use crate::linearizability::model::Model;

const NIL: usize = usize::MAX;

/// One event: an operation's call or its return.
#[derive(Clone, Copy, Debug)]
pub(super) struct Event {
    pub(super) op: usize,
    pub(super) call: bool,
    /// The other event of the same operation.
    other: usize,
}

/// The events in time order, linked both ways so a linearized operation
/// can be lifted out and put back in O(1).
pub(super) struct Events {
    pub(super) events: Vec<Event>,
    pub(super) next: Vec<usize>,
    prev: Vec<usize>,
    /// Index of the sentinel in `next` / `prev`.
    head: usize,
}

impl Events {
    pub(super) fn new<M: Model>(ops: &[Op<M>]) -> Events {
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

    pub(super) fn first(&self) -> usize {
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
    pub(super) fn lift(&mut self, call: usize) {
        self.unlink(call);
        self.unlink(self.events[call].other);
    }

    /// Puts them back (in the reverse order they left).
    pub(super) fn unlift(&mut self, call: usize) {
        self.relink(self.events[call].other);
        self.relink(call);
    }
}
