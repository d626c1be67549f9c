//! News to share: the facts a client rep must hear from the PM before
//! anyone else tells them, found by comparing today's forecast with what
//! the client was last told.
//!
//! What this module owns: the rules and their defaults, how an account or
//! a client rep tightens them, the evaluation of a project's situation
//! into findings (each with a severity and a stable key), the deadline of
//! each finding in business days, and what counts as a surprise. It does
//! not own storage, or how a finding becomes told (the store records the
//! telling in the ledger, after which the same facts are no longer news).
//!
//! News is a *difference*: a CPI of 0.88 is news until the client has
//! been told 0.88; after that only a further fall of [`RATIO_STEP`] is.
//! A forecast finish or cost is measured against the ledger's latest
//! entry, or, before anything was told, against the baseline the client
//! signed. So fixing the cause or telling the client both close the item.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::{text_enum, Currency, ValidationErrors};

pub mod workdays;

use workdays::{add_business_days, business_days_between};

text_enum! {
    /// How bad: critical news is told the same business day.
    Severity { Critical => "critical", Major => "major" }
}

text_enum! {
    /// Which rule found the news.
    NewsRule {
        CpiBelow => "cpi_below",
        SpiTBelow => "spi_t_below",
        FinishSlip => "finish_slip",
        EacRise => "eac_rise",
        EstimateMove => "estimate_move",
        CommitmentAtRisk => "commitment_at_risk",
    }
}

text_enum! {
    /// An item of news moves open → told → acknowledged; one whose cause
    /// went away before anyone told the client is resolved.
    NewsState {
        Open => "open",
        Told => "told",
        Acknowledged => "acknowledged",
        Resolved => "resolved",
    }
}

/// A ratio already told is news again only when it falls more than this:
/// CPI told at 0.88 and now 0.85 is not news; 0.82 is.
pub const RATIO_STEP: f64 = 0.05;

/// The thresholds. The defaults are deliberately early: an index five
/// points under 1.00 is the usual amber line of earned-value dashboards
/// (the portfolio colours 0.90–1.00 amber, below 0.90 red), and a week's
/// slip or a 5 % overrun is the size a client rep would want to hear
/// about before their own management does.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rules {
    /// CPI below this is news (major; critical [`RATIO_STEP`] × 2 lower).
    pub cpi_below: f64,
    /// SPI(t) below this is news, as for CPI.
    pub spi_t_below: f64,
    /// A forecast finish later than told by more than this many business
    /// days is news (major; critical beyond four times as many).
    pub finish_slip_days: i64,
    /// A cost at completion above what was told by more than this percent
    /// is news (major; critical beyond three times as much).
    pub eac_rise_percent: f64,
    /// A new estimate version whose headline moves (either way) by more
    /// than this percent from the previous version is news (major;
    /// critical beyond two and a half times as much).
    pub estimate_move_percent: f64,
    /// An open promise to a client person due within this many business
    /// days is news (major; critical once overdue).
    pub commitment_warning_days: i64,
    /// Business days to tell critical news: 0 is the same business day.
    pub critical_deadline_days: i64,
    /// Business days to tell other news.
    pub major_deadline_days: i64,
}

pub const DEFAULT_RULES: Rules = Rules {
    cpi_below: 0.95,
    spi_t_below: 0.95,
    finish_slip_days: 5,
    eac_rise_percent: 5.0,
    estimate_move_percent: 10.0,
    commitment_warning_days: 2,
    critical_deadline_days: 0,
    major_deadline_days: 2,
};

/// An account's or a client rep's own settings: each may only tighten the
/// default (news sooner, told sooner), never loosen it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct RuleSettings {
    pub cpi_below: Option<f64>,
    pub spi_t_below: Option<f64>,
    pub finish_slip_days: Option<i64>,
    pub eac_rise_percent: Option<f64>,
    pub estimate_move_percent: Option<f64>,
    pub commitment_warning_days: Option<i64>,
    pub critical_deadline_days: Option<i64>,
    pub major_deadline_days: Option<i64>,
}

