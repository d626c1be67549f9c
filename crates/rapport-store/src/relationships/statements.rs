//! The statements of the relationship records: rows as stored, and one
//! small function per query, each taking the caller's transaction.

use super::*;

#[derive(sqlx::FromRow)]
pub(super) struct InteractionRow {
    id: i64,
    project_id: i64,
    occurred_on: NaiveDate,
    kind: String,
    summary: String,
    notes: Option<String>,
}
crate::direct::direct_row!(InteractionRow {
    id,
    project_id,
    occurred_on,
    kind,
    summary,
    notes
});

#[derive(sqlx::FromRow)]
pub(super) struct QuestionRow {
    id: i64,
    project_id: i64,
    question: String,
    asked_of_id: i64,
    asked_on: NaiveDate,
    answer: Option<String>,
    answered_on: Option<NaiveDate>,
    confirmed_on: Option<NaiveDate>,
    confirmed_by: Option<String>,
    state: String,
    interaction_id: Option<i64>,
}
crate::direct::direct_row!(QuestionRow {
    id,
    project_id,
    question,
    asked_of_id,
    asked_on,
    answer,
    answered_on,
    confirmed_on,
    confirmed_by,
    state,
    interaction_id
});

#[derive(sqlx::FromRow)]
pub(super) struct CommitmentRow {
    id: i64,
    project_id: i64,
    promised_by_id: i64,
    promised_to_id: i64,
    description: String,
    due_on: NaiveDate,
    state: String,
    resolved_on: Option<NaiveDate>,
    reason: Option<String>,
    interaction_id: Option<i64>,
}
crate::direct::direct_row!(CommitmentRow {
    id,
    project_id,
    promised_by_id,
    promised_to_id,
    description,
    due_on,
    state,
    resolved_on,
    reason,
    interaction_id
});

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
            reason: r.reason,
            interaction_id: r.interaction_id,
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
            confirmed_by: r.confirmed_by,
            state: parse_stored(&r.state, "follow_up_questions.state")?,
            interaction_id: r.interaction_id,
        })
    }
}

/// The account of a project, which must exist.
pub(super) async fn project_account(tx: &mut Tx, project_id: i64) -> Result<i64> {
    let found: Option<(i64,)> = fetch!(
        tx,
        fetch_optional,
        "SELECT account_id FROM projects WHERE id = $1",
        project_id
    );
    found
        .map(|(a,)| a)
        .ok_or_else(|| StoreError::not_found("project", project_id))
}

/// Each `(field, person id)` must name a person of the firm or of the
/// project's client: a capture never names another client's people.
pub(super) async fn check_people_of_project(
    tx: &mut Tx,
    account: i64,
    fields: &[(String, i64)],
) -> Result<()> {
    let mut errors = rapport_core::domain::ValidationErrors::default();
    for (field, id) in fields {
        let found: Option<(String, Option<i64>)> = fetch!(
            tx,
            fetch_optional,
            "SELECT side, account_id FROM people WHERE id = $1",
            *id
        );
        match found {
            None => errors.add(field.as_str(), format!("no person with id {id}")),
            Some((side, person_account)) if side == "client" && person_account != Some(account) => {
                errors.add(
                    field.as_str(),
                    format!("person {id} is not with this project's client; name someone of the client or of the firm"),
                )
            }
            Some(_) => {}
        }
    }
    errors.into_result(()).map_err(StoreError::Invalid)
}

/// Each `(field, person id)` must name a stored person.
pub(super) async fn check_people(tx: &mut Tx, fields: &[(&str, i64)]) -> Result<()> {
    let mut errors = rapport_core::domain::ValidationErrors::default();
    for (field, id) in fields {
        if !person_exists(tx, *id).await? {
            errors.add(*field, format!("no person with id {id}"));
        }
    }
    errors.into_result(()).map_err(StoreError::Invalid)
}

