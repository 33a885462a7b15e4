//! Why a tour cannot be played, naming the tour, the step and the
//! first words of its caption.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::time::Instant;

/// Why a tour cannot be played.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TourError {
    pub tour: &'static str,
    /// The failing step's index (from 0); `None` when the tour as a whole
    /// fails.
    pub step: Option<usize>,
    /// The failing step's caption.
    pub caption: Option<&'static str>,
    pub problem: TourProblem,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TourProblem {
    /// The tour names a preset that does not exist.
    UnknownPreset(&'static str),
    /// The preset's scenario did not run.
    Scenario(String),
    NoSteps,
    /// The anchor's event never happens in the run; says what was looked
    /// for and what the run has instead.
    AnchorNotFound(String),
    /// The pause point is after the run's end.
    PastEnd {
        t_us: u64,
        end_us: u64,
    },
    /// The pause point is not later than the previous step's.
    NotAfterPrevious {
        t_us: u64,
        previous_us: u64,
    },
    /// The caption's claim is not true of the run at the pause point.
    Expectation(String),
}

impl fmt::Display for TourProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TourProblem::UnknownPreset(id) => write!(f, "there is no preset \"{id}\""),
            TourProblem::Scenario(e) => write!(f, "the preset does not run: {e}"),
            TourProblem::NoSteps => f.write_str("the tour has no steps"),
            TourProblem::AnchorNotFound(what) => f.write_str(what),
            TourProblem::PastEnd { t_us, end_us } => write!(
                f,
                "the pause point {} is after the run ends at {}",
                Instant(*t_us),
                Instant(*end_us)
            ),
            TourProblem::NotAfterPrevious { t_us, previous_us } => write!(
                f,
                "the pause point {} is not later than the previous step's ({})",
                Instant(*t_us),
                Instant(*previous_us)
            ),
            TourProblem::Expectation(what) => f.write_str(what),
        }
    }
}

impl fmt::Display for TourError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "tour \"{}\"", self.tour)?;
        if let Some(i) = self.step {
            write!(f, ", step {}", i + 1)?;
        }
        if let Some(caption) = self.caption {
            write!(f, " (\"{}\")", excerpt(caption))?;
        }
        write!(f, ": {}", self.problem)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for TourError {}

/// The first few words of a caption, for error messages.
fn excerpt(caption: &str) -> String {
    const WORDS: usize = 8;
    let words: Vec<&str> = caption.split_whitespace().collect();
    if words.len() <= WORDS {
        return words.join(" ");
    }
    format!("{}…", words[..WORDS].join(" "))
}
