//! `/projects/{id}/interactions/new`: record a conversation as it happens
//! — the date, the kind, who took part, what was said — and in the same
//! form the follow-up questions raised and the promises made. One
//! transaction (the store's capture); on success back to the cockpit, on a
//! refusal the form again with every value kept and each error beside its
//! field.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use rapport_core::domain::{CaptureDraft, CommitmentDraft, InteractionDraft, QuestionDraft};
use rapport_core::ids::{PersonId, ProjectId};

use super::Nav;
use crate::api::wire::parse_iso_date;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiPath, PageForm};
use crate::AppState;

/// Blank rows for questions and for commitments: enough for a call; more
/// through the API.
const ROWS: usize = 3;

pub struct PersonOption {
    pub id: i64,
    pub label: String,
    pub checked: bool,
}

#[derive(Default, Clone)]
pub struct QuestionInput {
    pub question: String,
    pub asked_of_id: String,
    pub error: String,
}

#[derive(Default, Clone)]
pub struct CommitmentInput {
    pub promised_by_id: String,
    pub promised_to_id: String,
    pub description: String,
    pub due_on: String,
    pub error: String,
}

/// An open item of news the conversation may have told.
pub struct NewsOption {
    pub id: i64,
    pub message: String,
    pub deadline: String,
    pub critical: bool,
    pub checked: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "projects/capture.html")]
pub struct CapturePage {
    pub nav: Nav,
    pub id: i64,
    pub project: String,
    pub people: Vec<PersonOption>,
    pub occurred_on: String,
    pub kind: String,
    pub summary: String,
    pub notes: String,
    pub questions: Vec<QuestionInput>,
    pub commitments: Vec<CommitmentInput>,
    /// Errors by field name (`summary`, `participant_ids`, …).
    pub errors: Vec<(String, String)>,
    pub kinds: &'static [(&'static str, &'static str)],
    /// The project's open news, to tick what this conversation told.
    pub news: Vec<NewsOption>,
}

impl CapturePage {
    /// The error of one field, for the template.
    pub fn error(&self, field: &str) -> &str {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map_or("", |(_, m)| m.as_str())
    }
}

pub const KINDS: [(&str, &str); 5] = [
    ("call", "Call"),
    ("meeting", "Meeting"),
    ("email", "E-mail"),
    ("visit", "Visit"),
    ("message", "Message"),
];

/// The people a capture may name: the project's PM, client rep and
/// stakeholders, by name; with the project's name and its client rep.
async fn project_people(
    state: &AppState,
    id: i64,
    checked: &[i64],
) -> Result<(String, Vec<PersonOption>, i64), ApiError> {
    let project = state.store.project(ProjectId::new(id)).await?;
    let mut ids = vec![project.project_manager_id, project.client_rep_id];
    ids.extend(project.stakeholders.iter().map(|s| s.person_id));
    // Everyone of the client may be on a call, not only the stakeholders
    // (Today asks to call them); of the firm, the project's own people.
    let clients = state
        .store
        .people(
            rapport_store::Scope::Everything,
            Some(project.account_id),
            false,
        )
        .await?;
    ids.extend(clients.iter().map(|p| p.id));
    let people = state.store.people_named(&ids).await?;
    let role_of = |p: &rapport_store::Person| {
        let side = if p.side == rapport_core::domain::Side::Client {
            "client"
        } else {
            "firm"
        };
        let role = if p.id == project.project_manager_id {
            "project manager".to_string()
        } else if p.id == project.client_rep_id {
            "client rep".to_string()
        } else {
            project
                .stakeholders
                .iter()
                .find(|s| s.person_id == p.id)
                .map_or_else(|| p.title.clone().unwrap_or_default(), |s| s.role.clone())
        };
        if role.is_empty() {
            side.to_string()
        } else {
            format!("{side}, {role}")
        }
    };
    let options = people
        .into_iter()
        .map(|p| PersonOption {
            id: p.id.get(),
            label: format!("{} ({})", p.name, role_of(&p)),
            checked: checked.contains(&p.id.get()),
        })
        .collect();
    Ok((project.name, options, project.client_rep_id.get()))
}

/// The project's open news, ticked as given.
async fn open_news(state: &AppState, id: i64, ticked: &[i64]) -> Result<Vec<NewsOption>, ApiError> {
    Ok(state
        .store
        .news(ProjectId::new(id))
        .await?
        .into_iter()
        .filter(|n| n.state == rapport_core::disclosure::NewsState::Open)
        .map(|n| NewsOption {
            id: n.id,
            message: n.message,
            deadline: n.deadline.to_string(),
            critical: n.severity == rapport_core::disclosure::Severity::Critical,
            checked: ticked.contains(&n.id),
        })
        .collect())
}

#[derive(Debug, serde::Deserialize)]
pub struct FormQuery {
    /// A person to tick as taking part (Today's link to call someone).
    pub with: Option<i64>,
    /// An item of news to tick as told (Today's link to tell it).
    pub tell: Option<i64>,
}

