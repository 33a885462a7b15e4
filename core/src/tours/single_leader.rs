//! Tours of single-leader replication: when a write counts as done (sync,
//! async, semi-sync, PostgreSQL's synchronous_commit), what the leader
//! ships (statements, WAL bytes, row events), adding a follower, failover
//! and what it loses, and the anomalies users see on lagging followers.

use super::{
    delivered, holds, lacks, node, note, nth_note, reply, role, sent, shows, Anchor, Expect,
    Section, Step, Tour,
};
use crate::check::AnomalyKind;
use crate::node::Role;

const fn up(number: u16, up: bool) -> Expect {
    Expect::Up {
        node: node(number),
        up,
    }
}

const fn table_diff(number: u16, than: u16, rows: &'static [&'static str]) -> Expect {
    Expect::TableDiff {
        node: node(number),
        than: node(than),
        rows,
    }
}

pub(super) static SYNC_WRITE: Tour = Tour {
    id: "single-leader-sync-write",
    title: "A synchronous write",
    section: Section::SingleLeader,
    preset: "single-leader-sync-write",
    summary:
        "The client waits until the follower has confirmed its copy: a full round trip on every \
              write, and two copies before anyone hears 'success'.",
    steps: &[
        Step {
            caption:
                "The client sends x = 1 to the leader, node 1, which writes it to its log and \
                      forwards it to node 2. The client is left waiting.",
            at: sent("replicate", 1),
            expect: &[holds(1, "x", 1), lacks(2, "x")],
        },
        Step {
            caption: "A read on node 2 at 15 ms finds no x yet: the copy is still crossing the \
                      network.",
            at: reply(1),
            expect: &[lacks(2, "x")],
        },
        Step {
            caption: "The entry reaches node 2, which flushes it at once and sends its \
                      acknowledgement back to the leader.",
            at: delivered("replicate", 1),
            expect: &[holds(2, "x", 1)],
        },
        Step {
            caption: "Only when that acknowledgement lands is the client told 'success' — a whole \
                      round trip after the leader wrote, with both nodes holding x = 1.",
            at: reply(0),
            expect: &[holds(1, "x", 1), holds(2, "x", 1)],
        },
    ],
};

pub(super) static ASYNC_WRITE: Tour = Tour {
    id: "single-leader-async-write",
    title: "An asynchronous write",
    section: Section::SingleLeader,
    preset: "single-leader-async-write",
    summary: "The leader answers as soon as it has written locally; the follower gets its copy \
              afterwards and is briefly behind.",
    steps: &[
        Step {
            caption:
                "The leader, node 1, writes x = 1 and answers the client in the same instant. \
                      The copy for node 2 has only just left.",
            at: reply(0),
            expect: &[holds(1, "x", 1), lacks(2, "x")],
        },
        Step {
            caption: "A read on node 2 returns no x although the client has been told the write \
                      succeeded: the anomaly list marks it as a stale read.",
            at: reply(1),
            expect: &[lacks(2, "x"), Expect::Anomaly(AnomalyKind::StaleRead)],
        },
        Step {
            caption: "The entry arrives at node 2, which applies it once it has flushed it, a \
                      millisecond from now.",
            at: delivered("replicate", 1),
            expect: &[lacks(2, "x")],
        },
        Step {
            caption:
                "Node 2 now has x = 1 and its acknowledgement reaches the leader. It only tells \
                      the leader how far node 2 has got — the client was answered 21 ms ago.",
            at: delivered("ack", 1),
            expect: &[holds(2, "x", 1)],
        },
        Step {
            caption: "The same read on node 2 now returns x = 1: the follower lagged for a while, \
                      then caught up.",
            at: reply(2),
            expect: &[holds(2, "x", 1)],
        },
    ],
};

