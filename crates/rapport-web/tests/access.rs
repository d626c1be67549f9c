//! Who may reach what: every route of the router, for every kind of
//! caller, against a table of expectations kept here (not derived from the
//! code under test), so a new route without an expectation fails.
//!
//! The fixture: two client accounts, A and B, each with one project (P in
//! A, Q in B), a status record and a simulated estimate version on each.
//! The callers: nobody, an admin, a viewer, the PM of P, the PM of Q, a
//! member of P's team, a member of Q's team, and a disabled user (once P's
//! team member). Every request goes about P, account A or a client person
//! of A, so the PM and member of Q are the outsiders.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test, with its line

use std::collections::BTreeSet;

use reqwest::{redirect, Method, StatusCode};
use serde_json::{json, Value};

fn now() -> chrono::DateTime<chrono::Utc> {
    "2026-11-27T09:00:00Z".parse().unwrap()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Caller {
    Anonymous,
    Admin,
    Viewer,
    PmOfP,
    PmOfQ,
    MemberOfP,
    MemberOfQ,
    Disabled,
}

const CALLERS: [Caller; 8] = [
    Caller::Anonymous,
    Caller::Admin,
    Caller::Viewer,
    Caller::PmOfP,
    Caller::PmOfQ,
    Caller::MemberOfP,
    Caller::MemberOfQ,
    Caller::Disabled,
];

/// What a route needs, as this test understands the access table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Anyone; the expected status is given.
    Public(u16),
    /// Any signed-in user.
    SignedIn,
    /// Creating accounts, people, projects: admins and PMs.
    Create,
    /// Administrators only.
    Admin,
    /// Seeing P, account A or a person of A.
    Read,
    /// Changing P, account A or a person of A: admins and P's PM.
    Change,
    /// Placing a person of A on the behaviour grid: admins and PMs who see
    /// them (here P's PM; Q's PM does not see A's people).
    Assess,
    /// Adding to P's relationship records (interactions, questions,
    /// commitments): admins, P's PM and P's team members.
    Contribute,
}

