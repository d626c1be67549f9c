//! The demo portfolio behind `rapport serve --demo`: four client accounts
//! with their standards, two dozen people, nine projects in varied health,
//! monthly status records, interactions, follow-up questions,
//! commitments and behaviour profiles. Everything goes through the public store operations, so the
//! demo is validated exactly like user data.
//!
//! Progress is generated, not typed in: each project has a cost index and a
//! schedule index per month; earned value is the planned value at the
//! earned-schedule point (ES = elapsed periods × SPI(t)) and actual cost is
//! EV / CPI. Dates are relative to the `now` the caller passes (its clock),
//! so the demo always looks current and a fixed `now` loads the same demo
//! every time; every record is stamped with that `now`.

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use rapport_core::domain::{
    AccountDraft, CommitmentDraft, CommitmentState, InteractionDraft, InteractionKind, PersonDraft,
    PersonInput, PlannedPoint, ProjectDraft, ProjectInput, QuestionDraft, StatusDraft,
};

use rapport_core::ids::{AccountId, PersonId, ProjectId};

use crate::{Result, Scope, Store, StoreError};

mod portfolio;

use portfolio::{comment_for, Health, ACCOUNTS, FIRM_PEOPLE, PROFILES, PROJECTS};

const ACTOR: &str = "demo";

/// Cumulative share of the budget planned by fraction `x` of the duration:
/// the smoothstep S-curve 3x² − 2x³, slow start, fast middle, slow finish.
pub(crate) fn s_curve(x: f64) -> f64 {
    let x = x.clamp(0.0, 1.0);
    x * x * (3.0 - 2.0 * x)
}

pub(crate) fn month_end(first_of_month: NaiveDate, k: u32) -> NaiveDate {
    let next = first_of_month + Months::new(k);
    next.pred_opt().unwrap_or(next)
}

/// Loads the demo portfolio into an empty database, dated around `now`.
pub async fn load(store: &Store, now: DateTime<Utc>) -> Result<DemoPeople> {
    let today = now.date_naive();
    if !store.accounts(Scope::Everything, true).await?.is_empty() {
        return Err(StoreError::Conflict(
            "the demo loads only into an empty database; this one already has accounts".into(),
        ));
    }
    if !store.users().await?.is_empty() {
        return Err(StoreError::Conflict(
            "the demo loads only into an empty database; this one already has users".into(),
        ));
    }
    let mut firm = Vec::new();
    for (name, title, email) in FIRM_PEOPLE {
        firm.push(
            store
                .create_person(
                    now,
                    ACTOR,
                    &person("firm", None, name, title, email, "Rapport Demo Engineering")?,
                )
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
        let account = store.create_account(now, ACTOR, None, &draft).await?;
        let mut people = Vec::new();
        for (name, title, email) in spec.people {
            people.push(
                store
                    .create_person(
                        now,
                        ACTOR,
                        &person("client", Some(account.id), name, title, email, spec.name)?,
                    )
                    .await?
                    .id,
            );
        }
        accounts.push((account.id, people));
    }

    let this_month = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
    let mut projects = Vec::new();
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
        let stakeholders: Vec<(PersonId, &str)> = spec
            .stakeholders
            .iter()
            .map(|(p, role)| (people[*p], *role))
            .chain(spec.team.iter().map(|(p, role)| (firm[*p], *role)))
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
        let project = store.create_project(now, ACTOR, &draft).await?;
        projects.push((project.id, firm[spec.pm], people[spec.rep]));

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
            store.create_status(now, ACTOR, project.id, &record).await?;
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
            now,
            index,
        )
        .await?;
    }
    for spec in PROFILES {
        let person = match spec.account {
            Some(account) => accounts[account].1[spec.person],
            None => firm[spec.person],
        };
        let answers: Option<Vec<(&str, u8)>> = spec.answers.map(|answers| {
            rapport_core::style::QUESTIONNAIRE
                .iter()
                .zip(answers)
                .map(|(item, answer)| (item.id, answer))
                .collect()
        });
        let client = spec.account.is_some();
        let draft = rapport_core::style::ProfileDraft::new(rapport_core::style::ProfileInput {
            answers: answers.as_deref(),
            style: spec.style,
            decision_style: Some(spec.decision),
            wants: Some(spec.wants),
            preferred_channel: Some(spec.channel),
            // As every demo client person has (see `person`).
            contact_ideal_days: client.then_some(14),
            contact_max_days: client.then_some(30),
            report_cadence_days: Some(spec.cadence_days),
            detail_level: Some(spec.detail),
        })
        .map_err(StoreError::Invalid)?;
        // Placed three weeks ago, as a PM would have after the first
        // meetings: the report cadence runs from then.
        let placed = now - chrono::Duration::days(21);
        store
            .set_profile(placed, ACTOR, person, firm[spec.assessor], &draft)
            .await?;
    }
    news_history(store, now, &projects).await?;
    Ok(DemoPeople {
        project_manager: firm[0],
        team_member: firm[3],
        leadership: firm[6],
    })
}

