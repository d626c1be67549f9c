//! The glossary as types: accounts, people, projects and their baseline,
//! status records, interactions, follow-up questions and commitments.
//!
//! Owns the invariants of each record (a baseline that spends its budget by
//! its finish, a budget above zero, a question that is answered before its
//! understanding is confirmed). Constructors take raw values and return
//! every problem at once as [`ValidationErrors`], each naming its field, so a
//! form or an API caller can fix them in one go. Storage and wire formats
//! live in other crates and convert into these types.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::evm::{self, Baseline, Calendar, EvmMetrics, StatusPoint};

/// One problem with one field of a submitted record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field's path as the caller wrote it, e.g. `baseline.planned[2].pv`.
    pub field: String,
    pub message: String,
}

/// Every problem found in a submitted record.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when nothing was found, else the errors.
    pub fn into_result<T>(self, value: T) -> Result<T, Self> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect();
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for ValidationErrors {}

fn required_text(errors: &mut ValidationErrors, field: &str, value: &str, max: usize) -> String {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        errors.add(field, "must not be empty");
    } else if trimmed.chars().count() > max {
        errors.add(field, format!("must be at most {max} characters"));
    }
    trimmed.to_string()
}

fn optional_text(
    errors: &mut ValidationErrors,
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Option<String> {
    let trimmed = value.map(str::trim).filter(|v| !v.is_empty())?;
    if trimmed.chars().count() > max {
        errors.add(field, format!("must be at most {max} characters"));
    }
    Some(trimmed.to_string())
}

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The accepted spellings, for error messages.
            pub fn choices() -> String {
                [$($text),+].join(", ")
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!("\"{other}\" is not one of: {}", $name::choices())),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use text_enum;

text_enum! {
    /// Which side of the engagement a person is on.
    Side { Client => "client", Firm => "firm" }
}

text_enum! {
    /// Where a project stands in its life.
    ProjectStatus {
        Proposed => "proposed",
        Active => "active",
        OnHold => "on_hold",
        Finished => "finished",
        Cancelled => "cancelled",
    }
}

text_enum! {
    /// How an interaction with a person took place.
    InteractionKind {
        Meeting => "meeting",
        Call => "call",
        Email => "email",
        Visit => "visit",
        Message => "message",
    }
}

text_enum! {
    /// A follow-up question moves open → answered → understanding confirmed.
    QuestionState {
        Open => "open",
        Answered => "answered",
        UnderstandingConfirmed => "understanding_confirmed",
    }
}

text_enum! {
    /// What became of a promise.
    CommitmentState {
        Open => "open",
        Kept => "kept",
        Late => "late",
        Broken => "broken",
        Renegotiated => "renegotiated",
    }
}

/// An ISO 4217 currency code, with the number of minor-unit digits used to
/// turn stored integer amounts into currency units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency(String);

impl Currency {
    pub fn parse(code: &str) -> Result<Self, String> {
        let code = code.trim();
        if code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase()) {
            Ok(Self(code.to_string()))
        } else {
            Err(format!(
                "\"{code}\" is not an ISO 4217 currency code; use three capital letters such as USD, EUR or GBP"
            ))
        }
    }

    pub fn code(&self) -> &str {
        &self.0
    }

    /// Digits after the decimal point (ISO 4217 table A.1): none for the
    /// yen, won and a few others, three for the dinars, two otherwise.
    pub fn minor_digits(&self) -> u32 {
        match self.0.as_str() {
            "JPY" | "KRW" | "CLP" | "ISK" | "VND" | "XAF" | "XOF" | "UGX" | "PYG" => 0,
            "BHD" | "KWD" | "OMR" | "JOD" | "TND" | "LYD" | "IQD" => 3,
            _ => 2,
        }
    }

    /// Currency units to minor units (dollars to cents), refusing amounts
    /// that are not finite, carry more decimals than the currency has, or
    /// are too large to count in cents exactly (above 10^13 units).
    pub fn to_minor(&self, units: f64) -> Result<i64, String> {
        if !units.is_finite() {
            return Err("is not a number".into());
        }
        if units.abs() > 1e13 {
            return Err("is too large; amounts up to 10,000,000,000,000 are supported".into());
        }
        let scaled = units * 10f64.powi(self.minor_digits() as i32);
        let rounded = scaled.round();
        // A tolerance well under one minor unit absorbs binary noise such as
        // 0.1 + 0.2 while refusing a real extra decimal.
        if (scaled - rounded).abs() > (8.0 * f64::EPSILON * scaled.abs()).max(1e-6) {
            return Err(format!(
                "has more than {} decimal places for {}",
                self.minor_digits(),
                self.0
            ));
        }
        Ok(rounded as i64)
    }

    /// Minor units to currency units (cents to dollars).
    pub fn to_units(&self, minor: i64) -> f64 {
        minor as f64 / 10f64.powi(self.minor_digits() as i32)
    }
}

