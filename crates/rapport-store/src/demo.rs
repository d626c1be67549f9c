//! The demo portfolio behind `rapport serve --demo`: four client accounts
//! with their standards, two dozen people, nine projects in varied health,
//! monthly status records, interactions, follow-up questions and
//! commitments. Everything goes through the public store operations, so the
//! demo is validated exactly like user data.
//!
//! Progress is generated, not typed in: each project has a cost index and a
//! schedule index per month; earned value is the planned value at the
//! earned-schedule point (ES = elapsed periods × SPI(t)) and actual cost is
//! EV / CPI. Dates are relative to `today`, so the demo always looks current.

use chrono::{Datelike, Months, NaiveDate};
use rapport_core::domain::{
    AccountDraft, CommitmentState, InteractionKind, PersonDraft, PersonInput, PlannedPoint,
    ProjectDraft, ProjectInput, StatusDraft,
};

use crate::{CommitmentDraft, InteractionDraft, QuestionDraft, Result, Store, StoreError};

const ACTOR: &str = "demo";

struct AccountSpec {
    name: &'static str,
    industry: &'static str,
    standards: &'static [(&'static str, &'static str)],
    people: &'static [(&'static str, &'static str, &'static str)],
}

const ACCOUNTS: &[AccountSpec] = &[
    AccountSpec {
        name: "Northwind Water Authority",
        industry: "Water utility",
        standards: &[
            (
                "Weekly written status",
                "A one-page status e-mail to the client rep every Friday by noon.",
            ),
            (
                "Permit to work",
                "No site work without a signed permit-to-work from operations.",
            ),
            (
                "Change control",
                "Any change above $10,000 needs a signed change request before work starts.",
            ),
        ],
        people: &[
            (
                "Dana Whitfield",
                "Head of Capital Projects",
                "dana.whitfield@northwind-water.example",
            ),
            (
                "Marcus Oyelaran",
                "Operations Manager",
                "marcus.oyelaran@northwind-water.example",
            ),
            (
                "Ingrid Solberg",
                "Finance Controller",
                "ingrid.solberg@northwind-water.example",
            ),
            (
                "Tomás Ferreira",
                "SCADA Lead",
                "tomas.ferreira@northwind-water.example",
            ),
            (
                "Ruth Abernathy",
                "Chief Engineer",
                "ruth.abernathy@northwind-water.example",
            ),
        ],
    },
    AccountSpec {
        name: "Helios Logistics",
        industry: "Freight and warehousing",
        standards: &[
            (
                "Their report template",
                "Status reports in Helios's own template, as PDF.",
            ),
            (
                "Peak-season freeze",
                "No production changes from 15 November to 5 January.",
            ),
            (
                "Security review",
                "Every new integration passes their security architecture review.",
            ),
        ],
        people: &[
            (
                "Priyanka Raman",
                "Director of IT Delivery",
                "priyanka.raman@helios.example",
            ),
            (
                "Graham Keller",
                "Warehouse Operations Lead",
                "graham.keller@helios.example",
            ),
            (
                "Aiko Tanaka",
                "Security Architect",
                "aiko.tanaka@helios.example",
            ),
            ("Luis Medina", "Procurement", "luis.medina@helios.example"),
        ],
    },
    AccountSpec {
        name: "Meridian Health Trust",
        industry: "Healthcare",
        standards: &[
            (
                "Clinical safety sign-off",
                "The clinical safety officer signs off every release.",
            ),
            ("Data residency", "Patient data never leaves the region."),
            (
                "Steering pack",
                "Monthly steering committee pack circulated three working days ahead.",
            ),
        ],
        people: &[
            (
                "Dr. Helen Okafor",
                "Chief Clinical Information Officer",
                "helen.okafor@meridian.example",
            ),
            (
                "Simon Grady",
                "Programme Director",
                "simon.grady@meridian.example",
            ),
            (
                "Fatima Zahra",
                "Clinical Safety Officer",
                "fatima.zahra@meridian.example",
            ),
            (
                "Owen Pritchard",
                "Estates Manager",
                "owen.pritchard@meridian.example",
            ),
        ],
    },
    AccountSpec {
        name: "Caldera Mining",
        industry: "Mining",
        standards: &[
            (
                "Site induction",
                "Everyone on site completes the Caldera induction first.",
            ),
            (
                "Fixed-price variations",
                "Variations are quoted fixed-price, never time and materials.",
            ),
        ],
        people: &[
            (
                "Bronwyn Hale",
                "Asset Manager",
                "bronwyn.hale@caldera.example",
            ),
            (
                "Kwame Asante",
                "Site Superintendent",
                "kwame.asante@caldera.example",
            ),
            (
                "Elena Vasquez",
                "Commercial Manager",
                "elena.vasquez@caldera.example",
            ),
        ],
    },
];

