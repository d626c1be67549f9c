//! Sessions: the cookie, its lifetimes, and the CSRF token bound to it.
//!
//! The cookie holds a random 256-bit id; the database holds its digest,
//! the user, a CSRF token and the times that bound its life. Sessions live
//! in the database so that several servers share them and signing out on
//! one ends the session on all.

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue};
use chrono::{DateTime, TimeDelta, Utc};
use cookie::{Cookie, SameSite};

use super::{secret, AuthConfig, Credential, CurrentUser, CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE};
use crate::error::ApiError;
use crate::AppState;
use rapport_core::ids::UserId;

/// How often a session's last use is written back: often enough for the
/// idle lifetime, rarely enough that reading pages does not write on every
/// request.
const TOUCH_EVERY: TimeDelta = TimeDelta::minutes(1);

/// The largest form body read for its CSRF token.
const MAX_FORM_BYTES: usize = 1024 * 1024;

/// The value of a named cookie in the request.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

/// The session in the request's cookie, if it is valid now. An expired or
/// idle session is deleted on sight; a disabled user's is refused.
pub async fn current(
    state: &AppState,
    headers: &HeaderMap,
    now: DateTime<Utc>,
) -> Result<Option<CurrentUser>, ApiError> {
    let Some(id) = cookie_value(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let id_hash = secret::digest(&id);
    let Some(record) = state.store.session(&id_hash).await? else {
        return Ok(None);
    };
    let idle_until = record.last_seen_at + state.auth.idle;
    if record.expires_at <= now || idle_until <= now || record.user.disabled {
        state.store.delete_session(&id_hash).await?;
        return Ok(None);
    }
    if now - record.last_seen_at >= TOUCH_EVERY {
        state.store.touch_session(&id_hash, now).await?;
    }
    Ok(Some(CurrentUser {
        user: record.user,
        credential: Credential::Session {
            id_hash,
            csrf_token: record.csrf_token,
        },
    }))
}

/// Starts a session for the user: a new id every sign-in (so an id planted
/// before sign-in is worthless after it). Returns the `Set-Cookie` value.
pub async fn start(state: &AppState, user_id: i64) -> Result<HeaderValue, ApiError> {
    let now = state.clock.now();
    let id = secret::random_secret().map_err(|e| ApiError::Internal(format!("random id: {e}")))?;
    let csrf =
        secret::random_secret().map_err(|e| ApiError::Internal(format!("random token: {e}")))?;
    state
        .store
        .create_session(
            now,
            UserId::new(user_id),
            &secret::digest(&id),
            &csrf,
            now + state.auth.absolute,
        )
        .await?;
    set_cookie(&state.auth, SESSION_COOKIE, &id, Some(state.auth.absolute))
}

/// A `Set-Cookie` value with the flags every Rapport cookie carries:
/// `HttpOnly`, `SameSite=Lax`, `Path=/`, and `Secure` behind https. With no
/// lifetime, the cookie is removed.
pub fn set_cookie(
    config: &AuthConfig,
    name: &str,
    value: &str,
    lifetime: Option<TimeDelta>,
) -> Result<HeaderValue, ApiError> {
    let max_age = lifetime.map_or(0, |l| l.num_seconds());
    let cookie = Cookie::build((name, value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(config.secure_cookie)
        .max_age(cookie::time::Duration::seconds(max_age))
        .build();
    HeaderValue::from_str(&cookie.to_string())
        .map_err(|e| ApiError::Internal(format!("cookie header: {e}")))
}

/// Checks the CSRF token of a cookie-authenticated write: in the
/// `X-CSRF-Token` header, or in the `csrf_token` field of a form body (the
/// body is read and handed on unchanged).
pub async fn check_csrf(request: Request, expected: &str) -> Result<Request, ApiError> {
    if let Some(sent) = request.headers().get(CSRF_HEADER) {
        return if sent.to_str().is_ok_and(|sent| secret::same(sent, expected)) {
            Ok(request)
        } else {
            Err(csrf_refused())
        };
    }
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(csrf_refused());
    }
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| ApiError::PayloadTooLarge("the form is larger than 1 MiB".into()))?;
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    let sent = fields
        .iter()
        .find(|(name, _)| name == CSRF_FIELD)
        .map(|(_, value)| value.as_str());
    if !sent.is_some_and(|sent| secret::same(sent, expected)) {
        return Err(ApiError::Forbidden(
            "This form has expired: you signed in again since the page was opened, or it came from elsewhere. Nothing was changed. Go back, reload the page and submit it again.".into(),
        ));
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

fn csrf_refused() -> ApiError {
    ApiError::Forbidden(
        "a write with the session cookie needs the session's CSRF token in the X-CSRF-Token header (it is in every page's forms); scripts can use a bearer token instead".into(),
    )
}
