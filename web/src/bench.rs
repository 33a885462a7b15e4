//! Hooks for the browser benchmark (`scripts/bench`): time whole recorded
//! runs in WebAssembly exactly as `replicascope bench` times them natively,
//! and report the module's linear memory. Exported to JavaScript; the app
//! page exposes them as `window.wasmBindings`.

use replicascope_core::run;
use replicascope_core::scenario::Scenario;
use wasm_bindgen::prelude::*;

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// Runs the scenario (JSON text) `repeats` times and returns a JSON object:
/// `events`, `trace_hash`, `run_ms` (each run), `memory_bytes` (the linear
/// memory afterwards: it only grows, so this is the peak). A bad scenario
/// returns `{"error": "…"}`.
#[wasm_bindgen]
pub fn bench_run(scenario_json: &str, repeats: u32) -> String {
    let scenario = match Scenario::from_json(scenario_json) {
        Ok(s) => s,
        Err(e) => return error(&e.to_string()),
    };
    let memory_before = memory_bytes();
    let mut run_ms = Vec::new();
    let mut events = 0;
    let mut hash = 0;
    for _ in 0..repeats.clamp(1, 1000) {
        let t0 = now_ms();
        match run::start(&scenario) {
            Ok(r) => {
                run_ms.push(now_ms() - t0);
                events = r.trace().steps.len();
                hash = r.trace().hash();
            }
            Err(e) => return error(&e.to_string()),
        }
    }
    // Written by hand: `serde_json::Value` would add its code to the app
    // for this one object.
    let times: Vec<String> = run_ms.iter().map(|t| format!("{t}")).collect();
    format!(
        "{{\"events\":{events},\"trace_hash\":\"{hash:016x}\",\"run_ms\":[{}],\"memory_before_bytes\":{memory_before},\"memory_bytes\":{}}}",
        times.join(","),
        memory_bytes()
    )
}

fn error(message: &str) -> String {
    format!(
        "{{\"error\":{}}}",
        serde_json::to_string(message).unwrap_or_else(|_| "\"?\"".into())
    )
}

/// The size of the module's linear memory in bytes.
#[wasm_bindgen]
pub fn memory_bytes() -> f64 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .map(|m| {
            m.buffer()
                .dyn_into::<js_sys::ArrayBuffer>()
                .map(|b| b.byte_length() as f64)
                .unwrap_or(0.0)
        })
        .unwrap_or(0.0)
}

/// Checks a history (text in any format `replicascope check` reads)
/// `repeats` times, as `replicascope check --repeat` does natively, and
/// returns JSON: `valid` (true, false or null), `ops`, `steps`,
/// `batch_ms` (the mean of each of up to ten batches of repeats), and
/// `read_ms` and `search_ms` (each repeat). A history that cannot be read
/// returns `{"error": "…"}`.
#[wasm_bindgen]
pub fn bench_check(history: &str, repeats: u32) -> String {
    use replicascope_core::linearizability::import::{prepare, Job};
    use replicascope_core::linearizability::Budget;
    let (mut read_ms, mut search_ms) = (Vec::new(), Vec::new());
    let mut last = None;
    let repeats = repeats.clamp(1, 1000);
    // The page's clock ticks in 0.1 ms steps, coarser than a small history
    // takes: the repeats are timed in (up to) ten batches, each batch's
    // mean reported, so a median of them is both fine-grained and deaf to
    // one slow repeat.
    let batch = (repeats / 10).max(1);
    let mut batch_ms = Vec::new();
    let mut batch_start = now_ms();
    for i in 0..repeats {
        let t0 = now_ms();
        let prepared = match prepare(history, None) {
            Ok(p) => p,
            Err(e) => return error(&e.to_string()),
        };
        let t1 = now_ms();
        let mut job = Job::new(prepared, Budget::default());
        while !job.advance(u64::MAX) {}
        search_ms.push(format!("{}", now_ms() - t1));
        read_ms.push(format!("{}", t1 - t0));
        last = Some(job.result());
        if (i + 1) % batch == 0 {
            let end = now_ms();
            batch_ms.push(format!("{}", (end - batch_start) / f64::from(batch)));
            batch_start = end;
        }
    }
    let Some(checked) = last else {
        return error("nothing was checked");
    };
    let valid = match checked.valid {
        Some(true) => "true",
        Some(false) => "false",
        None => "null",
    };
    format!(
        "{{\"valid\":{valid},\"ops\":{},\"steps\":{},\"batch_ms\":[{}],\"read_ms\":[{}],\"search_ms\":[{}]}}",
        checked.ops.len(),
        checked.keys.iter().map(|k| k.steps).sum::<u64>(),
        batch_ms.join(","),
        read_ms.join(","),
        search_ms.join(",")
    )
}
