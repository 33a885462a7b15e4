//! "Find a counterexample": the explorer for the scenario on screen. The
//! user picks a property and bounds and presses Run; the search runs in a
//! Web Worker (`web/explore-worker`, a build of its own fetched only
//! now), so the page keeps playing, with
//! states, depth, states per second and the queue shown as it goes; Stop
//! ends it. A counterexample opens in the simulator as an ordinary run at
//! the step where the violation shows, with its caption; "none within
//! these bounds" says whether the search was complete and, if not, which
//! bound stopped it.

use std::cell::RefCell;
use std::rc::Rc;

use replicascope_core::explore::wire::{Answer, Request, Tick};
use replicascope_core::explore::{catalogue, Bounds, Property};
use replicascope_core::time::Instant;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement, MessageEvent, Worker};
use yew::prelude::*;

use crate::state::{Msg, RunHandle};

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The run whose scenario is searched.
    pub run: RunHandle,
    pub send: Callback<Msg>,
}

#[derive(Clone, PartialEq)]
enum Status {
    Idle,
    Running(Tick),
    Stopped(Tick),
    Done(Rc<Answer>),
    Failed(String),
}

/// The worker and its message handler, kept alive while it runs.
type Running = Option<(
    Worker,
    Closure<dyn FnMut(MessageEvent)>,
    Closure<dyn FnMut(web_sys::Event)>,
)>;

/// Ends the search in progress, if any; true if there was one.
fn stop(worker: &RefCell<Running>) -> bool {
    match worker.borrow_mut().take() {
        Some((w, _, _)) => {
            w.terminate();
            true
        }
        None => false,
    }
}

