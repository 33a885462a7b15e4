//! What one lab run is: the latency model (a preset, two exponential
//! rates or hand-edited legs), the n/w/r curves, trials, seed, method and
//! the x-axis. It is what the `#lab=` link carries (JSON in URL-safe
//! base64), and it turns into one core `StalenessConfig` per curve.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use replicascope_core::latency::LegLatencies;
use replicascope_core::staleness::{LatencyModel, Method, StalenessConfig, MAX_POINTS, MAX_T_MS};
use serde::{Deserialize, Serialize};

/// The link format's version.
const VERSION: u32 = 1;
/// Most curves on one chart (one colour each).
pub const MAX_CURVES: usize = 8;
/// Points per curve for the direct method (read from its histogram).
pub const DIRECT_POINTS: usize = 150;
/// Read times per trial for the protocol method (each costs a read).
pub const PROTOCOL_POINTS: usize = 20;
/// A log x-axis spans this many decades below t max.
pub const LOG_DECADES: i32 = 3;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabConfig {
    pub v: u32,
    /// A preset id, `exp` (the two rates below) or `custom` (`legs`).
    pub model: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp: Option<[f64; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legs: Option<LegLatencies>,
    #[serde(default)]
    pub wan_ms: f64,
    /// `[n, w, r]` per curve.
    pub curves: Vec<[u8; 3]>,
    /// Per curve.
    pub trials: u64,
    #[serde(default)]
    pub seed: u64,
    #[serde(default)]
    pub method: Method,
    pub t_max_ms: f64,
    #[serde(default)]
    pub log_x: bool,
    #[serde(default)]
    pub y: YScale,
}

/// How the P axis is drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum YScale {
    /// From just below the lowest point to 100 %.
    #[default]
    Zoom,
    /// 0 to 100 %.
    Zero,
    /// Logarithmic in 1 − P: 0, 90, 99, 99.9, 99.99 % evenly spaced.
    Nines,
}

impl YScale {
    pub const ALL: [(YScale, &'static str, &'static str); 3] = [
        (YScale::Zoom, "zoom", "zoomed on the curves"),
        (YScale::Zero, "zero", "0 to 100 %"),
        (YScale::Nines, "nines", "nines: 90, 99, 99.9 %"),
    ];
}

impl Default for LabConfig {
    fn default() -> Self {
        LabConfig {
            v: VERSION,
            model: String::from("lnkd-disk"),
            exp: None,
            legs: None,
            wan_ms: 0.0,
            curves: vec![[3, 1, 1], [3, 1, 2], [3, 2, 1], [3, 2, 2]],
            trials: default_trials(Method::Direct),
            seed: 0,
            method: Method::Direct,
            t_max_ms: default_t_max("lnkd-disk", None),
            log_x: false,
            y: YScale::Zoom,
        }
    }
}

pub fn default_trials(method: Method) -> u64 {
    match method {
        Method::Direct => 1_000_000,
        Method::Protocol => 2_000,
    }
}

/// The default rates of the exponential model (per ms: writes, the rest).
pub const DEFAULT_EXP: [f64; 2] = [0.1, 0.5];

pub fn preset_or_exp(model: &str, exp: Option<[f64; 2]>) -> Option<LatencyModel> {
    if model == "exp" {
        let [w, ars] = exp.unwrap_or(DEFAULT_EXP);
        return Some(LatencyModel::exponential(w, ars));
    }
    LatencyModel::preset(model)
}

/// An x-axis over which the model's curves rise to 1: the scales of the
/// PBS paper's figures for the presets, about six mean write delays
/// (rounded up to 1, 2 or 5) for anything else.
pub fn default_t_max(model: &str, latency: Option<&LatencyModel>) -> f64 {
    match model {
        "lnkd-ssd" => 5.0,
        "lnkd-disk" => 100.0,
        "ymmr" => 2000.0,
        "wan" => 300.0,
        _ => latency.map_or(100.0, |m| {
            let raw = 6.0 * m.legs.write.mean_ms() + 2.0 * m.wan_ms;
            super::chart::nice_up(raw.clamp(0.01, MAX_T_MS))
        }),
    }
}

impl LabConfig {
    /// The delays this configuration runs with.
    pub fn latency(&self) -> Result<LatencyModel, String> {
        let legs = if self.model == "custom" {
            self.legs
                .clone()
                .ok_or("model: 'custom' needs the four legs")?
        } else {
            preset_or_exp(&self.model, self.exp)
                .ok_or_else(|| format!("model: there is no latency model '{}'", self.model))?
                .legs
        };
        Ok(LatencyModel {
            legs,
            wan_ms: self.wan_ms,
        })
    }

