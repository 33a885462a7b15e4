//! The page shell: reads the run from the URL, owns the reducer, drives
//! playback with one `requestAnimationFrame` loop, listens for the keyboard
//! and keeps the URL in step with what is on screen. In `?embed=1` mode it
//! drops everything but the run itself.

mod address;
mod element;
mod keys;

pub use element::ElementConfig;

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use gloo::render::{request_animation_frame, AnimationFrame};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::anomalies::Anomalies;
use crate::components::compare_table::CompareTable;
use crate::components::controls::Controls;
use crate::components::explorer::Explorer;
use crate::components::history_check::HistoryCheck;
use crate::components::inspector::Inspector;
use crate::components::latency_chart::LatencyChart;
use crate::components::narration::Narration;
use crate::components::params::Params;
use crate::components::preset_picker::PresetPicker;
use crate::components::quorum_calculator::QuorumCalculator;
use crate::components::settings::RealSettings;
use crate::components::share::ShareBar;
use crate::components::spacetime::SpaceTime;
use crate::components::staleness_lab::StalenessLab;
use crate::components::topology::Topology;
use crate::components::tour_list::TourList;
use crate::components::tour_player::TourPlayer;
use crate::embed::{EmbedOptions, View};
use crate::protocols::ChainLine;
use crate::protocols::ConsensusView;
use crate::protocols::MerkleView;
use crate::protocols::ReviewList;
use crate::state::{param, Frame, Model, Msg, Notice};
use address::{address, address_without_page, location, PAGES};
use element::{apply_element_change, apply_options, element_model, log_problem};
use keys::on_key;

/// How long a scrubbed cursor must rest before the address bar follows it.
const ADDRESS_REST_MS: u32 = 200;

#[derive(Properties, PartialEq, Default)]
pub struct AppProps {
    /// Set when mounted inside a `<replica-scope>` element.
    #[prop_or_default]
    pub element: Option<ElementConfig>,
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let element = props.element.clone();
    // The iframe's options, read once from the query string.
    let iframe_options = use_memo((), |_| {
        let search = location().1;
        EmbedOptions::parse(|k| param(&search, k))
    });
    let init = (element.clone(), iframe_options.clone());
    let state = use_reducer(move || {
        let (element, iframe_options) = init;
        if let Some(cfg) = &element {
            let m = element_model(cfg);
            if let Some(n) = m.notice.as_ref().filter(|n| n.error) {
                log_problem(&n.text);
            }
            return m;
        }
        let (hash, search) = location();
        let embed = param(&search, "embed").is_some_and(|v| v == "1");
        let mut fragment = hash;
        // `?preset=…` works as well as `#preset=…` (handy for iframes).
        if let Some(p) = param(&search, "preset") {
            if param(&fragment, "run").is_none() {
                fragment = format!("preset={p}");
            }
        }
        // `?tour=<id>` starts a guided tour (unless the fragment already
        // holds a run or a tour: the page's own place after a reload).
        if let Some(t) = param(&search, "tour") {
            if param(&fragment, "run").is_none() && param(&fragment, "tour").is_none() {
                fragment = format!("tour={t}");
            }
        }
        let mut m = Model::from_location(&fragment, embed);
        if let Some(page) = param(&search, "page").filter(|p| !PAGES.contains(&p.as_str())) {
            m.notice = Some(Notice {
                error: true,
                text: format!(
                    "There is no page “{page}”: here is the simulator. The pages are {}.",
                    PAGES.join(", ")
                ),
            });
        }
        if embed {
            let (options, errors) = &*iframe_options;
            let problems: Vec<String> = errors.iter().map(|e| format!("{e}.")).collect();
            apply_options(&mut m, options, &problems);
        }
        m
    });

    // The element handed over new attributes or a scenario: apply what
    // changed, keep the run when something is wrong.
    {
        let dispatcher = state.dispatcher();
        let applied = use_mut_ref(|| element.clone());
        use_effect_with(element.clone(), move |now| {
            let before = applied.replace(now.clone());
            if let (Some(old), Some(new)) = (before, now) {
                apply_element_change(&old, new, &dispatcher);
            }
        });
    }

    // Playback: one animation-frame loop while playing.
    {
        let dispatcher = state.dispatcher();
        use_effect_with(state.playing, move |&playing| {
            let frame: Rc<RefCell<Option<AnimationFrame>>> = Rc::new(RefCell::new(None));
            if playing {
                fn schedule(
                    frame: Rc<RefCell<Option<AnimationFrame>>>,
                    dispatcher: UseReducerDispatcher<Model>,
                    last: Option<f64>,
                ) {
                    let next = frame.clone();
                    let handle = request_animation_frame(move |now| {
                        if let Some(last) = last {
                            dispatcher.dispatch(Msg::Tick(now - last));
                        }
                        schedule(next, dispatcher, Some(now));
                    });
                    *frame.borrow_mut() = Some(handle);
                }
                schedule(frame.clone(), dispatcher, None);
            }
            move || {
                frame.borrow_mut().take();
            }
        });
    }

