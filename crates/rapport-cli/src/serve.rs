//! `rapport serve`: the web application and JSON API.
//!
//! Where the data lives: `--database-url` / `RAPPORT_DATABASE_URL` when
//! given (PostgreSQL or SQLite); otherwise `rapport.db` in the user's data
//! directory; with `--demo` and no URL, a temporary SQLite file deleted when
//! the server stops.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use rapport_store::{Clock, Store};
use rapport_web::AppState;

use crate::Outcome;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Load the demo portfolio into a fresh database (temporary unless
    /// --database-url is given; that database must be empty).
    #[arg(long)]
    pub demo: bool,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "RAPPORT_BIND")]
    pub bind: Option<SocketAddr>,
    /// postgres://… for PostgreSQL, or a SQLite file path / sqlite: URL.
    #[arg(long, env = "RAPPORT_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Configuration file [default: rapport/config.toml in the user's configuration directory, if present].
    #[arg(long, env = "RAPPORT_CONFIG")]
    pub config: Option<PathBuf>,
}

/// Where the default SQLite file lives (shared with `rapport estimate --save`).
pub fn default_database() -> anyhow::Result<PathBuf> {
    let dir = dirs::data_dir()
        .context("cannot find a data directory for this user; pass --database-url")?
        .join("rapport");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    Ok(dir.join("rapport.db"))
}

pub fn run(args: ServeArgs) -> Outcome {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("RAPPORT_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            return Outcome::Failure(
                anyhow::Error::new(e).context("cannot start the async runtime"),
            )
        }
    };
    runtime.block_on(serve(args))
}

async fn serve(mut args: ServeArgs) -> Outcome {
    // Flags and variables first; the configuration file fills the rest.
    let (config, config_path) = match crate::config::Config::load(args.config.as_deref()) {
        Ok(loaded) => loaded,
        Err(message) => return Outcome::BadInput(message),
    };
    args.database_url = args.database_url.or(config.database_url);
    let bind = args
        .bind
        .or(config.bind)
        .unwrap_or(([127, 0, 0, 1], 8080).into());
    // Keeps a temporary demo database alive until the server stops.
    let mut _temporary = None;
    let (url, temporary_note) = match (&args.database_url, args.demo) {
        (Some(url), _) => (url.clone(), ""),
        (None, true) => {
            let dir = match tempfile::Builder::new().prefix("rapport-demo-").tempdir() {
                Ok(dir) => dir,
                Err(e) => {
                    return Outcome::Failure(
                        anyhow::Error::new(e)
                            .context("cannot create a temporary directory for the demo"),
                    )
                }
            };
            let path = dir.path().join("rapport-demo.db");
            _temporary = Some(dir);
            (
                path.display().to_string(),
                " (temporary: deleted when Rapport stops)",
            )
        }
        (None, false) => match default_database() {
            Ok(path) => (path.display().to_string(), ""),
            Err(e) => return Outcome::Failure(e),
        },
    };
    let store = match Store::connect(&url).await {
        Ok(store) => store,
        Err(e @ rapport_store::StoreError::Connect { .. }) => {
            return Outcome::BadInput(e.to_string())
        }
        Err(e) => return Outcome::Failure(e.into()),
    };
    let clock = Clock::System;
    if args.demo {
        match rapport_store::demo::load(&store, clock.now()).await {
            Ok(()) => {}
            Err(rapport_store::StoreError::Conflict(message)) => {
                return Outcome::BadInput(format!(
                    "--demo: {message}; give an empty database or leave out --database-url"
                ))
            }
            Err(e) => {
                return Outcome::Failure(
                    anyhow::Error::new(e).context("cannot load the demo portfolio"),
                )
            }
        }
    }
    let listener = match tokio::net::TcpListener::bind(bind).await {
        Ok(listener) => listener,
        Err(e) => {
            return Outcome::BadInput(format!(
                "cannot listen on {}: {e}; choose another address with --bind",
                bind
            ))
        }
    };
    let address = listener.local_addr().map_or(bind, |a| a);
    println!("Rapport is listening on http://{address}/");
    println!("Data: {}{temporary_note}", store.location());
    if let Some(path) = config_path {
        println!("Configuration: {}", path.display());
    }
    if args.demo {
        println!("Demo portfolio loaded. API: http://{address}/api/v1/projects · OpenAPI: http://{address}/api/openapi.json");
    }
    println!("Press Ctrl+C to stop.");
    let state = AppState::with_clock(store.clone(), clock);
    let result = rapport_web::serve(listener, state, shutdown_signal()).await;
    store.close().await;
    match result {
        Ok(()) => Outcome::Success,
        Err(e) => {
            Outcome::Failure(anyhow::Error::new(e).context("the server stopped with an error"))
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    println!("Stopping Rapport.");
}
