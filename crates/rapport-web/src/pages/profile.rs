//! `/people/{id}/profile`: placing a person on the behaviour grid — the
//! observation questionnaire (or the style named directly, by someone who
//! knows them well) and how they like to be kept informed. Each save is a
//! new assessment; the person's page shows the latest and the advice that
//! follows from it.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use rapport_core::domain::{InteractionKind, ValidationErrors};
use rapport_core::ids::PersonId;
use rapport_core::style::{DecisionStyle, DetailLevel, Style, QUESTIONNAIRE};

use super::Nav;
use crate::api::profiles::{profile_draft, ProfileBody};
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiPath, PageForm};
use crate::AppState;

/// One questionnaire item as the form shows it.
pub struct ItemRow {
    pub id: &'static str,
    pub low: &'static str,
    pub high: &'static str,
    /// The answer chosen, "" when none.
    pub chosen: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "people/profile.html")]
pub struct ProfilePage {
    pub nav: Nav,
    pub id: i64,
    pub name: String,
    pub items: Vec<ItemRow>,
    /// `questionnaire` or `direct`.
    pub method: String,
    pub style: String,
    pub decision_style: String,
    pub wants: String,
    pub preferred_channel: String,
    pub contact_ideal_days: String,
    pub contact_max_days: String,
    pub report_cadence_days: String,
    pub detail_level: String,
    pub styles: Vec<(&'static str, &'static str)>,
    pub decisions: Vec<(&'static str, &'static str)>,
    pub channels: Vec<(&'static str, &'static str)>,
    pub details: Vec<(&'static str, &'static str)>,
    pub errors: Vec<(String, String)>,
}

impl ProfilePage {
    /// The error of one field, for the template.
    pub fn error(&self, field: &str) -> &str {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map_or("", |(_, m)| m.as_str())
    }
}

/// The form as typed (every field a string, so what was typed comes back).
type Typed = HashMap<String, String>;

fn page(
    nav: Nav,
    id: i64,
    name: String,
    typed: &Typed,
    errors: Vec<(String, String)>,
) -> ProfilePage {
    let get = |k: &str| typed.get(k).cloned().unwrap_or_default();
    ProfilePage {
        nav,
        id,
        name,
        items: QUESTIONNAIRE
            .iter()
            .map(|i| ItemRow {
                id: i.id,
                low: i.low,
                high: i.high,
                chosen: get(&format!("answer.{}", i.id)),
            })
            .collect(),
        method: Some(get("method"))
            .filter(|m| m == "direct")
            .unwrap_or_else(|| "questionnaire".into()),
        style: get("style"),
        decision_style: get("decision_style"),
        wants: get("wants"),
        preferred_channel: get("preferred_channel"),
        contact_ideal_days: get("contact_ideal_days"),
        contact_max_days: get("contact_max_days"),
        report_cadence_days: get("report_cadence_days"),
        detail_level: get("detail_level"),
        styles: [
            Style::Driver,
            Style::Expressive,
            Style::Amiable,
            Style::Analytical,
        ]
        .iter()
        .map(|s| (s.as_str(), s.label()))
        .collect(),
        decisions: DecisionStyle::ALL
            .iter()
            .map(|d| (d.as_str(), d.label()))
            .collect(),
        channels: InteractionKind::ALL
            .iter()
            .map(|k| (k.as_str(), channel_label(*k)))
            .collect(),
        details: DetailLevel::ALL
            .iter()
            .map(|d| (d.as_str(), detail_label(*d)))
            .collect(),
        errors,
    }
}

pub fn channel_label(kind: InteractionKind) -> &'static str {
    match kind {
        InteractionKind::Meeting => "a meeting",
        InteractionKind::Call => "a call",
        InteractionKind::Email => "e-mail",
        InteractionKind::Visit => "a visit",
        InteractionKind::Message => "a message",
    }
}

pub fn detail_label(level: DetailLevel) -> &'static str {
    match level {
        DetailLevel::Headline => "the headline only",
        DetailLevel::Summary => "a summary",
        DetailLevel::Full => "the full detail, with the figures behind it",
    }
}

/// The form to place a person, filled with their current profile.
#[utoipa::path(get, path = "/people/{id}/profile", tag = "pages",
    params(("id" = i64, Path, description = "person id")),
    responses((status = 200, description = "the profile form", content_type = "text/html")))]
