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
///
/// A windowed long run (see [`crate::long_run`]) may forget a prefix with
/// [`Chunked::forget_before`]: indices stay those of the whole sequence,
/// `len` still counts every entry ever pushed, and entries before
/// [`Chunked::first`] are simply no longer there. A recorded run never
/// forgets anything (`first` is 0).
#[derive(Clone, Debug)]
pub struct Chunked<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
    /// Index of `chunks[0][0]` (a multiple of `CHUNK`).
    origin: usize,
    /// Index of the first entry still held (`origin <= first <= len`).
    first: usize,
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
            origin: 0,
            first: 0,
        }
    }
    /// Entries ever pushed (forgotten ones included).
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// Index of the first entry still held: 0 unless a prefix was forgotten.
    pub fn first(&self) -> usize {
        self.first
    }
    /// Entries still held.
    pub fn retained(&self) -> usize {
        self.len - self.first
    }
    /// Inlined: the simulator pushes a step and a message per event.
    #[inline]
    pub fn push(&mut self, item: T) {
        if self.len % CHUNK == 0 {
            self.add_chunk();
        }
        if let Some(last) = self.chunks.last_mut() {
            last.push(item);
        }
        self.len += 1;
    }
    #[cold]
    fn add_chunk(&mut self) {
        self.chunks.push(Vec::with_capacity(CHUNK));
    }
    pub fn get(&self, i: usize) -> Option<&T> {
        if i < self.first {
            return None;
        }
        let i = i - self.origin;
        self.chunks.get(i / CHUNK)?.get(i % CHUNK)
    }
    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        if i < self.first {
            return None;
        }
        let i = i - self.origin;
        self.chunks.get_mut(i / CHUNK)?.get_mut(i % CHUNK)
    }
    /// The entries still held, in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + '_ {
        let skip = self.first - self.origin;
        self.chunks.iter().enumerate().flat_map(move |(k, c)| {
            let from = if k == 0 { skip.min(c.len()) } else { 0 };
            c[from..].iter()
        })
    }
    /// Keeps the first `len` entries (never fewer than were forgotten).
    pub fn truncate(&mut self, len: usize) {
        let len = len.max(self.first);
        if len >= self.len {
            return;
        }
        let keep_chunks = (len - self.origin).div_ceil(CHUNK);
        self.chunks.truncate(keep_chunks);
        if let Some(last) = self.chunks.last_mut() {
            let in_last = len - self.origin - (keep_chunks - 1) * CHUNK;
            last.truncate(in_last);
        }
        self.len = len;
    }
    /// Forgets every entry before index `index` (a windowed run's
    /// compaction); whole chunks are freed as they empty.
    pub fn forget_before(&mut self, index: usize) {
        self.first = self.first.max(index.min(self.len));
        let whole = (self.first - self.origin) / CHUNK;
        if whole > 0 {
            self.chunks.drain(..whole);
            self.origin += whole * CHUNK;
        }
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
        let (mut lo, mut hi) = (self.first, self.len);
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

fn hash_step(h: &mut Fnv, s: &Step) {
    h.u64(s.time.0);
    h.u64(u64::from(s.node.0));
    h.u64(s.kind as u64);
    h.u64(u64::from(s.subject));
}

fn hash_message(h: &mut Fnv, m: &MessageRecord, label: &str, payload: &str) {
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

fn hash_note(h: &mut Fnv, n: &Note) {
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
    fn chunked_forgets_a_prefix_but_keeps_indices() {
        let mut c = Chunked::new();
        for i in 0..(CHUNK * 3 + 5) {
            c.push(i);
        }
        c.forget_before(CHUNK + 3);
        assert_eq!(
            (c.len(), c.first(), c.retained()),
            (CHUNK * 3 + 5, CHUNK + 3, CHUNK * 2 + 2)
        );
        assert_eq!(c.chunks.len(), 3, "the first chunk is freed");
        assert_eq!(c.get(CHUNK + 2), None);
        assert_eq!(c.get(CHUNK + 3), Some(&(CHUNK + 3)));
        assert_eq!(c.get_mut(CHUNK * 3 + 4), Some(&mut (CHUNK * 3 + 4)));
        assert!(c.iter().copied().eq(CHUNK + 3..CHUNK * 3 + 5));
        assert_eq!(c.iter().next_back(), Some(&(CHUNK * 3 + 4)));
        assert_eq!(c.partition_point(|&i| i < 7), CHUNK + 3);
        assert_eq!(c.partition_point(|&i| i < CHUNK * 2), CHUNK * 2);
        // Never backwards; pushing goes on at the same indices.
        c.forget_before(5);
        assert_eq!(c.first(), CHUNK + 3);
        c.push(usize::MAX);
        assert_eq!(c.get(CHUNK * 3 + 5), Some(&usize::MAX));
        c.truncate(0);
        assert_eq!((c.len(), c.retained()), (CHUNK + 3, 0));
        c.forget_before(usize::MAX);
        assert_eq!(c.first(), c.len());
        assert_eq!(c.iter().count(), 0);
    }

    #[test]
    fn forgetting_messages_shifts_the_payload_text() {
        let mut t = Trace::default();
        for i in 0..10u32 {
            let label = t.label_id("m");
            t.steps.push(Step {
                time: Instant(u64::from(i)),
                node: NodeId(0),
                kind: StepKind::Timer,
                subject: i,
            });
            let at = Instant(u64::from(i));
            let m = MessageRecord::new(NodeId(0), NodeId(1), label, Fate::Delivered, i, at, at);
            t.push_message(m, |out| out.push_str(&alloc::format!("payload {i}")));
            t.notes.push(Note {
                step: i,
                text: alloc::format!("note {i}"),
            });
        }
        let digest = t.digest();
        t.forget_before(6, 4);
        assert_eq!(t.payload(t.message(4).unwrap()), "payload 4");
        assert_eq!(t.payload(t.message(9).unwrap()), "payload 9");
        assert!(t.message(3).is_none());
        assert!(t.text.starts_with("payload 4"));
        assert_eq!(t.notes.first().map(|n| n.step), Some(6));
        assert_eq!(t.steps.retained(), 4);
        // The digest of what is left is no longer the whole trace's.
        assert_ne!(t.digest(), digest);
    }

    #[test]
    fn payloads_of_any_length_and_forks_that_unresolve_messages() {
        let mut t = Trace::default();
        let texts = [
            String::new(),
            "x".repeat(300),
            String::from("hop 7"),
            String::new(),
            "y".repeat(255),
        ];
        for (i, text) in texts.iter().enumerate() {
            let i = i as u32;
            t.steps.push(Step {
                time: Instant(u64::from(i)),
                node: NodeId(0),
                kind: StepKind::Deliver,
                subject: i.saturating_sub(1),
            });
            let at = Instant(u64::from(i));
            let label = t.label_id("m");
            let m = MessageRecord::new(NodeId(0), NodeId(1), label, Fate::Delivered, i, at, at);
            t.push_message(m, |out| out.push_str(text));
        }
        for (i, text) in texts.iter().enumerate() {
            assert_eq!(t.payload(t.message(i as u32).unwrap()), text.as_str());
        }
        // Back to three steps and two messages: what step 3 and 4
        // delivered (messages 2 and 3) is in flight again, or gone.
        t.truncate_steps(3, 3);
        assert_eq!(t.messages.len(), 3);
        let fates: Vec<Fate> = t.messages.iter().map(|m| m.fate).collect();
        assert_eq!(fates, [Fate::Delivered, Fate::Delivered, Fate::InFlight]);
        assert_eq!(t.payload(t.message(1).unwrap()), texts[1]);
        assert_eq!(t.payload(t.message(2).unwrap()), "hop 7");
        assert_eq!(t.text.len(), 305);
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
