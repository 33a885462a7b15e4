//! Physical storage as a write-ahead log sees it (PostgreSQL-style
//! physical replication): rows live in fixed-size slots on fixed-size
//! pages, and a change is shipped as "these bytes of this page became
//! those bytes". A follower replays the bytes without knowing what a row
//! is, which is why it must run the very same storage format as the
//! leader — a node on another format version would read someone else's
//! bytes as its own rows.
//!
//! # Byte layout
//!
//! A page is [`PAGE_SIZE`] bytes with no header: slots of one fixed size
//! are packed from offset 0 (slot `s` starts at `s * slot_size`) and the
//! spare bytes at the end stay zero. The slot-used flags are the page's
//! only metadata, so a free slot is simply one whose first byte is 0.
//!
//! A slot, for a schema of `n` columns:
//!
//! | bytes                  | v1                                | v2                                  |
//! |------------------------|-----------------------------------|-------------------------------------|
//! | slot-used flag         | 1 byte: 0 free, 1 used            | same                                |
//! | row header             | —                                 | 2 bytes: `n` as big-endian `u16`    |
//! | null bitmap            | `ceil(n / 8)` bytes, bit `i % 8` of byte `i / 8` set when column `i` is NULL | same |
//! | fields, in column order| INT, TIMESTAMP: 8 bytes little-endian; REAL: the 8 bytes of `f64::to_bits`, little-endian; BOOL: 1 byte 0/1; TEXT: 1 length byte + [`TEXT_MAX`] bytes of UTF-8, zero-padded | the same widths, numbers big-endian |
//!
//! A NULL field's bytes are zero and a free slot is all zero, so the bytes
//! of a table are a function of its rows, its schema and the version: two
//! nodes that applied the same changes hold identical pages.
//!
//! A [`PageWrite`] covers whole fields: a field whose bytes changed is
//! written entirely (a log reader sees an 8-byte integer, not a stray low
//! byte), and changed fields fewer than [`MERGE_GAP`] bytes apart share one
//! write, since a record header would cost more than the unchanged bytes
//! in between.

mod error;
mod layout;
#[cfg(test)]
mod tests;
mod wal;

pub use error::StorageError;
pub use wal::PageWrite;

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

use super::eval::RowChange;
use super::table::{Column, Table};
use super::value::Value;
use layout::Layout;
use wal::diff;

/// Bytes per page.
pub const PAGE_SIZE: usize = 256;

/// The longest text (in UTF-8 bytes) a TEXT field holds: a slot has a
/// fixed size, so there is no room for more.
pub const TEXT_MAX: usize = 39;

/// Changed fields separated by fewer unchanged bytes than this share one
/// [`PageWrite`].
pub const MERGE_GAP: usize = 4;

// Offsets inside a page are shipped as u16.
const _: () = assert!(PAGE_SIZE <= u16::MAX as usize);

/// The on-disk format version of a node's storage engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StorageVersion(pub u8);

impl StorageVersion {
    /// Little-endian fields, no row header.
    pub const V1: StorageVersion = StorageVersion(1);
    /// A 2-byte row header and big-endian fields.
    pub const V2: StorageVersion = StorageVersion(2);

    /// Whether this build can lay out pages in this version.
    pub fn is_supported(self) -> bool {
        self == Self::V1 || self == Self::V2
    }
}

impl fmt::Display for StorageVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}", self.0)
    }
}

/// Where a row lives: page number and slot within the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SlotAddr {
    pub page: u32,
    pub slot: u16,
}

/// One table's rows as pages of bytes, with the map from primary key to
/// slot that an index would give.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pages {
    version: StorageVersion,
    schema: Vec<Column>,
    table_name: String,
    layout: Layout,
    pages: Vec<[u8; PAGE_SIZE]>,
    slot_of: BTreeMap<i64, SlotAddr>,
}

