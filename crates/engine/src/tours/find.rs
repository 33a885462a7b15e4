//! Finding a stop's moment in a run: the anchored message, reply,
//! fault, finding or note, and its time.

use super::*;

/// The time and trace step of an anchor's event.
pub(super) fn find_anchor(
    anchor: &Anchor,
    run: &dyn Run,
) -> Result<(u64, Option<usize>), TourProblem> {
    let trace = run.trace();
    let not_found = |s: String| TourProblem::AnchorNotFound(s);
    match *anchor {
        Anchor::At(ms) => Ok((ms.saturating_mul(1000), None)),
        Anchor::End => Ok((run.scenario().until().0, None)),
        Anchor::AfterMessage {
            label,
            nth,
            delivered,
            from,
            to,
        } => {
            let matches = |m: &crate::trace::MessageRecord| {
                trace.label(m) == label
                    && from.is_none_or(|n| m.from == n)
                    && to.is_none_or(|n| m.to == n)
            };
            let found = if delivered {
                let deliveries = trace.steps.iter().enumerate().filter(|(_, s)| {
                    s.kind == StepKind::Deliver && trace.message(s.subject).is_some_and(matches)
                });
                nth_of(deliveries, nth).map(|(i, s)| (s.time.0, Some(i)))
            } else {
                let sent = trace.messages.iter().filter(|m| matches(m));
                nth_of(sent, nth).map(|m| (m.sent_at.0, Some(m.sent_step as usize)))
            };
            let count = match found {
                Ok(at) => return Ok(at),
                Err(count) => count,
            };
            Err(not_found(format!(
                "wanted {} \"{label}\" message{} {}, but the run {} {count}",
                ordinal(nth),
                route(from, to),
                if delivered {
                    "to be delivered"
                } else {
                    "to be sent"
                },
                if delivered { "delivered" } else { "sent" },
            )))
        }
        Anchor::AfterReply { op } => {
            let history = run.history();
            let Some(o) = history.get(OpId(op)) else {
                return Err(not_found(format!(
                    "client operation #{op} does not exist: the run has {} (#0 to #{})",
                    history.ops.len(),
                    history.ops.len().saturating_sub(1)
                )));
            };
            match (o.completed_at, o.complete_step) {
                (Some(t), Some(step)) => Ok((t.0, Some(step as usize))),
                _ => Err(not_found(format!(
                    "client operation #{op} ({} at {}) is never answered",
                    o.request, o.node
                ))),
            }
        }
        Anchor::AfterEvent { event, node, nth } => {
            let kind = event.step_kind();
            let events = trace
                .steps
                .iter()
                .enumerate()
                .filter(|(_, s)| s.kind == kind && node.is_none_or(|n| n == s.node));
            let count = match nth_of(events, nth) {
                Ok((i, s)) => return Ok((s.time.0, Some(i))),
                Err(count) => count,
            };
            Err(not_found(format!(
                "wanted {} {}{}, but the run has {count}",
                ordinal(nth),
                event.name(),
                node.map(|n| format!(" at {n}")).unwrap_or_default()
            )))
        }
        Anchor::AfterFinding { kind, node, nth } => {
            let findings = run.findings();
            let reported = findings
                .iter()
                .filter(|f| f.anomaly.kind == kind && node.is_none_or(|n| n == f.node));
            let count = match nth_of(reported, nth) {
                Ok(f) => return Ok(at_step(trace, f.step)),
                Err(count) => count,
            };
            Err(not_found(format!(
                "wanted {} {} reported by a node{}, but the run has {count}",
                ordinal(nth),
                kind.label(),
                node.map(|n| format!(" ({n})")).unwrap_or_default()
            )))
        }
        Anchor::AfterNote { contains, nth } => {
            let notes = trace.notes.iter().filter(|n| n.text.contains(contains));
            let count = match nth_of(notes, nth) {
                Ok(n) => return Ok(at_step(trace, n.step)),
                Err(count) => count,
            };
            Err(not_found(format!(
                "wanted the {} narration note containing \"{contains}\", but the run has {count}",
                ordinal(nth)
            )))
        }
    }
}

/// The `nth` (from 1) item, or how many there are when there are fewer.
fn nth_of<T>(items: impl Iterator<Item = T>, nth: u32) -> Result<T, u32> {
    let mut count = 0u32;
    for item in items {
        count += 1;
        if count == nth {
            return Ok(item);
        }
    }
    Err(count)
}

/// The time and index of trace step `step`.
fn at_step(trace: &crate::trace::Trace, step: u32) -> (u64, Option<usize>) {
    let time = trace.steps.get(step as usize).map_or(0, |s| s.time.0);
    (time, Some(step as usize))
}

fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("the {n}{suffix}")
}

fn route(from: Option<NodeId>, to: Option<NodeId>) -> String {
    let mut out = String::new();
    if let Some(n) = from {
        out.push_str(&format!(" from {n}"));
    }
    if let Some(n) = to {
        out.push_str(&format!(" to {n}"));
    }
    out
}