    /// The smallest t a log axis shows.
    pub fn t_min_log(&self) -> f64 {
        self.t_max_ms / 10f64.powi(LOG_DECADES)
    }

    /// `count` read times over the x-axis, 0 first.
    pub fn times(&self, count: usize) -> Vec<f64> {
        let last = (count - 1) as f64;
        (0..count)
            .map(|i| {
                let f = i as f64 / last;
                if i == 0 {
                    0.0
                } else if self.log_x {
                    self.t_min_log()
                        * 10f64.powf(f64::from(LOG_DECADES) * (i - 1) as f64 / (last - 1.0))
                } else {
                    f * self.t_max_ms
                }
            })
            .collect()
    }

    /// One core configuration per curve; every problem, each naming its
    /// field, if any.
    pub fn runs(&self) -> Result<Vec<StalenessConfig>, Vec<String>> {
        let mut problems = Vec::new();
        if self.v != VERSION {
            problems.push(format!(
                "v: version {} is not known (this page reads {VERSION})",
                self.v
            ));
        }
        let latency = self.latency().map_err(|e| problems.push(e)).ok();
        if self.curves.is_empty() || self.curves.len() > MAX_CURVES {
            problems.push(format!(
                "curves: {} given: draw 1 to {MAX_CURVES}",
                self.curves.len()
            ));
        }
        if !self.t_max_ms.is_finite() || !(0.01..=MAX_T_MS).contains(&self.t_max_ms) {
            problems.push(format!(
                "t max: {} is not allowed: 0.01 to {MAX_T_MS} ms",
                self.t_max_ms
            ));
        }
        let t_ms = match self.method {
            // One exact point; the chart reads any t from the histogram.
            Method::Direct => vec![0.0],
            Method::Protocol => self.times(PROTOCOL_POINTS.min(MAX_POINTS)),
        };
        let mut configs = Vec::new();
        for (i, &[n, w, r]) in self.curves.iter().enumerate() {
            let config = StalenessConfig {
                n,
                w,
                r,
                latency: latency
                    .clone()
                    .unwrap_or_else(|| LatencyModel::exponential(1.0, 1.0)),
                t_ms: t_ms.clone(),
                trials: self.trials,
                seed: self.seed,
                method: self.method,
            };
            if let Err(found) = config.validate() {
                for p in found {
                    let field = p.field.replace("latency.", "");
                    let message = format!("{field}: {}", p.message);
                    if field == "n" || field == "w" || field == "r" {
                        problems.push(format!("curve {} (n={n} w={w} r={r}): {message}", i + 1));
                    } else if !problems.contains(&message) {
                        problems.push(message);
                    }
                }
            }
            configs.push(config);
        }
        if problems.is_empty() {
            Ok(configs)
        } else {
            Err(problems)
        }
    }