impl RuleSettings {
    /// Checks each setting: within its range, and no looser than the
    /// default.
    pub fn new(s: RuleSettings) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let d = DEFAULT_RULES;
        let mut ratio = |field: &str, v: Option<f64>, default: f64| {
            if let Some(v) = v {
                if !(v.is_finite() && (default..=1.5).contains(&v)) {
                    errors.add(field, format!("must be from {default} (the default; a setting may only tighten it) to 1.5, not {v}"));
                }
            }
        };
        ratio("cpi_below", s.cpi_below, d.cpi_below);
        ratio("spi_t_below", s.spi_t_below, d.spi_t_below);
        let mut at_most = |field: &str, v: Option<f64>, default: f64| {
            if let Some(v) = v {
                if !(v.is_finite() && (0.0..=default).contains(&v)) {
                    errors.add(field, format!("must be from 0 to {default} (the default; a setting may only tighten it), not {v}"));
                }
            }
        };
        at_most(
            "finish_slip_days",
            s.finish_slip_days.map(|v| v as f64),
            d.finish_slip_days as f64,
        );
        at_most("eac_rise_percent", s.eac_rise_percent, d.eac_rise_percent);
        at_most(
            "estimate_move_percent",
            s.estimate_move_percent,
            d.estimate_move_percent,
        );
        at_most(
            "critical_deadline_days",
            s.critical_deadline_days.map(|v| v as f64),
            d.critical_deadline_days as f64,
        );
        at_most(
            "major_deadline_days",
            s.major_deadline_days.map(|v| v as f64),
            d.major_deadline_days as f64,
        );
        if let Some(v) = s.commitment_warning_days {
            if !(d.commitment_warning_days..=20).contains(&v) {
                errors.add("commitment_warning_days", format!("must be from {} (the default; a setting may only tighten it) to 20, not {v}", d.commitment_warning_days));
            }
        }
        errors.into_result(s)
    }
}

impl Rules {
    /// These rules with `s` applied where it is stricter.
    pub fn tightened(self, s: &RuleSettings) -> Rules {
        Rules {
            cpi_below: s
                .cpi_below
                .map_or(self.cpi_below, |v| v.max(self.cpi_below)),
            spi_t_below: s
                .spi_t_below
                .map_or(self.spi_t_below, |v| v.max(self.spi_t_below)),
            finish_slip_days: s
                .finish_slip_days
                .map_or(self.finish_slip_days, |v| v.min(self.finish_slip_days)),
            eac_rise_percent: s
                .eac_rise_percent
                .map_or(self.eac_rise_percent, |v| v.min(self.eac_rise_percent)),
            estimate_move_percent: s
                .estimate_move_percent
                .map_or(self.estimate_move_percent, |v| {
                    v.min(self.estimate_move_percent)
                }),
            commitment_warning_days: s
                .commitment_warning_days
                .map_or(self.commitment_warning_days, |v| {
                    v.max(self.commitment_warning_days)
                }),
            critical_deadline_days: s
                .critical_deadline_days
                .map_or(self.critical_deadline_days, |v| {
                    v.min(self.critical_deadline_days)
                }),
            major_deadline_days: s.major_deadline_days.map_or(self.major_deadline_days, |v| {
                v.min(self.major_deadline_days)
            }),
        }
    }
}

/// One figure the client rep believes, and where they learned it: the
/// ledger entry that last told it (a report sent, a conversation marked
/// "told"), or the baseline when nothing has been told yet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figure<T> {
    pub value: Option<T>,
    /// The ledger entry's id; `None` for the baseline.
    pub entry: Option<i64>,
    pub on: NaiveDate,
}

impl<T> Figure<T> {
    /// What a finding keyed on this figure differs from.
    fn since(&self) -> String {
        match self.entry {
            Some(id) => format!("told:{id}"),
            None => "baseline".to_string(),
        }
    }

