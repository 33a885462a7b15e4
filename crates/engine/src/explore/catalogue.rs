//! The explorations that teach, as data (`content/explorations.json`):
//! for each architecture, a scenario, a property, bounds and what the
//! search finds — a preset's story turned into a question about every
//! schedule. The tests run each one and hold it to its `expect`.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use once_cell::race::OnceBox;
use serde::Deserialize;

use super::{Bounds, Property};
use crate::scenario::Scenario;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exploration {
    pub id: String,
    pub architecture: String,
    pub title: String,
    pub text: String,
    /// A preset's id, or …
    #[serde(default)]
    pub preset: Option<String>,
    /// … a scenario of its own.
    #[serde(default)]
    pub scenario: Option<Scenario>,
    pub property: Property,
    #[serde(default)]
    pub bounds: Bounds,
    pub expect: Expect,
}

/// What the search must find (the tests check it).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    pub found: bool,
    /// The shortest counterexample's length.
    #[serde(default)]
    pub steps: Option<usize>,
    #[serde(default)]
    pub complete: Option<bool>,
}

impl Exploration {
    /// The scenario searched.
    pub fn scenario(&self) -> Option<Scenario> {
        match (&self.scenario, &self.preset) {
            (Some(s), _) => Some(s.clone()),
            (None, Some(id)) => crate::presets::find(id).map(|p| p.scenario()),
            (None, None) => None,
        }
    }
}

static EXPLORATIONS: OnceBox<Vec<Exploration>> = OnceBox::new();

/// Every exploration, in the file's order, parsed on first use (the
/// page's card lists them on every render). A file that does not parse
/// gives none; the tests compare the count with the file's.
pub fn all() -> &'static [Exploration] {
    EXPLORATIONS.get_or_init(|| {
        Box::new(
            serde_json::from_str(include_str!("../../../../content/explorations.json"))
                .unwrap_or_default(),
        )
    })
}

/// The exploration with this id.
pub fn find(id: &str) -> Option<&'static Exploration> {
    all().iter().find(|e| e.id == id)
}
