//! Charts as SVG, drawn by hand: a histogram with its S-curve, a tornado
//! of drivers, alternatives overlaid. Text is escaped; numbers are ours.
//! Each chart is a standalone `<svg>` with a viewBox, so HTML scales it and
//! typst embeds it as a vector image.

use std::fmt::Write as _;

use rapport_core::estimate::simulate::Summary;

mod earned_value;
pub use earned_value::{earned_value, EarnedValueSeries};
mod sparkline;
mod style_grid;
pub use sparkline::sparkline;
pub use style_grid::style_grid;

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

/// Round axis ticks covering [lo, hi]: six to twelve steps of 1, 2, 2.5
/// or 5 × 10^k, enough to read a value off the axis to a step.
fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) {
        return Vec::new();
    }
    let span = (hi - lo).max(1e-9);
    let raw = span / 8.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(raw);
    if !(step > 0.0 && step.is_finite()) {
        return Vec::new();
    }
    // Counted, not stepped until past `hi`: where the values are so large
    // that adding the step does not change them, stepping never ended
    // (it filled memory until the process was killed).
    let first = (lo / step).ceil() * step;
    // Finite here: lo, hi and step are.
    let count = ((hi - first) / step + 1e-9).floor();
    if count < 0.0 {
        return Vec::new();
    }
    (0..=count.min(MAX_TICKS) as usize)
        .map(|k| first + k as f64 * step)
        .collect()
}

/// More than any axis needs (a span over 8 steps gives at most 9).
const MAX_TICKS: f64 = 20.0;

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
    // A second caption line says what the bars leave out.
    let height = HEIGHT + 14.0;
    open(&mut out, title, height);
    let h = &summary.histogram;
    let bins_end = h.start + h.width * h.counts.len() as f64;
    // The range the bars cover (P0.5 to P99.5), widened to show the base;
    // the few outcomes beyond are said in words, not piled into end bars.
    let (x0, x1) = (h.start.min(summary.base), bins_end.max(summary.base));
    let span = (x1 - x0).max(1e-9);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = |v: f64| LEFT + (v.clamp(x0, x1) - x0) / span * plot_w;
    let y_share = |p: f64| TOP + plot_h * (1.0 - p);
    let max_count = h.counts.iter().copied().max().unwrap_or(1).max(1) as f64;
    grid(&mut out, (x0, x1), &x, plot_h);
    for (k, &count) in h.counts.iter().enumerate() {
        let from = h.start + k as f64 * h.width;
        let bar_h = count as f64 / max_count * plot_h * 0.72;
        let _ = write!(
            out,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#c9d6ea\" stroke=\"white\" stroke-width=\"0.5\"/>",
            x(from),
            TOP + plot_h - bar_h,
            (h.width / span * plot_w).max(0.5),
            bar_h
        );
    }
    // The S-curve within the drawn range: P1 to P99 always lie inside it.
    let mut path = String::new();
    for (p, v) in summary
        .curve
        .iter()
        .enumerate()
        .filter(|(_, v)| (x0..=x1).contains(*v))
    {
        let _ = write!(
            path,
            "{}{:.1},{:.1}",
            if path.is_empty() { "M" } else { " L" },
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
        (summary.base, "#5b6475", "base".to_string(), base_text),
        (summary.p50, "#2e7d32", "P50".to_string(), p50_text),
        (
            summary.at_confidence,
            "#c62839",
            format!("P{:.0}", confidence * 100.0),
            confidence_text,
        ),
    ];
    // Lines first, then every label on a white plate above all lines, so
    // no line (its own or another's) strikes through a label.
    for (value, colour, _, _) in &markers {
        let px = x(*value);
        let _ = write!(
            out,
            "<line x1=\"{px:.1}\" y1=\"{TOP}\" x2=\"{px:.1}\" y2=\"{b}\" stroke=\"{colour}\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>",
            b = TOP + plot_h
        );
    }
    for (k, (value, colour, name, text)) in markers.iter().enumerate() {
        let text = format!("{name} {text}");
        let width = text_width(&text, 11.0);
        let px = x(*value);
        // Right of the line, or left of it where the plot would clip it.
        let left = if px + 4.0 + width > WIDTH - RIGHT {
            px - 4.0 - width
        } else {
            px + 4.0
        };
        let ty = TOP + 12.0 + 15.0 * k as f64;
        let _ = write!(
            out,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"14\" fill=\"white\" fill-opacity=\"0.92\"/>\
             <text x=\"{:.1}\" y=\"{ty:.1}\" font-size=\"11\" fill=\"{colour}\" {FONT}>{}</text>",
            left - 2.0,
            ty - 11.0,
            width + 4.0,
            left,
            escape(&text)
        );
    }
    // Bounds that stay true when rounded: the lowest rounded down, the
    // highest up (the cut-offs themselves would need every digit).
    let plural = |n: u32| if n == 1 { "" } else { "s" };
    let outside = match (h.below, h.above) {
        (0, 0) => String::new(),
        (below, 0) => format!(
            "Not drawn, to keep the bars readable: the lowest {below} outcome{}, down to {}.",
            plural(below),
            crate::format::grouped(summary.min.floor())
        ),
        (0, above) => format!(
            "Not drawn, to keep the bars readable: the highest {above} outcome{}, up to {}.",
            plural(above),
            crate::format::grouped(summary.max.ceil())
        ),
        (below, above) => format!(
            "Not drawn, to keep the bars readable: the lowest {below} outcome{}, down to {}, and the highest {above}, up to {}.",
            plural(below),
            crate::format::grouped(summary.min.floor()),
            crate::format::grouped(summary.max.ceil())
        ),
    };
    let _ = write!(
        out,
        "<text x=\"{LEFT}\" y=\"{:.1}\" font-size=\"10.5\" fill=\"#5b6475\" {FONT}>Bars: how often each outcome came up. Line: chance of staying at or under the value (right scale).</text>\
         <text x=\"{LEFT}\" y=\"{:.1}\" font-size=\"10.5\" fill=\"#5b6475\" {FONT}>{}</text></svg>",
        height - 22.0,
        height - 8.0,
        escape(&outside)
    );
    out
}