impl TryFrom<String> for Currency {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        Self::parse(&value)
    }
}

impl From<Currency> for String {
    fn from(value: Currency) -> String {
        value.0
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One of a client's internal standards the project must respect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standard {
    pub title: String,
    pub description: Option<String>,
}

/// A client organisation, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountDraft {
    pub name: String,
    pub industry: Option<String>,
    pub notes: Option<String>,
    pub standards: Vec<Standard>,
}

impl AccountDraft {
    pub fn new(
        name: &str,
        industry: Option<&str>,
        notes: Option<&str>,
        standards: Vec<(String, Option<String>)>,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let name = required_text(&mut errors, "name", name, 200);
        let industry = optional_text(&mut errors, "industry", industry, 200);
        let notes = optional_text(&mut errors, "notes", notes, 10_000);
        let standards = standards
            .into_iter()
            .enumerate()
            .map(|(i, (title, description))| Standard {
                title: required_text(&mut errors, &format!("standards[{i}].title"), &title, 300),
                description: optional_text(
                    &mut errors,
                    &format!("standards[{i}].description"),
                    description.as_deref(),
                    5_000,
                ),
            })
            .collect();
        errors.into_result(Self {
            name,
            industry,
            notes,
            standards,
        })
    }
}

/// A person on either side, validated. Behaviour style and communication
/// preferences are kept as optional text until the behaviour-styles
/// capability gives them structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonDraft {
    pub side: Side,
    pub account_id: Option<i64>,
    pub name: String,
    pub title: Option<String>,
    pub organisation: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub behaviour_style: Option<String>,
    pub communication_preferences: Option<String>,
}

pub struct PersonInput<'a> {
    pub side: &'a str,
    pub account_id: Option<i64>,
    pub name: &'a str,
    pub title: Option<&'a str>,
    pub organisation: Option<&'a str>,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub behaviour_style: Option<&'a str>,
    pub communication_preferences: Option<&'a str>,
}

impl PersonDraft {
    pub fn new(input: PersonInput<'_>) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let side = input.side.parse::<Side>().unwrap_or_else(|e| {
            errors.add("side", e);
            Side::Client
        });
        if side == Side::Client && input.account_id.is_none() {
            errors.add(
                "account_id",
                "a client-side person belongs to an account; give its id",
            );
        }
        let name = required_text(&mut errors, "name", input.name, 200);
        let email = optional_text(&mut errors, "email", input.email, 320);
        if let Some(email) = &email {
            let valid = email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty() && domain.contains('.') && !email.contains(' ')
            });
            if !valid {
                errors.add("email", format!("\"{email}\" is not an e-mail address"));
            }
        }
        let draft = Self {
            side,
            account_id: input.account_id,
            name,
            title: optional_text(&mut errors, "title", input.title, 200),
            organisation: optional_text(&mut errors, "organisation", input.organisation, 200),
            email,
            phone: optional_text(&mut errors, "phone", input.phone, 50),
            behaviour_style: optional_text(
                &mut errors,
                "behaviour_style",
                input.behaviour_style,
                100,
            ),
            communication_preferences: optional_text(
                &mut errors,
                "communication_preferences",
                input.communication_preferences,
                2_000,
            ),
        };
        errors.into_result(draft)
    }
}