    /// "last told on …" or "agreed in the baseline", for a sentence.
    fn when(&self) -> String {
        match self.entry {
            Some(_) => format!("last told on {}", self.on),
            None => "agreed in the baseline".to_string(),
        }
    }
}

/// What the client rep now believes, figure by figure. Each figure moves
/// only when it is told, so telling one piece of news does not pass for
/// telling another.
#[derive(Debug, Clone, PartialEq)]
pub struct Told {
    pub forecast_finish: Figure<NaiveDate>,
    pub eac_minor: Figure<i64>,
    pub cpi: Figure<f64>,
    pub spi_t: Figure<f64>,
}

impl NewsRule {
    /// Whether telling this news updates a figure of the ledger (the
    /// others are closed by their own item being told).
    pub fn moves_the_ledger(self) -> bool {
        matches!(
            self,
            NewsRule::CpiBelow | NewsRule::SpiTBelow | NewsRule::FinishSlip | NewsRule::EacRise
        )
    }
}

/// Today's forecast, from the latest status record.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    pub status_date: NaiveDate,
    pub cpi: Option<f64>,
    pub spi_t: Option<f64>,
    pub forecast_finish: Option<NaiveDate>,
    pub eac_minor: Option<i64>,
    /// Whether the EAC is the PM's own (else BAC / CPI).
    pub manager_eac: bool,
}

/// The latest estimate version against the one before it.
#[derive(Debug, Clone, PartialEq)]
pub struct EstimateChange {
    pub version: i64,
    pub headline_minor: i64,
    pub previous_version: i64,
    pub previous_minor: i64,
}

/// An open promise made to a client person.
#[derive(Debug, Clone, PartialEq)]
pub struct PromiseToClient {
    pub id: i64,
    pub description: String,
    pub due_on: NaiveDate,
    pub promised_to: String,
}

/// Everything the rules look at, for one project.
#[derive(Debug, Clone)]
pub struct Situation {
    pub currency: Currency,
    pub forecast: Option<Forecast>,
    pub told: Told,
    pub estimate: Option<EstimateChange>,
    pub promises: Vec<PromiseToClient>,
}

/// One item of news found.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: NewsRule,
    /// Stable while the same facts stand: the rule and what it differs
    /// from (the ledger entry, the estimate version, the promise and its
    /// due date), so evaluating again finds the same item, and the same
    /// rule firing after a new telling is a new item.
    pub key: String,
    pub severity: Severity,
    /// For the project manager: what changed, against which rule.
    pub message: String,
    /// For the client, as a report states it: the same facts without the
    /// rule's thresholds or the PM's shorthand.
    pub client_message: String,
    /// A day the news must be told by whatever its severity (a promise is
    /// told about before it falls due, not after).
    pub tell_by: Option<NaiveDate>,
}

