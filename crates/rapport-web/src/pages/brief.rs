//! `/projects/{id}/brief`: the mission brief — the client's goal in their
//! own words, the success criteria, why it matters to the client rep, the
//! unwritten expectations, the client's internal standards that apply and
//! the expertise the work needs. Its manager writes it (each edit a new
//! version); the team reads it, and prints it as one page. Team members
//! raise concerns here; the manager answers them.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use rapport_core::access::ProjectAccess;
use rapport_core::domain::{BriefDraft, BriefInput};
use rapport_core::ids::{PersonId, ProjectId};
use serde::Deserialize;

use super::Nav;
use crate::auth::{CurrentUser, ProjectAccessOf};
use crate::error::{ApiError, ApiPath, PageForm};
use crate::AppState;

pub struct VersionRow {
    pub version: i64,
    pub by: String,
    pub on: String,
    pub goal: String,
}

pub struct ConcernRow {
    pub id: i64,
    pub concern: String,
    pub by: String,
    pub on: String,
    pub answer: String,
    pub answered_by: String,
}

#[derive(Default)]
pub struct BriefFields {
    pub goal: String,
    pub success_criteria: String,
    pub personal_stakes: String,
    pub unwritten_expectations: String,
    pub expertise: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "projects/brief.html")]
pub struct BriefPage {
    pub nav: Nav,
    pub id: i64,
    pub project: String,
    pub account: String,
    pub rep: String,
    pub has_brief: bool,
    pub brief: BriefFields,
    pub written: String,
    pub standards: Vec<(String, String)>,
    pub history: Vec<VersionRow>,
    pub concerns: Vec<ConcernRow>,
    pub may_write: bool,
    pub may_contribute: bool,
    pub notice: Option<&'static str>,
    pub error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct BriefQuery {
    pub done: Option<String>,
}

async fn page(
    state: &AppState,
    current: &CurrentUser,
    id: i64,
    access: ProjectAccess,
    notice: Option<&'static str>,
    error: Option<String>,
    typed: Option<BriefFields>,
) -> Result<BriefPage, ApiError> {
    let project_id = ProjectId::new(id);
    let project = state.store.project(project_id).await?;
    let account = state.store.account(project.account_id).await?;
    let history = state.store.brief_history(project_id).await?;
    let concerns = state.store.concerns(project_id).await?;
    let mut named: Vec<PersonId> = vec![project.client_rep_id];
    named.extend(concerns.iter().map(|c| PersonId::new(c.raised_by_id)));
    let names: HashMap<PersonId, String> = state
        .store
        .people_named(&named)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let name = |id: PersonId| names.get(&id).cloned().unwrap_or_default();
    let latest = history.first();
    let brief = typed.unwrap_or_else(|| {
        latest.map_or_else(BriefFields::default, |b| BriefFields {
            goal: b.goal.clone(),
            success_criteria: b.success_criteria.clone().unwrap_or_default(),
            personal_stakes: b.personal_stakes.clone().unwrap_or_default(),
            unwritten_expectations: b.unwritten_expectations.clone().unwrap_or_default(),
            expertise: b.expertise.clone().unwrap_or_default(),
        })
    });
    Ok(BriefPage {
        nav: Nav::of(current),
        id,
        project: project.name.clone(),
        account: account.name.clone(),
        rep: name(project.client_rep_id),
        has_brief: latest.is_some(),
        written: latest.map_or_else(String::new, |b| {
            format!(
                "Version {} by {}, {}",
                b.version,
                b.written_by,
                b.written_at.format("%Y-%m-%d")
            )
        }),
        brief,
        standards: account
            .standards
            .iter()
            .map(|s| (s.title.clone(), s.description.clone().unwrap_or_default()))
            .collect(),
        history: history
            .iter()
            .skip(1)
            .map(|b| VersionRow {
                version: b.version,
                by: b.written_by.clone(),
                on: b.written_at.format("%Y-%m-%d").to_string(),
                goal: b.goal.clone(),
            })
            .collect(),
        concerns: concerns
            .iter()
            .map(|c| ConcernRow {
                id: c.id,
                concern: c.concern.clone(),
                by: name(PersonId::new(c.raised_by_id)),
                on: c.raised_at.format("%Y-%m-%d").to_string(),
                answer: c.answer.clone().unwrap_or_default(),
                answered_by: c.answered_by.clone().unwrap_or_default(),
            })
            .collect(),
        may_write: access >= ProjectAccess::Manage,
        may_contribute: access >= ProjectAccess::Contribute,
        notice,
        error,
    })
}

/// The mission brief of a project, with its concerns.
#[utoipa::path(get, path = "/projects/{id}/brief", tag = "pages",
    params(("id" = i64, Path, description = "project id"), ("done" = Option<String>, Query, description = "what was just done, for the notice")),
    responses((status = 200, description = "the mission brief", content_type = "text/html")))]
