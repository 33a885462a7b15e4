//! The anomalies the core's checkers found — stale reads, lost writes,
//! read-your-writes and monotonic-read violations, consistent-prefix
//! violations, replica divergence, split brain, conflicts, writes
//! last-write-wins silently discarded, causality violations — labelled in
//! the core's words and listed once the client
//! operation that shows each one has been sent by the cursor. Clicking one
//! moves the cursor to the moment the client got its answer, where the
//! problem can be seen.

use replicascope_core::check::AnomalyKind;
use replicascope_core::run::Run;
use replicascope_core::time::{Duration, Instant};
use yew::prelude::*;

use crate::state::{Model, Msg};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: UseReducerHandle<Model>,
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

/// Every anomaly of the run, in the order their operations were sent.
pub fn collect(run: &dyn Run) -> Vec<Found> {
    let history = run.history();
    let mut found: Vec<Found> = run
        .anomalies()
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
                completed: op.completed_at,
            })
        })
        .collect();
    replicascope_core::sorting::sort_by_key(&mut found, |f| f.invoked);
    found
}

/// How many of `found` (sorted by `invoked`) are visible at `now`.
pub fn visible_at(found: &[Found], now: Instant) -> usize {
    found.partition_point(|f| f.invoked <= now)
}

#[function_component(Anomalies)]
pub fn anomalies(props: &Props) -> Html {
    let state = &props.state;
    // The checkers read the whole history: once per run, not per frame.
    let found = use_memo(state.run.clone(), |handle| collect(&**handle.run.borrow()));
    let seen = visible_at(&found, state.cursor);
    let later = found.len() - seen;
    let items = found[..seen].iter().rev().take(SHOWN).map(|f| {
        let onclick = {
            let state = state.clone();
            let to = f.seek_to();
            Callback::from(move |_: MouseEvent| state.dispatch(Msg::Seek(to)))
        };
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
        html! { <p class="hint">{ format!("{later} more later in the run.") }</p> }
    });
    let earlier = seen.saturating_sub(SHOWN);
    // Acknowledged writes that last-write-wins threw away: the client was
    // told "ok", so only this count says they are gone.
    let discarded = found[..seen]
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
    fn a_lost_write_appears_once_its_write_is_sent() {
        let s = presets::find("single-leader-async-crash-loses-write")
            .unwrap()
            .scenario();
        let r = run::start(&s).unwrap();
        let found = collect(&*r);
        let lost = found
            .iter()
            .find(|f| f.label == "lost write")
            .expect("the preset loses a write");
        assert!(!lost.explanation.is_empty());
        assert_eq!(visible_at(&found, Instant(0)), 0);
        assert!(visible_at(&found, lost.invoked) >= 1);
        assert_eq!(visible_at(&found, s.until()), found.len());
        assert!(lost.seek_to() >= lost.invoked);
    }

    #[test]
    fn last_write_wins_under_skew_discards_two_writes() {
        let s = presets::find("multi-leader-lww-clock-skew")
            .unwrap()
            .scenario();
        let found = collect(&*run::start(&s).unwrap());
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
