//! `rapport user …` and `rapport token …`: the operator's tools for
//! accounts and API tokens, on the database that `serve` uses
//! (`--database-url` / `RAPPORT_DATABASE_URL`, the configuration file, or
//! the default SQLite file).
//!
//! Secrets go to standard output alone (a generated password, a new
//! token), so a script can capture them; everything else a person reads
//! goes to standard error.

use std::io::{BufRead, IsTerminal, Write};

use clap::{Args, Subcommand, ValueEnum};
use rapport_core::access::{check_new_password, Role, UserDraft};
use rapport_core::ids::PersonId;
use rapport_store::{Clock, Store, StoreError, User};
use rapport_web::AppState;

use crate::Outcome;

/// Who the audit log names for changes made on the command line.
fn actor() -> String {
    format!(
        "command line ({})",
        std::env::var("USER").unwrap_or_else(|_| "operator".into())
    )
}

#[derive(Debug, Args)]
pub struct Database {
    /// postgres://… for PostgreSQL, or a SQLite file path / sqlite: URL [default: as `rapport serve`].
    #[arg(long, env = "RAPPORT_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Configuration file whose database_url to use [default: as `rapport serve`].
    #[arg(long, env = "RAPPORT_CONFIG", global = true)]
    pub config: Option<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user. Without --password-stdin, a strong password is generated and printed once.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin, pm, member or viewer.
        #[arg(long)]
        role: String,
        /// The firm-side person this user is; without it a person is created with the user's name.
        #[arg(long)]
        person: Option<i64>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users.
    List {
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Change a user's role.
    SetRole {
        #[arg(long)]
        email: String,
        /// admin, pm, member or viewer.
        #[arg(long)]
        role: String,
    },
    /// Give a user a new password (generated and printed once, or read with --password-stdin); their sessions end.
    SetPassword {
        #[arg(long)]
        email: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable a user: their sessions and tokens stop working at once.
    Disable {
        #[arg(long)]
        email: String,
    },
    /// Enable a disabled user again.
    Enable {
        #[arg(long)]
        email: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Make an API token for a user and print it once, alone, on standard output.
    Create {
        #[arg(long)]
        email: String,
        /// Where the token is used, to recognise it in lists.
        #[arg(long, default_value = "command line")]
        label: String,
        /// Days until it expires [default: never].
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..=3650))]
        expires_days: Option<u16>,
    },
    /// List a user's tokens (never the tokens themselves).
    List {
        #[arg(long)]
        email: String,
    },
    /// Revoke one of a user's tokens; it stops working at once.
    Revoke {
        #[arg(long)]
        email: String,
        /// The token's id, from `rapport token list`.
        #[arg(long)]
        id: i64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

/// Runs `body` against the configured database on a small runtime.
pub(crate) fn with_store<F>(database: &Database, body: impl FnOnce(Store) -> F) -> Outcome
where
    F: std::future::Future<Output = Outcome>,
{
    let url =
        match crate::serve::database_url(database.database_url.clone(), database.config.as_deref())
        {
            Ok(url) => url,
            Err(outcome) => return outcome,
        };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            return Outcome::Failure(
                anyhow::Error::new(e).context("cannot start the async runtime"),
            )
        }
    };
    runtime.block_on(async {
        let store = match Store::connect(&url).await {
            Ok(store) => store,
            Err(e @ (StoreError::Connect { .. } | StoreError::NoFile { .. })) => {
                return Outcome::BadInput(e.to_string())
            }
            Err(e) => return Outcome::Failure(e.into()),
        };
        let outcome = body(store.clone()).await;
        store.close().await;
        outcome
    })
}

/// A store error as the operator should see it: their mistakes exit 2.
pub(crate) fn store_outcome(error: StoreError) -> Outcome {
    match error {
        StoreError::Invalid(errors) => Outcome::BadInput(errors.to_string()),
        StoreError::Conflict(message) => Outcome::BadInput(message),
        StoreError::NotFound { .. } => Outcome::BadInput(error.to_string()),
        other => Outcome::Failure(other.into()),
    }
}

fn parse_role(role: &str) -> Result<Role, Outcome> {
    role.parse()
        .map_err(|e: String| Outcome::BadInput(format!("--role: {e}")))
}

