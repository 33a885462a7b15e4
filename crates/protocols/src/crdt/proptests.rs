//! Property tests for every CRDT here: merge is commutative, associative
//! and idempotent on reachable states, and random gossip — lost, duplicated
//! and reordered states — converges: replicas that have (transitively)
//! received the same updates are equal, and once everyone has everything,
//! everyone is equal. Op-based forms converge under any delivery order.
//! proptest prints the shrunk failing script.

use alloc::vec::Vec;
use core::fmt::Debug;
use proptest::prelude::*;

use super::*;
use crate::node::NodeId;
use crate::vv::VersionVector;

#[derive(Clone, Debug)]
enum Step<O> {
    /// Replica `.0` performs an operation.
    Op(usize, O),
    /// Replica `.1` merges in replica `.0`'s state (or, op-based: replica
    /// `.1` receives one of its pending ops, chosen by `.0`).
    Gossip(usize, usize),
}

#[derive(Clone, Debug)]
struct Script<O> {
    n: usize,
    steps: Vec<Step<O>>,
    /// More gossip after the operations, in random order with repeats.
    tail: Vec<(usize, usize)>,
}

fn script<O: Clone + Debug + 'static>(
    op: BoxedStrategy<O>,
    replicas: core::ops::RangeInclusive<usize>,
) -> impl Strategy<Value = Script<O>> {
    replicas.prop_flat_map(move |n| {
        let step = prop_oneof![
            3 => (0..n, op.clone()).prop_map(|(r, o)| Step::Op(r, o)),
            2 => (0..n, 0..n).prop_map(|(a, b)| Step::Gossip(a, b)),
        ];
        (
            Just(n),
            prop::collection::vec(step, 0..60),
            prop::collection::vec((0..n, 0..n), 0..80),
        )
            .prop_map(|(n, steps, tail)| Script { n, steps, tail })
    })
}

fn node(i: usize) -> NodeId {
    NodeId(i as u16)
}

/// Replica `to` merges in replica `from`'s state and what it knew.
fn gossip<C: CvRdt>(states: &mut [C], known: &mut [Vec<u32>], from: usize, to: usize) {
    let src = states[from].clone();
    states[to].merge(&src);
    let k = known[from].clone();
    for (mine, theirs) in known[to].iter_mut().zip(k) {
        *mine = (*mine).max(theirs);
    }
}

/// Runs the script state-based; returns states and, per replica, how many
/// of each replica's operations it has (transitively) received.
fn run_states<C: CvRdt, O>(
    s: &Script<O>,
    init: &C,
    op: fn(&mut C, NodeId, &O),
) -> (Vec<C>, Vec<Vec<u32>>) {
    let mut states: Vec<C> = (0..s.n).map(|_| init.clone()).collect();
    let mut known = alloc::vec![alloc::vec![0u32; s.n]; s.n];
    for step in &s.steps {
        match step {
            Step::Op(r, o) => {
                op(&mut states[*r], node(*r), o);
                known[*r][*r] += 1;
            }
            Step::Gossip(a, b) => gossip(&mut states, &mut known, *a, *b),
        }
    }
    for &(a, b) in &s.tail {
        gossip(&mut states, &mut known, a, b);
    }
    (states, known)
}

fn check_merge_laws<C: CvRdt + PartialEq + Debug, O>(
    s: &Script<O>,
    init: &C,
    op: fn(&mut C, NodeId, &O),
) -> Result<(), TestCaseError> {
    let (st, _) = run_states(s, init, op);
    let (a, b, c) = (&st[0], &st[1], &st[2]);
    let join = |x: &C, y: &C| {
        let mut z = x.clone();
        z.merge(y);
        z
    };
    prop_assert_eq!(join(a, b), join(b, a), "commutativity");
    prop_assert_eq!(join(&join(a, b), c), join(a, &join(b, c)), "associativity");
    prop_assert_eq!(&join(a, a), a, "idempotence");
    prop_assert_eq!(&join(&join(a, b), b), &join(a, b), "duplicate delivery");
    Ok(())
}

