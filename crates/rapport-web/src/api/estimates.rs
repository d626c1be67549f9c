//! `/api/v1/projects/{id}/estimates`: estimate versions of a project —
//! import a TOML estimate, simulate it, fetch the results, download the
//! basis of estimate.
//!
//! Simulation and typesetting are CPU work: they run on the blocking pool,
//! one at a time (the engine already uses every core), never on the
//! request executor's threads.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use rapport_core::domain::FieldError;
use rapport_core::estimate::{simulate_until, Estimate, EstimateResults, Settings};
use rapport_core::ids::ProjectId;
use rapport_store::{EstimateVersion, VersionCounts};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::error::{ApiBytes, ApiError, ApiPath, ApiQuery, ApiResult, ErrorBody};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, import))
        .routes(routes!(read))
        .routes(routes!(run))
        .routes(routes!(results))
        .routes(routes!(basis))
}

/// The most draws (iterations × (items + risks) × scenarios) one API request may
/// simulate. Memory and time grow with the draws: 3 × 10^8 took 0.9 GB, so
/// 5 × 10^7 keeps a run near 150 MB.
pub const SIMULATION_BUDGET: u64 = 50_000_000;

/// An estimate version, without its results.
#[derive(Debug, Serialize, ToSchema)]
pub struct EstimateVersionView {
    pub project_id: i64,
    pub version: i64,
    pub name: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    /// When it was last simulated; null if never.
    pub simulated_at: Option<DateTime<Utc>>,
    pub items: usize,
    pub risks: usize,
    pub alternatives: usize,
    /// The TOML as imported.
    pub source: String,
}

/// A version as listed: from the counts kept at import, so a list never
/// re-reads the files (only versions imported before counts were kept are
/// read once more).
fn view(v: EstimateVersion) -> ApiResult<EstimateVersionView> {
    let counts = match v.counts {
        Some(counts) => counts,
        None => VersionCounts::of(&parse_stored(&v)?),
    };
    let count = |n: i64| usize::try_from(n).unwrap_or(0);
    Ok(EstimateVersionView {
        project_id: v.project_id.get(),
        version: v.version,
        name: v.name,
        created_by: v.created_by,
        created_at: v.created_at,
        simulated_at: v.simulated_at,
        items: count(counts.items),
        risks: count(counts.risks),
        alternatives: count(counts.alternatives),
        source: v.source,
    })
}

fn parse_stored(v: &EstimateVersion) -> ApiResult<Estimate> {
    Estimate::parse(&v.source).map_err(|e| {
        ApiError::Conflict(format!(
            "estimate version {} of project {} no longer reads as an estimate ({e}); import a corrected version",
            v.version, v.project_id
        ))
    })
}

/// A JSON alternative to posting the TOML itself.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportBody {
    /// The estimate file's text (see docs/estimate-file.md).
    pub source: String,
}

/// Import an estimate file as the project's next version. Send the TOML
/// itself (`Content-Type: application/toml` or `text/plain`), or JSON
/// `{"source": "…"}`. Errors give the line and column in the file.
#[utoipa::path(post, path = "/api/v1/projects/{id}/estimates", tag = "estimates",
    params(("id" = i64, Path, description = "project id")),
    request_body(description = "the estimate file: the TOML itself, or JSON {\"source\": \"…\"}",
        content((String = "application/toml"), (String = "text/plain"), (ImportBody = "application/json"))),
    responses((status = 201, body = EstimateVersionView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "another version was saved at the same moment; try again"),
        (status = 422, body = ErrorBody)))]
pub async fn import(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
    ApiBytes(body): ApiBytes,
) -> ApiResult<(StatusCode, Json<EstimateVersionView>)> {
    // The media type without parameters such as `; charset=utf-8`.
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    let is_json = match media.as_deref() {
        Some("application/json") => true,
        Some("application/toml" | "text/plain") => false,
        other => {
            // A form post (curl's default) is not an estimate file.
            return Err(ApiError::UnsupportedMediaType(format!(
                "send the estimate as application/toml or text/plain (the file itself) or application/json ({{\"source\": \"…\"}}), not {}",
                other.unwrap_or("a body without a Content-Type")
            )));
        }
    };
    let source = if is_json {
        serde_json::from_slice::<ImportBody>(&body)
            .map_err(|e| {
                ApiError::BadRequest(format!("the body is not {{\"source\": \"…\"}} JSON: {e}"))
            })?
            .source
    } else {
        String::from_utf8(body.to_vec())
            .map_err(|_| ApiError::BadRequest("the estimate file is not UTF-8 text".into()))?
    };
    // Reading a large file is CPU work: off the request executor.
    let (source, parsed) = tokio::task::spawn_blocking(move || {
        let parsed = Estimate::parse(&source);
        (source, parsed)
    })
    .await
    .map_err(|e| ApiError::Internal(format!("reading the estimate failed: {e}")))?;
    let estimate = parsed.map_err(|e| ApiError::Unprocessable {
        message: format!(
            "the estimate file is not valid: line {}, column {}: {}",
            e.line, e.column, e.message
        ),
        fields: vec![FieldError {
            field: format!("source:{}:{}", e.line, e.column),
            message: e.message,
        }],
    })?;
    let version = state
        .store
        .create_estimate_version(
            state.clock.now(),
            &current.actor(),
            ProjectId::new(id),
            estimate.name(),
            &source,
            VersionCounts::of(&estimate),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(view(version)?)))
}

