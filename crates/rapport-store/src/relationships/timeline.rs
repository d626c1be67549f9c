//! One timeline per person and per account: the conversations (calls,
//! meetings, e-mails, visits, messages in one list, newest first), the
//! promises made by or to them, the questions waiting on them, and when
//! each was last contacted — for the person and account pages.
//!
//! Everything here, the contact clock included, comes from the projects
//! the scope sees: the date of a conversation on a project the user may
//! not see is itself something they may not see.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::statements::{
    ids_of, interaction_of, select_participants_of, CommitmentRow, InteractionRow, QuestionRow,
};
use super::{Commitment, FollowUpQuestion, Interaction};
use crate::scope::project_visible;
use crate::{fetch, on_tx, Result, Scope, Store, Tx};
use rapport_core::ids::{AccountId, PersonId, ProjectId};

/// Whose timeline: one person's, or everyone's at one client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Person(PersonId),
    Account(AccountId),
}

/// A conversation on a timeline, with the name of its project.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEntry {
    pub interaction: Interaction,
    pub project_name: String,
}

/// A person's or an account's relationship record, read in one snapshot.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Timeline {
    /// The latest conversations, newest first.
    pub entries: Vec<TimelineEntry>,
    /// How many conversations there are in all.
    pub total: i64,
    /// Every promise made by or to the person (for an account: every
    /// promise on its projects), by due date.
    pub promises: Vec<Commitment>,
    /// Follow-up questions asked of the person (for an account: on its
    /// projects) whose understanding is not yet confirmed, oldest first.
    pub questions: Vec<FollowUpQuestion>,
    /// The last logged conversation with the person (for an account: with
    /// each of its people) on a project the scope sees.
    pub last_contact: HashMap<PersonId, NaiveDate>,
    /// The names of the projects the promises and questions are on.
    pub project_names: HashMap<ProjectId, String>,
}

/// A row of one of the records, with the name of its project.
#[derive(sqlx::FromRow)]
struct Named<Row> {
    #[sqlx(flatten)]
    row: Row,
    project_name: String,
}

impl<Row: crate::direct::DirectRow> crate::direct::DirectRow for Named<Row> {
    type Columns = (Row::Columns, usize);
    fn columns(statement: &rusqlite::Statement<'_>) -> rusqlite::Result<Self::Columns> {
        Ok((
            Row::columns(statement)?,
            statement.column_index("project_name")?,
        ))
    }
    fn decode(row: &rusqlite::Row<'_>, columns: &Self::Columns) -> rusqlite::Result<Self> {
        Ok(Self {
            row: Row::decode(row, &columns.0)?,
            project_name: row.get(columns.1)?,
        })
    }
}

/// The condition that ties a row to the subject, binding the subject's id
/// as `$3` (after the scope's two). `by_person` is the clause for a person
/// (their participation, their promises, their questions); an account's is
/// always its projects.
fn about(subject: Subject, by_person: &str) -> String {
    match subject {
        Subject::Person(_) => by_person.to_string(),
        Subject::Account(_) => "pr.account_id = $3".to_string(),
    }
}

fn subject_id(subject: Subject) -> i64 {
    match subject {
        Subject::Person(p) => p.get(),
        Subject::Account(a) => a.get(),
    }
}

