//! `/api/v1/accounts`: client organisations and their standards.

use axum::http::StatusCode;
use axum::{extract::State, Json};
use chrono::{DateTime, Utc};
use rapport_core::domain::AccountDraft;
use rapport_core::ids::AccountId;
use rapport_store::Account;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::ListQuery;
use crate::auth::CurrentUser;
use crate::error::{ApiJson, ApiPath, ApiQuery, ApiResult, ErrorBody};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(read, update))
        .routes(routes!(archive))
        .routes(routes!(restore))
}

/// An account as submitted.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountBody {
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: String,
    #[schema(max_length = 200)]
    pub industry: Option<String>,
    #[schema(max_length = 10000)]
    pub notes: Option<String>,
    /// The client's internal standards the project must respect, in order.
    #[serde(default)]
    #[schema(max_items = 100)]
    pub standards: Vec<StandardBody>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StandardBody {
    #[schema(min_length = 1, max_length = 300, pattern = r"\S")]
    pub title: String,
    #[schema(max_length = 5000)]
    pub description: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountView {
    pub id: i64,
    pub name: String,
    pub industry: Option<String>,
    pub notes: Option<String>,
    pub standards: Vec<StandardBody>,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Account> for AccountView {
    fn from(a: Account) -> Self {
        Self {
            id: a.id.get(),
            name: a.name,
            industry: a.industry,
            notes: a.notes,
            standards: a
                .standards
                .into_iter()
                .map(|s| StandardBody {
                    title: s.title,
                    description: s.description,
                })
                .collect(),
            archived: a.archived,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

impl TryFrom<AccountBody> for AccountDraft {
    type Error = crate::error::ApiError;
    fn try_from(body: AccountBody) -> ApiResult<Self> {
        AccountDraft::new(
            &body.name,
            body.industry.as_deref(),
            body.notes.as_deref(),
            body.standards
                .into_iter()
                .map(|s| (s.title, s.description))
                .collect(),
        )
        .map_err(crate::error::ApiError::invalid)
    }
}

/// List accounts by name.
#[utoipa::path(get, path = "/api/v1/accounts", tag = "accounts", params(ListQuery),
    responses((status = 200, body = [AccountView])))]
pub async fn list(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<Vec<AccountView>>> {
    let accounts = state
        .store
        .accounts(current.scope(), q.include_archived)
        .await?;
    Ok(Json(accounts.into_iter().map(AccountView::from).collect()))
}

/// Create an account.
#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts", request_body = AccountBody,
    responses((status = 201, body = AccountView), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiJson(body): ApiJson<AccountBody>,
) -> ApiResult<(StatusCode, Json<AccountView>)> {
    let draft = AccountDraft::try_from(body)?;
    let account = state
        .store
        .create_account(
            state.clock.now(),
            &current.actor(),
            Some(current.user.id),
            &draft,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(account.into())))
}

/// Read one account.
#[utoipa::path(get, path = "/api/v1/accounts/{id}", tag = "accounts", params(("id" = i64, Path, description = "account id")),
    responses((status = 200, body = AccountView), (status = 404, body = ErrorBody)))]
pub async fn read(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<AccountView>> {
    Ok(Json(state.store.account(AccountId::new(id)).await?.into()))
}

/// Replace an account's fields and standards.
#[utoipa::path(put, path = "/api/v1/accounts/{id}", tag = "accounts", request_body = AccountBody,
    params(("id" = i64, Path, description = "account id")),
    responses((status = 200, body = AccountView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<AccountBody>,
) -> ApiResult<Json<AccountView>> {
    let draft = AccountDraft::try_from(body)?;
    Ok(Json(
        state
            .store
            .update_account(
                state.clock.now(),
                &current.actor(),
                AccountId::new(id),
                &draft,
            )
            .await?
            .into(),
    ))
}

/// Archive an account (nothing is deleted).
#[utoipa::path(post, path = "/api/v1/accounts/{id}/archive", tag = "accounts", params(("id" = i64, Path, description = "account id")),
    responses((status = 200, body = AccountView), (status = 404, body = ErrorBody)))]
pub async fn archive(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<AccountView>> {
    Ok(Json(
        state
            .store
            .set_account_archived(
                state.clock.now(),
                &current.actor(),
                AccountId::new(id),
                true,
            )
            .await?
            .into(),
    ))
}

/// Bring an archived account back.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/restore", tag = "accounts", params(("id" = i64, Path, description = "account id")),
    responses((status = 200, body = AccountView), (status = 404, body = ErrorBody)))]
pub async fn restore(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<AccountView>> {
    Ok(Json(
        state
            .store
            .set_account_archived(
                state.clock.now(),
                &current.actor(),
                AccountId::new(id),
                false,
            )
            .await?
            .into(),
    ))
}
