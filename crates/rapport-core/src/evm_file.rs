//! The offline earned-value file (`rapport evm FILE`): a TOML baseline and
//! its status points, documented in `docs/evm-file.md`.
//!
//! Owns parsing and the mapping of every error to a line and column of the
//! file. It does not read the file (the CLI does) nor format results.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::evm::{self, Baseline, Calendar, EvmError, EvmMetrics, StatusPoint};

use crate::located::date_value;
pub use crate::located::{line_and_column, FileError};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    project: RawProject,
    #[serde(default)]
    status: Vec<Spanned<RawStatus>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProject {
    name: String,
    currency: Option<String>,
    bac: Spanned<f64>,
    planned: Spanned<Vec<Spanned<f64>>>,
    start: Option<Spanned<toml::Value>>,
    period_ends: Option<Spanned<Vec<Spanned<toml::Value>>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStatus {
    /// Read as any value, so that `6.5` or `"3"` gets a sentence rather
    /// than serde's "invalid type: floating point, expected i64".
    period: Option<Spanned<toml::Value>>,
    /// The alternative to `period`: the status date, placed in the
    /// baseline by the period end dates as the API places a stored status.
    date: Option<Spanned<toml::Value>>,
    ev: Spanned<f64>,
    ac: Spanned<f64>,
    eac: Option<Spanned<f64>>,
    comment: Option<String>,
}

/// A parsed, validated earned-value file.
#[derive(Debug, Clone)]
pub struct EvmFile {
    pub name: String,
    /// The first day of period 1, when the file gives it.
    pub start: Option<NaiveDate>,
    pub currency: Option<String>,
    pub baseline: Baseline,
    pub status: Vec<StatusEntry>,
}

/// One `[[status]]` of the file, as given and as placed in the baseline.
#[derive(Debug, Clone)]
pub struct StatusEntry {
    /// The whole period the status was given at, when given by `period`.
    pub period: Option<u32>,
    /// The status date: as given, or the end of the given period when the
    /// file has `period_ends`.
    pub date: Option<NaiveDate>,
    pub point: StatusPoint,
    pub comment: Option<String>,
}

/// What `rapport evm` reports: the project and the metrics per status.
#[derive(Debug, Clone, Serialize)]
pub struct EvmFileReport {
    pub project: ProjectSummary,
    pub status: Vec<StatusReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProjectSummary {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    pub bac: f64,
    /// Planned duration PD, in periods.
    pub planned_duration: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub planned_finish: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusReport {
    /// The period given in the file; null for a status given by date.
    pub period: Option<u32>,
    /// The status date, when the file gives one or has `period_ends`.
    pub status_date: Option<NaiveDate>,
    /// Actual time AT in periods (fractional for a date inside a period).
    pub at: f64,
    #[serde(flatten)]
    pub metrics: EvmMetrics,
    pub comment: Option<String>,
}

/// A date of the file, its errors naming the field.
fn field_date(
    value: &Spanned<toml::Value>,
    source: &str,
    field: &str,
) -> Result<NaiveDate, FileError> {
    date_value(value.get_ref(), value.span(), source).map_err(|mut e| {
        e.message = format!("{field}: {}", e.message);
        e
    })
}

fn whole_period(given: &Spanned<toml::Value>, source: &str) -> Result<u32, FileError> {
    let value = given.get_ref();
    value
        .as_integer()
        .and_then(|p| u32::try_from(p).ok())
        .filter(|p| *p > 0)
        .ok_or_else(|| {
            FileError::at(
                source,
                given.span(),
                format!("status.period: {value} is not a period; give the whole number of the period at whose end the status was taken (1, 2, …), or the status date as `date = \"2026-06-15\"`"),
            )
        })
}

/// The date period `period` ends, when the baseline has dates and the
/// period is within it.
fn period_end(baseline: &Baseline, period: u32) -> Option<NaiveDate> {
    let index = usize::try_from(period).ok()?.checked_sub(1)?;
    baseline.calendar()?.period_ends().get(index).copied()
}

impl EvmFile {
    /// Parses and validates the text of an earned-value file.
    pub fn parse(source: &str) -> Result<Self, FileError> {
        let raw: RawFile = toml::from_str(source).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            FileError::at(source, span, e.message().trim().replace('\n', ": "))
        })?;
        let project = raw.project;

        let start = project
            .start
            .as_ref()
            .map(|d| field_date(d, source, "project.start"))
            .transpose()?;
        let calendar = match &project.period_ends {
            Some(ends) => {
                let dates = ends
                    .get_ref()
                    .iter()
                    .map(|d| field_date(d, source, "project.period_ends"))
                    .collect::<Result<Vec<_>, _>>()?;
                let calendar = Calendar::new(start, dates).map_err(|e| {
                    let span = match &e {
                        EvmError::PeriodEndsNotIncreasing { period, .. } => {
                            ends.get_ref()[period - 1].span()
                        }
                        EvmError::StartNotBeforeFirstPeriod { .. } => {
                            project.start.as_ref().map_or(ends.span(), |s| s.span())
                        }
                        _ => ends.span(),
                    };
                    FileError::at(source, span, format!("project.period_ends: {e}"))
                })?;
                Some(calendar)
            }
            None => None,
        };

        let planned: Vec<f64> = project
            .planned
            .get_ref()
            .iter()
            .map(|v| *v.get_ref())
            .collect();
        let baseline = Baseline::new(*project.bac.get_ref(), planned, calendar).map_err(|e| {
            let points = project.planned.get_ref();
            let (field, span) = match &e {
                EvmError::NonPositiveBudget(_) => ("project.bac", project.bac.span()),
                EvmError::NegativePlannedValue { period, .. }
                | EvmError::DecreasingPlannedValue { period, .. } => {
                    ("project.planned", points[period - 1].span())
                }
                EvmError::BaselineDoesNotReachBudget { .. } => (
                    "project.planned",
                    points.last().map_or(project.planned.span(), |p| p.span()),
                ),
                EvmError::PeriodEndCount { .. } => (
                    "project.period_ends",
                    project
                        .period_ends
                        .as_ref()
                        .map_or(project.planned.span(), |p| p.span()),
                ),
                _ => ("project.planned", project.planned.span()),
            };
            FileError::at(source, span, format!("{field}: {e}"))
        })?;

        let mut status = Vec::with_capacity(raw.status.len());
        let mut points = Vec::with_capacity(raw.status.len());
        // Where each status's time was given, for errors about its order.
        let mut spans = Vec::with_capacity(raw.status.len());
        for entry in &raw.status {
            let s = entry.get_ref();
            let (period, date, at, span) = match (&s.period, &s.date) {
                (Some(given), None) => {
                    let period = whole_period(given, source)?;
                    let date = period_end(&baseline, period);
                    (Some(period), date, f64::from(period), given.span())
                }
                (None, Some(given)) => {
                    let date = field_date(given, source, "status.date")?;
                    let calendar = baseline.calendar().ok_or_else(|| {
                        FileError::at(
                            source,
                            given.span(),
                            "status.date needs project.period_ends (the date each period ends) to place the date in the baseline; add them, or give the status by `period`".to_string(),
                        )
                    })?;
                    if date <= calendar.start() {
                        return Err(FileError::at(
                            source,
                            given.span(),
                            format!(
                                "status.date {date} is not after the baseline start ({}); a status measures progress made since the start",
                                calendar.start()
                            ),
                        ));
                    }
                    (None, Some(date), calendar.time_at(date), given.span())
                }
                (Some(given), Some(_)) => {
                    return Err(FileError::at(
                        source,
                        given.span(),
                        "[[status]] has both `period` and `date`; give one of them".to_string(),
                    ))
                }
                (None, None) => {
                    return Err(FileError::at(
                        source,
                        entry.span(),
                        "[[status]] needs `period` (the whole period at whose end it was taken) or `date` (\"2026-06-15\")".to_string(),
                    ))
                }
            };
            spans.push(span);
            let point = StatusPoint {
                at,
                ev: *s.ev.get_ref(),
                ac: *s.ac.get_ref(),
                manager_eac: s.eac.as_ref().map(|e| *e.get_ref()),
            };
            points.push(point.clone());
            status.push(StatusEntry {
                period,
                date,
                point,
                comment: s.comment.clone(),
            });
        }
        evm::analyse_series(&baseline, &points).map_err(|e| {
            let entry = |index: usize| raw.status[index - 1].get_ref();
            let span = match &e {
                EvmError::NegativeAmount { index, field, .. } => match *field {
                    "ev" => entry(*index).ev.span(),
                    "ac" => entry(*index).ac.span(),
                    _ => entry(*index)
                        .eac
                        .as_ref()
                        .map_or(raw.status[index - 1].span(), |s| s.span()),
                },
                EvmError::StatusOutOfOrder { index, .. }
                | EvmError::NonPositiveTime { index, .. } => spans[index - 1].clone(),
                _ => 0..0,
            };
            let message = match &e {
                EvmError::StatusOutOfOrder { index, .. } => {
                    let name = |i: usize| {
                        let s = &status[i];
                        match (s.period, s.date) {
                            (Some(p), Some(d)) => format!("period {p}, {d}"),
                            (Some(p), None) => format!("period {p}"),
                            (None, Some(d)) => d.to_string(),
                            (None, None) => format!("time {:.2}", s.point.at),
                        }
                    };
                    format!(
                        "[[status]] {index} ({}) is not after the status before it ({}); list the statuses oldest first, one per date",
                        name(index - 1),
                        name(index - 2)
                    )
                }
                _ => format!("[[status]] {e}"),
            };
            FileError::at(source, span, message)
        })?;

        Ok(Self {
            start,
            name: project.name,
            currency: project.currency,
            baseline,
            status,
        })
    }

    /// Runs the engine over every status point.
    pub fn report(&self) -> EvmFileReport {
        let calendar = self.baseline.calendar();
        // Money to the currency's minor unit (cents without a currency).
        let digits = self
            .currency
            .as_deref()
            .and_then(|code| crate::domain::Currency::parse(code).ok())
            .map_or(2, |c| c.minor_digits());
        EvmFileReport {
            project: ProjectSummary {
                name: self.name.clone(),
                currency: self.currency.clone(),
                bac: self.baseline.bac(),
                planned_duration: self.baseline.planned_duration(),
                start: self.start,
                planned_finish: calendar.and_then(|c| c.period_ends().last().copied()),
            },
            status: self
                .status
                .iter()
                .map(|s| StatusReport {
                    period: s.period,
                    status_date: s.date,
                    at: s.point.at,
                    metrics: evm::analyse(&self.baseline, &s.point).money_to(digits),
                    comment: s.comment.clone(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PUMP_STATION: &str = r#"
[project]
name = "Pump station retrofit"
currency = "USD"
bac = 420000
planned = [30000, 90000, 180000, 300000, 420000]
period_ends = ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31"]

[[status]]
period = 3
ev = 150000
ac = 171000
eac = 455000
"#;

    #[test]
    fn the_documented_example_parses_and_reports() {
        let file = EvmFile::parse(PUMP_STATION).unwrap();
        let report = file.report();
        assert_eq!(report.project.planned_duration, 5);
        let status = &report.status[0];
        assert_eq!(status.period, Some(3));
        // PV(3) = 180,000; SV = −30,000; CPI = 150/171.
        assert_eq!(status.metrics.pv, 180_000.0);
        assert_eq!(status.metrics.sv, -30_000.0);
        assert_eq!(status.metrics.eac.manager, Some(455_000.0));
        // ES = 2 + (150 − 90)/(180 − 90) = 2.667 periods.
        assert!((status.metrics.es - (2.0 + 60.0 / 90.0)).abs() < 1e-12);
    }

    /// Every key of the output table in docs/evm-file.md is in the JSON
    /// (dotted keys nested), each a number or null, and the variances
    /// are what the table's formulas say. `forecast_note` is present only
    /// when there is no forecast date, so it is not expected here.
    #[test]
    fn json_output_has_the_documented_keys() {
        let doc = include_str!("../../../docs/evm-file.md");
        let keys: Vec<&str> = doc
            .lines()
            .skip_while(|l| !l.starts_with("| key | formula"))
            .skip(2)
            .take_while(|l| l.starts_with('|'))
            .filter(|row| !row.contains("present only then"))
            .flat_map(|row| {
                let first = row.split('|').nth(1).unwrap_or("");
                first.split('`').skip(1).step_by(2).collect::<Vec<_>>()
            })
            .collect();
        assert!(keys.len() >= 20, "the table was read: {keys:?}");
        let report = EvmFile::parse(PUMP_STATION).unwrap().report();
        let json = serde_json::to_value(&report).unwrap();
        let status = &json["status"][0];
        for key in &keys {
            let value = key
                .split('.')
                .try_fold(status, |v, part| v.get(part))
                .unwrap_or_else(|| panic!("documented key {key} is missing from {status}"));
            let is_text = matches!(*key, "forecast_finish" | "status_date" | "comment");
            assert!(
                value.is_number() || value.is_null() || (is_text && value.is_string()),
                "{key} is {value}"
            );
        }
        let n = |key: &str| status[key].as_f64().unwrap();
        assert_eq!(n("sv"), n("ev") - n("pv"));
        assert_eq!(n("cv"), n("ev") - n("ac"));
        assert_eq!(n("percent_complete"), 100.0 * n("ev") / 420_000.0);
        assert_eq!(json["project"]["name"], "Pump station retrofit");
    }

    fn error_of(source: &str) -> FileError {
        EvmFile::parse(source).expect_err("the file should be refused")
    }

    #[test]
    fn broken_toml_reports_line_and_column() {
        let e = error_of("[project]\nname = \"x\"\nbac = = 5\n");
        assert_eq!(e.line, 3, "{e}");
        assert!(e.column >= 5, "{e}");
    }

    #[test]
    fn wrong_type_reports_the_field() {
        let e = error_of("[project]\nname = \"x\"\nbac = \"lots\"\nplanned = [1]\n");
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("invalid type"), "{e}");
    }

    /// Issue 10, point 10: a fractional or quoted period is told in words.
    #[test]
    fn a_period_that_is_not_a_whole_number_is_refused_in_words() {
        for (given, shown) in [("6.5", "6.5"), ("\"3\"", "\"3\""), ("-2", "-2")] {
            let e = error_of(&format!(
                "[project]\nname = \"x\"\nbac = 10\nplanned = [5, 10]\n[[status]]\nperiod = {given}\nev = 1\nac = 1\n"
            ));
            assert_eq!(e.line, 6, "{e}");
            assert!(
                e.message.contains(&format!(
                    "status.period: {shown} is not a period; give the whole number"
                )),
                "{e}"
            );
        }
    }

    /// Issue 10, point 10: a status by date is placed as the API places a
    /// stored record. Period 3 runs from 2026-02-28 to 2026-03-31 (31
    /// days); on 2026-03-20, 20 days have passed: AT = 2 + 20/31.
    #[test]
    fn a_status_by_date_is_placed_inside_its_period() {
        let source = PUMP_STATION.replace("period = 3", "date = \"2026-03-20\"");
        let report = EvmFile::parse(&source).unwrap().report();
        let status = &report.status[0];
        assert_eq!(status.period, None);
        assert_eq!(status.status_date, Some("2026-03-20".parse().unwrap()));
        let at = 2.0 + 20.0 / 31.0;
        assert!((status.at - at).abs() < 1e-12);
        // PV interpolates linearly inside period 3: 90,000 + 90,000 × 20/31.
        let pv = 90_000.0 + 90_000.0 * 20.0 / 31.0;
        assert!(
            (status.metrics.pv - pv).abs() < 0.005,
            "{}",
            status.metrics.pv
        );
        // By period, the date is the period's end.
        let by_period = EvmFile::parse(PUMP_STATION).unwrap().report();
        assert_eq!(
            by_period.status[0].status_date,
            Some("2026-03-31".parse().unwrap())
        );
    }

    #[test]
    fn a_status_needs_exactly_one_of_period_and_date() {
        let both = PUMP_STATION.replace("period = 3", "period = 3\ndate = \"2026-03-20\"");
        assert!(error_of(&both).message.contains("both `period` and `date`"));
        let neither = PUMP_STATION.replace("period = 3\n", "");
        let e = error_of(&neither);
        assert!(e.message.contains("needs `period`"), "{e}");
        assert_eq!(e.line, 9, "{e}");
        let undated = "[project]\nname = \"x\"\nbac = 10\nplanned = [5, 10]\n[[status]]\ndate = \"2026-01-10\"\nev = 1\nac = 1\n";
        let e = error_of(undated);
        assert!(e.message.contains("needs project.period_ends"), "{e}");
        assert_eq!(e.line, 6, "{e}");
        let early = PUMP_STATION.replace("period = 3", "date = \"2025-12-01\"");
        let e = error_of(&early);
        assert!(e.message.contains("not after the baseline start"), "{e}");
        assert_eq!(e.line, 10, "{e}");
    }

    #[test]
    fn decreasing_curve_points_at_the_offending_value() {
        let e = error_of("[project]\nname = \"x\"\nbac = 10\nplanned = [5, 4, 10]\n");
        assert_eq!((e.line, e.column), (4, 15), "{e}");
        assert!(e.message.contains("decreases at period 2"), "{e}");
    }

    #[test]
    fn negative_budget_points_at_bac() {
        let e = error_of("[project]\nname = \"x\"\nbac = -10\nplanned = [5, 10]\n");
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("project.bac"), "{e}");
    }

    #[test]
    fn status_out_of_order_points_at_the_period() {
        let source = "[project]\nname = \"x\"\nbac = 10\nplanned = [5, 10]\n\
                      [[status]]\nperiod = 2\nev = 5\nac = 5\n\
                      [[status]]\nperiod = 1\nev = 6\nac = 6\n";
        let e = error_of(source);
        assert_eq!(e.line, 10, "{e}");
        assert!(
            e.message
                .contains("[[status]] 2 (period 1) is not after the status before it (period 2)"),
            "{e}"
        );
    }

    #[test]
    fn period_zero_is_refused() {
        let e = error_of("[project]\nname = \"x\"\nbac = 10\nplanned = [10]\n[[status]]\nperiod = 0\nev = 1\nac = 1\n");
        assert_eq!(e.line, 6, "{e}");
    }

    #[test]
    fn unknown_fields_are_refused_rather_than_ignored() {
        let e = error_of("[project]\nname = \"x\"\nbac = 10\nplanned = [10]\nplaned = [1]\n");
        assert_eq!(e.line, 5, "{e}");
        assert!(e.message.contains("unknown field"), "{e}");
    }

    #[test]
    fn native_toml_dates_are_accepted() {
        let source = "[project]\nname = \"x\"\nbac = 10\nplanned = [5, 10]\nperiod_ends = [2026-01-31, 2026-02-28]\n";
        let file = EvmFile::parse(source).unwrap();
        assert!(file.baseline.calendar().is_some());
    }

    #[test]
    fn line_and_column_count_characters() {
        assert_eq!(line_and_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_and_column("é\nx", 3), (2, 1));
    }
}
