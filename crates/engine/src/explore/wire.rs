//! What the page and its search worker say to each other (as JSON text
//! over `postMessage`): the page asks for one search, the worker answers
//! with progress now and then and one answer at the end. Plain data, so
//! both sides share one definition; the worker is its own small build
//! (`web/explore-worker`), loaded only when a search starts.

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use super::{Bounds, Property, Report};

use crate::scenario::Scenario;

/// One search to run.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Request {
    pub scenario: Scenario,
    pub property: Property,
    pub bounds: Bounds,
}

/// How far the search has got, posted about ten times a second.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Tick {
    pub states: u64,
    pub depth: u32,
    pub queue: usize,
    pub elapsed_ms: f64,
}

/// The end of a search: a refusal, or what the page shows of the
/// report — its summary, the counterexample's scenario and the
/// counterexample told in words. (Not the whole [`Report`]: every type
/// the page reads is code in its download.)
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub error: Option<String>,
    pub property: Option<Property>,
    /// Distinct states visited.
    pub states: u64,
    pub complete: bool,
    /// The counterexample as a scenario that replays it.
    pub counterexample: Option<Scenario>,
    /// [`Report::describe`].
    pub summary: String,
    /// [`super::Story::caption`] of the counterexample.
    pub caption: Option<String>,
    /// Its steps: time in ms, what happened.
    pub story: Vec<(f64, String)>,
    /// When the violation shows, in ms (where the page opens the run).
    pub at_ms: Option<f64>,
    pub elapsed_ms: f64,
}

impl Answer {
    pub fn refused(why: String) -> Answer {
        Answer {
            error: Some(why),
            property: None,
            states: 0,
            complete: false,
            counterexample: None,
            summary: String::new(),
            caption: None,
            story: Vec::new(),
            at_ms: None,
            elapsed_ms: 0.0,
        }
    }

    /// The answer for `report`, its counterexample replayed and told.
    pub fn of(report: Report, elapsed_ms: f64) -> Answer {
        let told = report.found.as_ref().and_then(|c| c.story().ok());
        Answer {
            error: None,
            summary: report.describe(),
            caption: told.as_ref().map(super::Story::caption),
            story: told
                .as_ref()
                .map(|s| {
                    s.steps
                        .iter()
                        .map(|(t, text)| (t.0 as f64 / 1000.0, text.clone()))
                        .collect()
                })
                .unwrap_or_default(),
            at_ms: report
                .found
                .as_ref()
                .and_then(|c| c.schedule.last().map(|s| s.at_ms)),
            property: Some(report.property),
            states: report.progress.states,
            complete: report.complete,
            counterexample: report.found.map(|c| c.scenario),
            elapsed_ms,
        }
    }
}
