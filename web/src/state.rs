//! The page's state and the one reducer that changes it. A `Model` holds
//! the current run (computed by the core), the cursor in virtual time, the
//! playback settings, the selection and any message for the user. Every
//! change goes through an `Action`, so the views stay plain functions of the
//! model. No protocol logic lives here: runs, forks and states come from
//! `replicascope_core`.

use std::cell::RefCell;
use std::rc::Rc;

use replicascope_core::node::NodeId;
use replicascope_core::presets;
use replicascope_core::run::{self, NodeState, Run};
use replicascope_core::scenario::{Action as ScenarioAction, Scenario, Timed};
use replicascope_core::share::{self, SharedRun, LINK_VERSION};
use replicascope_core::time::Instant;
use replicascope_core::tours::{self, ResolvedStep};
use yew::prelude::*;

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

/// The run being shown. Shared, not cloned: forking mutates it in place and
/// bumps `revision` so views know to recompute.
#[derive(Clone)]
pub struct RunHandle {
    pub run: Rc<RefCell<Box<dyn Run>>>,
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
            run: Rc::new(RefCell::new(run)),
            revision,
            max_flight_us,
            hash,
            idle,
        }
    }

    fn refresh(&mut self) {
        let (max_flight_us, hash, idle) = stats(&**self.run.borrow());
        self.max_flight_us = max_flight_us;
        self.hash = hash;
        self.idle = idle;
        self.revision += 1;
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

    /// `#tour=<id>&step=<k>[&run=…]`: the tour at step k (from 1); with a
    /// run (the page writes one), that run — marked as changed if it is
    /// not the tour's. A bad tour id shows the page as without it, with a
    /// message naming it.
    fn from_tour_location(fragment: &str, id: &str, embed: bool) -> Model {
        let without_tour: String = fragment
            .trim_start_matches(['#', '?'])
            .split('&')
            .filter(|pair| !pair.starts_with("tour=") && !pair.starts_with("step="))
            .collect::<Vec<_>>()
            .join("&");
        let step = param(fragment, "step")
            .and_then(|k| k.parse::<usize>().ok())
            .unwrap_or(1)
            .saturating_sub(1);
        let Some(tour) = tours::find(id) else {
            let mut m = Model::from_location(&without_tour, embed);
            m.notice = Some(Notice {
                error: true,
                text: unknown_tour(id),
            });
            return m;
        };
        let from_link = param(fragment, "run").is_some();
        let mut m = if from_link {
            let m = Model::from_location(&without_tour, embed);
            if m.notice.is_some() {
                // The run in the link was bad: the tour's own run instead.
                let mut fresh = Model::from_preset(tour.preset, embed);
                fresh.notice = m.notice;
                fresh
            } else {
                m
            }
        } else {
            Model::from_preset(tour.preset, embed)
        };
        let keep_cursor = from_link && m.notice.is_none();
        let cursor = m.cursor;
        match m.attach_tour(tour) {
            Ok(()) => {
                m.goto_step(step);
                if keep_cursor {
                    m.cursor = cursor.min(m.until());
                }
            }
            Err(e) => {
                m.notice = Some(Notice {
                    error: true,
                    text: format!("This tour could not be started: {e}"),
                })
            }
        }
        m
    }

    /// Replaces the page with tour `id`'s run, paused at step `k` (from
    /// 0); an unknown or broken tour leaves it as it is, with a message.
    fn start_tour(&mut self, id: &str, k: usize) {
        let Some(tour) = tours::find(id) else {
            self.notice = Some(Notice {
                error: true,
                text: unknown_tour(id),
            });
            return;
        };
        match tours::start(tour) {
            Ok((run, steps)) => {
                let revision = self.run.revision + 1;
                let speed = self.speed;
                let looping = self.looping;
                *self = Model::with_run(run, Some(tour.preset.to_string()), self.embed);
                self.run.revision = revision;
                self.speed = speed;
                self.looping = looping;
                self.tour = Some(TourState {
                    id: tour.id,
                    title: tour.title,
                    steps,
                    index: 0,
                    hash: self.run.hash.clone(),
                    forked: false,
                });
                self.goto_step(k);
            }
            Err(e) => {
                self.notice = Some(Notice {
                    error: true,
                    text: format!("This tour could not be started: {e}"),
                })
            }
        }
    }

    /// Moves to step `k` (from 0, clamped) of the tour, paused.
    fn goto_step(&mut self, k: usize) {
        let until = self.until();
        if let Some(t) = &mut self.tour {
            let k = k.min(t.steps.len().saturating_sub(1));
            t.index = k;
            if let Some(step) = t.steps.get(k) {
                self.cursor = step.at().min(until);
            }
            self.playing = false;
        }
    }

    /// Attaches the tour to the run on screen (its steps come from a fresh
    /// run of the tour's preset), at its first step.
    fn attach_tour(&mut self, tour: &'static tours::Tour) -> Result<(), String> {
        let (run, steps) = tours::start(tour).map_err(|e| e.to_string())?;
        let hash = hash_text(run.trace());
        let first = steps.first().map_or(Instant::ZERO, ResolvedStep::at);
        self.cursor = first.min(self.until());
        self.playing = false;
        self.tour = Some(TourState {
            id: tour.id,
            title: tour.title,
            forked: self.run.hash != hash,
            steps,
            index: 0,
            hash,
        });
        Ok(())
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
                let revision = self.run.revision + 1;
                self.run = RunHandle::new(run, revision);
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
        self.run.run.borrow().scenario().clone()
    }

    pub fn until(&self) -> Instant {
        self.run.run.borrow().end()
    }

    /// Virtual microseconds played per wall-clock second at 1×: twice the
    /// mean network delay, so one hop takes about half a second to watch.
    pub fn base_rate_us_per_s(&self) -> f64 {
        let run = self.run.run.borrow();
        crate::playback::base_rate_us_per_s(run.scenario().network.latency.mean_ms(), run.end().0)
    }

    /// Simulated µs per second of viewing at the chosen speed.
    pub fn rate_us_per_s(&self) -> f64 {
        self.base_rate_us_per_s() * self.speed
    }

    /// Node states at the cursor.
    pub fn nodes_now(&self) -> Vec<NodeState> {
        self.run.run.borrow().nodes_at(self.cursor)
    }

    /// What a shared link of this view carries.
    pub fn shared(&self) -> SharedRun {
        SharedRun {
            v: LINK_VERSION,
            preset: self.preset.clone(),
            scenario: self.scenario(),
            t_us: self.cursor.0,
            hash: Some(self.run.hash.clone()),
            title: self.title.clone(),
        }
    }

    /// The URL fragment for this view.
    pub fn fragment(&self) -> String {
        let run = format!("run={}", share::encode(&self.shared()));
        match &self.tour {
            Some(t) => format!("tour={}&step={}&{run}", t.id, t.index + 1),
            None => run,
        }
    }

    /// The time of the next step after the cursor, if any.
    fn next_step_time(&self) -> Option<Instant> {
        let run = self.run.run.borrow();
        let trace = run.trace();
        let i = trace.steps_until(self.cursor);
        trace.steps.get(i).map(|s| s.time)
    }

    /// The time of the last step strictly before the cursor's time.
    fn previous_step_time(&self) -> Option<Instant> {
        let run = self.run.run.borrow();
        let trace = run.trace();
        let i = trace.steps.partition_point(|s| s.time < self.cursor);
        i.checked_sub(1)
            .and_then(|i| trace.steps.get(i))
            .map(|s| s.time)
    }
}

