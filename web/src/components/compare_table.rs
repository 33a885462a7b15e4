//! "Compare the three architectures": the article's comparison table,
//! measured. One workload and one fault run on single-leader (sync and
//! async), multi-leader and leaderless with the same seed; the table
//! fills in as each run finishes — one architecture per browser task, so
//! the page keeps painting — and every cell opens the run behind it.
//!
//! The runs and figures come from `replicascope_core::compare`; this file
//! only schedules them and shows the results.

mod form;
mod table;

use std::rc::Rc;

use gloo::render::request_animation_frame;
use replicascope_core::compare::{
    explain, measure, scenario_for, topology, Architecture, CompareSpec,
};
use replicascope_core::share::{self, SharedRun, LINK_VERSION};
use yew::prelude::*;

use crate::state::{param, Msg};
use table::{Measured, TableProps};

#[derive(Properties, PartialEq)]
pub struct CompareTableProps {
    /// Where an opened cell's run goes (the simulator's reducer).
    pub send: Callback<Msg>,
}

/// The comparison under way (or finished).
#[derive(Clone, Default)]
struct Progress {
    /// Bumped by every Run, so a late result of an earlier comparison is
    /// dropped.
    generation: u32,
    spec: Option<CompareSpec>,
    done: Vec<Rc<Measured>>,
    error: Option<String>,
}

enum Step {
    Start(CompareSpec),
    Done(u32, Rc<Measured>),
    Failed(u32, String),
    Refused(String),
}

impl Reducible for Progress {
    type Action = Step;

    fn reduce(self: Rc<Self>, step: Step) -> Rc<Self> {
        let mut p = (*self).clone();
        match step {
            Step::Start(spec) => {
                p = Progress {
                    generation: p.generation + 1,
                    spec: Some(spec),
                    ..Progress::default()
                };
            }
            Step::Done(g, m) if g == p.generation => p.done.push(m),
            Step::Failed(g, e) if g == p.generation => p.error = Some(e),
            Step::Refused(e) => p.error = Some(e),
            Step::Done(..) | Step::Failed(..) => return self,
        }
        Rc::new(p)
    }
}

impl Progress {
    fn next(&self) -> Option<Architecture> {
        match (&self.spec, &self.error) {
            (Some(_), None) => Architecture::all().get(self.done.len()).copied(),
            _ => None,
        }
    }
}

/// Runs and measures one architecture: one browser task's work.
fn run_one(generation: u32, spec: &CompareSpec, arch: Architecture) -> Step {
    let scenario = scenario_for(spec, arch);
    match measure(arch, &scenario) {
        Ok(row) => {
            let link = share::encode(&SharedRun {
                v: LINK_VERSION,
                preset: None,
                scenario: scenario.clone(),
                t_us: 0,
                hash: Some(row.trace_hash.clone()),
                title: Some(format!(
                    "Comparison: {} · {}",
                    arch.label(),
                    spec.fault.label()
                )),
            });
            Step::Done(
                generation,
                Rc::new(Measured {
                    row,
                    scenario: Rc::new(scenario),
                    link,
                }),
            )
        }
        Err(e) => Step::Failed(generation, format!("{} could not run: {e}", arch.label())),
    }
}

fn on_own_page() -> bool {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    param(&search, "page").as_deref() == Some("compare")
}

#[function_component(CompareTable)]
pub fn compare_table(props: &CompareTableProps) -> Html {
    let progress = use_reducer(Progress::default);
    let refs = form::use_form_refs();

    // The next architecture runs in the next animation frame, once the
    // previous row has been painted: one run per browser task, so the page
    // never freezes for the whole comparison. (A frame rather than a
    // timeout: the app already uses frames, so this costs no extra wasm.)
    // A new Run or leaving the page drops the pending frame.
    {
        let handle = progress.clone();
        let key = (progress.generation, progress.done.len(), progress.next());
        use_effect_with(key, move |&(generation, _, next)| {
            let task = next.zip(handle.spec.clone()).map(|(arch, spec)| {
                let dispatcher = handle.dispatcher();
                request_animation_frame(move |_| {
                    dispatcher.dispatch(run_one(generation, &spec, arch))
                })
            });
            move || drop(task)
        });
    }

    let onrun = {
        let progress = progress.clone();
        Callback::from(move |spec: Result<CompareSpec, String>| match spec {
            Ok(spec) => progress.dispatch(Step::Start(spec)),
            Err(e) => progress.dispatch(Step::Refused(e)),
        })
    };

    // In the simulator page a cell opens its run in place, from the start.
    let open = (!on_own_page()).then(|| {
        let send = props.send.clone();
        let fault = progress.spec.as_ref().map(|s| s.fault).unwrap_or_default();
        Callback::from(move |m: Rc<Measured>| {
            send.emit(Msg::OpenScenario(
                Box::new((*m.scenario).clone()),
                format!(
                    "Opened the {} run of the comparison ({}) at its start.",
                    m.row.label,
                    fault.describe()
                ),
                Some(format!("Comparison: {} · {}", m.row.label, fault.label())),
            ));
            if let Some(w) = web_sys::window() {
                w.scroll_to_with_x_and_y(0.0, 0.0);
            }
        })
    });

    let running = progress.next().is_some();
    let status = status(&progress);
    let error = progress.error.as_ref().map(|e| {
        html! { <p class="notice error compare-error" role="alert">{ e }</p> }
    });
    html! {
        <section class="card compare" id="compare" aria-labelledby="compare-title">
            <h2 id="compare-title">{ "Compare the three architectures" }</h2>
            <p class="lede">
                { format!(
                    "The same requests and the same fault on six setups, side by side: three datacenters {} ms apart, one machine in each, \
                     users in every datacenter. Each figure is measured from a real run with the same seed — click it to watch that run.",
                    topology::CROSS_DC_MS
                ) }
            </p>
            { form::view(&refs, onrun, running) }
            { for error }
            <p class="compare-status" aria-live="polite" data-testid="compare-status">{ status }</p>
            { table::view(&TableProps {
                fault: progress.spec.as_ref().map(|s| s.fault).unwrap_or_default(),
                done: &progress.done,
                started: progress.spec.is_some() && progress.error.is_none(),
                open,
            }) }
            <p class="compare-note">
                { format!(
                    "Availability: {}. Lost: acknowledged writes gone, or discarded by last write wins. \
                     Conflicts: concurrent writes found, or reads answered with siblings. See docs/compare.md.",
                    explain::availability_rule()
                ) }
            </p>
        </section>
    }
}

fn status(p: &Progress) -> String {
    let Some(spec) = &p.spec else {
        return String::from("Pick a fault and press Run.");
    };
    let what = format!(
        "{} — {} requests/s for {} ms, {:.0} % reads, {} keys, seed {}",
        spec.fault.describe(),
        spec.rate_per_s,
        spec.duration_ms,
        spec.read_fraction * 100.0,
        spec.keys,
        spec.seed
    );
    match p.next() {
        Some(arch) => format!(
            "Running {} ({} of {} done): {what}.",
            arch.label(),
            p.done.len(),
            Architecture::all().len()
        ),
        // A refused value after a finished comparison leaves it standing.
        None if p.error.is_none() || p.done.len() == Architecture::all().len() => {
            format!("Measured: {what}.")
        }
        None => format!("Stopped: {what}."),
    }
}
