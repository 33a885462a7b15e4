//! Checking the form before anything is sent: a key and a whole number,
//! or a statement the core's parser accepts on the cluster's table.

use replicascope_core::node::Request;
use replicascope_core::protocol::RequestKind;
use replicascope_core::sql;

use super::{OpKind, MAX_SQL};

/// Checks the form: a key of 1–32 letters, digits, `_`, `-`, `:` and, for
/// writes, a whole number.
pub fn parse_request(write: bool, key: &str, value: &str) -> Result<Request, String> {
    parse_op(if write { OpKind::Write } else { OpKind::Read }, key, value)
}

/// Checks the form for any kind of request: the key as above and, for all
/// but a read, a whole number (the value, or what to increment by).
pub fn parse_op(kind: OpKind, key: &str, value: &str) -> Result<Request, String> {
    let key = key.trim();
    if key.is_empty()
        || key.len() > 32
        || !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-:".contains(c))
    {
        return Err(String::from(
            "A key is 1 to 32 letters, digits, '_', '-' or ':'.",
        ));
    }
    if kind == OpKind::Read {
        return Ok(Request::read(key));
    }
    let value: i64 = value.trim().parse().map_err(|_| {
        format!(
            "'{}' is not a whole number: a value is an integer like 42 or -7.",
            value.trim()
        )
    })?;
    let key = key.to_string();
    Ok(match kind {
        OpKind::Increment => Request::Increment { key, by: value },
        OpKind::Add => Request::Add { key, value },
        OpKind::Remove => Request::Remove { key, value },
        _ => Request::Write { key, value },
    })
}

/// The form's menu entry for the request kind a protocol starts on.
pub(super) fn op_kind(kind: RequestKind) -> OpKind {
    match kind {
        RequestKind::Write => OpKind::Write,
        RequestKind::Increment => OpKind::Increment,
        RequestKind::Add => OpKind::Add,
    }
}

/// Checks a statement with the core's parser before anything is sent; the
/// error names the line and column as the box shows them. A statement on
/// a table the cluster does not have (`table` is the one it has) is not
/// sent either: it could only be refused, and sending it would fork the
/// run for nothing. Anything else the database decides, at the cursor.
pub fn parse_sql(text: &str, table: &str) -> Result<Request, String> {
    if text.trim().is_empty() {
        return Err(String::from(
            "Type a statement first, or pick one of the examples.",
        ));
    }
    if text.len() > MAX_SQL {
        return Err(format!(
            "A statement is at most {MAX_SQL} characters; this one has {}.",
            text.len()
        ));
    }
    let stmt = sql::parse(text).map_err(|e| format!("That statement does not parse: {e}."))?;
    if !stmt.table().eq_ignore_ascii_case(table) {
        return Err(format!(
            "There is no table '{}' here: the cluster's table is {table}. Nothing was sent.",
            stmt.table()
        ));
    }
    Ok(Request::Sql {
        sql: text.trim().to_string(),
    })
}
