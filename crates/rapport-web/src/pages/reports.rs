//! Status report pages: the cockpit's form drafts a report for one client
//! person; `/reports/{id}` previews it as that reader will read it (shaped
//! by their style and level of detail), takes the PM's own words, offers
//! the Markdown, HTML and PDF, and sends it by e-mail — or records that
//! the PM sent it themselves. A queued, sent or failed report shows its
//! state, and a failure its error.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use rapport_core::ids::{PersonId, ProjectId};
use rapport_report::StatusReport;
use rapport_store::ReportState;
use serde::Deserialize;

use super::Nav;
use crate::auth::{CurrentUser, ProjectAccessOf};
use crate::error::{ApiError, ApiPath, PageForm};
use crate::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "reports/show.html")]
pub struct ReportPage {
    pub nav: Nav,
    pub id: i64,
    pub project_id: i64,
    pub project: String,
    pub recipient: String,
    pub recipient_id: i64,
    pub email: String,
    pub state: &'static str,
    pub draft: bool,
    /// What happened to it, in a sentence.
    pub standing: String,
    pub failed: bool,
    pub report: StatusReport,
    pub pm_words: String,
    pub mail_ready: bool,
    /// Why the report may not go yet: the client rep has not been told.
    pub rep_warning: String,
    pub notice: Option<&'static str>,
    pub error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ReportQuery {
    pub done: Option<String>,
}

/// A report, previewed as its reader will read it.
#[utoipa::path(get, path = "/reports/{id}", tag = "pages",
    params(("id" = i64, Path, description = "report id"), ("done" = Option<String>, Query, description = "what was just done")),
    responses((status = 200, description = "the report", content_type = "text/html")))]
pub async fn show(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    Query(query): Query<ReportQuery>,
) -> Result<ReportPage, ApiError> {
    let notice = match query.done.as_deref() {
        Some("words") => Some("Your words are in the report."),
        Some("queued") => Some("Queued: the report goes out as soon as the mail server takes it."),
        Some("by-hand") => Some(
            "Recorded as sent by you: the e-mail is on the timeline and its news counts as told.",
        ),
        _ => None,
    };
    page(&state, &current, id, notice, None).await
}

/// The report page, with a notice or a refusal.
async fn page(
    state: &AppState,
    current: &CurrentUser,
    id: i64,
    notice: Option<&'static str>,
    error: Option<String>,
) -> Result<ReportPage, ApiError> {
    let store = &state.store;
    let report = store.report(id).await?;
    let project = store.project(report.project_id).await?;
    let recipient = store.person(report.recipient_id).await?;
    let (model, _) = crate::reporting::compose(state, &report, &current.user.name).await?;
    let at = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map_or_else(String::new, |t| t.format("%Y-%m-%d %H:%M UTC").to_string())
    };
    let standing = match report.state {
        ReportState::Draft => {
            "A draft, written from today's figures: what you see is what will be sent.".to_string()
        }
        ReportState::Queued => format!(
            "Queued for e-mail at {}; it shows as sent once the mail server accepts it.",
            at(report.queued_at)
        ),
        ReportState::Sending => {
            "Being handed to the mail server now; it shows as sent once the server accepts it."
                .to_string()
        }
        ReportState::Sent if report.message_id.as_deref().is_some_and(|m| !m.is_empty()) => {
            format!(
                "Sent by e-mail on {} (the mail server accepted it; Message-ID {}).",
                at(report.sent_at),
                report.message_id.clone().unwrap_or_default()
            )
        }
        ReportState::Sent => format!("Recorded as sent by you on {}.", at(report.sent_at)),
        ReportState::Failed => format!(
            "Not sent: {} attempt{} failed; the last said: {}. {}",
            report.attempts,
            if report.attempts == 1 { "" } else { "s" },
            report.last_error.clone().unwrap_or_default(),
            match report.next_attempt_at {
                Some(t) => format!(
                    "Rapport tries again at {}; or send it again now.",
                    at(Some(t))
                ),
                None => "Send it again once the mail server is back.".into(),
            }
        ),
    };
    let rep_warning = if report.state == ReportState::Draft {
        match crate::reporting::rep_told_first(state, &report).await {
            Err(ApiError::Conflict(why)) => format!("Not yet: {why}."),
            _ => String::new(),
        }
    } else {
        String::new()
    };
    Ok(ReportPage {
        rep_warning,
        nav: Nav::of(current),
        id,
        project_id: project.id.get(),
        project: project.name.clone(),
        recipient: recipient.name.clone(),
        recipient_id: recipient.id.get(),
        email: recipient.email.clone().unwrap_or_default(),
        state: report.state.as_str(),
        draft: report.state == ReportState::Draft,
        failed: report.state == ReportState::Failed,
        standing,
        report: model,
        pm_words: report.pm_words.clone().unwrap_or_default(),
        mail_ready: state.mail.is_some(),
        notice,
        error,
    })
}

