//! Who is asking and what they may do: the one place every route is
//! authorised.
//!
//! [`authorise`] runs on every route after routing. It looks up the route's
//! [`policy::rule`] (no rule: refused), refuses cross-site writes, finds the
//! user from a bearer token or the session cookie, checks the CSRF token of
//! a cookie-authenticated write, and checks the rule against the user's
//! role and relation to the project, account or person in the path. Only
//! then does the handler run, with the [`CurrentUser`] in the request; a
//! handler that asks for a `CurrentUser` on a route that did not pass
//! through here gets a 401, never someone else's view.
//!
//! Answers: no credentials, 401 on the API and a redirect to `/login` on
//! pages; a project, account or person the user cannot see, 404 (its
//! existence is not revealed); one they see but may not change, 403.

use axum::extract::{FromRequestParts, MatchedPath, RawPathParams, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::RequestExt;
use chrono::{DateTime, TimeDelta, Utc};
use rapport_core::access::{project_access, ProjectAccess, Role};
use rapport_core::ids::{AccountId, PersonId, ProjectId};
use rapport_store::{Scope, User};

use crate::error::ApiError;
use crate::AppState;

mod issue;
pub mod login;
pub mod password;
pub mod policy;
pub mod secret;
pub mod session;

pub use issue::{generate_password, issue_token};

/// Sign-in and sign-out.
pub fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(login::show, login::sign_in))
        .routes(routes!(login::sign_out))
}
use policy::{Need, Rule};

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "rapport_session";
/// The header a cookie-authenticated API write carries its CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The form field a page's form carries its CSRF token in.
pub const CSRF_FIELD: &str = "csrf_token";

/// How sessions behave; from the server's configuration.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// A session unused this long ends.
    pub idle: TimeDelta,
    /// A session ends this long after sign-in, used or not.
    pub absolute: TimeDelta,
    /// Mark the cookie `Secure` (the public URL is https).
    pub secure_cookie: bool,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            idle: TimeDelta::hours(12),
            absolute: TimeDelta::days(7),
            secure_cookie: false,
        }
    }
}

/// How the current request proved who it is.
#[derive(Debug, Clone)]
pub enum Credential {
    /// The session cookie; writes must carry this CSRF token.
    Session { id_hash: String, csrf_token: String },
    /// `Authorization: Bearer` with an API token.
    Token { token_id: i64 },
}

/// The signed-in user of this request, put there by [`authorise`].
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub credential: Credential,
}

impl CurrentUser {
    /// What list queries may return for this user.
    pub fn scope(&self) -> Scope {
        if self.user.role.sees_everything() {
            Scope::Everything
        } else {
            Scope::User {
                user_id: self.user.id,
                person_id: self.user.person_id,
            }
        }
    }

    /// Who the audit log names for this user's changes.
    pub fn actor(&self) -> String {
        format!("{} (user {})", self.user.email, self.user.id)
    }

