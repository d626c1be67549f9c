//! `/people/{id}`: one person's page — who they are and how to reach them,
//! their contact clock against their intervals, the projects they are on,
//! their record of promises both ways (made by them and made to them), the
//! questions waiting on them, and one timeline of every conversation with
//! them across the projects you see.
//!
//! What it reads: the person, their account, the projects (one
//! `projects` call: three queries), the timeline (six queries in one
//! snapshot) and the names it shows (one query).

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use rapport_core::domain::{CommitmentState, Side};
use rapport_core::ids::PersonId;
use rapport_core::ledger::records;
use rapport_store::Subject;

use super::home::status_label;
use super::timeline::{self, Clock, Rows, TIMELINE};
use super::Nav;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiPath};
use crate::AppState;

pub struct ProjectRow {
    pub id: i64,
    pub name: String,
    pub role: String,
    pub status: &'static str,
    pub may_capture: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "people/show.html")]
pub struct PersonPage {
    pub nav: Nav,
    pub id: i64,
    pub name: String,
    /// "Head of engineering, Northwind" or "our firm".
    pub standing: String,
    pub client: bool,
    /// The page of the signed-in user's own person.
    pub is_me: bool,
    pub account: Option<(i64, String)>,
    pub email: String,
    pub phone: String,
    pub preferences: String,
    pub style: String,
    pub clock: Clock,
    pub projects: Vec<ProjectRow>,
    pub made: String,
    pub received: String,
    pub rows: Rows,
}

/// Whether the user may record conversations on the project (the access
/// rule of `rapport_core::access`, from what the project row says).
pub(super) fn may_contribute(current: &CurrentUser, project: &rapport_store::Project) -> bool {
    use rapport_core::access::{project_access, ProjectAccess, Relation};
    let me = current.user.person_id;
    let relation = if project.project_manager_id == me {
        Relation::Manager
    } else if project.stakeholders.iter().any(|s| s.person_id == me) {
        Relation::Team
    } else {
        Relation::Outsider
    };
    project_access(current.user.role, relation) >= ProjectAccess::Contribute
}

/// One person's page.
#[utoipa::path(get, path = "/people/{id}", tag = "pages",
    params(("id" = i64, Path, description = "person id")),
    responses((status = 200, description = "the person's page", content_type = "text/html"),
        (status = 404, description = "no such person, or not one you may see", content_type = "text/html")))]
pub async fn show(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<PersonPage, ApiError> {
    let store = &state.store;
    let today = state.clock.today();
    let person_id = PersonId::new(id);
    let person = store.person(person_id).await?;
    let account = match person.account_id {
        Some(a) => Some(store.account(a).await?),
        None => None,
    };
    let scope = current.scope();
    let projects = store.projects(scope, person.account_id, false).await?;
    let record = store
        .timeline(scope, Subject::Person(person_id), TIMELINE)
        .await?;
    let names: HashMap<PersonId, String> = store
        .people_named(&timeline::named(&record))
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();

    let projects = projects
        .iter()
        .filter_map(|p| {
            let role = if p.client_rep_id == person_id {
                "client rep".to_string()
            } else if p.project_manager_id == person_id {
                "project manager".to_string()
            } else {
                p.stakeholders
                    .iter()
                    .find(|s| s.person_id == person_id)?
                    .role
                    .clone()
            };
            Some(ProjectRow {
                id: p.id.get(),
                name: p.name.clone(),
                role,
                status: status_label(p.status),
                may_capture: may_contribute(&current, p),
            })
        })
        .collect();

    let outcomes: Vec<(PersonId, PersonId, CommitmentState, chrono::NaiveDate)> = record
        .promises
        .iter()
        .map(|c| (c.promised_by_id, c.promised_to_id, c.state, c.due_on))
        .collect();
    let (made, received) = records(&outcomes, today)
        .remove(&person_id)
        .unwrap_or_default();

    let standing = match (&person.title, &account) {
        _ if person.side == Side::Firm => match &person.title {
            Some(t) => format!("{t}, our firm"),
            None => "our firm".to_string(),
        },
        (Some(t), Some(a)) => format!("{t}, {}", a.name),
        (None, Some(a)) => a.name.clone(),
        (Some(t), None) => t.clone(),
        (None, None) => String::new(),
    };
    Ok(PersonPage {
        nav: Nav::of(&current),
        id,
        name: person.name.clone(),
        standing,
        client: person.side == Side::Client,
        is_me: person_id == current.user.person_id,
        account: account.map(|a| (a.id.get(), a.name)),
        email: person.email.clone().unwrap_or_default(),
        phone: person.phone.clone().unwrap_or_default(),
        preferences: person.communication_preferences.clone().unwrap_or_default(),
        style: person.behaviour_style.clone().unwrap_or_default(),
        clock: timeline::clock(
            record.last_contact.get(&person_id).copied(),
            person.contact_ideal_days,
            person.contact_max_days,
            today,
        ),
        projects,
        made: timeline::describe(made),
        received: timeline::describe(received),
        rows: timeline::rows(&record, &names, today),
    })
}
