//! What a single-leader node stores and how a log entry changes it, for
//! each replication log format. Key-value writes are the same in every
//! format. A SQL statement becomes, on the leader, one of three things:
//! the statement text (followers execute it again, with their own clock
//! and random stream), the physical page bytes it changed (followers copy
//! bytes), or one before/after image per changed row (followers apply
//! rows). Every applied entry keeps an undo record so a follower can
//! rewind its log after a failover without replaying from scratch.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::config::LogFormat;
use crate::sql::{
    apply_changes, execute, parse, plan_row_events, row_events, EvalContext, PageWrite, Pages,
    RowChange, RowEvent, StorageVersion, Table, Value,
};

/// What one log entry changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// A key-value write (every format).
    Put { key: String, value: i64 },
    /// Statement-based: the text, executed again by each follower.
    /// `leader_result` is what the leader's execution changed — no real
    /// binlog carries it (it is not counted in the stream size); the
    /// simulator keeps it to point at the moment, and the cells, where a
    /// follower diverged.
    Statement {
        sql: String,
        leader_result: Vec<RowChange>,
    },
    /// Row-based (logical): one event per changed row.
    Rows { events: Vec<RowEvent> },
    /// WAL shipping (physical): the byte ranges changed in pages, in the
    /// leader's storage format.
    Wal {
        version: StorageVersion,
        writes: Vec<PageWrite>,
    },
}

impl Change {
    /// Bytes this change takes in the replication stream.
    pub fn encoded_len(&self) -> usize {
        match self {
            Change::Put { key, .. } => 8 + key.len() + 8,
            Change::Statement { sql, .. } => 8 + sql.len(),
            Change::Rows { events } => events.iter().map(RowEvent::encoded_len).sum(),
            Change::Wal { writes, .. } => writes.iter().map(PageWrite::encoded_len).sum(),
        }
    }

    /// Events in the stream: one statement, one per row, one per page range.
    pub fn events(&self) -> usize {
        match self {
            Change::Put { .. } | Change::Statement { .. } => 1,
            Change::Rows { events } => events.len(),
            Change::Wal { writes, .. } => writes.len(),
        }
    }

    /// A few words for the diagram and the narration.
    pub fn summary(&self) -> String {
        match self {
            Change::Put { key, value } => format!("{key} = {value}"),
            Change::Statement { sql, .. } => format!("statement \"{}\"", clip(sql, 60)),
            Change::Rows { events } => match events.as_slice() {
                [one] => format!("1 row event: {one}"),
                [first, ..] => format!("{} row events, first: {first}", events.len()),
                [] => String::from("no row changed"),
            },
            Change::Wal { writes, version } => match writes.as_slice() {
                [one] => format!("1 page write (v{}): {one}", version.0),
                [first, ..] => format!(
                    "{} page writes (v{}), first: {first}",
                    writes.len(),
                    version.0
                ),
                [] => String::from("no page changed"),
            },
        }
    }
}

fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => String::from(s),
    }
}

/// A key's value and the write that set it: its LSN, and the leadership
/// (epoch and leader) that wrote it — one LSN names different writes in
/// different leaderships.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyValue {
    pub value: i64,
    pub lsn: u64,
    pub epoch: u32,
    pub leader: crate::node::NodeId,
}

/// How to take an applied entry back.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Undo {
    /// The key's value before a `Put` (`None`: it did not exist).
    put: Option<(String, Option<KeyValue>)>,
    /// Table rows the entry changed.
    rows: Vec<RowChange>,
    /// Page bytes the entry changed (nodes storing pages).
    pages: Vec<PageWrite>,
}

/// The node's data.
#[derive(Clone, Debug)]
pub struct Store {
    /// Key → its value and the write that set it.
    pub kv: BTreeMap<String, KeyValue>,
    pub table: Table,
    /// Under WAL shipping the pages are the storage; the table is their
    /// decoded view.
    pages: Option<Pages>,
    pub version: StorageVersion,
}

/// The example table with `rows` rows: the five rows of the SQL examples
/// (created days ago), then more of the same shape created one second
/// apart just before time zero — so a `WHERE created_at < NOW() - …`
/// evaluated a second later on a lagging follower matches another row.
pub fn initial_table(rows: u32) -> Table {
    const SECOND_US: i64 = 1_000_000;
    let mut t = Table::accounts_example();
    for id in 6..=i64::from(rows) {
        t.rows.insert(
            id,
            alloc::vec![
                Value::Int(id),
                Value::Int((id * 37) % 1000),
                Value::Text(String::from(if id % 3 == 0 { "closed" } else { "active" })),
                Value::Timestamp(-(id - 5) * SECOND_US),
            ],
        );
    }
    t
}