/// Every route with what it needs. Keep in step with the router: the test
/// fails when a route is missing here or listed here but not routed.
const ROUTES: &[(&str, &str, Kind)] = &[
    ("GET", "/healthz", Kind::Public(200)),
    ("GET", "/login", Kind::Public(200)),
    // No sign-in form cookie: the form's CSRF check refuses it.
    ("POST", "/login", Kind::Public(403)),
    ("GET", "/api/openapi.json", Kind::Public(200)),
    ("GET", "/static/rapport.css", Kind::Public(200)),
    // The feed's secret is its credential; a wrong one is not there.
    ("GET", "/calendar/{secret}", Kind::Public(404)),
    ("POST", "/settings/calendar", Kind::SignedIn),
    ("POST", "/settings/calendar/revoke", Kind::SignedIn),
    ("GET", "/", Kind::SignedIn),
    ("GET", "/api/v1/me", Kind::SignedIn),
    ("GET", "/today", Kind::SignedIn),
    ("GET", "/api/v1/today", Kind::SignedIn),
    ("GET", "/search", Kind::SignedIn),
    ("GET", "/commitments", Kind::SignedIn),
    ("GET", "/api/v1/search", Kind::SignedIn),
    ("GET", "/settings", Kind::SignedIn),
    ("POST", "/settings/tokens", Kind::SignedIn),
    ("POST", "/settings/tokens/{token_id}/revoke", Kind::SignedIn),
    ("POST", "/settings/password", Kind::SignedIn),
    ("GET", "/api/v1/accounts", Kind::SignedIn),
    ("GET", "/api/v1/people", Kind::SignedIn),
    ("GET", "/api/v1/projects", Kind::SignedIn),
    ("POST", "/api/v1/accounts", Kind::Create),
    ("POST", "/api/v1/people", Kind::Create),
    ("POST", "/api/v1/projects", Kind::Create),
    ("GET", "/admin/users", Kind::Admin),
    ("POST", "/admin/users", Kind::Admin),
    ("POST", "/admin/users/{user_id}/role", Kind::Admin),
    ("POST", "/admin/users/{user_id}/password", Kind::Admin),
    ("POST", "/admin/users/{user_id}/disable", Kind::Admin),
    ("POST", "/admin/users/{user_id}/enable", Kind::Admin),
    ("GET", "/api/v1/accounts/{id}", Kind::Read),
    ("PUT", "/api/v1/accounts/{id}", Kind::Change),
    ("POST", "/api/v1/accounts/{id}/archive", Kind::Change),
    ("POST", "/api/v1/accounts/{id}/restore", Kind::Change),
    ("GET", "/api/v1/people/{id}", Kind::Read),
    ("GET", "/people/{id}", Kind::Read),
    ("GET", "/api/v1/people/{id}/profile", Kind::Read),
    ("PUT", "/api/v1/people/{id}/profile", Kind::Assess),
    ("GET", "/people/{id}/profile", Kind::Assess),
    ("POST", "/people/{id}/profile", Kind::Assess),
    ("POST", "/projects/{id}/status", Kind::Change),
    ("GET", "/accounts/{id}", Kind::Read),
    ("PUT", "/api/v1/people/{id}", Kind::Change),
    ("POST", "/api/v1/people/{id}/archive", Kind::Change),
    ("POST", "/api/v1/people/{id}/restore", Kind::Change),
    ("GET", "/api/v1/projects/{id}", Kind::Read),
    ("PUT", "/api/v1/projects/{id}", Kind::Change),
    ("POST", "/api/v1/projects/{id}/archive", Kind::Change),
    ("POST", "/api/v1/projects/{id}/restore", Kind::Change),
    ("GET", "/api/v1/projects/{id}/stakeholders", Kind::Read),
    (
        "PUT",
        "/api/v1/projects/{id}/stakeholders/{person_id}",
        Kind::Change,
    ),
    (
        "DELETE",
        "/api/v1/projects/{id}/stakeholders/{person_id}",
        Kind::Change,
    ),
    ("GET", "/api/v1/projects/{id}/evm", Kind::Read),
    ("GET", "/api/v1/projects/{id}/status", Kind::Read),
    ("POST", "/api/v1/projects/{id}/status", Kind::Change),
    (
        "GET",
        "/api/v1/projects/{id}/status/{status_id}",
        Kind::Read,
    ),
    (
        "PUT",
        "/api/v1/projects/{id}/status/{status_id}",
        Kind::Change,
    ),
    (
        "POST",
        "/api/v1/projects/{id}/status/{status_id}/archive",
        Kind::Change,
    ),
    (
        "POST",
        "/api/v1/projects/{id}/status/{status_id}/restore",
        Kind::Change,
    ),
    ("GET", "/api/v1/projects/{id}/estimates", Kind::Read),
    ("POST", "/api/v1/projects/{id}/estimates", Kind::Change),
    (
        "GET",
        "/api/v1/projects/{id}/estimates/{version}",
        Kind::Read,
    ),
    (
        "POST",
        "/api/v1/projects/{id}/estimates/{version}/simulate",
        Kind::Change,
    ),
    (
        "GET",
        "/api/v1/projects/{id}/estimates/{version}/results",
        Kind::Read,
    ),
    (
        "GET",
        "/api/v1/projects/{id}/estimates/{version}/basis",
        Kind::Read,
    ),
    (
        "GET",
        "/api/v1/projects/{id}/estimates/{version}/simulations",
        Kind::Read,
    ),
    (
        "POST",
        "/api/v1/projects/{id}/estimates/{version}/simulations",
        Kind::Change,
    ),
    (
        "GET",
        "/api/v1/projects/{id}/estimates/{version}/simulations/{job}",
        Kind::Read,
    ),
    (
        "DELETE",
        "/api/v1/projects/{id}/estimates/{version}/simulations/{job}",
        Kind::Change,
    ),
    ("GET", "/api/v1/projects/{id}/interactions", Kind::Read),
    (
        "POST",
        "/api/v1/projects/{id}/interactions",
        Kind::Contribute,
    ),
    ("GET", "/api/v1/projects/{id}/questions", Kind::Read),
    ("GET", "/api/v1/projects/{id}/commitments", Kind::Read),
    ("POST", "/api/v1/questions/{id}/answer", Kind::Contribute),
    ("POST", "/api/v1/questions/{id}/confirm", Kind::Contribute),
    ("POST", "/api/v1/commitments/{id}/resolve", Kind::Contribute),
    ("GET", "/api/v1/accounts/{id}/health", Kind::Read),
    ("GET", "/api/v1/people/{id}/health", Kind::Read),
    ("GET", "/api/v1/accounts/{id}/news-rules", Kind::Read),
    ("PUT", "/api/v1/accounts/{id}/news-rules", Kind::Change),
    ("GET", "/api/v1/people/{id}/news-rules", Kind::Read),
    ("PUT", "/api/v1/people/{id}/news-rules", Kind::Change),
    ("GET", "/api/v1/projects/{id}/reports", Kind::Read),
    ("POST", "/api/v1/projects/{id}/reports", Kind::Change),
    ("GET", "/api/v1/reports/{id}", Kind::Read),
    ("PUT", "/api/v1/reports/{id}", Kind::Change),
    ("POST", "/api/v1/reports/{id}/send", Kind::Change),
    ("POST", "/api/v1/reports/{id}/sent-by-hand", Kind::Change),
    ("GET", "/api/v1/projects/{id}/news", Kind::Read),
    ("GET", "/api/v1/projects/{id}/told", Kind::Read),
    (
        "POST",
        "/api/v1/projects/{id}/news/learned-elsewhere",
        Kind::Change,
    ),
    (
        "POST",
        "/api/v1/projects/{id}/news/{news_id}/acknowledge",
        Kind::Change,
    ),
    ("GET", "/api/v1/projects/{id}/brief", Kind::Read),
    ("PUT", "/api/v1/projects/{id}/brief", Kind::Change),
    ("GET", "/api/v1/projects/{id}/brief/history", Kind::Read),
    ("GET", "/api/v1/projects/{id}/concerns", Kind::Read),
    ("POST", "/api/v1/projects/{id}/concerns", Kind::Contribute),
    (
        "POST",
        "/api/v1/projects/{id}/concerns/{concern_id}/answer",
        Kind::Change,
    ),
    ("GET", "/projects/{id}", Kind::Read),
    ("GET", "/projects/{id}/brief", Kind::Read),
    ("POST", "/projects/{id}/reports", Kind::Change),
    ("GET", "/reports/{id}", Kind::Read),
    ("POST", "/reports/{id}/words", Kind::Change),
    ("POST", "/reports/{id}/send", Kind::Change),
    ("POST", "/reports/{id}/sent-by-hand", Kind::Change),
    (
        "POST",
        "/projects/{id}/news/learned-elsewhere",
        Kind::Change,
    ),
    (
        "POST",
        "/projects/{id}/news/{news_id}/acknowledge",
        Kind::Change,
    ),
    ("POST", "/projects/{id}/brief", Kind::Change),
    ("POST", "/projects/{id}/concerns", Kind::Contribute),
    (
        "POST",
        "/projects/{id}/concerns/{concern_id}/answer",
        Kind::Change,
    ),
    ("GET", "/projects/{id}/interactions/new", Kind::Contribute),
    ("POST", "/projects/{id}/interactions", Kind::Contribute),
    (
        "POST",
        "/projects/{id}/questions/{question_id}/answer",
        Kind::Contribute,
    ),
    (
        "POST",
        "/projects/{id}/questions/{question_id}/confirm",
        Kind::Contribute,
    ),
    (
        "POST",
        "/projects/{id}/commitments/{commitment_id}/resolve",
        Kind::Contribute,
    ),
    // Last for each caller: it ends their session.
    ("POST", "/logout", Kind::SignedIn),
];

