//! Choosing an example: every preset of the core, grouped by section,
//! with its title and the paragraph that says what to watch for.

use replicascope_core::presets;
use replicascope_core::scenario::Scenario;
use replicascope_core::section::Section;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::state::{Msg, RunHandle};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub run: RunHandle,
    /// The preset the run came from, if any.
    pub preset: Option<String>,
    /// What a run from no preset is called.
    pub title: Option<String>,
    /// Interventions taken back that Redo would put back.
    pub can_redo: bool,
    pub send: Callback<Msg>,
    /// Embedded: the menu only, no paragraph.
    pub compact: bool,
}

/// Whether `scenario` runs preset `id` with other settings than its own
/// (interventions aside: those are counted separately).
pub fn retuned(scenario: &Scenario, id: &str) -> bool {
    presets::find(id).is_some_and(|p| {
        let mut now = scenario.clone();
        now.interventions.clear();
        now != p.scenario()
    })
}

#[function_component(PresetPicker)]
pub fn preset_picker(props: &Props) -> Html {
    let current = props.preset.clone().unwrap_or_default();
    let onchange = {
        let send = props.send.clone();
        Callback::from(move |e: Event| {
            let id = e.target_unchecked_into::<HtmlSelectElement>().value();
            if presets::find(&id).is_some() {
                send.emit(Msg::LoadPreset(id));
            }
        })
    };
    // Grouped by the section each preset's file belongs to
    // (`content/sections.json`), in the article's order.
    let groups = Section::all().iter().filter_map(|&s| {
        let items: Vec<_> = presets::all().iter().filter(|p| p.section() == Some(s)).collect();
        (!items.is_empty()).then(|| {
            html! {
                <optgroup label={s.group()}>
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
    let modified = props.run.run.scenario().interventions.len();
    // Whether the settings differ from the preset's own (a parameter was
    // changed): its description then tells of values no longer on screen.
    // Once per run, not per frame.
    let retuned = *use_memo((props.run.clone(), current.clone()), |(handle, id)| {
        retuned(handle.run.scenario(), id)
    });
    let undo = props.send.reform(|_| Msg::Undo);
    let redo = props.send.reform(|_| Msg::Redo);
    // On a phone the description is cut to a few lines so that the
    // pictures and Play are on the first screen; "More" shows the rest.
    let expanded = use_state_eq(|| false);
    let toggle = {
        let expanded = expanded.clone();
        Callback::from(move |_| expanded.set(!*expanded))
    };
    html! {
        <div class={classes!("preset-picker", props.compact.then_some("compact"))}>
            <label>
                <span class="visually-hidden">{ "Example" }</span>
                <select aria-label="Example" {onchange} data-testid="preset" ref={select}>
                    if preset.is_none() {
                        <option value="" selected=true>{ props.title.clone().unwrap_or_else(|| String::from("Custom scenario")) }</option>
                    }
                    { for groups }
                </select>
            </label>
            if !props.compact {
                if let Some(p) = preset {
                    <p class={classes!("description", (*expanded).then_some("expanded"))} data-testid="description">{ p.description }</p>
                    <button type="button" class="link more" onclick={toggle} aria-expanded={expanded.to_string()}>
                        { if *expanded { "Less" } else { "More" } }
                    </button>
                    if retuned {
                        <p class="hint retuned" data-testid="retuned">
                            { "You changed its settings: the description tells of the preset's own values; the run on screen uses yours (see Parameters)." }
                        </p>
                    }
                }
                if modified > 0 || props.can_redo {
                    <p class="hint intervened" data-testid="intervened">
                        if modified > 0 {
                            { format!("You have intervened {modified} time(s): the run differs from the preset from the first intervention on. ") }
                        }
                        <button type="button" onclick={undo} disabled={modified == 0} title="Undo the last intervention (Ctrl+Z)">{ "Undo" }</button>
                        <button type="button" onclick={redo} disabled={!props.can_redo} title="Redo (Ctrl+Shift+Z)">{ "Redo" }</button>
                    </p>
                }
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Model;
    use replicascope_core::node::NodeId;
    use replicascope_core::scenario::Action;
    use std::rc::Rc;

    #[test]
    fn a_loaded_preset_is_not_retuned_until_a_setting_changes() {
        for p in presets::all() {
            let m = Model::from_preset(p.id, false);
            assert!(!retuned(&m.scenario(), p.id), "{}", p.id);
        }
        let m = Rc::new(Model::from_preset("single-leader-async-write", false));
        let mut s = m.scenario();
        s.seed += 1;
        let m = yew::Reducible::reduce(m, Msg::SetScenario(Box::new(s)));
        assert!(retuned(&m.scenario(), "single-leader-async-write"));
        // An intervention alone is not a change of settings.
        let m = Rc::new(Model::from_preset("single-leader-async-write", false));
        let m = yew::Reducible::reduce(m, Msg::Intervene(Action::Crash { node: NodeId(1) }));
        assert_eq!(m.scenario().interventions.len(), 1);
        assert!(!retuned(&m.scenario(), "single-leader-async-write"));
    }
}
