//! The facts the Today agenda is made from, for one user: their projects
//! (with each one's latest status date), the open promises made by or to
//! them, the questions not yet confirmed, and the client people with a
//! contact interval with when each was last contacted. Read in one
//! snapshot; `rapport_core::agenda` decides what goes on the agenda.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use rapport_core::agenda::{
    reporting_period_days, AgendaFacts, CommitmentFacts, ConcernFacts, ContactFacts, ProjectFacts,
    QuestionFacts,
};
use rapport_core::domain::ProjectStatus;
use rapport_core::ids::{PersonId, ProjectId};

use crate::{fetch, fetch_list, Result, Scope, Store, Tx};

type CommitmentRow = (i64, i64, String, i64, i64, NaiveDate);
type QuestionRow = (i64, i64, String, i64, NaiveDate, String);
type ContactRow = (i64, String, i64, Option<i64>, Option<i64>);

/// A promise as the ledger lists it, with its project's name.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct LedgerEntry {
    pub id: i64,
    pub project_id: i64,
    pub project_name: String,
    pub promised_by_id: i64,
    pub promised_to_id: i64,
    pub description: String,
    pub due_on: NaiveDate,
    pub state: String,
    pub resolved_on: Option<NaiveDate>,
    pub reason: Option<String>,
}
crate::direct::direct_row!(LedgerEntry {
    id,
    project_id,
    project_name,
    promised_by_id,
    promised_to_id,
    description,
    due_on,
    state,
    resolved_on,
    reason
});

/// A project's relationship at a glance, for the portfolio.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RelationshipSummary {
    /// The last logged conversation with the project's client rep.
    pub rep_last_contact: Option<NaiveDate>,
    /// Questions not yet confirmed as understood.
    pub open_questions: i64,
    /// Open or renegotiated promises past their due date.
    pub overdue_commitments: i64,
}

/// What Today shows beside the agenda, read in one snapshot: the open
/// news of the user's projects, the client people due a report, the
/// reports that failed to go out, and the names and profiles these need.
#[derive(Debug, Clone, Default)]
pub struct TodayPanels {
    /// Open news by deadline, each with the client rep to tell.
    pub open_news: Vec<(crate::NewsItem, PersonId)>,
    pub reported: Vec<crate::ReportedTo>,
    pub failed: Vec<crate::Report>,
    /// The names of the projects given and of those the panels name.
    pub project_names: HashMap<ProjectId, String>,
    /// The client people the panels name.
    pub people: Vec<crate::Person>,
    /// Their profiles (those placed).
    pub profiles: HashMap<PersonId, crate::Profile>,
}

impl Store {
    /// Every promise of the projects `scope` may see, by due date.
    pub async fn ledger(&self, scope: Scope) -> Result<Vec<LedgerEntry>> {
        let (everything, person, _) = scope.binds();
        let sql = format!(
            "SELECT c.id, c.project_id, pr.name AS project_name, c.promised_by_id, c.promised_to_id, \
             c.description, c.due_on, c.state, c.resolved_on, c.reason FROM commitments c \
             JOIN projects pr ON pr.id = c.project_id \
             WHERE NOT c.archived AND NOT pr.archived AND {} ORDER BY c.due_on, c.id",
            crate::scope::project_visible(scope, "pr", 1)
        );
        let mut tx = self.read_one().await?;
        let rows: Vec<LedgerEntry> = fetch!(tx, fetch_all, &sql, everything, person);
        tx.commit().await?;
        Ok(rows)
    }

