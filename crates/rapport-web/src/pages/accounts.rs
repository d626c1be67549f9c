//! `/accounts/{id}`: one client's page — its people with their contact
//! clocks, its projects, its internal standards, each person's record of
//! promises both ways, the questions waiting, and one timeline of every
//! conversation on its projects you see.
//!
//! What it reads: the account, its people, its projects (three queries),
//! the timeline (six queries in one snapshot) and the names it shows (one
//! query).

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use rapport_core::domain::{CommitmentState, Side};
use rapport_core::ids::{AccountId, PersonId};
use rapport_core::ledger::records;
use rapport_store::Subject;

use super::home::status_label;
use super::people::may_contribute;
use super::timeline::{self, Clock, Rows, TIMELINE};
use super::Nav;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiPath};
use crate::AppState;

pub struct PersonRow {
    pub id: i64,
    pub name: String,
    pub title: String,
    pub clock: Clock,
}

pub struct ProjectRow {
    pub id: i64,
    pub name: String,
    pub status: &'static str,
    pub manager: String,
    pub rep: String,
    pub may_capture: bool,
}

pub struct RecordRow {
    pub id: i64,
    pub name: String,
    pub made: String,
    pub received: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/show.html")]
pub struct AccountPage {
    pub nav: Nav,
    pub health: Option<crate::health::HealthPanel>,
    pub name: String,
    pub industry: String,
    pub notes: String,
    pub people: Vec<PersonRow>,
    pub projects: Vec<ProjectRow>,
    pub standards: Vec<(String, String)>,
    pub records: Vec<RecordRow>,
    pub rows: Rows,
}

/// One client account's page.
#[utoipa::path(get, path = "/accounts/{id}", tag = "pages",
    params(("id" = i64, Path, description = "account id")),
    responses((status = 200, description = "the account's page", content_type = "text/html"),
        (status = 404, description = "no such account, or not one you may see", content_type = "text/html")))]
pub async fn show(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<AccountPage, ApiError> {
    let store = &state.store;
    let today = state.clock.today();
    let account_id = AccountId::new(id);
    let scope = current.scope();
    let account = store.account(account_id).await?;
    let people = store.people(scope, Some(account_id), false).await?;
    let projects = store.projects(scope, Some(account_id), false).await?;
    let record = store
        .timeline(scope, Subject::Account(account_id), TIMELINE)
        .await?;
    let mut named = timeline::named(&record);
    named.extend(
        projects
            .iter()
            .flat_map(|p| [p.project_manager_id, p.client_rep_id]),
    );
    let names: HashMap<PersonId, String> = store
        .people_named(&named)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let name = |id: PersonId| names.get(&id).cloned().unwrap_or_default();

    let outcomes: Vec<(PersonId, PersonId, CommitmentState, chrono::NaiveDate)> = record
        .promises
        .iter()
        .map(|c| (c.promised_by_id, c.promised_to_id, c.state, c.due_on))
        .collect();
    let mut record_rows: Vec<RecordRow> = records(&outcomes, today)
        .into_iter()
        .map(|(person, (made, received))| RecordRow {
            id: person.get(),
            name: name(person),
            made: timeline::describe(made),
            received: timeline::describe(received),
        })
        .collect();
    record_rows.sort_by(|a, b| a.name.cmp(&b.name));

    let health = crate::health::account_health(&state, scope, account_id).await?;
    let history = store
        .health_history(account_id, today - chrono::Duration::days(90))
        .await?;
    let points: Vec<(chrono::NaiveDate, u8)> = history.iter().map(|s| (s.on, s.score)).collect();
    let sparkline = if points.len() > 1 {
        rapport_report::charts::sparkline(
            &format!("{} health, last 90 days", account.name),
            &points,
        )
    } else {
        String::new()
    };
    Ok(AccountPage {
        health: Some(crate::health::HealthPanel::of(&health, sparkline)),
        nav: Nav::of(&current),
        name: account.name.clone(),
        industry: account.industry.clone().unwrap_or_default(),
        notes: account.notes.clone().unwrap_or_default(),
        people: people
            .iter()
            .filter(|p| p.side == Side::Client)
            .map(|p| PersonRow {
                id: p.id.get(),
                name: p.name.clone(),
                title: p.title.clone().unwrap_or_default(),
                clock: timeline::clock(
                    record.last_contact.get(&p.id).copied(),
                    p.contact_ideal_days,
                    p.contact_max_days,
                    today,
                ),
            })
            .collect(),
        projects: projects
            .iter()
            .map(|p| ProjectRow {
                id: p.id.get(),
                name: p.name.clone(),
                status: status_label(p.status),
                manager: name(p.project_manager_id),
                rep: name(p.client_rep_id),
                may_capture: may_contribute(&current, p),
            })
            .collect(),
        standards: account
            .standards
            .iter()
            .map(|s| (s.title.clone(), s.description.clone().unwrap_or_default()))
            .collect(),
        records: record_rows,
        rows: timeline::rows(&record, &names, today),
    })
}
