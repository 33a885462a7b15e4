//! Sharing and exporting: a link that replays exactly this run (scenario,
//! seed, interventions, cursor), a ready `<iframe>` snippet, the
//! space-time diagram as SVG (the core's renderer, as the CLI's `svg`), the
//! trace as JSON, and an "about this run" panel with the trace hash that
//! proves a replay identical.

use replicascope_core::diagram::{activity_end, render_svg, DiagramOptions};
use replicascope_core::export::{lane_titles, trace_json};
use replicascope_core::protocol::Spec;
use replicascope_core::time::Instant;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use std::rc::Rc;

use crate::state::{Frame, Place};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub frame: Rc<Frame>,
    pub place: Place,
    /// Embedded: only "open in ReplicaScope" and the about panel.
    pub compact: bool,
    /// Where the full app lives, when it is not this page (inside a
    /// `<replica-scope>` element on someone else's page).
    #[prop_or_default]
    pub app_url: Option<String>,
}

#[derive(Clone, Copy, PartialEq)]
enum Panel {
    None,
    Share,
    Embed,
    About,
}

/// The page's address without query or fragment.
fn base_url() -> String {
    web_sys::window()
        .and_then(|w| {
            let l = w.location();
            Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?))
        })
        .unwrap_or_default()
}

/// The `<iframe>` snippet for a run.
pub fn iframe_snippet(base: &str, fragment: &str, title: &str) -> String {
    format!(
        "<iframe src=\"{base}?embed=1#{fragment}\" width=\"800\" height=\"500\" style=\"border:0;max-width:100%\" loading=\"lazy\" title=\"ReplicaScope: {}\"></iframe>",
        title.replace('"', "&quot;")
    )
}

/// The `<replica-scope>` snippet for a preset: the element and the one
/// script that defines it, from the directory the app is served from.
pub fn element_snippet(base: &str, preset: &str) -> String {
    let dir = match base.rfind('/') {
        Some(i) => &base[..=i],
        None => base,
    };
    format!(
        "<script type=\"module\" src=\"{dir}replica-scope.js\"></script>\n<replica-scope preset=\"{}\" view=\"both\" autoplay></replica-scope>",
        preset.replace('"', "&quot;")
    )
}

