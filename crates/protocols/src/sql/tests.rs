//! End-to-end tests of the SQL subset: the article's statements, NULL
//! logic, errors that leave the table untouched, and the property behind
//! statement-based replication — a statement without `NOW()`, `RAND()` or
//! `UUID()` gives the same result on every replica, one with them diverges.

use super::*;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

const ARTICLE: &str = "UPDATE accounts SET balance = balance * 1.1 WHERE status = 'active'";

/// The leader: clock at 0, seed 1.
fn leader() -> SeededContext {
    SeededContext::new(0, 1)
}

/// A follower whose clock lags ~2.3 days and whose stream differs.
fn follower() -> SeededContext {
    SeededContext::new(-200_000_000_000, 2)
}

fn ids(e: &Effects) -> Vec<i64> {
    e.changes.iter().map(|c| c.id).collect()
}

fn balance(t: &Table, id: i64) -> Value {
    t.get(id).unwrap()[1].clone()
}

#[test]
fn the_articles_update_rounds_into_the_int_column() {
    let mut t = Table::accounts_example();
    let before = t.clone();
    let e = execute_sql(&mut t, ARTICLE, &mut leader()).unwrap();
    assert_eq!(e.matched, 3);
    assert_eq!(ids(&e), vec![1, 3, 4]);
    // 100 * 1.1 = 110.00000000000001 -> 110; 5 * 1.1 = 5.5 -> 6;
    // 1005 * 1.1 = 1105.5 -> 1106 (half away from zero).
    assert_eq!(balance(&t, 1), Value::Int(110));
    assert_eq!(balance(&t, 3), Value::Int(6));
    assert_eq!(balance(&t, 4), Value::Int(1106));
    // Closed accounts are untouched.
    assert_eq!(t.get(2), before.get(2));
    assert_eq!(t.get(5), before.get(5));
    // Before/after images.
    let c = &e.changes[0];
    assert_eq!(c.before.as_ref(), before.get(1));
    assert_eq!(c.after.as_ref(), t.get(1));
    assert!(e.selected.is_none());
}

#[test]
fn a_real_balance_column_keeps_the_fraction() {
    let mut t = Table::new(
        "accounts",
        vec![
            Column::new("id", ColumnType::Int),
            Column::new("balance", ColumnType::Real),
            Column::new("status", ColumnType::Text),
        ],
    )
    .unwrap();
    execute_sql(
        &mut t,
        "INSERT INTO accounts (id, balance, status) VALUES (1, 100, 'active')",
        &mut leader(),
    )
    .unwrap();
    // The INT literal 100 is widened on storage.
    assert_eq!(balance(&t, 1), Value::Real(100.0));
    execute_sql(&mut t, ARTICLE, &mut leader()).unwrap();
    assert_eq!(balance(&t, 1), Value::Real(110.00000000000001));
    assert_eq!(balance(&t, 1).to_string(), "110.00000000000001");
}

#[test]
fn deterministic_statements_agree_on_every_replica() {
    for src in [
        ARTICLE,
        "UPDATE accounts SET balance = balance - 1, status = 'frozen' WHERE balance > 50 AND NOT status = 'closed'",
        "DELETE FROM accounts WHERE balance < 10 OR status IS NULL",
        "INSERT INTO accounts (id, balance, status) VALUES (9, 7 * 6, 'new'), (7, -1, NULL)",
        "SELECT id, balance FROM accounts WHERE balance >= 100",
    ] {
        let stmt = parse(src).unwrap();
        assert!(stmt.is_deterministic(), "{src}");
        let (mut a, mut b) = (Table::accounts_example(), Table::accounts_example());
        let ea = execute(&mut a, &stmt, &mut leader()).unwrap();
        let eb = execute(&mut b, &stmt, &mut follower()).unwrap();
        assert_eq!(ea, eb, "{src}");
        assert_eq!(a, b, "{src}");
    }
}