/// One point of the planned-value curve: cumulative PV (minor units) at the
/// end of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedPoint {
    pub period_end: NaiveDate,
    pub pv_minor: i64,
}

/// The agreed baseline of a stored project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectBaseline {
    pub currency: Currency,
    pub bac_minor: i64,
    pub start: NaiveDate,
    pub finish: NaiveDate,
    pub planned: Vec<PlannedPoint>,
}

impl ProjectBaseline {
    /// Validates a baseline: positive budget, start before finish, period
    /// ends strictly increasing after the start and ending at the finish,
    /// cumulative planned value never decreasing and ending at the budget.
    pub fn new(
        currency: &str,
        bac_minor: i64,
        start: NaiveDate,
        finish: NaiveDate,
        planned: Vec<PlannedPoint>,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let currency = Currency::parse(currency).unwrap_or_else(|e| {
            errors.add("currency", e);
            Currency("XXX".into())
        });
        if bac_minor <= 0 {
            errors.add("bac", "the budget at completion must be greater than zero");
        }
        if finish <= start {
            errors.add(
                "finish",
                format!("the baseline finish ({finish}) must be after its start ({start})"),
            );
        }
        if planned.is_empty() {
            errors.add(
                "planned",
                "give the cumulative planned value at the end of each period (at least one)",
            );
        }
        let mut previous_end = start;
        let mut previous_pv = 0;
        for (i, point) in planned.iter().enumerate() {
            if point.period_end <= previous_end {
                errors.add(
                    format!("planned[{i}].period_end"),
                    format!(
                        "{} must be after {previous_end}: periods run forward from the start",
                        point.period_end
                    ),
                );
            }
            if point.pv_minor < 0 {
                errors.add(format!("planned[{i}].pv"), "must not be negative");
            } else if point.pv_minor < previous_pv {
                errors.add(
                    format!("planned[{i}].pv"),
                    "the planned-value curve decreases here; planned values are cumulative, so each must be at least the one before",
                );
            }
            previous_end = point.period_end;
            previous_pv = point.pv_minor;
        }
        if let Some(last) = planned.last() {
            if last.pv_minor != bac_minor {
                errors.add(
                    format!("planned[{}].pv", planned.len() - 1),
                    "the last planned value must equal the budget at completion",
                );
            }
            if last.period_end != finish {
                errors.add(
                    format!("planned[{}].period_end", planned.len() - 1),
                    format!("the last period must end on the baseline finish ({finish})"),
                );
            }
        }
        errors.into_result(Self {
            currency,
            bac_minor,
            start,
            finish,
            planned,
        })
    }

    /// The earned-value baseline in currency units, with its calendar.
    pub fn to_evm(&self) -> Baseline {
        let planned = self
            .planned
            .iter()
            .map(|p| self.currency.to_units(p.pv_minor))
            .collect();
        let ends = self.planned.iter().map(|p| p.period_end).collect();
        // The invariants checked in `new` are the ones the engine needs.
        let calendar = Calendar::new(Some(self.start), ends).ok();
        Baseline::new(self.currency.to_units(self.bac_minor), planned, calendar)
            .expect("a validated project baseline is a valid earned-value baseline")
    }
}

/// A project as submitted, validated for what can be checked without the
/// database; the store checks that the referenced account and people exist
/// and are on the right side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectDraft {
    pub account_id: i64,
    pub name: String,
    pub code: Option<String>,
    pub project_manager_id: i64,
    pub client_rep_id: i64,
    pub status: ProjectStatus,
    pub baseline: ProjectBaseline,
    /// Other stakeholders: person id and their role on the project.
    pub stakeholders: Vec<(i64, String)>,
}

pub struct ProjectInput<'a> {
    pub account_id: i64,
    pub name: &'a str,
    pub code: Option<&'a str>,
    pub project_manager_id: i64,
    pub client_rep_id: i64,
    pub status: Option<&'a str>,
    pub currency: &'a str,
    pub bac_minor: i64,
    pub start: NaiveDate,
    pub finish: NaiveDate,
    pub planned: Vec<PlannedPoint>,
    pub stakeholders: Vec<(i64, &'a str)>,
}

