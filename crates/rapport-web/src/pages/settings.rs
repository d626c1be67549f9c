//! `/settings`: the signed-in user's own account — their API tokens (made,
//! listed, revoked) and their password.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use rapport_core::access::{
    check_new_password, lockout_until, ACCOUNT_FAILURE_LIMIT, LOCKOUT_WINDOW,
};
use rapport_store::ApiToken;
use serde::Deserialize;

use super::Nav;
use crate::auth::login::ClientAddress;
use crate::auth::{password, CurrentUser};
use crate::error::{ApiError, ApiPath, PageForm};
use crate::AppState;

pub struct TokenRow {
    pub id: i64,
    pub label: String,
    pub prefix: String,
    pub created: String,
    pub expires: String,
    pub last_used: String,
    pub state: &'static str,
    pub live: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "settings/show.html")]
pub struct SettingsPage {
    pub nav: Nav,
    pub tokens: Vec<TokenRow>,
    /// A token just made, shown this once.
    pub new_token: Option<String>,
    /// A calendar address just made, shown this once.
    pub new_calendar: Option<String>,
    /// When the live calendar feed was started, if there is one.
    pub calendar_started: Option<String>,
    pub notice: Option<&'static str>,
    pub error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    pub done: Option<String>,
}

fn token_rows(tokens: Vec<ApiToken>, now: chrono::DateTime<chrono::Utc>) -> Vec<TokenRow> {
    let day = |at: chrono::DateTime<chrono::Utc>| at.format("%Y-%m-%d").to_string();
    tokens
        .into_iter()
        .map(|t| {
            let expired = t.expires_at.is_some_and(|at| at <= now);
            let state = if t.revoked_at.is_some() {
                "revoked"
            } else if expired {
                "expired"
            } else {
                "active"
            };
            TokenRow {
                id: t.id,
                label: t.label,
                prefix: t.prefix,
                created: day(t.created_at),
                expires: t.expires_at.map_or_else(|| "never".into(), day),
                last_used: t.last_used_at.map_or_else(|| "never".into(), day),
                state,
                live: state == "active",
            }
        })
        .collect()
}

pub(super) async fn page(
    state: &AppState,
    current: &CurrentUser,
    new_token: Option<String>,
    notice: Option<&'static str>,
    error: Option<String>,
) -> Result<SettingsPage, ApiError> {
    let tokens = state.store.tokens_of(current.user.id).await?;
    let started = state.store.calendar_feed_started(current.user.id).await?;
    Ok(SettingsPage {
        nav: Nav::of(current),
        tokens: token_rows(tokens, state.clock.now()),
        new_token,
        new_calendar: None,
        calendar_started: started.map(|t| t.format("%Y-%m-%d").to_string()),
        notice,
        error,
    })
}

/// The signed-in user's settings: API tokens and password.
#[utoipa::path(get, path = "/settings", tag = "pages", params(("done" = Option<String>, Query, description = "what was just done, for the notice")),
    responses((status = 200, description = "the settings page", content_type = "text/html")))]
pub async fn show(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<NoticeQuery>,
) -> Result<SettingsPage, ApiError> {
    let notice = match query.done.as_deref() {
        Some("revoked") => Some("The token was revoked; it no longer works."),
        Some("password") => Some("Your password was changed. Other sessions were signed out."),
        Some("calendar-stopped") => {
            Some("The calendar feed was stopped; its address no longer works.")
        }
        _ => None,
    };
    page(&state, &current, None, notice, None).await
}

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    pub label: String,
    /// Days until it expires; empty or 0: never.
    #[serde(default)]
    pub expires_days: String,
}

/// Makes an API token and shows it once, on this response only (not
/// through a redirect: the token must not land in a URL or history).
/// Makes an API token and shows it once.
#[utoipa::path(post, path = "/settings/tokens", tag = "pages",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "fields label, expires_days (empty: never), csrf_token"),
    responses((status = 200, description = "the settings page showing the new token once", content_type = "text/html"),
        (status = 422, description = "a bad label or expiry", content_type = "text/html")))]
