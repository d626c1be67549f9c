//! Delivering reports and recording deliveries: a sender's claim (the
//! `sending` state with its lease), a failed attempt and its backoff, an
//! accepted message, and a report the PM sent themselves — each delivery
//! recorded with its e-mail interaction and the news it told, in one
//! transaction.

use chrono::{DateTime, NaiveDate, Utc};
use rapport_core::domain::InteractionDraft;
use rapport_core::ids::PersonId;

use super::{
    backoff, freeze, load, Delivery, Outgoing, Report, ReportState, LEASE, MAX_DELIVERY_ATTEMPTS,
};
use crate::news::{self, Figures, Telling};
use crate::relationships::statements::{insert_interaction, insert_participants};
use crate::{audit, fetch, on_tx, Result, Store, StoreError, Tx};

impl Store {
    /// Claims the report most overdue for delivery, if any: its next
    /// attempt moves a lease ahead, so no other sender takes it meanwhile.
    pub async fn claim_delivery(&self, now: DateTime<Utc>) -> Result<Option<Delivery>> {
        let mut tx = self.begin().await?;
        crate::take_turns(&mut tx, &["report-delivery"]).await?;
        let due: Option<(i64, i64, Vec<u8>, String, String)> = fetch!(
            tx,
            fetch_optional,
            "SELECT id, attempts, message, envelope_from, envelope_to FROM status_reports \
             WHERE state IN ('queued', 'failed', 'sending') AND attempts < $1 AND next_attempt_at <= $2 \
             ORDER BY next_attempt_at, id LIMIT 1",
            MAX_DELIVERY_ATTEMPTS,
            now,
        );
        let Some((id, attempts, message, envelope_from, envelope_to)) = due else {
            return Ok(None);
        };
        on_tx!(tx, conn => {
            sqlx::query("UPDATE status_reports SET state = 'sending', next_attempt_at = $1 WHERE id = $2")
                .bind(now + LEASE)
                .bind(id)
                .execute(conn)
                .await?;
        });
        tx.commit().await?;
        Ok(Some(Delivery {
            id,
            attempts,
            message,
            envelope_from,
            envelope_to,
        }))
    }

    /// Records a failed attempt: the error, and when to try again.
    pub async fn delivery_failed(
        &self,
        now: DateTime<Utc>,
        id: i64,
        error: &str,
    ) -> Result<Report> {
        let mut tx = self.begin().await?;
        let report = load(&mut tx, id).await?;
        if report.state == ReportState::Sent {
            return Ok(report);
        }
        // A permanent refusal (5xx) will not go by waiting: stop retrying.
        let failures = if error.contains("permanently refused") {
            MAX_DELIVERY_ATTEMPTS
        } else {
            report.attempts + 1
        };
        on_tx!(tx, conn => {
            sqlx::query(
                "UPDATE status_reports SET state = 'failed', attempts = $1, last_error = $2, next_attempt_at = $3 WHERE id = $4",
            )
            .bind(failures)
            .bind(error.chars().take(2000).collect::<String>())
            .bind(now + backoff(failures))
            .bind(id)
            .execute(conn)
            .await?;
        });
        let report = load(&mut tx, id).await?;
        tx.commit().await?;
        Ok(report)
    }

    /// Records a delivery the SMTP server accepted, all at once: the
    /// report sent, the e-mail as an interaction between its sender and
    /// reader, and the news it contained (still open) told with the
    /// figures it stated.
    pub async fn delivered(&self, now: DateTime<Utc>, id: i64) -> Result<Report> {
        let mut tx = self.begin().await?;
        let report = load(&mut tx, id).await?;
        if report.state == ReportState::Sent {
            return Ok(report);
        }
        let notes = "The status report, delivered by e-mail with its PDF.";
        let report = mark_delivered(&mut tx, now, report, "mail", notes).await?;
        tx.commit().await?;
        Ok(report)
    }

