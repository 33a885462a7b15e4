//! The timeline: play / pause, one event back or forward, playback speed
//! (0.1× to 100×, logarithmic), and a scrub bar over the whole run, under
//! which the stretches playback skips (nothing on the move) are marked.
//! Keyboard: space, ← and → (handled by the app; on the scrub bar the
//! arrows step event by event rather than by one microsecond), and every
//! control is a native input, so Tab reaches them all. A run cut short by the
//! simulator's step limit ends the timeline where it stopped, with a line
//! saying so.

use replicascope_core::time::{Duration, Instant};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use std::rc::Rc;

use crate::state::{Frame, Msg};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub frame: Rc<Frame>,
    pub playing: bool,
    /// The speed multiplier, 0.1 to 100.
    pub speed: f64,
    /// Virtual µs played per second at this speed.
    pub rate_us_per_s: f64,
    pub send: Callback<Msg>,
}

/// Slider position 0..=100 ↔ speed 0.1..=100 on a log scale.
pub fn speed_from_slider(v: f64) -> f64 {
    0.1 * 1000f64.powf(v.clamp(0.0, 100.0) / 100.0)
}

pub fn slider_from_speed(speed: f64) -> f64 {
    (speed.clamp(0.1, 100.0) / 0.1).log(1000.0) * 100.0
}

#[function_component(Controls)]
pub fn controls(props: &Props) -> Html {
    let frame = &props.frame;
    let (until, cursor, send) = (frame.until, frame.cursor, &props.send);
    let (step_index, steps, cut_short) = (
        frame.steps,
        frame.run().trace().steps.len(),
        frame.run().cut_short().map(|c| c.describe()),
    );
    let dispatch = |msg: fn() -> Msg| send.reform(move |_: MouseEvent| msg());
    let on_scrub = {
        let send = send.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(us) = input.value().parse::<f64>() {
                if us.is_finite() && us >= 0.0 {
                    send.emit(Msg::Seek(Instant(us as u64)));
                }
            }
        })
    };
    let on_speed = {
        let send = send.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(v) = input.value().parse::<f64>() {
                send.emit(Msg::SetSpeed(speed_from_slider(v)));
            }
        })
    };
    let rate_us = props.rate_us_per_s;
    let rate = Duration(rate_us as u64);
    // Arrows on the scrub bar step from event to event.
    let on_scrub_key = {
        let send = send.clone();
        Callback::from(move |e: KeyboardEvent| {
            let msg = match e.key().as_str() {
                "ArrowRight" | "ArrowUp" => Msg::StepForward,
                "ArrowLeft" | "ArrowDown" => Msg::StepBack,
                _ => return,
            };
            e.prevent_default();
            send.emit(msg);
        })
    };
    // Rebuilt when the run or the speed changes, not on every frame.
    let skips = use_memo(
        (frame.run.clone(), rate_us as u64, until.0),
        |(handle, rate, until)| {
            let span = (*until).max(1) as f64;
            crate::playback::skipped(&handle.idle, *rate as f64)
            .filter(|(from, _)| from.0 < *until)
            .map(|(from, to)| {
                let to = to.0.min(*until);
                let (a, b) = (from.0 as f64 / span * 100.0, to as f64 / span * 100.0);
                let title = format!(
                    "{} – {}: nothing on the move; playback skips it",
                    Duration(from.0),
                    Duration(to)
                );
                html! { <span class="skip" style={format!("left: {a:.2}%; width: {:.2}%", b - a)} {title}></span> }
            })
            .collect::<Html>()
        },
    );
    html! {
        <div class="controls" role="group" aria-label="Playback">
            <div class="buttons">
                <button type="button" onclick={dispatch(|| Msg::StepBack)} aria-label="Step back one event" title="Step back (←)">{ "← Back" }</button>
                <button type="button" class="play" onclick={dispatch(|| Msg::TogglePlay)}
                        aria-label={if props.playing { "Pause" } else { "Play" }} title="Play / pause (space)">
                    { icon(props.playing) }
                    { if props.playing { " Pause" } else { " Play" } }
                </button>
                <button type="button" onclick={dispatch(|| Msg::StepForward)} aria-label="Step forward one event" title="Step forward (→)">{ "Next →" }</button>
            </div>
            <label class="scrub">
                <span class="visually-hidden">{ "Time" }</span>
                <input type="range" min="0" max={until.0.to_string()} step="1" value={cursor.0.to_string()}
                       aria-label="Time" aria-valuetext={format!("{}", Duration(cursor.0))} oninput={on_scrub}
                       onkeydown={on_scrub_key} />
                <span class="skips" aria-hidden="true" data-testid="skips">{ (*skips).clone() }</span>
            </label>
            <output class="clock" data-testid="clock">
                { format!("{} / {}", Duration(cursor.0), Duration(until.0)) }
                <small>{ format!(" · event {step_index} of {steps}") }</small>
            </output>
            <label class="speed">
                <span>{ "Speed" }</span>
                <input type="range" min="0" max="100" step="1" value={format!("{:.0}", slider_from_speed(props.speed))}
                       aria-label="Speed" oninput={on_speed} />
                <output data-testid="speed">{ format!("{}× ({rate}/s)", trim(props.speed)) }</output>
            </label>
            // The timeline ends where the run stopped, so say why it
            // stops before the time the scenario asked for.
            if let Some(why) = cut_short {
                <p class="cut-short" role="status" data-testid="cut-short">{ why }</p>
            }
        </div>
    }
}

/// Play and pause as drawn shapes: the "⏸" glyph is missing from common
/// Linux fonts.
fn icon(playing: bool) -> Html {
    let shape = if playing {
        html! { <><rect x="2" y="1" width="3.5" height="12" rx="0.8" /><rect x="8.5" y="1" width="3.5" height="12" rx="0.8" /></> }
    } else {
        html! { <path d="M3 1 L13 7 L3 13 Z" /> }
    };
    html! {
        <svg class="icon" viewBox="0 0 14 14" width="12" height="12" aria-hidden="true" fill="currentColor">{ shape }</svg>
    }
}

fn trim(speed: f64) -> String {
    if speed >= 10.0 {
        format!("{speed:.0}")
    } else {
        format!("{speed:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_scale_round_trips_and_spans_the_range() {
        assert!((speed_from_slider(0.0) - 0.1).abs() < 1e-9);
        assert!((speed_from_slider(100.0) - 100.0).abs() < 1e-9);
        assert!((speed_from_slider(33.333_333) - 1.0).abs() < 1e-3);
        for v in [0.0, 12.5, 50.0, 99.0] {
            assert!((slider_from_speed(speed_from_slider(v)) - v).abs() < 1e-6);
        }
    }
}
