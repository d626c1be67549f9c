//! `/api/v1/projects/{id}/estimates/{version}/simulations`: simulations run
//! as jobs. A client that does not want to hold a request open while a
//! large estimate simulates queues a job (`202 Accepted` with the job's
//! URL in `Location`), follows its progress there, and reads the results
//! from `…/results` once it is `done`; `DELETE` cancels it. The server's
//! worker (see `crate::worker`) runs the jobs one at a time.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use rapport_core::ids::ProjectId;
use rapport_store::{JobRequest, JobState, SimulationJob};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::estimates::{to_simulate, RunQuery};
use crate::auth::CurrentUser;
use crate::error::{ApiPath, ApiQuery, ApiResult, ErrorBody};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(queue, list))
        .routes(routes!(read, cancel))
}

/// Where a job is: `queued`, `running`, `done`, `failed` or `cancelled`.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum JobStateView {
    Queued,
    Running,
    Done,
    Failed,
    Cancelled,
}

impl From<JobState> for JobStateView {
    fn from(s: JobState) -> Self {
        match s {
            JobState::Queued => Self::Queued,
            JobState::Running => Self::Running,
            JobState::Done => Self::Done,
            JobState::Failed => Self::Failed,
            JobState::Cancelled => Self::Cancelled,
        }
    }
}

/// A simulation job and how far it has got.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobView {
    pub id: i64,
    pub project_id: i64,
    pub version: i64,
    pub state: JobStateView,
    pub iterations: i64,
    pub seed: i64,
    /// Iterations simulated so far over the estimate and its alternatives,
    /// out of `total`.
    pub done: i64,
    pub total: i64,
    /// `done / total`, 0 to 1.
    pub progress: f64,
    /// Why it failed, when it did.
    pub error: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    /// This job's URL.
    pub url: String,
    /// Where the results are, once `done`.
    pub results_url: Option<String>,
}

impl From<SimulationJob> for JobView {
    fn from(j: SimulationJob) -> Self {
        let base = format!("/api/v1/projects/{}/estimates/{}", j.project_id, j.version);
        Self {
            id: j.id,
            project_id: j.project_id.get(),
            version: j.version,
            state: j.state.into(),
            iterations: j.iterations,
            seed: j.seed,
            done: j.done,
            total: j.total,
            progress: if j.total > 0 {
                (j.done as f64 / j.total as f64).clamp(0.0, 1.0)
            } else {
                0.0
            },
            error: j.error,
            created_by: j.created_by,
            created_at: j.created_at,
            started_at: j.started_at,
            finished_at: j.finished_at,
            url: format!("{base}/simulations/{}", j.id),
            results_url: (j.state == JobState::Done).then(|| format!("{base}/results")),
        }
    }
}

/// Queue a simulation of a version. Answers at once with the job; follow
/// it at the `Location` URL. The results replace the version's earlier
/// ones when the job is done. The same limits apply as to `…/simulate`.
#[utoipa::path(post, path = "/api/v1/projects/{id}/estimates/{version}/simulations", tag = "estimates",
    params(("id" = i64, Path, description = "project id"), ("version" = i64, Path, description = "version number"), RunQuery),
    responses((status = 202, body = JobView, description = "queued; the job's URL is in `Location`", headers(("Location" = String, description = "the job's URL"))),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "the stored estimate no longer reads, or the caller already has 5 simulations queued or running"),
        (status = 422, body = ErrorBody)))]
pub async fn queue(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath((id, version)): ApiPath<(i64, i64)>,
    ApiQuery(q): ApiQuery<RunQuery>,
) -> ApiResult<Response> {
    let (stored, estimate, settings) = to_simulate(&state, id, version, &q).await?;
    let scenarios = 1 + estimate.alternatives().len() as u64;
    let job = state
        .store
        .queue_simulation(
            state.clock.now(),
            &current.actor(),
            JobRequest {
                estimate_id: stored.id,
                iterations: settings.iterations,
                seed: settings.seed,
                total: u64::from(settings.iterations) * scenarios,
            },
        )
        .await?;
    state.wake_worker();
    let view = JobView::from(job);
    Ok((
        StatusCode::ACCEPTED,
        [(header::LOCATION, view.url.clone())],
        Json(view),
    )
        .into_response())
}

/// A version's simulation jobs, newest first (the latest 50).
#[utoipa::path(get, path = "/api/v1/projects/{id}/estimates/{version}/simulations", tag = "estimates",
    params(("id" = i64, Path, description = "project id"), ("version" = i64, Path, description = "version number")),
    responses((status = 200, body = [JobView]), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiPath((id, version)): ApiPath<(i64, i64)>,
) -> ApiResult<Json<Vec<JobView>>> {
    // A version that does not exist is a 404, not an empty list.
    state
        .store
        .estimate_version(ProjectId::new(id), version)
        .await?;
    let jobs = state
        .store
        .simulation_jobs(ProjectId::new(id), version)
        .await?;
    Ok(Json(jobs.into_iter().map(JobView::from).collect()))
}

/// One simulation job: its state and progress.
#[utoipa::path(get, path = "/api/v1/projects/{id}/estimates/{version}/simulations/{job}", tag = "estimates",
    params(("id" = i64, Path, description = "project id"), ("version" = i64, Path, description = "version number"), ("job" = i64, Path, description = "job id")),
    responses((status = 200, body = JobView), (status = 404, body = ErrorBody)))]
pub async fn read(
    State(state): State<AppState>,
    ApiPath((id, version, job)): ApiPath<(i64, i64, i64)>,
) -> ApiResult<Json<JobView>> {
    let job = state
        .store
        .simulation_job(ProjectId::new(id), version, job)
        .await?;
    Ok(Json(job.into()))
}

/// Cancel a job that has not ended; a running one stops within about a
/// second. The results of earlier runs are kept.
#[utoipa::path(delete, path = "/api/v1/projects/{id}/estimates/{version}/simulations/{job}", tag = "estimates",
    params(("id" = i64, Path, description = "project id"), ("version" = i64, Path, description = "version number"), ("job" = i64, Path, description = "job id")),
    responses((status = 200, body = JobView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "the job has already ended")))]
pub async fn cancel(
    State(state): State<AppState>,
    ApiPath((id, version, job)): ApiPath<(i64, i64, i64)>,
) -> ApiResult<Json<JobView>> {
    let job = state
        .store
        .cancel_simulation_job(state.clock.now(), ProjectId::new(id), version, job)
        .await?;
    Ok(Json(job.into()))
}
