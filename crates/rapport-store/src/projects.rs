//! Projects: their baseline (budget, dates, planned-value curve), the
//! people on them and their stakeholders.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rapport_core::domain::{
    PlannedPoint, ProjectBaseline, ProjectDraft, ProjectStatus, Side, ValidationErrors,
};
use serde::Serialize;

use crate::{audit, on_pool, parse_stored, Result, Store, StoreError};

#[derive(sqlx::FromRow)]
struct ProjectRow {
    id: i64,
    account_id: i64,
    name: String,
    code: Option<String>,
    project_manager_id: i64,
    client_rep_id: i64,
    currency: String,
    bac_minor: i64,
    baseline_start: NaiveDate,
    baseline_finish: NaiveDate,
    status: String,
    archived: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct PlannedRow {
    project_id: i64,
    period_end: NaiveDate,
    pv_minor: i64,
}

#[derive(sqlx::FromRow)]
struct StakeholderRow {
    project_id: i64,
    person_id: i64,
    role: String,
}

/// A person's role on a project, besides the PM and the client rep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stakeholder {
    pub person_id: i64,
    pub role: String,
}

/// A stored project with its baseline and stakeholders.
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    pub id: i64,
    pub account_id: i64,
    pub name: String,
    pub code: Option<String>,
    pub project_manager_id: i64,
    pub client_rep_id: i64,
    pub status: ProjectStatus,
    pub baseline: ProjectBaseline,
    pub stakeholders: Vec<Stakeholder>,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn assemble(
    row: ProjectRow,
    planned: &HashMap<i64, Vec<PlannedPoint>>,
    stakeholders: &HashMap<i64, Vec<Stakeholder>>,
) -> Result<Project> {
    let points = planned.get(&row.id).cloned().unwrap_or_default();
    let baseline = ProjectBaseline::new(
        &row.currency,
        row.bac_minor,
        row.baseline_start,
        row.baseline_finish,
        points,
    )
    .map_err(|e| StoreError::Corrupt(format!("project {} baseline: {e}", row.id)))?;
    Ok(Project {
        id: row.id,
        account_id: row.account_id,
        name: row.name,
        code: row.code,
        project_manager_id: row.project_manager_id,
        client_rep_id: row.client_rep_id,
        status: parse_stored(&row.status, "projects.status")?,
        baseline,
        stakeholders: stakeholders.get(&row.id).cloned().unwrap_or_default(),
        archived: row.archived,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

const SELECT_PROJECT: &str = "SELECT id, account_id, name, code, project_manager_id, client_rep_id, currency, \
     bac_minor, baseline_start, baseline_finish, status, archived, created_at, updated_at FROM projects";

/// What the audit log keeps of a project's client-facing facts.
#[derive(Serialize)]
struct ProjectAudit<'a> {
    name: &'a str,
    status: &'a str,
    currency: &'a str,
    bac_minor: i64,
    baseline_start: NaiveDate,
    baseline_finish: NaiveDate,
    planned: &'a [PlannedPoint],
    project_manager_id: i64,
    client_rep_id: i64,
}

impl<'a> ProjectAudit<'a> {
    fn of(draft: &'a ProjectDraft) -> Self {
        Self {
            name: &draft.name,
            status: draft.status.as_str(),
            currency: draft.baseline.currency.code(),
            bac_minor: draft.baseline.bac_minor,
            baseline_start: draft.baseline.start,
            baseline_finish: draft.baseline.finish,
            planned: &draft.baseline.planned,
            project_manager_id: draft.project_manager_id,
            client_rep_id: draft.client_rep_id,
        }
    }
}

impl Store {
    /// Checks that what a project refers to exists and fits: the account,
    /// a firm-side project manager, a client rep from the same account, and
    /// each stakeholder.
    async fn check_project_references(&self, draft: &ProjectDraft) -> Result<()> {
        let mut errors = ValidationErrors::default();
        if let Err(StoreError::NotFound { .. }) = self.account(draft.account_id).await {
            errors.add(
                "account_id",
                format!("no account with id {}", draft.account_id),
            );
        }
        match self.person(draft.project_manager_id).await {
            Ok(pm) if pm.side != Side::Firm => errors.add(
                "project_manager_id",
                format!("{} (person {}) is on the client side; the project manager is one of the firm's people", pm.name, pm.id),
            ),
            Err(StoreError::NotFound { .. }) => errors.add(
                "project_manager_id",
                format!("no person with id {}", draft.project_manager_id),
            ),
            Err(e) => return Err(e),
            Ok(_) => {}
        }
        match self.person(draft.client_rep_id).await {
            Ok(rep) if rep.side != Side::Client || rep.account_id != Some(draft.account_id) => errors.add(
                "client_rep_id",
                format!(
                    "{} (person {}) is not one of account {}'s people; the client rep works for the client",
                    rep.name, rep.id, draft.account_id
                ),
            ),
            Err(StoreError::NotFound { .. }) => {
                errors.add("client_rep_id", format!("no person with id {}", draft.client_rep_id))
            }
            Err(e) => return Err(e),
            Ok(_) => {}
        }
        for (i, (person_id, _)) in draft.stakeholders.iter().enumerate() {
            if let Err(StoreError::NotFound { .. }) = self.person(*person_id).await {
                errors.add(
                    format!("stakeholders[{i}].person_id"),
                    format!("no person with id {person_id}"),
                );
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(StoreError::Invalid(errors))
        }
    }

    pub async fn create_project(&self, actor: &str, draft: &ProjectDraft) -> Result<Project> {
        self.check_project_references(draft).await?;
        let now = Utc::now();
        let b = &draft.baseline;
        let id = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO projects (account_id, name, code, project_manager_id, client_rep_id, currency, bac_minor, \
                 baseline_start, baseline_finish, status, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
            )
            .bind(draft.account_id)
            .bind(&draft.name)
            .bind(&draft.code)
            .bind(draft.project_manager_id)
            .bind(draft.client_rep_id)
            .bind(b.currency.code())
            .bind(b.bac_minor)
            .bind(b.start)
            .bind(b.finish)
            .bind(draft.status.as_str())
            .bind(now)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            for (i, point) in b.planned.iter().enumerate() {
                sqlx::query("INSERT INTO planned_values (project_id, period, period_end, pv_minor) VALUES ($1, $2, $3, $4)")
                    .bind(id)
                    .bind(i as i64 + 1)
                    .bind(point.period_end)
                    .bind(point.pv_minor)
                    .execute(&mut *tx)
                    .await?;
            }
            for (person_id, role) in &draft.stakeholders {
                sqlx::query("INSERT INTO project_stakeholders (project_id, person_id, role) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(person_id)
                    .bind(role)
                    .execute(&mut *tx)
                    .await?;
            }
            audit!(tx, actor, "project", id, "create", ProjectAudit::of(draft));
            tx.commit().await?;
            id
        });
        self.project(id).await
    }

    pub async fn project(&self, id: i64) -> Result<Project> {
        let (row, planned, stakeholders) = on_pool!(self, pool => {
            let row: Option<ProjectRow> = sqlx::query_as(&format!("{SELECT_PROJECT} WHERE id = $1"))
                .bind(id)
                .fetch_optional(pool)
                .await?;
            let planned: Vec<PlannedRow> = sqlx::query_as(
                "SELECT project_id, period_end, pv_minor FROM planned_values WHERE project_id = $1 ORDER BY period",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            let stakeholders: Vec<StakeholderRow> = sqlx::query_as(
                "SELECT project_id, person_id, role FROM project_stakeholders WHERE project_id = $1 ORDER BY person_id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            (row, planned, stakeholders)
        });
        let row = row.ok_or_else(|| StoreError::not_found("project", id))?;
        assemble(
            row,
            &group_planned(planned),
            &group_stakeholders(stakeholders),
        )
    }

    /// Projects by name, optionally one account's; archived ones only when
    /// asked for. Three queries whatever the number of projects.
    pub async fn projects(
        &self,
        account_id: Option<i64>,
        include_archived: bool,
    ) -> Result<Vec<Project>> {
        let (rows, planned, stakeholders) = on_pool!(self, pool => {
            let rows: Vec<ProjectRow> = sqlx::query_as(&format!(
                "{SELECT_PROJECT} WHERE ($1 OR NOT archived) AND ($2 IS NULL OR account_id = $3) ORDER BY name, id"
            ))
            .bind(include_archived)
            .bind(account_id)
            .bind(account_id)
            .fetch_all(pool)
            .await?;
            let planned: Vec<PlannedRow> = sqlx::query_as(
                "SELECT project_id, period_end, pv_minor FROM planned_values ORDER BY project_id, period",
            )
            .fetch_all(pool)
            .await?;
            let stakeholders: Vec<StakeholderRow> = sqlx::query_as(
                "SELECT project_id, person_id, role FROM project_stakeholders ORDER BY project_id, person_id",
            )
            .fetch_all(pool)
            .await?;
            (rows, planned, stakeholders)
        });
        let planned = group_planned(planned);
        let stakeholders = group_stakeholders(stakeholders);
        rows.into_iter()
            .map(|row| assemble(row, &planned, &stakeholders))
            .collect()
    }

    /// Replaces a project's fields, baseline and stakeholders.
    pub async fn update_project(
        &self,
        actor: &str,
        id: i64,
        draft: &ProjectDraft,
    ) -> Result<Project> {
        self.project(id).await?;
        self.check_project_references(draft).await?;
        let b = &draft.baseline;
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "UPDATE projects SET account_id = $1, name = $2, code = $3, project_manager_id = $4, client_rep_id = $5, \
                 currency = $6, bac_minor = $7, baseline_start = $8, baseline_finish = $9, status = $10, updated_at = $11 \
                 WHERE id = $12",
            )
            .bind(draft.account_id)
            .bind(&draft.name)
            .bind(&draft.code)
            .bind(draft.project_manager_id)
            .bind(draft.client_rep_id)
            .bind(b.currency.code())
            .bind(b.bac_minor)
            .bind(b.start)
            .bind(b.finish)
            .bind(draft.status.as_str())
            .bind(Utc::now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM planned_values WHERE project_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            for (i, point) in b.planned.iter().enumerate() {
                sqlx::query("INSERT INTO planned_values (project_id, period, period_end, pv_minor) VALUES ($1, $2, $3, $4)")
                    .bind(id)
                    .bind(i as i64 + 1)
                    .bind(point.period_end)
                    .bind(point.pv_minor)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query("DELETE FROM project_stakeholders WHERE project_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            for (person_id, role) in &draft.stakeholders {
                sqlx::query("INSERT INTO project_stakeholders (project_id, person_id, role) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(person_id)
                    .bind(role)
                    .execute(&mut *tx)
                    .await?;
            }
            audit!(tx, actor, "project", id, "update", ProjectAudit::of(draft));
            tx.commit().await?;
        });
        self.project(id).await
    }

    pub async fn set_project_archived(
        &self,
        actor: &str,
        id: i64,
        archived: bool,
    ) -> Result<Project> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let updated = sqlx::query("UPDATE projects SET archived = $1, updated_at = $2 WHERE id = $3")
                .bind(archived)
                .bind(Utc::now())
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if updated == 0 {
                return Err(StoreError::not_found("project", id));
            }
            audit!(tx, actor, "project", id, if archived { "archive" } else { "restore" }, archived);
            tx.commit().await?;
        });
        self.project(id).await
    }

    /// Adds a stakeholder or changes their role.
    pub async fn set_stakeholder(
        &self,
        actor: &str,
        project_id: i64,
        person_id: i64,
        role: &str,
    ) -> Result<Vec<Stakeholder>> {
        self.project(project_id).await?;
        let role = role.trim();
        if role.is_empty() {
            return Err(StoreError::invalid("role", "must not be empty"));
        }
        if let Err(StoreError::NotFound { .. }) = self.person(person_id).await {
            return Err(StoreError::invalid(
                "person_id",
                format!("no person with id {person_id}"),
            ));
        }
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let updated = sqlx::query("UPDATE project_stakeholders SET role = $1 WHERE project_id = $2 AND person_id = $3")
                .bind(role)
                .bind(project_id)
                .bind(person_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if updated == 0 {
                sqlx::query("INSERT INTO project_stakeholders (project_id, person_id, role) VALUES ($1, $2, $3)")
                    .bind(project_id)
                    .bind(person_id)
                    .bind(role)
                    .execute(&mut *tx)
                    .await?;
            }
            audit!(tx, actor, "project", project_id, "set_stakeholder", (person_id, role));
            tx.commit().await?;
        });
        Ok(self.project(project_id).await?.stakeholders)
    }

    /// Takes a person off a project's stakeholders (the person stays).
    pub async fn remove_stakeholder(
        &self,
        actor: &str,
        project_id: i64,
        person_id: i64,
    ) -> Result<Vec<Stakeholder>> {
        self.project(project_id).await?;
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let removed = sqlx::query("DELETE FROM project_stakeholders WHERE project_id = $1 AND person_id = $2")
                .bind(project_id)
                .bind(person_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if removed == 0 {
                return Err(StoreError::not_found("stakeholder", person_id));
            }
            audit!(tx, actor, "project", project_id, "remove_stakeholder", person_id);
            tx.commit().await?;
        });
        Ok(self.project(project_id).await?.stakeholders)
    }
}

fn group_planned(rows: Vec<PlannedRow>) -> HashMap<i64, Vec<PlannedPoint>> {
    let mut map: HashMap<i64, Vec<PlannedPoint>> = HashMap::new();
    for row in rows {
        map.entry(row.project_id).or_default().push(PlannedPoint {
            period_end: row.period_end,
            pv_minor: row.pv_minor,
        });
    }
    map
}

fn group_stakeholders(rows: Vec<StakeholderRow>) -> HashMap<i64, Vec<Stakeholder>> {
    let mut map: HashMap<i64, Vec<Stakeholder>> = HashMap::new();
    for row in rows {
        map.entry(row.project_id).or_default().push(Stakeholder {
            person_id: row.person_id,
            role: row.role,
        });
    }
    map
}
