//! The app inside a `<replica-scope>` element: what the page around it
//! asks for, the model it starts with, and each later hand-over turned
//! into messages.

use std::rc::Rc;

use replicascope_core::presets;
use replicascope_core::scenario::{ms_to_instant, Scenario};
use yew::prelude::*;

use crate::embed::EmbedOptions;
use crate::state::{Model, Msg, Notice};

/// What the page around a `<replica-scope>` element asks for.
#[derive(Clone, PartialEq)]
pub struct ElementConfig {
    pub options: EmbedOptions,
    /// What was wrong with the attributes or the `scenario` property, one
    /// sentence each: shown inside the element, the run kept.
    pub problems: Vec<String>,
    /// A run handed over through the `scenario` property.
    pub scenario: Option<Rc<Scenario>>,
    /// Changes every time the element hands something over, so setting
    /// the same thing twice still shows it again.
    pub revision: u64,
    /// Where the full app lives (the `dist/` the element was loaded
    /// from), for "Open in ReplicaScope".
    pub app_url: String,
}

/// The options' effect on a fresh model: loop, speed, start time,
/// autoplay, and the problems as a message.
pub(super) fn apply_options(m: &mut Model, o: &EmbedOptions, problems: &[String]) {
    m.looping = o.looping;
    if let Some(speed) = o.speed {
        m.speed = speed;
    }
    if let Some(ms) = o.at_ms {
        m.cursor = ms_to_instant(ms).min(m.until());
    }
    m.playing = o.autoplay && m.tour.is_none();
    if !problems.is_empty() {
        let mut text = problems.join(" ");
        if let Some(n) = &m.notice {
            text = format!("{} {text}", n.text);
        }
        m.notice = Some(Notice { error: true, text });
    }
}

/// The model an element starts with.
pub(super) fn element_model(cfg: &ElementConfig) -> Model {
    let o = &cfg.options;
    let mut problems = cfg.problems.clone();
    let from_options = || {
        let fragment = match (&o.tour, &o.preset) {
            (Some(t), _) => format!("tour={t}"),
            (None, Some(p)) => format!("preset={p}"),
            (None, None) => String::new(),
        };
        Model::from_location(&fragment, true)
    };
    let mut m = match &cfg.scenario {
        Some(s) => Model::from_scenario(s, true).unwrap_or_else(|e| {
            problems.push(format!("The scenario could not be run: {e}."));
            from_options()
        }),
        None => from_options(),
    };
    apply_options(&mut m, o, &problems);
    m
}

/// What changed between two hand-overs from the element, as messages.
pub(super) fn apply_element_change(
    old: &ElementConfig,
    new: &ElementConfig,
    dispatcher: &UseReducerDispatcher<Model>,
) {
    if new.revision == old.revision {
        return;
    }
    let (o, n) = (&old.options, &new.options);
    // Everything wrong with this hand-over, shown as one message (one
    // message at a time fits in the element).
    let mut problems = new.problems.clone();
    let new_scenario = match (&old.scenario, &new.scenario) {
        (Some(a), Some(b)) => !Rc::ptr_eq(a, b),
        (None, Some(_)) => true,
        _ => false,
    };
    if new_scenario {
        if let Some(s) = &new.scenario {
            dispatcher.dispatch(Msg::OpenScenario(
                Box::new((**s).clone()),
                String::new(),
                None,
            ));
        }
    } else if n.tour != o.tour && n.tour.is_some() {
        dispatcher.dispatch(Msg::StartTour(n.tour.clone().unwrap_or_default()));
    } else if n.preset != o.preset {
        match &n.preset {
            Some(p) if presets::find(p).is_some() => {
                dispatcher.dispatch(Msg::LoadPreset(p.clone()))
            }
            Some(p) => problems.push(format!(
                "There is no preset called '{p}'; the run on screen stays."
            )),
            None => {}
        }
    }
    if n.looping != o.looping {
        dispatcher.dispatch(Msg::SetLoop(n.looping));
    }
    if n.speed != o.speed {
        dispatcher.dispatch(Msg::SetSpeed(n.speed.unwrap_or(1.0)));
    }
    if n.at_ms != o.at_ms {
        if let Some(ms) = n.at_ms {
            dispatcher.dispatch(Msg::Seek(ms_to_instant(ms)));
        }
    }
    if n.autoplay != o.autoplay || new_scenario || n.preset != o.preset {
        dispatcher.dispatch(if n.autoplay { Msg::Play } else { Msg::Pause });
    }
    if !problems.is_empty() {
        for p in &problems {
            log_problem(p);
        }
        dispatcher.dispatch(Msg::Notify(Notice {
            error: true,
            text: problems.join(" "),
        }));
    }
}

/// Tells the console too: whoever embeds the element may be looking there
/// rather than at the page.
pub(super) fn log_problem(text: &str) {
    web_sys::console::error_1(&format!("<replica-scope>: {text}").into());
}
