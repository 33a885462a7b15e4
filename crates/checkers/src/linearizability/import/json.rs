//! The simulator's own JSON history — a list of operations, a history
//! object or a whole trace — read as registers.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::{
    error, Body, Format, Head, ImportError, Keyed, ModelChoice, Naming, Prepared, ShownOp,
};
use crate::linearizability::model::Model;
use crate::linearizability::simulated;

/// The simulator's own history: a list of operations, a history object,
/// or a whole trace.
pub(super) fn prepare_json(
    text: &str,
    model: Option<ModelChoice>,
) -> Result<Prepared, ImportError> {
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
    let Some(registers) = simulated::registers(&history) else {
        return Err(error(
            0,
            String::from(
                "no key of this history is a register (only SQL, counter or set operations)",
            ),
        ));
    };
    let model = simulated::Reg::new();
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
