//! Tours of leaderless replication: quorum writes and reads, what
//! happens when w + r ≤ n or a strict quorum cannot be met, version
//! vectors and read repair, Merkle-tree anti-entropy, sloppy quorums with
//! hinted handoff, and the shopping cart's siblings.

use super::{
    crashed, delivered, hides, holds, lacks, network_fault, node, note, recovered, reply, sent,
    shows, Expect, Section, Step, Tour,
};
use crate::check::AnomalyKind;

const fn up(number: u16, up: bool) -> Expect {
    Expect::Up {
        node: node(number),
        up,
    }
}

pub(super) static QUORUM_ONE_DOWN: Tour = Tour {
    id: "leaderless-quorum-one-down",
    title: "Quorum write and read with one replica down",
    section: Section::Leaderless,
    preset: "leaderless-quorum-one-down",
    summary: "n = 3, w = 2, r = 2: a write and a read both succeed with a node down, and the read \
              is bound to see the write.",
    steps: &[
        Step {
            caption: "Three replicas, n = 3, w = 2, r = 2. Node 3 is down from the start.",
            at: crashed(3),
            expect: &[up(3, false)],
        },
        Step {
            caption:
                "Node 1 coordinates x = 1: it stores a copy itself and sends one to each other \
                      replica. The copy for node 3 will be lost.",
            at: sent("write", 2),
            expect: &[holds(1, "x", 1), lacks(2, "x")],
        },
        Step {
            caption: "Node 2's acknowledgement and node 1's own copy make two: w is met and the \
                      client hears success.",
            at: reply(0),
            expect: &[holds(1, "x", 1), holds(2, "x", 1), lacks(3, "x")],
        },
        Step {
            caption: "Node 3 is back — without x.",
            at: recovered(3),
            expect: &[up(3, true), lacks(3, "x")],
        },
        Step {
            caption:
                "A read through node 2 takes the first two answers, its own and node 1's: both \
                      x = 1. Two of three and two of three always share at least one replica.",
            at: reply(1),
            expect: &[lacks(3, "x"), Expect::NoAnomaly(AnomalyKind::StaleRead)],
        },
        Step {
            caption: "Node 3's late, empty answer gives it away, and node 2 writes x = 1 back to \
                      it: read repair.",
            at: note("node 3 is repaired"),
            expect: &[holds(3, "x", 1), shows(2, "read repairs sent: 1")],
        },
    ],
};

pub(super) static W_PLUS_R: Tour = Tour {
    id: "leaderless-w-plus-r-not-above-n",
    title: "w + r ≤ n: reads can miss writes",
    section: Section::Leaderless,
    preset: "leaderless-w-plus-r-not-above-n",
    summary: "With w = 1 and r = 1 out of three, a read may ask only a replica that has not got \
              the write yet.",
    steps: &[
        Step {
            caption: "n = 3, w = 1, r = 1. Node 1's own copy is enough, so x = 1 is confirmed at \
                      once; node 3, behind slow links, gets it 150 ms later.",
            at: reply(0),
            expect: &[holds(1, "x", 1), lacks(3, "x")],
        },
        Step {
            caption: "A read at node 3 answers from node 3 alone: nothing. With 1 + 1 ≤ 3 the one \
                      replica asked need not hold the latest write.",
            at: reply(1),
            expect: &[lacks(3, "x"), Expect::Anomaly(AnomalyKind::StaleRead)],
        },
        Step {
            caption: "Node 2 writes x = 2, again confirmed by a single copy.",
            at: reply(2),
            expect: &[holds(2, "x", 2), lacks(3, "x")],
        },
        Step {
            caption: "The next read at node 3 also answers nothing; x = 1 lands there in the same \
                      millisecond, just after the answer went out.",
            at: reply(3),
            expect: &[holds(3, "x", 1)],
        },
        Step {
            caption: "x = 2 reaches node 3, 150 ms after it was confirmed.",
            at: delivered("write", 4),
            expect: &[holds(3, "x", 2)],
        },
        Step {
            caption:
                "Now the read returns 2: nothing was lost, reads were only allowed to miss it \
                      for a while. Raise w or r until w + r > n and they no longer can.",
            at: reply(4),
            expect: &[holds(3, "x", 2)],
        },
    ],
};

