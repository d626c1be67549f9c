//! The relationship records of a project: interactions, follow-up
//! questions and commitments, stored as the validated drafts of
//! `rapport_core::domain` say, moved by its rules (question states,
//! settling a commitment).

use chrono::{DateTime, NaiveDate, Utc};
use rapport_core::domain::{
    next_question_state, settle_commitment, CommitmentDraft, CommitmentState, InteractionDraft,
    InteractionKind, QuestionDraft, QuestionState, Settlement,
};
use serde::Serialize;

use crate::people::person_exists;
use crate::projects::require_project;
use crate::{audit, on_tx, parse_stored, Result, Store, StoreError, Tx};
use rapport_core::ids::{PersonId, ProjectId};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Interaction {
    pub id: i64,
    pub project_id: ProjectId,
    pub occurred_on: NaiveDate,
    pub kind: InteractionKind,
    pub summary: String,
    pub notes: Option<String>,
    pub participant_ids: Vec<PersonId>,
}

#[derive(sqlx::FromRow)]
struct InteractionRow {
    id: i64,
    project_id: i64,
    occurred_on: NaiveDate,
    kind: String,
    summary: String,
    notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FollowUpQuestion {
    pub id: i64,
    pub project_id: ProjectId,
    pub question: String,
    pub asked_of_id: PersonId,
    pub asked_on: NaiveDate,
    pub answer: Option<String>,
    pub answered_on: Option<NaiveDate>,
    pub confirmed_on: Option<NaiveDate>,
    pub state: QuestionState,
}

#[derive(sqlx::FromRow)]
struct QuestionRow {
    id: i64,
    project_id: i64,
    question: String,
    asked_of_id: i64,
    asked_on: NaiveDate,
    answer: Option<String>,
    answered_on: Option<NaiveDate>,
    confirmed_on: Option<NaiveDate>,
    state: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Commitment {
    pub id: i64,
    pub project_id: ProjectId,
    pub promised_by_id: PersonId,
    pub promised_to_id: PersonId,
    pub description: String,
    pub due_on: NaiveDate,
    pub state: CommitmentState,
    pub resolved_on: Option<NaiveDate>,
}

#[derive(sqlx::FromRow)]
struct CommitmentRow {
    id: i64,
    project_id: i64,
    promised_by_id: i64,
    promised_to_id: i64,
    description: String,
    due_on: NaiveDate,
    state: String,
    resolved_on: Option<NaiveDate>,
}

impl TryFrom<CommitmentRow> for Commitment {
    type Error = StoreError;
    fn try_from(r: CommitmentRow) -> Result<Self> {
        Ok(Self {
            id: r.id,
            project_id: ProjectId::new(r.project_id),
            promised_by_id: PersonId::new(r.promised_by_id),
            promised_to_id: PersonId::new(r.promised_to_id),
            description: r.description,
            due_on: r.due_on,
            state: parse_stored(&r.state, "commitments.state")?,
            resolved_on: r.resolved_on,
        })
    }
}

impl TryFrom<QuestionRow> for FollowUpQuestion {
    type Error = StoreError;
    fn try_from(r: QuestionRow) -> Result<Self> {
        Ok(Self {
            id: r.id,
            project_id: ProjectId::new(r.project_id),
            question: r.question,
            asked_of_id: PersonId::new(r.asked_of_id),
            asked_on: r.asked_on,
            answer: r.answer,
            answered_on: r.answered_on,
            confirmed_on: r.confirmed_on,
            state: parse_stored(&r.state, "follow_up_questions.state")?,
        })
    }
}

impl Store {
    pub async fn record_interaction(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        project_id: ProjectId,
        draft: &InteractionDraft,
    ) -> Result<Interaction> {
        let project_id = project_id.get();
        let mut tx = self.begin().await?;
        require_project(&mut tx, project_id).await?;
        let fields: Vec<(String, i64)> = draft
            .participant_ids()
            .iter()
            .enumerate()
            .map(|(i, id)| (format!("participant_ids[{i}]"), id.get()))
            .collect();
        let refs: Vec<(&str, i64)> = fields.iter().map(|(f, id)| (f.as_str(), *id)).collect();
        check_people(&mut tx, &refs).await?;
        let participants: Vec<i64> = draft.participant_ids().iter().map(|p| p.get()).collect();
        let id = insert_interaction(&mut tx, now, project_id, draft).await?;
        insert_participants(&mut tx, id, &participants).await?;
        let detail = (
            draft.kind().as_str(),
            draft.occurred_on(),
            draft.summary(),
            &participants,
        );
        audit(&mut tx, now, actor, "interaction", id, "create", &detail).await?;
        tx.commit().await?;
        Ok(Interaction {
            id,
            project_id: ProjectId::new(project_id),
            occurred_on: draft.occurred_on(),
            kind: draft.kind(),
            summary: draft.summary().to_string(),
            notes: draft.notes().map(str::to_string),
            participant_ids: draft.participant_ids().to_vec(),
        })
    }