/// How a follower's execution of a statement differs from the leader's:
/// "row 6: created_at t=260 ms here, t=10 ms on the leader" for the first
/// few differing cells, or `None` when both changed the same rows alike.
///
/// Only what the rows became counts: a statement whose before-images
/// differ (an earlier statement diverged) but that leaves every row as the
/// leader's did brings the copy back in line; it does not diverge.
fn result_difference(table: &Table, mine: &[RowChange], leader: &[RowChange]) -> Option<String> {
    if mine == leader {
        return None;
    }
    let afters = |changes: &[RowChange]| {
        crate::sorting::map_from(changes.iter().map(|c| (c.id, c.after.clone())))
    };
    if afters(mine) == afters(leader) {
        return None;
    }
    const SHOWN: usize = 3;
    let theirs = crate::sorting::map_from(leader.iter().map(|c| (c.id, c)));
    let ours = crate::sorting::map_from(mine.iter().map(|c| (c.id, c)));
    let mut parts = Vec::new();
    let mut ids: Vec<i64> = theirs.keys().chain(ours.keys()).copied().collect();
    crate::sorting::sort(&mut ids);
    ids.dedup();
    for id in ids {
        match (ours.get(&id), theirs.get(&id)) {
            (Some(a), Some(b)) if a.after == b.after => {}
            (Some(a), Some(b)) => match (&a.after, &b.after) {
                (Some(x), Some(y)) => {
                    for (i, (u, v)) in x.iter().zip(y.iter()).enumerate() {
                        if u != v {
                            let col = table.columns.get(i).map_or("?", |c| c.name.as_str());
                            parts.push(format!("row {id}: {col} {u} here, {v} on the leader"));
                        }
                    }
                }
                (None, _) => parts.push(format!("row {id} deleted here, not on the leader")),
                (_, None) => parts.push(format!("row {id} deleted on the leader, not here")),
            },
            (Some(a), None) => parts.push(match a.after {
                None => format!("row {id} deleted here but kept by the leader"),
                Some(_) => format!("row {id} changed here but not by the leader"),
            }),
            (None, Some(b)) => parts.push(match b.after {
                None => format!("row {id} deleted by the leader but kept here"),
                Some(_) => format!("row {id} changed by the leader but not here"),
            }),
            (None, None) => {}
        }
    }
    if parts.is_empty() {
        return Some(String::from("the rows it changed differ from the leader's"));
    }
    let more = parts.len().saturating_sub(SHOWN);
    parts.truncate(SHOWN);
    let mut text = parts.join("; ");
    if more > 0 {
        text.push_str(&format!("; and {more} more"));
    }
    Some(text)
}

impl Store {
    /// A node's starting data: the example table, or an empty one for a
    /// node that will join from a snapshot.
    pub fn new(format: LogFormat, version: u8, rows: u32, empty: bool) -> Store {
        let mut table = initial_table(rows);
        if empty {
            table.rows.clear();
        }
        let version = StorageVersion(version);
        let pages = match format {
            LogFormat::Wal => Pages::from_table(&table, version).ok(),
            _ => None,
        };
        Store {
            kv: BTreeMap::new(),
            table,
            pages,
            version,
        }
    }

    /// The page images, on nodes that store pages (WAL shipping).
    pub fn pages(&self) -> Option<&Pages> {
        self.pages.as_ref()
    }

    /// Can this node start from a physical base backup of these pages?
    /// Only with the same storage format version.
    pub fn check_base_backup(&self, pages: Option<&Pages>) -> Result<(), String> {
        match (pages, &self.pages) {
            (Some(p), Some(_)) if p.version() != self.version => Err(format!(
                "the leader's base backup is in storage format {} and this node runs {}: physical copies need the same storage engine version",
                p.version(),
                self.version
            )),
            _ => Ok(()),
        }
    }

    /// Replaces everything with a snapshot's contents: the rows, and under
    /// WAL shipping the leader's page images byte for byte.
    pub fn install(
        &mut self,
        kv: BTreeMap<String, KeyValue>,
        rows: BTreeMap<i64, Vec<Value>>,
        pages: Option<Pages>,
    ) {
        self.kv = kv;
        self.table.rows = rows;
        if let Some(p) = self.pages.as_mut() {
            match pages {
                Some(image) => *p = image,
                None => {
                    if let Ok(fresh) = Pages::from_table(&self.table, p.version()) {
                        *p = fresh;
                    }
                }
            }
        }
    }

    /// The leader runs a client's statement and says what to ship.
    /// Errors leave the store as it was.
    pub fn execute_as_leader(
        &mut self,
        sql: &str,
        format: LogFormat,
        ctx: &mut dyn EvalContext,
    ) -> Result<(Change, Undo, usize), String> {
        let stmt = parse(sql).map_err(|e| format!("{e}"))?;
        let effects = execute(&mut self.table, &stmt, ctx).map_err(|e| format!("{e}"))?;
        let changes = effects.changes;
        let undo = self.follow_with_pages(changes.clone())?;
        let change = match format {
            LogFormat::Statement => Change::Statement {
                sql: String::from(sql),
                leader_result: changes.clone(),
            },
            LogFormat::Row => Change::Rows {
                events: row_events(&self.table, &changes),
            },
            LogFormat::Wal => Change::Wal {
                version: self.version,
                writes: undo.pages.clone(),
            },
        };
        Ok((change, undo, effects.matched))
    }

