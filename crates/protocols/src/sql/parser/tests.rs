//! The parser on the article's statements and every statement form:
//! precedence, error positions and wording, the bounds, and printing.

use super::*;
use crate::sql::ast::{CmpOp, Function};
use crate::sql::value::{ArithOp, Value};
use alloc::boxed::Box;
use alloc::string::ToString;
use alloc::vec;

fn col(c: &str) -> Box<Expr> {
    Box::new(Expr::Column(c.into()))
}
fn int(i: i64) -> Box<Expr> {
    Box::new(Expr::Literal(Value::Int(i)))
}
fn err(src: &str) -> String {
    parse(src).unwrap_err().to_string()
}
/// The expression re-printed: shows the tree's grouping.
fn shape(src: &str) -> String {
    parse_expr(src).unwrap().to_string()
}

#[test]
fn the_articles_update() {
    let s = parse("UPDATE accounts SET balance = balance * 1.1 WHERE status = 'active'").unwrap();
    assert_eq!(
        s,
        Statement::Update {
            table: "accounts".into(),
            set: vec![(
                "balance".into(),
                Expr::Arith {
                    op: ArithOp::Mul,
                    left: col("balance"),
                    right: Box::new(Expr::Literal(Value::Real(1.1))),
                }
            )],
            filter: Some(Expr::Compare {
                op: CmpOp::Eq,
                left: col("status"),
                right: Box::new(Expr::Literal(Value::Text("active".into()))),
            }),
        }
    );
    assert!(s.is_deterministic());
}

#[test]
fn all_statement_forms() {
    let s = parse("insert into T (id, name) values (1, 'a''b'), (2, NULL);").unwrap();
    assert_eq!(
        s,
        Statement::Insert {
            table: "T".into(),
            columns: vec!["id".into(), "name".into()],
            rows: vec![
                vec![*int(1), Expr::Literal(Value::Text("a'b".into()))],
                vec![*int(2), Expr::Literal(Value::Null)],
            ],
        }
    );
    assert_eq!(
        parse("DELETE FROM t").unwrap(),
        Statement::Delete {
            table: "t".into(),
            filter: None
        }
    );
    assert_eq!(
        parse("SELECT * FROM t WHERE created_at < NOW()").unwrap(),
        Statement::Select {
            table: "t".into(),
            projection: Projection::All,
            filter: Some(Expr::Compare {
                op: CmpOp::Lt,
                left: col("created_at"),
                right: Box::new(Expr::Call(Function::Now)),
            }),
        }
    );
    let s = parse("select id, status from t").unwrap();
    assert_eq!(
        s,
        Statement::Select {
            table: "t".into(),
            projection: Projection::Columns(vec!["id".into(), "status".into()]),
            filter: None,
        }
    );
    let s = parse("UPDATE t SET a = RAND(), b = uuid() WHERE c < now()").unwrap();
    assert_eq!(
        s.nondeterministic_functions(),
        vec![Function::Now, Function::Rand, Function::Uuid]
    );
}

#[test]
fn precedence_and_associativity() {
    assert_eq!(shape("1 + 2 * 3"), "1 + 2 * 3");
    assert_eq!(shape("(1 + 2) * 3"), "(1 + 2) * 3");
    assert_eq!(shape("1 - (2 - 3)"), "1 - (2 - 3)");
    assert_eq!(shape("((1 - 2) - 3)"), "1 - 2 - 3");
    assert_eq!(
        parse_expr("a - b - c").unwrap(),
        Expr::Arith {
            op: ArithOp::Sub,
            left: Box::new(Expr::Arith {
                op: ArithOp::Sub,
                left: col("a"),
                right: col("b"),
            }),
            right: col("c"),
        }
    );
    assert_eq!(
        parse_expr("a OR b AND c").unwrap(),
        Expr::Or(col("a"), Box::new(Expr::And(col("b"), col("c"))))
    );
    assert_eq!(
        parse_expr("NOT a = 1 AND b").unwrap(),
        Expr::And(
            Box::new(Expr::Not(Box::new(Expr::Compare {
                op: CmpOp::Eq,
                left: col("a"),
                right: int(1),
            }))),
            col("b")
        )
    );
    assert_eq!(
        parse_expr("-a * b").unwrap(),
        Expr::Arith {
            op: ArithOp::Mul,
            left: Box::new(Expr::Neg(col("a"))),
            right: col("b"),
        }
    );
    assert_eq!(
        shape("a + 1 >= b * 2 OR NOT (c <> 3)"),
        "a + 1 >= b * 2 OR NOT c <> 3"
    );
    assert_eq!(shape("(a OR b) AND c"), "(a OR b) AND c");
    assert_eq!(shape("- -1"), "- -1");
    assert_eq!(shape("-(1 + 2)"), "-(1 + 2)");
    assert_eq!(
        shape("x IS NOT NULL AND y is null"),
        "x IS NOT NULL AND y IS NULL"
    );
    assert_eq!(shape("a != b"), "a <> b");
    assert_eq!(
        parse_expr("-9223372036854775808").unwrap(),
        Expr::Literal(Value::Int(i64::MIN))
    );
}