/// Hands `text` to the browser as a file download (a Blob behind an
/// object URL, clicked through a temporary anchor).
pub(crate) fn download(name: &str, mime: &str, text: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(a) = document
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(name);
        if let Some(body) = document.body() {
            let _ = body.append_child(&a);
            a.click();
            let _ = body.remove_child(&a);
        }
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

fn copy(text: &str) {
    if let Some(w) = web_sys::window() {
        // The promise's outcome does not matter: the link is also shown.
        let _ = w.navigator().clipboard().write_text(text);
    }
}

#[function_component(ShareBar)]
pub fn share_bar(props: &Props) -> Html {
    let (frame, place) = (&props.frame, &props.place);
    let fragment = {
        let (frame, place) = (frame.clone(), place.clone());
        move || place.fragment(&frame.run, frame.cursor)
    };
    let panel = use_state(|| Panel::None);
    let toggle = |p: Panel| {
        let panel = panel.clone();
        Callback::from(move |_: MouseEvent| panel.set(if *panel == p { Panel::None } else { p }))
    };
    // Built only when asked for: the fragment encodes the whole scenario and
    // the bar renders on every cursor move.
    let link = {
        let fragment = fragment.clone();
        move || format!("{}#{}", base_url(), fragment())
    };
    let name = place
        .preset
        .clone()
        .unwrap_or_else(|| String::from("custom"));
    let title = place
        .preset
        .as_deref()
        .and_then(replicascope_core::presets::find)
        .map_or("a replication run", |p| p.title);

    let on_share = {
        let (panel, link) = (panel.clone(), link.clone());
        Callback::from(move |_: MouseEvent| {
            copy(&link());
            panel.set(Panel::Share);
        })
    };
    let on_svg = {
        let (frame, name) = (frame.clone(), name.clone());
        Callback::from(move |_: MouseEvent| {
            let run = frame.run();
            let end = activity_end(run.trace(), run.end());
            let mut opts = DiagramOptions::whole(Instant::ZERO, end, lane_titles(run));
            // At the end of the run the figure is exactly `replicascope svg
            // <run>`'s; before it, the cursor line shows where it stood.
            opts.cursor = (frame.cursor < end).then_some(frame.cursor);
            download(
                &format!("replicascope-{name}.svg"),
                "image/svg+xml",
                &render_svg(run.scenario(), run.trace(), run.history(), &opts),
            );
        })
    };
    let on_json = {
        let (frame, name) = (frame.clone(), name.clone());
        Callback::from(move |_: MouseEvent| {
            download(
                &format!("replicascope-{name}-trace.json"),
                "application/json",
                &trace_json(frame.run()),
            );
        })
    };

    let about = {
        let run = frame.run();
        let s = run.scenario();
        html! {
            <div class="popover" role="dialog" aria-label="About this run">
                <dl class="fields">
                    <div><dt>{ "trace hash" }</dt><dd data-testid="trace-hash">{ &frame.run.hash }</dd></div>
                    <div><dt>{ "seed" }</dt><dd>{ s.seed }</dd></div>
                    <div><dt>{ "protocol" }</dt><dd>{ s.protocol.spec().name() }</dd></div>
                    <div><dt>{ "events" }</dt><dd>{ run.trace().steps.len() }</dd></div>
                    <div><dt>{ "interventions" }</dt><dd>{ s.interventions.len() }</dd></div>
                </dl>
                <p class="hint">{ "The same link replays to the same trace hash, in any browser." }</p>
            </div>
        }
    };

    if props.compact {
        let base = props.app_url.clone().unwrap_or_else(base_url);
        let open = format!("{base}#{}", fragment());
        return html! {
            <div class="share-bar compact">
                <button type="button" onclick={toggle(Panel::About)} aria-expanded={(*panel == Panel::About).to_string()}>{ "About this run" }</button>
                <a href={open} target="_blank" rel="noopener" data-testid="open-full">{ "Open in ReplicaScope ↗" }</a>
                if *panel == Panel::About { { about } }
            </div>
        };
    }

    html! {
        <div class="share-bar">
            <button type="button" onclick={on_share} data-testid="share">{ "Share" }</button>
            <button type="button" onclick={toggle(Panel::Embed)} data-testid="embed">{ "Embed" }</button>
            <button type="button" onclick={on_svg} data-testid="export-svg">{ "Export SVG" }</button>
            <button type="button" onclick={on_json} data-testid="export-json">{ "Export trace" }</button>
            <button type="button" onclick={toggle(Panel::About)} aria-expanded={(*panel == Panel::About).to_string()} data-testid="about">{ "About this run" }</button>
            {
                match *panel {
                    Panel::Share => html! {
                        <div class="popover" role="dialog" aria-label="Share this run">
                            <label>{ "Link to exactly this run (copied to the clipboard):" }
                                <input type="text" readonly=true value={link()} data-testid="share-link" />
                            </label>
                        </div>
                    },
                    Panel::Embed => html! {
                        <div class="popover" role="dialog" aria-label="Embed this run">
                            <label>{ "Paste into any page:" }
                                <textarea readonly=true rows="4" data-testid="embed-snippet" value={iframe_snippet(&base_url(), &fragment(), title)} />
                            </label>
                            if let Some(preset) = place.preset.as_ref().filter(|p| replicascope_core::presets::find(p).is_some_and(|x| &x.scenario() == frame.run().scenario())) {
                                <label>{ "Or, as an element that starts when scrolled into view (the example as it ships, not your changes):" }
                                    <textarea readonly=true rows="3" data-testid="element-snippet" value={element_snippet(&base_url(), preset)} />
                                </label>
                            }
                        </div>
                    },
                    Panel::About => about,
                    Panel::None => html! {},
                }
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn element_snippet_loads_the_script_beside_the_app() {
        let s = element_snippet(
            "https://example.org/rs/index.html",
            "leaderless-sloppy-quorum",
        );
        assert_eq!(
            s,
            "<script type=\"module\" src=\"https://example.org/rs/replica-scope.js\"></script>\n<replica-scope preset=\"leaderless-sloppy-quorum\" view=\"both\" autoplay></replica-scope>"
        );
    }

    #[test]
    fn snippet_embeds_the_run() {
        let s = iframe_snippet("https://example.org/rs/", "run=abc", "Sync \"write\"");
        assert!(s.starts_with(
            "<iframe src=\"https://example.org/rs/?embed=1#run=abc\" width=\"800\" height=\"500\""
        ));
        assert!(s.contains("title=\"ReplicaScope: Sync &quot;write&quot;\""));
    }
}