    /// Records that the PM sent a draft themselves (downloaded and
    /// e-mailed, or handed over): its documents frozen as they went, then,
    /// as for a delivery, the interaction and the news told — on their
    /// word, since Rapport did not send it.
    pub async fn sent_by_hand(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        id: i64,
        out: &Outgoing,
    ) -> Result<Report> {
        let mut tx = self.begin().await?;
        let report = load(&mut tx, id).await?;
        if report.state != ReportState::Draft {
            return Err(StoreError::Conflict(format!(
                "report {id} is {}; only a draft can be recorded as sent by hand",
                report.state.as_str()
            )));
        }
        freeze(&mut tx, now, id, out, "queued").await?;
        // Never the sender's to take: it has no message to send.
        stop_attempts(&mut tx, id).await?;
        audit(
            &mut tx,
            now,
            actor,
            "status_report",
            id,
            "sent_by_hand",
            &out.envelope_to,
        )
        .await?;
        let report = load(&mut tx, id).await?;
        let notes = "The status report, sent by the project manager themselves.";
        let report = mark_delivered(&mut tx, now, report, actor, notes).await?;
        tx.commit().await?;
        Ok(report)
    }

    /// Records that the PM sent a report that failed to go out themselves
    /// (as it was frozen to go): sent, with its interaction and news told.
    pub async fn failed_sent_by_hand(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        id: i64,
    ) -> Result<Report> {
        let mut tx = self.begin().await?;
        let report = load(&mut tx, id).await?;
        if report.state != ReportState::Failed {
            return Err(StoreError::Conflict(format!(
                "report {id} is {}; only a draft or a failed report can be recorded as sent by hand",
                report.state.as_str()
            )));
        }
        stop_attempts(&mut tx, id).await?;
        audit(
            &mut tx,
            now,
            actor,
            "status_report",
            id,
            "sent_by_hand",
            &report.attempts,
        )
        .await?;
        let notes =
            "The status report, sent by the project manager themselves after e-mail failed.";
        let report = mark_delivered(&mut tx, now, report, actor, notes).await?;
        tx.commit().await?;
        Ok(report)
    }
}

/// A delivery, recorded inside the caller's transaction: the report sent,
/// the e-mail as an interaction, and the news it contained told.
async fn mark_delivered(
    tx: &mut Tx,
    now: DateTime<Utc>,
    report: Report,
    actor: &str,
    notes: &str,
) -> Result<Report> {
    let id = report.id;
    let (sender, news_json, figures_json): (Option<i64>, Option<String>, Option<String>) = fetch!(
        tx,
        fetch_one,
        "SELECT sender_id, news_ids, figures FROM status_reports WHERE id = $1",
        id
    );
    let today: NaiveDate = now.date_naive();
    let project_id = report.project_id.get();
    let mut people = vec![
        PersonId::new(sender.unwrap_or(report.recipient_id.get())),
        report.recipient_id,
    ];
    people.dedup();
    let summary = report
        .subject
        .clone()
        .unwrap_or_else(|| format!("Status report {id}"));
    let summary: String = format!("Sent: {summary}").chars().take(500).collect();
    let draft = InteractionDraft::new(today, "email", &summary, Some(notes), &people)
        .map_err(StoreError::Invalid)?;
    let interaction_id = insert_interaction(tx, now, project_id, &draft).await?;
    let ids: Vec<i64> = people.iter().map(|p| p.get()).collect();
    insert_participants(tx, interaction_id, &ids).await?;
    on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE status_reports SET state = 'sent', sent_at = $1, attempts = attempts + 1, \
             last_error = NULL, next_attempt_at = NULL, interaction_id = $2 WHERE id = $3",
        )
        .bind(now)
        .bind(interaction_id)
        .bind(id)
        .execute(conn)
        .await?;
    });
    audit(tx, now, actor, "status_report", id, "sent", &interaction_id).await?;
    // The news it contained that is still open is told now; what was
    // told meanwhile in another way stays as it was.
    let contained: Vec<i64> = news_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default();
    let figures: Figures = figures_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default();
    let still_open = news::open_among(tx, project_id, &contained).await?;
    if report.recipient_id == news::client_rep(tx, project_id).await? {
        let how = Telling::Report {
            interaction_id,
            figures,
        };
        news::tell(tx, now, actor, project_id, &still_open, today, how).await?;
    } else {
        news::reevaluate(tx, project_id, today).await?;
    }
    load(tx, id).await
}

/// Takes the report out of the sender's queue (it has no next attempt).
async fn stop_attempts(tx: &mut Tx, id: i64) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query("UPDATE status_reports SET next_attempt_at = NULL WHERE id = $1")
            .bind(id)
            .execute(conn)
            .await?;
    });
    Ok(())
}