pub async fn form(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<ProfilePage, ApiError> {
    let person_id = PersonId::new(id);
    let person = state.store.person(person_id).await?;
    let mut typed = Typed::new();
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            typed.insert(k.to_string(), v);
        }
    };
    put(
        "contact_ideal_days",
        person.contact_ideal_days.map(|d| d.to_string()),
    );
    put(
        "contact_max_days",
        person.contact_max_days.map(|d| d.to_string()),
    );
    if let Some(current) = state.store.profile(person_id).await? {
        let p = &current.profile;
        match p.answers() {
            Some(answers) => {
                for (item, n) in answers.iter() {
                    put(&format!("answer.{item}"), Some(n.to_string()));
                }
            }
            None => {
                put("method", Some("direct".into()));
                put("style", Some(p.style().as_str().into()));
            }
        }
        put(
            "decision_style",
            p.decision_style().map(|d| d.as_str().into()),
        );
        put("wants", p.wants().map(Into::into));
        put(
            "preferred_channel",
            p.preferred_channel().map(|c| c.as_str().into()),
        );
        put(
            "report_cadence_days",
            p.report_cadence_days().map(|d| d.to_string()),
        );
        put("detail_level", p.detail_level().map(|d| d.as_str().into()));
    }
    Ok(page(Nav::of(&current), id, person.name, &typed, Vec::new()))
}

/// A whole number of days as typed, or an error for the field.
fn days(errors: &mut ValidationErrors, typed: &Typed, field: &str) -> Option<i64> {
    let text = typed
        .get(field)
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())?;
    text.parse()
        .map_err(|_| errors.add(field, format!("\"{text}\" is not a whole number of days")))
        .ok()
}

/// Saves a new assessment and goes back to the person's page.
#[utoipa::path(post, path = "/people/{id}/profile", tag = "pages",
    params(("id" = i64, Path, description = "person id")),
    responses((status = 303, description = "back to the person's page"),
        (status = 422, description = "the form again, each problem beside its field", content_type = "text/html")))]
pub async fn save(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    PageForm(typed): PageForm<Typed>,
) -> Result<Response, ApiError> {
    let mut errors = ValidationErrors::default();
    let some = |k: &str| {
        typed
            .get(k)
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
    };
    let direct = typed.get("method").map(String::as_str) == Some("direct");
    let mut answers = std::collections::BTreeMap::new();
    if !direct {
        for item in QUESTIONNAIRE {
            let field = format!("answer.{}", item.id);
            match some(&field).map(|t| t.parse::<i64>()) {
                Some(Ok(n)) => {
                    answers.insert(item.id.to_string(), n);
                }
                Some(Err(_)) => errors.add(&field, "choose 1 to 5".to_string()),
                None => {}
            }
        }
    }
    let body = ProfileBody {
        answers: (!direct).then_some(answers),
        style: if direct { some("style") } else { None },
        decision_style: some("decision_style"),
        wants: some("wants"),
        preferred_channel: some("preferred_channel"),
        contact_ideal_days: days(&mut errors, &typed, "contact_ideal_days"),
        contact_max_days: days(&mut errors, &typed, "contact_max_days"),
        report_cadence_days: days(&mut errors, &typed, "report_cadence_days"),
        detail_level: some("detail_level"),
    };
    let person_id = PersonId::new(id);
    match profile_draft(&body) {
        Ok(draft) if errors.is_empty() => {
            state
                .store
                .set_profile(
                    state.clock.now(),
                    &current.actor(),
                    person_id,
                    current.user.person_id,
                    &draft,
                )
                .await?;
            return Ok(Redirect::to(&format!("/people/{id}?done=profile#style")).into_response());
        }
        Ok(_) => {}
        Err(more) => errors.0.extend(more.0),
    }
    let person = state.store.person(person_id).await?;
    let fields = errors
        .0
        .into_iter()
        .map(|e| {
            // No style chosen with "named directly" is the style field's
            // problem; a missing answer is its item's.
            if e.field == "answers" && direct {
                return (
                    "style".to_string(),
                    "choose the style, or place them with the questionnaire".to_string(),
                );
            }
            (e.field.replacen("answers.", "answer.", 1), e.message)
        })
        .collect();
    let page = page(Nav::of(&current), id, person.name, &typed, fields);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
