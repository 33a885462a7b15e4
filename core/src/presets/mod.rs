//! Presets: ready scenarios with an id, a title and a paragraph saying what
//! to watch for. Each protocol family adds its own; every example of the
//! article becomes one. The list lives here; the scenarios are built in
//! one file per topic.

mod leaderless;
mod linearizability;
mod multi_leader;
mod single_leader_logs;
mod single_leader_ops;

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use crate::latency::Latency;
use crate::node::{NodeId, Request};
use crate::protocol::chatter::ChatterConfig;
use crate::protocol::single_leader::{AckMode, Durability, SingleLeaderConfig};
use crate::protocol::ProtocolConfig;
use crate::scenario::{Action, NetworkConfig, Scenario, Timed, Workload, FORMAT};

pub struct Preset {
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    build: fn() -> Scenario,
}

impl Preset {
    pub fn scenario(&self) -> Scenario {
        (self.build)()
    }
}

pub fn all() -> &'static [Preset] {
    PRESETS
}

pub fn find(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}

/// Every preset id, for error messages.
pub fn ids() -> Vec<&'static str> {
    PRESETS.iter().map(|p| p.id).collect()
}

static PRESETS: &[Preset] = &[
    Preset {
        id: "single-leader-sync-write",
        title: "Synchronous write",
        description: "One leader, one follower, synchronous replication, and a follower that flushes the moment \
                      an entry arrives. The client's write reaches the leader, the leader forwards it and waits: \
                      only when the follower's acknowledgement comes back does the client hear 'success'. Both \
                      copies exist before the client moves on, at the price of a full round trip on every write. \
                      The read on the follower at 15 ms comes too early to see it.",
        build: sync_write,
    },
    Preset {
        id: "single-leader-async-write",
        title: "Asynchronous write",
        description: "The same cluster, asynchronous replication. The leader answers the client as soon as it has \
                      written locally; the copy travels to the follower afterwards, which flushes it a millisecond \
                      after it arrives. Writes are fast, and for a moment the follower is behind: a read there \
                      returns the old value.",
        build: async_write,
    },
    Preset {
        id: "single-leader-async-crash-loses-write",
        title: "Asynchronous leader crash loses a write",
        description: "The links from the leader to its two followers are slow. The client writes x = 1, the \
                      asynchronous leader says 'done' at once and crashes before either copy arrives. An operator \
                      promotes node 2: epoch 2 starts from an empty log, and when the old copies finally arrive \
                      they belong to a dead epoch and are ignored. The old leader comes back, learns it no longer \
                      leads, steps down and discards its x = 1. The client was told the write succeeded; no node \
                      has it.",
        build: async_crash_loses_write,
    },
    Preset {
        id: "single-leader-semi-sync-fallback",
        title: "Semi-sync falls back to async",
        description: "MySQL-style semi-synchronous replication with its only follower crashed. The write at 10 ms \
                      waits for a follower's acknowledgement that cannot come; after the one-second timeout the \
                      leader gives up, answers it anyway and runs asynchronously — the next write returns at once, \
                      protected by nothing. When the follower is back and has caught up, semi-sync switches on \
                      again, and the last write waits for its acknowledgement once more.",
        build: semi_sync_fallback,
    },
    Preset {
        id: "single-leader-pg-on",
        title: "PostgreSQL synchronous_commit = on",
        description: "The follower acknowledges only after flushing the entry to its durable log, which takes it \
                      20 ms. It crashes before the flush, so no acknowledgement ever comes and the client keeps \
                      waiting; then the leader crashes too, and the client is told the write failed. Node 2 is \
                      promoted without it — but nobody was promised it. Compare the remote_write and local twins \
                      of this run: same faults, different promises.",
        build: pg_on,
    },
    Preset {
        id: "single-leader-pg-remote-write",
        title: "PostgreSQL synchronous_commit = remote_write",
        description: "The same two crashes, but the follower acknowledges as soon as the entry arrives, before its \
                      20 ms flush. The leader confirms the write at 30 ms — by then the follower has already \
                      crashed and lost the unflushed entry. When the leader dies as well and node 2 is promoted, \
                      an acknowledged write is gone: remote_write is safe only while the two machines do not fail \
                      together.",
        build: pg_remote_write,
    },
    Preset {
        id: "single-leader-pg-local",
        title: "PostgreSQL synchronous_commit = local",
        description: "The same two crashes with no waiting at all: the leader answers the moment its own log has \
                      the write, and the follower acknowledges after flushing only so the leader knows its lag. \
                      The write returns fastest and is lost just the same when both machines fail.",
        build: pg_local,
    },
    Preset {
        id: "single-leader-mixed-faults",
        title: "Single leader under random load and faults",
        description: "A leader and three asynchronous followers serve a seeded stream of reads and writes over \
                      ten keys, with heavy-tailed network delays. A follower crashes and comes back, a partition \
                      cuts another off for a while, and the leader finally crashes and node 2 is promoted. Watch \
                      writes sent to followers being refused, stale reads on lagging followers, and any \
                      acknowledged write that had not reached node 2 dying with the old leader. The stream is \
                      drawn from the seed, so the counts vary from seed to seed: most seeds show stale reads, \
                      a few show none, and only some lose a write.",
        build: mixed_faults,
    },
    Preset {
        id: "single-leader-statement-nondeterminism",
        title: "Statement-based: NOW(), RAND() and UUID() diverge",
        description: "The leader ships each SQL statement as text and every follower runs it again — with its \
                      own clock and its own random numbers. Node 2's clock runs 250 ms fast, node 3's 40 ms slow. \
                      The first statement (a 10% raise for active accounts) comes out the same everywhere; then \
                      the inserted row's created_at, the RAND() balance and the UUID() status come out different \
                      on every node, and nothing in the replication stream notices. Select node 2 or node 3 to \
                      see their rows compared with the leader's, cell by cell.",
        build: single_leader_logs::statement_nondeterminism,
    },
    Preset {
        id: "single-leader-statement-where-now",
        title: "Statement-based: a lagging follower deletes another row",
        description: "The table holds rows created one second apart just before time zero. The leader runs \
                      DELETE … WHERE created_at < NOW() - 3 s and removes the rows older than three seconds. \
                      Node 3 is 1.5 s behind, so when it runs the same statement its NOW() is 1.5 s later and \
                      the cut-off moves: it deletes one row the leader kept. Same statement, different rows.",
        build: single_leader_logs::statement_where_now,
    },
    Preset {
        id: "single-leader-wal-shipping",
        title: "WAL shipping: bytes, not statements",
        description: "The same statements as the NOW()/RAND()/UUID() run, replicated physically: the leader ships \
                      the page bytes its storage engine changed (\"page 1, bytes 0–49 …\"), and followers copy \
                      those bytes without executing anything. Clocks and random numbers no longer matter: every \
                      follower ends with exactly the leader's table.",
        build: single_leader_logs::wal_shipping,
    },
    Preset {
        id: "single-leader-wal-version-mismatch",
        title: "WAL shipping needs the same storage engine version",
        description: "Node 3 runs a newer storage format (v2) than the leader (v1). Physical replication ships \
                      bytes laid out for v1 pages, which node 3 cannot interpret: it refuses the stream and stops \
                      replicating at its current LSN, falling further behind with every write, while node 2 (v1) \
                      keeps up. This coupling is why upgrading a WAL-shipping cluster usually needs downtime.",
        build: single_leader_logs::wal_version_mismatch,
    },
    Preset {
        id: "single-leader-row-based",
        title: "Row-based (logical) replication",
        description: "The leader ships one event per changed row with the row's before and after values, named \
                      by column. Followers apply values, so NOW(), RAND() and UUID() give the same result \
                      everywhere, and node 3 can run a different storage format (v2) — the logical log does not \
                      depend on how pages are laid out.",
        build: single_leader_logs::row_based,
    },
    Preset {
        id: "single-leader-batch-update",
        title: "One UPDATE, three stream sizes",
        description: "A 200-row table and one statement that touches every row. Statement-based replication \
                      ships one short event; row-based ships 200 row events with before and after images; WAL \
                      shipping ships the changed byte ranges of every page. Open the \"What the leader would \
                      ship\" panel, or run `replicascope log-sizes`, to compare events and bytes side by side.",
        build: single_leader_logs::batch_update,
    },
    Preset {
        id: "single-leader-add-follower",
        title: "Adding a follower without downtime",
        description: "Node 3 starts empty. At 100 ms an operator adds it: the leader takes a consistent snapshot \
                      at its current LSN and copies the 400 rows at 2 rows per ms while clients keep writing. \
                      Node 3 then asks for every change after the snapshot's LSN, replays the backlog, and once \
                      it has reached the leader's position it is in sync and serves reads. The write latency \
                      chart stays flat: the leader never stops for the copy.",
        build: single_leader_ops::add_follower,
    },
    Preset {
        id: "single-leader-auto-failover",
        title: "Automatic failover loses acknowledged writes",
        description: "A network fault cuts the leader off from its followers, but its clients still reach it, \
                      and it keeps acknowledging writes asynchronously. The followers stop hearing heartbeats, \
                      wait out the 300 ms timeout and elect a new leader. When the network heals, the old \
                      leader learns of the newer epoch, steps down, and throws away the writes only it had — \
                      writes its clients were told had succeeded.",
        build: single_leader_ops::auto_failover,
    },
    Preset {
        id: "single-leader-split-brain",
        title: "Split brain without fencing",
        description: "The same failure with fencing switched off: nothing tells the old leader that its time is \
                      over. After the network heals it still takes and acknowledges writes, while node 3 leads \
                      the newer epoch and takes writes too. Two leaders, two diverging histories — every write \
                      the old leader acknowledges after the election is flagged.",
        build: single_leader_ops::split_brain,
    },
    Preset {
        id: "single-leader-failover-timeout-too-short",
        title: "A failover timeout shorter than the network's hiccups",
        description: "The failover timeout is 60 ms. At 300 ms the links from the leader slow down by 200 ms \
                      for a while: heartbeats arrive late, the followers decide the healthy leader is dead and \
                      elect another. The old leader is deposed and the writes it took in the meantime are \
                      lost. Raise the timeout above the delay and the same hiccup passes without a failover.",
        build: single_leader_ops::timeout_too_short,
    },
    Preset {
        id: "single-leader-read-your-writes",
        title: "Reading your own writes from a lagging follower",
        description: "User 1 updates their profile on the leader, then reloads the page; the application sends \
                      the read to a follower — the one that is 200 ms behind. The user's own write is missing. \
                      Switch read-your-writes on (read from the leader for a while after writing, or make the \
                      follower wait for the write's log position) and the anomaly goes away.",
        build: single_leader_ops::read_your_writes,
    },
    Preset {
        id: "single-leader-monotonic-reads",
        title: "Moving backward in time",
        description: "User 2 reads the same key twice. The first read lands on an up-to-date follower and sees \
                      the new value; the second lands on a lagging follower and sees the old one again — as if \
                      the write had been undone. Sticky reads (each user always reads from the same follower) \
                      fix it. Which follower serves each read is drawn at random: this seed sends the reads \
                      that way round; with another seed both may land on one follower and nothing goes wrong.",
        build: single_leader_ops::monotonic_reads,
    },
    Preset {
        id: "single-leader-consistent-prefix",
        title: "The answer before the question",
        description: "User 1 writes a question; user 2 reads it and writes the answer. An observer reads the \
                      answer from an up-to-date follower, then looks for the question on a lagging one and finds \
                      nothing: it saw the effect before its cause. Reading from one follower (sticky reads) \
                      always shows a prefix of the leader's log, in order. Which follower serves each read is \
                      drawn at random: this seed sends the observer's reads that way round; with another seed \
                      they may land on one follower, which shows a prefix of the log and nothing goes wrong.",
        build: single_leader_ops::consistent_prefix,
    },
    Preset {
        id: "multi-leader-price-conflict",
        title: "Two leaders, one price",
        description: "Two datacenters, each with a leader and a follower. At the same moment a client in dc 1 sets \
                      price = 100 and a client in dc 2 sets price = 150. Both leaders say yes at once — replication \
                      between datacenters is asynchronous — and each learns of the other write 80 ms later. Neither \
                      write had seen the other, so the version vectors are concurrent: a conflict. With no \
                      resolution each leader simply applies what arrives, so dc 1 ends with 150 and dc 2 with 100, \
                      for good. Try the other resolutions on the same run.",
        build: multi_leader::price_conflict,
    },
    Preset {
        id: "multi-leader-lww-clock-skew",
        title: "Last write wins, and clocks that lie",
        description: "Three datacenters resolve conflicts by timestamp. Dc 2's leader (node 3) runs 200 ms slow; \
                      dc 3's (node 5) runs 30 ms fast. The concurrent writes x = 1 and x = 2 are decided by the \
                      stamps, and x = 1 vanishes although its client was told it succeeded. Then, long after x = 2 \
                      has reached it, node 3 writes x = 3: later in real time, and made by a node that had seen \
                      x = 2, yet its stamp is smaller, so it loses everywhere — even on node 3 itself. Both losses \
                      are counted as silently discarded writes.",
        build: multi_leader::lww_clock_skew,
    },
    Preset {
        id: "multi-leader-crdt-counter",
        title: "CRDT: +5 and +3 make 8",
        description: "The likes counter is a PN-Counter. Dc 1 adds 5 while dc 2 adds 3; each leader keeps one \
                      count per leader (and a second set for decrements), ships its whole state, and merging takes \
                      the larger count per leader. Both end at 8 whatever order the states arrive in, then 6 after \
                      dc 1 takes 2 away. Open the inspector to watch the per-leader counts; switch the resolution \
                      to none or last write wins to see one increment lost.",
        build: multi_leader::crdt_counter,
    },
    Preset {
        id: "multi-leader-crdt-or-set",
        title: "CRDT: an add survives a concurrent remove (OR-Set)",
        description: "A shopping cart held as an observed-remove set. Every add gets a unique tag; a remove \
                      tombstones only the tags it has seen. When dc 2 removes item 2 while dc 1, unaware, adds \
                      item 2 again, dc 2's remove never saw the new tag, so item 2 stays in the merged cart. The \
                      inspector lists each element's live tags and the tombstones.",
        build: multi_leader::crdt_or_set,
    },
    Preset {
        id: "multi-leader-crdt-2p-set",
        title: "CRDT: removed for ever (2P-Set)",
        description: "A two-phase set keeps a set of additions and a set of removals; an element is present when \
                      it was added and never removed. Merging is two unions, so replicas always agree — but once \
                      7 has been removed it can never come back: the later add of 7 is refused.",
        build: multi_leader::crdt_two_phase_set,
    },
    Preset {
        id: "multi-leader-crdt-mv-register",
        title: "CRDT: keep every concurrent value (MV-Register)",
        description: "A multi-value register stores each value with the version it was written at. The two \
                      concurrent titles are both kept after merging — a read returns {1, 2} — until a write made \
                      after seeing both replaces them with one value everywhere.",
        build: multi_leader::crdt_mv_register,
    },
    Preset {
        id: "multi-leader-resolver-review",
        title: "Application resolver: flag for review",
        description: "The price conflict again, handled by the application's resolve_conflict: this one keeps \
                      both versions and flags the key. Reads return both prices, and the key appears in the review \
                      list; pick the price to keep there and the choice is written as a new value that supersedes \
                      both. Switch the resolver to take the higher or lower value to settle it automatically.",
        build: multi_leader::resolver_review,
    },
    Preset {
        id: "multi-leader-resolver-merge-cart",
        title: "Application resolver: merged carts bring items back",
        description: "The cart is a plain set and the resolver merges conflicting sets by union. Dc 1 removes \
                      item 2 while dc 2 adds item 3: the union of {1} and {1, 2, 3} is {1, 2, 3}, so the removed \
                      item reappears. A union cannot tell 'removed' from 'never added'; an OR-Set can.",
        build: multi_leader::resolver_merge_cart,
    },
    Preset {
        id: "multi-leader-conflict-avoidance",
        title: "Conflict avoidance: every key has a home",
        description: "Users 1 and 2 sit near different datacenters but both edit alice, whose home is dc 1. The \
                      router sends every request for alice to dc 1's leader, which orders them one after another: \
                      writes from both users, close together, and not a single conflict.",
        build: multi_leader::routing_avoids_conflicts,
    },
    Preset {
        id: "multi-leader-avoidance-failover",
        title: "Conflict avoidance breaks when home fails",
        description: "The same routing, until dc 1's leader crashes while its last write to alice is still on the \
                      way to dc 2. The router re-routes user 2's write to dc 2, which has not seen that write: two \
                      leaders took concurrent writes to one key, and the conflict avoidance promised is gone. When \
                      node 1 recovers, the writes cross and the conflict is found on both sides.",
        build: multi_leader::routing_failover_conflict,
    },
    Preset {
        id: "multi-leader-circular",
        title: "Circular topology: forwarding and loop prevention",
        description: "Four datacenters in a ring: each leader sends only to the next. Dc 1's write goes round, \
                      forwarded by dc 2, dc 3 and dc 4, each adding itself to the write's path. When it reaches \
                      dc 1 again, node 1 finds its own id in the path and drops it — otherwise it would circle for \
                      ever. One failed leader would break the ring for everyone downstream.",
        build: multi_leader::circular,
    },
    Preset {
        id: "multi-leader-star",
        title: "Star topology: the hub forwards, and its crash stalls everyone",
        description: "Dc 1 is the hub: the other leaders send only to it, and it forwards to the rest (never back \
                      to the sender). Then the hub crashes, and dc 2's write to y reaches nobody: it waits in dc 2's \
                      log, re-sent every second, until the hub recovers and passes it on.",
        build: multi_leader::star,
    },
    Preset {
        id: "multi-leader-causal-overtaking",
        title: "An update overtakes its insert",
        description: "All-to-all replication, and the direct link from dc 1 to dc 3 is slow. Dc 1 inserts x = 1; \
                      dc 2 receives it and adds 10. Dc 2's update reaches dc 3 before dc 1's insert does: dc 3 has \
                      no row x to update and skips it, then applies the insert — and stays at 1 while the others \
                      hold 11. Turn on causal delivery to fix it.",
        build: multi_leader::causal_overtaking,
    },
    Preset {
        id: "multi-leader-causal-delivery",
        title: "Causal delivery holds the update back",
        description: "The same race with causal delivery on. Each write carries the version vector of everything \
                      its origin had applied; dc 3 sees that dc 2's update depends on dc 1's first write, which has \
                      not arrived, and holds the update until it does. Every datacenter ends with x = 11.",
        build: multi_leader::causal_delivery,
    },
    Preset {
        id: "leaderless-quorum-one-down",
        title: "Quorum write and read with one replica down",
        description: "Three replicas, n = 3, w = 2, r = 2. Node 3 is down when the client writes x = 1 through \
                      node 1: the write goes to all three and succeeds once nodes 1 and 2 have it — two of three is \
                      enough. Node 3 comes back without it. The read at 150 ms asks all three replicas and answers \
                      after two replies; two and two out of three must overlap, so at least one reply has x = 1 — \
                      and the coordinator writes it back to node 3 (read repair).",
        build: leaderless::quorum_one_down,
    },
    Preset {
        id: "leaderless-version-vectors",
        title: "Version vectors: [3, 2, 2] beats [2, 2, 2]",
        description: "Each node coordinates two writes to x, so every replica ends at version [2, 2, 2]. Then \
                      node 3 is cut off while node 1 writes 900: nodes 1 and 2 hold [3, 2, 2], node 3 still [2, 2, \
                      2]. A read with r = 3 gets both; [3, 2, 2] has seen everything [2, 2, 2] has and more, so \
                      900 is returned and written back to node 3.",
        build: leaderless::version_vectors,
    },
    Preset {
        id: "leaderless-strict-quorum-fails",
        title: "A strict quorum that cannot be met",
        description: "Nodes 2 and 3 are down; w = 2. The write reaches only node 1, waits, and fails after the \
                      request timeout, saying how many acknowledgements arrived and who was silent. Node 1 keeps \
                      the value anyway — a failed write is not necessarily undone.",
        build: leaderless::strict_quorum_fails,
    },
    Preset {
        id: "leaderless-sloppy-quorum",
        title: "Sloppy quorum and hinted handoff",
        description: "Four nodes, n = 3, w = 3, r = 1, sloppy quorum on. Node 1 cannot reach node 3, so its write \
                      of x lands on nodes 1, 2 and — after node 3 stays silent — node 4, which keeps it with a hint \
                      for node 3. Node 3 itself is fine, and a read there sees nothing: w + r > n, yet stale, \
                      because the write went outside the preference list. When the partition heals, node 4 hands \
                      the write to node 3 and drops the hint.",
        build: leaderless::sloppy_quorum,
    },
    Preset {
        id: "leaderless-w-plus-r-not-above-n",
        title: "w + r ≤ n: reads can miss writes",
        description: "n = 3, w = 1, r = 1 and node 3's links are slow. Writes succeed as soon as one replica has \
                      them and reads answer from one replica, so a read served by node 3 returns the old value long \
                      after the write was acknowledged: the checker marks it stale. Raise w or r until w + r > n \
                      and the overlap guarantees the latest value.",
        build: leaderless::w_plus_r_not_above_n,
    },
    Preset {
        id: "leaderless-anti-entropy",
        title: "Merkle-tree anti-entropy repairs what nobody reads",
        description: "Sixteen keys, 0 to 3750, on three replicas. Node 3 is cut off while keys 1000–1750 change, \
                      and read repair is off. In the background each node compares a Merkle tree of depth 2 over \
                      keys 0–4000 with its ring successor: equal roots end the exchange after one hash; here the \
                      roots differ, one half differs, one quarter differs — and only the keys in 1000–2000 travel. \
                      The inspector counts the hashes exchanged and the keys synced.",
        build: leaderless::anti_entropy,
    },
    Preset {
        id: "leaderless-shopping-cart",
        title: "Siblings: two clients filling one cart",
        description: "Items are numbered: 1 milk, 2 flour, 3 eggs, 4 ham, 5 bacon. Two clients write the same cart, \
                      each sending the version vector of what it last read. A write replaces exactly the versions \
                      its context has seen and keeps the rest as siblings, so nothing either client added is lost: \
                      the read at 170 ms returns two siblings, and their union is the whole cart. A client that \
                      writes back the merged cart with the latest context leaves a single version again.",
        build: leaderless::shopping_cart,
    },
    Preset {
        id: "leaderless-consistency-levels",
        title: "Consistency levels per request: ONE, QUORUM, ALL",
        description: "n = 3 and node 3 is 100 ms away. The same write at ONE is answered by the coordinator's own \
                      copy at once, at QUORUM after the nearby replica's acknowledgement, at ALL only when the far \
                      replica has answered too. Reads at ONE and ALL differ the same way. Compare the latencies in \
                      the write latency chart.",
        build: leaderless::consistency_levels,
    },
    Preset {
        id: "leaderless-quorum-not-linearizable",
        title: "Strict quorums, still not linearizable",
        description: "Key x lives on nodes 1–3 with n = 3, w = 2, r = 2, so every read quorum overlaps every \
                      write quorum. Node 4 writes x = 2; its links to nodes 2 and 3 are slow, so for 300 ms the \
                      write sits on node 1 alone, not yet acknowledged. Reader A asks nodes 1 and 2 and gets \
                      x = 2 (the newer version wins). Reader B starts after A has its answer, asks nodes 3 and 2 \
                      and gets x = 1. No read is stale — no acknowledged write was missed — yet no single order \
                      of the operations explains both reads: the history is not linearizable. Read repair is off \
                      here; in the background it would race B and could lose.",
        build: linearizability::quorum_not_linearizable,
    },
    Preset {
        id: "leaderless-blocking-read-repair-linearizable",
        title: "Blocking read repair makes quorum reads linearizable",
        description: "The same write in flight and the same two readers, with blocking read repair: before \
                      answering, reader A's coordinator writes x = 2 back to the replica that had x = 1 and waits \
                      until w = 2 replicas hold it — Cassandra's behaviour for quorum reads, and the write-back \
                      phase of the ABD register. Reader B's quorum must now overlap those two, so B sees x = 2 \
                      too, and the history is linearizable. The price: A's read waits for one more round trip.",
        build: linearizability::blocking_read_repair_linearizable,
    },
    Preset {
        id: "single-leader-async-follower-not-linearizable",
        title: "Reads from an asynchronous follower are not linearizable",
        description: "The leader confirms x = 1 and a read on the leader returns it. A moment later a read on the \
                      follower — behind a slow link — returns nothing: the write is not there yet. Once one \
                      client has seen x = 1, a linearizable store could never show a later client the old \
                      value; a follower read can. The follower catches up and the last read returns 1.",
        build: linearizability::async_follower_not_linearizable,
    },
    Preset {
        id: "multi-leader-lww-skew-not-linearizable",
        title: "Last write wins with a slow clock is not linearizable",
        description: "Two datacenters resolve conflicts by timestamp, and dc 2's leader runs 250 ms slow. It \
                      writes x = 2 long after x = 1 has reached it, but stamps it with its slow clock, so x = 1 \
                      wins — even on node 2, whose own client reads x = 1 right after being told x = 2 \
                      succeeded. Every later read returns 1: there is no order in which the write of 2 took \
                      effect.",
        build: linearizability::lww_skew_not_linearizable,
    },
    Preset {
        id: "chatter-5",
        title: "Engine stress: 5 nodes chattering",
        description: "Synthetic all-to-all traffic between five nodes, no replication at all: each message is \
                      answered with one to a random peer. A workout for the engine and the diagram.",
        build: || chatter(5, 4, 1_000.0),
    },
    Preset {
        id: "chatter-50",
        title: "Engine stress: 50 nodes chattering",
        description: "The same synthetic traffic between fifty nodes with jittery latency and reordering links: \
                      thousands of messages in flight at once.",
        build: || chatter(50, 20, 1_000.0),
    },
];

