//! Anti-entropy: Merkle trees. Each leaderless node keeps a hash tree over
//! the keys it shares with its ring neighbours; in the background it
//! swaps hashes with its successor top-down, descends only where they
//! differ, and syncs just the keys under differing leaves. This panel
//! draws a chosen node's tree for its successor beside the successor's
//! tree for it, level by level from the root: each tree node coloured by
//! the latest exchange's verdict (equal green, different red, not
//! compared grey), and a "≠" where the two hashes differ right now — so a
//! repair shows as red verdicts over hashes that have become equal.
//! Shown only for runs with anti-entropy on; the trees come from the core.

use replicascope_core::protocol::Spec;
use std::fmt::Write;
use std::rc::Rc;

use replicascope_core::node::{NodeId, TreeNodeView, TreeView};
use replicascope_core::run::Snapshot;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::state::Frame;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub frame: Rc<Frame>,
}

/// Picture width, each tree's width, and the gap between the two.
const W: f64 = 760.0;
const TREE_W: f64 = 360.0;
/// Levels whose boxes are narrower than this are drawn as thin bars (a
/// depth-8 tree has 256 leaves).
const TEXT_W: f64 = 40.0;
/// Height of a level with text, and of a level of thin bars.
const ROW: f64 = 38.0;
const BAR_ROW: f64 = 14.0;

/// The node after `me` clockwise on the ring (positions from the core):
/// the one `me` compares trees with.
pub fn successor(positions: &[f64], me: usize) -> Option<usize> {
    let mine = *positions.get(me)?;
    (0..positions.len()).filter(|&j| j != me).min_by(|&a, &b| {
        let d = |j: usize| (positions[j] - mine).rem_euclid(1.0);
        d(a).total_cmp(&d(b))
    })
}

/// A range bound in few characters: 2000, 536M, 4G (the box's title has
/// the exact figures).
fn short(v: u64) -> String {
    match v {
        0..=9_999 => v.to_string(),
        10_000..=9_999_999 => (v / 1_000).to_string() + "k",
        10_000_000..=999_999_999 => (v / 1_000_000).to_string() + "M",
        _ => (v / 1_000_000_000).to_string() + "G",
    }
}

/// One tree, `x` from the picture's left, as SVG text appended to `out`
/// (a few hundred boxes are one string for the browser to parse rather
/// than a virtual node each, as the latency chart does); `other` is the
/// tree it is compared with, for the "hashes differ now" mark. Returns the
/// height used.
fn tree(out: &mut String, which: &str, t: &TreeView, other: Option<&TreeView>, x: f64) -> f64 {
    let mut y = 24.0;
    for (level, nodes) in t.levels.iter().enumerate() {
        let slot = TREE_W / nodes.len().max(1) as f64;
        let text = slot >= TEXT_W;
        let gap = if slot >= 8.0 { 3.0 } else { 0.0 };
        let (w, h) = (slot - gap, if text { ROW - 8.0 } else { BAR_ROW - 4.0 });
        for (i, n) in nodes.iter().enumerate() {
            let now_differs = other
                .and_then(|o| o.levels.get(level)?.get(i))
                .is_some_and(|o: &TreeNodeView| o.hash != n.hash);
            let (verdict, word) = match n.compared {
                Some(true) => ("equal", "equal"),
                Some(false) => ("differs", "different"),
                None => ("unknown", "not compared"),
            };
            let (lo, hi) = n.range;
            let bx = x + i as f64 * slot + gap / 2.0;
            let cx = bx + w / 2.0;
            let _ = write!(
                out,
                "<g class=\"tn {verdict}{}{}\" data-tree=\"{which}\" data-level=\"{level}\" data-range=\"{lo}-{hi}\">\
                 <title>[{lo}, {hi}) · hash {} · {} key(s) · last exchange: {word}{}</title>\
                 <rect x=\"{bx:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" rx=\"3\"/>",
                if now_differs { " now-differs" } else { "" },
                if text { "" } else { " thin" },
                n.hash,
                n.keys,
                if now_differs { " · the two trees' hashes differ now" } else { "" },
            );
            // The range when it fits above the hash; the "≠" mark when
            // there is room for it (a narrow box has its outline).
            let two_lines = slot >= 84.0;
            if text && two_lines {
                let _ = write!(
                    out,
                    "<text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">[{},{})</text>",
                    y + 12.5,
                    short(lo),
                    short(hi)
                );
            }
            if text {
                let _ = write!(
                    out,
                    "<text class=\"hash\" x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}{}</text>",
                    y + if two_lines { 25.0 } else { 19.0 },
                    if now_differs && slot >= 60.0 { "≠" } else { "" },
                    n.hash
                );
            }
            out.push_str("</g>");
        }
        y += if text { ROW } else { BAR_ROW };
    }
    y
}

