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

use super::model::LatencyModel;
use super::sampler::Sampler;
use crate::quorum::MAX_N;
use crate::rng::SimRng;

/// What one trial found, in ms.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Trial {
    /// The read is consistent for every t at or above this (may be < 0).
    pub threshold_ms: f64,
    /// Write start to the w-th acknowledgement.
    pub write_ms: f64,
    /// Read start to the r-th response.
    pub read_ms: f64,
}

const MAX: usize = MAX_N as usize;

/// Sorts the first `len` entries by key (n ≤ 9: insertion sort beats
/// anything clever, and keeps the wasm small).
fn sort_by_key(keys: &mut [f64; MAX], vals: &mut [f64; MAX], len: usize) {
    for i in 1..len {
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
    wan_ms: f64,
}

impl Legs {
    pub fn new(model: &LatencyModel) -> Legs {
        Legs {
            write: Sampler::new(&model.legs.write),
            ack: Sampler::new(&model.legs.ack),
            read: Sampler::new(&model.legs.read),
            response: Sampler::new(&model.legs.response),
            wan_ms: model.wan_ms,
        }
    }
}

/// One write followed by one read; `n`, `w`, `r` already validated
/// (1 ≤ w, r ≤ n ≤ 9).
pub fn trial(legs: &Legs, n: u8, w: u8, r: u8, rng: &mut SimRng) -> Trial {
    let n = usize::from(n).clamp(1, MAX);
    let (w, r) = (usize::from(w).clamp(1, n), usize::from(r).clamp(1, n));
    let wan = legs.wan_ms > 0.0;
    let (local_write, local_read) = if wan {
        (rng.index(n), rng.index(n))
    } else {
        (0, 0)
    };
    let mut committed = [0.0; MAX];
    let mut unused = [0.0; MAX];
    let mut responded = [0.0; MAX];
    // Per responding replica: how long before its read request arrived it
    // must have had the write (`W − R`).
    let mut lead = [0.0; MAX];
    for i in 0..n {
        let write_extra = if wan && i != local_write {
            legs.wan_ms
        } else {
            0.0
        };
        let read_extra = if wan && i != local_read {
            legs.wan_ms
        } else {
            0.0
        };
        let write = legs.write.sample(rng) + write_extra;
        let ack = legs.ack.sample(rng) + write_extra;
        let read = legs.read.sample(rng) + read_extra;
        let response = legs.response.sample(rng) + read_extra;
        committed[i] = write + ack;
        responded[i] = read + response;
        lead[i] = write - read;
    }
    sort_by_key(&mut committed, &mut unused, n);
    sort_by_key(&mut responded, &mut lead, n);
    let commit = committed[w - 1];
    let first = lead[..r].iter().copied().fold(f64::INFINITY, f64::min);
    Trial {
        threshold_ms: first - commit,
        write_ms: commit,
        read_ms: responded[r - 1],
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
        assert_eq!(t.write_ms, 11.0);
        assert_eq!(t.read_ms, 4.0);
        assert_eq!(t.threshold_ms, -3.0);
        // Slow write legs, fast acks cannot happen with constants; a slow
        // write and a quick read: W 10, A 0, R 0: threshold 0.
        let t = trial(
            &Legs::new(&constant(10.0, 0.0, 0.0, 1.0)),
            3,
            1,
            1,
            &mut SimRng::stream(1, "t"),
        );
        assert_eq!(t.threshold_ms, 0.0);
    }

    #[test]
    fn wan_adds_the_remote_delay_to_all_but_one_replica() {
        let mut m = constant(1.0, 1.0, 1.0, 1.0);
        m.wan_ms = 75.0;
        // w = 1: the local replica acknowledges first (2 ms); w = 2 waits
        // for a remote one (152 ms).
        let m = Legs::new(&m);
        let mut rng = SimRng::stream(3, "t");
        assert_eq!(trial(&m, 3, 1, 1, &mut rng).write_ms, 2.0);
        assert_eq!(trial(&m, 3, 2, 1, &mut rng).write_ms, 152.0);
        assert_eq!(trial(&m, 3, 1, 3, &mut rng).read_ms, 152.0);
    }
}
