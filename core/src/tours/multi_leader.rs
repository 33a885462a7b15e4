//! Tours of multi-leader replication: the two-price conflict, last write
//! wins under clock skew, CRDTs, the application's resolvers, conflict
//! avoidance by routing (and its failure), the circular and star
//! topologies, and writes overtaking the writes they depend on.

use super::{
    crashed, delivered, holds, lacks, node, note, nth_note, recovered, reply, shows, Anchor,
    Expect, Section, Step, Tour,
};
use crate::check::AnomalyKind;

const fn up(number: u16, up: bool) -> Expect {
    Expect::Up {
        node: node(number),
        up,
    }
}

pub(super) static PRICE_CONFLICT: Tour = Tour {
    id: "multi-leader-price-conflict",
    title: "Two leaders, one price",
    section: Section::MultiLeader,
    preset: "multi-leader-price-conflict",
    summary: "Two datacenters accept different prices for the same product at the same moment, \
              and with no resolution they end up disagreeing for good.",
    steps: &[
        Step {
            caption:
                "At the same instant a client in dc 1 sets price = 100 on node 1 and a client \
                      in dc 2 sets price = 150 on node 3. Each leader writes locally and says yes.",
            at: reply(1),
            expect: &[holds(1, "price", 100), holds(3, "price", 150)],
        },
        Step {
            caption: "Within each datacenter the follower has its leader's price 2 ms later. The \
                      writes for the other datacenter are still crossing the 80 ms link.",
            at: delivered("copy", 2),
            expect: &[holds(2, "price", 100), holds(4, "price", 150)],
        },
        Step {
            caption:
                "The cross-datacenter writes arrive together. Their version vectors show that \
                      neither had seen the other: a conflict, found on both leaders.",
            at: nth_note("Conflict on price", 2),
            expect: &[Expect::Anomaly(AnomalyKind::Conflict)],
        },
        Step {
            caption:
                "With no resolution each leader keeps whichever write reached it last, so the \
                      prices swap: dc 1 now says 150 and dc 2 says 100.",
            at: delivered("copy", 4),
            expect: &[
                holds(1, "price", 150),
                holds(2, "price", 150),
                holds(3, "price", 100),
                holds(4, "price", 100),
            ],
        },
        Step {
            caption: "Reads everywhere confirm it: two datacenters, two prices, and nothing will \
                      bring them together. Try another conflict resolution on the same run.",
            at: reply(5),
            expect: &[Expect::Anomaly(AnomalyKind::Divergence)],
        },
    ],
};

pub(super) static LWW_CLOCK_SKEW: Tour = Tour {
    id: "multi-leader-lww-clock-skew",
    title: "Last write wins, with clocks that disagree",
    section: Section::MultiLeader,
    preset: "multi-leader-lww-clock-skew",
    summary: "Conflicts are settled by timestamp, and skewed clocks decide which confirmed writes \
              silently disappear.",
    steps: &[
        Step {
            caption:
                "Three datacenters, last write wins. Node 1 wrote x = 1 at 10 ms; node 5, whose \
                      clock runs 30 ms fast, writes x = 2 at 20 ms and stamps it 50 ms.",
            at: reply(1),
            expect: &[holds(1, "x", 1), holds(5, "x", 2)],
        },
        Step {
            caption:
                "x = 1 reaches dc 3 and loses on timestamps, 10 ms against 50 ms. It is dropped \
                      without an error, though its client was told it succeeded.",
            at: note("Last write wins at node 5"),
            expect: &[
                holds(5, "x", 2),
                Expect::Anomaly(AnomalyKind::DiscardedWrite),
            ],
        },
        Step {
            caption: "x = 2 wins at dc 1 and dc 2 as well. All leaders agree on 2; x = 1 is gone \
                      everywhere.",
            at: note("Last write wins at node 3"),
            expect: &[holds(1, "x", 2), holds(3, "x", 2), holds(5, "x", 2)],
        },
        Step {
            caption:
                "Much later node 3, which already has x = 2, writes x = 3. Its clock is 200 ms \
                      slow, so the stamp reads 40 ms — older than x = 2 — and node 3 discards its \
                      own new write.",
            at: reply(2),
            expect: &[holds(3, "x", 2)],
        },
        Step {
            caption: "The other leaders do the same. A write made 220 ms after x = 2, by a node \
                      that had seen x = 2, loses to it because of a clock.",
            at: nth_note("Last write wins at node 5", 2),
            expect: &[holds(1, "x", 2), holds(5, "x", 2)],
        },
        Step {
            caption:
                "Every node reads x = 2. The anomaly list shows two silently discarded writes \
                      and explains the second with the clock offsets.",
            at: reply(9),
            expect: &[
                holds(6, "x", 2),
                Expect::Anomaly(AnomalyKind::DiscardedWrite),
            ],
        },
    ],
};

