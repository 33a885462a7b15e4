//! Which controls each protocol offers, and how a control's position maps
//! to a scenario value: data that lives with each protocol in the core
//! (`replicascope_core::protocol::params` and each protocol's
//! `params.rs`), so the page draws every protocol's controls alike and
//! holds no protocol rule of its own. A control names its field by JSON
//! pointer; when the field is absent from the scenario (the core leaves
//! defaults out of its JSON) the control shows the core's default. A
//! slider can be capped by another field (a key's replicas by the nodes on
//! the ring, w and r by n): its range shrinks to what is valid, and an
//! edit that lowers the cap lowers the fields it caps with it, as the
//! quorum calculator does.

pub use replicascope_core::protocol::params::{
    clamp_to_caps, core_default, current, ladder_position, number, params_for, Group, Input, Kind,
    Param, When,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::params::edit::edit;
    use replicascope_core::presets;
    use replicascope_core::protocol::multi_leader::Topology;
    use replicascope_core::protocol::single_leader::params::COPY_SPEEDS;
    use serde_json::{json, Value};

    #[test]
    fn absent_fields_show_the_cores_defaults() {
        let s = presets::find("single-leader-sync-write")
            .unwrap()
            .scenario();
        let doc = serde_json::to_value(&s).unwrap();
        assert_eq!(current(&doc, "/protocol/log_format"), json!("row"));
        assert_eq!(current(&doc, "/protocol/rows"), json!(5));
        assert_eq!(current(&doc, "/protocol/copy_rows_per_ms"), json!(1.0));
        assert_eq!(current(&doc, "/protocol/fencing"), json!(true));
        assert_eq!(
            current(&doc, "/workload/routing/read_your_writes"),
            json!("off")
        );
        assert_eq!(
            current(&doc, "/workload/routing/leader_window_ms"),
            json!(1000.0)
        );
        assert_eq!(
            current(&doc, "/workload/routing/sticky_reads"),
            json!(false)
        );
        assert_eq!(current(&doc, "/protocol/failover"), Value::Null);
    }

    #[test]
    fn every_option_of_every_control_is_accepted_by_every_preset() {
        for preset in presets::all() {
            let s = preset.scenario();
            let doc = serde_json::to_value(&s).unwrap();
            let kind = doc["protocol"]["kind"].as_str().unwrap_or("").to_string();
            // Fewer followers is rightly refused when the preset's faults
            // name the removed nodes; every other control must always work.
            // Fewer datacenters or followers per datacenter likewise: only
            // growing the cluster must always work.
            let resizes = [
                "/protocol/datacenters",
                "/protocol/followers_per_datacenter",
                "/protocol/nodes",
                "/protocol/servers",
            ];
            let params = params_for(&kind).into_iter().flat_map(|g| g.params);
            for param in params.filter(|p| p.path != "/protocol/followers") {
                let inputs: Vec<Value> = match &param.kind {
                    Kind::Choice(options) => options.iter().map(|(_, v)| v.clone()).collect(),
                    Kind::Check => vec![json!(true), json!(false)],
                    Kind::Toggle(on) => vec![on.clone(), Value::Null],
                    Kind::Slider { max, .. } if resizes.contains(&param.path) => vec![number(*max)],
                    Kind::Slider { min, max, .. } => vec![number(*min), number(*max)],
                    Kind::Ladder { values, .. } => values.iter().map(|v| number(*v)).collect(),
                };
                // Fields inside an optional object are only offered once
                // it exists; give them one.
                let base = match param.when {
                    Some(When::Exists(parent)) => {
                        let on = params_for(&kind)
                            .into_iter()
                            .flat_map(|g| g.params)
                            .find_map(|p| match p.kind {
                                Kind::Toggle(on) if p.path == parent => Some(on),
                                _ => None,
                            })
                            .expect("an optional object has its toggle");
                        edit(&s, parent, on).unwrap().0
                    }
                    _ => s.clone(),
                };
                for value in inputs {
                    let result = edit(&base, param.path, value.clone());
                    assert!(
                        result.is_ok(),
                        "{} {} = {value}: {:?}",
                        preset.id,
                        param.path,
                        result.err()
                    );
                }
            }
        }
    }

    #[test]
    fn controls_read_what_the_user_did() {
        let groups = params_for("single_leader");
        let find = |path: &str| {
            groups
                .iter()
                .flat_map(|g| &g.params)
                .find(|p| p.path == path)
                .unwrap()
        };
        let failover = find("/protocol/failover");
        assert_eq!(
            failover.value_from(Input::Checked(true)),
            Some(json!({"timeout_ms": 500, "heartbeat_ms": 100}))
        );
        assert_eq!(
            failover.value_from(Input::Checked(false)),
            Some(Value::Null)
        );
        let rows = find("/protocol/rows");
        assert_eq!(rows.value_from(Input::Text("200")), Some(json!(200)));
        assert_eq!(rows.value_from(Input::Text("lots")), None);
        assert_eq!(rows.value_from(Input::Text("NaN")), None);
        let format = find("/protocol/log_format");
        assert_eq!(format.value_from(Input::Text("1")), Some(json!("wal")));
        assert_eq!(format.value_from(Input::Text("9")), None);
        assert_eq!(format.value_from(Input::Checked(true)), None);
    }

    #[test]
    fn the_copy_speed_ladder_is_logarithmic_and_finds_any_value() {
        assert!(COPY_SPEEDS.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(COPY_SPEEDS.first(), Some(&0.1));
        assert_eq!(COPY_SPEEDS.last(), Some(&100.0));
        assert_eq!(COPY_SPEEDS[ladder_position(COPY_SPEEDS, 1.0)], 1.0);
        assert_eq!(COPY_SPEEDS[ladder_position(COPY_SPEEDS, 0.26)], 0.3);
        assert_eq!(ladder_position(COPY_SPEEDS, 5000.0), COPY_SPEEDS.len() - 1);
        assert_eq!(ladder_position(COPY_SPEEDS, f64::NAN), 0);
        assert_eq!(ladder_position(COPY_SPEEDS, -1.0), 0);
        assert_eq!(ladder_position(&[], 1.0), 0);
        let speed = Param::new(
            "Snapshot copy speed",
            "/protocol/copy_rows_per_ms",
            Kind::Ladder {
                values: COPY_SPEEDS,
                unit: "rows/ms",
            },
        );
        assert_eq!(speed.value_from(Input::Text("0")), Some(json!(0.1)));
        assert_eq!(speed.value_from(Input::Text("6")), Some(json!(1)));
        assert_eq!(speed.value_from(Input::Text("99")), None);
    }

    #[test]
    fn multi_leader_choices_are_the_cores_names_and_values() {
        let groups = params_for("multi_leader");
        assert_eq!(groups[0].title, "Multi-leader");
        let find = |path: &str| groups[0].params.iter().find(|p| p.path == path).unwrap();
        let topology = find("/protocol/topology");
        assert_eq!(
            topology.value_from(Input::Text("1")),
            Some(json!("circular"))
        );
        let Kind::Choice(options) = &topology.kind else {
            panic!("a drop-down")
        };
        assert_eq!(options[2].0, Topology::Star.name());
        let crdt = find("/protocol/crdt");
        let resolver = find("/protocol/resolver");
        let doc = json!({"protocol": {"kind": "multi_leader", "resolution": "crdt"}});
        assert!(crdt.visible(&doc) && !resolver.visible(&doc));
        let doc = json!({"protocol": {"kind": "multi_leader", "resolution": "resolver"}});
        assert!(!crdt.visible(&doc) && resolver.visible(&doc));
        assert_eq!(resolver.value_from(Input::Text("3")), Some(json!("review")));
    }

    #[test]
    fn conditional_controls() {
        let groups = params_for("single_leader");
        let find = |path: &str| {
            groups
                .iter()
                .flat_map(|g| &g.params)
                .find(|p| p.path == path)
                .unwrap()
        };
        let storage = find("/protocol/storage_versions");
        let heartbeat = find("/protocol/failover/heartbeat_ms");
        let doc = json!({"protocol": {"kind": "single_leader"}});
        assert!(storage.visible(&doc), "row is the default format");
        assert!(!heartbeat.visible(&doc));
        let doc = json!({"protocol": {"log_format": "statement", "failover": {"timeout_ms": 9}}});
        assert!(!storage.visible(&doc));
        assert!(heartbeat.visible(&doc));
        assert_eq!(current(&doc, heartbeat.path), json!(100.0));
    }
}