pub(super) static STRICT_QUORUM: Tour = Tour {
    id: "leaderless-strict-quorum-fails",
    title: "A strict quorum that cannot be met",
    section: Section::Leaderless,
    preset: "leaderless-strict-quorum-fails",
    summary: "Two of three replicas are down and w = 2: the write fails, yet the replica that \
              stored it keeps it.",
    steps: &[
        Step {
            caption: "Nodes 2 and 3 are down; only node 1 is left, and w = 2.",
            at: crashed(3),
            expect: &[up(2, false), up(3, false)],
        },
        Step {
            caption: "Node 1 stores x = 1 and sends copies that nobody will receive.",
            at: sent("write", 2),
            expect: &[holds(1, "x", 1)],
        },
        Step {
            caption:
                "After 500 ms with one acknowledgement of the two needed, the write fails, and \
                      the reason names the silent replicas. Node 1 still holds x = 1.",
            at: reply(0),
            expect: &[holds(1, "x", 1)],
        },
        Step {
            caption: "A read fails the same way: one reply of the two it needs.",
            at: reply(1),
            expect: &[holds(1, "x", 1)],
        },
    ],
};

pub(super) static VERSION_VECTORS: Tour = Tour {
    id: "leaderless-version-vectors",
    title: "Version vectors: [3, 2, 2] beats [2, 2, 2]",
    section: Section::Leaderless,
    preset: "leaderless-version-vectors",
    summary: "A read compares the replicas' version vectors, returns the one that has seen \
              everything, and repairs the stale replica.",
    steps: &[
        Step {
            caption:
                "Each node has coordinated two writes of x, so all three replicas hold 600 at \
                      version [2, 2, 2]. Select a node to see its vector.",
            at: reply(5),
            expect: &[holds(3, "x", 600), shows(3, "version [2, 2, 2]")],
        },
        Step {
            caption: "Node 3 is cut off from both of its peers.",
            at: network_fault(2),
            expect: &[],
        },
        Step {
            caption:
                "Node 1 writes 900. Nodes 1 and 2 store it at [3, 2, 2]; node 3 never gets its \
                      copy and keeps 600 at [2, 2, 2].",
            at: reply(6),
            expect: &[
                holds(1, "x", 900),
                holds(2, "x", 900),
                holds(3, "x", 600),
                shows(1, "version [3, 2, 2]"),
            ],
        },
        Step {
            caption:
                "After the heal a read with r = 3 hears both versions. [3, 2, 2] is at least as \
                      large in every position — it has seen all that [2, 2, 2] saw — so 900 wins.",
            at: reply(7),
            expect: &[holds(3, "x", 600)],
        },
        Step {
            caption: "The coordinator writes 900 back to node 3 as part of the read: read repair.",
            at: note("node 3 is repaired"),
            expect: &[holds(3, "x", 900), shows(3, "version [3, 2, 2]")],
        },
        Step {
            caption: "A read through node 3 now gets 900 from all three replicas.",
            at: reply(8),
            expect: &[holds(3, "x", 900)],
        },
    ],
};

pub(super) static ANTI_ENTROPY: Tour = Tour {
    id: "leaderless-anti-entropy",
    title: "Anti-entropy with Merkle trees",
    section: Section::Leaderless,
    preset: "leaderless-anti-entropy",
    summary: "A background process compares hash trees with a neighbour and copies only the key \
              ranges that differ, whether or not anyone reads them.",
    steps: &[
        Step {
            caption: "Sixteen keys, 0 to 3750, are on all three replicas. Now node 3 is cut off \
                      from the other two.",
            at: network_fault(2),
            expect: &[holds(3, "1000", 1)],
        },
        Step {
            caption: "A background exchange: nodes 1 and 2 compare the roots of their hash trees, \
                      find them equal and stop. One hash settled it.",
            at: note("node 1 and node 2 have the same root hash"),
            expect: &[],
        },
        Step {
            caption:
                "Meanwhile keys 1000 to 1750 changed on nodes 1 and 2 only, and read repair is \
                      off. The partition heals with node 3 still behind.",
            at: network_fault(3),
            expect: &[
                holds(1, "1000", 2),
                holds(3, "1000", 1),
                holds(3, "1750", 1),
            ],
        },
        Step {
            caption:
                "Node 3 compares trees with node 1. The roots differ, so they compare the two \
                      halves, then the quarters under the half that differs.",
            at: delivered("merkle diff", 3),
            expect: &[holds(3, "1000", 1)],
        },
        Step {
            caption:
                "The difference is narrowed to keys 1000–2000, and only the four keys in that \
                      range travel.",
            at: note("differ only in key range"),
            expect: &[holds(3, "1000", 1)],
        },
        Step {
            caption: "Node 3 takes the newer versions. Keys nobody read are up to date again.",
            at: note("node 3 merges 4 key(s)"),
            expect: &[
                holds(3, "1000", 2),
                holds(3, "1750", 2),
                holds(3, "2000", 1),
            ],
        },
        Step {
            caption: "The next exchange between nodes 3 and 1 stops at the root: the replicas \
                      agree.",
            at: note("node 3 and node 1 have the same root hash"),
            expect: &[holds(3, "1250", 2)],
        },
    ],
};

