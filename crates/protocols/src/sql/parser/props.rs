//! Random input: word soup never panics, and well-formed expressions
//! print back to text that parses to the same tree.

use super::*;
use alloc::string::ToString;
use proptest::prelude::*;

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(crate::sql::SQL_WORDS), 0..40)
        .prop_map(|w| w.join(" "))
}

/// Random well-formed expressions, as text.
fn expr_text() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        (0i64..1000).prop_map(|i| i.to_string()),
        (0u32..1000).prop_map(|i| format!("{}.{}", i / 10, i % 10)),
        Just("NULL".to_string()),
        Just("TRUE".to_string()),
        Just("'s''t'".to_string()),
        prop::sample::select(&["a", "b", "balance"][..]).prop_map(String::from),
        prop::sample::select(&["NOW()", "RAND()", "UUID()"][..]).prop_map(String::from),
    ];
    leaf.prop_recursive(5, 64, 2, |inner| {
        let ops =
            prop::sample::select(&["+", "-", "*", "/", "=", "<>", "<", ">=", "AND", "OR"][..]);
        prop_oneof![
            (inner.clone(), ops, inner.clone()).prop_map(|(a, o, b)| format!("(({a}) {o} ({b}))")),
            inner.clone().prop_map(|a| format!("NOT ({a})")),
            inner.clone().prop_map(|a| format!("-({a})")),
            inner.prop_map(|a| format!("({a}) IS NOT NULL")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_strings_never_panic(s in ".{0,80}") {
        let _ = parse(&s);
        let _ = parse_expr(&s);
    }

    #[test]
    fn token_soups_never_panic(s in soup()) {
        if let Ok(stmt) = parse(&s) {
            prop_assert_eq!(parse(&stmt.to_string()), Ok(stmt));
        }
        let _ = parse_expr(&s);
    }

    #[test]
    fn statements_print_and_reparse_to_the_same_tree(e in expr_text()) {
        let src = format!("UPDATE t SET a = {e} WHERE {e}");
        let stmt = parse(&src).unwrap();
        let printed = stmt.to_string();
        prop_assert_eq!(parse(&printed).unwrap(), stmt, "{}", printed);
    }
}
