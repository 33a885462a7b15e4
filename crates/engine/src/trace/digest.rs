//! The trace hash: how each step, message and note feeds it, and the
//! digest a run keeps as it goes.

use super::{Fate, MessageRecord, Note, Step};
use crate::rng::Fnv;

pub(super) fn hash_step(h: &mut Fnv, s: &Step) {
    h.u64(s.time.0);
    h.u64(u64::from(s.node.0));
    h.u64(s.kind as u64);
    h.u64(u64::from(s.subject));
}

pub(super) fn hash_message(h: &mut Fnv, m: &MessageRecord, label: &str, payload: &str) {
    h.u64(u64::from(m.from.0) << 16 | u64::from(m.to.0));
    h.write(label.as_bytes());
    h.write(payload.as_bytes());
    let fate = match m.fate {
        Fate::InFlight => 0,
        Fate::Delivered => 1,
        Fate::Dropped { reason } => 2 + reason as u64,
    };
    h.u64(fate);
    h.u64(u64::from(m.sent_step));
    h.u64(m.sent_at.0);
    h.u64(m.deliver_at.0);
}

pub(super) fn hash_note(h: &mut Fnv, n: &Note) {
    h.u64(u64::from(n.step));
    h.write(n.text.as_bytes());
}

/// A trace hash that can be computed as the run goes: steps, messages and
/// notes each feed their own FNV-1a stream (same encoding per entry as
/// [`Trace::hash`]), and the result hashes the three counts and the three
/// stream hashes. Steps are fed as they are recorded, each message once
/// its fate is final (in message order), notes once their step is over;
/// a complete trace gives the same value through [`Trace::digest`].
///
/// It is a different number from [`Trace::hash`], which puts the step
/// count first and so needs the whole trace before it can start.
///
/// [`Trace::hash`]: super::Trace::hash
/// [`Trace::digest`]: super::Trace::digest
#[derive(Clone, Copy, Debug, Default)]
pub struct TraceDigest {
    steps: Fnv,
    messages: Fnv,
    notes: Fnv,
    counts: [u64; 3],
}

impl TraceDigest {
    pub fn step(&mut self, s: &Step) {
        hash_step(&mut self.steps, s);
        self.counts[0] += 1;
    }

    /// `m` with its final fate (in flight only if the run ended first).
    pub fn message(&mut self, m: &MessageRecord, label: &str, payload: &str) {
        hash_message(&mut self.messages, m, label, payload);
        self.counts[1] += 1;
    }

    pub fn note(&mut self, n: &Note) {
        hash_note(&mut self.notes, n);
        self.counts[2] += 1;
    }

    /// Steps, messages and notes fed so far.
    pub fn counts(&self) -> [u64; 3] {
        self.counts
    }

    pub fn finish(&self) -> u64 {
        let mut h = Fnv::new();
        for (count, part) in self
            .counts
            .iter()
            .zip([self.steps, self.messages, self.notes])
        {
            h.u64(*count);
            h.u64(part.finish());
        }
        h.finish()
    }
}
