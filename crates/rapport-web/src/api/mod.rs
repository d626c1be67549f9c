//! The JSON API under `/api/v1/`, and its OpenAPI document.
//!
//! Each resource module owns its routes, wire types (bodies and views,
//! separate from store rows and domain types) and handlers. Routes are
//! registered through `utoipa-axum`, so the router and the OpenAPI
//! document come from the same declarations and cannot drift apart; the
//! access answers (401, 403, 404) every operation can give are added to the
//! document from the access policy itself (see [`document_access`]).

use axum::extract::State;
use axum::Json;
use rapport_core::ids::{AccountId, PersonId};
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as Document, RefOr, ResponseBuilder};
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::policy::{self, Rule};
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::AppState;

pub mod accounts;
pub mod briefs;
pub mod commitments;
pub mod estimates;
pub mod health;
pub mod interactions;
pub mod news;
pub mod people;
pub mod profiles;
pub mod projects;
pub mod questions;
pub mod reports;
pub mod search;
pub mod simulations;
pub mod status;
pub mod today;
pub mod wire;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Include archived records.
    #[serde(default)]
    pub include_archived: bool,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Rapport API",
        description = "Rapport's HTTP surface: the JSON API under `/api/v1/` and, tagged `pages`, the server-rendered pages and forms. Accounts, people, projects, status records, earned value and estimates. Amounts are in the project's currency units; errors are `{\"error\": {\"code\", \"message\", \"fields\"?}}`.\n\nEvery endpoint but `/healthz`, `/login` and this document needs a signed-in user: send `Authorization: Bearer TOKEN` (a token from `rapport token create` or the settings page), or the session cookie with the `X-CSRF-Token` header on writes. What a caller sees is limited by their role: a project they cannot see answers 404, one they see but may not change answers 403."
    ),
    components(schemas(crate::error::ErrorBody))
)]
struct ApiDoc;

/// The document's title, description and version, before the routes are
/// added to it.
pub fn description() -> Document {
    let mut document = ApiDoc::openapi();
    document.info.version = env!("CARGO_PKG_VERSION").to_string();
    document
}

/// The API routes, with their documentation.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(accounts::router())
        .merge(people::router())
        .merge(profiles::router())
        .merge(projects::router())
        .merge(status::router())
        .merge(estimates::router())
        .merge(simulations::router())
        .merge(interactions::router())
        .merge(news::router())
        .merge(health::router())
        .merge(reports::router())
        .merge(questions::router())
        .merge(commitments::router())
        .merge(today::router())
        .merge(search::router())
        .merge(briefs::router())
        .routes(routes!(me))
        .routes(routes!(openapi))
}

/// The signed-in caller, as the API sees them.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeView {
    pub id: i64,
    pub email: String,
    pub name: String,
    /// `admin`, `pm`, `member` or `viewer`.
    pub role: String,
    /// The firm-side person this user is.
    pub person_id: i64,
}

/// Who the credentials belong to, and their role.
#[utoipa::path(get, path = "/api/v1/me", tag = "access", responses((status = 200, body = MeView)))]
pub async fn me(current: CurrentUser) -> ApiResult<Json<MeView>> {
    let user = current.user;
    Ok(Json(MeView {
        id: user.id.get(),
        email: user.email,
        name: user.name,
        role: user.role.to_string(),
        person_id: user.person_id.get(),
    }))
}

/// The OpenAPI document of every route, API and pages alike.
#[utoipa::path(get, path = "/api/openapi.json", tag = "access",
    responses((status = 200, description = "this document", content_type = "application/json")))]
pub async fn openapi(State(state): State<AppState>) -> Json<Document> {
    Json(state.openapi.as_ref().clone())
}

