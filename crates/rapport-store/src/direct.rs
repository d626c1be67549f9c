//! Reads on SQLite without the driver's worker thread: a page's whole
//! snapshot runs as one blocking call on its own read-only connection.
//!
//! `sqlx`'s SQLite driver gives each connection a thread of its own and
//! hands every statement, and every row of its result, across a channel to
//! it and back. A page of twenty statements paid forty thread wake-ups
//! and more for its rows: under load, half of the server's CPU went to the
//! kernel switching threads and a twentieth to SQLite itself
//! (docs/benchmarks.md, pages under load). Here the statements of one
//! snapshot run on the calling (blocking) thread through `rusqlite`: one
//! hand-off per page instead of one per statement and row.
//!
//! The query text is the same as on the `sqlx` path (the [`fetch!`]
//! macro compiles one statement for all three), `$1`-style placeholders
//! are bound by their number as `sqlx` binds them, and values are written
//! in the text forms `sqlx` stores, so both paths compare and read the
//! same bytes. Only reads come here: the connections are opened read-only.
//! Writes, and the in-memory database (one connection, which these could
//! not see), stay on `sqlx`.
//!
//! What this module does not do: decide which operations read directly
//! (each snapshot read in the store says so by calling
//! [`crate::Store::snapshot`]).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags};
use tokio::sync::Semaphore;

use crate::{Result, StoreError};

/// How many snapshots read at once; the rest wait their turn. As many as
/// the `sqlx` pool has connections: at 2,000 projects on 2 cores, 2 and 4
/// gave lower throughput and 16 a worse tail for search than 8
/// (docs/benchmarks.md).
const CONNECTIONS: usize = 8;

/// Read-only connections to one SQLite file, opened when first needed.
#[derive(Debug)]
pub(crate) struct DirectPool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    turns: Arc<Semaphore>,
}

impl DirectPool {
    pub(crate) fn new(path: PathBuf) -> Arc<Self> {
        Arc::new(Self {
            path,
            idle: Mutex::new(Vec::new()),
            turns: Arc::new(Semaphore::new(CONNECTIONS)),
        })
    }

    /// Runs `read` on a connection of the pool, on a blocking thread, once
    /// a connection is free.
    pub(crate) async fn run<T, F>(self: &Arc<Self>, read: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(DirectTx) -> Result<T> + Send + 'static,
    {
        let turn = Arc::clone(&self.turns)
            .acquire_owned()
            .await
            .map_err(|_| StoreError::Corrupt("the direct read pool was closed".into()))?;
        let pool = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let _turn = turn;
            let conn = pool.take()?;
            conn.execute_batch("BEGIN")?;
            read(DirectTx {
                conn: Some(conn),
                pool,
            })
        })
        .await
        .map_err(|e| StoreError::Corrupt(format!("a direct read stopped: {e}")))?
    }

    fn take(&self) -> Result<Connection> {
        if let Some(conn) = self.idle.lock().map_err(poisoned)?.pop() {
            return Ok(conn);
        }
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // As the sqlx connections do: read through a memory map of the file.
        conn.pragma_update(None, "mmap_size", 268_435_456_i64)?;
        conn.set_prepared_statement_cache_capacity(128);
        Ok(conn)
    }

    fn give_back(&self, conn: Connection) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(conn);
        }
    }
}

fn poisoned<T>(_: std::sync::PoisonError<T>) -> StoreError {
    StoreError::Corrupt("the direct read pool's lock was poisoned".into())
}

/// An open read transaction on a direct connection: one snapshot. Ends
/// (and goes back to the pool) when dropped.
#[derive(Debug)]
pub(crate) struct DirectTx {
    conn: Option<Connection>,
    pool: Arc<DirectPool>,
}

impl Drop for DirectTx {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            if conn.is_autocommit() || conn.execute_batch("ROLLBACK").is_ok() {
                self.pool.give_back(conn);
            }
        }
    }
}

impl DirectTx {
    fn conn(&self) -> Result<&Connection> {
        self.conn
            .as_ref()
            .ok_or_else(|| StoreError::Corrupt("a direct read used after its end".into()))
    }

    pub(crate) fn commit(mut self) -> Result<()> {
        if let Some(conn) = self.conn.take() {
            conn.execute_batch("COMMIT")?;
            self.pool.give_back(conn);
        }
        Ok(())
    }

    /// Every row of the query.
    pub(crate) fn fetch_all<T: DirectRow>(&mut self, sql: &str, args: &[Value]) -> Result<Vec<T>> {
        self.query(sql, args, usize::MAX)
    }

