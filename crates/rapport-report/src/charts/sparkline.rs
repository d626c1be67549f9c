//! A small line of scores 0–100 over days: an account's relationship
//! health history.

use std::fmt::Write as _;

use chrono::NaiveDate;

use super::escape;

/// The scores as a line, oldest left; `label` names it for screen readers.
pub fn sparkline(label: &str, points: &[(NaiveDate, u8)]) -> String {
    let (w, h, pad) = (320.0, 60.0, 4.0);
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"{}\" class=\"sparkline\">\
         <rect width=\"{w}\" height=\"{h}\" fill=\"white\"/>\
         <line x1=\"{pad}\" y1=\"{y50}\" x2=\"{x2}\" y2=\"{y50}\" stroke=\"#d8dce3\" stroke-dasharray=\"3 3\"/>",
        escape(label),
        y50 = h / 2.0,
        x2 = w - pad
    );
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        out.push_str("</svg>");
        return out;
    };
    let span = (last.0 - first.0).num_days().max(1) as f64;
    let x = |d: NaiveDate| pad + (d - first.0).num_days() as f64 / span * (w - 2.0 * pad);
    let y = |s: u8| h - pad - f64::from(s) / 100.0 * (h - 2.0 * pad);
    let mut path = String::new();
    for (k, (d, s)) in points.iter().enumerate() {
        let _ = write!(
            path,
            "{}{:.1},{:.1}",
            if k == 0 { "M" } else { " L" },
            x(*d),
            y(*s)
        );
    }
    let _ = write!(
        out,
        "<path d=\"{path}\" fill=\"none\" stroke=\"#1d4e89\" stroke-width=\"2\"/>\
         <circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#1d4e89\"/></svg>",
        x(last.0),
        y(last.1)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_runs_from_the_first_day_to_the_last() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let svg = sparkline("Health", &[(d("2026-11-01"), 100), (d("2026-11-27"), 0)]);
        assert!(svg.contains("M4.0,4.0 L316.0,56.0"), "{svg}");
        assert!(sparkline("Empty", &[]).ends_with("</svg>"));
    }
}