impl ProjectDraft {
    pub fn new(input: ProjectInput<'_>) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let name = required_text(&mut errors, "name", input.name, 200);
        let code = optional_text(&mut errors, "code", input.code, 50);
        let status = match input.status {
            None => ProjectStatus::Active,
            Some(s) => s.parse().unwrap_or_else(|e| {
                errors.add("status", e);
                ProjectStatus::Active
            }),
        };
        let mut stakeholders = Vec::new();
        for (i, (person_id, role)) in input.stakeholders.into_iter().enumerate() {
            let role = required_text(&mut errors, &format!("stakeholders[{i}].role"), role, 200);
            if stakeholders.iter().any(|(p, _)| *p == person_id) {
                errors.add(
                    format!("stakeholders[{i}].person_id"),
                    format!("person {person_id} is listed twice; give each stakeholder one role"),
                );
            }
            stakeholders.push((person_id, role));
        }
        let baseline = ProjectBaseline::new(
            input.currency,
            input.bac_minor,
            input.start,
            input.finish,
            input.planned,
        );
        let baseline = match baseline {
            Ok(baseline) => Some(baseline),
            Err(mut e) => {
                for error in &mut e.0 {
                    error.field = format!("baseline.{}", error.field);
                }
                errors.0.extend(e.0);
                None
            }
        };
        match baseline {
            Some(baseline) if errors.is_empty() => Ok(Self {
                account_id: input.account_id,
                name,
                code,
                project_manager_id: input.project_manager_id,
                client_rep_id: input.client_rep_id,
                status,
                baseline,
                stakeholders,
            }),
            _ => Err(errors),
        }
    }
}

/// Progress at a status date, validated: cumulative EV and AC in minor
/// units, optionally the PM's own estimate at completion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusDraft {
    pub status_date: NaiveDate,
    pub ev_minor: i64,
    pub ac_minor: i64,
    pub manager_eac_minor: Option<i64>,
    pub comment: Option<String>,
}

impl StatusDraft {
    pub fn new(
        status_date: NaiveDate,
        ev_minor: i64,
        ac_minor: i64,
        manager_eac_minor: Option<i64>,
        comment: Option<&str>,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        if ev_minor < 0 {
            errors.add("ev", "earned value must not be negative");
        }
        if ac_minor < 0 {
            errors.add("ac", "actual cost must not be negative");
        }
        if manager_eac_minor.is_some_and(|e| e <= 0) {
            errors.add("eac", "an estimate at completion must be greater than zero");
        }
        let comment = optional_text(&mut errors, "comment", comment, 5_000);
        errors.into_result(Self {
            status_date,
            ev_minor,
            ac_minor,
            manager_eac_minor,
            comment,
        })
    }
}

/// Earned value at one status date of a stored project.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DatedMetrics {
    pub status_date: NaiveDate,
    /// Actual time in baseline periods at the status date.
    pub at: f64,
    #[serde(flatten)]
    pub metrics: EvmMetrics,
}

/// Runs the earned-value engine over a project's status records (any
/// order; they are sorted by date). Two records on one date are refused by
/// the store, so dates here are distinct.
pub fn project_evm(baseline: &ProjectBaseline, records: &[StatusDraft]) -> Vec<DatedMetrics> {
    let evm_baseline = baseline.to_evm();
    let mut records: Vec<&StatusDraft> = records.iter().collect();
    records.sort_by_key(|r| r.status_date);
    let calendar = evm_baseline.calendar().cloned();
    records
        .into_iter()
        .filter_map(|r| {
            let at = calendar.as_ref()?.time_at(r.status_date);
            if at <= 0.0 {
                // A status on or before the start measures nothing yet.
                return None;
            }
            let point = StatusPoint {
                at,
                ev: baseline.currency.to_units(r.ev_minor),
                ac: baseline.currency.to_units(r.ac_minor),
                manager_eac: r.manager_eac_minor.map(|m| baseline.currency.to_units(m)),
            };
            Some(DatedMetrics {
                status_date: r.status_date,
                at,
                metrics: evm::analyse(&evm_baseline, &point),
            })
        })
        .collect()
}

