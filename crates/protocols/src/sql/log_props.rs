//! The property behind all three log formats: for deterministic
//! statements, a follower that sees only the leader's log — WAL page
//! writes on the same storage format, or row events on any format and
//! column layout — ends with the leader's table.

use super::*;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use core::fmt::Display;
use proptest::prelude::*;

const TYPES: [ColumnType; 5] = [
    ColumnType::Int,
    ColumnType::Real,
    ColumnType::Text,
    ColumnType::Bool,
    ColumnType::Timestamp,
];

/// Characters for text values: quotes, and two-byte UTF-8 so byte
/// lengths differ from character counts. At most 19 of them, so at most
/// 38 bytes — every generated text fits a slot ([`TEXT_MAX`] is 39).
const CHARS: [char; 7] = ['a', 'b', 'z', ' ', '\'', 'é', 'ß'];

/// Text literals for statements, up to exactly [`TEXT_MAX`] bytes: a
/// 36-byte UUID and two 39-byte texts, one of them mostly two-byte
/// characters.
const TEXTS: [&str; 7] = [
    "''",
    "'a'",
    "'it''s'",
    "'é ß'",
    "'123e4567-e89b-12d3-a456-426614174000'",
    "'abcdefghijklmnopqrstuvwxyz0123456789abc'",
    "'aééééééééééééééééééé'",
];

fn value(ty: ColumnType) -> BoxedStrategy<Value> {
    let v = match ty {
        ColumnType::Int => prop_oneof![-1000i64..1000, any::<i64>()]
            .prop_map(Value::Int)
            .boxed(),
        ColumnType::Real => prop_oneof![
            (-40i32..40).prop_map(f64::from),
            any::<u64>()
                .prop_map(f64::from_bits)
                .prop_filter("reals are finite", |r| r.is_finite()),
        ]
        .prop_map(Value::Real)
        .boxed(),
        ColumnType::Text => prop::collection::vec(prop::sample::select(&CHARS[..]), 0..=19)
            .prop_map(|cs| Value::Text(cs.into_iter().collect()))
            .boxed(),
        ColumnType::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        ColumnType::Timestamp => {
            prop_oneof![-1_000_000_000_000i64..1_000_000_000_000, any::<i64>()]
                .prop_map(Value::Timestamp)
                .boxed()
        }
    };
    prop_oneof![1 => Just(Value::Null), 4 => v].boxed()
}

/// `t(id INT, c1 .. cN)` with N in 0..=4 random column types and up to 30
/// rows with ids below 40.
fn table() -> impl Strategy<Value = Table> {
    prop::collection::vec(prop::sample::select(&TYPES[..]), 0..=4)
        .prop_flat_map(|types| {
            let row: Vec<BoxedStrategy<Value>> = types.iter().map(|&t| value(t)).collect();
            (
                Just(types),
                prop::collection::btree_map(0i64..40, row, 0..30),
            )
        })
        .prop_map(|(types, rows)| {
            let mut columns = vec![Column::new("id", ColumnType::Int)];
            for (i, &ty) in types.iter().enumerate() {
                columns.push(Column::new(&format!("c{}", i + 1), ty));
            }
            let mut t = Table {
                name: "t".to_string(),
                columns,
                rows: Default::default(),
            };
            for (id, mut values) in rows {
                values.insert(0, Value::Int(id));
                t.rows.insert(id, values);
            }
            t
        })
}

#[derive(Clone, Debug)]
struct Filter {
    how: u8,
    k: i64,
    col: usize,
}

/// A statement in the abstract; [`render`] turns it into SQL for the
/// table's schema.
#[derive(Clone, Debug)]
enum Op {
    Insert(Vec<(i64, u32)>),
    Update {
        col: usize,
        how: u8,
        k: i64,
        seed: u32,
        filter: Filter,
    },
    Delete(Filter),
}

fn op() -> impl Strategy<Value = Op> {
    let filter =
        (any::<u8>(), 0i64..45, 0usize..5).prop_map(|(how, k, col)| Filter { how, k, col });
    prop_oneof![
        prop::collection::vec((0i64..50, any::<u32>()), 1..=3).prop_map(Op::Insert),
        (
            0usize..4,
            any::<u8>(),
            -50i64..50,
            any::<u32>(),
            filter.clone()
        )
            .prop_map(|(col, how, k, seed, filter)| Op::Update {
                col,
                how,
                k,
                seed,
                filter
            }),
        filter.prop_map(Op::Delete),
    ]
}

fn literal(ty: ColumnType, seed: u32) -> String {
    if seed % 5 == 0 {
        return "NULL".to_string();
    }
    let k = i64::from(seed % 200) - 100;
    match ty {
        ColumnType::Int => format!("{k}"),
        ColumnType::Real => format!("{k}.5"),
        ColumnType::Text => TEXTS[seed as usize % TEXTS.len()].to_string(),
        ColumnType::Bool => if seed % 2 == 0 { "TRUE" } else { "FALSE" }.to_string(),
        // Timestamps have no literal.
        ColumnType::Timestamp => "NULL".to_string(),
    }
}

