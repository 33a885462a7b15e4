//! Pages byte by byte: the documented widths, round trips in both
//! versions, slot reuse, writes merged field by field, replay on a
//! follower, and the refusals that leave pages untouched.

use super::*;
use crate::sql::value::ColumnType;
use crate::sql::{execute_sql, SeededContext};
use alloc::string::ToString;

fn run(t: &mut Table, p: &mut Pages, sql: &str) -> Vec<PageWrite> {
    let e = execute_sql(t, sql, &mut SeededContext::new(0, 1)).unwrap();
    p.apply_changes(&e.changes).unwrap()
}

/// Every column type, NULLs, text at the limit and -0.0.
fn all_types() -> Table {
    let mut t = Table::new(
        "mixed",
        vec![
            Column::new("id", ColumnType::Int),
            Column::new("r", ColumnType::Real),
            Column::new("s", ColumnType::Text),
            Column::new("b", ColumnType::Bool),
            Column::new("ts", ColumnType::Timestamp),
        ],
    )
    .unwrap();
    let rows = [
        vec![
            Value::Int(-7),
            Value::Real(-0.0),
            Value::Text("x".repeat(TEXT_MAX)),
            Value::Bool(true),
            Value::Timestamp(i64::MIN),
        ],
        vec![
            Value::Int(0),
            Value::Null,
            Value::Text("é'".into()),
            Value::Bool(false),
            Value::Null,
        ],
        vec![
            Value::Int(i64::MAX),
            Value::Real(1e300),
            Value::Null,
            Value::Null,
            Value::Timestamp(-1),
        ],
    ];
    for r in rows {
        let Value::Int(id) = r[0] else { unreachable!() };
        t.rows.insert(id, r);
    }
    t
}

#[test]
fn layout_sizes_follow_the_documented_widths() {
    let t = Table::accounts_example();
    let v1 = Pages::from_table(&t, StorageVersion::V1).unwrap();
    // flag 1 + bitmap 1 + id 8 + balance 8 + status 40 + created_at 8;
    // three slots (198 bytes) per page, so the five rows take two.
    assert_eq!(v1.slot_size(), 66);
    assert_eq!(v1.slots_per_page(), 3);
    assert_eq!(v1.page_count(), 2);
    assert_eq!(v1.byte_len(), 2 * PAGE_SIZE);
    // The 2-byte header: 68 bytes, still three (204 bytes) per page.
    let v2 = Pages::from_table(&t, StorageVersion::V2).unwrap();
    assert_eq!(v2.slot_size(), 68);
    assert_eq!(v2.slots_per_page(), 3);
    assert_eq!(v2.page_count(), 2);
    // Row 3 (balance 5): used, no NULLs, id 3, balance 5 — little-endian
    // in v1, big-endian after a column-count header in v2.
    let a = v1.slot_of(3).unwrap();
    assert_eq!(a, SlotAddr { page: 0, slot: 2 });
    let page = v1.page(0).unwrap();
    assert_eq!(page[132..134], [1, 0]);
    assert_eq!(page[134..142], 3i64.to_le_bytes());
    assert_eq!(page[142..150], 5i64.to_le_bytes());
    assert_eq!(page[150..157], [6, b'a', b'c', b't', b'i', b'v', b'e']);
    // The spare bytes after the last slot stay zero.
    assert_eq!(page[198..], [0; 58]);
    let page = v2.page(0).unwrap();
    assert_eq!(page[136..140], [1, 0, 4, 0]);
    assert_eq!(page[140..148], 3i64.to_be_bytes());
    assert_eq!(page[204..], [0; 52]);
    assert_eq!(v1.slot_of(4), Some(SlotAddr { page: 1, slot: 0 }));
    assert_eq!(v2.slot_of(5), Some(SlotAddr { page: 1, slot: 1 }));
    assert_eq!(v1.version(), StorageVersion::V1);
}

