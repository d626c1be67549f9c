//! Rapport's storage: the schema, its migrations and every query, on SQLite
//! (the embedded default) and PostgreSQL (a firm's shared deployment).
//!
//! One logical schema for both backends; the dialects differ only in the
//! migration files (`migrations/sqlite`, `migrations/postgres`) and in the
//! [`on_tx!`] macro below, which runs the same query text in whichever
//! backend's transaction is open. Runtime-checked `sqlx::query_as` keeps the
//! build free of a live database. Every operation runs in a visible
//! transaction, `begin → checks → statements → commit`, with one small
//! function per statement; reads that assemble a value from several queries
//! run in one read transaction. Client-facing records are archived, never
//! deleted, and their changes are written to the audit log in the same
//! transaction. The time of a change is the caller's `now` (see [`Clock`]).

#![forbid(unsafe_code)]

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};

use rapport_core::domain::ValidationErrors;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

mod accounts;
mod agenda;
pub use agenda::{LedgerEntry, RelationshipSummary, TodayPanels};
mod audit_log;
mod briefs;
pub use briefs::{Concern, MissionBrief};
mod calendar;
mod clock;
pub mod demo;
mod direct;
mod estimates;
mod health;
mod jobs;
mod news;
mod people;
mod profiles;
mod projects;
mod relationships;
mod reports;
mod scope;
mod search;
mod seed;
pub use search::{fts5_query, SearchHit, MAX_HITS};
pub use seed::{SeedSize, Seeded, MAX_INTERACTIONS, MAX_PROJECTS};
mod sessions;
mod status;
mod users;

pub use accounts::Account;
pub use audit_log::AuditEntry;
pub use clock::Clock;
pub use estimates::{EstimateVersion, StoredResults, VersionCounts};
pub use jobs::{
    JobRequest, JobState, SimulationJob, HEARTBEAT_TIMEOUT, MAX_ATTEMPTS, MAX_OPEN_JOBS,
};
pub use news::{Figures, NewsItem, SettingsOf, Telling, ToldEntry};
pub use people::Person;
pub use profiles::Profile;
pub use projects::{Project, Stakeholder, TeamChange};
pub use relationships::{
    Captured, CockpitRecord, Commitment, FollowUpQuestion, Interaction, Resolution, Subject,
    Timeline, TimelineEntry,
};
pub use reports::{
    backoff, Delivery, Outgoing, Report, ReportDocuments, ReportState, ReportedTo, LEASE,
    MAX_DELIVERY_ATTEMPTS,
};
pub use scope::Scope;
pub use sessions::{ApiToken, NewToken, SessionRecord};
pub use status::StatusRecord;
pub use users::User;

/// What a caller can act on when a store operation fails.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no {entity} with id {id}")]
    NotFound { entity: &'static str, id: i64 },
    #[error("{0}")]
    Conflict(String),
    /// The record refers to something that does not exist or does not fit
    /// (a client rep from another account, say).
    #[error("{0}")]
    Invalid(ValidationErrors),
    #[error("cannot open the database at {url}: {source}")]
    Connect {
        url: String,
        #[source]
        source: sqlx::Error,
    },
    /// A SQLite URL with no file in it (`sqlite://`): SQLite would give
    /// each connection a private temporary database of its own, so writes
    /// would scatter and vanish.
    #[error(
        "the database URL {url} names no file; give a path (sqlite:///var/lib/rapport/rapport.db, or just rapport.db), or sqlite::memory: for a database that ends with the process"
    )]
    NoFile { url: String },
    #[error("cannot bring the database schema up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A failure of a direct read on SQLite (see the `direct` module).
    #[error("database error: {0}")]
    Direct(#[from] rusqlite::Error),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl StoreError {
    fn not_found(entity: &'static str, id: i64) -> Self {
        Self::NotFound { entity, id }
    }

    fn invalid(field: &str, message: impl Into<String>) -> Self {
        let mut errors = ValidationErrors::default();
        errors.add(field, message);
        Self::Invalid(errors)
    }
}