pub(super) static ASYNC_CRASH: Tour = Tour {
    id: "single-leader-async-crash-loses-write",
    title: "A leader crash loses an acknowledged write",
    section: Section::SingleLeader,
    preset: "single-leader-async-crash-loses-write",
    summary: "An asynchronous leader confirms a write and dies before any follower has it; the \
              new leader starts without it and the write is gone.",
    steps: &[
        Step {
            caption: "Both links out of node 1 are slow. Node 1 confirms x = 1 straight away and \
                      sends the copies on their slow way to nodes 2 and 3.",
            at: reply(0),
            expect: &[holds(1, "x", 1), lacks(2, "x"), lacks(3, "x")],
        },
        Step {
            caption:
                "Node 1 crashes before either copy has arrived. The confirmed write now exists \
                      only on a machine that is down and in two messages on the wire.",
            at: note("node 1 crashed"),
            expect: &[up(1, false), lacks(2, "x"), lacks(3, "x")],
        },
        Step {
            caption: "An operator promotes node 2. Its log is empty, so epoch 2 begins without \
                      x = 1.",
            at: note("An operator promotes node 2"),
            expect: &[role(2, Role::Leader), lacks(2, "x")],
        },
        Step {
            caption:
                "The old copies finally arrive, but they carry epoch 1, which is over: nodes 2 \
                      and 3 ignore them.",
            at: nth_note("ignores LSN 1", 2),
            expect: &[lacks(2, "x"), lacks(3, "x")],
        },
        Step {
            caption:
                "Node 1 is back. It learns that node 2 leads epoch 2, steps down, and discards \
                      x = 1 because the new leader never had it.",
            at: note("steps down"),
            expect: &[
                role(1, Role::Follower),
                lacks(1, "x"),
                Expect::Anomaly(AnomalyKind::LostWrite),
            ],
        },
        Step {
            caption:
                "A read on node 1 finds nothing. The client was promised x = 1 and no node has \
                      it: the anomaly list shows a lost write.",
            at: reply(2),
            expect: &[
                lacks(1, "x"),
                lacks(2, "x"),
                lacks(3, "x"),
                Expect::Anomaly(AnomalyKind::LostWrite),
            ],
        },
    ],
};

pub(super) static SEMI_SYNC: Tour = Tour {
    id: "single-leader-semi-sync-fallback",
    title: "Semi-synchronous, falling back to async",
    section: Section::SingleLeader,
    preset: "single-leader-semi-sync-fallback",
    summary: "MySQL-style semi-sync waits for one follower — until a timeout, after which it runs \
              asynchronously until the follower has caught up.",
    steps: &[
        Step {
            caption: "The only follower, node 2, crashed at 5 ms. Node 1 writes x = 1 and, being \
                      semi-synchronous, holds the client until some follower acknowledges it.",
            at: sent("replicate", 1),
            expect: &[up(2, false), holds(1, "x", 1)],
        },
        Step {
            caption: "A full second passes with no acknowledgement. The leader gives up waiting, \
                      answers the client and switches to asynchronous replication.",
            at: reply(0),
            expect: &[lacks(2, "x")],
        },
        Step {
            caption: "The next write, x = 2, is answered immediately — and no other node holds a \
                      copy of it.",
            at: reply(1),
            expect: &[holds(1, "x", 2), lacks(2, "x")],
        },
        Step {
            caption: "Node 2 recovers and asks its leader for every entry after LSN 0.",
            at: note("is back with LSN 0"),
            expect: &[up(2, true), lacks(2, "x")],
        },
        Step {
            caption: "Node 2 has caught up to LSN 2, so the leader turns semi-sync back on.",
            at: note("semi-sync is back on"),
            expect: &[holds(2, "x", 2)],
        },
        Step {
            caption:
                "The write x = 3 waits for node 2's acknowledgement again: about 20 ms instead \
                      of nothing, but a second copy is guaranteed.",
            at: reply(2),
            expect: &[holds(1, "x", 3), holds(2, "x", 3)],
        },
    ],
};

pub(super) static PG_ON: Tour = Tour {
    id: "single-leader-pg-on",
    title: "PostgreSQL: synchronous_commit = on",
    section: Section::SingleLeader,
    preset: "single-leader-pg-on",
    summary: "The client waits for the follower to flush the write to disk; when both machines \
              fail, the client was never promised anything.",
    steps: &[
        Step {
            caption: "With synchronous_commit = on the client waits until node 2 has flushed the \
                      entry. Node 2 has received x = 1 and needs up to 20 ms to flush it.",
            at: delivered("replicate", 1),
            expect: &[holds(1, "x", 1), lacks(2, "x")],
        },
        Step {
            caption: "Node 2 crashes before flushing: the entry it held in memory is gone and no \
                      acknowledgement will come. The client keeps waiting.",
            at: note("node 2 crashed"),
            expect: &[up(2, false)],
        },
        Step {
            caption: "The leader crashes too, and the waiting client is told its write failed.",
            at: note("node 1 crashed"),
            expect: &[up(1, false)],
        },
        Step {
            caption: "Node 2 is back and promoted without x = 1; a read there finds nothing. But \
                      the write was never confirmed, so no promise was broken.",
            at: reply(1),
            expect: &[
                role(2, Role::Leader),
                lacks(2, "x"),
                Expect::NoAnomaly(AnomalyKind::LostWrite),
            ],
        },
    ],
};