/// The news in a situation, by the rules, on `today`.
pub fn evaluate(rules: &Rules, s: &Situation, today: NaiveDate) -> Vec<Finding> {
    let mut found = Vec::new();
    if let Some(f) = &s.forecast {
        for (rule, name, value, told, threshold) in [
            (
                NewsRule::CpiBelow,
                "CPI",
                f.cpi,
                s.told.cpi,
                rules.cpi_below,
            ),
            (
                NewsRule::SpiTBelow,
                "SPI(t)",
                f.spi_t,
                s.told.spi_t,
                rules.spi_t_below,
            ),
        ] {
            let Some(value) = value else { continue };
            let since = told.since();
            let told = told.value;
            let known = told.is_some_and(|t| t < threshold && value >= t - RATIO_STEP);
            if value < threshold && !known {
                let severity = if value < threshold - 2.0 * RATIO_STEP {
                    Severity::Critical
                } else {
                    Severity::Major
                };
                let meaning = match rule {
                    NewsRule::CpiBelow => format!(
                        "each {c} 1 spent has earned {c} {value:.2} of the planned work",
                        c = s.currency.code()
                    ),
                    _ => format!(
                        "work is being done at {:.0}% of the planned pace",
                        (value * 100.0).round()
                    ),
                };
                let client_message = match rule {
                    NewsRule::CpiBelow => format!(
                        "Cost performance at the {} status is {value:.2}: each {c} 1 spent has earned {c} {value:.2} of the planned work.",
                        f.status_date,
                        c = s.currency.code()
                    ),
                    _ => format!(
                        "Progress at the {} status is running at {:.0}% of the planned pace.",
                        f.status_date,
                        (value * 100.0).round()
                    ),
                };
                let was = match told {
                    Some(t) => format!("; the client was last told {t:.2}"),
                    None => String::new(),
                };
                found.push(Finding {
                    rule,
                    key: format!("{}@{since}", rule.as_str()),
                    severity,
                    message: format!("{name} is {value:.2} at the {} status ({meaning}), below the {threshold:.2} the client is to hear about{was}.", f.status_date),
                    client_message,
                    tell_by: None,
                });
            }
        }
        let told = &s.told.forecast_finish;
        if let (Some(now), Some(then)) = (f.forecast_finish, told.value) {
            let (since, told_when) = (told.since(), told.when());
            let late = business_days_between(then, now);
            if late > rules.finish_slip_days {
                let severity = if late > 4 * rules.finish_slip_days.max(1) {
                    Severity::Critical
                } else {
                    Severity::Major
                };
                found.push(Finding {
                    rule: NewsRule::FinishSlip,
                    key: format!("finish_slip@{since}"),
                    severity,
                    message: format!("The forecast finish is {now}, {late} business days after the {then} {told_when}."),
                    client_message: format!(
                        "We now forecast finishing on {now}, {late} business days after the {then} {}.",
                        if told.entry.is_some() { "we last gave you" } else { "in the agreed plan" }
                    ),
                    tell_by: None,
                });
            }
        }
        let told = &s.told.eac_minor;
        if let (Some(now), Some(then)) = (f.eac_minor, told.value) {
            let (since, told_when) = (told.since(), told.when());
            if then > 0 {
                let rise = (now - then) as f64 / then as f64 * 100.0;
                if rise > rules.eac_rise_percent {
                    let severity = if rise > 3.0 * rules.eac_rise_percent.max(1.0) {
                        Severity::Critical
                    } else {
                        Severity::Major
                    };
                    let method = if f.manager_eac {
                        "the PM's estimate"
                    } else {
                        "BAC / CPI"
                    };
                    found.push(Finding {
                        rule: NewsRule::EacRise,
                        key: format!("eac_rise@{since}"),
                        severity,
                        message: format!(
                            "The cost at completion is now forecast at {} ({method}), more than {}% above the {} {told_when}.",
                            s.currency.say(now),
                            floor_tenth(rise),
                            s.currency.say(then)
                        ),
                        client_message: format!(
                            "We now forecast the cost at completion at {}, more than {}% above the {} {}.",
                            s.currency.say(now),
                            floor_tenth(rise),
                            s.currency.say(then),
                            if told.entry.is_some() { "we last gave you" } else { "of the agreed budget" }
                        ),
                        tell_by: None,
                    });
                }
            }
        }
    }
    if let Some(e) = &s.estimate {
        if e.previous_minor > 0 {
            let change =
                (e.headline_minor - e.previous_minor) as f64 / e.previous_minor as f64 * 100.0;
            if change.abs() > rules.estimate_move_percent {
                let severity = if change.abs() > 2.5 * rules.estimate_move_percent.max(1.0) {
                    Severity::Critical
                } else {
                    Severity::Major
                };
                found.push(Finding {
                    rule: NewsRule::EstimateMove,
                    key: format!("estimate_move@v{}", e.version),
                    severity,
                    message: format!(
                        "Estimate version {} puts the cost at {}, more than {}% {} version {} ({}).",
                        e.version,
                        s.currency.say(e.headline_minor),
                        floor_tenth(change.abs()),
                        if change > 0.0 { "above" } else { "below" },
                        e.previous_version,
                        s.currency.say(e.previous_minor)
                    ),
                    client_message: format!(
                        "The revised estimate puts the cost at {}, more than {}% {} the previous estimate of {}.",
                        s.currency.say(e.headline_minor),
                        floor_tenth(change.abs()),
                        if change > 0.0 { "above" } else { "below" },
                        s.currency.say(e.previous_minor)
                    ),
                    tell_by: None,
                });
            }
        }
    }
    for p in &s.promises {
        let left = business_days_between(today, p.due_on);
        if left <= rules.commitment_warning_days {
            let (severity, when) = if p.due_on < today {
                (
                    Severity::Critical,
                    format!("was due on {} and is not kept", p.due_on),
                )
            } else if p.due_on == today {
                (Severity::Major, "is due today".to_string())
            } else if left == 0 {
                // Due on a weekend day: no business day left, but not
                // today either.
                (
                    Severity::Major,
                    format!(
                        "is due on {} (a {}), before the next business day, and is still open",
                        p.due_on,
                        p.due_on.format("%A")
                    ),
                )
            } else {
                (
                    Severity::Major,
                    format!(
                        "is due on {}, in {left} business day{}, and is still open",
                        p.due_on,
                        if left == 1 { "" } else { "s" }
                    ),
                )
            };
            found.push(Finding {
                rule: NewsRule::CommitmentAtRisk,
                key: format!("commitment_at_risk@{}:{}", p.id, p.due_on),
                severity,
                message: format!(
                    "The promise to {} to \"{}\" {when}.",
                    p.promised_to, p.description
                ),
                client_message: format!(
                    "Promised to {}: \"{}\" {when}.",
                    p.promised_to, p.description
                ),
                // Before it falls due: afterwards the client knows anyway.
                tell_by: Some(p.due_on.max(today)),
            });
        }
    }
    found
}

