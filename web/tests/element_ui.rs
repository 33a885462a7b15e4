#![cfg(target_arch = "wasm32")]
//! The `<replica-scope>` element's entry point, driven as
//! `static/replica-scope.js` drives it: options from attributes, updates
//! to them, a `scenario` handed over as an object (good and bad), and the
//! host page's address left alone.

use replicascope_core::presets;
use replicascope_web::element::{mount_replica_scope, ReplicaScopeHandle};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;
use web_sys::Element;

mod dom;
use dom::{find, text};

wasm_bindgen_test_configure!(run_in_browser);

fn object(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("test JSON")
}

fn mount(attributes: &str, scenario: JsValue) -> (Element, ReplicaScopeHandle) {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let handle = mount_replica_scope(
        root.clone(),
        object(attributes),
        scenario,
        "https://example.org/rs/index.html".into(),
    );
    (root, handle)
}

fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

fn location() -> String {
    web_sys::window().unwrap().location().href().unwrap()
}

#[wasm_bindgen_test]
async fn attributes_shape_the_run_and_changes_apply() {
    let before = location();
    let (root, mut handle) = mount(
        r#"{"preset": "leaderless-sloppy-quorum", "view": "diagram", "controls": "hide"}"#,
        JsValue::UNDEFINED,
    );
    yew::scheduler::flush().await;
    assert_eq!(count(&root, ".embed.view-diagram.in-element"), 1);
    assert_eq!(count(&root, ".topology"), 0);
    assert_eq!(count(&root, ".spacetime"), 1);
    assert_eq!(count(&root, ".controls"), 0);
    assert_eq!(count(&root, "[role=alert]"), 0);

    handle.set_attributes(object(
        r#"{"preset": "leaderless-sloppy-quorum", "view": "topology"}"#,
    ));
    yew::scheduler::flush().await;
    assert_eq!(count(&root, ".topology"), 1);
    assert_eq!(count(&root, ".spacetime"), 0);
    assert_eq!(count(&root, ".controls"), 1, "controls back by default");
    let select: web_sys::HtmlSelectElement =
        wasm_bindgen::JsCast::unchecked_into(find(&root, ".preset-picker select"));
    assert_eq!(select.value(), "leaderless-sloppy-quorum");

    handle.set_attributes(object(r#"{"preset": "leaderless-anti-entropy"}"#));
    yew::scheduler::flush().await;
    assert_eq!(select.value(), "leaderless-anti-entropy");
    // "Open in ReplicaScope" points at the app the element came from.
    let open = find(&root, "[data-testid=open-full]")
        .get_attribute("href")
        .unwrap();
    assert!(
        open.starts_with("https://example.org/rs/index.html#run="),
        "{open}"
    );
    assert_eq!(location(), before, "the host page's address is not touched");
    handle.destroy();
    yew::scheduler::flush().await;
    assert_eq!(count(&root, ".embed"), 0, "destroy unmounts");
}

#[wasm_bindgen_test]
async fn bad_attributes_are_named_and_defaults_stand_in() {
    let (root, mut handle) = mount(
        r#"{"preset": "no-such-thing", "view": "sideways", "speed": "fast"}"#,
        JsValue::UNDEFINED,
    );
    yew::scheduler::flush().await;
    let alert = text(&root, "[role=alert] span");
    assert!(
        alert.contains("There is no preset called 'no-such-thing'"),
        "{alert}"
    );
    assert!(
        alert.contains("view=\"sideways\" is not understood: expected topology, diagram or both."),
        "{alert}"
    );
    assert!(
        alert.contains("speed=\"fast\" is not understood"),
        "{alert}"
    );
    assert_eq!(count(&root, ".topology"), 1);
    assert_eq!(count(&root, ".spacetime"), 1);
    handle.destroy();
}

#[wasm_bindgen_test]
async fn a_scenario_object_runs_and_a_bad_one_keeps_the_run() {
    let mut scenario = presets::find("leaderless-quorum-one-down")
        .unwrap()
        .scenario();
    scenario.seed = 99;
    let (root, mut handle) = mount(r#"{"view": "diagram"}"#, object(&scenario.to_json()));
    yew::scheduler::flush().await;
    assert_eq!(count(&root, "[role=alert]"), 0);
    let lanes = dom::texts(&root, ".spacetime .lane-title");
    assert_eq!(lanes.len(), 4, "clients + 3 replicas: {lanes:?}");
    let svg_before = find(&root, ".spacetime svg").outer_html();

    let error = handle.set_scenario(object(
        r#"{"format": 1, "seed": 1, "protocol": {"kind": "leaderless", "nodes": "five", "n": 3, "w": 2, "r": 2}, "until_ms": 100}"#,
    ));
    yew::scheduler::flush().await;
    let error = error.expect("an error comes back");
    assert!(
        error.starts_with(
            "The scenario could not be read at protocol.nodes: invalid type: string \"five\""
        ),
        "{error}"
    );
    assert!(text(&root, "[role=alert] span").contains("protocol.nodes"));
    assert_eq!(
        find(&root, ".spacetime svg").outer_html(),
        svg_before,
        "the run stays"
    );

    let error = handle.set_scenario(object(
        r#"{"format": 1, "seed": 1, "protocol": {"kind": "leaderless", "nodes": 3, "n": 3, "w": 7, "r": 2}, "until_ms": 100}"#,
    ));
    assert!(error.unwrap().contains("protocol.w"));
    assert_eq!(
        handle.set_scenario(JsValue::from(5)).as_deref(),
        Some("The scenario must be an object in the scenario format (see docs/scenario.md), or that JSON as text.")
    );

    // A good one replaces the run and clears the message.
    let mut five = scenario.clone();
    if let replicascope_core::protocol::ProtocolConfig::Leaderless(l) = &mut five.protocol {
        l.nodes = 5;
    }
    assert_eq!(handle.set_scenario(object(&five.to_json())), None);
    yew::scheduler::flush().await;
    assert_eq!(count(&root, "[role=alert]"), 0);
    assert_eq!(dom::texts(&root, ".spacetime .lane-title").len(), 6);
    handle.destroy();
}

#[wasm_bindgen_test]
async fn a_tour_attribute_plays_the_tour_inside_the_element() {
    let tour = replicascope_core::tours::all()[0].id;
    let (root, mut handle) = mount(&format!(r#"{{"tour": "{tour}"}}"#), JsValue::UNDEFINED);
    yew::scheduler::flush().await;
    let player = find(&root, "[data-testid=tour-player]");
    assert_eq!(player.get_attribute("data-tour").as_deref(), Some(tour));
    assert!(text(&root, "[data-testid=tour-count]").starts_with("Step 1 of "));
    handle.set_attributes(object(r#"{"tour": "no-such-tour"}"#));
    yew::scheduler::flush().await;
    assert!(text(&root, "[role=alert] span").contains("There is no tour called 'no-such-tour'"));
    handle.destroy();
}