pub(super) static PG_REMOTE_WRITE: Tour = Tour {
    id: "single-leader-pg-remote-write",
    title: "PostgreSQL: synchronous_commit = remote_write",
    section: Section::SingleLeader,
    preset: "single-leader-pg-remote-write",
    summary: "The follower confirms on receipt, before its flush: faster, and unsafe when both \
              machines fail together.",
    steps: &[
        Step {
            caption: "With remote_write node 2 acknowledges the moment the entry arrives, before \
                      its 20 ms flush has happened.",
            at: delivered("replicate", 1),
            expect: &[lacks(2, "x")],
        },
        Step {
            caption:
                "Node 2 crashes before the flush and loses the entry — but its acknowledgement \
                      is already travelling to the leader.",
            at: note("node 2 crashed"),
            expect: &[up(2, false)],
        },
        Step {
            caption: "The acknowledgement arrives and the client hears that its write is safe, \
                      while the only follower copy is already gone.",
            at: reply(0),
            expect: &[holds(1, "x", 1), up(2, false)],
        },
        Step {
            caption: "The leader crashes as well. Node 2 comes back and is promoted, without \
                      x = 1.",
            at: note("An operator promotes node 2"),
            expect: &[up(1, false), role(2, Role::Leader), lacks(2, "x")],
        },
        Step {
            caption: "A read on the new leader finds no x: a write the client was told had \
                      succeeded is lost.",
            at: reply(1),
            expect: &[lacks(2, "x"), Expect::Anomaly(AnomalyKind::LostWrite)],
        },
    ],
};

pub(super) static PG_LOCAL: Tour = Tour {
    id: "single-leader-pg-local",
    title: "PostgreSQL: synchronous_commit = local",
    section: Section::SingleLeader,
    preset: "single-leader-pg-local",
    summary: "The leader confirms as soon as its own log has the write — the fastest answer, and \
              lost just the same when both machines fail.",
    steps: &[
        Step {
            caption:
                "With synchronous_commit = local the leader answers as soon as x = 1 is in its \
                      own log; node 2 does not hold anything up.",
            at: reply(0),
            expect: &[holds(1, "x", 1), lacks(2, "x")],
        },
        Step {
            caption: "Node 2 received the entry but crashes before flushing it.",
            at: note("node 2 crashed"),
            expect: &[up(2, false)],
        },
        Step {
            caption: "The leader crashes too. Its client already has its 'success'.",
            at: note("node 1 crashed"),
            expect: &[up(1, false)],
        },
        Step {
            caption: "Node 2 is promoted and has no x. The quickest confirmation of the three \
                      settings is lost exactly like the remote_write one.",
            at: reply(1),
            expect: &[lacks(2, "x"), Expect::Anomaly(AnomalyKind::LostWrite)],
        },
    ],
};