    /// The `#lab=` value.
    pub fn encode(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json)
    }

    /// Reads a `#lab=` value back; a damaged or refused one is explained.
    pub fn decode(text: &str) -> Result<LabConfig, String> {
        let bytes = URL_SAFE_NO_PAD
            .decode(text.trim().trim_end_matches('='))
            .map_err(|e| format!("not valid base64: {e}"))?;
        let json = String::from_utf8(bytes).map_err(|_| String::from("not a lab setting"))?;
        let config: LabConfig =
            serde_json::from_str(&json).map_err(|e| format!("not a lab setting: {e}"))?;
        config.runs().map_err(|p| p.join("; "))?;
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_run_and_survive_the_link() {
        let c = LabConfig::default();
        assert_eq!(c.t_max_ms, 100.0);
        let runs = c.runs().unwrap();
        assert_eq!(runs.len(), 4);
        assert_eq!(runs[0].t_ms, [0.0]);
        let back = LabConfig::decode(&c.encode()).unwrap();
        assert_eq!(back, c);
        assert!(!c.encode().contains(['+', '/', '=']));
    }

    #[test]
    fn preset_defaults_follow_the_paper_scales() {
        let t = |id: &str| default_t_max(id, LatencyModel::preset(id).as_ref());
        assert_eq!(
            [t("lnkd-ssd"), t("lnkd-disk"), t("ymmr"), t("wan")],
            [5.0, 100.0, 2000.0, 300.0]
        );
        // Exponential writes with a 10 ms mean: 60 ms, rounded up.
        let exp = LatencyModel::exponential(0.1, 0.5);
        assert_eq!(default_t_max("exp", Some(&exp)), 100.0);
    }

    #[test]
    fn damaged_links_are_explained() {
        assert!(LabConfig::decode("%%%").unwrap_err().contains("base64"));
        assert!(LabConfig::decode(&URL_SAFE_NO_PAD.encode("{\"v\":1}"))
            .unwrap_err()
            .contains("not a lab setting"));
        let mut c = LabConfig::default();
        c.curves.push([3, 4, 1]);
        c.model = String::from("lan");
        let e = LabConfig::decode(&c.encode()).unwrap_err();
        assert!(
            e.contains("curve 5 (n=3 w=4 r=1): w: 4 is not allowed"),
            "{e}"
        );
        assert!(e.contains("no latency model 'lan'"), "{e}");
    }

    #[test]
    fn curves_go_up_to_sixteen_replicas() {
        let mut c = LabConfig {
            curves: vec![[16, 1, 1], [16, 8, 9]],
            ..LabConfig::default()
        };
        assert_eq!(c.runs().unwrap()[0].n, 16);
        c.curves.push([17, 1, 1]);
        let e = c.runs().unwrap_err();
        assert!(
            e.iter()
                .any(|p| p.starts_with("curve 3 (n=17 w=1 r=1): n: 17 is not allowed")),
            "{e:?}"
        );
    }

    #[test]
    fn protocol_reads_at_spread_times() {
        let mut c = LabConfig {
            method: Method::Protocol,
            ..LabConfig::default()
        };
        let t = &c.runs().unwrap()[0].t_ms;
        assert_eq!(t.len(), PROTOCOL_POINTS);
        assert_eq!((t[0], t[PROTOCOL_POINTS - 1]), (0.0, 100.0));
        c.log_x = true;
        let t = c.times(5);
        assert_eq!(t[0], 0.0);
        assert!(
            (t[1] - 0.1).abs() < 1e-12 && (t[4] - 100.0).abs() < 1e-9,
            "{t:?}"
        );
    }

    #[test]
    fn custom_and_exponential_models() {
        let mut c = LabConfig {
            model: String::from("exp"),
            exp: Some([0.2, 1.0]),
            ..LabConfig::default()
        };
        assert_eq!(c.latency().unwrap(), LatencyModel::exponential(0.2, 1.0));
        c.model = String::from("custom");
        assert!(c.runs().unwrap_err()[0].contains("needs the four legs"));
        c.legs = Some(LatencyModel::exponential(0.2, 1.0).legs);
        c.wan_ms = 20.0;
        assert_eq!(c.latency().unwrap().wan_ms, 20.0);
        assert!(c.runs().is_ok());
    }

    /// A `#lab=` value from a mutated setting: decoded to a setting that
    /// runs and survives its own link, or refused with a message.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn every_lab_link_is_read_or_refused_with_a_reason() {
        use crate::sweep::{cases, splice};
        use replicascope_core::rng::SimRng;
        use std::panic::{catch_unwind, AssertUnwindSafe};
        let json = serde_json::to_string(&LabConfig::default()).unwrap();
        let pieces: Vec<String> = json.split_inclusive([',', ':']).map(String::from).collect();
        let mut words: Vec<&str> = pieces.iter().map(String::as_str).collect();
        words.extend([
            "0",
            "-1",
            "1e309",
            "255",
            "[3,2,2]",
            "[0,0,0]",
            "[9,9,9]",
            "null",
            "\"exp\"",
            "\"custom\"",
            "[0.5,0.5]",
            "99999999999",
            "{",
            "}",
            "[",
            "]",
            "\"",
            "true",
        ]);
        let mut rng = SimRng::stream(1, "web-lab-sweep");
        for case in 0..cases() {
            let text = if rng.chance(0.8) {
                URL_SAFE_NO_PAD.encode(splice(&mut rng, &words, 40))
            } else {
                splice(&mut rng, &["eyJ", "AAAA", "=", "-", "_", "+/", "e30"], 6)
            };
            let decoded = catch_unwind(AssertUnwindSafe(|| LabConfig::decode(&text)))
                .unwrap_or_else(|_| panic!("case {case}: panicked on {text:?}"));
            match decoded {
                Ok(c) => {
                    assert!(c.runs().is_ok(), "case {case}");
                    assert_eq!(
                        LabConfig::decode(&c.encode()).as_ref(),
                        Ok(&c),
                        "case {case}"
                    );
                }
                Err(why) => assert!(!why.is_empty(), "case {case}: {text:?}"),
            }
        }
    }
}
