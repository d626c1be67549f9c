//! Projects: the baseline (budget, dates, planned-value curve), the
//! project record, status records, and the earned-value analysis of a
//! stored project.

use crate::ids::{AccountId, PersonId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{
    check_count, check_date, optional_text, required_text, Currency, ProjectStatus,
    ValidationErrors,
};

/// The most baseline periods a project has (fifty years of months).
pub const MAX_PERIODS: usize = 600;
/// The most stakeholders one project lists.
pub const MAX_STAKEHOLDERS: usize = 200;
use crate::evm::{self, Baseline, Calendar, EvmMetrics, StatusPoint};

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
    currency: Currency,
    bac_minor: i64,
    start: NaiveDate,
    finish: NaiveDate,
    planned: Vec<PlannedPoint>,
}

impl ProjectBaseline {
    pub fn currency(&self) -> &Currency {
        &self.currency
    }

    pub fn bac_minor(&self) -> i64 {
        self.bac_minor
    }

    pub fn start(&self) -> NaiveDate {
        self.start
    }

    pub fn finish(&self) -> NaiveDate {
        self.finish
    }

    pub fn planned(&self) -> &[PlannedPoint] {
        &self.planned
    }

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
            Currency::unknown()
        });
        if bac_minor <= 0 {
            errors.add("bac", "the budget at completion must be greater than zero");
        }
        check_date(&mut errors, "start", start);
        check_date(&mut errors, "finish", finish);
        check_count(&mut errors, "planned", planned.len(), MAX_PERIODS);
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
    account_id: AccountId,
    name: String,
    code: Option<String>,
    project_manager_id: PersonId,
    client_rep_id: PersonId,
    status: ProjectStatus,
    baseline: ProjectBaseline,
    /// Other stakeholders: person id and their role on the project.
    stakeholders: Vec<(PersonId, String)>,
}

impl ProjectDraft {
    pub fn account_id(&self) -> AccountId {
        self.account_id
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    pub fn project_manager_id(&self) -> PersonId {
        self.project_manager_id
    }

    pub fn client_rep_id(&self) -> PersonId {
        self.client_rep_id
    }

    pub fn status(&self) -> ProjectStatus {
        self.status
    }

    pub fn baseline(&self) -> &ProjectBaseline {
        &self.baseline
    }

    pub fn stakeholders(&self) -> &[(PersonId, String)] {
        &self.stakeholders
    }
}

pub struct ProjectInput<'a> {
    pub account_id: AccountId,
    pub name: &'a str,
    pub code: Option<&'a str>,
    pub project_manager_id: PersonId,
    pub client_rep_id: PersonId,
    pub status: Option<&'a str>,
    pub currency: &'a str,
    pub bac_minor: i64,
    pub start: NaiveDate,
    pub finish: NaiveDate,
    pub planned: Vec<PlannedPoint>,
    pub stakeholders: Vec<(PersonId, &'a str)>,
}

impl ProjectDraft {
    pub fn new(input: ProjectInput<'_>) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let name = required_text(&mut errors, "name", input.name, 200);
        let code = optional_text(&mut errors, "code", input.code, 50);
        check_count(
            &mut errors,
            "stakeholders",
            input.stakeholders.len(),
            MAX_STAKEHOLDERS,
        );
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

/// A stakeholder's role on a project, validated: 1 to 200 characters.
pub fn stakeholder_role(role: &str) -> Result<String, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let role = required_text(&mut errors, "role", role, 200);
    errors.into_result(role)
}

/// Progress at a status date, validated: cumulative EV and AC in minor
/// units, optionally the PM's own estimate at completion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusDraft {
    status_date: NaiveDate,
    ev_minor: i64,
    ac_minor: i64,
    manager_eac_minor: Option<i64>,
    comment: Option<String>,
}

impl StatusDraft {
    pub fn status_date(&self) -> NaiveDate {
        self.status_date
    }

    pub fn ev_minor(&self) -> i64 {
        self.ev_minor
    }

    pub fn ac_minor(&self) -> i64 {
        self.ac_minor
    }

    pub fn manager_eac_minor(&self) -> Option<i64> {
        self.manager_eac_minor
    }

    pub fn comment(&self) -> Option<&str> {
        self.comment.as_deref()
    }

