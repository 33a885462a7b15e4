//! Presets: ready scenarios with an id, a title and a paragraph saying
//! what to watch for; every example of the article becomes one. They are
//! data: `content/presets/<section>.json`, one list per section of the
//! article, each entry `{id, title, description, scenario}` where the
//! scenario is in the format of `docs/scenario.md`.

#[cfg(test)]
mod build;

#[cfg(test)]
pub(crate) use build::*;

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use once_cell::race::OnceBox;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::content::{self, leak_str};
use crate::scenario::Scenario;
use crate::section::Section;

/// A ready scenario.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preset {
    #[serde(deserialize_with = "leak_str")]
    pub id: &'static str,
    #[serde(deserialize_with = "leak_str")]
    pub title: &'static str,
    /// What to watch for, in a paragraph.
    #[serde(deserialize_with = "leak_str")]
    pub description: &'static str,
    /// The scenario as written, parsed the first time it is asked for:
    /// the page's first render lists every preset but runs one, and
    /// parsing all fifty scenarios up front cost it ~20 ms in Chromium.
    #[serde(rename = "scenario")]
    raw: &'static RawValue,
    #[serde(skip)]
    parsed: OnceBox<Scenario>,
    /// The section its file is named after.
    #[serde(skip)]
    section: Option<Section>,
}

impl fmt::Debug for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Preset")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl Preset {
    /// The section of `content/sections.json` its file is named after.
    pub fn section(&self) -> Option<Section> {
        self.section
    }

    pub fn scenario(&self) -> Scenario {
        self.parsed
            .get_or_init(|| {
                // The tests parse every preset (`problems`), so the
                // fall-back, a two-node chatter run, is never shown.
                Box::new(Scenario::from_json(self.raw.get()).unwrap_or_else(|_| broken()))
            })
            .clone()
    }
}

/// What a preset whose scenario does not parse runs instead.
fn broken() -> Scenario {
    let chatter = r#"{"format":1,"seed":1,"protocol":{"kind":"chatter","nodes":2},"until_ms":1.0}"#;
    Scenario::from_json(chatter).unwrap_or_else(|_| unreachable!("a fixed, valid scenario"))
}

/// A preset file's section: the file's name (`presets/leaderless.json`).
fn section_of(path: &str) -> Option<Section> {
    let name = path.rsplit('/').next()?.strip_suffix(".json")?;
    Section::parse(name)
}

/// The preset files in their sections' order, files named after no
/// section last.
fn files_in_order() -> Vec<content::File> {
    let mut files = content::PRESET_FILES.to_vec();
    files.sort_by_key(|(path, _)| {
        let section = section_of(path);
        (section.is_none(), section)
    });
    files
}

static PRESETS: OnceBox<Vec<Preset>> = OnceBox::new();

/// Every preset, section by section in the article's order.
pub fn all() -> &'static [Preset] {
    PRESETS.get_or_init(|| {
        let mut all = Vec::new();
        for file in files_in_order() {
            let mut presets: Vec<Preset> = content::load(&[file], &mut Vec::new());
            for p in &mut presets {
                p.section = section_of(file.0);
            }
            all.extend(presets);
        }
        Box::new(all)
    })
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
    content::PRESET_FILES
        .iter()
        .map(|(path, _)| *path)
        .collect()
}

/// What is wrong with the preset files (nothing, the tests require):
/// each file that does not parse, with the error.
pub fn problems() -> Vec<String> {
    let mut problems = Vec::new();
    for (path, _) in content::PRESET_FILES {
        if section_of(path).is_none() {
            problems.push(alloc::format!(
                "content/{path} is named after no section of content/sections.json"
            ));
        }
    }
    for p in content::load::<Preset>(content::PRESET_FILES, &mut problems) {
        if let Err(e) = Scenario::from_json(p.raw.get()) {
            problems.push(alloc::format!("preset {}: {e}", p.id));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_preset_file_belongs_to_the_section_it_is_named_after() {
        assert_eq!(section_of("presets/nope.json"), None);
        assert_eq!(section_of("presets/leaderless.txt"), None);
        let leaderless = section_of("presets/leaderless.json").expect("a section");
        assert_eq!(leaderless.id(), "leaderless");
        for p in all() {
            let section = p.section().expect("every preset file names a section");
            let file = alloc::format!("presets/{}.json", section.id());
            assert!(files().contains(&file.as_str()), "{}", p.id);
        }
        // The sections' order, not the files' names, orders the list.
        let order: Vec<Option<Section>> = all().iter().map(|p| p.section()).collect();
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(order, sorted);
        assert_eq!(all()[0].section().map(Section::id), Some("single-leader"));
    }

    #[test]
    fn every_preset_file_parses() {
        assert_eq!(problems(), Vec::<String>::new());
        assert_eq!(broken().validate(), Ok(()));
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
