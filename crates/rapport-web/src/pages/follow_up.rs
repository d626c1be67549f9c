//! The cockpit's follow-up forms: answer a question, confirm it was
//! understood, settle a commitment. Each posts, acts on a record of the
//! project in the path (another project's id is not found here) and
//! returns to the cockpit.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use rapport_core::domain::CommitmentState;
use rapport_core::ids::ProjectId;
use rapport_store::Resolution;
use serde::Deserialize;

use crate::api::wire::parse_iso_date;
use crate::auth::{CurrentUser, ProjectAccessOf};
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

/// Where a form of the cockpit ends: back to it with a notice, or, when
/// the form was refused, the cockpit again with the reason at the top
/// (a refusal of access stays an error page).
async fn back(
    state: &AppState,
    current: &CurrentUser,
    id: i64,
    access: ProjectAccessOf,
    done: Result<&'static str, ApiError>,
) -> Result<Response, ApiError> {
    match done {
        Ok(what) => Ok(Redirect::to(&format!("/projects/{id}?done={what}")).into_response()),
        Err(ApiError::Unprocessable { message, fields }) => {
            let reason = if fields.is_empty() {
                message
            } else {
                fields
                    .iter()
                    .map(|f| {
                        let what = match f.field.as_str() {
                            "new_due_on" => "New due date",
                            "reason" => "Reason",
                            "answer" => "Answer",
                            "state" => "Outcome",
                            other => other,
                        };
                        format!("{what}: {}", f.message)
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let page = super::cockpit::page(
                state,
                current,
                id,
                access.0,
                None,
                Some(format!("Nothing was changed. {reason}")),
                None,
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other),
    }
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
    Extension(access): Extension<ProjectAccessOf>,
    PageForm(form): PageForm<ResolveForm>,
) -> Result<Response, ApiError> {
    match state.store.commitment_project(commitment).await? {
        Some(p) if p == ProjectId::new(id) => {}
        _ => {
            return Err(ApiError::NotFound(format!(
                "no commitment {commitment} in project {id}"
            )))
        }
    }
    let to = match form.state.parse::<CommitmentState>() {
        Ok(to) => to,
        Err(_) => {
            let refused = Err(ApiError::invalid_field(
                "state",
                "choose what became of the promise: kept, kept late, broken or renegotiated",
            ));
            return back(&state, &current, id, access, refused).await;
        }
    };
    let new_due = match form.new_due_on.trim() {
        "" => None,
        text => match parse_iso_date(text) {
            Ok(date) => Some(date),
            Err(e) => {
                let refused = Err(ApiError::invalid_field("new_due_on", e));
                return back(&state, &current, id, access, refused).await;
            }
        },
    };
    let done = state
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
        .await
        .map(|_| "resolved")
        .map_err(ApiError::from);
    back(&state, &current, id, access, done).await
}