    /// The first row of the query, if any.
    pub(crate) fn fetch_optional<T: DirectRow>(
        &mut self,
        sql: &str,
        args: &[Value],
    ) -> Result<Option<T>> {
        Ok(self.query(sql, args, 1)?.pop())
    }

    /// At most `limit` rows of the query, logged with their time.
    fn query<T: DirectRow>(&mut self, sql: &str, args: &[Value], limit: usize) -> Result<Vec<T>> {
        let started = std::time::Instant::now();
        let conn = self.conn()?;
        let mut statement = conn.prepare_cached(sql)?;
        bind(&mut statement, args)?;
        let columns = T::columns(&statement)?;
        let mut rows = statement.raw_query();
        let mut out = Vec::new();
        while out.len() < limit {
            let Some(row) = rows.next()? else { break };
            out.push(T::decode(row, &columns)?);
        }
        logged(sql, out.len(), started);
        Ok(out)
    }

    /// The first row of the query; none is an error, as in `sqlx`.
    pub(crate) fn fetch_one<T: DirectRow>(&mut self, sql: &str, args: &[Value]) -> Result<T> {
        self.fetch_optional(sql, args)?
            .ok_or(StoreError::Database(sqlx::Error::RowNotFound))
    }
}

/// Logs a statement and its time at debug level, as `sqlx` logs its own
/// (`RAPPORT_LOG=rapport_store::direct=debug`).
fn logged(sql: &str, rows: usize, started: std::time::Instant) {
    tracing::debug!(
        rows,
        elapsed_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        sql,
        "direct read"
    );
}

/// Binds the arguments by placeholder number: `$2` takes the second
/// argument wherever it appears, as `sqlx` binds them (SQLite itself
/// numbers named parameters in the order they first appear).
fn bind(statement: &mut rusqlite::CachedStatement<'_>, args: &[Value]) -> Result<()> {
    for index in 1..=statement.parameter_count() {
        let number = statement
            .parameter_name(index)
            .and_then(|name| name.strip_prefix('$'))
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(index);
        let value = args.get(number - 1).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "a statement names ${number} but was given {} values",
                args.len()
            ))
        })?;
        statement.raw_bind_parameter(index, value)?;
    }
    Ok(())
}