    /// A project's interactions, newest first.
    pub async fn interactions(&self, project_id: ProjectId) -> Result<Vec<Interaction>> {
        let project_id = project_id.get();
        let mut tx = self.begin_read().await?;
        let rows = select_interactions(&mut tx, project_id).await?;
        let participants = select_participants(&mut tx, project_id).await?;
        tx.commit().await?;
        rows.into_iter()
            .map(|r| {
                Ok(Interaction {
                    participant_ids: participants
                        .iter()
                        .filter(|(i, _)| *i == r.id)
                        .map(|(_, p)| PersonId::new(*p))
                        .collect(),
                    id: r.id,
                    project_id: ProjectId::new(r.project_id),
                    occurred_on: r.occurred_on,
                    kind: parse_stored(&r.kind, "interactions.kind")?,
                    summary: r.summary,
                    notes: r.notes,
                })
            })
            .collect()
    }

    pub async fn raise_question(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        project_id: ProjectId,
        draft: &QuestionDraft,
    ) -> Result<FollowUpQuestion> {
        let project_id = project_id.get();
        let mut tx = self.begin().await?;
        require_project(&mut tx, project_id).await?;
        check_people(&mut tx, &[("asked_of_id", draft.asked_of_id().get())]).await?;
        let id = insert_question(&mut tx, now, project_id, draft).await?;
        let detail = (draft.question(), draft.asked_of_id());
        audit(&mut tx, now, actor, "question", id, "raise", &detail).await?;
        let question = load_question(&mut tx, id).await?;
        tx.commit().await?;
        Ok(question)
    }

    pub async fn question(&self, id: i64) -> Result<FollowUpQuestion> {
        let mut tx = self.begin_read().await?;
        let question = load_question(&mut tx, id).await?;
        tx.commit().await?;
        Ok(question)
    }

    /// A project's follow-up questions, oldest first.
    pub async fn questions(&self, project_id: ProjectId) -> Result<Vec<FollowUpQuestion>> {
        let project_id = project_id.get();
        let mut tx = self.begin_read().await?;
        let rows = select_questions(&mut tx, project_id).await?;
        tx.commit().await?;
        rows.into_iter().map(FollowUpQuestion::try_from).collect()
    }

    /// Records the answer to a question.
    pub async fn answer_question(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        id: i64,
        answer: &str,
        on: NaiveDate,
    ) -> Result<FollowUpQuestion> {
        let mut tx = self.begin().await?;
        let question = load_question(&mut tx, id).await?;
        next_question_state(question.state, QuestionState::Answered)
            .map_err(|e| StoreError::invalid("state", e))?;
        if answer.trim().is_empty() {
            return Err(StoreError::invalid("answer", "must not be empty"));
        }
        update_question_answer(&mut tx, id, answer.trim(), on).await?;
        audit(
            &mut tx,
            now,
            actor,
            "question",
            id,
            "answer",
            &(answer.trim(), on),
        )
        .await?;
        let question = load_question(&mut tx, id).await?;
        tx.commit().await?;
        Ok(question)
    }

    /// Marks that the answer was understood and confirmed with the person.
    pub async fn confirm_understanding(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        id: i64,
        on: NaiveDate,
    ) -> Result<FollowUpQuestion> {
        let mut tx = self.begin().await?;
        let question = load_question(&mut tx, id).await?;
        next_question_state(question.state, QuestionState::UnderstandingConfirmed)
            .map_err(|e| StoreError::invalid("state", e))?;
        update_question_confirmed(&mut tx, id, on).await?;
        audit(
            &mut tx,
            now,
            actor,
            "question",
            id,
            "confirm_understanding",
            &on,
        )
        .await?;
        let question = load_question(&mut tx, id).await?;
        tx.commit().await?;
        Ok(question)
    }