/// Which database holds the data; cheap to clone (pools are shared).
#[derive(Clone, Debug)]
pub struct Store {
    db: Db,
    location: String,
    /// Read-only connections to the same SQLite file for snapshot reads
    /// without the driver's worker thread; none on PostgreSQL or for an
    /// in-memory database.
    direct: Option<std::sync::Arc<direct::DirectPool>>,
}

#[derive(Clone, Debug)]
enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the open pool, whichever backend it
/// is: only for statements outside any transaction (ping, close). Queries
/// go through a [`Tx`] and [`on_tx!`].
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.db {
            crate::Db::Sqlite($pool) => $body,
            crate::Db::Postgres($pool) => $body,
        }
    };
}

/// A transaction over whichever backend is open.
///
/// Public store operations read `begin → checks → statements → commit`;
/// the statements are small functions taking `&mut Tx`, so a helper (the
/// audit log, the outbox) joins its caller's transaction. Dropping a `Tx`
/// without [`Tx::commit`] rolls it back.
pub struct Tx(TxInner);

enum TxInner {
    Sqlite(Handle<sqlx::Sqlite>),
    Postgres(Handle<sqlx::Postgres>),
    /// A snapshot read on SQLite run on the calling thread (see
    /// [`Store::snapshot`]): only statements written with [`fetch!`] run
    /// here.
    Direct(direct::DirectTx),
}

/// A connection the statements run on: a transaction, or (for a read of
/// one statement, which is a consistent snapshot by itself) a connection
/// from the pool with no transaction around it. The second saves the
/// `BEGIN` and `COMMIT` round trips, which on SQLite are each a hand-off
/// to the connection's worker thread and back: at a firm's size the pages
/// spent more time in those hand-offs than in SQLite (docs/benchmarks.md).
enum Handle<DB: sqlx::Database> {
    Tx(sqlx::Transaction<'static, DB>),
    One(sqlx::pool::PoolConnection<DB>),
}

impl<DB: sqlx::Database> Handle<DB> {
    fn conn(&mut self) -> &mut DB::Connection {
        match self {
            Handle::Tx(tx) => tx,
            Handle::One(conn) => conn,
        }
    }

    async fn commit(self) -> Result<()> {
        if let Handle::Tx(tx) = self {
            tx.commit().await?;
        }
        Ok(())
    }
}

impl std::fmt::Debug for Tx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.0 {
            TxInner::Sqlite(_) => "Tx(SQLite)",
            TxInner::Postgres(_) => "Tx(PostgreSQL)",
            TxInner::Direct(_) => "Tx(SQLite, direct)",
        })
    }
}

impl Tx {
    pub async fn commit(self) -> Result<()> {
        match self.0 {
            TxInner::Sqlite(handle) => handle.commit().await?,
            TxInner::Postgres(handle) => handle.commit().await?,
            TxInner::Direct(direct) => direct.commit()?,
        }
        Ok(())
    }
}

/// Runs `$body` with `$conn` bound to the transaction's connection
/// (`&mut SqliteConnection` or `&mut PgConnection`), whichever backend it
/// is. The body is compiled once per backend, so one query text serves
/// both; write `.execute(&mut *$conn)`.
macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match &mut $tx.0 {
            crate::TxInner::Sqlite(handle) => {
                let $conn: &mut sqlx::SqliteConnection = handle.conn();
                $body
            }
            crate::TxInner::Postgres(handle) => {
                let $conn: &mut sqlx::PgConnection = handle.conn();
                $body
            }
            crate::TxInner::Direct(_) => {
                return Err(crate::StoreError::Corrupt(format!(
                    "a statement at {}:{} has no direct form; write it with fetch!",
                    file!(),
                    line!()
                )))
            }
        }
    };
}
pub(crate) use on_tx;

