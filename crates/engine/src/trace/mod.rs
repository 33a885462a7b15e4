//! The trace: every step the simulator took and every message it carried,
//! append-only, in a compact fixed-size record per entry (payload text
//! lives in one shared arena). The views animate and seek it; the trace
//! hash proves two runs identical.

mod chunked;
mod digest;
#[cfg(test)]
mod tests;

pub use chunked::Chunked;
pub use digest::TraceDigest;

use digest::{hash_message, hash_note, hash_step};

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::node::{NodeId, OpId};
use crate::rng::Fnv;
use crate::time::Instant;

/// What a step handled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    Start,
    /// `subject` is the message id.
    Deliver,
    /// `subject` is the message id: it reached a crashed node or a cut link.
    Lost,
    /// `subject` is the timer id.
    Timer,
    /// `subject` is the client operation id.
    Client,
    Crash,
    Recover,
    /// A network fault changed (partition, heal, slow link); `subject`
    /// is its index in the run's agenda.
    Network,
    /// An operator promoted the node to leader; `subject` is the action's
    /// index in the run's agenda. (Last, so the discriminants above, which
    /// the trace hash includes, stay as they were.)
    Promote,
    /// An operator added the node as a new follower; `subject` is the
    /// action's index in the run's agenda.
    Join,
}

/// One step: one input handled by one node (or one fault applied).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub time: Instant,
    pub node: NodeId,
    pub kind: StepKind,
    pub subject: u32,
}

/// Why a message never arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    /// The link was cut by a partition.
    Partition,
    /// Random loss on the link.
    Network,
    /// The receiver was down when it arrived.
    NodeDown,
}

/// A message's fate as far as the run has got.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Fate {
    /// Scheduled to arrive at `deliver_at`; not there yet.
    InFlight,
    Delivered,
    Dropped {
        reason: DropReason,
    },
}

/// One message: who, what, when sent, when (or whether) it arrived.
///
/// 32 bytes, one per event of a chatty run, so nothing derivable is
/// stored: the step that resolved a message's fate is the `Deliver` or
/// `Lost` step naming it, and its payload text ends where the next
/// message's begins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MessageRecord {
    pub from: NodeId,
    pub to: NodeId,
    /// Index into [`Trace::labels`].
    pub label: u16,
    pub fate: Fate,
    /// The step that sent it.
    pub sent_step: u32,
    pub sent_at: Instant,
    /// When it arrives or arrived; for a message dropped at send time,
    /// equal to `sent_at`.
    pub deliver_at: Instant,
    /// Where its payload starts in [`Trace::text`] (see [`Trace::payload`]).
    text: u32,
    /// The payload's length in bytes, or [`LONG_PAYLOAD`] for one at least
    /// that long (which then ends where the next message's starts).
    text_len: u8,
}

const _: () = assert!(core::mem::size_of::<MessageRecord>() == 32);

/// [`MessageRecord::text_len`] of a payload too long to say.
const LONG_PAYLOAD: u8 = u8::MAX;

impl MessageRecord {
    /// A message as sent; [`Trace::push_message`] adds its payload.
    pub fn new(
        from: NodeId,
        to: NodeId,
        label: u16,
        fate: Fate,
        sent_step: u32,
        sent_at: Instant,
        deliver_at: Instant,
    ) -> MessageRecord {
        MessageRecord {
            from,
            to,
            label,
            fate,
            sent_step,
            sent_at,
            deliver_at,
            text: 0,
            text_len: 0,
        }
    }
}

/// A narration line attached to a step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub step: u32,
    pub text: String,
}

/// Everything a run recorded.
#[derive(Clone, Debug, Default)]
pub struct Trace {
    pub steps: Chunked<Step>,
    pub messages: Chunked<MessageRecord>,
    pub notes: Vec<Note>,
    pub labels: Vec<&'static str>,
    pub text: String,
}

impl Trace {
    pub fn label_id(&mut self, label: &'static str) -> u16 {
        // Called for every message sent: the same literal is almost always
        // the same pointer, so try that before comparing text.
        let same = |l: &&str| core::ptr::eq(l.as_ptr(), label.as_ptr()) && l.len() == label.len();
        if let Some(i) = self.labels.iter().position(same) {
            return i as u16;
        }
        if let Some(i) = self.labels.iter().position(|l| *l == label) {
            return i as u16;
        }
        self.labels.push(label);
        (self.labels.len() - 1) as u16
    }