#[derive(Debug, Deserialize)]
pub struct NewReportForm {
    #[serde(default)]
    pub recipient_id: String,
}

/// Drafts a report for one client person, and opens its preview.
#[utoipa::path(post, path = "/projects/{id}/reports", tag = "pages",
    params(("id" = i64, Path, description = "project id")),
    responses((status = 303, description = "to the draft's preview")))]
pub async fn create(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    Extension(ProjectAccessOf(access)): Extension<ProjectAccessOf>,
    PageForm(form): PageForm<NewReportForm>,
) -> Result<Response, ApiError> {
    let refused = |why: String| {
        let (state, current) = (&state, &current);
        async move {
            let page =
                super::cockpit::page(state, current, id, access, None, Some(why), None).await?;
            Ok::<Response, ApiError>((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    };
    let Ok(recipient) = form.recipient_id.trim().parse::<i64>() else {
        return refused("No report was made: choose who it is for.".into()).await;
    };
    match state
        .store
        .create_report(
            state.clock.now(),
            &current.actor(),
            ProjectId::new(id),
            PersonId::new(recipient),
            None,
        )
        .await
    {
        Ok(report) => Ok(Redirect::to(&format!("/reports/{}", report.id)).into_response()),
        Err(rapport_store::StoreError::Invalid(e)) => {
            refused(format!("No report was made. {e}")).await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct WordsForm {
    #[serde(default)]
    pub pm_words: String,
}

/// Back to the report with what happened; or, refused, the report again
/// with why (shown, never passed through the address).
async fn back(
    state: &AppState,
    current: &CurrentUser,
    id: i64,
    outcome: Result<&str, String>,
) -> Result<Response, ApiError> {
    match outcome {
        Ok(done) => Ok(Redirect::to(&format!("/reports/{id}?done={done}")).into_response()),
        Err(why) => {
            let page = page(state, current, id, None, Some(why)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// Puts the PM's own words at the head of a draft.
#[utoipa::path(post, path = "/reports/{id}/words", tag = "pages",
    params(("id" = i64, Path, description = "report id")),
    responses((status = 303, description = "back to the preview")))]
pub async fn words(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    PageForm(form): PageForm<WordsForm>,
) -> Result<Response, ApiError> {
    let words = match crate::api::reports::words_text(Some(&form.pm_words)) {
        Ok(words) => words,
        Err(ApiError::Unprocessable { message, .. }) => {
            let why = format!("Your words were not saved: {message}");
            return back(&state, &current, id, Err(why)).await;
        }
        Err(other) => return Err(other),
    };
    match state.store.set_report_words(id, words.as_deref()).await {
        Ok(_) => back(&state, &current, id, Ok("words")).await,
        Err(rapport_store::StoreError::Conflict(e)) => back(&state, &current, id, Err(e)).await,
        Err(other) => Err(other.into()),
    }
}

/// Sends the report by e-mail (or again, after a failure).
#[utoipa::path(post, path = "/reports/{id}/send", tag = "pages",
    params(("id" = i64, Path, description = "report id")),
    responses((status = 303, description = "back to the report")))]
pub async fn send(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    let report = state.store.report(id).await?;
    let outcome = if report.state == ReportState::Failed {
        state
            .store
            .retry_report(state.clock.now(), &current.actor(), id)
            .await
            .map_err(ApiError::from)
    } else {
        crate::reporting::queue(
            &state,
            &report,
            current.user.person_id,
            &current.user.name,
            &current.actor(),
        )
        .await
    };
    state.mail_queued.notify_one();
    match outcome {
        Ok(_) => back(&state, &current, id, Ok("queued")).await,
        Err(ApiError::Conflict(e)) => back(&state, &current, id, Err(e)).await,
        Err(ApiError::Unprocessable { message, .. }) => {
            back(&state, &current, id, Err(message)).await
        }
        Err(other) => Err(other),
    }
}

/// Records that the PM sent the report themselves.
#[utoipa::path(post, path = "/reports/{id}/sent-by-hand", tag = "pages",
    params(("id" = i64, Path, description = "report id")),
    responses((status = 303, description = "back to the report")))]
pub async fn sent_by_hand(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    let report = state.store.report(id).await?;
    if !matches!(report.state, ReportState::Draft | ReportState::Failed) {
        return back(
            &state,
            &current,
            id,
            Err("Only a draft or a failed report can be recorded as sent by hand.".into()),
        )
        .await;
    }
    match crate::reporting::sent_by_hand(
        &state,
        &report,
        current.user.person_id,
        &current.user.name,
        &current.actor(),
    )
    .await
    {
        Ok(_) => back(&state, &current, id, Ok("by-hand")).await,
        Err(ApiError::Conflict(e)) => back(&state, &current, id, Err(e)).await,
        Err(other) => Err(other),
    }
}

/// A report as the cockpit lists it.
pub struct ReportLine {
    pub id: i64,
    pub recipient: String,
    pub state: &'static str,
    pub when: String,
    pub error: String,
}

/// The cockpit's reports panel: who can be written to, and the reports.
pub struct ReportsPanel {
    /// The client people of the project: (id, "Dana Whitfield (client rep, Analytical)").
    pub readers: Vec<(i64, String)>,
    pub reports: Vec<ReportLine>,
}

/// Builds the panel for a project from its reports, the people they and
/// the project name, and the profiles of those placed.
pub fn panel(
    project: &rapport_store::Project,
    reports: &[rapport_store::Report],
    people: &[rapport_store::Person],
    profiles: &std::collections::HashMap<PersonId, rapport_store::Profile>,
) -> ReportsPanel {
    let name = |id: PersonId| {
        people
            .iter()
            .find(|p| p.id == id)
            .map_or_else(|| format!("person {id}"), |p| p.name.clone())
    };
    let mut readers: Vec<(i64, String)> = Vec::new();
    for id in std::iter::once(project.client_rep_id)
        .chain(project.stakeholders.iter().map(|s| s.person_id))
    {
        let Some(p) = people.iter().find(|p| p.id == id) else {
            continue;
        };
        if p.side != rapport_core::domain::Side::Client
            || readers.iter().any(|(r, _)| *r == id.get())
        {
            continue;
        }
        let role = if id == project.client_rep_id {
            "client rep".to_string()
        } else {
            project
                .stakeholders
                .iter()
                .find(|s| s.person_id == id)
                .map_or_else(String::new, |s| s.role.clone())
        };
        let style = profiles
            .get(&id)
            .map_or("not placed yet", |pr| pr.profile.style().label());
        readers.push((id.get(), format!("{} ({role}, {style})", p.name)));
    }
    let at = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map_or_else(String::new, |t| t.format("%Y-%m-%d").to_string())
    };
    ReportsPanel {
        readers,
        reports: reports
            .iter()
            .map(|r| ReportLine {
                id: r.id,
                recipient: name(r.recipient_id),
                state: r.state.as_str(),
                when: match r.state {
                    ReportState::Draft => format!("drafted {}", at(Some(r.created_at))),
                    ReportState::Queued => format!("queued {}", at(r.queued_at)),
                    ReportState::Sending => "being sent".to_string(),
                    ReportState::Sent => format!("sent {}", at(r.sent_at)),
                    ReportState::Failed => format!(
                        "not sent after {} attempt{}",
                        r.attempts,
                        if r.attempts == 1 { "" } else { "s" }
                    ),
                },
                error: r
                    .last_error
                    .clone()
                    .filter(|_| r.state == ReportState::Failed)
                    .unwrap_or_default(),
            })
            .collect(),
    }
}
