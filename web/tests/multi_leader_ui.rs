#![cfg(target_arch = "wasm32")]
//! Multi-leader replication in Chromium: datacenters drawn as labelled
//! boxes round their nodes, the replication topology's directed arrows
//! (two ways between two leaders, a ring, a hub), a conflict settled from
//! the review list, a CRDT's per-node state in the inspector, and the
//! multi-leader and clock parameters re-running the scenario.

use replicascope_core::protocol::Spec;
use std::rc::Rc;

use replicascope_core::node::NodeId;
use replicascope_core::protocol::multi_leader::Topology;
use replicascope_core::protocol::ProtocolConfig;
use replicascope_web::components::params::{change, with_clock};
use replicascope_web::state::Model;
use serde_json::json;
use wasm_bindgen_test::*;
use web_sys::Element;
use yew::Reducible;

mod dom;
use dom::{button, click, click_on, find, mount, seek, seek_to_end, text, texts};

wasm_bindgen_test_configure!(run_in_browser);

/// The replication arrows drawn, as "from-to" (1-based), sorted.
fn arrows(root: &Element) -> Vec<String> {
    let all = root.query_selector_all(".topology [data-repl]").unwrap();
    let mut out: Vec<String> = (0..all.length())
        .filter_map(|i| all.item(i))
        .filter_map(|n| wasm_bindgen::JsCast::dyn_into::<Element>(n).ok())
        .filter_map(|e| e.get_attribute("data-repl"))
        .collect();
    out.sort();
    out
}

/// Does `outer`'s box on screen hold all of `inner`'s?
fn holds(outer: &Element, inner: &Element) -> bool {
    let (o, i) = (
        outer.get_bounding_client_rect(),
        inner.get_bounding_client_rect(),
    );
    o.width() > 0.0
        && i.left() >= o.left()
        && i.right() <= o.right()
        && i.top() >= o.top()
        && i.bottom() <= o.bottom()
}

/// The selected node's key → value rows in the inspector.
fn inspector_data(root: &Element) -> Vec<String> {
    texts(root, ".inspector table.data:not(.internals) tbody tr")
}

#[wasm_bindgen_test]
async fn the_price_conflict_draws_two_labelled_datacenters_round_their_nodes() {
    let root = mount("#preset=multi-leader-price-conflict");
    yew::scheduler::flush().await;
    assert_eq!(texts(&root, ".topology [data-dc]"), ["dc 1", "dc 2"]);
    // dc 1 holds nodes 1 and 2, dc 2 nodes 3 and 4 (leader first).
    for (dc, nodes) in [("1", ["1", "2"]), ("2", ["3", "4"])] {
        let rect = find(&root, &format!(".topology [data-dc='{dc}'] rect"));
        for n in nodes {
            let circle = find(&root, &format!(".topology [data-node='{n}'] circle"));
            assert!(holds(&rect, &circle), "dc {dc} holds node {n}");
        }
    }
    // All-to-all between two leaders: one arrow each way.
    assert_eq!(arrows(&root), ["1-3", "3-1"]);
    // Links only where nodes talk: leader–follower in each dc, and the
    // leaders; no link between a follower and the other datacenter.
    assert_eq!(
        root.query_selector_all(".topology [data-link]")
            .unwrap()
            .length(),
        3
    );
    assert!(root
        .query_selector(".topology [data-link='2-3']")
        .unwrap()
        .is_none());
}

#[wasm_bindgen_test]
async fn the_circular_preset_draws_a_ring_of_four_directed_links() {
    let root = mount("#preset=multi-leader-circular");
    yew::scheduler::flush().await;
    assert_eq!(texts(&root, ".topology [data-dc]").len(), 4);
    assert_eq!(arrows(&root), ["1-3", "3-5", "5-7", "7-1"]);
    for arrow in ["1-3", "3-5", "5-7", "7-1"] {
        let el = find(&root, &format!(".topology [data-repl='{arrow}']"));
        assert_eq!(
            el.get_attribute("marker-end").as_deref(),
            Some("url(#repl-arrow)"),
            "{arrow} has an arrowhead"
        );
    }
}

#[wasm_bindgen_test]
async fn the_star_preset_joins_every_leader_to_the_hub_both_ways() {
    let root = mount("#preset=multi-leader-star");
    yew::scheduler::flush().await;
    assert_eq!(
        arrows(&root),
        ["1-3", "1-5", "1-7", "3-1", "5-1", "7-1"],
        "dc 1 is the hub"
    );
}

