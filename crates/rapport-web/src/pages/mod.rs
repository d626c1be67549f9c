//! Server-rendered pages. They work without JavaScript (forms post and
//! redirect); one base layout (`templates/base.html`) and one stylesheet,
//! embedded in the binary.

use axum::http::header;
use axum::response::IntoResponse;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use rapport_core::access::Role;
use rapport_core::ids::UserId;

use crate::auth::CurrentUser;
use crate::AppState;

mod accounts;
mod admin;
mod brief;
mod calendar;
pub mod capture;
mod cockpit;
mod follow_up;
mod home;
mod ledger;
mod news;
mod people;
mod profile;
mod reports;
mod search;
mod settings;
mod status;
mod timeline;
mod today;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(home::show))
        .routes(routes!(today::show))
        .routes(routes!(ledger::show))
        .routes(routes!(search::show))
        .routes(routes!(cockpit::show))
        .routes(routes!(people::show))
        .routes(routes!(profile::form, profile::save))
        .routes(routes!(accounts::show))
        .routes(routes!(brief::show, brief::write))
        .routes(routes!(brief::raise))
        .routes(routes!(brief::answer))
        .routes(routes!(capture::form))
        .routes(routes!(capture::submit))
        .routes(routes!(status::record))
        .routes(routes!(news::learned_elsewhere))
        .routes(routes!(news::acknowledge))
        .routes(routes!(reports::show))
        .routes(routes!(calendar::feed))
        .routes(routes!(calendar::start))
        .routes(routes!(calendar::stop))
        .routes(routes!(reports::create))
        .routes(routes!(reports::words))
        .routes(routes!(reports::send))
        .routes(routes!(reports::sent_by_hand))
        .routes(routes!(follow_up::answer))
        .routes(routes!(follow_up::confirm))
        .routes(routes!(follow_up::resolve))
        .routes(routes!(stylesheet))
        .routes(routes!(settings::show))
        .routes(routes!(settings::create_token))
        .routes(routes!(settings::revoke_token))
        .routes(routes!(settings::change_password))
        .routes(routes!(admin::show, admin::add))
        .routes(routes!(admin::set_role))
        .routes(routes!(admin::reset_password))
        .routes(routes!(admin::disable))
        .routes(routes!(admin::enable))
}

/// What the header of every signed-in page shows, and the CSRF token its
/// forms carry.
#[derive(Debug, Clone)]
pub struct Nav {
    pub user_id: UserId,
    pub email: String,
    pub name: String,
    pub role: String,
    pub is_admin: bool,
    pub csrf_token: String,
    /// What this user's role lets them see and do, in a sentence.
    pub reach: &'static str,
}

impl Nav {
    pub fn of(current: &CurrentUser) -> Self {
        Self {
            user_id: current.user.id,
            email: current.user.email.clone(),
            name: current.user.name.clone(),
            role: current.user.role.to_string(),
            is_admin: current.user.role.may_manage_users(),
            csrf_token: current.csrf_token().to_string(),
            reach: match current.user.role {
                Role::Admin => {
                    "As an administrator you see and change every project, and manage users."
                }
                Role::Viewer => "As a viewer you see every project and change nothing.",
                Role::Pm => "You see the projects you manage or are on the team of.",
                Role::Member => "You see the projects you are on the team of.",
            },
        }
    }
}

/// Rapport's one stylesheet.
#[utoipa::path(get, path = "/static/rapport.css", tag = "pages",
    responses((status = 200, description = "the stylesheet", content_type = "text/css")))]
pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/rapport.css"),
    )
}