pub(super) static STATEMENT_NONDETERMINISM: Tour = Tour {
    id: "single-leader-statement-nondeterminism",
    title: "Statement-based: NOW(), RAND() and UUID()",
    section: Section::SingleLeader,
    preset: "single-leader-statement-nondeterminism",
    summary: "Followers re-run each SQL statement with their own clock and random numbers, and \
              quietly end up with different data.",
    steps: &[
        Step {
            caption: "The leader ships SQL text and the followers run it again. The 10% raise for \
                      active accounts gives the same balances everywhere; row 6, inserted at 10 ms, \
                      is still in transit.",
            at: nth_note("flushed LSN 1", 2),
            expect: &[table_diff(2, 1, &["6"]), table_diff(3, 1, &["6"])],
        },
        Step {
            caption: "Each follower runs the INSERT with its own NOW(): node 2's clock is 250 ms \
                      fast, node 3's 40 ms slow, so row 6's created_at differs on all three nodes.",
            at: nth_note("again with its own clock", 2),
            expect: &[
                table_diff(2, 1, &["6"]),
                table_diff(3, 1, &["6"]),
                Expect::Anomaly(AnomalyKind::Divergence),
            ],
        },
        Step {
            caption: "RAND() draws from each node's own random stream: account 1's new balance \
                      comes out different on every node.",
            at: nth_note("again with its own clock", 4),
            expect: &[table_diff(2, 1, &["1", "6"]), table_diff(3, 1, &["1", "6"])],
        },
        Step {
            caption: "UUID() does the same to account 5's status. Three silent divergences, and \
                      nothing in the replication stream noticed.",
            at: nth_note("again with its own clock", 6),
            expect: &[
                table_diff(2, 1, &["1", "5", "6"]),
                table_diff(3, 1, &["1", "5", "6"]),
            ],
        },
        Step {
            caption: "A SELECT on node 2 returns its own created_at for row 6. Select node 2 or \
                      node 3 to see each differing cell next to the leader's value.",
            at: reply(4),
            expect: &[table_diff(2, 1, &["1", "5", "6"])],
        },
    ],
};

pub(super) static STATEMENT_WHERE_NOW: Tour = Tour {
    id: "single-leader-statement-where-now",
    title: "Statement-based: a lagging follower deletes another row",
    section: Section::SingleLeader,
    preset: "single-leader-statement-where-now",
    summary: "A DELETE with NOW() in its WHERE clause matches different rows on a follower that \
              runs it 1.5 seconds late.",
    steps: &[
        Step {
            caption: "The leader deletes every row created more than three seconds before its own \
                      NOW() and ships the DELETE statement to both followers.",
            at: reply(0),
            expect: &[],
        },
        Step {
            caption: "Node 2 runs it 11 ms later. The cut-off barely moves, and it deletes exactly \
                      the rows the leader deleted.",
            at: note("Node 2 flushed LSN 1"),
            expect: &[table_diff(2, 1, &[])],
        },
        Step {
            caption: "Node 3 sits behind a link 1.5 s slower and receives the statement only now.",
            at: delivered("replicate", 1).to(3),
            expect: &[],
        },
        Step {
            caption: "By node 3's clock it is now 1.5 s later, so 'older than three seconds' covers \
                      one more row: node 3 deletes row 7, which the leader kept. No error is raised.",
            at: note("Node 3 ran"),
            expect: &[
                table_diff(3, 1, &["7"]),
                Expect::Anomaly(AnomalyKind::Divergence),
            ],
        },
    ],
};

pub(super) static WAL_SHIPPING: Tour = Tour {
    id: "single-leader-wal-shipping",
    title: "WAL shipping: bytes, not statements",
    section: Section::SingleLeader,
    preset: "single-leader-wal-shipping",
    summary: "The same non-deterministic statements, replicated as the page bytes they changed: \
              every follower ends with exactly the leader's table.",
    steps: &[
        Step {
            caption: "The leader now ships what its storage engine changed — page numbers, byte \
                      ranges, old and new bytes — instead of SQL. Click the message to read it.",
            at: sent("replicate", 1),
            expect: &[],
        },
        Step {
            caption: "The NOW() insert arrives as bytes too. The followers copy them without \
                      evaluating anything, so row 6 carries the leader's timestamp everywhere.",
            at: nth_note("Node 3 flushed LSN 2", 1),
            expect: &[table_diff(2, 1, &[]), table_diff(3, 1, &[])],
        },
        Step {
            caption: "RAND() and UUID() ran once, on the leader; the followers only copied the \
                      resulting bytes. All three tables are identical.",
            at: note("Node 3 flushed LSN 4"),
            expect: &[
                table_diff(2, 1, &[]),
                table_diff(3, 1, &[]),
                Expect::NoAnomaly(AnomalyKind::Divergence),
            ],
        },
        Step {
            caption: "A SELECT on node 2 returns the leader's row 6, created_at and all.",
            at: reply(4),
            expect: &[table_diff(2, 1, &[])],
        },
    ],
};

