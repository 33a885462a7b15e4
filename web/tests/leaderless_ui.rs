#![cfg(target_arch = "wasm32")]
//! Leaderless replication in Chromium: nodes on a drawn hash ring at the
//! core's positions, a key's preference list ringed and numbered (and the
//! sloppy-quorum stand-ins dashed), a hint badge that comes and goes with
//! hinted handoff, the Merkle trees of anti-entropy with each node's
//! verdict, the quorum parameters, the request form's consistency levels
//! and contexts, and siblings and hints in the inspector.

use replicascope_core::protocol::Spec;
use std::rc::Rc;

use replicascope_core::presets;
use replicascope_core::protocol::ProtocolConfig;
use replicascope_web::components::params::change;
use replicascope_web::state::Model;
use serde_json::json;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};
use yew::Reducible;

mod dom;
use dom::{button, choose, click, click_on, find, mount, scenario_in_url, seek, seek_to_end};
use dom::{text, texts};

wasm_bindgen_test_configure!(run_in_browser);

/// The app showing `preset` with the cursor at `us` microseconds.
async fn opened_at(preset: &str, us: &str) -> Element {
    let root = mount(&format!("#preset={preset}"));
    yew::scheduler::flush().await;
    seek(&root, us);
    yew::scheduler::flush().await;
    root
}

/// `attr` of every element `selector` finds, in document order.
fn attrs(root: &Element, selector: &str, attr: &str) -> Vec<String> {
    let all = root.query_selector_all(selector).unwrap();
    (0..all.length())
        .filter_map(|i| all.item(i))
        .filter_map(|n| wasm_bindgen::JsCast::dyn_into::<Element>(n).ok())
        .filter_map(|e| e.get_attribute(attr))
        .collect()
}

fn number(el: &Element, attr: &str) -> f64 {
    el.get_attribute(attr).unwrap().parse().unwrap()
}

/// The centre of node `n`'s group, from its `translate(x y)`.
fn centre(root: &Element, n: &str) -> (f64, f64) {
    let t = find(root, &format!(".topology [data-node='{n}']"))
        .get_attribute("transform")
        .unwrap();
    let inner = t.trim_start_matches("translate(").trim_end_matches(')');
    let (x, y) = inner.split_once(' ').unwrap();
    (x.parse().unwrap(), y.parse().unwrap())
}

/// Each ranked node of the ring's key as "node:rank".
fn ranks(root: &Element) -> Vec<String> {
    let all = root.query_selector_all(".topology text.rank").unwrap();
    (0..all.length())
        .filter_map(|i| all.item(i))
        .filter_map(|n| wasm_bindgen::JsCast::dyn_into::<Element>(n).ok())
        .map(|e| {
            let node = e.get_attribute("data-for").unwrap();
            format!("{node}:{}", e.text_content().unwrap())
        })
        .collect()
}

#[wasm_bindgen_test]
async fn the_ring_places_three_nodes_and_rings_x_on_nodes_1_2_3() {
    let root = mount("#preset=leaderless-quorum-one-down");
    yew::scheduler::flush().await;
    let ring = find(&root, ".topology circle.hash-ring");
    let (cx, cy, r) = (number(&ring, "cx"), number(&ring, "cy"), number(&ring, "r"));
    assert_eq!(
        attrs(&root, ".topology [data-node]", "data-node"),
        ["1", "2", "3"]
    );
    // Each node on the circle, a third of a turn apart from node 1 at the top.
    for n in ["1", "2", "3"] {
        let (x, y) = centre(&root, n);
        let d = ((x - cx).powi(2) + (y - cy).powi(2)).sqrt();
        assert!(
            (d - r).abs() < 0.2,
            "node {n} is {d} from the centre, ring {r}"
        );
    }
    let (top, right, left) = (centre(&root, "1"), centre(&root, "2"), centre(&root, "3"));
    assert!(
        top.1 < right.1 && top.1 < left.1 && right.0 > left.0,
        "clockwise from the top"
    );

    // Key x (the run's first key) is pinned to node 1: replicas 1, 2, 3.
    let key: web_sys::HtmlSelectElement =
        wasm_bindgen::JsCast::unchecked_into(find(&root, ".ring-key select"));
    assert_eq!(key.value(), "x");
    assert_eq!(ranks(&root), ["1:1st", "2:2nd", "3:3rd"]);
    assert_eq!(attrs(&root, ".topology .halo", "data-for"), ["1", "2", "3"]);
    assert!(
        root.query_selector(".topology .halo.stand-in")
            .unwrap()
            .is_none(),
        "strict quorum"
    );
    assert_eq!(
        text(&root, "[data-testid=preference-list]"),
        "replicas: nodes 1, 2, 3"
    );
    // Strict runs have no hints and no Merkle trees.
    assert!(root.query_selector(".hint-badge").unwrap().is_none());
    assert!(root
        .query_selector("[data-testid=merkle]")
        .unwrap()
        .is_none());
}

