//! `/today`: the page a project manager starts the day on — what to act on
//! now and this week across their projects, each entry with its reason and
//! a link to where to act. The entries are `rapport_core::agenda`'s, the
//! same as `GET /api/v1/today`.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use rapport_core::agenda::{agenda, EntryKind, Urgency};
use rapport_core::ids::ProjectId;

use super::Nav;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::AppState;

pub struct EntryRow {
    pub label: &'static str,
    pub reason: String,
    pub project: String,
    pub project_id: i64,
    /// The person the entry is about (a contact due), for a link to their
    /// page and timeline.
    pub person_id: Option<i64>,
    pub link: String,
    pub action: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "today/show.html")]
pub struct TodayPage {
    pub nav: Nav,
    pub today: String,
    pub now: Vec<EntryRow>,
    pub soon: Vec<EntryRow>,
}

/// The signed-in user's agenda for today.
#[utoipa::path(get, path = "/today", tag = "pages",
    responses((status = 200, description = "the Today agenda", content_type = "text/html")))]
pub async fn show(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<TodayPage, ApiError> {
    let today = state.clock.today();
    let facts = state
        .store
        .agenda_facts(current.scope(), current.user.person_id, today)
        .await?;
    let entries = agenda(&facts);
    // Promises may be on projects the user does not manage: name them all.
    let ids: Vec<ProjectId> = entries.iter().map(|e| e.project_id).collect();
    let names: HashMap<ProjectId, String> = state.store.project_names(&ids).await?;
    let (mut now, mut soon) = (Vec::new(), Vec::new());
    for e in entries {
        let project = e.project_id.get();
        let (label, link, action) = match e.kind {
            EntryKind::CommitmentOverdue => (
                "Promise overdue",
                format!("/projects/{project}#commitments"),
                "Settle or renegotiate",
            ),
            EntryKind::CommitmentDue => (
                "Promise due",
                format!("/projects/{project}#commitments"),
                "See the promise",
            ),
            EntryKind::QuestionUnanswered => (
                "Question open",
                format!("/projects/{project}#questions"),
                "Record the answer",
            ),
            EntryKind::QuestionToConfirm => (
                "Answer to confirm",
                format!("/projects/{project}#questions"),
                "Confirm the understanding",
            ),
            EntryKind::ContactOverdue | EntryKind::ContactDue => (
                "Contact due",
                // The form opens with the person to call ticked.
                format!(
                    "/projects/{project}/interactions/new?with={}",
                    e.person_id.map_or(0, |p| p.get())
                ),
                "Record a conversation",
            ),
            EntryKind::StatusDue => (
                "Status due",
                format!("/projects/{project}#status-records"),
                "Open the project",
            ),
            EntryKind::ConcernUnanswered => (
                "Team concern",
                format!("/projects/{project}/brief#concerns"),
                "Answer the concern",
            ),
        };
        let row = EntryRow {
            label,
            reason: e.reason,
            project: names.get(&e.project_id).cloned().unwrap_or_default(),
            project_id: project,
            person_id: e.person_id.map(|p| p.get()),
            link,
            action,
        };
        match e.urgency {
            Urgency::Red => now.push(row),
            Urgency::Amber => soon.push(row),
        }
    }
    Ok(TodayPage {
        nav: Nav::of(&current),
        today: today.format("%A %-d %B %Y").to_string(),
        now,
        soon,
    })
}
