//! The address bar: the page's address for a fragment, and where the
//! page was opened.

/// The pages `?page=` opens on their own.
pub(super) const PAGES: [&str; 4] = ["staleness", "compare", "tours", "history"];

/// This page's address with `fragment`, without the query parameters the
/// fragment supersedes (`?tour=` would restart a finished tour on reload,
/// `?preset=` would name another preset than the one on screen).
pub(super) fn address(fragment: &str) -> String {
    let search = location().1;
    let kept: Vec<&str> = search
        .trim_start_matches('?')
        .split('&')
        .filter(|kv| !kv.is_empty())
        .filter(|kv| {
            let key = kv.split('=').next().unwrap_or("");
            key != "tour" && key != "preset"
        })
        .collect();
    let path = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    let query = if kept.is_empty() {
        String::new()
    } else {
        format!("?{}", kept.join("&"))
    };
    format!("{path}{query}#{fragment}")
}

/// The simulator's address from a single page: the same path, no query.
pub(super) fn address_without_page() -> String {
    web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_else(|| String::from("./"))
}

pub(super) fn location() -> (String, String) {
    let loc = web_sys::window().map(|w| w.location());
    let hash = loc.as_ref().and_then(|l| l.hash().ok()).unwrap_or_default();
    let search = loc
        .as_ref()
        .and_then(|l| l.search().ok())
        .unwrap_or_default();
    (hash, search)
}