#[wasm_bindgen_test]
async fn picking_another_key_rings_its_own_preference_list() {
    let root = mount("#preset=leaderless-anti-entropy");
    yew::scheduler::flush().await;
    let s = presets::find("leaderless-anti-entropy").unwrap().scenario();
    let ProtocolConfig::Leaderless(c) = &s.protocol else {
        panic!("leaderless")
    };
    // The keys are the run's own, first one shown first.
    let keys = texts(&root, ".ring-key option");
    assert_eq!(keys.len(), 16);
    assert_eq!(keys[0], "0");
    for key in ["0", "2000", "3750"] {
        choose(&root, ".ring-key select", key);
        yew::scheduler::flush().await;
        let expected: Vec<String> = c
            .preference_list(key)
            .iter()
            .zip(["1st", "2nd", "3rd"])
            .map(|(n, rank)| format!("{}:{rank}", n.0 + 1))
            .collect();
        let mut shown = ranks(&root);
        shown.sort_by_key(|r| r.split(':').nth(1).map(str::to_string));
        assert_eq!(shown, expected, "key {key}");
    }
}

#[wasm_bindgen_test]
async fn the_sloppy_quorum_shows_node_4s_hint_until_it_is_handed_off() {
    let root = mount("#preset=leaderless-sloppy-quorum");
    yew::scheduler::flush().await;
    // Node 4 is the stand-in for x's replicas when one is unreachable.
    assert_eq!(attrs(&root, ".topology .halo.stand-in", "data-for"), ["4"]);
    assert!(text(&root, "[data-testid=preference-list]").ends_with("stand-ins (dashed): 4"));
    assert!(
        root.query_selector(".hint-badge").unwrap().is_none(),
        "nothing written yet"
    );

    seek(&root, "350000");
    yew::scheduler::flush().await;
    assert_eq!(
        text(&root, ".topology [data-node='4'] .hint-badge text"),
        "1 hint"
    );
    assert_eq!(
        root.query_selector_all(".topology .hint-badge")
            .unwrap()
            .length(),
        1
    );
    // The hint itself, in the inspector: x = 1, meant for node 3.
    click_on(&root, ".topology [data-node='4']");
    yew::scheduler::flush().await;
    let rows = texts(&root, "[data-testid=node-internals] tbody tr");
    assert_eq!(rows, ["hint for node 3x = {1} at [1, 0, 0, 0]"]);
    assert_eq!(
        text(&root, "[data-testid=node-internals] caption"),
        "Versions (siblings) and hints"
    );

    // The partition heals at 400 ms and node 4 hands the write over.
    seek_to_end(&root);
    yew::scheduler::flush().await;
    assert!(root.query_selector(".hint-badge").unwrap().is_none());
    assert!(
        texts(&root, "[data-testid=node-fields] div").contains(&String::from("hints delivered1"))
    );
}

/// The tree boxes of `which` ("mine" or "peer") in the Merkle view whose
/// class has `class`, by range.
fn boxes(root: &Element, which: &str, class: &str) -> Vec<String> {
    attrs(
        root,
        &format!("[data-testid=merkle] .tn.{class}[data-tree={which}]"),
        "data-range",
    )
}