pub(super) static WAL_VERSION_MISMATCH: Tour = Tour {
    id: "single-leader-wal-version-mismatch",
    title: "WAL shipping across storage versions",
    section: Section::SingleLeader,
    preset: "single-leader-wal-version-mismatch",
    summary: "A follower on a newer storage format cannot read the leader's WAL bytes and stops \
              replicating.",
    steps: &[
        Step {
            caption:
                "Node 3 runs storage format v2, the leader v1. The leader ships bytes laid out \
                      for v1 pages to both followers.",
            at: sent("replicate", 2),
            expect: &[shows(3, "storage format: v2")],
        },
        Step {
            caption:
                "Node 2, also on v1, applies the change. Node 3 cannot interpret v1 pages: it \
                      refuses the entry and stops replicating at LSN 0.",
            at: note("stops replicating"),
            expect: &[
                table_diff(2, 1, &[]),
                table_diff(3, 1, &["1", "3", "4"]),
                shows(3, "replication: stopped"),
            ],
        },
        Step {
            caption: "Later writes still reach node 3, but it applies none of them and falls \
                      further behind.",
            at: delivered("replicate", 2).to(3),
            expect: &[lacks(3, "x")],
        },
        Step {
            caption:
                "Reads show it: x = 1 on node 2, nothing on node 3. With physical replication \
                      leader and followers have to move to a new version together.",
            at: reply(3),
            expect: &[
                holds(2, "x", 1),
                lacks(3, "x"),
                Expect::Anomaly(AnomalyKind::StaleRead),
            ],
        },
    ],
};

pub(super) static ROW_BASED: Tour = Tour {
    id: "single-leader-row-based",
    title: "Row-based (logical) replication",
    section: Section::SingleLeader,
    preset: "single-leader-row-based",
    summary: "One event per changed row, with its values before and after: deterministic, and \
              independent of the storage format.",
    steps: &[
        Step {
            caption: "The leader ships one event per changed row, naming the row and its old and \
                      new values. Click the message to read them.",
            at: sent("replicate", 1),
            expect: &[],
        },
        Step {
            caption: "The NOW() insert travels as a finished value, so all three nodes store the \
                      same created_at for row 6.",
            at: nth_note("Node 3 flushed LSN 2", 1),
            expect: &[table_diff(2, 1, &[]), table_diff(3, 1, &[])],
        },
        Step {
            caption: "The RAND() and UUID() results travel as values too. Node 3 runs storage \
                      format v2 and still applies every event: the log says nothing about pages.",
            at: note("Node 3 flushed LSN 4"),
            expect: &[
                table_diff(2, 1, &[]),
                table_diff(3, 1, &[]),
                shows(3, "storage format: v2"),
                Expect::NoAnomaly(AnomalyKind::Divergence),
            ],
        },
    ],
};

pub(super) static BATCH_UPDATE: Tour = Tour {
    id: "single-leader-batch-update",
    title: "One UPDATE, 200 row events",
    section: Section::SingleLeader,
    preset: "single-leader-batch-update",
    summary: "Row-based replication pays for its precision with size: a statement touching every \
              row becomes one event per row.",
    steps: &[
        Step {
            caption: "One UPDATE touches all 200 rows, and row-based replication ships 200 row \
                      events — 29 000 bytes per follower. The statement itself is 49 bytes.",
            at: sent("replicate", 1),
            expect: &[],
        },
        Step {
            caption: "Each follower applies the 200 row images and matches the leader exactly.",
            at: note("Node 3 flushed LSN 1"),
            expect: &[table_diff(2, 1, &[]), table_diff(3, 1, &[])],
        },
        Step {
            caption: "Open \"What the leader would ship\" to compare the three formats for any \
                      statement: one event, 200 page writes, or 200 row images.",
            at: Anchor::End,
            expect: &[],
        },
    ],
};

