//! The application's request router for user sessions — the client side
//! of replication lag. Writes go to whichever node leads; reads go to a
//! follower, where lag shows. The router remembers, per session, what the
//! session itself wrote, which is all the classic fixes need: read from
//! the leader for a while after writing (read-your-writes by time), carry
//! the last write's log position so a follower waits until it has it
//! (read-your-writes by position), or always use the same follower
//! (monotonic reads).

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::node::{NodeId, OpId, Outcome, Request};
use crate::rng::SimRng;
use crate::scenario::{ms_to_instant, ReadYourWrites, Routing};
use crate::time::Instant;

/// What the router knows about one session.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Session {
    /// When its last write was acknowledged.
    last_write_at: Option<Instant>,
    /// The highest version (log position) its writes were acknowledged at.
    last_write_version: Option<u64>,
}

/// Every session's memory plus the router's own random stream (for
/// spreading reads over followers).
#[derive(Clone, Debug)]
pub struct Sessions {
    sessions: BTreeMap<u32, Session>,
    /// Session writes not acknowledged yet.
    pending_writes: BTreeMap<OpId, u32>,
    rng: SimRng,
}

/// Where a request goes, and why (a sentence for the narration).
pub struct Route {
    pub node: NodeId,
    pub request: Request,
    pub why: String,
}

impl Sessions {
    pub fn new(seed: u64) -> Sessions {
        Sessions {
            sessions: BTreeMap::new(),
            pending_writes: BTreeMap::new(),
            rng: SimRng::stream(seed, "routing"),
        }
    }

    /// Chooses the node for `request` from `session`. `leader` is the node
    /// that leads now (if any is up); `followers` every other node, in id
    /// order, with whether it is up.
    pub fn route(
        &mut self,
        routing: &Routing,
        session: u32,
        request: Request,
        now: Instant,
        leader: Option<NodeId>,
        followers: &[(NodeId, bool)],
    ) -> Route {
        let who = format!("User {session}");
        let state = self.sessions.get(&session).cloned().unwrap_or_default();
        let fallback = leader.or_else(|| followers.first().map(|f| f.0));
        let Some(any) = fallback else {
            return Route {
                node: NodeId(0),
                request,
                why: format!("{who} finds no node to talk to."),
            };
        };
        if request.is_write() {
            return match leader {
                Some(l) => Route {
                    node: l,
                    request,
                    why: format!("{who}'s write goes to the leader, {l}."),
                },
                None => Route {
                    node: any,
                    request,
                    why: format!("{who}'s write finds no leader up; it is sent to {any}."),
                },
            };
        }
        if routing.read_your_writes == ReadYourWrites::LeaderWindow {
            if let (Some(l), Some(at)) = (leader, state.last_write_at) {
                let window = ms_to_instant(routing.leader_window_ms);
                if now.0.saturating_sub(at.0) < window.0 {
                    return Route {
                        node: l,
                        request,
                        why: format!(
                            "{who} wrote {} ago, within the {} ms read-your-writes window: the read goes to the leader, {l}.",
                            crate::time::Duration(now.0.saturating_sub(at.0)),
                            routing.leader_window_ms
                        ),
                    };
                }
            }
        }
        let request = match (routing.read_your_writes, request) {
            (ReadYourWrites::LogPosition, Request::Read { key, .. }) => Request::Read {
                key,
                at_least: state.last_write_version,
            },
            (_, r) => r,
        };
        let all: Vec<NodeId> = followers.iter().map(|f| f.0).collect();
        let up: Vec<NodeId> = followers.iter().filter(|f| f.1).map(|f| f.0).collect();
        let (node, how) = if routing.sticky_reads && !all.is_empty() {
            let f = all[session as usize % all.len()];
            (f, format!("its own follower, {f} (sticky reads)"))
        } else if !up.is_empty() {
            let f = up[self.rng.index(up.len())];
            (f, format!("a follower picked at random, {f}"))
        } else {
            (any, format!("{any}: no follower is up"))
        };
        let position = match &request {
            Request::Read {
                at_least: Some(v), ..
            } => format!(" carrying its last write's position (version {v})"),
            _ => String::new(),
        };
        Route {
            node,
            request,
            why: format!("{who}'s read goes to {how}{position}."),
        }
    }

