//! `/api/v1/today`: the signed-in user's agenda and the news they have to
//! tell, as the Today page shows them (see `rapport_core::agenda` and
//! `rapport_core::disclosure`).

use axum::{extract::State, Json};
use chrono::NaiveDate;
use rapport_core::agenda::{agenda, Entry};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::news::NewsView;
use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(today))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EntryView {
    /// `commitment_overdue`, `commitment_due`, `question_unanswered`,
    /// `question_to_confirm`, `contact_overdue`, `contact_due`,
    /// `status_due` or `concern_unanswered`.
    pub kind: String,
    /// `red` (act now) or `amber` (act soon).
    pub urgency: String,
    /// Why it is on the agenda.
    pub reason: String,
    pub due_on: Option<NaiveDate>,
    pub project_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commitment_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub concern_id: Option<i64>,
}

impl From<Entry> for EntryView {
    fn from(e: Entry) -> Self {
        let word = |v: serde_json::Value| v.as_str().unwrap_or_default().to_string();
        Self {
            kind: word(serde_json::to_value(e.kind).unwrap_or_default()),
            urgency: word(serde_json::to_value(e.urgency).unwrap_or_default()),
            reason: e.reason,
            due_on: e.due_on,
            project_id: e.project_id.get(),
            question_id: e.question_id,
            commitment_id: e.commitment_id,
            person_id: e.person_id.map(|p| p.get()),
            concern_id: e.concern_id,
        }
    }
}

/// News still to tell, with whom to tell it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TodayNewsView {
    #[serde(flatten)]
    pub news: NewsView,
    /// The project's client rep, who must hear it first.
    pub tell_person_id: i64,
    /// Past its deadline and still untold: it will be a surprise.
    pub late: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TodayView {
    /// The day the agenda is for.
    pub today: NaiveDate,
    /// Red entries first, then amber; each by date.
    pub entries: Vec<EntryView>,
    /// Open news to share in the projects you see, by deadline.
    pub news: Vec<TodayNewsView>,
}

/// Your agenda: promises overdue or due within a week (yours and those
/// owed to you), questions waiting for an answer or confirmation, client
/// people past their contact interval, projects due a status record; and
/// the news to share, by deadline, each with the client rep to tell.
#[utoipa::path(get, path = "/api/v1/today", tag = "relationship",
    responses((status = 200, body = TodayView)))]
pub async fn today(
    State(state): State<AppState>,
    current: CurrentUser,
) -> ApiResult<Json<TodayView>> {
    let today = state.clock.today();
    // One read, as the page makes it: the agenda and the news agree.
    let (facts, panels) = state
        .store
        .today(current.scope(), current.user.person_id, today)
        .await?;
    Ok(Json(TodayView {
        today,
        entries: agenda(&facts).into_iter().map(EntryView::from).collect(),
        news: panels
            .open_news
            .into_iter()
            .map(|(n, rep)| TodayNewsView {
                late: n.deadline < today,
                news: NewsView::from(n),
                tell_person_id: rep.get(),
            })
            .collect(),
    }))
}
