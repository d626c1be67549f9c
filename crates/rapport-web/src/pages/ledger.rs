//! `/commitments`: the commitments ledger — every promise of the projects
//! you may see, overdue first, then due within a week, then later; the
//! settled ones with how they ended; and each person's record of promises
//! kept, those they made and those made to them.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use rapport_core::domain::CommitmentState;
use rapport_core::ids::PersonId;
use rapport_core::ledger::{records, standing, Standing};

use super::Nav;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::AppState;

pub struct PromiseRow {
    pub description: String,
    pub by: String,
    pub by_id: i64,
    pub to: String,
    pub to_id: i64,
    pub project: String,
    pub link: String,
    pub due_on: String,
    pub note: String,
}

pub struct RecordRow {
    pub id: i64,
    pub name: String,
    pub made: String,
    pub received: String,
}

pub struct Group {
    pub title: &'static str,
    pub id: &'static str,
    pub class: &'static str,
    pub rows: Vec<PromiseRow>,
}

#[derive(Template, WebTemplate)]
#[template(path = "ledger/show.html")]
pub struct LedgerPage {
    pub nav: Nav,
    /// Overdue, due within a week, later, settled: those with promises.
    pub groups: Vec<Group>,
    pub records: Vec<RecordRow>,
}

/// The ledger of promises.
#[utoipa::path(get, path = "/commitments", tag = "pages",
    responses((status = 200, description = "the commitments ledger", content_type = "text/html")))]
pub async fn show(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<LedgerPage, ApiError> {
    let today = state.clock.today();
    let entries = state.store.ledger(current.scope()).await?;
    let people: Vec<PersonId> = entries
        .iter()
        .flat_map(|e| {
            [
                PersonId::new(e.promised_by_id),
                PersonId::new(e.promised_to_id),
            ]
        })
        .collect();
    let names: HashMap<PersonId, String> = state
        .store
        .people_named(&people)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let name = |id: i64| names.get(&PersonId::new(id)).cloned().unwrap_or_default();
    let (mut overdue, mut soon, mut later, mut settled) = (vec![], vec![], vec![], vec![]);
    let mut outcomes = Vec::new();
    for e in &entries {
        let Ok(st) = e.state.parse::<CommitmentState>() else {
            continue;
        };
        outcomes.push((
            PersonId::new(e.promised_by_id),
            PersonId::new(e.promised_to_id),
            st,
            e.due_on,
        ));
        let open = matches!(st, CommitmentState::Open | CommitmentState::Renegotiated);
        let row = PromiseRow {
            description: e.description.clone(),
            by: name(e.promised_by_id),
            by_id: e.promised_by_id,
            to: name(e.promised_to_id),
            to_id: e.promised_to_id,
            project: e.project_name.clone(),
            link: format!("/projects/{}#commitments", e.project_id),
            due_on: e.due_on.to_string(),
            note: match (open, &e.reason, e.resolved_on) {
                (true, Some(reason), _) => format!("renegotiated: {reason}"),
                (true, None, _) => String::new(),
                (false, reason, on) => format!(
                    "{}{}{}",
                    super::cockpit::commitment_state(st),
                    on.map(|d| format!(" on {d}")).unwrap_or_default(),
                    reason
                        .as_ref()
                        .map(|r| format!(": {r}"))
                        .unwrap_or_default()
                ),
            },
        };
        if !open {
            settled.push(row);
            continue;
        }
        match standing(e.due_on, today) {
            Standing::Overdue => overdue.push(row),
            Standing::DueSoon => soon.push(row),
            Standing::Later => later.push(row),
        }
    }
    settled.reverse();
    let describe = super::timeline::describe;
    let mut record_rows: Vec<RecordRow> = records(&outcomes, today)
        .into_iter()
        .map(|(person, (made, received))| RecordRow {
            id: person.get(),
            name: names.get(&person).cloned().unwrap_or_default(),
            made: describe(made),
            received: describe(received),
        })
        .collect();
    record_rows.sort_by(|a, b| a.name.cmp(&b.name));
    let group = |title, id, class, rows: Vec<PromiseRow>| Group {
        title,
        id,
        class,
        rows,
    };
    let groups = vec![
        group("Overdue", "overdue", "bad", overdue),
        group("Due within a week", "due-soon", "watch", soon),
        group("Later", "later", "none", later),
        group("Settled", "settled", "none", settled),
    ]
    .into_iter()
    .filter(|g| !g.rows.is_empty())
    .collect();
    Ok(LedgerPage {
        nav: Nav::of(&current),
        groups,
        records: record_rows,
    })
}
