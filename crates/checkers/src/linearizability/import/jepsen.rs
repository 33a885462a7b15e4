//! Jepsen's two notations — `jepsen.util` log lines and EDN history
//! maps — read into events, and each invocation paired with its
//! process's next completion.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::edn::{self, Edn};
use super::{error, ImportError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Type {
    Invoke,
    Ok,
    Fail,
    Info,
}

/// One line of a Jepsen history.
#[derive(Clone, Debug)]
pub(super) struct Event {
    process: i64,
    ty: Type,
    f: String,
    key: Option<String>,
    value: Edn,
    line: usize,
}
pub(super) fn log_events(text: &str) -> Result<Vec<Event>, ImportError> {
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

pub(super) fn edn_events(text: &str) -> Result<Vec<Event>, ImportError> {
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
pub(super) struct Paired {
    pub(super) process: i64,
    pub(super) f: String,
    pub(super) key: Option<String>,
    pub(super) call: u64,
    pub(super) line: usize,
    pub(super) invoke: Edn,
    /// The completion's type, value and position; `None`: none came.
    pub(super) done: Option<(Type, Edn, u64)>,
}

pub(super) struct PairedHistory {
    pub(super) ops: Vec<Paired>,
    pub(super) processes: Vec<i64>,
}

pub(super) fn pair(events: Vec<Event>) -> Result<PairedHistory, ImportError> {
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
