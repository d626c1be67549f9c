//! The audit log: who changed which client-facing fact, and when.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{fetch, Result, Store, Tx};

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    at: DateTime<Utc>,
    actor: String,
    entity: String,
    entity_id: i64,
    action: String,
    detail: String,
}
crate::direct::direct_row!(AuditRow {
    id,
    at,
    actor,
    entity,
    entity_id,
    action,
    detail
});

/// One change, with what it changed to as JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub entity: String,
    pub entity_id: i64,
    pub action: String,
    pub detail: serde_json::Value,
}

impl Store {
    /// The changes to one record, oldest first.
    pub async fn audit_trail(&self, entity: &str, entity_id: i64) -> Result<Vec<AuditEntry>> {
        let mut tx = self.read_one().await?;
        let rows = select_trail(&mut tx, entity, entity_id).await?;
        tx.commit().await?;
        Ok(rows
            .into_iter()
            .map(|r| AuditEntry {
                id: r.id,
                at: r.at,
                actor: r.actor,
                entity: r.entity,
                entity_id: r.entity_id,
                action: r.action,
                detail: serde_json::from_str(&r.detail)
                    .unwrap_or(serde_json::Value::String(r.detail)),
            })
            .collect())
    }
}

async fn select_trail(tx: &mut Tx, entity: &str, entity_id: i64) -> Result<Vec<AuditRow>> {
    Ok(fetch!(
        tx,
        fetch_all,
        "SELECT id, at, actor, entity, entity_id, action, detail FROM audit_log \
             WHERE entity = $1 AND entity_id = $2 ORDER BY id",
        entity,
        entity_id
    ))
}
