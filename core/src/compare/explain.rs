//! A few plain sentences per row: the mechanism behind the figures, with
//! the figures themselves quoted, so the page and the CLI say the same
//! thing. Only what the setup guarantees is stated as fact; everything
//! else is a measured number.

use alloc::format;
use alloc::string::String;

use super::topology::{FAILOVER_TIMEOUT_MS, SKEW_MS};
use super::{Architecture, Fault, Percentiles, Row, CLIENT_DEADLINE_MS};

/// `p50` of `p` in words, "—" when nothing was measured.
pub fn ms(value: Option<f64>) -> String {
    match value {
        Some(v) => format!("{v:.1} ms"),
        None => String::from("—"),
    }
}

fn median(p: &Percentiles) -> String {
    ms(p.p50_ms)
}

/// "38 of 54 writes issued during the fault succeeded, 70 %", or what
/// stands instead.
pub fn availability(row: &Row) -> String {
    match &row.write_availability {
        Some(a) => match a.share {
            Some(share) => format!(
                "{} of {} writes issued during the fault succeeded, {:.0} %",
                a.succeeded,
                a.issued,
                share * 100.0
            ),
            None => String::from("no write was issued during the fault"),
        },
        None => String::from("there was no fault"),
    }
}

fn lost_sentence(lost: u64) -> String {
    match lost {
        0 => String::from("No acknowledged write was lost."),
        1 => String::from("One acknowledged write was lost."),
        n => format!("{n} acknowledged writes were lost."),
    }
}

/// Why `row` came out as it did under `fault`.
pub fn explain(row: &Row, fault: Fault) -> String {
    let w = median(&row.write_latency);
    let r = median(&row.read_latency);
    let avail = availability(row);
    let lost = &row.lost_writes;
    let (how, under) = match row.architecture {
        Architecture::SingleLeaderSync => (
            format!(
                "Every write waits until both followers, in dc 2 and dc 3, have it: a WAN round trip, and users in dc 2 and dc 3 \
                 cross the WAN to reach the leader in dc 1 first (median {w}). \
                 Reads go to a follower; {} were stale, since nothing is acknowledged before every follower holds it.",
                row.stale_reads
            ),
            match fault {
                Fault::None => String::new(),
                Fault::Crash => format!(
                    "With node 1 down, writes failed until dc 2 and dc 3 elected a new leader after {FAILOVER_TIMEOUT_MS} ms of silence, \
                     and that leader waits for every follower — the crashed one too — so writes stalled until node 1 was back: {avail}. {}",
                    lost_sentence(lost.total)
                ),
                Fault::Partition => format!(
                    "Cut off from both followers, the leader could acknowledge nothing: {avail}. {}",
                    lost_sentence(lost.total)
                ),
                Fault::Skew => String::from(
                    "The leader's log orders the writes, not the clocks, so the skew changes nothing.",
                ),
            },
        ),
        Architecture::SingleLeaderAsync => (
            format!(
                "The leader answers as soon as it has written locally, but users in dc 2 and dc 3 still cross the WAN to reach it \
                 in dc 1 and back (median {w}); the followers catch up a WAN hop later: \
                 {} reads on a follower returned older data than an acknowledged write.",
                row.stale_reads
            ),
            match fault {
                Fault::None => String::new(),
                Fault::Crash if lost.total == 0 => format!(
                    "Writes failed only until a follower took over: {avail}. The crash lost no acknowledged write: \
                     each was already on its way to the followers when the leader stopped."
                ),
                Fault::Crash => format!(
                    "Writes failed only until a follower took over: {avail}. {} acknowledged writes had not reached \
                     the follower that took over and were lost.",
                    lost.total
                ),
                Fault::Partition => format!(
                    "The cut-off leader kept acknowledging writes while dc 2 and dc 3 elected another leader — {avail} — \
                     and when the partition healed it stepped down: {} acknowledged writes were gone.",
                    lost.total
                ),
                Fault::Skew => String::from(
                    "The leader's log orders the writes, not the clocks, so the skew changes nothing.",
                ),
            },
        ),
        Architecture::MultiLeader => (
            format!(
                "Each user's own datacenter leader acknowledges locally (median {w}) and ships the write to the others afterwards. \
                 {} pairs of concurrent writes to one key were found; last write wins settled each by timestamp and silently discarded {} \
                 acknowledged writes. {} reads returned older data.",
                row.conflicts, lost.discarded, row.stale_reads
            ),
            match fault {
                Fault::None => String::new(),
                Fault::Crash => format!(
                    "While dc 1's leader was down its users were routed to dc 2's: {avail}."
                ),
                Fault::Partition => format!(
                    "All three leaders kept taking writes — {avail} — and when dc 1 came back its writes met the others' and won or lost by timestamp."
                ),
                Fault::Skew => format!(
                    "Node 1 stamps its writes {SKEW_MS} ms in the past: {} of the discarded writes were made after, \
                     in real time, a write that beat them.",
                    lost.discarded_by_earlier
                ),
            },
        ),
        Architecture::Leaderless => (
            format!(
                "Writes and reads each wait for two of the three replicas — the coordinator's own and another datacenter's \
                 (medians {w} and {r}). With w + r > n, {} reads were stale; {} reads came back with siblings, \
                 concurrent versions kept side by side for the application to merge.",
                row.stale_reads, row.sibling_reads
            ),
            match fault {
                Fault::None => String::new(),
                Fault::Crash => format!(
                    "Two of three replicas still make a quorum, and dc 1's users went to another coordinator: {avail}."
                ),
                Fault::Partition => format!(
                    "Dc 1's node reached only itself, one replica short of w = 2, so its users' writes failed; \
                     dc 2 and dc 3 still formed quorums: {avail}."
                ),
                Fault::Skew => String::from(
                    "Version vectors, not clocks, order the writes, so the skew changes nothing.",
                ),
            },
        ),
    };
    if under.is_empty() {
        how
    } else {
        format!("{how} {under}")
    }
}

/// A row's figures as the table cells show them: the label, write and
/// read p50 / p99, availability, stale reads, conflicts, lost writes.
pub fn figures(r: &Row) -> [String; 9] {
    let availability = match &r.write_availability {
        Some(a) => match a.share {
            Some(share) => format!("{:.0} % ({}/{})", share * 100.0, a.succeeded, a.issued),
            None => String::from("no writes"),
        },
        None => String::from("—"),
    };
    [
        r.label.clone(),
        ms(r.write_latency.p50_ms),
        ms(r.write_latency.p99_ms),
        ms(r.read_latency.p50_ms),
        ms(r.read_latency.p99_ms),
        availability,
        format!("{}", r.stale_reads),
        format!("{}", r.conflicts),
        format!("{}", r.lost_writes.total),
    ]
}

/// What "write availability" means, for captions.
pub fn availability_rule() -> String {
    format!(
        "share of the writes issued while the fault was in force that were acknowledged within {CLIENT_DEADLINE_MS} ms"
    )
}
