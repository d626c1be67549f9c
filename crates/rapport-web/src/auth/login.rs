//! `GET /login`, `POST /login`, `POST /logout`.
//!
//! Sign-in answers the same message, in the same time, for an unknown
//! e-mail, a wrong password and a disabled user. Five failures for one
//! e-mail within 15 minutes (twenty from one address) lock sign-in for 15
//! minutes after the last, right password or not; the failures are kept in
//! the database, so the lock holds across servers.
//!
//! The sign-in form has no session yet to bind its CSRF token to, so the
//! token is also set in a short-lived cookie and the two must match
//! ("double submit"); the cross-site check of every write applies as well.

use std::net::SocketAddr;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{ConnectInfo, FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::TimeDelta;
use rapport_core::access::{
    lockout_until, normalise_email, ACCOUNT_FAILURE_LIMIT, ADDRESS_FAILURE_LIMIT, LOCKOUT_WINDOW,
};
use serde::Deserialize;

use super::session::{self, cookie_value};
use super::{password, safe_next, secret, Credential, CurrentUser, SESSION_COOKIE};
use crate::error::{ApiError, PageForm};
use crate::AppState;

/// The cookie carrying the sign-in form's CSRF token.
const LOGIN_CSRF_COOKIE: &str = "rapport_login_csrf";
/// How long a sign-in form stays usable.
const LOGIN_FORM_LIFETIME: TimeDelta = TimeDelta::hours(2);
/// What every failed sign-in says, whatever failed.
const WRONG: &str =
    "That e-mail address and password do not match an active user. Check both and try again.";

#[derive(Template, WebTemplate)]
#[template(path = "auth/login.html")]
pub struct LoginPage {
    pub csrf_token: String,
    pub email: String,
    pub next: String,
    pub message: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    pub next: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub csrf_token: String,
    pub next: Option<String>,
}

/// The client's IP address, for the per-address sign-in limit: the
/// connection's peer ("unknown" when the server runs without connection
/// info, as in some tests).
#[derive(Debug, Clone)]
pub struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or_else(
                    || "unknown".to_string(),
                    |ConnectInfo(a)| a.ip().to_string(),
                ),
        ))
    }
}

/// Sends a page request without a session to the sign-in page, to come
/// back to `here` afterwards.
pub fn redirect_to_sign_in(here: &str) -> Response {
    let next: String = url_escape(here);
    Redirect::to(&format!("/login?next={next}")).into_response()
}

fn url_escape(text: &str) -> String {
    serde_urlencoded::to_string([("", text)])
        .map(|s| s.trim_start_matches('=').to_string())
        .unwrap_or_default()
}

/// The sign-in form, with a fresh CSRF token in the form and a cookie.
fn form(
    state: &AppState,
    status: StatusCode,
    email: String,
    next: &str,
    message: Option<String>,
) -> Result<Response, ApiError> {
    let token =
        secret::random_secret().map_err(|e| ApiError::Internal(format!("random token: {e}")))?;
    let cookie = session::set_cookie(
        &state.auth,
        LOGIN_CSRF_COOKIE,
        &token,
        Some(LOGIN_FORM_LIFETIME),
    )?;
    let page = LoginPage {
        csrf_token: token,
        email,
        next: safe_next(Some(next)).to_string(),
        message,
    };
    Ok((status, [(header::SET_COOKIE, cookie)], page).into_response())
}

/// The sign-in page.
#[utoipa::path(get, path = "/login", tag = "pages", params(("next" = Option<String>, Query, description = "where to go after signing in")),
    responses((status = 200, description = "the sign-in form", content_type = "text/html")))]
pub async fn show(
    State(state): State<AppState>,
    Query(query): Query<LoginQuery>,
) -> Result<Response, ApiError> {
    form(
        &state,
        StatusCode::OK,
        String::new(),
        // Without a page asked for, the day starts on Today.
        query.next.as_deref().unwrap_or("/today"),
        None,
    )
}

/// Signs in with an e-mail and password from the sign-in form.
#[utoipa::path(post, path = "/login", tag = "pages",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "fields email, password, csrf_token and optionally next"),
    responses(
        (status = 303, description = "signed in: a session cookie, and on to `next`"),
        (status = 401, description = "the e-mail and password do not match an active user", content_type = "text/html"),
        (status = 403, description = "the form's CSRF token is missing or wrong", content_type = "text/html"),
        (status = 429, description = "too many failed sign-ins: locked for 15 minutes", content_type = "text/html")))]