#[wasm_bindgen_test]
async fn the_merkle_view_shows_node_3s_exchange_with_node_1() {
    let root = opened_at("leaderless-anti-entropy", "445000").await;
    choose(&root, "[data-testid=merkle] select", "3");
    yew::scheduler::flush().await;
    assert_eq!(
        texts(&root, "[data-testid=merkle] .tree-title"),
        ["Node 3's tree for node 1", "Node 1's tree for node 3"]
    );
    // Roots differ, so both halves were compared: [0, 2000) differs and
    // [2000, 4000) is equal, so nothing under it was compared.
    assert_eq!(
        boxes(&root, "mine", "differs"),
        ["0-4000", "0-2000", "1000-2000"]
    );
    assert_eq!(boxes(&root, "mine", "equal"), ["2000-4000", "0-1000"]);
    assert_eq!(boxes(&root, "mine", "unknown"), ["2000-3000", "3000-4000"]);
    let root_box = find(
        &root,
        "[data-testid=merkle] [data-tree=mine][data-level='0']",
    );
    assert_eq!(
        root_box.get_attribute("data-range").as_deref(),
        Some("0-4000")
    );
    assert!(text(&root, "[data-testid=ae-counts]")
        .contains("node 3: 5 hashes exchanged, 4 keys synced"));
    // By 445 ms the four keys are synced: the trees' hashes agree again.
    assert!(boxes(&root, "mine", "now-differs").is_empty());

    // Mid-exchange, before the sync, the differing hashes are marked.
    seek(&root, "430000");
    yew::scheduler::flush().await;
    for tree in ["mine", "peer"] {
        assert_eq!(
            boxes(&root, tree, "now-differs"),
            ["0-4000", "0-2000", "1000-2000"]
        );
    }
    assert!(text(
        &root,
        "[data-testid=merkle] [data-tree=mine][data-level='0']"
    )
    .contains('≠'));
}

#[wasm_bindgen_test]
async fn changing_w_and_r_to_one_reruns_and_says_reads_can_miss_writes() {
    let root = mount("#preset=leaderless-quorum-one-down");
    yew::scheduler::flush().await;
    let note = text(&root, "[data-testid=param-note]");
    assert!(note.starts_with("w + r = 4 > n = 3"), "{note}");
    // w and r cannot be set above n.
    assert_eq!(
        find(&root, "#param-protocol-w")
            .get_attribute("max")
            .as_deref(),
        Some("3")
    );
    assert_eq!(
        find(&root, "#param-protocol-n")
            .get_attribute("max")
            .as_deref(),
        Some("3")
    );

    choose(&root, "#param-protocol-w", "1");
    yew::scheduler::flush().await;
    choose(&root, "#param-protocol-r", "1");
    yew::scheduler::flush().await;
    let ProtocolConfig::Leaderless(c) = scenario_in_url().protocol else {
        panic!("still leaderless")
    };
    assert_eq!((c.n, c.w, c.r), (3, 1, 1));
    let note = find(&root, "[data-testid=param-note]");
    assert!(
        note.text_content()
            .unwrap()
            .starts_with("w + r = 2 ≤ n = 3: a read can miss"),
        "{:?}",
        note.text_content()
    );
    assert!(note
        .get_attribute("class")
        .unwrap_or_default()
        .contains("warn"));
    assert!(root
        .query_selector("[data-testid=notice]")
        .unwrap()
        .is_none());

    // Turning anti-entropy on reveals its interval and depth, and the trees.
    wasm_bindgen::JsCast::unchecked_ref::<HtmlElement>(&find(
        &root,
        "#param-protocol-anti_entropy",
    ))
    .click();
    yew::scheduler::flush().await;
    assert_eq!(
        find(&root, "#param-protocol-anti_entropy-depth")
            .get_attribute("max")
            .as_deref(),
        Some("8")
    );
    find(&root, "[data-testid=merkle]");
}