/// Moves a follow-up question along open → answered → understanding
/// confirmed; an answer may be revised while not yet confirmed.
pub fn next_question_state(
    current: QuestionState,
    to: QuestionState,
) -> Result<QuestionState, String> {
    use QuestionState::*;
    match (current, to) {
        (Open, Answered) | (Answered, Answered) | (Answered, UnderstandingConfirmed) => Ok(to),
        (Answered, Open) => Ok(Open),
        (from, to) => Err(format!(
            "a question that is {from} cannot become {to}; it goes open → answered → understanding_confirmed"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn point(end: &str, pv: i64) -> PlannedPoint {
        PlannedPoint {
            period_end: date(end),
            pv_minor: pv,
        }
    }

    #[test]
    fn baseline_reports_every_problem_with_its_field() {
        let errors = ProjectBaseline::new(
            "usd",
            -1,
            date("2026-03-01"),
            date("2026-02-01"),
            vec![point("2026-02-15", 500), point("2026-02-10", 400)],
        )
        .unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"currency"), "{errors}");
        assert!(fields.contains(&"bac"), "{errors}");
        assert!(fields.contains(&"finish"), "{errors}");
        assert!(fields.contains(&"planned[0].period_end"), "{errors}");
        assert!(fields.contains(&"planned[1].pv"), "{errors}");
    }

    #[test]
    fn project_evm_measures_status_dates_in_baseline_periods() {
        let baseline = ProjectBaseline::new(
            "USD",
            100_000_00,
            date("2026-01-01"),
            date("2026-03-01"),
            vec![
                point("2026-01-31", 40_000_00),
                point("2026-03-01", 100_000_00),
            ],
        )
        .unwrap();
        let records =
            vec![StatusDraft::new(date("2026-01-31"), 30_000_00, 35_000_00, None, None).unwrap()];
        let evm = project_evm(&baseline, &records);
        assert_eq!(evm.len(), 1);
        assert_eq!(evm[0].at, 1.0);
        assert_eq!(evm[0].metrics.pv, 40_000.0);
        // ES = 30,000 / 40,000 of period 1.
        assert_eq!(evm[0].metrics.es, 0.75);
    }

    #[test]
    fn currencies_know_their_minor_units() {
        assert_eq!(Currency::parse("JPY").unwrap().to_units(1500), 1500.0);
        assert_eq!(Currency::parse("USD").unwrap().to_units(1500), 15.0);
        assert_eq!(Currency::parse("KWD").unwrap().to_units(1500), 1.5);
        assert!(Currency::parse("dollars").is_err());
        let usd = Currency::parse("USD").unwrap();
        assert_eq!(usd.to_minor(1234.56), Ok(123_456));
        assert_eq!(usd.to_minor(0.1 + 0.2), Ok(30));
        assert!(usd.to_minor(1.234).is_err());
        assert!(usd.to_minor(f64::NAN).is_err());
        assert_eq!(Currency::parse("JPY").unwrap().to_minor(1500.0), Ok(1500));
    }

    #[test]
    fn a_question_is_answered_before_understanding_is_confirmed() {
        use QuestionState::*;
        assert_eq!(next_question_state(Open, Answered), Ok(Answered));
        assert_eq!(
            next_question_state(Answered, UnderstandingConfirmed),
            Ok(UnderstandingConfirmed)
        );
        assert!(next_question_state(Open, UnderstandingConfirmed).is_err());
        assert!(next_question_state(UnderstandingConfirmed, Open).is_err());
    }

    #[test]
    fn a_client_person_needs_an_account_and_a_real_email() {
        let errors = PersonDraft::new(PersonInput {
            side: "client",
            account_id: None,
            name: " ",
            title: None,
            organisation: None,
            email: Some("not-an-email"),
            phone: None,
            behaviour_style: None,
            communication_preferences: None,
        })
        .unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["account_id", "name", "email"]);
    }
}
