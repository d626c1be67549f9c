//! The behaviour-style grid: assertiveness across (asks → tells),
//! responsiveness down (controlled at the top, expressive at the foot),
//! the four quadrants named as Merrill and Reid draw them, the band
//! within which a placement is borderline shaded, and the person as a
//! dot. A style named directly has no scores: its quadrant is shaded
//! instead.

use std::fmt::Write as _;

use rapport_core::style::{Scores, Style, BORDERLINE};

use super::{escape, FONT};

const SIZE: f64 = 260.0;
const MARGIN: f64 = 30.0;

/// The grid for one person; `name` is the dot's label for screen readers.
pub fn style_grid(name: &str, style: Style, scores: Option<Scores>) -> String {
    let plot = SIZE - 2.0 * MARGIN;
    let centre = SIZE / 2.0;
    // −1..1 on each axis to the plot; responsiveness grows downwards.
    let x = |a: f64| centre + a.clamp(-1.0, 1.0) * plot / 2.0;
    let y = |r: f64| centre + r.clamp(-1.0, 1.0) * plot / 2.0;
    let mut out = String::new();
    let label = match scores {
        Some(s) => format!(
            "{name}: {} (assertiveness {:+.2}, responsiveness {:+.2})",
            style.label(),
            s.assertiveness,
            s.responsiveness
        ),
        None => format!("{name}: {} (named directly)", style.label()),
    };
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {SIZE} {SIZE}\" width=\"{SIZE}\" height=\"{SIZE}\" role=\"img\" aria-label=\"{}\" class=\"style-grid\">\
         <rect width=\"{SIZE}\" height=\"{SIZE}\" fill=\"white\"/>",
        escape(&label)
    );
    let quadrant = |s: Style| -> (f64, f64) {
        (
            if s.tells() { centre } else { MARGIN },
            if s.expressive() { centre } else { MARGIN },
        )
    };
    if scores.is_none() {
        let (qx, qy) = quadrant(style);
        let _ = write!(
            out,
            "<rect x=\"{qx}\" y=\"{qy}\" width=\"{h}\" height=\"{h}\" fill=\"#dbe6f4\"/>",
            h = plot / 2.0
        );
    }
    // The borderline band along each axis.
    let band = BORDERLINE * plot / 2.0;
    let _ = write!(
        out,
        "<rect x=\"{:.1}\" y=\"{MARGIN}\" width=\"{:.1}\" height=\"{plot}\" fill=\"#f3efe3\"/>\
         <rect x=\"{MARGIN}\" y=\"{:.1}\" width=\"{plot}\" height=\"{:.1}\" fill=\"#f3efe3\"/>",
        centre - band,
        2.0 * band,
        centre - band,
        2.0 * band
    );
    let _ = write!(
        out,
        "<rect x=\"{MARGIN}\" y=\"{MARGIN}\" width=\"{plot}\" height=\"{plot}\" fill=\"none\" stroke=\"#5b6475\"/>\
         <line x1=\"{centre}\" y1=\"{MARGIN}\" x2=\"{centre}\" y2=\"{e}\" stroke=\"#5b6475\"/>\
         <line x1=\"{MARGIN}\" y1=\"{centre}\" x2=\"{e}\" y2=\"{centre}\" stroke=\"#5b6475\"/>",
        e = SIZE - MARGIN
    );
    for s in [
        Style::Analytical,
        Style::Driver,
        Style::Amiable,
        Style::Expressive,
    ] {
        let (qx, qy) = quadrant(s);
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"12\" fill=\"{}\" {FONT}{}>{}</text>",
            qx + plot / 4.0,
            qy + plot / 4.0 + 4.0,
            if s == style { "#1d2330" } else { "#8a93a3" },
            if s == style { " font-weight=\"bold\"" } else { "" },
            s.label()
        );
    }
    // Responsiveness runs down the plot, so its ends sit above and below
    // it; assertiveness runs across, its ends turned along the sides.
    for (tx, ty, rotate, text) in [
        (centre, 20.0, 0, "controlled"),
        (centre, SIZE - 10.0, 0, "expressive"),
        (MARGIN - 10.0, centre, -90, "asks"),
        (SIZE - MARGIN + 10.0, centre, 90, "tells"),
    ] {
        let _ = write!(
            out,
            "<text x=\"{tx}\" y=\"{ty}\" text-anchor=\"middle\" transform=\"rotate({rotate} {tx} {ty})\" font-size=\"10\" fill=\"#5b6475\" {FONT}>{text}</text>"
        );
    }
    if let Some(s) = scores {
        let _ = write!(
            out,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"6\" fill=\"#c62839\" stroke=\"white\" stroke-width=\"2\"/>",
            x(s.assertiveness),
            y(s.responsiveness)
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dot_sits_in_the_quadrant_of_its_style() {
        // Tells and controlled: a Driver, right of centre and above it.
        let svg = style_grid(
            "Ana <Ops>",
            Style::Driver,
            Some(Scores {
                assertiveness: 1.0,
                responsiveness: -1.0,
            }),
        );
        assert!(svg.contains("<circle cx=\"230.0\" cy=\"30.0\""), "{svg}");
        assert!(svg.contains("Ana &lt;Ops&gt;: Driver"));
        assert!(!svg.contains("<Ops>"));
    }

    #[test]
    fn a_style_named_directly_shades_its_quadrant_and_draws_no_dot() {
        let svg = style_grid("Bo", Style::Amiable, None);
        assert!(!svg.contains("<circle"));
        // Amiable: asks (left) and expressive (lower half).
        assert!(
            svg.contains(
                "<rect x=\"30\" y=\"130\" width=\"100\" height=\"100\" fill=\"#dbe6f4\"/>"
            ),
            "{svg}"
        );
    }
}
