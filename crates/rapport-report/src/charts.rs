//! Charts as SVG, drawn by hand: a histogram with its S-curve, a tornado
//! of drivers, alternatives overlaid. Text is escaped; numbers are ours.
//! Each chart is a standalone `<svg>` with a viewBox, so HTML scales it and
//! typst embeds it as a vector image.

use std::fmt::Write as _;

use rapport_core::estimate::simulate::Summary;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 56.0;
const TOP: f64 = 36.0;
const BOTTOM: f64 = 48.0;
const FONT: &str = "font-family=\"Libertinus Serif, Georgia, serif\"";
const PALETTE: [&str; 5] = ["#1d4e89", "#d1495b", "#2e933c", "#edae49", "#6b4c9a"];

/// Escapes text for SVG/XML, dropping control characters XML 1.0 forbids
/// (a name pasted from a spreadsheet can carry them).
pub fn escape(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || *c == '\t')
        .collect::<String>()
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn open(out: &mut String, title: &str, height: f64) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" role=\"img\" aria-label=\"{}\">\
         <rect width=\"{WIDTH}\" height=\"{height}\" fill=\"white\"/>\
         <text x=\"{LEFT}\" y=\"22\" font-size=\"15\" font-weight=\"bold\" fill=\"#1d2330\" {FONT}>{}</text>",
        escape(title),
        escape(title)
    );
}

/// Round axis ticks covering [lo, hi]: about five steps of 1, 2 or 5 × 10^k.
fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let span = (hi - lo).max(1e-9);
    let raw = span / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(raw);
    let mut t = (lo / step).ceil() * step;
    let mut out = Vec::new();
    while t <= hi + step * 1e-9 {
        out.push(t);
        t += step;
    }
    out
}

/// A histogram of simulated outcomes with the cumulative S-curve on a 0–100%
/// scale at the right, and vertical markers for the base, P50 and the
/// chosen confidence. `markers` are the texts beside those three lines,
/// given by the caller so they match the figures the document quotes.
pub fn distribution(
    title: &str,
    summary: &Summary,
    confidence: f64,
    label: &dyn Fn(f64) -> String,
    markers: [String; 3],
) -> String {
    let mut out = String::new();
    open(&mut out, title, HEIGHT);
    let (x0, x1) = (
        summary.curve[0].min(summary.base),
        summary.curve[100].max(summary.base),
    );
    let span = (x1 - x0).max(1e-9);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = |v: f64| LEFT + (v - x0) / span * plot_w;
    let y_share = |p: f64| TOP + plot_h * (1.0 - p);
    let max_count = summary
        .histogram
        .counts
        .iter()
        .copied()
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    for (k, &count) in summary.histogram.counts.iter().enumerate() {
        let from = summary.histogram.start + k as f64 * summary.histogram.width;
        let bar_h = count as f64 / max_count * plot_h * 0.85;
        let _ = write!(
            out,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#c9d6ea\" stroke=\"white\" stroke-width=\"0.5\"/>",
            x(from),
            TOP + plot_h - bar_h,
            (summary.histogram.width / span * plot_w).max(0.5),
            bar_h
        );
    }
    let mut path = String::new();
    for (p, v) in summary.curve.iter().enumerate() {
        let _ = write!(
            path,
            "{}{:.1},{:.1}",
            if p == 0 { "M" } else { " L" },
            x(*v),
            y_share(p as f64 / 100.0)
        );
    }
    let _ = write!(
        out,
        "<path d=\"{path}\" fill=\"none\" stroke=\"#1d4e89\" stroke-width=\"2.2\"/>"
    );
    x_axis(&mut out, (x0, x1), &x, label, plot_h, WIDTH - RIGHT);
    for p in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"#1d4e89\" {FONT}>{:.0}%</text>",
            WIDTH - RIGHT + 6.0,
            y_share(p) + 4.0,
            p * 100.0
        );
    }
    let [base_text, p50_text, confidence_text] = markers;
    let markers = [
        (summary.base, "#7a8293", "base".to_string(), base_text),
        (summary.p50, "#2e933c", "P50".to_string(), p50_text),
        (
            summary.at_confidence,
            "#d1495b",
            format!("P{:.0}", confidence * 100.0),
            confidence_text,
        ),
    ];
    for (k, (value, colour, name, text)) in markers.iter().enumerate() {
        let px = x(*value);
        let _ = write!(
            out,
            "<line x1=\"{px:.1}\" y1=\"{TOP}\" x2=\"{px:.1}\" y2=\"{b}\" stroke=\"{colour}\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>\
             <text x=\"{tx:.1}\" y=\"{ty:.1}\" font-size=\"11\" fill=\"{colour}\" {FONT}>{} {}</text>",
            escape(name),
            escape(text),
            b = TOP + plot_h,
            tx = px + 4.0,
            ty = TOP + 12.0 + 13.0 * k as f64
        );
    }
    let _ = write!(
        out,
        "<text x=\"{LEFT}\" y=\"{:.1}\" font-size=\"11\" fill=\"#5b6475\" {FONT}>Bars: how often each outcome came up. Line: chance of staying at or under the value (right scale).</text></svg>",
        HEIGHT - 8.0
    );
    out
}

