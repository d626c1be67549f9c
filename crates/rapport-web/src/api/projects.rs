//! `/api/v1/projects`: projects with their baseline, their stakeholders,
//! and the earned-value analysis of their status records.
//!
//! Amounts on the wire are in currency units (420000.5 dollars); they are
//! stored in minor units, and a value with more decimals than the currency
//! has is refused rather than rounded.

use axum::http::StatusCode;
use axum::{extract::State, Json};
use chrono::{DateTime, NaiveDate, Utc};
use rapport_core::access::Role;
use rapport_core::domain::{
    project_evm, Currency, DatedMetrics, PlannedPoint, ProjectDraft, ProjectInput, ProjectStatus,
    ValidationErrors,
};
use rapport_core::ids::{AccountId, PersonId, ProjectId};
use rapport_store::{Project, Stakeholder, TeamChange};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{check_refs, Ref};
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, ApiResult, ErrorBody};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(read, update))
        .routes(routes!(archive))
        .routes(routes!(restore))
        .routes(routes!(stakeholders))
        .routes(routes!(set_stakeholder, remove_stakeholder))
        .routes(routes!(evm))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectBody {
    pub account_id: i64,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: String,
    #[schema(max_length = 50)]
    pub code: Option<String>,
    pub project_manager_id: i64,
    pub client_rep_id: i64,
    /// `proposed`, `active` (default), `on_hold`, `finished` or `cancelled`.
    #[schema(pattern = r"^(proposed|active|on_hold|finished|cancelled)$")]
    pub status: Option<String>,
    pub baseline: BaselineBody,
    /// The team besides the PM and the client rep. Left out, a new project
    /// has none and a replaced one keeps its team as it is; `[]` empties it.
    #[serde(default)]
    #[schema(max_items = 200)]
    pub stakeholders: Option<Vec<StakeholderBody>>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BaselineBody {
    /// ISO 4217 code, e.g. USD.
    #[schema(pattern = r"^[A-Z]{3}$", example = "USD")]
    pub currency: String,
    /// Budget at completion, in currency units: above zero, at most 10^13,
    /// with no more decimals than the currency has.
    #[schema(exclusive_minimum = 0.0, maximum = 1e13)]
    pub bac: f64,
    #[serde(deserialize_with = "super::wire::iso_date")]
    #[schema(value_type = String, format = Date, example = "2026-01-01")]
    pub start: NaiveDate,
    #[serde(deserialize_with = "super::wire::iso_date")]
    #[schema(value_type = String, format = Date, example = "2026-12-31")]
    pub finish: NaiveDate,
    /// Cumulative planned value at the end of each period; the last equals
    /// `bac` and ends on `finish`.
    #[schema(min_items = 1, max_items = 600)]
    pub planned: Vec<PlannedBody>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlannedBody {
    #[serde(deserialize_with = "super::wire::iso_date")]
    #[schema(value_type = String, format = Date, example = "2026-01-31")]
    pub period_end: NaiveDate,
    /// Cumulative planned value, in currency units.
    #[schema(minimum = 0.0, maximum = 1e13)]
    pub pv: f64,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StakeholderBody {
    pub person_id: i64,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub role: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleBody {
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub role: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectView {
    pub id: i64,
    pub account_id: i64,
    pub name: String,
    pub code: Option<String>,
    pub project_manager_id: i64,
    pub client_rep_id: i64,
    #[schema(value_type = String, example = "active")]
    pub status: ProjectStatus,
    pub baseline: BaselineBody,
    pub stakeholders: Vec<StakeholderBody>,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn stakeholder_views(list: Vec<Stakeholder>) -> Vec<StakeholderBody> {
    list.into_iter()
        .map(|s| StakeholderBody {
            person_id: s.person_id.get(),
            role: s.role,
        })
        .collect()
}

impl From<Project> for ProjectView {
    fn from(p: Project) -> Self {
        let b = &p.baseline;
        let baseline = BaselineBody {
            currency: b.currency().code().to_string(),
            bac: b.currency().to_units(b.bac_minor()),
            start: b.start(),
            finish: b.finish(),
            planned: b
                .planned()
                .iter()
                .map(|pt| PlannedBody {
                    period_end: pt.period_end,
                    pv: b.currency().to_units(pt.pv_minor),
                })
                .collect(),
        };
        Self {
            id: p.id.get(),
            account_id: p.account_id.get(),
            name: p.name,
            code: p.code,
            project_manager_id: p.project_manager_id.get(),
            client_rep_id: p.client_rep_id.get(),
            status: p.status,
            baseline,
            stakeholders: stakeholder_views(p.stakeholders),
            archived: p.archived,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// Converts an amount in currency units, recording a field error if it
/// cannot be represented exactly.
pub(crate) fn minor(
    errors: &mut ValidationErrors,
    currency: &Currency,
    field: &str,
    units: f64,
) -> i64 {
    currency.to_minor(units).unwrap_or_else(|e| {
        errors.add(field, e);
        0
    })
}

fn draft(body: &ProjectBody) -> ApiResult<ProjectDraft> {
    let mut errors = ValidationErrors::default();
    // An unknown currency is reported by the baseline check below; amounts
    // are converted with two decimals meanwhile.
    let currency = Currency::parse(&body.baseline.currency)
        .unwrap_or_else(|_| Currency::parse("XXX").expect("XXX is a valid code"));
    let bac = minor(&mut errors, &currency, "baseline.bac", body.baseline.bac);
    let planned = body
        .baseline
        .planned
        .iter()
        .enumerate()
        .map(|(i, p)| PlannedPoint {
            period_end: p.period_end,
            pv_minor: minor(
                &mut errors,
                &currency,
                &format!("baseline.planned[{i}].pv"),
                p.pv,
            ),
        })
        .collect();
    let result = ProjectDraft::new(ProjectInput {
        account_id: AccountId::new(body.account_id),
        name: &body.name,
        code: body.code.as_deref(),
        project_manager_id: PersonId::new(body.project_manager_id),
        client_rep_id: PersonId::new(body.client_rep_id),
        status: body.status.as_deref(),
        currency: &body.baseline.currency,
        bac_minor: bac,
        start: body.baseline.start,
        finish: body.baseline.finish,
        planned,
        stakeholders: body
            .stakeholders
            .iter()
            .flatten()
            .map(|s| (PersonId::new(s.person_id), s.role.as_str()))
            .collect(),
    });
    match result {
        Ok(draft) if errors.is_empty() => Ok(draft),
        Ok(_) => Err(ApiError::invalid(errors)),
        Err(more) => {
            errors.0.extend(more.0);
            Err(ApiError::invalid(errors))
        }
    }
}

/// The accounts and people a project refers to must be ones the caller
/// sees.
async fn check_project_refs(
    state: &AppState,
    current: &CurrentUser,
    draft: &ProjectDraft,
) -> ApiResult<()> {
    let mut refs = vec![
        (
            "account_id".to_string(),
            Ref::Account(draft.account_id().get()),
        ),
        (
            "project_manager_id".to_string(),
            Ref::Person(draft.project_manager_id().get()),
        ),
        (
            "client_rep_id".to_string(),
            Ref::Person(draft.client_rep_id().get()),
        ),
    ];
    for (i, (person_id, _)) in draft.stakeholders().iter().enumerate() {
        refs.push((
            format!("stakeholders[{i}].person_id"),
            Ref::Person((*person_id).get()),
        ));
    }
    check_refs(state, current, &refs).await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectsQuery {
    /// Only this account's projects.
    pub account_id: Option<i64>,
    #[serde(default)]
    pub include_archived: bool,
}

/// List projects by name.
#[utoipa::path(get, path = "/api/v1/projects", tag = "projects", params(ProjectsQuery),
    responses((status = 200, body = [ProjectView])))]
pub async fn list(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiQuery(q): ApiQuery<ProjectsQuery>,
) -> ApiResult<Json<Vec<ProjectView>>> {
    let projects = state
        .store
        .projects(
            current.scope(),
            q.account_id.map(AccountId::new),
            q.include_archived,
        )
        .await?;
    Ok(Json(projects.into_iter().map(ProjectView::from).collect()))
}

/// Create a project with its baseline.
#[utoipa::path(post, path = "/api/v1/projects", tag = "projects", request_body = ProjectBody,
    responses((status = 201, body = ProjectView), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiJson(body): ApiJson<ProjectBody>,
) -> ApiResult<(StatusCode, Json<ProjectView>)> {
    let draft = draft(&body)?;
    check_project_refs(&state, &current, &draft).await?;
    if current.user.role == Role::Pm && draft.project_manager_id() != current.user.person_id {
        return Err(ApiError::invalid_field(
            "project_manager_id",
            format!(
                "a project manager creates the projects they manage: use your own person id, {}",
                current.user.person_id
            ),
        ));
    }
    let project = state
        .store
        .create_project(state.clock.now(), &current.actor(), &draft)
        .await?;
    Ok((StatusCode::CREATED, Json(project.into())))
}

/// Read one project.
#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "projects", params(("id" = i64, Path, description = "project id")),
    responses((status = 200, body = ProjectView), (status = 404, body = ErrorBody)))]
pub async fn read(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ProjectView>> {
    Ok(Json(state.store.project(ProjectId::new(id)).await?.into()))
}

/// Replace a project's fields, baseline and stakeholders.
#[utoipa::path(put, path = "/api/v1/projects/{id}", tag = "projects", request_body = ProjectBody,
    params(("id" = i64, Path, description = "project id")),
    responses((status = 200, body = ProjectView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ProjectBody>,
) -> ApiResult<Json<ProjectView>> {
    // A client that does not send the team (an older script, one that only
    // moves the baseline) must not empty it by leaving it out; the team is
    // kept inside the change's own transaction, so a stakeholder added
    // meanwhile stays.
    let team = if body.stakeholders.is_some() {
        TeamChange::Replace
    } else {
        TeamChange::Keep
    };
    let draft = draft(&body)?;
    check_project_refs(&state, &current, &draft).await?;
    Ok(Json(
        state
            .store
            .update_project(
                state.clock.now(),
                &current.actor(),
                ProjectId::new(id),
                &draft,
                team,
            )
            .await?
            .into(),
    ))
}

/// Archive a project.
#[utoipa::path(post, path = "/api/v1/projects/{id}/archive", tag = "projects", params(("id" = i64, Path, description = "project id")),
    responses((status = 200, body = ProjectView), (status = 404, body = ErrorBody)))]
pub async fn archive(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ProjectView>> {
    Ok(Json(
        state
            .store
            .set_project_archived(
                state.clock.now(),
                &current.actor(),
                ProjectId::new(id),
                true,
            )
            .await?
            .into(),
    ))
}

/// Bring an archived project back.
#[utoipa::path(post, path = "/api/v1/projects/{id}/restore", tag = "projects", params(("id" = i64, Path, description = "project id")),
    responses((status = 200, body = ProjectView), (status = 404, body = ErrorBody)))]
pub async fn restore(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ProjectView>> {
    Ok(Json(
        state
            .store
            .set_project_archived(
                state.clock.now(),
                &current.actor(),
                ProjectId::new(id),
                false,
            )
            .await?
            .into(),
    ))
}

/// The project's other stakeholders and their roles.
#[utoipa::path(get, path = "/api/v1/projects/{id}/stakeholders", tag = "projects", params(("id" = i64, Path, description = "project id")),
    responses((status = 200, body = [StakeholderBody]), (status = 404, body = ErrorBody)))]
pub async fn stakeholders(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<StakeholderBody>>> {
    Ok(Json(stakeholder_views(
        state.store.project(ProjectId::new(id)).await?.stakeholders,
    )))
}

/// Add a stakeholder or change their role.
#[utoipa::path(put, path = "/api/v1/projects/{id}/stakeholders/{person_id}", tag = "projects", request_body = RoleBody,
    params(("id" = i64, Path, description = "project id"), ("person_id" = i64, Path, description = "person id")),
    responses((status = 200, body = [StakeholderBody]), (status = 404, body = ErrorBody, description = "no such project, or no such person"), (status = 422, body = ErrorBody)))]
pub async fn set_stakeholder(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath((id, person_id)): ApiPath<(i64, i64)>,
    ApiJson(body): ApiJson<RoleBody>,
) -> ApiResult<Json<Vec<StakeholderBody>>> {
    // The person is named by the path: one the caller cannot see is not
    // found, like any other path id.
    if !state
        .store
        .person_in_scope(current.scope(), PersonId::new(person_id))
        .await?
    {
        return Err(ApiError::NotFound(format!("no person with id {person_id}")));
    }
    let list = state
        .store
        .set_stakeholder(
            state.clock.now(),
            &current.actor(),
            ProjectId::new(id),
            PersonId::new(person_id),
            &body.role,
        )
        .await?;
    Ok(Json(stakeholder_views(list)))
}

/// Take a person off the project's stakeholders.
#[utoipa::path(delete, path = "/api/v1/projects/{id}/stakeholders/{person_id}", tag = "projects",
    params(("id" = i64, Path, description = "project id"), ("person_id" = i64, Path, description = "person id")),
    responses((status = 200, body = [StakeholderBody]), (status = 404, body = ErrorBody)))]
pub async fn remove_stakeholder(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath((id, person_id)): ApiPath<(i64, i64)>,
) -> ApiResult<Json<Vec<StakeholderBody>>> {
    let list = state
        .store
        .remove_stakeholder(
            state.clock.now(),
            &current.actor(),
            ProjectId::new(id),
            PersonId::new(person_id),
        )
        .await?;
    Ok(Json(stakeholder_views(list)))
}

/// Earned value and earned schedule at each live status date.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvmView {
    pub project_id: i64,
    pub currency: String,
    pub bac: f64,
    /// Planned duration PD, in baseline periods.
    pub planned_duration: usize,
    pub start: NaiveDate,
    pub planned_finish: NaiveDate,
    /// One entry per status date, oldest first; see docs/evm-file.md for
    /// each measure. Undefined ratios are null.
    #[schema(value_type = Vec<Object>)]
    pub status: Vec<DatedMetrics>,
}

/// The earned-value engine's results per status date.
#[utoipa::path(get, path = "/api/v1/projects/{id}/evm", tag = "projects", params(("id" = i64, Path, description = "project id")),
    responses((status = 200, body = EvmView), (status = 404, body = ErrorBody)))]
pub async fn evm(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<EvmView>> {
    let project = state.store.project(ProjectId::new(id)).await?;
    let records = state
        .store
        .status_records(ProjectId::new(id), false)
        .await?;
    let drafts = records
        .iter()
        .map(|r| r.draft())
        .collect::<Result<Vec<_>, _>>()?;
    let b = &project.baseline;
    Ok(Json(EvmView {
        project_id: project.id.get(),
        currency: b.currency().code().to_string(),
        bac: b.currency().to_units(b.bac_minor()),
        planned_duration: b.planned().len(),
        start: b.start(),
        planned_finish: b.finish(),
        status: project_evm(b, &drafts),
    }))
}