/// A row decoded from a direct read. Structs list their fields with
/// [`direct_row!`]; tuples of columns decode in order.
pub(crate) trait DirectRow: Sized {
    /// Where each field's column is in the statement's result, found
    /// once per statement: looking a column up by name on every row cost
    /// a tenth of a page's time.
    type Columns;
    fn columns(statement: &rusqlite::Statement<'_>) -> rusqlite::Result<Self::Columns>;
    fn decode(row: &rusqlite::Row<'_>, columns: &Self::Columns) -> rusqlite::Result<Self>;
}

/// Implements [`DirectRow`] for a row struct: each field from the column
/// of its name, as `#[derive(sqlx::FromRow)]` reads it.
macro_rules! direct_row {
    ($row:ident { $($field:ident),* $(,)? }) => {
        impl crate::direct::DirectRow for $row {
            type Columns = Vec<usize>;
            fn columns(statement: &rusqlite::Statement<'_>) -> rusqlite::Result<Vec<usize>> {
                Ok(vec![$(statement.column_index(stringify!($field))?),*])
            }
            fn decode(row: &rusqlite::Row<'_>, columns: &Vec<usize>) -> rusqlite::Result<Self> {
                let mut at = columns.iter().copied();
                let mut next = || at.next().ok_or(rusqlite::Error::InvalidColumnIndex(columns.len()));
                Ok(Self { $($field: row.get(next()?)?),* })
            }
        }
    };
}
pub(crate) use direct_row;

macro_rules! tuple_row {
    ($($t:ident $i:tt),+) => {
        impl<$($t: rusqlite::types::FromSql),+> DirectRow for ($($t,)+) {
            type Columns = ();
            fn columns(_: &rusqlite::Statement<'_>) -> rusqlite::Result<()> {
                Ok(())
            }
            fn decode(row: &rusqlite::Row<'_>, _: &()) -> rusqlite::Result<Self> {
                Ok(($(row.get::<_, $t>($i)?,)+))
            }
        }
    };
}
tuple_row!(A 0);
tuple_row!(A 0, B 1);
tuple_row!(A 0, B 1, C 2);
tuple_row!(A 0, B 1, C 2, D 3);
tuple_row!(A 0, B 1, C 2, D 3, E 4);
tuple_row!(A 0, B 1, C 2, D 3, E 4, F 5);
tuple_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);

/// A value bound to a direct read, in the form `sqlx` writes it to SQLite.
pub(crate) trait DirectValue {
    fn value(&self) -> Value;
}

/// The value of one bound argument (for [`fetch!`]).
pub(crate) fn value(v: &impl DirectValue) -> Value {
    v.value()
}

impl<T: DirectValue + ?Sized> DirectValue for &T {
    fn value(&self) -> Value {
        (**self).value()
    }
}

impl<T: DirectValue> DirectValue for Option<T> {
    fn value(&self) -> Value {
        self.as_ref().map_or(Value::Null, DirectValue::value)
    }
}

impl DirectValue for i64 {
    fn value(&self) -> Value {
        Value::Integer(*self)
    }
}

impl DirectValue for i32 {
    fn value(&self) -> Value {
        Value::Integer(i64::from(*self))
    }
}

impl DirectValue for bool {
    fn value(&self) -> Value {
        Value::Integer(i64::from(*self))
    }
}

impl DirectValue for f64 {
    fn value(&self) -> Value {
        Value::Real(*self)
    }
}

impl DirectValue for str {
    fn value(&self) -> Value {
        Value::Text(self.to_owned())
    }
}

impl DirectValue for String {
    fn value(&self) -> Value {
        Value::Text(self.clone())
    }
}

/// `sqlx` stores a date as `YYYY-MM-DD`.
impl DirectValue for NaiveDate {
    fn value(&self) -> Value {
        Value::Text(self.format("%F").to_string())
    }
}

/// `sqlx` stores a time as RFC 3339 with as many fraction digits as it
/// needs (`to_rfc3339_opts(AutoSi, false)`, sqlx-sqlite's chrono
/// encoding); a comparison of stored text needs the same form.
impl DirectValue for DateTime<Utc> {
    fn value(&self) -> Value {
        Value::Text(self.to_rfc3339_opts(SecondsFormat::AutoSi, false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file with one table, and a pool of direct connections to it.
    fn pool_on_a_file() -> (tempfile::TempDir, Arc<DirectPool>) {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("direct.db");
        let conn = Connection::open(&path).expect("a new database");
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; CREATE TABLE t (id INTEGER, name TEXT, on_day TEXT); \
             INSERT INTO t VALUES (1, 'one', '2026-11-28'), (2, 'two', '2026-11-29');",
        )
        .expect("the table");
        (dir, DirectPool::new(path))
    }

    #[tokio::test]
    async fn placeholders_take_the_argument_of_their_number_wherever_they_appear() {
        let (_dir, pool) = pool_on_a_file();
        // SQLite would number `$2` first (the order of appearance).
        let rows: Vec<(i64, String)> = pool
            .run(|mut tx| {
                tx.fetch_all(
                    "SELECT id, name FROM t WHERE name = $2 OR id = $1 ORDER BY id",
                    &[Value::Integer(1), Value::Text("two".into())],
                )
            })
            .await
            .expect("the rows");
        assert_eq!(rows, vec![(1, "one".into()), (2, "two".into())]);
    }

    #[tokio::test]
    async fn dates_compare_and_decode_as_sqlx_stores_them() {
        let (_dir, pool) = pool_on_a_file();
        let after = NaiveDate::from_ymd_opt(2026, 11, 28);
        let found: Option<(NaiveDate,)> = pool
            .run(move |mut tx| {
                tx.fetch_optional("SELECT on_day FROM t WHERE on_day > $1", &[value(&after)])
            })
            .await
            .expect("the row");
        assert_eq!(
            found,
            Some((NaiveDate::from_ymd_opt(2026, 11, 29).expect("a date"),))
        );
    }

    #[tokio::test]
    async fn a_statement_naming_more_values_than_given_is_an_error_not_a_panic() {
        let (_dir, pool) = pool_on_a_file();
        let refused = pool
            .run(|mut tx| {
                tx.fetch_all::<(i64,)>("SELECT id FROM t WHERE id = $2", &[Value::Integer(1)])
            })
            .await;
        assert!(matches!(refused, Err(StoreError::Corrupt(_))));
    }

    #[test]
    fn times_are_bound_in_the_form_sqlx_stores_them() {
        let at = DateTime::parse_from_rfc3339("2026-11-28T02:42:06.5Z")
            .map(|t| t.with_timezone(&Utc))
            .ok();
        assert_eq!(
            at.map(|t| t.value()),
            Some(Value::Text("2026-11-28T02:42:06.500+00:00".into()))
        );
        let day = NaiveDate::from_ymd_opt(2026, 3, 9);
        assert_eq!(day.value(), Value::Text("2026-03-09".into()));
    }
}
