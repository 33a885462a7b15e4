//! A small software rasteriser for the busy space-time diagram. A dense
//! window holds a thousand or more long arrows; stroking them as canvas
//! paths makes the browser re-rasterise every anti-aliased path on each
//! page turn (with software compositing, 130 ms a frame for a full-width
//! embed). Drawing them here instead — Wu's anti-aliased lines into a
//! pixel buffer handed over with one `putImageData` — costs time in
//! proportion to the pixels the arrows touch, a few milliseconds.
//!
//! The picture is opaque (it starts as the diagram's background colour),
//! which keeps compositing to integer multiply-adds and lets `ImageData`
//! take the bytes as they are. Coordinates are device pixels; anything
//! outside the buffer is clipped, and non-finite coordinates draw nothing.

/// A colour without alpha.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rgb`, `#rrggbb`, `rgb(r, g, b)` or `rgba(r, g, b, a)` (alpha
    /// ignored) — what computed styles and custom properties hold.
    pub fn parse(css: &str) -> Option<Rgb> {
        let s = css.trim();
        if let Some(hex) = s.strip_prefix('#') {
            let digit = |i: usize| u8::from_str_radix(hex.get(i..i + 1)?, 16).ok();
            return match hex.len() {
                3 => Some(Rgb(digit(0)? * 17, digit(1)? * 17, digit(2)? * 17)),
                6 => {
                    let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
                    Some(Rgb(byte(0)?, byte(2)?, byte(4)?))
                }
                _ => None,
            };
        }
        let inner = s
            .strip_prefix("rgba(")
            .or_else(|| s.strip_prefix("rgb("))?
            .strip_suffix(')')?;
        let mut parts = inner
            .split([',', ' ', '/'])
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.trim()
                    .parse::<f64>()
                    .ok()
                    .map(|v| v.clamp(0.0, 255.0) as u8)
            });
        Some(Rgb(parts.next()??, parts.next()??, parts.next()??))
    }
}

/// Dashes along a line: `on` pixels drawn, `off` skipped, repeating.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dash {
    pub on: f64,
    pub off: f64,
}

pub struct Raster {
    width: usize,
    height: usize,
    /// Opaque RGBA bytes, row by row: the picture starts as its background
    /// colour, so every pixel stays opaque and compositing needs no
    /// division by alpha.
    pixels: Vec<u8>,
}

/// x / 255, rounded, for x ≤ 255 × 255 (exact over that range).
#[inline(always)]
fn div255(x: u32) -> u32 {
    let x = x + 128;
    (x + (x >> 8)) >> 8
}

impl Raster {
    /// A buffer filled with `background` (each side at most 4096 pixels;
    /// larger sizes are clamped).
    pub fn new(width: u32, height: u32, background: Rgb) -> Raster {
        let (width, height) = (width.min(4096) as usize, height.min(4096) as usize);
        let pixels = [background.0, background.1, background.2, 255].repeat(width * height);
        Raster {
            width,
            height,
            pixels,
        }
    }

    pub fn width(&self) -> u32 {
        self.width as u32
    }

    pub fn height(&self) -> u32 {
        self.height as u32
    }

    /// RGBA bytes, row by row, as `ImageData` takes them.
    pub fn bytes(&self) -> &[u8] {
        &self.pixels
    }

