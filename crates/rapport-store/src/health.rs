//! The history of each account's relationship health: one score a day.

use chrono::NaiveDate;
use rapport_core::health::Snapshot;
use rapport_core::ids::AccountId;

use crate::{fetch, on_tx, Result, Store};

impl Store {
    /// Keeps today's score of each account (again today: replaced).
    pub async fn save_health(&self, on: NaiveDate, scores: &[(AccountId, u8)]) -> Result<()> {
        let mut tx = self.begin().await?;
        for (account, score) in scores {
            on_tx!(tx, conn => {
                sqlx::query("DELETE FROM health_snapshots WHERE account_id = $1 AND taken_on = $2")
                    .bind(account.get())
                    .bind(on)
                    .execute(&mut *conn)
                    .await?;
                sqlx::query("INSERT INTO health_snapshots (account_id, taken_on, score) VALUES ($1, $2, $3)")
                    .bind(account.get())
                    .bind(on)
                    .bind(i64::from(*score))
                    .execute(&mut *conn)
                    .await?;
            });
        }
        tx.commit().await
    }

    /// Each account's latest score, for the portfolio.
    pub async fn latest_health(&self) -> Result<std::collections::HashMap<AccountId, u8>> {
        let mut tx = self.read_one().await?;
        let rows: Vec<(i64, i64)> = fetch!(
            tx,
            fetch_all,
            "SELECT h.account_id, h.score FROM health_snapshots h \
             WHERE h.taken_on = (SELECT MAX(l.taken_on) FROM health_snapshots l WHERE l.account_id = h.account_id)",
        );
        tx.commit().await?;
        Ok(rows
            .into_iter()
            .map(|(a, s)| {
                (
                    AccountId::new(a),
                    u8::try_from(s.clamp(0, 100)).unwrap_or(0),
                )
            })
            .collect())
    }

    /// An account's scores, oldest first, the last `days` days.
    pub async fn health_history(
        &self,
        account: AccountId,
        since: NaiveDate,
    ) -> Result<Vec<Snapshot>> {
        let mut tx = self.read_one().await?;
        let rows: Vec<(NaiveDate, i64)> = fetch!(
            tx,
            fetch_all,
            "SELECT taken_on, score FROM health_snapshots WHERE account_id = $1 AND taken_on >= $2 ORDER BY taken_on",
            account.get(),
            since,
        );
        tx.commit().await?;
        Ok(rows
            .into_iter()
            .map(|(on, score)| Snapshot {
                on,
                score: u8::try_from(score.clamp(0, 100)).unwrap_or(0),
            })
            .collect())
    }
}
