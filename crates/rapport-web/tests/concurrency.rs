//! Many clients at once, on SQLite and on PostgreSQL: baseline changes and
//! reads of one project, and estimate imports into one project. Nothing
//! here is timed; what is checked is that every answer is a success, that
//! no read sees half a change, and that versions are numbered 1, 2, 3 …

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test, with its line

use std::io::Write;

use std::collections::BTreeSet;

use rapport_store::{Clock, Store};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn now() -> chrono::DateTime<chrono::Utc> {
    "2026-11-27T09:00:00Z".parse().unwrap()
}

struct App {
    address: String,
    http: reqwest::Client,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn spawn(store: Store) -> App {
    let state = rapport_web::AppState::with_clock(store.clone(), Clock::Fixed(now()));
    let draft =
        rapport_core::access::UserDraft::new("admin@example.com", "Admin", "admin").unwrap();
    let admin = store
        .create_user(now(), "test", &draft, None, "$argon2id$unused")
        .await
        .unwrap();
    let (token, _) = rapport_web::auth::issue_token(&state, "test", admin.id, "test", None)
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(rapport_web::serve(listener, state, async {
        let _ = stopped.await;
    }));
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse().unwrap(),
    );
    App {
        address,
        http: reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .unwrap(),
        _stop: stop,
    }
}

impl App {
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.http.request(method, format!("{}{path}", self.address));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

/// A baseline of `periods` equal months spending `bac`.
fn baseline(bac: i64, periods: u32) -> Value {
    let planned: Vec<Value> = (1..=periods)
        .map(|m| {
            let end = chrono::NaiveDate::from_ymd_opt(2026, m, 1)
                .unwrap()
                .checked_add_months(chrono::Months::new(1))
                .unwrap()
                .pred_opt()
                .unwrap();
            json!({"period_end": end.to_string(), "pv": bac * i64::from(m) / i64::from(periods)})
        })
        .collect();
    let finish = planned.last().unwrap()["period_end"].clone();
    json!({"currency": "USD", "bac": bac, "start": "2026-01-01", "finish": finish, "planned": planned})
}

async fn many_clients(store: Store) {
    let app = std::sync::Arc::new(spawn(store).await);
    let post = |path: &str, body: Value| {
        let app = app.clone();
        let path = path.to_string();
        async move { app.send(reqwest::Method::POST, &path, Some(body)).await }
    };
    let (_, account) = post("/api/v1/accounts", json!({"name": "Northwind"})).await;
    let account = account["id"].as_i64().unwrap();
    let (_, pm) = post("/api/v1/people", json!({"side": "firm", "name": "Priya"})).await;
    let (_, rep) = post(
        "/api/v1/people",
        json!({"side": "client", "account_id": account, "name": "Dana"}),
    )
    .await;
    let project = |bac: i64, periods: u32| json!({"account_id": account, "name": "Pump station", "project_manager_id": pm["id"], "client_rep_id": rep["id"], "baseline": baseline(bac, periods)});
    let (status, created) = post("/api/v1/projects", project(420_000, 5)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap();
    let (status, _) = post(
        &format!("/api/v1/projects/{id}/status"),
        json!({"status_date": "2026-03-31", "ev": 150000, "ac": 170000}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);

    // Baselines of 5 and of 12 periods swapped back and forth while others
    // read the project and its analysis.
    let mut tasks = Vec::new();
    for i in 0..40 {
        let app = app.clone();
        let body = if i % 2 == 0 {
            project(420_000, 5)
        } else {
            project(600_000, 12)
        };
        tasks.push(tokio::spawn(async move {
            match i % 4 {
                0 | 1 => {
                    app.send(
                        reqwest::Method::PUT,
                        &format!("/api/v1/projects/{id}"),
                        Some(body),
                    )
                    .await
                }
                2 => {
                    app.send(
                        reqwest::Method::GET,
                        &format!("/api/v1/projects/{id}"),
                        None,
                    )
                    .await
                }
                _ => {
                    app.send(
                        reqwest::Method::GET,
                        &format!("/api/v1/projects/{id}/evm"),
                        None,
                    )
                    .await
                }
            }
        }));
    }
    for (i, task) in tasks.into_iter().enumerate() {
        let (status, body) = task.await.unwrap();
        assert_eq!(status, StatusCode::OK, "request {i}: {body}");
        if let Some(baseline) = body.get("baseline") {
            // Never half a change: the curve ends at its own budget.
            let planned = baseline["planned"].as_array().unwrap();
            assert_eq!(
                planned.last().unwrap()["pv"],
                baseline["bac"],
                "request {i}: {body}"
            );
        }
    }

    // Twenty imports at once: twenty versions, numbered 1 to 20.
    let estimate = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/control-system-upgrade.toml"
    ))
    .unwrap();
    let imports: Vec<_> = (0..20)
        .map(|_| {
            post(
                &format!("/api/v1/projects/{id}/estimates"),
                json!({"source": estimate}),
            )
        })
        .map(tokio::spawn)
        .collect();
    let mut versions = BTreeSet::new();
    for import in imports {
        let (status, body) = import.await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{body}");
        versions.insert(body["version"].as_i64().unwrap());
    }
    assert_eq!(versions, (1..=20).collect::<BTreeSet<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_clients_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    many_clients(
        Store::open_file(&dir.path().join("rapport.db"))
            .await
            .unwrap(),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_clients_on_postgres() {
    let admin_url = std::env::var("RAPPORT_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let required = std::env::var("RAPPORT_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
    let admin = match sqlx::PgPool::connect(&admin_url).await {
        Ok(pool) => pool,
        Err(e) if !required => {
            // Straight to stderr: the harness captures eprintln! of a passing
            // test, and a skip must show in the log (.ci/run fails on it).
            let _ = writeln!(std::io::stderr(), "SKIPPED: concurrency on PostgreSQL: cannot reach {admin_url}: {e}");
            return;
        }
        Err(e) => panic!("PostgreSQL is required (RAPPORT_REQUIRE_POSTGRES=1) but {admin_url} is unreachable: {e}"),
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let name = format!("rapport_concurrency_{}_{nanos}", std::process::id());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .unwrap();
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url.as_str(), |(b, _)| b);
    many_clients(Store::connect(&format!("{base}/{name}")).await.unwrap()).await;
}
