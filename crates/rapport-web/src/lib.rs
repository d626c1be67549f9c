//! Rapport's HTTP surface: server-rendered pages, the JSON API under
//! `/api/v1/` with its OpenAPI document, and `/healthz`.
//!
//! Handlers authorise (once authentication exists), load plain values from
//! the store, hand them to `rapport-core` and render the result; no handler
//! computes a number itself. [`serve`] takes a bound listener and a shutdown
//! future so tests bind port 0 and never wait on a sleep.

#![forbid(unsafe_code)]

use std::future::Future;
use std::sync::Arc;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use rapport_store::{Clock, Store};
use serde::Serialize;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower_http::trace::TraceLayer;

pub mod api;
pub mod error;
pub mod pages;

/// What every handler can reach; cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Store,
    /// Where handlers get "now" for what they record; fixed in tests.
    pub clock: Clock,
    /// Admits one CPU-heavy job (simulation, typesetting) at a time: the
    /// engine already uses every core, so more would only queue inside it.
    heavy: Arc<Semaphore>,
}

impl AppState {
    /// State on the system clock.
    pub fn new(store: Store) -> Self {
        Self::with_clock(store, Clock::System)
    }

    pub fn with_clock(store: Store, clock: Clock) -> Self {
        Self {
            store,
            clock,
            heavy: Arc::new(Semaphore::new(1)),
        }
    }

    /// Runs CPU-heavy work on the blocking pool, after earlier heavy jobs.
    pub async fn blocking<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, error::ApiError> {
        let _permit = self
            .heavy
            .acquire()
            .await
            .map_err(|e| error::ApiError::Internal(format!("the job queue is closed: {e}")))?;
        tokio::task::spawn_blocking(job)
            .await
            .map_err(|e| error::ApiError::Internal(format!("a background job failed: {e}")))
    }
}

/// The whole HTTP surface. Authentication will wrap the API and page
/// routers here, so each feature's routes stay unaware of it.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .merge(pages::router())
        .merge(api::router())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    database: &'static str,
}

async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, error::ApiError> {
    state
        .store
        .ping()
        .await
        .map_err(|e| error::ApiError::Internal(format!("database ping failed: {e}")))?;
    Ok(Json(Health {
        status: "ok",
        database: if state.store.is_postgres() {
            "postgresql"
        } else {
            "sqlite"
        },
    }))
}

/// Serves until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
