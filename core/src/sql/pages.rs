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

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

use super::eval::RowChange;
use super::table::{Column, Row, Table};
use super::value::{ColumnType, Value};

/// Bytes per page.
pub const PAGE_SIZE: usize = 256;

/// The longest text (in UTF-8 bytes) a TEXT field holds: a slot has a
/// fixed size, so there is no room for more.
pub const TEXT_MAX: usize = 39;

/// Changed fields separated by fewer unchanged bytes than this share one
/// [`PageWrite`].
pub const MERGE_GAP: usize = 4;

/// How many bytes of each side [`PageWrite`]'s `Display` shows before "…".
const HEX_SHOWN: usize = 8;

const SLOT_USED: u8 = 1;

/// Bytes a TEXT field takes: the length byte and the text.
const TEXT_WIDTH: usize = 1 + TEXT_MAX;

/// A WAL record's fixed part: page number (4), offset (2), length (2).
const WAL_RECORD_HEADER: usize = 4 + 2 + 2;

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

/// One physical WAL record: a contiguous byte range of one page.
///
/// A redo record needs only `after`; `before` is kept so a follower can
/// check that it is replaying onto the bytes the leader had, and is not
/// counted in [`PageWrite::encoded_len`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageWrite {
    pub page: u32,
    pub offset: u16,
    pub before: Vec<u8>,
    pub after: Vec<u8>,
}

impl PageWrite {
    /// Bytes the record takes in a WAL: page (4), offset (2), length (2)
    /// and the new bytes.
    pub fn encoded_len(&self) -> usize {
        WAL_RECORD_HEADER + self.after.len()
    }
}

/// "page 0, bytes 10–17: 64 00 00 00 00 00 00 00 → 6e 00 00 00 00 00 00 00",
/// each side cut after eight bytes with "…".
impl fmt::Display for PageWrite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let first = usize::from(self.offset);
        match self.after.len().max(self.before.len()) {
            0 => return write!(f, "page {}, no bytes at {first}", self.page),
            1 => write!(f, "page {}, byte {first}: ", self.page)?,
            n => write!(f, "page {}, bytes {first}–{}: ", self.page, first + n - 1)?,
        }
        write_hex(f, &self.before)?;
        f.write_str(" → ")?;
        write_hex(f, &self.after)
    }
}

fn write_hex(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    for (i, b) in bytes.iter().take(HEX_SHOWN).enumerate() {
        if i > 0 {
            f.write_str(" ")?;
        }
        write!(f, "{b:02x}")?;
    }
    if bytes.len() > HEX_SHOWN {
        f.write_str(" …")?;
    }
    Ok(())
}