pub(super) static ADD_FOLLOWER: Tour = Tour {
    id: "single-leader-add-follower",
    title: "Adding a follower without downtime",
    section: Section::SingleLeader,
    preset: "single-leader-add-follower",
    summary: "Snapshot, copy, catch up, in sync: a new follower joins while the leader keeps \
              taking writes.",
    steps: &[
        Step {
            caption:
                "An operator adds node 3, which starts empty. First it asks the leader, node 1, \
                      for a consistent snapshot.",
            at: note("Step 1:"),
            expect: &[lacks(3, "k1")],
        },
        Step {
            caption:
                "Node 1 fixes a snapshot at LSN 4 — 400 rows — and starts copying it in chunks \
                      of 20 rows. Client writes keep arriving on node 1 meanwhile.",
            at: note("Step 2:"),
            expect: &[role(1, Role::Leader), role(3, Role::CopyingSnapshot)],
        },
        Step {
            caption: "A read sent to node 3 halfway through the copy is turned away: a follower \
                      that is still copying serves nothing.",
            at: reply(7),
            expect: &[role(3, Role::CopyingSnapshot)],
        },
        Step {
            caption: "The last chunk is in. Node 3 holds the data as of LSN 4 and asks node 1 for \
                      every change after that position.",
            at: note("Step 3:"),
            expect: &[role(3, Role::CatchingUp), holds(3, "k5", 4)],
        },
        Step {
            caption: "Node 3 has replayed the ten entries written during the copy and reached the \
                      leader's position: an ordinary follower, serving reads.",
            at: note("Step 5:"),
            expect: &[
                role(3, Role::Follower),
                holds(3, "k3", 15),
                holds(3, "k1", 13),
            ],
        },
        Step {
            caption: "Look at the write latency chart: every write made during the copy was \
                      answered at once. The leader never paused.",
            at: Anchor::End,
            expect: &[role(3, Role::Follower)],
        },
    ],
};

pub(super) static AUTO_FAILOVER: Tour = Tour {
    id: "single-leader-auto-failover",
    title: "Automatic failover loses acknowledged writes",
    section: Section::SingleLeader,
    preset: "single-leader-auto-failover",
    summary: "A partitioned leader keeps confirming writes that the followers never see; after \
              the election, those writes are thrown away.",
    steps: &[
        Step {
            caption: "A partition cuts node 1 off from both followers, though its clients still \
                      reach it. Node 3 has x = 2; node 2, on a slower link, only x = 1.",
            at: note("Partition: node 1 cannot reach"),
            expect: &[holds(3, "x", 2), holds(2, "x", 1)],
        },
        Step {
            caption: "Node 1 keeps confirming writes — x = 3, then y = 1 — that cannot leave its \
                      side of the partition.",
            at: reply(3),
            expect: &[
                holds(1, "x", 3),
                holds(1, "y", 1),
                holds(3, "x", 2),
                lacks(3, "y"),
            ],
        },
        Step {
            caption: "Node 3 has gone 300 ms without a heartbeat. It declares the leader dead and \
                      asks for votes to lead epoch 2.",
            at: note("declares it dead"),
            expect: &[],
        },
        Step {
            caption:
                "With node 2's vote node 3 leads epoch 2, starting from its LSN 2. The writes \
                      node 1 took during the partition are not in that log.",
            at: note("wins the election"),
            expect: &[role(3, Role::Leader), lacks(3, "y")],
        },
        Step {
            caption:
                "The network heals. Node 1 hears of epoch 2, steps down and discards x = 3 and \
                      y = 1 — writes its clients were told had succeeded.",
            at: note("steps down"),
            expect: &[
                role(1, Role::Follower),
                lacks(1, "y"),
                Expect::Anomaly(AnomalyKind::LostWrite),
            ],
        },
        Step {
            caption:
                "A read of y on node 1 finds nothing. The anomaly list counts both lost writes.",
            at: reply(6),
            expect: &[
                lacks(1, "y"),
                holds(1, "x", 4),
                Expect::Anomaly(AnomalyKind::LostWrite),
            ],
        },
    ],
};

pub(super) static TIMEOUT_TOO_SHORT: Tour = Tour {
    id: "single-leader-failover-timeout-too-short",
    title: "A failover timeout that is too short",
    section: Section::SingleLeader,
    preset: "single-leader-failover-timeout-too-short",
    summary: "A brief network slowdown outlasts a 60 ms timeout: the followers depose a healthy \
              leader, and a write is lost for nothing.",
    steps: &[
        Step {
            caption:
                "All is well until 300 ms, when both links out of node 1 gain 200 ms of delay — \
                      a hiccup, not a failure.",
            at: note("node 1 → node 3 is slow"),
            expect: &[role(1, Role::Leader), holds(2, "x", 1)],
        },
        Step {
            caption: "Node 1 confirms x = 2 at once; the copies crawl along the slowed links.",
            at: reply(1),
            expect: &[holds(1, "x", 2), holds(2, "x", 1)],
        },
        Step {
            caption:
                "Node 2 has waited longer than the 60 ms timeout for a heartbeat. It declares \
                      the leader dead — though node 1 is fine — and calls an election.",
            at: note("declares it dead"),
            expect: &[up(1, true)],
        },
        Step {
            caption: "Node 3 votes yes, so node 2 leads epoch 2 from LSN 1. It never received \
                      x = 2.",
            at: note("wins the election"),
            expect: &[role(2, Role::Leader), holds(2, "x", 1)],
        },
        Step {
            caption: "The healthy old leader hears of epoch 2, steps down and throws away x = 2, \
                      which its client had been told was saved.",
            at: note("steps down"),
            expect: &[
                role(1, Role::Follower),
                holds(1, "x", 1),
                Expect::Anomaly(AnomalyKind::LostWrite),
            ],
        },
        Step {
            caption: "Long after the links recovered, a read on node 1 returns x = 1. A timeout \
                      above the hiccup would have kept both the leader and the write.",
            at: reply(2),
            expect: &[holds(1, "x", 1), Expect::Anomaly(AnomalyKind::StaleRead)],
        },
    ],
};

