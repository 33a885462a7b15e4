//! Histories from real systems' test suites (Porcupine's Jepsen etcd and
//! key-value logs, Knossos's compare-and-set register histories, a
//! public Jepsen run), each checked against the verdict its own suite
//! asserts. Data-driven: `fixtures/linearizability/verdicts.txt` lists
//! them; MANIFEST.md says where each comes from.

use replicascope_core::linearizability::import::{self, ModelChoice};
use replicascope_core::linearizability::Budget;

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/linearizability"
);

#[test]
fn every_fixture_gets_its_known_verdict() {
    let list = std::fs::read_to_string(format!("{DIR}/verdicts.txt")).unwrap();
    let mut checked = 0;
    for line in list
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [path, verdict, model] = fields[..] else {
            panic!("bad line in verdicts.txt: {line}")
        };
        let text = std::fs::read_to_string(format!("{DIR}/{path}")).unwrap();
        let result = import::check_text(&text, None, Budget::default())
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(
            result.model,
            ModelChoice::parse(model).unwrap(),
            "{path}: model guessed"
        );
        let want = match verdict {
            "valid" => Some(true),
            "invalid" => Some(false),
            other => panic!("unknown verdict {other}"),
        };
        assert_eq!(result.valid, want, "{path}");
        if want == Some(false) {
            // An invalid history names a key, the operations it could put
            // in order, and at least one that cannot follow them.
            let bad = result
                .keys
                .iter()
                .find(|k| k.verdict == "not linearizable")
                .unwrap_or_else(|| panic!("{path}: no invalid key listed"));
            assert!(!bad.stuck.is_empty(), "{path}");
            assert!(
                bad.explanation
                    .as_deref()
                    .is_some_and(|e| e.contains("none of the operations")),
                "{path}"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 20);
}

/// A wrong model is named, with the line, not guessed around.
#[test]
fn a_history_the_model_cannot_explain_is_refused_by_line() {
    let text = std::fs::read_to_string(format!("{DIR}/porcupine/kv/c01-ok.txt")).unwrap();
    let err =
        import::check_text(&text, Some(ModelChoice::Register), Budget::default()).unwrap_err();
    assert_eq!(err.line, 1);
    assert!(err.message.contains("not :append"), "{err}");
}

/// The simulator's own history reads the same as a list of operations,
/// as a history object and inside a whole trace, and the verdict is the
/// run's own.
#[test]
fn a_simulated_history_reads_in_each_of_its_shapes() {
    use replicascope_core::{presets, run};
    let preset = presets::find("leaderless-quorum-not-linearizable").expect("preset");
    let r = run::start(&preset.scenario()).expect("runs");
    assert_eq!(r.summary().linearizable, Some(false));
    let ops = serde_json::to_string(&r.history().ops).unwrap();
    let shapes = [
        ops.clone(),
        serde_json::to_string(r.history()).unwrap(),
        format!("{{\"seed\": 1, \"history\": {ops}, \"steps\": []}}"),
    ];
    for text in &shapes {
        let checked = import::check_text(text, None, Budget::default())
            .unwrap_or_else(|e| panic!("{e}: {}", &text[..80.min(text.len())]));
        assert_eq!(
            checked.valid,
            Some(false),
            "{}",
            &text[..80.min(text.len())]
        );
        assert_eq!(checked.format, import::Format::Json);
    }
    let refused = import::check_text("{\"seed\": 1}", None, Budget::default()).unwrap_err();
    assert!(refused.message.contains("\"history\""), "{refused}");
    let broken = import::check_text("[{\"id\": 0,", None, Budget::default()).unwrap_err();
    assert!(
        broken
            .message
            .starts_with("expected a ReplicaScope history"),
        "{broken}"
    );
}
