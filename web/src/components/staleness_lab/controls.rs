//! The lab's form: latency model (preset, exponential rates, WAN delay and
//! the four legs as editable JSON), the list of n/w/r curves, and how to
//! run (method, trials, seed, x-axis), with Run, Stop and Export SVG.

use std::rc::Rc;

use replicascope_core::staleness::model::PRESETS;
use replicascope_core::staleness::Method;
use replicascope_core::staleness::MAX_N;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::chart::colour;
use super::config::{YScale, MAX_CURVES};
use super::curves::ms;
use super::form::{parse_leg, Form, LEGS};
use super::Msg;

/// What the page is doing, for the buttons.
#[derive(Clone, Copy, PartialEq)]
pub struct Status {
    pub running: bool,
    pub has_results: bool,
}

fn input_text(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

fn field(
    id: &'static str,
    label: &str,
    value: &str,
    hint: &str,
    oninput: Callback<InputEvent>,
) -> Html {
    html! {
        <label class="sl-field" for={id}>
            <span>{ label }</span>
            <input {id} type="text" inputmode="decimal" spellcheck="false" value={value.to_string()} {oninput} />
            if !hint.is_empty() { <small class="hint">{ hint }</small> }
        </label>
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub form: Rc<Form>,
    pub status: Status,
    pub problems: Rc<Vec<String>>,
    /// Created once, so these props compare equal while a run only
    /// changes the results: the form is not redrawn every slice.
    pub send: Callback<Msg>,
}

#[function_component(Controls)]
pub fn controls(props: &Props) -> Html {
    let (form, status, problems, send) = (&*props.form, props.status, &props.problems, &props.send);
    let onsubmit = send.reform(|e: SubmitEvent| {
        e.prevent_default();
        Msg::Run
    });
    html! {
        <form class="sl-controls" {onsubmit} novalidate=true>
            { model(form, send) }
            { curves(form, send) }
            { settings(form, send) }
            <div class="sl-buttons">
                <button type="submit" class="primary" data-testid="staleness-run">{ if status.has_results { "Run again" } else { "Run" } }</button>
                <button type="button" disabled={!status.running} onclick={send.reform(|_| Msg::Stop)} data-testid="staleness-stop">{ "Stop" }</button>
                <button type="button" disabled={!status.has_results} onclick={send.reform(|_| Msg::Export)} data-testid="staleness-export">{ "Export SVG" }</button>
            </div>
            if !problems.is_empty() {
                <ul class="sl-problems" role="alert" data-testid="staleness-problems">
                    { for problems.iter().map(|p| html! { <li>{ p }</li> }) }
                </ul>
            }
        </form>
    }
}

fn model(form: &Form, send: &Callback<Msg>) -> Html {
    let option = |id: &str, text: String| {
        html! { <option value={id.to_string()} selected={form.model == id}>{ text }</option> }
    };
    let legs = LEGS.iter().enumerate().map(|(i, name)| {
        let id = format!("sl-leg-{name}");
        let (title, what) = [
            ("W", "the write, coordinator to replica"),
            ("A", "its acknowledgement back"),
            ("R", "the read request"),
            ("S", "the read's response"),
        ][i];
        let note = match (&form.leg_errors[i], parse_leg(name, &form.legs[i])) {
            (Some(e), _) => html! { <small class="sl-error" data-testid={format!("leg-error-{name}")}>{ e }</small> },
            (None, Ok(l)) => html! { <small class="hint">{ format!("mean {} ms", ms(l.mean_ms())) }</small> },
            (None, Err(e)) => html! { <small class="sl-error">{ e }</small> },
        };
        let invalid = form.leg_errors[i].is_some();
        html! {
            <label class="sl-leg" for={id.clone()}>
                <span><b>{ title }</b>{ format!(" {name}: {what}") }</span>
                <textarea id={id} rows="7" spellcheck="false" aria-invalid={invalid.to_string()}
                    value={form.legs[i].clone()}
                    oninput={send.reform(move |e: InputEvent| Msg::Leg(i, e.target_unchecked_into::<HtmlTextAreaElement>().value()))} />
                { note }
            </label>
        }
    });
    html! {
        <fieldset class="sl-group">
            <legend>{ "Latency model" }</legend>
            <label class="sl-field" for="sl-model">
                <span>{ "Delays per message leg" }</span>
                <select id="sl-model" onchange={send.reform(|e: Event| Msg::Model(select_value(&e)))}>
                    { for PRESETS.iter().map(|(id, what)| option(id, what.to_string())) }
                    { option("exp", String::from("Exponential delays (two rates)")) }
                    if form.model == "custom" { { option("custom", String::from("Custom: the distributions below")) } }
                </select>
            </label>
            if form.model == "exp" {
                <div class="sl-pair">
                    { field("sl-exp-w", "λ writes (per ms)", &form.exp[0], "", send.reform(|e: InputEvent| Msg::Exp(0, input_text(&e)))) }
                    { field("sl-exp-ars", "λ acks, reads, responses", &form.exp[1], "", send.reform(|e: InputEvent| Msg::Exp(1, input_text(&e)))) }
                </div>
            }
            { field("sl-wan", "WAN extra (ms)", &form.wan, "on messages to replicas in another datacenter (0: one datacenter)",
                send.reform(|e: InputEvent| Msg::Wan(input_text(&e)))) }
            <details class="sl-legs">
                <summary>{ "Edit the four distributions" }</summary>
                <p class="hint">
                    { "JSON, one per leg. Kinds: " }
                    <code>{ "constant {ms}" }</code>{ ", " }<code>{ "uniform {min_ms, max_ms}" }</code>{ ", " }
                    <code>{ "exponential {rate_per_ms}" }</code>{ ", " }<code>{ "pareto {xm_ms, alpha}" }</code>{ ", " }
                    <code>{ "mixture {parts: [{weight, latency}]}" }</code>{ ", " }<code>{ "shifted {ms, base}" }</code>{ "." }
                </p>
                <div class="sl-leg-grid">{ for legs }</div>
            </details>
        </fieldset>
    }
}

fn knob(i: usize, k: usize, value: u8, max: u8, send: &Callback<Msg>) -> Html {
    let name = ["n", "w", "r"][k];
    let onchange = send.reform(move |e: Event| {
        let v = select_value(&e).parse().unwrap_or(1);
        Msg::Curve(i, k, v)
    });
    html! {
        <label class="sl-knob">
            <i>{ name }</i>
            <select aria-label={format!("curve {} {name}", i + 1)} data-knob={name} {onchange}>
                { for (1..=max).map(|v| html! { <option value={v.to_string()} selected={v == value}>{ v }</option> }) }
            </select>
        </label>
    }
}

fn curves(form: &Form, send: &Callback<Msg>) -> Html {
    let single = form.curves.len() == 1;
    let rows = form.curves.iter().enumerate().map(|(i, &[n, w, r])| {
        let overlap = u16::from(w) + u16::from(r) > u16::from(n);
        html! {
            <li class="sl-curve-row" data-curve={format!("{n}-{w}-{r}")}>
                <span class="sl-swatch" style={format!("background:{}", colour(i))}></span>
                { knob(i, 0, n, MAX_N, send) }
                { knob(i, 1, w, n, send) }
                { knob(i, 2, r, n, send) }
                <small class="hint" title="w + r > n: every read quorum meets the write quorum">{ if overlap { "strict" } else { "" } }</small>
                <button type="button" class="sl-remove" disabled={single} aria-label={format!("Remove curve {}", i + 1)}
                    onclick={send.reform(move |_| Msg::RemoveCurve(i))}>{ "✕" }</button>
            </li>
        }
    });
    html! {
        <fieldset class="sl-group">
            <legend>{ "Curves" }</legend>
            <ol class="sl-curves">{ for rows }</ol>
            <button type="button" disabled={form.curves.len() >= MAX_CURVES} onclick={send.reform(|_| Msg::AddCurve)}>{ "+ Add a curve" }</button>
        </fieldset>
    }
}

fn settings(form: &Form, send: &Callback<Msg>) -> Html {
    let explain = match form.method {
        Method::Direct => "Direct: draws the four delays of every replica and works out the outcome in closed form — about a million trials a second.",
        Method::Protocol => "Protocol: every trial runs the real leaderless coordinator and replicas in the simulator — the reference, about a thousand times slower.",
    };
    let method = |m: Method, id: &str, text: &str| {
        html! { <option value={id.to_string()} selected={form.method == m}>{ text }</option> }
    };
    let check = |id: &'static str, label: &str, checked: bool, msg: fn(bool) -> Msg| {
        let onchange = send
            .reform(move |e: Event| msg(e.target_unchecked_into::<HtmlInputElement>().checked()));
        html! {
            <label class="sl-check" for={id}><input {id} type="checkbox" {checked} {onchange} />{ label }</label>
        }
    };
    html! {
        <fieldset class="sl-group">
            <legend>{ "Run" }</legend>
            <label class="sl-field" for="sl-method">
                <span>{ "Method" }</span>
                <select id="sl-method" onchange={send.reform(|e: Event| Msg::Method(if select_value(&e) == "protocol" { Method::Protocol } else { Method::Direct }))}>
                    { method(Method::Direct, "direct", "direct (closed form, fast)") }
                    { method(Method::Protocol, "protocol", "protocol (the simulator, reference)") }
                </select>
                <small class="hint" data-testid="staleness-method-note">{ explain }</small>
            </label>
            <div class="sl-pair">
                { field("sl-trials", "Trials per curve", &form.trials, "", send.reform(|e: InputEvent| Msg::Trials(input_text(&e)))) }
                { field("sl-seed", "Trial seed", &form.seed, "", send.reform(|e: InputEvent| Msg::Seed(input_text(&e)))) }
            </div>
            { field("sl-tmax", "t up to (ms)", &form.t_max, "", send.reform(|e: InputEvent| Msg::TMax(input_text(&e)))) }
            <div class="sl-checks">
                { check("sl-logx", "log t axis", form.log_x, Msg::LogX) }
                <label class="sl-check" for="sl-y">{ "P axis" }
                    <select id="sl-y" onchange={send.reform(|e: Event| {
                        let v = select_value(&e);
                        Msg::YScale(YScale::ALL.iter().find(|s| s.1 == v).map_or(YScale::Zoom, |s| s.0))
                    })}>
                        { for YScale::ALL.iter().map(|&(y, id, text)| html! { <option value={id} selected={form.y == y}>{ text }</option> }) }
                    </select>
                </label>
            </div>
        </fieldset>
    }
}
