//! `rapport evm`: the earned-value file, its outputs and its errors.

use super::{rapport, write_temp};

#[test]
fn evm_json_on_the_shipped_example_has_every_measure_unrounded() {
    let out = rapport(&["evm", "examples/evm.toml", "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["project"]["name"], "Pump station retrofit");
    let third = &json["status"][2];
    assert_eq!(third["period"], 3);
    // CPI = 150,000 / 171,000, unrounded.
    assert_eq!(third["cpi"].as_f64().unwrap(), 150_000.0 / 171_000.0);
    assert_eq!(third["eac"]["manager"], 455000.0);
    // ES = 2 + (150 − 90)/(180 − 90); IEAC(t) = 5 / (ES / 3).
    let es = 2.0 + 60.0 / 90.0;
    assert_eq!(third["es"].as_f64().unwrap(), es);
    assert!((third["ieac_t"].as_f64().unwrap() - 5.0 / (es / 3.0)).abs() < 1e-12);
    assert_eq!(third["forecast_finish"], "2026-06-19");
}

#[test]
fn evm_table_rounds_for_people() {
    let out = rapport(&["evm", "examples/evm.toml"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("BAC 420,000 USD"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("CPI cost index") && l.contains("0.88")),
        "{text}"
    );
    // Columns are headed by the status dates; the comment names its date.
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("2026-01-31")
                && l.contains("2026-02-28")
                && l.contains("2026-03-31")),
        "{text}"
    );
    assert!(
        text.contains("\n2026-03-31: Pump vendor price increase"),
        "{text}"
    );
    // One minus sign in every row: U+2212, as the money rows print it.
    let sv_t = text.lines().find(|l| l.starts_with("SV(t)")).unwrap();
    assert!(
        sv_t.contains("\u{2212}0.20") && !sv_t.contains('-'),
        "{sv_t}"
    );
    // Which EAC the TCPI is measured against is said.
    assert!(
        text.contains("own EAC where one is given (2026-03-31"),
        "{text}"
    );
}

#[test]
fn evm_csv_has_one_row_per_status() {
    let out = rapport(&["evm", "examples/evm.toml", "--format", "csv"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5);
    assert!(lines[0].starts_with("period,status_date,at,pv,ev,ac"));
    assert!(lines[0].ends_with(",forecast_finish,comment"));
    assert!(lines[1].starts_with("1,2026-01-31,1,30000,24000,26500"));
    // The comment holds a comma and a semicolon: quoted, as RFC 4180 says.
    assert!(
        lines[3].ends_with(",\"Pump vendor price increase; change request in preparation.\"")
            || lines[3].ends_with(",Pump vendor price increase; change request in preparation."),
        "{}",
        lines[3]
    );
}

#[test]
fn broken_toml_exits_2_with_line_and_column() {
    let (_dir, path) = write_temp("[project]\nname = \"x\"\nbac = = 10\nplanned = [10]\n");
    let out = rapport(&["evm", &path]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains(&format!("{path}:3:7: ")), "{err}");
    assert_eq!(err.lines().count(), 1, "one line per error: {err}");
}

#[test]
fn decreasing_curve_exits_2_pointing_at_the_value() {
    let (_dir, path) = write_temp("[project]\nname = \"x\"\nbac = 10\nplanned = [5, 4, 10]\n");
    let out = rapport(&["evm", &path]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(&format!(
            "{path}:4:15: project.planned: the planned-value curve decreases at period 2"
        )),
        "{err}"
    );
}

#[test]
fn status_out_of_order_exits_2() {
    let (_dir, path) = write_temp(
        "[project]\nname = \"x\"\nbac = 10\nplanned = [5, 10]\n[[status]]\nperiod = 2\nev = 5\nac = 5\n[[status]]\nperiod = 1\nev = 6\nac = 6\n",
    );
    let out = rapport(&["evm", &path]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(":10:") && err.contains("not after the status before it"),
        "{err}"
    );
}

#[test]
fn missing_file_and_bad_usage_exit_2() {
    let out = rapport(&["evm", "no/such/file.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read no/such/file.toml"));
    let out = rapport(&["evm", "examples/evm.toml", "--format", "yaml"]);
    assert_eq!(out.status.code(), Some(2));
}

/// Issue 10, point 10: the same baseline and status, once as a file for
/// `rapport evm` (by period and by date) and once through the JSON API of
/// a running server, give the same figures, key by key.
#[test]
fn the_cli_and_the_api_agree_on_the_same_data() {
    let file = r#"
[project]
name = "Pump station retrofit"
currency = "USD"
bac = 420000
planned = [30000, 90000, 180000, 300000, 420000]
start = "2026-01-01"
period_ends = ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31"]

[[status]]
period = 2
ev = 78000
ac = 86000.55

[[status]]
date = "2026-03-20"
ev = 131000
ac = 149999.99
eac = 455000
comment = "Pump vendor price increase"

[[status]]
date = "2026-07-10"
ev = 401000
ac = 468000.1
"#;
    let (_dir, path) = write_temp(file);
    let out = rapport(&["evm", &path, "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cli: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();

    let api = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(api_evm_of_the_same_project());

    let cli_status = cli["status"].as_array().unwrap();
    let api_status = api["status"].as_array().unwrap();
    assert_eq!(cli_status.len(), 3);
    assert_eq!(api_status.len(), 3);
    for (c, a) in cli_status.iter().zip(api_status) {
        let keys = a.as_object().unwrap().keys();
        let mut compared = 0;
        for key in keys {
            // The API names its records; the file has no ids.
            if matches!(key.as_str(), "id" | "record_id" | "period") {
                continue;
            }
            assert_eq!(
                c.get(key),
                Some(&a[key]),
                "{key} differs at {}: CLI {} API {}",
                a["status_date"],
                c[key],
                a[key]
            );
            compared += 1;
        }
        assert!(compared >= 20, "only {compared} keys compared: {a}");
    }
    assert_eq!(cli_status[0]["period"], 2);
    assert_eq!(cli_status[0]["status_date"], "2026-02-28");
    assert_eq!(cli_status[1]["period"], serde_json::Value::Null);
}

/// The file's project and status records through the API of a server on
/// a random port; returns the body of GET …/evm.
async fn api_evm_of_the_same_project() -> serde_json::Value {
    use serde_json::json;
    let dir = tempfile::tempdir().unwrap();
    let store = rapport_store::Store::open_file(&dir.path().join("r.db"))
        .await
        .unwrap();
    let now = "2026-11-27T09:00:00Z".parse().unwrap();
    let state = rapport_web::AppState::with_clock(store, rapport_store::Clock::Fixed(now));
    let draft =
        rapport_core::access::UserDraft::new("admin@example.com", "Avery Admin", "admin").unwrap();
    let admin = state
        .store
        .create_user(now, "test", &draft, None, "$argon2id$unused")
        .await
        .unwrap();
    let (token, _) = rapport_web::auth::issue_token(&state, "test", admin.id, "tests", None)
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/api/v1", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(rapport_web::serve(listener, state, async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    let post = |path: &str, body: serde_json::Value| {
        let request = client
            .post(format!("{base}{path}"))
            .bearer_auth(&token)
            .json(&body);
        async move {
            let response = request.send().await.unwrap();
            let status = response.status();
            let body: serde_json::Value = response.json().await.unwrap();
            assert!(status.is_success(), "{status}: {body}");
            body["id"].as_i64().unwrap()
        }
    };
    let account = post("/accounts", json!({"name": "Northwind Water"})).await;
    let pm = post("/people", json!({"side": "firm", "name": "Priya PM"})).await;
    let rep = post(
        "/people",
        json!({"side": "client", "account_id": account, "name": "Dana Rep"}),
    )
    .await;
    let project = post(
        "/projects",
        json!({
            "account_id": account, "name": "Pump station retrofit",
            "project_manager_id": pm, "client_rep_id": rep,
            "baseline": {
                "currency": "USD", "bac": 420000, "start": "2026-01-01", "finish": "2026-05-31",
                "planned": [
                    {"period_end": "2026-01-31", "pv": 30000},
                    {"period_end": "2026-02-28", "pv": 90000},
                    {"period_end": "2026-03-31", "pv": 180000},
                    {"period_end": "2026-04-30", "pv": 300000},
                    {"period_end": "2026-05-31", "pv": 420000}
                ]
            }
        }),
    )
    .await;
    for body in [
        json!({"status_date": "2026-02-28", "ev": 78000, "ac": 86000.55}),
        json!({"status_date": "2026-03-20", "ev": 131000, "ac": 149999.99, "eac": 455000,
               "comment": "Pump vendor price increase"}),
        json!({"status_date": "2026-07-10", "ev": 401000, "ac": 468000.1}),
    ] {
        post(&format!("/projects/{project}/status"), body).await;
    }
    let evm: serde_json::Value = client
        .get(format!("{base}/projects/{project}/evm"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let _ = stop.send(());
    server.await.unwrap().unwrap();
    evm
}