/// The firm-side people the demo's sign-in users are: a PM who manages
/// three of the nine projects, an engineer on the team of two, and the
/// account lead (leadership, who sees everything).
#[derive(Debug, Clone, Copy)]
pub struct DemoPeople {
    pub project_manager: PersonId,
    pub team_member: PersonId,
    pub leadership: PersonId,
}

/// What the demo's client reps were told of the news the status records
/// made: Priyanka (Helios warehouse) hears the cost news from Priya in
/// today's call, in time; the SCADA client learns of the slip from their
/// own engineers first, a surprise. The pump station's news stays open,
/// for the demo PM's Today.
async fn news_history(
    store: &Store,
    now: DateTime<Utc>,
    projects: &[(ProjectId, PersonId, PersonId)],
) -> Result<()> {
    use rapport_core::disclosure::{NewsRule, NewsState};
    let today = now.date_naive();
    let open = |news: &[crate::NewsItem], rules: &[NewsRule]| -> Vec<i64> {
        news.iter()
            .filter(|n| n.state == NewsState::Open && rules.contains(&n.rule))
            .map(|n| n.id)
            .collect()
    };
    let (warehouse, pm, rep) = projects[3];
    let told = open(
        &store.news(warehouse).await?,
        &[NewsRule::EacRise, NewsRule::CpiBelow],
    );
    let call = rapport_core::domain::CaptureDraft::new(
        InteractionDraft::new(
            today,
            "call",
            "Told Priyanka the warehouse will cost more than planned",
            Some("Went through the revised cost forecast and what is driving it (integration rework). She wants the recovery options in writing by Friday."),
            &[pm, rep],
        ),
        vec![],
        vec![],
    )
    .map_err(StoreError::Invalid)?;
    store
        .capture_interaction(now, ACTOR, warehouse, &call, &told)
        .await?;
    let (scada, _, _) = projects[1];
    let heard = open(&store.news(scada).await?, &[NewsRule::FinishSlip]);
    store
        .news_learned_elsewhere(now, ACTOR, scada, &heard, today)
        .await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn relationship_history(
    store: &Store,
    project_id: ProjectId,
    pm: PersonId,
    people: &[PersonId],
    rep: usize,
    start: NaiveDate,
    now: DateTime<Utc>,
    seed: usize,
) -> Result<()> {
    let today = now.date_naive();
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
                now,
                ACTOR,
                project_id,
                &InteractionDraft::new(on, kind.as_str(), summary, None, &[pm, rep_id])
                    .map_err(StoreError::Invalid)?,
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
                now,
                ACTOR,
                project_id,
                &QuestionDraft::new(text, rep_id, asked_on).map_err(StoreError::Invalid)?,
            )
            .await?;
        if let Some((answer, confirmed)) = answer {
            let answered = asked_on + chrono::Duration::days(3);
            if answered < today {
                store
                    .answer_question(now, ACTOR, q.id, answer, answered)
                    .await?;
                if confirmed {
                    store
                        .confirm_understanding(
                            now,
                            ACTOR,
                            q.id,
                            answered + chrono::Duration::days(1),
                            "the project manager (demo data)",
                        )
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
                now,
                ACTOR,
                project_id,
                &CommitmentDraft::new(by, to, text, due_on).map_err(StoreError::Invalid)?,
            )
            .await?;
        if let Some(state) = outcome {
            if due_on < today {
                let settled = if state == CommitmentState::Late {
                    due_on + chrono::Duration::days(4)
                } else {
                    due_on
                };
                let reason = (state == CommitmentState::Late)
                    .then_some("The site survey ran four days over");
                let resolution = crate::Resolution {
                    state,
                    on: settled.min(today),
                    new_due: None,
                    reason,
                };
                store
                    .settle_commitment(now, ACTOR, c.id, &resolution)
                    .await?;
            }
        }
    }
    Ok(())
}

fn person(
    side: &str,
    account_id: Option<AccountId>,
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
        // The client's people are called every two weeks, at most a month
        // apart: the demo's Today then shows the contact clock at work.
        contact_ideal_days: (side == "client").then_some(14),
        contact_max_days: (side == "client").then_some(30),
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
