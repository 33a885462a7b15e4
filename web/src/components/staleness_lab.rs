//! The staleness lab: how stale is eventual consistency, in numbers? For
//! several n/w/r at once and a latency model per message leg, the chance
//! that a read started t ms after a write committed returns it (the core's
//! `staleness` module, the WARS model of probabilistically bounded
//! staleness), drawn as the trials accumulate. The trials run here in
//! time slices of ~40 ms with a 0 ms timeout between them, so the page
//! stays responsive; the throughput shown at the end is the browser
//! benchmark. On `?page=staleness` the settings live in `#lab=`.

mod browser;
mod chart;
mod config;
mod controls;
mod curves;
mod form;
mod results;
mod runner;

use std::cell::RefCell;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use replicascope_core::staleness::Method;
use yew::prelude::*;

use crate::state::param;
use chart::Axes;
use config::{LabConfig, YScale};
use curves::{grouped, Curve};
use form::Form;
use runner::Job;

/// Work per slice before the page gets the event loop back, ms.
const SLICE_MS: f64 = 50.0;

pub enum Msg {
    Model(String),
    Exp(usize, String),
    Leg(usize, String),
    Wan(String),
    /// Curve, knob (n, w, r), value.
    Curve(usize, usize, u8),
    AddCurve,
    RemoveCurve(usize),
    Trials(String),
    Seed(String),
    Method(Method),
    TMax(String),
    LogX(bool),
    YScale(YScale),
    Run,
    Stop,
    /// A slice of the run with this generation is done: redraw.
    Sliced(u32),
    Export,
}

/// The last drawing of the current run.
struct Shown {
    curves: Vec<Curve>,
    svg: AttrValue,
}

pub struct StalenessLab {
    form: Rc<Form>,
    /// Why the last Run was refused.
    problems: Rc<Vec<String>>,
    /// The form's way to send messages (made once: see `controls`).
    send: Callback<Msg>,
    /// A damaged link, explained.
    notice: Option<String>,
    /// Shared with the pending timeout, which runs the next slice outside
    /// Yew's scheduler (a 50 ms update would make the scheduler yield
    /// once more per slice, and tests could never flush it).
    job: Option<Rc<RefCell<Job>>>,
    shown: Option<Shown>,
    generation: u32,
    timer: Option<Timeout>,
    /// On `?page=staleness` the lab owns the URL fragment.
    own_page: bool,
}

fn now() -> f64 {
    js_sys::Date::now()
}

/// Curves not yet on the chart, to offer when one is added.
const MORE_CURVES: [[u8; 3]; 8] = [
    [3, 1, 3],
    [5, 1, 1],
    [5, 2, 2],
    [5, 1, 3],
    [5, 3, 3],
    [2, 1, 1],
    [9, 1, 1],
    [9, 3, 3],
];

/// What was run, under the legend (and so in an exported file).
fn caption(lab: &LabConfig) -> Vec<String> {
    let model = match lab.model.as_str() {
        "exp" => {
            let [w, ars] = lab.exp.unwrap_or(config::DEFAULT_EXP);
            format!("exponential, λW {w}, λARS {ars} /ms")
        }
        "custom" => String::from("custom distributions"),
        id => id.to_string(),
    };
    let wan = if lab.wan_ms > 0.0 {
        format!(", +{} ms WAN", lab.wan_ms)
    } else {
        String::new()
    };
    let method = match lab.method {
        Method::Direct => "direct",
        Method::Protocol => "protocol",
    };
    vec![
        format!("{model}{wan}"),
        format!("{} trials/curve ({method})", grouped(lab.trials)),
        format!("seed {}", lab.seed),
    ]
}

impl StalenessLab {
    /// Redraws from the runs as they are now.
    fn refresh(&mut self) {
        let Some(job) = &self.job else { return };
        let job = job.borrow();
        let lab = &job.lab;
        let curves = job.curves();
        let axes = Axes::fit(
            &curves,
            lab.t_max_ms,
            lab.log_x.then(|| lab.t_min_log()),
            lab.y,
        );
        let svg = AttrValue::from(chart::svg(&curves, &axes, &caption(lab)));
        self.shown = Some(Shown { curves, svg });
    }

    /// Runs the next slice after a 0 ms timeout, then asks for a redraw.
    fn schedule(&mut self, ctx: &Context<Self>) {
        let Some(job) = self.job.clone() else { return };
        let link = ctx.link().clone();
        let generation = self.generation;
        self.timer = Some(Timeout::new(0, move || {
            let mut job = job.borrow_mut();
            if job.running() {
                job.slice(SLICE_MS, &mut now);
                drop(job);
                link.send_message(Msg::Sliced(generation));
            }
        }));
    }

    fn write_link(&self) {
        if let (true, Some(job)) = (self.own_page, &self.job) {
            browser::set_fragment(&format!("lab={}", job.borrow().lab.encode()));
        }
    }

    fn run(&mut self, ctx: &Context<Self>) {
        let started = self.form.parse().and_then(|lab| Job::start(lab, now()));
        match started {
            Ok(job) => {
                self.problems = Rc::default();
                self.generation = self.generation.wrapping_add(1);
                self.job = Some(Rc::new(RefCell::new(job)));
                self.write_link();
                self.refresh();
                self.schedule(ctx);
            }
            // The results on screen stay.
            Err(problems) => self.problems = Rc::new(problems),
        }
    }

