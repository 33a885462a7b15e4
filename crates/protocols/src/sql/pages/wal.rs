//! The WAL record a change ships as — a byte range of one page, before
//! and after — and the diff that turns old pages into new ones as such
//! records, one whole field at a time.

use alloc::vec::Vec;
use core::fmt;

use super::layout::Layout;
use super::{StorageError, MERGE_GAP, PAGE_SIZE};

/// How many bytes of each side [`PageWrite`]'s `Display` shows before "…".
const HEX_SHOWN: usize = 8;

/// A WAL record's fixed part: page number (4), offset (2), length (2).
const WAL_RECORD_HEADER: usize = 4 + 2 + 2;

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

/// The writes that turn `old` into `new`, field by field (a page past the
/// end of `old` counts as zeros), in page and offset order.
pub(super) fn diff(
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
