//! The JSON API under `/api/v1/`, and its OpenAPI document.
//!
//! Each resource module owns its routes, wire types (bodies and views,
//! separate from store rows and domain types) and handlers; this module
//! composes them and lists every path for the OpenAPI document.

use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi};

use crate::error::ApiError;
use crate::AppState;

pub mod accounts;
pub mod estimates;
pub mod people;
pub mod projects;
pub mod status;

/// Who the audit log names for API changes until authentication arrives.
pub(crate) const ACTOR: &str = "api";

#[derive(Debug, Deserialize, IntoParams)]
pub struct ListQuery {
    /// Include archived records.
    #[serde(default)]
    pub include_archived: bool,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Rapport API",
        description = "Accounts, people, projects, status records and earned value. Amounts are in the project's currency units; errors are `{\"error\": {\"code\", \"message\", \"fields\"?}}`."
    ),
    paths(
        accounts::list,
        accounts::create,
        accounts::read,
        accounts::update,
        accounts::archive,
        accounts::restore,
        people::list,
        people::create,
        people::read,
        people::update,
        people::archive,
        people::restore,
        projects::list,
        projects::create,
        projects::read,
        projects::update,
        projects::archive,
        projects::restore,
        projects::stakeholders,
        projects::set_stakeholder,
        projects::remove_stakeholder,
        projects::evm,
        status::list,
        status::create,
        status::read,
        status::update,
        status::archive,
        status::restore,
    )
)]
pub struct ApiDoc;

pub fn router() -> Router<AppState> {
    let v1 = Router::new()
        .merge(accounts::router())
        .merge(people::router())
        .merge(projects::router())
        .merge(status::router())
        .merge(estimates::router())
        .fallback(not_found);
    Router::new()
        .nest("/api/v1", v1)
        .route("/api/openapi.json", get(openapi))
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

async fn not_found() -> ApiError {
    ApiError::NotFound("no such API endpoint; see /api/openapi.json".into())
}