pub fn run_user(command: UserCommand, database: &Database) -> Outcome {
    let now = Clock::System.now();
    match command {
        UserCommand::Add {
            email,
            name,
            role,
            person,
            password_stdin,
        } => {
            let draft = match UserDraft::new(&email, &name, &role) {
                Ok(draft) => draft,
                Err(errors) => return Outcome::BadInput(errors.to_string()),
            };
            let (password, generated) = if password_stdin {
                let mut line = String::new();
                if let Err(e) = std::io::stdin().lock().read_line(&mut line) {
                    return Outcome::Failure(
                        anyhow::Error::new(e)
                            .context("cannot read the password from standard input"),
                    );
                }
                (line.trim_end_matches(['\r', '\n']).to_string(), false)
            } else {
                match rapport_web::auth::generate_password() {
                    Ok(password) => (password, true),
                    Err(e) => return Outcome::Failure(anyhow::anyhow!("{e:?}")),
                }
            };
            if let Err(message) = check_new_password(&password) {
                return Outcome::BadInput(format!("--password-stdin: {message}"));
            }
            let hash = match rapport_web::auth::password::hash_blocking(&password) {
                Ok(hash) => hash,
                Err(message) => return Outcome::Failure(anyhow::anyhow!(message)),
            };
            with_store(database, |store| async move {
                match store
                    .create_user(now, &actor(), &draft, person.map(PersonId::new), &hash)
                    .await
                {
                    Ok(user) => {
                        eprintln!(
                            "added {} ({}) as {}, person {}, in {}",
                            user.email,
                            user.name,
                            user.role,
                            user.person_id,
                            store.location()
                        );
                        if generated {
                            eprintln!("their password, shown this once:");
                            println!("{password}");
                        }
                        Outcome::Success
                    }
                    Err(e) => store_outcome(e),
                }
            })
        }
        UserCommand::List { format } => with_store(database, |store| async move {
            match store.users().await {
                Ok(users) => print_users(&users, format),
                Err(e) => store_outcome(e),
            }
        }),
        UserCommand::SetRole { email, role } => {
            let role = match parse_role(&role) {
                Ok(role) => role,
                Err(outcome) => return outcome,
            };
            with_store(database, |store| async move {
                match store.set_user_role(now, &actor(), &email, role).await {
                    Ok(user) => {
                        eprintln!("{} is now {}", user.email, user.role);
                        Outcome::Success
                    }
                    Err(e) => store_outcome(e),
                }
            })
        }
        UserCommand::SetPassword {
            email,
            password_stdin,
        } => {
            let (password, generated, hash) = match new_password(password_stdin) {
                Ok(found) => found,
                Err(outcome) => return outcome,
            };
            with_store(database, |store| async move {
                let user = match user_by_email(&store, &email).await {
                    Ok(user) => user,
                    Err(outcome) => return outcome,
                };
                match store.set_password(now, &actor(), user.id, &hash).await {
                    Ok(()) => {
                        eprintln!("{} has a new password; their sessions ended", user.email);
                        if generated {
                            eprintln!("the new password, shown this once:");
                            println!("{password}");
                        }
                        Outcome::Success
                    }
                    Err(e) => store_outcome(e),
                }
            })
        }
        UserCommand::Disable { email } => set_disabled(database, email, true),
        UserCommand::Enable { email } => set_disabled(database, email, false),
    }
}

/// A new password, its hash, and whether it was generated (and so must be
/// shown): read from standard input when asked, else generated.
fn new_password(from_stdin: bool) -> Result<(String, bool, String), Outcome> {
    let (password, generated) = if from_stdin && std::io::stdin().is_terminal() {
        // At a terminal: ask, without echo, twice.
        let ask = |prompt: &str| {
            rpassword::prompt_password(prompt).map_err(|e| {
                Outcome::Failure(anyhow::Error::new(e).context("cannot read the password"))
            })
        };
        let first = ask("New password (at least 12 characters, not shown): ")?;
        if ask("The same again: ")? != first {
            return Err(Outcome::BadInput(
                "the two passwords differ; nothing was changed".into(),
            ));
        }
        (first, false)
    } else if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(|e| {
            Outcome::Failure(
                anyhow::Error::new(e).context("cannot read the password from standard input"),
            )
        })?;
        (line.trim_end_matches(['\r', '\n']).to_string(), false)
    } else {
        let password = rapport_web::auth::generate_password()
            .map_err(|e| Outcome::Failure(anyhow::anyhow!("{e:?}")))?;
        (password, true)
    };
    check_new_password(&password)
        .map_err(|m| Outcome::BadInput(format!("--password-stdin: {m}")))?;
    let hash = rapport_web::auth::password::hash_blocking(&password)
        .map_err(|m| Outcome::Failure(anyhow::anyhow!(m)))?;
    Ok((password, generated, hash))
}

fn set_disabled(database: &Database, email: String, disabled: bool) -> Outcome {
    let now = Clock::System.now();
    with_store(database, |store| async move {
        match store
            .set_user_disabled(now, &actor(), &email, disabled)
            .await
        {
            Ok(user) if disabled => {
                eprintln!(
                    "{} is disabled: their sessions ended and their tokens stopped working",
                    user.email
                );
                Outcome::Success
            }
            Ok(user) => {
                eprintln!("{} is enabled and can sign in again", user.email);
                Outcome::Success
            }
            Err(e) => store_outcome(e),
        }
    })
}

