//! Accounts (client organisations) and their internal standards.

use chrono::{DateTime, Utc};
use rapport_core::domain::{AccountDraft, Standard};
use serde::Serialize;

use crate::scope::account_visible;
use crate::{
    audit, fetch, on_tx, update_archived, Archivable, Result, Scope, Store, StoreError, Tx,
};
use rapport_core::ids::{AccountId, UserId};

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
crate::direct::direct_row!(AccountRow {
    id,
    name,
    industry,
    notes,
    archived,
    created_at,
    updated_at
});

#[derive(sqlx::FromRow)]
struct StandardRow {
    account_id: i64,
    title: String,
    description: Option<String>,
}
crate::direct::direct_row!(StandardRow {
    account_id,
    title,
    description
});

/// A stored client organisation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Account {
    pub id: AccountId,
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
        id: AccountId::new(row.id),
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
    pub async fn create_account(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        created_by_user: Option<UserId>,
        draft: &AccountDraft,
    ) -> Result<Account> {
        let created_by_user = created_by_user.map(UserId::get);
        let mut tx = self.begin().await?;
        let id = insert_account(&mut tx, now, created_by_user, draft).await?;
        insert_standards(&mut tx, id, draft.standards()).await?;
        audit(&mut tx, now, actor, "account", id, "create", &draft.name()).await?;
        let account = load_account(&mut tx, id).await?;
        tx.commit().await?;
        Ok(account)
    }

    pub async fn account(&self, id: AccountId) -> Result<Account> {
        let id = id.get();
        let mut tx = self.begin_read().await?;
        let account = load_account(&mut tx, id).await?;
        tx.commit().await?;
        Ok(account)
    }

    /// Accounts by name; archived ones only when asked for.
    pub async fn accounts(&self, scope: Scope, include_archived: bool) -> Result<Vec<Account>> {
        let mut tx = self.begin_read().await?;
        let rows = select_accounts(&mut tx, scope, include_archived).await?;
        let standards = select_all_standards(&mut tx).await?;
        tx.commit().await?;
        Ok(rows.into_iter().map(|r| assemble(r, &standards)).collect())
    }

    /// Replaces an account's fields and its list of standards.
    pub async fn update_account(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        id: AccountId,
        draft: &AccountDraft,
    ) -> Result<Account> {
        let id = id.get();
        let mut tx = self.begin().await?;
        if !update_account_fields(&mut tx, now, id, draft).await? {
            return Err(StoreError::not_found("account", id));
        }
        delete_standards(&mut tx, id).await?;
        insert_standards(&mut tx, id, draft.standards()).await?;
        audit(&mut tx, now, actor, "account", id, "update", &draft.name()).await?;
        let account = load_account(&mut tx, id).await?;
        tx.commit().await?;
        Ok(account)
    }

    /// Archives (or restores) an account; nothing is deleted.
    pub async fn set_account_archived(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        id: AccountId,
        archived: bool,
    ) -> Result<Account> {
        let id = id.get();
        let mut tx = self.begin().await?;
        if !update_archived(&mut tx, Archivable::Accounts, now, id, archived).await? {
            return Err(StoreError::not_found("account", id));
        }
        let action = if archived { "archive" } else { "restore" };
        audit(&mut tx, now, actor, "account", id, action, &archived).await?;
        let account = load_account(&mut tx, id).await?;
        tx.commit().await?;
        Ok(account)
    }
}

/// One account with its standards, read inside the caller's transaction.
pub(crate) async fn load_account(tx: &mut Tx, id: i64) -> Result<Account> {
    let row = select_account(tx, id)
        .await?
        .ok_or_else(|| StoreError::not_found("account", id))?;
    let standards = select_standards_of(tx, id).await?;
    Ok(assemble(row, &standards))
}

/// Whether an account with this id exists (archived or not).
pub(crate) async fn account_exists(tx: &mut Tx, id: i64) -> Result<bool> {
    let found: Option<(i64,)> = fetch!(
        tx,
        fetch_optional,
        "SELECT id FROM accounts WHERE id = $1",
        id
    );
    Ok(found.is_some())
}

async fn select_account(tx: &mut Tx, id: i64) -> Result<Option<AccountRow>> {
    Ok(fetch!(
        tx,
        fetch_optional,
        &format!("{SELECT_ACCOUNT} WHERE id = $1"),
        id
    ))
}

async fn select_accounts(
    tx: &mut Tx,
    scope: Scope,
    include_archived: bool,
) -> Result<Vec<AccountRow>> {
    let (all, person, user) = scope.binds();
    Ok(fetch!(
        tx,
        fetch_all,
        &format!(
            "{SELECT_ACCOUNT} WHERE ($1 OR NOT archived) AND {} ORDER BY name, id",
            account_visible(scope, "accounts", 2)
        ),
        include_archived,
        all,
        person,
        user
    ))
}

async fn select_standards_of(tx: &mut Tx, account_id: i64) -> Result<Vec<StandardRow>> {
    Ok(fetch!(
        tx,
        fetch_all,
        "SELECT account_id, title, description FROM account_standards WHERE account_id = $1 ORDER BY position",
        account_id,
    ))
}

async fn select_all_standards(tx: &mut Tx) -> Result<Vec<StandardRow>> {
    Ok(fetch!(
        tx,
        fetch_all,
        "SELECT account_id, title, description FROM account_standards ORDER BY account_id, position",
    ))
}

async fn insert_account(
    tx: &mut Tx,
    now: DateTime<Utc>,
    created_by_user: Option<i64>,
    draft: &AccountDraft,
) -> Result<i64> {
    let (id,): (i64,) = on_tx!(tx, conn => {
        sqlx::query_as(
            "INSERT INTO accounts (name, industry, notes, created_at, updated_at, created_by_user_id) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(draft.name())
        .bind(draft.industry())
        .bind(draft.notes())
        .bind(now)
        .bind(now)
        .bind(created_by_user)
        .fetch_one(conn)
        .await?
    });
    Ok(id)
}

/// Returns whether the account exists.
async fn update_account_fields(
    tx: &mut Tx,
    now: DateTime<Utc>,
    id: i64,
    draft: &AccountDraft,
) -> Result<bool> {
    let updated = on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE accounts SET name = $1, industry = $2, notes = $3, updated_at = $4 WHERE id = $5",
        )
        .bind(draft.name())
        .bind(draft.industry())
        .bind(draft.notes())
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?
        .rows_affected()
    });
    Ok(updated > 0)
}

/// Writes an account's standards in the order given.
async fn insert_standards(tx: &mut Tx, account_id: i64, standards: &[Standard]) -> Result<()> {
    for (position, standard) in standards.iter().enumerate() {
        on_tx!(tx, conn => {
            sqlx::query(
                "INSERT INTO account_standards (account_id, position, title, description) VALUES ($1, $2, $3, $4)",
            )
            .bind(account_id)
            .bind(position as i64)
            .bind(&standard.title)
            .bind(&standard.description)
            .execute(conn)
            .await?;
        });
    }
    Ok(())
}

async fn delete_standards(tx: &mut Tx, account_id: i64) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query("DELETE FROM account_standards WHERE account_id = $1")
            .bind(account_id)
            .execute(conn)
            .await?;
    });
    Ok(())
}
