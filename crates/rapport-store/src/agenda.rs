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

use crate::{on_tx, Result, Scope, Store, Tx};

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
        let rows: Vec<LedgerEntry> = on_tx!(tx, conn => {
            sqlx::query_as(&sql)
                .bind(everything)
                .bind(person)
                .fetch_all(conn)
                .await?
        });
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
        let contacts: Vec<(i64, NaiveDate)> = on_tx!(tx, conn => {
            sqlx::query_as(&contacts_sql)
                .bind(everything)
                .bind(person)
                .fetch_all(&mut *conn)
                .await?
        });
        let questions: Vec<(i64, i64)> = on_tx!(tx, conn => {
            sqlx::query_as(&questions_sql)
                .bind(everything)
                .bind(person)
                .fetch_all(&mut *conn)
                .await?
        });
        let overdue: Vec<(i64, i64)> = on_tx!(tx, conn => {
            sqlx::query_as(&overdue_sql)
                .bind(everything)
                .bind(person)
                .bind(today)
                .fetch_all(&mut *conn)
                .await?
        });
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
        let mut tx = self.begin_read().await?;
        let projects = crate::projects::list_projects(&mut tx, scope, None, false).await?;
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
            &mut tx,
            "SELECT project_id, MAX(status_date) FROM status_records WHERE NOT archived \
             AND project_id IN ({ids}) GROUP BY project_id",
            &managed_list,
        )
        .await?;
        let commitments: Vec<CommitmentRow> = on_tx!(tx, conn => {
            sqlx::query_as(
                "SELECT id, project_id, description, promised_by_id, promised_to_id, due_on FROM commitments \
                 WHERE NOT archived AND state IN ('open', 'renegotiated') \
                 AND (promised_by_id = $1 OR promised_to_id = $1) ORDER BY due_on, id",
            )
            .bind(me.get())
            .fetch_all(conn)
            .await?
        });
        let questions: Vec<QuestionRow> = in_ids(
            &mut tx,
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
            &mut tx,
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
            on_tx!(tx, conn => {
                let mut query = sqlx::query_as(&sql);
                for id in &contact_ids {
                    query = query.bind(*id);
                }
                query.bind(everything).bind(person).fetch_all(conn).await?
            })
        };
        let concerns: Vec<(i64, i64, String, i64, chrono::DateTime<chrono::Utc>)> = in_ids(
            &mut tx,
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
        let names: HashMap<i64, String> = crate::people::select_named(&mut tx, &named)
            .await?
            .into_iter()
            .map(|p| (p.id.get(), p.name))
            .collect();
        tx.commit().await?;
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
}

/// Runs `sql` with `{ids}` replaced by one placeholder per id; no ids, no
/// query (an empty `IN ()` is not SQL).
async fn in_ids<T>(tx: &mut Tx, sql: &str, ids: &[i64]) -> Result<Vec<T>>
where
    T: Send + Unpin,
    T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>,
    T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = sql.replace("{ids}", &crate::in_list(ids.len()));
    Ok(on_tx!(tx, conn => {
        let mut query = sqlx::query_as(&sql);
        for id in ids {
            query = query.bind(*id);
        }
        query.fetch_all(conn).await?
    }))
}
