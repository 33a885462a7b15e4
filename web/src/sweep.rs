//! Seeded input sweeps for the page's own parsers (URL fragment, embed
//! options, the lab's link): inputs are spliced from a vocabulary of the
//! tokens those parsers look for, valid values, near misses and junk, with
//! the simulator's seeded generator, so a failing case prints its number
//! and input and replays exactly. The core's parsers have their fuzz
//! targets and a larger sweep (`core/tests/parser_properties.rs`).

use replicascope_core::rng::SimRng;

/// Cases per sweep; `WEB_SWEEP_CASES=n` changes it.
pub fn cases() -> u64 {
    std::env::var("WEB_SWEEP_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300)
}

/// One input: up to `max` pieces from `words`, sometimes with a random
/// character inserted or the text cut short.
pub fn splice(rng: &mut SimRng, words: &[&str], max: u64) -> String {
    let mut out = String::new();
    for _ in 0..rng.between(0, max) {
        out.push_str(words[rng.between(0, words.len() as u64 - 1) as usize]);
    }
    if rng.chance(0.2) {
        let odd = ['\0', '\u{202e}', 'é', '🙂', '%', '\\', '"', '\n', ' '];
        let c = odd[rng.between(0, odd.len() as u64 - 1) as usize];
        let at = out
            .char_indices()
            .map(|(i, _)| i)
            .nth(rng.between(0, 40) as usize);
        out.insert(at.unwrap_or(out.len()), c);
    }
    if rng.chance(0.1) {
        let keep = out
            .char_indices()
            .map(|(i, _)| i)
            .nth(rng.between(0, 60) as usize);
        out.truncate(keep.unwrap_or(out.len()));
    }
    out
}