    pub fn label(&self, m: &MessageRecord) -> &'static str {
        self.labels
            .get(usize::from(m.label))
            .copied()
            .unwrap_or("?")
    }

    /// Appends `m` (from [`MessageRecord::new`]) with the payload text
    /// `describe` writes.
    #[inline]
    pub fn push_message(&mut self, mut m: MessageRecord, describe: impl FnOnce(&mut String)) {
        let start = self.text.len();
        describe(&mut self.text);
        m.text = start as u32;
        m.text_len = (self.text.len() - start).min(usize::from(LONG_PAYLOAD)) as u8;
        self.messages.push(m);
    }

    pub fn payload(&self, m: &MessageRecord) -> &str {
        let start = m.text as usize;
        let end = if m.text_len < LONG_PAYLOAD {
            start + usize::from(m.text_len)
        } else {
            // Not empty, so the next message is the first to start later.
            let next = self.messages.partition_point(|n| n.text <= m.text);
            self.messages
                .get(next)
                .map_or(self.text.len(), |n| n.text as usize)
        };
        self.text.get(start..end).unwrap_or("")
    }

    /// Steps at or before `t`: the trace position of virtual time `t`.
    pub fn steps_until(&self, t: Instant) -> usize {
        self.steps.partition_point(|s| s.time <= t)
    }

    /// Bytes held by the trace excluding payload text and notes.
    pub fn record_bytes(&self) -> usize {
        self.steps.heap_bytes() + self.messages.heap_bytes()
    }

    /// Stable 64-bit hash over a canonical encoding of every step, message
    /// (with payload text and label) and note. Needs the whole trace (it
    /// starts with the step count), so a windowed long run reports
    /// [`Trace::digest`] instead.
    pub fn hash(&self) -> u64 {
        debug_assert_eq!(self.steps.first(), 0, "hash of a windowed trace");
        let mut h = Fnv::new();
        h.u64(self.steps.len() as u64);
        for s in self.steps.iter() {
            hash_step(&mut h, s);
        }
        h.u64(self.messages.len() as u64);
        for m in self.messages.iter() {
            hash_message(&mut h, m, self.label(m), self.payload(m));
        }
        for n in &self.notes {
            hash_note(&mut h, n);
        }
        h.finish()
    }

    /// The trace's [`TraceDigest`]: the same encoding as [`Trace::hash`],
    /// arranged so that it can also be computed while the run goes on and
    /// the trace is forgotten behind it.
    pub fn digest(&self) -> u64 {
        let mut d = TraceDigest::default();
        for s in self.steps.iter() {
            d.step(s);
        }
        for m in self.messages.iter() {
            d.message(m, self.label(m), self.payload(m));
        }
        for n in &self.notes {
            d.note(n);
        }
        d.finish()
    }

    /// Forgets what a windowed run no longer keeps: steps before `steps`,
    /// messages before `messages` (their payload text with them) and
    /// notes on steps before `steps`. The caller has digested them.
    pub fn forget_before(&mut self, steps: usize, messages: usize) {
        self.steps.forget_before(steps);
        self.messages.forget_before(messages);
        // Payload text: drop what only forgotten messages used and shift
        // the offsets of the rest.
        let cut = self
            .messages
            .iter()
            .next()
            .map_or(self.text.len(), |m| m.text as usize);
        if cut > 0 {
            self.text.drain(..cut);
            let shift = cut as u32;
            for i in self.messages.first()..self.messages.len() {
                if let Some(m) = self.messages.get_mut(i) {
                    m.text -= shift;
                }
            }
        }
        let notes = self.notes.partition_point(|n| (n.step as usize) < steps);
        self.notes.drain(..notes);
    }

    /// Drops everything recorded at step `len` or later, and returns
    /// messages resolved from then on to in flight: the trace as it was
    /// when it had `len` steps (used when a run forks).
    pub fn truncate_steps(&mut self, len: usize, messages: usize) {
        // The messages that the dropped steps delivered or lost.
        for i in len..self.steps.len() {
            let Some(s) = self.steps.get(i) else { continue };
            if matches!(s.kind, StepKind::Deliver | StepKind::Lost)
                && (s.subject as usize) < messages
            {
                if let Some(m) = self.messages.get_mut(s.subject as usize) {
                    m.fate = Fate::InFlight;
                }
            }
        }
        self.steps.truncate(len);
        // Payload text ends where the first dropped message's starts.
        if let Some(text_end) = self.messages.get(messages).map(|m| m.text as usize) {
            self.text.truncate(text_end);
        }
        self.messages.truncate(messages);
        while self.notes.last().is_some_and(|n| n.step as usize >= len) {
            self.notes.pop();
        }
    }

    pub fn message(&self, id: u32) -> Option<&MessageRecord> {
        self.messages.get(id as usize)
    }
}

/// An operation's place in the trace, for the history.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpRef {
    pub op: OpId,
    pub step: u32,
}
