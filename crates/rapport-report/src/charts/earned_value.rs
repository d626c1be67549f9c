//! The earned-value chart of a project: planned value along the baseline,
//! earned value and actual cost at each status date, the budget line, and
//! the forecast from the latest actual cost to the estimate at completion
//! at the forecast finish.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};

use super::{escape, open, ticks, FONT, HEIGHT, LEFT, TOP, WIDTH};

/// The series of one project, every value computed by the caller.
pub struct EarnedValueSeries<'a> {
    /// Cumulative planned value at the start (0) and at each period end.
    pub planned: &'a [(NaiveDate, f64)],
    /// (status date, EV, AC), oldest first.
    pub status: &'a [(NaiveDate, f64, f64)],
    pub bac: f64,
    /// (forecast finish, estimate at completion), when there is a forecast.
    pub forecast: Option<(NaiveDate, f64)>,
}

const RIGHT_MARGIN: f64 = 24.0;
const BOTTOM_MARGIN: f64 = 52.0;
const PV: &str = "#5b6475";
// Blue and orange: told apart by readers with red-green colour blindness.
const EV: &str = "#1d4e89";
const AC: &str = "#c2410c";

pub fn earned_value(
    title: &str,
    series: &EarnedValueSeries<'_>,
    money: &dyn Fn(f64) -> String,
) -> String {
    let mut out = String::new();
    open(&mut out, title, HEIGHT);
    let day = |d: NaiveDate| d.num_days_from_ce() as f64;
    let dates = series
        .planned
        .iter()
        .map(|(d, _)| *d)
        .chain(series.status.iter().map(|(d, _, _)| *d))
        .chain(series.forecast.map(|(d, _)| d));
    let (first, last) = dates.fold((None::<NaiveDate>, None::<NaiveDate>), |(lo, hi), d| {
        (
            Some(lo.map_or(d, |l| l.min(d))),
            Some(hi.map_or(d, |h| h.max(d))),
        )
    });
    let (Some(first), Some(last)) = (first, last) else {
        return out + "</svg>";
    };
    let top_value = series
        .status
        .iter()
        .flat_map(|(_, ev, ac)| [*ev, *ac])
        .chain(series.forecast.map(|(_, eac)| eac))
        .fold(series.bac, f64::max)
        * 1.05;
    let (x0, x1) = (day(first), day(last).max(day(first) + 1.0));
    let plot_w = WIDTH - LEFT - RIGHT_MARGIN;
    let plot_h = HEIGHT - TOP - BOTTOM_MARGIN;
    let x = |d: NaiveDate| LEFT + (day(d) - x0) / (x1 - x0) * plot_w;
    let y = |v: f64| TOP + plot_h * (1.0 - v / top_value.max(1e-9));
    let bottom = TOP + plot_h;

    // Money gridlines and labels.
    for t in ticks(0.0, top_value) {
        let _ = write!(
            out,
            "<line x1=\"{LEFT}\" y1=\"{gy:.1}\" x2=\"{r:.1}\" y2=\"{gy:.1}\" stroke=\"#eceef2\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10.5\" text-anchor=\"end\" fill=\"#3b4252\" {FONT}>{}</text>",
            LEFT - 6.0,
            y(t) + 4.0,
            escape(&money(t)),
            gy = y(t),
            r = WIDTH - RIGHT_MARGIN
        );
    }
    // Dates: about six evenly spaced.
    let span = (x1 - x0).max(1.0);
    for k in 0..=5 {
        let d = first + chrono::Duration::days((span * f64::from(k) / 5.0).round() as i64);
        // The end labels inside the chart, not cut at its edges.
        let anchor = match k {
            0 => "start",
            5 => "end",
            _ => "middle",
        };
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10.5\" text-anchor=\"{anchor}\" fill=\"#3b4252\" {FONT}>{}</text>",
            x(d),
            bottom + 16.0,
            d.format("%-d %b %Y")
        );
    }
    let _ = write!(
        out,
        "<line x1=\"{LEFT}\" y1=\"{bottom:.1}\" x2=\"{r:.1}\" y2=\"{bottom:.1}\" stroke=\"#5b6475\"/>",
        r = WIDTH - RIGHT_MARGIN
    );
    // The budget.
    let _ = write!(
        out,
        "<line x1=\"{LEFT}\" y1=\"{by:.1}\" x2=\"{r:.1}\" y2=\"{by:.1}\" stroke=\"#1d2330\" stroke-dasharray=\"2 3\"/>\
         <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10.5\" fill=\"#1d2330\" {FONT}>BAC {}</text>",
        LEFT + 4.0,
        y(series.bac) - 4.0,
        escape(&money(series.bac)),
        by = y(series.bac),
        r = WIDTH - RIGHT_MARGIN
    );
    let path = |points: &mut dyn Iterator<Item = (f64, f64)>| -> String {
        let mut d = String::new();
        for (k, (px, py)) in points.enumerate() {
            let _ = write!(d, "{}{px:.1},{py:.1}", if k == 0 { "M" } else { " L" });
        }
        d
    };
    let planned = path(&mut series.planned.iter().map(|(d, v)| (x(*d), y(*v))));
    let earned = path(&mut series.status.iter().map(|(d, ev, _)| (x(*d), y(*ev))));
    let actual = path(&mut series.status.iter().map(|(d, _, ac)| (x(*d), y(*ac))));
    let _ = write!(
        out,
        "<path d=\"{planned}\" fill=\"none\" stroke=\"{PV}\" stroke-width=\"2\" stroke-dasharray=\"6 3\"/>\
         <path d=\"{earned}\" fill=\"none\" stroke=\"{EV}\" stroke-width=\"2.4\"/>\
         <path d=\"{actual}\" fill=\"none\" stroke=\"{AC}\" stroke-width=\"2.4\"/>"
    );
    for (d, ev, ac) in series.status {
        let _ = write!(
            out,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{EV}\"/><circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{AC}\"/>",
            x(*d),
            y(*ev),
            x(*d),
            y(*ac)
        );
    }
    if let (Some((finish, eac)), Some((d, _, ac))) = (series.forecast, series.status.last()) {
        let _ = write!(
            out,
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{AC}\" stroke-width=\"1.6\" stroke-dasharray=\"5 4\"/>\
             <circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"white\" stroke=\"{AC}\" stroke-width=\"1.6\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10.5\" text-anchor=\"end\" fill=\"{AC}\" {FONT}>EAC {}</text>",
            x(*d),
            y(*ac),
            x(finish),
            y(eac),
            x(finish),
            y(eac),
            x(finish) - 6.0,
            y(eac) - 7.0,
            escape(&money(eac))
        );
    }
    // Legend below the axis.
    let legend = [
        (PV, "Planned value (baseline)"),
        (EV, "Earned value"),
        (AC, "Actual cost"),
    ];
    for (k, (colour, label)) in legend.iter().enumerate() {
        let lx = LEFT + 170.0 * k as f64;
        let _ = write!(
            out,
            "<rect x=\"{lx:.1}\" y=\"{:.1}\" width=\"14\" height=\"3\" fill=\"{colour}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"#1d2330\" {FONT}>{label}</text>",
            HEIGHT - 17.0,
            lx + 19.0,
            HEIGHT - 12.0
        );
    }
    out + "</svg>"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_chart_draws_every_series_and_the_forecast() {
        let planned = [
            (date("2025-12-31"), 0.0),
            (date("2026-01-31"), 30_000.0),
            (date("2026-02-28"), 90_000.0),
        ];
        let status = [(date("2026-01-31"), 24_000.0, 26_500.0)];
        let svg = earned_value(
            "Earned value",
            &EarnedValueSeries {
                planned: &planned,
                status: &status,
                bac: 90_000.0,
                forecast: Some((date("2026-03-20"), 99_000.0)),
            },
            &|v| format!("{v:.0}"),
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<path").count(), 3);
        assert!(svg.contains("EAC 99000"));
        assert!(svg.contains("BAC 90000"));
    }

    #[test]
    fn a_project_without_status_still_draws_its_baseline() {
        let planned = [(date("2025-12-31"), 0.0), (date("2026-01-31"), 10.0)];
        let svg = earned_value(
            "Earned value",
            &EarnedValueSeries {
                planned: &planned,
                status: &[],
                bac: 10.0,
                forecast: None,
            },
            &|v| format!("{v:.0}"),
        );
        assert!(svg.contains("Planned value"));
        assert!(!svg.contains("EAC"));
    }
}
