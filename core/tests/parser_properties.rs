//! A short seeded mutation sweep over the three fuzzed parsers, as part of
//! `cargo test`: inputs from the fuzz corpus and crash inputs
//! (`fuzz/corpus`, `fuzz/regressions`) and from the presets are mutated —
//! bit flips, inserted tokens, deleted, duplicated and spliced ranges,
//! truncation, and for JSON structured edits (a value replaced by an
//! extreme one or by the same field's value from another input, a field
//! dropped or renamed) — and run through the same checks as the fuzz
//! targets (`replicascope_core::fuzzing`). Randomness comes from the
//! simulator's own seeded generator, so a failure names its case number and
//! replays exactly.
//!
//! `PARSER_PROPERTY_CASES=n` changes the cases per target (default 1000),
//! `PARSER_PROPERTY_SEED=s` the sweep's seed; a failure prints both and the
//! input.

use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use replicascope_core::fuzzing::{check_scenario_json, check_share_url, check_sql, SQL_WORDS};
use replicascope_core::presets;
use replicascope_core::rng::SimRng;
use replicascope_core::scenario::Scenario;
use replicascope_core::share::{self, SharedRun, LINK_VERSION};
use replicascope_core::sql::{tokenize, Tok};
use serde_json::Value;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The kept inputs of one fuzz target, sorted by name.
fn kept(target: &str) -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let mut paths = Vec::new();
    for kind in ["regressions", "corpus"] {
        if let Ok(entries) = std::fs::read_dir(root.join(kind).join(target)) {
            paths.extend(entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()));
        }
    }
    paths.sort();
    // A file may vanish while a fuzzer is reducing the corpus.
    paths.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

fn preset_scenarios() -> Vec<Vec<u8>> {
    presets::all()
        .iter()
        .map(|p| p.scenario().to_json().into_bytes())
        .collect()
}

fn preset_links() -> Vec<Vec<u8>> {
    presets::all()
        .iter()
        .map(|p| {
            let scenario = p.scenario();
            let run = SharedRun {
                title: None,
                v: LINK_VERSION,
                preset: Some(p.id.to_string()),
                t_us: scenario.until().0 / 3,
                hash: Some("0123456789abcdef".to_string()),
                scenario,
            };
            share::encode(&run).into_bytes()
        })
        .collect()
}

const SQL: &[&str] = &[
    "UPDATE accounts SET balance = balance * 1.1 WHERE status = 'active'",
    "INSERT INTO t (id, r, s, b, ts) VALUES (5, RAND(), 'it''s', FALSE, NOW() - 5), (6, 1.5, UUID(), NULL, NULL)",
    "DELETE FROM accounts WHERE created_at < NOW() - 259200000000 OR status IS NULL",
    "SELECT id, balance FROM accounts WHERE -balance / (2 - 3) * 4 <= 10.25",
    "UPDATE t SET r = -(1 + 2), s = s, b = NOT b, ts = ts + 1 WHERE id <= 3 AND r <> 0.5",
    "SELECT * FROM t WHERE id - -9223372036854775808 > - -1",
];

/// Tokens worth inserting, per target.
const JSON_TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    "-",
    ".",
    "e",
    "0",
    "1e308",
    "-0",
    "null",
    "true",
    "\"kind\":",
    "\"do\":",
    "\"op\":",
    "\"at_ms\":",
    "\"until_ms\":",
    "\"node\":",
    "\\u0000",
    "é",
    "\u{2028}",
];
const LINK_TOKENS: &[&str] = &["=", "-", "_", "+", "/", "%", "eyJ2Ijox", " ", "#run=", "A"];

/// Values that stress the validators and the number formats.
fn extreme(rng: &mut SimRng) -> Value {
    let pick = [
        "0",
        "-1",
        "1",
        "-0.0",
        "0.1",
        "1e308",
        "-1e308",
        "5e-324",
        "1.7976931348623157e308",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775808",
        "65535",
        "65536",
        "4294967295",
        "86400000",
        "86400000.0000001",
        "10.011111111111111",
        "0.30000000000000004",
        "null",
        "true",
        "\"\"",
        "\"x\"",
        "[]",
        "{}",
        "[0]",
    ];
    serde_json::from_str(pick[rng.index(pick.len())]).unwrap()
}

