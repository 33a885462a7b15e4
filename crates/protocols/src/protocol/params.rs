//! The controls the page offers for a protocol's parameters, as data: a
//! label, the scenario field it edits (a JSON pointer), its range or
//! choices and unit, when it applies, what caps it, and the core's value
//! when the field is absent. Each protocol lists its own in its folder
//! (`params.rs`) and the page draws them all alike; an edited scenario is
//! validated by the protocol's own `validate`, so a control can never
//! make the core accept what it would refuse.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde::Serialize;
use serde_json::{json, Value};

use super::registry;

/// A titled set of controls (a `<fieldset>` on the page).
pub struct Group {
    pub title: &'static str,
    pub params: Vec<Param>,
    /// A line under the controls, worked out from the scenario: whether
    /// it is good news (`true`) and what it says.
    pub note: Option<Note>,
}

/// Works out a group's note from the scenario: good news or not, and the
/// words.
pub type Note = fn(&Value) -> Option<(bool, String)>;

/// One control.
pub struct Param {
    pub label: &'static str,
    /// JSON pointer into the scenario.
    pub path: &'static str,
    pub kind: Kind,
    /// Shown only when this holds (a knob that cannot matter is hidden).
    pub when: Option<When>,
    /// A slider's maximum is at most the number at this pointer.
    pub cap: Option<&'static str>,
    /// What the core uses when the scenario leaves the field out (`Null`
    /// when absence simply means "none", as for `failover`).
    pub default: Value,
}