#[test]
fn rand_makes_replicas_diverge() {
    let src = "UPDATE accounts SET balance = balance + RAND() * 100 WHERE status = 'active'";
    let stmt = parse(src).unwrap();
    assert_eq!(stmt.nondeterministic_functions(), vec![Function::Rand]);
    let (mut a, mut b) = (Table::accounts_example(), Table::accounts_example());
    execute(&mut a, &stmt, &mut leader()).unwrap();
    execute(&mut b, &stmt, &mut follower()).unwrap();
    let bal = |t: &Table| [1, 3, 4].map(|id| balance(t, id));
    assert_eq!(bal(&a), [Value::Int(188), Value::Int(85), Value::Int(1085)]);
    assert_eq!(bal(&b), [Value::Int(116), Value::Int(69), Value::Int(1023)]);
    // The same context stream replays the same result.
    let mut c = Table::accounts_example();
    execute(&mut c, &stmt, &mut leader()).unwrap();
    assert_eq!(a, c);
}

#[test]
fn now_and_uuid_make_replicas_diverge() {
    let src = "INSERT INTO accounts (id, balance, status, created_at) VALUES (6, 0, UUID(), NOW())";
    let (mut a, mut b) = (Table::accounts_example(), Table::accounts_example());
    execute_sql(&mut a, src, &mut leader()).unwrap();
    execute_sql(&mut b, src, &mut follower()).unwrap();
    assert_eq!(
        a.get(6).unwrap()[2..],
        [
            Value::Text("e062af6f-216c-4642-8da2-a7e3d990010a".into()),
            Value::Timestamp(0)
        ]
    );
    assert_eq!(
        b.get(6).unwrap()[2..],
        [
            Value::Text("2979bc39-3d53-46d1-a340-a87cce81d222".into()),
            Value::Timestamp(-200_000_000_000)
        ]
    );

    // A clock-dependent DELETE removes different rows on a lagging replica.
    let src = "DELETE FROM accounts WHERE created_at < NOW() - 259200000000";
    let (mut a, mut b) = (Table::accounts_example(), Table::accounts_example());
    let ea = execute_sql(&mut a, src, &mut leader()).unwrap();
    let eb = execute_sql(&mut b, src, &mut follower()).unwrap();
    assert_eq!(ids(&ea), vec![1, 2, 3]);
    assert_eq!(ids(&eb), vec![1, 2]);
    assert!(eb.changes.iter().all(|c| c.after.is_none()));
}

#[test]
fn select_with_now_and_projection() {
    let mut t = Table::accounts_example();
    let e = execute_sql(
        &mut t,
        "SELECT id, status FROM accounts WHERE created_at < NOW() - 432000000000",
        &mut leader(),
    )
    .unwrap();
    let rs = e.selected.unwrap();
    assert_eq!(rs.columns, vec!["id", "status"]);
    assert_eq!(
        rs.rows,
        vec![
            vec![Value::Int(1), Value::Text("active".into())],
            vec![Value::Int(2), Value::Text("closed".into())],
        ]
    );
    assert!(e.changes.is_empty());
    let all = execute_sql(
        &mut t,
        "select * from ACCOUNTS where created_at < now()",
        &mut leader(),
    )
    .unwrap();
    assert_eq!(all.matched, 5);
    assert_eq!(all.selected.unwrap().rows[0].len(), 4);
}

/// Counts how often the clock is read.
struct Counting {
    clock_reads: u32,
    draws: u64,
}

impl EvalContext for Counting {
    fn now_us(&mut self) -> i64 {
        self.clock_reads += 1;
        1_000 * i64::from(self.clock_reads)
    }
    fn next_u64(&mut self) -> u64 {
        self.draws += 1;
        if self.draws == 1 {
            0
        } else {
            u64::MAX
        }
    }
}

