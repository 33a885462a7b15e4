//! Presets: ready scenarios with an id, a title and a paragraph saying
//! what to watch for; every example of the article becomes one. They are
//! data: `content/presets/<section>.json`, one list per section of the
//! article, each entry `{id, title, description, scenario}` where the
//! scenario is in the format of `docs/scenario.md`.

#[cfg(test)]
mod build;

#[cfg(test)]
pub(crate) use build::*;

use alloc::string::String;
use alloc::vec::Vec;
use once_cell::race::OnceBox;
use serde::{Deserialize, Serialize};

use crate::content::{self, leak_str};
use crate::scenario::Scenario;

/// A ready scenario.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preset {
    #[serde(deserialize_with = "leak_str")]
    pub id: &'static str,
    #[serde(deserialize_with = "leak_str")]
    pub title: &'static str,
    /// What to watch for, in a paragraph.
    #[serde(deserialize_with = "leak_str")]
    pub description: &'static str,
    scenario: Scenario,
}

impl Preset {
    pub fn scenario(&self) -> Scenario {
        self.scenario.clone()
    }
}

/// The preset files, in the order the picker lists them.
const FILES: &[content::File] = &[
    (
        "presets/single-leader.json",
        include_str!(concat!(env!("OUT_DIR"), "/presets/single-leader.json")),
    ),
    (
        "presets/multi-leader.json",
        include_str!(concat!(env!("OUT_DIR"), "/presets/multi-leader.json")),
    ),
    (
        "presets/leaderless.json",
        include_str!(concat!(env!("OUT_DIR"), "/presets/leaderless.json")),
    ),
    (
        "presets/consistency.json",
        include_str!(concat!(env!("OUT_DIR"), "/presets/consistency.json")),
    ),
    (
        "presets/engine.json",
        include_str!(concat!(env!("OUT_DIR"), "/presets/engine.json")),
    ),
];

static PRESETS: OnceBox<Vec<Preset>> = OnceBox::new();

pub fn all() -> &'static [Preset] {
    PRESETS.get_or_init(|| alloc::boxed::Box::new(content::load(FILES, &mut Vec::new())))
}

pub fn find(id: &str) -> Option<&'static Preset> {
    all().iter().find(|p| p.id == id)
}

/// Every preset id, for error messages.
pub fn ids() -> Vec<&'static str> {
    all().iter().map(|p| p.id).collect()
}

/// The preset files compiled in, by path under `content/`.
pub fn files() -> Vec<&'static str> {
    FILES.iter().map(|(path, _)| *path).collect()
}

/// What is wrong with the preset files (nothing, the tests require):
/// each file that does not parse, with the error.
pub fn problems() -> Vec<String> {
    let mut problems = Vec::new();
    content::load::<Preset>(FILES, &mut problems);
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_file_parses() {
        assert_eq!(problems(), Vec::<String>::new());
    }

    #[test]
    fn every_preset_is_valid_and_ids_are_unique() {
        let mut ids = ids();
        for p in all() {
            assert_eq!(p.scenario().validate(), Ok(()), "{}", p.id);
            assert!(!p.title.is_empty() && p.description.len() > 80, "{}", p.id);
        }
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), all().len());
    }
}
