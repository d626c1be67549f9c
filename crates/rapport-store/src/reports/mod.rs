//! Status reports and their delivery. A report is a draft (its reader and
//! the PM's words) until sent; sending freezes the rendered documents and
//! the whole e-mail into the row and queues it there — the row is its own
//! outbox entry. A sender claims due rows with a lease, so two servers
//! never send one report at once; delivery, the e-mail interaction, the
//! ledger and the news told commit together, and only after the SMTP
//! server accepted the message.

use chrono::{DateTime, Duration, Utc};
use rapport_core::ids::{PersonId, ProjectId};
use serde::Serialize;

use crate::news::{self, Figures};
use crate::projects::require_project;
use crate::{audit, fetch, on_tx, Result, Store, StoreError, Tx};

mod delivery;
mod due;

pub use due::ReportedTo;
pub(crate) use due::{select_failed_reports, select_reported_to};

/// A report's life: draft → queued → sent, or failed (with the error,
/// and retried until it is sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    Draft,
    Queued,
    /// Claimed by a sender, which holds it until its lease runs out.
    Sending,
    Sent,
    Failed,
}

impl ReportState {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportState::Draft => "draft",
            ReportState::Queued => "queued",
            ReportState::Sending => "sending",
            ReportState::Sent => "sent",
            ReportState::Failed => "failed",
        }
    }
}

/// A stored report (without its frozen documents; see [`Store::report_documents`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub id: i64,
    pub project_id: ProjectId,
    pub recipient_id: PersonId,
    pub pm_words: Option<String>,
    pub state: ReportState,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub queued_at: Option<DateTime<Utc>>,
    pub subject: Option<String>,
    pub message_id: Option<String>,
    pub attempts: i64,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub interaction_id: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct ReportRow {
    id: i64,
    project_id: i64,
    recipient_id: i64,
    pm_words: Option<String>,
    state: String,
    created_by: String,
    created_at: DateTime<Utc>,
    queued_at: Option<DateTime<Utc>>,
    subject: Option<String>,
    message_id: Option<String>,
    attempts: i64,
    next_attempt_at: Option<DateTime<Utc>>,
    last_error: Option<String>,
    sent_at: Option<DateTime<Utc>>,
    interaction_id: Option<i64>,
}
crate::direct::direct_row!(ReportRow {
    id,
    project_id,
    recipient_id,
    pm_words,
    state,
    created_by,
    created_at,
    queued_at,
    subject,
    message_id,
    attempts,
    next_attempt_at,
    last_error,
    sent_at,
    interaction_id
});

impl TryFrom<ReportRow> for Report {
    type Error = StoreError;
    fn try_from(r: ReportRow) -> Result<Self> {
        let state = match r.state.as_str() {
            "draft" => ReportState::Draft,
            "queued" => ReportState::Queued,
            "sending" => ReportState::Sending,
            "sent" => ReportState::Sent,
            "failed" => ReportState::Failed,
            other => {
                return Err(StoreError::Corrupt(format!(
                    "status_reports.state: {other}"
                )))
            }
        };
        Ok(Self {
            id: r.id,
            project_id: ProjectId::new(r.project_id),
            recipient_id: PersonId::new(r.recipient_id),
            pm_words: r.pm_words,
            state,
            created_by: r.created_by,
            created_at: r.created_at,
            queued_at: r.queued_at,
            subject: r.subject,
            message_id: r.message_id,
            attempts: r.attempts,
            next_attempt_at: r.next_attempt_at,
            last_error: r.last_error,
            sent_at: r.sent_at,
            interaction_id: r.interaction_id,
        })
    }
}

const SELECT_REPORT: &str = "SELECT id, project_id, recipient_id, pm_words, state, created_by, created_at, \
     queued_at, subject, message_id, attempts, next_attempt_at, last_error, sent_at, interaction_id \
     FROM status_reports";

/// What sending freezes into a report.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub sender_id: PersonId,
    /// The PM's words the documents were written with: the freeze is
    /// refused if the draft's words changed meanwhile.
    pub pm_words: Option<String>,
    pub subject: String,
    pub markdown: String,
    pub html: String,
    pub pdf: Vec<u8>,
    /// The whole e-mail, as the SMTP server will receive it.
    pub message: Vec<u8>,
    pub message_id: String,
    pub envelope_from: String,
    pub envelope_to: String,
    /// The news the report contained (the open ones are told on delivery).
    pub news_ids: Vec<i64>,
    pub figures: Figures,
}

/// A report claimed for delivery.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub id: i64,
    pub attempts: i64,
    pub message: Vec<u8>,
    pub envelope_from: String,
    pub envelope_to: String,
}

/// The frozen documents of a queued or sent report.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportDocuments {
    pub subject: Option<String>,
    pub body_markdown: Option<String>,
    pub body_html: Option<String>,
    pub pdf: Option<Vec<u8>>,
}
crate::direct::direct_row!(ReportDocuments {
    subject,
    body_markdown,
    body_html,
    pdf
});