#[test]
fn now_is_fixed_per_statement_and_rand_uuid_use_the_stream() {
    let mut ctx = Counting {
        clock_reads: 0,
        draws: 0,
    };
    let mut t = Table::accounts_example();
    let e = execute_sql(
        &mut t,
        "INSERT INTO accounts (id, created_at) VALUES (8, NOW()), (7, NOW() + 1)",
        &mut ctx,
    )
    .unwrap();
    assert_eq!(ctx.clock_reads, 1);
    // Effects are in primary-key order, not VALUES order.
    assert_eq!(ids(&e), vec![7, 8]);
    assert_eq!(t.get(7).unwrap()[3], Value::Timestamp(1_001));
    assert_eq!(t.get(8).unwrap()[3], Value::Timestamp(1_000));
    assert_eq!(t.get(8).unwrap()[1], Value::Null);

    // Draw 1 is 0, every later draw is all ones.
    let r = |ctx: &mut Counting| eval_expr(&parse_expr("RAND()").unwrap(), ctx).unwrap();
    assert_eq!(r(&mut ctx), Value::Real(0.0));
    assert_eq!(
        r(&mut ctx),
        Value::Real(1.0 - 1.0 / 9_007_199_254_740_992.0)
    );
    let mut ctx = Counting {
        clock_reads: 0,
        draws: 0,
    };
    assert_eq!(uuid_v4(&mut ctx), "00000000-0000-4000-bfff-ffffffffffff");
}

#[test]
fn node_ctx_is_an_eval_context() {
    let mut rng = crate::rng::SimRng::stream(1, "sql");
    let mut effects = Vec::new();
    let mut ctx: crate::node::Ctx<'_, (), crate::node::NoTimer> =
        crate::node::Ctx::new(crate::node::NodeId(1), 3, 42, &mut rng, &mut effects);
    let v = eval_expr(&parse_expr("NOW() - NOW()").unwrap(), &mut ctx).unwrap();
    assert_eq!(v, Value::Int(0));
    let v = eval_expr(&parse_expr("NOW()").unwrap(), &mut ctx).unwrap();
    assert_eq!(v, Value::Timestamp(42));
    // Same stream as the leader's SeededContext: same first UUID.
    let v = eval_expr(&parse_expr("UUID()").unwrap(), &mut ctx).unwrap();
    assert_eq!(
        v,
        Value::Text("e062af6f-216c-4642-8da2-a7e3d990010a".into())
    );
}

fn eval(src: &str) -> Value {
    eval_expr(&parse_expr(src).unwrap(), &mut leader()).unwrap()
}

#[test]
fn three_valued_logic() {
    let (t, f, n) = (Value::Bool(true), Value::Bool(false), Value::Null);
    assert_eq!(eval("NULL = NULL"), n);
    assert_eq!(eval("1 <> NULL"), n);
    assert_eq!(eval("NOT NULL"), n);
    assert_eq!(eval("NULL AND FALSE"), f);
    assert_eq!(eval("NULL AND TRUE"), n);
    assert_eq!(eval("NULL OR TRUE"), t);
    assert_eq!(eval("NULL OR FALSE"), n);
    assert_eq!(eval("NULL IS NULL"), t);
    assert_eq!(eval("1 + NULL IS NOT NULL"), f);
    assert_eq!(eval("1 < 2 AND 2.5 > 2 AND 'a' < 'b' AND TRUE > FALSE"), t);
    assert_eq!(eval("1 = 1.0"), t);
    assert_eq!(eval("7 / 2"), Value::Int(3));
    assert_eq!(eval("7 / 2.0"), Value::Real(3.5));
    assert_eq!(eval("-(2 - 5) * 2"), Value::Int(6));
    assert_eq!(eval("NOW() > NOW() - 1"), t);

    // WHERE keeps only TRUE: a NULL status is neither 'closed' nor not.
    let mut tb = Table::accounts_example();
    execute_sql(
        &mut tb,
        "INSERT INTO accounts (id, balance) VALUES (6, 1)",
        &mut leader(),
    )
    .unwrap();
    let count = |tb: &mut Table, w: &str| {
        execute_sql(
            tb,
            &("SELECT id FROM accounts WHERE ".to_string() + w),
            &mut leader(),
        )
        .unwrap()
        .matched
    };
    assert_eq!(count(&mut tb, "status = 'closed'"), 2);
    assert_eq!(count(&mut tb, "status <> 'closed'"), 3);
    assert_eq!(count(&mut tb, "NOT (status = 'closed')"), 3);
    assert_eq!(count(&mut tb, "status IS NULL"), 1);
    assert_eq!(count(&mut tb, "status = 'closed' OR status IS NULL"), 3);
    assert_eq!(count(&mut tb, "created_at < NOW()"), 5);
}

