//! Editing a scenario by JSON pointer. The scenario goes to JSON, one
//! field changes, and it comes back through the core's own deserializer
//! and validator — so the web app never decides what is allowed, the core
//! does, and a refused value is answered with the core's own words.
//! Fields capped by the edited one are lowered to fit first (w and r when
//! n shrinks), as the sliders promise.

use replicascope_core::scenario::{Scenario, ScenarioError};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::state::{Msg, Notice};

/// `value` as a JSON document, through its text: `serde_json::to_value`
/// would compile the type's serializer a second time, for `Value`
/// (kilobytes of wasm for a scenario); the text one is in the app anyway.
pub fn as_json<T: Serialize>(value: &T) -> Option<Value> {
    serde_json::from_str(&serde_json::to_string(value).ok()?).ok()
}

/// The scenario with the field at `path` set to `value`, validated;
/// interventions naming nodes that no longer exist are dropped (and
/// counted). `Value::Null` removes the field, so the core's default applies
/// (an absent `failover` means manual failover only).
pub fn edit(scenario: &Scenario, path: &str, value: Value) -> Result<(Scenario, usize), String> {
    // Back through text too, not `from_value` (see `as_json`).
    let mut doc = as_json(scenario).ok_or("the scenario could not be written as JSON")?;
    set(&mut doc, path, value);
    super::catalogue::clamp_to_caps(&mut doc);
    let mut edited = Scenario::from_json_unvalidated(&doc.to_string())
        .map_err(|e| format!("that value does not fit: {e}"))?;
    let nodes = edited.node_count();
    let before = edited.interventions.len();
    edited
        .interventions
        .retain(|t| t.action.nodes().iter().all(|n| n.0 < nodes));
    let dropped = before - edited.interventions.len();
    edited
        .validate()
        .map_err(|p| ScenarioError::Invalid(p).to_string())?;
    Ok((edited, dropped))
}

/// What the page does when a control changes `path` to `value`: re-run the
/// edited scenario (and mention dropped interventions), or say why the
/// value was refused and leave the run alone. A plain function of the
/// scenario, so tests can feed its messages to the reducer.
pub fn change(scenario: &Scenario, path: &str, value: Value) -> Vec<Msg> {
    match edit(scenario, path, value) {
        Ok((edited, dropped)) => {
            let mut out = vec![Msg::SetScenario(Box::new(edited))];
            if dropped > 0 {
                out.push(Msg::Notify(Notice {
                    error: false,
                    text: format!(
                        "{dropped} intervention(s) named nodes that no longer exist and were dropped."
                    ),
                }));
            }
            out
        }
        Err(why) => vec![Msg::Notify(Notice {
            error: true,
            text: format!("That setting was refused: {why}"),
        })],
    }
}

