//! The chart, written as SVG text: P(consistent) against t, one coloured
//! polyline per curve, a dashed line at 99.9 % with a marker where each
//! curve crosses it, axes with ticks and a legend. Every element carries
//! presentation attributes, so the same text is a standalone file for
//! "Export SVG"; on the page the stylesheet's classes override the colours
//! (dark mode). Only numbers and fixed words go in, so the text is safe to
//! insert as HTML.

use std::fmt::Write as _;

use super::config::YScale;
use super::curves::{ms, Curve};

pub const WIDTH: f64 = 760.0;
pub const HEIGHT: f64 = 380.0;
const LEFT: f64 = 62.0;
const RIGHT: f64 = 566.0;
const TOP: f64 = 18.0;
const BOTTOM: f64 = 322.0;
const LEGEND_X: f64 = 586.0;
/// The target most people mean by "almost always consistent".
pub const TARGET: f64 = 0.999;
/// The nines scale's top: 99.99 %.
const NINES: i32 = 4;

/// How many nines `p` has (0.999 → 3), 0 to [`NINES`].
fn nines(p: f64) -> f64 {
    (-(1.0 - p).max(1e-12).log10()).clamp(0.0, f64::from(NINES))
}

/// One colour per curve, readable on white and on the dark theme.
pub const COLOURS: [&str; 8] = [
    "#2563eb", "#d97706", "#059669", "#db2777", "#7c3aed", "#0891b2", "#dc2626", "#65a30d",
];

pub fn colour(i: usize) -> &'static str {
    COLOURS[i % COLOURS.len()]
}

/// The smallest 1, 2 or 5 × 10^k at or above `x` (> 0).
pub fn nice_up(x: f64) -> f64 {
    if !(x.is_finite() && x > 0.0) {
        return 1.0;
    }
    let mag = 10f64.powf(x.log10().floor());
    let f = x / mag;
    let nice = if f <= 1.0 + 1e-9 {
        1.0
    } else if f <= 2.0 + 1e-9 {
        2.0
    } else if f <= 5.0 + 1e-9 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

/// `v` with as many decimals as `step` needs.
fn label(v: f64, step: f64) -> String {
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10() - 1e-9).ceil() as usize
    };
    format!("{v:.decimals$}")
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// How the axes are laid out.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Axes {
    pub t_max: f64,
    /// Some(smallest t) for a log x-axis.
    pub log_from: Option<f64>,
    pub scale: YScale,
    /// P at the bottom of the plot.
    pub y_lo: f64,
    pub y_step: f64,
}

impl Axes {
    /// `Zoom`: down to the lowest point (at least to 99 %).
    pub fn fit(curves: &[Curve], t_max: f64, log_from: Option<f64>, scale: YScale) -> Axes {
        let (y_lo, y_step) = if scale != YScale::Zoom {
            (0.0, 0.2)
        } else {
            let lowest = curves
                .iter()
                .flat_map(|c| c.points.iter().map(|p| p.1))
                .fold(0.99, f64::min);
            let step = nice_up((1.0 - lowest) / 5.0);
            (((lowest / step).floor() * step).max(0.0), step)
        };
        Axes {
            t_max,
            log_from,
            scale,
            y_lo,
            y_step,
        }
    }

    /// Horizontal position of `t`; None if a log axis cannot show it.
    pub fn x(&self, t: f64) -> Option<f64> {
        let f = match self.log_from {
            Some(lo) if t < lo * (1.0 - 1e-9) => return None,
            Some(lo) => (t / lo).log10() / (self.t_max / lo).log10(),
            None => t / self.t_max,
        };
        Some(LEFT + f.min(1.0) * (RIGHT - LEFT))
    }

    pub fn y(&self, p: f64) -> f64 {
        let f = if self.scale == YScale::Nines {
            nines(p) / f64::from(NINES)
        } else {
            ((p - self.y_lo) / (1.0 - self.y_lo)).clamp(0.0, 1.0)
        };
        BOTTOM - f * (BOTTOM - TOP)
    }

