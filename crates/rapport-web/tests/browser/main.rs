//! The pages in a real headless Chromium, driven through ChromeDriver.
//!
//! Needs `chromium` and `chromedriver` on the PATH (Debian packages
//! `chromium` and `chromium-driver`). Without them the suite reports
//! SKIPPED on stderr, and fails when `RAPPORT_REQUIRE_CHROMIUM=1` (as
//! `.ci/run` sets it).

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test, with its line

use std::io::Write;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};

mod brief;
mod cockpit;
mod news;
mod portfolio;
mod profiles;
mod reports;
mod sign_in;

struct Driver {
    child: Child,
    url: String,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find(program: &str) -> Option<String> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
        .map(|p| p.display().to_string())
}

async fn start_driver() -> Option<(Driver, Client)> {
    let required = std::env::var("RAPPORT_REQUIRE_CHROMIUM").is_ok_and(|v| v == "1");
    let (Some(chromedriver), Some(chromium)) = (find("chromedriver"), find("chromium")) else {
        assert!(!required, "Chromium is required (RAPPORT_REQUIRE_CHROMIUM=1) but chromium/chromedriver are not on the PATH");
        // Straight to stderr: the harness captures eprintln! of a passing
        // test, and a skip must show in the log (.ci/run fails on it).
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: browser tests: install chromium and chromium-driver to run them"
        );
        return None;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let profile = tempfile::tempdir().unwrap();
    let driver = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
        _profile: profile,
    };
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--window-size=1400,900",
                format!("--user-data-dir={}", driver._profile.path().display()),
            ]
        }),
    );
    // ChromeDriver takes a moment to listen; retry the session for up to 20 s.
    let mut last_error = None;
    for _ in 0..100 {
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities.clone())
            .connect(&driver.url)
            .await
        {
            Ok(client) => return Some((driver, client)),
            Err(e) => {
                last_error = Some(e);
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
    panic!("cannot start a Chromium session through ChromeDriver: {last_error:?}");
}

/// The demo users' password in these tests.
const PASSWORD: &str = "correct horse battery staple";

/// The demo portfolio with an admin, and a PM who manages three of its
/// nine projects, signed in with [`PASSWORD`]. Returns the address, an
/// admin's API token, and what keeps the server alive.
async fn spawn_demo_app() -> (
    String,
    String,
    tempfile::TempDir,
    tokio::sync::oneshot::Sender<()>,
) {
    let dir = tempfile::tempdir().unwrap();
    let store = rapport_store::Store::open_file(&dir.path().join("rapport.db"))
        .await
        .unwrap();
    let clock = rapport_store::Clock::Fixed("2026-11-27T09:00:00Z".parse().unwrap());
    let people = rapport_store::demo::load(&store, clock.now())
        .await
        .unwrap();
    let hash = rapport_web::auth::password::hash_blocking(PASSWORD).unwrap();
    let user = |email, name, role| rapport_core::access::UserDraft::new(email, name, role).unwrap();
    let admin = store
        .create_user(
            clock.now(),
            "test",
            &user("admin@example.com", "Avery Admin", "admin"),
            None,
            &hash,
        )
        .await
        .unwrap();
    store
        .create_user(
            clock.now(),
            "test",
            &user("pm@example.com", "Priya Nair", "pm"),
            Some(people.project_manager),
            &hash,
        )
        .await
        .unwrap();
    store
        .create_user(
            clock.now(),
            "test",
            &user("member@example.com", "Sam Whitaker", "member"),
            Some(people.team_member),
            &hash,
        )
        .await
        .unwrap();
    let state = rapport_web::AppState::with_clock(store, clock);
    let (token, _) = rapport_web::auth::issue_token(&state, "test", admin.id, "tests", None)
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(rapport_web::serve(listener, state, async {
        let _ = rx.await;
    }));
    (address, token, dir, tx)
}

/// Fills and submits the sign-in form as a person would.
async fn sign_in(client: &Client, address: &str, email: &str, password: &str) {
    client.goto(&format!("{address}/login")).await.unwrap();
    client
        .find(Locator::Id("email"))
        .await
        .unwrap()
        .send_keys(email)
        .await
        .unwrap();
    client
        .find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(password)
        .await
        .unwrap();
    let button = client
        .find(Locator::Css("form button[type=submit]"))
        .await
        .unwrap();
    button.click().await.unwrap();
    // The click returns before the next page has replaced this one; wait
    // (ten seconds at most) until the button is gone, so what follows reads
    // the answer, not the form it was sent from.
    for _ in 0..200 {
        if button.is_displayed().await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("signing in as {email} did not leave the sign-in form within ten seconds");
}

async fn project_names(client: &Client) -> Vec<String> {
    let mut names = Vec::new();
    for link in client
        .find_all(Locator::Css("#projects tbody td.project > a"))
        .await
        .unwrap()
    {
        names.push(link.text().await.unwrap());
    }
    names.sort();
    names
}

/// An API client with the admin's token.
fn api(token: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse().unwrap(),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap()
}

async fn get_json(http: &reqwest::Client, url: &str) -> serde_json::Value {
    let response = http.get(url).send().await.unwrap();
    assert!(
        response.status().is_success(),
        "{url}: {}",
        response.status()
    );
    response.json().await.unwrap()
}

/// The band a reader should see for an index as shown (two decimals):
/// the page's legend, written out again here.
fn expected_band(shown: &str) -> &'static str {
    match shown.parse::<f64>() {
        Err(_) => "none",
        Ok(v) if v >= 1.0 => "good",
        Ok(v) if v >= 0.9 => "watch",
        Ok(_) => "bad",
    }
}

/// Saves what the browser shows as `target/screenshots/NAME.png`, for a
/// person to look at (the issue's acceptance asks for 1280 and 390 px).
async fn screenshot(client: &Client, name: &str, width: u32) {
    client.set_window_size(width, 1000).await.unwrap();
    // The whole page: as tall as its content.
    let height: u64 = client
        .execute("return document.documentElement.scrollHeight", vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap_or(1000)
        .min(6000);
    client
        .set_window_size(width, u32::try_from(height).unwrap_or(1000))
        .await
        .unwrap();
    let png = client.screenshot().await.unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}-{width}.png")), png).unwrap();
}

/// Clicks a form's button and waits (ten seconds at most) for the page it
/// leads to: until the button is gone with the page it was on.
async fn submit(button: fantoccini::elements::Element) {
    button.click().await.unwrap();
    for _ in 0..200 {
        if button.is_displayed().await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the form did not lead anywhere within ten seconds");
}

/// Waits (ten seconds at most) until the page at `path` is showing.
async fn wait_for_path(client: &Client, path: &str) {
    for _ in 0..200 {
        if client.current_url().await.unwrap().path() == path {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the browser did not reach {path}");
}
