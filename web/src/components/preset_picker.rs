//! Choosing an example: every preset of the core, grouped by architecture,
//! with its title and the paragraph that says what to watch for.

use replicascope_core::presets;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::state::{Model, Msg};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: UseReducerHandle<Model>,
    /// Embedded: the menu only, no paragraph.
    pub compact: bool,
}

/// The group a preset belongs to, from its id.
pub fn group(id: &str) -> &'static str {
    if id.starts_with("single-leader") {
        "Single-leader"
    } else if id.starts_with("multi-leader") {
        "Multi-leader"
    } else if id.starts_with("leaderless") {
        "Leaderless"
    } else {
        "Engine"
    }
}

#[function_component(PresetPicker)]
pub fn preset_picker(props: &Props) -> Html {
    let state = &props.state;
    let current = state.preset.clone().unwrap_or_default();
    let onchange = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let id = e.target_unchecked_into::<HtmlSelectElement>().value();
            if presets::find(&id).is_some() {
                state.dispatch(Msg::LoadPreset(id));
            }
        })
    };
    let groups = ["Single-leader", "Multi-leader", "Leaderless", "Engine"].into_iter().filter_map(|g| {
        let items: Vec<_> = presets::all().iter().filter(|p| group(p.id) == g).collect();
        (!items.is_empty()).then(|| {
            html! {
                <optgroup label={g}>
                    { for items.iter().map(|p| html! { <option value={p.id} selected={p.id == current}>{ p.title }</option> }) }
                </optgroup>
            }
        })
    });
    let preset = presets::find(&current);
    // Options' `selected` attributes do not move a select the user has
    // already changed: set its value whenever the page's preset changes
    // (Back / Forward, a link, a tour).
    let select = use_node_ref();
    {
        let select = select.clone();
        use_effect_with(current.clone(), move |current| {
            if let Some(el) = select.cast::<HtmlSelectElement>() {
                el.set_value(current);
            }
        });
    }
    let modified = state.run.run.borrow().scenario().interventions.len();
    html! {
        <div class={classes!("preset-picker", props.compact.then_some("compact"))}>
            <label>
                <span class="visually-hidden">{ "Example" }</span>
                <select aria-label="Example" {onchange} data-testid="preset" ref={select}>
                    if preset.is_none() {
                        <option value="" selected=true>{ state.title.clone().unwrap_or_else(|| String::from("Custom scenario")) }</option>
                    }
                    { for groups }
                </select>
            </label>
            if !props.compact {
                if let Some(p) = preset {
                    <p class="description" data-testid="description">{ p.description }</p>
                }
                if modified > 0 {
                    <p class="hint">{ format!("You have intervened {modified} time(s): the run differs from the preset from the first intervention on.") }</p>
                }
            }
        </div>
    }
}
