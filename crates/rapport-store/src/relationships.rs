//! The relationship records of a project: interactions, follow-up
//! questions and commitments, stored as the validated drafts of
//! `rapport_core::domain` say, moved by its rules (question states,
//! settling a commitment).

use chrono::{DateTime, NaiveDate, Utc};
use rapport_core::domain::{
    next_question_state, settle_commitment, CaptureDraft, CommitmentDraft, CommitmentState,
    InteractionDraft, InteractionKind, QuestionDraft, QuestionState, Settlement,
};
use serde::Serialize;

use crate::people::person_exists;

mod cockpit;
pub(crate) mod statements;
mod timeline;
use crate::projects::require_project;
use crate::{audit, fetch, fetch_list, on_tx, parse_stored, Result, Store, StoreError, Tx};
pub use cockpit::CockpitRecord;
use rapport_core::ids::{PersonId, ProjectId};
use statements::*;
pub use timeline::{Subject, Timeline, TimelineEntry};

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
    /// Who marked the understanding confirmed.
    pub confirmed_by: Option<String>,
    pub state: QuestionState,
    /// The interaction it was raised in, when raised in one.
    pub interaction_id: Option<i64>,
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
    /// Why it was renegotiated, or kept late, or broken.
    pub reason: Option<String>,
    /// The interaction it was made in, when made in one.
    pub interaction_id: Option<i64>,
}

/// How a commitment is being settled: to what state, on which day, with
/// the new due date (renegotiated only) and the reason.
#[derive(Debug, Clone, Copy)]
pub struct Resolution<'a> {
    pub state: CommitmentState,
    pub on: NaiveDate,
    pub new_due: Option<NaiveDate>,
    pub reason: Option<&'a str>,
}

/// What one capture wrote: the interaction with the questions raised and
/// the commitments made in it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Captured {
    pub interaction: Interaction,
    pub questions: Vec<FollowUpQuestion>,
    pub commitments: Vec<Commitment>,
}

impl Store {
    /// Records a conversation whole: the interaction, its participants,
    /// the follow-up questions raised (asked on the day of the interaction)
    /// and the commitments made, in one transaction, each audited. Everyone
    /// named must be firm-side or with the project's client.
    pub async fn capture_interaction(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        project_id: ProjectId,
        capture: &CaptureDraft,
        told_news_ids: &[i64],
    ) -> Result<Captured> {
        let project_id = project_id.get();
        let draft = capture.interaction();
        // A conversation that has happened: one dated ahead would count as
        // the latest contact and silence Today's reminders.
        if draft.occurred_on() > now.date_naive() {
            return Err(StoreError::invalid(
                "occurred_on",
                format!(
                    "{} is after today ({}); record a conversation once it has happened",
                    draft.occurred_on(),
                    now.date_naive()
                ),
            ));
        }
        let mut tx = self.begin().await?;
        let account = project_account(&mut tx, project_id).await?;
        let mut named: Vec<(String, i64)> = draft
            .participant_ids()
            .iter()
            .enumerate()
            .map(|(i, id)| (format!("participant_ids[{i}]"), id.get()))
            .collect();
        for (i, q) in capture.questions().iter().enumerate() {
            named.push((format!("questions[{i}].asked_of_id"), q.asked_of_id().get()));
        }
        for (i, c) in capture.commitments().iter().enumerate() {
            named.push((
                format!("commitments[{i}].promised_by_id"),
                c.promised_by_id().get(),
            ));
            named.push((
                format!("commitments[{i}].promised_to_id"),
                c.promised_to_id().get(),
            ));
        }
        check_people_of_project(&mut tx, account, &named).await?;
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
        for question in capture.questions() {
            let qid = insert_question(&mut tx, now, project_id, question, Some(id)).await?;
            let detail = (question.question(), question.asked_of_id(), id);
            audit(&mut tx, now, actor, "question", qid, "raise", &detail).await?;
        }
        for commitment in capture.commitments() {
            let cid = insert_commitment(&mut tx, now, project_id, commitment, Some(id)).await?;
            let detail = (commitment.description(), commitment.due_on(), id);
            audit(&mut tx, now, actor, "commitment", cid, "create", &detail).await?;
        }
        if told_news_ids.is_empty() {
            crate::news::reevaluate(&mut tx, project_id, now.date_naive()).await?;
        } else {
            // News is told to the client rep: they must have been there.
            let rep = crate::news::client_rep(&mut tx, project_id).await?;
            if !draft.participant_ids().contains(&rep) {
                let name = crate::people::load_person(&mut tx, rep.get()).await?.name;
                return Err(StoreError::invalid(
                    "told_news_ids",
                    format!("news is told to the client rep, {name}, who did not take part in this conversation; tick them under who took part, or leave the news unticked"),
                ));
            }
            crate::news::tell(
                &mut tx,
                now,
                actor,
                project_id,
                told_news_ids,
                draft.occurred_on(),
                crate::news::Telling::Conversation { interaction_id: id },
            )
            .await?;
        }
        let questions = select_raised_in(&mut tx, id).await?;
        let commitments = select_made_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(Captured {
            interaction: Interaction {
                id,
                project_id: ProjectId::new(project_id),
                occurred_on: draft.occurred_on(),
                kind: draft.kind(),
                summary: draft.summary().to_string(),
                notes: draft.notes().map(str::to_string),
                participant_ids: draft.participant_ids().to_vec(),
            },
            questions: questions
                .into_iter()
                .map(FollowUpQuestion::try_from)
                .collect::<Result<_>>()?,
            commitments: commitments
                .into_iter()
                .map(Commitment::try_from)
                .collect::<Result<_>>()?,
        })
    }

