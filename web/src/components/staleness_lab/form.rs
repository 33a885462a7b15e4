//! The lab's controls as typed: every field keeps the user's text, so a
//! half-typed number or distribution is never overwritten, and turns into
//! a [`LabConfig`] only on Run, with every problem named. Picking a preset
//! fills the four legs (as JSON) and the x-axis; editing a leg makes the
//! model "custom".

use replicascope_core::latency::{Latency, LegLatencies};
use replicascope_core::staleness::Method;

use super::config::{default_t_max, default_trials, preset_or_exp, LabConfig, YScale, DEFAULT_EXP};

pub const LEGS: [&str; 4] = ["write", "ack", "read", "response"];

#[derive(Clone, Debug, PartialEq)]
pub struct Form {
    /// A preset id, `exp` or `custom`.
    pub model: String,
    pub exp: [String; 2],
    /// Each leg's distribution as JSON, and what is wrong with it.
    pub legs: [String; 4],
    pub leg_errors: [Option<String>; 4],
    pub wan: String,
    pub curves: Vec<[u8; 3]>,
    pub trials: String,
    pub seed: String,
    pub method: Method,
    pub t_max: String,
    pub log_x: bool,
    pub y: YScale,
}

fn leg_list(legs: &LegLatencies) -> [&Latency; 4] {
    [&legs.write, &legs.ack, &legs.read, &legs.response]
}

/// A distribution as indented JSON: the compact text the page already
/// knows how to write, broken after `{`, `[` and `,` (no second, pretty
/// serializer in the download).
pub fn pretty(latency: &Latency) -> String {
    let compact = serde_json::to_string(latency).unwrap_or_default();
    let mut out = String::new();
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    for c in compact.chars() {
        if in_string {
            out.push(c);
            in_string = escaped || c != '"';
            escaped = !escaped && c == '\\';
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                depth += 1;
                out.push(c);
                newline(&mut out, depth);
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            _ => out.push(c),
        }
    }
    out
}

fn number(v: f64) -> String {
    // `{}` prints 1e-7 as 0.0000001, and 100 as "100".
    format!("{v}")
}

/// One leg's text: a distribution, checked, or what is wrong with it,
/// naming the field (`latency.legs.write.rate_per_ms: …`).
pub fn parse_leg(name: &str, text: &str) -> Result<Latency, String> {
    let path = format!("latency.legs.{name}");
    let latency: Latency =
        serde_json::from_str(text).map_err(|e| format!("{path}: not a distribution: {e}"))?;
    let mut problems = Vec::new();
    latency.validate(&path, &mut problems);
    if problems.is_empty() {
        Ok(latency)
    } else {
        Err(problems
            .into_iter()
            .map(|(field, message)| format!("{field}: {message}"))
            .collect::<Vec<_>>()
            .join("; "))
    }
}

impl Form {
    pub fn from_config(c: &LabConfig) -> Form {
        let legs = c.latency().map(|m| m.legs).unwrap_or_else(|_| {
            preset_or_exp("lnkd-disk", None)
                .map(|m| m.legs)
                .unwrap_or_else(default_legs)
        });
        let exp = c.exp.unwrap_or(DEFAULT_EXP);
        Form {
            model: c.model.clone(),
            exp: exp.map(number),
            legs: leg_list(&legs).map(pretty),
            leg_errors: Default::default(),
            wan: number(c.wan_ms),
            curves: c.curves.clone(),
            trials: c.trials.to_string(),
            seed: c.seed.to_string(),
            method: c.method,
            t_max: number(c.t_max_ms),
            log_x: c.log_x,
            y: c.y,
        }
    }

    fn fill_legs(&mut self, legs: &LegLatencies) {
        self.legs = leg_list(legs).map(pretty);
        self.leg_errors = Default::default();
    }