    /// The pixel at (x, y), if inside.
    pub fn pixel(&self, x: usize, y: usize) -> Option<Rgb> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let i = (y * self.width + x) * 4;
        Some(Rgb(self.pixels[i], self.pixels[i + 1], self.pixels[i + 2]))
    }

    /// Paints `color` over the pixel at (x, y) with opacity `coverage`
    /// (0..=1), compositing "source over" as the canvas would.
    #[cfg(test)]
    fn blend(&mut self, x: i64, y: i64, color: Rgb, coverage: f64) {
        if x < 0 || y < 0 || x as usize >= self.width || y as usize >= self.height {
            return;
        }
        let c = (coverage.clamp(0.0, 1.0) * 255.0 + 0.5) as u32;
        self.cover((y as usize * self.width + x as usize) * 4, color, c);
    }

    /// `blend` at byte offset `i`, opacity `c` in 1/255ths.
    #[inline(always)]
    fn cover(&mut self, i: usize, color: Rgb, c: u32) {
        if c == 0 {
            return;
        }
        let keep = 255 - c.min(255);
        if let Some(p) = self.pixels.get_mut(i..i + 3) {
            p[0] = div255(u32::from(color.0) * c + u32::from(p[0]) * keep) as u8;
            p[1] = div255(u32::from(color.1) * c + u32::from(p[1]) * keep) as u8;
            p[2] = div255(u32::from(color.2) * c + u32::from(p[2]) * keep) as u8;
        }
    }

    /// A one-pixel anti-aliased line from `a` to `b` (Wu's algorithm),
    /// optionally dashed.
    pub fn line(&mut self, a: (f64, f64), b: (f64, f64), color: Rgb, dash: Option<Dash>) {
        let Some((a, b, skipped)) = self.clip(a, b) else {
            return;
        };
        let steep = (b.1 - a.1).abs() > (b.0 - a.0).abs();
        // Work along the major axis, left to right.
        let (mut p, mut q) = if steep {
            ((a.1, a.0), (b.1, b.0))
        } else {
            (a, b)
        };
        let mut from_start = skipped;
        if p.0 > q.0 {
            core::mem::swap(&mut p, &mut q);
            // Dashes are measured from the original start, now at `q`.
            from_start = -(skipped + distance(a, b));
        }
        let (dx, dy) = (q.0 - p.0, q.1 - p.1);
        let gradient = if dx == 0.0 { 0.0 } else { dy / dx };
        // Length along the line per step of the major axis.
        let step_len = (1.0 + gradient * gradient).sqrt();
        let x0 = p.0.round() as i64;
        let x1 = q.0.round() as i64;
        // The inner loop stays in integers: the minor coordinate in 16.16
        // fixed point, stepped by the gradient; coverage in 1/255ths.
        let (major_len, minor_len) = if steep {
            (self.height as i64, self.width as i64)
        } else {
            (self.width as i64, self.height as i64)
        };
        let (major_stride, minor_stride) = if steep {
            (self.width * 4, 4)
        } else {
            (4, self.width * 4)
        };
        let first = x0.max(0);
        let last = x1.min(major_len - 1);
        let fixed = |v: f64| (v * 65536.0) as i64;
        let step = fixed(gradient);
        let mut minor = fixed(p.1 + gradient * (first as f64 - p.0));
        for x in first..=last {
            let here = minor;
            minor += step;
            if let Some(d) = dash {
                let along = ((x as f64 - p.0) * step_len + from_start).abs();
                let period = d.on + d.off;
                if period > 0.0 && along % period >= d.on {
                    continue;
                }
            }
            let base = here >> 16;
            let frac = ((here & 0xffff) * 255 + 0x8000) >> 16;
            let (mut upper, mut lower) = ((255 - frac) as u32, frac as u32);
            // End pixels get the part of them the segment covers.
            if x == x0 || x == x1 {
                let end_cover = if x == x0 {
                    1.0 - (p.0 + 0.5 - x0 as f64).fract().clamp(0.0, 1.0)
                } else {
                    (q.0 + 0.5 - x1 as f64).clamp(0.0, 1.0)
                };
                upper = (f64::from(upper) * end_cover + 0.5) as u32;
                lower = (f64::from(lower) * end_cover + 0.5) as u32;
            }
            let at = x as usize * major_stride;
            if (0..minor_len).contains(&base) {
                self.cover(at + base as usize * minor_stride, color, upper);
            }
            if (0..minor_len).contains(&(base + 1)) {
                self.cover(at + (base + 1) as usize * minor_stride, color, lower);
            }
        }
    }

    /// Clips segment ab to the buffer (one pixel of margin), Liang–Barsky.
    /// Returns the clipped ends and how far along ab the clipped start is.
    #[allow(clippy::type_complexity)]
    fn clip(&self, a: (f64, f64), b: (f64, f64)) -> Option<((f64, f64), (f64, f64), f64)> {
        if ![a.0, a.1, b.0, b.1].iter().all(|v| v.is_finite()) {
            return None;
        }
        let (xmin, ymin) = (-1.0, -1.0);
        let (xmax, ymax) = (self.width as f64 + 1.0, self.height as f64 + 1.0);
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let (mut t0, mut t1) = (0.0f64, 1.0f64);
        for (p, q) in [
            (-dx, a.0 - xmin),
            (dx, xmax - a.0),
            (-dy, a.1 - ymin),
            (dy, ymax - a.1),
        ] {
            if p == 0.0 {
                if q < 0.0 {
                    return None;
                }
            } else {
                let r = q / p;
                if p < 0.0 {
                    t0 = t0.max(r);
                } else {
                    t1 = t1.min(r);
                }
            }
        }
        if t0 > t1 {
            return None;
        }
        let at = |t: f64| (a.0 + t * dx, a.1 + t * dy);
        Some((at(t0), at(t1), t0 * distance(a, b)))
    }
}

