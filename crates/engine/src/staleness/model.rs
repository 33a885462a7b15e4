//! The latency side of the WARS model: a delay distribution for each leg
//! of a quorum request (Write, Ack, Read request, response), and the
//! production-measured presets from the PBS paper (Bailis et al., VLDB
//! 2012, Table 3): LinkedIn on SSDs and on spinning disks, Yammer, and
//! LinkedIn's disks spread over datacenters.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

use crate::latency::{Latency, LegLatencies, Part};

/// The delays of one quorum request's messages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LatencyModel {
    pub legs: LegLatencies,
    /// Extra delay on every message between a coordinator and a replica
    /// in another datacenter. The write's coordinator shares its
    /// datacenter with one replica chosen at random per trial; the read's
    /// coordinator with another, chosen independently. 0: one datacenter.
    #[serde(default)]
    pub wan_ms: f64,
}

/// The named presets: id, what it is.
pub const PRESETS: [(&str, &str); 4] = [
    ("lnkd-ssd", "LinkedIn, solid-state disks"),
    ("lnkd-disk", "LinkedIn, spinning disks (slow writes)"),
    ("ymmr", "Yammer (heavy tails)"),
    (
        "wan",
        "LinkedIn disks over datacenters: +75 ms to remote replicas",
    ),
];

fn pareto(xm_ms: f64, alpha: f64) -> Latency {
    Latency::Pareto { xm_ms, alpha }
}

fn exponential(rate_per_ms: f64) -> Latency {
    Latency::Exponential { rate_per_ms }
}

/// `weight %` of `a`, the rest `b`.
fn mix(percent: f64, a: Latency, b: Latency) -> Latency {
    Latency::Mixture {
        parts: vec![
            Part {
                weight: percent,
                latency: a,
            },
            Part {
                weight: 100.0 - percent,
                latency: b,
            },
        ],
    }
}

fn all_legs(l: Latency) -> LegLatencies {
    LegLatencies {
        write: l.clone(),
        ack: l.clone(),
        read: l.clone(),
        response: l,
    }
}

fn lnkd_ssd() -> Latency {
    mix(91.22, pareto(0.235, 10.0), exponential(1.66))
}

fn lnkd_disk() -> LegLatencies {
    LegLatencies {
        write: mix(38.0, pareto(1.05, 1.51), exponential(0.183)),
        ..all_legs(lnkd_ssd())
    }
}

impl LatencyModel {
    /// A named preset (`lnkd-ssd`, `lnkd-disk`, `ymmr`, `wan`).
    pub fn preset(id: &str) -> Option<LatencyModel> {
        let legs = match id {
            "lnkd-ssd" => all_legs(lnkd_ssd()),
            "lnkd-disk" | "wan" => lnkd_disk(),
            "ymmr" => {
                let ars = mix(98.2, pareto(1.5, 3.8), exponential(0.0217));
                LegLatencies {
                    write: mix(93.9, pareto(3.0, 3.5), exponential(0.0028)),
                    ..all_legs(ars)
                }
            }
            _ => return None,
        };
        Some(LatencyModel {
            legs,
            wan_ms: if id == "wan" { 75.0 } else { 0.0 },
        })
    }

    /// Exponential delays: rate `write` per ms for writes, `ars` for the
    /// acknowledgement, read and response legs.
    pub fn exponential(write: f64, ars: f64) -> LatencyModel {
        LatencyModel {
            legs: LegLatencies {
                write: exponential(write),
                ..all_legs(exponential(ars))
            },
            wan_ms: 0.0,
        }
    }

    /// Reads a preset id or `exp:<λ_W>,<λ_ARS>` (rates per ms).
    pub fn parse(spec: &str) -> Result<LatencyModel, String> {
        let spec = spec.trim();
        if let Some(m) = LatencyModel::preset(spec) {
            return Ok(m);
        }
        if let Some(rates) = spec.strip_prefix("exp:") {
            let parts: Vec<&str> = rates.split(',').map(str::trim).collect();
            let [w, ars] = parts[..] else {
                return Err(format!(
                    "'{spec}': write the exponential model as exp:<rate for writes>,<rate for acks, reads and responses>, e.g. exp:0.1,0.5"
                ));
            };
            let rate = |text: &str, leg: &str| -> Result<f64, String> {
                match text.parse::<f64>() {
                    Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
                    _ => Err(format!(
                        "'{text}' is not a rate for {leg}: give a number above 0 (events per ms; the mean delay is 1/rate)"
                    )),
                }
            };
            return Ok(LatencyModel::exponential(
                rate(w, "writes")?,
                rate(ars, "acks, reads and responses")?,
            ));
        }
        let names: Vec<&str> = PRESETS.iter().map(|(id, _)| *id).collect();
        Err(format!(
            "there is no latency model '{spec}': use one of {} or exp:<λ_W>,<λ_ARS>",
            names.join(", ")
        ))
    }

    /// Every problem, as (field, message).
    pub fn validate(&self, problems: &mut Vec<(String, String)>) {
        self.legs.validate("latency.legs", problems);
        if !self.wan_ms.is_finite() || !(0.0..=10_000.0).contains(&self.wan_ms) {
            problems.push((
                "latency.wan_ms".to_string(),
                format!(
                    "{} is not allowed: the extra delay is 0 to 10000 ms",
                    self.wan_ms
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_parses_and_is_valid() {
        for (id, _) in PRESETS {
            let m = LatencyModel::parse(id).unwrap();
            let mut problems = Vec::new();
            m.validate(&mut problems);
            assert!(problems.is_empty(), "{id}: {problems:?}");
        }
        assert_eq!(LatencyModel::parse("wan").unwrap().wan_ms, 75.0);
    }

    #[test]
    fn preset_means_match_the_paper_parameters() {
        // LNKD-SSD: 0.9122 × (10 × 0.235 / 9) + 0.0878 / 1.66.
        let m = LatencyModel::parse("lnkd-ssd").unwrap();
        let expected = 0.9122 * (10.0 * 0.235 / 9.0) + 0.0878 / 1.66;
        assert!((m.legs.write.mean_ms() - expected).abs() < 1e-12);
        // LNKD-DISK writes: 0.38 × 1.51 × 1.05 / 0.51 + 0.62 / 0.183.
        let d = LatencyModel::parse("lnkd-disk").unwrap();
        let expected = 0.38 * 1.51 * 1.05 / 0.51 + 0.62 / 0.183;
        assert!((d.legs.write.mean_ms() - expected).abs() < 1e-9);
        assert_eq!(d.legs.ack, m.legs.ack);
    }

    #[test]
    fn exponential_spec_is_parsed_and_bad_specs_explained() {
        let m = LatencyModel::parse("exp:0.1, 0.5").unwrap();
        assert_eq!(m.legs.write, Latency::Exponential { rate_per_ms: 0.1 });
        assert_eq!(m.legs.response, Latency::Exponential { rate_per_ms: 0.5 });
        for bad in ["exp:0.1", "exp:0,1", "exp:a,b", "exp:1,2,3", "lan", ""] {
            let e = LatencyModel::parse(bad).unwrap_err();
            assert!(!e.is_empty(), "{bad}");
        }
        assert!(LatencyModel::parse("exp:-1,2")
            .unwrap_err()
            .contains("above 0"));
        assert!(LatencyModel::parse("fast")
            .unwrap_err()
            .contains("lnkd-ssd"));
    }
}
