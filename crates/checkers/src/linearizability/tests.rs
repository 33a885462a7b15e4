//! The checker against known answers, histories produced by a sequential
//! object (linearizable by construction), and a brute-force search over
//! every order on small random histories (failing cases are printed).

use alloc::vec;
use alloc::vec::Vec;
use proptest::prelude::*;

use super::search::{replay, respects_real_time};
use super::*;

type Reg = Register<Option<i64>>;

fn op(
    call: u64,
    ret: Option<u64>,
    input: RegisterOp<Option<i64>>,
    output: Option<RegisterAnswer<Option<i64>>>,
) -> Op<Reg> {
    Op {
        call,
        ret,
        input,
        output,
    }
}

fn w(call: u64, ret: u64, v: i64) -> Op<Reg> {
    op(
        call,
        Some(ret),
        RegisterOp::Write(Some(v)),
        Some(RegisterAnswer::Written),
    )
}

fn r(call: u64, ret: u64, v: Option<i64>) -> Op<Reg> {
    op(
        call,
        Some(ret),
        RegisterOp::Read,
        Some(RegisterAnswer::Read(v)),
    )
}

fn cas(call: u64, ret: u64, from: i64, to: i64, ok: bool) -> Op<Reg> {
    op(
        call,
        Some(ret),
        RegisterOp::Cas(Some(from), Some(to)),
        Some(RegisterAnswer::Cas(ok)),
    )
}

fn verdict(ops: &[Op<Reg>]) -> Option<bool> {
    check(&Register::new(), ops, Budget::default())
        .verdict
        .is_linearizable()
}

#[test]
fn known_histories() {
    // A read overlapping a write may see either value.
    assert_eq!(verdict(&[w(0, 10, 1), r(5, 15, Some(1))]), Some(true));
    assert_eq!(verdict(&[w(0, 10, 1), r(5, 15, None)]), Some(true));
    // A read after the write answered must see it.
    assert_eq!(verdict(&[w(0, 10, 1), r(11, 15, None)]), Some(false));
    // Touching intervals are concurrent.
    assert_eq!(verdict(&[w(0, 10, 1), r(10, 15, None)]), Some(true));
    // New then old: two reads during one write cannot go backwards.
    assert_eq!(
        verdict(&[w(0, 100, 1), r(10, 20, Some(1)), r(30, 40, None)]),
        Some(false)
    );
    // Compare-and-set: a match changes the value, a miss does not.
    assert_eq!(
        verdict(&[w(0, 1, 1), cas(2, 3, 1, 2, true), r(4, 5, Some(2))]),
        Some(true)
    );
    assert_eq!(
        verdict(&[w(0, 1, 1), cas(2, 3, 1, 2, false), r(4, 5, Some(1))]),
        Some(false)
    );
    assert_eq!(
        verdict(&[w(0, 1, 1), cas(2, 3, 5, 2, false), r(4, 5, Some(1))]),
        Some(true)
    );
    // An unanswered write may take effect later...
    let pending = op(0, None, RegisterOp::Write(Some(7)), None);
    assert_eq!(verdict(&[pending.clone(), r(50, 60, Some(7))]), Some(true));
    // ...or never,
    assert_eq!(verdict(&[pending.clone(), r(50, 60, None)]), Some(true));
    // but not before it was invoked, and not undone once seen.
    let late = op(100, None, RegisterOp::Write(Some(7)), None);
    assert_eq!(verdict(&[late, r(50, 60, Some(7))]), Some(false));
    assert_eq!(
        verdict(&[pending, r(50, 60, Some(7)), r(70, 80, None)]),
        Some(false)
    );
}

#[test]
fn an_explanation_names_the_prefix_and_what_cannot_follow() {
    let ops = [
        w(0, 10, 1),
        r(20, 30, Some(1)),
        w(40, 50, 2),
        r(60, 70, Some(1)),
    ];
    let out = check(&Register::new(), &ops, Budget::default());
    let Verdict::NotLinearizable(why) = out.verdict else {
        panic!("{:?}", out.verdict)
    };
    assert_eq!(why.prefix, [0, 1, 2]);
    assert_eq!(why.stuck, [3]);
    let text = explain(&Register::new(), &ops, &why, |i| alloc::format!("#{i}"));
    assert!(
        text.contains("3 operation(s) can be put in one order (#0, #1, #2)"),
        "{text}"
    );
    assert!(text.contains("the register holds 2"), "{text}");
    assert!(text.contains("#3 (read → 1)"), "{text}");
}

#[test]
fn a_budget_too_small_says_unknown() {
    // Many concurrent writes and a read no order explains: the search must
    // try many orders before it can say no.
    let mut ops: Vec<Op<Reg>> = (0..12).map(|i| w(0, 100, i)).collect();
    ops.push(r(200, 210, Some(99)));
    let out = check(&Register::new(), &ops, Budget { steps: 50 });
    assert!(
        matches!(out.verdict, Verdict::Unknown { steps: 50, .. }),
        "{:?}",
        out.verdict
    );
    assert_eq!(
        check(&Register::new(), &ops, Budget::default())
            .verdict
            .is_linearizable(),
        Some(false)
    );
}