    /// Per project the scope sees: the client rep's last contact (on
    /// projects the scope sees), open questions and overdue promises, in
    /// three grouped queries for every project at once.
    pub async fn relationship_summaries(
        &self,
        scope: Scope,
        today: NaiveDate,
    ) -> Result<HashMap<ProjectId, RelationshipSummary>> {
        use crate::scope::{project_id_visible, project_visible};
        let (everything, person, _) = scope.binds();
        let contacts_sql = format!(
            "SELECT pr.id, MAX(i.occurred_on) FROM projects pr \
             JOIN interaction_participants p ON p.person_id = pr.client_rep_id \
             JOIN interactions i ON i.id = p.interaction_id AND NOT i.archived \
             WHERE {} AND {} GROUP BY pr.id",
            project_visible(scope, "pr", 1),
            project_id_visible(scope, "i.project_id", 1)
        );
        let questions_sql = format!(
            "SELECT project_id, COUNT(*) FROM follow_up_questions \
             WHERE NOT archived AND state IN ('open', 'answered') AND {} GROUP BY project_id",
            project_id_visible(scope, "project_id", 1)
        );
        let overdue_sql = format!(
            "SELECT project_id, COUNT(*) FROM commitments WHERE NOT archived \
             AND state IN ('open', 'renegotiated') AND due_on < $3 AND {} GROUP BY project_id",
            project_id_visible(scope, "project_id", 1)
        );
        let mut tx = self.begin_read().await?;
        let contacts: Vec<(i64, NaiveDate)> =
            fetch!(tx, fetch_all, &contacts_sql, everything, person);
        let questions: Vec<(i64, i64)> = fetch!(tx, fetch_all, &questions_sql, everything, person);
        let overdue: Vec<(i64, i64)> =
            fetch!(tx, fetch_all, &overdue_sql, everything, person, today);
        tx.commit().await?;
        let mut out: HashMap<ProjectId, RelationshipSummary> = HashMap::new();
        for (p, d) in contacts {
            out.entry(ProjectId::new(p)).or_default().rep_last_contact = Some(d);
        }
        for (p, n) in questions {
            out.entry(ProjectId::new(p)).or_default().open_questions = n;
        }
        for (p, n) in overdue {
            out.entry(ProjectId::new(p))
                .or_default()
                .overdue_commitments = n;
        }
        Ok(out)
    }

    /// What the agenda of the user (their scope, and the firm-side person
    /// they are) is made from, on `today`.
    pub async fn agenda_facts(
        &self,
        scope: Scope,
        me: PersonId,
        today: NaiveDate,
    ) -> Result<AgendaFacts> {
        // One snapshot: the projects, their facts and the names they use.
        self.snapshot(move |mut tx| async move {
            let facts = read_agenda_facts(&mut tx, scope, me, today).await?;
            tx.commit().await?;
            Ok(facts)
        })
        .await
    }

    /// Today's agenda facts (as [`Store::agenda_facts`]) and its panels,
    /// in one snapshot.
    pub async fn today(
        &self,
        scope: Scope,
        me: PersonId,
        today: NaiveDate,
    ) -> Result<(AgendaFacts, TodayPanels)> {
        self.snapshot(move |mut tx| async move {
            let facts = read_agenda_facts(&mut tx, scope, me, today).await?;
            // The agenda names the user's projects and those of their
            // promises.
            let mut projects: Vec<ProjectId> = facts.projects.iter().map(|p| p.id).collect();
            projects.extend(facts.commitments.iter().map(|c| c.project_id));
            let panels = read_today_panels(&mut tx, scope, me, projects).await?;
            tx.commit().await?;
            Ok((facts, panels))
        })
        .await
    }
}

