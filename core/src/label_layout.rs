//! Label placement without overlaps, for both pictures (the space-time
//! diagram and the topology).
//!
//! The classic greedy point-feature labelling: labels are placed one at a
//! time in order of importance; each offers a few candidate positions
//! (along its arrow, above or below it, left or right of its mark) and
//! takes the first whose box touches nothing placed before it and stays
//! inside the picture. A label with no free candidate is shortened with
//! "…" at its first position, and left out only when even a stub will not
//! fit — the full text stays in the element's tooltip and in the
//! inspector, so eliding never hides information, only moves it.
//!
//! Text is not measured (the core has no fonts): [`text_width`] estimates
//! it generously from character classes of a sans-serif face, so that the
//! real glyphs, whatever the reader's font, fit inside the reserved box.
//! The page's end-to-end tests check the boxes the browser actually drew.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

/// An axis-aligned box, in picture coordinates (y grows downwards).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rect {
    pub fn new(x0: f64, y0: f64, x1: f64, y1: f64) -> Rect {
        Rect { x0, y0, x1, y1 }
    }

    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    pub fn inside(&self, o: &Rect) -> bool {
        self.x0 >= o.x0 && self.x1 <= o.x1 && self.y0 >= o.y0 && self.y1 <= o.y1
    }
}

/// How a text's x relates to its box (SVG's `text-anchor`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    pub fn svg(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// Where a text may go: its anchor point (x, baseline y) and anchoring.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spot {
    pub x: f64,
    pub y: f64,
    pub anchor: Anchor,
}

impl Spot {
    pub fn new(x: f64, y: f64, anchor: Anchor) -> Spot {
        Spot { x, y, anchor }
    }
}

/// A placed label: where, and the text actually drawn (the original, or
/// a shortened one ending in "…").
#[derive(Clone, Debug, PartialEq)]
pub struct Placed {
    pub spot: Spot,
    pub text: String,
    /// The text was shortened to fit.
    pub elided: bool,
}

/// Estimated advance of `text` set at `font_px`, in pixels. Deliberately
/// on the wide side: the table is DejaVu Sans (Debian's `system-ui` and
/// `sans-serif`, and among the widest usual faces) measured in Chromium,
/// plus about 4 %, so Arial, Helvetica, Roboto or Segoe UI fit inside it.
pub fn text_width(text: &str, font_px: f64) -> f64 {
    let em: f64 = text.chars().map(char_em).sum();
    em * font_px
}

fn char_em(c: char) -> f64 {
    match c {
        '\'' | 'i' | 'j' | 'l' | 'I' | 'J' | ',' | '.' | '·' => 0.33,
        ' ' | '/' | ':' | ';' | '\\' | 'f' | '|' | '-' => 0.38,
        '(' | ')' | '[' | ']' | 't' | '!' | 'r' => 0.41,
        '"' | '*' | '_' | '`' | 's' | 'z' | '?' | 'c' => 0.58,
        'H' | 'N' | 'D' | 'G' | 'O' | 'Q' | '&' | 'w' => 0.83,
        '#' | '+' | '<' | '=' | '>' | '^' | '~' | 'M' | '→' | '←' | '≤' | '≥' | '×' | '↔' => {
            0.89
        }
        '%' | 'm' | 'W' | '@' | '…' | '—' => 1.03,
        'A'..='Z' => 0.76,
        c if c.is_ascii() => 0.67,
        // Anything else (other scripts, symbols): a full em and a bit.
        _ => 1.05,
    }
}

/// The box a text occupies when drawn at `spot`: from the ascender to a
/// little below the baseline, padded by `pad` on every side.
pub fn text_box(spot: Spot, width: f64, font_px: f64, pad: f64) -> Rect {
    let x0 = match spot.anchor {
        Anchor::Start => spot.x,
        Anchor::Middle => spot.x - width / 2.0,
        Anchor::End => spot.x - width,
    };
    Rect::new(
        x0 - pad,
        spot.y - font_px * 0.95 - pad,
        x0 + width + pad,
        spot.y + font_px * 0.3 + pad,
    )
}

/// Height of one bucket of the placer's index, in pixels.
const ROW: f64 = 24.0;
/// Shortest stub worth drawing: fewer characters than this (before the
/// "…") are left out instead.
const MIN_STUB: usize = 3;

/// Places labels one at a time; remembers every box taken.
#[derive(Clone, Debug)]
pub struct Placer {
    bounds: Rect,
    font_px: f64,
    pad: f64,
    /// Taken boxes by the rows of [`ROW`] pixels they touch: a label only
    /// compares itself with boxes near its own height.
    rows: BTreeMap<i64, Vec<Rect>>,
}

impl Placer {
    /// Labels set at `font_px`, kept inside `bounds`, each with `pad`
    /// pixels of air around it.
    pub fn new(bounds: Rect, font_px: f64, pad: f64) -> Placer {
        Placer {
            bounds,
            font_px,
            pad,
            rows: BTreeMap::new(),
        }
    }