/// Every subtree stored under each object key of `v`.
fn by_key(v: &Value, out: &mut BTreeMap<String, Vec<Value>>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                out.entry(k.clone()).or_default().push(x.clone());
                by_key(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| by_key(x, out)),
        _ => {}
    }
}

/// Counts the nodes of `v` (for picking one uniformly).
fn size(v: &Value) -> usize {
    1 + match v {
        Value::Object(m) => m.values().map(size).sum(),
        Value::Array(a) => a.iter().map(size).sum(),
        _ => 0,
    }
}

/// The `n`-th node of `v` in pre-order, and the key it sits under.
fn nth<'a>(
    v: &'a mut Value,
    n: &mut usize,
    key: Option<&str>,
) -> Option<(&'a mut Value, Option<String>)> {
    if *n == 0 {
        return Some((v, key.map(str::to_string)));
    }
    *n -= 1;
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if let Some(found) = nth(x, n, Some(k)) {
                    return Some(found);
                }
            }
            None
        }
        Value::Array(a) => {
            for x in a.iter_mut() {
                if let Some(found) = nth(x, n, None) {
                    return Some(found);
                }
            }
            None
        }
        _ => None,
    }
}

/// A structured edit of JSON text; `None` if it is not JSON.
fn mutate_json(data: &[u8], donor: &[u8], rng: &mut SimRng) -> Option<Vec<u8>> {
    let mut v: Value = serde_json::from_slice(data).ok()?;
    let mut donors = BTreeMap::new();
    if let Ok(d) = serde_json::from_slice::<Value>(donor) {
        by_key(&d, &mut donors);
    }
    let mut n = rng.index(size(&v));
    let (node, key) = nth(&mut v, &mut n, None)?;
    // Mostly swaps between inputs, which keep the shape valid; extreme
    // values and dropped or renamed fields test the validators.
    let roll = rng.index(20);
    let kind = match roll {
        0..=9 => 0,
        10..=13 => 1,
        14..=16 => 2,
        _ => 3,
    };
    match kind {
        // The same field's value from another input.
        0 => match key.and_then(|k| donors.get(&k)) {
            Some(values) => *node = values[rng.index(values.len())].clone(),
            None => *node = extreme(rng),
        },
        1 => *node = extreme(rng),
        // Drop or rename a field of an object.
        2 => {
            if let Value::Object(m) = node {
                let keys: Vec<String> = m.keys().cloned().collect();
                if !keys.is_empty() {
                    let k = &keys[rng.index(keys.len())];
                    let x = m.remove(k).unwrap();
                    if rng.chance(0.5) {
                        let names: Vec<&String> = donors.keys().collect();
                        if !names.is_empty() {
                            m.insert(names[rng.index(names.len())].clone(), x);
                        }
                    }
                }
            } else {
                *node = extreme(rng);
            }
        }
        // Duplicate an array element or wrap the value.
        _ => {
            if let Value::Array(a) = node {
                if !a.is_empty() {
                    let x = a[rng.index(a.len())].clone();
                    a.push(x);
                }
            } else {
                *node = Value::Array(vec![node.clone()]);
            }
        }
    }
    Some(serde_json::to_vec(&v).unwrap())
}

fn range(rng: &mut SimRng, len: usize) -> (usize, usize) {
    let a = rng.index(len + 1);
    let b = rng.index(len + 1);
    (a.min(b), a.max(b))
}