/// The form, empty but for today's date and the signed-in user ticked.
#[utoipa::path(get, path = "/projects/{id}/interactions/new", tag = "pages",
    params(("id" = i64, Path, description = "project id"), ("with" = Option<i64>, Query, description = "a person to tick as taking part"), ("tell" = Option<i64>, Query, description = "an item of news to tick as told")),
    responses((status = 200, description = "the capture form", content_type = "text/html")))]
pub async fn form(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    Query(query): Query<FormQuery>,
) -> Result<CapturePage, ApiError> {
    let me = current.user.person_id.get();
    // Today's "record a conversation" names the person to call.
    let mut ticked = vec![me];
    ticked.extend(query.with);
    let (project, people, rep) = project_people(&state, id, &ticked).await?;
    let news = open_news(&state, id, &query.tell.into_iter().collect::<Vec<_>>()).await?;
    Ok(CapturePage {
        news,
        nav: Nav::of(&current),
        id,
        project,
        people,
        occurred_on: state.clock.today().to_string(),
        kind: "call".into(),
        summary: String::new(),
        notes: String::new(),
        kinds: &KINDS,
        questions: vec![
            QuestionInput {
                asked_of_id: rep.to_string(),
                ..QuestionInput::default()
            };
            ROWS
        ],
        commitments: vec![
            CommitmentInput {
                promised_by_id: me.to_string(),
                promised_to_id: rep.to_string(),
                ..CommitmentInput::default()
            };
            ROWS
        ],
        errors: Vec::new(),
    })
}

/// The form's fields as posted (checkboxes and rows repeat their names).
struct Posted {
    occurred_on: String,
    kind: String,
    summary: String,
    notes: String,
    participants: Vec<String>,
    told: Vec<i64>,
    questions: Vec<QuestionInput>,
    commitments: Vec<CommitmentInput>,
}

fn posted(pairs: &[(String, String)]) -> Posted {
    let one = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map_or_else(String::new, |(_, v)| v.clone())
    };
    let all = |name: &str| -> Vec<String> {
        pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    };
    let nth = |list: &[String], k: usize| list.get(k).cloned().unwrap_or_default();
    let (q, qa) = (all("question"), all("asked_of_id"));
    let (by, to, what, due) = (
        all("promised_by_id"),
        all("promised_to_id"),
        all("description"),
        all("due_on"),
    );
    Posted {
        occurred_on: one("occurred_on"),
        kind: one("kind"),
        summary: one("summary"),
        notes: one("notes"),
        participants: all("participant_ids"),
        told: {
            let mut ids: Vec<i64> = all("told_news_ids")
                .iter()
                .filter_map(|t| t.trim().parse().ok())
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        },
        questions: (0..q.len().max(qa.len()))
            .map(|k| QuestionInput {
                question: nth(&q, k),
                asked_of_id: nth(&qa, k),
                error: String::new(),
            })
            .collect(),
        commitments: (0..what.len().max(due.len()))
            .map(|k| CommitmentInput {
                promised_by_id: nth(&by, k),
                promised_to_id: nth(&to, k),
                description: nth(&what, k),
                due_on: nth(&due, k),
                error: String::new(),
            })
            .collect(),
    }
}

fn person(text: &str) -> Option<PersonId> {
    text.trim().parse::<i64>().ok().map(PersonId::new)
}

/// The drafts, or every error keyed as the form shows it: a row's errors
/// on the row (`questions[1]`), the rest on their field.
/// The form rows each draft row came from, questions then commitments.
type Kept = (Vec<usize>, Vec<usize>);

