//! `/api/v1/search?q=`: what was said, found by its words across the
//! projects the caller may see (see `rapport_store::search`).

use axum::{extract::State, Json};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiQuery, ApiResult, ErrorBody};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(search))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    /// The words to find, as typed (hyphens, quotes and dots are words).
    #[param(min_length = 1, max_length = 200)]
    pub q: String,
    /// At most this many hits (1–100; 50 when not given).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHitView {
    /// `interaction`, `question` or `commitment`.
    pub kind: String,
    pub id: i64,
    pub project_id: i64,
    pub project_name: String,
    pub text: String,
    /// When it was said, asked, or is due.
    pub on: NaiveDate,
}

/// Search interactions, follow-up questions and commitments.
#[utoipa::path(get, path = "/api/v1/search", tag = "relationship", params(SearchQuery),
    responses((status = 200, body = [SearchHitView]), (status = 422, body = ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> ApiResult<Json<Vec<SearchHitView>>> {
    let limit = q.limit.unwrap_or(50);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::invalid_field(
            "limit",
            format!("{limit} is not between 1 and 100"),
        ));
    }
    // As the document states: one to 200 characters (spaces alone find
    // nothing, and say so with an empty list).
    if q.q.is_empty() || q.q.chars().count() > 200 {
        return Err(ApiError::invalid_field(
            "q",
            "give one to 200 characters of words to find",
        ));
    }
    let hits = state.store.search(current.scope(), &q.q, limit).await?;
    Ok(Json(
        hits.into_iter()
            .map(|h| SearchHitView {
                kind: h.kind,
                id: h.record_id,
                project_id: h.project_id.get(),
                project_name: h.project_name,
                text: h.text,
                on: h.on,
            })
            .collect(),
    ))
}