    pub async fn record_commitment(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        project_id: ProjectId,
        draft: &CommitmentDraft,
    ) -> Result<Commitment> {
        let project_id = project_id.get();
        let mut tx = self.begin().await?;
        require_project(&mut tx, project_id).await?;
        check_people(
            &mut tx,
            &[
                ("promised_by_id", draft.promised_by_id().get()),
                ("promised_to_id", draft.promised_to_id().get()),
            ],
        )
        .await?;
        let id = insert_commitment(&mut tx, now, project_id, draft).await?;
        let detail = (draft.description(), draft.due_on());
        audit(&mut tx, now, actor, "commitment", id, "create", &detail).await?;
        let commitment = load_commitment(&mut tx, id).await?;
        tx.commit().await?;
        Ok(commitment)
    }

    pub async fn commitment(&self, id: i64) -> Result<Commitment> {
        let mut tx = self.begin_read().await?;
        let commitment = load_commitment(&mut tx, id).await?;
        tx.commit().await?;
        Ok(commitment)
    }

    /// A project's commitments by due date.
    pub async fn commitments(&self, project_id: ProjectId) -> Result<Vec<Commitment>> {
        let project_id = project_id.get();
        let mut tx = self.begin_read().await?;
        let rows = select_commitments(&mut tx, project_id).await?;
        tx.commit().await?;
        rows.into_iter().map(Commitment::try_from).collect()
    }

    /// Settles (or reopens) a commitment; the change is audited. A
    /// renegotiated commitment takes its new due date.
    pub async fn settle_commitment(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        id: i64,
        state: CommitmentState,
        on: NaiveDate,
        new_due: Option<NaiveDate>,
    ) -> Result<Commitment> {
        let mut tx = self.begin().await?;
        let current = load_commitment(&mut tx, id).await?;
        let settled =
            settle_commitment(current.due_on, state, on, new_due).map_err(StoreError::Invalid)?;
        update_commitment_state(&mut tx, now, id, settled).await?;
        let detail = (current.state.as_str(), settled.due_on);
        audit(
            &mut tx,
            now,
            actor,
            "commitment",
            id,
            state.as_str(),
            &detail,
        )
        .await?;
        let commitment = load_commitment(&mut tx, id).await?;
        tx.commit().await?;
        Ok(commitment)
    }
}

/// Each `(field, person id)` must name a stored person.
async fn check_people(tx: &mut Tx, fields: &[(&str, i64)]) -> Result<()> {
    let mut errors = rapport_core::domain::ValidationErrors::default();
    for (field, id) in fields {
        if !person_exists(tx, *id).await? {
            errors.add(*field, format!("no person with id {id}"));
        }
    }
    errors.into_result(()).map_err(StoreError::Invalid)
}

async fn insert_interaction(
    tx: &mut Tx,
    now: DateTime<Utc>,
    project_id: i64,
    draft: &InteractionDraft,
) -> Result<i64> {
    let (id,): (i64,) = on_tx!(tx, conn => {
        sqlx::query_as(
            "INSERT INTO interactions (project_id, occurred_on, kind, summary, notes, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(project_id)
        .bind(draft.occurred_on())
        .bind(draft.kind().as_str())
        .bind(draft.summary())
        .bind(draft.notes())
        .bind(now)
        .fetch_one(conn)
        .await?
    });
    Ok(id)
}

async fn insert_participants(tx: &mut Tx, interaction_id: i64, person_ids: &[i64]) -> Result<()> {
    for person_id in person_ids {
        on_tx!(tx, conn => {
            sqlx::query("INSERT INTO interaction_participants (interaction_id, person_id) VALUES ($1, $2)")
                .bind(interaction_id)
                .bind(person_id)
                .execute(conn)
                .await?;
        });
    }
    Ok(())
}

async fn select_interactions(tx: &mut Tx, project_id: i64) -> Result<Vec<InteractionRow>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query_as(
            "SELECT id, project_id, occurred_on, kind, summary, notes FROM interactions \
             WHERE project_id = $1 AND NOT archived ORDER BY occurred_on DESC, id DESC",
        )
        .bind(project_id)
        .fetch_all(conn)
        .await?
    }))
}

/// (interaction id, person id) for every interaction of the project.
async fn select_participants(tx: &mut Tx, project_id: i64) -> Result<Vec<(i64, i64)>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query_as(
            "SELECT p.interaction_id, p.person_id FROM interaction_participants p \
             JOIN interactions i ON i.id = p.interaction_id WHERE i.project_id = $1 ORDER BY p.person_id",
        )
        .bind(project_id)
        .fetch_all(conn)
        .await?
    }))
}

