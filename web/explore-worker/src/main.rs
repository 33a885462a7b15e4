//! The explorer's Web Worker. Trunk builds this as a worker
//! (`data-type="worker"` in `index.html`) next to the page's own module;
//! the page starts it only when a search starts. Each message is one
//! search ([`wire::Request`] as JSON), sent once the worker has posted
//! `{ready: true}`; the worker posts `{progress: Tick}` about ten times
//! a second and `{done: Answer}` at the end. The page stops a search by terminating the worker.

use replicascope_core::explore::wire::{Answer, Request, Tick};
use replicascope_core::explore::{Mode, Search};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// Choices tried between looks at the clock.
const SLICE: u64 = 2048;

fn main() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let post = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let text = e.data().as_string().unwrap_or_default();
        let answer = search(&text, |tick| send(&post, "progress", &tick));
        send(&post, "done", &answer);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    // A message posted before the handler existed would be lost: the page
    // sends its request once it hears this.
    send(&scope, "ready", &true);
}

/// Posts `{field: JSON text of value}`.
fn send(scope: &DedicatedWorkerGlobalScope, field: &str, value: &impl serde::Serialize) {
    let message = js_sys::Object::new();
    let text = serde_json::to_string(value).unwrap_or_default();
    let _ = js_sys::Reflect::set(
        &message,
        &JsValue::from_str(field),
        &JsValue::from_str(&text),
    );
    let _ = scope.post_message(&message);
}

fn search(request: &str, mut progress: impl FnMut(Tick)) -> Answer {
    let started = js_sys::Date::now();
    let request: Request = match serde_json::from_str(request) {
        Ok(r) => r,
        Err(e) => return Answer::refused(format!("the request could not be read: {e}")),
    };
    let mut search = match Search::new(
        &request.scenario,
        request.property,
        request.bounds,
        Mode::BreadthFirst,
    ) {
        Ok(s) => s,
        Err(why) => return Answer::refused(why),
    };
    let mut last = started;
    while !search.advance(SLICE) {
        let now = js_sys::Date::now();
        if now - last >= 100.0 {
            last = now;
            let p = search.progress();
            progress(Tick {
                states: p.states,
                depth: p.depth,
                queue: p.queue,
                elapsed_ms: now - started,
            });
        }
    }
    Answer::of(search.report(), js_sys::Date::now() - started)
}
