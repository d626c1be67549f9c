//! Rapport against real implementations of the standards it speaks.
//!
//! E-mail: the no-surprises story against a real SMTP server (Python's
//! aiosmtpd, started by the test, storing what it receives in a Maildir): a status
//! record drops CPI below the client rep's own threshold → news with its
//! deadline → reports drafted for an Analytical reader and a Driver reader
//! (both carry the news; they differ in form) → sent → the message arrives
//! with its PDF → the news is told and the ledger updated. Then with the
//! server down: the report stays unsent, the failure shows, nothing is
//! told; with the server back, sending again delivers it.
//!
//! Calendar: the feed read by Python's `icalendar` parser — all-day
//! items as dates, alarms, stable UIDs — and a revoked address answering
//! 404.
//!
//! Needs a Python with aiosmtpd and icalendar: `RAPPORT_TEST_PYTHON`
//! names it (as `.ci/run` sets it, from a throwaway virtual environment),
//! else `python3` if it has both. Without one the suite reports SKIPPED,
//! and fails when `RAPPORT_REQUIRE_PYTHON=1`.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test, with its line

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

fn now() -> chrono::DateTime<chrono::Utc> {
    "2026-11-27T09:00:00Z".parse().unwrap()
}

/// A Python with aiosmtpd and icalendar, or `None` (and a SKIPPED line).
fn python() -> Option<String> {
    let required = std::env::var("RAPPORT_REQUIRE_PYTHON").is_ok_and(|v| v == "1");
    let candidates: Vec<String> = std::env::var("RAPPORT_TEST_PYTHON")
        .into_iter()
        .chain(["python3".to_string()])
        .collect();
    for python in candidates {
        let ok = Command::new(&python)
            .args(["-c", "import aiosmtpd, icalendar"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            return Some(python);
        }
    }
    assert!(
        !required,
        "a Python with aiosmtpd and icalendar is required (RAPPORT_REQUIRE_PYTHON=1) but none was found; set RAPPORT_TEST_PYTHON"
    );
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: interop tests (SMTP, iCalendar): set RAPPORT_TEST_PYTHON to a Python with aiosmtpd and icalendar"
    );
    None
}

/// aiosmtpd on `port`, writing each message into `maildir/new`.
struct SmtpServer(Child);