pub enum When {
    /// The string at the pointer (or its default) is one of these.
    OneOf(&'static str, &'static [&'static str]),
    /// The field at the pointer is present.
    Exists(&'static str),
}

pub enum Kind {
    Slider {
        min: f64,
        max: f64,
        step: f64,
        unit: &'static str,
    },
    /// A slider over a fixed ladder of round values, for ranges that span
    /// decades: evenly spaced positions make it a logarithmic scale, with
    /// no transcendental maths in the page.
    Ladder {
        values: &'static [f64],
        unit: &'static str,
    },
    /// A drop-down of `(label, value)`; a `Null` value removes the field.
    Choice(Vec<(&'static str, Value)>),
    /// A boolean field.
    Check,
    /// An optional field: checked when present; checking inserts this
    /// value, unchecking removes the field.
    Toggle(Value),
}

/// What a control reports when the user changes it.
pub enum Input<'a> {
    Text(&'a str),
    Checked(bool),
}

impl Param {
    pub fn new(label: &'static str, path: &'static str, kind: Kind) -> Param {
        Param {
            label,
            path,
            kind,
            when: None,
            cap: None,
            default: Value::Null,
        }
    }

    pub fn when(mut self, when: When) -> Param {
        self.when = Some(when);
        self
    }

    pub fn capped(mut self, by: &'static str) -> Param {
        self.cap = Some(by);
        self
    }

    /// The core's value when the scenario leaves the field out.
    pub fn default(mut self, value: Value) -> Param {
        self.default = value;
        self
    }

    /// This control's value in `doc`, or its default when the field is
    /// absent: [`current`] without searching every protocol's controls
    /// for the default, which the page would do for each control on
    /// every render.
    pub fn value_in(&self, doc: &Value) -> Value {
        match doc.pointer(self.path) {
            Some(v) if !v.is_null() => v.clone(),
            _ => self.default.clone(),
        }
    }

    /// The slider's maximum in `doc`: its own, or the capping field's
    /// value when that is lower.
    pub fn max_in(&self, doc: &Value, max: f64) -> f64 {
        self.cap
            .and_then(|c| current(doc, c).as_f64())
            .map_or(max, |cap| cap.min(max))
    }

    /// Is the control relevant to the scenario `doc`?
    pub fn visible(&self, doc: &Value) -> bool {
        match self.when {
            None => true,
            Some(When::Exists(path)) => doc.pointer(path).is_some_and(|v| !v.is_null()),
            Some(When::OneOf(path, values)) => current(doc, path)
                .as_str()
                .is_some_and(|v| values.contains(&v)),
        }
    }

    /// The scenario value for what the user did, or `None` for input that
    /// means nothing (a non-number, a choice that does not exist).
    pub fn value_from(&self, input: Input<'_>) -> Option<Value> {
        match (&self.kind, input) {
            (Kind::Slider { .. }, Input::Text(raw)) => {
                let x = raw.trim().parse::<f64>().ok().filter(|x| x.is_finite())?;
                Some(number(x))
            }
            (Kind::Ladder { values, .. }, Input::Text(raw)) => {
                let i = raw.trim().parse::<usize>().ok()?;
                values.get(i).map(|v| number(*v))
            }
            (Kind::Choice(options), Input::Text(raw)) => {
                let i = raw.parse::<usize>().ok()?;
                options.get(i).map(|(_, v)| v.clone())
            }
            (Kind::Check, Input::Checked(on)) => Some(Value::Bool(on)),
            (Kind::Toggle(value), Input::Checked(on)) => {
                Some(if on { value.clone() } else { Value::Null })
            }
            _ => None,
        }
    }
}

pub fn slider(
    label: &'static str,
    path: &'static str,
    range: (f64, f64, f64),
    unit: &'static str,
) -> Param {
    let (min, max, step) = range;
    Param::new(
        label,
        path,
        Kind::Slider {
            min,
            max,
            step,
            unit,
        },
    )
}

pub fn choice(
    label: &'static str,
    path: &'static str,
    options: &[(&'static str, &'static str)],
) -> Param {
    let options = options
        .iter()
        .map(|(value, text)| (*text, Value::String((*value).to_string())))
        .collect();
    Param::new(label, path, Kind::Choice(options))
}

/// A drop-down over one of the core's enums: each variant's own `name()`
/// as the text and its serde form as the value, so neither can drift from
/// the core.
pub fn variants<T: Serialize + Copy>(
    label: &'static str,
    path: &'static str,
    all: &[T],
    name: fn(T) -> &'static str,
) -> Param {
    let options = all
        .iter()
        .map(|&v| (name(v), serde_json::to_value(v).unwrap_or(Value::Null)))
        .collect();
    Param::new(label, path, Kind::Choice(options))
}

/// The value at `path`, or the core's default when the field is absent:
/// the scenario's own protocol's, since two protocols may give one field
/// different defaults (Raft's and a chain's `heartbeat_ms`).
pub fn current(doc: &Value, path: &str) -> Value {
    match doc.pointer(path) {
        Some(v) if !v.is_null() => v.clone(),
        _ => {
            let kind = doc.pointer("/protocol/kind").and_then(Value::as_str);
            kind.and_then(|k| {
                params_for(k)
                    .into_iter()
                    .flat_map(|g| g.params)
                    .find(|p| p.path == path && !p.default.is_null())
                    .map(|p| p.default)
            })
            .unwrap_or_else(|| core_default(path))
        }
    }
}

/// The core's default for a field the scenario may leave out, from
/// whichever protocol's controls edit it (`Null` when absence simply
/// means "none", as for `failover`).
pub fn core_default(path: &str) -> Value {
    registry::every_protocols_params()
        .into_iter()
        .flatten()
        .flat_map(|g| g.params)
        .find(|p| p.path == path && !p.default.is_null())
        .map_or(Value::Null, |p| p.default)
}

/// The controls of the protocol whose `kind` (as in scenario JSON) is
/// given; none for a kind no protocol has.
pub fn params_for(kind: &str) -> Vec<Group> {
    registry::params_for(kind)
}

/// Lowers every capped field of the protocol `doc` describes to its cap
/// (in the catalogue's order, so nodes → n → w and r cascade): what an
/// edit that shrinks the ring or n does to the fields that depend on it.
pub fn clamp_to_caps(doc: &mut Value) {
    let kind = current(doc, "/protocol/kind");
    let params = params_for(kind.as_str().unwrap_or(""))
        .into_iter()
        .flat_map(|g| g.params);
    for p in params {
        let Some(cap) = p.cap.and_then(|c| doc.pointer(c)).and_then(Value::as_u64) else {
            continue;
        };
        if let Some(v) = doc.pointer_mut(p.path) {
            if v.as_u64().is_some_and(|v| v > cap) {
                *v = json!(cap);
            }
        }
    }
}

/// The ladder position nearest `value` (by ratio, as the scale is
/// logarithmic), for a value set by hand that is not on the ladder.
pub fn ladder_position(values: &[f64], value: f64) -> usize {
    let distance = |v: f64| {
        if v > 0.0 && value > 0.0 {
            (v / value).max(value / v)
        } else {
            f64::INFINITY
        }
    };
    (0..values.len())
        .min_by(|&a, &b| distance(values[a]).total_cmp(&distance(values[b])))
        .unwrap_or(0)
}

/// Whole numbers as integers in JSON (the core reads counts as integers).
pub fn number(v: f64) -> Value {
    if libm::trunc(v) == v && libm::fabs(v) < 1e15 {
        json!(v as i64)
    } else {
        json!(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_controls_own_default_is_the_one_current_finds() {
        for kind in registry::KINDS {
            let empty = json!({ "protocol": { "kind": kind } });
            for p in params_for(kind).into_iter().flat_map(|g| g.params) {
                assert_eq!(
                    p.value_in(&empty),
                    current(&empty, p.path),
                    "{kind} {}",
                    p.path
                );
            }
        }
    }
}
