//! Histories brought from outside, checked the same way as the
//! simulator's own. Three formats, told apart by their content:
//!
//! - Jepsen log lines, as its `jepsen.util` logger prints them:
//!   `INFO  jepsen.util - 3⇥:invoke⇥:cas⇥[1 2]` (⇥ a tab) — a process number, the
//!   event type (`:invoke`, `:ok`, `:fail`, `:info`), the function
//!   (`:read`, `:write`, `:cas`) and a value (`nil`, an integer, `[from
//!   to]` for a compare-and-set, or `:timed-out`);
//! - Jepsen history maps in EDN, one per line (or one vector of them):
//!   `{:process 0, :type :invoke, :f :append, :key "3", :value "x 1 0 y"}`,
//!   for registers (`:read`, `:write`, `:cas`) and key-value maps of
//!   strings (`:get`, `:put`, `:append`);
//! - this simulator's own JSON history (the `history` of `replicascope
//!   trace`, or a saved trace as a whole).
//!
//! Events pair up per process: an invocation, then that process's next
//! completion. Time is the order of the lines (Jepsen's own checkers
//! need no more). `:ok` completed; `:fail` definitely did not happen —
//! except a compare-and-set, whose `:fail` is a compare that did not
//! match and so a completed operation that changed nothing; `:info`, and
//! an invocation with no completion, may have taken effect or not.
//! Events of processes that are not numbers (Jepsen's `:nemesis`) are
//! faults, not client operations, and are skipped.

pub mod edn;
mod job;

pub use job::{Body, Head, Job, Keyed, Naming, Prepared, Progress};

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::Serialize;

use super::model::{KeyValue, KvAnswer, KvOp, Model, Register, RegisterAnswer, RegisterOp};
use super::search::{Budget, Op};
use edn::Edn;

/// Which notation a history came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    JepsenLog,
    JepsenEdn,
    Json,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::JepsenLog => "Jepsen log",
            Format::JepsenEdn => "Jepsen EDN",
            Format::Json => "ReplicaScope JSON",
        }
    }
}

/// The sequential object a history is checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelChoice {
    /// Read, write and compare-and-set on integers (nil when unwritten).
    Register,
    /// Get, put and append on strings, per key (empty when unwritten).
    Kv,
}

impl ModelChoice {
    pub fn parse(name: &str) -> Option<ModelChoice> {
        match name {
            "register" => Some(ModelChoice::Register),
            "kv" => Some(ModelChoice::Kv),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            ModelChoice::Register => "register",
            ModelChoice::Kv => "kv",
        }
    }
}

/// Why a history cannot be read: the line and what was expected there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    /// 1-based; 0 when the problem is the history as a whole.
    pub line: usize,
    pub message: String,
}

impl core::fmt::Display for ImportError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if self.line == 0 {
            f.write_str(&self.message)
        } else {
            write!(f, "line {}: {}", self.line, self.message)
        }
    }
}

fn error(line: usize, message: String) -> ImportError {
    ImportError { line, message }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Type {
    Invoke,
    Ok,
    Fail,
    Info,
}

/// One line of a Jepsen history.
#[derive(Clone, Debug)]
struct Event {
    process: i64,
    ty: Type,
    f: String,
    key: Option<String>,
    value: Edn,
    line: usize,
}

/// One operation of an imported history, as the page draws it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ShownOp {
    /// Index into [`CheckedHistory::processes`].
    pub process: usize,
    pub key: String,
    /// When it was invoked and answered: for Jepsen's formats the
    /// event's position among the history's events (0-based), for the
    /// simulator's own histories µs of simulated time.
    pub call: u64,
    /// `None`: it never completed — its effect is uncertain.
    pub ret: Option<u64>,
    /// "write 3", "read → 2", "cas 1 → 2 (did not match)".
    pub text: String,
    /// The line of its invocation (1-based), for pointing back.
    pub line: usize,
}

/// One key's verdict, with what a person needs to see why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyVerdict {
    pub key: String,
    /// "linearizable", "not linearizable" or "unknown".
    pub verdict: &'static str,
    pub ops: usize,
    pub steps: u64,
    /// For a key that is not linearizable: the longest prefix that can be
    /// linearized (indices into [`CheckedHistory::ops`], in one order that
    /// works) and the operations that cannot follow it.
    pub prefix: Vec<usize>,
    pub stuck: Vec<usize>,
    pub explanation: Option<String>,
}

