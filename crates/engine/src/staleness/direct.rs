//! The WARS model as a direct Monte Carlo: draw the four delays of every
//! replica and work out, without simulating messages, when the write
//! commits, when the read answers and from which t on the read is
//! consistent. Much faster than running the protocol, so the page can do a
//! million trials in a blink; a test checks it against the protocol run.
//!
//! One trial answers every t at once. Replica i holds the write from time
//! `W[i]`; the read, sent at `C + t` (C: the w-th fastest `W + A`), reaches
//! it at `C + t + R[i]`. So the read is consistent at t exactly when some
//! replica among the first r to respond (smallest `R + S`) has
//! `W[i] ≤ C + t + R[i]`, that is when `t ≥ min(W[i] − R[i]) − C` over
//! those replicas: one threshold per trial.
//!
//! Time is counted as the simulator counts it, so that the two methods
//! answer the same question: every delay is rounded to whole microseconds
//! (at least 1 µs, at most the cap) by the simulator's own
//! [`delay_us`], and ties are broken as the simulator's event queue breaks
//! them. A write and a read request reaching a replica in the same
//! microsecond: the write was queued first (at time 0), so it is applied
//! first — hence `≤`. Two responses arriving in the same microsecond: the
//! one queued first is taken first, that is the one whose request arrived
//! earlier (smaller R), then the replica asked first. With delays of a few
//! microseconds these ties are common and the rounding itself matters
//! (`exp:1000,1000`, means of 1 µs, is 97 % consistent at t = 0 where the
//! continuous model says 75 %); with the presets' delays of tenths of
//! milliseconds and more it changes nothing measurable.

use super::model::LatencyModel;
use super::sampler::Sampler;
use super::MAX_N;
use crate::latency::delay_us;
use crate::rng::SimRng;
use crate::scenario::ms_to_instant;

/// What one trial found, in whole microseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Trial {
    /// The read is consistent for every t (rounded to the microsecond, as
    /// the protocol method schedules its reads) at or above this; may be
    /// negative.
    pub threshold_us: i64,
    /// Write start to the w-th acknowledgement.
    pub write_us: u64,
    /// Read start to the r-th response.
    pub read_us: u64,
}

const MAX: usize = MAX_N as usize;

/// Sorts `keys` and `vals` together by key, keeping the order of equal
/// keys (n ≤ 16: insertion sort beats anything clever, and keeps the
/// wasm small).
fn sort_by_key<K: Copy + PartialOrd, V: Copy>(keys: &mut [K], vals: &mut [V]) {
    for i in 1..keys.len() {
        let (k, v) = (keys[i], vals[i]);
        let mut j = i;
        while j > 0 && keys[j - 1] > k {
            keys[j] = keys[j - 1];
            vals[j] = vals[j - 1];
            j -= 1;
        }
        keys[j] = k;
        vals[j] = v;
    }
}

/// A latency model ready for sampling.
#[derive(Clone, Debug)]
pub struct Legs {
    write: Sampler,
    ack: Sampler,
    read: Sampler,
    response: Sampler,
    /// The WAN hop, µs, rounded as the simulator rounds a slow link's
    /// extra delay; `None` in one datacenter.
    wan_us: Option<u64>,
}

impl Legs {
    pub fn new(model: &LatencyModel) -> Legs {
        Legs {
            write: Sampler::new(&model.legs.write),
            ack: Sampler::new(&model.legs.ack),
            read: Sampler::new(&model.legs.read),
            response: Sampler::new(&model.legs.response),
            wan_us: (model.wan_ms > 0.0).then(|| ms_to_instant(model.wan_ms).0),
        }
    }
}

/// One replica's delays in µs, WAN hop included: W, A, R, S.
pub type Delays = [u64; 4];

/// One write followed by one read; `n`, `w`, `r` already validated
/// (1 ≤ w, r ≤ n ≤ 16).
pub fn trial(legs: &Legs, n: u8, w: u8, r: u8, rng: &mut SimRng) -> Trial {
    let n = usize::from(n).clamp(1, MAX);
    let (local_write, local_read) = if legs.wan_us.is_some() {
        (rng.index(n), rng.index(n))
    } else {
        (0, 0)
    };
    let wan = legs.wan_us.unwrap_or(0);
    let mut replicas = Replicas::new();
    for i in 0..n {
        let write_extra = if i != local_write { wan } else { 0 };
        let read_extra = if i != local_read { wan } else { 0 };
        // The simulator adds a slow link's delay after capping the draw.
        replicas.push([
            delay_us(legs.write.sample(rng)) + write_extra,
            delay_us(legs.ack.sample(rng)) + write_extra,
            delay_us(legs.read.sample(rng)) + read_extra,
            delay_us(legs.response.sample(rng)) + read_extra,
        ]);
    }
    replicas.outcome(usize::from(w), usize::from(r))
}

