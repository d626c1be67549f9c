//! What more than one of the web crate's test binaries needs: a fresh
//! PostgreSQL database per test.

use std::io::Write;

use rapport_store::Store;

/// A fresh PostgreSQL database and its URL, or `None` when none answers
/// and none is required (`RAPPORT_REQUIRE_POSTGRES=1`, as `.ci/run` sets
/// it): then the suite named is reported SKIPPED.
pub async fn fresh_postgres(suite: &str) -> Option<(Store, String)> {
    let admin_url = std::env::var("RAPPORT_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let required = std::env::var("RAPPORT_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
    let admin = match sqlx::PgPool::connect(&admin_url).await {
        Ok(pool) => pool,
        Err(e) if !required => {
            // Straight to stderr: the harness captures eprintln! of a passing
            // test, and a skip must show in the log (.ci/run fails on it).
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED: {suite}: cannot reach {admin_url}: {e}"
            );
            return None;
        }
        Err(e) => panic!(
            "PostgreSQL is required (RAPPORT_REQUIRE_POSTGRES=1) but {admin_url} is unreachable: {e}"
        ),
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let name = format!("rapport_web_{}_{nanos}", std::process::id());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .expect("the test database is created");
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url.as_str(), |(b, _)| b);
    let url = format!("{base}/{name}");
    let store = Store::connect(&url).await.expect("the test database opens");
    Some((store, url))
}
