//! How an embedded run looks: the options an iframe takes in its query
//! string (`?embed=1&preset=…&view=diagram&autoplay=1`) and the
//! `<replica-scope>` element takes as attributes. One vocabulary for both,
//! parsed here, so a typo reads the same way wherever it was made.

use std::fmt;

/// Which picture(s) of the run to show.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum View {
    /// The nodes and the messages moving between them.
    Topology,
    /// The space-time (sequence) diagram.
    Diagram,
    /// Both, side by side (stacked when narrow).
    #[default]
    Both,
}

impl View {
    pub fn shows_topology(self) -> bool {
        self != View::Diagram
    }
    pub fn shows_diagram(self) -> bool {
        self != View::Topology
    }
}

/// The embedding options, all optional.
#[derive(Clone, Debug, PartialEq)]
pub struct EmbedOptions {
    pub preset: Option<String>,
    pub tour: Option<String>,
    pub view: View,
    /// Start playing as soon as the run is on screen.
    pub autoplay: bool,
    /// Start again from the beginning at the end of the run.
    pub looping: bool,
    /// Show the play/step/scrub bar and the preset menu.
    pub controls: bool,
    /// A fixed height in CSS pixels: the pictures shrink to fit it.
    pub height: Option<u32>,
    /// Playback speed multiplier.
    pub speed: Option<f64>,
    /// Start with the cursor at this virtual time (milliseconds).
    pub at_ms: Option<f64>,
}

impl Default for EmbedOptions {
    fn default() -> Self {
        EmbedOptions {
            preset: None,
            tour: None,
            view: View::Both,
            autoplay: false,
            looping: false,
            controls: true,
            height: None,
            speed: None,
            at_ms: None,
        }
    }
}

/// One option that could not be understood: its name, what was given and
/// what would have been accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionError {
    pub name: &'static str,
    pub given: String,
    pub expected: String,
}

impl fmt::Display for OptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: String = self.given.chars().take(60).collect();
        write!(
            f,
            "{}=\"{}\" is not understood: expected {}",
            self.name, shown, self.expected
        )
    }
}

/// The names the element observes and the iframe reads, in one place.
pub const OPTION_NAMES: [&str; 9] = [
    "preset", "tour", "view", "autoplay", "loop", "controls", "height", "speed", "at",
];

pub const MIN_HEIGHT: u32 = 160;
pub const MAX_HEIGHT: u32 = 4000;

impl EmbedOptions {
    /// Reads every option through `get` (attribute or query parameter
    /// lookup; `Some("")` for a bare boolean attribute). Options that
    /// cannot be understood keep their default and are all reported, so
    /// the run still shows while the message says what to fix.
    pub fn parse(get: impl Fn(&str) -> Option<String>) -> (EmbedOptions, Vec<OptionError>) {
        let mut o = EmbedOptions::default();
        let mut errors = Vec::new();
        let mut bad = |name: &'static str, given: &str, expected: &str| {
            errors.push(OptionError {
                name,
                given: given.to_string(),
                expected: expected.to_string(),
            })
        };
        let non_empty = |name: &str| get(name).map(|v| v.trim().to_string());
        o.preset = non_empty("preset").filter(|v| !v.is_empty());
        o.tour = non_empty("tour").filter(|v| !v.is_empty());
        if let Some(v) = non_empty("view") {
            match v.to_ascii_lowercase().as_str() {
                "topology" | "nodes" => o.view = View::Topology,
                "diagram" | "spacetime" | "space-time" => o.view = View::Diagram,
                "both" | "" => o.view = View::Both,
                _ => bad("view", &v, "topology, diagram or both"),
            }
        }
        const FLAG: &str = "1, 0, true, false, yes or no (or the bare attribute)";
        if let Some(v) = non_empty("autoplay") {
            match flag(&v) {
                Some(b) => o.autoplay = b,
                None => bad("autoplay", &v, FLAG),
            }
        }
        if let Some(v) = non_empty("loop") {
            match flag(&v) {
                Some(b) => o.looping = b,
                None => bad("loop", &v, FLAG),
            }
        }
        if let Some(v) = non_empty("controls") {
            match v.to_ascii_lowercase().as_str() {
                "hide" | "hidden" | "none" => o.controls = false,
                "show" => o.controls = true,
                other => match flag(other) {
                    Some(b) => o.controls = b,
                    None => bad("controls", &v, "show or hide (or 1/0)"),
                },
            }
        }
        if let Some(v) = non_empty("height") {
            let number = v.strip_suffix("px").unwrap_or(&v).trim();
            match number.parse::<u32>() {
                Ok(h) if (MIN_HEIGHT..=MAX_HEIGHT).contains(&h) => o.height = Some(h),
                _ => bad(
                    "height",
                    &v,
                    &format!(
                        "a whole number of pixels from {MIN_HEIGHT} to {MAX_HEIGHT}, such as 420"
                    ),
                ),
            }
        }
        if let Some(v) = non_empty("speed") {
            match v.trim_end_matches(['x', '×']).parse::<f64>() {
                Ok(s) if s.is_finite() && (0.1..=100.0).contains(&s) => o.speed = Some(s),
                _ => bad("speed", &v, "a number from 0.1 to 100, such as 2"),
            }
        }
        if let Some(v) = non_empty("at") {
            match v.trim_end_matches("ms").parse::<f64>() {
                Ok(ms) if ms.is_finite() && ms >= 0.0 => o.at_ms = Some(ms),
                _ => bad("at", &v, "a time in milliseconds, such as 120"),
            }
        }
        (o, errors)
    }

    /// The CSS for a fixed height, if one was asked for.
    pub fn height_style(&self) -> Option<String> {
        self.height.map(|h| format!("height: {h}px;"))
    }
}

