#![cfg(target_arch = "wasm32")]
//! The quorum calculator mounted in a real browser: its DOM reflects the
//! core's analysis and follows the sliders.

use replicascope_web::components::quorum_calculator::QuorumCalculator;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, Event, EventInit, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn mount() -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<QuorumCalculator>::with_root(root.clone()).render();
    root
}

fn text(root: &Element, test_id: &str) -> String {
    root.query_selector(&format!("[data-testid={test_id}]"))
        .unwrap()
        .unwrap_or_else(|| panic!("no element with data-testid={test_id}"))
        .text_content()
        .unwrap_or_default()
}

fn slide(root: &Element, id: &str, value: &str) {
    let input: HtmlInputElement = root
        .query_selector(&format!("#{id}"))
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    input.set_value(value);
    let init = EventInit::new();
    init.set_bubbles(true);
    let event = Event::new_with_event_init_dict("input", &init).unwrap();
    input.dispatch_event(&event).unwrap();
}

#[wasm_bindgen_test]
async fn starts_balanced_and_reports_overlap() {
    let root = mount();
    yew::scheduler::flush().await;
    assert!(
        text(&root, "verdict").contains("w + r = 4 > n = 3"),
        "{}",
        text(&root, "verdict")
    );
    assert_eq!(text(&root, "overlap"), "1 replica");
    assert_eq!(text(&root, "write-level"), "TWO / QUORUM");
    assert_eq!(root.query_selector_all(".replica").unwrap().length(), 3);
    assert_eq!(
        root.query_selector_all(".replica.in-both")
            .unwrap()
            .length(),
        1
    );
}

#[wasm_bindgen_test]
async fn lowering_w_makes_reads_stale() {
    let root = mount();
    yew::scheduler::flush().await;
    slide(&root, "quorum-w", "1");
    yew::scheduler::flush().await;
    let verdict = text(&root, "verdict");
    assert!(verdict.starts_with("Reads may be stale."), "{verdict}");
    assert_eq!(text(&root, "w-value"), "1");
    // C(2,2)/C(3,2) = 1/3
    assert!(text(&root, "stale-probability").starts_with("1/3 = 33.3 %"));
    assert_eq!(
        root.query_selector_all(".replica.in-both")
            .unwrap()
            .length(),
        0
    );
}

#[wasm_bindgen_test]
async fn shrinking_n_clamps_w_and_r() {
    let root = mount();
    yew::scheduler::flush().await;
    slide(&root, "quorum-n", "9");
    yew::scheduler::flush().await;
    slide(&root, "quorum-w", "7");
    yew::scheduler::flush().await;
    slide(&root, "quorum-n", "2");
    yew::scheduler::flush().await;
    assert_eq!(text(&root, "n-value"), "2");
    assert_eq!(text(&root, "w-value"), "2");
    assert_eq!(text(&root, "r-value"), "2");
}

#[wasm_bindgen_test]
async fn presets_are_one_click() {
    let root = mount();
    yew::scheduler::flush().await;
    let buttons = root.query_selector_all("button.preset").unwrap();
    assert_eq!(buttons.length(), 3);
    // High availability: w = 1, r = 1 on n = 3.
    let ha: web_sys::HtmlElement = buttons.item(1).unwrap().dyn_into().unwrap();
    ha.click();
    yew::scheduler::flush().await;
    assert_eq!(text(&root, "w-value"), "1");
    assert_eq!(text(&root, "r-value"), "1");
    assert!(text(&root, "stale-probability").starts_with("2/3"));
}
