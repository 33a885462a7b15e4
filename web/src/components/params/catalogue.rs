//! Which controls each protocol offers, and how a control's position maps
//! to a scenario value. A control names its field by JSON pointer; when the
//! field is absent from the scenario (the core leaves defaults out of its
//! JSON) the control shows the core's default, read from the core's own
//! `Default` impls so the two cannot drift apart. A slider can be capped
//! by another field (a key's replicas by the nodes on the ring, w and r by
//! n): its range shrinks to what is valid, and an edit that lowers the cap
//! lowers the fields it caps with it, as the quorum calculator does.

use replicascope_core::protocol::leaderless::{AntiEntropy, LeaderlessConfig};
use replicascope_core::protocol::multi_leader::{CrdtKind, Resolution, ResolverKind, Topology};
use replicascope_core::protocol::single_leader::{SingleLeaderConfig, DEFAULT_HEARTBEAT_MS};
use replicascope_core::quorum::{QuorumConfig, MAX_N};
use replicascope_core::scenario::Routing;
use serde::Serialize;
use serde_json::{json, Value};

/// A titled set of controls (a `<fieldset>` on the page).
pub struct Group {
    pub title: &'static str,
    pub params: Vec<Param>,
    /// A line under the controls, worked out from the scenario: whether
    /// it is good news (`true`) and what it says.
    pub note: Option<Note>,
}

/// Works out a group's note from the scenario: good news or not, and the
/// words.
pub type Note = fn(&Value) -> Option<(bool, String)>;

/// One control.
pub struct Param {
    pub label: &'static str,
    /// JSON pointer into the scenario.
    pub path: &'static str,
    pub kind: Kind,
    /// Shown only when this holds (a knob that cannot matter is hidden).
    pub when: Option<When>,
    /// A slider's maximum is at most the number at this pointer.
    pub cap: Option<&'static str>,
}

