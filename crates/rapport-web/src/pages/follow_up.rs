//! The cockpit's follow-up forms: answer a question, confirm it was
//! understood, settle a commitment. Each posts, acts on a record of the
//! project in the path (another project's id is not found here) and
//! returns to the cockpit.

use axum::extract::State;
use axum::response::Redirect;
use rapport_core::domain::CommitmentState;
use rapport_core::ids::ProjectId;
use rapport_store::Resolution;
use serde::Deserialize;

use crate::api::wire::parse_iso_date;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiPath, PageForm};
use crate::AppState;

#[derive(Debug, Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    pub answer: String,
}

#[derive(Debug, Deserialize)]
pub struct ConfirmForm {}

#[derive(Debug, Deserialize)]
pub struct ResolveForm {
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub new_due_on: String,
    #[serde(default)]
    pub reason: String,
}

/// A question of this project, or not found.
async fn question_of(state: &AppState, id: i64, question: i64) -> Result<(), ApiError> {
    match state.store.question_project(question).await? {
        Some(p) if p == ProjectId::new(id) => Ok(()),
        _ => Err(ApiError::NotFound(format!(
            "no follow-up question {question} in project {id}"
        ))),
    }
}

/// Record (or revise) the answer to a question.
#[utoipa::path(post, path = "/projects/{id}/questions/{question_id}/answer", tag = "pages",
    params(("id" = i64, Path, description = "project id"), ("question_id" = i64, Path, description = "question id")),
    responses((status = 303, description = "back to the cockpit")))]
pub async fn answer(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath((id, question)): ApiPath<(i64, i64)>,
    PageForm(form): PageForm<AnswerForm>,
) -> Result<Redirect, ApiError> {
    question_of(&state, id, question).await?;
    state
        .store
        .answer_question(
            state.clock.now(),
            &current.actor(),
            question,
            &form.answer,
            state.clock.today(),
        )
        .await?;
    Ok(Redirect::to(&format!(
        "/projects/{id}?done=answered#questions"
    )))
}

/// Mark that the answer was understood and confirmed with the person.
#[utoipa::path(post, path = "/projects/{id}/questions/{question_id}/confirm", tag = "pages",
    params(("id" = i64, Path, description = "project id"), ("question_id" = i64, Path, description = "question id")),
    responses((status = 303, description = "back to the cockpit")))]
pub async fn confirm(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath((id, question)): ApiPath<(i64, i64)>,
    PageForm(_confirm): PageForm<ConfirmForm>,
) -> Result<Redirect, ApiError> {
    question_of(&state, id, question).await?;
    state
        .store
        .confirm_understanding(
            state.clock.now(),
            &current.actor(),
            question,
            state.clock.today(),
            &current.user.name,
        )
        .await?;
    Ok(Redirect::to(&format!(
        "/projects/{id}?done=confirmed#questions"
    )))
}

/// Mark a commitment kept, late or broken, or renegotiate it.
#[utoipa::path(post, path = "/projects/{id}/commitments/{commitment_id}/resolve", tag = "pages",
    params(("id" = i64, Path, description = "project id"), ("commitment_id" = i64, Path, description = "commitment id")),
    responses((status = 303, description = "back to the cockpit")))]
pub async fn resolve(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath((id, commitment)): ApiPath<(i64, i64)>,
    PageForm(form): PageForm<ResolveForm>,
) -> Result<Redirect, ApiError> {
    match state.store.commitment_project(commitment).await? {
        Some(p) if p == ProjectId::new(id) => {}
        _ => {
            return Err(ApiError::NotFound(format!(
                "no commitment {commitment} in project {id}"
            )))
        }
    }
    let to: CommitmentState = form
        .state
        .parse()
        .map_err(|e: String| ApiError::invalid_field("state", e))?;
    let new_due = match form.new_due_on.trim() {
        "" => None,
        text => Some(parse_iso_date(text).map_err(|e| ApiError::invalid_field("new_due_on", e))?),
    };
    state
        .store
        .settle_commitment(
            state.clock.now(),
            &current.actor(),
            commitment,
            &Resolution {
                state: to,
                on: state.clock.today(),
                new_due,
                reason: Some(form.reason.as_str()).filter(|r| !r.trim().is_empty()),
            },
        )
        .await?;
    Ok(Redirect::to(&format!(
        "/projects/{id}?done=resolved#commitments"
    )))
}