/// What a caller should get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Past access control: a 2xx for a read; for a write anything but
    /// 401, 403, 404 or a sign-in redirect (an empty body may be refused
    /// as invalid, which shows the request got through).
    Allowed,
    /// 401 on the API, a redirect to the sign-in page on pages.
    SignIn,
    Forbidden,
    Hidden,
    Status(u16),
}

fn expect(kind: Kind, caller: Caller) -> Expect {
    use Caller::*;
    match (kind, caller) {
        (Kind::Public(status), _) => Expect::Status(status),
        (_, Anonymous) => Expect::SignIn,
        (_, Disabled) => Expect::SignIn,
        (Kind::SignedIn, _) => Expect::Allowed,
        (Kind::Create, Admin | PmOfP | PmOfQ) => Expect::Allowed,
        (Kind::Create, _) => Expect::Forbidden,
        (Kind::Admin, Admin) => Expect::Allowed,
        (Kind::Admin, _) => Expect::Forbidden,
        (Kind::Read, Admin | Viewer | PmOfP | MemberOfP) => Expect::Allowed,
        (Kind::Read, PmOfQ | MemberOfQ) => Expect::Hidden,
        (Kind::Change, Admin | PmOfP) => Expect::Allowed,
        (Kind::Change, Viewer | MemberOfP) => Expect::Forbidden,
        (Kind::Change, PmOfQ | MemberOfQ) => Expect::Hidden,
        (Kind::Assess, Admin | PmOfP) => Expect::Allowed,
        (Kind::Assess, Viewer | MemberOfP) => Expect::Forbidden,
        (Kind::Assess, PmOfQ | MemberOfQ) => Expect::Hidden,
        (Kind::Contribute, Admin | PmOfP | MemberOfP) => Expect::Allowed,
        (Kind::Contribute, Viewer) => Expect::Forbidden,
        (Kind::Contribute, PmOfQ | MemberOfQ) => Expect::Hidden,
    }
}

