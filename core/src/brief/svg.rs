//! A small inline SVG of a purchase rhythm: past purchases as dots on a time line, the window in
//! which the next purchase was expected as a band, and today as a line.
//!
//! Owns: drawing a [`Rhythm`]; no data is read here. The picture has a `<title>` and
//! `role="img"` for screen readers, uses no external assets, and keeps time running left to
//! right in both directions of text (a time axis is not mirrored for Hebrew, as in print).

use super::locale::{Key, Locale};
use super::rhythm::Rhythm;
use crate::day::Day;
use std::fmt::Write;

/// Width of the picture in pixels.
pub const WIDTH: f64 = 320.0;
/// Height of the picture in pixels.
pub const HEIGHT: f64 = 64.0;
const PAD: f64 = 10.0;

/// The rhythm as an `<svg>` element.
pub fn rhythm_svg(rhythm: &Rhythm, locale: Locale) -> String {
    let first = rhythm
        .purchases
        .first()
        .copied()
        .unwrap_or(rhythm.today - 30)
        .min(rhythm.today - 30);
    let last = rhythm
        .expected
        .map_or(rhythm.today, |(_, hi)| hi.max(rhythm.today))
        + 3;
    let span = f64::from((last - first).max(1));
    let x = |d: Day| PAD + (WIDTH - 2.0 * PAD) * f64::from(d - first) / span;
    let axis = HEIGHT - 22.0;
    let mut s = String::new();
    let title = format!(
        "{}: {} {}, {} {}",
        locale.text(Key::Rhythm),
        rhythm.purchases.len(),
        locale.text(Key::Purchases),
        locale.text(Key::Today),
        rhythm.today
    );
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"rhythm\" role=\"img\" \
         width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" direction=\"ltr\">\
         <title>{}</title>",
        super::html::escape(&title)
    );
    if let Some((lo, hi)) = rhythm.expected {
        let (a, b) = (x(lo), x(hi));
        let _ = write!(
            s,
            "<rect class=\"expected\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"20\" \
             fill=\"#fde68a\" opacity=\"0.8\"><title>{} {lo} – {hi}</title></rect>",
            a,
            axis - 10.0,
            (b - a).max(3.0),
            locale.text(Key::Expected)
        );
    }
    let _ = write!(
        s,
        "<line x1=\"{PAD}\" y1=\"{axis}\" x2=\"{:.1}\" y2=\"{axis}\" stroke=\"#94a3b8\"/>",
        WIDTH - PAD
    );
    for d in &rhythm.purchases {
        let _ = write!(
            s,
            "<circle class=\"purchase\" cx=\"{:.1}\" cy=\"{axis}\" r=\"3.5\" fill=\"#2563eb\">\
             <title>{d}</title></circle>",
            x(*d)
        );
    }
    let t = x(rhythm.today);
    let _ = write!(
        s,
        "<line class=\"today\" x1=\"{t:.1}\" y1=\"6\" x2=\"{t:.1}\" y2=\"{:.1}\" \
         stroke=\"#dc2626\" stroke-width=\"2\"/>",
        axis + 8.0
    );
    // Labels: first day on the left, today by its line.
    let _ = write!(
        s,
        "<text x=\"{PAD}\" y=\"{:.1}\" font-size=\"10\" fill=\"#475569\">{first}</text>\
         <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" fill=\"#dc2626\" text-anchor=\"end\">{}</text>",
        HEIGHT - 4.0,
        t.min(WIDTH - PAD),
        HEIGHT - 4.0,
        super::html::escape(locale.text(Key::Today))
    );
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_each_purchase_the_window_and_today() {
        let today = Day(20_000);
        let r = Rhythm {
            product_id: Some("P1".into()),
            purchases: vec![today - 60, today - 46, today - 32],
            expected: Some((today - 20, today - 16)),
            today,
        };
        let svg = rhythm_svg(&r, Locale::He);
        assert_eq!(svg.matches("class=\"purchase\"").count(), 3);
        assert_eq!(svg.matches("class=\"expected\"").count(), 1);
        assert_eq!(svg.matches("class=\"today\"").count(), 1);
        assert!(svg.contains("היום"));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }
}