impl Store {
    /// The timeline of a person or an account as `scope` may see it: the
    /// latest `limit` conversations and how many in all, the promises, the
    /// open questions and the contact clocks. Six queries, whatever the
    /// size of the record.
    pub async fn timeline(&self, scope: Scope, subject: Subject, limit: i64) -> Result<Timeline> {
        let mut tx = self.begin_read().await?;
        let entries = select_entries(&mut tx, scope, subject, limit).await?;
        let total = count_entries(&mut tx, scope, subject).await?;
        let participants =
            select_participants_of(&mut tx, &ids_of(entries.iter().map(|e| &e.row))).await?;
        let promises = select_promises(&mut tx, scope, subject).await?;
        let questions = select_questions(&mut tx, scope, subject).await?;
        let last_contact = select_last_contact(&mut tx, scope, subject).await?;
        tx.commit().await?;

        let mut project_names = HashMap::new();
        let entries = entries
            .into_iter()
            .map(|r| {
                Ok(TimelineEntry {
                    interaction: interaction_of(r.row, &participants)?,
                    project_name: r.project_name,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let promises = promises
            .into_iter()
            .map(|r| {
                let promise = Commitment::try_from(r.row)?;
                project_names.insert(promise.project_id, r.project_name);
                Ok(promise)
            })
            .collect::<Result<Vec<_>>>()?;
        let questions = questions
            .into_iter()
            .map(|r| {
                let question = FollowUpQuestion::try_from(r.row)?;
                project_names.insert(question.project_id, r.project_name);
                Ok(question)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Timeline {
            entries,
            total,
            promises,
            questions,
            last_contact: last_contact
                .into_iter()
                .map(|(p, d)| (PersonId::new(p), d))
                .collect(),
            project_names,
        })
    }
}

/// The interactions of the subject on visible projects, `FROM`/`WHERE`
/// part shared by the page and its count.
fn entries_from(scope: Scope, subject: Subject) -> String {
    format!(
        "FROM interactions i JOIN projects pr ON pr.id = i.project_id \
         WHERE NOT i.archived AND NOT pr.archived AND {} AND {}",
        project_visible(scope, "pr", 1),
        // From the person's participations (an index on person_id), not a
        // check of every conversation of the firm: as `EXISTS (… WHERE
        // ip.interaction_id = i.id …)` SQLite read all 200,000 of them,
        // half a second a person page at 2,000 projects (3 ms now).
        about(
            subject,
            "i.id IN (SELECT ip.interaction_id FROM interaction_participants ip \
             WHERE ip.person_id = $3)"
        )
    )
}

async fn select_entries(
    tx: &mut Tx,
    scope: Scope,
    subject: Subject,
    limit: i64,
) -> Result<Vec<Named<InteractionRow>>> {
    let (everything, person, _) = scope.binds();
    let sql = format!(
        "SELECT i.id, i.project_id, pr.name AS project_name, i.occurred_on, i.kind, i.summary, i.notes \
         {} ORDER BY i.occurred_on DESC, i.id DESC LIMIT $4",
        entries_from(scope, subject)
    );
    Ok(fetch!(
        tx,
        fetch_all,
        &sql,
        everything,
        person,
        subject_id(subject),
        limit
    ))
}

/// Runs `sql`, which binds the scope as `$1` and `$2` and the subject's id
/// as `$3`, for every row.
async fn fetch_about<T>(tx: &mut Tx, sql: &str, scope: Scope, subject: Subject) -> Result<Vec<T>>
where
    T: Send + Unpin,
    T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>,
    T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
    T: crate::direct::DirectRow,
{
    let (everything, person, _) = scope.binds();
    Ok(on_tx!(tx, conn => {
        sqlx::query_as(sql)
            .bind(everything)
            .bind(person)
            .bind(subject_id(subject))
            .fetch_all(conn)
            .await?
    }))
}

async fn count_entries(tx: &mut Tx, scope: Scope, subject: Subject) -> Result<i64> {
    let sql = format!("SELECT COUNT(*) {}", entries_from(scope, subject));
    let counted: Vec<(i64,)> = fetch_about(tx, &sql, scope, subject).await?;
    Ok(counted.first().map_or(0, |(n,)| *n))
}

async fn select_promises(
    tx: &mut Tx,
    scope: Scope,
    subject: Subject,
) -> Result<Vec<Named<CommitmentRow>>> {
    let sql = format!(
        "SELECT c.id, c.project_id, pr.name AS project_name, c.promised_by_id, c.promised_to_id, \
         c.description, c.due_on, c.state, c.resolved_on, c.reason, c.interaction_id \
         FROM commitments c JOIN projects pr ON pr.id = c.project_id \
         WHERE NOT c.archived AND NOT pr.archived AND {} AND {} ORDER BY c.due_on, c.id",
        project_visible(scope, "pr", 1),
        about(subject, "(c.promised_by_id = $3 OR c.promised_to_id = $3)")
    );
    fetch_about(tx, &sql, scope, subject).await
}

async fn select_questions(
    tx: &mut Tx,
    scope: Scope,
    subject: Subject,
) -> Result<Vec<Named<QuestionRow>>> {
    let sql = format!(
        "SELECT q.id, q.project_id, pr.name AS project_name, q.question, q.asked_of_id, q.asked_on, \
         q.answer, q.answered_on, q.confirmed_on, q.confirmed_by, q.state, q.interaction_id \
         FROM follow_up_questions q JOIN projects pr ON pr.id = q.project_id \
         WHERE NOT q.archived AND NOT pr.archived AND q.state IN ('open', 'answered') \
         AND {} AND {} ORDER BY q.asked_on, q.id",
        project_visible(scope, "pr", 1),
        about(subject, "q.asked_of_id = $3")
    );
    fetch_about(tx, &sql, scope, subject).await
}

/// The last logged conversation with the person, or with each person of
/// the account, on projects the scope sees.
async fn select_last_contact(
    tx: &mut Tx,
    scope: Scope,
    subject: Subject,
) -> Result<Vec<(i64, NaiveDate)>> {
    let whose = match subject {
        Subject::Person(_) => "p.person_id = $3",
        Subject::Account(_) => {
            "p.person_id IN (SELECT pe.id FROM people pe WHERE pe.account_id = $3)"
        }
    };
    let sql = format!(
        "SELECT p.person_id, MAX(i.occurred_on) FROM interaction_participants p \
         JOIN interactions i ON i.id = p.interaction_id JOIN projects pr ON pr.id = i.project_id \
         WHERE {whose} AND NOT i.archived AND {} GROUP BY p.person_id",
        project_visible(scope, "pr", 1)
    );
    fetch_about(tx, &sql, scope, subject).await
}