pub(super) static CRDT_COUNTER: Tour = Tour {
    id: "multi-leader-crdt-counter",
    title: "CRDT counter: +5 and +3 make 8",
    section: Section::MultiLeader,
    preset: "multi-leader-crdt-counter",
    summary: "A PN-Counter keeps one count per leader, so concurrent increments merge without \
              losing either.",
    steps: &[
        Step {
            caption: "The likes counter is a PN-Counter. Dc 1 adds 5 on node 1 while dc 2 adds 3 on \
                      node 3; each leader has counted only its own so far.",
            at: reply(1),
            expect: &[holds(1, "likes", 5), holds(3, "likes", 3)],
        },
        Step {
            caption: "Each leader receives the other's whole counter state and merges it by taking \
                      the larger count per leader: +5 from node 1 and +3 from node 3 make 8 on both.",
            at: note("node 1 merges write #1"),
            expect: &[holds(1, "likes", 8), holds(3, "likes", 8)],
        },
        Step {
            caption: "All four nodes read 8. The increments were concurrent — the anomaly list notes \
                      the conflict — but the counter merged both.",
            at: reply(5),
            expect: &[holds(4, "likes", 8), Expect::Anomaly(AnomalyKind::Conflict)],
        },
        Step {
            caption: "Dc 1 takes 2 away. Decrements go into a second count per leader: the \
                      inspector shows node 1 at +5 −2.",
            at: reply(6),
            expect: &[
                holds(1, "likes", 6),
                shows(1, "node 1: +5 −2"),
                holds(3, "likes", 8),
            ],
        },
        Step {
            caption: "Node 3 merges that state. Larger-per-leader still works because the \
                      decrement only raised a count, so dc 2 reads 6 too.",
            at: note("8 ⊔ 6 = 6"),
            expect: &[holds(3, "likes", 6), shows(3, "node 1: +5 −2")],
        },
    ],
};

pub(super) static CRDT_OR_SET: Tour = Tour {
    id: "multi-leader-crdt-or-set",
    title: "CRDT set: an add survives a concurrent remove",
    section: Section::MultiLeader,
    preset: "multi-leader-crdt-or-set",
    summary: "An observed-remove set removes only the additions it has seen, so a concurrent add \
              is kept.",
    steps: &[
        Step {
            caption:
                "The cart is an OR-Set. Node 1 adds items 1 and 2, and each addition gets its \
                      own tag — node 1#1 and node 1#2 in the inspector.",
            at: reply(1),
            expect: &[shows(1, "cart · 2: tags {node 1#2}")],
        },
        Step {
            caption: "Both items and their tags reach dc 2.",
            at: note("node 3 merges write #1"),
            expect: &[shows(3, "cart: {1, 2}")],
        },
        Step {
            caption: "At the same moment dc 2 removes item 2 — a tombstone for the only tag it \
                      knows, node 1#2 — and dc 1, unaware, adds item 2 again with a new tag, node \
                      1#3.",
            at: reply(3),
            expect: &[shows(3, "tombstones: {node 1#2}"), shows(1, "node 1#3")],
        },
        Step {
            caption: "Dc 2 also removes item 1. Its cart is empty.",
            at: reply(4),
            expect: &[shows(3, "cart: {}")],
        },
        Step {
            caption:
                "Dc 1's new addition reaches dc 2. No tombstone covers tag node 1#3, so item 2 \
                      is back in dc 2's cart.",
            at: note("node 3 merges write #3"),
            expect: &[shows(3, "cart: {2}")],
        },
        Step {
            caption: "Dc 1 applies both removals: item 1 goes, item 2 stays through its new tag. \
                      Both datacenters hold {2}.",
            at: note("node 1 merges write #4"),
            expect: &[shows(1, "cart: {2}"), shows(3, "cart: {2}")],
        },
    ],
};