pub(crate) async fn insert_interaction(
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

pub(crate) async fn insert_participants(
    tx: &mut Tx,
    interaction_id: i64,
    person_ids: &[i64],
) -> Result<()> {
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

pub(super) async fn select_interactions(
    tx: &mut Tx,
    project_id: i64,
) -> Result<Vec<InteractionRow>> {
    Ok(fetch!(
        tx,
        fetch_all,
        "SELECT id, project_id, occurred_on, kind, summary, notes FROM interactions \
             WHERE project_id = $1 AND NOT archived ORDER BY occurred_on DESC, id DESC",
        project_id
    ))
}

/// One page of a project's interactions, newest first.
pub(super) async fn select_interaction_page(
    tx: &mut Tx,
    project_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<InteractionRow>> {
    Ok(fetch!(
        tx,
        fetch_all,
        "SELECT id, project_id, occurred_on, kind, summary, notes FROM interactions \
         WHERE project_id = $1 AND NOT archived ORDER BY occurred_on DESC, id DESC LIMIT $2 OFFSET $3",
        project_id,
        limit,
        offset,
    ))
}

pub(super) async fn count_interactions(tx: &mut Tx, project_id: i64) -> Result<i64> {
    let (total,): (i64,) = fetch!(
        tx,
        fetch_one,
        "SELECT COUNT(*) FROM interactions WHERE project_id = $1 AND NOT archived",
        project_id
    );
    Ok(total)
}

pub(super) fn ids_of<'a>(rows: impl IntoIterator<Item = &'a InteractionRow>) -> Vec<i64> {
    rows.into_iter().map(|r| r.id).collect()
}

/// An interaction from its row and the (interaction, person) pairs read
/// with it.
pub(super) fn interaction_of(
    r: InteractionRow,
    participants: &[(i64, i64)],
) -> Result<Interaction> {
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
}

/// (interaction id, person id) for the given interactions, one query per
/// page (bound one by one: `ANY($1)` is PostgreSQL's alone).
pub(super) async fn select_participants_of(tx: &mut Tx, ids: &[i64]) -> Result<Vec<(i64, i64)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT interaction_id, person_id FROM interaction_participants \
         WHERE interaction_id IN ({}) ORDER BY person_id",
        crate::in_list(ids.len())
    );
    Ok(fetch_list!(tx, fetch_all, &sql, ids))
}

/// (interaction id, person id) for every interaction of the project.
pub(super) async fn select_participants(tx: &mut Tx, project_id: i64) -> Result<Vec<(i64, i64)>> {
    Ok(fetch!(
        tx,
        fetch_all,
        "SELECT p.interaction_id, p.person_id FROM interaction_participants p \
         JOIN interactions i ON i.id = p.interaction_id WHERE i.project_id = $1 ORDER BY p.person_id",
        project_id,
    ))
}

pub(super) const SELECT_QUESTION: &str =
    "SELECT id, project_id, question, asked_of_id, asked_on, answer, answered_on, confirmed_on, \
     confirmed_by, state, interaction_id FROM follow_up_questions";

pub(super) async fn load_question(tx: &mut Tx, id: i64) -> Result<FollowUpQuestion> {
    let row: Option<QuestionRow> = fetch!(
        tx,
        fetch_optional,
        &format!("{SELECT_QUESTION} WHERE id = $1"),
        id
    );
    row.ok_or_else(|| StoreError::not_found("follow-up question", id))?
        .try_into()
}

pub(super) async fn select_raised_in(tx: &mut Tx, interaction_id: i64) -> Result<Vec<QuestionRow>> {
    Ok(fetch!(
        tx,
        fetch_all,
        &format!("{SELECT_QUESTION} WHERE interaction_id = $1 ORDER BY id"),
        interaction_id
    ))
}

pub(super) async fn select_made_in(tx: &mut Tx, interaction_id: i64) -> Result<Vec<CommitmentRow>> {
    Ok(fetch!(
        tx,
        fetch_all,
        &format!("{SELECT_COMMITMENT} WHERE interaction_id = $1 ORDER BY id"),
        interaction_id
    ))
}

pub(super) async fn select_questions(tx: &mut Tx, project_id: i64) -> Result<Vec<QuestionRow>> {
    Ok(fetch!(
        tx,
        fetch_all,
        &format!("{SELECT_QUESTION} WHERE project_id = $1 AND NOT archived ORDER BY asked_on, id"),
        project_id
    ))
}

