//! What the trials so far say, per n/w/r: the points to draw and the
//! figures to tabulate, read from the core's runs after every time slice;
//! and how the page writes milliseconds and percentages.

use replicascope_core::staleness::{Method, StalenessResult, StalenessRun};

use super::config::{LabConfig, DIRECT_POINTS};

/// One curve's estimate so far.
#[derive(Clone, Debug, PartialEq)]
pub struct Curve {
    pub n: u8,
    pub w: u8,
    pub r: u8,
    /// `(t ms, P(consistent))`, t ascending; empty before the first trial.
    pub points: Vec<(f64, f64)>,
    /// P(consistent) for a read started at the commit.
    pub p0: Option<f64>,
    pub result: StalenessResult,
}

impl Curve {
    pub fn read(run: &StalenessRun, lab: &LabConfig) -> Curve {
        let c = run.config();
        let result = run.result();
        let (points, p0) = if run.done() == 0 {
            (Vec::new(), None)
        } else if c.method == Method::Direct {
            let points: Vec<(f64, f64)> = lab
                .times(DIRECT_POINTS)
                .into_iter()
                .filter_map(|t| Some((t, run.p_consistent_at(t)?)))
                .collect();
            (points, run.p_consistent_at(0.0))
        } else {
            let points: Vec<(f64, f64)> = result
                .points
                .iter()
                .map(|p| (p.t_ms, p.p_consistent))
                .collect();
            let p0 = points.first().filter(|p| p.0 == 0.0).map(|p| p.1);
            (points, p0)
        };
        Curve {
            n: c.n,
            w: c.w,
            r: c.r,
            points,
            p0,
            result,
        }
    }

    /// `w + r > n`: every read quorum meets the write quorum.
    pub fn overlaps(&self) -> bool {
        u16::from(self.w) + u16::from(self.r) > u16::from(self.n)
    }

    pub fn label(&self) -> String {
        format!("n={} w={} r={}", self.n, self.w, self.r)
    }

    /// `3-2-2`, for selectors.
    pub fn id(&self) -> String {
        format!("{}-{}-{}", self.n, self.w, self.r)
    }
}

/// A duration in ms with three significant figures ("0.412", "12.4", "230").
pub fn ms(v: f64) -> String {
    let a = v.abs();
    if a >= 100.0 || a == 0.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

/// A probability as a percentage, truncated (never rounded up to "100 %"
/// unless it is exactly 1), with more decimals the closer it is to 1.
pub fn percent(p: f64) -> String {
    if p >= 1.0 {
        return String::from("100 %");
    }
    let decimals = if p < 0.99 {
        1
    } else if p < 0.999 {
        2
    } else {
        3
    };
    let scale = 10f64.powi(decimals);
    let v = (p * 100.0 * scale).floor() / scale;
    format!("{v:.prec$} %", prec = decimals as usize)
}

/// 1234567 → "1,234,567".
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(ms(0.41234), "0.412");
        assert_eq!(ms(3.14659), "3.15");
        assert_eq!(ms(12.44), "12.4");
        assert_eq!(ms(230.4), "230");
        assert_eq!(ms(0.0), "0");
        assert_eq!(percent(1.0), "100 %");
        assert_eq!(percent(0.99996), "99.996 %");
        assert_eq!(percent(0.99999999), "99.999 %");
        assert_eq!(percent(0.9951), "99.51 %");
        assert_eq!(percent(0.5), "50.0 %");
        assert_eq!(grouped(1_000_000), "1,000,000");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(12_345), "12,345");
    }

    #[test]
    fn a_run_reads_as_a_curve() {
        let lab = LabConfig {
            trials: 20_000,
            ..LabConfig::default()
        };
        let configs = lab.runs().unwrap();
        let mut stale = StalenessRun::new(configs[0].clone()).unwrap();
        let mut strict = StalenessRun::new(configs[3].clone()).unwrap();
        assert!(Curve::read(&stale, &lab).points.is_empty());
        stale.step(u64::MAX);
        strict.step(u64::MAX);
        let c = Curve::read(&stale, &lab);
        assert_eq!(
            (c.label(), c.id(), c.overlaps()),
            ("n=3 w=1 r=1".into(), "3-1-1".into(), false)
        );
        assert_eq!(c.points.len(), DIRECT_POINTS);
        assert!(c
            .points
            .windows(2)
            .all(|p| p[0].0 < p[1].0 && p[0].1 <= p[1].1));
        let p0 = c.p0.unwrap();
        assert!(p0 > 0.1 && p0 < 0.99, "{p0}");
        let s = Curve::read(&strict, &lab);
        assert!(s.overlaps());
        assert_eq!(s.p0, Some(1.0));
        assert!(s.points.iter().all(|p| p.1 == 1.0));
    }
}
