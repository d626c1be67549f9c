//! The cockpit's news panel — what the client rep must hear from the PM
//! first, with its deadline and advice for telling this rep — and its two
//! forms: the client heard it elsewhere (a surprise), and the client
//! acknowledged what they were told. Telling news is recording the
//! conversation that told it (the capture form ticks it).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use chrono::NaiveDate;
use rapport_core::access::ProjectAccess;
use rapport_core::disclosure::{NewsState, Severity};
use rapport_core::ids::{PersonId, ProjectId};
use serde::Deserialize;

use super::today::{due, telling_advice};
use crate::api::wire::parse_iso_date;
use crate::auth::{CurrentUser, ProjectAccessOf};
use crate::error::{ApiError, ApiPath, PageForm};
use crate::AppState;

/// One item as the panel shows it.
pub struct NewsLine {
    pub id: i64,
    pub message: String,
    pub critical: bool,
    /// When to tell it, for open news; how it was told, for told news.
    pub when: String,
    pub late: bool,
    pub surprise: bool,
    /// Told and not yet acknowledged: the panel offers to record it.
    pub awaiting_acknowledgement: bool,
}

/// The panel: open news first, then news told in the last 90 days.
pub struct NewsPanel {
    pub rep: String,
    pub rep_id: i64,
    pub advice: String,
    pub open: Vec<NewsLine>,
    pub told: Vec<NewsLine>,
    /// Surprises on this project so far.
    pub surprises: usize,
    pub today: String,
}

/// Builds the panel from a project's news (live first), for its client
/// rep `rep` of behaviour style `style` (when placed).
pub fn panel(
    news: &[rapport_store::NewsItem],
    rep: PersonId,
    rep_name: &str,
    style: Option<rapport_core::style::Style>,
    today: NaiveDate,
) -> NewsPanel {
    let recent = today - chrono::Duration::days(90);
    let mut open = Vec::new();
    let mut told = Vec::new();
    for n in news {
        let line = |when: String| NewsLine {
            id: n.id,
            message: n.message.clone(),
            critical: n.severity == Severity::Critical,
            late: n.state == NewsState::Open && n.deadline < today,
            surprise: n.surprise,
            awaiting_acknowledgement: n.state == NewsState::Told,
            when,
        };
        match n.state {
            NewsState::Open => open.push(line(due(n.deadline, today))),
            NewsState::Told | NewsState::Acknowledged if n.told_on.is_some_and(|t| t >= recent) => {
                let how = if n.learned_elsewhere {
                    format!(
                        "{rep_name} heard it from someone else on {}",
                        n.told_on.unwrap_or(today)
                    )
                } else if n.surprise {
                    format!(
                        "told on {}, after its {} deadline",
                        n.told_on.unwrap_or(today),
                        n.deadline
                    )
                } else {
                    format!("told on {}, in time", n.told_on.unwrap_or(today))
                };
                let ack = match n.acknowledged_on {
                    Some(on) => format!("; acknowledged on {on}"),
                    None => String::new(),
                };
                told.push(line(format!("{how}{ack}")));
            }
            _ => {}
        }
    }
    NewsPanel {
        rep: rep_name.to_string(),
        rep_id: rep.get(),
        advice: telling_advice(style, rep_name),
        surprises: news.iter().filter(|n| n.surprise).count(),
        open,
        told,
        today: today.to_string(),
    }
}

#[derive(Debug, Deserialize)]
pub struct ElsewhereForm {
    #[serde(default)]
    pub news_id: String,
    #[serde(default)]
    pub on: String,
}

#[derive(Debug, Deserialize)]
pub struct AcknowledgeForm {
    #[serde(default)]
    pub on: String,
}

/// A day typed in a form, not after today.
fn day(state: &AppState, text: &str) -> Result<NaiveDate, String> {
    let on = parse_iso_date(text.trim())?;
    let today = state.clock.today();
    if on > today {
        return Err(format!(
            "{on} is after today ({today}); record it once it has happened"
        ));
    }
    Ok(on)
}

/// Back to the cockpit's news panel with what happened; or, refused, the
/// cockpit again with why (shown, never passed through the address).
async fn back(
    state: &AppState,
    current: &CurrentUser,
    access: ProjectAccess,
    id: i64,
    outcome: Result<&str, String>,
) -> Result<Response, ApiError> {
    match outcome {
        Ok(done) => Ok(Redirect::to(&format!("/projects/{id}?done={done}#news")).into_response()),
        Err(message) => {
            let page =
                super::cockpit::page(state, current, id, access, None, Some(message), None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// Record that the client rep heard news from someone else.
#[utoipa::path(post, path = "/projects/{id}/news/learned-elsewhere", tag = "pages",
    params(("id" = i64, Path, description = "project id")),
    responses((status = 303, description = "back to the cockpit's news")))]
pub async fn learned_elsewhere(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    Extension(ProjectAccessOf(access)): Extension<ProjectAccessOf>,
    PageForm(form): PageForm<ElsewhereForm>,
) -> Result<Response, ApiError> {
    let on = match day(&state, &form.on) {
        Ok(on) => on,
        Err(e) => {
            let why = format!("Nothing was recorded: the date {e}.");
            return back(&state, &current, access, id, Err(why)).await;
        }
    };
    let Ok(news_id) = form.news_id.trim().parse::<i64>() else {
        let why = "Nothing was recorded: choose an item of news.".to_string();
        return back(&state, &current, access, id, Err(why)).await;
    };
    let done = state
        .store
        .news_learned_elsewhere(
            state.clock.now(),
            &current.actor(),
            ProjectId::new(id),
            &[news_id],
            on,
        )
        .await;
    match done {
        Ok(_) => back(&state, &current, access, id, Ok("elsewhere")).await,
        Err(rapport_store::StoreError::Invalid(e)) => {
            back(
                &state,
                &current,
                access,
                id,
                Err(format!("Nothing was recorded. {e}")),
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

/// Record that the client rep acknowledged news they were told.
#[utoipa::path(post, path = "/projects/{id}/news/{news_id}/acknowledge", tag = "pages",
    params(("id" = i64, Path, description = "project id"), ("news_id" = i64, Path, description = "news item id")),
    responses((status = 303, description = "back to the cockpit's news")))]
pub async fn acknowledge(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath((id, news_id)): ApiPath<(i64, i64)>,
    Extension(ProjectAccessOf(access)): Extension<ProjectAccessOf>,
    PageForm(form): PageForm<AcknowledgeForm>,
) -> Result<Response, ApiError> {
    let on = match day(&state, &form.on) {
        Ok(on) => on,
        Err(e) => {
            let why = format!("Nothing was recorded: the date {e}.");
            return back(&state, &current, access, id, Err(why)).await;
        }
    };
    let done = state
        .store
        .acknowledge_news(
            state.clock.now(),
            &current.actor(),
            ProjectId::new(id),
            news_id,
            on,
        )
        .await;
    match done {
        Ok(_) => back(&state, &current, access, id, Ok("acknowledged")).await,
        Err(rapport_store::StoreError::Invalid(e)) => {
            back(
                &state,
                &current,
                access,
                id,
                Err(format!("Nothing was recorded. {e}")),
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}
