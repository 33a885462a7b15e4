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
            let mut count = 0u32;
            if delivered {
                for (i, s) in trace.steps.iter().enumerate() {
                    if s.kind != StepKind::Deliver {
                        continue;
                    }
                    if trace.message(s.subject).is_some_and(matches) {
                        count += 1;
                        if count == nth {
                            return Ok((s.time.0, Some(i)));
                        }
                    }
                }
            } else {
                for m in trace.messages.iter().filter(|m| matches(m)) {
                    count += 1;
                    if count == nth {
                        return Ok((m.sent_at.0, Some(m.sent_step as usize)));
                    }
                }
            }
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
            let mut count = 0u32;
            for (i, s) in trace.steps.iter().enumerate() {
                if s.kind == kind && node.is_none_or(|n| n == s.node) {
                    count += 1;
                    if count == nth {
                        return Ok((s.time.0, Some(i)));
                    }
                }
            }
            Err(not_found(format!(
                "wanted {} {}{}, but the run has {count}",
                ordinal(nth),
                event.name(),
                node.map(|n| format!(" at {n}")).unwrap_or_default()
            )))
        }
        Anchor::AfterFinding { kind, node, nth } => {
            let mut count = 0u32;
            for f in run.findings() {
                if f.anomaly.kind == kind && node.is_none_or(|n| n == f.node) {
                    count += 1;
                    if count == nth {
                        let time = trace.steps.get(f.step as usize).map_or(0, |s| s.time.0);
                        return Ok((time, Some(f.step as usize)));
                    }
                }
            }
            Err(not_found(format!(
                "wanted {} {} reported by a node{}, but the run has {count}",
                ordinal(nth),
                kind.label(),
                node.map(|n| format!(" ({n})")).unwrap_or_default()
            )))
        }
        Anchor::AfterNote { contains, nth } => {
            let mut count = 0u32;
            for n in trace.notes.iter().filter(|n| n.text.contains(contains)) {
                count += 1;
                if count == nth {
                    let time = trace.steps.get(n.step as usize).map_or(0, |s| s.time.0);
                    return Ok((time, Some(n.step as usize)));
                }
            }
            Err(not_found(format!(
                "wanted the {} narration note containing \"{contains}\", but the run has {count}",
                ordinal(nth)
            )))
        }
    }
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