/// The value axis along the bottom with round ticks and their labels, and
/// the vertical axis line at `vertical_at`.
fn x_axis(
    out: &mut String,
    (lo, hi): (f64, f64),
    x: &dyn Fn(f64) -> f64,
    label: &dyn Fn(f64) -> String,
    plot_h: f64,
    vertical_at: f64,
) {
    let b = TOP + plot_h;
    let _ = write!(
        out,
        "<line x1=\"{LEFT}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" stroke=\"#5b6475\"/><line x1=\"{vertical_at}\" y1=\"{TOP}\" x2=\"{vertical_at}\" y2=\"{b}\" stroke=\"#5b6475\"/>",
        r = WIDTH - RIGHT
    );
    for t in ticks(lo, hi) {
        let _ = write!(
            out,
            "<line x1=\"{px:.1}\" y1=\"{b}\" x2=\"{px:.1}\" y2=\"{b2}\" stroke=\"#5b6475\"/><text x=\"{px:.1}\" y=\"{ty}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#3b4252\" {FONT}>{}</text>",
            escape(&label(t)),
            px = x(t),
            b2 = b + 4.0,
            ty = b + 17.0
        );
    }
}

/// Horizontal bars of rank correlation, strongest first.
pub fn tornado(title: &str, bars: &[(String, f64)]) -> String {
    let rows = bars.len().max(1) as f64;
    let row_h = 24.0;
    let height = TOP + rows * row_h + 40.0;
    let mut out = String::new();
    open(&mut out, title, height);
    let label_w = 220.0;
    let centre = label_w + (WIDTH - label_w - 30.0) / 2.0;
    let half = (WIDTH - label_w - 30.0) / 2.0;
    for (k, (name, value)) in bars.iter().enumerate() {
        let y = TOP + k as f64 * row_h;
        let w = value.abs().min(1.0) * half;
        let bx = if *value >= 0.0 { centre } else { centre - w };
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"end\" fill=\"#1d2330\" {FONT}>{}</text>\
             <rect x=\"{bx:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"#3b4252\" {FONT}>{value:.2}</text>",
            label_w - 8.0,
            y + 15.0,
            escape(&shorten(name, 34)),
            y + 4.0,
            row_h - 8.0,
            if *value >= 0.0 { "#1d4e89" } else { "#d1495b" },
            if *value >= 0.0 { bx + w + 4.0 } else { bx - 30.0 },
            y + 15.0
        );
    }
    let axis_y = TOP + rows * row_h + 2.0;
    let _ = write!(
        out,
        "<line x1=\"{centre:.1}\" y1=\"{TOP}\" x2=\"{centre:.1}\" y2=\"{axis_y:.1}\" stroke=\"#5b6475\"/>\
         <text x=\"{label_w}\" y=\"{:.1}\" font-size=\"11\" fill=\"#5b6475\" {FONT}>Longer bar: the item moves the total more (rank correlation, −1 to 1).</text></svg>",
        axis_y + 22.0
    );
    out
}

/// S-curves of the estimate and its alternatives on one axis.
pub fn overlay(title: &str, curves: &[(String, &[f64])], label: &dyn Fn(f64) -> String) -> String {
    let mut out = String::new();
    open(&mut out, title, HEIGHT);
    let lo = curves
        .iter()
        .map(|(_, c)| c[0])
        .fold(f64::INFINITY, f64::min);
    let hi = curves
        .iter()
        .map(|(_, c)| c[c.len() - 1])
        .fold(f64::NEG_INFINITY, f64::max);
    let span = (hi - lo).max(1e-9);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = |v: f64| LEFT + (v - lo) / span * plot_w;
    let y = |p: f64| TOP + plot_h * (1.0 - p);
    for (k, (name, curve)) in curves.iter().enumerate() {
        let colour = PALETTE[k % PALETTE.len()];
        let mut path = String::new();
        for (p, v) in curve.iter().enumerate() {
            let _ = write!(
                path,
                "{}{:.1},{:.1}",
                if p == 0 { "M" } else { " L" },
                x(*v),
                y(p as f64 / (curve.len() - 1) as f64)
            );
        }
        let _ = write!(
            out,
            "<path d=\"{path}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.2\"/>\
             <rect x=\"{:.1}\" y=\"{:.1}\" width=\"12\" height=\"3\" fill=\"{colour}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"#1d2330\" {FONT}>{}</text>",
            LEFT + 8.0,
            TOP + 8.0 + 15.0 * k as f64,
            LEFT + 24.0,
            TOP + 12.0 + 15.0 * k as f64,
            escape(&shorten(name, 48))
        );
    }
    x_axis(&mut out, (lo, hi), &x, label, plot_h, LEFT);
    for p in [0.0, 0.5, 0.8, 1.0] {
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#3b4252\" {FONT}>{:.0}%</text>\
             <line x1=\"{LEFT}\" y1=\"{gy:.1}\" x2=\"{r}\" y2=\"{gy:.1}\" stroke=\"#e6e8ec\"/>",
            LEFT - 6.0,
            y(p) + 4.0,
            p * 100.0,
            gy = y(p),
            r = WIDTH - RIGHT
        );
    }
    let _ = write!(
        out,
        "<text x=\"{LEFT}\" y=\"{:.1}\" font-size=\"11\" fill=\"#5b6475\" {FONT}>Chance of staying at or under each value; a curve further left is cheaper.</text></svg>",
        HEIGHT - 8.0
    );
    out
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_numbers() {
        assert_eq!(ticks(0.0, 10.0), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(
            ticks(412_000.0, 598_000.0),
            vec![450_000.0, 500_000.0, 550_000.0]
        );
    }

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(escape("Pumps\u{1}\u{7f} & co"), "Pumps &amp; co");
    }

    #[test]
    fn labels_are_escaped() {
        let svg = tornado("Drivers", &[("Pumps & <valves>".into(), 0.5)]);
        assert!(svg.contains("Pumps &amp; &lt;valves&gt;"));
        assert!(!svg.contains("<valves>"));
    }
}