/// "5 hashes exchanged, 4 keys synced" for node `i`, from its view.
fn counts(snap: &Snapshot, i: usize) -> String {
    snap.nodes
        .get(i)
        .and_then(|n| n.view.anti_entropy)
        .map(|c| c.to_string())
        .unwrap_or_default()
}

#[function_component(MerkleView)]
pub fn merkle_view(props: &Props) -> Html {
    let snap = &props.frame.snapshot;
    let picked = use_state(|| 0usize);
    let positions = {
        let spec = props.frame.run().scenario().protocol.spec();
        if !spec.features().merkle_trees {
            return Html::default();
        }
        spec.ring_positions()
    };
    let me = (*picked).min(positions.len().saturating_sub(1));
    let Some(peer) = successor(&positions, me) else {
        return Html::default();
    };
    let tree_of = |i: usize, for_node: usize| {
        snap.nodes
            .get(i)?
            .view
            .trees
            .iter()
            .find(|t| t.peer == NodeId(for_node as u16))
    };
    let (mine, theirs) = (tree_of(me, peer), tree_of(peer, me));
    // Both trees and their titles, as one piece of SVG.
    let mut svg = String::new();
    let mut height: f64 = 24.0;
    for (x, who, of, t, other) in [
        (0.0, me, peer, mine, theirs),
        (W - TREE_W, peer, me, theirs, mine),
    ] {
        let _ = write!(
            svg,
            "<text class=\"tree-title\" x=\"{:.1}\" y=\"14\" text-anchor=\"middle\">Node {}'s tree for node {}</text>",
            x + TREE_W / 2.0,
            who + 1,
            of + 1
        );
        if let Some(t) = t {
            height = height.max(tree(
                &mut svg,
                if x == 0.0 { "mine" } else { "peer" },
                t,
                other,
                x,
            ));
        }
    }
    let on_node = {
        let picked = picked.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            // Options carry node numbers (1-based), as people read them.
            picked.set(s.value().parse::<usize>().unwrap_or(1).saturating_sub(1));
        })
    };
    html! {
        <section class="merkle" aria-label="Anti-entropy: Merkle trees" data-testid="merkle">
            <h2>{ "Anti-entropy: Merkle trees" }</h2>
            <div class="row">
                <label>{ "Node " }
                    <select aria-label="Node whose trees are shown" onchange={on_node}>
                        { for (0..positions.len()).map(|i| html! { <option value={(i + 1).to_string()} selected={i == me}>{ i + 1 }</option> }) }
                    </select>
                </label>
                <span class="hint" data-testid="ae-counts">
                    { format!("node {}: {} · node {}: {}", me + 1, counts(snap, me), peer + 1, counts(snap, peer)) }
                </span>
            </div>
            if mine.is_none() && theirs.is_none() {
                <p class="hint">{ "No tree yet: the node holds no keys it shares with its successor." }</p>
            } else {
                <svg viewBox={format!("0 0 {W} {height:.0}")} role="img"
                     aria-label={format!("Node {}'s Merkle tree beside node {}'s", me + 1, peer + 1)}>
                    { Html::from_html_unchecked(AttrValue::from(svg)) }
                </svg>
                <p class="legend hint">
                    <span class="sw equal" />{ "equal " }<span class="sw differs" />{ "different " }
                    <span class="sw unknown" />{ "not compared (latest exchange) · ≠ the two hashes differ now" }
                </p>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_successor_is_next_clockwise_and_wraps() {
        let p = [0.0, 0.25, 0.5, 0.75];
        assert_eq!(successor(&p, 0), Some(1));
        assert_eq!(successor(&p, 3), Some(0));
        assert_eq!(successor(&[0.5], 0), None);
        assert_eq!(successor(&p, 9), None);
    }

    #[test]
    fn ranges_are_shortened() {
        assert_eq!(short(2000), "2000");
        assert_eq!(short(12_345), "12k");
        assert_eq!(short(536_870_912), "536M");
        assert_eq!(short(4_294_967_296), "4G");
    }
}