    fn exp_rates(&self) -> Option<[f64; 2]> {
        let rate = |s: &String| {
            s.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v > 0.0)
        };
        Some([rate(&self.exp[0])?, rate(&self.exp[1])?])
    }

    /// Picks a latency model: a preset or `exp` fills the legs, the WAN
    /// delay and a fitting x-axis; `custom` keeps the legs as they are.
    pub fn set_model(&mut self, id: &str) {
        self.model = id.to_string();
        let rates = self.exp_rates().or(Some(DEFAULT_EXP));
        if let Some(m) = preset_or_exp(id, rates) {
            self.fill_legs(&m.legs);
            self.wan = number(m.wan_ms);
            self.t_max = number(default_t_max(id, Some(&m)));
        }
    }

    /// One of the exponential model's rates; valid pairs refill the legs.
    pub fn set_exp(&mut self, i: usize, text: String) {
        self.exp[i] = text;
        if let Some(rates) = self.exp_rates() {
            self.set_model("exp");
            self.exp = rates.map(number);
        }
    }

    /// A leg's text, checked as it is typed; the model becomes custom.
    pub fn set_leg(&mut self, i: usize, text: String) {
        self.leg_errors[i] = parse_leg(LEGS[i], &text).err();
        if text != self.legs[i] {
            self.model = String::from("custom");
        }
        self.legs[i] = text;
    }

    /// The method, with its default number of trials.
    pub fn set_method(&mut self, method: Method) {
        if method != self.method {
            self.method = method;
            self.trials = default_trials(method).to_string();
        }
    }

    /// n, w or r of curve `i`; w and r stay within n.
    pub fn set_curve(&mut self, i: usize, knob: usize, value: u8) {
        if let Some(c) = self.curves.get_mut(i) {
            c[knob] = value;
            c[1] = c[1].min(c[0]);
            c[2] = c[2].min(c[0]);
        }
    }

    /// What Run would run, or every problem, each naming its field.
    pub fn parse(&self) -> Result<LabConfig, Vec<String>> {
        let mut problems = Vec::new();
        let mut num = |field: &str, text: &str, what: &str| -> f64 {
            match text.trim().parse::<f64>() {
                Ok(v) if v.is_finite() => v,
                _ => {
                    problems.push(format!("{field}: '{text}' is not {what}"));
                    0.0
                }
            }
        };
        let wan_ms = num("wan_ms", &self.wan, "a number of milliseconds");
        let t_max_ms = num("t max", &self.t_max, "a number of milliseconds");
        let mut whole = |field: &str, text: &str| -> u64 {
            text.trim()
                .replace([',', '_', ' '], "")
                .parse()
                .unwrap_or_else(|_| {
                    problems.push(format!(
                        "{field}: '{text}' is not a whole number of 0 or more"
                    ));
                    0
                })
        };
        let trials = whole("trials", &self.trials);
        let seed = whole("seed", &self.seed);
        let exp = (self.model == "exp").then(|| self.exp_rates());
        if exp == Some(None) {
            problems.push(format!(
                "exponential rates: '{}' and '{}' must both be numbers above 0 (events per ms)",
                self.exp[0], self.exp[1]
            ));
        }
        let mut legs = Vec::new();
        if self.model == "custom" {
            for (i, name) in LEGS.iter().enumerate() {
                match parse_leg(name, &self.legs[i]) {
                    Ok(l) => legs.push(l),
                    Err(e) => problems.push(e),
                }
            }
        }
        let legs = match <[Latency; 4]>::try_from(legs) {
            Ok([write, ack, read, response]) => Some(LegLatencies {
                write,
                ack,
                read,
                response,
            }),
            Err(_) => None,
        };
        let config = LabConfig {
            model: self.model.clone(),
            exp: exp.flatten(),
            legs,
            wan_ms,
            curves: self.curves.clone(),
            trials,
            seed,
            method: self.method,
            t_max_ms,
            log_x: self.log_x,
            y: self.y,
            ..LabConfig::default()
        };
        if problems.is_empty() {
            config.runs()?;
            Ok(config)
        } else {
            // The rest, but not again for a field already explained.
            let field = |p: &str| p.split(':').next().unwrap_or_default().to_string();
            let named: Vec<String> = problems.iter().map(|p| field(p)).collect();
            if let Err(more) = config.runs() {
                problems.extend(more.into_iter().filter(|p| {
                    let f = field(p);
                    f != "model" && !named.contains(&f)
                }));
            }
            Err(problems)
        }
    }
}