pub(super) static CRDT_2P_SET: Tour = Tour {
    id: "multi-leader-crdt-2p-set",
    title: "CRDT set: removed for ever",
    section: Section::MultiLeader,
    preset: "multi-leader-crdt-2p-set",
    summary: "A two-phase set merges by two unions and always converges, but a removed element \
              can never be added back.",
    steps: &[
        Step {
            caption:
                "The banned list is a two-phase set: a set of additions and a set of removals. \
                      Dc 1 added 7, and dc 2 now has it too.",
            at: delivered("replicate", 1),
            expect: &[shows(3, "banned: {7}")],
        },
        Step {
            caption: "At the same moment dc 2 removes 7 and dc 1 adds 8.",
            at: reply(2),
            expect: &[shows(3, "banned: {}"), shows(1, "banned: {7, 8}")],
        },
        Step {
            caption: "Merging unions the additions and unions the removals. Both leaders end with \
                      {8}: 7 was added and removed, 8 only added.",
            at: note("node 3 merges write #2"),
            expect: &[shows(1, "banned: {8}"), shows(3, "banned: {8}")],
        },
        Step {
            caption:
                "Dc 1 tries to add 7 again and is refused: once in the removal set, an element \
                      stays out for good.",
            at: reply(3),
            expect: &[shows(1, "tombstones: {7}"), shows(1, "banned: {8}")],
        },
    ],
};

pub(super) static CRDT_MV_REGISTER: Tour = Tour {
    id: "multi-leader-crdt-mv-register",
    title: "CRDT register: keep every concurrent value",
    section: Section::MultiLeader,
    preset: "multi-leader-crdt-mv-register",
    summary: "A multi-value register keeps concurrent writes side by side until a later write \
              that has seen them all replaces them.",
    steps: &[
        Step {
            caption: "At the same moment dc 1 sets the title to 1 and dc 2 sets it to 2.",
            at: reply(1),
            expect: &[shows(1, "title: {1}"), shows(3, "title: {2}")],
        },
        Step {
            caption:
                "Each leader merges the other's value. Neither version had seen the other, so \
                      the register keeps both: {1, 2}.",
            at: note("node 1 merges write #1"),
            expect: &[shows(1, "title: {1, 2}"), shows(3, "title: {1, 2}")],
        },
        Step {
            caption:
                "A read returns both values; choosing between them is left to the application \
                      or its user.",
            at: reply(2),
            expect: &[shows(1, "title: {1, 2}")],
        },
        Step {
            caption: "Dc 2 writes 3, having seen both values. Its version covers them, so it \
                      replaces them rather than joining them.",
            at: reply(3),
            expect: &[shows(3, "title: {3}")],
        },
        Step {
            caption: "Dc 1 merges the new write and is left with one value too: 3 everywhere.",
            at: note("{1, 2} ⊔ {3} = {3}"),
            expect: &[shows(1, "title: {3}")],
        },
    ],
};

pub(super) static RESOLVER_REVIEW: Tour = Tour {
    id: "multi-leader-resolver-review",
    title: "A resolver that asks a person",
    section: Section::MultiLeader,
    preset: "multi-leader-resolver-review",
    summary: "The application's conflict handler keeps both prices and flags the key for someone \
              to decide.",
    steps: &[
        Step {
            caption: "The price conflict again: 100 written in dc 1, 150 in dc 2, at the same \
                      moment.",
            at: reply(1),
            expect: &[holds(1, "price", 100), holds(3, "price", 150)],
        },
        Step {
            caption: "Both leaders detect the conflict and hand it to the application's resolver, \
                      which keeps both versions and flags price for review.",
            at: nth_note("flagged for review", 2),
            expect: &[
                shows(1, "needs review: price"),
                shows(3, "needs review: price"),
            ],
        },
        Step {
            caption: "Every node answers a read with both prices. Pick one in the Needs review \
                      list: it is written as a new value that supersedes both.",
            at: reply(5),
            expect: &[
                shows(4, "needs review: price"),
                Expect::Anomaly(AnomalyKind::Conflict),
            ],
        },
    ],
};