/// One byte-level mutation.
fn mutate_bytes(data: &mut Vec<u8>, donor: &[u8], tokens: &[&str], rng: &mut SimRng) {
    let len = data.len();
    match rng.index(7) {
        0 if len > 0 => {
            let i = rng.index(len);
            data[i] ^= 1 << rng.index(8);
        }
        1 => {
            let t = tokens[rng.index(tokens.len())].as_bytes();
            let i = rng.index(len + 1);
            data.splice(i..i, t.iter().copied());
        }
        2 => {
            let (a, b) = range(rng, len);
            data.drain(a..b.min(a + 16));
        }
        3 => {
            let (a, b) = range(rng, len);
            let copy: Vec<u8> = data[a..b.min(a + 64)].to_vec();
            let i = rng.index(len + 1);
            data.splice(i..i, copy);
        }
        4 => data.truncate(rng.index(len + 1)),
        5 => {
            // Splice: a prefix of this input, a suffix of another.
            let cut = rng.index(len + 1);
            let from = rng.index(donor.len() + 1);
            data.truncate(cut);
            data.extend_from_slice(&donor[from..]);
        }
        _ => {
            let i = rng.index(len + 1);
            let b = [
                b'"', b'\'', b'{', b'}', b'(', b')', b'0', b'9', b'-', b'.', 0, 0xff, 0xc3,
            ];
            data.insert(i, b[rng.index(b.len())]);
        }
    }
}

/// A token-level edit of SQL: a token replaced by one of the same kind
/// from another statement (or any token), or dropped. `None` if either
/// input does not tokenize.
fn mutate_sql_tokens(data: &[u8], donor: &[u8], rng: &mut SimRng) -> Option<Vec<u8>> {
    let src = std::str::from_utf8(data).ok()?;
    let other = std::str::from_utf8(donor).ok()?;
    let toks = tokenize(src).ok()?;
    let donor_toks = tokenize(other).ok()?;
    // The last token is the end of input.
    if toks.len() < 2 {
        return None;
    }
    let t = &toks[rng.index(toks.len() - 1)];
    let same: Vec<&str> = donor_toks
        .iter()
        .filter(|d| d.tok != Tok::Eof)
        .filter(|d| std::mem::discriminant(&d.tok) == std::mem::discriminant(&t.tok))
        .map(|d| &other[d.start..d.end])
        .collect();
    let replacement = match rng.index(10) {
        0..=5 if !same.is_empty() => same[rng.index(same.len())],
        0..=7 => SQL_WORDS[rng.index(SQL_WORDS.len())],
        _ => "",
    };
    let mut out = String::from(&src[..t.start]);
    out.push_str(replacement);
    out.push_str(&src[t.end..]);
    Some(out.into_bytes())
}

#[derive(Clone, Copy, PartialEq)]
enum Form {
    Json,
    Link,
    Sql,
}

/// Mutates `seed` by one to four stacked edits.
fn mutate(seed: &[u8], donor: &[u8], form: Form, rng: &mut SimRng) -> Vec<u8> {
    // Links are edited as their JSON (half the time): base64 hides the
    // structure from byte edits.
    let as_json = |bytes: &[u8]| -> Option<Vec<u8>> {
        let text = std::str::from_utf8(bytes).ok()?;
        if text.trim_start().starts_with('{') {
            return Some(bytes.to_vec());
        }
        URL_SAFE_NO_PAD.decode(text.trim()).ok()
    };
    let (mut data, donor, json) = match form {
        Form::Link if rng.chance(0.8) => match (as_json(seed), as_json(donor)) {
            (Some(s), Some(d)) => (s, d, true),
            _ => (seed.to_vec(), donor.to_vec(), false),
        },
        _ => (seed.to_vec(), donor.to_vec(), form == Form::Json),
    };
    let tokens = match form {
        Form::Json => JSON_TOKENS,
        Form::Link if json => JSON_TOKENS,
        Form::Link => LINK_TOKENS,
        Form::Sql => SQL_WORDS,
    };
    let edits = if rng.chance(0.6) { 1 } else { 2 + rng.index(3) };
    for _ in 0..edits {
        if json && rng.chance(0.85) {
            if let Some(m) = mutate_json(&data, &donor, rng) {
                data = m;
                continue;
            }
        }
        if form == Form::Sql && rng.chance(0.7) {
            if let Some(m) = mutate_sql_tokens(&data, &donor, rng) {
                data = m;
                continue;
            }
        }
        mutate_bytes(&mut data, &donor, tokens, rng);
    }
    if form == Form::Link && json && rng.chance(0.5) {
        // Back into a link; otherwise the check's `{` mode encodes it.
        data = URL_SAFE_NO_PAD.encode(&data).into_bytes();
    }
    data
}

