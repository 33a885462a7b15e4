//! The page shell: reads the run from the URL, owns the reducer, drives
//! playback with one `requestAnimationFrame` loop, listens for the keyboard
//! and keeps the URL in step with what is on screen. In `?embed=1` mode it
//! drops everything but the run itself.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use gloo::render::{request_animation_frame, AnimationFrame};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::anomalies::Anomalies;
use crate::components::compare_table::CompareTable;
use crate::components::controls::Controls;
use crate::components::inspector::Inspector;
use crate::components::latency_chart::LatencyChart;
use crate::components::merkle_view::MerkleView;
use crate::components::narration::Narration;
use crate::components::params::Params;
use crate::components::preset_picker::PresetPicker;
use crate::components::quorum_calculator::QuorumCalculator;
use crate::components::review_list::ReviewList;
use crate::components::settings::RealSettings;
use crate::components::share::ShareBar;
use crate::components::spacetime::SpaceTime;
use crate::components::staleness_lab::StalenessLab;
use crate::components::topology::Topology;
use crate::components::tour_list::TourList;
use crate::components::tour_player::TourPlayer;
use crate::state::{param, Model, Msg};

fn location() -> (String, String) {
    let loc = web_sys::window().map(|w| w.location());
    let hash = loc.as_ref().and_then(|l| l.hash().ok()).unwrap_or_default();
    let search = loc
        .as_ref()
        .and_then(|l| l.search().ok())
        .unwrap_or_default();
    (hash, search)
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| {
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
        Model::from_location(&fragment, embed)
    });

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
    // between its steps and Escape leaves it.
    {
        let dispatcher = state.dispatcher();
        let tour_active = tour_active.clone();
        use_effect_with((), move |_| {
            let document = web_sys::window().and_then(|w| w.document());
            let listener = document.map(|doc| {
                EventListener::new_with_options(
                    &doc,
                    "keydown",
                    EventListenerOptions::enable_prevent_default(),
                    move |e| {
                        let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                            return;
                        };
                        if e.ctrl_key() || e.meta_key() || e.alt_key() {
                            return;
                        }
                        if *tour_active.borrow()
                            && crate::components::tour_player::handle_key(e, &dispatcher)
                        {
                            return;
                        }
                        let typing = e
                            .target()
                            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                            .map(|el| {
                                let tag = el.tag_name().to_ascii_lowercase();
                                tag == "input"
                                    || tag == "textarea"
                                    || tag == "select"
                                    || tag == "button"
                            })
                            .unwrap_or(false);
                        if typing {
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
                    },
                )
            });
            move || drop(listener)
        });
    }

    // `?page=staleness` / `?page=compare`: one tool on its own (also for
    // iframes), without the simulator around it. Those pages own the URL
    // fragment.
    let page = param(&location().1, "page").unwrap_or_default();
    let single_page = page == "staleness" || page == "compare" || page == "tours";

    // Keep the address bar in step (not while playing: that would rewrite
    // the URL sixty times a second).
    {
        let model = (*state).clone();
        use_effect_with(
            (
                state.run.revision,
                state.cursor,
                state.playing,
                state.preset.clone(),
                state.tour.as_ref().map(|t| (t.id, t.index)),
            ),
            move |_| {
                if !model.playing && !single_page {
                    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
                        let url = format!("#{}", model.fragment());
                        let _ = history.replace_state_with_url(
                            &wasm_bindgen::JsValue::NULL,
                            "",
                            Some(&url),
                        );
                    }
                }
            },
        );
    }

    // Nodes and network at the cursor: one re-simulation per cursor move,
    // shared by the picture and the inspector.
    let snapshot = use_memo((state.run.clone(), state.cursor), |(handle, t)| {
        handle.run.borrow().snapshot_at(*t)
    });

    let notice = state.notice.as_ref().map(|n| {
        let dismiss = {
            let s = state.clone();
            Callback::from(move |_| s.dispatch(Msg::Dismiss))
        };
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
                { for notice }
                if page == "staleness" { <StalenessLab /> } else if page == "tours" { <TourList state={state.clone()} standalone=true /> } else { <CompareTable state={state.clone()} /> }
            </main>
        };
    }

    if state.embed {
        return html! {
            <div class="embed">
                { for notice }
                <TourPlayer state={state.clone()} />
                <div class="embed-bar">
                    <PresetPicker state={state.clone()} compact=true />
                    <ShareBar state={state.clone()} compact=true />
                </div>
                <div class="stage embed-stage">
                    <Topology state={state.clone()} snapshot={snapshot.clone()} />
                    <SpaceTime state={state.clone()} />
                </div>
                <Controls state={state.clone()} />
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
                    </nav>
                </div>
                <ShareBar state={state.clone()} compact=false />
            </header>
            { for notice }
            <TourPlayer state={state.clone()} />
            <main class="workbench">
                <section class="card run" aria-label="Simulation">
                    <PresetPicker state={state.clone()} compact=false />
                    <div class="stage">
                        <Topology state={state.clone()} snapshot={snapshot.clone()} />
                        <SpaceTime state={state.clone()} />
                    </div>
                    <Controls state={state.clone()} />
                    <MerkleView state={state.clone()} snapshot={snapshot.clone()} />
                    <LatencyChart state={state.clone()} />
                </section>
                <aside class="side">
                    <Inspector state={state.clone()} snapshot={snapshot.clone()} />
                    <ReviewList state={state.clone()} snapshot={snapshot.clone()} />
                    <Narration state={state.clone()} />
                    <Anomalies state={state.clone()} />
                    <Params state={state.clone()} />
                    <RealSettings state={state.clone()} />
                </aside>
            </main>
            <main class="more">
                <TourList state={state.clone()} />
                <QuorumCalculator />
                <StalenessLab />
                <CompareTable state={state.clone()} />
            </main>
        </>
    }
}
