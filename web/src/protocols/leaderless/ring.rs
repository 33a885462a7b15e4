//! The hash ring drawn under a leaderless run's nodes. A key sits at a
//! point of the ring; its replicas are the first n nodes clockwise from
//! there (its preference list), so the picture shows exactly that: a
//! marker at the key, a coloured arc from it over its replicas, each
//! replica ringed and numbered. With a sloppy quorum the nodes further on
//! stand in for unreachable replicas, in ring order: they are ringed
//! dashed. Where the key and its nodes sit comes from the core
//! (`position`, `ring_from`); this file only draws them.

use replicascope_core::history::History;
use replicascope_core::protocol::ProtocolConfig;
use replicascope_core::protocol::Spec;

use yew::prelude::*;

use crate::components::topology::{f, MAX_KEYS};
use crate::layout::{on_ring, ring_arc, RING_CENTER, RING_RADIUS};
use replicascope_core::label_layout::{text_box, text_width, Anchor, Rect, Spot};

/// The ring and a key's place on it, in two layers round the links and
/// nodes, plus the key picker shown under the picture.
#[derive(Default)]
pub struct KeyRing {
    /// The circle, the key's arc and its marker: under everything.
    pub under: Html,
    /// Halos, ranks and the key's name: over the links, under the nodes.
    pub over: Html,
    /// Where the ranks and the key's name are drawn: other labels keep
    /// clear of them.
    pub taken: Vec<Rect>,
    keys: Vec<String>,
    key: String,
    summary: String,
}

/// 1st, 2nd, 3rd, 4th … 12th.
fn ordinal(k: usize) -> String {
    let suffix = match k {
        1 => "st",
        2 => "nd",
        3 => "rd",
        _ => "th",
    };
    k.to_string() + suffix
}