const FIRM_PEOPLE: &[(&str, &str, &str)] = &[
    (
        "Priya Nair",
        "Senior Project Manager",
        "priya.nair@rapport-demo.example",
    ),
    (
        "Jonas Becker",
        "Project Manager",
        "jonas.becker@rapport-demo.example",
    ),
    (
        "Chloé Martin",
        "Project Manager",
        "chloe.martin@rapport-demo.example",
    ),
    (
        "Sam Whitaker",
        "Lead Engineer",
        "sam.whitaker@rapport-demo.example",
    ),
    (
        "Mei Lin",
        "Controls Engineer",
        "mei.lin@rapport-demo.example",
    ),
    (
        "Rafael Costa",
        "Solution Architect",
        "rafael.costa@rapport-demo.example",
    ),
    (
        "Hannah Stewart",
        "Account Lead",
        "hannah.stewart@rapport-demo.example",
    ),
];

/// How a project performs month by month.
#[derive(Clone, Copy)]
enum Health {
    /// CPI and SPI(t) near 1 throughout.
    Healthy,
    /// Cost runs over; schedule fine.
    Overrunning,
    /// Schedule slips; cost fine.
    Slipping,
    /// Bad start, corrective action, improving indices.
    Recovering,
    /// Over and late.
    Troubled,
    /// Ahead of schedule and under cost.
    Ahead,
    /// All work earned by the last status.
    Finished,
}

impl Health {
    /// (CPI, SPI(t)) after `k` of `n` status months.
    fn indices(self, k: usize, n: usize) -> (f64, f64) {
        let progress = k as f64 / n as f64;
        match self {
            Health::Healthy => (1.02 - 0.01 * progress, 0.99 + 0.01 * progress),
            Health::Overrunning => (0.95 - 0.1 * progress, 0.98),
            Health::Slipping => (1.01, 0.95 - 0.15 * progress),
            Health::Recovering => (0.84 + 0.13 * progress, 0.82 + 0.14 * progress),
            Health::Troubled => (0.9 - 0.08 * progress, 0.9 - 0.12 * progress),
            Health::Ahead => (1.06, 1.1),
            Health::Finished => (0.97, 0.93),
        }
    }
}

struct ProjectSpec {
    account: usize,
    name: &'static str,
    code: &'static str,
    pm: usize,
    rep: usize,
    bac: i64,
    currency: &'static str,
    months: u32,
    /// Months from the project start to the first of this month.
    started_months_ago: u32,
    health: Health,
    stakeholders: &'static [(usize, &'static str)],
}

