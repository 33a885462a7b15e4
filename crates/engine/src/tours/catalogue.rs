//! The tours compiled in: one data file per section of the article,
//! parsed on first use, and looked up by id or by section.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use once_cell::race::OnceBox;

use super::{Section, Tour};
use crate::content;

/// Every tour, grouped by section in the article's order.
pub fn all() -> &'static [&'static Tour] {
    TOURS.get_or_init(|| {
        let tours: &'static [Tour] = content::load(content::TOUR_FILES, &mut Vec::new()).leak();
        // Files come by name; the order that counts is the sections'.
        let mut in_order: Vec<&'static Tour> = tours.iter().collect();
        crate::sorting::sort_by(&mut in_order, |a, b| a.section.cmp(&b.section));
        Box::new(in_order)
    })
}

/// The tour with this id.
pub fn find(id: &str) -> Option<&'static Tour> {
    all().iter().copied().find(|t| t.id == id)
}

/// Every tour id, for error messages.
pub fn ids() -> Vec<&'static str> {
    all().iter().map(|t| t.id).collect()
}

/// The tours of each section, sections in the article's order (a section
/// without tours is left out).
pub fn by_section() -> Vec<(Section, Vec<&'static Tour>)> {
    Section::all()
        .iter()
        .map(|&s| {
            (
                s,
                all().iter().copied().filter(|t| t.section == s).collect(),
            )
        })
        .filter(|(_, tours): &(Section, Vec<&'static Tour>)| !tours.is_empty())
        .collect()
}

static TOURS: OnceBox<Vec<&'static Tour>> = OnceBox::new();

/// The tour files compiled in, by path under `content/`.
pub fn files() -> Vec<&'static str> {
    content::TOUR_FILES.iter().map(|(path, _)| *path).collect()
}

/// What is wrong with the tour files (nothing, the tests require): each
/// file that does not parse, with the error. Tours that parse but do not
/// play are [`check`]ed by the tests instead.
///
/// [`check`]: super::check
pub fn problems() -> Vec<String> {
    let mut problems = Vec::new();
    content::load::<Tour>(content::TOUR_FILES, &mut problems);
    problems
}
