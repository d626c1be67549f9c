//! Status records: cumulative earned value and actual cost at a date.

use chrono::{DateTime, NaiveDate, Utc};
use rapport_core::domain::StatusDraft;
use serde::Serialize;

use crate::{audit, conflict_on_unique, on_pool, Result, Store, StoreError};

#[derive(sqlx::FromRow)]
struct StatusRow {
    id: i64,
    project_id: i64,
    status_date: NaiveDate,
    ev_minor: i64,
    ac_minor: i64,
    manager_eac_minor: Option<i64>,
    comment: Option<String>,
    archived: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

/// A stored status record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusRecord {
    pub id: i64,
    pub project_id: i64,
    pub status_date: NaiveDate,
    pub ev_minor: i64,
    pub ac_minor: i64,
    pub manager_eac_minor: Option<i64>,
    pub comment: Option<String>,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl StatusRecord {
    /// The record as the earned-value engine takes it.
    pub fn draft(&self) -> StatusDraft {
        StatusDraft {
            status_date: self.status_date,
            ev_minor: self.ev_minor,
            ac_minor: self.ac_minor,
            manager_eac_minor: self.manager_eac_minor,
            comment: self.comment.clone(),
        }
    }
}

impl From<StatusRow> for StatusRecord {
    fn from(r: StatusRow) -> Self {
        Self {
            id: r.id,
            project_id: r.project_id,
            status_date: r.status_date,
            ev_minor: r.ev_minor,
            ac_minor: r.ac_minor,
            manager_eac_minor: r.manager_eac_minor,
            comment: r.comment,
            archived: r.archived,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

const SELECT_STATUS: &str =
    "SELECT id, project_id, status_date, ev_minor, ac_minor, manager_eac_minor, comment, \
     archived, created_at, updated_at FROM status_records";

fn duplicate_date(project_id: i64, date: NaiveDate) -> String {
    format!(
        "project {project_id} already has a status record on {date}; update that record or archive it first"
    )
}

impl Store {
    pub async fn create_status(
        &self,
        actor: &str,
        project_id: i64,
        draft: &StatusDraft,
    ) -> Result<StatusRecord> {
        self.project(project_id).await?;
        let now = Utc::now();
        let id = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO status_records (project_id, status_date, ev_minor, ac_minor, manager_eac_minor, comment, \
                 created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(project_id)
            .bind(draft.status_date)
            .bind(draft.ev_minor)
            .bind(draft.ac_minor)
            .bind(draft.manager_eac_minor)
            .bind(&draft.comment)
            .bind(now)
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| conflict_on_unique(e, || duplicate_date(project_id, draft.status_date)))?;
            audit!(tx, actor, "status_record", id, "create", (project_id, draft.status_date, draft.ev_minor, draft.ac_minor));
            tx.commit().await?;
            id
        });
        self.status_record(project_id, id).await
    }

    /// One status record of a project (a record of another project is not
    /// found, so ids cannot be probed across projects).
    pub async fn status_record(&self, project_id: i64, id: i64) -> Result<StatusRecord> {
        let row: Option<StatusRow> = on_pool!(self, pool => {
            sqlx::query_as(&format!("{SELECT_STATUS} WHERE id = $1 AND project_id = $2"))
                .bind(id)
                .bind(project_id)
                .fetch_optional(pool)
                .await?
        });
        row.map(StatusRecord::from)
            .ok_or_else(|| StoreError::not_found("status record", id))
    }

    /// A project's status records in date order.
    pub async fn status_records(
        &self,
        project_id: i64,
        include_archived: bool,
    ) -> Result<Vec<StatusRecord>> {
        self.project(project_id).await?;
        let rows: Vec<StatusRow> = on_pool!(self, pool => {
            sqlx::query_as(&format!(
                "{SELECT_STATUS} WHERE project_id = $1 AND ($2 OR NOT archived) ORDER BY status_date, id"
            ))
            .bind(project_id)
            .bind(include_archived)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(StatusRecord::from).collect())
    }

    pub async fn update_status(
        &self,
        actor: &str,
        project_id: i64,
        id: i64,
        draft: &StatusDraft,
    ) -> Result<StatusRecord> {
        self.status_record(project_id, id).await?;
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "UPDATE status_records SET status_date = $1, ev_minor = $2, ac_minor = $3, manager_eac_minor = $4, \
                 comment = $5, updated_at = $6 WHERE id = $7 AND project_id = $8",
            )
            .bind(draft.status_date)
            .bind(draft.ev_minor)
            .bind(draft.ac_minor)
            .bind(draft.manager_eac_minor)
            .bind(&draft.comment)
            .bind(Utc::now())
            .bind(id)
            .bind(project_id)
            .execute(&mut *tx)
            .await
            .map_err(|e| conflict_on_unique(e, || duplicate_date(project_id, draft.status_date)))?;
            audit!(tx, actor, "status_record", id, "update", (draft.status_date, draft.ev_minor, draft.ac_minor, draft.manager_eac_minor));
            tx.commit().await?;
        });
        self.status_record(project_id, id).await
    }

    pub async fn set_status_archived(
        &self,
        actor: &str,
        project_id: i64,
        id: i64,
        archived: bool,
    ) -> Result<StatusRecord> {
        let record = self.status_record(project_id, id).await?;
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("UPDATE status_records SET archived = $1, updated_at = $2 WHERE id = $3")
                .bind(archived)
                .bind(Utc::now())
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(|e| conflict_on_unique(e, || duplicate_date(project_id, record.status_date)))?;
            audit!(tx, actor, "status_record", id, if archived { "archive" } else { "restore" }, archived);
            tx.commit().await?;
        });
        self.status_record(project_id, id).await
    }
}