pub enum When {
    /// The string at the pointer (or its default) is one of these.
    OneOf(&'static str, &'static [&'static str]),
    /// The field at the pointer is present.
    Exists(&'static str),
}

pub enum Kind {
    Slider {
        min: f64,
        max: f64,
        step: f64,
        unit: &'static str,
    },
    /// A slider over a fixed ladder of round values, for ranges that span
    /// decades: evenly spaced positions make it a logarithmic scale, with
    /// no transcendental maths in the page.
    Ladder {
        values: &'static [f64],
        unit: &'static str,
    },
    /// A drop-down of `(label, value)`; a `Null` value removes the field.
    Choice(Vec<(&'static str, Value)>),
    /// A boolean field.
    Check,
    /// An optional field: checked when present; checking inserts this
    /// value, unchecking removes the field.
    Toggle(Value),
}

/// What a control reports when the user changes it.
pub enum Input<'a> {
    Text(&'a str),
    Checked(bool),
}

/// Snapshot copy speeds offered, rows per millisecond.
pub const COPY_SPEEDS: &[f64] = &[
    0.1, 0.15, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0, 7.0, 10.0, 15.0, 20.0, 30.0, 50.0,
    70.0, 100.0,
];

impl Param {
    fn new(label: &'static str, path: &'static str, kind: Kind) -> Param {
        Param {
            label,
            path,
            kind,
            when: None,
            cap: None,
        }
    }

    fn when(mut self, when: When) -> Param {
        self.when = Some(when);
        self
    }

    fn capped(mut self, by: &'static str) -> Param {
        self.cap = Some(by);
        self
    }

    /// The slider's maximum in `doc`: its own, or the capping field's
    /// value when that is lower.
    pub fn max_in(&self, doc: &Value, max: f64) -> f64 {
        self.cap
            .and_then(|c| current(doc, c).as_f64())
            .map_or(max, |cap| cap.min(max))
    }

    /// Is the control relevant to the scenario `doc`?
    pub fn visible(&self, doc: &Value) -> bool {
        match self.when {
            None => true,
            Some(When::Exists(path)) => doc.pointer(path).is_some_and(|v| !v.is_null()),
            Some(When::OneOf(path, values)) => current(doc, path)
                .as_str()
                .is_some_and(|v| values.contains(&v)),
        }
    }

    /// The scenario value for what the user did, or `None` for input that
    /// means nothing (a non-number, a choice that does not exist).
    pub fn value_from(&self, input: Input<'_>) -> Option<Value> {
        match (&self.kind, input) {
            (Kind::Slider { .. }, Input::Text(raw)) => {
                let x = raw.trim().parse::<f64>().ok().filter(|x| x.is_finite())?;
                Some(number(x))
            }
            (Kind::Ladder { values, .. }, Input::Text(raw)) => {
                let i = raw.trim().parse::<usize>().ok()?;
                values.get(i).map(|v| number(*v))
            }
            (Kind::Choice(options), Input::Text(raw)) => {
                let i = raw.parse::<usize>().ok()?;
                options.get(i).map(|(_, v)| v.clone())
            }
            (Kind::Check, Input::Checked(on)) => Some(Value::Bool(on)),
            (Kind::Toggle(value), Input::Checked(on)) => {
                Some(if on { value.clone() } else { Value::Null })
            }
            _ => None,
        }
    }
}

/// The value at `path`, or the core's default when the field is absent.
pub fn current(doc: &Value, path: &str) -> Value {
    match doc.pointer(path) {
        Some(v) if !v.is_null() => v.clone(),
        _ => core_default(path),
    }
}

/// The core's default for a field the scenario may leave out (`Null` when
/// absence simply means "none", as for `failover`).
pub fn core_default(path: &str) -> Value {
    let leader = SingleLeaderConfig::default();
    let routing = Routing::default();
    let ring = LeaderlessConfig::default();
    let as_json = |v: Result<Value, serde_json::Error>| v.unwrap_or(Value::Null);
    match path {
        "/protocol/read_repair" => json!(ring.read_repair),
        "/protocol/blocking_read_repair" => json!(ring.blocking_read_repair),
        "/protocol/sloppy_quorum" => json!(ring.sloppy_quorum),
        // The core's default depth, as it fills it in when the field is absent.
        "/protocol/anti_entropy/depth" => {
            serde_json::from_value::<AntiEntropy>(json!({"interval_ms": 400}))
                .map_or(Value::Null, |a| json!(a.depth))
        }
        "/protocol/ack" => as_json(serde_json::to_value(leader.ack)),
        "/protocol/semi_sync_timeout_ms" => json!(leader.semi_sync_timeout_ms),
        "/protocol/log_format" => as_json(serde_json::to_value(leader.log_format)),
        "/protocol/rows" => json!(leader.rows),
        "/protocol/copy_rows_per_ms" => json!(leader.copy_rows_per_ms),
        "/protocol/fencing" => json!(leader.fencing),
        "/protocol/failover/heartbeat_ms" => json!(DEFAULT_HEARTBEAT_MS),
        "/workload/routing/read_your_writes" => {
            as_json(serde_json::to_value(routing.read_your_writes))
        }
        "/workload/routing/leader_window_ms" => json!(routing.leader_window_ms),
        "/workload/routing/sticky_reads" => json!(routing.sticky_reads),
        _ => Value::Null,
    }
}

fn slider(
    label: &'static str,
    path: &'static str,
    range: (f64, f64, f64),
    unit: &'static str,
) -> Param {
    let (min, max, step) = range;
    Param::new(
        label,
        path,
        Kind::Slider {
            min,
            max,
            step,
            unit,
        },
    )
}

fn choice(
    label: &'static str,
    path: &'static str,
    options: &[(&'static str, &'static str)],
) -> Param {
    let options = options
        .iter()
        .map(|(value, text)| (*text, Value::String((*value).to_string())))
        .collect();
    Param::new(label, path, Kind::Choice(options))
}

/// A drop-down over one of the core's enums: each variant's own `name()`
/// as the text and its serde form as the value, so neither can drift from
/// the core.
fn variants<T: Serialize + Copy>(
    label: &'static str,
    path: &'static str,
    all: &[T],
    name: fn(T) -> &'static str,
) -> Param {
    let options = all
        .iter()
        .map(|&v| (name(v), serde_json::to_value(v).unwrap_or(Value::Null)))
        .collect();
    Param::new(label, path, Kind::Choice(options))
}

/// The controls that apply to a protocol (`protocol.kind`).
pub fn params_for(kind: &str) -> Vec<Group> {
    match kind {
        "single_leader" => single_leader(),
        "multi_leader" => vec![Group {
            title: "Multi-leader",
            params: multi_leader(),
            note: None,
        }],
        "leaderless" => leaderless(),
        "chatter" => vec![Group {
            title: "Cluster",
            params: vec![
                slider("Nodes", "/protocol/nodes", (2.0, 64.0, 1.0), ""),
                slider(
                    "Conversations per node",
                    "/protocol/fanout",
                    (1.0, 64.0, 1.0),
                    "",
                ),
            ],
            note: None,
        }],
        _ => Vec::new(),
    }
}

fn multi_leader() -> Vec<Param> {
    use CrdtKind as C;
    use ResolverKind as R;
    const RESOLUTION: &str = "/protocol/resolution";
    vec![
        slider("Datacenters", "/protocol/datacenters", (2.0, 5.0, 1.0), ""),
        slider(
            "Followers per datacenter",
            "/protocol/followers_per_datacenter",
            (0.0, 3.0, 1.0),
            "",
        ),
        variants(
            "Replication topology",
            "/protocol/topology",
            &[Topology::AllToAll, Topology::Circular, Topology::Star],
            Topology::name,
        ),
        slider(
            "Delay between datacenters",
            "/protocol/cross_dc_ms",
            (0.0, 500.0, 10.0),
            "ms",
        ),
        variants(
            "Conflict resolution",
            RESOLUTION,
            &[
                Resolution::None,
                Resolution::LastWriteWins,
                Resolution::Crdt,
                Resolution::Resolver,
            ],
            Resolution::name,
        ),
        variants(
            "CRDT type",
            "/protocol/crdt",
            &[
                C::GCounter,
                C::PnCounter,
                C::GSet,
                C::TwoPSet,
                C::OrSet,
                C::LwwRegister,
                C::MvRegister,
            ],
            CrdtKind::name,
        )
        .when(When::OneOf(RESOLUTION, &["crdt"])),
        variants(
            "Resolver",
            "/protocol/resolver",
            &[R::Higher, R::Lower, R::MergeSets, R::Review],
            ResolverKind::name,
        )
        .when(When::OneOf(RESOLUTION, &["resolver"])),
        Param::new(
            "Causal delivery (hold writes until what they depend on arrives)",
            "/protocol/causal_delivery",
            Kind::Check,
        ),
        Param::new(
            "Route writes to each key's home datacenter",
            "/protocol/route_by_key",
            Kind::Check,
        ),
    ]
}

/// The leaderless controls: the ring and its quorums, then the repairs.
fn leaderless() -> Vec<Group> {
    const N: &str = "/protocol/n";
    const AE: &str = "/protocol/anti_entropy";
    let max_n = f64::from(MAX_N);
    let quorums = vec![
        slider("Nodes on the ring", "/protocol/nodes", (3.0, 12.0, 1.0), ""),
        slider("Replicas per key (n)", N, (1.0, max_n, 1.0), "").capped("/protocol/nodes"),
        slider("Write quorum (w)", "/protocol/w", (1.0, max_n, 1.0), "").capped(N),
        slider("Read quorum (r)", "/protocol/r", (1.0, max_n, 1.0), "").capped(N),
    ];
    let repair = vec![
        Param::new(
            "Read repair (a read writes the newest version back)",
            "/protocol/read_repair",
            Kind::Check,
        ),
        Param::new(
            "Blocking read repair (write back to w replicas before answering: linearizable quorum reads)",
            "/protocol/blocking_read_repair",
            Kind::Check,
        ),
        Param::new(
            "When a replica is unreachable",
            "/protocol/sloppy_quorum",
            Kind::Choice(vec![
                ("strict quorum: the request fails", json!(false)),
                ("sloppy quorum: the next node keeps a hint", json!(true)),
            ]),
        ),
        Param::new(
            "Anti-entropy (Merkle trees with the ring successor)",
            AE,
            Kind::Toggle(json!({"interval_ms": 400})),
        ),
        slider(
            "Anti-entropy interval",
            "/protocol/anti_entropy/interval_ms",
            (50.0, 5000.0, 50.0),
            "ms",
        )
        .when(When::Exists(AE)),
        slider(
            "Merkle tree depth",
            "/protocol/anti_entropy/depth",
            (0.0, 8.0, 1.0),
            "",
        )
        .when(When::Exists(AE)),
    ];
    vec![
        Group {
            title: "Ring and quorums",
            params: quorums,
            note: Some(quorum_note),
        },
        Group {
            title: "Repair",
            params: repair,
            note: None,
        },
    ]
}

/// Whether every read overlaps the latest write, in the core's quorum
/// arithmetic (none when n, w or r is out of the calculator's range).
pub fn quorum_note(doc: &Value) -> Option<(bool, String)> {
    let get = |path| current(doc, path).as_u64().map(|v| v as u32);
    let (n, w, r) = (
        get("/protocol/n")?,
        get("/protocol/w")?,
        get("/protocol/r")?,
    );
    let a = QuorumConfig::new(n, w, r).ok()?.analyse();
    let sum = (w + r).to_string();
    Some(if a.overlaps {
        (
            true,
            format!(
                "w + r = {sum} > n = {n}: every read overlaps the latest write on at least {} replica(s).",
                a.overlap
            ),
        )
    } else {
        (
            false,
            format!("w + r = {sum} ≤ n = {n}: a read can miss the latest write and return a stale value."),
        )
    })
}

/// Lowers every capped field of the protocol `doc` describes to its cap
/// (in the catalogue's order, so nodes → n → w and r cascade): what an
/// edit that shrinks the ring or n does to the fields that depend on it.
pub fn clamp_to_caps(doc: &mut Value) {
    let kind = current(doc, "/protocol/kind");
    let params = params_for(kind.as_str().unwrap_or(""))
        .into_iter()
        .flat_map(|g| g.params);
    for p in params {
        let Some(cap) = p.cap.and_then(|c| doc.pointer(c)).and_then(Value::as_u64) else {
            continue;
        };
        if let Some(v) = doc.pointer_mut(p.path) {
            if v.as_u64().is_some_and(|v| v > cap) {
                *v = json!(cap);
            }
        }
    }
}

fn single_leader() -> Vec<Group> {
    let replication = vec![
        slider("Followers", "/protocol/followers", (1.0, 6.0, 1.0), ""),
        choice(
            "Acknowledgement",
            "/protocol/ack",
            &[
                ("async", "asynchronous"),
                ("sync", "synchronous"),
                ("semi_sync", "semi-synchronous"),
            ],
        ),
        slider(
            "Semi-sync timeout",
            "/protocol/semi_sync_timeout_ms",
            (50.0, 3000.0, 50.0),
            "ms",
        )
        .when(When::OneOf("/protocol/ack", &["semi_sync"])),
        choice(
            "Log format",
            "/protocol/log_format",
            &[
                ("statement", "statement-based"),
                ("wal", "WAL shipping (physical)"),
                ("row", "row-based (logical)"),
            ],
        ),
        // Only the formats that ship data (not statements) care which
        // storage-engine version a follower runs; WAL needs them equal.
        Param::new(
            "Follower storage format",
            "/protocol/storage_versions",
            Kind::Choice(vec![
                ("same as leader (v1)", Value::Null),
                ("node 2 runs v2", json!([{"node": 2, "version": 2}])),
            ]),
        )
        .when(When::OneOf("/protocol/log_format", &["wal", "row"])),
        slider(
            "Rows in each table",
            "/protocol/rows",
            (5.0, 2000.0, 5.0),
            "",
        ),
        Param::new(
            "Snapshot copy speed",
            "/protocol/copy_rows_per_ms",
            Kind::Ladder {
                values: COPY_SPEEDS,
                unit: "rows/ms",
            },
        ),
    ];
    let failover = vec![
        Param::new(
            "Automatic failover",
            "/protocol/failover",
            Kind::Toggle(json!({"timeout_ms": 500, "heartbeat_ms": 100})),
        ),
        slider(
            "Failure-detection timeout",
            "/protocol/failover/timeout_ms",
            (10.0, 5000.0, 10.0),
            "ms",
        )
        .when(When::Exists("/protocol/failover")),
        slider(
            "Heartbeat interval",
            "/protocol/failover/heartbeat_ms",
            (10.0, 1000.0, 10.0),
            "ms",
        )
        .when(When::Exists("/protocol/failover")),
        Param::new(
            "Fencing (epoch numbers stop a deposed leader)",
            "/protocol/fencing",
            Kind::Check,
        ),
    ];
    let routing = vec![
        choice(
            "Read-your-writes",
            "/workload/routing/read_your_writes",
            &[
                ("off", "off"),
                (
                    "leader_window",
                    "read from the leader for a while after writing",
                ),
                ("log_position", "wait for the write's log position"),
            ],
        ),
        slider(
            "Leader window",
            "/workload/routing/leader_window_ms",
            (0.0, 5000.0, 50.0),
            "ms",
        )
        .when(When::OneOf(
            "/workload/routing/read_your_writes",
            &["leader_window"],
        )),
        Param::new(
            "Sticky reads (monotonic reads)",
            "/workload/routing/sticky_reads",
            Kind::Check,
        ),
    ];
    vec![
        Group {
            title: "Replication",
            params: replication,
            note: None,
        },
        Group {
            title: "Failover",
            params: failover,
            note: None,
        },
        Group {
            title: "User sessions' reads",
            params: routing,
            note: None,
        },
    ]
}

/// The ladder position nearest `value` (by ratio, as the scale is
/// logarithmic), for a value set by hand that is not on the ladder.
pub fn ladder_position(values: &[f64], value: f64) -> usize {
    let distance = |v: f64| {
        if v > 0.0 && value > 0.0 {
            (v / value).max(value / v)
        } else {
            f64::INFINITY
        }
    };
    (0..values.len())
        .min_by(|&a, &b| distance(values[a]).total_cmp(&distance(values[b])))
        .unwrap_or(0)
}

/// Whole numbers as integers in JSON (the core reads counts as integers).
pub fn number(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        json!(v as i64)
    } else {
        json!(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::params::edit::edit;
    use replicascope_core::presets;

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