    /// The CSRF token a page's forms carry (empty for token callers, who
    /// see no pages).
    pub fn csrf_token(&self) -> &str {
        match &self.credential {
            Credential::Session { csrf_token, .. } => csrf_token,
            Credential::Token { .. } => "",
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<CurrentUser>()
            .cloned()
            .ok_or(ApiError::Unauthorized)
    }
}

/// The access the current user has to the project in the path, put in
/// the request by [`authorise`] on project routes.
#[derive(Debug, Clone, Copy)]
pub struct ProjectAccessOf(pub ProjectAccess);

fn is_write(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The middleware that authorises every routed request; see the module
/// documentation.
pub async fn authorise(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let here = come_back_to(&request);
    match check(&state, request).await {
        Ok(request) => next.run(request).await,
        Err(ApiError::Unauthorized) if !is_api => login::redirect_to_sign_in(&here),
        Err(error) => error.into_response(),
    }
}

/// The caller's access to a project, when it is at least `need`: a
/// project they cannot see is not found, one they may not change this way
/// is forbidden.
async fn require_project(
    state: &AppState,
    user: &User,
    id: i64,
    need: Need,
) -> Result<ProjectAccess, ApiError> {
    let relation = state
        .store
        .project_relation(ProjectId::new(id), user.person_id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no project with id {id}")))?;
    let access = project_access(user.role, relation);
    let needed = match need {
        Need::Read => ProjectAccess::Read,
        Need::Contribute => ProjectAccess::Contribute,
        Need::Manage => ProjectAccess::Manage,
    };
    if access == ProjectAccess::Hidden {
        return Err(ApiError::NotFound(format!("no project with id {id}")));
    }
    if access < needed {
        return Err(ApiError::Forbidden(format!(
            "you may {access} project {id}, not change this; ask its project manager"
        )));
    }
    Ok(access)
}

/// Where to return after signing in: the page asked for; for a form posted
/// after the session ended, the page the form was on (its `Referer`, when
/// it is ours), since the form's own address only takes a POST.
fn come_back_to(request: &Request) -> String {
    if request.method() == Method::GET {
        return request
            .uri()
            .path_and_query()
            .map_or("/", |pq| pq.as_str())
            .to_string();
    }
    let headers = request.headers();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let referer = headers.get(header::REFERER).and_then(|r| r.to_str().ok());
    match (host, referer) {
        (Some(host), Some(referer)) => referer
            .split_once("://")
            .and_then(|(_, rest)| rest.strip_prefix(host))
            .filter(|path| path.starts_with('/'))
            .unwrap_or("/")
            .to_string(),
        _ => "/".to_string(),
    }
}

/// The checks of [`authorise`], in order.
async fn check(state: &AppState, mut request: Request) -> Result<Request, ApiError> {
    let pattern = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("", |m| m.as_str())
        .to_string();
    let params = request.extract_parts::<RawPathParams>().await.ok();
    let method = request.method().clone();
    let Some(rule) = policy::rule(&method, &pattern) else {
        tracing::warn!(%method, %pattern, "a route without an access rule was refused");
        return Err(ApiError::NotFound(
            "no such page or endpoint; see /api/openapi.json".into(),
        ));
    };
    if is_write(&method) {
        refuse_cross_site(request.headers())?;
    }
    if rule == Rule::Public {
        return Ok(request);
    }
    let now = state.clock.now();
    let is_api = request.uri().path().starts_with("/api/");
    let current = authenticate(state, request.headers(), is_api, now)
        .await?
        .ok_or(ApiError::Unauthorized)?;
    if is_write(&method) {
        if let Credential::Session { csrf_token, .. } = &current.credential {
            request = session::check_csrf(request, csrf_token).await?;
        }
    }
    let id = params.as_ref().and_then(|params| {
        params
            .iter()
            .find(|(name, _)| *name == "id")
            .map(|(_, value)| value.to_string())
    });
    let user = &current.user;
    match rule {
        Rule::Public | Rule::SignedIn => {}
        Rule::CreateRecords => {
            if !user.role.may_create_records() {
                return Err(ApiError::Forbidden(format!(
                    "a {} may not create accounts, people or projects; ask a project manager or an administrator",
                    user.role
                )));
            }
        }
        Rule::Admin => {
            if !user.role.may_manage_users() {
                return Err(ApiError::Forbidden(
                    "only administrators manage users".into(),
                ));
            }
        }
        Rule::Project(need) => {
            let id = parse_id(id.as_deref(), "project")?;
            let access = require_project(state, user, id, need).await?;
            request.extensions_mut().insert(ProjectAccessOf(access));
        }
        Rule::Record(record, need) => {
            let (what, id) = match record {
                policy::Record::Question => {
                    ("follow-up question", parse_id(id.as_deref(), "question")?)
                }
                policy::Record::Commitment => {
                    ("commitment", parse_id(id.as_deref(), "commitment")?)
                }
                policy::Record::Report => ("report", parse_id(id.as_deref(), "report")?),
            };
            let project = match record {
                policy::Record::Question => state.store.question_project(id).await?,
                policy::Record::Commitment => state.store.commitment_project(id).await?,
                policy::Record::Report => state.store.report_project(id).await?,
            };
            // A record of a project the caller cannot see is not there.
            let not_found = || ApiError::NotFound(format!("no {what} with id {id}"));
            let project = project.ok_or_else(not_found)?;
            let access = match require_project(state, user, project.get(), need).await {
                Err(ApiError::NotFound(_)) => return Err(not_found()),
                other => other?,
            };
            request.extensions_mut().insert(ProjectAccessOf(access));
        }
        Rule::Account { change } => {
            let id = parse_id(id.as_deref(), "account")?;
            if !state
                .store
                .account_in_scope(current.scope(), AccountId::new(id))
                .await?
            {
                return Err(ApiError::NotFound(format!("no account with id {id}")));
            }
            if change && !user.role.may_create_records() {
                return Err(ApiError::Forbidden(format!(
                    "a {} may not change accounts",
                    user.role
                )));
            }
            if change
                && user.role == Role::Pm
                && !state
                    .store
                    .account_changeable_by(AccountId::new(id), user.id, user.person_id)
                    .await?
            {
                return Err(ApiError::Forbidden(format!(
                    "account {id} is changed by an administrator, or by a PM who manages every project in it; ask an administrator"
                )));
            }
        }
        Rule::AssessPerson => {
            let id = parse_id(id.as_deref(), "person")?;
            if !state
                .store
                .person_in_scope(current.scope(), PersonId::new(id))
                .await?
            {
                return Err(ApiError::NotFound(format!("no person with id {id}")));
            }
            if !user.role.may_create_records() {
                return Err(ApiError::Forbidden(format!(
                    "a {} may not place people on the behaviour grid; ask the project manager",
                    user.role
                )));
            }
            if user.person_id.get() == id {
                return Err(ApiError::Conflict(
                    "a profile records what others observe; ask a colleague to fill it in for you"
                        .into(),
                ));
            }
        }
        Rule::Person { change } => {
            let id = parse_id(id.as_deref(), "person")?;
            if !state
                .store
                .person_in_scope(current.scope(), PersonId::new(id))
                .await?
            {
                return Err(ApiError::NotFound(format!("no person with id {id}")));
            }
            if change && !user.role.may_create_records() {
                return Err(ApiError::Forbidden(format!(
                    "a {} may not change people",
                    user.role
                )));
            }
            if change
                && user.role == Role::Pm
                && !state
                    .store
                    .person_changeable_by(PersonId::new(id), user.id, user.person_id)
                    .await?
            {
                return Err(ApiError::Forbidden(format!(
                    "person {id} is changed by an administrator, or by a PM who manages every project in their account; ask an administrator"
                )));
            }
        }
    }
    request.extensions_mut().insert(current);
    Ok(request)
}

/// The id in the path; one that is not a whole number is the caller's
/// mistake (400), whoever they are, so it reveals nothing.
fn parse_id(raw: Option<&str>, entity: &str) -> Result<i64, ApiError> {
    let raw = raw.unwrap_or("");
    raw.parse().map_err(|_| {
        ApiError::BadRequest(format!(
            "the path is not valid: \"{raw}\" is not a {entity} id; ids are whole numbers"
        ))
    })
}

/// Refuses a write that the browser says comes from another site: by
/// `Sec-Fetch-Site` where the browser sends it, else by `Origin` against
/// the `Host` the request was sent to.
fn refuse_cross_site(headers: &HeaderMap) -> Result<(), ApiError> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if text("sec-fetch-site") == Some("cross-site") {
        return Err(ApiError::Forbidden(
            "a request from another site may not change anything here".into(),
        ));
    }
    if let (Some(origin), Some(host)) = (text(header::ORIGIN.as_str()), text(header::HOST.as_str()))
    {
        let origin_host = origin
            .split_once("://")
            .map_or(origin, |(_, rest)| rest)
            .trim_end_matches('/');
        if origin == "null" || !origin_host.eq_ignore_ascii_case(host) {
            return Err(ApiError::Forbidden(format!(
                "a request from {origin} may not change anything on {host}"
            )));
        }
    }
    Ok(())
}

/// The user behind a bearer token or the session cookie, if either is
/// valid now. A token that is unknown, revoked or expired, or a disabled
/// user, is an error (401), not an anonymous request.
///
/// Tokens are for the API only: on a page they are refused, so a token
/// cannot reach the settings page to make another token, or the users page.
async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    is_api: bool,
    now: DateTime<Utc>,
) -> Result<Option<CurrentUser>, ApiError> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        if !is_api {
            return Err(ApiError::BadCredentials(
                "API tokens work only under /api/; sign in at /login to use the pages".into(),
            ));
        }
        let refused = |why: &str| {
            ApiError::BadCredentials(format!(
                "the bearer token {why}; make a new one on the settings page or with `rapport token create`"
            ))
        };
        // The scheme name is case-insensitive (RFC 9110 §11.1).
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .ok_or_else(|| {
                ApiError::BadCredentials("the Authorization header must read `Bearer TOKEN`".into())
            })?;
        let (token, user) = state
            .store
            .token(&secret::digest(token))
            .await?
            .ok_or_else(|| refused("is not one Rapport issued"))?;
        if token.revoked_at.is_some() {
            return Err(refused("was revoked"));
        }
        if let Some(at) = token.expires_at.filter(|at| *at <= now) {
            return Err(refused(&format!("expired on {}", at.format("%Y-%m-%d"))));
        }
        if user.disabled {
            return Err(refused("belongs to a disabled user"));
        }
        // Written at most once a minute, so reads do not all take the
        // write lock.
        if token
            .last_used_at
            .is_none_or(|at| now - at >= TimeDelta::minutes(1))
        {
            state.store.mark_token_used(token.id, now).await?;
        }
        return Ok(Some(CurrentUser {
            user,
            credential: Credential::Token { token_id: token.id },
        }));
    }
    session::current(state, headers, now).await
}

/// Where the sign-in page sends the user back to, when it is one of ours:
/// a path on this site, in printable ASCII only. Browsers drop tabs and line
/// breaks from URLs (`/\t/evil.example` becomes `//evil.example`), so any
/// control character, space, backslash or a second leading slash sends the
/// user to Today (`/today`) instead.
pub fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && path.chars().all(|c| c.is_ascii_graphic() && c != '\\') =>
        {
            path
        }
        _ => "/today",
    }
}
