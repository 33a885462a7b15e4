//! Browser plumbing for the lab: a text handed over as a file download (the
//! share bar's), and the address bar read and, on the lab's own page,
//! written.

pub(crate) use crate::components::share::download;

/// The page's query (`?page=staleness`) and fragment.
pub fn location() -> (String, String) {
    let loc = web_sys::window().map(|w| w.location());
    let get = |f: fn(&web_sys::Location) -> Result<String, wasm_bindgen::JsValue>| {
        loc.as_ref().and_then(|l| f(l).ok()).unwrap_or_default()
    };
    (get(web_sys::Location::search), get(web_sys::Location::hash))
}

/// Replaces the fragment with `fragment` (no new history entry).
pub fn set_fragment(fragment: &str) {
    let Some(w) = web_sys::window() else { return };
    let loc = w.location();
    let (Ok(path), Ok(search)) = (loc.pathname(), loc.search()) else {
        return;
    };
    if let Ok(history) = w.history() {
        let url = format!("{path}{search}#{fragment}");
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}
