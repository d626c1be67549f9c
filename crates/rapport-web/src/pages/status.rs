//! The cockpit's status form: the project manager records earned value,
//! actual cost (both cumulative, to date), their own estimate at
//! completion and a comment for a status date. A figure below the one
//! recorded before it (or above the one after) is almost always a slip, so
//! the form comes back with a warning and records it only when the PM
//! confirms it corrects an earlier figure.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use rapport_core::domain::{cumulative_drops, Currency, StatusDraft, ValidationErrors};
use rapport_core::ids::ProjectId;
use serde::Deserialize;

use super::home::money;
use crate::api::projects::minor;
use crate::api::wire::parse_iso_date;
use crate::auth::{CurrentUser, ProjectAccessOf};
use crate::error::{ApiError, ApiPath, PageForm};
use crate::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    pub status_date: String,
    #[serde(default)]
    pub ev: String,
    #[serde(default)]
    pub ac: String,
    #[serde(default)]
    pub eac: String,
    #[serde(default)]
    pub comment: String,
    /// Present when the PM confirmed a figure below an earlier one.
    #[serde(default)]
    pub confirm_drop: Option<String>,
}

/// The form as the cockpit shows it again: what was typed, and why it was
/// not recorded.
#[derive(Debug, Default)]
pub struct StatusFormState {
    pub form: StatusForm,
    pub error: Option<String>,
    /// The drops found, in sentences; the form then offers to record anyway.
    pub warning: Option<String>,
}

/// An amount as typed: digits with an optional decimal point, thousands
/// separated by commas, spaces or underscores if the PM likes.
fn amount(errors: &mut ValidationErrors, currency: &Currency, field: &str, text: &str) -> i64 {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '_' | ' ' | '\u{a0}'))
        .collect();
    match cleaned.parse::<f64>() {
        Ok(units) if units.is_finite() => minor(errors, currency, field, units),
        _ => {
            errors.add(
                field,
                format!(
                    "“{}” is not an amount: write it as 125000 or 125,000.50",
                    text.trim()
                ),
            );
            0
        }
    }
}

fn label(field: &str) -> &str {
    match field {
        "status_date" => "Status date",
        "ev" => "Earned value",
        "ac" => "Actual cost",
        "eac" => "Your EAC",
        "comment" => "Comment",
        other => other,
    }
}

/// Record a status from the cockpit.
#[utoipa::path(post, path = "/projects/{id}/status", tag = "pages",
    params(("id" = i64, Path, description = "project id")),
    responses((status = 303, description = "recorded: back to the cockpit"),
        (status = 422, description = "the cockpit again, with what to correct or confirm", content_type = "text/html")))]
pub async fn record(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    Extension(access): Extension<ProjectAccessOf>,
    PageForm(form): PageForm<StatusForm>,
) -> Result<Response, ApiError> {
    let project_id = ProjectId::new(id);
    let project = state.store.project(project_id).await?;
    let currency = project.baseline.currency().clone();
    let mut errors = ValidationErrors::default();
    let date = match parse_iso_date(form.status_date.trim()) {
        Ok(date) => Some(date),
        Err(e) => {
            errors.add("status_date", e);
            None
        }
    };
    let ev = amount(&mut errors, &currency, "ev", &form.ev);
    let ac = amount(&mut errors, &currency, "ac", &form.ac);
    let eac = match form.eac.trim() {
        "" => None,
        text => Some(amount(&mut errors, &currency, "eac", text)),
    };
    let comment = Some(form.comment.trim()).filter(|c| !c.is_empty());
    let draft = match date.map(|d| StatusDraft::new(d, ev, ac, eac, comment)) {
        Some(Ok(draft)) if errors.is_empty() => Some(draft),
        Some(Err(more)) => {
            errors.0.extend(more.0);
            None
        }
        _ => None,
    };
    let Some(draft) = draft else {
        let error = errors
            .0
            .iter()
            .map(|e| format!("{}: {}.", label(&e.field), e.message))
            .collect::<Vec<_>>()
            .join(" ");
        return again(&state, &current, id, access, form, Some(error), None).await;
    };

    if form.confirm_drop.is_none() {
        let existing = state
            .store
            .status_records(project_id, false)
            .await?
            .iter()
            .map(|r| r.draft())
            .collect::<Result<Vec<_>, _>>()?;
        let drops = cumulative_drops(&existing, &draft);
        if !drops.is_empty() {
            let words: Vec<String> = drops
                .iter()
                .map(|d| {
                    let amount = |m: i64| money(currency.to_units(m), currency.code());
                    format!(
                        "{} {} is {} the {} recorded on {}.",
                        label(d.field),
                        amount(d.value_minor),
                        if d.other_is_later { "above" } else { "below" },
                        amount(d.other_minor),
                        d.other_date
                    )
                })
                .collect();
            let warning = format!(
                "{} Earned value and actual cost are cumulative (to date), so they normally only grow. \
                 Check the figures; if this corrects an earlier one, tick “it corrects an earlier figure” and record it.",
                words.join(" ")
            );
            return again(&state, &current, id, access, form, None, Some(warning)).await;
        }
    }

    match state
        .store
        .create_status(state.clock.now(), &current.actor(), project_id, &draft)
        .await
    {
        Ok(_) => {
            Ok(Redirect::to(&format!("/projects/{id}?done=status#status-records")).into_response())
        }
        Err(rapport_store::StoreError::Conflict(message)) => {
            let error = format!(
                "{message}. To change that record, correct it through the API (PUT /api/v1/projects/{id}/status/…)."
            );
            again(&state, &current, id, access, form, Some(error), None).await
        }
        Err(other) => Err(other.into()),
    }
}

/// The cockpit again with the form as typed and what to do about it.
async fn again(
    state: &AppState,
    current: &CurrentUser,
    id: i64,
    access: ProjectAccessOf,
    form: StatusForm,
    error: Option<String>,
    warning: Option<String>,
) -> Result<Response, ApiError> {
    let page = super::cockpit::page(
        state,
        current,
        id,
        access.0,
        None,
        None,
        Some(StatusFormState {
            form,
            error,
            warning,
        }),
    )
    .await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