pub async fn show(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    Query(query): Query<BriefQuery>,
    Extension(ProjectAccessOf(access)): Extension<ProjectAccessOf>,
) -> Result<BriefPage, ApiError> {
    let notice = match query.done.as_deref() {
        Some("written") => Some("The brief was saved as a new version."),
        Some("raised") => Some("Your concern was raised; the project manager will answer it here."),
        Some("answered") => Some("The answer was recorded."),
        _ => None,
    };
    page(&state, &current, id, access, notice, None, None).await
}

#[derive(Debug, Deserialize)]
pub struct BriefForm {
    #[serde(default)]
    pub goal: String,
    #[serde(default)]
    pub success_criteria: String,
    #[serde(default)]
    pub personal_stakes: String,
    #[serde(default)]
    pub unwritten_expectations: String,
    #[serde(default)]
    pub expertise: String,
}

/// Saves the brief as a new version.
#[utoipa::path(post, path = "/projects/{id}/brief", tag = "pages",
    params(("id" = i64, Path, description = "project id")),
    responses((status = 303, description = "back to the brief"), (status = 422, description = "the brief again, with what was wrong", content_type = "text/html")))]
pub async fn write(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    Extension(ProjectAccessOf(access)): Extension<ProjectAccessOf>,
    PageForm(form): PageForm<BriefForm>,
) -> Result<Response, ApiError> {
    let some = |t: &str| Some(t.to_string()).filter(|t| !t.trim().is_empty());
    let (criteria, stakes, unwritten, expertise) = (
        some(&form.success_criteria),
        some(&form.personal_stakes),
        some(&form.unwritten_expectations),
        some(&form.expertise),
    );
    let draft = BriefDraft::new(BriefInput {
        goal: &form.goal,
        success_criteria: criteria.as_deref(),
        personal_stakes: stakes.as_deref(),
        unwritten_expectations: unwritten.as_deref(),
        expertise: expertise.as_deref(),
    });
    let refused = match draft {
        Ok(draft) => {
            state
                .store
                .save_brief(
                    state.clock.now(),
                    &current.actor(),
                    ProjectId::new(id),
                    &draft,
                    &current.user.name,
                )
                .await?;
            return Ok(Redirect::to(&format!("/projects/{id}/brief?done=written")).into_response());
        }
        Err(errors) => errors,
    };
    let typed = BriefFields {
        goal: form.goal,
        success_criteria: form.success_criteria,
        personal_stakes: form.personal_stakes,
        unwritten_expectations: form.unwritten_expectations,
        expertise: form.expertise,
    };
    let page = page(
        &state,
        &current,
        id,
        access,
        None,
        Some(format!("Nothing was saved. {refused}")),
        Some(typed),
    )
    .await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

#[derive(Debug, Deserialize)]
pub struct ConcernForm {
    #[serde(default)]
    pub concern: String,
}

#[derive(Debug, Deserialize)]
pub struct ConcernAnswerForm {
    #[serde(default)]
    pub answer: String,
}

/// Shows the brief again with a refusal, or goes back to it.
async fn after(
    state: &AppState,
    current: &CurrentUser,
    id: i64,
    access: ProjectAccess,
    done: Result<&'static str, rapport_store::StoreError>,
) -> Result<Response, ApiError> {
    match done {
        Ok(what) => Ok(Redirect::to(&format!("/projects/{id}/brief?done={what}")).into_response()),
        Err(rapport_store::StoreError::Invalid(errors)) => {
            let page = page(
                state,
                current,
                id,
                access,
                None,
                Some(format!("Nothing was changed. {errors}")),
                None,
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// Raise a concern about the project.
#[utoipa::path(post, path = "/projects/{id}/concerns", tag = "pages",
    params(("id" = i64, Path, description = "project id")),
    responses((status = 303, description = "back to the brief")))]
pub async fn raise(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    Extension(ProjectAccessOf(access)): Extension<ProjectAccessOf>,
    PageForm(form): PageForm<ConcernForm>,
) -> Result<Response, ApiError> {
    let done = state
        .store
        .raise_concern(
            state.clock.now(),
            &current.actor(),
            ProjectId::new(id),
            current.user.person_id,
            &form.concern,
        )
        .await
        .map(|_| "raised");
    after(&state, &current, id, access, done).await
}

/// Answer a concern (the project's manager).
#[utoipa::path(post, path = "/projects/{id}/concerns/{concern_id}/answer", tag = "pages",
    params(("id" = i64, Path, description = "project id"), ("concern_id" = i64, Path, description = "concern id")),
    responses((status = 303, description = "back to the brief")))]
pub async fn answer(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath((id, concern_id)): ApiPath<(i64, i64)>,
    Extension(ProjectAccessOf(access)): Extension<ProjectAccessOf>,
    PageForm(form): PageForm<ConcernAnswerForm>,
) -> Result<Response, ApiError> {
    let done = state
        .store
        .answer_concern(
            state.clock.now(),
            &current.actor(),
            ProjectId::new(id),
            concern_id,
            &form.answer,
            &current.user.name,
        )
        .await
        .map(|_| "answered");
    after(&state, &current, id, access, done).await
}