/// Everything that can go wrong laying out, changing or replaying pages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StorageError {
    /// A storage format this build does not know.
    UnsupportedVersion { version: StorageVersion },
    /// The schema's first column is not the INT primary key.
    NoPrimaryKey,
    /// One row of the schema does not fit in a page.
    RowTooWide { slot_size: usize, page_size: usize },
    /// A text value longer than a TEXT field holds.
    TextTooLong {
        column: String,
        len: usize,
        max: usize,
    },
    /// A value whose type is not the column's.
    WrongType {
        column: String,
        expected: ColumnType,
        found: String,
    },
    /// A row with more or fewer values than the schema has columns.
    RowShape {
        id: i64,
        values: usize,
        columns: usize,
    },
    /// A row whose id column is not the primary key it is stored under.
    KeyMismatch { id: i64, found: String },
    /// An update or delete of a row that is not stored.
    MissingRow { id: i64 },
    /// An insert of a primary key that is already stored.
    DuplicateRow { id: i64 },
    /// More pages than a `u32` page number can address.
    TooManyPages,
    /// A WAL stream from a node on another storage format.
    VersionMismatch {
        stream: StorageVersion,
        local: StorageVersion,
    },
    /// A WAL record whose `before` bytes are not what the follower has.
    Corrupt { page: u32, offset: u16 },
    /// A WAL record that cannot apply to any page.
    BadWrite {
        page: u32,
        offset: u16,
        reason: &'static str,
    },
    /// A used slot whose bytes do not decode to a row.
    BadSlot {
        page: u32,
        slot: u16,
        reason: &'static str,
    },
}

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StorageError::UnsupportedVersion { version } => write!(
                f,
                "storage format {version} is not supported (this build knows v1 and v2)"
            ),
            StorageError::NoPrimaryKey => {
                f.write_str("the first column must be the INT primary key")
            }
            StorageError::RowTooWide {
                slot_size,
                page_size,
            } => write!(
                f,
                "a row of this table takes {slot_size} bytes, more than a {page_size}-byte page holds"
            ),
            StorageError::TextTooLong { column, len, max } => write!(
                f,
                "text of {len} bytes does not fit column '{column}': a page slot holds at most {max} bytes of text"
            ),
            StorageError::WrongType {
                column,
                expected,
                found,
            } => write!(
                f,
                "cannot store {found} in column '{column}' of type {expected}"
            ),
            StorageError::RowShape {
                id,
                values,
                columns,
            } => write!(
                f,
                "row {id} has {values} value(s) but the table has {columns} column(s)"
            ),
            StorageError::KeyMismatch { id, found } => write!(
                f,
                "the row stored under primary key {id} has id {found}"
            ),
            StorageError::MissingRow { id } => write!(f, "no stored row has primary key {id}"),
            StorageError::DuplicateRow { id } => {
                write!(f, "a row with primary key {id} is already stored")
            }
            StorageError::TooManyPages => {
                f.write_str("the table would need more pages than a 32-bit page number addresses")
            }
            StorageError::VersionMismatch { stream, local } => write!(
                f,
                "WAL written by storage format {stream} cannot be applied by a node on storage format {local}: \
                 physical replication needs the same storage engine version on leader and followers"
            ),
            StorageError::Corrupt { page, offset } => write!(
                f,
                "WAL record for page {page}, offset {offset} expects bytes this node does not have: \
                 its pages have diverged from the leader's"
            ),
            StorageError::BadWrite {
                page,
                offset,
                reason,
            } => write!(
                f,
                "WAL record for page {page}, offset {offset} cannot be applied: {reason}"
            ),
            StorageError::BadSlot { page, slot, reason } => {
                write!(f, "page {page}, slot {slot} does not hold a valid row: {reason}")
            }
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for StorageError {}

/// Where everything sits in a slot, for one schema and version.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Layout {
    /// v2's row header after the flag.
    header: bool,
    big_endian: bool,
    bitmap_at: usize,
    bitmap_len: usize,
    /// `(offset in slot, width)` per column.
    fields: Vec<(usize, usize)>,
    slot_size: usize,
    slots_per_page: usize,
}

fn width(ty: ColumnType) -> usize {
    match ty {
        ColumnType::Int | ColumnType::Real | ColumnType::Timestamp => 8,
        ColumnType::Bool => 1,
        ColumnType::Text => TEXT_WIDTH,
    }
}

impl Layout {
    fn new(schema: &[Column], version: StorageVersion) -> Result<Layout, StorageError> {
        if !version.is_supported() {
            return Err(StorageError::UnsupportedVersion { version });
        }
        // Slots are found again by their primary key alone.
        if schema.first().map(|c| c.ty) != Some(ColumnType::Int) {
            return Err(StorageError::NoPrimaryKey);
        }
        let header = version == StorageVersion::V2;
        let bitmap_at = if header { 3 } else { 1 };
        let bitmap_len = schema.len().div_ceil(8);
        let mut at = bitmap_at + bitmap_len;
        let mut fields = Vec::with_capacity(schema.len());
        for c in schema {
            let w = width(c.ty);
            fields.push((at, w));
            at = at.saturating_add(w);
        }
        if at > PAGE_SIZE {
            return Err(StorageError::RowTooWide {
                slot_size: at,
                page_size: PAGE_SIZE,
            });
        }
        Ok(Layout {
            header,
            big_endian: version == StorageVersion::V2,
            bitmap_at,
            bitmap_len,
            fields,
            slot_size: at,
            slots_per_page: PAGE_SIZE / at,
        })
    }