/// A percentage rounded down to a tenth, so "more than 7.7%" stays true.
fn floor_tenth(percent: f64) -> String {
    format!("{:.1}", (percent * 10.0).floor() / 10.0)
}

/// The last day to tell a finding found on `found_on`: by its severity,
/// and never after its own tell-by day.
pub fn deadline_of(rules: &Rules, finding: &Finding, found_on: NaiveDate) -> NaiveDate {
    let by_severity = deadline(rules, finding.severity, found_on);
    finding
        .tell_by
        .map_or(by_severity, |by| by_severity.min(by))
}

/// The last day to tell news of `severity` found on `found_on`.
pub fn deadline(rules: &Rules, severity: Severity, found_on: NaiveDate) -> NaiveDate {
    let days = match severity {
        Severity::Critical => rules.critical_deadline_days,
        Severity::Major => rules.major_deadline_days,
    };
    add_business_days(found_on, u32::try_from(days.max(0)).unwrap_or(0))
}

/// Whether news told on `told_on` (or learned by the client from someone
/// else) came as a surprise: told after its deadline, or not by the PM.
pub fn is_surprise(deadline: NaiveDate, told_on: NaiveDate, learned_elsewhere: bool) -> bool {
    learned_elsewhere || told_on > deadline
}

/// When a reader with a report cadence of `cadence_days` is due their
/// next report: `cadence_days` after the last one sent (or after `since`,
/// the project's start, when none was), and by how many days it is past
/// that on `today` (0: due today). `None` while not yet due.
pub fn report_due(
    last_sent: Option<NaiveDate>,
    since: NaiveDate,
    cadence_days: i64,
    today: NaiveDate,
) -> Option<(NaiveDate, i64)> {
    let due = last_sent.unwrap_or(since) + chrono::Duration::days(cadence_days.max(1));
    (today >= due).then(|| (due, (today - due).num_days()))
}

#[cfg(test)]
mod tests;
