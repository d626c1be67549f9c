//! Commitments: listed under their project and resolved at
//! `/api/v1/commitments/{id}/resolve` — kept, late, broken, or
//! renegotiated to a new date with a reason (the access rule finds the
//! commitment's project and applies its contributor rule).

use axum::{extract::State, Json};
use chrono::NaiveDate;
use rapport_core::domain::CommitmentState;
use rapport_core::ids::ProjectId;
use rapport_store::{Commitment, Resolution};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult, ErrorBody};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(resolve))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommitmentView {
    pub id: i64,
    pub project_id: i64,
    /// The interaction it was made in, when made in one.
    pub interaction_id: Option<i64>,
    pub promised_by_id: i64,
    pub promised_to_id: i64,
    pub description: String,
    pub due_on: NaiveDate,
    /// `open`, `kept`, `late`, `broken` or `renegotiated`.
    pub state: String,
    pub resolved_on: Option<NaiveDate>,
    /// Why it was renegotiated, kept late or broken.
    pub reason: Option<String>,
}

impl From<Commitment> for CommitmentView {
    fn from(c: Commitment) -> Self {
        Self {
            id: c.id,
            project_id: c.project_id.get(),
            interaction_id: c.interaction_id,
            promised_by_id: c.promised_by_id.get(),
            promised_to_id: c.promised_to_id.get(),
            description: c.description,
            due_on: c.due_on,
            state: c.state.as_str().to_string(),
            resolved_on: c.resolved_on,
            reason: c.reason,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveBody {
    /// `kept`, `late`, `broken`, `renegotiated`, or `open` to reopen.
    #[schema(pattern = "^(open|kept|late|broken|renegotiated)$")]
    pub state: String,
    /// The new due date agreed (renegotiated only).
    #[serde(default, deserialize_with = "super::wire::optional_iso_date")]
    #[schema(value_type = Option<String>, format = Date)]
    pub new_due_on: Option<NaiveDate>,
    /// Why: required when renegotiated.
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
    /// The day it was resolved or renegotiated; today when not given.
    #[serde(default, deserialize_with = "super::wire::optional_iso_date")]
    #[schema(value_type = Option<String>, format = Date)]
    pub on: Option<NaiveDate>,
}

/// A project's commitments by due date.
#[utoipa::path(get, path = "/api/v1/projects/{id}/commitments", tag = "relationship",
    params(("id" = i64, Path, description = "project id")),
    responses((status = 200, body = [CommitmentView]), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<CommitmentView>>> {
    let commitments = state.store.commitments(ProjectId::new(id)).await?;
    Ok(Json(
        commitments.into_iter().map(CommitmentView::from).collect(),
    ))
}

/// Mark a commitment kept, late or broken, renegotiate it to a new date
/// with the reason, or reopen it.
#[utoipa::path(post, path = "/api/v1/commitments/{id}/resolve", tag = "relationship", request_body = ResolveBody,
    params(("id" = i64, Path, description = "commitment id")),
    responses((status = 200, body = CommitmentView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn resolve(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ResolveBody>,
) -> ApiResult<Json<CommitmentView>> {
    let to: CommitmentState = body
        .state
        .parse()
        .map_err(|e: String| ApiError::invalid_field("state", e))?;
    let on = body.on.unwrap_or_else(|| state.clock.today());
    let commitment = state
        .store
        .settle_commitment(
            state.clock.now(),
            &current.actor(),
            id,
            &Resolution {
                state: to,
                on,
                new_due: body.new_due_on,
                reason: body.reason.as_deref(),
            },
        )
        .await?;
    Ok(Json(commitment.into()))
}