fn fails(src: &str) -> String {
    let mut t = Table::accounts_example();
    let before = t.clone();
    let e = execute_sql(&mut t, src, &mut leader()).unwrap_err();
    assert_eq!(t, before, "a failing statement must not change the table");
    e.to_string()
}

#[test]
fn errors_name_the_problem_and_leave_the_table_unchanged() {
    assert_eq!(
        fails("UPDATE accounts SET balance = balanc + 1"),
        "unknown column 'balanc' in table accounts (columns: id, balance, status, created_at)"
    );
    assert_eq!(
        fails("SELECT id, nope FROM accounts"),
        "unknown column 'nope' in table accounts (columns: id, balance, status, created_at)"
    );
    assert_eq!(
        fails("UPDATE accounts SET status = 'a' + 1"),
        "type error: cannot apply '+' to TEXT 'a' and INT 1"
    );
    // Rows 1 and 2 are fine; row 3 (balance 5) divides by zero.
    assert_eq!(
        fails("UPDATE accounts SET balance = 100 / (balance - 5)"),
        "division by zero"
    );
    assert_eq!(
        fails("UPDATE accounts SET balance = balance * 9223372036854775807 WHERE id = 1"),
        "numeric overflow: 100 * 9223372036854775807 is out of range"
    );
    assert_eq!(
        fails("UPDATE accounts SET balance = 'lots'"),
        "cannot store TEXT 'lots' in column 'balance' of type INT"
    );
    assert_eq!(
        fails("UPDATE accounts SET id = id + 1"),
        "cannot UPDATE the primary key column 'id'"
    );
    assert_eq!(
        fails("UPDATE accounts SET balance = 1, BALANCE = 2"),
        "column 'BALANCE' is listed more than once"
    );
    assert_eq!(
        fails("DELETE FROM accounts WHERE balance"),
        "WHERE condition must be a boolean but was INT 100"
    );
    assert_eq!(
        fails("DELETE FROM accounts WHERE status AND TRUE"),
        "type error: AND needs boolean operands but got TEXT 'active'"
    );
    assert_eq!(
        fails("DELETE FROM accounts WHERE created_at < 5"),
        "type error: cannot compare t=-10d 00:00:00 with INT 5"
    );
    assert_eq!(
        fails("DELETE FROM users"),
        "unknown table 'users' (this node's table is accounts)"
    );
    assert_eq!(
        fails("INSERT INTO accounts (id) VALUES (7), (3)"),
        "duplicate primary key: a row with id 3 already exists"
    );
    assert_eq!(
        fails("INSERT INTO accounts (id) VALUES (7), (7)"),
        "duplicate primary key: a row with id 7 already exists"
    );
    assert_eq!(
        fails("INSERT INTO accounts (balance) VALUES (7)"),
        "VALUES row 1 has no primary key: column 'id' must be given and not NULL"
    );
    assert_eq!(
        fails("INSERT INTO accounts (id, balance) VALUES (7, 1), (8)"),
        "VALUES row 2 has 1 value(s) but 2 column(s) were listed"
    );
    assert_eq!(
        fails("INSERT INTO accounts (id, balance) VALUES (7, balance)"),
        "column reference 'balance' is not allowed in VALUES (there is no row to read it from)"
    );
    assert_eq!(
        fails("UPDATE accounts SET balance = WHERE id = 1"),
        "column 31: expected a value after '=' but found 'WHERE'"
    );
    // An unknown column is reported even when no row would reach it.
    let mut empty = Table::new("t", vec![Column::new("id", ColumnType::Int)]).unwrap();
    assert!(matches!(
        execute_sql(&mut empty, "DELETE FROM t WHERE x = 1", &mut leader()),
        Err(SqlError::UnknownColumn { .. })
    ));
}

