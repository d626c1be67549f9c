//! Simulation jobs: the queue a server's worker takes long simulations
//! from, with their progress and outcome.
//!
//! A job is queued by a request, claimed by one worker at a time, and ends
//! `done` (its results stored in the same transaction), `failed` (with the
//! reason) or `cancelled`. A worker proves it is alive by a heartbeat; a
//! job whose worker stopped beating (the server was killed) is claimed
//! again by the next worker that looks. Each claim raises the job's
//! `attempt`, and a worker's updates name the attempt they belong to, so a
//! worker that stalled and woke up after its job was claimed again changes
//! nothing. Running the simulation itself belongs to the web crate's worker.

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use crate::estimates::keep_results;
use crate::{fetch, on_tx, take_turns, Result, Store, StoreError, Tx};
use rapport_core::ids::ProjectId;

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    Queued,
    Running,
    Done,
    Failed,
    Cancelled,
}

impl JobState {
    fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "queued" => Self::Queued,
            "running" => Self::Running,
            "done" => Self::Done,
            "failed" => Self::Failed,
            "cancelled" => Self::Cancelled,
            other => {
                return Err(StoreError::Corrupt(format!(
                    "a simulation job is in the unknown state \"{other}\""
                )))
            }
        })
    }

    /// Whether the job has ended and will not change again.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Done | Self::Failed | Self::Cancelled)
    }
}

/// A worker that has not beaten for this long is taken for dead and its
/// job is claimed again. Workers beat about every second; the margin
/// covers a busy database.
pub const HEARTBEAT_TIMEOUT: TimeDelta = TimeDelta::seconds(15);

/// A job is given up after this many claims: a job that kills its worker
/// each time must not kill every server in turn.
pub const MAX_ATTEMPTS: i64 = 3;

/// One simulation job.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimulationJob {
    pub id: i64,
    pub estimate_id: i64,
    pub project_id: ProjectId,
    /// The estimate version's number within its project.
    pub version: i64,
    pub iterations: i64,
    pub seed: i64,
    pub state: JobState,
    /// Iterations simulated so far over every scenario, out of `total`.
    pub done: i64,
    pub total: i64,
    /// How many times a worker claimed it.
    pub attempt: i64,
    pub error: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub heartbeat_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct JobRow {
    id: i64,
    estimate_id: i64,
    project_id: i64,
    version: i64,
    iterations: i64,
    seed: i64,
    state: String,
    done: i64,
    total: i64,
    attempt: i64,
    error: Option<String>,
    created_by: String,
    created_at: DateTime<Utc>,
    started_at: Option<DateTime<Utc>>,
    heartbeat_at: Option<DateTime<Utc>>,
    finished_at: Option<DateTime<Utc>>,
}
crate::direct::direct_row!(JobRow {
    id,
    estimate_id,
    project_id,
    version,
    iterations,
    seed,
    state,
    done,
    total,
    attempt,
    error,
    created_by,
    created_at,
    started_at,
    heartbeat_at,
    finished_at
});

impl TryFrom<JobRow> for SimulationJob {
    type Error = StoreError;

    fn try_from(r: JobRow) -> Result<Self> {
        Ok(Self {
            id: r.id,
            estimate_id: r.estimate_id,
            project_id: ProjectId::new(r.project_id),
            version: r.version,
            iterations: r.iterations,
            seed: r.seed,
            state: JobState::parse(&r.state)?,
            done: r.done,
            total: r.total,
            attempt: r.attempt,
            error: r.error,
            created_by: r.created_by,
            created_at: r.created_at,
            started_at: r.started_at,
            heartbeat_at: r.heartbeat_at,
            finished_at: r.finished_at,
        })
    }
}

const SELECT_JOB: &str = "SELECT j.id, j.estimate_id, v.project_id, v.version, j.iterations, j.seed, j.state, \
     j.done, j.total, j.attempt, j.error, j.created_by, j.created_at, j.started_at, j.heartbeat_at, j.finished_at \
     FROM simulation_jobs j JOIN estimate_versions v ON v.id = j.estimate_id";

/// The most jobs one caller may have queued or running at once: the
/// server runs one at a time, and a hundred queued by one person would
/// hold up everyone else's for as long as they take.
pub const MAX_OPEN_JOBS: i64 = 5;

/// What a worker asks for when it queues a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobRequest {
    pub estimate_id: i64,
    pub iterations: u32,
    pub seed: u64,
    /// Iterations over every scenario: iterations × (1 + alternatives).
    pub total: u64,
}

/// The key every claim takes turns on (PostgreSQL; SQLite's write lock
/// already serialises claims).
const QUEUE: &str = "simulation job queue";

