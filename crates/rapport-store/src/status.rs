//! Status records: cumulative earned value and actual cost at a date.

use chrono::{DateTime, NaiveDate, Utc};
use rapport_core::domain::StatusDraft;
use serde::Serialize;

use crate::projects::require_project;
use crate::{audit, conflict_on_unique, fetch, fetch_list, on_tx, Result, Store, StoreError, Tx};
use rapport_core::ids::{ProjectId, StatusId};

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
crate::direct::direct_row!(StatusRow {
    id,
    project_id,
    status_date,
    ev_minor,
    ac_minor,
    manager_eac_minor,
    comment,
    archived,
    created_at,
    updated_at
});

/// A stored status record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusRecord {
    pub id: StatusId,
    pub project_id: ProjectId,
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
    /// The record as the earned-value engine takes it: validated again, so
    /// a stored row that no longer passes is reported, not computed with.
    pub fn draft(&self) -> Result<StatusDraft> {
        StatusDraft::new(
            self.status_date,
            self.ev_minor,
            self.ac_minor,
            self.manager_eac_minor,
            self.comment.as_deref(),
        )
        .map_err(|e| StoreError::Corrupt(format!("status record {}: {e}", self.id)))
    }
}

impl From<StatusRow> for StatusRecord {
    fn from(r: StatusRow) -> Self {
        Self {
            id: StatusId::new(r.id),
            project_id: ProjectId::new(r.project_id),
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
        now: DateTime<Utc>,
        actor: &str,
        project_id: ProjectId,
        draft: &StatusDraft,
    ) -> Result<StatusRecord> {
        let project_id = project_id.get();
        let mut tx = self.begin().await?;
        require_project(&mut tx, project_id).await?;
        require_after_start(&mut tx, project_id, draft.status_date()).await?;
        let id = insert_status(&mut tx, now, project_id, draft).await?;
        let detail = (
            project_id,
            draft.status_date(),
            draft.ev_minor(),
            draft.ac_minor(),
        );
        audit(&mut tx, now, actor, "status_record", id, "create", &detail).await?;
        let record = load_status(&mut tx, project_id, id).await?;
        crate::news::reevaluate(&mut tx, project_id, now.date_naive()).await?;
        tx.commit().await?;
        Ok(record)
    }

    /// One status record of a project (a record of another project is not
    /// found, so ids cannot be probed across projects).
    pub async fn status_record(&self, project_id: ProjectId, id: StatusId) -> Result<StatusRecord> {
        let project_id = project_id.get();
        let id = id.get();
        let mut tx = self.read_one().await?;
        let record = load_status(&mut tx, project_id, id).await?;
        tx.commit().await?;
        Ok(record)
    }

    /// A project's status records in date order.
    pub async fn status_records(
        &self,
        project_id: ProjectId,
        include_archived: bool,
    ) -> Result<Vec<StatusRecord>> {
        let project_id = project_id.get();
        let mut tx = self.begin_read().await?;
        require_project(&mut tx, project_id).await?;
        let rows = select_statuses(&mut tx, project_id, include_archived).await?;
        tx.commit().await?;
        Ok(rows.into_iter().map(StatusRecord::from).collect())
    }

    /// The live status records of many projects, by project, in one
    /// snapshot (a query per 5,000 projects): for pages that list
    /// projects, instead of a query each.
    pub async fn status_records_of(
        &self,
        projects: &[ProjectId],
    ) -> Result<std::collections::HashMap<ProjectId, Vec<StatusRecord>>> {
        let ids: Vec<i64> = projects.iter().map(|p| p.get()).collect();
        let mut out: std::collections::HashMap<ProjectId, Vec<StatusRecord>> =
            std::collections::HashMap::new();
        let mut tx = self.begin_read().await?;
        for chunk in ids.chunks(5_000) {
            let sql = format!(
                "{SELECT_STATUS} WHERE NOT archived AND project_id IN ({}) ORDER BY project_id, status_date, id",
                crate::in_list(chunk.len())
            );
            let rows: Vec<StatusRow> = fetch_list!(tx, fetch_all, &sql, chunk);
            for row in rows {
                let record = StatusRecord::from(row);
                out.entry(record.project_id).or_default().push(record);
            }
        }
        tx.commit().await?;
        Ok(out)
    }

    pub async fn update_status(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        project_id: ProjectId,
        id: StatusId,
        draft: &StatusDraft,
    ) -> Result<StatusRecord> {
        let project_id = project_id.get();
        let id = id.get();
        let mut tx = self.begin().await?;
        load_status(&mut tx, project_id, id).await?;
        require_after_start(&mut tx, project_id, draft.status_date()).await?;
        update_status_fields(&mut tx, now, project_id, id, draft).await?;
        let detail = (
            draft.status_date(),
            draft.ev_minor(),
            draft.ac_minor(),
            draft.manager_eac_minor(),
        );
        audit(&mut tx, now, actor, "status_record", id, "update", &detail).await?;
        let record = load_status(&mut tx, project_id, id).await?;
        crate::news::reevaluate(&mut tx, project_id, now.date_naive()).await?;
        tx.commit().await?;
        Ok(record)
    }

    /// Archives (or restores) a status record; restoring is refused while
    /// another live record holds its date.
    pub async fn set_status_archived(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        project_id: ProjectId,
        id: StatusId,
        archived: bool,
    ) -> Result<StatusRecord> {
        let project_id = project_id.get();
        let id = id.get();
        let mut tx = self.begin().await?;
        let record = load_status(&mut tx, project_id, id).await?;
        if !archived {
            require_after_start(&mut tx, project_id, record.status_date).await?;
        }
        update_status_archived(&mut tx, now, &record, archived).await?;
        let action = if archived { "archive" } else { "restore" };
        audit(&mut tx, now, actor, "status_record", id, action, &archived).await?;
        let record = load_status(&mut tx, project_id, id).await?;
        crate::news::reevaluate(&mut tx, project_id, now.date_naive()).await?;
        tx.commit().await?;
        Ok(record)
    }
}

/// Refuses a status dated on or before the baseline start: earned value
/// is measured from the start, so such a record would measure nothing and
/// the earned-value figures would leave it out without a word.
async fn require_after_start(tx: &mut Tx, project_id: i64, date: NaiveDate) -> Result<()> {
    let (start,): (NaiveDate,) = fetch!(
        tx,
        fetch_one,
        "SELECT baseline_start FROM projects WHERE id = $1",
        project_id
    );
    if date <= start {
        return Err(StoreError::invalid(
            "status_date",
            format!(
                "{date} is not after the baseline start ({start}): progress is measured from the start; date the status after it"
            ),
        ));
    }
    Ok(())
}

async fn load_status(tx: &mut Tx, project_id: i64, id: i64) -> Result<StatusRecord> {
    let row: Option<StatusRow> = fetch!(
        tx,
        fetch_optional,
        &format!("{SELECT_STATUS} WHERE id = $1 AND project_id = $2"),
        id,
        project_id
    );
    row.map(StatusRecord::from)
        .ok_or_else(|| StoreError::not_found("status record", id))
}

async fn select_statuses(
    tx: &mut Tx,
    project_id: i64,
    include_archived: bool,
) -> Result<Vec<StatusRow>> {
    Ok(fetch!(
        tx,
        fetch_all,
        &format!(
            "{SELECT_STATUS} WHERE project_id = $1 AND ($2 OR NOT archived) ORDER BY status_date, id"
        ),
        project_id,
        include_archived,
    ))
}

/// A second live record on the same date is a conflict.
async fn insert_status(
    tx: &mut Tx,
    now: DateTime<Utc>,
    project_id: i64,
    draft: &StatusDraft,
) -> Result<i64> {
    let (id,): (i64,) = on_tx!(tx, conn => {
        sqlx::query_as(
            "INSERT INTO status_records (project_id, status_date, ev_minor, ac_minor, manager_eac_minor, comment, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(project_id)
        .bind(draft.status_date())
        .bind(draft.ev_minor())
        .bind(draft.ac_minor())
        .bind(draft.manager_eac_minor())
        .bind(draft.comment())
        .bind(now)
        .bind(now)
        .fetch_one(conn)
        .await
        .map_err(|e| conflict_on_unique(e, || duplicate_date(project_id, draft.status_date())))?
    });
    Ok(id)
}

async fn update_status_fields(
    tx: &mut Tx,
    now: DateTime<Utc>,
    project_id: i64,
    id: i64,
    draft: &StatusDraft,
) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE status_records SET status_date = $1, ev_minor = $2, ac_minor = $3, manager_eac_minor = $4, \
             comment = $5, updated_at = $6 WHERE id = $7 AND project_id = $8",
        )
        .bind(draft.status_date())
        .bind(draft.ev_minor())
        .bind(draft.ac_minor())
        .bind(draft.manager_eac_minor())
        .bind(draft.comment())
        .bind(now)
        .bind(id)
        .bind(project_id)
        .execute(conn)
        .await
        .map_err(|e| conflict_on_unique(e, || duplicate_date(project_id, draft.status_date())))?;
    });
    Ok(())
}

/// Restoring a record whose date another live record holds is a conflict.
async fn update_status_archived(
    tx: &mut Tx,
    now: DateTime<Utc>,
    record: &StatusRecord,
    archived: bool,
) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query("UPDATE status_records SET archived = $1, updated_at = $2 WHERE id = $3")
            .bind(archived)
            .bind(now)
            .bind(record.id.get())
            .execute(conn)
            .await
            .map_err(|e| conflict_on_unique(e, || duplicate_date(record.project_id.get(), record.status_date)))?;
    });
    Ok(())
}

/// A project's live status records, by date.
pub(crate) async fn live_statuses(tx: &mut Tx, project_id: i64) -> Result<Vec<StatusRecord>> {
    Ok(select_statuses(tx, project_id, false)
        .await?
        .into_iter()
        .map(StatusRecord::from)
        .collect())
}