/// Sets (or, for `Null`, removes) the field at `path`, creating missing
/// parent objects on the way: the scenario leaves defaulted objects out of
/// its JSON (`workload.routing`, `protocol.failover`), and setting a field
/// inside one must bring it into being. A path through something that is
/// not an object changes nothing; deserialization then reports the problem.
pub fn set(doc: &mut Value, path: &str, value: Value) {
    let mut parts: Vec<String> = path
        .split('/')
        .skip(1)
        .map(|p| p.replace("~1", "/").replace("~0", "~"))
        .collect();
    let Some(field) = parts.pop() else { return };
    let mut at = doc;
    for part in parts {
        let Value::Object(map) = at else { return };
        if value.is_null() && !map.contains_key(&part) {
            // Removing a field whose parent is absent: nothing to do.
            return;
        }
        at = map.entry(part).or_insert_with(|| Value::Object(Map::new()));
    }
    if let Value::Object(map) = at {
        if value.is_null() {
            map.remove(&field);
        } else {
            map.insert(field, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use replicascope_core::node::NodeId;
    use replicascope_core::presets;
    use replicascope_core::scenario::{Action, Timed};
    use serde_json::json;

    fn preset(id: &str) -> Scenario {
        presets::find(id).unwrap().scenario()
    }

    #[test]
    fn editing_a_field_revalidates() {
        let s = preset("single-leader-async-write");
        let (edited, dropped) = edit(&s, "/protocol/followers", json!(3)).unwrap();
        assert_eq!(edited.node_count(), 4);
        assert_eq!(dropped, 0);
        let err = edit(&s, "/protocol/followers", json!(40)).unwrap_err();
        assert!(
            err.contains("protocol.followers: 40 is not allowed"),
            "{err}"
        );
        let err = edit(&s, "/protocol/followers", json!("many")).unwrap_err();
        assert!(err.starts_with("that value does not fit"), "{err}");
    }

    #[test]
    fn interventions_on_removed_nodes_are_dropped() {
        let mut s = preset("single-leader-async-write");
        s.protocol =
            serde_json::from_value(json!({"kind": "single_leader", "followers": 3})).unwrap();
        s.interventions.push(Timed {
            at_ms: 5.0,
            action: Action::Crash { node: NodeId(3) },
        });
        s.interventions.push(Timed {
            at_ms: 6.0,
            action: Action::Crash { node: NodeId(1) },
        });
        let (edited, dropped) = edit(&s, "/protocol/followers", json!(1)).unwrap();
        assert_eq!(dropped, 1);
        assert_eq!(edited.interventions.len(), 1);
    }

    #[test]
    fn setting_inside_an_absent_object_creates_it() {
        let mut doc = json!({"workload": {}});
        set(&mut doc, "/workload/routing/sticky_reads", json!(true));
        assert_eq!(
            doc,
            json!({"workload": {"routing": {"sticky_reads": true}}})
        );
        set(&mut doc, "/a/b/c", json!(1));
        assert_eq!(doc["a"], json!({"b": {"c": 1}}));
    }

    #[test]
    fn null_removes_and_never_creates() {
        let mut doc = json!({"protocol": {"failover": {"timeout_ms": 5}}});
        set(&mut doc, "/protocol/failover", Value::Null);
        assert_eq!(doc, json!({"protocol": {}}));
        set(&mut doc, "/workload/routing/sticky_reads", Value::Null);
        assert_eq!(doc, json!({"protocol": {}}));
    }

    #[test]
    fn a_path_through_a_non_object_changes_nothing() {
        let mut doc = json!({"seed": 3});
        set(&mut doc, "/seed/x", json!(1));
        set(&mut doc, "", json!(1));
        assert_eq!(doc, json!({"seed": 3}));
    }

    #[test]
    fn failover_is_added_and_removed() {
        let s = preset("single-leader-async-write");
        let on = json!({"timeout_ms": 500, "heartbeat_ms": 100});
        let (with, _) = edit(&s, "/protocol/failover", on).unwrap();
        let doc = serde_json::to_value(&with).unwrap();
        assert_eq!(doc["protocol"]["failover"]["timeout_ms"], json!(500.0));
        let (without, _) = edit(&with, "/protocol/failover", Value::Null).unwrap();
        assert_eq!(without, s);
    }

    #[test]
    fn shrinking_n_lowers_w_and_r_with_it() {
        let s = preset("leaderless-shopping-cart");
        let (edited, _) = edit(&s, "/protocol/n", json!(2)).unwrap();
        // The puts and their version-vector contexts come through intact.
        assert_eq!(edited.workload.ops, s.workload.ops);
        let doc = serde_json::to_value(&edited).unwrap();
        let p = &doc["protocol"];
        assert_eq!(
            (p["n"].clone(), p["w"].clone(), p["r"].clone()),
            (json!(2), json!(2), json!(2))
        );
        // Fewer nodes than replicas: n follows the ring down, and w, r follow n.
        let (grown, _) = edit(&s, "/protocol/nodes", json!(6)).unwrap();
        let (six, _) = edit(&grown, "/protocol/n", json!(5)).unwrap();
        let (shrunk, _) = edit(&six, "/protocol/nodes", json!(4)).unwrap();
        let doc = serde_json::to_value(&shrunk).unwrap();
        assert_eq!(doc["protocol"]["n"], json!(4));
        assert_eq!(doc["protocol"]["w"], json!(3), "w was 3, still fits");
        // A value no slider offers is still the core's to refuse.
        let err = edit(&s, "/protocol/nodes", json!(13)).unwrap_err();
        assert!(err.contains("protocol.nodes"), "{err}");
    }

    #[test]
    fn routing_is_created_on_a_preset_without_it() {
        let s = preset("single-leader-sync-write");
        assert!(serde_json::to_value(&s).unwrap()["workload"]
            .get("routing")
            .is_none());
        let (edited, _) = edit(
            &s,
            "/workload/routing/read_your_writes",
            json!("log_position"),
        )
        .unwrap();
        let doc = serde_json::to_value(&edited).unwrap();
        assert_eq!(
            doc["workload"]["routing"]["read_your_writes"],
            json!("log_position")
        );
    }
}