    /// Every field's `(offset, width)` in slot order: flag, header,
    /// bitmap, columns — the units a [`PageWrite`] is made of.
    fn spans(&self) -> Vec<(usize, usize)> {
        let mut s = vec![(0, 1)];
        if self.header {
            s.push((1, 2));
        }
        s.push((self.bitmap_at, self.bitmap_len));
        s.extend(self.fields.iter().copied());
        s
    }

    fn number(&self, x: u64) -> [u8; 8] {
        if self.big_endian {
            x.to_be_bytes()
        } else {
            x.to_le_bytes()
        }
    }

    fn read_number(&self, b: [u8; 8]) -> u64 {
        if self.big_endian {
            u64::from_be_bytes(b)
        } else {
            u64::from_le_bytes(b)
        }
    }

    /// The `i`-th slot in page-then-slot order.
    fn addr_of_index(&self, i: usize) -> Result<SlotAddr, StorageError> {
        let spp = self.slots_per_page.max(1);
        Ok(SlotAddr {
            page: u32::try_from(i / spp).map_err(|_| StorageError::TooManyPages)?,
            slot: u16::try_from(i % spp).map_err(|_| StorageError::TooManyPages)?,
        })
    }

    fn slot_range(&self, slot: u16) -> (usize, usize) {
        let start = usize::from(slot) * self.slot_size;
        (start, start + self.slot_size)
    }

    /// A used slot holding `row`, stored under primary key `id`.
    fn encode(&self, schema: &[Column], id: i64, row: &Row) -> Result<Vec<u8>, StorageError> {
        if row.len() != schema.len() {
            return Err(StorageError::RowShape {
                id,
                values: row.len(),
                columns: schema.len(),
            });
        }
        match row.first() {
            Some(Value::Int(k)) if *k == id => {}
            other => {
                return Err(StorageError::KeyMismatch {
                    id,
                    found: other.map_or_else(|| String::from("nothing"), Value::describe),
                })
            }
        }
        let mut buf = vec![0u8; self.slot_size];
        put(&mut buf, 0, &[SLOT_USED]);
        if self.header {
            let n = u16::try_from(schema.len()).unwrap_or(u16::MAX);
            put(&mut buf, 1, &n.to_be_bytes());
        }
        for (i, ((col, v), &(at, w))) in schema.iter().zip(row).zip(&self.fields).enumerate() {
            let bytes: Vec<u8> = match (col.ty, v) {
                (_, Value::Null) => {
                    let byte_at = self.bitmap_at + i / 8;
                    if let Some(b) = buf.get_mut(byte_at) {
                        *b |= 1 << (i % 8);
                    }
                    continue;
                }
                (ColumnType::Int, Value::Int(x)) | (ColumnType::Timestamp, Value::Timestamp(x)) => {
                    self.number(*x as u64).to_vec()
                }
                (ColumnType::Real, Value::Real(r)) => self.number(r.to_bits()).to_vec(),
                (ColumnType::Bool, Value::Bool(b)) => vec![u8::from(*b)],
                (ColumnType::Text, Value::Text(s)) => {
                    let len = s.len();
                    if len > TEXT_MAX {
                        return Err(StorageError::TextTooLong {
                            column: col.name.clone(),
                            len,
                            max: TEXT_MAX,
                        });
                    }
                    let mut b = Vec::with_capacity(w);
                    // len <= TEXT_MAX < 256.
                    b.push(len as u8);
                    b.extend_from_slice(s.as_bytes());
                    b
                }
                (ty, v) => {
                    return Err(StorageError::WrongType {
                        column: col.name.clone(),
                        expected: ty,
                        found: v.describe(),
                    })
                }
            };
            put(&mut buf, at, &bytes);
        }
        Ok(buf)
    }