/// Runs one query, `sqlx::query_as($sql).bind(..)….$how(conn)`, on
/// whichever backend the transaction is on, direct reads included; the
/// row type comes from the caller. `$how` is `fetch_all`,
/// `fetch_optional` or `fetch_one`.
macro_rules! fetch {
    ($tx:expr, $how:ident, $sql:expr $(, $bind:expr)* $(,)?) => {
        match &mut $tx.0 {
            crate::TxInner::Sqlite(handle) => {
                sqlx::query_as($sql)$(.bind($bind))*.$how(handle.conn()).await?
            }
            crate::TxInner::Postgres(handle) => {
                sqlx::query_as($sql)$(.bind($bind))*.$how(handle.conn()).await?
            }
            crate::TxInner::Direct(direct) => {
                direct.$how($sql, &[$(crate::direct::value(&$bind)),*])?
            }
        }
    };
}
pub(crate) use fetch;

/// [`fetch!`] for a query whose binds begin with a list built at run time
/// (an `IN (…)` list): `$args` is a slice of values both drivers bind,
/// and any binds after the `;` follow it.
macro_rules! fetch_list {
    ($tx:expr, $how:ident, $sql:expr, $args:expr $(; $($bind:expr),+)?) => {
        match &mut $tx.0 {
            crate::TxInner::Sqlite(handle) => {
                let mut query = sqlx::query_as($sql);
                for arg in $args {
                    query = query.bind(*arg);
                }
                $($(query = query.bind($bind);)+)?
                query.$how(handle.conn()).await?
            }
            crate::TxInner::Postgres(handle) => {
                let mut query = sqlx::query_as($sql);
                for arg in $args {
                    query = query.bind(*arg);
                }
                $($(query = query.bind($bind);)+)?
                query.$how(handle.conn()).await?
            }
            crate::TxInner::Direct(direct) => {
                #[allow(unused_mut)]
                let mut args: Vec<_> = $args.iter().map(crate::direct::value).collect();
                $($(args.push(crate::direct::value(&$bind));)+)?
                direct.$how($sql, &args)?
            }
        }
    };
}
pub(crate) use fetch_list;

/// `$1, $2, …, $n`: the placeholders of an `IN (…)` list bound one by one
/// (`= ANY($1)` is PostgreSQL's alone).
pub(crate) fn in_list(n: usize) -> String {
    (1..=n)
        .map(|k| format!("${k}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Makes concurrent transactions that name the same keys take turns until
/// they commit, so a check followed by a write cannot interleave (the
/// sign-in limit counted and then raised by a burst of parallel attempts).
/// SQLite needs nothing: a write transaction begins `IMMEDIATE` and holds
/// the database's one write lock already. PostgreSQL takes a
/// transaction-scoped advisory lock per key, always in the order given, so
/// callers that list keys in one order cannot deadlock.
pub(crate) async fn take_turns(tx: &mut Tx, keys: &[&str]) -> Result<()> {
    if let TxInner::Postgres(handle) = &mut tx.0 {
        for key in keys {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                .bind(key)
                .execute(handle.conn())
                .await?;
        }
    }
    Ok(())
}

/// The records archived (never deleted) by one statement on their own
/// table; a closed list, so no table name comes from outside.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Archivable {
    Accounts,
    People,
    Projects,
}

/// Archives or restores one record; returns whether it exists.
pub(crate) async fn update_archived(
    tx: &mut Tx,
    table: Archivable,
    now: DateTime<Utc>,
    id: i64,
    archived: bool,
) -> Result<bool> {
    let sql = match table {
        Archivable::Accounts => "UPDATE accounts SET archived = $1, updated_at = $2 WHERE id = $3",
        Archivable::People => "UPDATE people SET archived = $1, updated_at = $2 WHERE id = $3",
        Archivable::Projects => "UPDATE projects SET archived = $1, updated_at = $2 WHERE id = $3",
    };
    let updated = on_tx!(tx, conn => {
        sqlx::query(sql)
            .bind(archived)
            .bind(now)
            .bind(id)
            .execute(conn)
            .await?
            .rows_affected()
    });
    Ok(updated > 0)
}

/// Writes one audit entry inside the caller's transaction: who changed
/// which client-facing record, when, and what it now says.
pub(crate) async fn audit(
    tx: &mut Tx,
    at: DateTime<Utc>,
    actor: &str,
    entity: &str,
    entity_id: i64,
    action: &str,
    detail: &impl serde::Serialize,
) -> Result<()> {
    let detail = serde_json::to_string(detail).unwrap_or_else(|_| "null".into());
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO audit_log (at, actor, entity, entity_id, action, detail) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(at)
        .bind(actor)
        .bind(entity)
        .bind(entity_id)
        .bind(action)
        .bind(detail)
        .execute(conn)
        .await?;
    });
    Ok(())
}

fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

impl Store {
    /// Opens (creating if needed) and migrates the database at `url`: a
    /// `postgres://` URL, a `sqlite:` URL, or a plain file path for SQLite.
    pub async fn connect(url: &str) -> Result<Self> {
        if is_postgres_url(url) {
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await
                .map_err(|source| StoreError::Connect {
                    url: redact(url),
                    source,
                })?;
            sqlx::migrate!("./migrations/postgres").run(&pool).await?;
            Ok(Self {
                db: Db::Postgres(pool),
                location: format!("PostgreSQL at {}", redact(url)),
                direct: None,
            })
        } else {
            let url = if url.starts_with("sqlite:") {
                url.to_string()
            } else {
                format!("sqlite://{url}")
            };
            let in_memory = url.contains(":memory:") || url.contains("mode=memory");
            let options = SqliteConnectOptions::from_str(&url)
                .map_err(|source| StoreError::Connect {
                    url: url.clone(),
                    source,
                })?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                // Reads through a memory map of the file (shared by every
                // connection, in the system's page cache) instead of a
                // read() per page into each connection's own 2 MB cache:
                // the pages at a firm's size read a database of hundreds of
                // megabytes (docs/benchmarks.md, load).
                .pragma("mmap_size", "268435456");
            let file = options.get_filename().to_path_buf();
            if !in_memory && file.as_os_str().is_empty() {
                return Err(StoreError::NoFile { url });
            }
            // An in-memory database lives in one connection.
            let max = if in_memory { 1 } else { 8 };
            let pool = SqlitePoolOptions::new()
                .max_connections(max)
                .connect_with(options)
                .await
                .map_err(|source| StoreError::Connect {
                    url: url.clone(),
                    source,
                })?;
            sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
            let direct = (!in_memory).then(|| direct::DirectPool::new(file));
            Ok(Self {
                db: Db::Sqlite(pool),
                location: format!("SQLite file {}", url.trim_start_matches("sqlite://")),
                direct,
            })
        }
    }

    /// Opens the SQLite file at `path`.
    pub async fn open_file(path: &Path) -> Result<Self> {
        Self::connect(&path.display().to_string()).await
    }

