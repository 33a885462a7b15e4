//! The form's checks without a browser: keys and values, every kind of
//! request, statements parsed before sending, and a chosen user going
//! through the router.

use super::*;

#[test]
fn requests_are_checked() {
    assert_eq!(
        parse_request(true, " x ", "42"),
        Ok(Request::Write {
            key: "x".into(),
            value: 42
        })
    );
    assert_eq!(
        parse_request(false, "user:7", "junk"),
        Ok(Request::Read {
            key: "user:7".into(),
            at_least: None,
        })
    );
    assert!(parse_request(true, "", "1")
        .unwrap_err()
        .starts_with("A key is"));
    assert!(parse_request(true, "a b", "1").is_err());
    assert!(parse_request(true, "x", "1.5")
        .unwrap_err()
        .contains("'1.5' is not a whole number"));
    assert!(parse_request(true, "x", "99999999999999999999").is_err());
}

#[test]
fn every_kind_of_request_is_built_from_the_form() {
    let key = String::from("likes");
    assert_eq!(
        parse_op(OpKind::Increment, "likes", "-2"),
        Ok(Request::Increment {
            key: key.clone(),
            by: -2
        })
    );
    assert_eq!(
        parse_op(OpKind::Add, "likes", "7"),
        Ok(Request::Add {
            key: key.clone(),
            value: 7
        })
    );
    assert_eq!(
        parse_op(OpKind::Remove, "likes", "7"),
        Ok(Request::Remove { key, value: 7 })
    );
    assert_eq!(
        parse_op(OpKind::Read, "likes", "junk"),
        Ok(Request::read("likes"))
    );
    assert!(parse_op(OpKind::Add, "likes", "x").is_err());
    use replicascope_core::protocol::multi_leader::{CrdtKind, MultiLeaderConfig, Resolution};
    use replicascope_core::protocol::Spec;
    let crdt = |crdt| {
        let c = MultiLeaderConfig {
            resolution: Resolution::Crdt,
            crdt,
            ..Default::default()
        };
        match c.features().requests {
            RequestForm::Merged { default } => op_kind(default),
            other => panic!("a multi-leader form is merged, not {other:?}"),
        }
    };
    assert_eq!(crdt(CrdtKind::PnCounter), OpKind::Increment);
    assert_eq!(crdt(CrdtKind::OrSet), OpKind::Add);
    assert_eq!(crdt(CrdtKind::MvRegister), OpKind::Write);
}

#[test]
fn statements_are_parsed_before_sending() {
    for (_, sql) in EXAMPLES {
        assert_eq!(
            parse_sql(sql, "accounts"),
            Ok(Request::Sql { sql: sql.into() }),
            "{sql}"
        );
    }
    let e = parse_sql("UPDATE accounts SET balance =", "accounts").unwrap_err();
    assert!(
        e.starts_with("That statement does not parse: column 30: expected"),
        "{e}"
    );
    let e = parse_sql("SELECT *\nFROM", "accounts").unwrap_err();
    assert!(e.contains("line 2, column"), "{e}");
    assert!(parse_sql("  ", "accounts")
        .unwrap_err()
        .starts_with("Type a statement"));
    assert!(parse_sql(&"x".repeat(MAX_SQL + 1), "accounts")
        .unwrap_err()
        .contains("at most"));
    // A table the cluster does not have: refused here, nothing sent.
    let e = parse_sql("DELETE FROM nowhere", "accounts").unwrap_err();
    assert!(
        e.contains("no table 'nowhere'") && e.contains("Nothing was sent"),
        "{e}"
    );
    assert!(parse_sql("delete from ACCOUNTS where id = 1", "accounts").is_ok());
    // Whatever is typed, nothing panics.
    for junk in ["'", "((((", "SELECT * FROM accounts WHERE ", "é€😀", "\0"] {
        assert!(parse_sql(junk, "accounts").is_err(), "{junk}");
    }
}

#[test]
fn a_chosen_user_goes_through_the_router() {
    let r = Request::read("x");
    assert_eq!(
        client_action(2, 0, r.clone()),
        Action::Client {
            node: NodeId(1),
            request: r.clone()
        }
    );
    assert_eq!(
        client_action(2, 3, r.clone()),
        Action::Session {
            session: 3,
            request: r
        }
    );
}
