//! The comparison's client load: one seeded stream of reads and writes,
//! identical for every architecture, sent through each architecture's
//! application router as user requests.
//!
//! The stream is drawn exactly like the scenario `Generator` draws its
//! own (Poisson arrivals at `rate_per_s`, a uniform key among `k1…kK`, a
//! read with probability `read_fraction`, writes carrying their
//! operation number so every value is distinct). It is written out as
//! scripted `session` requests rather than left to a `Generator` because
//! a generator pins each request to a fixed node: a single-leader
//! follower would refuse every write sent to it, and no client could move
//! off a crashed node. The router sends a single-leader write to
//! whichever node leads now and a read to a follower, a multi-leader
//! request to the leader of the user's datacenter (the next one while
//! that leader is down), and a leaderless request to the user's node (the
//! next live one on the ring while it is down) — what real drivers do.

use alloc::string::String;
use alloc::vec::Vec;

use super::{CompareSpec, DATACENTERS};
use crate::node::Request;
use crate::rng::SimRng;
use crate::scenario::{Action, Timed};

/// The stream for `spec`, in time order, every request a user session.
///
/// Every operation comes from a user of its own (session numbers never
/// repeat), numbered so that `(session - 1) % 3` is the user's
/// datacenter: the routers send such a user to that datacenter first.
pub fn requests(spec: &CompareSpec) -> Vec<Timed> {
    let mut rng = SimRng::stream(spec.seed, "compare/workload");
    let end_us = ms_to_us(spec.duration_ms);
    let mut ops = Vec::new();
    let mut t_us = 0u64;
    loop {
        t_us += gap_us(spec.rate_per_s, &mut rng);
        if t_us >= end_us {
            break;
        }
        let index = ops.len() as u32;
        let dc = rng.index(usize::from(DATACENTERS)) as u32;
        let key = alloc::format!("k{}", rng.between(1, u64::from(spec.keys)));
        let request = if rng.chance(spec.read_fraction) {
            Request::read(&key)
        } else {
            Request::Write {
                key: String::from(key.as_str()),
                value: i64::from(index) + 1,
            }
        };
        ops.push(Timed {
            // Whole microseconds, so the scenario's ms round-trip exactly.
            at_ms: t_us as f64 / 1000.0,
            action: Action::Session {
                session: 1 + dc + u32::from(DATACENTERS) * index,
                request,
            },
        });
    }
    ops
}

/// The datacenter (0-based) a request's user sits in.
pub fn datacenter_of(session: u32) -> u16 {
    (session.saturating_sub(1) % u32::from(DATACENTERS)) as u16
}

/// An exponential gap with mean `1 / rate`, at least 1 µs.
fn gap_us(rate_per_s: f64, rng: &mut SimRng) -> u64 {
    let gap_s = -libm::log(rng.unit_open()) / rate_per_s;
    libm::round(gap_s * 1_000_000.0).max(1.0) as u64
}

pub(super) fn ms_to_us(ms: f64) -> u64 {
    libm::round(ms * 1000.0).max(0.0) as u64
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::compare::Fault;

    fn spec(rate: f64, reads: f64) -> CompareSpec {
        CompareSpec {
            rate_per_s: rate,
            read_fraction: reads,
            duration_ms: 2_000.0,
            ..CompareSpec::new(Fault::None)
        }
    }

    #[test]
    fn the_stream_has_the_asked_rate_mix_and_spread() {
        let ops = requests(&spec(500.0, 0.25));
        // 1000 expected; Poisson noise is about ±32.
        assert!((900..1100).contains(&ops.len()), "{}", ops.len());
        let reads = ops
            .iter()
            .filter(|t| matches!(&t.action, Action::Session { request, .. } if !request.is_write()))
            .count();
        let share = reads as f64 / ops.len() as f64;
        assert!((0.2..0.3).contains(&share), "{share}");
        let mut per_dc = [0usize; 3];
        for t in &ops {
            if let Action::Session { session, .. } = t.action {
                per_dc[usize::from(datacenter_of(session))] += 1;
            }
        }
        assert!(per_dc.iter().all(|&n| n > 250), "{per_dc:?}");
        assert!(ops.windows(2).all(|w| w[0].at_ms < w[1].at_ms));
        assert!(ops.last().unwrap().at_ms < 2_000.0);
    }

    #[test]
    fn the_same_seed_gives_the_same_stream_and_another_seed_another() {
        let a = requests(&spec(100.0, 0.5));
        assert_eq!(a, requests(&spec(100.0, 0.5)));
        let other = CompareSpec {
            seed: 2,
            ..spec(100.0, 0.5)
        };
        assert_ne!(a, requests(&other));
    }
}