#[test]
fn pages_round_trip_every_type_in_both_versions() {
    for t in [Table::accounts_example(), all_types()] {
        for v in [StorageVersion::V1, StorageVersion::V2] {
            let p = Pages::from_table(&t, v).unwrap();
            assert_eq!(p.to_table().unwrap(), t, "{v}");
            assert_eq!(p.row_count(), t.rows.len());
        }
    }
    let empty = Table::new("e", vec![Column::new("id", ColumnType::Int)]).unwrap();
    let p = Pages::from_table(&empty, StorageVersion::V1).unwrap();
    assert_eq!(p.page_count(), 0);
    assert_eq!(p.to_table().unwrap(), empty);
}

#[test]
fn v1_and_v2_lay_out_the_same_table_differently() {
    let t = all_types();
    let v1 = Pages::from_table(&t, StorageVersion::V1).unwrap();
    let v2 = Pages::from_table(&t, StorageVersion::V2).unwrap();
    assert_ne!(v1.page(0), v2.page(0));
}

#[test]
fn tables_that_do_not_fit_are_refused() {
    let mut t = Table::accounts_example();
    t.rows.get_mut(&2).unwrap()[2] = Value::Text("y".repeat(TEXT_MAX + 1));
    let e = Pages::from_table(&t, StorageVersion::V1).unwrap_err();
    assert_eq!(
        e,
        StorageError::TextTooLong {
            column: "status".into(),
            len: 40,
            max: 39
        }
    );
    assert_eq!(
        e.to_string(),
        "text of 40 bytes does not fit column 'status': a page slot holds at most 39 bytes of text"
    );
    // An id and six TEXT columns just fit (one slot per page); a
    // seventh does not.
    let wide = |texts: usize| {
        let cols: Vec<Column> = core::iter::once(Column::new("id", ColumnType::Int))
            .chain((0..texts).map(|i| Column::new(&alloc::format!("t{i}"), ColumnType::Text)))
            .collect();
        Table::new("wide", cols).unwrap()
    };
    let p = Pages::from_table(&wide(6), StorageVersion::V1).unwrap();
    assert_eq!((p.slot_size(), p.slots_per_page()), (1 + 1 + 8 + 6 * 40, 1));
    assert_eq!(
        Pages::from_table(&wide(7), StorageVersion::V1).unwrap_err(),
        StorageError::RowTooWide {
            slot_size: 1 + 1 + 8 + 7 * 40,
            page_size: 256
        }
    );
    let t = Table::accounts_example();
    assert_eq!(
        Pages::from_table(&t, StorageVersion(3))
            .unwrap_err()
            .to_string(),
        "storage format v3 is not supported (this build knows v1 and v2)"
    );
    let mut t = Table::accounts_example();
    t.rows.get_mut(&1).unwrap()[1] = Value::Text("no".into());
    assert_eq!(
        Pages::from_table(&t, StorageVersion::V1)
            .unwrap_err()
            .to_string(),
        "cannot store TEXT 'no' in column 'balance' of type INT"
    );
    let mut t = Table::accounts_example();
    t.rows.get_mut(&1).unwrap()[0] = Value::Int(9);
    assert!(matches!(
        Pages::from_table(&t, StorageVersion::V1),
        Err(StorageError::KeyMismatch { id: 1, .. })
    ));
}