pub async fn sign_in(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    PageForm(input): PageForm<LoginForm>,
) -> Result<Response, ApiError> {
    let next = safe_next(input.next.as_deref()).to_string();
    let expected = cookie_value(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !secret::same(&input.csrf_token, &expected) {
        return form(
            &state,
            StatusCode::FORBIDDEN,
            input.email,
            &next,
            Some(
                "The sign-in form had expired or was not ours. Sign in again on this page.".into(),
            ),
        );
    }
    if input.email.chars().any(char::is_control) {
        return form(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            String::new(),
            &next,
            Some(
                "The e-mail address held a control character (such as NUL); type it again.".into(),
            ),
        );
    }
    let now = state.clock.now();
    let email = normalise_email(&input.email);
    let reserved = state
        .store
        .reserve_sign_in_attempt(
            now,
            &email,
            &address,
            now - LOCKOUT_WINDOW * 2,
            |by_email, by_address| lock_on(by_email, by_address, now),
        )
        .await?;
    let (attempt, earlier) = match reserved {
        Ok(reserved) => reserved,
        Err((until, what)) => {
            // Whole minutes, rounded up: "1 more minute" until the last second.
            let minutes = ((until - now).num_seconds() + 59) / 60;
            return form(
                &state,
                StatusCode::TOO_MANY_REQUESTS,
                input.email,
                &next,
                Some(format!(
                    "Too many failed sign-ins: sign-in {what} is locked for {minutes} more minute(s), until {} UTC. Try again then; until then even the right password is refused.",
                    until.format("%H:%M")
                )),
            );
        }
    };
    let found = state.store.user_for_sign_in(&email).await?;
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    let matches = password::verify(input.password, hash).await;
    let user = match user {
        Some(user) if matches && !user.disabled => user,
        _ => {
            // The reserved attempt stays recorded as a failure.
            let message = match attempts_left(&earlier, now) {
                0 => format!("{WRONG} That was the fifth failed attempt: sign-in for this account is now locked for 15 minutes."),
                left @ 1..=2 => format!(
                    "{WRONG} {left} more failed attempt(s) will lock sign-in for this account for 15 minutes."
                ),
                _ => WRONG.to_string(),
            };
            return form(
                &state,
                StatusCode::UNAUTHORIZED,
                input.email,
                &next,
                Some(message),
            );
        }
    };
    state.store.forget_sign_in_attempt(attempt).await?;
    let session_cookie = session::start(&state, user.id.get()).await?;
    let clear_login = session::set_cookie(&state.auth, LOGIN_CSRF_COOKIE, "", None)?;
    let mut response = Redirect::to(&next).into_response();
    let headers = response.headers_mut();
    headers.append(header::SET_COOKIE, session_cookie);
    headers.append(header::SET_COOKIE, clear_login);
    Ok(response)
}

/// The lock, if any, that earlier failures put on this sign-in: until when,
/// and on what ("for this account" or "from your network address").
pub(crate) fn lock_on(
    by_email: &[chrono::DateTime<chrono::Utc>],
    by_address: &[chrono::DateTime<chrono::Utc>],
    now: chrono::DateTime<chrono::Utc>,
) -> Option<(chrono::DateTime<chrono::Utc>, &'static str)> {
    let account = lockout_until(by_email, ACCOUNT_FAILURE_LIMIT, LOCKOUT_WINDOW, now)
        .map(|until| (until, "for this account"));
    let address = lockout_until(by_address, ADDRESS_FAILURE_LIMIT, LOCKOUT_WINDOW, now)
        .map(|until| (until, "from your network address"));
    account
        .into_iter()
        .chain(address)
        .max_by_key(|(until, _)| *until)
}

/// How many more failures the account may have before the one that locks
/// it, counting the failure just made: the earlier ones within the window,
/// and this one.
fn attempts_left(
    earlier: &[chrono::DateTime<chrono::Utc>],
    now: chrono::DateTime<chrono::Utc>,
) -> usize {
    let recent = earlier
        .iter()
        .filter(|at| now - **at < LOCKOUT_WINDOW)
        .count()
        + 1;
    ACCOUNT_FAILURE_LIMIT.saturating_sub(recent)
}

/// Signs out: ends the session on every server.
#[utoipa::path(post, path = "/logout", tag = "pages",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "field csrf_token"),
    responses((status = 303, description = "signed out; on to /login")))]
pub async fn sign_out(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<Response, ApiError> {
    if let Credential::Session { id_hash, .. } = &current.credential {
        state.store.delete_session(id_hash).await?;
    }
    let clear: HeaderValue = session::set_cookie(&state.auth, SESSION_COOKIE, "", None)?;
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().append(header::SET_COOKIE, clear);
    Ok(response)
}
