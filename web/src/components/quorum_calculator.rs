//! The quorum calculator: three sliders (n, w, r) and everything
//! `replicascope_core::quorum` derives from them — whether reads overlap the
//! latest write, how many failures each side survives, the matching
//! Cassandra consistency levels and the chance a read misses the write.

use replicascope_core::quorum::{QuorumAnalysis, QuorumConfig, QuorumPreset, MAX_N};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Knob {
    N,
    W,
    R,
}

impl Knob {
    fn set(self, current: QuorumConfig, value: u32) -> QuorumConfig {
        let (n, w, r) = (
            u32::from(current.n()),
            u32::from(current.w()),
            u32::from(current.r()),
        );
        match self {
            Knob::N => QuorumConfig::clamped(value, w, r),
            Knob::W => QuorumConfig::clamped(n, value, r),
            Knob::R => QuorumConfig::clamped(n, w, value),
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct QuorumCalculatorProps {
    /// Starting configuration; defaults to the article's balanced n=3, w=2, r=2.
    #[prop_or(QuorumConfig::clamped(3, 2, 2))]
    pub initial: QuorumConfig,
}

impl Default for QuorumCalculatorProps {
    fn default() -> Self {
        QuorumCalculatorProps {
            initial: QuorumConfig::clamped(3, 2, 2),
        }
    }
}

#[function_component(QuorumCalculator)]
pub fn quorum_calculator(props: &QuorumCalculatorProps) -> Html {
    let config = use_state_eq(|| props.initial);
    let analysis = config.analyse();

    let slider = |knob: Knob,
                  id: &'static str,
                  name: &'static str,
                  hint: &'static str,
                  value: u8,
                  max: u8| {
        let config = config.clone();
        let oninput = Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            // A slider only produces integers; anything else leaves the
            // configuration as it was.
            if let Ok(v) = input.value().parse::<u32>() {
                config.set(knob.set(*config, v));
            }
        });
        html! {
            <div class="slider">
                <label for={id}>
                    <span class="knob">{ name }</span>
                    <span class="hint">{ hint }</span>
                    <output for={id} data-testid={format!("{name}-value")}>{ value }</output>
                </label>
                <input id={id} type="range" min="1" max={max.to_string()} step="1"
                    aria-label={name} value={value.to_string()} {oninput} />
            </div>
        }
    };

    let presets = QuorumPreset::ALL.iter().map(|&preset| {
        let config = config.clone();
        let onclick = Callback::from(move |_| config.set(preset.apply(*config)));
        html! { <button type="button" class="preset" {onclick}>{ preset.label() }</button> }
    });

    html! {
        <section class="card quorum" aria-labelledby="quorum-title">
            <h2 id="quorum-title">{ "Quorum calculator" }</h2>
            <p class="lede">
                { "A leaderless store keeps n copies of each key. A write returns after w replicas acknowledge it; a read asks r replicas and keeps the newest answer. Drag the sliders and watch whether reads are guaranteed to see the latest write." }
            </p>
            <div class="sliders">
                { slider(Knob::N, "quorum-n", "n", "replicas per key", config.n(), MAX_N) }
                { slider(Knob::W, "quorum-w", "w", "write acknowledgements", config.w(), config.n()) }
                { slider(Knob::R, "quorum-r", "r", "replicas read", config.r(), config.n()) }
            </div>
            <div class="presets" role="group" aria-label="Article presets">{ for presets }</div>
            <ReplicaStrip analysis={analysis.clone()} />
            <Figures analysis={analysis} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct AnalysisProps {
    analysis: QuorumAnalysis,
}

/// The worst case drawn out: the write landed on the first w replicas and
/// the read asked the last r, so whatever they share is the guaranteed
/// overlap.
#[function_component(ReplicaStrip)]
fn replica_strip(props: &AnalysisProps) -> Html {
    let a = &props.analysis;
    let replicas = (1..=a.n).map(|i| {
        let in_write = i <= a.w;
        let in_read = i > a.n - a.r;
        let class = classes!(
            "replica",
            in_write.then_some("in-write"),
            in_read.then_some("in-read"),
            (in_write && in_read).then_some("in-both"),
        );
        let role = match (in_write, in_read) {
            (true, true) => "has the write and is read",
            (true, false) => "has the write",
            (false, true) => "is read",
            (false, false) => "untouched",
        };
        html! {
            <li class={class} title={format!("Replica {i}: {role}")}>
                <span class="replica-id">{ i }</span>
            </li>
        }
    });
    html! {
        <figure class="replica-strip">
            <ol aria-label="Replicas, worst case">{ for replicas }</ol>
            <figcaption>
                <span class="swatch in-write"></span>{ " holds the latest write (first w) " }
                <span class="swatch in-read"></span>{ " asked by the read (worst case: last r) " }
                <span class="swatch in-both"></span>{ " both" }
            </figcaption>
        </figure>
    }
}

#[function_component(Figures)]
fn figures(props: &AnalysisProps) -> Html {
    let a = &props.analysis;
    let verdict_class = if a.overlaps {
        "verdict ok"
    } else {
        "verdict warn"
    };
    html! {
        <>
            <p class={verdict_class} data-testid="verdict" role="status" aria-live="polite">
                <strong>{ if a.overlaps { "Reads see the latest write. " } else { "Reads may be stale. " } }</strong>
                { a.verdict() }
            </p>
            <dl class="figures">
                <div><dt>{ "Guaranteed overlap" }</dt>
                    <dd data-testid="overlap">{ format!("{} replica{}", a.overlap, if a.overlap == 1 { "" } else { "s" }) }</dd></div>
                <div><dt>{ "Writes survive" }</dt>
                    <dd data-testid="write-tolerance">{ format!("{} node failure{} (n − w)", a.write_tolerance, plural(a.write_tolerance)) }</dd></div>
                <div><dt>{ "Reads survive" }</dt>
                    <dd data-testid="read-tolerance">{ format!("{} node failure{} (n − r)", a.read_tolerance, plural(a.read_tolerance)) }</dd></div>
                <div><dt>{ "Cassandra write level" }</dt>
                    <dd data-testid="write-level">{ QuorumAnalysis::level_names(&a.write_levels) }</dd></div>
                <div><dt>{ "Cassandra read level" }</dt>
                    <dd data-testid="read-level">{ QuorumAnalysis::level_names(&a.read_levels) }</dd></div>
                <div><dt>{ "Chance a random read misses the write" }</dt>
                    <dd data-testid="stale-probability">
                        { if a.stale_read.numerator == 0 {
                            String::from("never (0 %)")
                        } else {
                            format!("{} = {}", a.stale_read, a.stale_read.percent())
                        } }
                        <small>{ format!(" C({}, {}) / C({}, {})", a.n - a.w, a.r, a.n, a.r) }</small>
                    </dd></div>
            </dl>
        </>
    }
}

fn plural(k: u8) -> &'static str {
    if k == 1 {
        ""
    } else {
        "s"
    }
}