pub(crate) fn base(protocol: ProtocolConfig, until_ms: f64) -> Scenario {
    Scenario {
        format: FORMAT,
        seed: 1,
        protocol,
        network: NetworkConfig::default(),
        clocks: Vec::new(),
        faults: Vec::new(),
        workload: Workload::default(),
        interventions: Vec::new(),
        until_ms,
    }
}

pub(crate) fn at(ms: f64, action: Action) -> Timed {
    Timed { at_ms: ms, action }
}

pub(crate) fn write(node: u16, key: &str, value: i64) -> Action {
    Action::Client {
        node: NodeId(node),
        request: Request::Write {
            key: String::from(key),
            value,
        },
    }
}

pub(crate) fn read(node: u16, key: &str) -> Action {
    Action::Client {
        node: NodeId(node),
        request: Request::read(key),
    }
}

pub(crate) fn sql(node: u16, text: &str) -> Action {
    Action::Client {
        node: NodeId(node),
        request: Request::Sql {
            sql: String::from(text),
        },
    }
}

pub(crate) fn session_write(user: u32, key: &str, value: i64) -> Action {
    Action::Session {
        session: user,
        request: Request::Write {
            key: String::from(key),
            value,
        },
    }
}

pub(crate) fn session_read(user: u32, key: &str) -> Action {
    Action::Session {
        session: user,
        request: Request::read(key),
    }
}

