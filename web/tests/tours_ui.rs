#![cfg(target_arch = "wasm32")]
//! Guided tours in the mounted app: a tour started from the list (or the
//! address) pauses the run at its first step; Next / Back / the keyboard
//! move the cursor to exactly the resolved pause points with their
//! captions; Finish and × leave the tour and keep the run; an intervention
//! brings up the "you changed the run" note; a bad id is named.

use replicascope_core::time::Duration;
use replicascope_core::tours;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement};

mod dom;
use dom::{button, click, click_on, find, mount, text};

wasm_bindgen_test_configure!(run_in_browser);

const TOUR: &str = "single-leader-async-crash-loses-write";

/// The cursor's time, read from the scrub bar (µs).
fn cursor_us(root: &Element) -> u64 {
    let scrub: HtmlInputElement = find(root, "input[aria-label='Time']").unchecked_into();
    scrub.value().parse().expect("a number")
}

fn assert_at_step(root: &Element, steps: &[tours::ResolvedStep], k: usize) {
    let step = &steps[k];
    assert_eq!(
        text(root, "[data-testid=tour-count]")
            .split(" · ")
            .next()
            .unwrap(),
        format!("Step {} of {}", k + 1, steps.len())
    );
    assert_eq!(text(root, "[data-testid=tour-caption]"), step.caption);
    assert_eq!(cursor_us(root), step.t_us, "step {}", k + 1);
    assert!(
        text(root, "[data-testid=clock]").starts_with(&format!("{}", Duration(step.t_us))),
        "{}",
        text(root, "[data-testid=clock]")
    );
}

/// A key pressed with nothing focused, as the page's listener sees it.
fn press(key: &str) {
    let press = js_sys::Function::new_with_args(
        "key",
        "document.body.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }))",
    );
    press
        .call1(&wasm_bindgen::JsValue::NULL, &key.into())
        .unwrap();
}

fn resolved(id: &str) -> Vec<tours::ResolvedStep> {
    tours::start(tours::find(id).unwrap()).unwrap().1
}

#[wasm_bindgen_test]
async fn a_tour_started_from_the_list_steps_with_next_and_back_then_finishes() {
    let root = mount("");
    yew::scheduler::flush().await;
    assert!(root
        .query_selector("[data-testid=tour-player]")
        .unwrap()
        .is_none());
    // The list: every section that has tours, in order, every tour once.
    let headings = dom::texts(&root, ".tour-list .tour-section h3");
    assert_eq!(
        headings,
        tours::by_section()
            .iter()
            .map(|(s, _)| s.title().to_string())
            .collect::<Vec<_>>()
    );
    assert!(headings.len() >= 4, "{headings:?}");
    assert_eq!(
        root.query_selector_all(".tour-card").unwrap().length() as usize,
        tours::all().len()
    );
    click_on(
        &root,
        &format!(".tour-card[data-tour='{TOUR}'] [data-testid=start-tour]"),
    );
    yew::scheduler::flush().await;

    let steps = resolved(TOUR);
    assert!(steps.len() >= 3);
    assert_eq!(text(&root, ".tour-title"), tours::find(TOUR).unwrap().title);
    assert_at_step(&root, &steps, 0);
    let hash = web_sys::window().unwrap().location().hash().unwrap();
    assert!(
        hash.starts_with(&format!("#tour={TOUR}&step=1&run=")),
        "{hash}"
    );

    click(&button(&root, "Next →"));
    yew::scheduler::flush().await;
    assert_at_step(&root, &steps, 1);
    click(&button(&root, "Next →"));
    yew::scheduler::flush().await;
    assert_at_step(&root, &steps, 2);
    click(&button(&root, "← Back"));
    yew::scheduler::flush().await;
    assert_at_step(&root, &steps, 1);
    // The dots jump straight to a step.
    click_on(
        &root,
        &format!("button[aria-label='Go to step {}']", steps.len()),
    );
    yew::scheduler::flush().await;
    assert_at_step(&root, &steps, steps.len() - 1);

    // Finish leaves the tour and keeps the run where it was.
    let end = cursor_us(&root);
    click(&button(&root, "Finish"));
    yew::scheduler::flush().await;
    assert!(root
        .query_selector("[data-testid=tour-player]")
        .unwrap()
        .is_none());
    assert_eq!(cursor_us(&root), end);
    let hash = web_sys::window().unwrap().location().hash().unwrap();
    assert!(hash.starts_with("#run="), "{hash}");
}

#[wasm_bindgen_test]
async fn the_keyboard_moves_through_a_tour_from_the_address_and_escape_leaves() {
    let root = mount(&format!("#tour={TOUR}&step=2"));
    yew::scheduler::flush().await;
    let steps = resolved(TOUR);
    assert_at_step(&root, &steps, 1);
    press("ArrowRight");
    yew::scheduler::flush().await;
    assert_at_step(&root, &steps, 2);
    press("PageDown");
    yew::scheduler::flush().await;
    assert_at_step(&root, &steps, 3);
    press("ArrowLeft");
    yew::scheduler::flush().await;
    assert_at_step(&root, &steps, 2);
    // Back on the first step stays there.
    press("PageUp");
    press("ArrowLeft");
    press("ArrowLeft");
    yew::scheduler::flush().await;
    assert_at_step(&root, &steps, 0);
    press("Escape");
    yew::scheduler::flush().await;
    assert!(root
        .query_selector("[data-testid=tour-player]")
        .unwrap()
        .is_none());
    // Without a tour the arrows step through events again.
    press("ArrowRight");
    yew::scheduler::flush().await;
    assert!(cursor_us(&root) > steps[0].t_us);
}

#[wasm_bindgen_test]
async fn changing_the_run_shows_a_note_and_restore_puts_it_back() {
    let root = mount(&format!("#tour={TOUR}"));
    yew::scheduler::flush().await;
    assert!(root
        .query_selector("[data-testid=tour-forked]")
        .unwrap()
        .is_none());
    // Fork: crash node 3 from the inspector at step 1.
    click_on(&root, ".topology [data-node='3']");
    yew::scheduler::flush().await;
    click(&button(&root, "Crash node 3"));
    yew::scheduler::flush().await;
    assert!(
        text(&root, "[data-testid=tour-forked]").contains("You changed the run"),
        "{}",
        root.inner_html()
    );
    click(&button(&root, "Restore the original run"));
    yew::scheduler::flush().await;
    assert!(root
        .query_selector("[data-testid=tour-forked]")
        .unwrap()
        .is_none());
    assert_at_step(&root, &resolved(TOUR), 0);
}

#[wasm_bindgen_test]
async fn a_bad_tour_id_is_named_and_the_page_shows_as_usual() {
    let root = mount("#tour=no-such-tour");
    yew::scheduler::flush().await;
    let notice = text(&root, "[data-testid=notice]");
    assert!(notice.contains("no tour called 'no-such-tour'"), "{notice}");
    assert!(notice.contains(tours::all()[0].id), "{notice}");
    assert!(root
        .query_selector("[data-testid=tour-player]")
        .unwrap()
        .is_none());
    assert!(root.query_selector(".topology").unwrap().is_some());
}
