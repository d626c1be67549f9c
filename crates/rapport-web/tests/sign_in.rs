//! Sign-in, sessions, CSRF and tokens, driven over HTTP as a browser and a
//! script would: the cookie's flags, the stored hashes, refused forged and
//! cross-site writes, dead tokens and disabled users, the lock-out, session
//! lifetimes, and two servers sharing one PostgreSQL database.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test, with its line

mod support;

use chrono::{DateTime, TimeDelta, Utc};
use rapport_core::ids::UserId;
use rapport_store::{Clock, Store};
use rapport_web::auth::AuthConfig;
use rapport_web::AppState;
use reqwest::{redirect, StatusCode};
use serde_json::{json, Value};

const PASSWORD: &str = "correct horse battery staple";

fn start() -> DateTime<Utc> {
    "2026-11-27T09:00:00Z".parse().unwrap()
}

/// A server on `store` whose clock reads `at`.
async fn serve(
    store: &Store,
    at: DateTime<Utc>,
    auth: AuthConfig,
) -> (String, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let state = AppState::with_clock(store.clone(), Clock::Fixed(at)).with_auth(auth);
    tokio::spawn(rapport_web::serve(listener, state, async {
        let _ = stopped.await;
    }));
    (address, stop)
}

async fn sqlite_store(dir: &tempfile::TempDir) -> Store {
    Store::open_file(&dir.path().join("rapport.db"))
        .await
        .unwrap()
}

/// Adds a user with [`PASSWORD`] and returns their id.
async fn add_user(store: &Store, email: &str, role: &str) -> UserId {
    let hash = rapport_web::auth::password::hash_blocking(PASSWORD).unwrap();
    let draft = rapport_core::access::UserDraft::new(email, email, role).unwrap();
    store
        .create_user(start(), "test", &draft, None, &hash)
        .await
        .unwrap()
        .id
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .unwrap()
}

/// The `name=value` part of the response's Set-Cookie for `name`, and the
/// whole header.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<(String, String)> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| (v.split(';').next().unwrap().to_string(), v.to_string()))
}

/// The value of the first `csrf_token` hidden field in a page.
fn csrf_in(page: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = page.find(marker).unwrap() + marker.len();
    page[start..].split('"').next().unwrap().to_string()
}

/// The text of the page's message (the sign-in page's error).
fn message_in(page: &str) -> String {
    let start = page.find("id=\"message\"").unwrap();
    let text = &page[start..];
    let text = &text[text.find('>').unwrap() + 1..];
    text[..text.find('<').unwrap()].to_string()
}