#[test]
fn an_update_that_changes_nothing_matches_but_lists_no_change() {
    let mut t = Table::accounts_example();
    let e = execute_sql(
        &mut t,
        "UPDATE accounts SET status = 'closed' WHERE status = 'closed' OR id = 1",
        &mut leader(),
    )
    .unwrap();
    assert_eq!(e.matched, 3);
    assert_eq!(ids(&e), vec![1]);
}

#[cfg(not(target_arch = "wasm32"))]
mod props {
    use super::*;
    use alloc::format;
    use proptest::prelude::*;

    /// Random function-free expressions over the accounts columns.
    fn expr() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            (-50i64..2000).prop_map(|i| format!("({i})")),
            (0u32..300).prop_map(|i| format!("{}.{}", i / 10, i % 10)),
            Just("NULL".to_string()),
            prop::sample::select(&["id", "balance", "'active'", "status"][..])
                .prop_map(String::from),
        ];
        leaf.prop_recursive(4, 32, 2, |inner| {
            let ops =
                prop::sample::select(&["+", "-", "*", "/", "=", "<>", "<", ">=", "AND", "OR"][..]);
            prop_oneof![
                (inner.clone(), ops, inner.clone())
                    .prop_map(|(a, o, b)| format!("(({a}) {o} ({b}))")),
                inner.clone().prop_map(|a| format!("NOT ({a})")),
                inner.prop_map(|a| format!("-({a})")),
            ]
        })
    }

    fn with_nondeterminism() -> impl Strategy<Value = String> {
        (
            expr(),
            prop::sample::select(&["RAND() * 1000", "UUID()", "NOW()"][..]),
        )
            .prop_map(|(e, f)| match f {
                "UUID()" => {
                    format!("UPDATE accounts SET status = UUID() WHERE ({e}) IS NULL OR TRUE")
                }
                "NOW()" => {
                    format!("UPDATE accounts SET created_at = NOW() WHERE ({e}) IS NULL OR TRUE")
                }
                _ => format!("UPDATE accounts SET balance = {f} WHERE ({e}) IS NULL OR TRUE"),
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

        /// Without NOW()/RAND()/UUID() two replicas with different clocks and
        /// streams compute identical effects (or the identical error, with
        /// the table untouched).
        #[test]
        fn function_free_statements_never_diverge(set in expr(), filter in expr(), seed in any::<u64>()) {
            for src in [
                format!("UPDATE accounts SET balance = {set} WHERE {filter}"),
                format!("DELETE FROM accounts WHERE {filter}"),
                format!("SELECT * FROM accounts WHERE {filter}"),
            ] {
                let stmt = parse(&src).unwrap();
                prop_assert!(stmt.is_deterministic());
                let (mut a, mut b) = (Table::accounts_example(), Table::accounts_example());
                let ra = execute(&mut a, &stmt, &mut SeededContext::new(0, seed));
                let rb = execute(&mut b, &stmt, &mut SeededContext::new(-7, seed ^ 0x5555));
                prop_assert_eq!(&ra, &rb);
                prop_assert_eq!(&a, &b);
                if ra.is_err() {
                    prop_assert_eq!(a, Table::accounts_example());
                }
            }
        }

        /// With them, the same statement on every row diverges between two
        /// differently seeded replicas with different clocks.
        #[test]
        fn node_dependent_statements_diverge(src in with_nondeterminism(), seed in any::<u64>()) {
            let stmt = parse(&src).unwrap();
            prop_assert!(!stmt.is_deterministic());
            let (mut a, mut b) = (Table::accounts_example(), Table::accounts_example());
            let ra = execute(&mut a, &stmt, &mut SeededContext::new(0, seed));
            let rb = execute(&mut b, &stmt, &mut SeededContext::new(-7, seed.wrapping_add(1)));
            if let (Ok(_), Ok(_)) = (&ra, &rb) {
                prop_assert_ne!(a, b);
            }
        }
    }
}
