//! Geometry for the topology view: where nodes sit (on an arc under the
//! leader, on a circle, or grouped in datacenter boxes round a ring), where
//! a directed replication arrow runs, and where each message is at the
//! cursor — `(now − sent_at) / (deliver_at − sent_at)` of the way along its
//! link, or falling away if it was lost. Pure functions of the trace and
//! the core's grouping, so they are tested natively.

use replicascope_core::node::{NodeId, Role};
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
pub fn node_positions(roles: &[Role]) -> Vec<Point> {
    let n = roles.len();
    let center = Point {
        x: WIDTH / 2.0 + 40.0,
        y: HEIGHT / 2.0 + 10.0,
    };
    let leader = roles.iter().position(|&r| r == Role::Leader);
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

/// A datacenter's box, in picture coordinates (top-left corner and size).
#[derive(Clone, Debug, PartialEq)]
pub struct DcBox {
    pub name: String,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// Nodes grouped in datacenter boxes, and the one radius every node gets.
#[derive(Clone, Debug, PartialEq)]
pub struct DcLayout {
    pub nodes: Vec<Point>,
    pub boxes: Vec<DcBox>,
    pub radius: f64,
}

/// Room above a box's nodes for its name.
const DC_LABEL: f64 = 16.0;
/// Inner margin of a box, and the gap between two nodes.
const DC_PAD: f64 = 8.0;
const DC_GAP: f64 = 8.0;

/// Where datacenter boxes go: one above the other for two, otherwise round an
/// ellipse starting at the top, so a circular topology reads as a ring
/// and a star's hub (dc 1) sits on top. Returns the slot centres and the
/// room each slot has (width, height), chosen so neighbours never touch.
fn dc_slots(k: usize) -> (Vec<Point>, f64, f64) {
    let c = Point { x: 365.0, y: 210.0 };
    if k <= 2 {
        // One above the other, each a row with its leader on the left:
        // the clients reach both leaders without crossing a datacenter.
        let pts = [115.0, 305.0]
            .iter()
            .take(k)
            .map(|&y| Point { x: c.x, y })
            .collect();
        return (pts, 400.0, 180.0);
    }
    let (rx, ry, w, h) = match k {
        3 => (150.0, 115.0, 200.0, 165.0),
        4 => (175.0, 135.0, 180.0, 130.0),
        _ => (185.0, 145.0, 150.0, 112.0),
    };
    let pts = (0..k)
        .map(|i| {
            let a = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / k as f64;
            Point {
                x: c.x + rx * a.cos(),
                y: c.y + ry * a.sin(),
            }
        })
        .collect();
    (pts, w, h)
}

/// Nodes grouped by datacenter (`groups`: each datacenter's name and its
/// members, leader first, as the core lists them). All boxes share one
/// arrangement and radius: the members in one row (the leader at the end
/// nearer the picture's centre, so leader-to-leader arrows stay short), or
/// the leader in a row of its own beside a row of its followers (on the
/// side facing the centre) when that lets nodes be bigger. `n` is the cluster size; a node no group names stays at 0, 0.
pub fn datacenter_layout(groups: &[(String, Vec<NodeId>)], n: usize) -> DcLayout {
    let (slots, sw, sh) = dc_slots(groups.len());
    let m = groups
        .iter()
        .map(|(_, g)| g.len())
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let inner_w = sw - 2.0 * DC_PAD;
    let inner_h = sh - DC_LABEL - 2.0 * DC_PAD;
    let r_row = ((inner_w - (m - 1.0) * DC_GAP) / (2.0 * m)).min(inner_h / 2.0);
    let r_two = if m >= 2.0 {
        ((inner_w - (m - 2.0) * DC_GAP) / (2.0 * (m - 1.0))).min((inner_h - DC_GAP) / 4.0)
    } else {
        0.0
    };
    let two_rows = r_two > r_row;
    let r = r_row.max(r_two).min(32.0);
    let d = 2.0 * r + DC_GAP;
    let mut nodes = vec![Point { x: 0.0, y: 0.0 }; n];
    let mut boxes = Vec::with_capacity(groups.len());
    for ((name, members), c) in groups.iter().zip(slots) {
        let k = members.len().max(1) as f64;
        let (cols, rows) = if two_rows && k >= 2.0 {
            (k - 1.0, 2.0)
        } else {
            (k, 1.0)
        };
        let w = (cols * d - DC_GAP + 2.0 * DC_PAD).max(64.0);
        let h = DC_LABEL + rows * d - DC_GAP + 2.0 * DC_PAD;
        let (x0, y0) = (c.x - w / 2.0, c.y - h / 2.0);
        let top = y0 + DC_LABEL + DC_PAD + r;
        // In one row the leader takes the end facing the centre (with two
        // datacenters, the end facing the clients).
        let flip = !two_rows && (c.x > 365.0 + 1.0 || groups.len() <= 2);
        // In two rows the leader's row faces the centre too: below its
        // followers in the upper boxes, above them in the lower ones, so
        // arrows between leaders never cross a follower.
        let lead_row = if c.y < 210.0 { 1.0 } else { 0.0 };
        for (i, id) in members.iter().enumerate() {
            let Some(p) = nodes.get_mut(id.index()) else {
                continue;
            };
            let (col, row) = match (rows > 1.0, i) {
                (true, 0) => ((cols - 1.0) / 2.0, lead_row),
                (true, i) => ((i - 1) as f64, 1.0 - lead_row),
                (false, i) if flip => (i as f64, 0.0),
                (false, i) => (k - 1.0 - i as f64, 0.0),
            };
            *p = Point {
                x: c.x + (col - (cols - 1.0) / 2.0) * d,
                y: top + row * d,
            };
        }
        boxes.push(DcBox {
            name: name.clone(),
            x: x0,
            y: y0,
            w,
            h,
        });
    }
    DcLayout {
        nodes,
        boxes,
        radius: r,
    }
}

/// Where the hash ring is drawn (leaderless runs): right of the clients,
/// with room outside it for each node's rank in a preference list.
pub const RING_CENTER: Point = Point { x: 365.0, y: 214.0 };
pub const RING_RADIUS: f64 = 152.0;

/// The point `fraction` of a turn round the ring (clockwise from the top,
/// as ring positions are drawn), `r` from its centre.
pub fn on_ring(fraction: f64, r: f64) -> Point {
    let a = std::f64::consts::TAU * fraction - std::f64::consts::FRAC_PI_2;
    Point {
        x: RING_CENTER.x + r * a.cos(),
        y: RING_CENTER.y + r * a.sin(),
    }
}

/// Nodes at their ring positions (fractions of a turn, from the core),
/// and the one radius they all get: sized to the two closest neighbours,
/// so twelve nodes never touch and still leave room for halos.
pub fn ring_layout(positions: &[f64]) -> (Vec<Point>, f64) {
    let nodes = positions.iter().map(|&p| on_ring(p, RING_RADIUS)).collect();
    // The smallest gap between two nodes, as a fraction of a turn (pairs
    // rather than a sort: a dozen nodes, and no sort routine in the wasm).
    let mut gap: f64 = 1.0;
    for (i, a) in positions.iter().enumerate() {
        for b in &positions[i + 1..] {
            let d = (a - b).rem_euclid(1.0);
            gap = gap.min(d.min(1.0 - d));
        }
    }
    let chord = 2.0 * RING_RADIUS * (std::f64::consts::PI * gap).sin();
    (nodes, (0.32 * chord).clamp(12.0, 30.0))
}

/// The SVG path of the ring's arc clockwise from `from` to `to` (fractions
/// of a turn): a key's stretch of the ring up to its last replica.
pub fn ring_arc(from: f64, to: f64) -> String {
    let span = (to - from).rem_euclid(1.0);
    let (a, b) = (
        on_ring(from, RING_RADIUS),
        on_ring(from + span, RING_RADIUS),
    );
    let large = if span > 0.5 { 1 } else { 0 };
    format!(
        "M{:.1} {:.1}A{RING_RADIUS} {RING_RADIUS} 0 {large} 1 {:.1} {:.1}",
        a.x, a.y, b.x, b.y
    )
}

/// The visible part of a directed link between two nodes of radius `r`:
/// from the sender's rim to just short of the receiver's (room for the
/// arrowhead), shifted `offset` to the left of the direction of travel so
/// the two directions of a pair run side by side.
pub fn arrow(from: Point, to: Point, r: f64, offset: f64) -> (Point, Point) {
    let (dx, dy) = (to.x - from.x, to.y - from.y);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let (ux, uy) = (dx / len, dy / len);
    let (ox, oy) = (uy * offset, -ux * offset);
    (
        Point {
            x: from.x + ux * (r + 2.0) + ox,
            y: from.y + uy * (r + 2.0) + oy,
        },
        Point {
            x: to.x - ux * (r + 3.0) + ox,
            y: to.y - uy * (r + 3.0) + oy,
        },
    )
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

    fn groups(dcs: u16, per: u16) -> Vec<(String, Vec<NodeId>)> {
        (0..dcs)
            .map(|d| {
                let members = (d * per..(d + 1) * per).map(NodeId).collect();
                (format!("dc {}", d + 1), members)
            })
            .collect()
    }

    fn overlaps(a: &DcBox, b: &DcBox) -> bool {
        a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
    }

    #[test]
    fn datacenter_boxes_hold_their_nodes_and_never_overlap() {
        for dcs in 2..=5u16 {
            for per in 1..=4u16 {
                let n = usize::from(dcs * per);
                let l = datacenter_layout(&groups(dcs, per), n);
                assert_eq!(l.boxes.len(), usize::from(dcs));
                let ctx = format!("{dcs} dcs × {per}");
                for (i, b) in l.boxes.iter().enumerate() {
                    assert!(b.x > CLIENTS.x + 34.0 && b.x + b.w < WIDTH, "{ctx}: {b:?}");
                    assert!(b.y > 0.0 && b.y + b.h < HEIGHT, "{ctx}: {b:?}");
                    for other in &l.boxes[i + 1..] {
                        assert!(!overlaps(b, other), "{ctx}: {b:?} {other:?}");
                    }
                    for k in 0..usize::from(per) {
                        let p = l.nodes[i * usize::from(per) + k];
                        assert!(
                            p.x - l.radius >= b.x && p.x + l.radius <= b.x + b.w,
                            "{ctx}"
                        );
                        assert!(
                            p.y - l.radius >= b.y + DC_LABEL && p.y + l.radius <= b.y + b.h,
                            "{ctx}"
                        );
                    }
                }
                // No two nodes touch.
                for (i, p) in l.nodes.iter().enumerate() {
                    for q in &l.nodes[i + 1..] {
                        let gap = ((p.x - q.x).powi(2) + (p.y - q.y).powi(2)).sqrt();
                        assert!(gap >= 2.0 * l.radius + 4.0, "{ctx}");
                    }
                }
                assert!(l.radius >= 15.0, "{ctx}: nodes stay clickable");
            }
        }
        // Two datacenters of two: big nodes, each leader left of its
        // follower, dc 1 above dc 2.
        let l = datacenter_layout(&groups(2, 2), 4);
        assert_eq!(l.radius, 32.0);
        assert!(l.nodes[0].x < l.nodes[1].x && l.nodes[0].y == l.nodes[1].y);
        assert!(l.nodes[0].y < l.nodes[2].y && l.nodes[0].x == l.nodes[2].x);
        // Five of four: each leader's row faces the centre — dc 1 (top)
        // has its leader below its three followers, dc 3 (bottom) above.
        let l = datacenter_layout(&groups(5, 4), 20);
        assert!(l.nodes[0].y > l.nodes[1].y && l.nodes[1].y == l.nodes[3].y);
        assert!(l.nodes[8].y < l.nodes[9].y);
    }

    #[test]
    fn arrows_stop_short_of_the_receiver_and_pairs_run_side_by_side() {
        let (a, b) = (Point { x: 0.0, y: 0.0 }, Point { x: 100.0, y: 0.0 });
        let (s, e) = arrow(a, b, 10.0, 0.0);
        assert_eq!((s.x, e.x, s.y, e.y), (12.0, 87.0, 0.0, 0.0));
        let (there, _) = arrow(a, b, 10.0, 4.0);
        let (back, _) = arrow(b, a, 10.0, 4.0);
        assert!(there.y < 0.0 && back.y > 0.0, "opposite sides");
    }

    #[test]
    fn ring_nodes_sit_on_the_circle_and_twelve_never_touch() {
        // Three nodes a third of a turn apart, node 1 at the top.
        let (p, r) = ring_layout(&[0.0, 1.0 / 3.0, 2.0 / 3.0]);
        assert_eq!(r, 30.0);
        assert!((p[0].x - RING_CENTER.x).abs() < 1e-9);
        assert!((p[0].y - (RING_CENTER.y - RING_RADIUS)).abs() < 1e-9);
        assert!(
            p[1].x > RING_CENTER.x && p[2].x < RING_CENTER.x,
            "clockwise"
        );
        let twelve: Vec<f64> = (0..12).map(|i| f64::from(i) / 12.0).collect();
        let (p, r) = ring_layout(&twelve);
        assert!(r >= 20.0, "still clickable: {r}");
        for (i, a) in p.iter().enumerate() {
            let d = ((a.x - RING_CENTER.x).powi(2) + (a.y - RING_CENTER.y).powi(2)).sqrt();
            assert!((d - RING_RADIUS).abs() < 1e-9);
            // Room outside for a rank label, inside the picture.
            assert!(a.x - r - 40.0 > CLIENTS.x + 34.0 && a.x + r + 40.0 < WIDTH);
            assert!(a.y - r - 20.0 > 0.0 && a.y + r + 20.0 < HEIGHT);
            for b in &p[i + 1..] {
                let gap = ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt();
                // Halos (r + 6) of neighbours stay apart.
                assert!(gap > 2.0 * (r + 8.0), "{gap} {r}");
            }
        }
    }

    #[test]
    fn a_keys_arc_runs_clockwise_to_its_last_replica() {
        // A quarter turn from the top: ends at the right, small arc.
        let top = on_ring(0.0, RING_RADIUS);
        let right = on_ring(0.25, RING_RADIUS);
        assert_eq!(
            ring_arc(0.0, 0.25),
            format!(
                "M{:.1} {:.1}A152 152 0 0 1 {:.1} {:.1}",
                top.x, top.y, right.x, right.y
            )
        );
        // Wrapping past the top, and more than half a turn: large arc.
        assert!(ring_arc(0.9, 0.1).contains(" 0 0 1 "));
        assert!(ring_arc(0.0, 2.0 / 3.0).contains(" 0 1 1 "));
    }

    #[test]
    fn leader_on_top() {
        let p = node_positions(&[Role::Leader, Role::Follower, Role::Follower]);
        assert!(p[0].y < p[1].y && p[0].y < p[2].y);
        assert!(p
            .iter()
            .all(|q| q.x > 0.0 && q.x < WIDTH && q.y > 0.0 && q.y < HEIGHT));
        let ring = node_positions(&[Role::Peer; 9]);
        assert!(ring
            .iter()
            .all(|q| q.x > 0.0 && q.x < WIDTH && q.y > 0.0 && q.y < HEIGHT));
    }
}