pub(crate) fn single_leader(followers: u16, ack: AckMode) -> SingleLeaderConfig {
    SingleLeaderConfig {
        followers,
        ack,
        ..SingleLeaderConfig::default()
    }
}

pub(crate) fn protocol(config: SingleLeaderConfig) -> ProtocolConfig {
    ProtocolConfig::SingleLeader(config)
}

pub(crate) fn crash(node: u16) -> Action {
    Action::Crash { node: NodeId(node) }
}

pub(crate) fn recover(node: u16) -> Action {
    Action::Recover { node: NodeId(node) }
}

pub(crate) fn promote(node: u16) -> Action {
    Action::Promote { node: NodeId(node) }
}

fn sync_write() -> Scenario {
    let config = SingleLeaderConfig {
        flush_ms: 0.0,
        ..single_leader(1, AckMode::Sync)
    };
    let mut s = base(protocol(config), 100.0);
    s.workload.ops = vec![at(10.0, write(0, "x", 1)), at(15.0, read(1, "x"))];
    s
}

fn async_write() -> Scenario {
    let mut s = base(protocol(single_leader(1, AckMode::Async)), 100.0);
    s.workload.ops = vec![
        at(10.0, write(0, "x", 1)),
        at(15.0, read(1, "x")),
        at(40.0, read(1, "x")),
    ];
    s
}