#[test]
fn error_positions_and_expectations() {
    assert_eq!(
        err("UPDATE t SET balance = WHERE id = 1"),
        "column 24: expected a value after '=' but found 'WHERE'"
    );
    let e = parse("UPDATE t SET balance = WHERE id = 1").unwrap_err();
    assert_eq!((e.pos, e.line, e.column), (23, 1, 24));
    assert_eq!(
        err("SELEC * FROM t"),
        "column 1: expected INSERT, UPDATE, DELETE or SELECT but found 'SELEC'"
    );
    assert_eq!(
        err("SELECT * FROM where"),
        "column 15: expected a table name after 'FROM' but found 'where' (a reserved word)"
    );
    assert_eq!(
        err("INSERT INTO t (id VALUES (1)"),
        "column 19: expected ',' or ')' after 'id' but found 'VALUES'"
    );
    assert_eq!(
            err("DELETE FROM t WHERE a = 1 = 2"),
            "column 27: expected AND or OR between comparisons (comparisons do not chain; add parentheses) but found '='"
        );
    assert_eq!(
        err("SELECT * FROM t WHERE (a = 1"),
        "column 29: expected ')' after '1' but found end of input"
    );
    assert_eq!(
            err("SELECT * FROM t WHERE a = foo()"),
            "column 27: expected a column or one of the functions NOW(), RAND(), UUID() but found 'foo('"
        );
    assert_eq!(
        err("SELECT * FROM t WHERE a = now(1)"),
        "column 31: expected ')' (NOW() takes no arguments) after '(' but found '1'"
    );
    assert_eq!(
        err("DELETE FROM t x"),
        "column 15: expected end of statement but found 'x'"
    );
    assert_eq!(
            err("SELECT * FROM t WHERE a = 9223372036854775808"),
            "column 27: expected an integer at most 9223372036854775807 but found '9223372036854775808'"
        );
    assert_eq!(
        err("UPDATE t\nSET a = 'x' b"),
        "line 2, column 13: expected end of statement but found 'b'"
    );
    assert_eq!(
        err(""),
        "column 1: expected INSERT, UPDATE, DELETE or SELECT but found end of input"
    );
}

#[test]
fn nesting_and_length_are_bounded() {
    let deep = format!(
        "SELECT * FROM t WHERE {}1{}",
        "(".repeat(100),
        ")".repeat(100)
    );
    assert!(err(&deep).contains("nested at most 64 levels deep"));
    let ok = format!(
        "SELECT * FROM t WHERE {}1{} = 1",
        "(".repeat(60),
        ")".repeat(60)
    );
    assert!(parse(&ok).is_ok());
    let long = format!("SELECT * FROM t WHERE a = 1{}", " + 1".repeat(1000));
    assert!(err(&long).contains("at most 512 operands"));
    let negs = format!("SELECT * FROM t WHERE a = {}1", "-".repeat(10_000));
    assert!(parse(&negs).is_err());
    // 128 levels: `a = ` and a chain of 127 terms.
    let tall = format!("DELETE FROM t WHERE a = 1{}", " + 1".repeat(126));
    assert_eq!(parse(&tall).unwrap().expressions()[0].height(), MAX_HEIGHT);
    let taller = format!("DELETE FROM t WHERE a = 1{}", " + 1".repeat(127));
    assert_eq!(
            err(&taller),
            "column 21: expected an expression at most 128 levels deep but found one 129 levels deep (split it into several statements)"
        );
    let values = format!("INSERT INTO t (a) VALUES (1{})", " * 1".repeat(200));
    assert!(err(&values).contains("at most 128 levels deep"));
    assert!(parse_expr(&format!("1{}", " OR 1".repeat(200))).is_err());
    // Long statements of shallow expressions stay fine.
    let rows = format!(
        "INSERT INTO t (a, b) VALUES (1, 2){}",
        ", (1, 2)".repeat(250)
    );
    assert!(parse(&rows).is_ok());
}

/// The deepest and the longest statements the parser accepts are
/// evaluated, printed, compared and dropped on a 1 MB stack (a
/// browser's WebAssembly stack), even unoptimised.
#[cfg(feature = "std")]
#[test]
fn the_largest_accepted_trees_fit_a_small_stack() {
    extern crate std;
    use crate::sql::{execute, SeededContext, Table};
    let chain = format!(
        "UPDATE accounts SET balance = 1 WHERE balance = 1{}",
        " + 1".repeat(126)
    );
    let nested = format!(
        "UPDATE accounts SET balance = {}1{} WHERE {}balance = 1 OR balance = 2{}",
        "-(".repeat(31),
        " * 1 + 1)".repeat(31),
        "NOT (".repeat(32),
        ")".repeat(32),
    );
    let rows: Vec<String> = (0..100)
        .map(|i| format!("({}, -{i}, NOW())", i + 10))
        .collect();
    let insert = format!(
        "INSERT INTO accounts (id, balance, created_at) VALUES {}",
        rows.join(", ")
    );
    for src in [chain, nested, insert] {
        let worker = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || {
                let stmt = parse(&src).unwrap();
                assert_eq!(parse(&stmt.to_string()).unwrap(), stmt.clone());
                let mut t = Table::accounts_example();
                execute(&mut t, &stmt, &mut SeededContext::new(0, 1)).unwrap();
            })
            .unwrap();
        assert!(worker.join().is_ok());
    }
}

#[test]
fn printing_round_trips() {
    for src in [
        "UPDATE accounts SET balance = balance * 1.1 WHERE status = 'active'",
        "INSERT INTO t (id, name, at) VALUES (1, 'it''s', NOW()), (2, NULL, NOW() - 5)",
        "DELETE FROM t WHERE NOT (a = 1 OR b = 2) AND c IS NOT NULL",
        "SELECT id, balance FROM accounts WHERE -balance / (2 - 3) * 4 <= 10.25",
        "SELECT * FROM t WHERE a - -9223372036854775808 > - -1",
        "UPDATE t SET a = -(1 + 2), b = 1 / (2 * 3), c = 1 / 2 * 3",
    ] {
        let s = parse(src).unwrap();
        assert_eq!(s.to_string(), src);
        assert_eq!(parse(&s.to_string()).unwrap(), s);
    }
}
