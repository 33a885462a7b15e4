//! Geometry for the topology view: where nodes sit, and where each message
//! is at the cursor — `(now − sent_at) / (deliver_at − sent_at)` of the way
//! along its link, or falling away if it was lost. Pure functions of the
//! trace, so they are tested natively.

use replicascope_core::node::NodeId;
use replicascope_core::time::Instant;
use replicascope_core::trace::{Fate, Trace};

pub const WIDTH: f64 = 640.0;
pub const HEIGHT: f64 = 420.0;
/// Where client requests come from.
pub const CLIENTS: Point = Point {
    x: 56.0,
    y: HEIGHT / 2.0,
};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Point {
    pub fn lerp(self, to: Point, f: f64) -> Point {
        Point {
            x: self.x + (to.x - self.x) * f,
            y: self.y + (to.y - self.y) * f,
        }
    }
}

/// Node positions. A leader (if a node says it is one) sits at the top and
/// the others on an arc below it, like the article's diagrams; otherwise
/// nodes sit on a circle.
pub fn node_positions(roles: &[String]) -> Vec<Point> {
    let n = roles.len();
    let center = Point {
        x: WIDTH / 2.0 + 40.0,
        y: HEIGHT / 2.0 + 10.0,
    };
    let leader = roles.iter().position(|r| r == "leader");
    if let (Some(leader), true) = (leader, n > 1) {
        let others = n - 1;
        let mut out = vec![
            Point {
                x: center.x,
                y: 0.0
            };
            n
        ];
        out[leader] = Point {
            x: center.x,
            y: 70.0,
        };
        let mut k = 0;
        for (i, p) in out.iter_mut().enumerate() {
            if i == leader {
                continue;
            }
            // Spread followers evenly along a shallow arc.
            let f = if others == 1 {
                0.5
            } else {
                k as f64 / (others - 1) as f64
            };
            let angle = std::f64::consts::PI * (0.85 - 0.7 * f);
            *p = Point {
                x: center.x + 230.0 * angle.cos(),
                y: 150.0 + 190.0 * angle.sin(),
            };
            k += 1;
        }
        return out;
    }
    let r = if n <= 3 { 130.0 } else { 165.0 };
    (0..n)
        .map(|i| {
            let angle = -std::f64::consts::FRAC_PI_2
                + 2.0 * std::f64::consts::PI * i as f64 / n.max(1) as f64;
            Point {
                x: center.x + r * angle.cos(),
                y: center.y + r * angle.sin(),
            }
        })
        .collect()
}

/// A message drawn at the cursor.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dot {
    pub id: u32,
    pub from: NodeId,
    pub to: NodeId,
    /// How far along its link, 0 to 1.
    pub progress: f64,
    /// For a lost message: how far through its fall, 0 to 1.
    pub falling: Option<f64>,
}

/// How long a lost message takes to fall out of view.
pub fn fall_us(max_flight_us: u64) -> u64 {
    (max_flight_us / 2).clamp(2_000, 200_000)
}

/// Every message visible at `now`, at most `limit` (newest first wins).
pub fn dots_at(trace: &Trace, now: Instant, max_flight_us: u64, limit: usize) -> Vec<Dot> {
    let fall = fall_us(max_flight_us);
    let horizon = now.0.saturating_sub(max_flight_us + fall);
    let end = trace.messages.partition_point(|m| m.sent_at <= now);
    let mut dots = Vec::new();
    let mut i = end;
    while i > 0 && dots.len() < limit {
        i -= 1;
        let Some(m) = trace.messages.get(i) else {
            break;
        };
        if m.sent_at.0 < horizon {
            break;
        }
        let span = m.deliver_at.0.saturating_sub(m.sent_at.0);
        let dot = |progress: f64, falling: Option<f64>| Dot {
            id: i as u32,
            from: m.from,
            to: m.to,
            progress,
            falling,
        };
        match m.fate {
            Fate::Delivered | Fate::InFlight => {
                if now < m.deliver_at {
                    dots.push(dot((now.0 - m.sent_at.0) as f64 / span.max(1) as f64, None));
                }
            }
            Fate::Dropped { .. } => {
                if span == 0 {
                    // Lost as it left: it tumbles out near the sender.
                    let t = now.0 - m.sent_at.0;
                    if t < fall {
                        dots.push(dot(0.3, Some(t as f64 / fall as f64)));
                    }
                } else if now < m.deliver_at {
                    dots.push(dot((now.0 - m.sent_at.0) as f64 / span as f64, None));
                } else {
                    let t = now.0 - m.deliver_at.0;
                    if t < fall {
                        dots.push(dot(0.85, Some(t as f64 / fall as f64)));
                    }
                }
            }
        }
    }
    dots.reverse();
    dots
}

#[cfg(test)]
mod tests {
    use super::*;
    use replicascope_core::presets;
    use replicascope_core::run;

    #[test]
    fn messages_move_along_their_link() {
        let s = presets::find("single-leader-sync-write")
            .unwrap()
            .scenario();
        let r = run::start(&s).unwrap();
        // Replicate is sent at 10 ms and arrives at 20 ms.
        let dots = dots_at(r.trace(), Instant(15_000), 10_000, 100);
        assert_eq!(dots.len(), 1);
        assert_eq!(dots[0].progress, 0.5);
        assert_eq!((dots[0].from, dots[0].to), (NodeId(0), NodeId(1)));
        assert!(dots_at(r.trace(), Instant(9_000), 10_000, 100).is_empty());
        assert!(dots_at(r.trace(), Instant(31_000), 10_000, 100).is_empty());
    }

    #[test]
    fn lost_messages_fall() {
        let s = presets::find("single-leader-async-crash-loses-write")
            .unwrap()
            .scenario();
        let r = run::start(&s).unwrap();
        let lost: Vec<_> = r
            .trace()
            .messages
            .iter()
            .enumerate()
            .filter(|(_, m)| matches!(m.fate, Fate::Dropped { .. }))
            .map(|(i, m)| (i, m.sent_at, m.deliver_at))
            .collect();
        assert!(!lost.is_empty());
        let (id, sent, deliver) = lost[0];
        // Somewhere in its life the dropped message is drawn falling.
        let fall = fall_us(100_000);
        let t = if deliver > sent {
            deliver.0 + fall / 2
        } else {
            sent.0 + fall / 2
        };
        let dots = dots_at(r.trace(), Instant(t), 100_000, 100);
        let d = dots
            .iter()
            .find(|d| d.id as usize == id)
            .expect("the lost message is visible");
        assert!(d.falling.is_some_and(|f| f > 0.4 && f < 0.6));
    }

    #[test]
    fn leader_on_top() {
        let roles: Vec<String> = ["leader", "follower", "follower"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let p = node_positions(&roles);
        assert!(p[0].y < p[1].y && p[0].y < p[2].y);
        assert!(p
            .iter()
            .all(|q| q.x > 0.0 && q.x < WIDTH && q.y > 0.0 && q.y < HEIGHT));
        let ring = node_positions(&vec![String::from("peer"); 9]);
        assert!(ring
            .iter()
            .all(|q| q.x > 0.0 && q.x < WIDTH && q.y > 0.0 && q.y < HEIGHT));
    }
}