const SELECT_QUESTION: &str =
    "SELECT id, project_id, question, asked_of_id, asked_on, answer, answered_on, confirmed_on, state \
     FROM follow_up_questions";

async fn load_question(tx: &mut Tx, id: i64) -> Result<FollowUpQuestion> {
    let row: Option<QuestionRow> = on_tx!(tx, conn => {
        sqlx::query_as(&format!("{SELECT_QUESTION} WHERE id = $1"))
            .bind(id)
            .fetch_optional(conn)
            .await?
    });
    row.ok_or_else(|| StoreError::not_found("follow-up question", id))?
        .try_into()
}

async fn select_questions(tx: &mut Tx, project_id: i64) -> Result<Vec<QuestionRow>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query_as(&format!(
            "{SELECT_QUESTION} WHERE project_id = $1 AND NOT archived ORDER BY asked_on, id"
        ))
        .bind(project_id)
        .fetch_all(conn)
        .await?
    }))
}

async fn insert_question(
    tx: &mut Tx,
    now: DateTime<Utc>,
    project_id: i64,
    draft: &QuestionDraft,
) -> Result<i64> {
    let (id,): (i64,) = on_tx!(tx, conn => {
        sqlx::query_as(
            "INSERT INTO follow_up_questions (project_id, question, asked_of_id, asked_on, state, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(project_id)
        .bind(draft.question())
        .bind(draft.asked_of_id().get())
        .bind(draft.asked_on())
        .bind(QuestionState::Open.as_str())
        .bind(now)
        .fetch_one(conn)
        .await?
    });
    Ok(id)
}

async fn update_question_answer(tx: &mut Tx, id: i64, answer: &str, on: NaiveDate) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query("UPDATE follow_up_questions SET answer = $1, answered_on = $2, state = $3 WHERE id = $4")
            .bind(answer)
            .bind(on)
            .bind(QuestionState::Answered.as_str())
            .bind(id)
            .execute(conn)
            .await?;
    });
    Ok(())
}

async fn update_question_confirmed(tx: &mut Tx, id: i64, on: NaiveDate) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query("UPDATE follow_up_questions SET confirmed_on = $1, state = $2 WHERE id = $3")
            .bind(on)
            .bind(QuestionState::UnderstandingConfirmed.as_str())
            .bind(id)
            .execute(conn)
            .await?;
    });
    Ok(())
}

const SELECT_COMMITMENT: &str =
    "SELECT id, project_id, promised_by_id, promised_to_id, description, due_on, state, resolved_on \
     FROM commitments";

async fn load_commitment(tx: &mut Tx, id: i64) -> Result<Commitment> {
    let row: Option<CommitmentRow> = on_tx!(tx, conn => {
        sqlx::query_as(&format!("{SELECT_COMMITMENT} WHERE id = $1"))
            .bind(id)
            .fetch_optional(conn)
            .await?
    });
    row.ok_or_else(|| StoreError::not_found("commitment", id))?
        .try_into()
}

async fn select_commitments(tx: &mut Tx, project_id: i64) -> Result<Vec<CommitmentRow>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query_as(&format!(
            "{SELECT_COMMITMENT} WHERE project_id = $1 AND NOT archived ORDER BY due_on, id"
        ))
        .bind(project_id)
        .fetch_all(conn)
        .await?
    }))
}

async fn insert_commitment(
    tx: &mut Tx,
    now: DateTime<Utc>,
    project_id: i64,
    draft: &CommitmentDraft,
) -> Result<i64> {
    let (id,): (i64,) = on_tx!(tx, conn => {
        sqlx::query_as(
            "INSERT INTO commitments (project_id, promised_by_id, promised_to_id, description, due_on, state, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(project_id)
        .bind(draft.promised_by_id().get())
        .bind(draft.promised_to_id().get())
        .bind(draft.description())
        .bind(draft.due_on())
        .bind(CommitmentState::Open.as_str())
        .bind(now)
        .bind(now)
        .fetch_one(conn)
        .await?
    });
    Ok(id)
}

async fn update_commitment_state(
    tx: &mut Tx,
    now: DateTime<Utc>,
    id: i64,
    settled: Settlement,
) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE commitments SET state = $1, resolved_on = $2, due_on = $3, updated_at = $4 WHERE id = $5",
        )
        .bind(settled.state.as_str())
        .bind(settled.resolved_on)
        .bind(settled.due_on)
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    });
    Ok(())
}