/// What a trial with these delays finds, replica i being the i-th the
/// coordinators ask (at most 16; `w` and `r` are clamped to 1..=n).
pub fn outcome(delays: &[Delays], w: usize, r: usize) -> Trial {
    let mut replicas = Replicas::new();
    for &d in delays.iter().take(MAX) {
        replicas.push(d);
    }
    replicas.outcome(w, r)
}

/// The replicas of one trial, as far as the outcome needs them.
struct Replicas {
    n: usize,
    /// When each acknowledgement reaches the write's coordinator.
    committed: [u64; MAX],
    /// When each response reaches the read's coordinator and, to break
    /// ties as the event queue does, when its read request arrived.
    responded: [(u64, u64); MAX],
    /// How long before its read request arrived each replica must have
    /// had the write (`W − R`).
    lead: [i64; MAX],
}

impl Replicas {
    fn new() -> Replicas {
        Replicas {
            n: 0,
            committed: [0; MAX],
            responded: [(0, 0); MAX],
            lead: [0; MAX],
        }
    }

    #[inline]
    fn push(&mut self, [write, ack, read, response]: Delays) {
        let i = self.n;
        self.committed[i] = write + ack;
        self.responded[i] = (read + response, read);
        self.lead[i] = write as i64 - read as i64;
        self.n += 1;
    }

    fn outcome(mut self, w: usize, r: usize) -> Trial {
        let n = self.n.max(1);
        let (w, r) = (w.clamp(1, n), r.clamp(1, n));
        let mut unused = [(); MAX];
        sort_by_key(&mut self.committed[..n], &mut unused[..n]);
        sort_by_key(&mut self.responded[..n], &mut self.lead[..n]);
        let commit = self.committed[w - 1];
        let first = self.lead[..r].iter().copied().min().unwrap_or(i64::MAX);
        Trial {
            threshold_us: first - commit as i64,
            write_us: commit,
            read_us: self.responded[r - 1].0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::latency::{Latency, LegLatencies};

    fn constant(write: f64, ack: f64, read: f64, response: f64) -> LatencyModel {
        LatencyModel {
            legs: LegLatencies {
                write: Latency::constant_ms(write),
                ack: Latency::constant_ms(ack),
                read: Latency::constant_ms(read),
                response: Latency::constant_ms(response),
            },
            wan_ms: 0.0,
        }
    }

    #[test]
    fn constant_delays_give_the_hand_computed_threshold() {
        // Every replica: W 10, A 1, R 2, S 2. Commit at 11; a read sent at
        // 11 + t reaches a replica at 13 + t, which has held the write
        // since 10: consistent from t = −3 on.
        let t = trial(
            &Legs::new(&constant(10.0, 1.0, 2.0, 2.0)),
            3,
            2,
            2,
            &mut SimRng::stream(1, "t"),
        );
        assert_eq!(t.write_us, 11_000);
        assert_eq!(t.read_us, 4_000);
        assert_eq!(t.threshold_us, -3_000);
        // A slow write and quick acks and reads: W 10, A 0, R 0, which the
        // simulator's resolution makes 1 µs each. Commit at 10.001 ms; the
        // read reaches a replica 1 µs after it is sent and needs the write
        // there, which arrived at 10 ms: consistent from t = −2 µs.
        let t = trial(
            &Legs::new(&constant(10.0, 0.0, 0.0, 1.0)),
            3,
            1,
            1,
            &mut SimRng::stream(1, "t"),
        );
        assert_eq!(t.threshold_us, -2);
    }

    #[test]
    fn wan_adds_the_remote_delay_to_all_but_one_replica() {
        let mut m = constant(1.0, 1.0, 1.0, 1.0);
        m.wan_ms = 75.0;
        // w = 1: the local replica acknowledges first (2 ms); w = 2 waits
        // for a remote one (152 ms).
        let m = Legs::new(&m);
        let mut rng = SimRng::stream(3, "t");
        assert_eq!(trial(&m, 3, 1, 1, &mut rng).write_us, 2_000);
        assert_eq!(trial(&m, 3, 2, 1, &mut rng).write_us, 152_000);
        assert_eq!(trial(&m, 3, 1, 3, &mut rng).read_us, 152_000);
    }
}