    fn row_span(r: &Rect) -> core::ops::RangeInclusive<i64> {
        (libm::floor(r.y0 / ROW) as i64)..=(libm::floor(r.y1 / ROW) as i64)
    }

    /// Marks `r` as taken (a node, a title, a marker: something labels
    /// must not cover).
    pub fn block(&mut self, r: Rect) {
        for row in Self::row_span(&r) {
            self.rows.entry(row).or_default().push(r);
        }
    }

    /// Whether `r` is inside the picture and touches nothing taken.
    pub fn is_free(&self, r: &Rect) -> bool {
        r.inside(&self.bounds)
            && Self::row_span(r).all(|row| {
                self.rows
                    .get(&row)
                    .is_none_or(|taken| taken.iter().all(|t| !t.overlaps(r)))
            })
    }

    /// The box `text` would take at `spot` with this placer's font.
    pub fn box_at(&self, spot: Spot, text: &str) -> Rect {
        text_box(spot, text_width(text, self.font_px), self.font_px, self.pad)
    }

    /// Places `text` at the first free spot of `spots` (best first); if
    /// none is free, a shortened text at the first spot that takes one;
    /// `None` if not even a stub fits anywhere.
    pub fn place(&mut self, text: &str, spots: &[Spot]) -> Option<Placed> {
        if text.is_empty() {
            return None;
        }
        for &spot in spots {
            let r = self.box_at(spot, text);
            if self.is_free(&r) {
                self.block(r);
                return Some(Placed {
                    spot,
                    text: String::from(text),
                    elided: false,
                });
            }
        }
        let chars: Vec<char> = text.chars().collect();
        for &spot in spots {
            // The longest stub that fits: widths grow with length, so a
            // binary search over the number of characters kept.
            let (mut lo, mut hi) = (MIN_STUB, chars.len().saturating_sub(1));
            let mut best: Option<(String, Rect)> = None;
            while lo <= hi {
                let mid = (lo + hi) / 2;
                let mut stub: String = chars[..mid].iter().collect();
                stub.push('…');
                let r = self.box_at(spot, &stub);
                if self.is_free(&r) {
                    best = Some((stub, r));
                    lo = mid + 1;
                } else {
                    if mid == 0 {
                        break;
                    }
                    hi = mid - 1;
                }
            }
            if let Some((stub, r)) = best {
                self.block(r);
                return Some(Placed {
                    spot,
                    text: stub,
                    elided: true,
                });
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placer() -> Placer {
        Placer::new(Rect::new(0.0, 0.0, 400.0, 300.0), 10.0, 1.0)
    }

    #[test]
    fn a_second_label_moves_to_its_next_spot() {
        let mut p = placer();
        let spots = [
            Spot::new(100.0, 50.0, Anchor::Middle),
            Spot::new(100.0, 70.0, Anchor::Middle),
        ];
        let a = p.place("replicate", &spots).unwrap();
        let b = p.place("replicate", &spots).unwrap();
        assert_eq!(a.spot, spots[0]);
        assert_eq!(b.spot, spots[1]);
        assert!(!p
            .box_at(a.spot, &a.text)
            .overlaps(&p.box_at(b.spot, &b.text)));
    }

    #[test]
    fn with_no_free_spot_a_label_is_shortened_or_left_out() {
        let mut p = placer();
        // A wall right of x = 150 leaves room for a few characters only.
        p.block(Rect::new(150.0, 0.0, 400.0, 300.0));
        let spot = [Spot::new(100.0, 50.0, Anchor::Start)];
        let got = p.place("new leader elected", &spot).unwrap();
        assert!(got.elided);
        assert!(got.text.ends_with('…'));
        assert!(got.text.chars().count() > MIN_STUB);
        assert!(p.box_at(spot[0], &got.text).x1 <= 150.0);
        // Nothing left in that place at all: left out.
        assert_eq!(p.place("new leader elected", &spot), None);
    }

    #[test]
    fn labels_stay_inside_the_picture() {
        let mut p = placer();
        let got = p
            .place(
                "a label too wide for the left edge",
                &[Spot::new(5.0, 50.0, Anchor::Middle)],
            )
            .map(|l| p.box_at(l.spot, &l.text));
        assert!(got.is_none_or(|r| r.x0 >= 0.0));
    }

    #[test]
    fn boxes_far_apart_in_height_never_compare() {
        let mut p = placer();
        for i in 0..10 {
            let y = 20.0 + f64::from(i) * 25.0;
            assert!(p.place("x", &[Spot::new(50.0, y, Anchor::Start)]).is_some());
        }
        // A box that spans rows finds taken boxes in any of them.
        assert!(!p.is_free(&Rect::new(40.0, 0.0, 60.0, 290.0)));
        assert!(p.is_free(&Rect::new(200.0, 0.0, 260.0, 290.0)));
    }

    #[test]
    fn capitals_and_symbols_are_estimated_wider() {
        assert!(text_width("AAA", 10.0) > text_width("aaa", 10.0));
        assert!(text_width("…", 10.0) > text_width(".", 10.0));
        assert!(text_width("ключ", 10.0) >= 40.0);
    }
}