impl Store {
    /// Queues a simulation of an estimate version.
    pub async fn queue_simulation(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        request: JobRequest,
    ) -> Result<SimulationJob> {
        let seed = i64::try_from(request.seed)
            .map_err(|_| StoreError::invalid("seed", "must be below 2^63 to be stored"))?;
        let total = i64::try_from(request.total)
            .map_err(|_| StoreError::invalid("iterations", "too many to count"))?;
        let mut tx = self.begin().await?;
        // Counted and inserted in turn, so parallel requests cannot all
        // slip under the limit.
        take_turns(&mut tx, &[QUEUE]).await?;
        let (open,): (i64,) = fetch!(
            tx,
            fetch_one,
            "SELECT COUNT(*) FROM simulation_jobs WHERE created_by = $1 AND state IN ('queued', 'running')",
            actor,
        );
        if open >= MAX_OPEN_JOBS {
            return Err(StoreError::Conflict(format!(
                "you already have {open} simulations queued or running, the most one person may; wait for one to end or cancel one (DELETE its URL)"
            )));
        }
        let (id,): (i64,) = on_tx!(tx, conn => {
            sqlx::query_as(
                "INSERT INTO simulation_jobs (estimate_id, iterations, seed, state, total, created_by, created_at) \
                 VALUES ($1, $2, $3, 'queued', $4, $5, $6) RETURNING id",
            )
            .bind(request.estimate_id)
            .bind(i64::from(request.iterations))
            .bind(seed)
            .bind(total)
            .bind(actor)
            .bind(now)
            .fetch_one(conn)
            .await?
        });
        let job = load_job(&mut tx, id).await?;
        tx.commit().await?;
        Ok(job)
    }

    /// One job of a project's estimate version; `NotFound` if the job
    /// belongs to another version.
    pub async fn simulation_job(
        &self,
        project_id: ProjectId,
        version: i64,
        id: i64,
    ) -> Result<SimulationJob> {
        let mut tx = self.read_one().await?;
        let job = load_job_of(&mut tx, project_id, version, id).await?;
        tx.commit().await?;
        Ok(job)
    }

    /// A version's jobs, newest first (at most the latest 50).
    pub async fn simulation_jobs(
        &self,
        project_id: ProjectId,
        version: i64,
    ) -> Result<Vec<SimulationJob>> {
        let mut tx = self.read_one().await?;
        let rows: Vec<JobRow> = fetch!(
            tx,
            fetch_all,
            &format!(
                "{SELECT_JOB} WHERE v.project_id = $1 AND v.version = $2 ORDER BY j.id DESC LIMIT 50"
            ),
            project_id.get(),
            version,
        );
        tx.commit().await?;
        rows.into_iter().map(SimulationJob::try_from).collect()
    }

    /// Takes the oldest job that is waiting, or whose worker stopped
    /// beating, for this worker: marks it running and raises its attempt.
    /// A job claimed [`MAX_ATTEMPTS`] times already fails instead.
    pub async fn claim_simulation_job(&self, now: DateTime<Utc>) -> Result<Option<SimulationJob>> {
        let mut tx = self.begin().await?;
        take_turns(&mut tx, &[QUEUE]).await?;
        let open: Vec<JobRow> = fetch!(
            tx,
            fetch_all,
            &format!("{SELECT_JOB} WHERE j.state IN ('queued', 'running') ORDER BY j.id")
        );
        let mut claimed = None;
        for row in open {
            let job = SimulationJob::try_from(row)?;
            let stale = job
                .heartbeat_at
                .is_none_or(|beat| now - beat > HEARTBEAT_TIMEOUT);
            if job.state == JobState::Running && !stale {
                continue;
            }
            if job.attempt >= MAX_ATTEMPTS {
                let reason = format!(
                    "gave up after {} attempts: the worker running it stopped each time",
                    job.attempt
                );
                end_job(
                    &mut tx,
                    now,
                    job.id,
                    job.attempt,
                    JobState::Failed,
                    Some(&reason),
                )
                .await?;
                continue;
            }
            on_tx!(tx, conn => {
                sqlx::query(
                    "UPDATE simulation_jobs SET state = 'running', attempt = attempt + 1, started_at = $1, \
                     heartbeat_at = $1, done = 0 WHERE id = $2",
                )
                .bind(now)
                .bind(job.id)
                .execute(conn)
                .await?;
            });
            claimed = Some(load_job(&mut tx, job.id).await?);
            break;
        }
        tx.commit().await?;
        Ok(claimed)
    }

