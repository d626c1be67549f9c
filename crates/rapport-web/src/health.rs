//! Gathering a relationship's facts for `rapport_core::health`: from the
//! projects the caller sees where the person is the client rep or on the
//! team, their status records, the conversations, promises, questions,
//! news and reports. The score itself is core's.

use std::collections::HashMap;

use chrono::NaiveDate;
use rapport_core::disclosure::NewsState;
use rapport_core::domain::{project_evm, CommitmentState};
use rapport_core::health::{health, Health, HealthFacts};
use rapport_core::ids::{AccountId, PersonId, ProjectId};
use rapport_store::{ReportState, Scope, Subject};

use crate::error::ApiError;
use crate::AppState;

/// Questions open longer than this are stale.
const STALE_DAYS: i64 = 14;
/// Surprises and news counted over this many days.
const WINDOW_DAYS: i64 = 180;

/// The facts of one client person's relationship, as `scope` sees it.
pub async fn person_facts(
    state: &AppState,
    scope: Scope,
    person: PersonId,
    today: NaiveDate,
) -> Result<HealthFacts, ApiError> {
    let store = &state.store;
    let p = store.person(person).await?;
    let projects: Vec<rapport_store::Project> = store
        .projects(scope, p.account_id, false)
        .await?
        .into_iter()
        .filter(|pr| {
            pr.client_rep_id == person || pr.stakeholders.iter().any(|s| s.person_id == person)
        })
        .collect();
    let ids: Vec<ProjectId> = projects.iter().map(|pr| pr.id).collect();
    let records = store.status_records_of(&ids).await?;
    let mut delivery = Vec::new();
    for pr in &projects {
        let drafts = records
            .get(&pr.id)
            .map(|rs| rs.iter().map(|r| r.draft()).collect::<Result<Vec<_>, _>>())
            .transpose()?
            .unwrap_or_default();
        if let Some(m) = project_evm(&pr.baseline, &drafts).pop() {
            delivery.push((m.metrics.cpi, m.metrics.spi_t));
        }
    }
    let timeline = store.timeline(scope, Subject::Person(person), 1).await?;
    let days_since_contact = timeline
        .last_contact
        .get(&person)
        .map(|d| (today - *d).num_days());
    let count = |s: CommitmentState| timeline.promises.iter().filter(|c| c.state == s).count();
    let stale_questions = timeline
        .questions
        .iter()
        .filter(|q| q.answer.is_none() && (today - q.asked_on).num_days() > STALE_DAYS)
        .count();
    let since = today - chrono::Duration::days(WINDOW_DAYS);
    let (mut surprises, mut news_told, mut news_on_time) = (0, 0, 0);
    let mut last_report: Option<NaiveDate> = None;
    for pr in projects.iter().filter(|pr| pr.client_rep_id == person) {
        for n in store.news(pr.id).await? {
            let told = matches!(n.state, NewsState::Told | NewsState::Acknowledged);
            if told && n.told_on.is_some_and(|t| t >= since) {
                news_told += 1;
                if n.surprise {
                    surprises += 1;
                } else {
                    news_on_time += 1;
                }
            }
        }
    }
    for pr in &projects {
        for r in store.reports(pr.id).await? {
            if r.recipient_id == person && r.state == ReportState::Sent {
                let on = r.sent_at.map(|t| t.date_naive());
                last_report = last_report.max(on);
            }
        }
    }
    let profile = store.profile(person).await?;
    let report_cadence = profile
        .as_ref()
        .and_then(|pr| pr.profile.report_cadence_days())
        .map(|cadence| (cadence, last_report.map(|d| (today - d).num_days())));
    Ok(HealthFacts {
        delivery,
        days_since_contact,
        intervals: (
            p.contact_ideal_days.unwrap_or(14),
            p.contact_max_days.unwrap_or(30),
        ),
        kept: count(CommitmentState::Kept),
        late: count(CommitmentState::Late),
        broken: count(CommitmentState::Broken),
        surprises,
        stale_questions,
        news_told,
        news_on_time,
        report_cadence,
    })
}

/// One person's relationship health.
pub async fn person_health(
    state: &AppState,
    scope: Scope,
    person: PersonId,
) -> Result<Health, ApiError> {
    let facts = person_facts(state, scope, person, state.clock.today()).await?;
    Ok(health(&facts))
}

/// An account's: its client reps' relationships, merged at their worst.
pub async fn account_health(
    state: &AppState,
    scope: Scope,
    account: AccountId,
) -> Result<Health, ApiError> {
    let today = state.clock.today();
    let projects = state.store.projects(scope, Some(account), false).await?;
    let mut reps: Vec<PersonId> = projects.iter().map(|p| p.client_rep_id).collect();
    reps.sort_unstable_by_key(|p| p.get());
    reps.dedup();
    let mut facts = Vec::new();
    for rep in reps {
        facts.push(person_facts(state, scope, rep, today).await?);
    }
    Ok(health(&HealthFacts::merge(&facts)))
}

/// Every account's health today, as the whole firm sees it: for the
/// daily history.
pub async fn all_accounts(state: &AppState) -> Result<HashMap<AccountId, u8>, ApiError> {
    let mut out = HashMap::new();
    for account in state.store.accounts(Scope::Everything, false).await? {
        let h = account_health(state, Scope::Everything, account.id).await?;
        out.insert(account.id, h.score);
    }
    Ok(out)
}

/// The health panel of a person's or an account's page.
pub struct HealthPanel {
    pub score: u8,
    /// good (70 and up), watch (40 and up) or bad.
    pub class: &'static str,
    /// (name, measured, explanation, "12.5 of 25").
    pub factors: Vec<HealthRow>,
    /// The history as SVG, for accounts.
    pub history: String,
}

pub struct HealthRow {
    pub name: &'static str,
    pub value: String,
    pub explanation: String,
    pub points: String,
}

impl HealthPanel {
    pub fn of(h: &Health, history: String) -> Self {
        Self {
            score: h.score,
            class: match h.score {
                70.. => "good",
                40.. => "watch",
                _ => "bad",
            },
            factors: h
                .factors
                .iter()
                .map(|f| HealthRow {
                    name: f.name,
                    value: f.value.clone(),
                    explanation: f.explanation.clone(),
                    points: format!("{:.1} of {:.1}", f.contribution, f.weight),
                })
                .collect(),
            history,
        }
    }
}