    /// The project a follow-up question belongs to, for access checks.
    pub async fn question_project(&self, id: i64) -> Result<Option<ProjectId>> {
        self.record_project("follow_up_questions", id).await
    }

    /// The project a commitment belongs to, for access checks.
    pub async fn commitment_project(&self, id: i64) -> Result<Option<ProjectId>> {
        self.record_project("commitments", id).await
    }

    async fn record_project(&self, table: &'static str, id: i64) -> Result<Option<ProjectId>> {
        let mut tx = self.read_one().await?;
        let found: Option<(i64,)> = fetch!(
            tx,
            fetch_optional,
            &format!("SELECT project_id FROM {table} WHERE id = $1"),
            id
        );
        tx.commit().await?;
        Ok(found.map(|(p,)| ProjectId::new(p)))
    }

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

    /// One page of a project's interactions, newest first, and how many
    /// there are in all; read in one snapshot.
    pub async fn interactions_page(
        &self,
        project_id: ProjectId,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<Interaction>, i64)> {
        let project_id = project_id.get();
        let mut tx = self.begin_read().await?;
        require_project(&mut tx, project_id).await?;
        let rows = select_interaction_page(&mut tx, project_id, limit, offset).await?;
        let total = count_interactions(&mut tx, project_id).await?;
        let participants = select_participants_of(&mut tx, &ids_of(&rows)).await?;
        tx.commit().await?;
        let items = rows
            .into_iter()
            .map(|r| interaction_of(r, &participants))
            .collect::<Result<_>>()?;
        Ok((items, total))
    }

    /// A project's interactions, newest first.
    pub async fn interactions(&self, project_id: ProjectId) -> Result<Vec<Interaction>> {
        let project_id = project_id.get();
        let mut tx = self.begin_read().await?;
        let rows = select_interactions(&mut tx, project_id).await?;
        let participants = select_participants(&mut tx, project_id).await?;
        tx.commit().await?;
        rows.into_iter()
            .map(|r| interaction_of(r, &participants))
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
        let id = insert_question(&mut tx, now, project_id, draft, None).await?;
        let detail = (draft.question(), draft.asked_of_id());
        audit(&mut tx, now, actor, "question", id, "raise", &detail).await?;
        let question = load_question(&mut tx, id).await?;
        tx.commit().await?;
        Ok(question)
    }

    pub async fn question(&self, id: i64) -> Result<FollowUpQuestion> {
        let mut tx = self.read_one().await?;
        let question = load_question(&mut tx, id).await?;
        tx.commit().await?;
        Ok(question)
    }

    /// A project's follow-up questions, oldest first.
    pub async fn questions(&self, project_id: ProjectId) -> Result<Vec<FollowUpQuestion>> {
        let project_id = project_id.get();
        let mut tx = self.read_one().await?;
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
        let answer = rapport_core::domain::answer_text(answer, question.asked_on, on)
            .map_err(StoreError::Invalid)?;
        update_question_answer(&mut tx, id, &answer, on).await?;
        audit(
            &mut tx,
            now,
            actor,
            "question",
            id,
            "answer",
            &(&answer, on),
        )
        .await?;
        let question = load_question(&mut tx, id).await?;
        tx.commit().await?;
        Ok(question)
    }

    /// Marks that the answer was understood and confirmed with the person;
    /// `by` names who confirmed it, as people read it.
    pub async fn confirm_understanding(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        id: i64,
        on: NaiveDate,
        by: &str,
    ) -> Result<FollowUpQuestion> {
        let mut tx = self.begin().await?;
        let question = load_question(&mut tx, id).await?;
        next_question_state(question.state, QuestionState::UnderstandingConfirmed)
            .map_err(|e| StoreError::invalid("state", e))?;
        rapport_core::domain::check_confirmation(question.answered_on, on)
            .map_err(StoreError::Invalid)?;
        update_question_confirmed(&mut tx, id, on, by).await?;
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
        let id = insert_commitment(&mut tx, now, project_id, draft, None).await?;
        let detail = (draft.description(), draft.due_on());
        audit(&mut tx, now, actor, "commitment", id, "create", &detail).await?;
        let commitment = load_commitment(&mut tx, id).await?;
        crate::news::reevaluate(&mut tx, project_id, now.date_naive()).await?;
        tx.commit().await?;
        Ok(commitment)
    }

    pub async fn commitment(&self, id: i64) -> Result<Commitment> {
        let mut tx = self.read_one().await?;
        let commitment = load_commitment(&mut tx, id).await?;
        tx.commit().await?;
        Ok(commitment)
    }

    /// A project's commitments by due date.
    pub async fn commitments(&self, project_id: ProjectId) -> Result<Vec<Commitment>> {
        let project_id = project_id.get();
        let mut tx = self.read_one().await?;
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
        resolution: &Resolution<'_>,
    ) -> Result<Commitment> {
        let Resolution {
            state,
            on,
            new_due,
            reason,
        } = *resolution;
        let mut tx = self.begin().await?;
        let current = load_commitment(&mut tx, id).await?;
        let settled = settle_commitment(current.due_on, state, on, new_due, reason)
            .map_err(StoreError::Invalid)?;
        update_commitment_state(&mut tx, now, id, &settled).await?;
        let detail = (
            current.state.as_str(),
            settled.due_on,
            settled.reason.as_deref(),
        );
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
        crate::news::reevaluate(&mut tx, commitment.project_id.get(), now.date_naive()).await?;
        tx.commit().await?;
        Ok(commitment)
    }
}