/// What the agenda of the user is made from (see [`Store::agenda_facts`]),
/// inside the caller's transaction.
async fn read_agenda_facts(
    tx: &mut Tx,
    scope: Scope,
    me: PersonId,
    today: NaiveDate,
) -> Result<AgendaFacts> {
    let projects = crate::projects::list_projects(tx, scope, None, false).await?;
    let ids: HashSet<i64> = projects.iter().map(|p| p.id.get()).collect();
    // The relationship work of a project (its questions, its client's
    // contact clocks, its status) is its manager's; promises are the
    // agenda of whoever made them or is owed them.
    let managed: Vec<&crate::Project> = projects
        .iter()
        .filter(|p| p.project_manager_id == me)
        .collect();
    let managed_ids: HashSet<i64> = managed.iter().map(|p| p.id.get()).collect();
    let starts: HashMap<i64, NaiveDate> = managed
        .iter()
        .map(|p| (p.id.get(), p.baseline.start()))
        .collect();
    let managed_list: Vec<i64> = managed_ids.iter().copied().collect();
    let latest: Vec<(i64, NaiveDate)> = in_ids(
        tx,
        "SELECT project_id, MAX(status_date) FROM status_records WHERE NOT archived \
     AND project_id IN ({ids}) GROUP BY project_id",
        &managed_list,
    )
    .await?;
    let commitments: Vec<CommitmentRow> = fetch!(
    tx,
    fetch_all,
    "SELECT id, project_id, description, promised_by_id, promised_to_id, due_on FROM commitments \
     WHERE NOT archived AND state IN ('open', 'renegotiated') \
     AND (promised_by_id = $1 OR promised_to_id = $1) ORDER BY due_on, id",
    me.get(),
);
    let questions: Vec<QuestionRow> = in_ids(
        tx,
        "SELECT id, project_id, question, asked_of_id, asked_on, state FROM follow_up_questions \
     WHERE NOT archived AND state IN ('open', 'answered') AND project_id IN ({ids}) \
     ORDER BY asked_on, id",
        &managed_list,
    )
    .await?;
    // The client people of the user's projects: each project's client
    // rep and the client-side people on its team (another PM's
    // contacts at the same client are theirs to keep).
    let contacts: Vec<ContactRow> = in_ids(
    tx,
    "SELECT pe.id, pe.name, c.project_id, pe.contact_ideal_days, pe.contact_max_days FROM \
       (SELECT pr.id AS project_id, pr.client_rep_id AS person_id FROM projects pr WHERE pr.id IN ({ids}) \
        UNION SELECT s.project_id, s.person_id FROM project_stakeholders s WHERE s.project_id IN ({ids})) c \
     JOIN people pe ON pe.id = c.person_id \
     WHERE pe.side = 'client' AND NOT pe.archived ORDER BY pe.name, pe.id, c.project_id",
    &managed_list,
)
.await?;
    let mut contacts = contacts;
    contacts.dedup_by_key(|c| c.0);
    let contact_ids: Vec<i64> = contacts.iter().map(|c| c.0).collect();
    // Counted on the projects the user sees: the date of a
    // conversation on another PM's project is not theirs to see.
    let last_contact: Vec<(i64, NaiveDate)> = if contact_ids.is_empty() {
        Vec::new()
    } else {
        let (everything, person, _) = scope.binds();
        let sql = format!(
            "SELECT p.person_id, MAX(i.occurred_on) FROM interaction_participants p \
         JOIN interactions i ON i.id = p.interaction_id \
         WHERE NOT i.archived AND p.person_id IN ({}) AND {} GROUP BY p.person_id",
            crate::in_list(contact_ids.len()),
            crate::scope::project_id_visible(scope, "i.project_id", contact_ids.len() + 1)
        );
        fetch_list!(tx, fetch_all, &sql, &contact_ids; everything, person)
    };
    let concerns: Vec<(i64, i64, String, i64, chrono::DateTime<chrono::Utc>)> = in_ids(
        tx,
        "SELECT id, project_id, concern, raised_by_id, raised_at FROM concerns \
     WHERE NOT archived AND answered_at IS NULL AND project_id IN ({ids}) ORDER BY raised_at, id",
        &managed_list,
    )
    .await?;
    let concerns: Vec<_> = concerns
        .into_iter()
        .filter(|c| managed_ids.contains(&c.1))
        .collect();

    let latest: HashMap<i64, NaiveDate> = latest.into_iter().collect();
    let last_contact: HashMap<i64, NaiveDate> = last_contact.into_iter().collect();
    let commitments: Vec<CommitmentRow> = commitments
        .into_iter()
        .filter(|c| ids.contains(&c.1))
        .collect();
    let questions: Vec<QuestionRow> = questions
        .into_iter()
        .filter(|q| managed_ids.contains(&q.1))
        .collect();
    let named: Vec<PersonId> = commitments
        .iter()
        .flat_map(|c| [c.3, c.4])
        .chain(questions.iter().map(|q| q.3))
        .chain(concerns.iter().map(|c| c.3))
        .map(PersonId::new)
        .collect();
    let names: HashMap<i64, String> = crate::people::select_named(tx, &named)
        .await?
        .into_iter()
        .map(|p| (p.id.get(), p.name))
        .collect();
    let name = |id: i64| {
        names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("person {id}"))
    };

    Ok(AgendaFacts {
        today,
        me,
        projects: managed
            .iter()
            .map(|p| {
                let ends: Vec<NaiveDate> = p
                    .baseline
                    .planned()
                    .iter()
                    .map(|pp| pp.period_end)
                    .collect();
                ProjectFacts {
                    id: p.id,
                    name: p.name.clone(),
                    live: matches!(p.status, ProjectStatus::Active | ProjectStatus::Proposed),
                    start: p.baseline.start(),
                    period_days: reporting_period_days(p.baseline.start(), &ends),
                    latest_status: latest.get(&p.id.get()).copied(),
                }
            })
            .collect(),
        commitments: commitments
            .into_iter()
            .map(
                |(id, project, description, by, to, due_on)| CommitmentFacts {
                    id,
                    project_id: ProjectId::new(project),
                    description,
                    promised_by: PersonId::new(by),
                    promised_to: PersonId::new(to),
                    by_name: name(by),
                    to_name: name(to),
                    due_on,
                },
            )
            .collect(),
        questions: questions
            .into_iter()
            .map(
                |(id, project, question, asked_of, asked_on, state)| QuestionFacts {
                    id,
                    project_id: ProjectId::new(project),
                    question,
                    asked_of: name(asked_of),
                    asked_on,
                    answered: state == "answered",
                },
            )
            .collect(),
        concerns: concerns
            .into_iter()
            .map(|(id, project, concern, by, at)| ConcernFacts {
                id,
                project_id: ProjectId::new(project),
                concern,
                raised_by: name(by),
                raised_on: at.date_naive(),
            })
            .collect(),
        contacts: contacts
            .into_iter()
            .filter_map(|(id, person_name, project, ideal, max)| {
                // The clock counts from the project's start until a
                // first contact is logged.
                let start = *starts.get(&project)?;
                Some(ContactFacts {
                    person_id: PersonId::new(id),
                    name: person_name,
                    project_id: ProjectId::new(project),
                    ideal_days: ideal,
                    max_days: max,
                    last_contact: last_contact.get(&id).copied(),
                    since: start,
                })
            })
            .collect(),
    })
}