impl SmtpServer {
    fn start(python: &str, port: u16, maildir: &Path) -> Self {
        for sub in ["new", "cur", "tmp"] {
            std::fs::create_dir_all(maildir.join(sub)).unwrap();
        }
        let child = Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Owned at once, so it is killed and waited for however this ends.
        let server = Self(child);
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("aiosmtpd did not listen on {port} within ten seconds");
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn messages(maildir: &Path) -> Vec<String> {
    let mut out: Vec<(PathBuf, String)> = std::fs::read_dir(maildir.join("new"))
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| {
                    (
                        e.path(),
                        std::fs::read_to_string(e.path()).unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out.into_iter().map(|(_, m)| m).collect()
}

struct App {
    address: String,
    http: reqwest::Client,
    /// A browser's session cookie (its CSRF token is `csrf`).
    cookie: String,
    _dir: tempfile::TempDir,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl App {
    async fn call(
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

    async fn post(&self, path: &str, body: Value) -> Value {
        let (status, value) = self.call(reqwest::Method::POST, path, Some(body)).await;
        assert!(status.is_success(), "POST {path}: {status} {value}");
        value
    }

    async fn put(&self, path: &str, body: Value) -> Value {
        let (status, value) = self.call(reqwest::Method::PUT, path, Some(body)).await;
        assert!(status.is_success(), "PUT {path}: {status} {value}");
        value
    }

    async fn get(&self, path: &str) -> Value {
        let (status, value) = self.call(reqwest::Method::GET, path, None).await;
        assert!(status.is_success(), "GET {path}: {status} {value}");
        value
    }

    async fn text(&self, path: &str) -> String {
        self.http
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// Waits (30 s at most) until the report's state is one of `states`.
    async fn report_reaches(&self, id: i64, states: &[&str]) -> Value {
        let mut last = Value::Null;
        for _ in 0..300 {
            last = self.get(&format!("/api/v1/reports/{id}")).await;
            if states.contains(&last["state"].as_str().unwrap_or("")) {
                return last;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("report {id} did not reach {states:?}: {last}");
    }
}

async fn spawn(smtp_port: u16) -> App {
    let dir = tempfile::tempdir().unwrap();
    let store = rapport_store::Store::open_file(&dir.path().join("rapport.db"))
        .await
        .unwrap();
    let mail = rapport_web::mail::MailConfig::new(
        &format!("smtp://127.0.0.1:{smtp_port}"),
        "Rapport <rapport@firm.example>",
    )
    .unwrap();
    let state = rapport_web::AppState::with_clock(store, rapport_store::Clock::Fixed(now()))
        .with_mail(Some(mail));
    let draft =
        rapport_core::access::UserDraft::new("priya@firm.example", "Priya Nair", "admin").unwrap();
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
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        rapport_web::serve(listener, state, async {
            let _ = rx.await;
        })
        .await
        .unwrap();
    });
    App {
        address,
        http: reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .unwrap(),
        cookie: format!("rapport_session={session}"),
        _dir: dir,
        _stop: tx,
    }
}

#[tokio::test]
async fn a_report_carries_the_news_to_the_client_by_email_and_survives_a_server_down() {
    let Some(python) = python() else {
        return;
    };
    let maildir = tempfile::tempdir().unwrap();
    let port = free_port();
    let smtp = SmtpServer::start(&python, port, maildir.path());
    let app = spawn(port).await;

    // A client with a rep (placed Analytical, who wants to hear of a CPI
    // below 0.98) and a sponsor (placed Driver).
    let account = app
        .post("/api/v1/accounts", json!({"name": "Northwind Water"}))
        .await["id"]
        .as_i64()
        .unwrap();
    let me = app.get("/api/v1/me").await["person_id"].as_i64().unwrap();
    let person = |name: &str, email: &str| json!({"side": "client", "account_id": account, "name": name, "email": email});
    let rep = app
        .post(
            "/api/v1/people",
            person("Dana Whitfield", "dana@northwind.example"),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let sponsor = app
        .post(
            "/api/v1/people",
            person("Ola Sponsor", "ola@northwind.example"),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    app.put(
        &format!("/api/v1/people/{rep}/profile"),
        json!({"style": "analytical"}),
    )
    .await;
    app.put(
        &format!("/api/v1/people/{sponsor}/profile"),
        json!({"style": "driver", "detail_level": "headline"}),
    )
    .await;
    app.put(
        &format!("/api/v1/people/{rep}/news-rules"),
        json!({"cpi_below": 0.98}),
    )
    .await;
    let project = app
        .post(
            "/api/v1/projects",
            json!({"account_id": account, "name": "Pump station retrofit", "project_manager_id": me, "client_rep_id": rep,
                   "stakeholders": [{"person_id": sponsor, "role": "Sponsor"}],
                   "baseline": {"currency": "USD", "bac": 420000, "start": "2026-01-01", "finish": "2026-05-31",
                                "planned": [{"period_end": "2026-01-31", "pv": 30000}, {"period_end": "2026-02-28", "pv": 90000},
                                            {"period_end": "2026-03-31", "pv": 180000}, {"period_end": "2026-04-30", "pv": 300000},
                                            {"period_end": "2026-05-31", "pv": 420000}]}}),
        )
        .await["id"]
        .as_i64()
        .unwrap();

    // CPI 87,300 / 90,000 = 0.97: news under Dana's 0.98, not under the
    // default 0.95. Found Friday 2026-11-27, due Tuesday.
    app.post(
        &format!("/api/v1/projects/{project}/status"),
        json!({"status_date": "2026-02-28", "ev": 87300, "ac": 90000}),
    )
    .await;
    let news = app.get(&format!("/api/v1/projects/{project}/news")).await;
    let cpi = news
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["rule"] == "cpi_below")
        .expect("CPI news");
    assert_eq!(
        (cpi["state"].as_str(), cpi["deadline"].as_str()),
        (Some("open"), Some("2026-12-01"))
    );
    let message = cpi["message"].as_str().unwrap().to_string();
    assert!(
        message.contains("below the 0.98 the client is to hear about"),
        "{message}"
    );

    // Two readers, two forms, the same news.
    let for_dana = app
        .post(
            &format!("/api/v1/projects/{project}/reports"),
            json!({"recipient_id": rep, "pm_words": "Dana, here is where the cost stands."}),
        )
        .await;
    let for_ola = app
        .post(
            &format!("/api/v1/projects/{project}/reports"),
            json!({"recipient_id": sponsor}),
        )
        .await;
    let (dana_id, ola_id) = (
        for_dana["id"].as_i64().unwrap(),
        for_ola["id"].as_i64().unwrap(),
    );
    let analytical = app
        .text(&format!("/api/v1/reports/{dana_id}?format=md"))
        .await;
    let driver = app
        .text(&format!("/api/v1/reports/{ola_id}?format=md"))
        .await;
    for report in [&analytical, &driver] {
        assert!(report.contains("News you should hear from us"), "{report}");
        // Worded for the client: the facts, not the rule's threshold.
        assert!(
            report.contains("Cost performance at the 2026-02-28 status is 0.97"),
            "{report}"
        );
        assert!(!report.contains("the client is to hear about"), "{report}");
        assert!(!report.contains("shaped for"), "the PM's note: {report}");
    }
    assert!(
        analytical.contains("## How the forecasts are made")
            && analytical.contains("| Measure | Value |"),
        "{analytical}"
    );
    assert!(
        driver.contains("## The bottom line")
            && !driver.contains("How the forecasts are made")
            && !driver.contains("| Measure"),
        "{driver}"
    );
    assert!(analytical.contains("> Dana, here is where the cost stands."));

    // Sent: the message arrives with its PDF and our Message-ID; then the
    // news is told, by the report, and the ledger holds the CPI told.
    let (status, queued) = app
        .call(
            reqwest::Method::POST,
            &format!("/api/v1/reports/{dana_id}/send"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{queued}");
    let sent = app.report_reaches(dana_id, &["sent"]).await;
    let mail = messages(maildir.path());
    assert_eq!(mail.len(), 1);
    let id = sent["message_id"].as_str().unwrap();
    assert!(
        id.starts_with(&format!("<report-{dana_id}.")) && id.ends_with("@firm.example>"),
        "{id}"
    );
    assert!(
        mail[0].contains(&format!("Message-ID: {id}")),
        "{}",
        &mail[0][..800.min(mail[0].len())]
    );
    assert!(
        mail[0].contains("To: \"Dana Whitfield\" <dana@northwind.example>")
            || mail[0].contains("To: Dana Whitfield <dana@northwind.example>")
    );
    assert!(mail[0].contains("Content-Type: application/pdf"));
    assert!(
        mail[0].contains("Content-Type: text/plain") && mail[0].contains("Content-Type: text/html")
    );
    let news = app.get(&format!("/api/v1/projects/{project}/news")).await;
    let told = news
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["message"] == message.as_str())
        .unwrap();
    assert_eq!(
        (told["state"].as_str(), told["surprise"].as_bool()),
        (Some("told"), Some(false))
    );
    assert_eq!(told["told_interaction_id"], sent["interaction_id"]);
    let ledger = app.get(&format!("/api/v1/projects/{project}/told")).await;
    assert_eq!(
        (ledger[0]["source"].as_str(), ledger[0]["cpi"].as_f64()),
        (Some("report"), Some(0.97))
    );
    // The relationship's health counts the news told in time.
    let health = app.get(&format!("/api/v1/people/{rep}/health")).await;
    let told_factor = health["factors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "news told on time")
        .unwrap_or_else(|| panic!("{health}"));
    assert_eq!(told_factor["value"], "1 of 1 in time");
    assert_eq!(told_factor["contribution"], told_factor["weight"]);
    let (status, again) = app
        .call(
            reqwest::Method::POST,
            &format!("/api/v1/reports/{dana_id}/send"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "sent once: {again}");

    // CPI falls to 0.90: news again. The server goes down; the report
    // does not go, says why, and tells nothing.
    app.post(
        &format!("/api/v1/projects/{project}/status"),
        json!({"status_date": "2026-03-31", "ev": 162000, "ac": 180000}),
    )
    .await;
    drop(smtp);
    let news = app.get(&format!("/api/v1/projects/{project}/news")).await;
    let fresh: Vec<&Value> = news
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["state"] == "open")
        .collect();
    assert!(fresh.iter().any(|n| n["rule"] == "cpi_below"), "{news}");
    let next = app
        .post(
            &format!("/api/v1/projects/{project}/reports"),
            json!({"recipient_id": rep}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    app.call(
        reqwest::Method::POST,
        &format!("/api/v1/reports/{next}/send"),
        None,
    )
    .await;
    let failed = app.report_reaches(next, &["failed"]).await;
    assert!(
        failed["last_error"]
            .as_str()
            .unwrap()
            .contains("refused or could not be reached"),
        "{failed}"
    );
    assert_eq!(failed["sent_at"], Value::Null);
    let news = app.get(&format!("/api/v1/projects/{project}/news")).await;
    assert!(
        news.as_array()
            .unwrap()
            .iter()
            .any(|n| n["rule"] == "cpi_below" && n["state"] == "open"),
        "nothing told: {news}"
    );
    assert_eq!(
        app.get(&format!("/api/v1/projects/{project}/told"))
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // The server is back: sending again delivers it, and tells the news.
    let _smtp = SmtpServer::start(&python, port, maildir.path());
    let (status, _) = app
        .call(
            reqwest::Method::POST,
            &format!("/api/v1/reports/{next}/send"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    app.report_reaches(next, &["sent"]).await;
    assert_eq!(messages(maildir.path()).len(), 2);
    let news = app.get(&format!("/api/v1/projects/{project}/news")).await;
    assert!(
        news.as_array()
            .unwrap()
            .iter()
            .all(|n| n["state"] != "open"),
        "{news}"
    );
}

impl App {
    /// Posts a settings form as the signed-in browser; returns the page.
    async fn form(&self, path: &str) -> String {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .post(format!("{}{path}", self.address))
            .header("cookie", &self.cookie)
            .form(&[("csrf_token", "csrf")])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }
}

/// The calendar's events as Python's icalendar reads them: uid, summary,
/// start (ISO), whether the start is a date, and the alarm triggers.
fn parse_calendar(python: &str, ics: &str) -> Vec<Value> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("feed.ics");
    std::fs::write(&file, ics).unwrap();
    let script = r#"
import json, sys, datetime, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
out = []
for e in cal.walk('VEVENT'):
    start = e.decoded('DTSTART')
    out.append({
        'uid': str(e.get('UID')),
        'summary': str(e.get('SUMMARY')),
        'start': start.isoformat(),
        'is_date': isinstance(start, datetime.date) and not isinstance(start, datetime.datetime),
        'alarms': [a.get('TRIGGER').to_ical().decode() for a in e.walk('VALARM')],
    })
print(json.dumps(out))
"#;
    let output = Command::new(python)
        .arg("-c")
        .arg(script)
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "icalendar could not read the feed: {}\n{ics}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice::<Vec<Value>>(&output.stdout).unwrap()
}

/// The address a settings page shows, from `/calendar/` to `.ics`.
fn address_in(page: &str) -> String {
    let start = page.find("/calendar/").expect("the address, shown once");
    page[start..]
        .chars()
        .take_while(|c| *c != '<' && *c != '"')
        .collect()
}

#[tokio::test]
async fn the_calendar_feed_reads_in_a_real_parser_and_a_revoked_address_is_gone() {
    let Some(python) = python() else {
        return;
    };
    let app = spawn(free_port()).await;
    let account = app
        .post("/api/v1/accounts", json!({"name": "Northwind Water"}))
        .await["id"]
        .as_i64()
        .unwrap();
    let me = app.get("/api/v1/me").await["person_id"].as_i64().unwrap();
    let rep = app
        .post(
            "/api/v1/people",
            json!({"side": "client", "account_id": account, "name": "Dana Whitfield", "email": "dana@northwind.example"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    app.put(
        &format!("/api/v1/people/{rep}/profile"),
        json!({"style": "analytical", "report_cadence_days": 7}),
    )
    .await;
    let project = app
        .post(
            "/api/v1/projects",
            json!({"account_id": account, "name": "Pump station retrofit", "project_manager_id": me, "client_rep_id": rep,
                   "baseline": {"currency": "USD", "bac": 420000, "start": "2026-01-01", "finish": "2026-05-31",
                                "planned": [{"period_end": "2026-01-31", "pv": 30000}, {"period_end": "2026-02-28", "pv": 90000},
                                            {"period_end": "2026-03-31", "pv": 180000}, {"period_end": "2026-04-30", "pv": 300000},
                                            {"period_end": "2026-05-31", "pv": 420000}]}}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    app.post(
        &format!("/api/v1/projects/{project}/status"),
        json!({"status_date": "2026-02-28", "ev": 81000, "ac": 90000}),
    )
    .await;
    let captured = app
        .post(
            &format!("/api/v1/projects/{project}/interactions"),
            json!({"occurred_on": "2026-11-20", "kind": "call", "summary": "Weekly call", "participant_ids": [me, rep],
                   "questions": [{"question": "Which pump goes first?", "asked_of_id": rep}],
                   "commitments": [{"promised_by_id": me, "promised_to_id": rep, "description": "Send the cut-over plan", "due_on": "2026-12-04"}]}),
        )
        .await;
    let commitment = captured["commitments"][0]["id"].as_i64().unwrap();

    let path = address_in(&app.form("/settings/calendar").await);
    assert!(path.ends_with(".ics"), "{path}");
    // Read as a calendar application reads it: no credentials.
    let response = reqwest::get(format!("{}{path}", app.address))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    let ics = response.text().await.unwrap();
    let events = parse_calendar(&python, &ics);
    let with_uid = |prefix: &str| -> Vec<&Value> {
        events
            .iter()
            .filter(|e| e["uid"].as_str().unwrap_or("").starts_with(prefix))
            .collect()
    };
    let promise = with_uid(&format!("commitment-{commitment}-2026-12-04@rapport"));
    assert_eq!(promise.len(), 1, "{events:?}");
    assert_eq!(
        (
            promise[0]["start"].as_str(),
            promise[0]["is_date"].as_bool()
        ),
        (Some("2026-12-04"), Some(true))
    );
    assert_eq!(
        promise[0]["summary"],
        "Promise due to Dana Whitfield: Send the cut-over plan"
    );
    assert_eq!(promise[0]["alarms"], json!(["-PT9H"]));
    let question = with_uid("question-");
    assert_eq!(
        question[0]["start"], "2026-11-27",
        "a week after it was asked"
    );
    let news = with_uid("news-");
    assert!(!news.is_empty(), "{events:?}");
    for n in &news {
        assert_eq!(
            (n["start"].as_str(), &n["alarms"]),
            (Some("2026-12-01"), &json!(["PT8H"]))
        );
        assert!(n["summary"]
            .as_str()
            .unwrap()
            .starts_with("Tell Dana Whitfield:"));
    }
    let report = with_uid("report-");
    assert_eq!(
        report[0]["start"], "2026-12-04",
        "a week after the cadence was set"
    );
    assert!(
        ics.contains("DTSTAMP:20261127T090000Z"),
        "stamped by the app's clock"
    );

    // A new address replaces the old; stopping the feed leaves none.
    let newer = address_in(&app.form("/settings/calendar").await);
    assert_ne!(newer, path);
    let status = |p: &str| {
        let url = format!("{}{p}", app.address);
        async move { reqwest::get(url).await.unwrap().status() }
    };
    assert_eq!(status(&path).await, StatusCode::NOT_FOUND);
    assert_eq!(status(&newer).await, StatusCode::OK);
    app.form("/settings/calendar/revoke").await;
    assert_eq!(status(&newer).await, StatusCode::NOT_FOUND);
    assert_eq!(
        status("/calendar/nonsense.ics").await,
        StatusCode::NOT_FOUND
    );
}