pub(super) async fn insert_question(
    tx: &mut Tx,
    now: DateTime<Utc>,
    project_id: i64,
    draft: &QuestionDraft,
    interaction_id: Option<i64>,
) -> Result<i64> {
    let (id,): (i64,) = on_tx!(tx, conn => {
        sqlx::query_as(
            "INSERT INTO follow_up_questions (project_id, question, asked_of_id, asked_on, state, created_at, \
             interaction_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(project_id)
        .bind(draft.question())
        .bind(draft.asked_of_id().get())
        .bind(draft.asked_on())
        .bind(QuestionState::Open.as_str())
        .bind(now)
        .bind(interaction_id)
        .fetch_one(conn)
        .await?
    });
    Ok(id)
}

pub(super) async fn update_question_answer(
    tx: &mut Tx,
    id: i64,
    answer: &str,
    on: NaiveDate,
) -> Result<()> {
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

pub(super) async fn update_question_confirmed(
    tx: &mut Tx,
    id: i64,
    on: NaiveDate,
    by: &str,
) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE follow_up_questions SET confirmed_on = $1, state = $2, confirmed_by = $3 WHERE id = $4",
        )
            .bind(on)
            .bind(QuestionState::UnderstandingConfirmed.as_str())
            .bind(by)
            .bind(id)
            .execute(conn)
            .await?;
    });
    Ok(())
}

pub(super) const SELECT_COMMITMENT: &str =
    "SELECT id, project_id, promised_by_id, promised_to_id, description, due_on, state, resolved_on, \
     reason, interaction_id FROM commitments";

pub(super) async fn load_commitment(tx: &mut Tx, id: i64) -> Result<Commitment> {
    let row: Option<CommitmentRow> = fetch!(
        tx,
        fetch_optional,
        &format!("{SELECT_COMMITMENT} WHERE id = $1"),
        id
    );
    row.ok_or_else(|| StoreError::not_found("commitment", id))?
        .try_into()
}

pub(super) async fn select_commitments(tx: &mut Tx, project_id: i64) -> Result<Vec<CommitmentRow>> {
    Ok(fetch!(
        tx,
        fetch_all,
        &format!("{SELECT_COMMITMENT} WHERE project_id = $1 AND NOT archived ORDER BY due_on, id"),
        project_id
    ))
}

pub(super) async fn insert_commitment(
    tx: &mut Tx,
    now: DateTime<Utc>,
    project_id: i64,
    draft: &CommitmentDraft,
    interaction_id: Option<i64>,
) -> Result<i64> {
    let (id,): (i64,) = on_tx!(tx, conn => {
        sqlx::query_as(
            "INSERT INTO commitments (project_id, promised_by_id, promised_to_id, description, due_on, state, \
             created_at, updated_at, interaction_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(project_id)
        .bind(draft.promised_by_id().get())
        .bind(draft.promised_to_id().get())
        .bind(draft.description())
        .bind(draft.due_on())
        .bind(CommitmentState::Open.as_str())
        .bind(now)
        .bind(now)
        .bind(interaction_id)
        .fetch_one(conn)
        .await?
    });
    Ok(id)
}

pub(super) async fn update_commitment_state(
    tx: &mut Tx,
    now: DateTime<Utc>,
    id: i64,
    settled: &Settlement,
) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query(
            // A settlement without a reason keeps a renegotiation's (kept
            // after it, the reason still says why the date moved); any
            // other earlier reason goes with the state it explained.
            "UPDATE commitments SET state = $1, resolved_on = $2, due_on = $3, updated_at = $4, \
             reason = COALESCE($5, CASE WHEN state = 'renegotiated' THEN reason END) WHERE id = $6",
        )
        .bind(settled.state.as_str())
        .bind(settled.resolved_on)
        .bind(settled.due_on)
        .bind(now)
        .bind(settled.reason.as_deref())
        .bind(id)
        .execute(conn)
        .await?;
    });
    Ok(())
}
