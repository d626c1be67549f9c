//! Mission briefs (each edit a new version, so the history stays) and team
//! concerns (raised by anyone on the project, answered by its manager).

use chrono::{DateTime, Utc};
use rapport_core::domain::{concern_text, BriefDraft};
use rapport_core::ids::{PersonId, ProjectId};
use serde::Serialize;

use crate::people::person_exists;
use crate::projects::require_project;
use crate::{audit, fetch, on_tx, Result, Store, StoreError, Tx};

/// One version of a project's mission brief.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct MissionBrief {
    pub id: i64,
    pub project_id: i64,
    /// 1, 2, 3 … within the project; the highest is the brief.
    pub version: i64,
    pub goal: String,
    pub success_criteria: Option<String>,
    pub personal_stakes: Option<String>,
    pub unwritten_expectations: Option<String>,
    pub expertise: Option<String>,
    pub written_by: String,
    pub written_at: DateTime<Utc>,
}
crate::direct::direct_row!(MissionBrief {
    id,
    project_id,
    version,
    goal,
    success_criteria,
    personal_stakes,
    unwritten_expectations,
    expertise,
    written_by,
    written_at
});

/// A concern a team member raised, and its answer.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Concern {
    pub id: i64,
    pub project_id: i64,
    pub raised_by_id: i64,
    pub concern: String,
    pub raised_at: DateTime<Utc>,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
}
crate::direct::direct_row!(Concern {
    id,
    project_id,
    raised_by_id,
    concern,
    raised_at,
    answer,
    answered_by,
    answered_at
});

const SELECT_BRIEF: &str =
    "SELECT id, project_id, version, goal, success_criteria, personal_stakes, \
     unwritten_expectations, expertise, written_by, written_at FROM mission_briefs";
const SELECT_CONCERN: &str = "SELECT id, project_id, raised_by_id, concern, raised_at, answer, \
     answered_by, answered_at FROM concerns";

impl Store {
    /// Writes the brief anew as the project's next version; `by` names the
    /// writer as people read it.
    pub async fn save_brief(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        project_id: ProjectId,
        draft: &BriefDraft,
        by: &str,
    ) -> Result<MissionBrief> {
        let project_id = project_id.get();
        let mut tx = self.begin().await?;
        require_project(&mut tx, project_id).await?;
        let (latest,): (Option<i64>,) = fetch!(
            tx,
            fetch_one,
            "SELECT MAX(version) FROM mission_briefs WHERE project_id = $1",
            project_id
        );
        let version = latest.unwrap_or(0) + 1;
        let (id,): (i64,) = on_tx!(tx, conn => {
            sqlx::query_as(
                "INSERT INTO mission_briefs (project_id, version, goal, success_criteria, personal_stakes, \
                 unwritten_expectations, expertise, written_by, written_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(project_id)
            .bind(version)
            .bind(draft.goal())
            .bind(draft.success_criteria())
            .bind(draft.personal_stakes())
            .bind(draft.unwritten_expectations())
            .bind(draft.expertise())
            .bind(by)
            .bind(now)
            .fetch_one(conn)
            .await?
        });
        audit(
            &mut tx,
            now,
            actor,
            "mission_brief",
            id,
            "write",
            &(version, draft.goal()),
        )
        .await?;
        let brief = load_brief(&mut tx, id).await?;
        tx.commit().await?;
        Ok(brief)
    }

    /// Every version of a project's brief, newest first (the first is the
    /// brief).
    pub async fn brief_history(&self, project_id: ProjectId) -> Result<Vec<MissionBrief>> {
        let mut tx = self.read_one().await?;
        let rows: Vec<MissionBrief> = fetch!(
            tx,
            fetch_all,
            &format!("{SELECT_BRIEF} WHERE project_id = $1 ORDER BY version DESC"),
            project_id.get()
        );
        tx.commit().await?;
        Ok(rows)
    }

    /// Records a concern raised by a person about a project.
    pub async fn raise_concern(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        project_id: ProjectId,
        raised_by: PersonId,
        text: &str,
    ) -> Result<Concern> {
        let text = concern_text("concern", text).map_err(StoreError::Invalid)?;
        let project_id = project_id.get();
        let mut tx = self.begin().await?;
        require_project(&mut tx, project_id).await?;
        if !person_exists(&mut tx, raised_by.get()).await? {
            return Err(StoreError::invalid(
                "raised_by_id",
                format!("no person with id {raised_by}"),
            ));
        }
        let (id,): (i64,) = on_tx!(tx, conn => {
            sqlx::query_as(
                "INSERT INTO concerns (project_id, raised_by_id, concern, raised_at) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(project_id)
            .bind(raised_by.get())
            .bind(&text)
            .bind(now)
            .fetch_one(conn)
            .await?
        });
        audit(&mut tx, now, actor, "concern", id, "raise", &text).await?;
        let concern = load_concern(&mut tx, id).await?;
        tx.commit().await?;
        Ok(concern)
    }

    /// Answers (or re-answers) a concern of this project.
    pub async fn answer_concern(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        project_id: ProjectId,
        id: i64,
        answer: &str,
        by: &str,
    ) -> Result<Concern> {
        let answer = concern_text("answer", answer).map_err(StoreError::Invalid)?;
        let mut tx = self.begin().await?;
        let concern = load_concern(&mut tx, id).await?;
        if concern.project_id != project_id.get() {
            return Err(StoreError::not_found("concern", id));
        }
        on_tx!(tx, conn => {
            sqlx::query("UPDATE concerns SET answer = $1, answered_by = $2, answered_at = $3 WHERE id = $4")
                .bind(&answer)
                .bind(by)
                .bind(now)
                .bind(id)
                .execute(conn)
                .await?;
        });
        audit(&mut tx, now, actor, "concern", id, "answer", &answer).await?;
        let concern = load_concern(&mut tx, id).await?;
        tx.commit().await?;
        Ok(concern)
    }

    /// A project's concerns, unanswered first, then newest first.
    pub async fn concerns(&self, project_id: ProjectId) -> Result<Vec<Concern>> {
        let mut tx = self.read_one().await?;
        let rows: Vec<Concern> = fetch!(
            tx,
            fetch_all,
            &format!(
                "{SELECT_CONCERN} WHERE project_id = $1 AND NOT archived \
                 ORDER BY CASE WHEN answered_at IS NULL THEN 0 ELSE 1 END, raised_at DESC, id DESC"
            ),
            project_id.get()
        );
        tx.commit().await?;
        Ok(rows)
    }
}

async fn load_brief(tx: &mut Tx, id: i64) -> Result<MissionBrief> {
    let row: Option<MissionBrief> = fetch!(
        tx,
        fetch_optional,
        &format!("{SELECT_BRIEF} WHERE id = $1"),
        id
    );
    row.ok_or_else(|| StoreError::not_found("mission brief", id))
}

async fn load_concern(tx: &mut Tx, id: i64) -> Result<Concern> {
    let row: Option<Concern> = fetch!(
        tx,
        fetch_optional,
        &format!("{SELECT_CONCERN} WHERE id = $1"),
        id
    );
    row.ok_or_else(|| StoreError::not_found("concern", id))
}