/// The ring for `positions` (each node's fraction of a turn) and the
/// preference list of `picked` — or of the first key the run's requests
/// name when that is not one of them.
pub fn hash_ring(
    protocol: &ProtocolConfig,
    history: &History,
    picked: Option<&str>,
    positions: &[f64],
    radius: f64,
) -> KeyRing {
    let mut keys: Vec<String> = Vec::new();
    for op in &history.ops {
        let k = op.request.key();
        if !k.is_empty() && keys.len() < MAX_KEYS && !keys.iter().any(|x| x == k) {
            keys.push(k.to_string());
        }
    }
    let key = picked
        .filter(|p| keys.iter().any(|k| k == p))
        .or(keys.first().map(String::as_str))
        .unwrap_or_default()
        .to_string();
    let circle = html! {
        <circle class="hash-ring" cx={f(RING_CENTER.x)} cy={f(RING_CENTER.y)} r={f(RING_RADIUS)} />
    };
    let placement = (!key.is_empty())
        .then(|| protocol.spec().placement(&key))
        .flatten();
    let Some(placement) = placement else {
        return KeyRing {
            under: circle,
            ..KeyRing::default()
        };
    };
    let (replicas, stand_ins) = (placement.replicas(), placement.stand_ins());
    let (key_at, order) = (placement.position, &placement.ring);
    let at = |node: replicascope_core::node::NodeId| positions.get(node.index()).copied();
    let arc_end = replicas.last().and_then(|&l| at(l)).unwrap_or(key_at);
    // A key at (or just past) a node's token would hide under it: its
    // marker moves along the ring until clear, keeping its side — before
    // its first replica, after the node before that.
    let clear = (radius + 9.0) / (std::f64::consts::TAU * RING_RADIUS);
    let first = replicas.first().and_then(|&n| at(n)).unwrap_or(key_at);
    let before = order.last().and_then(|&n| at(n)).unwrap_or(key_at);
    let mark_at = if (first - key_at).rem_euclid(1.0) < clear {
        first - clear
    } else if (key_at - before).rem_euclid(1.0) < clear {
        before + clear
    } else {
        key_at
    };
    let mark = on_ring(mark_at, RING_RADIUS);
    // Inside the ring, clear of the circles of nodes next to the mark.
    let label = on_ring(mark_at, RING_RADIUS - radius - 18.0);

    // Where a node's rank ("1st") goes: outside its halo, further out where
    // the label lies across the ring's direction ("2nd" is wider than tall).
    let rank_at = |p: f64| {
        let centre = on_ring(p, RING_RADIUS);
        let out = on_ring(p, RING_RADIUS + 1.0);
        let (ux, uy) = ((out.x - centre.x).abs(), (out.y - centre.y).abs());
        on_ring(p, RING_RADIUS + radius + 10.0 + 13.0 * ux + 6.0 * uy)
    };
    // A ring round each node of the list, numbered outside the circle.
    let halo = |(i, &node): (usize, &replicascope_core::node::NodeId), stand_in: bool| {
        let p = at(node)?;
        let centre = on_ring(p, RING_RADIUS);
        let rank = rank_at(p);
        let for_node = (node.0 + 1).to_string();
        Some(html! {
            <>
                <circle class={classes!("halo", stand_in.then_some("stand-in"))} data-for={for_node.clone()}
                        cx={f(centre.x)} cy={f(centre.y)} r={f(radius + 6.0)} />
                if !stand_in {
                    <text class="rank" data-for={for_node} x={f(rank.x)} y={f(rank.y + 5.0)} text-anchor="middle">{ ordinal(i + 1) }</text>
                }
            </>
        })
    };
    // Ranks and the key's name are 14 px bold: a tenth wider than the
    // regular face the estimate is for.
    let bold_box = |at: crate::layout::Point, text: &str| {
        text_box(
            Spot::new(at.x, at.y + 5.0, Anchor::Middle),
            text_width(text, 14.0) * 1.1,
            14.0,
            1.0,
        )
    };
    let mut taken: Vec<Rect> = replicas
        .iter()
        .enumerate()
        .filter_map(|(i, &node)| Some(bold_box(rank_at(at(node)?), &ordinal(i + 1))))
        .collect();
    taken.push(bold_box(label, &key));
    let halos = replicas
        .iter()
        .enumerate()
        .filter_map(|r| halo(r, false))
        .chain(stand_ins.iter().enumerate().filter_map(|s| halo(s, true)));

    let names = |nodes: &[replicascope_core::node::NodeId]| {
        nodes
            .iter()
            .map(|n| (n.0 + 1).to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut summary = String::from("replicas: nodes ") + &names(replicas);
    if !stand_ins.is_empty() {
        summary = summary + " · stand-ins (dashed): " + &names(stand_ins);
    }
    KeyRing {
        under: html! {
            <g class="ring-under">
                { circle }
                <path class="pref-arc" d={ring_arc(mark_at, arc_end)} />
                <path class="key-mark" d={format!("M{:.1} {:.1}l7 7l-7 7l-7 -7z", mark.x, mark.y - 7.0)}>
                    <title>{ format!("Key {key} sits at ring position {:#010x}", (key_at * 4_294_967_296.0) as u32) }</title>
                </path>
            </g>
        },
        over: html! {
            <g class="ring-over">
                { for halos }
                <text class="key-label" x={f(label.x)} y={f(label.y + 5.0)} text-anchor="middle">{ &key }</text>
            </g>
        },
        taken,
        keys,
        key,
        summary,
    }
}

impl KeyRing {
    /// The key picker and the key's replicas in words, under the picture.
    pub fn bar(&self, on_key: Callback<Event>) -> Html {
        if self.keys.is_empty() {
            return Html::default();
        }
        html! {
            <div class="ring-key">
                <label>{ "Key " }
                    <select aria-label="Key shown on the ring" onchange={on_key}>
                        { for self.keys.iter().map(|k| html! { <option value={k.clone()} selected={*k == self.key}>{ k }</option> }) }
                    </select>
                </label>
                <span data-testid="preference-list">{ &self.summary }</span>
            </div>
        }
    }
}

/// A hint badge's text, width and distance from its node's centre, if
/// the node holds hints.
fn badge_size(
    fields: &[(String, String)],
    dir: crate::layout::Point,
    radius: f64,
) -> Option<(String, f64, f64)> {
    let held = fields
        .iter()
        .find(|(k, _)| k == "hints held")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    if held == 0 {
        return None;
    }
    let text = held.to_string() + if held == 1 { " hint" } else { " hints" };
    let w = 10.0 + 7.0 * text.len() as f64;
    // Far enough along `dir` for the pill's edge to clear the circle.
    let d = radius + 3.0 + dir.x.abs() * w / 2.0 + dir.y.abs() * 9.0;
    Some((text, w, d))
}

/// The box a node's hint badge covers (node centre `at`), if it has one.
pub fn hint_badge_box(
    fields: &[(String, String)],
    dir: crate::layout::Point,
    radius: f64,
    at: crate::layout::Point,
) -> Option<Rect> {
    let (_, w, d) = badge_size(fields, dir, radius)?;
    let (x, y) = (at.x + dir.x * d, at.y + dir.y * d);
    Some(Rect::new(x - w / 2.0, y - 9.0, x + w / 2.0, y + 9.0))
}

/// A small badge on a node that keeps writes for others (hinted handoff):
/// how many hints it holds, read from the core's "hints held" field.
/// It sits clear of the node in the direction `dir` (a unit vector): on a
/// ring, inwards, where neighbours and rank labels never are.
pub fn hint_badge(fields: &[(String, String)], dir: crate::layout::Point, radius: f64) -> Html {
    let Some((text, w, d)) = badge_size(fields, dir, radius) else {
        return Html::default();
    };
    html! {
        <g class="hint-badge" transform={format!("translate({:.1} {:.1})", dir.x * d, dir.y * d)}>
            <title>{ "Holds writes meant for an unreachable replica (hinted handoff)" }</title>
            <rect x={f(-w / 2.0)} y="-9" width={f(w)} height="18" rx="9" />
            <text y="4.5" text-anchor="middle">{ text }</text>
        </g>
    }
}