fn async_crash_loses_write() -> Scenario {
    let mut s = base(protocol(single_leader(2, AckMode::Async)), 150.0);
    let slow = |to: u16| Action::SlowLink {
        from: NodeId(0),
        to: NodeId(to),
        extra_ms: 40.0,
        two_way: false,
    };
    s.faults = vec![
        at(0.0, slow(1)),
        at(0.0, slow(2)),
        at(20.0, crash(0)),
        at(30.0, promote(1)),
        at(50.0, Action::HealAll),
        at(80.0, recover(0)),
    ];
    s.workload.ops = vec![
        at(10.0, write(0, "x", 1)),
        at(65.0, read(1, "x")),
        at(120.0, read(0, "x")),
    ];
    s
}

fn semi_sync_fallback() -> Scenario {
    let mut s = base(protocol(single_leader(1, AckMode::SemiSync)), 1_700.0);
    s.faults = vec![at(5.0, crash(1)), at(1_500.0, recover(1))];
    s.workload.ops = vec![
        at(10.0, write(0, "x", 1)),
        at(1_200.0, write(0, "x", 2)),
        at(1_600.0, write(0, "x", 3)),
        at(1_650.0, read(1, "x")),
    ];
    s
}

/// The PostgreSQL trio: one follower with a 20 ms flush; it crashes
/// between receiving the write and flushing it, then the leader crashes
/// and the follower, back again, is promoted. Only the durability and
/// acknowledgement mode differ.
fn pg_twin(ack: AckMode, durability: Durability) -> Scenario {
    let config = SingleLeaderConfig {
        durability,
        flush_ms: 20.0,
        ..single_leader(1, ack)
    };
    let mut s = base(protocol(config), 100.0);
    s.faults = vec![
        at(25.0, crash(1)),
        at(35.0, crash(0)),
        at(45.0, recover(1)),
        at(60.0, promote(1)),
    ];
    s.workload.ops = vec![at(10.0, write(0, "x", 1)), at(70.0, read(1, "x"))];
    s
}