#[test]
fn insert_fills_the_first_free_slot_then_a_new_page() {
    let mut t = Table::accounts_example();
    let mut p = Pages::from_table(&t, StorageVersion::V1).unwrap();
    // Three 66-byte slots per page: page 0 is full and page 1 has
    // rows 4 and 5 in slots 0 and 1, so slot 2 is the first free one.
    assert_eq!(p.page_count(), 2);
    let w = run(
        &mut t,
        &mut p,
        "INSERT INTO accounts (id, balance, status) VALUES (6, 0, 'new')",
    );
    assert_eq!(p.slot_of(6), Some(SlotAddr { page: 1, slot: 2 }));
    assert_eq!(p.page_count(), 2);
    // Slot 2 starts at byte 132: flag+bitmap+id are one range; balance
    // 0 stays zero bytes; status is 8 bytes further on, too far to
    // merge; created_at is NULL.
    assert_eq!(w.len(), 2);
    assert_eq!((w[0].page, w[0].offset, w[0].after.len()), (1, 132, 10));
    assert_eq!(w[0].after[..2], [1, 0b1000]);
    assert_eq!(w[0].before, vec![0; 10]);
    assert_eq!((w[1].page, w[1].offset, w[1].after.len()), (1, 150, 40));
    assert_eq!(p.to_table().unwrap(), t);
    // Every slot is used now, so the next row starts page 2.
    let w = run(&mut t, &mut p, "INSERT INTO accounts (id) VALUES (7)");
    assert_eq!(p.slot_of(7), Some(SlotAddr { page: 2, slot: 0 }));
    assert_eq!(p.page_count(), 3);
    assert_eq!(w.len(), 1);
    assert_eq!((w[0].page, w[0].offset, w[0].after.len()), (2, 0, 10));
    assert_eq!(w[0].after[..2], [1, 0b1110]);
    assert_eq!(p.to_table().unwrap(), t);
}

#[test]
fn delete_then_insert_reuses_the_slot() {
    let mut t = Table::accounts_example();
    let mut p = Pages::from_table(&t, StorageVersion::V1).unwrap();
    let w = run(&mut t, &mut p, "DELETE FROM accounts WHERE id = 2");
    assert_eq!(p.slot_of(2), None);
    // The whole slot (66..132) is zeroed; balance 250 is 0xfa,
    // "closed" and the timestamp are non-zero, so one merged range.
    assert_eq!(w.len(), 1);
    assert_eq!((w[0].page, w[0].offset, w[0].after.len()), (0, 66, 66));
    assert!(w[0].after.iter().all(|&b| b == 0));
    assert_eq!(p.page(0).unwrap()[66..132], [0; 66]);
    // Page 1 still has a free slot 2, but page 0's slot 1 comes first.
    run(&mut t, &mut p, "INSERT INTO accounts (id) VALUES (9)");
    assert_eq!(p.slot_of(9), Some(SlotAddr { page: 0, slot: 1 }));
    assert_eq!(p.page_count(), 2);
    assert_eq!(p.to_table().unwrap(), t);
}

#[test]
fn update_of_one_int_column_writes_just_its_eight_bytes() {
    let mut t = Table::accounts_example();
    let mut p = Pages::from_table(&t, StorageVersion::V1).unwrap();
    let w = run(
        &mut t,
        &mut p,
        "UPDATE accounts SET balance = 110 WHERE id = 1",
    );
    // Slot 0, balance after flag (1), bitmap (1) and id (8).
    assert_eq!(
        w,
        vec![PageWrite {
            page: 0,
            offset: 10,
            before: 100i64.to_le_bytes().to_vec(),
            after: 110i64.to_le_bytes().to_vec(),
        }]
    );
    assert_eq!(
        w[0].to_string(),
        "page 0, bytes 10–17: 64 00 00 00 00 00 00 00 → 6e 00 00 00 00 00 00 00"
    );
    assert_eq!(w[0].encoded_len(), 16);
    assert_eq!(p.to_table().unwrap(), t);
}

