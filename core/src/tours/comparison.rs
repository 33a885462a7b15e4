//! Tours for the article's comparison of the three models. A tour walks
//! through one preset's run, so each of these shows one row of the
//! comparison on a run that makes it visible: the price of consistency in
//! latency (leaderless, tunable per request), and single-leader as the
//! default with failure modes that all have names. (Side-by-side figures
//! for all three models come from `replicascope compare`.)

use super::{
    crashed, event_at, holds, lacks, network_fault, node, note, recovered, reply, role, Event,
    Expect, Section, Step, Tour,
};
use crate::check::AnomalyKind;
use crate::node::Role;

const fn up(number: u16, up: bool) -> Expect {
    Expect::Up {
        node: node(number),
        up,
    }
}

pub(super) static CONSISTENCY_LEVELS: Tour = Tour {
    id: "comparison-tunable-consistency",
    title: "Consistency you can tune, latency you pay",
    section: Section::Comparison,
    preset: "leaderless-consistency-levels",
    summary: "The same leaderless cluster answers at ONE, QUORUM and ALL: each step up waits for \
              more replicas, and the far one sets the price.",
    steps: &[
        Step {
            caption: "n = 3, and node 3 is 100 ms from the others. A write at ONE is confirmed by \
                      node 1's own copy, without waiting for anyone.",
            at: reply(0),
            expect: &[holds(1, "x", 1), lacks(3, "x")],
        },
        Step {
            caption: "A write at QUORUM also needs one other replica: nearby node 2's \
                      acknowledgement is back 10 ms after the write.",
            at: reply(1),
            expect: &[holds(2, "x", 2), holds(3, "x", 1)],
        },
        Step {
            caption:
                "At ALL the client also waits for far-away node 3: 200 ms, a round trip to it. \
                      Every replica has the value, at the slowest replica's pace.",
            at: reply(2),
            expect: &[holds(1, "x", 3), holds(2, "x", 3), holds(3, "x", 3)],
        },
        Step {
            caption: "Reads vary the same way: at ONE node 1 answers from its own copy at once, \
                      with no guarantee it is the latest.",
            at: reply(3),
            expect: &[],
        },
        Step {
            caption: "At ALL the read waits for node 3's reply, 200 ms. The write latency chart \
                      shows the writes' three prices side by side.",
            at: reply(4),
            expect: &[Expect::NoAnomaly(AnomalyKind::StaleRead)],
        },
    ],
};

pub(super) static SINGLE_LEADER_DEFAULT: Tour = Tour {
    id: "comparison-single-leader-default",
    title: "Single-leader as the default: failures with names",
    section: Section::Comparison,
    preset: "single-leader-mixed-faults",
    summary: "A busy run with a crash, a partition and a failover, where every problem is one of \
              a few well-understood kinds — and no write ever conflicts.",
    steps: &[
        Step {
            caption: "One leader, three asynchronous followers, random reads and writes. A write \
                      sent to follower node 3 is refused and pointed at the leader: only one node \
                      takes writes, so writes cannot conflict.",
            at: reply(4),
            expect: &[role(1, Role::Leader), role(3, Role::Follower)],
        },
        Step {
            caption: "A read on node 2 misses a write confirmed 3 ms earlier: followers lag, and \
                      the anomaly list counts a stale read.",
            at: reply(19),
            expect: &[Expect::Anomaly(AnomalyKind::StaleRead)],
        },
        Step {
            caption: "Follower node 3 crashes. The leader and the other followers carry on.",
            at: crashed(3),
            expect: &[up(3, false), role(1, Role::Leader)],
        },
        Step {
            caption: "Node 3 comes back and asks the leader for everything after its last log \
                      position.",
            at: recovered(3),
            expect: &[up(3, true)],
        },
        Step {
            caption: "A partition cuts node 4 off from the leader. Reads served by node 4 grow \
                      stale until it heals.",
            at: network_fault(1),
            expect: &[],
        },
        Step {
            caption: "After the heal node 4 spots a gap in the log it receives and asks for the \
                      missing entries.",
            at: note("asks the leader to send the missing entries"),
            expect: &[],
        },
        Step {
            caption: "The leader crashes and node 2 is promoted with the leader's whole log, so \
                      this time no confirmed write is lost. No conflict appeared in the whole run.",
            at: event_at(Event::Promote, 2),
            expect: &[
                role(2, Role::Leader),
                up(1, false),
                Expect::NoAnomaly(AnomalyKind::LostWrite),
                Expect::NoAnomaly(AnomalyKind::Conflict),
            ],
        },
    ],
};
