//! What outside probing broke once: overflowing forecasts, errors outside
//! the envelope, dates and texts out of range, foreign host names.

use super::*;

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

/// A control character (a pasted NUL, an ESC) in any text is refused with
/// the field named, never stored (PostgreSQL refuses NUL in text: it was a
/// 500 there) — in the API, in a status comment and in sign-in.
#[tokio::test]
async fn control_characters_in_text_are_refused_with_the_field_named() {
    let app = spawn_app().await;
    let (status, body) = app
        .post(
            "/api/v1/accounts",
            &json!({"name": "North\u{0}wind", "standards": [{"title": "Weekly\u{1b}[2J status"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(field_names(&body), ["name", "standards[0].title"]);
    let id = app.create_project().await;
    let (status, body) = app
        .post(
            &format!("/api/v1/projects/{id}/status"),
            &json!({"status_date": "2026-01-31", "ev": 1000, "ac": 1000, "comment": "a\u{0}b"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(field_names(&body), ["comment"]);
    // Earned value past the budget cannot be right.
    let (status, body) = app
        .post(
            &format!("/api/v1/projects/{id}/status"),
            &json!({"status_date": "2026-01-31", "ev": 10_000_000, "ac": 1000}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(field_names(&body), ["ev"]);
}