fn check_convergence<C: CvRdt + PartialEq + Debug, O>(
    s: &Script<O>,
    init: &C,
    op: fn(&mut C, NodeId, &O),
) -> Result<(), TestCaseError> {
    let (mut states, mut known) = run_states(s, init, op);
    // Same updates received ⇒ same state, whatever the route.
    for i in 0..s.n {
        for j in 0..s.n {
            if known[i] == known[j] {
                prop_assert_eq!(
                    &states[i],
                    &states[j],
                    "replicas {} and {} saw the same updates",
                    i,
                    j
                );
            }
        }
    }
    // Finish the gossip: two rounds around a ring reach everyone.
    for k in 0..2 * s.n {
        gossip(&mut states, &mut known, k % s.n, (k + 1) % s.n);
    }
    prop_assert!(known.iter().all(|k| *k == known[0]));
    for (i, st) in states.iter().enumerate() {
        prop_assert_eq!(st, &states[0], "replica {} differs from replica 0", i);
    }
    Ok(())
}

/// Op-based: every op is applied at its origin and delivered exactly once
/// to every other replica, in a random order (`Gossip(pick, to)` delivers
/// one of `to`'s pending ops); leftovers are delivered at the end.
fn check_op_convergence<C: CmRdt + Clone + PartialEq + Debug, O: Clone>(
    s: &Script<O>,
    init: &C,
    op: fn(&mut C, NodeId, &O) -> Vec<C::Op>,
) -> Result<(), TestCaseError>
where
    C::Op: Clone,
{
    let mut states: Vec<C> = (0..s.n).map(|_| init.clone()).collect();
    let mut pending: Vec<Vec<C::Op>> = (0..s.n).map(|_| Vec::new()).collect();
    let steps = s
        .steps
        .iter()
        .cloned()
        .chain(s.tail.iter().map(|&(a, b)| Step::Gossip(a, b)));
    for step in steps {
        match step {
            Step::Op(r, o) => {
                for out in op(&mut states[r], node(r), &o) {
                    for (i, p) in pending.iter_mut().enumerate() {
                        if i != r {
                            p.push(out.clone());
                        }
                    }
                }
            }
            Step::Gossip(pick, to) => {
                if !pending[to].is_empty() {
                    let at = pick % pending[to].len();
                    let o = pending[to].remove(at);
                    states[to].apply(&o);
                }
            }
        }
    }
    for (st, p) in states.iter_mut().zip(&pending) {
        for o in p {
            st.apply(o);
        }
    }
    for (i, st) in states.iter().enumerate() {
        prop_assert_eq!(st, &states[0], "replica {} differs from replica 0", i);
    }
    Ok(())
}

// ---- operations per type ----

fn vv_op(v: &mut VersionVector, r: NodeId, _: &()) {
    v.increment(r);
}

fn gcounter_op(c: &mut GCounter, r: NodeId, by: &u64) {
    c.increment(r, *by);
}
fn gcounter_cm(c: &mut GCounter, r: NodeId, by: &u64) -> Vec<GCounterOp> {
    alloc::vec![c.increment(r, *by)]
}

fn pncounter_op(c: &mut PnCounter, r: NodeId, d: &i64) {
    c.add(r, *d);
}
fn pncounter_cm(c: &mut PnCounter, r: NodeId, d: &i64) -> Vec<PnCounterOp> {
    alloc::vec![c.add(r, *d)]
}

fn gset_op(s: &mut GSet<u8>, _: NodeId, v: &u8) {
    s.insert(*v);
}
fn gset_cm(s: &mut GSet<u8>, _: NodeId, v: &u8) -> Vec<u8> {
    s.insert(*v);
    alloc::vec![*v]
}

fn twopset_op(s: &mut TwoPSet<u8>, r: NodeId, o: &(bool, u8)) {
    twopset_cm(s, r, o);
}
fn twopset_cm(s: &mut TwoPSet<u8>, _: NodeId, &(add, v): &(bool, u8)) -> Vec<TwoPSetOp<u8>> {
    if add {
        s.add(v);
        alloc::vec![TwoPSetOp::Add(v)]
    } else if s.remove(&v) {
        alloc::vec![TwoPSetOp::Remove(v)]
    } else {
        Vec::new()
    }
}