#[wasm_bindgen_test]
async fn single_leader_runs_keep_their_picture() {
    let root = mount("#preset=single-leader-sync-write");
    yew::scheduler::flush().await;
    assert!(root
        .query_selector(".topology [data-dc]")
        .unwrap()
        .is_none());
    assert!(root
        .query_selector(".topology [data-repl]")
        .unwrap()
        .is_none());
    assert!(root
        .query_selector("[data-testid=review-list]")
        .unwrap()
        .is_none());
    find(&root, ".topology [data-link='1-2'] line.wire");
}

#[wasm_bindgen_test]
async fn keeping_one_price_settles_the_flagged_key_everywhere() {
    let root = mount("#preset=multi-leader-resolver-review");
    yew::scheduler::flush().await;
    // Both writes crossed by 300 ms: both leaders flag the price.
    seek(&root, "300000");
    yew::scheduler::flush().await;
    let price = find(&root, "[data-testid=review-list] [data-key=price]");
    let mut values = texts(&price, ".choice-value");
    values.sort();
    assert_eq!(values, ["100", "150"]);
    let from = texts(&price, ".choice-from");
    assert!(
        from.iter().any(|f| f.contains("price = 100"))
            && from.iter().any(|f| f.contains("price = 150")),
        "each version names its write: {from:?}"
    );

    click(&button(&root, "Keep 150"));
    yew::scheduler::flush().await;
    seek_to_end(&root);
    yew::scheduler::flush().await;
    let list = find(&root, "[data-testid=review-list]");
    assert!(
        list.query_selector("[data-key]").unwrap().is_none(),
        "no key is flagged any more"
    );
    assert!(text(&root, "[data-testid=review-list]").contains("No key is waiting"));
    for node in ["1", "2", "3", "4"] {
        click_on(&root, &format!(".topology [data-node='{node}']"));
        yew::scheduler::flush().await;
        assert!(
            inspector_data(&root).contains(&String::from("price150")),
            "node {node}: {:?}",
            inspector_data(&root)
        );
    }
}

#[wasm_bindgen_test]
async fn the_inspector_shows_a_counters_per_node_state() {
    let root = mount("#preset=multi-leader-crdt-counter");
    yew::scheduler::flush().await;
    seek_to_end(&root);
    yew::scheduler::flush().await;
    click_on(&root, ".topology [data-node='1']");
    yew::scheduler::flush().await;
    let rows = texts(&root, "[data-testid=node-internals] tbody tr");
    // +5 then −2 made at node 1, +3 at node 3: 6 in all.
    assert_eq!(rows[0], "likesnode 1+5 −2", "{rows:?}");
    assert!(rows.contains(&String::from("node 3+3 −0")), "{rows:?}");
    assert!(rows.contains(&String::from("value6")), "{rows:?}");
    assert!(
        rows.iter().any(|r| r.starts_with("version vector[")),
        "{rows:?}"
    );
    assert_eq!(inspector_data(&root), ["likes6"]);
}

#[wasm_bindgen_test]
fn multi_leader_and_clock_parameters_rerun_the_scenario() {
    let start = Rc::new(Model::from_preset("multi-leader-circular", false));
    let set = |m: Rc<Model>, path: &str, value| {
        change(&m.scenario(), path, value)
            .into_iter()
            .fold(m, |m, msg| m.reduce(msg))
    };
    let star = set(start.clone(), "/protocol/topology", json!("star"));
    let five = set(star, "/protocol/datacenters", json!(5));
    let ProtocolConfig::MultiLeader(c) = &five.scenario().protocol else {
        panic!("still multi-leader");
    };
    assert_eq!((c.topology, c.datacenters), (Topology::Star, 5));
    assert_eq!(five.scenario().protocol.spec().replication_links().len(), 8);
    assert_ne!(five.run.hash, start.run.hash);
    assert!(five.notice.is_none());

    // Too many datacenters: the core's words, and the run stays.
    let refused = set(five.clone(), "/protocol/datacenters", json!(6));
    let notice = refused.notice.clone().expect("refused");
    assert!(
        notice.text.contains("protocol.datacenters"),
        "{}",
        notice.text
    );
    assert_eq!(refused.run.hash, five.run.hash);

    // Node 1's clock 200 ms slow: its write's timestamp changes.
    let clocks = with_clock(&five.scenario().clocks, NodeId(0), -200.0, 0.0);
    let skewed = set(five.clone(), "/clocks", clocks);
    let clock = &skewed.scenario().clocks;
    assert_eq!(clock.len(), 1);
    assert_eq!((clock[0].node, clock[0].offset_ms), (NodeId(0), -200.0));
    assert_ne!(skewed.run.hash, five.run.hash);
}
