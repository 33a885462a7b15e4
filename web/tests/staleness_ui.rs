#![cfg(target_arch = "wasm32")]
//! The staleness lab in Chromium: a small run draws one curve per n/w/r
//! with its legend and fills the table (the strict quorum at 100 % from
//! t = 0, a t for 99.9 % for the others); a bad distribution is refused
//! naming its field without losing the results; Stop keeps a partial
//! result; the same seed gives the same numbers; on `?page=staleness` a
//! copied link reproduces the curves and a damaged one is explained.

use replicascope_web::components::staleness_lab::StalenessLab;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{
    Element, Event, EventInit, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement,
};

mod dom;
use dom::{choose, click, find, pause, set_url, text, texts};

wasm_bindgen_test_configure!(run_in_browser);

fn mount() -> Element {
    dom::mount_component::<StalenessLab>()
}

/// Types `value` into the text field or textarea `selector` finds.
async fn type_into(root: &Element, selector: &str, value: &str) {
    let el = find(root, selector);
    match el.dyn_ref::<HtmlTextAreaElement>() {
        Some(area) => area.set_value(value),
        None => el.unchecked_ref::<HtmlInputElement>().set_value(value),
    }
    let init = EventInit::new();
    init.set_bubbles(true);
    el.dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
    yew::scheduler::flush().await;
}

async fn press_run(root: &Element) {
    click(&find(root, "[data-testid=staleness-run]"));
    yew::scheduler::flush().await;
}

/// Waits until the run reports its throughput (it has finished).
async fn until_finished(root: &Element) -> String {
    for _ in 0..1500 {
        if let Some(done) = root
            .query_selector("[data-testid=staleness-throughput]")
            .unwrap()
        {
            return done.text_content().unwrap_or_default();
        }
        pause(20).await;
    }
    panic!(
        "the run did not finish: {}",
        text(root, "[data-testid=staleness-status]")
    );
}

fn cell(root: &Element, curve: &str, class: &str) -> String {
    text(root, &format!("tr[data-curve='{curve}'] td.{class}"))
}

fn polylines(root: &Element) -> u32 {
    root.query_selector_all("[data-testid=staleness-chart] polyline")
        .unwrap()
        .length()
}

/// A fresh lab with `trials` per curve, run to the end.
async fn small_run(trials: &str) -> Element {
    let root = mount();
    yew::scheduler::flush().await;
    type_into(&root, "#sl-trials", trials).await;
    press_run(&root).await;
    until_finished(&root).await;
    root
}

#[wasm_bindgen_test]
async fn a_small_run_draws_each_curve_and_tabulates_it() {
    let root = mount();
    yew::scheduler::flush().await;
    assert_eq!(polylines(&root), 0, "nothing drawn before Run");
    assert_eq!(
        root.query_selector_all(".sl-curve-row").unwrap().length(),
        4
    );
    type_into(&root, "#sl-trials", "5000").await;
    press_run(&root).await;
    let done = until_finished(&root).await;
    assert!(done.starts_with("Done: 20,000 trials in"), "{done}");
    assert!(done.contains(" trials/s"), "{done}");

    assert_eq!(polylines(&root), 4);
    let legend = texts(&root, ".sl-legend .sl-entry text:first-of-type");
    assert_eq!(
        legend,
        ["n=3 w=1 r=1", "n=3 w=1 r=2", "n=3 w=2 r=1", "n=3 w=2 r=2"]
    );
    assert!(text(&root, ".sl-legend [data-curve='3-2-2']").contains("w + r > n: never stale"));
    let progress = find(&root, "progress[data-testid=staleness-progress]");
    assert_eq!(progress.get_attribute("value").as_deref(), Some("20000"));
    assert_eq!(progress.get_attribute("max").as_deref(), Some("20000"));

    // w + r > n: every read sees the write, from t = 0.
    assert_eq!(cell(&root, "3-2-2", "p0"), "100 %");
    assert_eq!(cell(&root, "3-2-2", "trials"), "5,000");
    // n = 3, w = 1, r = 1 on LinkedIn disks: often stale at first, 99.9 %
    // within the 100 ms of the axis.
    let p0: f64 = cell(&root, "3-1-1", "p0")
        .trim_end_matches(" %")
        .parse()
        .unwrap();
    assert!(p0 > 20.0 && p0 < 80.0, "{p0}");
    let t999: f64 = cell(&root, "3-1-1", "t999").parse().unwrap();
    assert!(t999 > 5.0 && t999 < 100.0, "{t999}");
    // Its marker on the 99.9 % line, none for the flat curve.
    assert!(root
        .query_selector(".sl-marker[data-curve='3-1-1']")
        .unwrap()
        .is_some());
    assert!(root
        .query_selector(".sl-marker[data-curve='3-2-2']")
        .unwrap()
        .is_none());
}