#[test]
fn keys_are_checked_apart_and_one_bad_key_decides() {
    let good = vec![w(0, 10, 1), r(20, 30, Some(1))];
    let bad = vec![w(0, 10, 1), r(20, 30, Some(2))];
    let report = check_keys(
        &Register::new(),
        &[("a", good.clone()), ("b", bad), ("c", good)],
        Budget::default(),
    );
    assert_eq!(report.valid, Some(false));
    let invalid: Vec<&str> = report.invalid().map(|k| k.key).collect();
    assert_eq!(invalid, ["b"]);
}

/// One operation of a random sequential run: it takes effect at
/// `at`, inside `[call, ret]`.
fn arb_run() -> impl Strategy<Value = Vec<(u8, i64, u64, u64, u64, bool)>> {
    proptest::collection::vec(
        (
            0u8..3,
            0i64..4,
            0u64..250,
            1u64..250,
            0u64..40,
            any::<bool>(),
        ),
        0..14,
    )
}

/// Builds a linearizable history: runs the operations in order on a
/// register at distinct instants and gives each an interval around its
/// instant; some lose their answer (crashed clients).
fn sequential(run: &[(u8, i64, u64, u64, u64, bool)]) -> Vec<Op<Reg>> {
    let mut state: Option<i64> = None;
    let mut ops = Vec::new();
    for (i, &(kind, v, before, after, _, lost)) in run.iter().enumerate() {
        let at = 100 * (i as u64 + 1);
        let (input, output) = match kind {
            0 => (RegisterOp::Read, RegisterAnswer::Read(state)),
            1 => {
                state = Some(v);
                (RegisterOp::Write(Some(v)), RegisterAnswer::Written)
            }
            _ => {
                let matched = state == Some(v % 2);
                if matched {
                    state = Some(v);
                }
                (
                    RegisterOp::Cas(Some(v % 2), Some(v)),
                    RegisterAnswer::Cas(matched),
                )
            }
        };
        let call = at - before.min(at);
        if lost {
            ops.push(op(call, None, input, None));
        } else {
            ops.push(op(call, Some(at + after), input, Some(output)));
        }
    }
    ops
}

/// Every order of the operations that respects real time, tried on the
/// model; operations that never answered may also be left out.
fn brute_force(ops: &[Op<Reg>]) -> bool {
    brute_force_on(&Register::new(), ops)
}

fn brute_force_on<M: Model>(model: &M, ops: &[Op<M>]) -> bool {
    fn go<M: Model>(model: &M, ops: &[Op<M>], state: M::State, used: &mut Vec<bool>) -> bool {
        // Done when every answered operation is placed.
        if (0..ops.len()).all(|i| used[i] || ops[i].ret.is_none()) {
            return true;
        }
        for i in 0..ops.len() {
            if used[i] {
                continue;
            }
            // i may go next only if no unplaced operation answered before
            // i was invoked.
            let blocked = (0..ops.len())
                .any(|j| !used[j] && j != i && ops[j].ret.is_some_and(|r| r < ops[i].call));
            if blocked {
                continue;
            }
            if let Some(next) = model.step(&state, &ops[i].input, ops[i].output.as_ref()) {
                used[i] = true;
                if go(model, ops, next, used) {
                    return true;
                }
                used[i] = false;
            }
        }
        false
    }
    go(model, ops, model.init(), &mut vec![false; ops.len()])
}

/// The key-value model as first written, on plain strings: the reference
/// the fingerprinted model is checked against.
struct PlainKv;

impl Model for PlainKv {
    type State = alloc::string::String;
    type Input = KvOp;
    type Output = KvAnswer;

    fn init(&self) -> Self::State {
        Self::State::new()
    }

    fn step(
        &self,
        state: &Self::State,
        input: &KvOp,
        output: Option<&KvAnswer>,
    ) -> Option<Self::State> {
        match (input, output) {
            (KvOp::Get, None) => Some(state.clone()),
            (KvOp::Get, Some(KvAnswer::Got(v))) => (v == state).then(|| state.clone()),
            (KvOp::Put(v), None | Some(KvAnswer::Done)) => Some(v.clone()),
            (KvOp::Append(v), None | Some(KvAnswer::Done)) => Some(alloc::format!("{state}{v}")),
            _ => None,
        }
    }

    fn describe_state(&self, state: &Self::State) -> alloc::string::String {
        state.clone()
    }

    fn describe_op(&self, input: &KvOp, _: Option<&KvAnswer>) -> alloc::string::String {
        alloc::format!("{input:?}")
    }
}

