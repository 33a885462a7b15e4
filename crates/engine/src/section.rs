//! The sections of the product, as data: `content/sections.json` lists
//! them in the article's order with their headings (the build script
//! turns it into a table, `content::SECTIONS`). A preset belongs to
//! the section its file is named after (`content/presets/<section>.json`),
//! a tour names its section; the preset picker and the start page group by
//! them in this order. A new protocol adds a section with a line there and
//! its own files — no Rust.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use serde::{Deserialize, Serialize};

use crate::content::SECTIONS;

/// What is wrong with `content/sections.json` (nothing, the tests
/// require). Its shape is checked when it is compiled in.
pub fn problems() -> Vec<String> {
    let mut problems = Vec::new();
    for (i, [id, ..]) in SECTIONS.iter().enumerate() {
        if SECTIONS[..i].iter().any(|[other, ..]| other == id) {
            problems.push(alloc::format!("section {id} is listed twice"));
        }
    }
    if SECTIONS.len() > usize::from(u8::MAX) {
        problems.push(String::from("more than 255 sections"));
    }
    problems
}

/// A section: its place in `content/sections.json`, so sections sort in
/// the article's order.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Section(u8);

/// Every section, as indices: the table is fixed at build time.
const ALL: [Section; 256] = {
    let mut all = [Section(0); 256];
    let mut i = 0;
    while i < 256 {
        all[i] = Section(i as u8);
        i += 1;
    }
    all
};

impl Section {
    /// The `i`-th section of the file, for the tests' fixed tours.
    #[cfg(all(test, not(target_arch = "wasm32")))]
    pub(crate) const fn nth(i: u8) -> Section {
        Section(i)
    }

    /// Every section, in order.
    pub fn all() -> &'static [Section] {
        &ALL[..SECTIONS.len().min(usize::from(u8::MAX))]
    }

    /// The section called `id`.
    pub fn parse(id: &str) -> Option<Section> {
        Section::all().iter().copied().find(|s| s.id() == id)
    }

    fn row(self) -> &'static [&'static str; 3] {
        &SECTIONS[usize::from(self.0)]
    }

    /// A short id for links and CSS: `single-leader`, `comparison`.
    pub fn id(self) -> &'static str {
        self.row()[0]
    }

    /// The heading on the start page.
    pub fn title(self) -> &'static str {
        self.row()[1]
    }

    /// The preset picker's group label.
    pub fn group(self) -> &'static str {
        self.row()[2]
    }
}

impl fmt::Debug for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Section {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Section {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let id = String::deserialize(d)?;
        Section::parse(&id).ok_or_else(|| {
            let known: Vec<&str> = Section::all().iter().map(|s| s.id()).collect();
            serde::de::Error::custom(alloc::format!(
                "no section is called {id}: content/sections.json lists {}",
                known.join(", ")
            ))
        })
    }
}
