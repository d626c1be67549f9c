//! `/api/v1/people/{id}/health` and `/api/v1/accounts/{id}/health`: how a
//! client relationship stands, 0 to 100, with every factor's value,
//! contribution and explanation (see `rapport_core::health`), from the
//! projects the caller sees.

use axum::{extract::State, Json};
use chrono::NaiveDate;
use rapport_core::health::Health;
use rapport_core::ids::{AccountId, PersonId};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::error::{ApiPath, ApiResult};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(person))
        .routes(routes!(account))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FactorView {
    /// `delivery`, `contact`, `promises`, `surprises`, `follow-ups`,
    /// `news told on time` or `reports on cadence`.
    pub name: String,
    /// What was measured, in words.
    pub value: String,
    /// Points it adds to the score.
    pub contribution: f64,
    /// The most it could add (factors with nothing to measure are left
    /// out and the others scaled to 100).
    pub weight: f64,
    pub explanation: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryPoint {
    pub on: NaiveDate,
    pub score: u8,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HealthView {
    /// 0 to 100.
    pub score: u8,
    pub factors: Vec<FactorView>,
    /// The account's daily scores of the last 90 days (accounts only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<HistoryPoint>>,
}

impl From<Health> for HealthView {
    fn from(h: Health) -> Self {
        Self {
            score: h.score,
            factors: h
                .factors
                .into_iter()
                .map(|f| FactorView {
                    name: f.name.into(),
                    value: f.value,
                    contribution: f.contribution,
                    weight: f.weight,
                    explanation: f.explanation,
                })
                .collect(),
            history: None,
        }
    }
}

/// A client person's relationship health.
#[utoipa::path(get, path = "/api/v1/people/{id}/health", tag = "people",
    params(("id" = i64, Path, description = "person id")),
    responses((status = 200, body = HealthView)))]
pub async fn person(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<HealthView>> {
    let h = crate::health::person_health(&state, current.scope(), PersonId::new(id)).await?;
    Ok(Json(h.into()))
}

/// An account's relationship health (its client reps', at their worst),
/// with its history.
#[utoipa::path(get, path = "/api/v1/accounts/{id}/health", tag = "accounts",
    params(("id" = i64, Path, description = "account id")),
    responses((status = 200, body = HealthView)))]
pub async fn account(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<HealthView>> {
    let account = AccountId::new(id);
    let h = crate::health::account_health(&state, current.scope(), account).await?;
    let since = state.clock.today() - chrono::Duration::days(90);
    let history = state.store.health_history(account, since).await?;
    let mut view = HealthView::from(h);
    view.history = Some(
        history
            .into_iter()
            .map(|s| HistoryPoint {
                on: s.on,
                score: s.score,
            })
            .collect(),
    );
    Ok(Json(view))
}
