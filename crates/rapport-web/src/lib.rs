//! Rapport's HTTP surface: server-rendered pages, the JSON API under
//! `/api/v1/` with its OpenAPI document, and `/healthz`.
//!
//! Every route is authorised in one place ([`auth::authorise`]) before its
//! handler runs; handlers then load plain values from the store, hand them
//! to `rapport-core` and render the result; no handler computes a number
//! itself. [`serve`] takes a bound listener and a shutdown future so tests
//! bind port 0 and never wait on a sleep.

#![forbid(unsafe_code)]

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderName, HeaderValue};
use axum::{middleware, Json, Router};
use rapport_store::{Clock, Store};
use serde::Serialize;
use tokio::net::TcpListener;
use tokio::sync::{Notify, Semaphore};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub mod api;
pub mod auth;
pub mod error;
pub mod health;
pub mod hosts;
pub mod mail;
pub mod pages;
pub mod reporting;
pub mod worker;

/// What every handler can reach; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    /// Where handlers get "now" for what they record; fixed in tests.
    pub clock: Clock,
    /// Session lifetimes and cookie flags.
    pub auth: auth::AuthConfig,
    /// The host of the public URL people use, if configured: requests for
    /// other names are refused (see [`hosts`]).
    pub public_host: Option<String>,
    /// The OpenAPI document of [`surface`], built once.
    pub openapi: Arc<utoipa::openapi::OpenApi>,
    /// Admits one CPU-heavy job (simulation, typesetting) at a time: the
    /// engine already uses every core, so more would only queue inside it.
    heavy: Arc<Semaphore>,
    /// Wakes this server's simulation worker when a job is queued here
    /// (jobs queued by other servers are found by polling).
    jobs_queued: Arc<Notify>,
    /// Where status reports are e-mailed from; `None`: e-mail is not set up.
    pub mail: Option<mail::MailConfig>,
    /// Wakes this server's mail sender when a report is queued here.
    pub(crate) mail_queued: Arc<Notify>,
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
            auth: auth::AuthConfig::default(),
            public_host: None,
            openapi: shared_document(),
            heavy: Arc::new(Semaphore::new(1)),
            jobs_queued: Arc::new(Notify::new()),
            mail: None,
            mail_queued: Arc::new(Notify::new()),
        }
    }

    /// The same state sending e-mail through this server.
    pub fn with_mail(self, mail: Option<mail::MailConfig>) -> Self {
        Self { mail, ..self }
    }

    /// The same state answering to this public URL's host too.
    pub fn with_public_url(self, url: Option<&str>) -> Self {
        Self {
            public_host: url.and_then(hosts::host_of),
            ..self
        }
    }

    /// The same state with these session settings.
    pub fn with_auth(self, auth: auth::AuthConfig) -> Self {
        Self { auth, ..self }
    }

    /// Runs CPU-heavy work on the blocking pool, after earlier heavy jobs,
    /// handing it a flag that says nobody waits for it any more: the flag
    /// is set when the returned future is dropped (the client went away),
    /// and the work should stop at its next check. The one heavy slot is
    /// held until the work has really ended, not merely been abandoned, so
    /// abandoned runs cannot pile up on the cores.
    pub async fn heavy<T: Send + 'static>(
        &self,
        job: impl FnOnce(&AtomicBool) -> T + Send + 'static,
    ) -> Result<T, error::ApiError> {
        self.heavy_until(Arc::new(AtomicBool::new(false)), job)
            .await
    }

    /// [`AppState::heavy`] with a cancel flag the caller may set too.
    pub async fn heavy_until<T: Send + 'static>(
        &self,
        cancel: Arc<AtomicBool>,
        job: impl FnOnce(&AtomicBool) -> T + Send + 'static,
    ) -> Result<T, error::ApiError> {
        let _cancel_when_dropped = CancelOnDrop(cancel.clone());
        let permit = self
            .heavy
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| error::ApiError::Internal(format!("the job queue is closed: {e}")))?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            job(&cancel)
        })
        .await
        .map_err(|e| error::ApiError::Internal(format!("a background job failed: {e}")))
    }

    /// Tells this server's worker that a simulation job is waiting.
    pub fn wake_worker(&self) {
        self.jobs_queued.notify_one();
    }
}

/// Sets the flag when dropped: with the future that owns it, when nobody
/// waits for the work any more.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("store", &self.store)
            .field("clock", &self.clock)
            .field("auth", &self.auth)
            .finish_non_exhaustive()
    }
}

