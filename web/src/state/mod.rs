//! The page's state and the one reducer that changes it. A `Model` holds
//! the current run (computed by the core), the cursor in virtual time, the
//! playback settings, the selection and any message for the user. Every
//! change goes through an `Action`, so the views stay plain functions of the
//! model. No protocol logic lives here: runs, forks and states come from
//! `replicascope_core`.

mod frame;
mod reduce;
#[cfg(test)]
mod tests;
mod tour;

pub use frame::{answer, Frame, MAX_DOTS, NARRATION_LINES};
pub use tour::unknown_tour;

use std::rc::Rc;

use replicascope_core::node::NodeId;
use replicascope_core::presets;
use replicascope_core::run::{self, NodeState, Run};
use replicascope_core::scenario::{Action as ScenarioAction, Scenario, Timed};
use replicascope_core::share::{self, SharedRun, LINK_VERSION};
use replicascope_core::time::Instant;
use replicascope_core::tours::ResolvedStep;

/// The default preset the page opens with.
pub const DEFAULT_PRESET: &str = "single-leader-sync-write";

/// What the user has picked to look at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection {
    None,
    Node(NodeId),
    Message(u32),
    /// A directed link between two nodes.
    Link(NodeId, NodeId),
}

/// The run being shown. Shared, never changed: an intervention forks it
/// into a new run (and a new handle), so an older model still describes
/// its own moment. `revision` counts the runs a page has shown, so the
/// address bar can tell a new run from a moved cursor.
#[derive(Clone)]
pub struct RunHandle {
    pub run: Rc<Box<dyn Run>>,
    pub revision: u64,
    /// Longest time any message spent in flight (bounds the search for
    /// messages in flight at the cursor).
    pub max_flight_us: u64,
    pub hash: String,
    /// Stretches with nothing on the move, which playback skips
    /// ([`crate::playback`]).
    pub idle: Rc<Vec<(Instant, Instant)>>,
}

impl RunHandle {
    fn new(run: Box<dyn Run>, revision: u64) -> RunHandle {
        let (max_flight_us, hash, idle) = stats(&*run);
        RunHandle {
            run: Rc::new(run),
            revision,
            max_flight_us,
            hash,
            idle,
        }
    }

    /// The run itself.
    pub fn get(&self) -> &dyn Run {
        &**self.run
    }

    /// The handle of `run`, the next run this page shows (a fork of this
    /// one, or a re-run with other settings).
    fn next(&self, run: Box<dyn Run>) -> RunHandle {
        RunHandle::new(run, self.revision + 1)
    }
}

fn stats(run: &dyn Run) -> (u64, String, Rc<Vec<(Instant, Instant)>>) {
    let trace = run.trace();
    let max_flight = trace
        .messages
        .iter()
        .map(|m| m.deliver_at.0.saturating_sub(m.sent_at.0))
        .max()
        .unwrap_or(0);
    let idle = Rc::new(crate::playback::idle_stretches(trace, run.end()));
    (max_flight, hash_text(trace), idle)
}

/// The trace hash as links and "About this run" show it.
fn hash_text(trace: &replicascope_core::trace::Trace) -> String {
    format!("{:016x}", trace.hash())
}

impl PartialEq for RunHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.run, &other.run) && self.revision == other.revision
    }
}

#[derive(Clone, PartialEq)]
pub struct Model {
    /// The preset the run came from (its menu entry), if any.
    pub preset: Option<String>,
    pub run: RunHandle,
    pub cursor: Instant,
    pub playing: bool,
    /// Multiplier of the base playback rate, 0.1 to 100.
    pub speed: f64,
    pub selection: Selection,
    /// A message for the user (bad link, refused intervention...).
    pub notice: Option<Notice>,
    /// Compact chrome for an iframe.
    pub embed: bool,
    /// The guided tour being played, if any (`#tour=<id>&step=<k>`).
    pub tour: Option<TourState>,
    /// Playing past the end starts again from the beginning (embeds that
    /// illustrate a post keep moving).
    pub looping: bool,
    /// This model was opened from the address (Back, Forward, a typed
    /// fragment): the address bar already shows its place, so writing it
    /// replaces the history entry rather than adding one.
    pub followed_address: bool,
    /// What a run from no preset is (a comparison cell names its
    /// architecture and fault); the menu shows it.
    pub title: Option<String>,
    /// Interventions taken back with Undo, the last one undone last: Redo
    /// puts them back in order. A new intervention clears them.
    pub redo: Vec<Timed>,
}