/// The width of a text in the chart font, estimated: Libertinus Serif
/// averages about 0.5 em a character in digits and lower case.
fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.52
}

/// Light vertical lines at the ticks, behind everything else.
fn grid(out: &mut String, (lo, hi): (f64, f64), x: &dyn Fn(f64) -> f64, plot_h: f64) {
    for t in ticks(lo, hi) {
        let _ = write!(
            out,
            "<line x1=\"{px:.1}\" y1=\"{TOP}\" x2=\"{px:.1}\" y2=\"{b:.1}\" stroke=\"#eceef2\"/>",
            px = x(t),
            b = TOP + plot_h
        );
    }
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

/// Horizontal bars of rank correlation with `what` (the total cost, the
/// duration), strongest first. The bars use the page's width: the scale
/// runs to the strongest bar (rounded up to a fifth), and the zero line
/// sits at the left when no item works against the total.
pub fn tornado(title: &str, what: &str, bars: &[(String, f64)]) -> String {
    let rows = bars.len().max(1) as f64;
    // Taller rows when a name needs a second line.
    let wraps = bars
        .iter()
        .any(|(name, _)| wrap(name, LABEL_CHARS, 2).len() > 1);
    let row_h = if wraps { 26.0 } else { 20.0 };
    let height = TOP + rows * row_h + 58.0;
    let mut out = String::new();
    open(&mut out, title, height);
    let label_w = 230.0;
    let (area_from, area_to) = (label_w, WIDTH - 40.0);
    let strongest = bars.iter().map(|(_, v)| v.abs()).fold(0.0, f64::max);
    let reach = ((strongest / 0.2).ceil() * 0.2).clamp(0.2, 1.0);
    let any_negative = bars.iter().any(|(_, v)| *v < 0.0);
    let any_positive = bars.iter().any(|(_, v)| *v > 0.0);
    let (lo, hi) = match (any_negative, any_positive) {
        (true, true) => (-reach, reach),
        (true, false) => (-reach, 0.0),
        _ => (0.0, reach),
    };
    let x = |v: f64| area_from + (v - lo) / (hi - lo) * (area_to - area_from);
    let axis_y = TOP + rows * row_h + 2.0;
    // The scale: gridlines and labels every 0.2 (0.1 when short).
    let step = if hi - lo <= 0.4 { 0.1 } else { 0.2 };
    let mut t = lo;
    while t <= hi + 1e-9 {
        let px = x(t);
        let _ = write!(
            out,
            "<line x1=\"{px:.1}\" y1=\"{TOP}\" x2=\"{px:.1}\" y2=\"{axis_y:.1}\" stroke=\"#eceef2\"/>\
             <text x=\"{px:.1}\" y=\"{:.1}\" font-size=\"10.5\" text-anchor=\"middle\" fill=\"#3b4252\" {FONT}>{}</text>",
            axis_y + 14.0,
            format!("{t:.1}").replace('-', "\u{2212}")
        );
        t += step;
    }
    let zero = x(0.0);
    for (k, (name, value)) in bars.iter().enumerate() {
        let y = TOP + k as f64 * row_h;
        let end = x(value.clamp(lo, hi));
        let (bx, w) = if end >= zero {
            (zero, end - zero)
        } else {
            (end, zero - end)
        };
        let number = format!("{value:.2}").replace('-', "\u{2212}");
        let (tx, anchor) = if *value >= 0.0 {
            (bx + w + 4.0, "start")
        } else {
            (bx - 4.0, "end")
        };
        // A long name takes two lines rather than losing its end.
        let lines = wrap(name, LABEL_CHARS, 2);
        let label = match lines.as_slice() {
            [one] => format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11.5\" text-anchor=\"end\" fill=\"#1d2330\" {FONT}>{}</text>",
                label_w - 8.0,
                y + row_h / 2.0 + 4.0,
                escape(one)
            ),
            lines => {
                let mut text = format!(
                    "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10.5\" text-anchor=\"end\" fill=\"#1d2330\" {FONT}>",
                    label_w - 8.0,
                    y + 9.0
                );
                for (k, line) in lines.iter().enumerate() {
                    let _ = write!(
                        text,
                        "<tspan x=\"{:.1}\" dy=\"{}\">{}</tspan>",
                        label_w - 8.0,
                        if k == 0 { 0.0 } else { 10.5 },
                        escape(line)
                    );
                }
                text + "</text>"
            }
        };
        let _ = write!(
            out,
            "{label}\
             <rect x=\"{bx:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{}\"/>\
             <text x=\"{tx:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"{anchor}\" fill=\"#3b4252\" {FONT}>{number}</text>",
            y + 3.0,
            row_h - 6.0,
            if *value >= 0.0 { "#1d4e89" } else { "#d1495b" },
            y + row_h / 2.0 + 4.0
        );
    }
    let _ = write!(
        out,
        "<line x1=\"{zero:.1}\" y1=\"{TOP}\" x2=\"{zero:.1}\" y2=\"{axis_y:.1}\" stroke=\"#5b6475\"/>\
         <text x=\"{LEFT}\" y=\"{:.1}\" font-size=\"10.5\" fill=\"#5b6475\" {FONT}>Longer bar: the item moves {} more (rank correlation; 1 would mean it alone decides it).</text></svg>",
        axis_y + 36.0,
        escape(what)
    );
    out
}