/// The project's estimate versions, oldest first.
#[utoipa::path(get, path = "/api/v1/projects/{id}/estimates", tag = "estimates",
    params(("id" = i64, Path, description = "project id")),
    responses((status = 200, body = [EstimateVersionView]), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<EstimateVersionView>>> {
    let versions = state.store.estimate_versions(ProjectId::new(id)).await?;
    Ok(Json(
        versions.into_iter().map(view).collect::<ApiResult<_>>()?,
    ))
}

/// One estimate version.
#[utoipa::path(get, path = "/api/v1/projects/{id}/estimates/{version}", tag = "estimates",
    params(("id" = i64, Path, description = "project id"), ("version" = i64, Path, description = "version number")),
    responses((status = 200, body = EstimateVersionView), (status = 404, body = ErrorBody)))]
pub async fn read(
    State(state): State<AppState>,
    ApiPath((id, version)): ApiPath<(i64, i64)>,
) -> ApiResult<Json<EstimateVersionView>> {
    Ok(Json(view(
        state
            .store
            .estimate_version(ProjectId::new(id), version)
            .await?,
    )?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RunQuery {
    /// Iterations (default: the file's), 100 to 1,000,000.
    #[param(minimum = 100, maximum = 1_000_000)]
    pub iterations: Option<u32>,
    /// Random seed (default: the file's), below 2^63.
    #[param(minimum = 0, maximum = 9_223_372_036_854_775_807_i64)]
    pub seed: Option<u64>,
}

/// Simulate a version and keep its results (replacing earlier ones).
#[utoipa::path(post, path = "/api/v1/projects/{id}/estimates/{version}/simulate", tag = "estimates",
    params(("id" = i64, Path, description = "project id"), ("version" = i64, Path, description = "version number"), RunQuery),
    responses((status = 200, description = "the results, as `rapport estimate --format json` prints them", body = Object), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn run(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath((id, version)): ApiPath<(i64, i64)>,
    ApiQuery(q): ApiQuery<RunQuery>,
) -> ApiResult<Json<EstimateResults>> {
    let (stored, estimate, settings) = to_simulate(&state, id, version, &q).await?;
    // Nobody waits for a run whose client went away: dropping this future
    // sets the flag and the engine stops at its next chunk.
    let results = state
        .heavy(move |cancel| simulate_until(&estimate, &settings, &|_| {}, cancel))
        .await?
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let json = serde_json::to_string(&results).map_err(|e| ApiError::Internal(e.to_string()))?;
    state
        .store
        .save_estimate_results(
            state.clock.now(),
            &current.actor(),
            stored.id,
            results.iterations,
            results.seed,
            &json,
        )
        .await?;
    Ok(Json(results))
}

/// The stored version a run asks for, read as an estimate, with the run's
/// settings checked against what one request may cost: what the simulate
/// endpoint and a queued job both start from.
pub(crate) async fn to_simulate(
    state: &AppState,
    id: i64,
    version: i64,
    q: &RunQuery,
) -> ApiResult<(EstimateVersion, Estimate, Settings)> {
    let stored = state
        .store
        .estimate_version(ProjectId::new(id), version)
        .await?;
    let estimate = parse_stored(&stored)?;
    let settings = settings_for(&estimate, q)?;
    Ok((stored, estimate, settings))
}

/// The settings a run asks for, within what one request may cost.
fn settings_for(estimate: &Estimate, q: &RunQuery) -> ApiResult<Settings> {
    let mut settings = Settings::of(estimate);
    if let Some(n) = q.iterations {
        if !(100..=1_000_000).contains(&n) {
            return Err(ApiError::invalid_field(
                "iterations",
                "must be between 100 and 1,000,000",
            ));
        }
        settings.iterations = n;
    }
    if settings.iterations > 1_000_000 {
        return Err(ApiError::invalid_field(
            "iterations",
            format!(
                "the file asks for {} iterations; the server runs at most 1,000,000 — pass ?iterations= or use the CLI",
                settings.iterations
            ),
        ));
    }
    let work = estimate.simulation_work(settings.iterations);
    if work > SIMULATION_BUDGET {
        return Err(ApiError::invalid_field(
            "iterations",
            format!(
                "{} iterations of {} items and {} risks in {} scenario(s) is {work} draws; the server runs at most {SIMULATION_BUDGET} per request (it keeps every run within a few hundred MB and a fair share of the machine): pass ?iterations={} or fewer, or run it with `rapport estimate` on your machine",
                settings.iterations,
                estimate.items().len(),
                estimate.risks().len(),
                1 + estimate.alternatives().len(),
                estimate.iterations_within(SIMULATION_BUDGET)
            ),
        ));
    }
    if let Some(seed) = q.seed {
        if seed > i64::MAX as u64 {
            return Err(ApiError::invalid_field("seed", "must be below 2^63"));
        }
        settings.seed = seed;
    }
    Ok(settings)
}

pub(crate) async fn stored_results(
    state: &AppState,
    id: i64,
    version: i64,
) -> ApiResult<(EstimateVersion, EstimateResults)> {
    let stored = state
        .store
        .estimate_version(ProjectId::new(id), version)
        .await?;
    let Some(kept) = state.store.estimate_results(stored.id).await? else {
        return Err(ApiError::Conflict(format!(
            "estimate version {version} has not been simulated yet; POST /api/v1/projects/{id}/estimates/{version}/simulate first"
        )));
    };
    let results = serde_json::from_str(&kept.results).map_err(|e| {
        ApiError::Internal(format!(
            "stored results of estimate {} do not read back: {e}",
            stored.id
        ))
    })?;
    Ok((stored, results))
}

/// The results of the latest simulation of a version.
#[utoipa::path(get, path = "/api/v1/projects/{id}/estimates/{version}/results", tag = "estimates",
    params(("id" = i64, Path, description = "project id"), ("version" = i64, Path, description = "version number")),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody), (status = 409, description = "not simulated yet", body = ErrorBody)))]
