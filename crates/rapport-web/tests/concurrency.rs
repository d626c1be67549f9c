//! The web application on both backends. Many clients at once, on SQLite
//! and on PostgreSQL: baseline changes and reads of one project, and
//! estimate imports into one project. Nothing here is timed; what is
//! checked is that every answer is a success, that no read sees half a
//! change, and that versions are numbered 1, 2, 3 … And the demo portfolio
//! read through the API answers the same on both.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test, with its line

mod support;

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

    // Twelve status records for one date at once: one is kept, eleven are
    // told the date is taken.
    let posts: Vec<_> = (0..12)
        .map(|k| {
            post(
                &format!("/api/v1/projects/{id}/status"),
                json!({"status_date": "2026-04-30", "ev": 200000 + k, "ac": 210000}),
            )
        })
        .map(tokio::spawn)
        .collect();
    let mut statuses = Vec::new();
    for posted in posts {
        statuses.push(posted.await.unwrap().0.as_u16());
    }
    statuses.sort_unstable();
    assert_eq!(
        statuses,
        [201, 409, 409, 409, 409, 409, 409, 409, 409, 409, 409, 409]
    );
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
    let Some((store, _)) = support::fresh_postgres("concurrency on PostgreSQL").await else {
        return;
    };
    many_clients(store).await;
}

/// Everything the API says about the demo portfolio, read back: lists,
/// each project with its status records and earned value, and an estimate
/// imported, simulated in the request and as a job.
async fn demo_as_the_api_tells_it(store: Store) -> Vec<(String, Value)> {
    rapport_store::demo::load(&store, now()).await.unwrap();
    let app = spawn(store).await;
    let mut seen = Vec::new();
    for path in ["/api/v1/accounts", "/api/v1/people", "/api/v1/projects"] {
        let (status, body) = app.send(reqwest::Method::GET, path, None).await;
        assert_eq!(status, 200, "{path}: {body}");
        seen.push((path.to_string(), body));
    }
    let projects: Vec<i64> = seen[2]
        .1
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    assert_eq!(projects.len(), 9, "the demo's nine projects");
    for id in &projects {
        for part in ["", "/status", "/evm", "/stakeholders"] {
            let path = format!("/api/v1/projects/{id}{part}");
            let (status, body) = app.send(reqwest::Method::GET, &path, None).await;
            assert_eq!(status, 200, "{path}: {body}");
            seen.push((path, body));
        }
    }
    let estimate = include_str!("../../../examples/control-system-upgrade.toml");
    let base = format!("/api/v1/projects/{}/estimates", projects[0]);
    let (status, body) = app
        .send(
            reqwest::Method::POST,
            &base,
            Some(json!({ "source": estimate })),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = app
        .send(
            reqwest::Method::POST,
            &format!("{base}/1/simulate?iterations=800"),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    seen.push(("simulate".into(), body));
    let (status, job) = app
        .send(
            reqwest::Method::POST,
            &format!("{base}/1/simulations?iterations=900"),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 202, "{job}");
    let url = job["url"].as_str().unwrap().to_string();
    // Bounded only so a broken worker cannot hang the suite.
    for _ in 0..600 {
        let (_, job) = app.send(reqwest::Method::GET, &url, None).await;
        if job["state"] == "done" {
            break;
        }
        assert!(
            ["queued", "running"].contains(&job["state"].as_str().unwrap()),
            "{job}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let (status, body) = app
        .send(reqwest::Method::GET, &format!("{base}/1/results"), None)
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["iterations"], 900, "the job's results are kept");
    seen.push(("results".into(), body));
    seen
}

/// The demo through the API on SQLite and on PostgreSQL: every answer the
/// same, field for field, on a fixed clock.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_reads_the_same_through_the_api_on_both_backends() {
    let Some((postgres, _)) = support::fresh_postgres("the demo on PostgreSQL").await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Store::open_file(&dir.path().join("rapport.db"))
        .await
        .unwrap();
    let on_sqlite = demo_as_the_api_tells_it(sqlite).await;
    let on_postgres = demo_as_the_api_tells_it(postgres).await;
    assert_eq!(on_sqlite.len(), on_postgres.len());
    for ((path, a), (_, b)) in on_sqlite.iter().zip(&on_postgres) {
        assert_eq!(a, b, "{path} differs between SQLite and PostgreSQL");
    }
}