/// S-curves of the estimate and its alternatives on one axis.
pub fn overlay(
    title: &str,
    curves: &[(String, &[f64])],
    label: &dyn Fn(f64) -> String,
    confidence: f64,
) -> String {
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
    let legend_top = TOP + plot_h - 15.0 * curves.len() as f64 + 2.0;
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
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#1d2330\" {FONT}>{}</text>",
            // The legend sits at the bottom right, where every S-curve has
            // already risen: nothing is drawn there.
            WIDTH - RIGHT - 14.0,
            legend_top + 15.0 * k as f64 - 4.0,
            WIDTH - RIGHT - 20.0,
            legend_top + 15.0 * k as f64,
            escape(&shorten(name, 48))
        );
    }
    x_axis(&mut out, (lo, hi), &x, label, plot_h, LEFT);
    for p in [0.0, 0.5, confidence, 1.0] {
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

/// The most characters of a tornado label line: what fits in its 222 px at
/// 11.5 px even in a wider fallback font (Georgia, about 0.58 em).
const LABEL_CHARS: usize = 32;

/// Splits a text at spaces into at most `lines` lines of at most `width`
/// characters; a word longer than a line, or text beyond the last line,
/// is cut with an ellipsis.
fn wrap(text: &str, width: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut words = text.split_whitespace().peekable();
    for word in words.by_ref() {
        let extra = usize::from(!current.is_empty());
        if current.chars().count() + extra + word.chars().count() <= width {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
            continue;
        }
        if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        if out.len() == lines {
            break;
        }
        current = word.to_string();
        if current.chars().count() > width {
            current = shorten(&current, width);
        }
    }
    if !current.is_empty() && out.len() < lines {
        out.push(current);
        current = String::new();
    }
    let cut = !current.is_empty() || words.peek().is_some() || out.len() > lines;
    out.truncate(lines);
    if cut {
        if let Some(last) = out.last_mut() {
            let kept: String = last.chars().take(width.saturating_sub(1)).collect();
            *last = format!("{}…", kept.trim_end());
        }
    }
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
        assert_eq!(
            ticks(0.0, 10.0),
            (0..=5).map(|k| f64::from(k) * 2.0).collect::<Vec<_>>()
        );
        // 186,000 / 8 = 23,250: steps of 25,000, seven ticks to read by.
        assert_eq!(
            ticks(412_000.0, 598_000.0),
            (0..7)
                .map(|k| 425_000.0 + f64::from(k) * 25_000.0)
                .collect::<Vec<_>>()
        );
    }

    /// Found by an outside tester: costs near 1e24 made the steps too
    /// small to move the value, and the loop never ended.
    #[test]
    fn ticks_end_for_huge_and_for_non_finite_ranges() {
        let t = ticks(1e24, 1e24 * (1.0 + 1e-15));
        assert!(!t.is_empty() && t.len() <= 21, "{t:?}");
        assert!(ticks(0.0, f64::INFINITY).is_empty());
        assert!(ticks(f64::NAN, 1.0).is_empty());
        assert_eq!(ticks(5.0, 5.0), [5.0]);
    }

    #[test]
    fn long_labels_wrap_onto_a_second_line_before_they_are_cut() {
        assert_eq!(wrap("Detailed design", 32, 2), ["Detailed design"]);
        assert_eq!(
            wrap("Controller panels (4 off), built and factory tested", 32, 2),
            ["Controller panels (4 off), built", "and factory tested"]
        );
        let cut = wrap(
            "Commissioning of the plant controller with the client's operators present on site",
            32,
            2,
        );
        assert_eq!(cut.len(), 2);
        assert!(
            cut[1].ends_with('…') && cut[1].chars().count() <= 32,
            "{cut:?}"
        );
    }

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(escape("Pumps\u{1}\u{7f} & co"), "Pumps &amp; co");
    }

    #[test]
    fn labels_are_escaped() {
        let svg = tornado("Drivers", "the cost", &[("Pumps & <valves>".into(), 0.5)]);
        assert!(svg.contains("Pumps &amp; &lt;valves&gt;"));
        assert!(!svg.contains("<valves>"));
    }
}