pub(super) static SPLIT_BRAIN: Tour = Tour {
    id: "single-leader-split-brain",
    title: "Split brain without fencing",
    section: Section::SingleLeader,
    preset: "single-leader-split-brain",
    summary: "Nothing stops the deposed leader: two nodes accept writes as leader and their \
              histories drift apart.",
    steps: &[
        Step {
            caption:
                "The same partition and election as in the failover example: node 3 now leads \
                      epoch 2, while node 1, cut off, still believes it leads epoch 1.",
            at: note("wins the election"),
            expect: &[role(1, Role::Leader), role(3, Role::Leader)],
        },
        Step {
            caption: "Node 3 takes x = 4 for epoch 2. Node 1 still holds x = 3 and y = 1 from the \
                      partition.",
            at: reply(4),
            expect: &[holds(3, "x", 4), holds(1, "x", 3), holds(1, "y", 1)],
        },
        Step {
            caption: "The network heals and node 1 hears about epoch 2 — but fencing is off, so \
                      nothing makes it step down.",
            at: note("without fencing nothing makes it stop"),
            expect: &[role(1, Role::Leader), role(3, Role::Leader)],
        },
        Step {
            caption: "A client writes x = 5 to node 1 and is told it succeeded. The anomaly list \
                      flags it: split brain.",
            at: reply(5),
            expect: &[holds(1, "x", 5), Expect::Anomaly(AnomalyKind::SplitBrain)],
        },
        Step {
            caption:
                "The followers ignore node 1's entry because they follow node 3, but they have \
                      no way to tell node 1 that it lost.",
            at: nth_note("Node 2 ignores LSN 5", 1),
            expect: &[holds(2, "x", 4), role(1, Role::Leader)],
        },
        Step {
            caption:
                "Two reads of x at the same moment: 5 on node 1, 4 on node 2. Two leaders, two \
                      histories.",
            at: reply(8),
            expect: &[holds(1, "x", 5), holds(2, "x", 4), holds(2, "y", 2)],
        },
    ],
};

pub(super) static READ_YOUR_WRITES: Tour = Tour {
    id: "single-leader-read-your-writes",
    title: "Reading your own writes",
    section: Section::SingleLeader,
    preset: "single-leader-read-your-writes",
    summary: "A user's read goes to a lagging follower and misses the change the user has just \
              made.",
    steps: &[
        Step {
            caption: "User 1 saves a profile change. The application sends writes to the leader, \
                      node 1, which confirms at once.",
            at: reply(0),
            expect: &[holds(1, "profile", 1)],
        },
        Step {
            caption:
                "Node 2 has applied the change 11 ms later. Node 3 is behind a link that adds \
                      200 ms.",
            at: note("Node 2 flushed LSN 1"),
            expect: &[holds(2, "profile", 1), lacks(3, "profile")],
        },
        Step {
            caption:
                "User 1 reloads the page. Sticky reads send this user to node 3, which has not \
                      got the write: the user's own change is missing.",
            at: reply(1),
            expect: &[
                lacks(3, "profile"),
                Expect::Anomaly(AnomalyKind::ReadYourWrites),
            ],
        },
        Step {
            caption: "The change reaches node 3 only now, more than 200 ms after it was confirmed.",
            at: note("Node 3 flushed LSN 1"),
            expect: &[holds(3, "profile", 1)],
        },
        Step {
            caption: "The next reload shows it. The read-your-writes settings close the gap: read \
                      from the leader for a while after writing, or wait for the write's log \
                      position.",
            at: reply(2),
            expect: &[holds(3, "profile", 1)],
        },
    ],
};

