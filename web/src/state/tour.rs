//! A guided tour in the model: opened from a link, started, stepped
//! through, and attached to the run on screen.

use replicascope_core::time::Instant;
use replicascope_core::tours::{self, ResolvedStep};

use super::{hash_text, param, Model, Notice, TourState};

impl Model {
    /// `#tour=<id>&step=<k>[&run=…]`: the tour at step k (from 1); with a
    /// run (the page writes one), that run — marked as changed if it is
    /// not the tour's. A bad tour id shows the page as without it, with a
    /// message naming it.
    pub(super) fn from_tour_location(fragment: &str, id: &str, embed: bool) -> Model {
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
    pub(super) fn start_tour(&mut self, id: &str, k: usize) {
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
    pub(super) fn goto_step(&mut self, k: usize) {
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
