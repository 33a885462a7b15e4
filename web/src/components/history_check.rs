//! Open a history: a Jepsen log, Jepsen EDN maps, or a ReplicaScope JSON
//! history, pasted, chosen or dropped here, is checked for
//! linearizability by the core (`linearizability::import`) in slices
//! between frames, with progress and Stop. The verdict comes with the
//! keys that are not linearizable, each with its explanation, and a
//! space-time diagram of the chosen key: one lane per process, each
//! operation a bar from its invocation to its answer, unanswered ones
//! open-ended; the longest prefix the checker could put in order is
//! marked, and the operations that cannot follow it stand out.
//! `?page=history` shows it on its own.

mod diagram;

use std::cell::RefCell;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use replicascope_core::linearizability::import::{
    self, CheckedHistory, Job, ModelChoice, Progress,
};
use replicascope_core::linearizability::Budget;
use web_sys::{DragEvent, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// Search steps per slice: a few milliseconds of work, so the page keeps
/// answering while a long history is checked.
const STEPS_PER_SLICE: u64 = 200_000;
/// Search steps each key may take: twenty times the command line's
/// default, since here a long search runs in slices and can be stopped.
const BUDGET: Budget = Budget { steps: 100_000_000 };
/// Keys offered in the key list besides the ones that fail.
const MAX_KEY_OPTIONS: usize = 200;
/// Operations listed as unable to follow the prefix (all are drawn).
const MAX_STUCK: usize = 50;
/// Histories longer than this (bytes) are checked but not put in the text
/// box: a box of megabytes makes every keystroke and redraw slow.
const MAX_SHOWN_TEXT: usize = 256 * 1024;

/// A history small enough to read, and not linearizable: while a write of
/// 1 is in flight, one read sees it and a later read does not.
const EXAMPLE: &str = "INFO  jepsen.util - 0\t:invoke\t:write\t1
INFO  jepsen.util - 1\t:invoke\t:read\tnil
INFO  jepsen.util - 1\t:ok\t:read\t1
INFO  jepsen.util - 2\t:invoke\t:read\tnil
INFO  jepsen.util - 2\t:ok\t:read\tnil
INFO  jepsen.util - 0\t:ok\t:write\t1
INFO  jepsen.util - 3\t:invoke\t:cas\t[1 2]
INFO  jepsen.util - 3\t:ok\t:cas\t[1 2]
INFO  jepsen.util - 1\t:invoke\t:read\tnil
INFO  jepsen.util - 1\t:ok\t:read\t2
";

pub enum Msg {
    Text(String),
    Model(String),
    Check,
    Stop,
    Sliced(u32),
    Key(usize),
    Loaded(String, String),
    Failed(String),
    Example,
}

/// A check that is running or done.
struct Run {
    job: Rc<RefCell<Job>>,
    started: f64,
    /// Set when every key has its verdict, or when stopped.
    finished: Option<f64>,
    stopped: bool,
    /// Keys with a verdict when the result was last taken.
    keys_seen: usize,
}

pub struct HistoryCheck {
    text: String,
    model: Option<ModelChoice>,
    run: Option<Run>,
    /// The latest result (partial while running).
    result: Option<Rc<CheckedHistory>>,
    error: Option<String>,
    /// Which file the text came from.
    source: Option<String>,
    key: usize,
    generation: u32,
    timer: Option<Timeout>,
}

fn now() -> f64 {
    js_sys::Date::now()
}

impl HistoryCheck {
    fn start(&mut self, ctx: &Context<Self>) {
        self.timer = None;
        match import::prepare(&self.text, self.model) {
            Ok(prepared) => {
                let job = Job::new(prepared, BUDGET);
                self.error = None;
                self.generation = self.generation.wrapping_add(1);
                self.key = 0;
                self.result = Some(Rc::new(job.result()));
                self.run = Some(Run {
                    job: Rc::new(RefCell::new(job)),
                    started: now(),
                    finished: None,
                    stopped: false,
                    keys_seen: 0,
                });
                self.schedule(ctx);
            }
            // What was on screen stays; the message says why.
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    fn schedule(&mut self, ctx: &Context<Self>) {
        let Some(run) = &self.run else { return };
        let job = run.job.clone();
        let link = ctx.link().clone();
        let generation = self.generation;
        self.timer = Some(Timeout::new(0, move || {
            job.borrow_mut().advance(STEPS_PER_SLICE);
            link.send_message(Msg::Sliced(generation));
        }));
    }

    /// The key shown first: the first one not linearizable, or the first.
    fn first_interesting(result: &CheckedHistory) -> usize {
        result
            .keys
            .iter()
            .position(|k| k.verdict == "not linearizable")
            .unwrap_or(0)
    }
}

impl Component for HistoryCheck {
    type Message = Msg;
    type Properties = ();

    fn create(_ctx: &Context<Self>) -> Self {
        HistoryCheck {
            text: String::new(),
            model: None,
            run: None,
            result: None,
            error: None,
            source: None,
            key: 0,
            generation: 0,
            timer: None,
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Text(text) => {
                self.text = text;
                self.source = None;
                return false;
            }
            Msg::Model(m) => self.model = ModelChoice::parse(&m),
            Msg::Check => self.start(ctx),
            Msg::Example => {
                self.text = String::from(EXAMPLE);
                self.source = Some(String::from("the example"));
                self.start(ctx);
            }
            Msg::Loaded(name, text) => {
                self.text = text;
                self.source = Some(name);
                self.start(ctx);
            }
            Msg::Failed(why) => self.error = Some(why),
            Msg::Stop => {
                self.timer = None;
                if let Some(run) = &mut self.run {
                    if run.finished.is_none() {
                        run.finished = Some(now());
                        run.stopped = true;
                    }
                }
            }
            Msg::Sliced(generation) => {
                let Some(run) = &mut self.run else {
                    return false;
                };
                if generation != self.generation || run.finished.is_some() {
                    return false;
                }
                let progress = run.job.borrow().progress();
                let done = progress.keys_done == progress.keys;
                // The result copies every operation: take it only when a
                // key's verdict is new, and redraw the progress otherwise.
                if progress.keys_done != run.keys_seen || done {
                    run.keys_seen = progress.keys_done;
                    let result = run.job.borrow().result();
                    if done {
                        run.finished = Some(now());
                        self.key = Self::first_interesting(&result);
                    }
                    self.result = Some(Rc::new(result));
                }
                if !done {
                    self.schedule(ctx);
                }
            }
            Msg::Key(k) => self.key = k,
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let on_text = link.callback(|e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            Msg::Text(area.value())
        });
        let on_model = link.callback(|e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            Msg::Model(select.value())
        });
        let on_file = {
            let this = link.clone();
            Callback::from(move |e: Event| {
                let input: HtmlInputElement = e.target_unchecked_into();
                if let Some(file) = input.files().and_then(|f| f.get(0)) {
                    read_file(&this, file);
                }
            })
        };
        let on_drop = {
            let this = link.clone();
            Callback::from(move |e: DragEvent| {
                e.prevent_default();
                if let Some(file) = e
                    .data_transfer()
                    .and_then(|d| d.files())
                    .and_then(|f| f.get(0))
                {
                    read_file(&this, file);
                }
            })
        };
        let on_drag_over = Callback::from(|e: DragEvent| e.prevent_default());
        let running = self.run.as_ref().is_some_and(|r| r.finished.is_none());
        let (shown_text, placeholder) = if self.text.len() <= MAX_SHOWN_TEXT {
            (
                AttrValue::from(self.text.clone()),
                AttrValue::Static("INFO  jepsen.util - 0\t:invoke\t:read\tnil …"),
            )
        } else {
            let lines = self.text.bytes().filter(|&b| b == b'\n').count();
            let from = self.source.as_deref().unwrap_or("the history");
            (
                AttrValue::Static(""),
                AttrValue::from(format!(
                    "{from}: {lines} lines, {} KB, too long to show here. Type or paste to replace it.",
                    self.text.len() / 1024
                )),
            )
        };
        html! {
            <section class="card history-check" id="history-check" aria-labelledby="history-title"
                     ondragover={on_drag_over} ondrop={on_drop}>
                <h2 id="history-title">{ "Open a history: is it linearizable?" }</h2>
                <p class="lede">
                    { "Paste, choose or drop a history recorded by a real system — Jepsen log lines, Jepsen EDN maps — or a ReplicaScope history (" }
                    <code>{ "replicascope trace" }</code>
                    { "). Each key is checked on its own: is there one order of the operations, each placed between its call and its answer, that explains every answer? The search is Knossos' and Porcupine's (Wing & Gong with Lowe's memoisation)." }
                </p>
                <div class="hc-input">
                    <textarea aria-label="History"
                              value={shown_text} placeholder={placeholder} oninput={on_text} rows="8" data-testid="history-text" />
                    <div class="hc-actions">
                        <label>{ "Model " }
                            <select onchange={on_model} data-testid="history-model">
                                <option value="auto" selected={self.model.is_none()}>{ "from the history" }</option>
                                <option value="register" selected={self.model == Some(ModelChoice::Register)}>{ "register (read, write, cas)" }</option>
                                <option value="kv" selected={self.model == Some(ModelChoice::Kv)}>{ "key-value (get, put, append)" }</option>
                            </select>
                        </label>
                        <label class="hc-file">{ "File " }
                            <input type="file" onchange={on_file} data-testid="history-file" />
                        </label>
                        <button type="button" onclick={link.callback(|_| Msg::Check)} disabled={running} data-testid="history-check">{ "Check" }</button>
                        <button type="button" onclick={link.callback(|_| Msg::Stop)} disabled={!running} data-testid="history-stop">{ "Stop" }</button>
                        <button type="button" class="link" onclick={link.callback(|_| Msg::Example)}>{ "Try an example" }</button>
                    </div>
                    <p class="hint">{ "Drop a file anywhere on this card." }</p>
                </div>
                if let Some(e) = &self.error {
                    <p class="notice error" role="alert" data-testid="history-error">{ e }</p>
                }
                { self.output(ctx) }
            </section>
        }
    }
}

fn read_file(link: &html::Scope<HistoryCheck>, file: web_sys::File) {
    let link = link.clone();
    let name = file.name();
    wasm_bindgen_futures::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(file.text()).await {
            Ok(text) => link.send_message(Msg::Loaded(name, text.as_string().unwrap_or_default())),
            Err(_) => link.send_message(Msg::Failed(format!("{name} could not be read"))),
        }
    });
}

