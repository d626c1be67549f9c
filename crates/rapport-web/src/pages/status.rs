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
use rapport_core::domain::{status_doubts, Currency, StatusDoubt, StatusDraft, ValidationErrors};
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
    /// Each field's error, shown beside it: (field, message).
    pub fields: Vec<(String, String)>,
    /// The drops found, in sentences; the form then offers to record anyway.
    pub warning: Option<String>,
}

/// An amount as a PM types it: digits with an optional decimal point, and
/// thousands grouped by commas, spaces or underscores if they like
/// (`125000`, `125,000.50`, `1 250 000`). Anything else is refused rather
/// than guessed: `12,5` could be twelve and a half or a slip for 125, and
/// `350.000,00` is a European 350,000 that must not become 350.
pub(crate) fn parse_amount(text: &str) -> Result<f64, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("is required".into());
    }
    let example = "write it as 125000, 125,000 or 125,000.50 (a point before the cents)";
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let separator = whole
        .chars()
        .find(|c| matches!(c, ',' | ' ' | '_' | '\u{a0}'));
    let groups: Vec<&str> = match separator {
        Some(sep) => whole.split(sep).collect(),
        None => vec![whole],
    };
    let grouped_well = groups.iter().enumerate().all(|(i, g)| {
        g.chars().all(|c| c.is_ascii_digit())
            && if i == 0 {
                (1..=3).contains(&g.len()) || groups.len() == 1 && !g.is_empty()
            } else {
                g.len() == 3
            }
    });
    let fraction_ok =
        fraction.is_none_or(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_digit()));
    if !grouped_well || !fraction_ok {
        return Err(format!("“{text}” is not an amount: {example}"));
    }
    let plain = format!(
        "{sign}{}{}",
        groups.concat(),
        fraction.map(|f| format!(".{f}")).unwrap_or_default()
    );
    plain
        .parse::<f64>()
        .map_err(|_| format!("“{text}” is not an amount: {example}"))
}

fn amount(errors: &mut ValidationErrors, currency: &Currency, field: &str, text: &str) -> i64 {
    match parse_amount(text) {
        Ok(units) => minor(errors, currency, field, units),
        Err(message) => {
            errors.add(field, message);
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
        return refused(&state, &current, id, access, form, errors).await;
    };

    let existing = state
        .store
        .status_records(project_id, false)
        .await?
        .iter()
        .map(|r| r.draft())
        .collect::<Result<Vec<_>, _>>()?;
    // Exact to the minor unit when there are cents: "USD 420,000.01 is
    // more than the budget USD 420,000" must not read as two equal sums.
    let amount = |m: i64| {
        let scale = 10i64.pow(currency.minor_digits());
        let (whole, cents) = (m / scale, (m % scale).abs());
        let whole = money(whole as f64, currency.code());
        if cents == 0 {
            whole
        } else {
            format!(
                "{whole}.{cents:0width$}",
                width = currency.minor_digits() as usize
            )
        }
    };
    let doubts = status_doubts(
        project.baseline.bac_minor(),
        &existing,
        &draft,
        state.clock.today(),
    );
    let words = |impossible: bool| -> Vec<String> {
        doubts
            .iter()
            .filter(|d| d.is_impossible() == impossible)
            .map(|d| match d {
                StatusDoubt::AboveBudget { ev_minor, bac_minor } => format!(
                    "Earned value {} is more than the budget {}: earned value is the budgeted cost of the \
                     work done, so it cannot exceed the budget. Check the figure, or change the baseline first.",
                    amount(*ev_minor),
                    amount(*bac_minor)
                ),
                StatusDoubt::Drop(d) => format!(
                    "{} {} is {} the {} recorded on {}.",
                    label(d.field),
                    amount(d.value_minor),
                    if d.other_is_later { "above" } else { "below" },
                    amount(d.other_minor),
                    d.other_date
                ),
                StatusDoubt::FutureDate { date, today } => format!(
                    "The status date {date} is in the future (today is {today}): a status records progress already made."
                ),
                StatusDoubt::EacBelowActual { eac_minor, ac_minor } => format!(
                    "Your EAC {} is below the {} already spent.",
                    amount(*eac_minor),
                    amount(*ac_minor)
                ),
            })
            .collect()
    };
    let impossible = words(true);
    if !impossible.is_empty() {
        return again(
            &state,
            &current,
            id,
            access,
            form,
            Some(impossible.join(" ")),
            None,
        )
        .await;
    }
    let doubtful = words(false);
    if !doubtful.is_empty() && form.confirm_drop.is_none() {
        let cumulative = if doubts.iter().any(|d| matches!(d, StatusDoubt::Drop(_))) {
            " Earned value and actual cost are cumulative (to date), so they normally only grow."
        } else {
            ""
        };
        let warning = format!(
            "{}{cumulative} Check the figures; if they are right (a correction of an earlier figure, say), \
             tick “the figures are right” and record them.",
            doubtful.join(" ")
        );
        return again(&state, &current, id, access, form, None, Some(warning)).await;
    }

    match state
        .store
        .create_status(state.clock.now(), &current.actor(), project_id, &draft)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}?done=status")).into_response()),
        Err(rapport_store::StoreError::Invalid(errors)) => {
            refused(&state, &current, id, access, form, errors).await
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

/// The cockpit again with the form as typed, each error beside its field.
async fn refused(
    state: &AppState,
    current: &CurrentUser,
    id: i64,
    access: ProjectAccessOf,
    form: StatusForm,
    errors: ValidationErrors,
) -> Result<Response, ApiError> {
    let fields = errors
        .0
        .into_iter()
        .map(|e| {
            let mut message = e.message;
            if let Some(first) = message.get(..1) {
                message = first.to_uppercase() + &message[1..];
            }
            (e.field, format!("{message}."))
        })
        .collect();
    show(
        state,
        current,
        id,
        access,
        StatusFormState {
            form,
            error: Some("Nothing was recorded: correct the fields marked below.".into()),
            fields,
            warning: None,
        },
    )
    .await
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
    show(
        state,
        current,
        id,
        access,
        StatusFormState {
            form,
            error,
            fields: Vec::new(),
            warning,
        },
    )
    .await
}

async fn show(
    state: &AppState,
    current: &CurrentUser,
    id: i64,
    access: ProjectAccessOf,
    typed: StatusFormState,
) -> Result<Response, ApiError> {
    let page = super::cockpit::page(state, current, id, access.0, None, None, Some(typed)).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

#[cfg(test)]
mod tests {
    use super::parse_amount;

    #[test]
    fn amounts_are_read_as_written_or_refused() {
        for (text, value) in [
            ("125000", 125_000.0),
            ("125,000", 125_000.0),
            ("125,000.50", 125_000.5),
            ("1 250 000", 1_250_000.0),
            ("1_250_000.5", 1_250_000.5),
            (" 42 ", 42.0),
            ("0.75", 0.75),
            ("-5", -5.0),
        ] {
            assert_eq!(parse_amount(text), Ok(value), "{text}");
        }
        for text in [
            "12,5",
            "12,50",
            ",5",
            "1,0000",
            "350.000,00",
            "360 000,50",
            "1e3",
            "inf",
            "NaN",
            "abc",
            "1.2.3",
            "12.",
            ".",
            "1,,000",
            "1, 000",
            "",
        ] {
            assert!(parse_amount(text).is_err(), "{text} was accepted");
        }
    }
}