    /// `(t, label?)`: labelled ticks, and on a log axis unlabelled 2× and
    /// 5× grid lines.
    fn x_ticks(&self) -> Vec<(f64, Option<String>)> {
        let mut ticks = Vec::new();
        match self.log_from {
            None => {
                let step = nice_up(self.t_max / 6.0);
                let mut i = 0.0;
                while i * step <= self.t_max * (1.0 + 1e-9) {
                    ticks.push((i * step, Some(label(i * step, step))));
                    i += 1.0;
                }
            }
            Some(lo) => {
                let mut k = lo.log10().floor() as i32;
                while 10f64.powi(k) <= self.t_max * (1.0 + 1e-9) {
                    let decade = 10f64.powi(k);
                    for m in [1.0, 2.0, 5.0] {
                        let t = decade * m;
                        if t >= lo * (1.0 - 1e-9) && t <= self.t_max * (1.0 + 1e-9) {
                            ticks.push((t, (m == 1.0).then(|| label(t, decade))));
                        }
                    }
                    k += 1;
                }
            }
        }
        ticks
    }

    fn y_ticks(&self) -> Vec<(f64, String)> {
        if self.scale == YScale::Nines {
            return (0..=NINES)
                .map(|k| {
                    let p = 1.0 - 10f64.powi(-k);
                    let decimals = (k - 2).max(0) as usize;
                    (p, format!("{:.decimals$} %", p * 100.0))
                })
                .collect();
        }
        let mut ticks = Vec::new();
        let mut i = 0.0;
        loop {
            let p = self.y_lo + i * self.y_step;
            if p > 1.0 + 1e-9 {
                break;
            }
            ticks.push((p, format!("{} %", label(p * 100.0, self.y_step * 100.0))));
            i += 1.0;
        }
        ticks
    }
}

/// The whole chart. `caption`: what was run (model, trials), printed under
/// the legend so an exported file says what it shows.
pub fn svg(curves: &[Curve], axes: &Axes, caption: &[String]) -> String {
    let mut s = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="sl-svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12" role="img" aria-label="P(consistent) against t, one curve per n, w, r"><rect class="sl-bg" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/><g class="sl-grid" stroke="#e2e8f0" stroke-width="1">"##
    );
    let x_ticks = axes.x_ticks();
    let y_ticks = axes.y_ticks();
    for (t, _) in &x_ticks {
        if let Some(x) = axes.x(*t) {
            let _ = write!(
                s,
                r#"<line x1="{x:.1}" x2="{x:.1}" y1="{TOP}" y2="{BOTTOM}"/>"#
            );
        }
    }
    for (p, _) in &y_ticks {
        let y = axes.y(*p);
        let _ = write!(
            s,
            r#"<line x1="{LEFT}" x2="{RIGHT}" y1="{y:.1}" y2="{y:.1}"/>"#
        );
    }
    let _ = write!(
        s,
        r##"</g><g class="sl-axis" fill="#475569"><path d="M{LEFT},{TOP}V{BOTTOM}H{RIGHT}" fill="none" stroke="#64748b"/>"##
    );
    for (t, text) in &x_ticks {
        if let (Some(x), Some(text)) = (axes.x(*t), text) {
            let _ = write!(
                s,
                r#"<text x="{x:.1}" y="{}" text-anchor="middle">{text}</text>"#,
                BOTTOM + 16.0
            );
        }
    }
    for (p, text) in &y_ticks {
        let _ = write!(
            s,
            r#"<text x="{}" y="{:.1}" text-anchor="end">{text}</text>"#,
            LEFT - 6.0,
            axes.y(*p) + 4.0
        );
    }
    let _ = write!(
        s,
        r#"<text x="{:.1}" y="{}" text-anchor="middle">t: ms from the write's commit to the read's start{}</text><text transform="translate(16 {:.1}) rotate(-90)" text-anchor="middle">P(read returns the write)</text></g>"#,
        (LEFT + RIGHT) / 2.0,
        BOTTOM + 40.0,
        if axes.log_from.is_some() {
            " (log scale)"
        } else {
            ""
        },
        (TOP + BOTTOM) / 2.0,
    );
    // The target line.
    let ty = axes.y(TARGET);
    let _ = write!(
        s,
        r##"<g class="sl-target" stroke="#0f172a" fill="#0f172a"><line x1="{LEFT}" x2="{RIGHT}" y1="{ty:.1}" y2="{ty:.1}" stroke-dasharray="6 4" stroke-width="1.2"/><text x="{}" y="{:.1}" text-anchor="end" stroke="none" font-size="11">99.9 %</text></g>"##,
        RIGHT - 4.0,
        ty + 13.0
    );
    // The curves, then the markers on top.
    for (i, c) in curves.iter().enumerate() {
        if c.points.is_empty() {
            continue;
        }
        let points: Vec<String> = c
            .points
            .iter()
            .filter_map(|&(t, p)| Some(format!("{:.1},{:.1}", axes.x(t)?, axes.y(p))))
            .collect();
        let _ = write!(
            s,
            r#"<polyline class="sl-curve" data-curve="{}" points="{}" fill="none" stroke="{}" stroke-width="2.2" stroke-linejoin="round"/>"#,
            c.id(),
            points.join(" "),
            colour(i)
        );
        if c.points.len() <= 40 {
            // Few measured points (protocol): mark each.
            for &(t, p) in &c.points {
                if let Some(x) = axes.x(t) {
                    let _ = write!(
                        s,
                        r#"<circle cx="{x:.1}" cy="{:.1}" r="2.6" fill="{}"/>"#,
                        axes.y(p),
                        colour(i)
                    );
                }
            }
        }
    }
    for (i, c) in curves.iter().enumerate() {
        let at = c
            .result
            .t_999_ms
            .filter(|&t| !c.overlaps() && t <= axes.t_max && c.result.trials > 0);
        if let Some(x) = at.and_then(|t| axes.x(t)) {
            let _ = write!(
                s,
                r##"<circle class="sl-marker" data-curve="{}" cx="{x:.1}" cy="{ty:.1}" r="5" fill="{}" stroke="#ffffff" stroke-width="1.5"><title>{}: 99.9 % from t = {} ms</title></circle>"##,
                c.id(),
                colour(i),
                c.label(),
                ms(at.unwrap_or_default())
            );
        }
    }
    legend(&mut s, curves, axes, caption);
    s.push_str("</svg>");
    s
}