fn where_clause(f: &Filter, t: &Table) -> String {
    let col = &t.columns[f.col % t.columns.len()].name;
    let k = f.k;
    match f.how % 5 {
        0 => String::new(),
        1 => format!(" WHERE id < {k}"),
        2 => format!(" WHERE id = {k}"),
        3 => format!(" WHERE id >= {k}"),
        _ => format!(" WHERE {col} IS NULL"),
    }
}

fn render(op: &Op, t: &Table) -> String {
    match op {
        Op::Insert(rows) => {
            let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
            let values: Vec<String> = rows
                .iter()
                .map(|(id, seed)| {
                    let mut vs = vec![id.to_string()];
                    for (i, c) in t.columns.iter().enumerate().skip(1) {
                        vs.push(literal(c.ty, seed.wrapping_add(31 * i as u32)));
                    }
                    format!("({})", vs.join(", "))
                })
                .collect();
            format!(
                "INSERT INTO t ({}) VALUES {}",
                names.join(", "),
                values.join(", ")
            )
        }
        Op::Update {
            col,
            how,
            k,
            seed,
            filter,
        } => {
            let others = t.columns.len() - 1;
            if others == 0 {
                return format!("DELETE FROM t{}", where_clause(filter, t));
            }
            let c = &t.columns[1 + col % others];
            let n = &c.name;
            let expr = match (how % 3, c.ty) {
                (0, ty) => literal(ty, *seed),
                (1, ColumnType::Int | ColumnType::Timestamp) => format!("{n} + {k}"),
                (1, ColumnType::Real) => format!("{n} + {k}.25"),
                (1, ColumnType::Bool) => format!("NOT {n}"),
                (1, ColumnType::Text) => literal(ColumnType::Text, *seed),
                _ => "NULL".to_string(),
            };
            format!("UPDATE t SET {n} = {expr}{}", where_clause(filter, t))
        }
        Op::Delete(filter) => format!("DELETE FROM t{}", where_clause(filter, t)),
    }
}

/// A storage or log error as a test failure naming the step.
fn ok<T, E: Display>(r: Result<T, E>, what: &str, sql: &str) -> Result<T, TestCaseError> {
    r.map_err(|e| TestCaseError::fail(format!("{what} failed after `{sql}`: {e}")))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// (a) a WAL follower fed only the leader's page writes, (b) a table
    /// fed only row events and (c) row-event followers storing pages in
    /// v1 and v2 all end with the leader's table; the WAL follower's pages
    /// are byte-for-byte the leader's.
    #[test]
    fn every_log_format_converges_on_the_leaders_table(
        initial in table(),
        ops in prop::collection::vec(op(), 1..12),
        wal_version in prop::sample::select(&[StorageVersion::V1, StorageVersion::V2][..]),
        seed in any::<u64>(),
    ) {
        let start = "the initial table";
        let mut leader = initial.clone();
        let mut leader_pages = ok(Pages::from_table(&initial, wal_version), "laying out", start)?;
        prop_assert_eq!(&ok(leader_pages.to_table(), "round trip", start)?, &initial);
        let mut wal_follower = leader_pages.clone();
        let mut row_follower = initial.clone();
        let mut row_pages = [
            ok(Pages::from_table(&initial, StorageVersion::V1), "laying out v1", start)?,
            ok(Pages::from_table(&initial, StorageVersion::V2), "laying out v2", start)?,
        ];
        let mut ctx = SeededContext::new(0, seed);
        for op in &ops {
            let sql = render(op, &leader);
            let stmt = ok(parse(&sql), "parsing", &sql)?;
            prop_assert!(stmt.is_deterministic());
            // Statements that fail (duplicate keys, overflow) log nothing.
            let Ok(effects) = execute(&mut leader, &stmt, &mut ctx) else {
                continue;
            };

            let writes = ok(leader_pages.apply_changes(&effects.changes), "leader pages", &sql)?;
            ok(wal_follower.apply_writes(&writes, wal_version), "WAL replay", &sql)?;
            prop_assert_eq!(&wal_follower, &leader_pages, "after `{}`", sql);

            let events = row_events(&leader, &effects.changes);
            prop_assert_eq!(events.len(), effects.changes.len());
            ok(apply_row_events(&mut row_follower, &events), "row events", &sql)?;
            for pages in &mut row_pages {
                let current = ok(pages.to_table(), "decoding", &sql)?;
                let changes = ok(plan_row_events(&current, &events), "planning row events", &sql)?;
                ok(pages.apply_changes(&changes), "row-event follower pages", &sql)?;
            }

            prop_assert_eq!(&ok(leader_pages.to_table(), "decoding", &sql)?, &leader, "after `{}`", sql);
            prop_assert_eq!(&ok(wal_follower.to_table(), "decoding", &sql)?, &leader, "after `{}`", sql);
            prop_assert_eq!(&row_follower, &leader, "after `{}`", sql);
            for pages in &row_pages {
                prop_assert_eq!(&ok(pages.to_table(), "decoding", &sql)?, &leader, "after `{}`", sql);
            }
        }
    }
}