pub async fn results(
    State(state): State<AppState>,
    ApiPath((id, version)): ApiPath<(i64, i64)>,
) -> ApiResult<Json<EstimateResults>> {
    Ok(Json(stored_results(&state, id, version).await?.1))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BasisQuery {
    /// `pdf` (default), `html` or `md`.
    #[param(pattern = "^(pdf|html|md)$")]
    pub format: Option<String>,
}

/// Download the basis of estimate of a simulated version.
#[utoipa::path(get, path = "/api/v1/projects/{id}/estimates/{version}/basis", tag = "estimates",
    params(("id" = i64, Path, description = "project id"), ("version" = i64, Path, description = "version number"), BasisQuery),
    responses((status = 200, description = "the document, in the format asked for", content((Vec<u8> = "application/pdf"), (String = "text/html"), (String = "text/markdown"))), (status = 404, body = ErrorBody), (status = 409, description = "not simulated yet", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn basis(
    State(state): State<AppState>,
    ApiPath((id, version)): ApiPath<(i64, i64)>,
    ApiQuery(q): ApiQuery<BasisQuery>,
) -> ApiResult<Response> {
    let format = q.format.unwrap_or_else(|| "pdf".into());
    let (content_type, extension) = match format.as_str() {
        "pdf" => ("application/pdf", "pdf"),
        "html" => ("text/html; charset=utf-8", "html"),
        "md" => ("text/markdown; charset=utf-8", "md"),
        other => {
            return Err(ApiError::invalid_field(
                "format",
                format!("\"{other}\" is not one of: pdf, html, md"),
            ))
        }
    };
    let (stored, results) = stored_results(&state, id, version).await?;
    let estimate = parse_stored(&stored)?;
    // A stored version is issued on the day it was imported, under its
    // number, unless its file says otherwise.
    let issue = rapport_report::Issue {
        date: stored.created_at.date_naive(),
        version: Some(stored.version.to_string()),
    };
    let bytes = state
        .heavy(move |cancel| {
            if cancel.load(std::sync::atomic::Ordering::Relaxed) {
                // The client left while this waited for the slot.
                return Ok(Vec::new());
            }
            let document = rapport_report::basis_of_estimate(&estimate, &results, &issue);
            match extension {
                "pdf" => document.pdf(),
                "html" => document.html().map(String::into_bytes),
                _ => Ok(document.markdown().into_bytes()),
            }
            .map_err(|e| ApiError::Internal(e.to_string()))
        })
        .await??;
    // Inline: a browser shows the PDF or the page; saving keeps the name.
    let filename = format!("basis-of-estimate-project-{id}-v{version}.{extension}");
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            // Inline: a browser shows the PDF or the page; saving keeps the name.
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{filename}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
