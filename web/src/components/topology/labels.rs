//! Where the topology's words go: the clients' waiting requests and the
//! labels of messages in flight, placed by the core's greedy labeller
//! (`label_layout`) around what must stay readable — the nodes with their
//! names, roles and log positions, the clients' box and the datacenter
//! names. A label with no free place is shortened or left out; the
//! element's tooltip and the inspector keep its whole text.

use replicascope_core::label_layout::{text_box, text_width, Anchor, Placed, Placer, Rect, Spot};

use crate::layout::{Point, CLIENTS, HEIGHT, WIDTH};

/// The size of both kinds of label (`.client-line text`, `.dot text`).
const LABEL_PX: f64 = 13.0;

/// What the labels must keep clear of.
pub struct Obstacles<'a> {
    pub nodes: &'a [Point],
    pub radius: f64,
    /// Which nodes show a log position under their circle.
    pub lsn_below: &'a [bool],
    /// Datacenter name labels: their start point and text.
    pub dc_names: &'a [(Point, String)],
    /// Anything else drawn with words (a ring's ranks and key, hint
    /// badges).
    pub taken: &'a [Rect],
}

/// A client's request line, from the clients' box to `target`.
pub struct ClientLabel<'a> {
    pub target: Point,
    pub text: &'a str,
}

/// A message's dot at `at`.
pub struct DotLabel<'a> {
    pub at: Point,
    pub text: &'a str,
}

/// Places the client labels first (they are the story's requests), then
/// the dots'; one answer per input, in order, `None` for left out.
pub fn place(
    obstacles: &Obstacles<'_>,
    clients: &[ClientLabel<'_>],
    dots: &[DotLabel<'_>],
) -> (Vec<Option<Placed>>, Vec<Option<Placed>>) {
    let mut placer = Placer::new(Rect::new(0.0, 0.0, WIDTH, HEIGHT), LABEL_PX, 1.0);
    let r = obstacles.radius;
    for (i, p) in obstacles.nodes.iter().enumerate() {
        placer.block(Rect::new(p.x - r, p.y - r, p.x + r, p.y + r));
        if obstacles.lsn_below.get(i).copied().unwrap_or(false) {
            // "LSN 12" at 12 px, 50 px under the centre.
            let w = text_width("LSN 000", 12.0);
            placer.block(text_box(
                Spot::new(p.x, p.y + 50.0, Anchor::Middle),
                w,
                12.0,
                1.0,
            ));
        }
    }
    for r in obstacles.taken {
        placer.block(*r);
    }
    placer.block(Rect::new(
        CLIENTS.x - 34.0,
        CLIENTS.y - 20.0,
        CLIENTS.x + 34.0,
        CLIENTS.y + 20.0,
    ));
    for (at, name) in obstacles.dc_names {
        placer.block(text_box(
            Spot::new(at.x, at.y, Anchor::Start),
            text_width(name, 12.0),
            12.0,
            1.0,
        ));
    }

    let start = Point {
        x: CLIENTS.x + 34.0,
        y: CLIENTS.y,
    };
    let client_spots = |target: Point| -> Vec<Spot> {
        let mut spots = Vec::with_capacity(10);
        for dy in [-6.0, 16.0] {
            for t in [0.5, 0.35, 0.65, 0.25, 0.75] {
                let p = start.lerp(target, t);
                spots.push(Spot::new(p.x, p.y + dy, Anchor::Middle));
            }
        }
        spots
    };
    let client_labels = clients
        .iter()
        .map(|c| placer.place(c.text, &client_spots(c.target)))
        .collect();
    let dot_labels = dots
        .iter()
        .map(|d| {
            let a = d.at;
            // Beside the dot first; a dot just leaving (or reaching) a node
            // sits on its circle, so then further up or down.
            let mut spots = vec![
                Spot::new(a.x, a.y - 11.0, Anchor::Middle),
                Spot::new(a.x, a.y + 22.0, Anchor::Middle),
                Spot::new(a.x + 11.0, a.y + 5.0, Anchor::Start),
                Spot::new(a.x - 11.0, a.y + 5.0, Anchor::End),
            ];
            for k in 1..=4 {
                let step = f64::from(k) * 16.0;
                spots.push(Spot::new(a.x, a.y - 11.0 - step, Anchor::Middle));
                spots.push(Spot::new(a.x, a.y + 22.0 + step, Anchor::Middle));
            }
            placer.place(d.text, &spots)
        })
        .collect();
    (client_labels, dot_labels)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boxes(placed: &[Option<Placed>]) -> Vec<Rect> {
        placed
            .iter()
            .flatten()
            .map(|p| text_box(p.spot, text_width(&p.text, LABEL_PX), LABEL_PX, 0.0))
            .collect()
    }

    #[test]
    fn two_requests_to_one_node_and_dots_on_a_node_keep_apart() {
        let nodes = [Point { x: 360.0, y: 70.0 }, Point { x: 180.0, y: 300.0 }];
        let obstacles = Obstacles {
            nodes: &nodes,
            radius: 32.0,
            lsn_below: &[true, true],
            dc_names: &[],
            taken: &[],
        };
        let clients = [
            ClientLabel {
                target: nodes[0],
                text: "write x = 42 — waiting",
            },
            ClientLabel {
                target: nodes[0],
                text: "write x = 42 — waiting",
            },
        ];
        // Two "new leader" messages leaving node 2 together, over its circle.
        let dots = [
            DotLabel {
                at: Point { x: 190.0, y: 290.0 },
                text: "new leader",
            },
            DotLabel {
                at: Point { x: 192.0, y: 288.0 },
                text: "new leader",
            },
        ];
        let (c, d) = place(&obstacles, &clients, &dots);
        let mut all = boxes(&c);
        all.extend(boxes(&d));
        assert_eq!(all.len(), 4, "{c:?} {d:?}");
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert!(!a.overlaps(b), "{a:?} {b:?}");
            }
            for p in &nodes {
                let circle = Rect::new(p.x - 32.0, p.y - 32.0, p.x + 32.0, p.y + 32.0);
                assert!(!a.overlaps(&circle), "{a:?} covers a node");
            }
        }
    }
}