#[test]
fn nearby_changed_fields_share_a_write() {
    // Adjacent fields merge; so do fields one byte apart.
    let mut t = Table::accounts_example();
    let mut p = Pages::from_table(&t, StorageVersion::V1).unwrap();
    let w = run(
        &mut t,
        &mut p,
        "UPDATE accounts SET balance = 1, status = 'x' WHERE id = 1",
    );
    // balance (10..18) and the 40-byte status (18..58) are adjacent.
    assert_eq!(w.len(), 1);
    assert_eq!((w[0].offset, w[0].after.len()), (10, 48));
    let cols = ["id", "a", "b", "c"].map(|n| {
        Column::new(
            n,
            if n == "id" {
                ColumnType::Int
            } else {
                ColumnType::Bool
            },
        )
    });
    let mut t = Table::new("f", cols.to_vec()).unwrap();
    let mut p = Pages::from_table(&t, StorageVersion::V1).unwrap();
    run(
        &mut t,
        &mut p,
        "INSERT INTO f (id, a, b, c) VALUES (1, FALSE, FALSE, FALSE)",
    );
    let w = run(&mut t, &mut p, "UPDATE f SET a = TRUE, c = TRUE");
    assert_eq!(w.len(), 1);
    assert_eq!(
        (w[0].offset, w[0].before.clone(), w[0].after.clone()),
        (10, vec![0, 0, 0], vec![1, 0, 1])
    );
    assert_eq!(w[0].to_string(), "page 0, bytes 10–12: 00 00 00 → 01 00 01");
    // Setting a column to NULL clears its bytes and sets its bit.
    let w = run(&mut t, &mut p, "UPDATE f SET c = NULL");
    assert_eq!(w.len(), 2);
    assert_eq!((w[0].offset, w[0].after.clone()), (1, vec![0b1000]));
    assert_eq!((w[1].offset, w[1].after.clone()), (12, vec![0]));
    assert_eq!(w[0].to_string(), "page 0, byte 1: 00 → 08");
}

#[test]
fn long_writes_are_shortened_in_display() {
    let w = PageWrite {
        page: 3,
        offset: 200,
        before: vec![0; 12],
        after: (1..=12).collect(),
    };
    assert_eq!(
        w.to_string(),
        "page 3, bytes 200–211: 00 00 00 00 00 00 00 00 … → 01 02 03 04 05 06 07 08 …"
    );
    assert_eq!(w.encoded_len(), 20);
}

#[test]
fn a_follower_replays_the_leaders_writes() {
    for v in [StorageVersion::V1, StorageVersion::V2] {
        let mut t = Table::accounts_example();
        let mut leader = Pages::from_table(&t, v).unwrap();
        let mut follower = leader.clone();
        for sql in [
                "UPDATE accounts SET balance = balance * 1.1 WHERE status = 'active'",
                "DELETE FROM accounts WHERE id = 2",
                "INSERT INTO accounts (id, balance, status) VALUES (8, 1, 'a'), (6, 2, NULL), (7, 3, 'c')",
                "UPDATE accounts SET status = NULL WHERE id > 5",
            ] {
                let w = run(&mut t, &mut leader, sql);
                follower.apply_writes(&w, v).unwrap();
                assert_eq!(follower, leader, "{sql}");
                assert_eq!(follower.to_table().unwrap(), t, "{sql}");
            }
    }
}

#[test]
fn a_follower_on_another_storage_version_is_refused() {
    let mut t = Table::accounts_example();
    let mut leader = Pages::from_table(&t, StorageVersion::V2).unwrap();
    let mut follower = Pages::from_table(&t, StorageVersion::V1).unwrap();
    let before = follower.clone();
    let w = run(&mut t, &mut leader, "UPDATE accounts SET balance = 0");
    let e = follower.apply_writes(&w, StorageVersion::V2).unwrap_err();
    assert_eq!(
        e,
        StorageError::VersionMismatch {
            stream: StorageVersion::V2,
            local: StorageVersion::V1
        }
    );
    assert_eq!(
        e.to_string(),
        "WAL written by storage format v2 cannot be applied by a node on storage format v1: \
             physical replication needs the same storage engine version on leader and followers"
    );
    assert_eq!(follower, before);
}

#[test]
fn corrupt_before_bytes_are_detected_and_nothing_is_applied() {
    let mut t = Table::accounts_example();
    let mut leader = Pages::from_table(&t, StorageVersion::V1).unwrap();
    let mut follower = leader.clone();
    let w = run(&mut t, &mut leader, "UPDATE accounts SET balance = 7");
    assert_eq!(w.len(), 5);
    // The follower missed an earlier write to row 4 (page 1, slot 0,
    // balance at offset 10).
    let mut diverged = Table::accounts_example();
    let missed = run(
        &mut diverged,
        &mut follower,
        "UPDATE accounts SET balance = 1 WHERE id = 4",
    );
    assert_eq!(missed.len(), 1);
    let before = follower.clone();
    let e = follower.apply_writes(&w, StorageVersion::V1).unwrap_err();
    assert_eq!(
        e,
        StorageError::Corrupt {
            page: 1,
            offset: 10
        }
    );
    assert_eq!(
        e.to_string(),
        "WAL record for page 1, offset 10 expects bytes this node does not have: \
             its pages have diverged from the leader's"
    );
    // The first three writes (rows 1–3 on page 0) matched, yet none of
    // them stuck.
    assert_eq!(follower, before);
}

