//! `rapport serve`: the web application and JSON API.
//!
//! Where the data lives: `--database-url` / `RAPPORT_DATABASE_URL` when
//! given (PostgreSQL or SQLite); otherwise `rapport.db` in the user's data
//! directory; with `--demo` and no URL, a temporary SQLite file deleted when
//! the server stops.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::TimeDelta;
use clap::Args;
use rapport_store::{Clock, Store};
use rapport_web::auth::AuthConfig;
use rapport_web::AppState;

use crate::{demo, Outcome};

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
    /// The address people use to reach Rapport, e.g. https://rapport.example.com; when https, cookies are marked Secure.
    #[arg(long, env = "RAPPORT_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Hours of inactivity after which a session ends [default: 12].
    #[arg(long, env = "RAPPORT_SESSION_IDLE_HOURS", value_parser = clap::value_parser!(u32).range(1..=8760))]
    pub session_idle_hours: Option<u32>,
    /// Days after sign-in after which a session ends, used or not [default: 7].
    #[arg(long, env = "RAPPORT_SESSION_DAYS", value_parser = clap::value_parser!(u32).range(1..=365))]
    pub session_days: Option<u32>,
    /// The SMTP server status reports are sent through: smtp://host:25, smtp://host:587?tls=required (STARTTLS) or smtps://user:password@host:465. Without it, reports are downloaded, not e-mailed.
    #[arg(long, env = "RAPPORT_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The sender of status reports, e.g. "Rapport <rapport@firm.example>" (needed with --smtp-url).
    #[arg(long, env = "RAPPORT_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// Configuration file [default: rapport/config.toml in the user's configuration directory, if present].
    #[arg(long, env = "RAPPORT_CONFIG")]
    pub config: Option<PathBuf>,
}

/// The database URL a command uses: the flag or `RAPPORT_DATABASE_URL`
/// when given, else the configuration file's, else the default SQLite
/// file (shared by `serve`, `estimate --save`, `user` and `token`).
pub fn database_url(flag: Option<String>, config: Option<&Path>) -> Result<String, Outcome> {
    if let Some(url) = flag {
        return Ok(url);
    }
    let configured = crate::config::Config::load(config)
        .map_err(Outcome::BadInput)?
        .0
        .database_url;
    match configured {
        Some(url) => Ok(url),
        None => default_database()
            .map(|path| path.display().to_string())
            .map_err(Outcome::Failure),
    }
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
        Err(
            e @ (rapport_store::StoreError::Connect { .. }
            | rapport_store::StoreError::NoFile { .. }),
        ) => return Outcome::BadInput(e.to_string()),
        Err(e) => return Outcome::Failure(e.into()),
    };
    let clock = Clock::System;
    let mut demo_users = None;
    let mut demo_pm = None;
    if args.demo {
        let password = match demo::password() {
            Ok(password) => password,
            Err(message) => return Outcome::BadInput(message),
        };
        match rapport_store::demo::load(&store, clock.now()).await {
            Ok(people) => {
                demo_pm = Some(people.project_manager);
                match demo::add_users(&store, clock.now(), people, password).await {
                    Ok(users) => demo_users = Some(users),
                    Err(e) => return Outcome::Failure(e),
                }
            }
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
    if let Some(users) = &demo_users {
        println!("Demo portfolio loaded. Sign in at http://{address}/login as one of:");
        for (email, what) in &users.accounts {
            println!("  {email:<22} {what}");
        }
        println!("  password: {}{}", users.password, users.password_note);
        println!("API: http://{address}/api/v1/projects with a token from the settings page · OpenAPI: http://{address}/api/openapi.json");
    }
    if demo_users.is_none() && matches!(store.users().await, Ok(users) if users.is_empty()) {
        println!("No users yet, so nobody can sign in. Add the first administrator with:");
        println!("  rapport user add --email you@example.com --name \"Your Name\" --role admin");
        if args.database_url.is_some() {
            println!(
                "  (giving it the same --database-url or RAPPORT_DATABASE_URL as this server)"
            );
        }
    }
    println!("Press Ctrl+C to stop.");
    let public_url = args.public_url.or(config.public_url);
    let defaults = AuthConfig::default();
    let auth = AuthConfig {
        idle: args
            .session_idle_hours
            .or(config.session_idle_hours)
            .map_or(defaults.idle, |h| TimeDelta::hours(i64::from(h))),
        absolute: args
            .session_days
            .or(config.session_days)
            .map_or(defaults.absolute, |d| TimeDelta::days(i64::from(d))),
        secure_cookie: public_url
            .as_deref()
            .is_some_and(|url| url.starts_with("https://")),
    };
    let mail = match (&args.smtp_url, &args.mail_from) {
        (None, _) => None,
        (Some(_), None) => return Outcome::BadInput(
            "--smtp-url needs --mail-from (RAPPORT_MAIL_FROM): the address reports are sent from"
                .into(),
        ),
        (Some(url), Some(from)) => match rapport_web::mail::MailConfig::new(url, from) {
            Ok(mail) => Some(mail),
            Err(e) => return Outcome::BadInput(e),
        },
    };
    match &mail {
        Some(m) => println!(
            "E-mail: status reports are sent through {} as {}",
            m.server(),
            m.from()
        ),
        None => println!(
            "E-mail: not set up (RAPPORT_SMTP_URL); status reports can be downloaded, not sent"
        ),
    }
    let state = AppState::with_clock(store.clone(), clock)
        .with_auth(auth)
        .with_public_url(public_url.as_deref())
        .with_mail(mail);
    if let Some(pm) = demo_pm {
        if let Err(e) = rapport_web::reporting::demo_report(&state, pm).await {
            return Outcome::Failure(anyhow::anyhow!(
                "cannot write the demo's status report: {e:?}"
            ));
        }
    }
    if address.ip().is_unspecified() && public_url.is_none() {
        println!("Listening on every address with no --public-url: Rapport cannot tell its own names, so it answers to any Host. Set --public-url to the address people use.");
    }
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