    fn set_view(&mut self, log_x: Option<bool>, y: Option<YScale>) {
        let f = Rc::make_mut(&mut self.form);
        f.log_x = log_x.unwrap_or(f.log_x);
        f.y = y.unwrap_or(f.y);
        if let Some(job) = &self.job {
            let lab = &mut job.borrow_mut().lab;
            lab.log_x = f.log_x;
            lab.y = f.y;
        }
        self.write_link();
        self.refresh();
    }
}

impl Component for StalenessLab {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let (search, hash) = browser::location();
        let own_page = param(&search, "page").as_deref() == Some("staleness");
        let mut config = LabConfig::default();
        let mut notice = None;
        if let Some(link) = param(&hash, "lab").filter(|_| own_page) {
            match LabConfig::decode(&link) {
                Ok(c) => {
                    config = c;
                    // The link's curves, as its author saw them.
                    ctx.link().send_message(Msg::Run);
                }
                Err(e) => {
                    notice = Some(format!(
                        "The lab settings in this link could not be read ({e}). Showing the defaults instead."
                    ))
                }
            }
        }
        StalenessLab {
            form: Rc::new(Form::from_config(&config)),
            problems: Rc::default(),
            send: ctx.link().callback(|msg| msg),
            notice,
            job: None,
            shown: None,
            generation: 0,
            timer: None,
            own_page,
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        let f = Rc::make_mut(&mut self.form);
        match msg {
            Msg::Model(id) => f.set_model(&id),
            Msg::Exp(i, text) => f.set_exp(i, text),
            Msg::Leg(i, text) => f.set_leg(i, text),
            Msg::Wan(text) => f.wan = text,
            Msg::Curve(i, knob, v) => f.set_curve(i, knob, v),
            Msg::AddCurve => {
                let next = MORE_CURVES
                    .into_iter()
                    .find(|c| !f.curves.contains(c))
                    .unwrap_or([3, 1, 1]);
                if f.curves.len() < config::MAX_CURVES {
                    f.curves.push(next);
                }
            }
            Msg::RemoveCurve(i) => {
                if f.curves.len() > 1 && i < f.curves.len() {
                    f.curves.remove(i);
                }
            }
            Msg::Trials(text) => f.trials = text,
            Msg::Seed(text) => f.seed = text,
            Msg::Method(m) => f.set_method(m),
            Msg::TMax(text) => f.t_max = text,
            Msg::LogX(on) => self.set_view(Some(on), None),
            Msg::YScale(y) => self.set_view(None, Some(y)),
            Msg::Run => self.run(ctx),
            Msg::Stop => {
                self.timer = None;
                if let Some(job) = &self.job {
                    job.borrow_mut().stop(now());
                }
                self.refresh();
            }
            Msg::Sliced(generation) => {
                if generation != self.generation {
                    return false;
                }
                self.refresh();
                if self.job.as_ref().is_some_and(|j| j.borrow().running()) {
                    self.schedule(ctx);
                }
            }
            Msg::Export => {
                if let Some(shown) = &self.shown {
                    browser::download("replicascope-staleness.svg", "image/svg+xml", &shown.svg);
                }
                return false;
            }
        }
        true
    }

    fn view(&self, _ctx: &Context<Self>) -> Html {
        let status = controls::Status {
            running: self.job.as_ref().is_some_and(|j| j.borrow().running()),
            has_results: self.shown.is_some(),
        };
        let job = self.job.as_ref().map(|j| j.borrow());
        let output = match (job, &self.shown) {
            (Some(job), Some(shown)) => html! {
                <>
                    { results::progress(&job, now()) }
                    <figure class="sl-chart" data-testid="staleness-chart">
                        { Html::from_html_unchecked(shown.svg.clone()) }
                    </figure>
                    { results::table(&shown.curves, job.lab.t_max_ms) }
                </>
            },
            _ => html! {
                <div class="sl-empty">
                    <p>{ "Press " }<b>{ "Run" }</b>{ " to draw P(consistent) against t for each curve. A million direct trials per curve take about a second." }</p>
                </div>
            },
        };
        html! {
            <section class="card staleness-lab" id="staleness-lab" aria-labelledby="staleness-title">
                <h2 id="staleness-title">{ "Staleness lab: how eventual is eventual consistency?" }</h2>
                <p class="lede">
                    { "Eventual consistency promises that replicas converge, but not when; the WARS model puts a number on it. A write goes to all n replicas and returns at the w-th acknowledgement; a read sent t ms later asks all n and keeps the first r answers. Every message leg (Write, Ack, Read request, reSponse) takes a random delay from its own distribution, so a read can reach a replica before the write does. Each curve is the share of reads that return the write, against t: where it crosses the dashed line, 99.9 % of reads are consistent, and with w + r > n the quorums always overlap, so the curve is flat at 100 %. " }
                    <a href="https://www.vldb.org/pvldb/vol5/p776_peterbailis_vldb2012.pdf" target="_blank" rel="noopener">{ "Bailis et al., Probabilistically Bounded Staleness (VLDB 2012)" }</a>
                    { ": the model, and the production latencies behind the presets." }
                </p>
                if let Some(n) = &self.notice {
                    <p class="notice error" role="alert" data-testid="staleness-notice">{ n }</p>
                }
                <div class="sl-layout">
                    <div class="sl-side">
                        <controls::Controls form={self.form.clone()} {status} problems={self.problems.clone()} send={self.send.clone()} />
                    </div>
                    <div class="sl-output" aria-live="polite">{ output }</div>
                </div>
            </section>
        }
    }
}