pub(super) static MONOTONIC_READS: Tour = Tour {
    id: "single-leader-monotonic-reads",
    title: "Monotonic reads: moving backward in time",
    section: Section::SingleLeader,
    preset: "single-leader-monotonic-reads",
    summary: "Two reads by the same user land on followers with different lag, and the second \
              one sees older data than the first.",
    steps: &[
        Step {
            caption:
                "User 1 wrote x = 1 at 10 ms. Node 2 has applied it 11 ms later; the copy for \
                      node 3 is still 200 ms away.",
            at: note("Node 2 flushed LSN 1"),
            expect: &[holds(2, "x", 1), lacks(3, "x")],
        },
        Step {
            caption: "User 2 reads x and the application picks node 2: x = 1.",
            at: reply(1),
            expect: &[holds(2, "x", 1)],
        },
        Step {
            caption: "User 2 reads again and this time lands on node 3, which still has nothing. \
                      The value seems to have been un-written.",
            at: reply(2),
            expect: &[lacks(3, "x"), Expect::Anomaly(AnomalyKind::MonotonicRead)],
        },
        Step {
            caption: "Node 3 catches up later. Sticky reads — each user always on the same \
                      follower — would have kept user 2 on node 2.",
            at: note("Node 3 flushed LSN 1"),
            expect: &[holds(3, "x", 1)],
        },
    ],
};

pub(super) static CONSISTENT_PREFIX: Tour = Tour {
    id: "single-leader-consistent-prefix",
    title: "Consistent prefix: the answer before the question",
    section: Section::SingleLeader,
    preset: "single-leader-consistent-prefix",
    summary: "An observer reads from two followers with different lag and sees an effect without \
              its cause.",
    steps: &[
        Step {
            caption: "User 1 wrote a question at 10 ms; user 2 writes the answer at 30 ms. In the \
                      leader's log the question comes first.",
            at: reply(1),
            expect: &[holds(1, "question", 1), holds(1, "answer", 1)],
        },
        Step {
            caption:
                "Node 2 has applied both, in order. Node 3, behind the slow link, has neither \
                      yet.",
            at: note("Node 2 flushed LSN 2"),
            expect: &[
                holds(2, "question", 1),
                holds(2, "answer", 1),
                lacks(3, "question"),
            ],
        },
        Step {
            caption: "User 3 reads the answer, served by node 2.",
            at: reply(2),
            expect: &[holds(2, "answer", 1)],
        },
        Step {
            caption:
                "Then user 3 looks for the question and is sent to node 3, which has nothing: \
                      an answer with no question.",
            at: reply(3),
            expect: &[
                lacks(3, "question"),
                Expect::Anomaly(AnomalyKind::ConsistentPrefix),
            ],
        },
        Step {
            caption: "Node 3 applies both, question first. Reading from one follower only would \
                      always show some prefix of the log, in order.",
            at: note("Node 3 flushed LSN 2"),
            expect: &[holds(3, "question", 1), holds(3, "answer", 1)],
        },
    ],
};

pub(super) static ASYNC_FOLLOWER_NOT_LINEARIZABLE: Tour = Tour {
    id: "single-leader-async-follower-not-linearizable",
    title: "Follower reads are not linearizable",
    section: Section::SingleLeader,
    preset: "single-leader-async-follower-not-linearizable",
    summary: "Once a client has seen a value on the leader, a follower can still show the old one.",
    steps: &[
        Step {
            caption: "The leader confirms x = 1 and a read on the leader returns it.",
            at: reply(1),
            expect: &[holds(1, "x", 1), lacks(2, "x")],
        },
        Step {
            caption: "A later read on the follower finds nothing: the entry is still on the slow \
                      link. Stale, and not linearizable — the write had already been seen.",
            at: reply(2),
            expect: &[
                lacks(2, "x"),
                Expect::Anomaly(AnomalyKind::StaleRead),
                Expect::Anomaly(AnomalyKind::NotLinearizable),
            ],
        },
        Step {
            caption: "The follower catches up and the last read returns 1.",
            at: reply(3),
            expect: &[holds(2, "x", 1)],
        },
    ],
};
