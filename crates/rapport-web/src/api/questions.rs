//! Follow-up questions: listed under their project, answered and then
//! confirmed as understood at `/api/v1/questions/{id}/…` (the access rule
//! finds the question's project and applies its contributor rule).

use axum::{extract::State, Json};
use chrono::NaiveDate;
use rapport_core::domain::{open_for_days, QuestionState};
use rapport_core::ids::ProjectId;
use rapport_store::FollowUpQuestion;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, ApiResult, ErrorBody};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(answer))
        .routes(routes!(confirm))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionView {
    pub id: i64,
    pub project_id: i64,
    /// The interaction it was raised in, when raised in one.
    pub interaction_id: Option<i64>,
    pub question: String,
    pub asked_of_id: i64,
    pub asked_on: NaiveDate,
    pub answer: Option<String>,
    pub answered_on: Option<NaiveDate>,
    pub confirmed_on: Option<NaiveDate>,
    /// Who marked the understanding confirmed.
    pub confirmed_by: Option<String>,
    /// `open`, `answered` or `understanding_confirmed`.
    pub state: String,
}

impl From<FollowUpQuestion> for QuestionView {
    fn from(q: FollowUpQuestion) -> Self {
        Self {
            id: q.id,
            project_id: q.project_id.get(),
            interaction_id: q.interaction_id,
            question: q.question,
            asked_of_id: q.asked_of_id.get(),
            asked_on: q.asked_on,
            answer: q.answer,
            answered_on: q.answered_on,
            confirmed_on: q.confirmed_on,
            confirmed_by: q.confirmed_by,
            state: q.state.as_str().to_string(),
        }
    }
}

/// A question in a list, with how long it has waited.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListedQuestion {
    #[serde(flatten)]
    pub question: QuestionView,
    /// Days since it was asked, while not yet confirmed; null once
    /// understanding is confirmed.
    pub waiting_days: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct QuestionFilter {
    /// Only questions in this state: `open`, `answered` or
    /// `understanding_confirmed`.
    #[param(pattern = "^(open|answered|understanding_confirmed)$")]
    pub state: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerBody {
    #[schema(min_length = 1, max_length = 5000, pattern = r"\S")]
    pub answer: String,
    /// The day the answer came; today when not given.
    #[serde(default, deserialize_with = "super::wire::optional_iso_date")]
    #[schema(value_type = Option<String>, format = Date)]
    pub answered_on: Option<NaiveDate>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmBody {
    /// The day understanding was confirmed with the person; today when not
    /// given.
    #[serde(default, deserialize_with = "super::wire::optional_iso_date")]
    #[schema(value_type = Option<String>, format = Date)]
    pub confirmed_on: Option<NaiveDate>,
}

/// A project's follow-up questions, oldest first.
#[utoipa::path(get, path = "/api/v1/projects/{id}/questions", tag = "relationship",
    params(("id" = i64, Path, description = "project id"), QuestionFilter),
    responses((status = 200, body = [ListedQuestion]), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(filter): ApiQuery<QuestionFilter>,
) -> ApiResult<Json<Vec<ListedQuestion>>> {
    let wanted: Option<QuestionState> = filter
        .state
        .as_deref()
        .map(|s| {
            s.parse()
                .map_err(|e: String| ApiError::invalid_field("state", e))
        })
        .transpose()?;
    let today = state.clock.today();
    let questions = state.store.questions(ProjectId::new(id)).await?;
    Ok(Json(
        questions
            .into_iter()
            .filter(|q| wanted.is_none_or(|w| q.state == w))
            .map(|q| ListedQuestion {
                waiting_days: (q.state != QuestionState::UnderstandingConfirmed)
                    .then(|| open_for_days(q.asked_on, today)),
                question: q.into(),
            })
            .collect(),
    ))
}

/// Record the answer to a question (it may be revised until confirmed).
#[utoipa::path(post, path = "/api/v1/questions/{id}/answer", tag = "relationship", request_body = AnswerBody,
    params(("id" = i64, Path, description = "question id")),
    responses((status = 200, body = QuestionView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn answer(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<AnswerBody>,
) -> ApiResult<Json<QuestionView>> {
    let on = body.answered_on.unwrap_or_else(|| state.clock.today());
    let question = state
        .store
        .answer_question(state.clock.now(), &current.actor(), id, &body.answer, on)
        .await?;
    Ok(Json(question.into()))
}

/// Mark that the answer was understood and confirmed with the person.
#[utoipa::path(post, path = "/api/v1/questions/{id}/confirm", tag = "relationship", request_body = ConfirmBody,
    params(("id" = i64, Path, description = "question id")),
    responses((status = 200, body = QuestionView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn confirm(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ConfirmBody>,
) -> ApiResult<Json<QuestionView>> {
    let on = body.confirmed_on.unwrap_or_else(|| state.clock.today());
    let question = state
        .store
        .confirm_understanding(
            state.clock.now(),
            &current.actor(),
            id,
            on,
            &current.user.name,
        )
        .await?;
    Ok(Json(question.into()))
}