/// A guided tour in progress: its pause points, resolved against the run
/// of its preset, and the one on screen.
#[derive(Clone, Debug, PartialEq)]
pub struct TourState {
    pub id: &'static str,
    pub title: &'static str,
    pub steps: Vec<ResolvedStep>,
    /// The step on screen (from 0).
    pub index: usize,
    /// The trace hash of the run the steps were resolved against.
    pub hash: String,
    /// The run on screen is no longer that run (an intervention or a
    /// parameter changed it): the captions describe the original.
    pub forked: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub error: bool,
    pub text: String,
}

pub enum Msg {
    LoadPreset(String),
    /// Replace the scenario (a parameter changed); keeps the cursor.
    SetScenario(Box<Scenario>),
    Play,
    Pause,
    TogglePlay,
    /// Wall-clock milliseconds since the last animation frame.
    Tick(f64),
    Seek(Instant),
    StepForward,
    StepBack,
    SetSpeed(f64),
    Select(Selection),
    /// Apply `action` at the cursor: the run forks there.
    Intervene(ScenarioAction),
    /// Take back the last intervention (the run is recomputed without it;
    /// the cursor stays).
    Undo,
    /// Put back the intervention last taken back.
    Redo,
    Notify(Notice),
    Dismiss,
    /// Show `scenario` from its start (cursor 0, no preset), with `note`
    /// as an informational message: a run opened from elsewhere on the
    /// page, such as a cell of the architecture comparison.
    /// The third field names the run in the menu.
    OpenScenario(Box<Scenario>, String, Option<String>),
    /// Start the guided tour with this id: load its preset, pause at its
    /// first step. An unknown id leaves the page as it is, with a message.
    StartTour(String),
    /// Move this many steps in the tour; past the last step leaves it.
    TourStep(isize),
    /// Go to step `k` (from 0) of the tour.
    TourGoto(usize),
    /// Leave the tour, keeping the run and the cursor.
    LeaveTour,
    /// Put back the tour's original run (after a fork) at the current step.
    RestoreTour,
    /// Whether playback starts over at the end.
    SetLoop(bool),
    /// The address's fragment changed under the page (typed into the
    /// address bar, or Back / Forward): open what it names. The fragment
    /// the page already shows changes nothing.
    Navigate(String),
}

impl Model {
    /// The page at start-up: from the URL fragment if it holds a run,
    /// otherwise the default preset. A bad link falls back to the default
    /// and says why.
    pub fn from_location(fragment: &str, embed: bool) -> Model {
        if let Some(id) = param(fragment, "tour") {
            return Model::from_tour_location(fragment, &id, embed);
        }
        let preset_param = param(fragment, "preset");
        if let Some(encoded) = param(fragment, "run") {
            match share::decode(&encoded).and_then(|s| Model::from_shared(s, embed)) {
                Ok(model) => return model,
                Err(why) => {
                    let mut m = Model::from_preset(DEFAULT_PRESET, embed);
                    m.notice = Some(Notice { error: true, text: format!("This link could not be opened: {why}. Showing the default example instead.") });
                    return m;
                }
            }
        }
        if let Some(id) = preset_param {
            if presets::find(&id).is_some() {
                return Model::from_preset(&id, embed);
            }
            let mut m = Model::from_preset(DEFAULT_PRESET, embed);
            m.notice = Some(Notice {
                error: true,
                text: format!(
                    "There is no preset called '{id}'. Showing the default example instead."
                ),
            });
            return m;
        }
        Model::from_preset(DEFAULT_PRESET, embed)
    }

    fn from_shared(shared: SharedRun, embed: bool) -> Result<Model, String> {
        let run = run::start(&shared.scenario).map_err(|e| e.to_string())?;
        let mut model = Model::with_run(run, shared.preset.clone(), embed);
        model.title = shared.title.clone().filter(|_| shared.preset.is_none());
        model.cursor = Instant(shared.t_us).min(model.until());
        if let Some(expected) = shared.hash {
            if expected != model.run.hash {
                model.notice = Some(Notice {
                    error: true,
                    text: format!(
                        "This link replays differently here (trace {} instead of {}): it was probably made by another version of ReplicaScope.",
                        model.run.hash, expected
                    ),
                });
            }
        }
        Ok(model)
    }

    /// A run of `scenario` (handed over by a page that embeds the app),
    /// or why it cannot run.
    pub fn from_scenario(scenario: &Scenario, embed: bool) -> Result<Model, String> {
        let run = run::start(scenario).map_err(|e| e.to_string())?;
        Ok(Model::with_run(run, None, embed))
    }

    pub fn from_preset(id: &str, embed: bool) -> Model {
        let preset = presets::find(id)
            .or_else(|| presets::all().first())
            .expect("at least one preset");
        let run = run::start(&preset.scenario()).expect("presets are valid (tested)");
        Model::with_run(run, Some(preset.id.to_string()), embed)
    }