pub(super) static RESOLVER_MERGE_CART: Tour = Tour {
    id: "multi-leader-resolver-merge-cart",
    title: "A resolver that merges sets",
    section: Section::MultiLeader,
    preset: "multi-leader-resolver-merge-cart",
    summary: "Merging conflicting carts by union keeps every addition — and brings back an item \
              that was removed.",
    steps: &[
        Step {
            caption:
                "The cart is a plain set. Dc 1 added items 1 and 2, and dc 2 has the same cart.",
            at: delivered("replicate", 2),
            expect: &[shows(3, "cart: {1, 2}")],
        },
        Step {
            caption: "Concurrently dc 1 removes item 2 and dc 2 adds item 3.",
            at: reply(3),
            expect: &[shows(1, "cart: {1}"), shows(3, "cart: {1, 2, 3}")],
        },
        Step {
            caption: "The resolver merges conflicting sets by union: {1} ∪ {1, 2, 3} = {1, 2, 3}. \
                      Item 2, removed on purpose, is back.",
            at: nth_note("the resolver merges the sets", 2),
            expect: &[
                shows(1, "cart: {1, 2, 3}"),
                shows(3, "cart: {1, 2, 3}"),
                Expect::Anomaly(AnomalyKind::Conflict),
            ],
        },
        Step {
            caption:
                "All four nodes agree on {1, 2, 3}. A union cannot tell 'removed' from 'never \
                      added'; the OR-Set's tags can.",
            at: reply(7),
            expect: &[shows(2, "cart: {1, 2, 3}"), shows(4, "cart: {1, 2, 3}")],
        },
    ],
};

pub(super) static CONFLICT_AVOIDANCE: Tour = Tour {
    id: "multi-leader-conflict-avoidance",
    title: "Avoiding conflicts: every key has a home",
    section: Section::MultiLeader,
    preset: "multi-leader-conflict-avoidance",
    summary: "All writes for one record go to the same leader, which orders them: no conflicts \
              at all.",
    steps: &[
        Step {
            caption:
                "Users 1 and 2 both edit alice. Alice's home is dc 1, so the router sends both \
                      writes to node 1, which puts them in order: 1, then 2.",
            at: reply(1),
            expect: &[holds(1, "alice", 2)],
        },
        Step {
            caption: "Dc 2 receives both writes in that order and simply applies them.",
            at: delivered("replicate", 2),
            expect: &[holds(3, "alice", 2)],
        },
        Step {
            caption: "Two more writes from the two users, 1 ms apart — again both through node 1.",
            at: reply(3),
            expect: &[holds(1, "alice", 4)],
        },
        Step {
            caption: "Every node ends with alice = 4, and the anomaly list has no conflict.",
            at: reply(7),
            expect: &[
                holds(3, "alice", 4),
                holds(4, "alice", 4),
                Expect::NoAnomaly(AnomalyKind::Conflict),
            ],
        },
    ],
};

pub(super) static AVOIDANCE_FAILOVER: Tour = Tour {
    id: "multi-leader-avoidance-failover",
    title: "When the home datacenter fails",
    section: Section::MultiLeader,
    preset: "multi-leader-avoidance-failover",
    summary: "Routing by home avoids conflicts only while home is up; re-routing during an outage \
              brings them back.",
    steps: &[
        Step {
            caption: "Alice's writes go to her home, dc 1. User 1's second write, alice = 2, is \
                      confirmed and on its way to dc 2.",
            at: reply(1),
            expect: &[holds(1, "alice", 2), holds(3, "alice", 1)],
        },
        Step {
            caption: "Dc 1's leader crashes.",
            at: crashed(1),
            expect: &[up(1, false)],
        },
        Step {
            caption: "User 2 writes alice = 3. Home is down, so the router sends it to dc 2's \
                      leader, node 3 — which has not seen alice = 2.",
            at: reply(2),
            expect: &[holds(3, "alice", 3)],
        },
        Step {
            caption:
                "alice = 2 arrives at node 3: two leaders have taken concurrent writes to one \
                      key. With no resolution, node 3 keeps the latest arrival.",
            at: note("Conflict on alice at node 3"),
            expect: &[holds(3, "alice", 2), Expect::Anomaly(AnomalyKind::Conflict)],
        },
        Step {
            caption: "Node 1 recovers, still holding alice = 2.",
            at: recovered(1),
            expect: &[up(1, true), holds(1, "alice", 2)],
        },
        Step {
            caption: "Node 3 re-sends alice = 3 and node 1 finds the same conflict from the other \
                      side — keeping 3, while dc 2 kept 2.",
            at: note("Conflict on alice at node 1"),
            expect: &[holds(1, "alice", 3), holds(3, "alice", 2)],
        },
        Step {
            caption: "The reads agree within each datacenter and differ between them: the \
                      conflict-free promise ended with the failover.",
            at: reply(6),
            expect: &[
                holds(2, "alice", 3),
                holds(4, "alice", 2),
                Expect::Anomaly(AnomalyKind::Divergence),
            ],
        },
    ],
};