struct Fixture {
    address: String,
    http: reqwest::Client,
    /// Per caller: an API token, the id of a spare token to revoke, and a
    /// browser session (cookie and CSRF token) for the pages.
    tokens: Vec<(Caller, String, i64)>,
    sessions: Vec<(Caller, String, String)>,
    account_a: i64,
    account_b: i64,
    person_a: i64,
    person_b: i64,
    project_p: i64,
    project_q: i64,
    status_p: i64,
    status_q: i64,
    /// A simulation job of P's estimate version 1.
    job_p: i64,
    /// A follow-up question and a commitment of P, captured in a call.
    question_p: i64,
    commitment_p: i64,
    /// A brief and a concern on P.
    concern_p: i64,
    /// A draft status report of P for A's client person.
    report_p: i64,
    spare_user: i64,
    _dir: tempfile::TempDir,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Fixture {
    fn token(&self, caller: Caller) -> Option<&str> {
        self.tokens
            .iter()
            .find(|(c, _, _)| *c == caller)
            .map(|(_, t, _)| t.as_str())
    }

    /// The id of the caller's spare token, theirs to revoke.
    fn token_id(&self, caller: Caller) -> i64 {
        self.tokens
            .iter()
            .find(|(c, _, _)| *c == caller)
            .map_or(0, |(_, _, id)| *id)
    }

    async fn call(
        &self,
        caller: Caller,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut request = self.http.request(
            Method::from_bytes(method.as_bytes()).unwrap(),
            format!("{}{path}", self.address),
        );
        // Scripts use the API with a token; people use pages with a
        // session cookie and the CSRF token of their forms.
        if path.starts_with("/api/") {
            if let Some(token) = self.token(caller) {
                request = request.bearer_auth(token);
            }
        } else if let Some((_, cookie, csrf)) = self.sessions.iter().find(|(c, _, _)| *c == caller)
        {
            request = request
                .header("cookie", format!("rapport_session={cookie}"))
                .header("x-csrf-token", csrf);
        }
        if let Some(body) = body {
            request = request.json(&body);
        } else if method != "GET" {
            request = request
                .header("content-type", "application/x-www-form-urlencoded")
                .body("");
        }
        request.send().await.unwrap()
    }

    async fn admin(&self, method: &str, path: &str, body: Value) -> Value {
        let response = self.call(Caller::Admin, method, path, Some(body)).await;
        assert!(
            response.status().is_success(),
            "{method} {path}: {}",
            response.status()
        );
        response.json().await.unwrap()
    }
}

fn project_body(account_id: i64, pm: i64, rep: i64, team: &[(i64, &str)]) -> Value {
    json!({
        "account_id": account_id,
        "name": format!("Project in account {account_id}"),
        "project_manager_id": pm,
        "client_rep_id": rep,
        "baseline": {
            "currency": "USD", "bac": 1000, "start": "2026-01-01", "finish": "2026-02-28",
            "planned": [{"period_end": "2026-01-31", "pv": 400}, {"period_end": "2026-02-28", "pv": 1000}]
        },
        "stakeholders": team.iter().map(|(id, role)| json!({"person_id": id, "role": role})).collect::<Vec<_>>()
    })
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = rapport_store::Store::open_file(&dir.path().join("rapport.db"))
        .await
        .unwrap();
    let state =
        rapport_web::AppState::with_clock(store.clone(), rapport_store::Clock::Fixed(now()));
    let mut tokens = Vec::new();
    let mut sessions = Vec::new();
    let mut people = std::collections::HashMap::new();
    let mut users = std::collections::HashMap::new();
    for (caller, email, role) in [
        (Caller::Admin, "admin@example.com", "admin"),
        (Caller::Viewer, "viewer@example.com", "viewer"),
        (Caller::PmOfP, "pm.p@example.com", "pm"),
        (Caller::PmOfQ, "pm.q@example.com", "pm"),
        (Caller::MemberOfP, "member.p@example.com", "member"),
        (Caller::MemberOfQ, "member.q@example.com", "member"),
        (Caller::Disabled, "gone@example.com", "member"),
    ] {
        let draft = rapport_core::access::UserDraft::new(email, email, role).unwrap();
        let user = store
            .create_user(now(), "test", &draft, None, "$argon2id$unused")
            .await
            .unwrap();
        let (token, _) = rapport_web::auth::issue_token(&state, "test", user.id, "test", None)
            .await
            .unwrap();
        // A second token, for the caller to revoke without losing the first.
        let (_, spare) = rapport_web::auth::issue_token(&state, "test", user.id, "spare", None)
            .await
            .unwrap();
        tokens.push((caller, token, spare.id));
        let session = format!("{:064x}", user.id.get());
        let csrf = format!("csrf-{}", user.id);
        store
            .create_session(
                now(),
                user.id,
                &rapport_web::auth::secret::digest(&session),
                &csrf,
                now() + chrono::TimeDelta::days(1),
            )
            .await
            .unwrap();
        sessions.push((caller, session, csrf));
        people.insert(caller, user.person_id);
        users.insert(caller, user.id);
    }
    let spare = store
        .create_user(
            now(),
            "test",
            &rapport_core::access::UserDraft::new("spare@example.com", "Spare", "viewer").unwrap(),
            None,
            "$argon2id$unused",
        )
        .await
        .unwrap();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(rapport_web::serve(listener, state, async {
        let _ = stopped.await;
    }));
    let http = reqwest::Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .unwrap();
    let mut fixture = Fixture {
        address,
        http,
        tokens,
        sessions,
        account_a: 0,
        account_b: 0,
        person_a: 0,
        person_b: 0,
        project_p: 0,
        project_q: 0,
        status_p: 0,
        status_q: 0,
        job_p: 0,
        question_p: 0,
        commitment_p: 0,
        concern_p: 0,
        report_p: 0,
        spare_user: spare.id.get(),
        _dir: dir,
        _stop: stop,
    };
    let f = &mut fixture;
    f.account_a = f
        .admin("POST", "/api/v1/accounts", json!({"name": "A"}))
        .await["id"]
        .as_i64()
        .unwrap();
    f.account_b = f
        .admin("POST", "/api/v1/accounts", json!({"name": "B"}))
        .await["id"]
        .as_i64()
        .unwrap();
    let client =
        |account: i64, name: &str| json!({"side": "client", "account_id": account, "name": name});
    let rep_a = f
        .admin("POST", "/api/v1/people", client(f.account_a, "Rep A"))
        .await["id"]
        .as_i64()
        .unwrap();
    f.person_a = f
        .admin("POST", "/api/v1/people", client(f.account_a, "Sponsor A"))
        .await["id"]
        .as_i64()
        .unwrap();
    f.person_b = f
        .admin("POST", "/api/v1/people", client(f.account_b, "Rep B"))
        .await["id"]
        .as_i64()
        .unwrap();
    let p = project_body(
        f.account_a,
        (people[&Caller::PmOfP]).get(),
        rep_a,
        &[
            ((people[&Caller::MemberOfP]).get(), "Engineer"),
            ((people[&Caller::Disabled]).get(), "Engineer"),
            (f.person_a, "Sponsor"),
        ],
    );
    f.project_p = f.admin("POST", "/api/v1/projects", p).await["id"]
        .as_i64()
        .unwrap();
    let q = project_body(
        f.account_b,
        (people[&Caller::PmOfQ]).get(),
        f.person_b,
        &[((people[&Caller::MemberOfQ]).get(), "Engineer")],
    );
    f.project_q = f.admin("POST", "/api/v1/projects", q).await["id"]
        .as_i64()
        .unwrap();
    let status = json!({"status_date": "2026-01-31", "ev": 300, "ac": 350});
    f.status_p = f
        .admin(
            "POST",
            &format!("/api/v1/projects/{}/status", f.project_p),
            status.clone(),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    f.status_q = f
        .admin(
            "POST",
            &format!("/api/v1/projects/{}/status", f.project_q),
            status,
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let estimate = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/control-system-upgrade.toml"
    ))
    .unwrap();
    for project in [f.project_p, f.project_q] {
        f.admin(
            "POST",
            &format!("/api/v1/projects/{project}/estimates"),
            json!({"source": estimate}),
        )
        .await;
        f.admin(
            "POST",
            &format!("/api/v1/projects/{project}/estimates/1/simulate?iterations=500"),
            json!({}),
        )
        .await;
    }
    f.job_p = f
        .admin(
            "POST",
            &format!(
                "/api/v1/projects/{}/estimates/1/simulations?iterations=200",
                f.project_p
            ),
            json!({}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let captured = f
        .admin(
            "POST",
            &format!("/api/v1/projects/{}/interactions", f.project_p),
            json!({
                "occurred_on": "2026-01-20", "kind": "call", "summary": "Weekly call",
                "participant_ids": [f.person_a, people[&Caller::PmOfP].get()],
                "questions": [{"question": "Which panel is cut over first?", "asked_of_id": f.person_a}],
                "commitments": [{"promised_by_id": people[&Caller::PmOfP].get(),
                                 "promised_to_id": f.person_a,
                                 "description": "Send the cut-over plan", "due_on": "2026-02-06"}]
            }),
        )
        .await;
    f.question_p = captured["questions"][0]["id"].as_i64().unwrap();
    f.commitment_p = captured["commitments"][0]["id"].as_i64().unwrap();
    f.admin(
        "PUT",
        &format!("/api/v1/projects/{}/brief", f.project_p),
        json!({"goal": "No loss of supply during cut-over"}),
    )
    .await;
    // A of A's people placed, so reading the profile finds one.
    f.admin(
        "PUT",
        &format!("/api/v1/people/{}/profile", f.person_a),
        json!({"style": "analytical"}),
    )
    .await;
    f.report_p = f
        .admin(
            "POST",
            &format!("/api/v1/projects/{}/reports", f.project_p),
            json!({"recipient_id": f.person_a}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    f.concern_p = f
        .admin(
            "POST",
            &format!("/api/v1/projects/{}/concerns", f.project_p),
            json!({"concern": "Is the night shift covered?"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    // The disabled user had access to P until disabled.
    store
        .set_user_disabled(now(), "test", "gone@example.com", true)
        .await
        .unwrap();
    fixture
}

/// The concrete path a caller requests for a route: about P, account A and
/// a client person of A.
fn concrete(f: &Fixture, caller: Caller, method: &str, pattern: &str) -> String {
    let path = pattern.strip_prefix("/api/v1").unwrap_or(pattern);
    let id = if path.starts_with("/accounts/") {
        f.account_a
    } else if path.starts_with("/people/") {
        f.person_a
    } else if path.starts_with("/questions/") {
        f.question_p
    } else if path.starts_with("/commitments/") {
        f.commitment_p
    } else if path.starts_with("/reports/") {
        f.report_p
    } else {
        f.project_p
    };
    let mut path = pattern
        .replace("{id}", &id.to_string())
        .replace("{status_id}", &f.status_p.to_string())
        .replace("{version}", "1")
        .replace("{job}", &f.job_p.to_string())
        .replace("{question_id}", &f.question_p.to_string())
        .replace("{concern_id}", &f.concern_p.to_string())
        .replace("{news_id}", "1")
        .replace("{secret}", "not-a-feed.ics")
        .replace("{commitment_id}", &f.commitment_p.to_string())
        .replace("{person_id}", &f.person_a.to_string())
        .replace("{token_id}", &f.token_id(caller).to_string())
        .replace("{user_id}", &f.spare_user.to_string());
    if pattern.ends_with("/search") {
        path.push_str("?q=weekly");
    }
    if (pattern.ends_with("/simulate") || pattern.ends_with("/simulations")) && method == "POST" {
        path.push_str("?iterations=200");
    }
    path
}

/// A body that passes the JSON extractor for routes that take one, so a
/// refusal is access control's and not the parser's.
fn body_for(method: &str, pattern: &str) -> Option<Value> {
    let is_api = pattern.starts_with("/api/");
    if method == "PUT" && pattern.ends_with("/stakeholders/{person_id}") {
        // A real role, so the stakeholder is there for the DELETE after it.
        return Some(json!({"role": "Sponsor"}));
    }
    match (method, is_api) {
        ("PUT", true) | ("POST", true) => Some(json!({})),
        _ => None,
    }
}

#[tokio::test]
async fn every_route_answers_every_caller_as_the_access_table_says() {
    let f = fixture().await;

    // The table and the router list the same routes.
    let document = rapport_web::document();
    let mut routed = BTreeSet::new();
    for (path, item) in &document.paths.paths {
        for (method, op) in [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("DELETE", &item.delete),
            ("PATCH", &item.patch),
        ] {
            if op.is_some() {
                routed.insert((method.to_string(), path.clone()));
            }
        }
    }
    let listed: BTreeSet<_> = ROUTES
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    let unlisted: Vec<_> = routed.difference(&listed).collect();
    let unrouted: Vec<_> = listed.difference(&routed).collect();
    assert!(
        unlisted.is_empty(),
        "routes with no expectation in ROUTES: {unlisted:?}"
    );
    assert!(
        unrouted.is_empty(),
        "ROUTES lists routes the router lacks: {unrouted:?}"
    );

    let mut failures = Vec::new();
    // Caller by caller, reads first, then writes in the table's order (a
    // stakeholder is set before it is removed, a record archived before it
    // is restored), so every caller meets the same data.
    let mut order: Vec<_> = ROUTES.iter().collect();
    order.sort_by_key(|(method, pattern, _)| (*method != "GET", *pattern == "/logout"));
    for caller in CALLERS {
        for (method, pattern, kind) in &order {
            let path = concrete(&f, caller, method, pattern);
            let response = f
                .call(caller, method, &path, body_for(method, pattern))
                .await;
            let status = response.status();
            let location = response
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .unwrap_or("")
                .to_string();
            let to_sign_in =
                status == StatusCode::SEE_OTHER && location.starts_with("/login?next=");
            let wanted = expect(*kind, caller);
            let ok = match wanted {
                Expect::Status(code) => status.as_u16() == code,
                Expect::SignIn if pattern.starts_with("/api/") => {
                    status == StatusCode::UNAUTHORIZED
                }
                Expect::SignIn => to_sign_in,
                Expect::Forbidden => status == StatusCode::FORBIDDEN,
                Expect::Hidden => status == StatusCode::NOT_FOUND,
                Expect::Allowed if *method == "GET" => status.is_success(),
                Expect::Allowed => {
                    !to_sign_in
                        && ![
                            StatusCode::UNAUTHORIZED,
                            StatusCode::FORBIDDEN,
                            StatusCode::NOT_FOUND,
                        ]
                        .contains(&status)
                        && !status.is_server_error()
                }
            };
            if !ok {
                failures.push(format!(
                    "{caller:?} {method} {path}: got {status} {location}, wanted {wanted:?}"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} wrong answers:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn ids_from_another_project_are_not_found_beneath_this_one() {
    let f = fixture().await;
    let (p, q) = (f.project_p, f.project_q);
    for caller in [
        Caller::Admin,
        Caller::PmOfP,
        Caller::Viewer,
        Caller::MemberOfP,
    ] {
        for path in [
            format!("/api/v1/projects/{p}/status/{}", f.status_q),
            format!("/api/v1/projects/{p}/estimates/2"),
        ] {
            let status = f.call(caller, "GET", &path, None).await.status();
            assert_eq!(status, StatusCode::NOT_FOUND, "{caller:?} GET {path}");
        }
    }
    // P's PM cannot reach Q's records through P, nor Q directly.
    let put = json!({"status_date": "2026-01-31", "ev": 1, "ac": 1});
    let status = f
        .call(
            Caller::PmOfP,
            "PUT",
            &format!("/api/v1/projects/{p}/status/{}", f.status_q),
            Some(put),
        )
        .await
        .status();
    assert_eq!(status, StatusCode::NOT_FOUND);
    for path in [
        format!("/api/v1/projects/{q}"),
        format!("/api/v1/projects/{q}/status/{}", f.status_q),
    ] {
        assert_eq!(
            f.call(Caller::PmOfP, "GET", &path, None).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    // Nor make another client's person a stakeholder of P (the person in
    // the path is not found, like any path id the caller cannot see), nor
    // plant a person in account B: the body's references are checked
    // against what P's PM sees.
    let response = f
        .call(
            Caller::PmOfP,
            "PUT",
            &format!("/api/v1/projects/{p}/stakeholders/{}", f.person_b),
            Some(json!({"role": "Spy"})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["error"]["message"],
        format!("no person with id {}", f.person_b)
    );
    let person = json!({"side": "client", "account_id": f.account_b, "name": "Planted"});
    let response = f
        .call(Caller::PmOfP, "POST", "/api/v1/people", Some(person))
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

async fn ids(f: &Fixture, caller: Caller, path: &str) -> BTreeSet<i64> {
    let response = f.call(caller, "GET", path, None).await;
    assert_eq!(response.status(), StatusCode::OK, "{caller:?} {path}");
    let list: Vec<Value> = response.json().await.unwrap();
    list.iter().map(|v| v["id"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn lists_hold_only_what_the_caller_may_see() {
    let f = fixture().await;
    let (p, q, a, b) = (f.project_p, f.project_q, f.account_a, f.account_b);
    for (caller, projects, accounts) in [
        (Caller::Admin, vec![p, q], vec![a, b]),
        (Caller::Viewer, vec![p, q], vec![a, b]),
        (Caller::PmOfP, vec![p], vec![a]),
        (Caller::PmOfQ, vec![q], vec![b]),
        (Caller::MemberOfP, vec![p], vec![a]),
        (Caller::MemberOfQ, vec![q], vec![b]),
    ] {
        assert_eq!(
            ids(&f, caller, "/api/v1/projects").await,
            projects.into_iter().collect(),
            "{caller:?} projects"
        );
        assert_eq!(
            ids(&f, caller, "/api/v1/accounts").await,
            accounts.into_iter().collect(),
            "{caller:?} accounts"
        );
        let people = ids(&f, caller, "/api/v1/people").await;
        let sees_a = people.contains(&f.person_a);
        let sees_b = people.contains(&f.person_b);
        let expected = match caller {
            Caller::Admin | Caller::Viewer => (true, true),
            Caller::PmOfP | Caller::MemberOfP => (true, false),
            _ => (false, true),
        };
        assert_eq!((sees_a, sees_b), expected, "{caller:?} people");
    }
    // An account a PM creates is theirs to see before it has a project.
    let created = f
        .call(
            Caller::PmOfQ,
            "POST",
            "/api/v1/accounts",
            Some(json!({"name": "New client"})),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let new_id = created.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    assert!(ids(&f, Caller::PmOfQ, "/api/v1/accounts")
        .await
        .contains(&new_id));
    assert!(!ids(&f, Caller::PmOfP, "/api/v1/accounts")
        .await
        .contains(&new_id));
}

/// The caller's own person id, as the API tells them.
async fn person_of(f: &Fixture, caller: Caller) -> i64 {
    let response = f.call(caller, "GET", "/api/v1/me", None).await;
    response.json::<Value>().await.unwrap()["person_id"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn a_pm_changes_only_the_accounts_and_client_people_of_projects_they_manage() {
    let f = fixture().await;
    let (p, a) = (f.project_p, f.account_a);
    // Q's PM joins P's team: they now see account A and its people...
    let pm_q = person_of(&f, Caller::PmOfQ).await;
    let added = f
        .call(
            Caller::Admin,
            "PUT",
            &format!("/api/v1/projects/{p}/stakeholders/{pm_q}"),
            Some(json!({"role": "Reviewer"})),
        )
        .await;
    assert_eq!(added.status(), StatusCode::OK);
    let seen = f
        .call(Caller::PmOfQ, "GET", &format!("/api/v1/accounts/{a}"), None)
        .await;
    assert_eq!(seen.status(), StatusCode::OK);
    // ...but A is P's PM's client, not theirs to edit or archive.
    for (method, path, body) in [
        (
            "PUT",
            format!("/api/v1/accounts/{a}"),
            Some(json!({"name": "Renamed"})),
        ),
        ("POST", format!("/api/v1/accounts/{a}/archive"), None),
        (
            "PUT",
            format!("/api/v1/people/{}", f.person_a),
            Some(json!({"side": "client", "account_id": a, "name": "Renamed"})),
        ),
        (
            "POST",
            format!("/api/v1/people/{}/archive", f.person_a),
            None,
        ),
    ] {
        let status = f.call(Caller::PmOfQ, method, &path, body).await.status();
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}");
    }
    // P's PM may change A's client people, not their firm-side colleagues.
    let member = person_of(&f, Caller::MemberOfP).await;
    let colleague = f
        .call(
            Caller::PmOfP,
            "PUT",
            &format!("/api/v1/people/{member}"),
            Some(json!({"side": "firm", "name": "Renamed"})),
        )
        .await;
    assert_eq!(colleague.status(), StatusCode::FORBIDDEN);
    let archived = f
        .call(
            Caller::PmOfP,
            "POST",
            &format!("/api/v1/people/{member}/archive"),
            None,
        )
        .await;
    assert_eq!(archived.status(), StatusCode::FORBIDDEN);
    let renamed = f
        .call(
            Caller::PmOfP,
            "PUT",
            &format!("/api/v1/people/{}", f.person_a),
            Some(json!({"side": "client", "account_id": a, "name": "Sponsor A, renamed"})),
        )
        .await;
    assert_eq!(renamed.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_client_rep_cannot_be_moved_out_of_their_projects_account() {
    let f = fixture().await;
    let project: Value = f
        .call(
            Caller::Admin,
            "GET",
            &format!("/api/v1/projects/{}", f.project_p),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let rep = project["client_rep_id"].as_i64().unwrap();
    let moved = f
        .call(
            Caller::Admin,
            "PUT",
            &format!("/api/v1/people/{rep}"),
            Some(json!({"side": "client", "account_id": f.account_b, "name": "Rep A"})),
        )
        .await;
    assert_eq!(moved.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = moved.json().await.unwrap();
    let message = body["error"]["fields"][0]["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("client rep of project {}", f.project_p)),
        "{message}"
    );
}

#[tokio::test]
async fn an_account_shared_with_another_pms_project_is_changed_by_an_administrator() {
    let f = fixture().await;
    let pm_q = person_of(&f, Caller::PmOfQ).await;
    // Q's PM also runs a project in account A, beside P.
    let rep: Value = f
        .call(
            Caller::Admin,
            "POST",
            "/api/v1/people",
            Some(json!({"side": "client", "account_id": f.account_a, "name": "Rep A2"})),
        )
        .await
        .json()
        .await
        .unwrap();
    let shared = project_body(f.account_a, pm_q, rep["id"].as_i64().unwrap(), &[]);
    let created = f
        .call(Caller::Admin, "POST", "/api/v1/projects", Some(shared))
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    for caller in [Caller::PmOfP, Caller::PmOfQ] {
        for (method, path, body) in [
            (
                "POST",
                format!("/api/v1/accounts/{}/archive", f.account_a),
                None,
            ),
            (
                "PUT",
                format!("/api/v1/people/{}", f.person_a),
                Some(json!({"side": "client", "account_id": f.account_a, "name": "Renamed"})),
            ),
        ] {
            let status = f.call(caller, method, &path, body).await.status();
            assert_eq!(status, StatusCode::FORBIDDEN, "{caller:?} {method} {path}");
        }
    }
    let archived = f
        .call(
            Caller::Admin,
            "POST",
            &format!("/api/v1/accounts/{}/archive", f.account_a),
            None,
        )
        .await;
    assert_eq!(archived.status(), StatusCode::OK);
}
