//! Clocks that lie: each node's clock can run ahead or behind true time
//! (an offset) and gain or lose time as the run goes on (a drift, in parts
//! per million). Nodes read only their own clock, so a skewed clock is
//! what makes last-write-wins throw away a later write, or a `NOW()` differ
//! between replicas. One node is edited at a time (a cluster can have
//! dozens); the skewed ones are listed. The edit goes through the same
//! validated path as every other parameter, on the scenario's `clocks`.

use replicascope_core::node::NodeId;
use replicascope_core::scenario::ClockConfig;
use serde_json::{json, Value};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::{apply, as_json, shown, slider};
use replicascope_core::scenario::Scenario;

use crate::state::Msg;

/// The scenario's `clocks` with `node`'s offset and drift set: kept in
/// node order, and a node back at perfect time is left out (as the core
/// writes it).
pub fn with_clock(clocks: &[ClockConfig], node: NodeId, offset_ms: f64, drift_ppm: f64) -> Value {
    let mut all: Vec<ClockConfig> = clocks.iter().filter(|c| c.node != node).cloned().collect();
    if offset_ms != 0.0 || drift_ppm != 0.0 {
        // In place rather than sorted afterwards: one sort routine less
        // in the download.
        let at = all.partition_point(|c| c.node < node);
        all.insert(
            at,
            ClockConfig {
                node,
                offset_ms,
                drift_ppm,
            },
        );
    }
    as_json(&all).unwrap_or_else(|| json!([]))
}

/// The "Clocks" group. `picked` is the node the user chose to edit (the
/// parameters panel owns it, so this stays a plain function rather than
/// a component of its own: less code in the download).
pub fn clocks(
    send: &Callback<Msg>,
    scenario: &Scenario,
    picked: &UseStateHandle<Option<u16>>,
) -> Html {
    let nodes = scenario.node_count().max(1);
    // Until the user picks one, the first skewed clock (or node 1).
    let node = picked
        .or_else(|| scenario.clocks.first().map(|c| c.node.0))
        .unwrap_or(0)
        .min(nodes - 1);
    let id = NodeId(node);
    let now = scenario.clocks.iter().find(|c| c.node == id);
    let (offset, drift) = now.map_or((0.0, 0.0), |c| (c.offset_ms, c.drift_ppm));

    let on_node = {
        let picked = picked.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            picked.set(v.parse().ok());
        })
    };
    // Each slider edits one of the two numbers and keeps the other.
    let set = |is_offset: bool| {
        let (send, scenario) = (send.clone(), scenario.clone());
        move |raw: String| {
            let value = raw.trim().parse::<f64>().ok().filter(|v| v.is_finite());
            let value = value.map(|v| {
                let (o, d) = if is_offset { (v, drift) } else { (offset, v) };
                with_clock(&scenario.clocks, id, o, d)
            });
            apply(&send, &scenario, "/clocks", value);
        }
    };
    let skewed = scenario.clocks.iter().map(|c| {
        html! {
            <li>{ format!("node {}: {}, {}", c.node.0 + 1, shown(c.offset_ms, "ms"), shown(c.drift_ppm, "ppm")) }</li>
        }
    });
    html! {
        <fieldset class="param-group clocks">
            <legend>{ "Clocks" }</legend>
            <div class="param">
                <label for="param-clock-node">{ "Node" }</label>
                <select id="param-clock-node" aria-label="Node whose clock to set" onchange={on_node}>
                    { for (0..nodes).map(|i| html! { <option value={i.to_string()} selected={i == node}>{ format!("node {}", i + 1) }</option> }) }
                </select>
            </div>
            { slider(String::from("param-clock-offset"), "Clock offset", shown(offset, "ms"), (-500.0, 500.0, 10.0), offset, set(true)) }
            { slider(String::from("param-clock-drift"), "Clock drift", shown(drift, "ppm"), (-1000.0, 1000.0, 50.0), drift, set(false)) }
            if scenario.clocks.is_empty() {
                <p class="hint">{ "Every clock keeps perfect time." }</p>
            } else {
                <ul class="hint skewed">{ for skewed }</ul>
            }
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_is_set_kept_in_order_and_dropped_when_perfect() {
        let c = |n: u16, o: f64| ClockConfig {
            node: NodeId(n),
            offset_ms: o,
            drift_ppm: 0.0,
        };
        let clocks = [c(2, -200.0), c(4, 30.0)];
        assert_eq!(
            with_clock(&clocks, NodeId(0), 50.0, 10.0),
            json!([
                {"node": 1, "offset_ms": 50.0, "drift_ppm": 10.0},
                {"node": 3, "offset_ms": -200.0, "drift_ppm": 0.0},
                {"node": 5, "offset_ms": 30.0, "drift_ppm": 0.0},
            ])
        );
        assert_eq!(
            with_clock(&clocks, NodeId(2), 0.0, 0.0),
            json!([{"node": 5, "offset_ms": 30.0, "drift_ppm": 0.0}])
        );
    }
}