fn distance(a: (f64, f64), b: (f64, f64)) -> f64 {
    ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BLUE: Rgb = Rgb(37, 99, 235);
    const WHITE: Rgb = Rgb(255, 255, 255);

    /// How much of `BLUE` is in the pixel: 0 (white) to 255 (blue).
    fn ink(r: &Raster, x: usize, y: usize) -> u32 {
        // The red channel falls from 255 to 37 as blue covers white.
        (255 - u32::from(r.pixel(x, y).unwrap().0)) * 255 / (255 - 37)
    }

    #[test]
    fn parses_the_colours_styles_hold() {
        assert_eq!(Rgb::parse("#2563eb"), Some(BLUE));
        assert_eq!(Rgb::parse(" #fff "), Some(WHITE));
        assert_eq!(Rgb::parse("rgb(37, 99, 235)"), Some(BLUE));
        assert_eq!(Rgb::parse("rgba(37, 99, 235, 0.5)"), Some(BLUE));
        assert_eq!(Rgb::parse("rgb(37 99 235 / 50%)"), Some(BLUE));
        for bad in ["", "blue", "#12", "#gggggg", "rgb(1, 2)", "rgb(1, 2, x)"] {
            assert_eq!(Rgb::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn starts_as_its_background_opaque() {
        let r = Raster::new(3, 2, Rgb(1, 2, 3));
        assert_eq!(r.bytes().len(), 3 * 2 * 4);
        assert!(r.bytes().chunks(4).all(|p| p == [1, 2, 3, 255]));
        assert_eq!(Raster::new(10_000, 1, WHITE).width(), 4096);
    }

    #[test]
    fn a_horizontal_line_covers_its_row_and_nothing_else() {
        let mut r = Raster::new(20, 5, WHITE);
        r.line((2.0, 2.0), (17.0, 2.0), BLUE, None);
        for x in 3..17 {
            assert_eq!(r.pixel(x, 2), Some(BLUE), "x {x}");
            assert_eq!(r.pixel(x, 1), Some(WHITE));
            assert_eq!(r.pixel(x, 3), Some(WHITE));
        }
        assert_eq!(r.pixel(0, 2), Some(WHITE));
        assert_eq!(r.pixel(19, 2), Some(WHITE));
    }

    #[test]
    fn a_diagonal_splits_its_ink_between_neighbours() {
        let mut r = Raster::new(30, 30, WHITE);
        r.line((0.0, 0.5), (29.0, 15.0), BLUE, None);
        // Each column between the ends holds about one pixel of ink.
        for x in 2..27 {
            let ink: u32 = (0..30).map(|y| ink(&r, x, y)).sum();
            assert!((245..=265).contains(&ink), "column {x}: {ink}");
        }
        // Steep lines work along y: each row holds about one pixel.
        let mut s = Raster::new(30, 30, WHITE);
        s.line((3.0, 0.0), (10.0, 29.0), BLUE, None);
        for y in 2..27 {
            let ink: u32 = (0..30).map(|x| ink(&s, x, y)).sum();
            assert!((245..=265).contains(&ink), "row {y}: {ink}");
        }
    }

    #[test]
    fn direction_does_not_change_the_pixels() {
        let (mut ab, mut ba) = (Raster::new(40, 40, WHITE), Raster::new(40, 40, WHITE));
        ab.line((3.2, 5.7), (35.1, 30.4), BLUE, None);
        ba.line((35.1, 30.4), (3.2, 5.7), BLUE, None);
        assert_eq!(ab.bytes(), ba.bytes());
    }

    #[test]
    fn dashes_leave_gaps_measured_from_the_start() {
        let dash = Some(Dash { on: 4.0, off: 3.0 });
        let mut r = Raster::new(40, 3, WHITE);
        r.line((0.0, 1.0), (39.0, 1.0), BLUE, dash);
        let drawn: Vec<bool> = (0..40).map(|x| ink(&r, x, 1) > 0).collect();
        assert_eq!(&drawn[0..7], &[true, true, true, true, false, false, false]);
        assert_eq!(
            &drawn[7..14],
            &[true, true, true, true, false, false, false]
        );
        // Drawn backwards, the dashes still start at the line's start.
        let mut back = Raster::new(40, 3, WHITE);
        back.line((39.0, 1.0), (0.0, 1.0), BLUE, dash);
        assert!(ink(&back, 39, 1) > 0);
        assert_eq!(ink(&back, 34, 1), 0);
    }

    #[test]
    fn overlapping_ink_composites_like_source_over() {
        let mut r = Raster::new(4, 4, WHITE);
        r.blend(1, 1, Rgb(0, 0, 0), 0.5);
        assert_eq!(r.pixel(1, 1), Some(Rgb(127, 127, 127)));
        r.blend(1, 1, Rgb(0, 0, 0), 0.5);
        assert_eq!(r.pixel(1, 1), Some(Rgb(63, 63, 63)));
        r.blend(1, 1, Rgb(255, 0, 0), 1.0);
        assert_eq!(r.pixel(1, 1), Some(Rgb(255, 0, 0)));
        // 255 × 255 / 255 stays exact.
        assert_eq!(div255(255 * 255), 255);
        assert!((0..=255 * 255).all(|x| div255(x) == (x + 127) / 255));
    }

    #[test]
    fn far_away_and_broken_coordinates_draw_nothing_and_do_not_hang() {
        let mut r = Raster::new(10, 10, WHITE);
        r.line((-1e12, -1e12), (-1e12, 1e12), BLUE, None);
        r.line((f64::NAN, 0.0), (5.0, 5.0), BLUE, None);
        r.line((0.0, f64::INFINITY), (5.0, 5.0), BLUE, None);
        assert!(r.bytes().chunks(4).all(|p| p == [255, 255, 255, 255]));
        // A huge line crossing the buffer is clipped to it.
        r.line((-1e12, 5.0), (1e12, 5.0), BLUE, None);
        assert_eq!(r.pixel(5, 5), Some(BLUE));
        // A point.
        let mut p = Raster::new(3, 3, WHITE);
        p.line((1.0, 1.0), (1.0, 1.0), BLUE, None);
        assert!(ink(&p, 1, 1) > 0);
    }
}