    fn with_run(run: Box<dyn Run>, preset: Option<String>, embed: bool) -> Model {
        Model {
            preset,
            run: RunHandle::new(run, 0),
            cursor: Instant::ZERO,
            playing: false,
            speed: 1.0,
            selection: Selection::None,
            notice: None,
            embed,
            tour: None,
            looping: false,
            followed_address: false,
            title: None,
            redo: Vec::new(),
        }
    }

    /// Undo (`undo`) or redo one intervention: the run is recomputed from
    /// its scenario with the last intervention taken out or put back; the
    /// cursor stays. If the run refuses it (it cannot: it accepted the same
    /// list before), the run stays and a message says so.
    fn take_back(&mut self, undo: bool) {
        let mut scenario = self.scenario();
        let moved = if undo {
            scenario.interventions.pop()
        } else {
            self.redo
                .last()
                .cloned()
                .inspect(|t| scenario.interventions.push(t.clone()))
        };
        let Some(moved) = moved else {
            return;
        };
        match run::start(&scenario) {
            Ok(run) => {
                self.run = self.run.next(run);
                self.cursor = self.cursor.min(self.until());
                self.notice = None;
                if undo {
                    self.redo.push(moved);
                } else {
                    self.redo.pop();
                }
            }
            Err(e) => {
                self.notice = Some(Notice {
                    error: true,
                    text: format!(
                        "That could not be {}: {e}",
                        if undo { "undone" } else { "redone" }
                    ),
                })
            }
        }
    }

    pub fn scenario(&self) -> Scenario {
        self.run.run.scenario().clone()
    }

    pub fn until(&self) -> Instant {
        self.run.run.end()
    }

    /// Virtual microseconds played per wall-clock second at 1×: twice the
    /// mean network delay, so one hop takes about half a second to watch.
    pub fn base_rate_us_per_s(&self) -> f64 {
        let run = &self.run.run;
        crate::playback::base_rate_us_per_s(run.scenario().network.latency.mean_ms(), run.end().0)
    }

    /// Simulated µs per second of viewing at the chosen speed.
    pub fn rate_us_per_s(&self) -> f64 {
        self.base_rate_us_per_s() * self.speed
    }

    /// Node states at the cursor.
    pub fn nodes_now(&self) -> Vec<NodeState> {
        self.run.run.nodes_at(self.cursor)
    }

    /// What the address names besides the run and the cursor.
    pub fn place(&self) -> Place {
        Place {
            preset: self.preset.clone(),
            title: self.title.clone(),
            tour: self.tour.as_ref().map(|t| (t.id, t.index)),
        }
    }

    /// The URL fragment for this view.
    pub fn fragment(&self) -> String {
        self.place().fragment(&self.run, self.cursor)
    }

    /// The time of the next step after the cursor, if any.
    fn next_step_time(&self) -> Option<Instant> {
        let run = &self.run.run;
        let trace = run.trace();
        let i = trace.steps_until(self.cursor);
        trace.steps.get(i).map(|s| s.time)
    }

    /// The time of the last step strictly before the cursor's time.
    fn previous_step_time(&self) -> Option<Instant> {
        let run = &self.run.run;
        let trace = run.trace();
        let i = trace.steps.partition_point(|s| s.time < self.cursor);
        i.checked_sub(1)
            .and_then(|i| trace.steps.get(i))
            .map(|s| s.time)
    }
}

/// Where the page is, beyond its run and cursor: the preset the run came
/// from, the name of a run from no preset, the tour step on screen. With
/// a run and a cursor it makes the page's address.
#[derive(Clone, Debug, PartialEq)]
pub struct Place {
    pub preset: Option<String>,
    pub title: Option<String>,
    /// The tour's id and the step on screen (from 0).
    pub tour: Option<(&'static str, usize)>,
}

impl Place {
    /// What a shared link of `run` at `cursor` carries.
    pub fn shared(&self, run: &RunHandle, cursor: Instant) -> SharedRun {
        SharedRun {
            v: LINK_VERSION,
            preset: self.preset.clone(),
            scenario: run.run.scenario().clone(),
            t_us: cursor.0,
            hash: Some(run.hash.clone()),
            title: self.title.clone(),
        }
    }

    /// The URL fragment for `run` at `cursor` here.
    pub fn fragment(&self, run: &RunHandle, cursor: Instant) -> String {
        let link = format!("run={}", share::encode(&self.shared(run, cursor)));
        match self.tour {
            Some((id, index)) => format!("tour={id}&step={}&{link}", index + 1),
            None => link,
        }
    }
}

/// `key=value` from a `a=1&b=2` fragment or query.
pub fn param(text: &str, key: &str) -> Option<String> {
    text.trim_start_matches(['#', '?'])
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.to_string())
}