/// Adds to every operation the answers access control can give it, from
/// the rule that guards it, and the two ways to sign in. A route with no
/// rule is marked as refused for everyone, which the route tests catch.
pub fn document_access(document: &mut Document) {
    let error = |description: &str| -> RefOr<utoipa::openapi::Response> {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                            "ErrorBody",
                        ))))
                        .build(),
                )
                .build(),
        )
    };
    for (path, item) in document.paths.paths.iter_mut() {
        let operations = [
            (axum::http::Method::GET, item.get.as_mut()),
            (axum::http::Method::POST, item.post.as_mut()),
            (axum::http::Method::PUT, item.put.as_mut()),
            (axum::http::Method::DELETE, item.delete.as_mut()),
            (axum::http::Method::PATCH, item.patch.as_mut()),
        ];
        for (method, operation) in operations {
            let Some(operation) = operation else { continue };
            let responses = &mut operation.responses.responses;
            let rule = policy::rule(&method, path);
            let has_body = operation.request_body.is_some();
            let has_query = operation.parameters.as_ref().is_some_and(|params| {
                params
                    .iter()
                    .any(|p| p.parameter_in == utoipa::openapi::path::ParameterIn::Query)
            });
            let is_api = path.starts_with("/api/");
            if !is_api && !matches!(rule, Some(Rule::Public)) {
                responses.entry("303".to_string()).or_insert_with(|| {
                    RefOr::T(
                        ResponseBuilder::new()
                            .description("not signed in: on to /login, and back here after")
                            .build(),
                    )
                });
            }
            let mut add = |code: &str, text: &str| {
                responses
                    .entry(code.to_string())
                    .or_insert_with(|| error(text));
            };
            // One 400 per operation, naming every way to earn it.
            let bad_request: Vec<&str> = [
                (path.contains('{'), "a path id that is not a whole number"),
                (
                    has_query,
                    "a query parameter of the wrong type or written twice",
                ),
                (has_body, "a body that cannot be read"),
            ]
            .into_iter()
            .filter_map(|(applies, reason)| applies.then_some(reason))
            .collect();
            if !bad_request.is_empty() {
                add("400", &bad_request.join("; "));
            }
            if has_body {
                add("413", "a body over 2 MB");
                add(
                    "415",
                    "a body without the content type this operation takes",
                );
                if is_api {
                    add("422", "a body with invalid fields, each named");
                }
            }
            match rule {
                None => add("404", "refused: this route has no access rule"),
                Some(Rule::Public) => {}
                Some(rule) => {
                    add("401", "no valid credentials (no session or token, or an expired, revoked or disabled one)");
                    let write = method != axum::http::Method::GET;
                    if write {
                        add("403", "a cross-site request, a missing or wrong CSRF token, or a role that may not do this");
                    }
                    match rule {
                        Rule::Project(_)
                        | Rule::Account { .. }
                        | Rule::Person { .. }
                        | Rule::Record(..) => {
                            add("403", "the caller may see this but not change it");
                            add("404", "no such record, or one the caller may not see");
                        }
                        Rule::CreateRecords | Rule::Admin => {
                            add("403", "the caller's role may not do this");
                        }
                        Rule::AssessPerson => {
                            add("403", "the caller's role may not place people");
                            add("409", "the person is the caller: nobody places themselves");
                            add("404", "no such person, or one the caller may not see");
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    let components = document
        .components
        .get_or_insert_with(utoipa::openapi::Components::new);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some(
                    "An API token from `rapport token create` or the settings page.",
                ))
                .build(),
        ),
    );
    components.add_security_scheme(
        "session",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            crate::auth::SESSION_COOKIE,
            "The browser session from /login; writes also need the X-CSRF-Token header.",
        ))),
    );
}

/// The answer for an address no route matches.
pub async fn not_found(uri: axum::http::Uri) -> ApiError {
    if uri.path().starts_with("/api/") {
        ApiError::NotFound("no such API endpoint; the API is described at /api/openapi.json".into())
    } else {
        ApiError::NotFound("There is no page at this address.".into())
    }
}

/// The answer for a method a route does not take (a GET to a form's
/// address, say).
pub async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> ApiError {
    ApiError::MethodNotAllowed(format!(
        "{} does not take {method}; see /api/openapi.json for what it takes",
        uri.path()
    ))
}

/// A record a request body refers to.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Ref {
    Account(i64),
    Person(i64),
}

/// Refuses a body that refers to accounts or people the caller cannot see,
/// with the same words as for ones that do not exist (422, by field), so a
/// body cannot be used to probe for other clients' records.
pub(crate) async fn check_refs(
    state: &AppState,
    current: &CurrentUser,
    refs: &[(String, Ref)],
) -> ApiResult<()> {
    let scope = current.scope();
    let mut errors = rapport_core::domain::ValidationErrors::default();
    for (field, reference) in refs {
        match *reference {
            Ref::Account(id) => {
                if !state
                    .store
                    .account_in_scope(scope, AccountId::new(id))
                    .await?
                {
                    errors.add(field.as_str(), format!("no account with id {id}"));
                }
            }
            Ref::Person(id) => {
                if !state
                    .store
                    .person_in_scope(scope, PersonId::new(id))
                    .await?
                {
                    errors.add(field.as_str(), format!("no person with id {id}"));
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(errors))
    }
}
