//! The web application spawned on a random port and driven over HTTP, as a
//! script or a browser would.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test, with its line

mod documents;
mod estimates;
mod hardening;
mod news;
mod profiles;
mod records;
mod relationships;

use reqwest::StatusCode;
use serde_json::{json, Value};

struct TestApp {
    address: String,
    /// A script's client: every request carries the admin's bearer token.
    client: reqwest::Client,
    /// A browser's: pages with the admin's session cookie.
    browser: reqwest::Client,
    session_cookie: String,
    _dir: tempfile::TempDir,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

/// Where the app's clock stands: fixed, so what it records is reproducible.
fn now() -> chrono::DateTime<chrono::Utc> {
    "2026-11-27T09:00:00Z".parse().unwrap()
}

async fn spawn_app() -> TestApp {
    spawn(false).await
}

/// The app on the demo portfolio.
async fn spawn_demo_app() -> TestApp {
    spawn(true).await
}

async fn spawn(demo: bool) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let store = rapport_store::Store::open_file(&dir.path().join("rapport.db"))
        .await
        .unwrap();
    if demo {
        rapport_store::demo::load(&store, now()).await.unwrap();
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let state = rapport_web::AppState::with_clock(store, rapport_store::Clock::Fixed(now()));
    // The API answers signed-in callers only: these tests act as an
    // administrator with a bearer token.
    let draft =
        rapport_core::access::UserDraft::new("admin@example.com", "Avery Admin", "admin").unwrap();
    let admin = state
        .store
        .create_user(now(), "test", &draft, None, "$argon2id$unused")
        .await
        .unwrap();
    let (token, _) = rapport_web::auth::issue_token(&state, "test", admin.id, "tests", None)
        .await
        .unwrap();
    let session = format!("{:064x}", admin.id.get());
    state
        .store
        .create_session(
            now(),
            admin.id,
            &rapport_web::auth::secret::digest(&session),
            "csrf",
            now() + chrono::TimeDelta::days(1),
        )
        .await
        .unwrap();
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse().unwrap(),
    );
    tokio::spawn(async move {
        rapport_web::serve(listener, state, async {
            let _ = rx.await;
        })
        .await
        .unwrap();
    });
    TestApp {
        address,
        client: reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .unwrap(),
        browser: reqwest::Client::new(),
        session_cookie: format!("rapport_session={session}"),
        _dir: dir,
        _shutdown: tx,
    }
}

impl TestApp {
    async fn get(&self, path: &str) -> (StatusCode, Value) {
        let response = self
            .client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: &Value) -> (StatusCode, Value) {
        let response = self
            .client
            .request(method, format!("{}{path}", self.address))
            .json(body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::POST, path, body).await
    }

    /// The body of a GET as text: a page as a signed-in browser sees it,
    /// or an API document as a script fetches it.
    async fn get_text(&self, path: &str) -> String {
        let request = if path.starts_with("/api/") {
            self.client.get(format!("{}{path}", self.address))
        } else {
            self.browser
                .get(format!("{}{path}", self.address))
                .header("cookie", &self.session_cookie)
        };
        request.send().await.unwrap().text().await.unwrap()
    }

    /// The status of a page fetched by the signed-in browser.
    async fn page_status(&self, path: &str) -> StatusCode {
        self.browser
            .get(format!("{}{path}", self.address))
            .header("cookie", &self.session_cookie)
            .send()
            .await
            .unwrap()
            .status()
    }

    /// Posts a body as it is, with the given content type.
    async fn post_raw(
        &self,
        path: &str,
        content_type: &str,
        body: &'static str,
    ) -> (StatusCode, Value) {
        let response = self
            .client
            .post(format!("{}{path}", self.address))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// An account, a firm-side PM and a client rep; returns their ids.
    async fn seed_people(&self) -> (i64, i64, i64) {
        let (status, account) = self
            .post(
                "/api/v1/accounts",
                &json!({"name": "Northwind Water", "standards": [{"title": "Weekly status"}]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{account}");
        let account_id = account["id"].as_i64().unwrap();
        let (_, pm) = self
            .post(
                "/api/v1/people",
                &json!({"side": "firm", "name": "Priya PM"}),
            )
            .await;
        let (_, rep) = self
            .post("/api/v1/people", &json!({"side": "client", "account_id": account_id, "name": "Dana Rep", "email": "dana@example.com"}))
            .await;
        (
            account_id,
            pm["id"].as_i64().unwrap(),
            rep["id"].as_i64().unwrap(),
        )
    }

    async fn create_project(&self) -> i64 {
        let (account_id, pm, rep) = self.seed_people().await;
        let (status, project) = self
            .post("/api/v1/projects", &project_body(account_id, pm, rep))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{project}");
        project["id"].as_i64().unwrap()
    }
}

fn project_body(account_id: i64, pm: i64, rep: i64) -> Value {
    json!({
        "account_id": account_id,
        "name": "Pump station retrofit",
        "project_manager_id": pm,
        "client_rep_id": rep,
        "baseline": {
            "currency": "USD",
            "bac": 420000,
            "start": "2026-01-01",
            "finish": "2026-05-31",
            "planned": [
                {"period_end": "2026-01-31", "pv": 30000},
                {"period_end": "2026-02-28", "pv": 90000},
                {"period_end": "2026-03-31", "pv": 180000},
                {"period_end": "2026-04-30", "pv": 300000},
                {"period_end": "2026-05-31", "pv": 420000}
            ]
        }
    })
}

fn field_names(body: &Value) -> Vec<String> {
    body["error"]["fields"]
        .as_array()
        .map(|fields| {
            fields
                .iter()
                .map(|f| f["field"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn healthz_answers_with_the_backend() {
    let app = spawn_app().await;
    let (status, body) = app.get("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"status": "ok", "database": "sqlite"}));
}
