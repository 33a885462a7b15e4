//! What can go wrong laying out, changing or replaying pages, worded for
//! the reader of the log.

use alloc::string::String;
use core::fmt;

use super::StorageVersion;
use crate::sql::value::ColumnType;

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