pub(super) static SLOPPY_QUORUM: Tour = Tour {
    id: "leaderless-sloppy-quorum",
    title: "Sloppy quorum and hinted handoff",
    section: Section::Leaderless,
    preset: "leaderless-sloppy-quorum",
    summary: "A write that cannot reach one of its replicas is stored on a stand-in with a hint, \
              and handed over once the replica can be reached.",
    steps: &[
        Step {
            caption:
                "Four nodes; x belongs on nodes 1, 2 and 3, and writes need all three (w = 3). \
                      Node 1 cannot reach node 3, though node 3 itself is healthy.",
            at: network_fault(1),
            expect: &[up(3, true)],
        },
        Step {
            caption:
                "Node 3 has not answered for 100 ms, so node 1 sends the copy to node 4 instead, \
                      with a hint saying it belongs on node 3.",
            at: note("writes to node 4 instead"),
            expect: &[holds(1, "x", 1), holds(2, "x", 1), lacks(3, "x")],
        },
        Step {
            caption: "Node 4's acknowledgement makes three — nodes 1, 2 and 4 — and the write \
                      succeeds. Node 4 keeps the value aside as a hint for node 3, not as its own.",
            at: reply(0),
            expect: &[
                shows(4, "hint for node 3: x = {1}"),
                lacks(4, "x"),
                lacks(3, "x"),
            ],
        },
        Step {
            caption: "A read at node 3 with r = 1 answers from node 3's own copy: nothing. \
                      w + r > n, yet the read is stale, because one copy sits on a stand-in.",
            at: reply(1),
            expect: &[lacks(3, "x"), Expect::Anomaly(AnomalyKind::StaleRead)],
        },
        Step {
            caption: "The partition healed at 400 ms. Node 4 now hands the write over to node 3: \
                      hinted handoff.",
            at: note("node 3 receives the write to x"),
            expect: &[holds(3, "x", 1)],
        },
        Step {
            caption: "Node 3 confirms and node 4 drops its hint.",
            at: note("node 4 drops the hint"),
            expect: &[
                shows(4, "hints held: 0"),
                shows(4, "hints delivered: 1"),
                hides(4, "hint for node 3"),
            ],
        },
        Step {
            caption: "A read at node 3 now returns x = 1: the data is where its preference list \
                      says it belongs.",
            at: reply(2),
            expect: &[holds(3, "x", 1)],
        },
    ],
};

