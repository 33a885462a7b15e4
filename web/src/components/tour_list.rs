//! The start page of the guided tours: one card per tour, grouped like the
//! article (single-leader, multi-leader, leaderless, comparison), each with
//! a thumbnail of its run, its title, summary and number of steps, "Start
//! tour" and an `<iframe>` snippet that embeds it. Shown first under the
//! simulator and alone at `?page=tours`.
//!
//! A thumbnail is a tiny space-time diagram drawn from the preset's trace
//! (lanes, one line per message, the tour's pause points as numbered
//! marks). Running a preset takes a moment, so a card only computes its
//! thumbnail once it is scrolled near the screen.

use std::cell::Cell;
use std::rc::Rc;

use gloo::events::EventListener;
use gloo::render::request_animation_frame;
use replicascope_core::diagram::activity_end;
use replicascope_core::run;
use replicascope_core::time::Instant;
use replicascope_core::tours::{self, Tour};
use replicascope_core::trace::Fate;
use yew::prelude::*;

use crate::state::Msg;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub send: Callback<Msg>,
    /// Alone on its page (`?page=tours`): "Start tour" opens the simulator
    /// instead of starting the tour in place.
    #[prop_or_default]
    pub standalone: bool,
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

/// The `<iframe>` snippet that embeds a tour.
pub fn embed_snippet(base: &str, tour: &Tour) -> String {
    format!(
        "<iframe src=\"{base}?embed=1&tour={}\" width=\"800\" height=\"640\" style=\"border:0;max-width:100%\" loading=\"lazy\" title=\"ReplicaScope tour: {}\"></iframe>",
        tour.id,
        tour.title.replace('"', "&quot;")
    )
}