const PROJECTS: &[ProjectSpec] = &[
    ProjectSpec {
        account: 0,
        name: "Pump station retrofit",
        code: "NW-PS3",
        pm: 0,
        rep: 0,
        bac: 420_000,
        currency: "USD",
        months: 10,
        started_months_ago: 7,
        health: Health::Overrunning,
        stakeholders: &[(1, "Operations sign-off"), (2, "Budget holder")],
    },
    ProjectSpec {
        account: 0,
        name: "SCADA modernisation",
        code: "NW-SC1",
        pm: 1,
        rep: 3,
        bac: 1_150_000,
        currency: "USD",
        months: 14,
        started_months_ago: 8,
        health: Health::Slipping,
        stakeholders: &[(4, "Technical authority")],
    },
    ProjectSpec {
        account: 0,
        name: "Leak detection pilot",
        code: "NW-LD",
        pm: 2,
        rep: 1,
        bac: 185_000,
        currency: "USD",
        months: 7,
        started_months_ago: 8,
        health: Health::Finished,
        stakeholders: &[],
    },
    ProjectSpec {
        account: 1,
        name: "Warehouse management integration",
        code: "HL-WMS",
        pm: 0,
        rep: 0,
        bac: 760_000,
        currency: "EUR",
        months: 12,
        started_months_ago: 7,
        health: Health::Recovering,
        stakeholders: &[(2, "Security review"), (3, "Commercial contact")],
    },
    ProjectSpec {
        account: 1,
        name: "Yard telemetry rollout",
        code: "HL-YT",
        pm: 1,
        rep: 1,
        bac: 310_000,
        currency: "EUR",
        months: 8,
        started_months_ago: 6,
        health: Health::Healthy,
        stakeholders: &[],
    },
    ProjectSpec {
        account: 2,
        name: "Theatre scheduling system",
        code: "MH-TS",
        pm: 2,
        rep: 1,
        bac: 890_000,
        currency: "GBP",
        months: 12,
        started_months_ago: 9,
        health: Health::Troubled,
        stakeholders: &[(0, "Clinical sponsor"), (2, "Clinical safety")],
    },
    ProjectSpec {
        account: 2,
        name: "Energy centre controls upgrade",
        code: "MH-EC",
        pm: 0,
        rep: 3,
        bac: 240_000,
        currency: "GBP",
        months: 9,
        started_months_ago: 6,
        health: Health::Ahead,
        stakeholders: &[],
    },
    ProjectSpec {
        account: 3,
        name: "Conveyor condition monitoring",
        code: "CM-CV",
        pm: 1,
        rep: 0,
        bac: 530_000,
        currency: "AUD",
        months: 10,
        started_months_ago: 6,
        health: Health::Healthy,
        stakeholders: &[(2, "Commercial approvals")],
    },
    ProjectSpec {
        account: 3,
        name: "Tailings dam instrumentation",
        code: "CM-TD",
        pm: 2,
        rep: 1,
        bac: 670_000,
        currency: "AUD",
        months: 11,
        started_months_ago: 7,
        health: Health::Slipping,
        stakeholders: &[(0, "Asset owner")],
    },
];

/// Cumulative share of the budget planned by fraction `x` of the duration:
/// the smoothstep S-curve 3x² − 2x³, slow start, fast middle, slow finish.
fn s_curve(x: f64) -> f64 {
    let x = x.clamp(0.0, 1.0);
    x * x * (3.0 - 2.0 * x)
}

fn month_end(first_of_month: NaiveDate, k: u32) -> NaiveDate {
    let next = first_of_month + Months::new(k);
    next.pred_opt().unwrap_or(next)
}