/// Every route, pages and API alike, with its OpenAPI documentation: the
/// one list of the HTTP surface.
pub fn surface() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(api::description())
        .routes(routes!(healthz))
        .merge(pages::router())
        .merge(auth::router())
        .merge(api::router())
}

/// The OpenAPI document of [`surface`], with the access answers of every
/// operation.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, mut document) = surface().split_for_parts();
    api::document_access(&mut document);
    document
}

/// The document, built once per process: it depends only on the code, and
/// building it assembles the whole router.
fn shared_document() -> Arc<utoipa::openapi::OpenApi> {
    static DOCUMENT: std::sync::OnceLock<Arc<utoipa::openapi::OpenApi>> =
        std::sync::OnceLock::new();
    DOCUMENT.get_or_init(|| Arc::new(document())).clone()
}

/// The Content-Security-Policy of every response: our own styles and
/// scripts only (nothing inline), no framing, forms post only to us.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The whole HTTP surface: every route passes [`auth::authorise`] first;
/// errors on pages become HTML pages; every response carries the security
/// headers.
pub fn router(state: AppState) -> Router {
    let (routes, _) = surface().split_for_parts();
    let header = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    routes
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            auth::authorise,
        ))
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(middleware::from_fn(error::html_errors))
        .layer(header(
            header::CONTENT_SECURITY_POLICY,
            CONTENT_SECURITY_POLICY,
        ))
        .layer(header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header(header::REFERRER_POLICY, "same-origin"))
        .layer(header(header::CACHE_CONTROL, "no-store"))
        // The last resort: a handler that panics answers a logged 500 with
        // the error envelope instead of dropping the connection. Nothing
        // should reach it; the tests treat any 500 as a bug.
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

#[derive(Serialize, ToSchema)]
struct Health {
    status: &'static str,
    database: &'static str,
}

/// Whether the server and its database answer.
#[utoipa::path(get, path = "/healthz", tag = "health",
    responses((status = 200, body = Health), (status = 500, body = error::ErrorBody)))]
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

/// Turns a caught panic into the generic 500, logging what it said.
fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    use axum::response::IntoResponse;
    let what = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("a panic without a message");
    error::ApiError::Internal(format!("a handler panicked: {what}")).into_response()
}

/// Serves until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let allowed =
        hosts::AllowedHosts::for_server(listener.local_addr()?, state.public_host.as_deref());
    // The worker lives as long as the server: aborting it drops its
    // current run's guard, which stops the simulation at its next chunk.
    let worker = tokio::spawn(worker::run(state.clone()));
    let sweep = tokio::spawn(worker::sweep_news(state.clone()));
    let sender = tokio::spawn(worker::deliver_reports(state.clone()));
    let app = router(state)
        .layer(middleware::from_fn_with_state(allowed, hosts::check_host))
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    worker.abort();
    sweep.abort();
    sender.abort();
    served
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A request that goes away stops its heavy work: dropping the future
    /// sets the flag the work watches, and the slot stays taken until the
    /// work has actually stopped.
    #[tokio::test]
    async fn heavy_work_nobody_waits_for_is_told_to_stop() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let store = Store::open_file(&dir.path().join("rapport.db"))
            .await
            .expect("a store");
        let state = AppState::new(store);
        let (started, on_start) = std::sync::mpsc::channel();
        let (stopped, on_stop) = std::sync::mpsc::channel();
        let request = tokio::spawn({
            let state = state.clone();
            async move {
                state
                    .heavy(move |cancel| {
                        started.send(()).expect("the test listens");
                        // Spin until told; the bound only keeps a broken
                        // flag from hanging the suite.
                        let told = (0..6_000).any(|_| {
                            std::thread::sleep(std::time::Duration::from_millis(10));
                            cancel.load(Ordering::Relaxed)
                        });
                        stopped.send(told).expect("the test listens");
                    })
                    .await
            }
        });
        tokio::task::spawn_blocking(move || on_start.recv())
            .await
            .expect("joins")
            .expect("the work started");
        request.abort();
        let told = tokio::task::spawn_blocking(move || on_stop.recv())
            .await
            .expect("joins")
            .expect("the work reported");
        assert!(told, "the abandoned work was never told to stop");
        // The slot is free again once the work has stopped.
        let again = state.heavy(|cancel| cancel.load(Ordering::Relaxed)).await;
        assert!(matches!(again, Ok(false)));
    }
}
