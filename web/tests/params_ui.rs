#![cfg(target_arch = "wasm32")]
//! The new scenario controls, the write-latency chart and the anomaly list,
//! in Chromium: parameter edits go through the same functions and reducer
//! the page uses, and the mounted app shows what they change.

use std::rc::Rc;

use replicascope_core::presets;
use replicascope_core::protocol::single_leader::SingleLeaderConfig;
use replicascope_core::protocol::ProtocolConfig;
use replicascope_core::scenario::ReadYourWrites;
use replicascope_core::time::Instant;
use replicascope_web::components::latency_chart::{summary_at, write_points};
use replicascope_web::components::params::{change, params_for, Input, Param};
use replicascope_web::state::Model;
use serde_json::json;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, Event, EventInit, HtmlElement, HtmlInputElement};
use yew::Reducible;

mod dom;
use dom::{find, mount, text};

wasm_bindgen_test_configure!(run_in_browser);

/// The single-leader control editing `path`.
fn control(path: &str) -> Param {
    params_for("single_leader")
        .into_iter()
        .flat_map(|g| g.params)
        .find(|p| p.path == path)
        .unwrap_or_else(|| panic!("no control edits {path}"))
}

/// What the page does when the user changes `param`: the edit's messages
/// fed to the reducer.
fn user_sets(model: Rc<Model>, param: &Param, input: Input<'_>) -> Rc<Model> {
    let value = param.value_from(input).expect("a meaningful input");
    change(&model.scenario(), param.path, value)
        .into_iter()
        .fold(model, |m, msg| m.reduce(msg))
}

fn leader_config(model: &Model) -> SingleLeaderConfig {
    match model.scenario().protocol {
        ProtocolConfig::SingleLeader(c) => c,
        _ => panic!("not a single-leader run"),
    }
}

#[wasm_bindgen_test]
fn toggling_automatic_failover_adds_and_removes_it_and_reruns() {
    let start = Rc::new(Model::from_preset("single-leader-sync-write", false));
    assert!(leader_config(&start).failover.is_none());
    let toggle = control("/protocol/failover");

    let on = user_sets(start.clone(), &toggle, Input::Checked(true));
    let failover = leader_config(&on).failover.expect("failover was added");
    assert_eq!((failover.timeout_ms, failover.heartbeat_ms), (500.0, 100.0));
    assert_eq!(on.run.revision, start.run.revision + 1, "a new run");
    assert_ne!(on.run.hash, start.run.hash, "heartbeats change the trace");
    assert!(on.notice.is_none());

    let off = user_sets(on.clone(), &toggle, Input::Checked(false));
    assert!(leader_config(&off).failover.is_none());
    assert_eq!(off.run.revision, on.run.revision + 1);
    assert_eq!(off.run.hash, start.run.hash, "back to the original run");
}

#[wasm_bindgen_test]
fn a_routing_choice_on_a_preset_without_routing_creates_it() {
    let start = Rc::new(Model::from_preset("single-leader-sync-write", false));
    let doc = serde_json::to_value(start.scenario()).unwrap();
    assert!(doc["workload"].get("routing").is_none());

    // Option 2 is "wait for the write's log position".
    let m = user_sets(
        start,
        &control("/workload/routing/read_your_writes"),
        Input::Text("2"),
    );
    let routing = m.scenario().workload.routing;
    assert_eq!(routing.read_your_writes, ReadYourWrites::LogPosition);
    assert_eq!(
        routing.leader_window_ms, 1000.0,
        "the rest keeps its defaults"
    );
    assert!(!routing.sticky_reads);

    let m = user_sets(
        m,
        &control("/workload/routing/sticky_reads"),
        Input::Checked(true),
    );
    let routing = m.scenario().workload.routing;
    assert!(routing.sticky_reads);
    assert_eq!(routing.read_your_writes, ReadYourWrites::LogPosition);
}

#[wasm_bindgen_test]
fn an_out_of_range_value_is_refused_and_the_run_stays() {
    let start = Rc::new(Model::from_preset("single-leader-sync-write", false));
    let after = change(&start.scenario(), "/protocol/rows", json!(3000))
        .into_iter()
        .fold(start.clone(), |m, msg| m.reduce(msg));
    let notice = after.notice.clone().expect("the refusal is explained");
    assert!(notice.error);
    assert!(
        notice.text.starts_with("That setting was refused")
            && notice.text.contains("protocol.rows"),
        "{}",
        notice.text
    );
    assert_eq!(after.scenario(), start.scenario());
    assert_eq!(after.run.revision, start.run.revision);
    assert_eq!(after.run.hash, start.run.hash);

    // A choice that does not exist is no edit at all.
    assert!(control("/protocol/log_format")
        .value_from(Input::Text("7"))
        .is_none());
}

