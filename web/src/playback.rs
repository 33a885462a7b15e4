//! Playback that does not make the viewer wait through empty time.
//!
//! A run's time is mostly short bursts (a write and its copies, a read and
//! its answer) separated by stretches where nothing moves on screen: no
//! message in flight and no event, only a timer counting down. Played at
//! a steady rate those stretches are dead air — the sloppy-quorum preset
//! spent 12 s of viewing time on one. Here an idle stretch costs at most
//! [`LEAD_S`] of viewing time on each side: playback runs normally into
//! it, jumps, and runs normally out of it, so the viewer still sees that
//! time passed and the clock shows how much. The timeline marks each
//! stretch that is skipped.
//!
//! The base rate is chosen so that a round trip takes about a second to
//! watch, and so that no run needs more than [`LONGEST_PLAY_S`] at 1×:
//! a run from the comparison with sub-millisecond links once played at
//! 2 ms per second, half an hour for 4 s of simulated time.

use replicascope_core::time::Instant;
use replicascope_core::trace::{Fate, Trace};

/// Viewing time kept on each side of a skipped stretch, in seconds.
pub const LEAD_S: f64 = 0.3;

/// No run takes longer than this to play at 1×, in seconds.
pub const LONGEST_PLAY_S: f64 = 90.0;

/// Runs with more messages than this are never idle long enough to
/// matter; not scanning them keeps loading a million-event run fast.
const MAX_SCANNED_MESSAGES: usize = 100_000;

/// Simulated µs per second of viewing at 1×: a round trip of the mean
/// latency takes about a second, and the whole run at most
/// [`LONGEST_PLAY_S`].
pub fn base_rate_us_per_s(mean_latency_ms: f64, run_us: u64) -> f64 {
    let mean_ms = if mean_latency_ms.is_finite() && mean_latency_ms > 0.0 {
        mean_latency_ms
    } else {
        10.0
    };
    (2.0 * mean_ms * 1000.0)
        .max(1_000.0)
        .max(run_us as f64 / LONGEST_PLAY_S)
}

/// The stretches `[from, to)` of the run up to `end` in which nothing is
/// on the move: no message in flight (a lost message counts while it is
/// drawn falling) and no event. Sorted, disjoint.
pub fn idle_stretches(trace: &Trace, end: Instant) -> Vec<(Instant, Instant)> {
    if trace.messages.len() > MAX_SCANNED_MESSAGES {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut busy_until = 0u64;
    let (mut i, mut j) = (0usize, 0usize);
    loop {
        // Steps and messages are each recorded in time order: merge them.
        let step = trace.steps.get(i).map(|s| (s.time.0, s.time.0));
        let message = trace.messages.get(j).map(|m| {
            let arrives = match m.fate {
                Fate::InFlight => end.0,
                _ => m.deliver_at.0,
            };
            (m.sent_at.0, arrives.max(m.sent_at.0))
        });
        let (start, stop) = match (step, message) {
            (Some(s), Some(m)) if s.0 <= m.0 => {
                i += 1;
                s
            }
            (_, Some(m)) => {
                j += 1;
                m
            }
            (Some(s), None) => {
                i += 1;
                s
            }
            (None, None) => break,
        };
        if start > busy_until {
            out.push((Instant(busy_until), Instant(start)));
        }
        busy_until = busy_until.max(stop);
    }
    if end.0 > busy_until {
        out.push((Instant(busy_until), end));
    }
    out
}

/// The stretches long enough to be skipped at `rate_us_per_s`: longer
/// than the viewing time they keep on both sides.
pub fn skipped(
    idle: &[(Instant, Instant)],
    rate_us_per_s: f64,
) -> impl Iterator<Item = (Instant, Instant)> + '_ {
    let lead = lead_us(rate_us_per_s);
    idle.iter()
        .copied()
        .filter(move |(from, to)| to.0 - from.0 > 2 * lead)
}

fn lead_us(rate_us_per_s: f64) -> u64 {
    (LEAD_S * rate_us_per_s.max(0.0)) as u64
}