/// How long a claim holds a report for its sender: longer than an SMTP
/// exchange takes, short enough that a killed server's report is soon
/// taken by another.
pub const LEASE: Duration = Duration::minutes(2);

/// Attempts before a report stays failed for the PM to send again.
pub const MAX_DELIVERY_ATTEMPTS: i64 = 10;

/// The wait before attempt `n + 1` after `n` failures: 30 s doubling,
/// at most an hour.
pub fn backoff(failures: i64) -> Duration {
    let seconds = 30i64.saturating_mul(1i64 << failures.clamp(0, 7).max(0));
    Duration::seconds(seconds.min(3600))
}

/// A project's reports, newest first, inside the caller's transaction.
pub(crate) async fn select_reports(tx: &mut Tx, project_id: i64) -> Result<Vec<Report>> {
    let rows: Vec<ReportRow> = fetch!(
        tx,
        fetch_all,
        &format!("{SELECT_REPORT} WHERE project_id = $1 ORDER BY id DESC"),
        project_id
    );
    rows.into_iter().map(Report::try_from).collect()
}

impl Store {
    /// A draft report on a project for one client person.
    pub async fn create_report(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        project_id: ProjectId,
        recipient: PersonId,
        pm_words: Option<&str>,
    ) -> Result<Report> {
        let mut tx = self.begin().await?;
        require_project(&mut tx, project_id.get()).await?;
        check_recipient(&mut tx, project_id.get(), recipient).await?;
        let (id,): (i64,) = on_tx!(tx, conn => {
            sqlx::query_as(
                "INSERT INTO status_reports (project_id, recipient_id, pm_words, state, created_by, created_at) \
                 VALUES ($1, $2, $3, 'draft', $4, $5) RETURNING id",
            )
            .bind(project_id.get())
            .bind(recipient.get())
            .bind(pm_words)
            .bind(actor)
            .bind(now)
            .fetch_one(conn)
            .await?
        });
        audit(
            &mut tx,
            now,
            actor,
            "status_report",
            id,
            "draft",
            &recipient.get(),
        )
        .await?;
        let report = load(&mut tx, id).await?;
        tx.commit().await?;
        Ok(report)
    }

    /// Changes a draft's words (only while it is a draft: a report being
    /// sent keeps the words it is sent with).
    pub async fn set_report_words(&self, id: i64, pm_words: Option<&str>) -> Result<Report> {
        let mut tx = self.begin().await?;
        let changed = on_tx!(tx, conn => {
            sqlx::query("UPDATE status_reports SET pm_words = $1 WHERE id = $2 AND state = 'draft'")
                .bind(pm_words)
                .bind(id)
                .execute(conn)
                .await?
                .rows_affected()
        });
        let report = load(&mut tx, id).await?;
        if changed == 0 {
            return Err(StoreError::Conflict(format!(
                "report {id} is {}; only a draft's words change (make a new report)",
                report.state.as_str()
            )));
        }
        tx.commit().await?;
        Ok(report)
    }

    pub async fn report(&self, id: i64) -> Result<Report> {
        let mut tx = self.read_one().await?;
        let report = load(&mut tx, id).await?;
        tx.commit().await?;
        Ok(report)
    }

    /// The project a report belongs to, for the access rule.
    pub async fn report_project(&self, id: i64) -> Result<Option<ProjectId>> {
        let mut tx = self.read_one().await?;
        let found: Option<(i64,)> = fetch!(
            tx,
            fetch_optional,
            "SELECT project_id FROM status_reports WHERE id = $1",
            id
        );
        tx.commit().await?;
        Ok(found.map(|(p,)| ProjectId::new(p)))
    }

    /// A project's reports, newest first.
    pub async fn reports(&self, project_id: ProjectId) -> Result<Vec<Report>> {
        let mut tx = self.read_one().await?;
        let reports = select_reports(&mut tx, project_id.get()).await?;
        tx.commit().await?;
        Ok(reports)
    }

    pub async fn report_documents(&self, id: i64) -> Result<ReportDocuments> {
        let mut tx = self.read_one().await?;
        let docs: Option<ReportDocuments> = fetch!(
            tx,
            fetch_optional,
            "SELECT subject, body_markdown, body_html, pdf FROM status_reports WHERE id = $1",
            id
        );
        tx.commit().await?;
        docs.ok_or_else(|| StoreError::not_found("report", id))
    }

    /// The project's forecast figures now, as a report queued now states.
    pub async fn forecast_figures(&self, project_id: ProjectId) -> Result<Figures> {
        let mut tx = self.begin_read().await?;
        let figures = news::current_figures(&mut tx, project_id.get()).await?;
        tx.commit().await?;
        Ok(figures)
    }

