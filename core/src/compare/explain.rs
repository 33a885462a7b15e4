//! A few plain sentences per row: the mechanism behind the figures, with
//! the figures themselves quoted, so the page and the CLI say the same
//! thing. Only what the setup guarantees is stated as fact; everything
//! else is a measured number.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::topology::{FAILOVER_TIMEOUT_MS, SKEW_MS};
use super::{Fault, Percentiles, Row, CLIENT_DEADLINE_MS};

/// `p50` of `p` in words, "—" when nothing was measured.
pub fn ms(value: Option<f64>) -> String {
    match value {
        Some(v) => format!("{v:.1} ms"),
        None => String::from("—"),
    }
}

fn median(p: &Percentiles) -> String {
    ms(p.p50_ms)
}

/// "38 of 54 writes issued during the fault succeeded, 70 %", or what
/// stands instead.
pub fn availability(row: &Row) -> String {
    match &row.write_availability {
        Some(a) => match a.share {
            Some(share) => format!(
                "{} of {} writes issued during the fault succeeded, {:.0} %",
                a.succeeded,
                a.issued,
                share * 100.0
            ),
            None => String::from("no write was issued during the fault"),
        },
        None => String::from("there was no fault"),
    }
}

fn lost_sentence(lost: u64) -> String {
    match lost {
        0 => String::from("No acknowledged write was lost."),
        1 => String::from("One acknowledged write was lost."),
        n => format!("{n} acknowledged writes were lost."),
    }
}

/// Why `row` came out as it did under `fault`: its architecture's
/// sentences from the content file, with the row's figures filled in.
pub fn explain(row: &Row, fault: Fault) -> String {
    let c = row.architecture.contender();
    let under = match fault {
        Fault::None => None,
        Fault::Crash if row.lost_writes.total == 0 => c.under.crash_none_lost.or(c.under.crash),
        Fault::Crash => c.under.crash,
        Fault::Partition => c.under.partition,
        Fault::Skew => c.under.skew,
    };
    let how = fill(c.how, row);
    match under {
        Some(text) => format!("{how} {}", fill(text, row)),
        None => how,
    }
}

/// The placeholders a sentence may use, each with how to write it for a
/// row: the one list both filling and checking read.
pub const PLACEHOLDERS: [(&str, Figure); 12] = [
    ("write_p50", |r| median(&r.write_latency)),
    ("read_p50", |r| median(&r.read_latency)),
    ("availability", availability),
    ("stale_reads", |r| format!("{}", r.stale_reads)),
    ("sibling_reads", |r| format!("{}", r.sibling_reads)),
    ("conflicts", |r| format!("{}", r.conflicts)),
    ("discarded", |r| format!("{}", r.lost_writes.discarded)),
    ("discarded_by_earlier", |r| {
        format!("{}", r.lost_writes.discarded_by_earlier)
    }),
    ("lost", |r| format!("{}", r.lost_writes.total)),
    ("lost_sentence", |r| lost_sentence(r.lost_writes.total)),
    ("failover_timeout_ms", |_| format!("{FAILOVER_TIMEOUT_MS}")),
    ("skew_ms", |_| format!("{SKEW_MS}")),
];

/// How a placeholder's figure is written for a row.
pub type Figure = fn(&Row) -> String;

fn placeholder(name: &str) -> Option<Figure> {
    PLACEHOLDERS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, f)| *f)
}

/// `text` with each `{name}` replaced by `value(name)`; where that is
/// `None` the braces stay as written.
fn substitute(text: &str, mut value: impl FnMut(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after
            .find('}')
            .and_then(|close| Some((close, value(&after[..close])?)))
        {
            Some((close, v)) => {
                out.push_str(&v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `text` with each `{name}` replaced by its value; an unknown name stays
/// as written (the content tests allow none).
pub fn fill(text: &str, row: &Row) -> String {
    substitute(text, |name| placeholder(name).map(|f| f(row)))
}

/// Every `{name}` in `text` that is not a placeholder: what [`fill`]
/// would leave as written.
pub fn unknown_placeholders(text: &str) -> Vec<String> {
    let mut unknown = Vec::new();
    substitute(text, |name| {
        if placeholder(name).is_none() {
            unknown.push(String::from(name));
        }
        None
    });
    unknown
}

/// A row's figures as the table cells show them: the label, write and
/// read p50 / p99, availability, stale reads, conflicts, lost writes.
pub fn figures(r: &Row) -> [String; 9] {
    let availability = match &r.write_availability {
        Some(a) => match a.share {
            Some(share) => format!("{:.0} % ({}/{})", share * 100.0, a.succeeded, a.issued),
            None => String::from("no writes"),
        },
        None => String::from("—"),
    };
    [
        r.label.clone(),
        ms(r.write_latency.p50_ms),
        ms(r.write_latency.p99_ms),
        ms(r.read_latency.p50_ms),
        ms(r.read_latency.p99_ms),
        availability,
        format!("{}", r.stale_reads),
        format!("{}", r.conflicts),
        format!("{}", r.lost_writes.total),
    ]
}

/// What "write availability" means, for captions.
pub fn availability_rule() -> String {
    format!(
        "share of the writes issued while the fault was in force that were acknowledged within {CLIENT_DEADLINE_MS} ms"
    )
}
