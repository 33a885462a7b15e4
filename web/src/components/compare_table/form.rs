//! The comparison's form: fault, rate, read fraction, keys and seed, read
//! when Run is pressed. Parsing lives in a plain function so it is tested
//! natively; the core's own check then names any value out of range.

use replicascope_core::compare::{CompareSpec, Fault};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// The form's raw values, as typed.
pub struct Entered<'a> {
    pub fault: &'a str,
    pub rate: &'a str,
    pub reads: &'a str,
    pub keys: &'a str,
    pub seed: &'a str,
}

/// A spec from what was typed, or one line saying what is wrong.
pub fn parse(e: &Entered<'_>) -> Result<CompareSpec, String> {
    fn number<T: std::str::FromStr>(name: &str, text: &str) -> Result<T, String> {
        text.trim()
            .parse()
            .map_err(|_| format!("{name}: '{}' is not a number", text.trim()))
    }
    let fault = Fault::parse(e.fault).ok_or_else(|| format!("unknown fault '{}'", e.fault))?;
    let spec = CompareSpec {
        rate_per_s: number("Rate", e.rate)?,
        read_fraction: number("Read fraction", e.reads)?,
        keys: number("Keys", e.keys)?,
        seed: number("Seed", e.seed)?,
        ..CompareSpec::new(fault)
    };
    spec.validate()?;
    Ok(spec)
}

/// The form's fields, read when Run is pressed.
pub struct FormRefs {
    fault: NodeRef,
    rate: NodeRef,
    reads: NodeRef,
    keys: NodeRef,
    seed: NodeRef,
}

#[hook]
pub fn use_form_refs() -> FormRefs {
    FormRefs {
        fault: use_node_ref(),
        rate: use_node_ref(),
        reads: use_node_ref(),
        keys: use_node_ref(),
        seed: use_node_ref(),
    }
}

impl FormRefs {
    fn entered(&self) -> Result<CompareSpec, String> {
        let value = |r: &NodeRef| {
            r.cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default()
        };
        let fault = self
            .fault
            .cast::<HtmlSelectElement>()
            .map(|s| s.value())
            .unwrap_or_default();
        parse(&Entered {
            fault: &fault,
            rate: &value(&self.rate),
            reads: &value(&self.reads),
            keys: &value(&self.keys),
            seed: &value(&self.seed),
        })
    }
}

/// The form; `onrun` gets a spec that passed the checks, or what was
/// wrong. A plain function, not a component: it re-renders with the
/// table anyway, and a component costs wasm.
pub fn view(refs: &FormRefs, onrun: Callback<Result<CompareSpec, String>>, running: bool) -> Html {
    let defaults = CompareSpec::new(Fault::Crash);
    let onsubmit = {
        let refs = FormRefs {
            fault: refs.fault.clone(),
            rate: refs.rate.clone(),
            reads: refs.reads.clone(),
            keys: refs.keys.clone(),
            seed: refs.seed.clone(),
        };
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            onrun.emit(refs.entered());
        })
    };
    let options = Fault::ALL.iter().map(|f| {
        html! { <option value={f.id()} selected={*f == defaults.fault} title={f.describe()}>{ f.label() }</option> }
    });
    // Each input's accessible name says it belongs to the comparison: the
    // simulator's own parameters (a seed, too) share the page.
    let field = |id: &'static str,
                 label: &'static str,
                 node: &NodeRef,
                 value: String,
                 attrs: (&'static str, &'static str, &'static str)| {
        html! {
            <label for={id}>
                <span>{ label }</span>
                <input {id} ref={node.clone()} type="number" value={value}
                    aria-label={format!("{label} for the comparison")}
                    min={attrs.0} max={(!attrs.1.is_empty()).then_some(attrs.1)} step={attrs.2} required=true />
            </label>
        }
    };
    // `novalidate`: the core's check answers a bad value in words, instead
    // of the browser silently refusing to submit.
    html! {
        <form class="compare-form" {onsubmit} aria-label="What to compare" novalidate=true>
            <label for="compare-fault" class="fault">
                <span>{ "Fault" }</span>
                <select id="compare-fault" ref={refs.fault.clone()} aria-label="Fault for the comparison">{ for options }</select>
            </label>
            { field("compare-rate", "Requests/s", &refs.rate, defaults.rate_per_s.to_string(), ("1", "1000", "1")) }
            { field("compare-reads", "Read fraction", &refs.reads, defaults.read_fraction.to_string(), ("0", "1", "0.05")) }
            { field("compare-keys", "Keys", &refs.keys, defaults.keys.to_string(), ("1", "1000", "1")) }
            { field("compare-seed", "Seed", &refs.seed, defaults.seed.to_string(), ("0", "", "1")) }
            <button type="submit" class="primary" disabled={running}>{ "Run" }</button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entered<'a>(fault: &'a str, rate: &'a str) -> Entered<'a> {
        Entered {
            fault,
            rate,
            reads: "0.25",
            keys: "4",
            seed: "9",
        }
    }

    #[test]
    fn typed_values_become_a_spec_with_the_default_duration() {
        let spec = parse(&entered("partition", " 200 ")).unwrap();
        assert_eq!(spec.fault, Fault::Partition);
        assert_eq!(
            (spec.rate_per_s, spec.read_fraction, spec.keys, spec.seed),
            (200.0, 0.25, 4, 9)
        );
        assert_eq!(spec.duration_ms, CompareSpec::new(Fault::None).duration_ms);
    }

    #[test]
    fn bad_values_are_named() {
        assert_eq!(
            parse(&entered("crash", "")).unwrap_err(),
            "Rate: '' is not a number"
        );
        assert!(parse(&entered("crash", "0"))
            .unwrap_err()
            .starts_with("rate 0 is out of range"));
        assert_eq!(
            parse(&entered("flood", "10")).unwrap_err(),
            "unknown fault 'flood'"
        );
    }
}