/// A history read and checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckedHistory {
    pub format: Format,
    pub model: ModelChoice,
    /// True, false, or `None` when no key is invalid and some key could
    /// not be decided within the budget.
    pub valid: Option<bool>,
    pub ops: Vec<ShownOp>,
    /// Process names, in order of first appearance.
    pub processes: Vec<String>,
    /// In the order they were checked.
    pub keys: Vec<KeyVerdict>,
}

/// Reads `text` (in any of the formats) and checks it; `model` overrides
/// the guess (key-value when the history gets, puts or appends).
pub fn check_text(
    text: &str,
    model: Option<ModelChoice>,
    budget: Budget,
) -> Result<CheckedHistory, ImportError> {
    let mut job = Job::new(prepare(text, model)?, budget);
    while !job.advance(u64::MAX) {}
    Ok(job.result())
}

/// Reads `text` into operations per key, ready to check (see [`Job`]).
pub fn prepare(text: &str, model: Option<ModelChoice>) -> Result<Prepared, ImportError> {
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(error(0, String::from("the history is empty")));
    }
    if looks_like_json(trimmed) {
        return prepare_json(text, model);
    }
    let (format, events) = if text.contains("jepsen.util") {
        (Format::JepsenLog, log_events(text)?)
    } else {
        (Format::JepsenEdn, edn_events(text)?)
    };
    let paired = pair(events)?;
    if paired.ops.is_empty() {
        return Err(error(
            0,
            String::from("the history has no client operations"),
        ));
    }
    let kv = paired
        .ops
        .iter()
        .any(|o| matches!(o.f.as_str(), "get" | "put" | "append"));
    let choice = model.unwrap_or(if kv {
        ModelChoice::Kv
    } else {
        ModelChoice::Register
    });
    Ok(match choice {
        ModelChoice::Register => {
            let (head, keyed) = split(format, choice, Register::new(), &paired, register_op)?;
            Prepared {
                head,
                body: Body::Register(keyed),
            }
        }
        ModelChoice::Kv => {
            let (head, keyed) = split(format, choice, KeyValue, &paired, kv_op)?;
            Prepared {
                head,
                body: Body::Kv(keyed),
            }
        }
    })
}

/// JSON texts start with an object holding a string key, or an array of
/// them; EDN maps start with a keyword (`{:process …}`).
fn looks_like_json(t: &str) -> bool {
    let rest = t.trim_start_matches(['[', ' ', '\n', '\r', '\t']);
    rest.starts_with("{\"") || rest.starts_with("{ \"") || rest.starts_with("{\n")
}

fn log_events(text: &str) -> Result<Vec<Event>, ImportError> {
    let mut events = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let Some(at) = raw.find("jepsen.util") else {
            continue;
        };
        let rest = &raw[at + "jepsen.util".len()..];
        let rest = rest.trim_start_matches([' ', '\t', '-', ':']);
        let mut fields = rest.split_whitespace();
        let (Some(process), Some(ty), Some(f)) = (fields.next(), fields.next(), fields.next())
        else {
            return Err(error(
                line,
                String::from(
                    "expected a process, an event type and a function after \"jepsen.util -\"",
                ),
            ));
        };
        let Ok(process) = process.parse::<i64>() else {
            continue; // :nemesis and other non-client processes
        };
        let ty = event_type(ty).ok_or_else(|| {
            error(
                line,
                format!("expected :invoke, :ok, :fail or :info, found {ty}"),
            )
        })?;
        let f = f.strip_prefix(':').ok_or_else(|| {
            error(
                line,
                format!("expected a function such as :read, found {f}"),
            )
        })?;
        let value_text: Vec<&str> = fields.collect();
        let value_text = value_text.join(" ");
        let value = if value_text.is_empty() {
            Edn::Nil
        } else {
            edn::parse(&value_text).map_err(|e| error(line, format!("the value: {e}")))?
        };
        events.push(Event {
            process,
            ty,
            f: String::from(f),
            key: None,
            value,
            line,
        });
    }
    if events.is_empty() {
        return Err(error(
            0,
            String::from("no \"jepsen.util\" line holds a client operation"),
        ));
    }
    Ok(events)
}

