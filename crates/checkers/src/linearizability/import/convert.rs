//! What a paired Jepsen operation is for each model — a register's
//! read, write or compare-and-set, a key-value map's get, put or
//! append — and the split of a history by key.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::edn::Edn;
use super::jepsen::{Paired, PairedHistory, Type};
use super::{error, Format, Head, ImportError, Keyed, ModelChoice, Naming, ShownOp};
use crate::linearizability::model::{
    KeyValue, KvAnswer, KvOp, Model, Register, RegisterAnswer, RegisterOp,
};
use crate::linearizability::search::Op;

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

pub(super) fn register_op(p: &Paired) -> Converted<Register<Option<i64>>> {
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

pub(super) fn kv_op(p: &Paired) -> Converted<KeyValue> {
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
pub(super) fn split<M: Model>(
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
