//! `/today`: the page a project manager starts the day on — what to act on
//! now and this week across their projects, each entry with its reason and
//! a link to where to act. The entries are `rapport_core::agenda`'s, the
//! same as `GET /api/v1/today`; above them, the news to share, each with
//! its deadline and advice for telling the client rep in the way that
//! suits them.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use chrono::NaiveDate;
use rapport_core::agenda::{agenda, EntryKind, Urgency};
use rapport_core::disclosure::{report_due, Severity};
use rapport_core::ids::{PersonId, ProjectId};
use rapport_core::style::{guidance, Style};

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

/// An open item of news to tell.
pub struct NewsRow {
    pub id: i64,
    pub message: String,
    pub critical: bool,
    pub project: String,
    pub project_id: i64,
    pub rep: String,
    pub rep_id: i64,
    /// "by Tuesday 1 December", "today", or past it.
    pub due: String,
    pub late: bool,
    /// How to tell this rep bad news, from their style; or how to find out.
    pub advice: String,
}

/// A report due by its reader's cadence, or one that failed to go out.
pub struct ReportRow {
    pub project: String,
    pub project_id: i64,
    pub reason: String,
    pub link: String,
    pub action: &'static str,
    pub failed: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "today/show.html")]
pub struct TodayPage {
    pub nav: Nav,
    pub today: String,
    pub now: Vec<EntryRow>,
    pub soon: Vec<EntryRow>,
    pub news: Vec<NewsRow>,
    pub reports: Vec<ReportRow>,
}

/// The signed-in user's agenda for today.
#[utoipa::path(get, path = "/today", tag = "pages",
    responses((status = 200, description = "the Today agenda", content_type = "text/html")))]
pub async fn show(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<TodayPage, ApiError> {
    let today = state.clock.today();
    let (
        facts,
        rapport_store::TodayPanels {
            open_news,
            reported,
            failed,
            project_names: names,
            people,
            profiles,
        },
    ) = state
        .store
        .today(current.scope(), current.user.person_id, today)
        .await?;
    let entries = agenda(&facts);
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
    let rep_names: HashMap<PersonId, String> = people.into_iter().map(|p| (p.id, p.name)).collect();
    let news = open_news
        .into_iter()
        .map(|(n, rep)| {
            let rep_name = rep_names.get(&rep).cloned().unwrap_or_default();
            NewsRow {
                id: n.id,
                critical: n.severity == Severity::Critical,
                project: names.get(&n.project_id).cloned().unwrap_or_default(),
                project_id: n.project_id.get(),
                due: due(n.deadline, today),
                late: n.deadline < today,
                advice: telling_advice(profiles.get(&rep).map(|p| p.profile.style()), &rep_name),
                rep: rep_name,
                rep_id: rep.get(),
                message: n.message,
            }
        })
        .collect();
    let mut reports: Vec<ReportRow> = failed
        .iter()
        .map(|r| ReportRow {
            project: names.get(&r.project_id).cloned().unwrap_or_default(),
            project_id: r.project_id.get(),
            reason: format!(
                "The report to {} did not go out: {}",
                rep_names.get(&r.recipient_id).cloned().unwrap_or_default(),
                r.last_error.clone().unwrap_or_default()
            ),
            link: format!("/reports/{}", r.id),
            action: "See it and send it again",
            failed: true,
        })
        .collect();
    for r in &reported {
        let person = PersonId::new(r.person_id);
        let Some(profile) = profiles.get(&person) else {
            continue;
        };
        let Some(cadence) = profile.profile.report_cadence_days() else {
            continue;
        };
        // A report that failed to go is listed above; not twice.
        if failed
            .iter()
            .any(|f| f.project_id.get() == r.project_id && f.recipient_id == person)
        {
            continue;
        }
        let last = r.last_sent.map(|t| t.date_naive());
        // The cadence runs from when it was set, or the project's start.
        let since = r.project_start.max(profile.assessed_at.date_naive());
        if let Some((due, late)) = report_due(last, since, cadence, today) {
            let who = rep_names.get(&person).cloned().unwrap_or_default();
            let last = match last {
                Some(l) => format!("the last went on {l}"),
                None => "none has been sent yet".into(),
            };
            let when = match late {
                0 => "due today".to_string(),
                n => format!(
                    "{n} day{} past due (since {due})",
                    if n == 1 { "" } else { "s" }
                ),
            };
            reports.push(ReportRow {
                project: names
                    .get(&ProjectId::new(r.project_id))
                    .cloned()
                    .unwrap_or_default(),
                project_id: r.project_id,
                reason: format!(
                    "{who} expects a status report every {cadence} days; {last}. It is {when}."
                ),
                link: format!("/projects/{}#reports", r.project_id),
                action: "Write the report",
                failed: false,
            });
        }
    }
    Ok(TodayPage {
        nav: Nav::of(&current),
        today: today.format("%A %-d %B %Y").to_string(),
        now,
        soon,
        news,
        reports,
    })
}

/// When news is due, in words.
pub(crate) fn due(deadline: NaiveDate, today: NaiveDate) -> String {
    if deadline < today {
        format!(
            "was due by {}: told now, it counts as a surprise",
            deadline.format("%A %-d %B")
        )
    } else if deadline == today {
        "tell them today".to_string()
    } else {
        format!("tell them by {}", deadline.format("%A %-d %B"))
    }
}

/// How to tell a rep bad news: their style's advice, or how to get it.
pub(crate) fn telling_advice(style: Option<Style>, rep: &str) -> String {
    match style {
        Some(style) => format!(
            "{rep} ({}): {}",
            style.label(),
            guidance(style).bad_news
        ),
        None => format!(
            "Nobody has placed {rep} on the behaviour grid yet; their page has the questionnaire, and then advice on how to tell them."
        ),
    }
}
