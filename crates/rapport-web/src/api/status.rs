//! `/api/v1/projects/{id}/status`: status records (cumulative EV and AC at
//! a date), in the project's currency units.

use axum::http::StatusCode;
use axum::{extract::State, Json};
use chrono::{DateTime, NaiveDate, Utc};
use rapport_core::domain::{StatusDraft, ValidationErrors};
use rapport_core::ids::{ProjectId, StatusId};
use rapport_store::StatusRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::projects::minor;
use super::ListQuery;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, ApiResult, ErrorBody};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(read, update))
        .routes(routes!(archive))
        .routes(routes!(restore))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusBody {
    #[serde(deserialize_with = "super::wire::iso_date")]
    #[schema(value_type = String, format = Date, example = "2026-03-31")]
    pub status_date: NaiveDate,
    /// Cumulative earned value, in currency units.
    #[schema(minimum = 0.0, maximum = 1e13)]
    pub ev: f64,
    /// Cumulative actual cost, in currency units.
    #[schema(minimum = 0.0, maximum = 1e13)]
    pub ac: f64,
    /// The project manager's own estimate at completion.
    #[schema(exclusive_minimum = 0.0, maximum = 1e13)]
    pub eac: Option<f64>,
    #[schema(max_length = 5000)]
    pub comment: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatusView {
    pub id: i64,
    pub project_id: i64,
    pub status_date: NaiveDate,
    pub ev: f64,
    pub ac: f64,
    pub eac: Option<f64>,
    pub comment: Option<String>,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

async fn view(state: &AppState, record: StatusRecord) -> ApiResult<StatusView> {
    let currency = state
        .store
        .project(record.project_id)
        .await?
        .baseline
        .currency()
        .clone();
    Ok(views(&currency, vec![record]).remove(0))
}

fn views(currency: &rapport_core::domain::Currency, records: Vec<StatusRecord>) -> Vec<StatusView> {
    records
        .into_iter()
        .map(|r| StatusView {
            id: r.id.get(),
            project_id: r.project_id.get(),
            status_date: r.status_date,
            ev: currency.to_units(r.ev_minor),
            ac: currency.to_units(r.ac_minor),
            eac: r.manager_eac_minor.map(|m| currency.to_units(m)),
            comment: r.comment,
            archived: r.archived,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
        .collect()
}

async fn draft(state: &AppState, project_id: i64, body: &StatusBody) -> ApiResult<StatusDraft> {
    let baseline = state
        .store
        .project(ProjectId::new(project_id))
        .await?
        .baseline;
    let currency = baseline.currency().clone();
    let mut errors = ValidationErrors::default();
    let ev = minor(&mut errors, &currency, "ev", body.ev);
    // Earned value is the budgeted cost of the work done: it cannot pass
    // the budget (the page's form refuses it too; core's status_doubts).
    if ev > baseline.bac_minor() {
        errors.add(
            "ev",
            format!(
                "earned value {} is more than the budget (BAC) {}; it cannot exceed it",
                body.ev,
                currency.to_units(baseline.bac_minor())
            ),
        );
    }
    let ac = minor(&mut errors, &currency, "ac", body.ac);
    let eac = body.eac.map(|e| minor(&mut errors, &currency, "eac", e));
    match StatusDraft::new(body.status_date, ev, ac, eac, body.comment.as_deref()) {
        Ok(draft) if errors.is_empty() => Ok(draft),
        Ok(_) => Err(ApiError::invalid(errors)),
        Err(more) => {
            errors.0.extend(more.0);
            Err(ApiError::invalid(errors))
        }
    }
}

/// A project's status records, oldest first.
#[utoipa::path(get, path = "/api/v1/projects/{id}/status", tag = "status records",
    params(("id" = i64, Path, description = "project id"), ListQuery),
    responses((status = 200, body = [StatusView]), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<Vec<StatusView>>> {
    let currency = state
        .store
        .project(ProjectId::new(id))
        .await?
        .baseline
        .currency()
        .clone();
    let records = state
        .store
        .status_records(ProjectId::new(id), q.include_archived)
        .await?;
    Ok(Json(views(&currency, records)))
}

/// Record progress at a status date (one live record per date).
#[utoipa::path(post, path = "/api/v1/projects/{id}/status", tag = "status records", request_body = StatusBody,
    params(("id" = i64, Path, description = "project id")),
    responses((status = 201, body = StatusView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<StatusBody>,
) -> ApiResult<(StatusCode, Json<StatusView>)> {
    let draft = draft(&state, id, &body).await?;
    let record = state
        .store
        .create_status(
            state.clock.now(),
            &current.actor(),
            ProjectId::new(id),
            &draft,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(view(&state, record).await?)))
}

/// Read one status record.
#[utoipa::path(get, path = "/api/v1/projects/{id}/status/{status_id}", tag = "status records",
    params(("id" = i64, Path, description = "project id"), ("status_id" = i64, Path, description = "status record id")),
    responses((status = 200, body = StatusView), (status = 404, body = ErrorBody)))]
pub async fn read(
    State(state): State<AppState>,
    ApiPath((id, status_id)): ApiPath<(i64, i64)>,
) -> ApiResult<Json<StatusView>> {
    let record = state
        .store
        .status_record(ProjectId::new(id), StatusId::new(status_id))
        .await?;
    Ok(Json(view(&state, record).await?))
}

/// Correct a status record.
#[utoipa::path(put, path = "/api/v1/projects/{id}/status/{status_id}", tag = "status records", request_body = StatusBody,
    params(("id" = i64, Path, description = "project id"), ("status_id" = i64, Path, description = "status record id")),
    responses((status = 200, body = StatusView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath((id, status_id)): ApiPath<(i64, i64)>,
    ApiJson(body): ApiJson<StatusBody>,
) -> ApiResult<Json<StatusView>> {
    let draft = draft(&state, id, &body).await?;
    let record = state
        .store
        .update_status(
            state.clock.now(),
            &current.actor(),
            ProjectId::new(id),
            StatusId::new(status_id),
            &draft,
        )
        .await?;
    Ok(Json(view(&state, record).await?))
}

/// Archive a status record; it leaves the earned-value analysis.
#[utoipa::path(post, path = "/api/v1/projects/{id}/status/{status_id}/archive", tag = "status records",
    params(("id" = i64, Path, description = "project id"), ("status_id" = i64, Path, description = "status record id")),
    responses((status = 200, body = StatusView), (status = 404, body = ErrorBody)))]
pub async fn archive(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath((id, status_id)): ApiPath<(i64, i64)>,
) -> ApiResult<Json<StatusView>> {
    let record = state
        .store
        .set_status_archived(
            state.clock.now(),
            &current.actor(),
            ProjectId::new(id),
            StatusId::new(status_id),
            true,
        )
        .await?;
    Ok(Json(view(&state, record).await?))
}

/// Bring an archived status record back (refused if its date is taken).
#[utoipa::path(post, path = "/api/v1/projects/{id}/status/{status_id}/restore", tag = "status records",
    params(("id" = i64, Path, description = "project id"), ("status_id" = i64, Path, description = "status record id")),
    responses((status = 200, body = StatusView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn restore(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath((id, status_id)): ApiPath<(i64, i64)>,
) -> ApiResult<Json<StatusView>> {
    let record = state
        .store
        .set_status_archived(
            state.clock.now(),
            &current.actor(),
            ProjectId::new(id),
            StatusId::new(status_id),
            false,
        )
        .await?;
    Ok(Json(view(&state, record).await?))
}