pub(super) static CIRCULAR: Tour = Tour {
    id: "multi-leader-circular",
    title: "Circular topology",
    section: Section::MultiLeader,
    preset: "multi-leader-circular",
    summary: "Each leader passes writes to the next one round a ring; a write's path keeps it \
              from circling for ever.",
    steps: &[
        Step {
            caption: "Four datacenters in a ring. Node 1 (dc 1) writes x = 1 and sends it to one \
                      leader only, the next in the ring: node 3.",
            at: reply(0),
            expect: &[holds(1, "x", 1), lacks(3, "x")],
        },
        Step {
            caption: "Node 3 applies it and forwards it to node 5, adding itself to the write's \
                      path: 1 → 3.",
            at: delivered("replicate", 1),
            expect: &[holds(3, "x", 1), lacks(5, "x")],
        },
        Step {
            caption: "Node 5 and then node 7 do the same. Every leader now has x = 1.",
            at: delivered("replicate", 3),
            expect: &[holds(5, "x", 1), holds(7, "x", 1)],
        },
        Step {
            caption:
                "The write comes back to node 1 with path 1 → 3 → 5 → 7. Node 1 finds its own \
                      id there and drops it instead of sending it round again.",
            at: note("node 1 drops write #0"),
            expect: &[holds(1, "x", 1)],
        },
        Step {
            caption:
                "A write from dc 3 makes the same trip starting at node 5, and is stopped when \
                      it reaches node 5 again.",
            at: note("node 5 drops write #1"),
            expect: &[holds(1, "y", 2), holds(3, "y", 2), holds(7, "y", 2)],
        },
    ],
};

pub(super) static STAR: Tour = Tour {
    id: "multi-leader-star",
    title: "Star topology",
    section: Section::MultiLeader,
    preset: "multi-leader-star",
    summary: "One hub forwards every write; while the hub is down, nothing moves between \
              datacenters.",
    steps: &[
        Step {
            caption:
                "Dc 1's leader, node 1, is the hub. Node 5 (dc 3) writes x = 1 and sends it to \
                      the hub only.",
            at: reply(0),
            expect: &[holds(5, "x", 1), lacks(1, "x")],
        },
        Step {
            caption: "The hub applies it and forwards it to nodes 3 and 7 — not back to node 5, \
                      where it came from.",
            at: delivered("replicate", 1),
            expect: &[holds(1, "x", 1), lacks(3, "x")],
        },
        Step {
            caption: "The hub crashes.",
            at: crashed(1),
            expect: &[up(1, false), holds(3, "x", 1), holds(7, "x", 1)],
        },
        Step {
            caption: "Node 3 (dc 2) writes y = 2. Its only route is through the hub, so the write \
                      goes nowhere.",
            at: reply(1),
            expect: &[holds(3, "y", 2), lacks(5, "y")],
        },
        Step {
            caption: "Reads at 700 ms: y = 2 exists only in dc 2; every other datacenter still \
                      reads nothing.",
            at: reply(9),
            expect: &[
                lacks(5, "y"),
                lacks(7, "y"),
                Expect::Anomaly(AnomalyKind::StaleRead),
            ],
        },
        Step {
            caption:
                "The hub has been back since 800 ms. Node 3 re-sends the write it never got an \
                      acknowledgement for.",
            at: note("sends them again"),
            expect: &[up(1, true), lacks(1, "y")],
        },
        Step {
            caption: "The hub passes y = 2 on to dc 3 and dc 4: everyone has it, almost 900 ms \
                      late.",
            at: delivered("replicate", 2).from(1).to(7),
            expect: &[holds(5, "y", 2), holds(7, "y", 2)],
        },
    ],
};