    /// Remembers a routed write until its answer arrives.
    pub fn sent(&mut self, session: u32, op: OpId, request: &Request) {
        if request.is_write() {
            self.pending_writes.insert(op, session);
        }
    }

    /// A reply arrived: an acknowledged write moves its session forward.
    pub fn answered(&mut self, op: OpId, outcome: &Outcome, now: Instant) {
        let Some(session) = self.pending_writes.remove(&op) else {
            return;
        };
        if let Outcome::Written { version, .. } = outcome {
            let s = self.sessions.entry(session).or_default();
            s.last_write_at = Some(now);
            s.last_write_version = Some(s.last_write_version.unwrap_or(0).max(*version));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn followers() -> Vec<(NodeId, bool)> {
        alloc::vec![(NodeId(1), true), (NodeId(2), true)]
    }

    #[test]
    fn writes_go_to_the_leader_and_reads_to_followers() {
        let mut s = Sessions::new(1);
        let r = Routing::default();
        let w = s.route(
            &r,
            1,
            Request::Write {
                key: "x".into(),
                value: 1,
            },
            Instant(0),
            Some(NodeId(0)),
            &followers(),
        );
        assert_eq!(w.node, NodeId(0));
        let read = s.route(
            &r,
            1,
            Request::read("x"),
            Instant(0),
            Some(NodeId(0)),
            &followers(),
        );
        assert_ne!(read.node, NodeId(0));
    }

    #[test]
    fn leader_window_sends_recent_writers_to_the_leader() {
        let mut s = Sessions::new(1);
        let r = Routing {
            read_your_writes: ReadYourWrites::LeaderWindow,
            leader_window_ms: 100.0,
            sticky_reads: false,
        };
        s.sent(
            7,
            OpId(0),
            &Request::Write {
                key: "x".into(),
                value: 1,
            },
        );
        s.answered(OpId(0), &Outcome::written(3), Instant(1_000));
        let soon = s.route(
            &r,
            7,
            Request::read("x"),
            Instant(50_000),
            Some(NodeId(0)),
            &followers(),
        );
        assert_eq!(soon.node, NodeId(0));
        let later = s.route(
            &r,
            7,
            Request::read("x"),
            Instant(200_000),
            Some(NodeId(0)),
            &followers(),
        );
        assert_ne!(later.node, NodeId(0));
        // Another user's read is not affected.
        let other = s.route(
            &r,
            8,
            Request::read("x"),
            Instant(50_000),
            Some(NodeId(0)),
            &followers(),
        );
        assert_ne!(other.node, NodeId(0));
    }

    #[test]
    fn log_position_rides_on_the_read() {
        let mut s = Sessions::new(1);
        let r = Routing {
            read_your_writes: ReadYourWrites::LogPosition,
            ..Routing::default()
        };
        s.sent(
            1,
            OpId(4),
            &Request::Write {
                key: "x".into(),
                value: 1,
            },
        );
        s.answered(OpId(4), &Outcome::written(9), Instant(1));
        let read = s.route(
            &r,
            1,
            Request::read("x"),
            Instant(2),
            Some(NodeId(0)),
            &followers(),
        );
        assert_eq!(
            read.request,
            Request::Read {
                key: "x".into(),
                at_least: Some(9)
            }
        );
    }

    #[test]
    fn sticky_reads_always_pick_the_same_follower() {
        let mut s = Sessions::new(1);
        let r = Routing {
            sticky_reads: true,
            ..Routing::default()
        };
        let picks: Vec<NodeId> = (0..10)
            .map(|t| {
                s.route(
                    &r,
                    3,
                    Request::read("x"),
                    Instant(t),
                    Some(NodeId(0)),
                    &followers(),
                )
                .node
            })
            .collect();
        assert!(picks.iter().all(|&n| n == picks[0]), "{picks:?}");
        assert_eq!(picks[0], NodeId(2)); // session 3 of two followers
    }
}