    // Whether a guided tour is on screen, for the keyboard listener.
    let tour_active = use_mut_ref(|| false);
    *tour_active.borrow_mut() = state.tour.is_some();

    // Keyboard: space plays/pauses, arrows step — unless typing in a field.
    // During a guided tour the arrows (and PageUp/PageDown, Enter) move
    // between its steps and Escape leaves it. Inside an element only keys
    // pressed within it count: the host page (and the other elements on
    // it) keep theirs.
    {
        let dispatcher = state.dispatcher();
        let tour_active = tour_active.clone();
        let in_element = element.is_some();
        use_effect_with((), move |_| {
            let document = web_sys::window()
                .and_then(|w| w.document())
                .filter(|_| !in_element);
            let listener = document.map(|doc| {
                EventListener::new_with_options(
                    &doc,
                    "keydown",
                    EventListenerOptions::enable_prevent_default(),
                    move |e| {
                        if let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() {
                            on_key(e, &dispatcher, *tour_active.borrow());
                        }
                    },
                )
            });
            move || drop(listener)
        });
    }
    let element_keys = {
        let dispatcher = state.dispatcher();
        let tour_active = tour_active.clone();
        Callback::from(move |e: KeyboardEvent| on_key(&e, &dispatcher, *tour_active.borrow()))
    };

    // `?page=staleness` / `?page=compare` / `?page=history`: one tool on its own (also for
    // iframes), without the simulator around it. Those pages own the URL
    // fragment.
    let page = param(&location().1, "page").unwrap_or_default();
    let single_page = element.is_none() && PAGES.contains(&page.as_str());

