//! Built-in content as data: presets and tours are JSON files under the
//! repository's `content/` folder, compiled in with `include_str!` (the
//! build script drops their indentation first) and parsed once, on first
//! use (a preset's scenario only when it is asked for). Their text is kept for the life of the
//! program (leaked into `'static`), so the rest of the code hands out
//! `&'static Preset` and `&'static Tour` as it did when they were Rust
//! statics.
//!
//! A file that does not parse is left out and reported by
//! [`problems`] (the tests require none), rather than stopping the page.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Deserializer};

/// A string read from content, kept for the life of the program.
#[doc(hidden)]
pub fn leak_str<'de, D: Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    String::deserialize(d).map(|s| &*s.leak())
}

/// A list read from content, kept for the life of the program.
pub(crate) fn leak_slice<'de, D, T>(d: D) -> Result<&'static [T], D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Vec::<T>::deserialize(d).map(|v| &*v.leak())
}

/// A list of strings read from content, kept for the life of the program.
pub(crate) fn leak_strs<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<&'static [&'static str], D::Error> {
    let strings = Vec::<String>::deserialize(d)?;
    let leaked: Vec<&'static str> = strings.into_iter().map(|s| &*s.leak()).collect();
    Ok(leaked.leak())
}

/// One content file: its path under `content/` and its text.
#[doc(hidden)]
pub type File = (&'static str, &'static str);

/// Parses every file as a list of `T`, in order; a file that does not
/// parse adds its error to `problems` and nothing else.
#[doc(hidden)]
pub fn load<T>(files: &[File], problems: &mut Vec<String>) -> Vec<T>
where
    T: Deserialize<'static>,
{
    let mut out = Vec::new();
    for (path, text) in files {
        match serde_json::from_str::<Vec<T>>(text) {
            Ok(items) => out.extend(items),
            Err(e) => problems.push(format!("content/{path}: {e}")),
        }
    }
    out
}

// PRESET_FILES, TOUR_FILES: every file of those folders, by name, as the
// build script found them; SECTIONS: content/sections.json.
include!(concat!(env!("OUT_DIR"), "/content_files.rs"));