fn default_legs() -> LegLatencies {
    LegLatencies {
        write: Latency::default(),
        ack: Latency::default(),
        read: Latency::default(),
        response: Latency::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distributions_are_indented_like_serde_would() {
        for (id, _) in replicascope_core::staleness::model::PRESETS {
            let m = replicascope_core::staleness::LatencyModel::preset(id).unwrap();
            for l in leg_list(&m.legs) {
                assert_eq!(pretty(l), serde_json::to_string_pretty(l).unwrap());
            }
        }
        let odd = Latency::Constant { ms: 1.5 };
        assert_eq!(
            pretty(&odd),
            "{\n  \"kind\": \"constant\",\n  \"ms\": 1.5\n}"
        );
    }

    #[test]
    fn the_default_form_parses_back_to_the_default_config() {
        let c = LabConfig::default();
        let f = Form::from_config(&c);
        assert!(f.legs[0].contains("\"kind\": \"mixture\""), "{}", f.legs[0]);
        assert_eq!(f.parse().unwrap(), c);
    }

    #[test]
    fn presets_fill_the_legs_and_the_axis() {
        let mut f = Form::from_config(&LabConfig::default());
        f.set_model("wan");
        assert_eq!((f.wan.as_str(), f.t_max.as_str()), ("75", "300"));
        f.set_model("ymmr");
        assert_eq!((f.wan.as_str(), f.t_max.as_str()), ("0", "2000"));
        f.set_exp(0, String::from("0.2"));
        assert_eq!(f.model, "exp");
        assert!(f.legs[0].contains("0.2") && f.legs[1].contains("0.5"));
        assert_eq!(f.parse().unwrap().exp, Some([0.2, 0.5]));
        f.set_exp(1, String::from("-3"));
        assert!(f.parse().unwrap_err()[0].starts_with("exponential rates:"));
    }

    #[test]
    fn an_edited_leg_is_checked_and_names_its_field() {
        let mut f = Form::from_config(&LabConfig::default());
        f.set_leg(
            2,
            String::from(r#"{"kind": "exponential", "rate_per_ms": -1}"#),
        );
        assert_eq!(f.model, "custom");
        let e = f.leg_errors[2].clone().unwrap();
        assert!(
            e.starts_with("latency.legs.read.rate_per_ms: -1 is not allowed"),
            "{e}"
        );
        f.set_leg(1, String::from(r#"{"kind": "expo"}"#));
        assert!(f.leg_errors[1]
            .as_deref()
            .unwrap()
            .starts_with("latency.legs.ack: not a distribution: unknown variant `expo`"));
        let problems = f.parse().unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
        f.set_leg(1, String::from(r#"{"kind": "constant", "ms": 2}"#));
        f.set_leg(
            2,
            String::from(r#"{"kind": "uniform", "min_ms": 1, "max_ms": 3}"#),
        );
        assert_eq!(f.leg_errors, [None, None, None, None]);
        let c = f.parse().unwrap();
        assert_eq!(c.legs.unwrap().ack, Latency::constant_ms(2.0));
    }

    #[test]
    fn numbers_and_curves_are_checked() {
        let mut f = Form::from_config(&LabConfig::default());
        f.trials = String::from("1,000");
        f.seed = String::from("x");
        f.t_max = String::from("-1");
        f.set_curve(0, 0, 2);
        assert_eq!(f.curves[0], [2, 1, 1]);
        f.set_curve(3, 0, 1);
        assert_eq!(f.curves[3], [1, 1, 1]);
        let e = f.parse().unwrap_err();
        assert!(
            e.iter()
                .any(|p| p == "seed: 'x' is not a whole number of 0 or more"),
            "{e:?}"
        );
        assert!(
            e.iter().any(|p| p.starts_with("t max: -1 is not allowed")),
            "{e:?}"
        );
        f.set_method(Method::Protocol);
        assert_eq!(f.trials, "2000");
    }
}