    /// A key-value write (leader or follower).
    pub fn put(&mut self, key: &str, value: i64, lsn: u64, by: (u32, crate::node::NodeId)) -> Undo {
        let (epoch, leader) = by;
        let before = self.kv.insert(
            String::from(key),
            KeyValue {
                value,
                lsn,
                epoch,
                leader,
            },
        );
        Undo {
            put: Some((String::from(key), before)),
            ..Undo::default()
        }
    }

    /// A follower applies an entry. `Ok` carries the undo record and, for
    /// a re-executed statement whose rows came out different from the
    /// leader's, what differs. Errors (a refused WAL stream, a statement that fails
    /// here) leave the store as it was: replication stops at that entry.
    pub fn apply(
        &mut self,
        change: &Change,
        lsn: u64,
        by: (u32, crate::node::NodeId),
        ctx: &mut dyn EvalContext,
    ) -> Result<(Undo, Option<String>), String> {
        match change {
            Change::Put { key, value } => Ok((self.put(key, *value, lsn, by), None)),
            Change::Statement { sql, leader_result } => {
                let stmt = parse(sql).map_err(|e| format!("{e}"))?;
                let effects = execute(&mut self.table, &stmt, ctx).map_err(|e| format!("{e}"))?;
                let differs = result_difference(&self.table, &effects.changes, leader_result);
                Ok((self.follow_with_pages(effects.changes)?, differs))
            }
            Change::Rows { events } => {
                let changes = plan_row_events(&self.table, events).map_err(|e| format!("{e}"))?;
                apply_changes(&mut self.table, &changes);
                Ok((self.follow_with_pages(changes)?, None))
            }
            Change::Wal { version, writes } => {
                let Some(pages) = self.pages.as_mut() else {
                    return Err(String::from(
                        "this node does not store pages: it cannot apply a WAL stream",
                    ));
                };
                let mut next = pages.clone();
                next.apply_writes(writes, *version)
                    .map_err(|e| format!("{e}"))?;
                let table = next.to_table().map_err(|e| format!("{e}"))?;
                let rows = row_diff(&self.table, &table);
                *pages = next;
                self.table = table;
                Ok((
                    Undo {
                        rows,
                        pages: writes.clone(),
                        ..Undo::default()
                    },
                    None,
                ))
            }
        }
    }

    /// Row changes already made to the table become the entry's undo
    /// record; on a node that stores pages the pages take them too (the
    /// leader included). If the pages refuse them, the table is put back
    /// and nothing changed.
    fn follow_with_pages(&mut self, changes: Vec<RowChange>) -> Result<Undo, String> {
        let pages = match self.pages.as_mut().map(|p| p.apply_changes(&changes)) {
            None => Vec::new(),
            Some(Ok(writes)) => writes,
            Some(Err(e)) => {
                revert_rows(&mut self.table, &changes);
                return Err(format!("{e}"));
            }
        };
        Ok(Undo {
            rows: changes,
            pages,
            ..Undo::default()
        })
    }

    /// Takes an applied entry back (the newest first).
    pub fn undo(&mut self, undo: &Undo) {
        if let Some((key, before)) = &undo.put {
            match before {
                Some(v) => {
                    self.kv.insert(key.clone(), *v);
                }
                None => {
                    self.kv.remove(key);
                }
            }
        }
        revert_rows(&mut self.table, &undo.rows);
        if let Some(p) = self.pages.as_mut() {
            let back: Vec<PageWrite> = undo
                .pages
                .iter()
                .rev()
                .map(|w| PageWrite {
                    page: w.page,
                    offset: w.offset,
                    before: w.after.clone(),
                    after: w.before.clone(),
                })
                .collect();
            let version = p.version();
            if p.apply_writes(&back, version).is_err() {
                // The bytes are not what this entry left: rebuild the
                // pages from the (reverted) table instead.
                if let Ok(fresh) = Pages::from_table(&self.table, version) {
                    *p = fresh;
                }
            }
        }
    }
}

fn revert_rows(table: &mut Table, changes: &[RowChange]) {
    for c in changes.iter().rev() {
        match &c.before {
            Some(row) => {
                table.rows.insert(c.id, row.clone());
            }
            None => {
                table.rows.remove(&c.id);
            }
        }
    }
}

/// The row changes that turn `before` into `after`.
fn row_diff(before: &Table, after: &Table) -> Vec<RowChange> {
    let mut out = Vec::new();
    for (id, row) in &after.rows {
        match before.rows.get(id) {
            Some(old) if old == row => {}
            old => out.push(RowChange {
                id: *id,
                before: old.cloned(),
                after: Some(row.clone()),
            }),
        }
    }
    for (id, row) in &before.rows {
        if !after.rows.contains_key(id) {
            out.push(RowChange {
                id: *id,
                before: Some(row.clone()),
                after: None,
            });
        }
    }
    crate::sorting::sort_by_key(&mut out, |c| c.id);
    out
}