fn print_users(users: &[User], format: ListFormat) -> Outcome {
    let mut out = std::io::stdout().lock();
    let written = match format {
        ListFormat::Json => serde_json::to_string_pretty(users)
            .map_err(std::io::Error::other)
            .and_then(|json| writeln!(out, "{json}")),
        ListFormat::Table => {
            let mut result = writeln!(
                out,
                "{:<32} {:<24} {:<7} {:>6}  state",
                "e-mail", "name", "role", "person"
            );
            for u in users {
                let state = if u.disabled { "disabled" } else { "active" };
                result = result.and_then(|()| {
                    writeln!(
                        out,
                        "{:<32} {:<24} {:<7} {:>6}  {state}",
                        u.email,
                        u.name,
                        u.role.as_str(),
                        u.person_id
                    )
                });
            }
            result
        }
    };
    match written {
        Ok(()) => Outcome::Success,
        // The reader stopped early (`rapport user list | head`): not a failure.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Outcome::Success,
        Err(e) => Outcome::Failure(anyhow::Error::new(e).context("cannot write the list")),
    }
}

async fn user_by_email(store: &Store, email: &str) -> Result<User, Outcome> {
    match store
        .user_for_sign_in(&rapport_core::access::normalise_email(email))
        .await
    {
        Ok(Some((user, _))) => Ok(user),
        Ok(None) => Err(Outcome::BadInput(format!(
            "--email: no user with e-mail {email}; `rapport user list` shows who there is"
        ))),
        Err(e) => Err(store_outcome(e)),
    }
}

pub fn run_token(command: TokenCommand, database: &Database) -> Outcome {
    let now = Clock::System.now();
    match command {
        TokenCommand::Create {
            email,
            label,
            expires_days,
        } => with_store(database, |store| async move {
            let user = match user_by_email(&store, &email).await {
                Ok(user) => user,
                Err(outcome) => return outcome,
            };
            let state = AppState::new(store.clone());
            match rapport_web::auth::issue_token(
                &state,
                &actor(),
                user.id,
                label.trim(),
                expires_days.map(i64::from),
            )
            .await
            {
                Ok((token, stored)) => {
                    let expiry = stored.expires_at.map_or_else(
                        || "does not expire".to_string(),
                        |at| format!("expires {}", at.format("%Y-%m-%d %H:%M UTC")),
                    );
                    eprintln!(
                        "token {} for {} ({expiry}); shown this once:",
                        stored.id, user.email
                    );
                    println!("{token}");
                    Outcome::Success
                }
                Err(e) => Outcome::Failure(anyhow::anyhow!("{e:?}")),
            }
        }),
        TokenCommand::List { email } => with_store(database, |store| async move {
            let user = match user_by_email(&store, &email).await {
                Ok(user) => user,
                Err(outcome) => return outcome,
            };
            match store.tokens_of(user.id).await {
                Ok(tokens) => {
                    println!(
                        "{:>4}  {:<24} {:<16} {:<10} {:<10} state",
                        "id", "label", "starts with", "made", "expires"
                    );
                    for t in tokens {
                        let state = if t.revoked_at.is_some() {
                            "revoked"
                        } else if t.expires_at.is_some_and(|at| at <= now) {
                            "expired"
                        } else {
                            "active"
                        };
                        let expires = t
                            .expires_at
                            .map_or_else(|| "never".into(), |at| at.format("%Y-%m-%d").to_string());
                        println!(
                            "{:>4}  {:<24} {:<16} {:<10} {:<10} {state}",
                            t.id,
                            t.label,
                            t.prefix,
                            t.created_at.format("%Y-%m-%d"),
                            expires
                        );
                    }
                    Outcome::Success
                }
                Err(e) => store_outcome(e),
            }
        }),
        TokenCommand::Revoke { email, id } => with_store(database, |store| async move {
            let user = match user_by_email(&store, &email).await {
                Ok(user) => user,
                Err(outcome) => return outcome,
            };
            match store.revoke_token(now, &actor(), user.id, id).await {
                Ok(_) => {
                    eprintln!("token {id} of {} is revoked", user.email);
                    Outcome::Success
                }
                Err(StoreError::NotFound { .. }) => Outcome::BadInput(format!(
                    "--id: {} has no token {id}; `rapport token list --email {}` shows theirs",
                    user.email, user.email
                )),
                Err(e) => store_outcome(e),
            }
        }),
    }
}
