//! `/api/v1/people`: people on the client's side and the firm's.

use axum::http::StatusCode;
use axum::{extract::State, Json};
use chrono::{DateTime, Utc};
use rapport_core::access::Role;
use rapport_core::domain::{PersonDraft, PersonInput, Side};
use rapport_core::ids::{AccountId, PersonId};
use rapport_store::Person;
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
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonBody {
    /// `client` or `firm`.
    #[schema(value_type = String, pattern = r"^(client|firm)$", example = "client")]
    pub side: String,
    /// Required for client-side people.
    pub account_id: Option<i64>,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: String,
    #[schema(max_length = 200)]
    pub title: Option<String>,
    #[schema(max_length = 200)]
    pub organisation: Option<String>,
    /// An address: one `@`, a dot in the domain, no spaces.
    #[schema(max_length = 320, pattern = r"^\s*[^@\s]+@[^@\s]+\.[^@\s]+\s*$")]
    pub email: Option<String>,
    #[schema(max_length = 50)]
    pub phone: Option<String>,
    #[schema(max_length = 100)]
    pub behaviour_style: Option<String>,
    #[schema(max_length = 2000)]
    pub communication_preferences: Option<String>,
    /// Days without contact after which the person is due a call (amber on
    /// Today); not longer than `contact_max_days`.
    #[schema(minimum = 1, maximum = 366)]
    pub contact_ideal_days: Option<i64>,
    /// Days without contact that must not pass (red on Today).
    #[schema(minimum = 1, maximum = 366)]
    pub contact_max_days: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonView {
    pub id: i64,
    #[schema(value_type = String, example = "client")]
    pub side: Side,
    pub account_id: Option<i64>,
    pub name: String,
    pub title: Option<String>,
    pub organisation: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub behaviour_style: Option<String>,
    pub communication_preferences: Option<String>,
    pub contact_ideal_days: Option<i64>,
    pub contact_max_days: Option<i64>,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Person> for PersonView {
    fn from(p: Person) -> Self {
        Self {
            id: p.id.get(),
            side: p.side,
            account_id: p.account_id.map(AccountId::get),
            name: p.name,
            title: p.title,
            organisation: p.organisation,
            email: p.email,
            phone: p.phone,
            behaviour_style: p.behaviour_style,
            communication_preferences: p.communication_preferences,
            contact_ideal_days: p.contact_ideal_days,
            contact_max_days: p.contact_max_days,
            archived: p.archived,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

fn draft(body: &PersonBody) -> ApiResult<PersonDraft> {
    PersonDraft::new(PersonInput {
        side: &body.side,
        account_id: body.account_id.map(AccountId::new),
        name: &body.name,
        title: body.title.as_deref(),
        organisation: body.organisation.as_deref(),
        email: body.email.as_deref(),
        phone: body.phone.as_deref(),
        behaviour_style: body.behaviour_style.as_deref(),
        communication_preferences: body.communication_preferences.as_deref(),
        contact_ideal_days: body.contact_ideal_days,
        contact_max_days: body.contact_max_days,
    })
    .map_err(ApiError::invalid)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeopleQuery {
    /// Only this account's people.
    pub account_id: Option<i64>,
    #[serde(default)]
    pub include_archived: bool,
}

/// List people by name.
#[utoipa::path(get, path = "/api/v1/people", tag = "people", params(PeopleQuery),
    responses((status = 200, body = [PersonView])))]
pub async fn list(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiQuery(q): ApiQuery<PeopleQuery>,
) -> ApiResult<Json<Vec<PersonView>>> {
    let people = state
        .store
        .people(
            current.scope(),
            q.account_id.map(AccountId::new),
            q.include_archived,
        )
        .await?;
    Ok(Json(people.into_iter().map(PersonView::from).collect()))
}

/// Create a person.
#[utoipa::path(post, path = "/api/v1/people", tag = "people", request_body = PersonBody,
    responses((status = 201, body = PersonView), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiJson(body): ApiJson<PersonBody>,
) -> ApiResult<(StatusCode, Json<PersonView>)> {
    let draft = draft(&body)?;
    check_person_refs(&state, &current, &draft, false).await?;
    let person = state
        .store
        .create_person(state.clock.now(), &current.actor(), &draft)
        .await?;
    Ok((StatusCode::CREATED, Json(person.into())))
}

/// A client-side person's account must be one the caller sees.
/// A client-side person's account must be one the caller sees; a PM may
/// put people only into accounts they may change, and only an
/// administrator makes someone firm-side by editing them.
async fn check_person_refs(
    state: &AppState,
    current: &CurrentUser,
    draft: &PersonDraft,
    updating: bool,
) -> ApiResult<()> {
    let user = &current.user;
    if let Some(account_id) = draft.account_id() {
        check_refs(
            state,
            current,
            &[("account_id".into(), Ref::Account(account_id.get()))],
        )
        .await?;
        if user.role == Role::Pm
            && !state
                .store
                .account_changeable_by(account_id, user.id, user.person_id)
                .await?
        {
            return Err(ApiError::invalid_field(
                "account_id",
                format!("you may add people only to accounts whose every project you manage (or that you created); ask an administrator for account {account_id}"),
            ));
        }
    }
    if updating && user.role == Role::Pm && draft.side() == Side::Firm {
        return Err(ApiError::invalid_field(
            "side",
            "only an administrator makes a person firm-side",
        ));
    }
    Ok(())
}

/// Read one person.
#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "people", params(("id" = i64, Path, description = "person id")),
    responses((status = 200, body = PersonView), (status = 404, body = ErrorBody)))]
pub async fn read(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<PersonView>> {
    Ok(Json(state.store.person(PersonId::new(id)).await?.into()))
}

/// Replace a person's fields.
#[utoipa::path(put, path = "/api/v1/people/{id}", tag = "people", request_body = PersonBody,
    params(("id" = i64, Path, description = "person id")),
    responses((status = 200, body = PersonView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<PersonBody>,
) -> ApiResult<Json<PersonView>> {
    let draft = draft(&body)?;
    check_person_refs(&state, &current, &draft, true).await?;
    Ok(Json(
        state
            .store
            .update_person(
                state.clock.now(),
                &current.actor(),
                PersonId::new(id),
                &draft,
            )
            .await?
            .into(),
    ))
}

/// Archive a person.
#[utoipa::path(post, path = "/api/v1/people/{id}/archive", tag = "people", params(("id" = i64, Path, description = "person id")),
    responses((status = 200, body = PersonView), (status = 404, body = ErrorBody)))]
pub async fn archive(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<PersonView>> {
    Ok(Json(
        state
            .store
            .set_person_archived(state.clock.now(), &current.actor(), PersonId::new(id), true)
            .await?
            .into(),
    ))
}

/// Bring an archived person back.
#[utoipa::path(post, path = "/api/v1/people/{id}/restore", tag = "people", params(("id" = i64, Path, description = "person id")),
    responses((status = 200, body = PersonView), (status = 404, body = ErrorBody)))]
pub async fn restore(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<PersonView>> {
    Ok(Json(
        state
            .store
            .set_person_archived(
                state.clock.now(),
                &current.actor(),
                PersonId::new(id),
                false,
            )
            .await?
            .into(),
    ))
}
