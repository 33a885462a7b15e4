//! The anomalies the core's checkers find in the run **up to the
//! cursor** — stale reads, lost writes, read-your-writes and
//! monotonic-read violations, consistent-prefix violations, replica
//! divergence, split brain, conflicts, writes last-write-wins silently
//! discarded, causality violations, lost updates, histories with no
//! linearization — labelled in the core's words. The checkers look at
//! the nodes as they are at the cursor and at the answers clients had
//! received by then ([`Run::anomalies_at`]), so a write is listed as
//! lost only once it is, never at the moment it was sent. Clicking one
//! moves the cursor to the moment the client got its answer, where the
//! problem can be seen.

use replicascope_core::check::{Anomaly, AnomalyKind};
use replicascope_core::run::Run;
use replicascope_core::time::{Duration, Instant};
use yew::prelude::*;

use std::rc::Rc;

use crate::state::{Frame, Msg};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub frame: Rc<Frame>,
    /// Moves the cursor (`Msg::Seek`).
    pub send: Callback<Msg>,
}

/// Most entries listed (a long generated run can have thousands).
const SHOWN: usize = 30;

/// One anomaly with the times of its operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub kind: AnomalyKind,
    pub label: &'static str,
    pub explanation: String,
    /// When the client sent the operation that shows the anomaly.
    pub invoked: Instant,
    /// When it got its answer (if ever): where clicking goes.
    pub completed: Option<Instant>,
}

impl Found {
    /// The moment to look at: the answer, or the request if none came.
    pub fn seek_to(&self) -> Instant {
        self.completed.unwrap_or(self.invoked)
    }
}

/// What the checkers find in the run up to `now`, in the order their
/// operations were sent. An answer that arrives after `now` is not
/// known yet: its operation shows as still waiting.
pub fn collect(run: &dyn Run, now: Instant) -> Vec<Found> {
    label(run, run.anomalies_at(now), now)
}

/// Every anomaly of the whole run, judged at its end.
pub fn collect_all(run: &dyn Run) -> Vec<Found> {
    label(run, run.anomalies(), run.end())
}

fn label(run: &dyn Run, anomalies: Vec<Anomaly>, now: Instant) -> Vec<Found> {
    let history = run.history();
    let mut found: Vec<Found> = anomalies
        .into_iter()
        .filter_map(|a| {
            // An anomaly whose operation is not in the history cannot be
            // placed in time; skip it rather than guess.
            let op = history.get(a.op)?;
            Some(Found {
                kind: a.kind,
                label: a.kind.label(),
                explanation: a.explanation,
                invoked: op.invoked_at,
                completed: op.completed_at.filter(|&c| c <= now),
            })
        })
        .collect();
    replicascope_core::sorting::sort_by_key(&mut found, |f| f.invoked);
    found
}

/// How many anomalies of the whole run the list at the cursor does not
/// show yet.
pub fn found_later(now: &[Found], all: &[Found]) -> usize {
    let same = |a: &Found, b: &Found| {
        a.kind == b.kind && a.invoked == b.invoked && a.explanation == b.explanation
    };
    all.iter()
        .filter(|a| !now.iter().any(|b| same(a, b)))
        .count()
}

#[function_component(Anomalies)]
pub fn anomalies(props: &Props) -> Html {
    let frame = &props.frame;
    // The anomalies change only when a step happens: check once per step
    // the cursor lands after, not once per frame.
    let (steps, cursor) = (frame.steps, frame.cursor);
    let all = use_memo(frame.run.clone(), |handle| collect_all(handle.get()));
    let found = use_memo((frame.run.clone(), steps), move |(handle, _)| {
        let found = collect(handle.get(), cursor);
        let later = found_later(&found, &all);
        (found, later)
    });
    let (found, later) = (&found.0, found.1);
    let seen = found.len();
    let items = found.iter().rev().take(SHOWN).map(|f| {
        let to = f.seek_to();
        let onclick = props.send.reform(move |_: MouseEvent| Msg::Seek(to));
        html! {
            <li>
                <button type="button" class="anomaly" {onclick}
                        title="Move the cursor to when the client got its answer">
                    <span class="anomaly-kind">{ f.label }</span>
                    <time>{ format!("{}", Duration(f.seek_to().0)) }</time>
                    <span class="anomaly-why">{ &f.explanation }</span>
                </button>
            </li>
        }
    });
    let more_later = (later > 0).then(|| {
        html! { <p class="hint">{ format!("{later} more found later in the run.") }</p> }
    });
    let earlier = seen.saturating_sub(SHOWN);
    // Acknowledged writes that last-write-wins threw away: the client was
    // told "ok", so only this count says they are gone.
    let discarded = found
        .iter()
        .filter(|f| f.kind == AnomalyKind::DiscardedWrite)
        .count();
    html! {
        <section class="card anomalies" aria-label="Anomalies" data-testid="anomalies">
            <h2>{ "Anomalies" }{ " " }<span class="anomaly-count">{ seen }</span></h2>
            if discarded > 0 {
                <p class="discarded" data-testid="discarded">
                    { format!("{discarded} acknowledged write{} silently discarded", if discarded == 1 { "" } else { "s" }) }
                </p>
            }
            if seen == 0 {
                <p class="hint">{ "None so far." }</p>
            } else {
                <ol class="anomaly-list">{ for items }</ol>
                if earlier > 0 {
                    <p class="hint">{ format!("…and {earlier} earlier.") }</p>
                }
            }
            { for more_later }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use replicascope_core::presets;
    use replicascope_core::run;

    #[test]
    fn a_lost_write_is_listed_once_it_is_lost() {
        let s = presets::find("single-leader-async-crash-loses-write")
            .unwrap()
            .scenario();
        let r = run::start(&s).unwrap();
        let all = collect_all(&*r);
        let lost = all
            .iter()
            .find(|f| f.label == "lost write")
            .expect("the preset loses a write");
        assert!(!lost.explanation.is_empty());
        assert!(collect(&*r, Instant(0)).is_empty());
        // Acknowledged at 10 ms by a leader that is still up: not lost yet.
        let at_10 = collect(&*r, Instant(10_000));
        assert!(at_10.iter().all(|f| f.label != "lost write"), "{at_10:?}");
        assert_eq!(found_later(&at_10, &all), all.len() - at_10.len());
        assert_eq!(collect(&*r, r.end()), all);
        assert_eq!(found_later(&all, &all), 0);
        assert!(lost.seek_to() >= lost.invoked);
    }

    #[test]
    fn an_answer_after_the_cursor_is_not_known_yet() {
        let s = presets::find("single-leader-async-crash-loses-write")
            .unwrap()
            .scenario();
        let r = run::start(&s).unwrap();
        let write = &r.history().ops[0];
        let answered = write.completed_at.unwrap();
        let before = Instant(answered.0 - 1);
        let found = label(&*r, r.anomalies(), before);
        let f = found
            .iter()
            .find(|f| f.invoked == write.invoked_at)
            .unwrap();
        assert_eq!(f.completed, None);
        assert_eq!(f.seek_to(), write.invoked_at);
    }

    #[test]
    fn last_write_wins_under_skew_discards_two_writes() {
        let s = presets::find("multi-leader-lww-clock-skew")
            .unwrap()
            .scenario();
        let found = collect_all(&*run::start(&s).unwrap());
        let discarded: Vec<_> = found
            .iter()
            .filter(|f| f.kind == AnomalyKind::DiscardedWrite)
            .collect();
        assert_eq!(discarded.len(), 2);
        assert!(discarded
            .iter()
            .all(|f| f.label == "silently discarded write"));
    }
}
