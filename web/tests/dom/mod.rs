//! The mounted app as the browser tests drive it: mount it at a URL
//! fragment, find elements, read their text, click and scrub like a user.
//! Shared by the wasm-bindgen test files (each uses part of it).
#![allow(dead_code)]

use replicascope_core::scenario::Scenario;
use replicascope_core::share;
use replicascope_web::state::param;
use replicascope_web::App;
use wasm_bindgen::JsCast;
use web_sys::{
    Element, Event, EventInit, HtmlInputElement, HtmlSelectElement, MouseEvent, MouseEventInit,
};

/// Sets the address (path kept) to `query_and_fragment`, as a link would.
pub fn set_url(query_and_fragment: &str) {
    let window = web_sys::window().unwrap();
    let path = window.location().pathname().unwrap();
    window
        .history()
        .unwrap()
        .replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("{path}{query_and_fragment}")),
        )
        .unwrap();
}

/// Mounts a fresh `C` (a component without properties) in a new element
/// at the end of the page.
pub fn mount_component<C: yew::BaseComponent<Properties = ()>>() -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<C>::with_root(root.clone()).render();
    root
}

/// Mounts a fresh app that reads its run from `fragment` ("" for the
/// default preset; each app writes its run back into the URL).
pub fn mount(fragment: &str) -> Element {
    set_url(fragment);
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root(root.clone()).render();
    root
}

/// Waits `ms` of wall-clock time (lets timers and 0 ms timeouts fire),
/// then lets the app render.
pub async fn pause(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
    yew::scheduler::flush().await;
}

pub fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
}

pub fn text(root: &Element, selector: &str) -> String {
    find(root, selector).text_content().unwrap_or_default()
}

/// A bubbling, cancelable click, as a mouse would make (works on SVG
/// elements too; a submit button's handler can cancel the form's submit).
pub fn click(el: &Element) {
    let init = MouseEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = MouseEvent::new_with_mouse_event_init_dict("click", &init).unwrap();
    el.dispatch_event(&event).unwrap();
}

/// Clicks the element `selector` finds.
pub fn click_on(root: &Element, selector: &str) {
    click(&find(root, selector));
}

/// The button whose text is `label`.
pub fn button(root: &Element, label: &str) -> Element {
    let all = root.query_selector_all("button").unwrap();
    (0..all.length())
        .filter_map(|i| all.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .find(|b| b.text_content().unwrap_or_default().trim() == label)
        .unwrap_or_else(|| panic!("no button '{label}'"))
}

/// Moves the cursor to the end of the run with the scrub bar.
pub fn seek_to_end(root: &Element) {
    let scrub: HtmlInputElement = find(root, "input[aria-label='Time']").unchecked_into();
    seek(root, &scrub.max());
}

/// Moves the cursor to `us` microseconds with the scrub bar.
pub fn seek(root: &Element, us: &str) {
    let scrub: HtmlInputElement = find(root, "input[aria-label='Time']").unchecked_into();
    scrub.set_value(us);
    let init = EventInit::new();
    init.set_bubbles(true);
    scrub
        .dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
}

/// The text of every element `selector` finds, in document order.
pub fn texts(root: &Element, selector: &str) -> Vec<String> {
    let all = root.query_selector_all(selector).unwrap();
    (0..all.length())
        .filter_map(|i| all.item(i))
        .map(|n| n.text_content().unwrap_or_default().trim().to_string())
        .collect()
}

/// Sets the `<select>` or `<input>` that `selector` finds to `value` and
/// fires `change`, as picking an option or letting go of a slider does.
pub fn choose(root: &Element, selector: &str, value: &str) {
    let el = find(root, selector);
    match el.dyn_ref::<HtmlSelectElement>() {
        Some(select) => select.set_value(value),
        None => el.unchecked_ref::<HtmlInputElement>().set_value(value),
    }
    let init = EventInit::new();
    init.set_bubbles(true);
    el.dispatch_event(&Event::new_with_event_init_dict("change", &init).unwrap())
        .unwrap();
}

/// The scenario the page shows, read back from its address (the app keeps
/// the URL in step with the run).
pub fn scenario_in_url() -> Scenario {
    let hash = web_sys::window().unwrap().location().hash().unwrap();
    let encoded = param(&hash, "run").expect("the address holds the run");
    share::decode(&encoded).expect("a valid run").scenario
}
