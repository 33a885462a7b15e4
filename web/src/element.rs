//! The `<replica-scope>` custom element's way in: `static/replica-scope.js`
//! defines the element and, once it scrolls into view, calls
//! [`mount_replica_scope`] with a container inside the element's shadow
//! root. Each element gets its own app (its own reducer, run and clock), so
//! several on one page stay independent. Attributes and the `scenario`
//! property come back through the returned [`ReplicaScopeHandle`].

use std::rc::Rc;

use js_sys::Reflect;
use replicascope_core::scenario::{Scenario, ScenarioError};
use wasm_bindgen::prelude::*;
use yew::AppHandle;

use crate::app::{App, AppProps, ElementConfig};
use crate::embed::{json_error_path, EmbedOptions};

/// One mounted element.
#[wasm_bindgen]
pub struct ReplicaScopeHandle {
    app: Option<AppHandle<App>>,
    config: ElementConfig,
}

/// Reads the options from a plain object of attribute values (`null` or
/// missing for an attribute that is not set, `""` for a bare one).
fn options_from(attributes: &JsValue) -> (EmbedOptions, Vec<String>) {
    let get = |name: &str| -> Option<String> {
        if !attributes.is_object() {
            return None;
        }
        Reflect::get(attributes, &JsValue::from_str(name))
            .ok()
            .and_then(|v| v.as_string())
    };
    let (options, errors) = EmbedOptions::parse(get);
    let problems = errors.iter().map(|e| format!("{e}.")).collect();
    (options, problems)
}

/// Turns the `scenario` property (a plain JS object in the scenario format,
/// as `replicascope run --json` and "Export trace" write it, or that JSON
/// as text) into a checked scenario, or one readable sentence saying what
/// is wrong and where.
///
/// The object goes through `JSON.stringify` and the same parser as a
/// scenario file, not through `serde-wasm-bindgen`: a second deserializer
/// for the scenario format measured 69 KB gzip more (a tenth of the app),
/// and this way an object and a file give the same messages.
pub fn scenario_from(value: JsValue) -> Result<Scenario, String> {
    let text = if let Some(text) = value.as_string() {
        text
    } else if value.is_object() && !js_sys::Array::is_array(&value) {
        js_sys::JSON::stringify_with_replacer_and_space(&value, &JsValue::NULL, &JsValue::from(2))
            .ok()
            .and_then(|s| s.as_string())
            .ok_or("The scenario could not be turned into JSON (does it contain a cycle or a BigInt?).")?
    } else {
        return Err("The scenario must be an object in the scenario format (see docs/scenario.md), or that JSON as text.".into());
    };
    Scenario::from_json(&text).map_err(|e| match &e {
        ScenarioError::Syntax { line, message, .. } => match json_error_path(&text, *line, message)
        {
            Some(path) => format!("The scenario could not be read at {path}: {message}."),
            None => format!("The scenario could not be read: {e}."),
        },
        ScenarioError::Invalid(_) => format!("The scenario is not valid: {e}."),
    })
}

/// Mounts an app inside `container` (an element in the custom element's
/// shadow root). `attributes` is a plain object of the element's attribute
/// values; `scenario`, if not undefined, a run to show instead of a preset.
/// `app_url` is where the full app lives, for "Open in ReplicaScope".
#[wasm_bindgen]
pub fn mount_replica_scope(
    container: web_sys::Element,
    attributes: JsValue,
    scenario: JsValue,
    app_url: String,
) -> ReplicaScopeHandle {
    let (options, mut problems) = options_from(&attributes);
    let mut run = None;
    if !scenario.is_undefined() {
        match scenario_from(scenario) {
            Ok(s) => run = Some(Rc::new(s)),
            Err(e) => problems.push(e),
        }
    }
    let config = ElementConfig {
        options,
        problems,
        scenario: run,
        revision: 0,
        app_url,
    };
    let props = AppProps {
        element: Some(config.clone()),
    };
    let app = yew::Renderer::<App>::with_root_and_props(container, props).render();
    ReplicaScopeHandle {
        app: Some(app),
        config,
    }
}

#[wasm_bindgen]
impl ReplicaScopeHandle {
    fn push(&mut self) {
        self.config.revision += 1;
        if let Some(app) = self.app.as_mut() {
            app.update(AppProps {
                element: Some(self.config.clone()),
            });
        }
    }

    /// The element's attributes changed: re-read them all.
    pub fn set_attributes(&mut self, attributes: JsValue) {
        let (options, problems) = options_from(&attributes);
        self.config.options = options;
        self.config.problems = problems;
        self.push();
    }

    /// The `scenario` property was set. A bad one leaves the run on screen
    /// and says why (inside the element and in the console); the message is
    /// also returned so the caller's own code can react.
    pub fn set_scenario(&mut self, value: JsValue) -> Option<String> {
        // Only this hand-over's problem: the attributes' were shown when
        // they were set.
        let mut problems = Vec::new();
        let error = match scenario_from(value) {
            Ok(s) => {
                self.config.scenario = Some(Rc::new(s));
                None
            }
            Err(e) => {
                problems.push(e.clone());
                Some(e)
            }
        };
        self.config.problems = problems;
        self.push();
        error
    }

    /// Unmounts the app (the element left the page for good).
    pub fn destroy(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
    }
}