/// Random key-value histories on one key: puts, appends and gets of short
/// strings built from two letters, so different orders often give the
/// same string and the fingerprinted states are compared often.
fn arb_kv_history() -> impl Strategy<Value = Vec<Op<KeyValue>>> {
    proptest::collection::vec((0u8..3, 0u8..4, 0u64..30, 0u64..15, 0u8..8), 0..8).prop_map(|ops| {
        let word = |w: u8| ["", "a", "b", "ab"][usize::from(w)];
        ops.into_iter()
            .map(|(kind, w, call, len, answer)| {
                let ret = (answer > 1).then_some(call + len);
                let (input, output) = match kind {
                    0 => (
                        KvOp::Get,
                        KvAnswer::Got(alloc::format!("{}{}", word(w), word(answer % 4))),
                    ),
                    1 => (KvOp::Put(word(w).into()), KvAnswer::Done),
                    _ => (KvOp::Append(word(w).into()), KvAnswer::Done),
                };
                Op {
                    call,
                    ret,
                    input,
                    output: ret.map(|_| output),
                }
            })
            .collect()
    })
}

/// Random intervals and random answers: mostly not linearizable.
fn arb_history() -> impl Strategy<Value = Vec<Op<Reg>>> {
    proptest::collection::vec((0u8..3, 0i64..3, 0u64..30, 0u64..15, 0u8..8), 0..8).prop_map(|ops| {
        ops.into_iter()
            .map(|(kind, v, call, len, answer)| {
                // A quarter never answer: twins and open-ended writes are common.
                let ret = (answer > 1).then_some(call + len);
                let value = (v != 0).then_some(v);
                let (input, output) = match kind {
                    0 => (RegisterOp::Read, RegisterAnswer::Read(value)),
                    1 => (RegisterOp::Write(Some(v)), RegisterAnswer::Written),
                    _ => (
                        RegisterOp::Cas(Some(v), Some((v + 1) % 3)),
                        RegisterAnswer::Cas(answer % 2 == 0),
                    ),
                };
                op(call, ret, input, ret.map(|_| output))
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(crate::sweep_config(2_000))]

    /// The key-value model's fingerprinted strings (`Text`) against a
    /// brute-force search on plain strings ([`PlainKv`]); under `cfg(test)` every
    /// fingerprint comparison is also checked against the whole strings.
    #[test]
    fn key_value_verdicts_match_a_brute_force_search(ops in arb_kv_history()) {
        let out = check(&KeyValue, &ops, Budget::default());
        let plain: Vec<Op<PlainKv>> = ops
            .iter()
            .map(|o| Op { call: o.call, ret: o.ret, input: o.input.clone(), output: o.output.clone() })
            .collect();
        let expected = brute_force_on(&PlainKv, &plain);
        prop_assert_eq!(out.verdict.is_linearizable(), Some(expected), "{:?}", ops);
    }

    #[test]
    fn histories_of_a_sequential_register_are_linearizable(run in arb_run()) {
        let ops = sequential(&run);
        let out = check(&Register::new(), &ops, Budget::default());
        let Verdict::Linearizable { order } = &out.verdict else {
            return Err(TestCaseError::fail(alloc::format!("{:?}\n{ops:?}", out.verdict)));
        };
        // The witness is one: it replays and keeps real-time order.
        prop_assert!(replay(&Register::new(), &ops, order).is_ok());
        prop_assert!(respects_real_time(&ops, order));
    }

    /// The page checks in slices: stopping every few steps and going on
    /// reaches the verdict a single search reaches, in as many steps.
    #[test]
    fn a_search_in_slices_ends_where_one_search_ends(ops in arb_history(), slice in 1u64..20) {
        let whole = check(&Register::new(), &ops, Budget::default());
        let mut search = search::Search::new(Register::new(), ops.clone());
        let verdict = loop {
            if let Some(v) = search.advance(slice) {
                break v;
            }
        };
        prop_assert_eq!(&verdict, &whole.verdict);
        prop_assert_eq!(search.steps(), whole.steps);
        prop_assert_eq!(search.advance(slice), Some(verdict));
    }

    #[test]
    fn the_search_agrees_with_trying_every_order(ops in arb_history()) {
        let expected = brute_force(&ops);
        let out = check(&Register::new(), &ops, Budget::default());
        prop_assert_eq!(out.verdict.is_linearizable(), Some(expected), "{:?}", ops);
        match &out.verdict {
            Verdict::Linearizable { order } => {
                prop_assert!(replay(&Register::new(), &ops, order).is_ok());
                prop_assert!(respects_real_time(&ops, order));
            }
            Verdict::NotLinearizable(why) => {
                // The prefix is a real partial linearization, and something
                // is named as unable to follow it.
                prop_assert!(replay(&Register::new(), &ops, &why.prefix).is_ok());
                prop_assert!(respects_real_time(&ops, &why.prefix));
                prop_assert!(!why.stuck.is_empty());
            }
            Verdict::Unknown { .. } => prop_assert!(false, "budget"),
        }
    }
}
