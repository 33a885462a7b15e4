//! Where everything sits in a slot for one schema and storage version,
//! and encoding a row into those bytes and back (the table in the
//! module docs).

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use super::{SlotAddr, StorageError, StorageVersion, PAGE_SIZE, TEXT_MAX};
use crate::sql::table::{Column, Row};
use crate::sql::value::{ColumnType, Value};

const SLOT_USED: u8 = 1;

/// Bytes a TEXT field takes: the length byte and the text.
const TEXT_WIDTH: usize = 1 + TEXT_MAX;

/// Where everything sits in a slot, for one schema and version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Layout {
    /// v2's row header after the flag.
    header: bool,
    big_endian: bool,
    bitmap_at: usize,
    bitmap_len: usize,
    /// `(offset in slot, width)` per column.
    fields: Vec<(usize, usize)>,
    pub(super) slot_size: usize,
    pub(super) slots_per_page: usize,
}

fn width(ty: ColumnType) -> usize {
    match ty {
        ColumnType::Int | ColumnType::Real | ColumnType::Timestamp => 8,
        ColumnType::Bool => 1,
        ColumnType::Text => TEXT_WIDTH,
    }
}

impl Layout {
    pub(super) fn new(schema: &[Column], version: StorageVersion) -> Result<Layout, StorageError> {
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
    ///
    /// [`PageWrite`]: super::PageWrite
    pub(super) fn spans(&self) -> Vec<(usize, usize)> {
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
    pub(super) fn addr_of_index(&self, i: usize) -> Result<SlotAddr, StorageError> {
        let spp = self.slots_per_page.max(1);
        Ok(SlotAddr {
            page: u32::try_from(i / spp).map_err(|_| StorageError::TooManyPages)?,
            slot: u16::try_from(i % spp).map_err(|_| StorageError::TooManyPages)?,
        })
    }

    pub(super) fn slot_range(&self, slot: u16) -> (usize, usize) {
        let start = usize::from(slot) * self.slot_size;
        (start, start + self.slot_size)
    }

    /// A used slot holding `row`, stored under primary key `id`.
    pub(super) fn encode(
        &self,
        schema: &[Column],
        id: i64,
        row: &Row,
    ) -> Result<Vec<u8>, StorageError> {
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
    pub(super) fn decode(
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