    pub fn new(
        status_date: NaiveDate,
        ev_minor: i64,
        ac_minor: i64,
        manager_eac_minor: Option<i64>,
        comment: Option<&str>,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        check_date(&mut errors, "status_date", status_date);
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

/// A cumulative figure of a new status record that is below one recorded
/// earlier (or above one recorded later). Earned value and actual cost are
/// cumulative (PMI, *Practice Standard for Earned Value Management*, 2nd
/// ed., 2011, §4: values are reported to date), so a drop is usually a
/// typing slip; sometimes it is a correction, which the PM may confirm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CumulativeDrop {
    /// `ev` or `ac`.
    pub field: &'static str,
    /// The new record's value.
    pub value_minor: i64,
    /// The other record's value and date.
    pub other_minor: i64,
    pub other_date: NaiveDate,
    /// Whether the other record is later than the new one (the new value
    /// is above it) rather than earlier (the new value is below it).
    pub other_is_later: bool,
}

/// Where `new` breaks the cumulative order of EV or AC against the
/// `existing` records of its project: against the latest record before its
/// date and the earliest after it. A record on the same date is not
/// compared (the store refuses a second record on one date).
pub fn cumulative_drops(existing: &[StatusDraft], new: &StatusDraft) -> Vec<CumulativeDrop> {
    let before = existing
        .iter()
        .filter(|r| r.status_date < new.status_date)
        .max_by_key(|r| r.status_date);
    let after = existing
        .iter()
        .filter(|r| r.status_date > new.status_date)
        .min_by_key(|r| r.status_date);
    let mut drops = Vec::new();
    for (field, of) in [
        ("ev", StatusDraft::ev_minor as fn(&StatusDraft) -> i64),
        ("ac", StatusDraft::ac_minor),
    ] {
        if let Some(b) = before.filter(|b| of(new) < of(b)) {
            drops.push(CumulativeDrop {
                field,
                value_minor: of(new),
                other_minor: of(b),
                other_date: b.status_date,
                other_is_later: false,
            });
        }
        if let Some(a) = after.filter(|a| of(new) > of(a)) {
            drops.push(CumulativeDrop {
                field,
                value_minor: of(new),
                other_minor: of(a),
                other_date: a.status_date,
                other_is_later: true,
            });
        }
    }
    drops
}

/// What looks wrong in a new status record of a project, before it is
/// recorded. An impossible figure is refused; a doubtful one is recorded
/// only once the PM confirms it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusDoubt {
    /// Earned value above the budget at completion: impossible, since EV is
    /// the budgeted cost of the work done (PMI, *Practice Standard for
    /// Earned Value Management*, 2nd ed., 2011, §1.2; EV ≤ BAC).
    AboveBudget { ev_minor: i64, bac_minor: i64 },
    /// A cumulative figure that shrinks (see [`cumulative_drops`]).
    Drop(CumulativeDrop),
    /// A status date after today: progress not yet made.
    FutureDate { date: NaiveDate, today: NaiveDate },
    /// The PM's estimate at completion below what is already spent.
    EacBelowActual { eac_minor: i64, ac_minor: i64 },
}

impl StatusDoubt {
    /// Whether the record cannot be right whatever the PM says.
    pub fn is_impossible(&self) -> bool {
        matches!(self, StatusDoubt::AboveBudget { .. })
    }
}

/// Every doubt about `new`, against the project's budget, its `existing`
/// records and `today`: impossible ones first.
pub fn status_doubts(
    bac_minor: i64,
    existing: &[StatusDraft],
    new: &StatusDraft,
    today: NaiveDate,
) -> Vec<StatusDoubt> {
    let mut doubts = Vec::new();
    if new.ev_minor > bac_minor {
        doubts.push(StatusDoubt::AboveBudget {
            ev_minor: new.ev_minor,
            bac_minor,
        });
    }
    doubts.extend(
        cumulative_drops(existing, new)
            .into_iter()
            .map(StatusDoubt::Drop),
    );
    if new.status_date > today {
        doubts.push(StatusDoubt::FutureDate {
            date: new.status_date,
            today,
        });
    }
    if let Some(eac) = new.manager_eac_minor.filter(|e| *e < new.ac_minor) {
        doubts.push(StatusDoubt::EacBelowActual {
            eac_minor: eac,
            ac_minor: new.ac_minor,
        });
    }
    doubts
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
                metrics: evm::analyse(&evm_baseline, &point)
                    .money_to(baseline.currency.minor_digits()),
            })
        })
        .collect()
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
    fn a_cumulative_figure_below_the_one_before_or_above_the_one_after_is_a_drop() {
        let status =
            |d: &str, ev: i64, ac: i64| StatusDraft::new(date(d), ev, ac, None, None).unwrap();
        let existing = vec![
            status("2026-01-31", 100, 120),
            status("2026-03-31", 300, 280),
        ];
        // Between the two, in order: nothing to say.
        assert!(cumulative_drops(&existing, &status("2026-02-28", 200, 200)).is_empty());
        // EV below January's; AC above March's.
        let drops = cumulative_drops(&existing, &status("2026-02-28", 90, 290));
        assert_eq!(
            drops,
            vec![
                CumulativeDrop {
                    field: "ev",
                    value_minor: 90,
                    other_minor: 100,
                    other_date: date("2026-01-31"),
                    other_is_later: false,
                },
                CumulativeDrop {
                    field: "ac",
                    value_minor: 290,
                    other_minor: 280,
                    other_date: date("2026-03-31"),
                    other_is_later: true,
                },
            ]
        );
        // After the latest: compared with March alone; equal is not a drop.
        let drops = cumulative_drops(&existing, &status("2026-04-30", 300, 250));
        assert_eq!(drops.len(), 1);
        assert_eq!((drops[0].field, drops[0].other_minor), ("ac", 280));
        // The first record has nothing to be compared with.
        assert!(cumulative_drops(&[], &status("2026-01-31", 0, 0)).is_empty());
    }

    #[test]
    fn a_status_above_the_budget_is_impossible_and_a_future_or_spent_eac_is_doubtful() {
        let today = date("2026-11-27");
        let fine = StatusDraft::new(date("2026-10-31"), 500, 600, Some(1_200), None).unwrap();
        assert!(status_doubts(1_000, &[], &fine, today).is_empty());
        let wrong = StatusDraft::new(date("2026-12-31"), 1_001, 600, Some(500), None).unwrap();
        let doubts = status_doubts(1_000, std::slice::from_ref(&fine), &wrong, today);
        assert_eq!(
            doubts,
            vec![
                StatusDoubt::AboveBudget {
                    ev_minor: 1_001,
                    bac_minor: 1_000
                },
                StatusDoubt::FutureDate {
                    date: date("2026-12-31"),
                    today
                },
                StatusDoubt::EacBelowActual {
                    eac_minor: 500,
                    ac_minor: 600
                },
            ]
        );
        assert!(doubts[0].is_impossible() && !doubts[1].is_impossible());
        // EV equal to the budget (finished) is fine; today is not future.
        let done = StatusDraft::new(today, 1_000, 1_100, None, None).unwrap();
        assert!(status_doubts(1_000, &[fine], &done, today).is_empty());
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
}
