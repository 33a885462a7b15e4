//! The scenario's parameters as controls. Each control edits one field of
//! the scenario (by its JSON path), and the edited scenario is validated by
//! the core and re-run; a refused value leaves the run as it was and says
//! why. Interventions that name nodes which no longer exist are dropped,
//! and the page says so.

use replicascope_core::scenario::Scenario;
use serde_json::{json, Value};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::state::{Model, Msg, Notice};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: UseReducerHandle<Model>,
}

/// One control.
pub struct Param {
    pub label: &'static str,
    /// JSON pointer into the scenario.
    pub path: &'static str,
    pub kind: Kind,
    /// Shown only when the field at `when.0` equals `when.1`.
    pub when: Option<(&'static str, &'static str)>,
}

pub enum Kind {
    Slider {
        min: f64,
        max: f64,
        step: f64,
        unit: &'static str,
    },
    Choice(&'static [(&'static str, &'static str)]),
}

/// The controls that apply to a protocol.
pub fn params_for(kind: &str) -> Vec<Param> {
    let mut out = Vec::new();
    match kind {
        "single_leader" => {
            out.push(Param {
                label: "Followers",
                path: "/protocol/followers",
                kind: Kind::Slider {
                    min: 1.0,
                    max: 6.0,
                    step: 1.0,
                    unit: "",
                },
                when: None,
            });
            out.push(Param {
                label: "Acknowledgement",
                path: "/protocol/ack",
                kind: Kind::Choice(&[
                    ("async", "asynchronous"),
                    ("sync", "synchronous"),
                    ("semi_sync", "semi-synchronous"),
                ]),
                when: None,
            });
            out.push(Param {
                label: "Semi-sync timeout",
                path: "/protocol/semi_sync_timeout_ms",
                kind: Kind::Slider {
                    min: 50.0,
                    max: 3000.0,
                    step: 50.0,
                    unit: "ms",
                },
                when: Some(("/protocol/ack", "semi_sync")),
            });
        }
        "chatter" => {
            out.push(Param {
                label: "Nodes",
                path: "/protocol/nodes",
                kind: Kind::Slider {
                    min: 2.0,
                    max: 64.0,
                    step: 1.0,
                    unit: "",
                },
                when: None,
            });
            out.push(Param {
                label: "Conversations per node",
                path: "/protocol/fanout",
                kind: Kind::Slider {
                    min: 1.0,
                    max: 64.0,
                    step: 1.0,
                    unit: "",
                },
                when: None,
            });
        }
        _ => {}
    }
    out
}

/// The scenario with `path` set to `value`, validated; interventions
/// naming nodes that no longer exist are dropped (and counted).
pub fn edit(scenario: &Scenario, path: &str, value: Value) -> Result<(Scenario, usize), String> {
    let mut doc = serde_json::to_value(scenario).map_err(|e| e.to_string())?;
    set(&mut doc, path, value);
    let mut edited: Scenario =
        serde_json::from_value(doc).map_err(|e| format!("that value does not fit: {e}"))?;
    let nodes = edited.node_count();
    let before = edited.interventions.len();
    edited
        .interventions
        .retain(|t| t.action.nodes().iter().all(|n| n.0 < nodes));
    let dropped = before - edited.interventions.len();
    edited
        .validate()
        .map_err(|p| replicascope_core::scenario::ScenarioError::Invalid(p).to_string())?;
    Ok((edited, dropped))
}

fn set(doc: &mut Value, path: &str, value: Value) {
    let (parent, field) = path.rsplit_once('/').unwrap_or(("", path));
    if let Some(Value::Object(map)) = doc.pointer_mut(parent) {
        map.insert(field.to_string(), value);
    }
}

/// The network's delay when it is constant (the slider only edits that case).
fn constant_latency(s: &Scenario) -> Option<f64> {
    match serde_json::to_value(&s.network.latency).ok()? {
        Value::Object(m) if m.get("kind") == Some(&json!("constant")) => m.get("ms")?.as_f64(),
        _ => None,
    }
}

#[function_component(Params)]
pub fn params(props: &Props) -> Html {
    let state = &props.state;
    let scenario = state.scenario();
    let doc = serde_json::to_value(&scenario).unwrap_or(Value::Null);
    let kind = doc
        .pointer("/protocol/kind")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();

    let apply = |path: &'static str, to_value: fn(&str) -> Option<Value>| {
        let state = state.clone();
        let scenario = scenario.clone();
        move |raw: String| {
            let Some(value) = to_value(&raw) else { return };
            match edit(&scenario, path, value) {
                Ok((edited, dropped)) => {
                    state.dispatch(Msg::SetScenario(Box::new(edited)));
                    if dropped > 0 {
                        state.dispatch(Msg::Notify(Notice {
                            error: false,
                            text: format!("{dropped} intervention(s) named nodes that no longer exist and were dropped."),
                        }));
                    }
                }
                Err(why) => state.dispatch(Msg::Notify(Notice {
                    error: true,
                    text: format!("That setting was refused: {why}"),
                })),
            }
        }
    };