fn event_type(word: &str) -> Option<Type> {
    match word {
        ":invoke" => Some(Type::Invoke),
        ":ok" => Some(Type::Ok),
        ":fail" => Some(Type::Fail),
        ":info" => Some(Type::Info),
        _ => None,
    }
}

fn edn_events(text: &str) -> Result<Vec<Event>, ImportError> {
    // One vector of maps (after any comment lines), or one map per line.
    let first = text
        .lines()
        .map(str::trim_start)
        .find(|l| !l.is_empty() && !l.starts_with(';'));
    let maps: Vec<(usize, Edn)> = if first.is_some_and(|l| l.starts_with(['[', '('])) {
        edn::parse_items(text).map_err(|(line, e)| error(line, e))?
    } else {
        let mut maps = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            if raw.trim().is_empty() || raw.trim_start().starts_with(';') {
                continue;
            }
            let v = edn::parse(raw).map_err(|e| {
                error(
                    i + 1,
                    format!("expected one history map like {{:process 0, :type :invoke, :f :read, :value nil}}: {e}"),
                )
            })?;
            maps.push((i + 1, v));
        }
        maps
    };
    let mut events = Vec::new();
    for (line, m) in maps {
        if !matches!(m, Edn::Map(_)) {
            return Err(error(
                line,
                format!("expected a Jepsen history map like {{:process 0, :type :invoke, :f :read, :value nil}}, found {}", m.text()),
            ));
        }
        let process = match m.get("process") {
            Some(Edn::Int(p)) => *p,
            Some(_) => continue, // :nemesis
            None => return Err(error(line, String::from("the map has no :process"))),
        };
        let ty = match m.get("type").and_then(Edn::keyword) {
            Some(t) => event_type(&format!(":{t}")).ok_or_else(|| {
                error(
                    line,
                    format!("expected :type :invoke, :ok, :fail or :info, found :{t}"),
                )
            })?,
            None => return Err(error(line, String::from("the map has no :type keyword"))),
        };
        let f = match m.get("f") {
            Some(Edn::Keyword(f) | Edn::Symbol(f) | Edn::Str(f)) => f.clone(),
            _ => return Err(error(line, String::from("the map has no :f function"))),
        };
        let key = match m.get("key") {
            None | Some(Edn::Nil) => None,
            Some(Edn::Str(k)) => Some(k.clone()),
            Some(other) => Some(other.text()),
        };
        events.push(Event {
            process,
            ty,
            f,
            key,
            value: m.get("value").cloned().unwrap_or(Edn::Nil),
            line,
        });
    }
    Ok(events)
}

/// An invocation and what became of it.
#[derive(Clone, Debug)]
struct Paired {
    process: i64,
    f: String,
    key: Option<String>,
    call: u64,
    line: usize,
    invoke: Edn,
    /// The completion's type, value and position; `None`: none came.
    done: Option<(Type, Edn, u64)>,
}

struct PairedHistory {
    ops: Vec<Paired>,
    processes: Vec<i64>,
}

fn pair(events: Vec<Event>) -> Result<PairedHistory, ImportError> {
    let mut open: BTreeMap<i64, usize> = BTreeMap::new();
    let mut ops: Vec<Paired> = Vec::new();
    let mut processes: Vec<i64> = Vec::new();
    for (order, e) in events.into_iter().enumerate() {
        let order = order as u64;
        if !processes.contains(&e.process) {
            processes.push(e.process);
        }
        match e.ty {
            Type::Invoke => {
                if let Some(&prev) = open.get(&e.process) {
                    return Err(error(
                        e.line,
                        format!(
                            "process {} invokes again before its operation from line {} completed",
                            e.process, ops[prev].line
                        ),
                    ));
                }
                open.insert(e.process, ops.len());
                ops.push(Paired {
                    process: e.process,
                    f: e.f,
                    key: e.key,
                    call: order,
                    line: e.line,
                    invoke: e.value,
                    done: None,
                });
            }
            ty => {
                let Some(i) = open.remove(&e.process) else {
                    return Err(error(
                        e.line,
                        format!(
                            "process {} completes an operation it never invoked",
                            e.process
                        ),
                    ));
                };
                if ops[i].f != e.f {
                    return Err(error(
                        e.line,
                        format!(
                            "process {} completes :{} but invoked :{} on line {}",
                            e.process, e.f, ops[i].f, ops[i].line
                        ),
                    ));
                }
                ops[i].done = Some((ty, e.value, order));
            }
        }
    }
    Ok(PairedHistory { ops, processes })
}