fn legend(s: &mut String, curves: &[Curve], axes: &Axes, caption: &[String]) {
    s.push_str(r##"<g class="sl-legend" fill="#0f172a">"##);
    let mut y = TOP + 10.0;
    for (i, c) in curves.iter().enumerate() {
        let note = if c.overlaps() {
            String::from("w + r &gt; n: never stale")
        } else {
            match c.result.t_999_ms {
                _ if c.result.trials == 0 => String::from("waiting…"),
                Some(t) if t > axes.t_max => format!("99.9 % at {} ms (off the chart)", ms(t)),
                Some(t) => format!("99.9 % at t = {} ms", ms(t)),
                None => String::from("99.9 % not reached"),
            }
        };
        let _ = write!(
            s,
            r##"<g class="sl-entry" data-curve="{}"><line x1="{LEGEND_X}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="{}" stroke-width="3"/><text x="{}" y="{:.1}" font-weight="600">{}</text><text class="sl-note" x="{}" y="{:.1}" font-size="11" fill="#475569">{}</text></g>"##,
            c.id(),
            LEGEND_X + 18.0,
            colour(i),
            LEGEND_X + 24.0,
            y + 4.0,
            c.label(),
            LEGEND_X + 24.0,
            y + 19.0,
            note
        );
        y += 36.0;
    }
    y += 4.0;
    for line in caption {
        let _ = write!(
            s,
            r##"<text class="sl-note" x="{LEGEND_X}" y="{y:.1}" font-size="10.5" fill="#475569">{}</text>"##,
            esc(line)
        );
        y += 14.0;
    }
    s.push_str("</g>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use replicascope_core::staleness::{Method, Percentiles, StalenessResult};

    fn curve(n: u8, w: u8, r: u8, points: &[(f64, f64)], t999: Option<f64>) -> Curve {
        Curve {
            n,
            w,
            r,
            points: points.to_vec(),
            p0: points.first().map(|p| p.1),
            result: StalenessResult {
                n,
                w,
                r,
                method: Method::Direct,
                trials: 100,
                points: Vec::new(),
                t_999_ms: t999,
                write_latency_ms: Percentiles::default(),
                read_latency_ms: Percentiles::default(),
                error: None,
            },
        }
    }

    #[test]
    fn nice_numbers() {
        assert_eq!(nice_up(16.7), 20.0);
        assert_eq!(nice_up(0.83), 1.0);
        assert_eq!(nice_up(333.0), 500.0);
        assert_eq!(nice_up(0.0012), 0.002);
        assert_eq!(nice_up(100.0), 100.0);
        assert_eq!(nice_up(0.0), 1.0);
        assert_eq!(nice_up(f64::NAN), 1.0);
        assert_eq!(label(0.5, 0.5), "0.5");
        assert_eq!(label(20.0, 20.0), "20");
        assert_eq!(label(0.01, 0.01), "0.01");
    }

    #[test]
    fn axes_zoom_on_the_curves_and_tick_round_values() {
        let c = [curve(
            3,
            1,
            1,
            &[(0.0, 0.62), (50.0, 0.99), (100.0, 1.0)],
            Some(60.0),
        )];
        let a = Axes::fit(&c, 100.0, None, YScale::Zoom);
        assert!(a.y_lo <= 0.62 && a.y_lo > 0.5, "{a:?}");
        assert_eq!(a.y(1.0), TOP);
        assert_eq!(a.y(a.y_lo), BOTTOM);
        let xs: Vec<String> = a.x_ticks().into_iter().filter_map(|t| t.1).collect();
        assert_eq!(xs, ["0", "20", "40", "60", "80", "100"]);
        let ys: Vec<String> = a.y_ticks().into_iter().map(|t| t.1).collect();
        assert_eq!(ys.last().map(String::as_str), Some("100 %"));
        assert_eq!(Axes::fit(&c, 100.0, None, YScale::Zero).y_lo, 0.0);
        // Nines: 0, 90, 99, 99.9, 99.99 % evenly spaced; 100 % at the top.
        let n = Axes::fit(&c, 100.0, None, YScale::Nines);
        let ys: Vec<String> = n.y_ticks().into_iter().map(|t| t.1).collect();
        assert_eq!(ys, ["0 %", "90 %", "99 %", "99.9 %", "99.99 %"]);
        assert_eq!((n.y(0.0), n.y(1.0)), (BOTTOM, TOP));
        assert!((n.y(TARGET) - (BOTTOM - 0.75 * (BOTTOM - TOP))).abs() < 1e-6);
        // Flat curves only: still a readable range below 99.9 %.
        let flat = [curve(3, 2, 2, &[(0.0, 1.0), (5.0, 1.0)], Some(0.0))];
        assert!(Axes::fit(&flat, 5.0, None, YScale::Zoom).y_lo <= 0.99);
        let log = Axes::fit(&c, 100.0, Some(0.1), YScale::Zoom);
        let labelled: Vec<String> = log.x_ticks().into_iter().filter_map(|t| t.1).collect();
        assert_eq!(labelled, ["0.1", "1", "10", "100"]);
        assert_eq!(log.x(0.0), None);
        assert_eq!(log.x(100.0), Some(RIGHT));
        assert!((log.x(1.0).unwrap() - (LEFT + (RIGHT - LEFT) / 3.0)).abs() < 1e-9);
    }

    #[test]
    fn one_polyline_per_curve_with_legend_and_markers() {
        let c = [
            curve(
                3,
                1,
                1,
                &[(0.0, 0.6), (50.0, 0.9995), (100.0, 1.0)],
                Some(48.0),
            ),
            curve(3, 2, 2, &[(0.0, 1.0), (100.0, 1.0)], Some(0.0)),
            curve(3, 1, 2, &[(0.0, 0.7), (100.0, 0.99)], Some(450.0)),
        ];
        let a = Axes::fit(&c, 100.0, None, YScale::Zoom);
        let s = svg(&c, &a, &["lnkd-disk <test>".into()]);
        assert!(
            s.starts_with(r#"<svg xmlns="http://www.w3.org/2000/svg""#) && s.ends_with("</svg>")
        );
        assert_eq!(s.matches("<polyline").count(), 3);
        assert!(
            s.contains(r#"data-curve="3-2-2" points="62.0,18.0 566.0,18.0""#),
            "{s}"
        );
        // A marker where 3-1-1 crosses 99.9 %; none for the flat curve or
        // for a crossing beyond the axis.
        assert_eq!(s.matches("class=\"sl-marker\"").count(), 1);
        assert!(s.contains(">n=3 w=1 r=1</text>") && s.contains("99.9 % at t = 48.0 ms"));
        assert!(s.contains(">w + r &gt; n: never stale</text>"));
        assert!(s.contains("99.9 % at 450 ms (off the chart)"));
        assert!(s.contains("lnkd-disk &lt;test&gt;"));
        assert!(s.contains(r#"stroke-dasharray="6 4""#));
    }
}
