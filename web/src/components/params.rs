//! The scenario's parameters as controls. Each control edits one field of
//! the scenario (by its JSON path), and the edited scenario is validated by
//! the core and re-run; a refused value leaves the run as it was and says
//! why. Interventions that name nodes which no longer exist are dropped,
//! and the page says so. Which controls exist lives in `catalogue`, the
//! editing in `edit`, the per-node clocks (every protocol has them) in
//! `clocks`; this file only draws them.

mod catalogue;
mod clocks;
mod edit;

pub use catalogue::{
    core_default, current, ladder_position, params_for, Group, Input, Kind, Param, When,
};
pub use clocks::with_clock;
pub use edit::{as_json, change, edit, set};

use replicascope_core::latency::Latency;
use replicascope_core::scenario::Scenario;
use serde_json::{json, Value};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::state::{Msg, Notice, RunHandle};
use catalogue::number;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The run whose scenario the controls edit.
    pub run: RunHandle,
    pub send: Callback<Msg>,
}

/// The network's delay when it is constant (the slider only edits that case).
fn constant_latency(s: &Scenario) -> Option<f64> {
    match s.network.latency {
        Latency::Constant { ms } => Some(ms),
        _ => None,
    }
}

/// Sends the edit of `path` to `value` (if any) through the reducer.
fn apply(send: &Callback<Msg>, scenario: &Scenario, path: &str, value: Option<Value>) {
    if let Some(value) = value {
        for msg in change(scenario, path, value) {
            send.emit(msg);
        }
    }
}

#[function_component(Params)]
pub fn params(props: &Props) -> Html {
    let send = &props.send;
    let scenario = props.run.run.scenario().clone();
    let clock_node = use_state(|| None::<u16>);
    let doc = as_json(&scenario).unwrap_or(Value::Null);
    let kind = doc
        .pointer("/protocol/kind")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();

    let groups = params_for(&kind).into_iter().map(|group| {
        let controls: Vec<Html> = group
            .params
            .into_iter()
            .filter(|p| p.visible(&doc))
            .map(|p| control(send, &scenario, &doc, p))
            .collect();
        let note = group.note.and_then(|note| note(&doc)).map(|(ok, text)| {
            html! { <p class={classes!("verdict", if ok { "ok" } else { "warn" })} data-testid="param-note">{ text }</p> }
        });
        html! {
            <fieldset class="param-group">
                <legend>{ group.title }</legend>
                { for controls }
                { for note }
            </fieldset>
        }
    });

    let latency = constant_latency(&scenario).map(|ms| {
        let (send, scenario) = (send.clone(), scenario.clone());
        let onchange = Callback::from(move |e: Event| {
            let raw = e.target_unchecked_into::<HtmlInputElement>().value();
            let value = raw.parse::<f64>().ok().map(|ms| json!({"kind": "constant", "ms": ms}));
            apply(&send, &scenario, "/network/latency", value);
        });
        html! {
            <div class="param">
                <label for="param-latency">{ "Network delay" }<output>{ format!("{} ms", number(ms)) }</output></label>
                <input id="param-latency" type="range" min="1" max="500" step="1" value={ms.to_string()} aria-label="Network delay" {onchange} />
            </div>
        }
    });

    let seed = {
        let current = scenario.seed;
        let set = {
            let (send, scenario) = (send.clone(), scenario.clone());
            move |raw: String| {
                let value = raw.trim().parse::<u64>().ok().map(|v| json!(v));
                apply(&send, &scenario, "/seed", value);
            }
        };
        let set_again = set.clone();
        let onchange = {
            let send = send.clone();
            Callback::from(move |e: Event| {
                let input = e.target_unchecked_into::<HtmlInputElement>();
                match parse_seed(&input.value()) {
                    Ok(seed) => set(seed.to_string()),
                    Err(why) => {
                        // Say what was wrong, and show the seed the run
                        // still has rather than the one refused.
                        input.set_value(&current.to_string());
                        send.emit(Msg::Notify(Notice {
                            error: true,
                            text: format!("{why} The run keeps seed {current}."),
                        }));
                    }
                }
            })
        };
        let reroll = Callback::from(move |_: MouseEvent| set_again(next_seed(current).to_string()));
        html! {
            <div class="param seed">
                <label for="param-seed">{ "Seed" }</label>
                <div class="row">
                    <input id="param-seed" type="number" min="0" step="1" value={current.to_string()} aria-label="Seed" {onchange} />
                    <button type="button" onclick={reroll} title="Same scenario, different random choices">{ "Another seed" }</button>
                </div>
            </div>
        }
    };

    html! {
        <section class="card params" aria-label="Parameters">
            <h2>{ "Parameters" }</h2>
            { for groups }
            { clocks::clocks(send, &scenario, &clock_node) }
            { for latency }
            { seed }
            <p class="hint">{ "Changing a parameter re-runs the scenario from the start, keeping your interventions." }</p>
        </section>
    }
}

