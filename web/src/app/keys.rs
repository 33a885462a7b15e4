//! The keyboard: play and pause, stepping, undo and redo, and keys that
//! belong to a field or button rather than the page.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::state::{Model, Msg, Selection};

/// Space plays/pauses, arrows step, Ctrl+Z / Ctrl+Shift+Z (or Ctrl+Y)
/// undo and redo an intervention — unless typing in a field; a tour's own
/// keys first.
pub(super) fn on_key(
    e: &web_sys::KeyboardEvent,
    dispatcher: &UseReducerDispatcher<Model>,
    tour: bool,
) {
    // A field keeps its own undo; a focused button does not have one.
    if (e.ctrl_key() || e.meta_key()) && !e.alt_key() && !typing_in(e, false) {
        let undo = match e.key().to_ascii_lowercase().as_str() {
            "z" => !e.shift_key(),
            "y" => false,
            _ => return,
        };
        e.prevent_default();
        dispatcher.dispatch(if undo { Msg::Undo } else { Msg::Redo });
        return;
    }
    if e.ctrl_key() || e.meta_key() || e.alt_key() {
        return;
    }
    if tour && crate::components::tour_player::handle_key(e, dispatcher) {
        return;
    }
    // Esc closes the inspector, even from one of its fields.
    if e.key() == "Escape" {
        dispatcher.dispatch(Msg::Select(Selection::None));
        return;
    }
    // Space and arrows belong to a focused button too (space presses it).
    if typing_in(e, true) {
        return;
    }
    match e.key().as_str() {
        " " => {
            e.prevent_default();
            dispatcher.dispatch(Msg::TogglePlay);
        }
        "ArrowRight" => {
            e.prevent_default();
            dispatcher.dispatch(Msg::StepForward);
        }
        "ArrowLeft" => {
            e.prevent_default();
            dispatcher.dispatch(Msg::StepBack);
        }
        _ => {}
    }
}

/// Whether the key went to a field (or, with `buttons`, a button) rather
/// than the page. Inside a shadow root the event's target is the host
/// element: the first entry of its composed path is what was really typed
/// into.
fn typing_in(e: &web_sys::KeyboardEvent, buttons: bool) -> bool {
    e.composed_path()
        .get(0)
        .dyn_into::<web_sys::Element>()
        .ok()
        .map(|el| {
            let tag = el.tag_name().to_ascii_lowercase();
            tag == "input" || tag == "textarea" || tag == "select" || (buttons && tag == "button")
        })
        .unwrap_or(false)
}
