//! `/admin/users`: administrators add users, change their role, disable
//! and enable them — what `rapport user` does on the command line.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use rapport_core::access::{check_new_password, Role, UserDraft};
use rapport_core::ids::UserId;
use rapport_store::User;
use serde::Deserialize;

use super::Nav;
use crate::auth::{password, CurrentUser};
use crate::error::{ApiError, ApiPath, PageForm};
use crate::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "admin/users.html")]
pub struct UsersPage {
    pub nav: Nav,
    pub users: Vec<User>,
    pub roles: &'static [Role],
    pub notice: Option<String>,
    pub error: Option<String>,
    /// A generated password for a user just added, shown this once.
    pub new_password: Option<(String, String)>,
    /// What was typed into the add-user form, kept when it was refused.
    pub typed: Typed,
}

/// The add-user form's fields as typed (never the password).
#[derive(Debug, Default)]
pub struct Typed {
    pub email: String,
    pub name: String,
    pub role: String,
}

#[derive(Debug, Deserialize)]
pub struct UsersQuery {
    pub done: Option<String>,
    pub email: Option<String>,
    pub role: Option<String>,
}

async fn page(
    state: &AppState,
    current: &CurrentUser,
    notice: Option<String>,
    error: Option<String>,
    new_password: Option<(String, String)>,
) -> Result<UsersPage, ApiError> {
    Ok(UsersPage {
        nav: Nav::of(current),
        users: state.store.users().await?,
        roles: Role::ALL,
        notice,
        error,
        new_password,
        typed: Typed::default(),
    })
}

/// Every user, for administrators.
#[utoipa::path(get, path = "/admin/users", tag = "pages",
    params(("done" = Option<String>, Query, description = "what was just done"), ("email" = Option<String>, Query, description = "to whom"), ("role" = Option<String>, Query, description = "their new role")),
    responses((status = 200, description = "the users page", content_type = "text/html")))]
pub async fn show(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<UsersQuery>,
) -> Result<UsersPage, ApiError> {
    let who = query.email.unwrap_or_default();
    let notice = match query.done.as_deref() {
        Some("role") => Some(format!(
            "{who} is now {}.",
            query.role.as_deref().unwrap_or("in their new role")
        )),
        Some("disabled") => Some(format!(
            "{who} was disabled: their sessions and tokens stopped working."
        )),
        Some("enabled") => Some(format!("{who} was enabled and can sign in again.")),
        _ => None,
    };
    page(&state, &current, notice, None, None).await
}

#[derive(Debug, Deserialize)]
pub struct AddForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub role: String,
    /// Empty: a strong password is generated and shown once.
    #[serde(default)]
    pub password: String,
}

/// Adds a user; without a password, one is generated and shown once.
#[utoipa::path(post, path = "/admin/users", tag = "pages",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "fields email, name, role, password (optional), csrf_token"),
    responses((status = 200, description = "added", content_type = "text/html"), (status = 422, description = "not added; the page says why", content_type = "text/html")))]
pub async fn add(
    State(state): State<AppState>,
    current: CurrentUser,
    PageForm(form): PageForm<AddForm>,
) -> Result<Response, ApiError> {
    let typed = || Typed {
        email: form.email.clone(),
        name: form.name.clone(),
        role: form.role.clone(),
    };
    let refuse = |message: String| async {
        let mut page = page(&state, &current, None, Some(message), None).await?;
        page.typed = typed();
        Ok::<_, ApiError>((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    };
    let draft = match UserDraft::new(&form.email, &form.name, &form.role) {
        Ok(draft) => draft,
        Err(errors) => return refuse(format!("The user was not added: {errors}.")).await,
    };
    let (password, generated) = if form.password.is_empty() {
        (crate::auth::generate_password()?, true)
    } else {
        (form.password.clone(), false)
    };
    if let Err(message) = check_new_password(&password) {
        return refuse(format!("The user was not added: {message}.")).await;
    }
    let hash = password::hash(password.clone())
        .await
        .map_err(ApiError::Internal)?;
    let created = state
        .store
        .create_user(state.clock.now(), &current.actor(), &draft, None, &hash)
        .await;
    let user = match created {
        Ok(user) => user,
        Err(rapport_store::StoreError::Conflict(message)) => {
            return refuse(format!("The user was not added: {message}.")).await
        }
        Err(other) => return Err(other.into()),
    };
    let notice = Some(format!("{} was added as {}.", user.email, user.role));
    let shown = generated.then(|| (user.email.clone(), password));
    Ok(page(&state, &current, notice, None, shown)
        .await?
        .into_response())
}

#[derive(Debug, Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    pub role: String,
}

/// Changes a user's role.
#[utoipa::path(post, path = "/admin/users/{user_id}/role", tag = "pages",
    params(("user_id" = i64, Path, description = "user id")),
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "fields role, csrf_token"),
    responses((status = 303, description = "changed"), (status = 404, description = "no such user"), (status = 409, description = "an administrator's own role", content_type = "text/html"), (status = 422, description = "not a role")))]