#[wasm_bindgen_test]
fn latency_summary_of_the_semi_sync_fallback_preset() {
    // Three writes: the first waits out the 1 s semi-sync timeout, the
    // second is answered at once (asynchronous fallback), the third waits
    // for the caught-up follower again (a 21 ms round trip with the flush).
    let s = presets::find("single-leader-semi-sync-fallback")
        .unwrap()
        .scenario();
    let run = replicascope_core::run::start(&s).unwrap();
    let points = write_points(run.history());
    assert_eq!(points.len(), 3);

    let end = summary_at(&points, s.until());
    assert_eq!((end.acknowledged, end.failed, end.waiting), (3, 0, 0));
    assert_eq!(end.median_us, Some(21_000));
    assert_eq!(end.max_us, Some(1_000_000));

    let mid = summary_at(&points, Instant(1_610_000));
    assert_eq!((mid.acknowledged, mid.waiting), (2, 1));
    assert_eq!(mid.median_us, Some(500_000), "mean of 0 and 1000 ms");
}

// ---- The mounted app ----

#[wasm_bindgen_test]
async fn the_failover_checkbox_reveals_its_sliders() {
    let root = mount("");
    yew::scheduler::flush().await;
    let checkbox: HtmlInputElement = find(&root, "#param-protocol-failover").unchecked_into();
    assert!(!checkbox.checked());
    assert!(root
        .query_selector("#param-protocol-failover-heartbeat_ms")
        .unwrap()
        .is_none());
    // Fencing shows the core's default although the preset leaves it out.
    let fencing: HtmlInputElement = find(&root, "#param-protocol-fencing").unchecked_into();
    assert!(fencing.checked());
    assert_eq!(
        text(&root, "label[for='param-protocol-fencing']").trim(),
        "Fencing (epoch numbers stop a deposed leader)"
    );

    checkbox.unchecked_ref::<HtmlElement>().click();
    yew::scheduler::flush().await;
    let checkbox: HtmlInputElement = find(&root, "#param-protocol-failover").unchecked_into();
    assert!(checkbox.checked());
    let heartbeat: HtmlInputElement =
        find(&root, "#param-protocol-failover-heartbeat_ms").unchecked_into();
    assert_eq!(heartbeat.value(), "100");
    assert!(text(&root, "label[for='param-protocol-failover-timeout_ms']").contains("500 ms"));
}

#[wasm_bindgen_test]
async fn the_chart_and_the_anomaly_list_follow_the_cursor() {
    let root = mount("#preset=single-leader-async-crash-loses-write");
    yew::scheduler::flush().await;
    assert!(root.query_selector(".latency-chart svg").unwrap().is_some());
    assert_eq!(
        text(&root, "[data-testid=latency-summary]"),
        "No write acknowledged yet."
    );
    assert_eq!(text(&root, ".anomaly-count"), "0");

    // Scrub to the end of the run.
    let scrub: HtmlInputElement = find(&root, "input[aria-label='Time']").unchecked_into();
    scrub.set_value(&scrub.max());
    let init = EventInit::new();
    init.set_bubbles(true);
    scrub
        .dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    assert!(
        text(&root, "[data-testid=latency-summary]").contains("acknowledged so far"),
        "{}",
        text(&root, "[data-testid=latency-summary]")
    );
    // Newest first: two stale reads (the first of them also shows the key
    // is not linearizable), then the lost write they missed.
    let items = root.query_selector_all(".anomaly-list li button").unwrap();
    assert_eq!(items.length(), 4);
    let labels: Vec<String> = (0..4)
        .map(|i| {
            let e: Element = items.item(i).unwrap().unchecked_into();
            e.query_selector(".anomaly-kind")
                .unwrap()
                .unwrap()
                .text_content()
                .unwrap()
        })
        .collect();
    assert_eq!(
        labels.iter().filter(|l| *l == "stale read").count(),
        2,
        "{labels:?}"
    );
    assert_eq!(
        labels.iter().filter(|l| *l == "not linearizable").count(),
        1,
        "{labels:?}"
    );
    let lost: Element = items.item(3).unwrap().unchecked_into();
    assert!(lost.text_content().unwrap().starts_with("lost write"));
    assert!(lost
        .text_content()
        .unwrap()
        .contains("no surviving node has it"));
    assert_eq!(text(&root, ".anomaly-count"), "4");

    // Clicking it moves the cursor to when the client got its answer.
    let at = lost
        .query_selector("time")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap();
    lost.unchecked_ref::<HtmlElement>().click();
    yew::scheduler::flush().await;
    assert!(
        text(&root, "[data-testid=clock]").starts_with(&format!("{at} /")),
        "{} vs {at}",
        text(&root, "[data-testid=clock]")
    );
}
