//! Status reports: drafted for one client person from live data, shaped
//! for their style and level of detail (every open or recent item of news
//! included whatever the form), read as HTML, Markdown or PDF, and sent by
//! e-mail through the outbox. `state` says where a report is: `draft`,
//! `queued`, `sent` (the SMTP server accepted it), or `failed` (with the
//! last error; retried with backoff, or at once by sending again).

use axum::body::Body;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{extract::State, Json};
use chrono::{DateTime, Utc};
use rapport_core::ids::{PersonId, ProjectId};
use rapport_store::{Report, ReportState};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, ApiResult, ErrorBody};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(read, words))
        .routes(routes!(send))
        .routes(routes!(sent_by_hand))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportBody {
    /// The client person the report is for (of this project's client).
    pub recipient_id: i64,
    /// The PM's own words, placed first.
    #[schema(max_length = 5000)]
    pub pm_words: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WordsBody {
    #[schema(max_length = 5000)]
    pub pm_words: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportView {
    pub id: i64,
    pub project_id: i64,
    pub recipient_id: i64,
    /// `draft`, `queued`, `sent` or `failed`.
    pub state: String,
    pub pm_words: Option<String>,
    pub subject: Option<String>,
    /// Our Message-ID, once queued.
    pub message_id: Option<String>,
    pub attempts: i64,
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub queued_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    /// The e-mail, recorded as an interaction once sent.
    pub interaction_id: Option<i64>,
}

impl From<Report> for ReportView {
    fn from(r: Report) -> Self {
        Self {
            id: r.id,
            project_id: r.project_id.get(),
            recipient_id: r.recipient_id.get(),
            state: r.state.as_str().into(),
            pm_words: r.pm_words,
            subject: r.subject,
            message_id: r.message_id,
            attempts: r.attempts,
            next_attempt_at: r.next_attempt_at,
            last_error: r.last_error,
            created_by: r.created_by,
            created_at: r.created_at,
            queued_at: r.queued_at,
            sent_at: r.sent_at,
            interaction_id: r.interaction_id,
        }
    }
}

/// The words as kept: trimmed, empty as none, at most 5,000 characters,
/// no control characters but line breaks.
pub fn words_text(text: Option<&str>) -> ApiResult<Option<String>> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > 5000 {
        return Err(ApiError::invalid_field(
            "pm_words",
            "must be at most 5000 characters",
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(ApiError::invalid_field(
            "pm_words",
            "holds a control character (such as NUL or ESC); remove it",
        ));
    }
    Ok(Some(text.to_string()))
}

/// A project's reports, newest first.
#[utoipa::path(get, path = "/api/v1/projects/{id}/reports", tag = "reports",
    params(("id" = i64, Path, description = "project id")),
    responses((status = 200, body = [ReportView])))]
pub async fn list(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<ReportView>>> {
    let reports = state.store.reports(ProjectId::new(id)).await?;
    Ok(Json(reports.into_iter().map(ReportView::from).collect()))
}

/// Draft a report for one client person.
#[utoipa::path(post, path = "/api/v1/projects/{id}/reports", tag = "reports", request_body = ReportBody,
    params(("id" = i64, Path, description = "project id")),
    responses((status = 201, body = ReportView), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ReportBody>,
) -> ApiResult<(StatusCode, Json<ReportView>)> {
    let pm_words = words_text(body.pm_words.as_deref())?;
    let report = state
        .store
        .create_report(
            state.clock.now(),
            &current.actor(),
            ProjectId::new(id),
            PersonId::new(body.recipient_id),
            pm_words.as_deref(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(report.into())))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReadQuery {
    /// `json` (the report's state, the default), `html`, `md` or `pdf`:
    /// a draft is written from live data; a queued or sent report is what
    /// was sent.
    #[param(pattern = "^(json|html|md|pdf)$")]
    pub format: Option<String>,
}

/// A report: its state, or the document itself.
#[utoipa::path(get, path = "/api/v1/reports/{id}", tag = "reports", params(("id" = i64, Path, description = "report id"), ReadQuery),
    responses((status = 200, description = "the state as JSON, or the document as text/html, text/markdown or application/pdf",
            content((ReportView = "application/json"), (String = "text/html"), (String = "text/markdown"), (Vec<u8> = "application/pdf"))),
        (status = 400, body = ErrorBody, description = "an unknown format")))]
pub async fn read(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<ReadQuery>,
) -> ApiResult<Response> {
    let report = state.store.report(id).await?;
    let format = query.format.as_deref().unwrap_or("json");
    if format == "json" {
        return Ok(Json(ReportView::from(report)).into_response());
    }
    if !matches!(format, "html" | "md" | "pdf") {
        return Err(ApiError::BadRequest(format!(
            "format must be json, html, md or pdf, not \"{format}\""
        )));
    }
    let (content_type, bytes): (&str, Vec<u8>) = if report.state == ReportState::Draft {
        let (model, _) = crate::reporting::compose(&state, &report, &current.user.name).await?;
        match format {
            "html" => (
                "text/html; charset=utf-8",
                model
                    .html()
                    .map_err(|e| ApiError::Internal(e.to_string()))?
                    .into_bytes(),
            ),
            "md" => (
                "text/markdown; charset=utf-8",
                model.markdown().into_bytes(),
            ),
            _ => (
                "application/pdf",
                state
                    .heavy(move |_| model.pdf())
                    .await?
                    .map_err(|e| ApiError::Internal(e.to_string()))?,
            ),
        }
    } else {
        let docs = state.store.report_documents(id).await?;
        let missing =
            || ApiError::Internal(format!("report {id} was queued without its documents"));
        match format {
            "html" => (
                "text/html; charset=utf-8",
                docs.body_html.ok_or_else(missing)?.into_bytes(),
            ),
            "md" => (
                "text/markdown; charset=utf-8",
                docs.body_markdown.ok_or_else(missing)?.into_bytes(),
            ),
            _ => ("application/pdf", docs.pdf.ok_or_else(missing)?),
        }
    };
    Response::builder()
        .header(header::CONTENT_TYPE, content_type)
        .header(
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"report-{id}.{format}\""),
        )
        .body(Body::from(bytes))
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// Change a draft's words.
#[utoipa::path(put, path = "/api/v1/reports/{id}", tag = "reports", request_body = WordsBody,
    params(("id" = i64, Path, description = "report id")),
    responses((status = 200, body = ReportView), (status = 409, body = ErrorBody, description = "not a draft any more")))]