pub async fn create_token(
    State(state): State<AppState>,
    current: CurrentUser,
    PageForm(form): PageForm<TokenForm>,
) -> Result<Response, ApiError> {
    let label = form.label.trim();
    let days: Option<i64> = match form.expires_days.trim() {
        "" => None,
        text => match text.parse::<i64>() {
            Ok(days) if (1..=3650).contains(&days) => Some(days),
            _ => {
                let message = format!("\"{text}\" is not a number of days from 1 to 3650; leave it empty for a token that does not expire");
                let page = page(&state, &current, None, None, Some(message)).await?;
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
            }
        },
    };
    if label.is_empty() || label.chars().count() > 100 || label.chars().any(char::is_control) {
        let message = if label.chars().any(char::is_control) {
            "The label holds a control character (such as NUL or ESC); type it again.".to_string()
        } else {
            "Give the token a label of 1 to 100 characters, saying where it is used (\"nightly export\").".to_string()
        };
        let page = page(&state, &current, None, None, Some(message)).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let (token, _) =
        crate::auth::issue_token(&state, &current.actor(), current.user.id, label, days).await?;
    Ok(page(&state, &current, Some(token), None, None)
        .await?
        .into_response())
}

/// Revokes one of the user's own tokens.
#[utoipa::path(post, path = "/settings/tokens/{token_id}/revoke", tag = "pages",
    params(("token_id" = i64, Path, description = "token id")),
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "field csrf_token"),
    responses((status = 303, description = "revoked; back to /settings"), (status = 404, description = "not one of the user's tokens")))]
pub async fn revoke_token(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(token_id): ApiPath<i64>,
) -> Result<Redirect, ApiError> {
    state
        .store
        .revoke_token(
            state.clock.now(),
            &current.actor(),
            current.user.id,
            token_id,
        )
        .await?;
    Ok(Redirect::to("/settings?done=revoked"))
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    pub current_password: String,
    #[serde(default)]
    pub new_password: String,
    #[serde(default)]
    pub repeat_password: String,
}

/// Changes the user's own password after checking the current one; every
/// session of theirs ends, and this one starts afresh.
/// Changes the user's own password.
#[utoipa::path(post, path = "/settings/password", tag = "pages",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "fields current_password, new_password, repeat_password, csrf_token"),
    responses((status = 303, description = "changed; other sessions end"), (status = 422, description = "wrong current password or a weak new one", content_type = "text/html"),
        (status = 429, description = "too many wrong passwords: locked as sign-in is", content_type = "text/html")))]
pub async fn change_password(
    State(state): State<AppState>,
    current: CurrentUser,
    ClientAddress(address): ClientAddress,
    PageForm(form): PageForm<PasswordForm>,
) -> Result<Response, ApiError> {
    // Guessing the current password here counts as failed sign-ins, and
    // the sign-in lock-out stops it, so a left-open session cannot be used
    // to find the password.
    let now = state.clock.now();
    let email = current.user.email.clone();
    let reserved = state
        .store
        .reserve_sign_in_attempt(
            now,
            &email,
            &address,
            now - LOCKOUT_WINDOW * 2,
            |by_email, _| lockout_until(by_email, ACCOUNT_FAILURE_LIMIT, LOCKOUT_WINDOW, now),
        )
        .await?;
    let attempt = match reserved {
        Ok((attempt, _)) => attempt,
        Err(until) => {
            let message = format!(
                "Too many wrong passwords: changing the password is locked until {} UTC.",
                until.format("%H:%M")
            );
            let page = page(&state, &current, None, None, Some(message)).await?;
            return Ok((StatusCode::TOO_MANY_REQUESTS, page).into_response());
        }
    };
    let stored = state
        .store
        .user_for_sign_in(&email)
        .await?
        .map(|(_, hash)| hash);
    let right = password::verify(form.current_password, stored).await;
    if right {
        state.store.forget_sign_in_attempt(attempt).await?;
    }
    let problem = if !right {
        Some("The current password is not right.".to_string())
    } else if form.new_password != form.repeat_password {
        Some("The two new passwords differ; type the same one twice.".to_string())
    } else {
        check_new_password(&form.new_password).err()
    };
    if let Some(message) = problem {
        let page = page(&state, &current, None, None, Some(message)).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let hash = password::hash(form.new_password)
        .await
        .map_err(ApiError::Internal)?;
    state
        .store
        .set_password(state.clock.now(), &current.actor(), current.user.id, &hash)
        .await?;
    let cookie = crate::auth::session::start(&state, current.user.id.get()).await?;
    let mut response = Redirect::to("/settings?done=password").into_response();
    response
        .headers_mut()
        .append(axum::http::header::SET_COOKIE, cookie);
    Ok(response)
}