fn orset_op(s: &mut OrSet<u8>, r: NodeId, o: &(bool, u8)) {
    orset_cm(s, r, o);
}
fn orset_cm(s: &mut OrSet<u8>, r: NodeId, &(add, v): &(bool, u8)) -> Vec<OrSetOp<u8>> {
    alloc::vec![if add { s.add(r, v) } else { s.remove(&v) }]
}

fn lww_op(reg: &mut LwwRegister<u8>, r: NodeId, o: &(u8, i64)) {
    lww_cm(reg, r, o);
}
fn lww_cm(reg: &mut LwwRegister<u8>, r: NodeId, &(v, ts): &(u8, i64)) -> Vec<Stamped<u8>> {
    reg.set(v, ts, r);
    alloc::vec![Stamped {
        value: v,
        timestamp: ts,
        replica: r,
    }]
}

/// `(stale, value)`: a stale assign comes from a client that read nothing.
fn mv_op(reg: &mut MvRegister<u8>, r: NodeId, &(stale, v): &(bool, u8)) {
    if stale {
        reg.assign_with_context(r, v, &VersionVector::new());
    } else {
        reg.assign(r, v);
    }
}

fn cfg() -> ProptestConfig {
    ProptestConfig {
        cases: 128,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

macro_rules! crdt_props {
    ($laws:ident, $conv:ident, $init:expr, $op:expr, $strategy:expr) => {
        proptest! {
            #![proptest_config(cfg())]
            #[test]
            fn $laws(s in script($strategy.boxed(), 3..=6)) {
                check_merge_laws(&s, &$init, $op)?;
            }
            #[test]
            fn $conv(s in script($strategy.boxed(), 2..=10)) {
                check_convergence(&s, &$init, $op)?;
            }
        }
    };
}

crdt_props!(vv_laws, vv_converges, VersionVector::new(), vv_op, Just(()));
crdt_props!(
    gcounter_laws,
    gcounter_converges,
    GCounter::new(),
    gcounter_op,
    0u64..5
);
crdt_props!(
    pncounter_laws,
    pncounter_converges,
    PnCounter::new(),
    pncounter_op,
    -5i64..=5
);
crdt_props!(
    gset_laws,
    gset_converges,
    GSet::<u8>::new(),
    gset_op,
    0u8..8
);
crdt_props!(
    twopset_laws,
    twopset_converges,
    TwoPSet::<u8>::new(),
    twopset_op,
    (any::<bool>(), 0u8..6)
);
crdt_props!(
    orset_laws,
    orset_converges,
    OrSet::<u8>::new(),
    orset_op,
    (any::<bool>(), 0u8..6)
);
crdt_props!(
    lww_laws,
    lww_converges,
    LwwRegister::<u8>::new(),
    lww_op,
    (0u8..4, 0i64..4)
);
crdt_props!(
    mvregister_laws,
    mvregister_converges,
    MvRegister::<u8>::new(),
    mv_op,
    (any::<bool>(), 0u8..4)
);

proptest! {
    #![proptest_config(cfg())]
    #[test]
    fn gcounter_ops_converge(s in script((0u64..5).boxed(), 2..=10)) {
        check_op_convergence(&s, &GCounter::new(), gcounter_cm)?;
    }
    #[test]
    fn pncounter_ops_converge(s in script((-5i64..=5).boxed(), 2..=10)) {
        check_op_convergence(&s, &PnCounter::new(), pncounter_cm)?;
    }
    #[test]
    fn gset_ops_converge(s in script((0u8..8).boxed(), 2..=10)) {
        check_op_convergence(&s, &GSet::<u8>::new(), gset_cm)?;
    }
    #[test]
    fn twopset_ops_converge(s in script((any::<bool>(), 0u8..6).boxed(), 2..=10)) {
        check_op_convergence(&s, &TwoPSet::<u8>::new(), twopset_cm)?;
    }
    #[test]
    fn orset_ops_converge(s in script((any::<bool>(), 0u8..6).boxed(), 2..=10)) {
        check_op_convergence(&s, &OrSet::<u8>::new(), orset_cm)?;
    }
    #[test]
    fn lww_ops_converge(s in script((0u8..4, 0i64..4).boxed(), 2..=10)) {
        check_op_convergence(&s, &LwwRegister::<u8>::new(), lww_cm)?;
    }
}