fn drafts(p: &Posted) -> Result<(CaptureDraft, Kept), Vec<(String, String)>> {
    let mut errors = Vec::new();
    let occurred_on = match parse_iso_date(p.occurred_on.trim()) {
        Ok(d) => Some(d),
        Err(e) => {
            errors.push(("occurred_on".to_string(), e));
            None
        }
    };
    let on = occurred_on.unwrap_or(NaiveDate::MIN);
    let participants: Vec<PersonId> = p.participants.iter().filter_map(|t| person(t)).collect();
    if participants.len() != p.participants.len() {
        errors.push((
            "participant_ids".to_string(),
            "tick people from the list".into(),
        ));
    }
    let interaction = InteractionDraft::new(
        on,
        &p.kind,
        &p.summary,
        Some(p.notes.as_str()).filter(|n| !n.trim().is_empty()),
        &participants,
    );
    // Blank rows are left out; a half-filled row is an error on that row.
    let mut questions = Vec::new();
    for (k, q) in p.questions.iter().enumerate() {
        if q.question.trim().is_empty() {
            continue;
        }
        match person(&q.asked_of_id) {
            Some(who) => questions.push(QuestionDraft::new(&q.question, who, on)),
            None => errors.push((
                format!("questions[{k}]"),
                "say whom the question is asked of".into(),
            )),
        }
    }
    let mut commitments = Vec::new();
    for (k, c) in p.commitments.iter().enumerate() {
        if c.description.trim().is_empty() && c.due_on.trim().is_empty() {
            continue;
        }
        let due = parse_iso_date(c.due_on.trim());
        match (person(&c.promised_by_id), person(&c.promised_to_id), due) {
            (Some(by), Some(to), Ok(due)) => {
                commitments.push(CommitmentDraft::new(by, to, &c.description, due))
            }
            (_, _, Err(_)) => errors.push((
                format!("commitments[{k}]"),
                "give the date it is due".into(),
            )),
            _ => errors.push((
                format!("commitments[{k}]"),
                "say who promised it and to whom".into(),
            )),
        }
    }
    // Rows are numbered by position in the form; the draft numbers the
    // rows it kept, so map its places back to the form's.
    let kept_questions: Vec<usize> = p
        .questions
        .iter()
        .enumerate()
        .filter(|(_, q)| !q.question.trim().is_empty() && person(&q.asked_of_id).is_some())
        .map(|(k, _)| k)
        .collect();
    let kept_commitments: Vec<usize> = p
        .commitments
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            !(c.description.trim().is_empty() && c.due_on.trim().is_empty())
                && person(&c.promised_by_id).is_some()
                && person(&c.promised_to_id).is_some()
                && parse_iso_date(c.due_on.trim()).is_ok()
        })
        .map(|(k, _)| k)
        .collect();
    match CaptureDraft::new(interaction, questions, commitments) {
        Ok(draft) if errors.is_empty() => Ok((draft, (kept_questions, kept_commitments))),
        Ok(_) => Err(errors),
        Err(found) => {
            for e in found.0 {
                errors.push((
                    form_place(&e.field, &kept_questions, &kept_commitments),
                    e.message,
                ));
            }
            Err(errors)
        }
    }
}

/// `questions[0].question` of the draft as the form row it came from
/// (`questions[2]`); other fields as they are (`participant_ids[1]` is the
/// participants' list).
fn form_place(field: &str, questions: &[usize], commitments: &[usize]) -> String {
    for (list, rows) in [("questions", questions), ("commitments", commitments)] {
        if let Some(rest) = field.strip_prefix(&format!("{list}[")) {
            if let Some(k) = rest.split(']').next().and_then(|n| n.parse::<usize>().ok()) {
                return format!("{list}[{}]", rows.get(k).copied().unwrap_or(k));
            }
        }
    }
    field.split('[').next().unwrap_or(field).to_string()
}

/// Records the conversation, or shows the form again with what was wrong.
#[utoipa::path(post, path = "/projects/{id}/interactions", tag = "pages",
    params(("id" = i64, Path, description = "project id")),
    responses((status = 303, description = "recorded: back to the cockpit"), (status = 422, description = "the form again, with each error beside its field", content_type = "text/html")))]
pub async fn submit(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let p = posted(&pairs);
    let result = match drafts(&p) {
        Ok((draft, (kept_questions, kept_commitments))) => state
            .store
            .capture_interaction(
                state.clock.now(),
                &current.actor(),
                ProjectId::new(id),
                &draft,
                &p.told,
            )
            .await
            .map_err(|e| match e {
                rapport_store::StoreError::Invalid(found) => Ok(found
                    .0
                    .into_iter()
                    .map(|f| {
                        (
                            form_place(&f.field, &kept_questions, &kept_commitments),
                            f.message,
                        )
                    })
                    .collect::<Vec<_>>()),
                other => Err(ApiError::from(other)),
            }),
        Err(errors) => Err(Ok(errors)),
    };
    let errors = match result {
        Ok(_) => return Ok(Redirect::to(&format!("/projects/{id}?done=captured")).into_response()),
        Err(Err(e)) => return Err(e),
        Err(Ok(errors)) => errors,
    };
    let checked: Vec<i64> = p
        .participants
        .iter()
        .filter_map(|t| t.trim().parse().ok())
        .collect();
    let (project, people, _) = project_people(&state, id, &checked).await?;
    let mut questions = p.questions.clone();
    questions.resize(questions.len().max(ROWS), QuestionInput::default());
    let mut commitments = p.commitments.clone();
    commitments.resize(commitments.len().max(ROWS), CommitmentInput::default());
    for (field, message) in &errors {
        if let Some(k) = row_of(field, "questions") {
            if let Some(q) = questions.get_mut(k) {
                q.error = message.clone();
            }
        }
        if let Some(k) = row_of(field, "commitments") {
            if let Some(c) = commitments.get_mut(k) {
                c.error = message.clone();
            }
        }
    }
    let news = open_news(&state, id, &p.told).await?;
    let page = CapturePage {
        news,
        nav: Nav::of(&current),
        id,
        project,
        people,
        occurred_on: p.occurred_on,
        kind: p.kind,
        summary: p.summary,
        notes: p.notes,
        questions,
        commitments,
        errors,
        kinds: &KINDS,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

fn row_of(field: &str, list: &str) -> Option<usize> {
    field
        .strip_prefix(&format!("{list}["))?
        .split(']')
        .next()?
        .parse()
        .ok()
}