impl Pages {
    /// Lays `table` out in primary-key order, filling each page's slots
    /// before starting the next page.
    pub fn from_table(table: &Table, version: StorageVersion) -> Result<Pages, StorageError> {
        let layout = Layout::new(&table.columns, version)?;
        let mut p = Pages {
            version,
            schema: table.columns.clone(),
            table_name: table.name.clone(),
            layout,
            pages: Vec::new(),
            slot_of: BTreeMap::new(),
        };
        for (i, (&id, row)) in table.rows.iter().enumerate() {
            let bytes = p.layout.encode(&p.schema, id, row)?;
            let addr = p.layout.addr_of_index(i)?;
            while p.pages.len() <= addr.page as usize {
                p.pages.push([0; PAGE_SIZE]);
            }
            p.put_slot(addr, &bytes)?;
            p.slot_of.insert(id, addr);
        }
        Ok(p)
    }

    /// Applies row changes in place — an update rewrites its row's slot,
    /// a delete zeroes it, an insert takes the lowest free slot (a new
    /// page when all are used) — and returns the bytes that changed. On
    /// error nothing changes.
    ///
    /// A change with an `after` image and no `before` is an insert, one
    /// with both an update, one without `after` a delete. Updates find
    /// their slot by primary key; the `before` image is not consulted.
    pub fn apply_changes(&mut self, changes: &[RowChange]) -> Result<Vec<PageWrite>, StorageError> {
        let mut work = self.clone();
        for c in changes {
            work.apply_change(c)?;
        }
        let writes = diff(&self.pages, &work.pages, &work.layout)?;
        *self = work;
        Ok(writes)
    }

    fn apply_change(&mut self, c: &RowChange) -> Result<(), StorageError> {
        match (&c.before, &c.after) {
            (None, Some(row)) => {
                if self.slot_of.contains_key(&c.id) {
                    return Err(StorageError::DuplicateRow { id: c.id });
                }
                let bytes = self.layout.encode(&self.schema, c.id, row)?;
                let addr = match self.first_free() {
                    Some(a) => a,
                    None => {
                        let page = u32::try_from(self.pages.len())
                            .map_err(|_| StorageError::TooManyPages)?;
                        self.pages.push([0; PAGE_SIZE]);
                        SlotAddr { page, slot: 0 }
                    }
                };
                self.put_slot(addr, &bytes)?;
                self.slot_of.insert(c.id, addr);
            }
            (Some(_), Some(row)) => {
                let addr = *self
                    .slot_of
                    .get(&c.id)
                    .ok_or(StorageError::MissingRow { id: c.id })?;
                let bytes = self.layout.encode(&self.schema, c.id, row)?;
                self.put_slot(addr, &bytes)?;
            }
            (_, None) => {
                let addr = self
                    .slot_of
                    .remove(&c.id)
                    .ok_or(StorageError::MissingRow { id: c.id })?;
                let zeros = vec![0u8; self.layout.slot_size];
                self.put_slot(addr, &zeros)?;
            }
        }
        Ok(())
    }

    /// The lowest (page, slot) whose slot-used flag is clear.
    fn first_free(&self) -> Option<SlotAddr> {
        for (p, page) in self.pages.iter().enumerate() {
            for s in 0..self.layout.slots_per_page {
                let slot = u16::try_from(s).ok()?;
                let (start, _) = self.layout.slot_range(slot);
                if page.get(start) == Some(&0) {
                    return Some(SlotAddr {
                        page: u32::try_from(p).ok()?,
                        slot,
                    });
                }
            }
        }
        None
    }

    fn put_slot(&mut self, addr: SlotAddr, bytes: &[u8]) -> Result<(), StorageError> {
        let (start, end) = self.layout.slot_range(addr.slot);
        let dst = self
            .pages
            .get_mut(addr.page as usize)
            .and_then(|p| p.get_mut(start..end))
            .filter(|d| d.len() == bytes.len())
            .ok_or(StorageError::BadSlot {
                page: addr.page,
                slot: addr.slot,
                reason: "the slot lies outside the table's pages",
            })?;
        dst.copy_from_slice(bytes);
        Ok(())
    }

    fn slot_bytes(&self, addr: SlotAddr) -> Option<&[u8]> {
        let (start, end) = self.layout.slot_range(addr.slot);
        self.pages.get(addr.page as usize)?.get(start..end)
    }