#[test]
fn malformed_writes_are_refused_without_effect() {
    let t = Table::accounts_example();
    let mut p = Pages::from_table(&t, StorageVersion::V1).unwrap();
    let before = p.clone();
    let w = |page, offset, before: Vec<u8>, after: Vec<u8>| PageWrite {
        page,
        offset,
        before,
        after,
    };
    let cases = [
        w(0, 10, vec![0], vec![1, 2]),
        w(0, 10, vec![], vec![]),
        // The table has pages 0 and 1, so page 3 skips page 2.
        w(3, 0, vec![0], vec![1]),
        w(u32::MAX, 0, vec![0], vec![1]),
        w(0, 250, vec![0; 8], vec![1; 8]),
        w(0, u16::MAX, vec![0], vec![1]),
        // A used flag of 2 and a NULL primary key do not decode.
        w(0, 0, vec![1], vec![2]),
        w(0, 1, vec![0], vec![1]),
        // Row 1's id rewritten to row 2's.
        w(
            0,
            2,
            1i64.to_le_bytes().to_vec(),
            2i64.to_le_bytes().to_vec(),
        ),
        // A text length past the field: 40 > TEXT_MAX.
        w(0, 18, vec![6], vec![40]),
        // Text that is not UTF-8 cannot come from a leader.
        w(0, 19, vec![b'a'], vec![0xff]),
    ];
    for c in &cases {
        let e = p.apply_writes(core::slice::from_ref(c), StorageVersion::V1);
        assert!(e.is_err(), "{c}");
        assert_eq!(p, before, "{c}");
    }
    // A fresh page (page 2) may be started by a write.
    let mut grown = p.clone();
    grown
        .apply_writes(&[w(2, 2, vec![0], vec![0])], StorageVersion::V1)
        .unwrap();
    assert_eq!(grown.page_count(), 3);
}

#[test]
fn bad_changes_leave_the_pages_unchanged() {
    let t = Table::accounts_example();
    let mut p = Pages::from_table(&t, StorageVersion::V1).unwrap();
    let before = p.clone();
    let row = |id: i64, status: &str| {
        vec![
            Value::Int(id),
            Value::Int(1),
            Value::Text(status.into()),
            Value::Null,
        ]
    };
    let ok_update = RowChange {
        id: 1,
        before: t.get(1).cloned(),
        after: Some(row(1, "ok")),
    };
    let ok_insert = RowChange {
        id: 6,
        before: None,
        after: Some(row(6, "ok")),
    };
    for bad in [
        RowChange {
            id: 7,
            before: None,
            after: Some(row(7, &"z".repeat(TEXT_MAX + 1))),
        },
        RowChange {
            id: 1,
            before: None,
            after: Some(row(1, "dup")),
        },
        RowChange {
            id: 9,
            before: Some(row(9, "")),
            after: None,
        },
        RowChange {
            id: 9,
            before: Some(row(9, "")),
            after: Some(row(9, "")),
        },
        RowChange {
            id: 3,
            before: None,
            after: Some(vec![Value::Int(3)]),
        },
    ] {
        let changes = [ok_update.clone(), ok_insert.clone(), bad.clone()];
        assert!(p.apply_changes(&changes).is_err(), "{bad:?}");
        assert_eq!(p, before);
    }
    assert_eq!(
        p.apply_changes(&[RowChange {
            id: 9,
            before: None,
            after: None
        }]),
        Err(StorageError::MissingRow { id: 9 })
    );
    assert!(p.apply_changes(&[ok_update, ok_insert]).is_ok());
}