fn flag(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "" | "1" | "true" | "yes" | "on" | "autoplay" | "loop" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// All the problems, as one sentence each.
pub fn describe(errors: &[OptionError]) -> String {
    errors
        .iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The place in a pretty-printed JSON text (one value per line, nested
/// by indentation, as `JSON.stringify(v, null, 2)` writes it) that line
/// `line` (from 1) belongs to, as `network.links[1].latency`: a parser's
/// "line 14" means nothing to someone who passed an object.
pub fn json_path_at_line(text: &str, line: usize) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let target = line.checked_sub(1).filter(|&i| i < lines.len())?;
    let indent = |l: &str| l.len() - l.trim_start().len();
    let key = |l: &str| -> Option<String> {
        let t = l.trim_start().strip_prefix('"')?;
        let end = t.find("\": ")?;
        Some(t[..end].to_string())
    };
    let mut parts: Vec<String> = Vec::new();
    let mut i = target;
    // A closing bracket belongs to the value it closes: start inside it.
    let mut depth = indent(lines[i]);
    if let Some(k) = key(lines[i]) {
        parts.push(k);
    } else if lines[i].trim_start().starts_with(['}', ']']) {
        depth += 1;
    }
    while depth > 0 {
        // The line that opened the value we are in: the nearest one above,
        // less indented.
        let Some(open) = (0..i).rev().find(|&j| indent(lines[j]) < depth) else {
            break;
        };
        let opener = lines[open].trim_end();
        if opener.ends_with('[') {
            // We are an element of an array: count the elements before us.
            let inner = indent(lines[open]) + 2;
            let index = (open + 1..=i)
                .filter(|&j| {
                    indent(lines[j]) == inner && !lines[j].trim_start().starts_with([']', '}'])
                })
                .count()
                .saturating_sub(1);
            match parts.last_mut() {
                Some(last) if last.starts_with('[') => *last = format!("[{index}]{last}"),
                _ => parts.push(format!("[{index}]")),
            }
        }
        if let Some(k) = key(lines[open]) {
            parts.push(k);
        }
        depth = indent(lines[open]);
        i = open;
    }
    parts.reverse();
    let mut path = String::new();
    for p in parts {
        if !path.is_empty() && !p.starts_with('[') {
            path.push('.');
        }
        path.push_str(&p);
    }
    (!path.is_empty()).then_some(path)
}

/// Where in a pretty-printed JSON text a parser's error at `line` really
/// is. Values inside a tagged object (`"protocol": {"kind": …}`) are
/// checked only once the whole object is read, so the parser reports its
/// closing line; when the message quotes the bad value ("invalid type:
/// string \"five\""), the line inside that object holding it is the place.
pub fn json_error_path(text: &str, line: usize, message: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let at = line.checked_sub(1).filter(|&i| i < lines.len())?;
    let indent = |l: &str| l.len() - l.trim_start().len();
    let literal = quoted_value(message);
    if let (Some(value), true) = (literal, lines[at].trim_start().starts_with(['}', ']'])) {
        let depth = indent(lines[at]);
        let inside = (0..at).rev().take_while(|&j| indent(lines[j]) > depth);
        for j in inside {
            let l = lines[j].trim().trim_end_matches(',');
            if l.split_once("\": ").is_some_and(|(_, v)| v == value) {
                return json_path_at_line(text, j + 1);
            }
        }
    }
    json_path_at_line(text, line)
}

/// The JSON spelling of the value a serde "invalid type/value" message
/// quotes, if it quotes one.
fn quoted_value(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))?;
    if let Some(r) = rest.strip_prefix("string \"") {
        let end = r.find("\", expected")?;
        return Some(format!("\"{}\"", &r[..end]));
    }
    for kind in ["integer `", "floating point `", "boolean `"] {
        if let Some(r) = rest.strip_prefix(kind) {
            return Some(r[..r.find('`')?].to_string());
        }
    }
    rest.starts_with("null").then(|| "null".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn parse(pairs: &[(&str, &str)]) -> (EmbedOptions, Vec<OptionError>) {
        let map: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        EmbedOptions::parse(|k| map.get(k).cloned())
    }

    #[test]
    fn nothing_given_means_both_views_paused_with_controls() {
        let (o, errors) = parse(&[]);
        assert!(errors.is_empty());
        assert_eq!(o, EmbedOptions::default());
        assert!(o.view.shows_topology() && o.view.shows_diagram());
    }

    #[test]
    fn every_option_is_read() {
        let (o, errors) = parse(&[
            ("preset", "leaderless-sloppy-quorum"),
            ("view", "Diagram"),
            ("autoplay", ""),
            ("loop", "1"),
            ("controls", "hide"),
            ("height", "420px"),
            ("speed", "2x"),
            ("at", "150"),
        ]);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(o.preset.as_deref(), Some("leaderless-sloppy-quorum"));
        assert_eq!(o.view, View::Diagram);
        assert!(!o.view.shows_topology());
        assert!(o.autoplay && o.looping && !o.controls);
        assert_eq!(o.height, Some(420));
        assert_eq!(o.speed, Some(2.0));
        assert_eq!(o.at_ms, Some(150.0));
        assert_eq!(o.height_style().as_deref(), Some("height: 420px;"));
    }

    #[test]
    fn bad_values_are_all_reported_and_keep_their_defaults() {
        let (o, errors) = parse(&[
            ("view", "sideways"),
            ("autoplay", "maybe"),
            ("height", "99999"),
            ("speed", "NaN"),
            ("preset", "leader-sync"),
        ]);
        let names: Vec<_> = errors.iter().map(|e| e.name).collect();
        assert_eq!(names, ["view", "autoplay", "height", "speed"]);
        assert_eq!(o.view, View::Both);
        assert!(!o.autoplay);
        assert_eq!(o.height, None);
        assert_eq!(o.preset.as_deref(), Some("leader-sync"));
        let text = describe(&errors);
        assert!(
            text.starts_with(
                "view=\"sideways\" is not understood: expected topology, diagram or both"
            ),
            "{text}"
        );
    }

    #[test]
    fn the_element_script_observes_every_option() {
        let script = include_str!("../../static/replica-scope.js");
        let line = script
            .lines()
            .find(|l| l.starts_with("const OPTIONS = ["))
            .expect("replica-scope.js lists its options");
        let listed: Vec<&str> = line.split('"').skip(1).step_by(2).collect();
        assert_eq!(listed, OPTION_NAMES);
    }

    #[test]
    fn a_line_of_pretty_json_names_its_place() {
        let text = r#"{
  "seed": 1,
  "network": {
    "latency": {
      "kind": "fixed"
    },
    "links": [
      {
        "from": 0
      },
      {
        "from": "x"
      }
    ]
  }
}"#;
        assert_eq!(json_path_at_line(text, 2).as_deref(), Some("seed"));
        assert_eq!(
            json_path_at_line(text, 5).as_deref(),
            Some("network.latency.kind")
        );
        assert_eq!(
            json_path_at_line(text, 6).as_deref(),
            Some("network.latency")
        );
        assert_eq!(
            json_path_at_line(text, 9).as_deref(),
            Some("network.links[0].from")
        );
        assert_eq!(
            json_path_at_line(text, 12).as_deref(),
            Some("network.links[1].from")
        );
        assert_eq!(
            json_path_at_line(text, 13).as_deref(),
            Some("network.links[1]")
        );
        assert_eq!(json_path_at_line(text, 16), None);
        assert_eq!(json_path_at_line(text, 99), None);
        assert_eq!(json_path_at_line("", 1), None);
    }

    #[test]
    fn a_bad_value_in_a_tagged_object_is_found_by_its_value() {
        let text = r#"{
  "protocol": {
    "kind": "leaderless",
    "nodes": "five",
    "n": 3,
    "w": true
  },
  "until_ms": 100
}"#;
        let nodes = r#"invalid type: string "five", expected u16"#;
        assert_eq!(
            json_error_path(text, 7, nodes).as_deref(),
            Some("protocol.nodes")
        );
        let w = "invalid type: boolean `true`, expected u16";
        assert_eq!(json_error_path(text, 7, w).as_deref(), Some("protocol.w"));
        // Nothing quoted, or not found: the object itself.
        assert_eq!(
            json_error_path(text, 7, "missing field `r`").as_deref(),
            Some("protocol")
        );
        let other = r#"invalid type: string "six", expected u16"#;
        assert_eq!(json_error_path(text, 7, other).as_deref(), Some("protocol"));
        // An error on a value's own line is already precise.
        assert_eq!(json_error_path(text, 8, "x").as_deref(), Some("until_ms"));
    }

    #[test]
    fn flags_read_false_too() {
        let (o, errors) = parse(&[("autoplay", "false"), ("controls", "0")]);
        assert!(errors.is_empty());
        assert!(!o.autoplay && !o.controls);
    }

    /// Whatever values a page gives, every option is either taken (and
    /// then within its bounds) or reported under its own name with the
    /// value given; nothing panics.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn every_option_value_is_taken_or_reported() {
        use crate::sweep::{cases, splice};
        use replicascope_core::rng::SimRng;
        use std::panic::{catch_unwind, AssertUnwindSafe};
        const NAMES: [&str; 8] = [
            "view", "autoplay", "loop", "controls", "height", "speed", "at", "preset",
        ];
        let words = [
            "1", "0", "yes", "no", "hide", "show", "diagram", "Topology", "both", "420", "159",
            "4000", "4001", "px", " ", "x", "×", "2", "0.1", "0.09", "100", "100.5", "NaN", "inf",
            "-0", "ms", "1e309", "-5", ".", "e", "+",
        ];
        let mut rng = SimRng::stream(1, "web-embed-sweep");
        for case in 0..cases() {
            let mut given = BTreeMap::new();
            for name in NAMES {
                if rng.chance(0.5) {
                    given.insert(name.to_string(), splice(&mut rng, &words, 3));
                }
            }
            let (o, errors) = catch_unwind(AssertUnwindSafe(|| {
                EmbedOptions::parse(|k| given.get(k).cloned())
            }))
            .unwrap_or_else(|_| panic!("case {case}: panicked on {given:?}"));
            for e in &errors {
                assert_eq!(
                    given.get(e.name).map(|v| v.trim()),
                    Some(e.given.as_str()),
                    "case {case}: {e} for {given:?}"
                );
                assert!(!e.to_string().is_empty());
            }
            let reported = |name: &str| errors.iter().any(|e| e.name == name);
            let asked = |name: &str| given.contains_key(name);
            for (name, taken) in [
                ("height", o.height.is_some()),
                ("speed", o.speed.is_some()),
                ("at", o.at_ms.is_some()),
            ] {
                assert_eq!(
                    asked(name),
                    taken ^ reported(name),
                    "case {case}: {name} in {given:?} is neither taken nor reported"
                );
            }
            if let Some(h) = o.height {
                assert!((MIN_HEIGHT..=MAX_HEIGHT).contains(&h), "case {case}");
            }
            if let Some(s) = o.speed {
                assert!(s.is_finite() && (0.1..=100.0).contains(&s), "case {case}");
            }
            if let Some(t) = o.at_ms {
                assert!(t.is_finite() && t >= 0.0, "case {case}");
            }
        }
    }
}