/// Signs in through the form; returns the response of the POST.
async fn sign_in(address: &str, email: &str, password: &str) -> reqwest::Response {
    let http = client();
    let form = http.get(format!("{address}/login")).send().await.unwrap();
    let (cookie, _) = set_cookie(&form, "rapport_login_csrf").unwrap();
    let token = csrf_in(&form.text().await.unwrap());
    http.post(format!("{address}/login"))
        .header("cookie", cookie)
        .form(&[
            ("email", email),
            ("password", password),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap()
}

/// Signs in and returns the session cookie (`rapport_session=…`).
async fn session(address: &str, email: &str) -> String {
    let response = sign_in(address, email, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    set_cookie(&response, "rapport_session").unwrap().0
}

/// The CSRF token of a session, read from a page as a browser would.
async fn page_csrf(address: &str, cookie: &str) -> String {
    let page = client()
        .get(format!("{address}/settings"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    csrf_in(&page.text().await.unwrap())
}

#[tokio::test]
async fn the_session_cookie_is_http_only_lax_site_wide_and_secure_behind_https() {
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite_store(&dir).await;
    add_user(&store, "pm@example.com", "pm").await;
    let (plain, _stop) = serve(&store, start(), AuthConfig::default()).await;
    let https = AuthConfig {
        secure_cookie: true,
        ..AuthConfig::default()
    };
    let (secure, _stop2) = serve(&store, start(), https).await;

    let response = sign_in(&plain, "pm@example.com", PASSWORD).await;
    assert_eq!(response.headers()["location"], "/today");
    let (_, header) = set_cookie(&response, "rapport_session").unwrap();
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=604800"] {
        assert!(header.contains(flag), "{flag} missing from {header}");
    }
    assert!(!header.contains("Secure"), "{header}");

    let response = sign_in(&secure, "pm@example.com", PASSWORD).await;
    let (_, header) = set_cookie(&response, "rapport_session").unwrap();
    assert!(
        header.contains("Secure") && header.contains("HttpOnly"),
        "{header}"
    );
}

#[tokio::test]
async fn each_sign_in_gets_a_new_session_id_and_a_made_up_one_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite_store(&dir).await;
    add_user(&store, "pm@example.com", "pm").await;
    let (address, _stop) = serve(&store, start(), AuthConfig::default()).await;
    let first = session(&address, "pm@example.com").await;
    let second = session(&address, "pm@example.com").await;
    assert_ne!(first, second);
    let planted = client()
        .get(format!("{address}/"))
        .header("cookie", format!("rapport_session={}", "0".repeat(64)))
        .send()
        .await
        .unwrap();
    assert_eq!(planted.status(), StatusCode::SEE_OTHER);
    assert_eq!(planted.headers()["location"], "/login?next=%2F");
}

/// A control character in the e-mail (a pasted NUL) is refused with the
/// form again, before any lookup: PostgreSQL refuses NUL in text.
#[tokio::test]
async fn a_control_character_in_the_email_is_refused_before_any_lookup() {
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite_store(&dir).await;
    add_user(&store, "pm@example.com", "pm").await;
    let (address, _stop) = serve(&store, start(), AuthConfig::default()).await;
    let response = sign_in(&address, "pm@example.com\u{0}", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("held a control character"));
}

#[tokio::test]
async fn users_added_on_the_admin_page_are_stored_as_argon2id() {
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite_store(&dir).await;
    add_user(&store, "admin@example.com", "admin").await;
    let (address, _stop) = serve(&store, start(), AuthConfig::default()).await;
    let cookie = session(&address, "admin@example.com").await;
    let csrf = page_csrf(&address, &cookie).await;
    let added = client()
        .post(format!("{address}/admin/users"))
        .header("cookie", &cookie)
        .form(&[
            ("email", "New.Person@Example.com"),
            ("name", "New Person"),
            ("role", "member"),
            ("password", "a long enough password"),
            ("csrf_token", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), StatusCode::OK);
    assert!(added
        .text()
        .await
        .unwrap()
        .contains("new.person@example.com was added as member"));
    let (user, hash) = store
        .user_for_sign_in("new.person@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.role.as_str(), "member");
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
    assert!(!hash.contains("a long enough password"));
    // And the new user signs in with it.
    let response = sign_in(&address, "new.person@example.com", "a long enough password").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn cookie_writes_need_the_sessions_csrf_token() {
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite_store(&dir).await;
    add_user(&store, "pm@example.com", "pm").await;
    let (address, _stop) = serve(&store, start(), AuthConfig::default()).await;
    let cookie = session(&address, "pm@example.com").await;
    let csrf = page_csrf(&address, &cookie).await;
    let http = client();
    let post = |token: Option<&str>| {
        let mut request = http
            .post(format!("{address}/api/v1/accounts"))
            .header("cookie", &cookie)
            .json(&json!({"name": "Northwind"}));
        if let Some(token) = token {
            request = request.header("x-csrf-token", token);
        }
        request.send()
    };
    let missing = post(None).await.unwrap();
    assert_eq!(missing.status(), StatusCode::FORBIDDEN);
    let body: Value = missing.json().await.unwrap();
    assert_eq!(body["error"]["code"], "forbidden");
    assert!(body["error"]["message"].as_str().unwrap().contains("CSRF"));
    assert_eq!(
        post(Some("0123")).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(Some(&csrf)).await.unwrap().status(),
        StatusCode::CREATED
    );

    // A page's form: the token in the form body, not a header.
    let form = |token: &str| {
        http.post(format!("{address}/settings/tokens"))
            .header("cookie", &cookie)
            .form(&[
                ("label", "nightly export"),
                ("expires_days", "30"),
                ("csrf_token", token),
            ])
            .send()
    };
    assert_eq!(
        form("forged").await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let made = form(&csrf).await.unwrap();
    assert_eq!(made.status(), StatusCode::OK);
    assert!(made.text().await.unwrap().contains("rapport_"));
}

#[tokio::test]
async fn writes_from_another_site_are_refused_even_with_a_token() {
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite_store(&dir).await;
    let id = add_user(&store, "pm@example.com", "pm").await;
    let (address, _stop) = serve(&store, start(), AuthConfig::default()).await;
    let state = AppState::with_clock(store.clone(), Clock::Fixed(start()));
    let (token, _) = rapport_web::auth::issue_token(&state, "test", id, "script", None)
        .await
        .unwrap();
    let post = |header: &'static str, value: String| {
        client()
            .post(format!("{address}/api/v1/accounts"))
            .bearer_auth(&token)
            .header(header, value)
            .json(&json!({"name": "Northwind"}))
            .send()
    };
    let evil = post("origin", "http://evil.example".into()).await.unwrap();
    assert_eq!(evil.status(), StatusCode::FORBIDDEN);
    let fetch = post("sec-fetch-site", "cross-site".into()).await.unwrap();
    assert_eq!(fetch.status(), StatusCode::FORBIDDEN);
    let own = post("origin", address.clone()).await.unwrap();
    assert_eq!(own.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_token_opens_the_api_only_so_it_cannot_make_itself_another() {
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite_store(&dir).await;
    let id = add_user(&store, "admin@example.com", "admin").await;
    let (address, _stop) = serve(&store, start(), AuthConfig::default()).await;
    let state = AppState::with_clock(store.clone(), Clock::Fixed(start()));
    let (token, _) = rapport_web::auth::issue_token(&state, "test", id, "short", Some(1))
        .await
        .unwrap();
    let made = client()
        .post(format!("{address}/settings/tokens"))
        .bearer_auth(&token)
        .form(&[("label", "forever"), ("expires_days", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), StatusCode::UNAUTHORIZED);
    assert!(made
        .text()
        .await
        .unwrap()
        .contains("API tokens work only under /api/"));
    for path in ["/", "/admin/users", "/settings"] {
        let page = client()
            .get(format!("{address}{path}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    assert_eq!(store.tokens_of(id).await.unwrap().len(), 1);
    // The scheme name is case-insensitive.
    let me = client()
        .get(format!("{address}/api/v1/me"))
        .header("authorization", format!("bearer {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_sign_in_link_cannot_send_you_to_another_site() {
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite_store(&dir).await;
    add_user(&store, "pm@example.com", "pm").await;
    let (address, _stop) = serve(&store, start(), AuthConfig::default()).await;
    let http = client();
    for next in [
        "/\t/evil.example/",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example",
        "/\r\nSet-Cookie: x=y",
        "/a\u{0}b",
        "/ok?x=1",
    ] {
        let form = http.get(format!("{address}/login")).send().await.unwrap();
        let (cookie, _) = set_cookie(&form, "rapport_login_csrf").unwrap();
        let token = csrf_in(&form.text().await.unwrap());
        let response = http
            .post(format!("{address}/login"))
            .header("cookie", cookie)
            .form(&[
                ("email", "pm@example.com"),
                ("password", PASSWORD),
                ("csrf_token", &token),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{next:?}");
        // Anything unsafe lands on Today, the page after sign-in.
        let expected = if next == "/ok?x=1" {
            "/ok?x=1"
        } else {
            "/today"
        };
        assert_eq!(response.headers()["location"], expected, "{next:?}");
    }
}

#[tokio::test]
async fn revoked_and_expired_tokens_and_disabled_users_get_401() {
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite_store(&dir).await;
    let id = add_user(&store, "pm@example.com", "pm").await;
    let (address, _stop) = serve(&store, start(), AuthConfig::default()).await;
    let state = AppState::with_clock(store.clone(), Clock::Fixed(start()));
    let me = |token: String, at: &str| {
        client()
            .get(format!("{at}/api/v1/me"))
            .bearer_auth(token)
            .send()
    };
    let (revoked, stored) = rapport_web::auth::issue_token(&state, "test", id, "old", None)
        .await
        .unwrap();
    assert_eq!(
        me(revoked.clone(), &address).await.unwrap().status(),
        StatusCode::OK
    );
    store
        .revoke_token(start(), "test", id, stored.id)
        .await
        .unwrap();
    let response = me(revoked, &address).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.headers().contains_key("www-authenticate"));

    let (expiring, _) = rapport_web::auth::issue_token(&state, "test", id, "short", Some(1))
        .await
        .unwrap();
    assert_eq!(
        me(expiring.clone(), &address).await.unwrap().status(),
        StatusCode::OK
    );
    let (later, _stop2) = serve(&store, start() + TimeDelta::days(1), AuthConfig::default()).await;
    assert_eq!(
        me(expiring, &later).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );

    let (token, _) = rapport_web::auth::issue_token(&state, "test", id, "live", None)
        .await
        .unwrap();
    let cookie = session(&address, "pm@example.com").await;
    store
        .set_user_disabled(start(), "test", "pm@example.com", true)
        .await
        .unwrap();
    assert_eq!(
        me(token.clone(), &address).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let api = client()
        .get(format!("{address}/api/v1/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
    let refused = sign_in(&address, "pm@example.com", PASSWORD).await;
    assert_eq!(
        refused.status(),
        StatusCode::UNAUTHORIZED,
        "a disabled user cannot sign in"
    );
    // Enabled again, neither the revoked token nor the ended session
    // comes back; a new sign-in works.
    store
        .set_user_disabled(start(), "test", "pm@example.com", false)
        .await
        .unwrap();
    let response = me(token, &address).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("the bearer token was revoked"),
        "{body}"
    );
    assert_eq!(
        sign_in(&address, "pm@example.com", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let page = client()
        .get(format!("{address}/"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_sixth_sign_in_after_five_failures_is_locked_even_with_the_right_password() {
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite_store(&dir).await;
    add_user(&store, "pm@example.com", "pm").await;
    let (address, _stop) = serve(&store, start(), AuthConfig::default()).await;
    // An unknown e-mail is answered like a wrong password.
    let unknown = sign_in(&address, "nobody@example.com", PASSWORD).await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    let unknown_text = message_in(&unknown.text().await.unwrap());
    // The same answer for a wrong password as for an unknown e-mail, with
    // a warning as the lock nears (counted per e-mail, known or not).
    let warnings = [
        "",
        "",
        " 2 more failed attempt(s) will lock sign-in for this account for 15 minutes.",
        " 1 more failed attempt(s) will lock sign-in for this account for 15 minutes.",
        " That was the fifth failed attempt: sign-in for this account is now locked for 15 minutes.",
    ];
    for (attempt, warning) in warnings.iter().enumerate() {
        let wrong = sign_in(&address, "PM@example.com", "wrong password!").await;
        assert_eq!(
            wrong.status(),
            StatusCode::UNAUTHORIZED,
            "attempt {attempt}"
        );
        let text = message_in(&wrong.text().await.unwrap());
        assert_eq!(
            text,
            format!("{unknown_text}{warning}"),
            "attempt {}",
            attempt + 1
        );
    }
    let locked = sign_in(&address, "pm@example.com", PASSWORD).await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(set_cookie(&locked, "rapport_session").is_none());
    let text = locked.text().await.unwrap();
    assert!(
        text.contains("locked for 15 more minute(s), until 09:15 UTC"),
        "{text}"
    );
    // Still locked fourteen minutes on; free at fifteen, on any server.
    let (nearly, _s1) = serve(
        &store,
        start() + TimeDelta::minutes(14),
        AuthConfig::default(),
    )
    .await;
    assert_eq!(
        sign_in(&nearly, "pm@example.com", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    let (later, _s2) = serve(
        &store,
        start() + TimeDelta::minutes(15),
        AuthConfig::default(),
    )
    .await;
    assert_eq!(
        sign_in(&later, "pm@example.com", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_burst_of_parallel_guesses_is_counted_like_guesses_one_by_one() {
    let dir = tempfile::tempdir().unwrap();
    burst_of_guesses(sqlite_store(&dir).await).await;
}

#[tokio::test]
async fn a_burst_of_parallel_guesses_on_postgres_is_counted_like_guesses_one_by_one() {
    if let Some((store, _)) = support::fresh_postgres("parallel guesses on PostgreSQL").await {
        burst_of_guesses(store).await;
    }
}

async fn burst_of_guesses(store: Store) {
    add_user(&store, "pm@example.com", "pm").await;
    let (address, _stop) = serve(&store, start(), AuthConfig::default()).await;
    // Twelve forms first, then twelve wrong passwords at once.
    let http = client();
    let mut forms = Vec::new();
    for _ in 0..12 {
        let form = http.get(format!("{address}/login")).send().await.unwrap();
        let (cookie, _) = set_cookie(&form, "rapport_login_csrf").unwrap();
        forms.push((cookie, csrf_in(&form.text().await.unwrap())));
    }
    let guesses = forms.into_iter().map(|(cookie, token)| {
        let http = http.clone();
        let address = address.clone();
        tokio::spawn(async move {
            http.post(format!("{address}/login"))
                .header("cookie", cookie)
                .form(&[
                    ("email", "pm@example.com"),
                    ("password", "a wrong guess"),
                    ("csrf_token", &token),
                ])
                .send()
                .await
                .unwrap()
                .status()
        })
    });
    let mut statuses = Vec::new();
    for guess in guesses {
        statuses.push(guess.await.unwrap());
    }
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let locked = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((refused, locked), (5, 7), "{statuses:?}");
    assert_eq!(
        sign_in(&address, "pm@example.com", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn guessing_the_current_password_on_the_settings_page_is_locked_like_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite_store(&dir).await;
    add_user(&store, "pm@example.com", "pm").await;
    let (address, _stop) = serve(&store, start(), AuthConfig::default()).await;
    let cookie = session(&address, "pm@example.com").await;
    let csrf = page_csrf(&address, &cookie).await;
    let change = |current: &'static str| {
        client()
            .post(format!("{address}/settings/password"))
            .header("cookie", &cookie)
            .form(&[
                ("current_password", current),
                ("new_password", "a brand new password"),
                ("repeat_password", "a brand new password"),
                ("csrf_token", csrf.as_str()),
            ])
            .send()
    };
    for _ in 0..5 {
        assert_eq!(
            change("a guess at it").await.unwrap().status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    assert_eq!(
        change(PASSWORD).await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    // And the same lock holds at the sign-in form.
    assert_eq!(
        sign_in(&address, "pm@example.com", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn sessions_end_after_the_idle_and_the_absolute_lifetime() {
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite_store(&dir).await;
    add_user(&store, "pm@example.com", "pm").await;
    let (address, _stop) = serve(&store, start(), AuthConfig::default()).await;
    let cookie = session(&address, "pm@example.com").await;
    let status_at = |hours: i64| {
        let store = store.clone();
        let cookie = cookie.clone();
        async move {
            let (at, _stop) = serve(
                &store,
                start() + TimeDelta::hours(hours),
                AuthConfig::default(),
            )
            .await;
            client()
                .get(format!("{at}/"))
                .header("cookie", cookie)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    // Used every eleven hours it stays alive, until seven days are up.
    for hours in [
        11, 22, 33, 44, 55, 66, 77, 88, 99, 110, 121, 132, 143, 154, 165,
    ] {
        assert_eq!(status_at(hours).await, StatusCode::OK, "at {hours} h");
    }
    assert_eq!(
        status_at(169).await,
        StatusCode::SEE_OTHER,
        "past seven days"
    );

    let idle = session(&address, "pm@example.com").await;
    let (later, _s) = serve(
        &store,
        start() + TimeDelta::hours(12),
        AuthConfig::default(),
    )
    .await;
    let status = client()
        .get(format!("{later}/"))
        .header("cookie", idle)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "twelve idle hours end a session"
    );
}

/// Two administrators demoting each other at the same moment: one wins,
/// the other is told they are the last administrator.
async fn racing_demotions_keep_an_administrator(store: Store) {
    add_user(&store, "one@example.com", "admin").await;
    add_user(&store, "two@example.com", "admin").await;
    let demote = |email: &'static str| {
        let store = store.clone();
        tokio::spawn(async move {
            store
                .set_user_role(start(), "test", email, rapport_core::access::Role::Viewer)
                .await
        })
    };
    let (a, b) = (demote("one@example.com"), demote("two@example.com"));
    let results = [a.await.unwrap(), b.await.unwrap()];
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    let admins = store
        .users()
        .await
        .unwrap()
        .into_iter()
        .filter(|u| u.role == rapport_core::access::Role::Admin && !u.disabled)
        .count();
    assert_eq!(admins, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_demotions_keep_an_administrator_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    racing_demotions_keep_an_administrator(sqlite_store(&dir).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_demotions_keep_an_administrator_on_postgres() {
    if let Some((store, _)) = support::fresh_postgres("racing demotions on PostgreSQL").await {
        racing_demotions_keep_an_administrator(store).await;
    }
}

#[tokio::test]
async fn two_servers_on_one_postgres_share_sessions_and_sign_out() {
    let Some((store, url)) = support::fresh_postgres("two servers on PostgreSQL").await else {
        return;
    };
    add_user(&store, "pm@example.com", "pm").await;
    // Two servers, each with its own connection pool, as behind a load
    // balancer.
    let (one, _s1) = serve(&store, start(), AuthConfig::default()).await;
    let other = Store::connect(&url).await.unwrap();
    let (two, _s2) = serve(&other, start(), AuthConfig::default()).await;
    let cookie = session(&one, "pm@example.com").await;
    let on_two = client()
        .get(format!("{two}/api/v1/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(on_two.status(), StatusCode::OK);
    let csrf = page_csrf(&two, &cookie).await;
    let out = client()
        .post(format!("{two}/logout"))
        .header("cookie", &cookie)
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    for server in [&one, &two] {
        let status = client()
            .get(format!("{server}/api/v1/me"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{server}");
    }
}