    /// Where the data lives, for people ("SQLite file /home/…/rapport.db").
    pub fn location(&self) -> &str {
        &self.location
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.db, Db::Postgres(_))
    }

    /// Starts a write transaction. On SQLite it begins `IMMEDIATE`, taking
    /// the write lock at once so the busy timeout applies; a deferred
    /// transaction that reads and then writes fails with "database is
    /// locked" when another writer got there first.
    ///
    /// On SQLite the `BEGIN` runs in a task of its own, so a caller that
    /// goes away mid-`begin` (a request whose client hung up, a worker
    /// aborted at shutdown) cannot leave the write lock taken. sqlx 0.8's
    /// SQLite driver, after a custom `BEGIN` succeeds, awaits the
    /// connection's lock to check it is in a transaction, and only then
    /// makes the `Transaction` whose drop rolls back: a future dropped in
    /// that gap put the connection back in the pool with its `BEGIN
    /// IMMEDIATE` open, and every later write waited out the busy timeout
    /// and failed with "database is locked" (seen in CI; the test
    /// `cancelled_writes_leave_sqlite_writable` reproduces it within
    /// tens of tries without this). sqlx 0.9 does the check inside the
    /// driver's worker. Here the spawned task runs to its end whatever
    /// happens to the caller, and a `Transaction` nobody received is
    /// dropped, which rolls it back.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(Tx(match &self.db {
            Db::Sqlite(pool) => {
                let pool = pool.clone();
                let begun = tokio::spawn(async move { pool.begin_with("BEGIN IMMEDIATE").await })
                    .await
                    .map_err(|e| StoreError::Corrupt(format!("a BEGIN stopped: {e}")))??;
                TxInner::Sqlite(Handle::Tx(begun))
            }
            Db::Postgres(pool) => TxInner::Postgres(Handle::Tx(pool.begin().await?)),
        }))
    }

    /// Starts a read transaction: every query in it sees one consistent
    /// snapshot, so a value assembled from several queries is never torn
    /// by a concurrent change. SQLite in WAL mode gives a deferred
    /// transaction a snapshot at its first read; PostgreSQL needs
    /// `REPEATABLE READ` (its default, `READ COMMITTED`, re-snapshots each
    /// statement).
    pub async fn begin_read(&self) -> Result<Tx> {
        Ok(Tx(match &self.db {
            Db::Sqlite(pool) => TxInner::Sqlite(Handle::Tx(pool.begin().await?)),
            Db::Postgres(pool) => TxInner::Postgres(Handle::Tx(
                pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?,
            )),
        }))
    }

    /// A connection for a read of one statement: no transaction, since
    /// one statement sees one snapshot on both backends. A read of several
    /// statements that must agree takes [`Store::begin_read`].
    pub(crate) async fn read_one(&self) -> Result<Tx> {
        Ok(Tx(match &self.db {
            Db::Sqlite(pool) => TxInner::Sqlite(Handle::One(pool.acquire().await?)),
            Db::Postgres(pool) => TxInner::Postgres(Handle::One(pool.acquire().await?)),
        }))
    }

    /// Runs `read` in one read transaction, a consistent snapshot (as
    /// [`Store::begin_read`]), and returns what it returns. On a SQLite
    /// file the whole read runs on a blocking thread over a direct
    /// connection, one hand-off for all its statements (the `direct`
    /// module says why); its statements must be written with [`fetch!`].
    /// `read` commits the transaction it is given.
    pub(crate) async fn snapshot<T, F, Fut>(&self, read: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(Tx) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = Result<T>> + Send,
    {
        match &self.direct {
            Some(pool) => {
                let runtime = tokio::runtime::Handle::current();
                pool.run(move |direct| runtime.block_on(read(Tx(TxInner::Direct(direct)))))
                    .await
            }
            None => read(self.begin_read().await?).await,
        }
    }

    /// Checks the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<()> {
        on_pool!(self, pool => {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }

    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }
}

/// Hides a password in a database URL before it is printed or logged.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}://{user}:***@{}", &url[..scheme], &url[at + 1..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Maps a unique-constraint violation to a conflict with `message`.
fn conflict_on_unique(error: sqlx::Error, message: impl FnOnce() -> String) -> StoreError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(message()),
        _ => StoreError::Database(error),
    }
}

fn parse_stored<T: FromStr<Err = String>>(value: &str, what: &str) -> Result<T> {
    value
        .parse()
        .map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_hidden_in_printed_urls() {
        assert_eq!(
            redact("postgres://app:secret@db:5432/rapport"),
            "postgres://app:***@db:5432/rapport"
        );
        assert_eq!(
            redact("postgres://app@db/rapport"),
            "postgres://app@db/rapport"
        );
    }
}