/// Loads the demo portfolio into an empty database, dated around `today`.
pub async fn load(store: &Store, today: NaiveDate) -> Result<()> {
    if !store.accounts(true).await?.is_empty() {
        return Err(StoreError::Conflict(
            "the demo loads only into an empty database; this one already has accounts".into(),
        ));
    }
    let mut firm = Vec::new();
    for (name, title, email) in FIRM_PEOPLE {
        firm.push(
            store
                .create_person(&person(
                    "firm",
                    None,
                    name,
                    title,
                    email,
                    "Rapport Demo Engineering",
                )?)
                .await?
                .id,
        );
    }
    let mut accounts = Vec::new();
    for spec in ACCOUNTS {
        let draft = AccountDraft::new(
            spec.name,
            Some(spec.industry),
            None,
            spec.standards
                .iter()
                .map(|(t, d)| (t.to_string(), Some(d.to_string())))
                .collect(),
        )
        .map_err(StoreError::Invalid)?;
        let account = store.create_account(ACTOR, &draft).await?;
        let mut people = Vec::new();
        for (name, title, email) in spec.people {
            people.push(
                store
                    .create_person(&person(
                        "client",
                        Some(account.id),
                        name,
                        title,
                        email,
                        spec.name,
                    )?)
                    .await?
                    .id,
            );
        }
        accounts.push((account.id, people));
    }

    let this_month = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
    for (index, spec) in PROJECTS.iter().enumerate() {
        let (account_id, people) = &accounts[spec.account];
        let start = this_month - Months::new(spec.started_months_ago);
        let finish = month_end(start, spec.months);
        let bac_minor = spec.bac * 100;
        let planned: Vec<PlannedPoint> = (1..=spec.months)
            .map(|k| PlannedPoint {
                period_end: month_end(start, k),
                pv_minor: if k == spec.months {
                    bac_minor
                } else {
                    (bac_minor as f64 * s_curve(f64::from(k) / f64::from(spec.months))).round()
                        as i64
                },
            })
            .collect();
        let status = match spec.health {
            Health::Finished => Some("finished"),
            _ => Some("active"),
        };
        let stakeholders: Vec<(i64, &str)> = spec
            .stakeholders
            .iter()
            .map(|(p, role)| (people[*p], *role))
            .collect();
        let draft = ProjectDraft::new(ProjectInput {
            account_id: *account_id,
            name: spec.name,
            code: Some(spec.code),
            project_manager_id: firm[spec.pm],
            client_rep_id: people[spec.rep],
            status,
            currency: spec.currency,
            bac_minor,
            start,
            finish,
            planned: planned.clone(),
            stakeholders,
        })
        .map_err(StoreError::Invalid)?;
        let project = store.create_project(ACTOR, &draft).await?;

        // Monthly status at each month end already past.
        let months_reported = (1..=spec.months + 3)
            .take_while(|k| month_end(start, *k) < today)
            .count();
        let pv_at = |t: f64| -> f64 {
            let k = t.floor() as usize;
            let low = if k == 0 {
                0.0
            } else {
                planned[(k - 1).min(planned.len() - 1)].pv_minor as f64
            };
            let high = planned[k.min(planned.len() - 1)].pv_minor as f64;
            if k >= planned.len() {
                bac_minor as f64
            } else {
                low + (t - k as f64) * (high - low)
            }
        };
        let mut ac_so_far = 0i64;
        let mut ev_so_far = 0i64;
        for k in 1..=months_reported {
            let (cpi, spi_t) = spec.health.indices(k, months_reported);
            let finished_now = matches!(spec.health, Health::Finished) && k == months_reported;
            let es = (k as f64 * spi_t).min(spec.months as f64);
            let ev = if finished_now {
                bac_minor
            } else {
                pv_at(es).round() as i64
            }
            .max(ev_so_far);
            // Cost of this month's work at this month's efficiency.
            let ac = ac_so_far + ((ev - ev_so_far) as f64 / cpi).round() as i64;
            let comment = comment_for(spec.health, k, months_reported);
            let manager_eac = (k == months_reported
                && matches!(spec.health, Health::Overrunning | Health::Troubled))
            .then(|| (bac_minor as f64 / (cpi + 0.04)).round() as i64);
            let record = StatusDraft::new(month_end(start, k as u32), ev, ac, manager_eac, comment)
                .map_err(StoreError::Invalid)?;
            store.create_status(ACTOR, project.id, &record).await?;
            ac_so_far = ac;
            ev_so_far = ev;
        }

        relationship_history(
            store,
            project.id,
            firm[spec.pm],
            people,
            spec.rep,
            start,
            today,
            index,
        )
        .await?;
    }
    Ok(())
}

fn comment_for(health: Health, k: usize, n: usize) -> Option<&'static str> {
    if k != n {
        return None;
    }
    Some(match health {
        Health::Healthy => "On plan. Next milestone on track.",
        Health::Overrunning => {
            "Pump vendor price increase and extra night shifts; change request in preparation."
        }
        Health::Slipping => {
            "Vendor hardware delivery slipped three weeks; resequencing installation."
        }
        Health::Recovering => {
            "Recovery plan working: second integration team on board since last month."
        }
        Health::Troubled => {
            "Clinical workflow redesign expanded scope; re-baseline proposal to steering committee."
        }
        Health::Ahead => "Early access to the plant room let commissioning start ahead of plan.",
        Health::Finished => "Pilot complete and handed over; final report accepted.",
    })
}