    // Keep the address bar in step (not while playing: that would rewrite
    // the URL sixty times a second). A cursor that is only being scrubbed
    // is written once it rests: every `replaceState` costs the browser a
    // same-document navigation (and a favicon reload), several milliseconds
    // a frame; anything else (a new run, preset or tour step) is written
    // at once.
    let address_timer = use_mut_ref(|| None::<gloo::timers::callback::Timeout>);
    // Follow the address: Back, Forward, a fragment typed into the
    // address bar (a model opened this way is not pushed again).
    {
        let dispatcher = state.dispatcher();
        let listen = element.is_none() && !single_page;
        use_effect_with((), move |_| {
            let window = web_sys::window().filter(|_| listen);
            let listeners = window.map(|w| {
                let on = |event: &'static str| {
                    let dispatcher = dispatcher.clone();
                    EventListener::new(&w, event, move |_| {
                        let hash = location().0;
                        dispatcher
                            .dispatch(Msg::Navigate(hash.trim_start_matches('#').to_string()));
                    })
                };
                [on("hashchange"), on("popstate")]
            });
            move || drop(listeners)
        });
    }
    {
        let model = (*state).clone();
        let in_element = element.is_some();
        let last_key = use_mut_ref(|| None::<(u64, Option<String>, Option<(&'static str, usize)>)>);
        let address_timer = address_timer.clone();
        use_effect_with(
            (
                state.run.revision,
                state.cursor,
                state.playing,
                state.preset.clone(),
                state.tour.as_ref().map(|t| (t.id, t.index)),
            ),
            move |(revision, _, _, preset, tour)| {
                if !model.playing && !single_page && !in_element {
                    let key = Some((*revision, preset.clone(), *tour));
                    let first = last_key.borrow().is_none();
                    let scrubbing = *last_key.borrow() == key;
                    *last_key.borrow_mut() = key;
                    // A new place (preset, run, tour step) is a new entry
                    // in the browser's history, so Back returns to the
                    // previous one; a cursor move, the first write and a
                    // place reached by Back / Forward replace the entry.
                    let push = !first && !scrubbing && !model.followed_address;
                    let write = move || {
                        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
                            let url = address(&model.fragment());
                            let null = wasm_bindgen::JsValue::NULL;
                            let _ = if push {
                                history.push_state_with_url(&null, "", Some(&url))
                            } else {
                                history.replace_state_with_url(&null, "", Some(&url))
                            };
                        }
                    };
                    // Replacing the timer cancels the pending write.
                    *address_timer.borrow_mut() = if scrubbing {
                        Some(gloo::timers::callback::Timeout::new(ADDRESS_REST_MS, write))
                    } else {
                        write();
                        None
                    };
                }
            },
        );
    }

    // The selector: what the views show at the cursor, computed once per
    // cursor move (one re-simulation) and shared by every view.
    let frame = use_memo((state.run.clone(), state.cursor), |(run, t)| {
        Frame::at(run, *t)
    });
    // Every view sends its changes through this one callback (the
    // dispatcher never changes, so neither does it).
    let send = {
        let dispatcher = state.dispatcher();
        (*use_memo((), move |_| {
            Callback::from(move |m: Msg| dispatcher.dispatch(m))
        }))
        .clone()
    };
    let place = state.place();
    let tour_player = html! {
        <TourPlayer tour={state.tour.clone()} cursor={state.cursor} embed={state.embed} send={send.clone()} />
    };
    let picker = |compact: bool| {
        html! {
            <PresetPicker run={state.run.clone()} preset={state.preset.clone()} title={state.title.clone()}
                          can_redo={!state.redo.is_empty()} send={send.clone()} {compact} />
        }
    };
    let controls = html! {
        <Controls frame={frame.clone()} playing={state.playing} speed={state.speed}
                  rate_us_per_s={state.rate_us_per_s()} send={send.clone()} />
    };
    let selection = state.selection;

    let notice = state.notice.as_ref().map(|n| {
        let dismiss = send.reform(|_| Msg::Dismiss);
        html! {
            <div class={classes!("notice", n.error.then_some("error"))} role="alert" data-testid="notice">
                <span>{ &n.text }</span>
                <button type="button" onclick={dismiss} aria-label="Dismiss message">{ "×" }</button>
            </div>
        }
    });

    if single_page {
        return html! {
            <main class={classes!("single-page", state.embed.then_some("embed"))}>
                if !state.embed {
                    <nav class="back-link"><a href={address_without_page()}>{ "← The simulator" }</a></nav>
                }
                { for notice }
                if page == "staleness" { <StalenessLab /> } else if page == "history" { <HistoryCheck /> } else if page == "tours" { <TourList send={send.clone()} standalone=true /> } else { <CompareTable send={send.clone()} /> }
            </main>
        };
    }

    if state.embed {
        let options = match &element {
            Some(cfg) => cfg.options.clone(),
            None => iframe_options.0.clone(),
        };
        let view_class = match options.view {
            View::Both => "view-both",
            View::Topology => "view-topology",
            View::Diagram => "view-diagram",
        };
        let app_url = element.as_ref().map(|cfg| cfg.app_url.clone());
        return html! {
            <div
                class={classes!(
                    "embed",
                    view_class,
                    options.height.is_some().then_some("fixed-height"),
                    element.is_some().then_some("in-element"),
                    // An iframe is a frame of a known size: fill it, with
                    // the pictures and Play inside it. An element without
                    // a height flows in its page instead.
                    (element.is_none() || options.height.is_some()).then_some("fill"),
                    state.tour.is_some().then_some("touring"),
                )}
                style={options.height_style()}
                tabindex={element.is_some().then_some("0")}
                onkeydown={element.is_some().then_some(element_keys)}
                data-testid="embed-root"
            >
                { for notice }
                { tour_player }
                if options.controls {
                    <div class="embed-bar">
                        { picker(true) }
                        <ShareBar frame={frame.clone()} {place} compact=true app_url={app_url} />
                    </div>
                }
                <div class="stage embed-stage">
                    if options.view.shows_topology() {
                        <Topology frame={frame.clone()} {selection} send={send.clone()} />
                    }
                    if options.view.shows_diagram() {
                        <SpaceTime frame={frame.clone()} {selection} send={send.clone()} />
                    }
                </div>
                if options.controls {
                    { controls }
                }
            </div>
        };
    }

    html! {
        <>
            <header class="site-header">
                <div class="brand">
                    <h1>{ "ReplicaScope" }</h1>
                    <p class="tagline">{ "Database replication, one message at a time: watch it, pause it, break it." }</p>
                    <nav class="site-nav" aria-label="Tools">
                        <a href="#tours">{ "Guided tours" }</a>
                        <a href="#staleness-lab">{ "Staleness lab" }</a>
                        <a href="#compare">{ "Compare the architectures" }</a>
                        <a href="#history-check">{ "Check a history" }</a>
                    </nav>
                </div>
                <ShareBar frame={frame.clone()} {place} compact=false />
            </header>
            { for notice }
            { tour_player }
            <main class="workbench">
                <section class="card run" aria-label="Simulation">
                    { picker(false) }
                    <div class="stage">
                        <Topology frame={frame.clone()} {selection} send={send.clone()} />
                        <SpaceTime frame={frame.clone()} {selection} send={send.clone()} />
                    </div>
                    { controls }
                    <ConsensusView frame={frame.clone()} send={send.clone()} />
                    <ChainLine frame={frame.clone()} />
                    <MerkleView frame={frame.clone()} />
                    <LatencyChart frame={frame.clone()} send={send.clone()} />
                </section>
                <aside class="side">
                    <Inspector frame={frame.clone()} {selection} send={send.clone()} />
                    <ReviewList frame={frame.clone()} send={send.clone()} />
                    <Narration frame={frame.clone()} />
                    <Anomalies frame={frame.clone()} send={send.clone()} />
                    <Explorer run={state.run.clone()} send={send.clone()} />
                    <Params run={state.run.clone()} send={send.clone()} />
                    <RealSettings run={state.run.clone()} />
                </aside>
            </main>
            <main class="more">
                <TourList send={send.clone()} />
                <QuorumCalculator />
                <StalenessLab />
                <CompareTable {send} />
                <HistoryCheck />
            </main>
        </>
    }
}
