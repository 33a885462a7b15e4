//! Playing a tour against a run: finding each step's pause point and
//! checking its caption's claims there.

use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::claims::expectation;
use super::find::find_anchor;
use super::{Tour, TourError, TourProblem};
use crate::check::AnomalyKind;
use crate::run::{self, Run};
use crate::time::{Duration, Instant};

/// A tour's pause point, found in a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedStep {
    /// The step's index in [`Tour::steps`] (from 0).
    pub step_index: usize,
    pub caption: &'static str,
    /// Where to put the cursor, µs of virtual time.
    pub t_us: u64,
    /// The trace step of the anchored event (`None` for [`Anchor::At`] and
    /// [`Anchor::End`]).
    ///
    /// [`Anchor::At`]: super::Anchor::At
    /// [`Anchor::End`]: super::Anchor::End
    pub event: Option<usize>,
}

impl ResolvedStep {
    pub fn at(&self) -> Instant {
        Instant(self.t_us)
    }
}

/// Runs the tour's preset and finds its pause points.
pub fn start(tour: &'static Tour) -> Result<(Box<dyn Run>, Vec<ResolvedStep>), TourError> {
    let whole = |problem| TourError {
        tour: tour.id,
        step: None,
        caption: None,
        problem,
    };
    let preset = tour
        .preset()
        .ok_or_else(|| whole(TourProblem::UnknownPreset(tour.preset)))?;
    let run =
        run::start(&preset.scenario()).map_err(|e| whole(TourProblem::Scenario(e.to_string())))?;
    let steps = resolve(tour, &*run)?;
    Ok((run, steps))
}

/// Finds every step's pause point in `run` (a run of the tour's preset).
/// Fails, naming the step, when an anchor's event never happens, lies past
/// the end of the run, or is not later than the previous step's.
pub fn resolve(tour: &'static Tour, run: &dyn Run) -> Result<Vec<ResolvedStep>, TourError> {
    if tour.steps.is_empty() {
        return Err(TourError {
            tour: tour.id,
            step: None,
            caption: None,
            problem: TourProblem::NoSteps,
        });
    }
    let end = run.scenario().until().0;
    let mut resolved: Vec<ResolvedStep> = Vec::with_capacity(tour.steps.len());
    for (i, step) in tour.steps.iter().enumerate() {
        let fail = |problem| TourError {
            tour: tour.id,
            step: Some(i),
            caption: Some(step.caption),
            problem,
        };
        let (t_us, event) = find_anchor(&step.at, run).map_err(&fail)?;
        if t_us > end {
            return Err(fail(TourProblem::PastEnd { t_us, end_us: end }));
        }
        if let Some(previous) = resolved.last() {
            if t_us <= previous.t_us {
                return Err(fail(TourProblem::NotAfterPrevious {
                    t_us,
                    previous_us: previous.t_us,
                }));
            }
        }
        resolved.push(ResolvedStep {
            step_index: i,
            caption: step.caption,
            t_us,
            event,
        });
    }
    Ok(resolved)
}

/// Resolves the tour and checks every expectation against the run at its
/// pause point.
pub fn verify(tour: &'static Tour, run: &dyn Run) -> Result<Vec<ResolvedStep>, TourError> {
    let resolved = resolve(tour, run)?;
    check(tour, run, &resolved)?;
    Ok(resolved)
}

/// Checks each resolved step's expectations against the nodes and the
/// anomaly list at its pause point.
pub fn check(
    tour: &'static Tour,
    run: &dyn Run,
    resolved: &[ResolvedStep],
) -> Result<(), TourError> {
    for r in resolved {
        let Some(step) = tour.steps.get(r.step_index) else {
            continue;
        };
        if step.expect.is_empty() {
            continue;
        }
        let snapshot = run.snapshot_at(r.at());
        // What the anomaly list shows at the stop: what the checkers find
        // in the run up to it.
        let shown: Vec<AnomalyKind> = run.anomalies_at(r.at()).iter().map(|a| a.kind).collect();
        for e in step.expect {
            expectation(e, &snapshot, &shown).map_err(|m| TourError {
                tour: tour.id,
                step: Some(r.step_index),
                caption: Some(step.caption),
                problem: TourProblem::Expectation(format!("at {}: {m}", r.at())),
            })?;
        }
    }
    Ok(())
}

/// A resolved step's time, as the CLI and the page print it ("12.5 ms").
pub fn time_text(step: &ResolvedStep) -> String {
    format!("{}", Duration(step.t_us))
}