pub(super) static SHOPPING_CART: Tour = Tour {
    id: "leaderless-shopping-cart",
    title: "Siblings: two clients filling one cart",
    section: Section::Leaderless,
    preset: "leaderless-shopping-cart",
    summary: "Each write says which version it has seen; what it has not seen is kept as a \
              sibling, so no client's items are lost.",
    steps: &[
        Step {
            caption:
                "Client 1 put milk (1) in the cart; then client 2, who had read nothing, adds \
                      eggs (3). Neither write saw the other, so both are kept as siblings.",
            at: reply(1),
            expect: &[shows(1, "cart (2 siblings)")],
        },
        Step {
            caption: "Client 1 writes milk and flour with the version it had read. That replaces \
                      the milk-only cart it saw, but not client 2's eggs.",
            at: reply(2),
            expect: &[shows(1, "cart (2 siblings)"), shows(1, "{1, 2}")],
        },
        Step {
            caption:
                "More writes from both clients, each based on what it last read. The replicas \
                      keep exactly the versions no write has seen: {1, 3, 4} and {1, 2, 3, 5}.",
            at: reply(4),
            expect: &[
                shows(1, "{1, 3, 4} | {1, 2, 3, 5}"),
                shows(3, "{1, 3, 4} | {1, 2, 3, 5}"),
            ],
        },
        Step {
            caption: "A read returns both siblings; their union — milk, flour, eggs, ham, bacon — \
                      is everything anyone added.",
            at: reply(5),
            expect: &[shows(2, "cart (2 siblings)")],
        },
        Step {
            caption: "A client that has seen both writes back the merged cart. Its version covers \
                      both siblings, so a single cart remains.",
            at: reply(6),
            expect: &[
                shows(1, "cart: {1, 2, 3, 4, 5}"),
                hides(1, "siblings"),
                hides(3, "siblings"),
            ],
        },
    ],
};

pub(super) static QUORUM_NOT_LINEARIZABLE: Tour = Tour {
    id: "leaderless-quorum-not-linearizable",
    title: "Strict quorums are not enough for linearizability",
    section: Section::Leaderless,
    preset: "leaderless-quorum-not-linearizable",
    summary: "With w + r > n no read misses an acknowledged write, yet two readers can still see \
              a write in flight in opposite orders.",
    steps: &[
        Step {
            caption: "x = 1 is on all three replicas, and a client has read it. Node 4 writes x = 2 \
                      for that client: node 1 has it at once, nodes 2 and 3 sit behind slow links.",
            at: delivered("write", 1).from(4).to(1),
            expect: &[holds(1, "x", 2), holds(2, "x", 1), holds(3, "x", 1)],
        },
        Step {
            caption: "Reader A asks through node 1: 2 from node 1 and 1 from node 2, and the newer \
                      version wins. A gets x = 2, though the write is not acknowledged yet.",
            at: reply(3),
            expect: &[holds(2, "x", 1), Expect::NoAnomaly(AnomalyKind::StaleRead)],
        },
        Step {
            caption: "Reader B starts after A's answer and hears first from nodes 3 and 2: x = 1. \
                      Neither read is stale, but no order of the operations explains A's 2 and then \
                      B's 1 — the history is not linearizable.",
            at: reply(4),
            expect: &[
                holds(3, "x", 1),
                Expect::NoAnomaly(AnomalyKind::StaleRead),
                Expect::Anomaly(AnomalyKind::NotLinearizable),
            ],
        },
        Step {
            caption: "The slow copies arrive and the write is acknowledged, after both reads. The \
                      blocking read repair tour closes the gap.",
            at: reply(2),
            expect: &[holds(2, "x", 2), holds(3, "x", 2)],
        },
    ],
};

pub(super) static BLOCKING_READ_REPAIR: Tour = Tour {
    id: "leaderless-blocking-read-repair-linearizable",
    title: "Blocking read repair",
    section: Section::Leaderless,
    preset: "leaderless-blocking-read-repair-linearizable",
    summary: "The reader writes what it saw back to a quorum before answering: later readers \
              cannot see less.",
    steps: &[
        Step {
            caption: "The same write in flight: only node 1 has x = 2.",
            at: delivered("write", 1).from(4).to(1),
            expect: &[holds(1, "x", 2), holds(2, "x", 1), holds(3, "x", 1)],
        },
        Step {
            caption:
                "Reader A's coordinator sees 2 and 1 disagree. Before answering it writes x = 2 \
                      back to node 2 and waits for the acknowledgement.",
            at: note("waits for it before answering"),
            expect: &[holds(2, "x", 1)],
        },
        Step {
            caption:
                "Two replicas — a write quorum — now hold x = 2, and only then does A get its \
                      answer, one round trip later than without the repair.",
            at: reply(3),
            expect: &[holds(1, "x", 2), holds(2, "x", 2), holds(3, "x", 1)],
        },
        Step {
            caption: "B's read quorum must include node 1 or node 2, so B sees x = 2 as well. One \
                      order of the operations explains every answer: linearizable.",
            at: reply(4),
            expect: &[Expect::NoAnomaly(AnomalyKind::NotLinearizable)],
        },
    ],
};
