//! The trace as a run leaves it: forgetting a prefix, payloads of any
//! length, forks, and finding time positions.

use super::*;

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
