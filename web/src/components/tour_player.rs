//! The guided tour on screen: the tour's title, "Step k of N", the caption
//! of the pause point the cursor is at, Back / Next (Finish on the last
//! step) and a close button. Keyboard (handled by the app while a tour is
//! active): → / PageDown / Enter next, ← / PageUp back, Escape leaves.
//! When the run has been changed (an intervention, a parameter) the
//! captions no longer describe it: a note says so and offers the original.

use replicascope_core::time::Duration;
use yew::prelude::*;

use replicascope_core::time::Instant;

use crate::state::{Model, Msg, TourState};

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The tour on screen, if any.
    pub tour: Option<TourState>,
    pub cursor: Instant,
    pub embed: bool,
    pub send: Callback<Msg>,
}

#[function_component(TourPlayer)]
pub fn tour_player(props: &Props) -> Html {
    let Some(tour) = &props.tour else {
        return html! {};
    };
    let n = tour.steps.len();
    let k = tour.index.min(n.saturating_sub(1));
    let Some(step) = tour.steps.get(k) else {
        return html! {};
    };
    let send = |msg: fn() -> Msg| props.send.reform(move |_: MouseEvent| msg());
    let last = k + 1 == n;
    let at_step = props.cursor == step.at();
    let dots = (0..n).map(|i| {
        let goto = props.send.reform(move |_: MouseEvent| Msg::TourGoto(i));
        html! {
            <li>
                <button type="button" class={classes!("tour-dot", (i == k).then_some("current"), (i < k).then_some("seen"))}
                        aria-label={format!("Go to step {}", i + 1)} aria-current={(i == k).then_some("step")}
                        onclick={goto}></button>
            </li>
        }
    });
    html! {
        <section class={classes!("tour-player", props.embed.then_some("embed"))} aria-label="Guided tour" data-testid="tour-player" data-tour={tour.id}>
            <div class="tour-head">
                <span class="tour-kicker">{ "Guided tour" }</span>
                <h2 class="tour-title">{ tour.title }</h2>
                <button type="button" class="tour-close" onclick={send(|| Msg::LeaveTour)}
                        aria-label="Leave the tour" title="Leave the tour (Esc)">{ "×" }</button>
            </div>
            <p class="tour-count" data-testid="tour-count" aria-live="polite">
                { format!("Step {} of {n}", k + 1) }
                <small>
                    { format!(" · {}", Duration(step.t_us)) }
                    if !at_step { { " · the cursor has moved on" } }
                </small>
            </p>
            <p class="tour-caption" data-testid="tour-caption" aria-live="polite">{ step.caption }</p>
            if tour.forked {
                <p class="tour-forked" role="status" data-testid="tour-forked">
                    <span>{ "You changed the run — the tour's steps describe the original run." }</span>
                    <button type="button" onclick={send(|| Msg::RestoreTour)}>{ "Restore the original run" }</button>
                </p>
            }
            <div class="tour-nav">
                <button type="button" class="tour-back" onclick={send(|| Msg::TourStep(-1))} disabled={k == 0}
                        title="Previous step (←)">{ "← Back" }</button>
                <ol class="tour-dots" aria-label="Steps">{ for dots }</ol>
                <button type="button" class="tour-next primary" onclick={send(|| Msg::TourStep(1))}
                        title={if last { "Leave the tour, keep the run (→)" } else { "Next step (→)" }}>
                    { if last { "Finish" } else { "Next →" } }
                </button>
            </div>
            <p class="tour-keys">{ "Keys: → or Enter next, ← back, Esc leave." }</p>
        </section>
    }
}

/// The tour's keys, for the page's keydown listener while a tour is
/// active: → / PageDown / Enter next, ← / PageUp back, Escape leaves.
/// Returns whether the key was the tour's (and so handled). Keys typed
/// into a field are left alone, and Enter on a button or link presses it.
pub fn handle_key(e: &web_sys::KeyboardEvent, dispatcher: &UseReducerDispatcher<Model>) -> bool {
    use wasm_bindgen::JsCast;
    let tag = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .map(|el| el.tag_name().to_ascii_lowercase())
        .unwrap_or_default();
    let field = matches!(tag.as_str(), "input" | "textarea" | "select");
    let pressable = matches!(tag.as_str(), "button" | "a" | "summary");
    if field {
        return false;
    }
    let msg = match e.key().as_str() {
        "ArrowRight" | "PageDown" => Msg::TourStep(1),
        "Enter" if !pressable => Msg::TourStep(1),
        "ArrowLeft" | "PageUp" => Msg::TourStep(-1),
        "Escape" => Msg::LeaveTour,
        _ => return false,
    };
    e.prevent_default();
    dispatcher.dispatch(msg);
    true
}
