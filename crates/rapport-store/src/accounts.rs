//! Accounts (client organisations) and their internal standards.

use chrono::{DateTime, Utc};
use rapport_core::domain::{AccountDraft, Standard};
use serde::Serialize;

use crate::{audit, on_pool, Result, Store, StoreError};

#[derive(sqlx::FromRow)]
struct AccountRow {
    id: i64,
    name: String,
    industry: Option<String>,
    notes: Option<String>,
    archived: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct StandardRow {
    account_id: i64,
    title: String,
    description: Option<String>,
}

/// A stored client organisation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Account {
    pub id: i64,
    pub name: String,
    pub industry: Option<String>,
    pub notes: Option<String>,
    pub standards: Vec<Standard>,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn assemble(row: AccountRow, standards: &[StandardRow]) -> Account {
    Account {
        id: row.id,
        name: row.name,
        industry: row.industry,
        notes: row.notes,
        standards: standards
            .iter()
            .filter(|s| s.account_id == row.id)
            .map(|s| Standard {
                title: s.title.clone(),
                description: s.description.clone(),
            })
            .collect(),
        archived: row.archived,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

const SELECT_ACCOUNT: &str =
    "SELECT id, name, industry, notes, archived, created_at, updated_at FROM accounts";

impl Store {
    pub async fn create_account(&self, actor: &str, draft: &AccountDraft) -> Result<Account> {
        let id = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let now = Utc::now();
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO accounts (name, industry, notes, created_at, updated_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(&draft.name)
            .bind(&draft.industry)
            .bind(&draft.notes)
            .bind(now)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            for (position, standard) in draft.standards.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO account_standards (account_id, position, title, description) VALUES ($1, $2, $3, $4)",
                )
                .bind(id)
                .bind(position as i64)
                .bind(&standard.title)
                .bind(&standard.description)
                .execute(&mut *tx)
                .await?;
            }
            audit!(tx, actor, "account", id, "create", draft.name);
            tx.commit().await?;
            id
        });
        self.account(id).await
    }

    pub async fn account(&self, id: i64) -> Result<Account> {
        let (row, standards) = on_pool!(self, pool => {
            let row: Option<AccountRow> = sqlx::query_as(&format!("{SELECT_ACCOUNT} WHERE id = $1"))
                .bind(id)
                .fetch_optional(pool)
                .await?;
            let standards: Vec<StandardRow> = sqlx::query_as(
                "SELECT account_id, title, description FROM account_standards WHERE account_id = $1 ORDER BY position",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            (row, standards)
        });
        let row = row.ok_or_else(|| StoreError::not_found("account", id))?;
        Ok(assemble(row, &standards))
    }

    /// Accounts by name; archived ones only when asked for.
    pub async fn accounts(&self, include_archived: bool) -> Result<Vec<Account>> {
        let (rows, standards) = on_pool!(self, pool => {
            let rows: Vec<AccountRow> = sqlx::query_as(&format!(
                "{SELECT_ACCOUNT} WHERE ($1 OR NOT archived) ORDER BY name, id"
            ))
            .bind(include_archived)
            .fetch_all(pool)
            .await?;
            let standards: Vec<StandardRow> = sqlx::query_as(
                "SELECT account_id, title, description FROM account_standards ORDER BY account_id, position",
            )
            .fetch_all(pool)
            .await?;
            (rows, standards)
        });
        Ok(rows.into_iter().map(|r| assemble(r, &standards)).collect())
    }

    /// Replaces an account's fields and its list of standards.
    pub async fn update_account(
        &self,
        actor: &str,
        id: i64,
        draft: &AccountDraft,
    ) -> Result<Account> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let updated = sqlx::query(
                "UPDATE accounts SET name = $1, industry = $2, notes = $3, updated_at = $4 WHERE id = $5",
            )
            .bind(&draft.name)
            .bind(&draft.industry)
            .bind(&draft.notes)
            .bind(Utc::now())
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if updated == 0 {
                return Err(StoreError::not_found("account", id));
            }
            sqlx::query("DELETE FROM account_standards WHERE account_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            for (position, standard) in draft.standards.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO account_standards (account_id, position, title, description) VALUES ($1, $2, $3, $4)",
                )
                .bind(id)
                .bind(position as i64)
                .bind(&standard.title)
                .bind(&standard.description)
                .execute(&mut *tx)
                .await?;
            }
            audit!(tx, actor, "account", id, "update", draft.name);
            tx.commit().await?;
        });
        self.account(id).await
    }

    /// Archives (or restores) an account; nothing is deleted.
    pub async fn set_account_archived(
        &self,
        actor: &str,
        id: i64,
        archived: bool,
    ) -> Result<Account> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let updated = sqlx::query("UPDATE accounts SET archived = $1, updated_at = $2 WHERE id = $3")
                .bind(archived)
                .bind(Utc::now())
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if updated == 0 {
                return Err(StoreError::not_found("account", id));
            }
            audit!(tx, actor, "account", id, if archived { "archive" } else { "restore" }, archived);
            tx.commit().await?;
        });
        self.account(id).await
    }
}
