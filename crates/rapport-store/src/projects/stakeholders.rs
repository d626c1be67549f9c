//! A project's stakeholders: the people on it besides the project
//! manager and the client rep, and their roles. Stakeholders are written
//! with the project and changed one at a time; the person record stays
//! when they leave.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::require_project;
use crate::people::person_exists;
use crate::{audit, fetch, on_tx, Result, Store, StoreError, Tx};
use rapport_core::ids::{PersonId, ProjectId};

#[derive(sqlx::FromRow)]
pub(super) struct StakeholderRow {
    pub(super) project_id: i64,
    person_id: i64,
    role: String,
}
crate::direct::direct_row!(StakeholderRow {
    project_id,
    person_id,
    role
});

/// A person's role on a project, besides the PM and the client rep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stakeholder {
    pub person_id: PersonId,
    pub role: String,
}

impl From<StakeholderRow> for Stakeholder {
    fn from(row: StakeholderRow) -> Self {
        Self {
            person_id: PersonId::new(row.person_id),
            role: row.role,
        }
    }
}

impl Store {
    /// Adds a stakeholder or changes their role.
    pub async fn set_stakeholder(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        project_id: ProjectId,
        person_id: PersonId,
        role: &str,
    ) -> Result<Vec<Stakeholder>> {
        let project_id = project_id.get();
        let person_id = person_id.get();
        let mut tx = self.begin().await?;
        require_project(&mut tx, project_id).await?;
        let role = rapport_core::domain::stakeholder_role(role).map_err(StoreError::Invalid)?;
        let role = role.as_str();
        if !person_exists(&mut tx, person_id).await? {
            return Err(StoreError::invalid(
                "person_id",
                format!("no person with id {person_id}"),
            ));
        }
        if !update_stakeholder_role(&mut tx, project_id, person_id, role).await? {
            insert_stakeholder(&mut tx, project_id, person_id, role).await?;
        }
        let detail = (person_id, role);
        audit(
            &mut tx,
            now,
            actor,
            "project",
            project_id,
            "set_stakeholder",
            &detail,
        )
        .await?;
        let stakeholders = select_stakeholders_of(&mut tx, project_id).await?;
        tx.commit().await?;
        Ok(stakeholders)
    }

    /// Takes a person off a project's stakeholders (the person stays).
    pub async fn remove_stakeholder(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        project_id: ProjectId,
        person_id: PersonId,
    ) -> Result<Vec<Stakeholder>> {
        let project_id = project_id.get();
        let person_id = person_id.get();
        let mut tx = self.begin().await?;
        require_project(&mut tx, project_id).await?;
        if !delete_stakeholder(&mut tx, project_id, person_id).await? {
            return Err(StoreError::not_found("stakeholder", person_id));
        }
        let action = "remove_stakeholder";
        audit(
            &mut tx, now, actor, "project", project_id, action, &person_id,
        )
        .await?;
        let stakeholders = select_stakeholders_of(&mut tx, project_id).await?;
        tx.commit().await?;
        Ok(stakeholders)
    }
}

/// Every project's stakeholders, by project id.
pub(super) async fn select_stakeholders_of(
    tx: &mut Tx,
    project_id: i64,
) -> Result<Vec<Stakeholder>> {
    let rows: Vec<StakeholderRow> = fetch!(
        tx,
        fetch_all,
        "SELECT project_id, person_id, role FROM project_stakeholders WHERE project_id = $1 ORDER BY person_id",
        project_id,
    );
    Ok(rows.into_iter().map(Stakeholder::from).collect())
}

pub(super) async fn insert_stakeholders(
    tx: &mut Tx,
    project_id: i64,
    stakeholders: &[(PersonId, String)],
) -> Result<()> {
    for (person_id, role) in stakeholders {
        insert_stakeholder(tx, project_id, person_id.get(), role).await?;
    }
    Ok(())
}

async fn insert_stakeholder(
    tx: &mut Tx,
    project_id: i64,
    person_id: i64,
    role: &str,
) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query("INSERT INTO project_stakeholders (project_id, person_id, role) VALUES ($1, $2, $3)")
            .bind(project_id)
            .bind(person_id)
            .bind(role)
            .execute(conn)
            .await?;
    });
    Ok(())
}

/// Returns whether the person was a stakeholder.
async fn update_stakeholder_role(
    tx: &mut Tx,
    project_id: i64,
    person_id: i64,
    role: &str,
) -> Result<bool> {
    let updated = on_tx!(tx, conn => {
        sqlx::query("UPDATE project_stakeholders SET role = $1 WHERE project_id = $2 AND person_id = $3")
            .bind(role)
            .bind(project_id)
            .bind(person_id)
            .execute(conn)
            .await?
            .rows_affected()
    });
    Ok(updated > 0)
}

pub(super) async fn delete_stakeholders(tx: &mut Tx, project_id: i64) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query("DELETE FROM project_stakeholders WHERE project_id = $1")
            .bind(project_id)
            .execute(conn)
            .await?;
    });
    Ok(())
}

/// Returns whether the person was a stakeholder.
async fn delete_stakeholder(tx: &mut Tx, project_id: i64, person_id: i64) -> Result<bool> {
    let removed = on_tx!(tx, conn => {
        sqlx::query("DELETE FROM project_stakeholders WHERE project_id = $1 AND person_id = $2")
            .bind(project_id)
            .bind(person_id)
            .execute(conn)
            .await?
            .rows_affected()
    });
    Ok(removed > 0)
}