    /// Freezes a draft (or a failed report being sent again) and queues
    /// it for delivery now.
    pub async fn queue_report(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        id: i64,
        out: &Outgoing,
    ) -> Result<Report> {
        let mut tx = self.begin().await?;
        let report = load(&mut tx, id).await?;
        match report.state {
            ReportState::Draft => {}
            state => {
                return Err(StoreError::Conflict(format!(
                    "report {id} is {}; {}",
                    state.as_str(),
                    match state {
                        ReportState::Sent => "it was sent already; make a new report",
                        ReportState::Failed => "send it again to retry it at once",
                        _ => "it is waiting for the mail server",
                    }
                )))
            }
        }
        freeze(&mut tx, now, id, out, "queued").await?;
        audit(
            &mut tx,
            now,
            actor,
            "status_report",
            id,
            "queue",
            &out.envelope_to,
        )
        .await?;
        let report = load(&mut tx, id).await?;
        tx.commit().await?;
        Ok(report)
    }

    /// Tries a failed report again at once (the PM pressed send again,
    /// say after fixing the mail server), with a fresh count of attempts.
    pub async fn retry_report(&self, now: DateTime<Utc>, actor: &str, id: i64) -> Result<Report> {
        let mut tx = self.begin().await?;
        let report = load(&mut tx, id).await?;
        if report.state != ReportState::Failed {
            return Err(StoreError::Conflict(format!(
                "report {id} is {}; only a failed report is sent again",
                report.state.as_str()
            )));
        }
        // Not while a sender holds it: that attempt may yet succeed.
        let changed = on_tx!(tx, conn => {
            sqlx::query("UPDATE status_reports SET state = 'queued', attempts = 0, next_attempt_at = $1 WHERE id = $2 AND state = 'failed'")
                .bind(now)
                .bind(id)
                .execute(conn)
                .await?
                .rows_affected()
        });
        if changed == 0 {
            return Err(StoreError::Conflict(format!(
                "report {id} is being handed to the mail server now; wait for the outcome"
            )));
        }
        audit(
            &mut tx,
            now,
            actor,
            "status_report",
            id,
            "retry",
            &report.attempts,
        )
        .await?;
        let report = load(&mut tx, id).await?;
        tx.commit().await?;
        Ok(report)
    }
}

/// Writes what sending freezes into the row, in `state`, due now.
pub(super) async fn freeze(
    tx: &mut Tx,
    now: DateTime<Utc>,
    id: i64,
    out: &Outgoing,
    state: &str,
) -> Result<()> {
    // Only a draft whose words are still those the documents were written
    // with: what is stored is what is sent.
    let news_ids = serde_json::to_string(&out.news_ids).unwrap_or_else(|_| "[]".into());
    let figures = serde_json::to_string(&out.figures).unwrap_or_else(|_| "{}".into());
    let changed: u64 = on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE status_reports SET state = $14, queued_at = $1, sender_id = $2, subject = $3, \
             body_markdown = $4, body_html = $5, pdf = $6, message = $7, message_id = $8, \
             envelope_from = $9, envelope_to = $10, news_ids = $11, figures = $12, attempts = 0, \
             next_attempt_at = $1, last_error = NULL \
             WHERE id = $13 AND state = 'draft' AND COALESCE(pm_words, '') = COALESCE($15, '')",
        )
        .bind(now)
        .bind(out.sender_id.get())
        .bind(&out.subject)
        .bind(&out.markdown)
        .bind(&out.html)
        .bind(&out.pdf)
        .bind(&out.message)
        .bind(&out.message_id)
        .bind(&out.envelope_from)
        .bind(&out.envelope_to)
        .bind(news_ids)
        .bind(figures)
        .bind(id)
        .bind(state)
        .bind(out.pm_words.as_deref())
        .execute(conn)
        .await?
        .rows_affected()
    });
    (changed == 1).then_some(()).ok_or_else(|| {
        StoreError::Conflict(format!(
            "report {id} changed while it was being sent (its words were edited, or it went meanwhile); look at it again, then send it"
        ))
    })
}

pub(super) async fn load(tx: &mut Tx, id: i64) -> Result<Report> {
    let row: Option<ReportRow> = fetch!(
        tx,
        fetch_optional,
        &format!("{SELECT_REPORT} WHERE id = $1"),
        id
    );
    row.ok_or_else(|| StoreError::not_found("report", id))?
        .try_into()
}

/// A report goes to a client person of the project's account.
async fn check_recipient(tx: &mut Tx, project_id: i64, recipient: PersonId) -> Result<()> {
    let found: Option<(String, Option<i64>, Option<String>)> = fetch!(
        tx,
        fetch_optional,
        "SELECT side, account_id, email FROM people WHERE id = $1",
        recipient.get()
    );
    let account: (i64,) = fetch!(
        tx,
        fetch_one,
        "SELECT account_id FROM projects WHERE id = $1",
        project_id
    );
    match found {
        None => Err(StoreError::invalid("recipient_id", format!("no person with id {recipient}"))),
        Some((side, acc, _)) if side != "client" || acc != Some(account.0) => Err(StoreError::invalid(
            "recipient_id",
            format!("person {recipient} is not one of this project's client's people; a status report goes to the client"),
        )),
        Some(_) => Ok(()),
    }
}
