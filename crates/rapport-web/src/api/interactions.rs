//! `/api/v1/projects/{id}/interactions`: what was said, captured whole —
//! a meeting, call, e-mail, visit or message, with the follow-up questions
//! raised and the commitments made in it, written in one transaction.

use axum::http::StatusCode;
use axum::{extract::State, Json};
use chrono::NaiveDate;
use rapport_core::domain::{CaptureDraft, CommitmentDraft, InteractionDraft, QuestionDraft};
use rapport_core::ids::{PersonId, ProjectId};
use rapport_store::{Captured, Interaction};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::commitments::CommitmentView;
use super::questions::QuestionView;
use crate::auth::CurrentUser;
use crate::error::{ApiJson, ApiPath, ApiQuery, ApiResult, ErrorBody};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaptureBody {
    #[serde(deserialize_with = "super::wire::iso_date")]
    #[schema(value_type = String, format = Date, example = "2026-11-26")]
    pub occurred_on: NaiveDate,
    /// `meeting`, `call`, `email`, `visit` or `message`.
    #[schema(pattern = "^(meeting|call|email|visit|message)$", example = "call")]
    pub kind: String,
    /// What was said, in a line.
    #[schema(min_length = 1, max_length = 500, pattern = r"\S")]
    pub summary: String,
    #[schema(max_length = 20000)]
    pub notes: Option<String>,
    /// Who took part (people of the firm or of the project's client).
    #[schema(min_items = 1, max_items = 100)]
    pub participant_ids: Vec<i64>,
    /// Follow-up questions raised, asked on the day of the interaction.
    #[serde(default)]
    #[schema(max_items = 50)]
    pub questions: Vec<QuestionBody>,
    /// Promises made: who promised what to whom, by when.
    #[serde(default)]
    #[schema(max_items = 50)]
    pub commitments: Vec<CommitmentBody>,
    /// Open items of the project's news to share that this conversation
    /// told the client rep (who must have taken part): each becomes told,
    /// and the figures told go into the ledger of what the client knows.
    #[serde(default)]
    #[schema(max_items = 50)]
    pub told_news_ids: Vec<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionBody {
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub question: String,
    pub asked_of_id: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitmentBody {
    pub promised_by_id: i64,
    pub promised_to_id: i64,
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub description: String,
    #[serde(deserialize_with = "super::wire::iso_date")]
    #[schema(value_type = String, format = Date, example = "2026-12-04")]
    pub due_on: NaiveDate,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InteractionView {
    pub id: i64,
    pub project_id: i64,
    pub occurred_on: NaiveDate,
    pub kind: String,
    pub summary: String,
    pub notes: Option<String>,
    pub participant_ids: Vec<i64>,
}

impl From<Interaction> for InteractionView {
    fn from(i: Interaction) -> Self {
        Self {
            id: i.id,
            project_id: i.project_id.get(),
            occurred_on: i.occurred_on,
            kind: i.kind.as_str().to_string(),
            summary: i.summary,
            notes: i.notes,
            participant_ids: i.participant_ids.iter().map(|p| p.get()).collect(),
        }
    }
}

/// What a capture wrote.
#[derive(Debug, Serialize, ToSchema)]
pub struct CapturedView {
    pub interaction: InteractionView,
    pub questions: Vec<QuestionView>,
    pub commitments: Vec<CommitmentView>,
}

/// One page of a project's interactions, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct InteractionPage {
    pub items: Vec<InteractionView>,
    /// Interactions in all, over every page.
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// At most this many (1–200; 50 when not given).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Skip this many of the newest first.
    #[param(minimum = 0, maximum = 1000000)]
    pub offset: Option<i64>,
}

/// The drafts of a capture, every field checked, each error in its place.
fn capture(body: &CaptureBody) -> Result<CaptureDraft, rapport_core::domain::ValidationErrors> {
    let participants: Vec<PersonId> = body
        .participant_ids
        .iter()
        .map(|id| PersonId::new(*id))
        .collect();
    let interaction = InteractionDraft::new(
        body.occurred_on,
        &body.kind,
        &body.summary,
        body.notes.as_deref(),
        &participants,
    );
    let questions = body
        .questions
        .iter()
        .map(|q| QuestionDraft::new(&q.question, PersonId::new(q.asked_of_id), body.occurred_on))
        .collect();
    let commitments = body
        .commitments
        .iter()
        .map(|c| {
            CommitmentDraft::new(
                PersonId::new(c.promised_by_id),
                PersonId::new(c.promised_to_id),
                &c.description,
                c.due_on,
            )
        })
        .collect();
    CaptureDraft::new(interaction, questions, commitments)
}

impl From<Captured> for CapturedView {
    fn from(c: Captured) -> Self {
        Self {
            interaction: c.interaction.into(),
            questions: c.questions.into_iter().map(QuestionView::from).collect(),
            commitments: c
                .commitments
                .into_iter()
                .map(CommitmentView::from)
                .collect(),
        }
    }
}

/// Capture an interaction with the questions raised and the commitments
/// made in it, all or nothing.
#[utoipa::path(post, path = "/api/v1/projects/{id}/interactions", tag = "relationship", request_body = CaptureBody,
    params(("id" = i64, Path, description = "project id")),
    responses((status = 201, body = CapturedView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<CaptureBody>,
) -> ApiResult<(StatusCode, Json<CapturedView>)> {
    let draft = capture(&body).map_err(crate::error::ApiError::invalid)?;
    let captured = state
        .store
        .capture_interaction(
            state.clock.now(),
            &current.actor(),
            ProjectId::new(id),
            &draft,
            &told_news_ids(&body)?,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(captured.into())))
}

/// The news told, at most 50 and each once.
fn told_news_ids(body: &CaptureBody) -> ApiResult<Vec<i64>> {
    if body.told_news_ids.len() > 50 {
        return Err(crate::error::ApiError::invalid_field(
            "told_news_ids",
            format!(
                "has {} entries; at most 50 are taken",
                body.told_news_ids.len()
            ),
        ));
    }
    let mut ids = body.told_news_ids.clone();
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// A project's interactions, newest first, a page at a time.
#[utoipa::path(get, path = "/api/v1/projects/{id}/interactions", tag = "relationship",
    params(("id" = i64, Path, description = "project id"), PageQuery),
    responses((status = 200, body = InteractionPage), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<InteractionPage>> {
    let limit = q.limit.unwrap_or(50);
    let offset = q.offset.unwrap_or(0);
    if !(1..=200).contains(&limit) {
        return Err(crate::error::ApiError::invalid_field(
            "limit",
            format!("{limit} is not between 1 and 200"),
        ));
    }
    if !(0..=1_000_000).contains(&offset) {
        return Err(crate::error::ApiError::invalid_field(
            "offset",
            format!("{offset} is not between 0 and 1,000,000"),
        ));
    }
    let (items, total) = state
        .store
        .interactions_page(ProjectId::new(id), limit, offset)
        .await?;
    Ok(Json(InteractionPage {
        items: items.into_iter().map(InteractionView::from).collect(),
        total,
        limit,
        offset,
    }))
}