/// The cursor after `wall_ms` of viewing at `rate_us_per_s`, skipping the
/// middle of idle stretches: within one, more than [`LEAD_S`] of viewing
/// from both of its ends, the cursor jumps to [`LEAD_S`] before its end.
pub fn advance(
    cursor: Instant,
    wall_ms: f64,
    rate_us_per_s: f64,
    idle: &[(Instant, Instant)],
) -> Instant {
    let step = (wall_ms.max(0.0) / 1000.0) * rate_us_per_s.max(0.0);
    let next = Instant((cursor.0 as f64 + step) as u64);
    let lead = lead_us(rate_us_per_s);
    // The stretch `next` is in, if any (they are sorted and disjoint).
    let k = idle.partition_point(|(from, _)| *from <= next);
    match k.checked_sub(1).map(|k| idle[k]) {
        Some((from, to)) if next < to && next.0 - from.0 >= lead && to.0 - next.0 > lead => {
            Instant(to.0 - lead)
        }
        _ => next,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use replicascope_core::{presets, run};

    fn idle_of(id: &str) -> (Vec<(Instant, Instant)>, Box<dyn run::Run>) {
        let r = run::start(&presets::find(id).unwrap().scenario()).unwrap();
        (idle_stretches(r.trace(), r.end()), r)
    }

    #[test]
    fn idle_stretches_hold_no_event_and_no_message_in_flight() {
        for preset in presets::all() {
            let r = run::start(&preset.scenario()).unwrap();
            let idle = idle_stretches(r.trace(), r.end());
            for w in idle.windows(2) {
                assert!(w[0].1 <= w[1].0, "{}: {w:?} overlap", preset.id);
            }
            for &(from, to) in &idle {
                assert!(from < to, "{}: empty stretch", preset.id);
                for s in r.trace().steps.iter() {
                    assert!(
                        !(from < s.time && s.time < to),
                        "{}: a step at {} inside {from}..{to}",
                        preset.id,
                        s.time
                    );
                }
                for m in r.trace().messages.iter() {
                    let arrives = if m.fate == Fate::InFlight {
                        r.end()
                    } else {
                        m.deliver_at
                    };
                    assert!(
                        !(m.sent_at < to && arrives > from),
                        "{}: a message in flight inside {from}..{to}",
                        preset.id
                    );
                }
            }
        }
    }

    #[test]
    fn the_sloppy_quorum_wait_is_skipped_and_the_bursts_are_not() {
        let (idle, r) = idle_of("leaderless-sloppy-quorum");
        let rate = base_rate_us_per_s(r.scenario().network.latency.mean_ms(), r.end().0);
        // Play at 60 frames per second and count the viewing time.
        let frame_ms = 1000.0 / 60.0;
        let normal = (frame_ms / 1000.0 * rate) as u64 + 1;
        let (mut t, mut frames, mut jumps) = (Instant::ZERO, 0u32, 0u32);
        while t < r.end() && frames < 1_000_000 {
            let next = advance(t, frame_ms, rate, &idle);
            if next.0 - t.0 > normal {
                // A jump passes over no event: the bursts all play.
                jumps += 1;
                assert_eq!(
                    r.trace().steps_until(t),
                    r.trace().steps_until(Instant(next.0 - 1)),
                    "jump {t} → {next}"
                );
            }
            t = next;
            frames += 1;
        }
        assert!(jumps > 0);
        let played_s = f64::from(frames) / 60.0;
        let steady_s = r.end().0 as f64 / rate;
        assert!(
            played_s < steady_s / 3.0,
            "played {played_s:.1} s, steady {steady_s:.1} s"
        );
        assert_eq!(r.trace().steps_until(t), r.trace().steps.len());
        let skipped: u64 = skipped(&idle, rate).map(|(a, b)| b.0 - a.0).sum();
        assert!(skipped > 0);
    }

    #[test]
    fn a_jump_never_crosses_an_event_and_keeps_a_lead_on_both_sides() {
        let idle = vec![(Instant(1_000), Instant(1_000_000))];
        let rate = 10_000.0; // 10 ms of run per second: lead = 3 ms
                             // Entering the stretch: no jump until 3 ms into it.
        assert_eq!(advance(Instant(1_000), 100.0, rate, &idle), Instant(2_000));
        // Past the lead-in: jump to 3 ms before its end.
        assert_eq!(
            advance(Instant(3_500), 100.0, rate, &idle),
            Instant(997_000)
        );
        // In the lead-out: normal speed.
        assert_eq!(
            advance(Instant(997_000), 100.0, rate, &idle),
            Instant(998_000)
        );
        // Outside: normal speed.
        assert_eq!(advance(Instant(0), 50.0, rate, &idle), Instant(500));
        // A stretch shorter than both leads is never skipped.
        let short = vec![(Instant(1_000), Instant(6_000))];
        assert_eq!(advance(Instant(3_000), 100.0, rate, &short), Instant(4_000));
        assert_eq!(skipped(&short, rate).count(), 0);
    }

    #[test]
    fn no_run_takes_more_than_the_longest_play_at_one_x() {
        // Sub-millisecond links over 4 s: the comparison's runs.
        let rate = base_rate_us_per_s(0.5, 4_000_000);
        assert!(4_000_000.0 / rate <= LONGEST_PLAY_S + 1e-9);
        // A preset's pace is unchanged: a 5 ms link, a 150 ms run.
        assert_eq!(base_rate_us_per_s(5.0, 150_000), 10_000.0);
    }
}