    /// The row in a slot, `None` if the slot is free.
    fn decode(
        &self,
        schema: &[Column],
        bytes: &[u8],
        addr: SlotAddr,
    ) -> Result<Option<Row>, StorageError> {
        let bad = |reason| StorageError::BadSlot {
            page: addr.page,
            slot: addr.slot,
            reason,
        };
        match bytes.first() {
            Some(0) => return Ok(None),
            Some(&SLOT_USED) => {}
            Some(_) => return Err(bad("the slot-used flag is neither 0 nor 1")),
            None => return Err(bad("the slot lies outside the page")),
        }
        if self.header {
            let n = u16::try_from(schema.len()).unwrap_or(u16::MAX);
            if bytes.get(1..3) != Some(&n.to_be_bytes()[..]) {
                return Err(bad("the row header's column count is not the schema's"));
            }
        }
        let mut row = Vec::with_capacity(schema.len());
        for (i, (col, &(at, w))) in schema.iter().zip(&self.fields).enumerate() {
            let null_bits = bytes
                .get(self.bitmap_at + i / 8)
                .ok_or(bad("the slot is shorter than its null bitmap"))?;
            if null_bits & (1 << (i % 8)) != 0 {
                row.push(Value::Null);
                continue;
            }
            let field = bytes
                .get(at..at + w)
                .ok_or(bad("the slot is shorter than its fields"))?;
            let number = || {
                <[u8; 8]>::try_from(field)
                    .map(|b| self.read_number(b))
                    .map_err(|_| bad("a number field is not 8 bytes"))
            };
            row.push(match col.ty {
                ColumnType::Int => Value::Int(number()? as i64),
                ColumnType::Timestamp => Value::Timestamp(number()? as i64),
                ColumnType::Real => Value::Real(f64::from_bits(number()?)),
                ColumnType::Bool => match field.first() {
                    Some(0) => Value::Bool(false),
                    Some(1) => Value::Bool(true),
                    _ => return Err(bad("a BOOL field is neither 0 nor 1")),
                },
                ColumnType::Text => {
                    let len = usize::from(field.first().copied().unwrap_or(0));
                    let text = field
                        .get(1..1 + len)
                        .filter(|_| len <= TEXT_MAX)
                        .ok_or(bad("a TEXT length is longer than the field"))?;
                    let s = core::str::from_utf8(text)
                        .map_err(|_| bad("a TEXT field is not valid UTF-8"))?;
                    Value::Text(String::from(s))
                }
            });
        }
        if !matches!(row.first(), Some(Value::Int(_))) {
            return Err(bad("the primary key is NULL"));
        }
        Ok(Some(row))
    }
}

/// Copies `src` into `buf` at `at`; callers size `buf` from the layout, so
/// the range always fits, and a range that did not would be left alone
/// rather than panic.
fn put(buf: &mut [u8], at: usize, src: &[u8]) {
    if let Some(dst) = buf.get_mut(at..at.saturating_add(src.len())) {
        dst.copy_from_slice(src);
    }
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

/// The writes that turn `old` into `new`, field by field (a page past the
/// end of `old` counts as zeros), in page and offset order.
fn diff(
    old: &[[u8; PAGE_SIZE]],
    new: &[[u8; PAGE_SIZE]],
    layout: &Layout,
) -> Result<Vec<PageWrite>, StorageError> {
    let zero = [0u8; PAGE_SIZE];
    let spans = layout.spans();
    let mut writes = Vec::new();
    for (p, new_page) in new.iter().enumerate() {
        let old_page = old.get(p).unwrap_or(&zero);
        if old_page == new_page {
            continue;
        }
        let page = u32::try_from(p).map_err(|_| StorageError::TooManyPages)?;
        let mut ranges: Vec<(usize, usize)> = Vec::new();
        for s in 0..layout.slots_per_page {
            let base = s * layout.slot_size;
            for &(at, w) in &spans {
                let (start, end) = (base + at, base + at + w);
                if old_page.get(start..end) == new_page.get(start..end) {
                    continue;
                }
                match ranges.last_mut() {
                    Some(r) if start.saturating_sub(r.1) < MERGE_GAP => r.1 = end,
                    _ => ranges.push((start, end)),
                }
            }
        }
        for (start, end) in ranges {
            let slice = |b: &[u8; PAGE_SIZE]| b.get(start..end).map(<[u8]>::to_vec);
            let (Some(before), Some(after)) = (slice(old_page), slice(new_page)) else {
                continue;
            };
            writes.push(PageWrite {
                page,
                offset: u16::try_from(start).map_err(|_| StorageError::TooManyPages)?,
                before,
                after,
            });
        }
    }
    Ok(writes)
}

#[cfg(test)]
mod tests {
    use super::*;
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
}