/// Today's panels (see [`TodayPanels`]), naming also `projects`, inside
/// the caller's transaction.
async fn read_today_panels(
    tx: &mut Tx,
    scope: Scope,
    me: PersonId,
    projects: Vec<ProjectId>,
) -> Result<TodayPanels> {
    let open_news = crate::news::select_open_news(tx, scope).await?;
    let reported = crate::reports::select_reported_to(tx, me).await?;
    let failed = crate::reports::select_failed_reports(tx, scope).await?;
    let mut ids = projects;
    ids.extend(open_news.iter().map(|(n, _)| n.project_id));
    ids.extend(reported.iter().map(|r| ProjectId::new(r.project_id)));
    ids.extend(failed.iter().map(|r| r.project_id));
    let project_names = crate::projects::select_project_names(tx, &ids).await?;
    let mut people: Vec<PersonId> = open_news.iter().map(|(_, rep)| *rep).collect();
    people.extend(reported.iter().map(|r| PersonId::new(r.person_id)));
    people.extend(failed.iter().map(|r| r.recipient_id));
    let profiles = crate::profiles::select_profiles(tx, &people).await?;
    let people = crate::people::select_named(tx, &people).await?;
    Ok(TodayPanels {
        open_news,
        reported,
        failed,
        project_names,
        people,
        profiles,
    })
}

/// Runs `sql` with `{ids}` replaced by one placeholder per id; no ids, no
/// query (an empty `IN ()` is not SQL).
async fn in_ids<T>(tx: &mut Tx, sql: &str, ids: &[i64]) -> Result<Vec<T>>
where
    T: Send + Unpin,
    T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>,
    T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
    T: crate::direct::DirectRow,
{
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = sql.replace("{ids}", &crate::in_list(ids.len()));
    Ok(fetch_list!(tx, fetch_all, &sql, ids))
}