fn pg_on() -> Scenario {
    pg_twin(AckMode::Sync, Durability::Flushed)
}

fn pg_remote_write() -> Scenario {
    pg_twin(AckMode::Sync, Durability::Received)
}

fn pg_local() -> Scenario {
    pg_twin(AckMode::Async, Durability::Flushed)
}

fn mixed_faults() -> Scenario {
    use crate::latency::Part;
    let mut s = base(protocol(single_leader(3, AckMode::Async)), 2_000.0);
    s.network.latency = Latency::Mixture {
        parts: vec![
            Part {
                weight: 0.9,
                latency: Latency::Pareto {
                    xm_ms: 2.0,
                    alpha: 3.0,
                },
            },
            Part {
                weight: 0.1,
                latency: Latency::Exponential { rate_per_ms: 0.05 },
            },
        ],
    };
    s.faults = vec![
        at(300.0, Action::Crash { node: NodeId(2) }),
        at(700.0, Action::Recover { node: NodeId(2) }),
        at(
            900.0,
            Action::Partition {
                from: vec![NodeId(0)],
                to: vec![NodeId(3)],
                two_way: true,
            },
        ),
        at(1_300.0, Action::HealAll),
        at(1_800.0, crash(0)),
        at(1_850.0, promote(1)),
    ];
    s.workload.generator = Some(crate::scenario::Generator {
        rate_per_s: 100.0,
        read_fraction: 0.6,
        keys: 10,
        nodes: vec![],
        start_ms: 0.0,
        end_ms: None,
    });
    s
}

fn chatter(nodes: u16, fanout: u16, until_ms: f64) -> Scenario {
    let mut s = base(
        ProtocolConfig::Chatter(ChatterConfig { nodes, fanout }),
        until_ms,
    );
    s.network.latency = Latency::Uniform {
        min_ms: 1.0,
        max_ms: 20.0,
    };
    s.network.delivery = crate::scenario::Delivery::Reorder;
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_is_valid_and_ids_are_unique() {
        let mut ids = ids();
        for p in all() {
            assert_eq!(p.scenario().validate(), Ok(()), "{}", p.id);
            assert!(!p.title.is_empty() && p.description.len() > 80, "{}", p.id);
        }
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), all().len());
    }
}