/// The message for a tour id that does not exist: names it and a few that
/// do.
pub fn unknown_tour(id: &str) -> String {
    let shown: String = id.chars().take(60).collect();
    let ids = tours::ids();
    let some: Vec<&str> = ids.iter().copied().take(3).collect();
    format!(
        "There is no tour called '{shown}'. Tours include {} (all {} are listed under Guided tours).",
        some.join(", "),
        ids.len()
    )
}

/// `key=value` from a `a=1&b=2` fragment or query.
pub fn param(text: &str, key: &str) -> Option<String> {
    text.trim_start_matches(['#', '?'])
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.to_string())
}

impl Reducible for Model {
    type Action = Msg;

    fn reduce(self: Rc<Self>, action: Msg) -> Rc<Self> {
        let mut m = (*self).clone();
        m.followed_address = false;
        match action {
            Msg::Navigate(fragment) => {
                // An in-page anchor (`#history-check`) names no place.
                let names_a_place = ["run", "preset", "tour"]
                    .iter()
                    .any(|k| param(&fragment, k).is_some());
                if fragment == self.fragment() || !names_a_place {
                    return self;
                }
                let (embed, looping, speed) = (m.embed, m.looping, m.speed);
                let next = Model::from_location(&fragment, embed);
                match next.notice.clone().filter(|n| n.error) {
                    // A damaged address: say why and keep the run on screen.
                    Some(problem) => m.notice = Some(problem),
                    None => {
                        m = next;
                        m.looping = looping;
                        m.speed = speed;
                        m.followed_address = true;
                    }
                }
            }
            Msg::LoadPreset(id) => {
                let (embed, looping) = (m.embed, m.looping);
                m = Model::from_preset(&id, embed);
                m.looping = looping;
            }
            Msg::SetScenario(scenario) => match run::start(&scenario) {
                Ok(run) => {
                    let revision = m.run.revision + 1;
                    m.run = RunHandle::new(run, revision);
                    m.cursor = m.cursor.min(m.until());
                    m.selection = Selection::None;
                    m.notice = None;
                    m.redo.clear();
                }
                Err(e) => {
                    m.notice = Some(Notice {
                        error: true,
                        text: format!("That setting was refused: {e}"),
                    })
                }
            },
            Msg::Play => {
                if m.cursor >= m.until() {
                    m.cursor = Instant::ZERO;
                }
                m.playing = true;
            }
            Msg::Pause => m.playing = false,
            Msg::TogglePlay => {
                return self.reduce(if m.playing { Msg::Pause } else { Msg::Play });
            }
            Msg::Tick(wall_ms) => {
                if !m.playing {
                    return self;
                }
                let until = m.until();
                m.cursor = crate::playback::advance(
                    m.cursor,
                    wall_ms.clamp(0.0, 250.0),
                    m.rate_us_per_s(),
                    &m.run.idle,
                )
                .min(until);
                if m.cursor >= until {
                    if m.looping {
                        m.cursor = Instant::ZERO;
                    } else {
                        m.playing = false;
                    }
                }
            }
            Msg::Seek(t) => {
                m.cursor = t.min(m.until());
            }
            Msg::StepForward => {
                m.playing = false;
                if let Some(t) = m.next_step_time() {
                    m.cursor = t;
                }
            }
            Msg::StepBack => {
                m.playing = false;
                m.cursor = m.previous_step_time().unwrap_or(Instant::ZERO);
            }
            Msg::SetSpeed(s) => {
                if s.is_finite() {
                    m.speed = s.clamp(0.1, 100.0);
                }
            }
            Msg::Select(s) => m.selection = s,
            Msg::Intervene(action) => {
                let at_ms = m.cursor.0 as f64 / 1000.0;
                let result = m.run.run.borrow_mut().fork(Timed { at_ms, action });
                match result {
                    Ok(()) => {
                        m.run.refresh();
                        m.notice = None;
                        m.redo.clear();
                    }
                    Err(e) => {
                        m.notice = Some(Notice {
                            error: true,
                            text: format!(
                                "That intervention was refused and the run is unchanged: {e}"
                            ),
                        })
                    }
                }
            }
            Msg::Undo => m.take_back(true),
            Msg::Redo => m.take_back(false),
            Msg::Notify(n) => m.notice = Some(n),
            Msg::Dismiss => m.notice = None,
            Msg::OpenScenario(scenario, note, title) => match run::start(&scenario) {
                Ok(run) => {
                    // A new revision, so every view (and the address bar)
                    // sees a different run even if the old one was fresh.
                    let revision = m.run.revision + 1;
                    m = Model::with_run(run, None, m.embed);
                    m.title = title;
                    m.run.revision = revision;
                    m.looping = self.looping;
                    m.speed = self.speed;
                    // An empty note: a run handed over without comment.
                    m.notice = (!note.is_empty()).then_some(Notice {
                        error: false,
                        text: note,
                    });
                }
                Err(e) => {
                    m.notice = Some(Notice {
                        error: true,
                        text: format!("That run could not be opened: {e}"),
                    })
                }
            },
            Msg::StartTour(id) => m.start_tour(&id, 0),
            Msg::SetLoop(on) => m.looping = on,
            Msg::TourStep(delta) => {
                if let Some(t) = &m.tour {
                    let k = t.index as isize + delta;
                    if k >= t.steps.len() as isize {
                        // "Finish": leave the tour, keep the run.
                        m.tour = None;
                    } else {
                        m.goto_step(k.max(0) as usize);
                    }
                }
            }
            Msg::TourGoto(k) => m.goto_step(k),
            Msg::LeaveTour => m.tour = None,
            Msg::RestoreTour => {
                if let Some(t) = m.tour.clone() {
                    m.start_tour(t.id, t.index);
                }
            }
        }
        // Any change to the run (a fork, a parameter) leaves the tour's
        // captions describing a run that is no longer on screen.
        let forked = m.tour.as_ref().map(|t| t.hash != m.run.hash);
        if let (Some(t), Some(forked)) = (&mut m.tour, forked) {
            t.forked = forked;
        }
        Rc::new(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_read_from_fragments_and_queries() {
        assert_eq!(param("#preset=a&run=xyz", "run"), Some("xyz".into()));
        assert_eq!(param("?embed=1", "embed"), Some("1".into()));
        assert_eq!(param("", "run"), None);
        assert_eq!(param("#garbage", "run"), None);
    }

    #[test]
    fn a_shared_link_reopens_the_same_run() {
        let mut m = Model::from_preset("single-leader-async-write", false);
        m.cursor = Instant(12_000);
        let again = Model::from_location(&format!("#{}", m.fragment()), false);
        assert_eq!(again.run.hash, m.run.hash);
        assert_eq!(again.cursor, Instant(12_000));
        assert_eq!(again.preset.as_deref(), Some("single-leader-async-write"));
        assert!(again.notice.is_none());
    }

    #[test]
    fn a_damaged_link_falls_back_with_a_message() {
        let m = Model::from_location("#run=not-a-run", false);
        assert_eq!(m.preset.as_deref(), Some(DEFAULT_PRESET));
        let notice = m.notice.unwrap();
        assert!(
            notice
                .text
                .starts_with("This link could not be opened: the link is damaged"),
            "{}",
            notice.text
        );
        let m = Model::from_location("#preset=nope", false);
        assert!(m.notice.unwrap().text.contains("no preset called 'nope'"));
    }

    #[test]
    fn refused_intervention_keeps_the_run() {
        let m = Rc::new(Model::from_preset("single-leader-async-write", false));
        let before = m.run.hash.clone();
        let after = m
            .clone()
            .reduce(Msg::Intervene(ScenarioAction::Crash { node: NodeId(40) }));
        assert_eq!(after.run.hash, before);
        assert!(after.notice.as_ref().unwrap().text.contains("refused"));
    }

    #[test]
    fn undo_and_redo_take_interventions_back_and_forth() {
        let m = Rc::new(Model::from_preset("single-leader-async-write", false));
        let original = m.run.hash.clone();
        let m = m.reduce(Msg::Seek(Instant(5_000)));
        let crashed = m.reduce(Msg::Intervene(ScenarioAction::Crash { node: NodeId(1) }));
        assert_ne!(crashed.run.hash, original);
        let crashed_hash = crashed.run.hash.clone();
        // Nothing to redo yet.
        let same = crashed.clone().reduce(Msg::Redo);
        assert_eq!(same.run.hash, crashed_hash);

        let undone = crashed.reduce(Msg::Undo);
        assert_eq!(
            undone.run.hash, original,
            "undo gives back the preset's run"
        );
        assert_eq!(undone.cursor, Instant(5_000), "the cursor stays");
        assert_eq!(undone.redo.len(), 1);
        // Undo with nothing left changes nothing.
        let again = undone.clone().reduce(Msg::Undo);
        assert_eq!(again.run.hash, original);
        assert_eq!(again.redo.len(), 1);

        let redone = undone.clone().reduce(Msg::Redo);
        assert_eq!(redone.run.hash, crashed_hash, "redo gives back the crash");
        assert!(redone.redo.is_empty());

        // A new intervention after an undo forgets what could be redone.
        let other = undone.reduce(Msg::Intervene(ScenarioAction::Crash { node: NodeId(0) }));
        assert!(other.redo.is_empty(), "{:?}", other.notice);
        assert_ne!(other.run.hash, crashed_hash);
    }

    #[test]
    fn stepping_moves_between_event_times() {
        // The nodes start at time zero, which the cursor already shows.
        let m = Rc::new(Model::from_preset("single-leader-sync-write", false));
        let m = m.reduce(Msg::StepForward);
        assert_eq!(m.cursor, Instant(10_000), "the client write");
        let m = m.reduce(Msg::StepForward);
        assert_eq!(m.cursor, Instant(15_000), "the follower read");
        let m = m.reduce(Msg::StepBack);
        assert_eq!(m.cursor, Instant(10_000));
    }

    #[test]
    fn opening_a_scenario_shows_it_from_its_start() {
        let m = Rc::new(Model::from_preset("single-leader-sync-write", false))
            .reduce(Msg::Seek(Instant(12_000)));
        let other = presets::find("multi-leader-price-conflict")
            .unwrap()
            .scenario();
        let opened = m.clone().reduce(Msg::OpenScenario(
            Box::new(other.clone()),
            "Opened.".into(),
            Some("A test run".into()),
        ));
        assert_eq!(opened.title.as_deref(), Some("A test run"));
        let reopened = Model::from_location(&opened.fragment(), false);
        assert_eq!(
            reopened.title.as_deref(),
            Some("A test run"),
            "the link keeps the name"
        );
        assert_eq!(opened.scenario(), other);
        assert_eq!(opened.cursor, Instant::ZERO);
        assert_eq!(opened.preset, None);
        assert!(opened.run.revision > m.run.revision);
        assert_eq!(opened.notice.as_ref().map(|n| n.error), Some(false));
        let mut broken = other;
        broken.until_ms = -1.0;
        let refused =
            opened
                .clone()
                .reduce(Msg::OpenScenario(Box::new(broken), String::new(), None));
        assert_eq!(refused.run.hash, opened.run.hash);
        assert!(refused.notice.as_ref().unwrap().error);
    }

    #[test]
    fn a_fragment_typed_into_the_address_bar_opens_what_it_names() {
        let m = Rc::new(Model::from_preset("single-leader-sync-write", false));
        let same = m.clone().reduce(Msg::Navigate(m.fragment()));
        assert!(
            Rc::ptr_eq(&m, &same),
            "the page's own fragment changes nothing"
        );
        let other = m.reduce(Msg::Navigate(String::from(
            "preset=leaderless-sloppy-quorum",
        )));
        assert_eq!(other.preset.as_deref(), Some("leaderless-sloppy-quorum"));
        let bad = other.reduce(Msg::Navigate(String::from("preset=nope")));
        assert!(
            bad.notice.as_ref().is_some_and(|n| n.error),
            "{:?}",
            bad.notice
        );
        // The run on screen stays.
        assert_eq!(bad.preset.as_deref(), Some("leaderless-sloppy-quorum"));
        let damaged = bad.reduce(Msg::Navigate(String::from("run=%%%not-a-link")));
        assert!(
            damaged.notice.as_ref().is_some_and(|n| n.error),
            "{:?}",
            damaged.notice
        );
        assert_eq!(damaged.preset.as_deref(), Some("leaderless-sloppy-quorum"));
    }

    #[test]
    fn playing_advances_at_the_chosen_speed_and_stops_at_the_end() {
        let m = Rc::new(Model::from_preset("single-leader-sync-write", false)).reduce(Msg::Play);
        // 10 ms links: 1× plays 20 ms of virtual time per second.
        let m = m.reduce(Msg::Tick(100.0));
        assert_eq!(m.cursor, Instant(2_000));
        let m = m.reduce(Msg::SetSpeed(10.0)).reduce(Msg::Tick(100.0));
        assert_eq!(m.cursor, Instant(22_000));
        let m = m
            .reduce(Msg::SetSpeed(100.0))
            .reduce(Msg::Tick(250.0))
            .reduce(Msg::Tick(250.0));
        assert_eq!(m.cursor, m.until());
        assert!(!m.playing);
    }

    /// Any fragment opens a page: the one it asks for, or the default with
    /// a message saying why. The same fragment always opens the same page,
    /// and a page that opened without a message writes a link that reopens
    /// it exactly.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn every_fragment_opens_a_page_or_says_why() {
        use crate::sweep::{cases, splice};
        use replicascope_core::rng::SimRng;
        use std::panic::{catch_unwind, AssertUnwindSafe};
        let mut shared = Model::from_preset("single-leader-async-write", false);
        shared.cursor = Instant(7_000);
        let link = shared.fragment();
        let encoded = param(&link, "run").unwrap();
        let damaged = &encoded[..encoded.len() / 2];
        let tour = tours::all()[0].id;
        let last_tour = tours::all().last().unwrap().id;
        let ids = [
            "single-leader-async-write",
            "leaderless-sloppy-quorum",
            "nope",
            "",
        ];
        let runs = [&encoded, damaged, "AAAA", "e30", "eyJ2IjoxfQ", "%3D", &link];
        let tours = [tour, last_tour, "nope", ""];
        let numbers = ["2", "0", "-1", "99999999999999999999", "1.5", ""];
        let keys: [(&str, &[&str]); 7] = [
            ("preset", &ids),
            ("run", &runs),
            ("tour", &tours),
            ("step", &numbers),
            ("t", &numbers),
            ("embed", &numbers),
            ("", &ids),
        ];
        let values: Vec<&str> = [&ids[..], &runs, &tours, &numbers].concat();
        let mut rng = SimRng::stream(1, "web-fragment-sweep");
        let pick = |rng: &mut SimRng, from: &[&str]| {
            from[rng.between(0, from.len() as u64 - 1) as usize].to_string()
        };
        for case in 0..cases() {
            // Mostly key=value pairs, as links are; sometimes spliced junk.
            let mut fragment = pick(&mut rng, &["#", "?", "", "##"]);
            for i in 0..rng.between(0, 4) {
                if i > 0 {
                    fragment.push_str(&pick(&mut rng, &["&", "&", "&", "&&", ";"]));
                }
                let (key, fitting) = keys[rng.between(0, keys.len() as u64 - 1) as usize];
                fragment.push_str(key);
                fragment.push_str(&pick(&mut rng, &["=", "=", "=", "=", "==", ""]));
                let value = if rng.chance(0.8) {
                    fitting
                } else {
                    &values[..]
                };
                fragment.push_str(&pick(&mut rng, value));
            }
            if rng.chance(0.2) {
                fragment.push_str(&splice(&mut rng, &values, 2));
            }
            let embed = case % 2 == 1;
            let open = || {
                catch_unwind(AssertUnwindSafe(|| Model::from_location(&fragment, embed)))
                    .unwrap_or_else(|_| panic!("case {case}: panicked on {fragment:?}"))
            };
            let m = open();
            assert!(m.cursor <= m.until(), "case {case}: {fragment:?}");
            if let Some(n) = &m.notice {
                assert!(!n.text.is_empty(), "case {case}: {fragment:?}");
            }
            let again = open();
            assert_eq!(
                (&again.run.hash, again.cursor, again.notice.map(|n| n.text)),
                (
                    &m.run.hash,
                    m.cursor,
                    m.notice.as_ref().map(|n| n.text.clone())
                ),
                "case {case}: {fragment:?} opened two different pages"
            );
            if m.notice.is_none() {
                let back = Model::from_location(&format!("#{}", m.fragment()), embed);
                assert_eq!(
                    (&back.run.hash, back.cursor, back.notice.is_none()),
                    (&m.run.hash, m.cursor, true),
                    "case {case}: the link written for {fragment:?} reopens another page"
                );
            }
        }
    }
}
