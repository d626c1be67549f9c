//! `/api/v1/projects/{id}/brief` and `/concerns`: the mission brief (its
//! manager writes it, anyone on the project reads it; every version kept)
//! and team concerns (anyone on the project raises one, its manager
//! answers).

use axum::http::StatusCode;
use axum::{extract::State, Json};
use chrono::{DateTime, Utc};
use rapport_core::domain::{BriefDraft, BriefInput};
use rapport_core::ids::ProjectId;
use rapport_store::{Concern, MissionBrief};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult, ErrorBody};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(read, write))
        .routes(routes!(history))
        .routes(routes!(list_concerns, raise))
        .routes(routes!(answer))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BriefBody {
    /// The client's goal, in their own words.
    #[schema(min_length = 1, max_length = 5000, pattern = r"\S")]
    pub goal: String,
    #[schema(max_length = 5000)]
    pub success_criteria: Option<String>,
    /// Why the project matters to the client rep personally.
    #[schema(max_length = 5000)]
    pub personal_stakes: Option<String>,
    /// What the client expects without having written it down.
    #[schema(max_length = 5000)]
    pub unwritten_expectations: Option<String>,
    /// The expertise the work needs.
    #[schema(max_length = 5000)]
    pub expertise: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BriefView {
    pub project_id: i64,
    pub version: i64,
    pub goal: String,
    pub success_criteria: Option<String>,
    pub personal_stakes: Option<String>,
    pub unwritten_expectations: Option<String>,
    pub expertise: Option<String>,
    pub written_by: String,
    pub written_at: DateTime<Utc>,
}

impl From<MissionBrief> for BriefView {
    fn from(b: MissionBrief) -> Self {
        Self {
            project_id: b.project_id,
            version: b.version,
            goal: b.goal,
            success_criteria: b.success_criteria,
            personal_stakes: b.personal_stakes,
            unwritten_expectations: b.unwritten_expectations,
            expertise: b.expertise,
            written_by: b.written_by,
            written_at: b.written_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConcernBody {
    #[schema(min_length = 1, max_length = 5000, pattern = r"\S")]
    pub concern: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConcernAnswerBody {
    #[schema(min_length = 1, max_length = 5000, pattern = r"\S")]
    pub answer: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConcernView {
    pub id: i64,
    pub project_id: i64,
    pub raised_by_id: i64,
    pub concern: String,
    pub raised_at: DateTime<Utc>,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
}

impl From<Concern> for ConcernView {
    fn from(c: Concern) -> Self {
        Self {
            id: c.id,
            project_id: c.project_id,
            raised_by_id: c.raised_by_id,
            concern: c.concern,
            raised_at: c.raised_at,
            answer: c.answer,
            answered_by: c.answered_by,
            answered_at: c.answered_at,
        }
    }
}

pub fn brief_draft(body: &BriefBody) -> Result<BriefDraft, ApiError> {
    BriefDraft::new(BriefInput {
        goal: &body.goal,
        success_criteria: body.success_criteria.as_deref(),
        personal_stakes: body.personal_stakes.as_deref(),
        unwritten_expectations: body.unwritten_expectations.as_deref(),
        expertise: body.expertise.as_deref(),
    })
    .map_err(ApiError::invalid)
}

/// The project's mission brief (its latest version).
#[utoipa::path(get, path = "/api/v1/projects/{id}/brief", tag = "relationship",
    params(("id" = i64, Path, description = "project id")),
    responses((status = 200, body = BriefView), (status = 404, body = ErrorBody)))]
pub async fn read(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<BriefView>> {
    let history = state.store.brief_history(ProjectId::new(id)).await?;
    let latest = history
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::NotFound(format!("project {id} has no mission brief yet")))?;
    Ok(Json(latest.into()))
}

/// Write the brief: a new version; the earlier ones stay in its history.
#[utoipa::path(put, path = "/api/v1/projects/{id}/brief", tag = "relationship", request_body = BriefBody,
    params(("id" = i64, Path, description = "project id")),
    responses((status = 200, body = BriefView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn write(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<BriefBody>,
) -> ApiResult<Json<BriefView>> {
    let draft = brief_draft(&body)?;
    let brief = state
        .store
        .save_brief(
            state.clock.now(),
            &current.actor(),
            ProjectId::new(id),
            &draft,
            &current.user.name,
        )
        .await?;
    Ok(Json(brief.into()))
}

/// Every version of the brief, newest first.
#[utoipa::path(get, path = "/api/v1/projects/{id}/brief/history", tag = "relationship",
    params(("id" = i64, Path, description = "project id")),
    responses((status = 200, body = [BriefView]), (status = 404, body = ErrorBody)))]
pub async fn history(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<BriefView>>> {
    let history = state.store.brief_history(ProjectId::new(id)).await?;
    Ok(Json(history.into_iter().map(BriefView::from).collect()))
}

/// The project's concerns, unanswered first.
#[utoipa::path(get, path = "/api/v1/projects/{id}/concerns", tag = "relationship",
    params(("id" = i64, Path, description = "project id")),
    responses((status = 200, body = [ConcernView]), (status = 404, body = ErrorBody)))]
pub async fn list_concerns(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<ConcernView>>> {
    let concerns = state.store.concerns(ProjectId::new(id)).await?;
    Ok(Json(concerns.into_iter().map(ConcernView::from).collect()))
}

/// Raise a concern about the project, as yourself.
#[utoipa::path(post, path = "/api/v1/projects/{id}/concerns", tag = "relationship", request_body = ConcernBody,
    params(("id" = i64, Path, description = "project id")),
    responses((status = 201, body = ConcernView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn raise(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ConcernBody>,
) -> ApiResult<(StatusCode, Json<ConcernView>)> {
    let concern = state
        .store
        .raise_concern(
            state.clock.now(),
            &current.actor(),
            ProjectId::new(id),
            current.user.person_id,
            &body.concern,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(concern.into())))
}

/// Answer a concern (the project's manager).
#[utoipa::path(post, path = "/api/v1/projects/{id}/concerns/{concern_id}/answer", tag = "relationship",
    request_body = ConcernAnswerBody,
    params(("id" = i64, Path, description = "project id"), ("concern_id" = i64, Path, description = "concern id")),
    responses((status = 200, body = ConcernView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn answer(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath((id, concern_id)): ApiPath<(i64, i64)>,
    ApiJson(body): ApiJson<ConcernAnswerBody>,
) -> ApiResult<Json<ConcernView>> {
    let concern = state
        .store
        .answer_concern(
            state.clock.now(),
            &current.actor(),
            ProjectId::new(id),
            concern_id,
            &body.answer,
            &current.user.name,
        )
        .await?;
    Ok(Json(concern.into()))
}