#[function_component(Explorer)]
pub fn explorer(props: &Props) -> Html {
    let scenario = props.run.get().scenario().clone();
    let applicable: Vec<Property> = Property::ALL
        .into_iter()
        .filter(|p| p.applies_to(&scenario).is_ok())
        .collect();
    let property = use_state(|| None::<Property>);
    let chosen = property
        .filter(|p| applicable.contains(p))
        .or_else(|| applicable.first().copied());
    let bounds = use_state(|| Bounds {
        max_states: 200_000,
        ..Bounds::default()
    });
    let input_error = use_state(|| None::<String>);
    let status = use_state(|| Status::Idle);
    // Searches started: the result says which one it answers.
    let runs = use_state(|| 0u32);
    let worker = use_mut_ref(|| -> Running { None });
    {
        // A search belongs to the scenario it was started on: another
        // one on screen ends it, and the card says so (it would
        // otherwise show "Searching" with Run disabled for good).
        let worker = worker.clone();
        let set = status.setter();
        use_effect_with(props.run.clone(), move |_| {
            move || {
                if stop(&worker) {
                    set.set(Status::Failed(
                        "The search stopped: another run was opened before it finished. Press Run to search this one."
                            .into(),
                    ));
                }
            }
        });
    }

    // An exploration that teaches: its scenario becomes the run on screen,
    // and its property and bounds fill the form.
    let on_example = {
        let property = property.clone();
        let bounds = bounds.clone();
        let send = props.send.clone();
        Callback::from(move |e: Event| {
            let id = e.target_unchecked_into::<HtmlSelectElement>().value();
            let Some(ex) = catalogue::find(&id) else {
                return;
            };
            let Some(scenario) = ex.scenario() else {
                return;
            };
            property.set(Some(ex.property));
            bounds.set(Bounds {
                max_states: ex.bounds.max_states.min(200_000),
                ..ex.bounds
            });
            send.emit(Msg::OpenScenario(
                Box::new(scenario),
                format!("{} — {}", ex.title, ex.text),
                Some(format!("Exploration: {}", ex.title)),
            ));
        })
    };
    let on_property = {
        let property = property.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            property.set(Property::parse(&value).ok());
        })
    };
    let bound_input = |name: &'static str, set: fn(&mut Bounds, u64)| {
        let bounds = bounds.clone();
        let input_error = input_error.clone();
        Callback::from(move |e: Event| {
            let text = e.target_unchecked_into::<HtmlInputElement>().value();
            match text.trim().parse::<u64>() {
                Ok(v) => {
                    let mut b = *bounds;
                    set(&mut b, v);
                    bounds.set(b);
                    input_error.set(None);
                }
                Err(_) => input_error.set(Some(format!(
                    "{name} must be a whole number; \"{text}\" is not (the search keeps the last good value)"
                ))),
            }
        })
    };
    let on_depth = bound_input("Depth", |b, v| {
        b.max_depth = v.min(u64::from(u32::MAX)) as u32
    });
    let on_states = bound_input("States", |b, v| b.max_states = v);
    let on_crashes = bound_input("Crashes", |b, v| b.crashes = small(v));
    let on_losses = bound_input("Losses", |b, v| b.losses = small(v));
    let on_partitions = bound_input("Partitions", |b, v| b.partitions = small(v));
    let on_in_flight = bound_input("In flight per link", |b, v| {
        b.max_in_flight = v.min(255) as u8
    });

    let on_run = {
        let status = status.clone();
        let runs = runs.clone();
        let worker = worker.clone();
        let scenario = scenario.clone();
        let bounds = *bounds;
        Callback::from(move |_: MouseEvent| {
            let Some(property) = chosen else { return };
            stop(&worker);
            let request = Request {
                scenario: scenario.clone(),
                property,
                bounds,
            };
            let Ok(text) = serde_json::to_string(&request) else {
                return;
            };
            // Trunk's loader for the worker build, beside the page.
            let w = match Worker::new("replicascope-explore-worker_loader.js") {
                Ok(w) => w,
                Err(e) => {
                    status.set(Status::Failed(format!(
                        "the explorer's worker could not start: {}",
                        e.as_string()
                            .unwrap_or_else(|| "this browser refused it".into())
                    )));
                    return;
                }
            };
            let set = status.setter();
            let done_worker = worker.clone();
            let to_worker = w.clone();
            let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
                let data = e.data();
                let field = |name: &str| {
                    js_sys::Reflect::get(&data, &JsValue::from_str(name))
                        .ok()
                        .and_then(|v| v.as_string())
                };
                if field("ready").is_some() {
                    // The worker is listening: now the request.
                    if to_worker.post_message(&JsValue::from_str(&text)).is_err() {
                        set.set(Status::Failed(
                            "the search could not be sent to the worker".into(),
                        ));
                        stop(&done_worker);
                    }
                } else if let Some(p) = field("progress") {
                    if let Ok(tick) = serde_json::from_str::<Tick>(&p) {
                        set.set(Status::Running(tick));
                    }
                } else if let Some(done) = field("done") {
                    match serde_json::from_str::<Answer>(&done) {
                        Ok(a) => match &a.error {
                            Some(why) => set.set(Status::Failed(why.clone())),
                            None => set.set(Status::Done(Rc::new(a))),
                        },
                        Err(e) => set.set(Status::Failed(format!("unreadable answer: {e}"))),
                    }
                    stop(&done_worker);
                }
            });
            w.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            let set = status.setter();
            let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
                let said = js_sys::Reflect::get(&e, &JsValue::from_str("message"))
                    .ok()
                    .and_then(|m| m.as_string())
                    .unwrap_or_default();
                set.set(Status::Failed(format!(
                    "The explorer's worker stopped ({}). If the search was large it may have run out of memory: lower the state bound. If it never started, its files are missing from this build or the browser blocked it.",
                    if said.is_empty() { "no reason given" } else { said.as_str() }
                )));
            });
            w.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            *worker.borrow_mut() = Some((w, on_message, on_error));
            status.set(Status::Running(Tick::default()));
            runs.set(*runs + 1);
        })
    };
    let on_stop = {
        let status = status.clone();
        let worker = worker.clone();
        Callback::from(move |_: MouseEvent| {
            stop(&worker);
            if let Status::Running(t) = &*status {
                status.set(Status::Stopped(*t));
            }
        })
    };

    let running = matches!(*status, Status::Running(_));
    let result = match &*status {
        Status::Idle => html! {},
        Status::Running(t) => html! {
            <p class="explore-progress" data-testid="explore-progress" aria-live="polite">
                { progress_text(t, true) }
            </p>
        },
        Status::Stopped(t) => html! {
            <p class="explore-progress" data-testid="explore-progress">
                { format!("Stopped by you: nothing found in what was explored, and the search was not complete. {}", progress_text(t, false)) }
            </p>
        },
        Status::Failed(why) => {
            html! { <p class="notice error" data-testid="explore-error">{ why }</p> }
        }
        Status::Done(a) => {
            html! { <div data-run={runs.to_string()}>{ done(a, &props.send) }</div> }
        }
    };
    let options = applicable.iter().map(|p| {
        html! { <option value={p.name()} selected={Some(*p) == chosen} title={p.meaning()}>{ p.name() }</option> }
    });
    let b = *bounds;
    html! {
        <section class="card explorer" id="explore" aria-label="Find a counterexample" data-testid="explorer">
            <h2>{ "Find a counterexample" }</h2>
            <p class="hint">{ "Every schedule of this scenario, not only the one its seed draws: every order of every message and timer, and the faults you allow. The shortest schedule that breaks the property opens as a run." }</p>
            <label class="explore-example">{ "Try one " }
                <select onchange={on_example} data-testid="explore-example" disabled={running}>
                    <option value="" selected=true>{ "— an exploration that teaches —" }</option>
                    { for catalogue::all().iter().map(|e| html! {
                        <option value={e.id.clone()}>{ format!("{}: {}", e.architecture, e.title) }</option>
                    }) }
                </select>
            </label>
            <div class="explore-form">
                <label>{ "Property " }
                    <select onchange={on_property} data-testid="explore-property" disabled={running}>{ for options }</select>
                </label>
                <label>{ "Depth " }<input type="number" min="1" value={b.max_depth.to_string()} onchange={on_depth} disabled={running} data-testid="explore-depth" /></label>
                <label>{ "States " }<input type="number" min="1" value={b.max_states.to_string()} onchange={on_states} disabled={running} /></label>
                <label>{ "Crashes " }<input type="number" min="0" max="10" value={b.crashes.to_string()} onchange={on_crashes} disabled={running} /></label>
                <label>{ "Losses " }<input type="number" min="0" max="10" value={b.losses.to_string()} onchange={on_losses} disabled={running} /></label>
                <label>{ "Partitions " }<input type="number" min="0" max="10" value={b.partitions.to_string()} onchange={on_partitions} disabled={running} /></label>
                <label title="Leave out states with more messages than this on one link (0: no limit)">{ "In flight per link " }<input type="number" min="0" max="255" value={b.max_in_flight.to_string()} onchange={on_in_flight} disabled={running} data-testid="explore-in-flight" /></label>
            </div>
            if let Some(p) = chosen { <p class="hint">{ format!("{}: violated when {}.", p.name(), p.meaning()) }</p> }
            if let Some(why) = &*input_error { <p class="notice error">{ why }</p> }
            <div class="explore-buttons">
                <button onclick={on_run} disabled={running || chosen.is_none()} data-testid="explore-run">{ "Run" }</button>
                <button onclick={on_stop} disabled={!running} data-testid="explore-stop">{ "Stop" }</button>
            </div>
            { result }
        </section>
    }
}