/// What an imported operation is for a model: `None` when it took no
/// effect and observed nothing (a failed or unanswered read, a failed
/// write), or the reason it does not fit the model.
type Converted<M> = Result<Option<Op<M>>, String>;

fn int(v: &Edn) -> Result<Option<i64>, String> {
    match v {
        Edn::Nil => Ok(None),
        Edn::Int(i) => Ok(Some(*i)),
        other => Err(format!(
            "expected an integer or nil, found {}",
            other.text()
        )),
    }
}

fn register_op(p: &Paired) -> Converted<Register<Option<i64>>> {
    let done = p.done.as_ref();
    let answered = |ty: Type| done.is_some_and(|(t, _, _)| *t == ty);
    let ret = done
        .filter(|(t, _, _)| *t != Type::Info)
        .map(|(_, _, at)| *at);
    match p.f.as_str() {
        "read" => match done {
            Some((Type::Ok, v, at)) => Ok(Some(Op {
                call: p.call,
                ret: Some(*at),
                input: RegisterOp::Read,
                output: Some(RegisterAnswer::Read(int(v)?)),
            })),
            _ => Ok(None),
        },
        "write" => {
            if answered(Type::Fail) {
                return Ok(None);
            }
            let v = int(&p.invoke)?;
            let ok = answered(Type::Ok);
            Ok(Some(Op {
                call: p.call,
                ret: if ok { ret } else { None },
                input: RegisterOp::Write(v),
                output: ok.then_some(RegisterAnswer::Written),
            }))
        }
        "cas" => {
            let (from, to) = match &p.invoke {
                Edn::List(pair) if pair.len() == 2 => (int(&pair[0])?, int(&pair[1])?),
                other => {
                    return Err(format!(
                        "expected [from to] for a cas, found {}",
                        other.text()
                    ))
                }
            };
            let output = match done {
                Some((Type::Ok, _, _)) => Some(RegisterAnswer::Cas(true)),
                Some((Type::Fail, _, _)) => Some(RegisterAnswer::Cas(false)),
                _ => None,
            };
            Ok(Some(Op {
                call: p.call,
                ret: if output.is_some() { ret } else { None },
                input: RegisterOp::Cas(from, to),
                output,
            }))
        }
        other => Err(format!(
            "a register has :read, :write and :cas, not :{other} (try --model kv)"
        )),
    }
}

fn string(v: &Edn) -> Result<String, String> {
    match v {
        Edn::Nil => Ok(String::new()),
        Edn::Str(s) => Ok(s.clone()),
        other => Err(format!("expected a string or nil, found {}", other.text())),
    }
}

fn kv_op(p: &Paired) -> Converted<KeyValue> {
    let done = p.done.as_ref();
    let ok_at = done
        .filter(|(t, _, _)| *t == Type::Ok)
        .map(|(_, v, at)| (v, *at));
    let failed = done.is_some_and(|(t, _, _)| *t == Type::Fail);
    let effect = |input: KvOp| -> Converted<KeyValue> {
        if failed {
            return Ok(None);
        }
        Ok(Some(Op {
            call: p.call,
            ret: ok_at.map(|(_, at)| at),
            input,
            output: ok_at.map(|_| KvAnswer::Done),
        }))
    };
    match p.f.as_str() {
        "get" | "read" => match ok_at {
            Some((v, at)) => Ok(Some(Op {
                call: p.call,
                ret: Some(at),
                input: KvOp::Get,
                output: Some(KvAnswer::Got(string(v)?)),
            })),
            None => Ok(None),
        },
        "put" | "write" => effect(KvOp::Put(string(&p.invoke)?)),
        "append" => effect(KvOp::Append(string(&p.invoke)?)),
        other => Err(format!(
            "a key-value map has :get, :put and :append, not :{other} (try --model register)"
        )),
    }
}