pub(super) static CAUSAL_OVERTAKING: Tour = Tour {
    id: "multi-leader-causal-overtaking",
    title: "An update overtakes its insert",
    section: Section::MultiLeader,
    preset: "multi-leader-causal-overtaking",
    summary: "On all-to-all links a write can arrive before the write it depends on, and the \
              datacenter that sees them out of order ends up different.",
    steps: &[
        Step {
            caption: "Three datacenters, every leader sending to every other. Dc 1 inserts x = 1; \
                      its direct link to dc 3 is very slow.",
            at: reply(0),
            expect: &[holds(1, "x", 1)],
        },
        Step {
            caption: "Dc 2 has the insert after 80 ms; dc 3 still has nothing.",
            at: delivered("replicate", 1),
            expect: &[holds(3, "x", 1), lacks(5, "x")],
        },
        Step {
            caption: "Dc 2 adds 10: node 3 now has x = 11, an update that only makes sense after \
                      the insert.",
            at: reply(1),
            expect: &[holds(3, "x", 11)],
        },
        Step {
            caption:
                "The update reaches dc 3 before the insert does. Node 5 has no x to update, so \
                      it skips the update.",
            at: note("before x exists here"),
            expect: &[
                lacks(5, "x"),
                holds(1, "x", 11),
                Expect::Anomaly(AnomalyKind::CausalityViolation),
            ],
        },
        Step {
            caption: "The insert arrives last. Dc 3 now holds x = 1 while the others hold 11.",
            at: delivered("replicate", 1).from(1).to(5),
            expect: &[holds(5, "x", 1), holds(3, "x", 11)],
        },
        Step {
            caption:
                "Nothing is left in flight and nothing will fix it: at the end of the run the \
                      anomaly list calls it a replica divergence.",
            at: Anchor::End,
            expect: &[
                holds(5, "x", 1),
                holds(3, "x", 11),
                Expect::Anomaly(AnomalyKind::Divergence),
            ],
        },
    ],
};

pub(super) static CAUSAL_DELIVERY: Tour = Tour {
    id: "multi-leader-causal-delivery",
    title: "Causal delivery holds the update back",
    section: Section::MultiLeader,
    preset: "multi-leader-causal-delivery",
    summary: "Writes carry the version vector of what their origin had applied, and a leader \
              waits for what is missing before applying them.",
    steps: &[
        Step {
            caption:
                "The same race with causal delivery on. Dc 2 received the insert and added 10; \
                      its write carries a vector of everything node 3 had applied.",
            at: reply(1),
            expect: &[holds(3, "x", 11), lacks(5, "x")],
        },
        Step {
            caption: "The update reaches node 5 first. Its vector says it depends on dc 1's first \
                      write, which node 5 has not seen, so node 5 holds it back.",
            at: note("holds back write #1"),
            expect: &[lacks(5, "x")],
        },
        Step {
            caption: "The insert arrives; node 5 applies it and then the update it was holding: \
                      x = 11.",
            at: note("releases write #1"),
            expect: &[holds(5, "x", 11)],
        },
        Step {
            caption: "Every datacenter reads 11, and the anomaly list has no causality violation.",
            at: reply(7),
            expect: &[
                holds(6, "x", 11),
                holds(1, "x", 11),
                Expect::NoAnomaly(AnomalyKind::CausalityViolation),
                Expect::NoAnomaly(AnomalyKind::Divergence),
            ],
        },
    ],
};

pub(super) static LWW_SKEW_NOT_LINEARIZABLE: Tour = Tour {
    id: "multi-leader-lww-skew-not-linearizable",
    title: "A slow clock undoes a write",
    section: Section::MultiLeader,
    preset: "multi-leader-lww-skew-not-linearizable",
    summary: "Last write wins trusts timestamps: a write stamped by a slow clock never takes \
              effect, though its client was told it did.",
    steps: &[
        Step {
            caption: "Dc 1 writes x = 1 and it reaches dc 2.",
            at: delivered("replicate", 1),
            expect: &[holds(1, "x", 1), holds(2, "x", 1)],
        },
        Step {
            caption:
                "Dc 2's leader writes x = 2 and says it succeeded, but its clock is 250 ms slow: \
                      x = 1 carries the later stamp and stays.",
            at: reply(1),
            expect: &[
                holds(2, "x", 1),
                Expect::Anomaly(AnomalyKind::DiscardedWrite),
            ],
        },
        Step {
            caption:
                "Its own client reads x = 1 right after being told x = 2 succeeded. No order of \
                      the operations explains that: not linearizable.",
            at: reply(2),
            expect: &[Expect::Anomaly(AnomalyKind::NotLinearizable)],
        },
    ],
};