/// A bound of at most 255 (the core refuses more than 10, with a reason).
fn small(v: u64) -> u8 {
    v.min(u64::from(u8::MAX)) as u8
}

fn progress_text(t: &Tick, running: bool) -> String {
    let per_s = if t.elapsed_ms > 0.0 {
        t.states as f64 / t.elapsed_ms * 1000.0
    } else {
        0.0
    };
    format!(
        "{}{} states, depth {}, {:.0} states/s, {} waiting in the queue.",
        if running { "Searching: " } else { "" },
        t.states,
        t.depth,
        per_s,
        t.queue
    )
}

fn done(a: &Rc<Answer>, send: &Callback<Msg>) -> Html {
    let states = a.states;
    let per_s = if a.elapsed_ms > 0.0 {
        states as f64 / a.elapsed_ms * 1000.0
    } else {
        0.0
    };
    let figures = format!(
        "{states} states in {:.0} ms ({per_s:.0} states/s).",
        a.elapsed_ms
    );
    match &a.counterexample {
        None => html! {
            <div data-testid="explore-result" class="explore-result">
                <p>{ &a.summary }</p>
                <p class="hint" data-testid="explore-figures">{ figures }</p>
            </div>
        },
        Some(c) => {
            let open = {
                let send = send.clone();
                let scenario = c.clone();
                let caption = a.caption.clone().unwrap_or_default();
                let at = a.at_ms.unwrap_or(0.0);
                let name = format!("Counterexample: {}", a.property.map_or("", Property::name));
                Callback::from(move |_: MouseEvent| {
                    send.emit(Msg::OpenScenario(
                        Box::new(scenario.clone()),
                        caption.clone(),
                        Some(name.clone()),
                    ));
                    send.emit(Msg::Seek(Instant((at * 1000.0).round() as u64)));
                    if let Some(w) = web_sys::window() {
                        w.scroll_to_with_x_and_y(0.0, 0.0);
                    }
                })
            };
            html! {
                <div data-testid="explore-result" class="explore-result">
                    <p><strong>{ a.caption.clone().unwrap_or_default() }</strong></p>
                    <ol class="explore-steps">
                        { for a.story.iter().map(|(t, what)| html! { <li>{ format!("{t:.3} ms — {what}") }</li> }) }
                    </ol>
                    <p class="hint" data-testid="explore-figures">{ figures }</p>
                    <button onclick={open} data-testid="explore-open">{ "Open the counterexample" }</button>
                </div>
            }
        }
    }
}