    /// The follower's side of physical replication: replays the leader's
    /// byte writes, in order. The stream must come from the same storage
    /// format, every write's `before` bytes must be what this node has,
    /// and a write may start a new page only right after the last one. On
    /// error nothing changes.
    pub fn apply_writes(
        &mut self,
        writes: &[PageWrite],
        version: StorageVersion,
    ) -> Result<(), StorageError> {
        if version != self.version {
            return Err(StorageError::VersionMismatch {
                stream: version,
                local: self.version,
            });
        }
        let mut pages = self.pages.clone();
        let mut touched = BTreeSet::new();
        for w in writes {
            let bad = |reason| StorageError::BadWrite {
                page: w.page,
                offset: w.offset,
                reason,
            };
            if w.before.len() != w.after.len() {
                return Err(bad("its before and after images differ in length"));
            }
            if w.after.is_empty() {
                return Err(bad("it writes no bytes"));
            }
            let p = w.page as usize;
            if p == pages.len() {
                pages.push([0; PAGE_SIZE]);
            }
            let start = usize::from(w.offset);
            let dst = pages
                .get_mut(p)
                .ok_or(bad("it skips pages past the end of the table"))?
                .get_mut(start..start.saturating_add(w.after.len()))
                .ok_or(bad("it runs past the end of the page"))?;
            if *dst != *w.before {
                return Err(StorageError::Corrupt {
                    page: w.page,
                    offset: w.offset,
                });
            }
            dst.copy_from_slice(&w.after);
            touched.insert(w.page);
        }
        // The bytes alone say which rows now live where: re-read the
        // touched pages, which also rejects writes that leave a slot
        // undecodable.
        let mut slot_of = self.slot_of.clone();
        slot_of.retain(|_, a| !touched.contains(&a.page));
        for &page in &touched {
            let bytes = pages.get(page as usize).map_or(&[][..], |b| &b[..]);
            for s in 0..self.layout.slots_per_page {
                let slot = u16::try_from(s).map_err(|_| StorageError::TooManyPages)?;
                let addr = SlotAddr { page, slot };
                let (start, end) = self.layout.slot_range(slot);
                let Some(row) =
                    self.layout
                        .decode(&self.schema, bytes.get(start..end).unwrap_or(&[]), addr)?
                else {
                    continue;
                };
                let Some(Value::Int(id)) = row.first() else {
                    continue;
                };
                if slot_of.insert(*id, addr).is_some() {
                    return Err(StorageError::BadSlot {
                        page,
                        slot,
                        reason: "its primary key is also stored in another slot",
                    });
                }
            }
        }
        self.pages = pages;
        self.slot_of = slot_of;
        Ok(())
    }

    /// Decodes every used slot back into a table.
    pub fn to_table(&self) -> Result<Table, StorageError> {
        let mut rows = BTreeMap::new();
        for (&id, &addr) in &self.slot_of {
            let bytes = self.slot_bytes(addr).unwrap_or(&[]);
            match self.layout.decode(&self.schema, bytes, addr)? {
                Some(row) => {
                    rows.insert(id, row);
                }
                None => {
                    return Err(StorageError::BadSlot {
                        page: addr.page,
                        slot: addr.slot,
                        reason: "the slot map points at a free slot",
                    })
                }
            }
        }
        Ok(Table {
            name: self.table_name.clone(),
            columns: self.schema.clone(),
            rows,
        })
    }

    pub fn version(&self) -> StorageVersion {
        self.version
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// Size of the table on disk: whole pages.
    pub fn byte_len(&self) -> usize {
        self.pages.len() * PAGE_SIZE
    }

    /// Where the row with primary key `id` lives.
    pub fn slot_of(&self, id: i64) -> Option<SlotAddr> {
        self.slot_of.get(&id).copied()
    }

    /// Bytes per slot for this schema and version.
    pub fn slot_size(&self) -> usize {
        self.layout.slot_size
    }

    pub fn slots_per_page(&self) -> usize {
        self.layout.slots_per_page
    }

    /// Rows stored.
    pub fn row_count(&self) -> usize {
        self.slot_of.len()
    }

    /// The raw bytes of page `index`, for a hex view.
    pub fn page(&self, index: usize) -> Option<&[u8]> {
        self.pages.get(index).map(|p| &p[..])
    }

    pub fn table_name(&self) -> &str {
        &self.table_name
    }

    pub fn schema(&self) -> &[Column] {
        &self.schema
    }
}