pub async fn set_role(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(user_id): ApiPath<i64>,
    PageForm(form): PageForm<RoleForm>,
) -> Result<Response, ApiError> {
    let role: Role = form
        .role
        .parse()
        .map_err(|e: String| ApiError::invalid_field("role", e))?;
    let user = state.store.user(UserId::new(user_id)).await?;
    if user.id == current.user.id && role != Role::Admin {
        let message =
            "You cannot take away your own administrator role; another administrator can."
                .to_string();
        let page = page(&state, &current, None, Some(message), None).await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    state
        .store
        .set_user_role(state.clock.now(), &current.actor(), &user.email, role)
        .await?;
    Ok(Redirect::to(&format!(
        "/admin/users?done=role&role={role}&email={}",
        escape(&user.email)
    ))
    .into_response())
}

/// Gives a user a new, generated password, shown once; their sessions end.
#[utoipa::path(post, path = "/admin/users/{user_id}/password", tag = "pages",
    params(("user_id" = i64, Path, description = "user id")),
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "field csrf_token"),
    responses((status = 200, description = "the users page showing the new password once", content_type = "text/html"), (status = 404, description = "no such user")))]
pub async fn reset_password(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(user_id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    let user = state.store.user(UserId::new(user_id)).await?;
    let password = crate::auth::generate_password()?;
    let hash = password::hash(password.clone())
        .await
        .map_err(ApiError::Internal)?;
    state
        .store
        .set_password(state.clock.now(), &current.actor(), user.id, &hash)
        .await?;
    let notice = Some(format!(
        "{} has a new password; their sessions ended.",
        user.email
    ));
    Ok(
        page(&state, &current, notice, None, Some((user.email, password)))
            .await?
            .into_response(),
    )
}

/// Disables a user: their sessions and tokens stop working at once.
#[utoipa::path(post, path = "/admin/users/{user_id}/disable", tag = "pages",
    params(("user_id" = i64, Path, description = "user id")),
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "field csrf_token"),
    responses((status = 303, description = "disabled"), (status = 404, description = "no such user"), (status = 409, description = "an administrator disabling themselves", content_type = "text/html")))]
pub async fn disable(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(user_id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    set_disabled(state, current, user_id, true).await
}

/// Enables a disabled user.
#[utoipa::path(post, path = "/admin/users/{user_id}/enable", tag = "pages",
    params(("user_id" = i64, Path, description = "user id")),
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "field csrf_token"),
    responses((status = 303, description = "enabled"), (status = 404, description = "no such user")))]
pub async fn enable(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(user_id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    set_disabled(state, current, user_id, false).await
}

async fn set_disabled(
    state: AppState,
    current: CurrentUser,
    user_id: i64,
    disabled: bool,
) -> Result<Response, ApiError> {
    let user = state.store.user(UserId::new(user_id)).await?;
    if disabled && user.id == current.user.id {
        let message = "You cannot disable yourself; another administrator can.".to_string();
        let page = page(&state, &current, None, Some(message), None).await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    state
        .store
        .set_user_disabled(state.clock.now(), &current.actor(), &user.email, disabled)
        .await?;
    let done = if disabled { "disabled" } else { "enabled" };
    Ok(Redirect::to(&format!(
        "/admin/users?done={done}&email={}",
        escape(&user.email)
    ))
    .into_response())
}

fn escape(text: &str) -> String {
    serde_urlencoded::to_string([("", text)])
        .map(|s| s.trim_start_matches('=').to_string())
        .unwrap_or_default()
}