    /// Records a running job's progress and that its worker is alive.
    /// Returns false when the job is no longer this attempt's to run
    /// (cancelled, or claimed again): the worker should stop.
    pub async fn beat_simulation_job(
        &self,
        now: DateTime<Utc>,
        job: &SimulationJob,
        done: u64,
    ) -> Result<bool> {
        let done = i64::try_from(done).unwrap_or(i64::MAX).min(job.total);
        let mut tx = self.begin().await?;
        let updated = on_tx!(tx, conn => {
            sqlx::query(
                "UPDATE simulation_jobs SET heartbeat_at = $1, done = $2 \
                 WHERE id = $3 AND attempt = $4 AND state = 'running'",
            )
            .bind(now)
            .bind(done)
            .bind(job.id)
            .bind(job.attempt)
            .execute(conn)
            .await?
            .rows_affected()
        });
        tx.commit().await?;
        Ok(updated > 0)
    }

    /// Ends a job with its results, stored in the same transaction, unless
    /// it stopped being this attempt's (then nothing is written).
    pub async fn finish_simulation_job(
        &self,
        now: DateTime<Utc>,
        job: &SimulationJob,
        results: &str,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        let ended = end_job(&mut tx, now, job.id, job.attempt, JobState::Done, None).await?;
        // The newest request's results stand: a job that ends after a
        // later-queued job of the same version (it was interrupted and
        // taken up again) leaves that job's results in place.
        if ended && !newer_job_done(&mut tx, job).await? {
            keep_results(
                &mut tx,
                now,
                &job.created_by,
                job.estimate_id,
                job.iterations,
                job.seed,
                results,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(ended)
    }

    /// Ends a job that cannot succeed, with the reason.
    pub async fn fail_simulation_job(
        &self,
        now: DateTime<Utc>,
        job: &SimulationJob,
        reason: &str,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        let ended = end_job(
            &mut tx,
            now,
            job.id,
            job.attempt,
            JobState::Failed,
            Some(reason),
        )
        .await?;
        tx.commit().await?;
        Ok(ended)
    }

    /// Cancels a job that has not ended; its worker stops at its next
    /// heartbeat. `Conflict` if it had already ended.
    pub async fn cancel_simulation_job(
        &self,
        now: DateTime<Utc>,
        project_id: ProjectId,
        version: i64,
        id: i64,
    ) -> Result<SimulationJob> {
        let mut tx = self.begin().await?;
        let job = load_job_of(&mut tx, project_id, version, id).await?;
        if job.state.is_final() {
            return Err(StoreError::Conflict(format!(
                "simulation job {id} has already ended ({}); there is nothing to cancel",
                job.state.as_str()
            )));
        }
        end_job(&mut tx, now, id, job.attempt, JobState::Cancelled, None).await?;
        let job = load_job(&mut tx, id).await?;
        tx.commit().await?;
        Ok(job)
    }
}

/// Whether a job of the same version queued after this one has ended done.
async fn newer_job_done(tx: &mut Tx, job: &SimulationJob) -> Result<bool> {
    let (newer,): (i64,) = fetch!(
        tx,
        fetch_one,
        "SELECT COUNT(*) FROM simulation_jobs WHERE estimate_id = $1 AND id > $2 AND state = 'done'",
        job.estimate_id,
        job.id,
    );
    Ok(newer > 0)
}

/// A job of this project's estimate version: a job of another is not
/// found, so job ids cannot be probed across projects.
async fn load_job_of(
    tx: &mut Tx,
    project_id: ProjectId,
    version: i64,
    id: i64,
) -> Result<SimulationJob> {
    let job = load_job(tx, id).await?;
    if job.project_id != project_id || job.version != version {
        return Err(StoreError::not_found("simulation job", id));
    }
    Ok(job)
}

async fn load_job(tx: &mut Tx, id: i64) -> Result<SimulationJob> {
    let row: Option<JobRow> = fetch!(
        tx,
        fetch_optional,
        &format!("{SELECT_JOB} WHERE j.id = $1"),
        id
    );
    row.ok_or_else(|| StoreError::not_found("simulation job", id))?
        .try_into()
}

/// Moves a job of this attempt that has not ended to a final state;
/// returns whether it did.
async fn end_job(
    tx: &mut Tx,
    now: DateTime<Utc>,
    id: i64,
    attempt: i64,
    state: JobState,
    error: Option<&str>,
) -> Result<bool> {
    let done_all = state == JobState::Done;
    let updated = on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE simulation_jobs SET state = $1, error = $2, finished_at = $3, \
             done = CASE WHEN $4 THEN total ELSE done END \
             WHERE id = $5 AND attempt = $6 AND state IN ('queued', 'running')",
        )
        .bind(state.as_str())
        .bind(error)
        .bind(now)
        .bind(done_all)
        .bind(id)
        .bind(attempt)
        .execute(conn)
        .await?
        .rows_affected()
    });
    Ok(updated > 0)
}
