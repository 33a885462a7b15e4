//! The words on the diagram: requests and answers as text, durations,
//! long text cut short, and escaping for SVG.

use alloc::borrow::Cow;
use alloc::format;
use alloc::string::String;

use super::MAX_TEXT_CHARS;
use crate::node::{Outcome, Request};

/// `text`, or its first [`MAX_TEXT_CHARS`] characters and "…".
pub(super) fn cut(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(MAX_TEXT_CHARS) {
        None => Cow::Borrowed(text),
        Some((end, _)) => Cow::Owned(format!("{}…", &text[..end])),
    }
}
pub(super) fn request_text(r: &Request) -> String {
    match r {
        Request::Write { key, value } => format!("write {key}={value}"),
        Request::Read { key, .. } => format!("read {key}"),
        Request::Sql { sql } => sql.clone(),
        Request::Increment { key, by } => format!("{key} += {by}"),
        Request::Add { key, value } => format!("add {value} to {key}"),
        Request::Remove { key, value } => format!("remove {value} from {key}"),
        Request::Put { key, values, .. } => {
            format!("put {key}={}", crate::node::values_text(values))
        }
        Request::Get { key, .. } => format!("get {key}"),
    }
}

pub(super) fn outcome_text(o: &Outcome) -> (String, bool) {
    match o {
        Outcome::Written { version, .. } => (format!("ok (v{version})"), false),
        Outcome::Rows { rows, .. } => (format!("{} rows", rows.len()), false),
        Outcome::Read {
            value: Some(v),
            version,
            ..
        } => (format!("{v} (v{version})"), false),
        Outcome::Read { value: None, .. } => (String::from("not found"), false),
        Outcome::Values {
            values, siblings, ..
        } => (crate::node::answer_text(values, siblings), false),
        Outcome::Failed { reason } => (format!("failed: {reason}"), true),
    }
}

/// "12 ms", "1.5 ms", "2 s".
pub(super) fn ms_text(us: u64) -> String {
    if us % 1_000_000 == 0 && us > 0 {
        format!("{} s", us / 1_000_000)
    } else {
        format!("{}", crate::time::Duration(us))
    }
}
/// Escapes text for SVG content and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