impl HistoryCheck {
    fn output(&self, ctx: &Context<Self>) -> Html {
        let (Some(result), Some(run)) = (&self.result, &self.run) else {
            return html! {};
        };
        let progress: Progress = run.job.borrow().progress();
        let elapsed = run.finished.unwrap_or_else(now) - run.started;
        let (verdict, class) = match (result.valid, run.finished.is_some(), run.stopped) {
            (Some(true), _, _) => ("Linearizable", "valid"),
            (Some(false), _, _) => ("Not linearizable", "invalid"),
            (None, false, _) => ("Checking…", "running"),
            (None, true, true) => ("Stopped: undecided", "unknown"),
            (None, true, false) => ("Undecided: a key ran out of its search budget", "unknown"),
        };
        let from = self
            .source
            .as_deref()
            .map(|s| format!(" ({s})"))
            .unwrap_or_default();
        let summary = format!(
            "{}{from}, {} model: {} operations by {} processes over {} key(s). {} of {} keys checked, {} search steps, {:.0} ms.",
            result.format.name(),
            result.model.name(),
            result.ops.len(),
            result.processes.len(),
            progress.keys,
            progress.keys_done,
            progress.keys,
            progress.steps,
            elapsed
        );
        let key = result.keys.get(self.key);
        // Every key that is not linearizable, and the first few others: a
        // list of ten thousand options helps nobody.
        let options = result
            .keys
            .iter()
            .enumerate()
            .filter(|&(i, k)| i < MAX_KEY_OPTIONS || i == self.key || k.verdict != "linearizable")
            .map(|(i, k)| {
                let name = if k.key.is_empty() { String::from("(the register)") } else { format!("key {}", k.key) };
                html! { <option value={i.to_string()} selected={i == self.key}>{ format!("{name} — {} ({} ops)", k.verdict, k.ops) }</option> }
            });
        let on_key = ctx.link().callback(|e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            Msg::Key(select.value().parse().unwrap_or(0))
        });
        let invalid = result
            .keys
            .iter()
            .enumerate()
            .filter(|(_, k)| k.verdict != "linearizable")
            .map(|(i, k)| {
                let name = if k.key.is_empty() { String::from("The register") } else { format!("Key {}", k.key) };
                let pick = ctx.link().callback(move |_| Msg::Key(i));
                html! {
                    <li>
                        <button type="button" class="link" onclick={pick}>{ format!("{name}: {}", k.verdict) }</button>
                        { " — " }{ k.explanation.clone().unwrap_or_default() }
                    </li>
                }
            });
        let stuck = key.map(|k| {
            let shown = k.stuck.iter().take(MAX_STUCK).map(|&i| {
                let op = &result.ops[i];
                html! { <li data-testid="history-stuck">{ format!("line {}: process {} — {}", op.line, result.processes[op.process], op.text) }</li> }
            });
            let more = k.stuck.len().saturating_sub(MAX_STUCK);
            html! {
                <>
                    { for shown }
                    if more > 0 { <li>{ format!("… and {more} more") }</li> }
                </>
            }
        });
        html! {
            <div class="hc-output" aria-live="polite">
                <p class={classes!("hc-verdict", class)} data-testid="history-verdict">{ verdict }</p>
                <p class="hc-summary" data-testid="history-summary">{ summary }</p>
                if result.keys.iter().any(|k| k.verdict != "linearizable") {
                    <ul class="hc-invalid" data-testid="history-invalid">{ for invalid }</ul>
                }
                if !result.keys.is_empty() {
                    <label class="hc-key">{ "Show " }
                        <select onchange={on_key} data-testid="history-key">{ for options }</select>
                    </label>
                }
                if let Some(k) = key {
                    if !k.stuck.is_empty() {
                        <div class="hc-stuck">
                            <p>{ format!("After the {} operations marked in order, none of these fits:", k.prefix.len()) }</p>
                            <ul>{ for stuck }</ul>
                        </div>
                    }
                    <diagram::Diagram history={result.clone()} key_index={self.key} />
                }
            </div>
        }
    }
}