#[allow(clippy::too_many_arguments)]
async fn relationship_history(
    store: &Store,
    project_id: i64,
    pm: i64,
    people: &[i64],
    rep: usize,
    start: NaiveDate,
    today: NaiveDate,
    seed: usize,
) -> Result<()> {
    let rep_id = people[rep];
    let other = people[(rep + 1) % people.len()];
    let kinds = [
        (InteractionKind::Meeting, "Kick-off workshop on site", 3),
        (InteractionKind::Call, "Weekly progress call", 30),
        (InteractionKind::Email, "Sent monthly status report", 45),
        (
            InteractionKind::Visit,
            "Site walk-through with operations",
            70,
        ),
        (InteractionKind::Call, "Discussed forecast and options", 100),
        (InteractionKind::Message, "Quick check on access dates", 125),
    ];
    for (kind, summary, day) in kinds {
        let on = start + chrono::Duration::days(day + seed as i64 % 5);
        if on >= today {
            break;
        }
        store
            .record_interaction(
                project_id,
                &InteractionDraft {
                    occurred_on: on,
                    kind,
                    summary: summary.into(),
                    notes: None,
                    participant_ids: vec![pm, rep_id],
                },
            )
            .await?;
    }
    let questions = [
        (
            "What does success look like for your management at handover?",
            5,
            Some((
                "Fewer unplanned outages and a report the board can read in five minutes.",
                true,
            )),
        ),
        (
            "Which maintenance windows can operations give us?",
            20,
            Some(("Sunday nights, 22:00 to 05:00.", false)),
        ),
        ("Who else must approve the commissioning plan?", 60, None),
    ];
    for (text, day, answer) in questions {
        let asked_on = start + chrono::Duration::days(day);
        if asked_on >= today {
            break;
        }
        let q = store
            .raise_question(
                project_id,
                &QuestionDraft {
                    question: text.into(),
                    asked_of_id: rep_id,
                    asked_on,
                },
            )
            .await?;
        if let Some((answer, confirmed)) = answer {
            let answered = asked_on + chrono::Duration::days(3);
            if answered < today {
                store.answer_question(q.id, answer, answered).await?;
                if confirmed {
                    store
                        .confirm_understanding(q.id, answered + chrono::Duration::days(1))
                        .await?;
                }
            }
        }
    }
    let promises = [
        (
            pm,
            rep_id,
            "Send the revised installation schedule",
            14,
            Some(CommitmentState::Kept),
        ),
        (
            pm,
            other,
            "Share the commissioning test plan for review",
            40,
            Some(CommitmentState::Late),
        ),
        (
            rep_id,
            pm,
            "Confirm access badges for the site team",
            10,
            Some(CommitmentState::Kept),
        ),
        (
            pm,
            rep_id,
            "Present cost-to-complete options to the steering committee",
            0,
            None,
        ),
    ];
    for (by, to, text, day, outcome) in promises {
        let due_on = if day == 0 {
            today + chrono::Duration::days(7 + seed as i64 % 7)
        } else {
            start + chrono::Duration::days(day)
        };
        let c = store
            .record_commitment(
                ACTOR,
                project_id,
                &CommitmentDraft {
                    promised_by_id: by,
                    promised_to_id: to,
                    description: text.into(),
                    due_on,
                },
            )
            .await?;
        if let Some(state) = outcome {
            if due_on < today {
                let settled = if state == CommitmentState::Late {
                    due_on + chrono::Duration::days(4)
                } else {
                    due_on
                };
                store
                    .settle_commitment(ACTOR, c.id, state, settled.min(today), None)
                    .await?;
            }
        }
    }
    Ok(())
}

fn person(
    side: &str,
    account_id: Option<i64>,
    name: &str,
    title: &str,
    email: &str,
    organisation: &str,
) -> Result<PersonDraft> {
    PersonDraft::new(PersonInput {
        side,
        account_id,
        name,
        title: Some(title),
        organisation: Some(organisation),
        email: Some(email),
        phone: None,
        behaviour_style: None,
        communication_preferences: None,
    })
    .map_err(StoreError::Invalid)
}

#[cfg(test)]
mod tests {
    use super::s_curve;

    #[test]
    fn s_curve_runs_from_nothing_to_everything() {
        assert_eq!(s_curve(0.0), 0.0);
        assert_eq!(s_curve(0.5), 0.5);
        assert_eq!(s_curve(1.0), 1.0);
    }
}