/// Runs `cases` mutated inputs through `check`; `accepts` says whether the
/// parser took an input, so the sweep can show it tests more than errors.
fn sweep(
    target: &str,
    form: Form,
    check: fn(&[u8]),
    accepts: fn(&[u8]) -> bool,
    extra: Vec<Vec<u8>>,
) {
    let cases = env_u64("PARSER_PROPERTY_CASES", 1000);
    let base = env_u64("PARSER_PROPERTY_SEED", 0);
    let mut inputs = kept(target);
    inputs.extend(extra);
    assert!(!inputs.is_empty());
    // Most kept inputs are rejected ones (each reaching some error path);
    // mutating a valid one more often gives something valid but unusual.
    let valid: Vec<&Vec<u8>> = inputs.iter().filter(|i| accepts(i)).collect();
    let mut accepted = 0;
    for case in 0..cases {
        let seed = base.wrapping_add(case);
        let mut rng = SimRng::stream(seed, target);
        let a = if !valid.is_empty() && rng.chance(0.75) {
            valid[rng.index(valid.len())]
        } else {
            &inputs[rng.index(inputs.len())]
        };
        let b = if !valid.is_empty() && rng.chance(0.75) {
            valid[rng.index(valid.len())]
        } else {
            &inputs[rng.index(inputs.len())]
        };
        let input = mutate(a, b, form, &mut rng);
        accepted += u64::from(accepts(&input));
        run_case(
            target,
            check,
            &input,
            &format!("PARSER_PROPERTY_SEED={seed} PARSER_PROPERTY_CASES=1"),
        );
    }
    println!("{target}: {cases} mutated inputs, {accepted} accepted by the parser");
    assert!(
        cases < 100 || accepted * 10 >= cases,
        "{target}: only {accepted} of {cases} mutated inputs parse: the sweep tests little but errors"
    );
}

fn scenario_accepted(data: &[u8]) -> bool {
    std::str::from_utf8(data).is_ok_and(|t| Scenario::from_json(t).is_ok())
}

fn link_accepted(data: &[u8]) -> bool {
    std::str::from_utf8(data).is_ok_and(|t| {
        if t.trim_start().starts_with('{') {
            share::decode(&URL_SAFE_NO_PAD.encode(t)).is_ok()
        } else {
            share::decode(t).is_ok()
        }
    })
}

fn sql_accepted(data: &[u8]) -> bool {
    std::str::from_utf8(data).is_ok_and(|t| replicascope_core::sql::parse(t).is_ok())
}

fn run_case(target: &str, check: fn(&[u8]), input: &[u8], replay: &str) {
    if let Err(e) = panic::catch_unwind(AssertUnwindSafe(|| check(input))) {
        let why = e
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        panic!(
            "{target}: the check failed ({replay}): {why}\ninput ({} bytes): {:?}\n\
             keep it: save the input under fuzz/regressions/{target}/",
            input.len(),
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn scenario_json_survives_mutation() {
    sweep(
        "scenario_json",
        Form::Json,
        check_scenario_json,
        scenario_accepted,
        preset_scenarios(),
    );
}

#[test]
fn share_links_survive_mutation() {
    sweep(
        "share_url",
        Form::Link,
        check_share_url,
        link_accepted,
        preset_links(),
    );
}

#[test]
fn sql_survives_mutation() {
    let extra = SQL.iter().map(|s| s.as_bytes().to_vec()).collect();
    sweep("sql", Form::Sql, check_sql, sql_accepted, extra);
}
