//! Calendar feeds: one live secret URL per user at most. Making a new one
//! revokes the old; revoking leaves none. Only digests are stored.

use chrono::{DateTime, Utc};
use rapport_core::ids::UserId;

use crate::{fetch, on_tx, Result, Store};

impl Store {
    /// Starts a feed with this secret's digest, revoking the user's
    /// earlier feed, in one transaction.
    pub async fn start_calendar_feed(
        &self,
        now: DateTime<Utc>,
        user: UserId,
        secret_hash: &str,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        on_tx!(tx, conn => {
            sqlx::query("UPDATE calendar_feeds SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
                .bind(now)
                .bind(user.get())
                .execute(&mut *conn)
                .await?;
            sqlx::query("INSERT INTO calendar_feeds (user_id, secret_hash, created_at) VALUES ($1, $2, $3)")
                .bind(user.get())
                .bind(secret_hash)
                .bind(now)
                .execute(&mut *conn)
                .await?;
        });
        tx.commit().await
    }

    /// Revokes the user's feed, if any; returns whether there was one.
    pub async fn revoke_calendar_feed(&self, now: DateTime<Utc>, user: UserId) -> Result<bool> {
        let mut tx = self.begin().await?;
        let revoked = on_tx!(tx, conn => {
            sqlx::query("UPDATE calendar_feeds SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
                .bind(now)
                .bind(user.get())
                .execute(conn)
                .await?
                .rows_affected()
        });
        tx.commit().await?;
        Ok(revoked > 0)
    }

    /// When the user's live feed was started, if they have one.
    pub async fn calendar_feed_started(&self, user: UserId) -> Result<Option<DateTime<Utc>>> {
        let mut tx = self.read_one().await?;
        let found: Option<(DateTime<Utc>,)> = fetch!(
            tx,
            fetch_optional,
            "SELECT created_at FROM calendar_feeds WHERE user_id = $1 AND revoked_at IS NULL",
            user.get()
        );
        tx.commit().await?;
        Ok(found.map(|(t,)| t))
    }

    /// The user a live feed secret belongs to (not disabled).
    pub async fn calendar_feed_user(&self, secret_hash: &str) -> Result<Option<UserId>> {
        let mut tx = self.read_one().await?;
        let found: Option<(i64,)> = fetch!(
            tx,
            fetch_optional,
            "SELECT f.user_id FROM calendar_feeds f JOIN users u ON u.id = f.user_id \
                 WHERE f.secret_hash = $1 AND f.revoked_at IS NULL AND NOT u.disabled",
            secret_hash
        );
        tx.commit().await?;
        Ok(found.map(|(id,)| UserId::new(id)))
    }
}
