//! The web application spawned on a random port and driven over HTTP, as a
//! script or a browser would.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test, with its line

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

#[tokio::test]
async fn a_project_with_status_records_reports_earned_value() {
    let app = spawn_app().await;
    let id = app.create_project().await;

    let (status, record) = app
        .post(
            &format!("/api/v1/projects/{id}/status"),
            &json!({"status_date": "2026-03-31", "ev": 150000, "ac": 171000, "eac": 455000}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{record}");
    assert_eq!(record["ev"], 150000.0);

    let (status, evm) = app.get(&format!("/api/v1/projects/{id}/evm")).await;
    assert_eq!(status, StatusCode::OK);
    let m = &evm["status"][0];
    assert_eq!(m["status_date"], "2026-03-31");
    assert_eq!(m["at"], 3.0);
    assert_eq!(m["pv"], 180000.0);
    // CPI = 150,000 / 171,000; ES = 2 + 60/90 periods (see core's tests).
    assert!((m["cpi"].as_f64().unwrap() - 150.0 / 171.0).abs() < 1e-12);
    assert!((m["es"].as_f64().unwrap() - (2.0 + 60.0 / 90.0)).abs() < 1e-12);
    assert_eq!(m["eac"]["manager"], 455000.0);

    // Correct, archive and restore the record.
    let record_id = record["id"].as_i64().unwrap();
    let (status, fixed) = app
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/projects/{id}/status/{record_id}"),
            &json!({"status_date": "2026-03-31", "ev": 155000.5, "ac": 171000}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{fixed}");
    assert_eq!(fixed["ev"], 155000.5);
    let (status, _) = app
        .post(
            &format!("/api/v1/projects/{id}/status/{record_id}/archive"),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, evm) = app.get(&format!("/api/v1/projects/{id}/evm")).await;
    assert_eq!(evm["status"].as_array().unwrap().len(), 0);
    let (_, list) = app
        .get(&format!(
            "/api/v1/projects/{id}/status?include_archived=true"
        ))
        .await;
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn accounts_people_projects_and_stakeholders_round_trip() {
    let app = spawn_app().await;
    let id = app.create_project().await;
    let (_, project) = app.get(&format!("/api/v1/projects/{id}")).await;
    let account_id = project["account_id"].as_i64().unwrap();

    let (_, sponsor) = app
        .post(
            "/api/v1/people",
            &json!({"side": "client", "account_id": account_id, "name": "Sam Sponsor"}),
        )
        .await;
    let sponsor_id = sponsor["id"].as_i64().unwrap();
    let (status, list) = app
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/projects/{id}/stakeholders/{sponsor_id}"),
            &json!({"role": "Sponsor"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list, json!([{"person_id": sponsor_id, "role": "Sponsor"}]));
    let (status, list) = app
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/projects/{id}/stakeholders/{sponsor_id}"),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list, json!([]));

    let (_, accounts) = app.get("/api/v1/accounts").await;
    assert_eq!(accounts[0]["standards"][0]["title"], "Weekly status");
    let (_, people) = app
        .get(&format!("/api/v1/people?account_id={account_id}"))
        .await;
    assert_eq!(people.as_array().unwrap().len(), 2);

    let (status, archived) = app
        .post(&format!("/api/v1/projects/{id}/archive"), &json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(archived["archived"], true);
    let (_, projects) = app.get("/api/v1/projects").await;
    assert_eq!(projects, json!([]));
}

#[tokio::test]
async fn malformed_json_is_a_bad_request() {
    let app = spawn_app().await;
    let (status, body) = app
        .post_raw("/api/v1/accounts", "application/json", "{\"name\": ")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "bad_request");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not valid JSON"),
        "{body}"
    );
}

#[tokio::test]
async fn wrong_types_name_the_field() {
    let app = spawn_app().await;
    let (account_id, pm, rep) = app.seed_people().await;
    let mut body = project_body(account_id, pm, rep);
    body["baseline"]["bac"] = json!("a lot");
    let (status, error) = app.post("/api/v1/projects", &body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&error), vec!["baseline.bac"], "{error}");
}

#[tokio::test]
async fn negative_budget_and_decreasing_curve_are_refused_field_by_field() {
    let app = spawn_app().await;
    let (account_id, pm, rep) = app.seed_people().await;
    let mut body = project_body(account_id, pm, rep);
    body["baseline"]["bac"] = json!(-420000);
    body["baseline"]["planned"][2]["pv"] = json!(80000);
    let (status, error) = app.post("/api/v1/projects", &body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
    let fields = field_names(&error);
    assert!(fields.contains(&"baseline.bac".to_string()), "{error}");
    assert!(
        fields.contains(&"baseline.planned[2].pv".to_string()),
        "{error}"
    );
    let (_, projects) = app.get("/api/v1/projects").await;
    assert_eq!(projects, json!([]), "nothing is half-written");
}

#[tokio::test]
async fn references_to_the_wrong_people_are_refused() {
    let app = spawn_app().await;
    let (account_id, pm, rep) = app.seed_people().await;
    // The PM as client rep and the rep as PM: both on the wrong side.
    let (status, error) = app
        .post("/api/v1/projects", &project_body(account_id, rep, pm))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_names(&error),
        vec!["project_manager_id", "client_rep_id"]
    );
    let (status, error) = app
        .post("/api/v1/projects", &project_body(999, pm, rep))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_names(&error).contains(&"account_id".to_string()));
}

#[tokio::test]
async fn unknown_ids_are_not_found() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/projects/4242",
        "/api/v1/accounts/4242",
        "/api/v1/people/4242",
        "/api/v1/projects/4242/evm",
        "/api/v1/projects/4242/status",
    ] {
        let (status, body) = app.get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(body["error"]["code"], "not_found");
    }
    let (status, _) = app.get("/api/v1/projects/not-a-number").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = app.get("/api/v1/no-such-thing").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn status_records_are_validated_and_one_per_date() {
    let app = spawn_app().await;
    let id = app.create_project().await;
    let path = format!("/api/v1/projects/{id}/status");
    let (status, error) = app
        .post(
            &path,
            &json!({"status_date": "2026-03-31", "ev": -1, "ac": 10.001}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&error), vec!["ac", "ev"], "{error}");
    let (status, error) = app
        .post(
            &path,
            &json!({"status_date": "31/03/2026", "ev": 1, "ac": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
    let (status, _) = app
        .post(
            &path,
            &json!({"status_date": "2026-03-31", "ev": 1, "ac": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, error) = app
        .post(
            &path,
            &json!({"status_date": "2026-03-31", "ev": 2, "ac": 2}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(error["error"]["message"]
        .as_str()
        .unwrap()
        .contains("already has a status record on 2026-03-31"));
}

#[tokio::test]
async fn openapi_document_is_the_router_every_operation_answers_and_states_its_access_codes() {
    let app = spawn_app().await;
    let project = app.create_project().await;
    let (status, doc) = app.get("/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    // The five estimate endpoints the hand-kept list once missed.
    for path in [
        "/api/v1/projects/{id}/estimates",
        "/api/v1/projects/{id}/estimates/{version}",
        "/api/v1/projects/{id}/estimates/{version}/simulate",
        "/api/v1/projects/{id}/estimates/{version}/results",
        "/api/v1/projects/{id}/estimates/{version}/basis",
    ] {
        assert!(paths.contains_key(path), "missing {path}");
    }
    // Every documented operation is routed: an administrator's request is
    // answered by a handler, never by the fallback's "no such endpoint" or
    // a 405 for a method the router lacks.
    let mut operations = 0;
    for (path, item) in paths {
        let concrete = path
            .replace("{id}", &project.to_string())
            .replace("{version}", "1")
            .replace("{status_id}", "1")
            .replace("{person_id}", "1")
            .replace("{token_id}", "1")
            .replace("{user_id}", "1");
        for method in ["get", "put", "delete"] {
            let Some(operation) = item.get(method) else {
                continue;
            };
            operations += 1;
            let response = app
                .client
                .request(
                    method.to_uppercase().parse().unwrap(),
                    format!("{}{concrete}", app.address),
                )
                .send()
                .await
                .unwrap();
            let status = response.status();
            let text = response.text().await.unwrap();
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            assert!(
                !text.contains("no such page or endpoint"),
                "{method} {path} is documented but not routed"
            );
            let codes = operation["responses"].as_object().unwrap();
            if path != "/healthz"
                && path != "/login"
                && path != "/api/openapi.json"
                && !path.starts_with("/static/")
            {
                assert!(
                    codes.contains_key("401"),
                    "{method} {path} does not document 401"
                );
            }
        }
        if item.get("post").is_some() {
            operations += 1;
        }
    }
    assert!(operations >= 50, "{operations} operations documented");
    assert!(doc["components"]["schemas"].get("ProjectBody").is_some());
    assert!(doc["components"]["securitySchemes"].get("bearer").is_some());
}

#[tokio::test]
async fn home_page_lists_the_demo_portfolio() {
    let app = spawn_demo_app().await;
    let html = app.get_text("/").await;
    assert!(html.contains("Pump station retrofit"));
    assert_eq!(html.matches("data-project-id=").count(), 9);
    assert!(html.contains("data-metric=\"cpi\""));
}

const ESTIMATE: &str = r#"
[estimate]
name = "Control system upgrade"
currency = "USD"
iterations = 2000
seed = 7
target_cost = 30000
[[role]]
id = "engineer"
rate = 150
[[item]]
id = "design"
role = "engineer"
hours = [80, 120, 200]
duration = [10, 15, 25]
[[item]]
id = "build"
cost = [5000, 6000, 9000]
duration = [5, 8, 12]
after = ["design"]
[[risk]]
id = "late"
probability = 0.3
delay = [2, 4, 8]
on = "build"
[[alternative]]
name = "No build"
drop = ["build"]
"#;

impl TestApp {
    async fn post_toml(&self, path: &str, body: &'static str) -> (StatusCode, Value) {
        self.post_raw(path, "application/toml", body).await
    }
}

#[tokio::test]
async fn an_estimate_is_imported_simulated_and_documented() {
    let app = spawn_app().await;
    let id = app.create_project().await;
    let base = format!("/api/v1/projects/{id}/estimates");

    let (status, version) = app.post_toml(&base, ESTIMATE).await;
    assert_eq!(status, StatusCode::CREATED, "{version}");
    assert_eq!(version["version"], 1);
    assert_eq!(version["items"], 2);
    assert_eq!(version["simulated_at"], Value::Null);
    assert_eq!(version["created_at"], "2026-11-27T09:00:00Z");

    // Not simulated yet: results and documents say what to do.
    let (status, error) = app.get(&format!("{base}/1/results")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(error["error"]["message"]
        .as_str()
        .unwrap()
        .contains("/simulate first"));

    let (status, results) = app.post(&format!("{base}/1/simulate"), &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{results}");
    assert_eq!(results["iterations"], 2000);
    // Base cost: 120 h × 150 + 6,000 = 24,000; base duration 15 + 8 = 23.
    assert_eq!(results["cost"]["base"], 24000.0);
    assert_eq!(results["duration"]["base"], 23.0);
    assert!(results["probability"]["cost"].as_f64().unwrap() > 0.5);
    assert_eq!(results["alternatives"][0]["name"], "No build");

    let (status, kept) = app.get(&format!("{base}/1/results")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kept, results, "the results are kept as simulated");
    let (_, list) = app.get(&base).await;
    assert_eq!(
        list[0]["simulated_at"], "2026-11-27T09:00:00Z",
        "stamped by the app's clock"
    );

    let pdf = app
        .client
        .get(format!("{}{base}/1/basis", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), StatusCode::OK);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-"));
    let md = app.get_text(&format!("{base}/1/basis?format=md")).await;
    assert!(
        md.contains("# Basis of estimate: Control system upgrade"),
        "{md}"
    );
    assert!(md.contains("confident the cost stays under USD"), "{md}");
    let (status, _) = app.get(&format!("{base}/1/basis?format=docx")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_broken_estimate_file_is_refused_with_its_line_and_column() {
    let app = spawn_app().await;
    let id = app.create_project().await;
    let (status, error) = app
        .post_toml(
            &format!("/api/v1/projects/{id}/estimates"),
            "[estimate]\nname = \"x\"\n[[item]]\nid = \"a\"\ncost = [3, 2, 1]\n",
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&error), vec!["source:5:8"], "{error}");
    assert!(error["error"]["message"]
        .as_str()
        .unwrap()
        .contains("item \"a\": cost: low (3) is above likely (2)"));
    let (status, _) = app.get(&format!("/api/v1/projects/{id}/estimates/1")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "nothing was stored");
    let (status, _) = app
        .post_toml("/api/v1/projects/999/estimates", ESTIMATE)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// A tiny EV once overflowed the forecast date and dropped the connection
/// for the project's analysis and for everyone's portfolio. Here EV 1 of a
/// 420,000 budget at month three: SPI(t) about 0.00001, IEAC(t) some
/// 450,000 months.
#[tokio::test]
async fn a_tiny_earned_value_gives_no_forecast_date_and_no_failure() {
    let app = spawn_app().await;
    let id = app.create_project().await;
    let (status, _) = app
        .post(
            &format!("/api/v1/projects/{id}/status"),
            &json!({"status_date": "2026-03-31", "ev": 1, "ac": 150000}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, evm) = app.get(&format!("/api/v1/projects/{id}/evm")).await;
    assert_eq!(status, StatusCode::OK);
    let latest = &evm["status"][0];
    assert!(latest.get("forecast_finish").is_none(), "{latest}");
    assert!(
        latest["forecast_note"]
            .as_str()
            .unwrap()
            .contains("2200-12-31"),
        "{latest}"
    );
    let page = app.get_text("/").await;
    assert!(page.contains("Pump station retrofit"));
}

/// Every API error keeps the envelope: a body over the limit is a 413 in
/// JSON (not "Failed to buffer…" as a 400, nor text), a wrong method a 405
/// in JSON; outside the API, errors are pages.
#[tokio::test]
async fn errors_keep_the_envelope_too_large_wrong_method_no_page() {
    let app = spawn_app().await;
    let id = app.create_project().await;
    let big = "x".repeat(3 * 1024 * 1024);
    for (path, content_type, body) in [
        (
            "/api/v1/accounts".to_string(),
            "application/json",
            format!("{{\"name\": \"{big}\"}}"),
        ),
        (
            format!("/api/v1/projects/{id}/estimates"),
            "application/toml",
            format!("# {big}"),
        ),
    ] {
        let response = app
            .client
            .post(format!("{}{path}", app.address))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE, "{path}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "payload_too_large", "{path}");
    }
    let response = app
        .client
        .delete(format!("{}/api/v1/projects/{id}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "method_not_allowed");
    let page = app
        .browser
        .get(format!("{}/no/such/page", app.address))
        .header("cookie", &app.session_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("There is no page at this address."));
}

/// Dates are YYYY-MM-DD between 1900-01-01 and 2200-12-31; texts and lists
/// have limits. Year 10000 was once stored and broke the date order.
#[tokio::test]
async fn dates_are_iso_and_in_range_and_texts_and_lists_are_bounded() {
    let app = spawn_app().await;
    let (account_id, pm, rep) = app.seed_people().await;
    for (start, field) in [
        ("2030-1-5", "baseline.start"),
        ("+10000-01-01", "baseline.start"),
        ("1800-01-01", "baseline.start"),
    ] {
        let mut body = project_body(account_id, pm, rep);
        body["baseline"]["start"] = json!(start);
        let (status, error) = app.post("/api/v1/projects", &body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{start}: {error}");
        assert!(
            field_names(&error).iter().any(|f| f.starts_with(field)),
            "{start}: {error}"
        );
    }
    let id = app.create_project().await;
    let (status, error) = app
        .post(
            &format!("/api/v1/projects/{id}/status"),
            &json!({"status_date": "2201-01-01", "ev": 1, "ac": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&error), ["status_date"]);
    let role = "r".repeat(1_000_000);
    let (status, error) = app
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/projects/{id}/stakeholders/{rep}"),
            &json!({ "role": role }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
    let standards: Vec<Value> = (0..101)
        .map(|i| json!({"title": format!("Standard {i}")}))
        .collect();
    let (status, error) = app
        .post(
            "/api/v1/accounts",
            &json!({"name": "Many", "standards": standards}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&error), ["standards"]);
}

/// A server on 127.0.0.1 answers only to its local names: a page elsewhere
/// that rebinds its own name to 127.0.0.1 gets nothing (DNS rebinding).
#[tokio::test]
async fn a_request_for_another_host_name_is_refused() {
    let app = spawn_app().await;
    let port = app.address.rsplit(':').next().unwrap().to_string();
    for host in [
        format!("rebind.evil.example:{port}"),
        "localhost".to_string(),
    ] {
        let response = app
            .client
            .get(format!("{}/api/v1/projects", app.address))
            .header("host", &host)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::MISDIRECTED_REQUEST, "{host}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "misdirected_request");
    }
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}")] {
        let response = app
            .client
            .get(format!("{}/healthz", app.address))
            .header("host", &host)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{host}");
    }
}

/// Query parameters are documented as optional query parameters, not as
/// required path parameters (a property-based tester was misled by that).
#[tokio::test]
async fn query_parameters_are_documented_where_they_are_read() {
    let app = spawn_app().await;
    let (_, doc) = app.get("/api/openapi.json").await;
    for (path, name) in [
        ("/api/v1/projects", "account_id"),
        ("/api/v1/projects", "include_archived"),
        ("/api/v1/people", "include_archived"),
        ("/api/v1/accounts", "include_archived"),
    ] {
        let parameters = doc["paths"][path]["get"]["parameters"].as_array().unwrap();
        let parameter = parameters.iter().find(|p| p["name"] == name).unwrap();
        assert_eq!(parameter["in"], "query", "{path} {name}");
        assert_ne!(parameter["required"], true, "{path} {name}");
    }
}

/// Every simulation request is bounded: 1,000,000 iterations of 200 items
/// is 2 × 10^8 draws, over the 5 × 10^7 budget; the answer says how many
/// iterations fit (250,000).
#[tokio::test]
async fn a_simulation_over_the_work_budget_is_refused_with_what_fits() {
    let app = spawn_app().await;
    let id = app.create_project().await;
    let items: String = (0..200)
        .map(|i| format!("[[item]]\nid = \"i{i}\"\ncost = [1, 2, 3]\n"))
        .collect();
    let source = format!("[estimate]\nname = \"Large\"\n{items}");
    let (status, version) = app
        .post(
            &format!("/api/v1/projects/{id}/estimates"),
            &json!({ "source": source }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{version}");
    let (status, error) = app
        .post(
            &format!("/api/v1/projects/{id}/estimates/1/simulate?iterations=1000000"),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
    let message = error["error"]["fields"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("200000000 item draws") && message.contains("?iterations=250000 or fewer"),
        "{message}"
    );
    let (status, _) = app
        .post(
            &format!("/api/v1/projects/{id}/estimates/1/simulate?iterations=1000"),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}
