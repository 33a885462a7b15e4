//! The reducer: how each [`Msg`] changes the model.

use std::rc::Rc;

use replicascope_core::run;
use replicascope_core::scenario::Timed;
use replicascope_core::time::Instant;
use yew::prelude::*;

use super::{param, Model, Msg, Notice, Selection};

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
                    m.run = m.run.next(run);
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
                match m.run.run.forked(Timed { at_ms, action }) {
                    Ok(run) => {
                        m.run = m.run.next(run);
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