/// Converts each operation for `model` and splits them by key.
fn split<M: Model>(
    format: Format,
    choice: ModelChoice,
    model: M,
    paired: &PairedHistory,
    convert: fn(&Paired) -> Converted<M>,
) -> Result<(Head, Keyed<M>), ImportError> {
    let processes: Vec<String> = paired.processes.iter().map(|p| format!("{p}")).collect();
    let mut shown: Vec<ShownOp> = Vec::new();
    let mut keyed = Keyed {
        model,
        keys: Vec::new(),
        places: Vec::new(),
        names: Naming::Lines,
    };
    let mut key_index: BTreeMap<String, usize> = BTreeMap::new();
    for p in &paired.ops {
        let Some(op) = convert(p).map_err(|e| error(p.line, e))? else {
            continue;
        };
        let key = p.key.clone().unwrap_or_default();
        let at = *key_index.entry(key.clone()).or_insert_with(|| {
            keyed.keys.push((key.clone(), Vec::new()));
            keyed.places.push(Vec::new());
            keyed.keys.len() - 1
        });
        shown.push(ShownOp {
            process: paired
                .processes
                .iter()
                .position(|&q| q == p.process)
                .unwrap_or(0),
            key,
            call: op.call,
            ret: op.ret,
            text: keyed.model.describe_op(&op.input, op.output.as_ref()),
            line: p.line,
        });
        keyed.places[at].push(shown.len() - 1);
        keyed.keys[at].1.push(op);
    }
    if shown.is_empty() {
        return Err(error(
            0,
            String::from("no operation of the history took effect or observed anything"),
        ));
    }
    Ok((
        Head {
            format,
            model: choice,
            ops: shown,
            processes,
        },
        keyed,
    ))
}

/// The simulator's own history: a list of operations, a history object,
/// or a whole trace.
fn prepare_json(text: &str, model: Option<ModelChoice>) -> Result<Prepared, ImportError> {
    use crate::history::{History, Operation};
    if model == Some(ModelChoice::Kv) {
        return Err(error(
            0,
            String::from("a ReplicaScope history is checked as registers; leave out --model kv"),
        ));
    }
    // Told apart by their first character and field names rather than by
    // an untagged enum: trying each shape buffers the whole document
    // (serde's `Content`), which costs the page ~35 KB of code.
    #[derive(serde::Deserialize)]
    struct Object {
        ops: Option<Vec<Operation>>,
        #[serde(default)]
        first: u32,
        history: Option<Vec<Operation>>,
    }
    let shape = |e: serde_json::Error| {
        error(
            e.line(),
            format!("expected a ReplicaScope history (a list of operations, or a trace with a \"history\"): {e}"),
        )
    };
    let history = if text.trim_start().starts_with('[') {
        History {
            ops: serde_json::from_str(text).map_err(shape)?,
            first: 0,
        }
    } else {
        match serde_json::from_str::<Object>(text).map_err(shape)? {
            Object { history: Some(ops), .. } => History { ops, first: 0 },
            Object { ops: Some(ops), first, .. } => History { ops, first },
            Object { .. } => {
                return Err(error(
                    1,
                    String::from("expected a ReplicaScope history: an object with \"ops\" (a history) or \"history\" (a trace)"),
                ))
            }
        }
    };
    let Some(registers) = super::simulated::registers(&history) else {
        return Err(error(
            0,
            String::from(
                "no key of this history is a register (only SQL, counter or set operations)",
            ),
        ));
    };
    let model = super::simulated::Reg::new();
    let mut processes: Vec<String> = Vec::new();
    let mut shown = Vec::new();
    let mut places: Vec<Vec<usize>> = Vec::new();
    for ((key, ops), origins) in registers.keys.iter().zip(&registers.origins) {
        let mut here = Vec::new();
        for (op, id) in ops.iter().zip(origins) {
            let node = history
                .get(*id)
                .map_or_else(|| String::from("?"), |o| format!("{}", o.node));
            let process = match processes.iter().position(|p| *p == node) {
                Some(i) => i,
                None => {
                    processes.push(node);
                    processes.len() - 1
                }
            };
            here.push(shown.len());
            shown.push(ShownOp {
                process,
                key: key.clone(),
                call: op.call,
                ret: op.ret,
                text: model.describe_op(&op.input, op.output.as_ref()),
                line: id.0 as usize + 1,
            });
        }
        places.push(here);
    }
    let names = Naming::Operations(registers.origins.clone());
    Ok(Prepared {
        head: Head {
            format: Format::Json,
            model: ModelChoice::Register,
            ops: shown,
            processes,
        },
        body: Body::Simulated(Keyed {
            model,
            keys: registers.keys,
            places,
            names,
        }),
    })
}