/// One control, showing the scenario's value (or the core's default).
fn control(send: &Callback<Msg>, scenario: &Scenario, doc: &Value, p: Param) -> Html {
    let id = format!("param-{}", p.path.trim_start_matches('/').replace('/', "-"));
    let now = p.value_in(doc);
    let label = p.label;
    let on_text = |p: Param| {
        let (send, scenario) = (send.clone(), scenario.clone());
        move |raw: String| apply(&send, &scenario, p.path, p.value_from(Input::Text(&raw)))
    };
    match &p.kind {
        Kind::Slider {
            min,
            max,
            step,
            unit,
        } => {
            let value = now.as_f64().unwrap_or(*min);
            let (range, position) = ((*min, p.max_in(doc, *max), *step), value);
            slider(id, label, shown(value, unit), range, position, on_text(p))
        }
        Kind::Ladder { values, unit } => {
            let value = now.as_f64().unwrap_or(1.0);
            // The slider moves over the ladder's positions, not its values.
            let last = values.len().saturating_sub(1) as f64;
            let position = ladder_position(values, value) as f64;
            slider(
                id,
                label,
                shown(value, unit),
                (0.0, last, 1.0),
                position,
                on_text(p),
            )
        }
        Kind::Choice(options) => {
            let selected = options.iter().position(|(_, v)| *v == now);
            let items: Vec<Html> = options
                .iter()
                .enumerate()
                .map(|(i, (text, _))| {
                    html! { <option value={i.to_string()} selected={selected == Some(i)}>{ *text }</option> }
                })
                .collect();
            let set = on_text(p);
            let onchange = Callback::from(move |e: Event| {
                set(e.target_unchecked_into::<HtmlSelectElement>().value())
            });
            html! {
                <div class="param">
                    <label for={id.clone()}>{ label }</label>
                    <select id={id} aria-label={label} {onchange}>
                        { for items }
                        // A value set by hand in the scenario that no option matches.
                        if selected.is_none() {
                            <option value="" selected=true disabled=true>{ "as the scenario says" }</option>
                        }
                    </select>
                </div>
            }
        }
        Kind::Check | Kind::Toggle(_) => {
            let checked = match p.kind {
                Kind::Check => now.as_bool().unwrap_or(false),
                _ => !now.is_null(),
            };
            let (send, scenario) = (send.clone(), scenario.clone());
            let onchange = Callback::from(move |e: Event| {
                let on = e.target_unchecked_into::<HtmlInputElement>().checked();
                apply(&send, &scenario, p.path, p.value_from(Input::Checked(on)));
            });
            html! {
                <div class="param check">
                    <label for={id.clone()}>
                        <input id={id} type="checkbox" {checked} {onchange} />
                        { label }
                    </label>
                </div>
            }
        }
    }
}

/// "500 ms", "3" (no unit).
fn shown(value: f64, unit: &str) -> String {
    format!("{} {unit}", number(value)).trim_end().to_string()
}

/// A range input with its label and current value.
fn slider(
    id: String,
    label: &'static str,
    shown: String,
    (min, max, step): (f64, f64, f64),
    position: f64,
    set: impl Fn(String) + 'static,
) -> Html {
    let onchange =
        Callback::from(move |e: Event| set(e.target_unchecked_into::<HtmlInputElement>().value()));
    html! {
        <div class="param">
            <label for={id.clone()}>{ label }<output for={id.clone()}>{ shown.clone() }</output></label>
            <input id={id} type="range" min={min.to_string()} max={max.to_string()} step={step.to_string()}
                   value={position.to_string()} aria-label={label} aria-valuetext={shown} {onchange} />
        </div>
    }
}

/// A seed typed into the field: a whole number from 0 to 2^64 − 1. A
/// number field hands over "" for text it cannot read, so an empty value
/// is refused with the same words.
pub fn parse_seed(raw: &str) -> Result<u64, String> {
    let text = raw.trim();
    text.parse::<u64>().map_err(|_| {
        let what = if text.is_empty() {
            String::from("that")
        } else {
            format!("“{text}”")
        };
        format!("Seed: {what} is not a whole number from 0 to {}.", u64::MAX)
    })
}

/// The next seed offered by "Another seed": a fixed scramble, so the
/// sequence of seeds a user clicks through is itself reproducible.
fn next_seed(seed: u64) -> u64 {
    seed.wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407)
        >> 16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_is_a_whole_number_that_fits_in_64_bits() {
        assert_eq!(parse_seed(" 42 "), Ok(42));
        assert_eq!(parse_seed("18446744073709551615"), Ok(u64::MAX));
        for bad in ["-1", "1e30", "18446744073709551616", "", "1.5", "seven"] {
            let why = parse_seed(bad).unwrap_err();
            assert!(why.starts_with("Seed: "), "{bad}: {why}");
        }
        assert!(parse_seed("-1").unwrap_err().contains("“-1”"));
    }
    use replicascope_core::presets;

    #[test]
    fn latency_slider_only_for_constant_delays() {
        let s = presets::find("single-leader-async-write")
            .unwrap()
            .scenario();
        assert_eq!(constant_latency(&s), Some(10.0));
        let s = presets::find("chatter-5").unwrap().scenario();
        assert_eq!(constant_latency(&s), None);
    }
}