#[wasm_bindgen_test]
fn a_value_the_core_refuses_keeps_the_run_and_says_why() {
    let start = Rc::new(Model::from_preset("leaderless-sloppy-quorum", false));
    let refused = change(&start.scenario(), "/protocol/nodes", json!(13))
        .into_iter()
        .fold(start.clone(), |m, msg| m.reduce(msg));
    let notice = refused.notice.clone().expect("refused");
    assert!(notice.text.contains("protocol.nodes"), "{}", notice.text);
    assert_eq!(refused.run.hash, start.run.hash);
    // Growing the ring is fine, and n, w, r stay as they were.
    let grown = change(&start.scenario(), "/protocol/nodes", json!(12))
        .into_iter()
        .fold(start.clone(), |m, msg| m.reduce(msg));
    assert!(grown.notice.is_none());
    assert_eq!(grown.scenario().protocol.spec().ring_positions().len(), 12);
}

#[wasm_bindgen_test]
async fn the_form_sends_a_get_at_all_and_refuses_a_bad_context() {
    let root = opened_at("leaderless-shopping-cart", "150000").await;
    let key: web_sys::HtmlInputElement =
        wasm_bindgen::JsCast::unchecked_into(find(&root, ".client-ops input[aria-label=Key]"));
    assert_eq!(key.value(), "cart");
    let latest = text(&root, "[data-testid=kv-result]");
    assert!(latest.contains("put cart = {1, 2, 3, 5}"), "{latest}");

    // A context that is not a version vector: a message, nothing sent.
    choose(
        &root,
        ".client-ops input[aria-label^='Write context']",
        "[1, x]",
    );
    click(&button(&root, "Write"));
    yew::scheduler::flush().await;
    assert!(text(&root, "[data-testid=client-error]").contains("is not a version vector"));
    assert_eq!(text(&root, "[data-testid=kv-result]"), latest);

    // A read at ALL is a get at ALL: it waits for all three replicas.
    choose(
        &root,
        ".client-ops select[aria-label='Consistency level']",
        "5",
    );
    yew::scheduler::flush().await;
    click(&button(&root, "Read"));
    yew::scheduler::flush().await;
    assert!(root
        .query_selector("[data-testid=client-error]")
        .unwrap()
        .is_none());
    assert!(text(&root, "[data-testid=kv-result]").contains("get cart at ALL: waiting"));
    seek(&root, "165000");
    yew::scheduler::flush().await;
    let answer = text(&root, "[data-testid=kv-result]");
    assert!(
        // Both carts, as the reader is handed them (their union is the
        // whole cart).
        answer.contains("get cart at ALL: the read returned 2 siblings: {1, 3, 4} | {1, 2, 3, 5}"),
        "{answer}"
    );
}

#[wasm_bindgen_test]
async fn a_replica_lists_its_siblings_with_their_versions() {
    let root = opened_at("leaderless-shopping-cart", "150000").await;
    click_on(&root, ".topology [data-node='2']");
    yew::scheduler::flush().await;
    let rows = texts(&root, "[data-testid=node-internals] tbody tr");
    assert_eq!(
        rows,
        [
            "cart{1, 3, 4} · write #3version [4, 0, 0]",
            "{1, 2, 3, 5} · write #4version [5, 0, 0]",
        ],
        "one key heads its two siblings"
    );
    assert!(texts(&root, "[data-testid=node-fields] div")
        .contains(&String::from("cart (2 siblings){1, 3, 4} | {1, 2, 3, 5}")));
    assert!(!text(&root, ".inspector").contains("No data yet"));
    // Leaderless nodes can be crashed, not promoted or grown from.
    let buttons = texts(&root, ".inspector .actions button");
    assert_eq!(buttons, ["Crash node 2"]);
}

#[wasm_bindgen_test]
async fn other_protocols_keep_their_pictures() {
    for preset in ["single-leader-sync-write", "multi-leader-price-conflict"] {
        let root = mount(&format!("#preset={preset}"));
        yew::scheduler::flush().await;
        assert!(
            root.query_selector(".hash-ring").unwrap().is_none(),
            "{preset}"
        );
        assert!(
            root.query_selector(".ring-key").unwrap().is_none(),
            "{preset}"
        );
        assert!(
            !find(&root, ".topology")
                .get_attribute("class")
                .unwrap_or_default()
                .contains("ring"),
            "{preset}"
        );
    }
}