pub async fn words(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<WordsBody>,
) -> ApiResult<Json<ReportView>> {
    let pm_words = words_text(body.pm_words.as_deref())?;
    Ok(Json(
        state
            .store
            .set_report_words(id, pm_words.as_deref())
            .await?
            .into(),
    ))
}

/// Send the report by e-mail: it is written now, frozen, and queued; the
/// sender delivers it (see `state`). A failed report sent again is tried
/// at once.
#[utoipa::path(post, path = "/api/v1/reports/{id}/send", tag = "reports",
    params(("id" = i64, Path, description = "report id")),
    responses((status = 202, body = ReportView),
        (status = 409, body = ErrorBody, description = "e-mail is not set up, or the report was sent already"),
        (status = 422, body = ErrorBody, description = "the reader has no usable e-mail address")))]
pub async fn send(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<(StatusCode, Json<ReportView>)> {
    let report = state.store.report(id).await?;
    let queued = if report.state == ReportState::Failed {
        state
            .store
            .retry_report(state.clock.now(), &current.actor(), id)
            .await?
    } else {
        crate::reporting::queue(
            &state,
            &report,
            current.user.person_id,
            &current.user.name,
            &current.actor(),
        )
        .await?
    };
    state.mail_queued.notify_one();
    Ok((StatusCode::ACCEPTED, Json(queued.into())))
}

/// Record that you sent the report yourself (downloaded, e-mailed from
/// your own client or handed over): it is frozen as it stands, marked
/// sent, recorded as an e-mail with the reader, and its news told.
#[utoipa::path(post, path = "/api/v1/reports/{id}/sent-by-hand", tag = "reports",
    params(("id" = i64, Path, description = "report id")),
    responses((status = 200, body = ReportView), (status = 409, body = ErrorBody, description = "not a draft")))]
pub async fn sent_by_hand(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ReportView>> {
    let report = state.store.report(id).await?;
    if !matches!(report.state, ReportState::Draft | ReportState::Failed) {
        return Err(ApiError::Conflict(format!(
            "report {id} is {}; only a draft or a failed report can be recorded as sent by hand",
            report.state.as_str()
        )));
    }
    let sent = crate::reporting::sent_by_hand(
        &state,
        &report,
        current.user.person_id,
        &current.user.name,
        &current.actor(),
    )
    .await?;
    Ok(Json(sent.into()))
}