#[function_component(TourList)]
pub fn tour_list(props: &Props) -> Html {
    let base = base_url();
    let sections = tours::by_section().into_iter().map(|(section, list)| {
        let cards = list.into_iter().map(|tour| {
            html! { <TourCard send={props.send.clone()} {tour} standalone={props.standalone} base={base.clone()} /> }
        });
        html! {
            <section class="tour-section" data-section={section.id()} aria-labelledby={format!("tours-{}", section.id())}>
                <h3 id={format!("tours-{}", section.id())}>{ section.title() }</h3>
                <ul class="tour-cards">{ for cards }</ul>
            </section>
        }
    });
    html! {
        <section class="card tour-list" id="tours" aria-labelledby="tours-title" data-testid="tour-list">
            <h2 id="tours-title">{ "Guided tours" }</h2>
            <p class="hint">
                { format!("{} walks through the article's examples: each pauses a real run at the moments that matter and says what is on screen. Next / Back or the arrow keys move between the stops.", tours::all().len()) }
            </p>
            { for sections }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct CardProps {
    send: Callback<Msg>,
    tour: &'static Tour,
    standalone: bool,
    base: String,
}

#[function_component(TourCard)]
fn tour_card(props: &CardProps) -> Html {
    let tour = props.tour;
    let href = format!("./?tour={}", tour.id);
    let onclick = {
        let send = props.send.clone();
        let standalone = props.standalone;
        Callback::from(move |e: MouseEvent| {
            if standalone {
                return; // follow the link to the simulator
            }
            e.prevent_default();
            send.emit(Msg::StartTour(tour.id.to_string()));
            if let Some(w) = web_sys::window() {
                w.scroll_to_with_x_and_y(0.0, 0.0);
            }
        })
    };
    let steps = tour.steps.len();
    let snippet = embed_snippet(&props.base, tour);
    let select_all = Callback::from(|e: FocusEvent| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        input.select();
    });
    html! {
        <li class="tour-card" data-tour={tour.id}>
            <Thumbnail {tour} />
            <div class="tour-card-body">
                <h4>{ tour.title }</h4>
                <p class="tour-summary">{ tour.summary }</p>
                <p class="tour-meta">{ format!("{steps} step{}", if steps == 1 { "" } else { "s" }) }</p>
                <div class="tour-card-actions">
                    <a class="button primary" {href} {onclick} data-testid="start-tour">{ "Start tour" }</a>
                    <details class="tour-embed">
                        <summary>{ "Embed" }</summary>
                        <label>
                            <span class="visually-hidden">{ format!("Embed snippet for {}", tour.title) }</span>
                            <input type="text" readonly=true value={snippet} onfocus={select_all} />
                        </label>
                    </details>
                </div>
            </div>
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct ThumbProps {
    tour: &'static Tour,
}

/// What a thumbnail draws, in its 200 × 120 box.
#[derive(PartialEq)]
struct Sketch {
    lanes: Vec<f64>,
    /// (x1, y1, x2, y2, lost)
    messages: Vec<(f64, f64, f64, f64, bool)>,
    /// The pause points' heights.
    stops: Vec<f64>,
}

const W: f64 = 200.0;
const H: f64 = 120.0;
const MAX_LINES: usize = 300;

fn sketch(tour: &'static Tour) -> Option<Sketch> {
    let preset = tour.preset()?;
    let run = run::start(&preset.scenario()).ok()?;
    let trace = run.trace();
    let nodes = usize::from(run.scenario().node_count()).max(1);
    let end = activity_end(trace, run.end()).0.max(1) as f64;
    let lane = |i: usize| {
        if nodes == 1 {
            W / 2.0
        } else {
            24.0 + (W - 36.0) * i as f64 / (nodes - 1) as f64
        }
    };
    let y = |t: Instant| 8.0 + (H - 16.0) * (t.0 as f64 / end).min(1.0);
    let messages = trace
        .messages
        .iter()
        .take(MAX_LINES)
        .map(|m| {
            let lost = matches!(m.fate, Fate::Dropped { .. });
            (
                lane(m.from.index()),
                y(m.sent_at),
                lane(m.to.index()),
                y(m.deliver_at),
                lost,
            )
        })
        .collect();
    let stops = tours::resolve(tour, &*run)
        .map(|steps| steps.iter().map(|s| y(s.at())).collect())
        .unwrap_or_default();
    Some(Sketch {
        lanes: (0..nodes).map(lane).collect(),
        messages,
        stops,
    })
}

/// Whether the element is on screen or within a screen of it.
fn near_view(node: &NodeRef) -> bool {
    let Some(el) = node.cast::<web_sys::Element>() else {
        return false;
    };
    let Some(height) = web_sys::window()
        .and_then(|w| w.inner_height().ok())
        .and_then(|h| h.as_f64())
    else {
        return false;
    };
    let rect = el.get_bounding_client_rect();
    rect.width() > 0.0 && rect.top() < height * 2.0 && rect.bottom() > -height
}

#[function_component(Thumbnail)]
fn thumbnail(props: &ThumbProps) -> Html {
    let node = use_node_ref();
    let visible = use_state_eq(|| false);
    {
        let node = node.clone();
        let visible = visible.clone();
        use_effect_with((), move |_| {
            let done = Rc::new(Cell::new(false));
            let check = {
                let done = done.clone();
                Rc::new(move || {
                    if !done.get() && near_view(&node) {
                        done.set(true);
                        visible.set(true);
                    }
                })
            };
            // After the first paint, then whenever the page scrolls.
            let first = {
                let check = check.clone();
                request_animation_frame(move |_| check())
            };
            let listeners: Vec<EventListener> = web_sys::window()
                .map(|w| {
                    ["scroll", "resize"]
                        .into_iter()
                        .map(|kind| {
                            let check = check.clone();
                            EventListener::new(&w, kind, move |_| check())
                        })
                        .collect()
                })
                .unwrap_or_default();
            move || {
                drop(first);
                drop(listeners);
            }
        });
    }
    let tour = props.tour;
    let sketch = use_memo(
        *visible,
        move |&visible| {
            if visible {
                sketch(tour)
            } else {
                None
            }
        },
    );
    let picture = match sketch.as_ref() {
        Some(s) => {
            let lanes = s.lanes.iter().map(|&x| {
                html! { <line class="lane" x1={x.to_string()} y1="4" x2={x.to_string()} y2={(H - 4.0).to_string()} /> }
            });
            let lines = s.messages.iter().map(|&(x1, y1, x2, y2, lost)| {
                html! {
                    <line class={if lost { "msg lost" } else { "msg" }} x1={format!("{x1:.1}")} y1={format!("{y1:.1}")}
                          x2={format!("{x2:.1}")} y2={format!("{y2:.1}")} />
                }
            });
            let stops = s.stops.iter().enumerate().map(|(i, &y)| {
                html! {
                    <g class="stop">
                        <line x1="12" y1={format!("{y:.1}")} x2={(W - 4.0).to_string()} y2={format!("{y:.1}")} />
                        <circle cx="7" cy={format!("{y:.1}")} r="5" />
                        <text x="7" y={format!("{:.1}", y + 2.5)}>{ i + 1 }</text>
                    </g>
                }
            });
            html! {
                <svg viewBox={format!("0 0 {W} {H}")} role="img" aria-label={format!("Sketch of the run: {} messages, {} stops", s.messages.len(), s.stops.len())}>
                    { for lanes }{ for lines }{ for stops }
                </svg>
            }
        }
        None if *visible => html! { <span class="thumb-missing">{ "no picture" }</span> },
        None => html! {},
    };
    html! {
        <div class="tour-thumb" ref={node} data-ready={(sketch.is_some()).to_string()} aria-hidden={(sketch.is_none()).to_string()}>
            { picture }
        </div>
    }
}
