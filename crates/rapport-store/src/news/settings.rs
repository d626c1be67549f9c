//! An account's or a client person's tightening of the news rules, kept
//! as JSON; changing it evaluates the news of the projects it touches.

use chrono::{DateTime, Utc};
use rapport_core::ids::PersonId;

use super::reevaluate;
use crate::{audit, fetch, on_tx, Result, Store, StoreError};

/// Whose rule settings: an account's, or one client person's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingsOf {
    Account(rapport_core::ids::AccountId),
    Person(PersonId),
}

impl Store {
    /// The settings an account or a person tightens the rules with.
    pub async fn news_settings(
        &self,
        of: SettingsOf,
    ) -> Result<Option<rapport_core::disclosure::RuleSettings>> {
        let (account, person) = match of {
            SettingsOf::Account(a) => (Some(a.get()), None),
            SettingsOf::Person(p) => (None, Some(p.get())),
        };
        let mut tx = self.read_one().await?;
        let found: Option<(String,)> = fetch!(
            tx,
            fetch_optional,
            "SELECT settings FROM news_settings WHERE account_id = $1 OR person_id = $2",
            account,
            person
        );
        tx.commit().await?;
        found
            .map(|(json,)| {
                serde_json::from_str(&json)
                    .map_err(|e| StoreError::Corrupt(format!("news_settings: {e}")))
            })
            .transpose()
    }

    /// Replaces an account's or a person's settings, and evaluates the
    /// news of the projects they touch again (a tighter rule can make news
    /// at once).
    pub async fn set_news_settings(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        of: SettingsOf,
        settings: &rapport_core::disclosure::RuleSettings,
    ) -> Result<()> {
        let json = serde_json::to_string(settings)
            .map_err(|e| StoreError::Corrupt(format!("news settings: {e}")))?;
        let (account, person, entity, id) = match of {
            SettingsOf::Account(a) => (Some(a.get()), None, "account", a.get()),
            SettingsOf::Person(p) => (None, Some(p.get()), "person", p.get()),
        };
        let mut tx = self.begin().await?;
        on_tx!(tx, conn => {
            sqlx::query("DELETE FROM news_settings WHERE account_id = $1 OR person_id = $2")
                .bind(account)
                .bind(person)
                .execute(&mut *conn)
                .await?;
            sqlx::query("INSERT INTO news_settings (account_id, person_id, settings, updated_at) VALUES ($1, $2, $3, $4)")
                .bind(account)
                .bind(person)
                .bind(&json)
                .bind(now)
                .execute(&mut *conn)
                .await?;
        });
        audit(&mut tx, now, actor, entity, id, "news_rules", settings).await?;
        let projects: Vec<(i64,)> = fetch!(
            tx,
            fetch_all,
            "SELECT id FROM projects WHERE NOT archived AND (account_id = $1 OR client_rep_id = $2) ORDER BY id",
            account,
            person,
        );
        for (project,) in projects {
            reevaluate(&mut tx, project, now.date_naive()).await?;
        }
        tx.commit().await
    }
}