#[wasm_bindgen_test]
async fn a_bad_distribution_names_its_field_and_keeps_the_results() {
    let root = small_run("3000").await;
    let chart = find(&root, "[data-testid=staleness-chart]").inner_html();
    let table = text(&root, "[data-testid=staleness-table]");

    type_into(
        &root,
        "#sl-leg-write",
        r#"{"kind": "exponential", "rate_per_ms": 0}"#,
    )
    .await;
    let error = text(&root, "[data-testid=leg-error-write]");
    assert!(
        error.starts_with("latency.legs.write.rate_per_ms: 0 is not allowed"),
        "{error}"
    );
    let model: HtmlSelectElement = find(&root, "#sl-model").dyn_into().unwrap();
    assert_eq!(model.value(), "custom");
    press_run(&root).await;
    let problems = text(&root, "[data-testid=staleness-problems]");
    assert!(
        problems.contains("latency.legs.write.rate_per_ms"),
        "{problems}"
    );
    // The previous run is still on screen, untouched.
    pause(30).await;
    assert_eq!(
        find(&root, "[data-testid=staleness-chart]").inner_html(),
        chart
    );
    assert_eq!(text(&root, "[data-testid=staleness-table]"), table);
    assert_eq!(polylines(&root), 4);

    // Not even JSON: named too.
    type_into(&root, "#sl-leg-write", r#"{"kind": "pareto", "xm_ms": 1"#).await;
    let error = text(&root, "[data-testid=leg-error-write]");
    assert!(
        error.starts_with("latency.legs.write: not a distribution"),
        "{error}"
    );
    // Fixed: the run goes ahead with the edited leg.
    type_into(&root, "#sl-leg-write", r#"{"kind": "constant", "ms": 0.1}"#).await;
    assert!(root
        .query_selector("[data-testid=leg-error-write]")
        .unwrap()
        .is_none());
    press_run(&root).await;
    assert!(root
        .query_selector("[data-testid=staleness-problems]")
        .unwrap()
        .is_none());
    until_finished(&root).await;
    assert!(text(&root, ".sl-legend").contains("custom distributions"));
}

#[wasm_bindgen_test]
async fn stop_keeps_a_partial_result_and_the_page_answers_during_a_run() {
    let root = mount();
    yew::scheduler::flush().await;
    press_run(&root).await; // 4 × 1,000,000 trials: far longer than this test
    pause(120).await;
    // The page handles input between slices.
    type_into(&root, "#sl-seed", "42").await;
    assert_eq!(
        find(&root, "#sl-seed")
            .unchecked_into::<HtmlInputElement>()
            .value(),
        "42"
    );
    let status = root
        .query_selector("[data-testid=staleness-status]")
        .unwrap()
        .and_then(|e| e.text_content())
        .unwrap_or_else(|| root.text_content().unwrap_or_default());
    assert!(status.starts_with("Running: "), "{status}");
    click(&find(&root, "[data-testid=staleness-stop]"));
    yew::scheduler::flush().await;
    let done = text(&root, "[data-testid=staleness-throughput]");
    assert!(done.starts_with("Stopped after "), "{done}");
    let trials: u64 = done["Stopped after ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .replace(',', "")
        .parse()
        .unwrap();
    assert!(trials > 0 && trials < 4_000_000, "{trials}");
    assert_eq!(polylines(&root), 4);
    // Stopped means stopped.
    pause(150).await;
    assert_eq!(text(&root, "[data-testid=staleness-throughput]"), done);
}

#[wasm_bindgen_test]
async fn the_same_seed_gives_the_same_numbers() {
    let root = small_run("2000").await;
    let first = text(&root, "[data-testid=staleness-table] tbody");
    press_run(&root).await;
    until_finished(&root).await;
    assert_eq!(text(&root, "[data-testid=staleness-table] tbody"), first);
    type_into(&root, "#sl-seed", "9").await;
    press_run(&root).await;
    until_finished(&root).await;
    assert_ne!(text(&root, "[data-testid=staleness-table] tbody"), first);
}

#[wasm_bindgen_test]
async fn on_its_own_page_a_copied_link_reproduces_the_curves() {
    set_url("?page=staleness");
    let first = mount();
    yew::scheduler::flush().await;
    // Two curves, protocol method, a log axis.
    click(&find(&first, "button[aria-label='Remove curve 4']"));
    yew::scheduler::flush().await;
    click(&find(&first, "button[aria-label='Remove curve 2']"));
    yew::scheduler::flush().await;
    choose(&first, "#sl-method", "protocol");
    yew::scheduler::flush().await;
    click(&find(&first, "#sl-logx"));
    yew::scheduler::flush().await;
    type_into(&first, "#sl-trials", "40").await;
    type_into(&first, "#sl-seed", "11").await;
    press_run(&first).await;
    until_finished(&first).await;
    let hash = web_sys::window().unwrap().location().hash().unwrap();
    assert!(hash.starts_with("#lab="), "{hash}");
    assert_eq!(polylines(&first), 2);
    let table = text(&first, "[data-testid=staleness-table] tbody");

    // Opened from the link: the same curves run by themselves.
    let second = mount();
    yew::scheduler::flush().await;
    until_finished(&second).await;
    assert_eq!(polylines(&second), 2);
    assert_eq!(text(&second, "[data-testid=staleness-table] tbody"), table);
    let method: HtmlSelectElement = find(&second, "#sl-method").dyn_into().unwrap();
    assert_eq!(method.value(), "protocol");
    assert!(find(&second, "#sl-logx")
        .unchecked_into::<HtmlInputElement>()
        .checked());
    assert!(text(&second, "[data-testid=staleness-chart]").contains("(log scale)"));

    // A damaged link: explained, and the defaults instead.
    set_url("?page=staleness#lab=eyJ2IjoxLCJtb2RlbCI6Im");
    let third = mount();
    yew::scheduler::flush().await;
    let notice = text(&third, "[data-testid=staleness-notice]");
    assert!(
        notice.starts_with("The lab settings in this link could not be read"),
        "{notice}"
    );
    assert_eq!(
        third.query_selector_all(".sl-curve-row").unwrap().length(),
        4
    );
    assert_eq!(polylines(&third), 0);
    set_url("");
}
