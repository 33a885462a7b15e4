#![cfg(target_arch = "wasm32")]
//! The whole app mounted in Chromium: the default preset renders its nodes,
//! its diagram and its controls, and the controls move the cursor.

use wasm_bindgen_test::*;

mod dom;
use dom::{click_on as click, mount, text};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn default_preset_renders_nodes_diagram_and_controls() {
    let root = mount("");
    yew::scheduler::flush().await;
    assert_eq!(
        root.query_selector_all(".topology [data-node]")
            .unwrap()
            .length(),
        2
    );
    assert!(root.query_selector(".spacetime svg").unwrap().is_some());
    assert!(text(&root, "[data-testid=clock]").starts_with("0 ms / 100 ms"));
    // The space-time diagram holds the run's two protocol messages.
    assert_eq!(
        root.query_selector_all(".spacetime [data-msg]")
            .unwrap()
            .length(),
        2
    );
}

#[wasm_bindgen_test]
async fn next_steps_to_the_next_event_and_selection_shows_the_payload() {
    let root = mount("");
    yew::scheduler::flush().await;
    click(&root, "button[aria-label='Step forward one event']");
    yew::scheduler::flush().await;
    assert!(
        text(&root, "[data-testid=clock]").starts_with("10 ms"),
        "{}",
        text(&root, "[data-testid=clock]")
    );
    // Select the replicate message from the diagram.
    click(&root, ".spacetime [data-msg='0'] line");
    yew::scheduler::flush().await;
    assert_eq!(
        text(&root, "[data-testid=payload]"),
        "LSN 1: x = 1 (epoch 1)"
    );
}
