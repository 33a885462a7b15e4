//! The trace: every step the simulator took and every message it carried,
//! append-only, in a compact fixed-size record per entry (payload text
//! lives in one shared arena). The views animate and seek it; the trace
//! hash proves two runs identical.

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::node::{NodeId, OpId};
use crate::rng::Fnv;
use crate::time::Instant;

/// Entries per chunk: storage grows a chunk at a time, so a long run never
/// copies its whole trace to double a vector (which in wasm would leave the
/// old copy's memory behind for good).
const CHUNK: usize = 4096;

/// An append-only vector stored in fixed-size chunks.
#[derive(Clone, Debug)]
pub struct Chunked<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked::new()
    }
}

impl<T> Chunked<T> {
    pub fn new() -> Self {
        Chunked {
            chunks: Vec::new(),
            len: 0,
        }
    }
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    pub fn push(&mut self, item: T) {
        if self.len % CHUNK == 0 {
            self.chunks.push(Vec::with_capacity(CHUNK));
        }
        if let Some(last) = self.chunks.last_mut() {
            last.push(item);
        }
        self.len += 1;
    }
    pub fn get(&self, i: usize) -> Option<&T> {
        self.chunks.get(i / CHUNK)?.get(i % CHUNK)
    }
    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        self.chunks.get_mut(i / CHUNK)?.get_mut(i % CHUNK)
    }
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + '_ {
        self.chunks.iter().flat_map(|c| c.iter())
    }
    /// Keeps the first `len` entries.
    pub fn truncate(&mut self, len: usize) {
        if len >= self.len {
            return;
        }
        let keep_chunks = len.div_ceil(CHUNK);
        self.chunks.truncate(keep_chunks);
        if let Some(last) = self.chunks.last_mut() {
            let in_last = len - (keep_chunks - 1) * CHUNK;
            last.truncate(in_last);
        }
        self.len = len;
    }
    /// Bytes held, counting reserved capacity.
    pub fn heap_bytes(&self) -> usize {
        self.chunks
            .iter()
            .map(|c| c.capacity() * core::mem::size_of::<T>())
            .sum::<usize>()
            + self.chunks.capacity() * core::mem::size_of::<Vec<T>>()
    }
    /// Index of the first entry for which `pred` is false, assuming `pred`
    /// is true for a prefix (binary search).
    pub fn partition_point(&self, mut pred: impl FnMut(&T) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.len);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.get(mid) {
                Some(item) if pred(item) => lo = mid + 1,
                _ => hi = mid,
            }
        }
        lo
    }
}

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
    /// Step that resolved its fate (delivery or loss), `u32::MAX` while in
    /// flight or when dropped at send time.
    pub resolved_step: u32,
    /// Payload text: `[start, end)` in [`Trace::text`].
    pub payload: (u32, u32),
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

    pub fn payload(&self, m: &MessageRecord) -> &str {
        self.text
            .get(m.payload.0 as usize..m.payload.1 as usize)
            .unwrap_or("")
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
    /// (with payload text and label) and note.
    pub fn hash(&self) -> u64 {
        let mut h = Fnv::new();
        h.u64(self.steps.len() as u64);
        for s in self.steps.iter() {
            h.u64(s.time.0);
            h.u64(u64::from(s.node.0));
            h.u64(s.kind as u64);
            h.u64(u64::from(s.subject));
        }
        h.u64(self.messages.len() as u64);
        for m in self.messages.iter() {
            h.u64(u64::from(m.from.0) << 16 | u64::from(m.to.0));
            h.write(self.label(m).as_bytes());
            h.write(self.payload(m).as_bytes());
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
        for n in &self.notes {
            h.u64(u64::from(n.step));
            h.write(n.text.as_bytes());
        }
        h.finish()
    }

    /// Drops everything recorded at step `len` or later, and returns
    /// messages resolved from then on to in flight: the trace as it was
    /// when it had `len` steps (used when a run forks).
    pub fn truncate_steps(&mut self, len: usize, messages: usize) {
        self.steps.truncate(len);
        self.messages.truncate(messages);
        let text_end = self
            .messages
            .iter()
            .last()
            .map_or(0, |m| m.payload.1 as usize);
        self.text.truncate(text_end);
        for i in 0..self.messages.len() {
            if let Some(m) = self.messages.get_mut(i) {
                if m.resolved_step != u32::MAX && m.resolved_step as usize >= len {
                    m.fate = Fate::InFlight;
                    m.resolved_step = u32::MAX;
                }
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_push_get_truncate_across_chunk_edges() {
        let mut c = Chunked::new();
        for i in 0..(CHUNK * 2 + 5) {
            c.push(i);
        }
        assert_eq!(c.len(), CHUNK * 2 + 5);
        assert_eq!(c.get(CHUNK), Some(&CHUNK));
        assert_eq!(c.iter().count(), CHUNK * 2 + 5);
        c.truncate(CHUNK);
        assert_eq!(c.len(), CHUNK);
        assert_eq!(c.get(CHUNK), None);
        c.push(7);
        assert_eq!(c.get(CHUNK), Some(&7));
        c.truncate(0);
        assert!(c.is_empty());
        c.push(1);
        assert_eq!(c.get(0), Some(&1));
    }

    #[test]
    fn partition_point_finds_time_positions() {
        let mut c = Chunked::new();
        for t in [1u64, 2, 2, 5, 9] {
            c.push(t);
        }
        assert_eq!(c.partition_point(|&t| t <= 2), 3);
        assert_eq!(c.partition_point(|&t| t < 1), 0);
        assert_eq!(c.partition_point(|&t| t <= 100), 5);
    }
}