    let controls = params_for(&kind).into_iter().filter(|p| match p.when {
        Some((path, want)) => doc.pointer(path).and_then(Value::as_str) == Some(want),
        None => true,
    });
    let controls = controls.map(|p| {
        let current = doc.pointer(p.path).cloned().unwrap_or(Value::Null);
        let id = format!("param-{}", p.path.trim_start_matches('/').replace('/', "-"));
        match p.kind {
            Kind::Slider { min, max, step, unit } => {
                let value = current.as_f64().unwrap_or(if p.path.ends_with("timeout_ms") { 1000.0 } else { min });
                let set = apply(p.path, |raw| raw.parse::<f64>().ok().map(number));
                let onchange = Callback::from(move |e: Event| set(e.target_unchecked_into::<HtmlInputElement>().value()));
                html! {
                    <div class="param">
                        <label for={id.clone()}>{ p.label }<output>{ format!("{} {unit}", number(value)) }</output></label>
                        <input id={id} type="range" min={min.to_string()} max={max.to_string()} step={step.to_string()}
                               value={value.to_string()} aria-label={p.label} {onchange} />
                    </div>
                }
            }
            Kind::Choice(options) => {
                let value = current.as_str().unwrap_or("").to_string();
                let set = apply(p.path, |raw| Some(Value::String(raw.to_string())));
                let onchange = Callback::from(move |e: Event| set(e.target_unchecked_into::<HtmlSelectElement>().value()));
                html! {
                    <div class="param">
                        <label for={id.clone()}>{ p.label }</label>
                        <select id={id} aria-label={p.label} {onchange}>
                            { for options.iter().map(|(v, text)| html! { <option value={*v} selected={*v == value}>{ *text }</option> }) }
                        </select>
                    </div>
                }
            }
        }
    });

    let latency = constant_latency(&scenario).map(|ms| {
        let set = apply("/network/latency", |raw| raw.parse::<f64>().ok().map(|ms| json!({"kind": "constant", "ms": ms})));
        let onchange = Callback::from(move |e: Event| set(e.target_unchecked_into::<HtmlInputElement>().value()));
        html! {
            <div class="param">
                <label for="param-latency">{ "Network delay" }<output>{ format!("{} ms", number(ms)) }</output></label>
                <input id="param-latency" type="range" min="1" max="500" step="1" value={ms.to_string()} aria-label="Network delay" {onchange} />
            </div>
        }
    });

    let seed = {
        let set = apply("/seed", |raw| {
            raw.trim().parse::<u64>().ok().map(|v| json!(v))
        });
        let set_again = set.clone();
        let current = scenario.seed;
        let onchange = Callback::from(move |e: Event| {
            set(e.target_unchecked_into::<HtmlInputElement>().value())
        });
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
            { for controls }
            { for latency }
            { seed }
            <p class="hint">{ "Changing a parameter re-runs the scenario from the start, keeping your interventions." }</p>
        </section>
    }
}

/// The next seed offered by "Another seed": a fixed scramble, so the
/// sequence of seeds a user clicks through is itself reproducible.
fn next_seed(seed: u64) -> u64 {
    seed.wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407)
        >> 16
}

/// Whole numbers as integers in JSON (the core reads counts as integers).
fn number(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        json!(v as i64)
    } else {
        json!(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use replicascope_core::node::NodeId;
    use replicascope_core::presets;
    use replicascope_core::scenario::{Action, Timed};

    #[test]
    fn editing_a_field_revalidates() {
        let s = presets::find("single-leader-async-write")
            .unwrap()
            .scenario();
        let (edited, dropped) = edit(&s, "/protocol/followers", json!(3)).unwrap();
        assert_eq!(edited.node_count(), 4);
        assert_eq!(dropped, 0);
        let err = edit(&s, "/protocol/followers", json!(40)).unwrap_err();
        assert!(
            err.contains("protocol.followers: 40 is not allowed"),
            "{err}"
        );
        let err = edit(&s, "/protocol/followers", json!("many")).unwrap_err();
        assert!(err.starts_with("that value does not fit"), "{err}");
    }

    #[test]
    fn interventions_on_removed_nodes_are_dropped() {
        let mut s = presets::find("single-leader-async-write")
            .unwrap()
            .scenario();
        s.protocol =
            serde_json::from_value(json!({"kind": "single_leader", "followers": 3})).unwrap();
        s.interventions.push(Timed {
            at_ms: 5.0,
            action: Action::Crash { node: NodeId(3) },
        });
        s.interventions.push(Timed {
            at_ms: 6.0,
            action: Action::Crash { node: NodeId(1) },
        });
        let (edited, dropped) = edit(&s, "/protocol/followers", json!(1)).unwrap();
        assert_eq!(dropped, 1);
        assert_eq!(edited.interventions.len(), 1);
    }

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
