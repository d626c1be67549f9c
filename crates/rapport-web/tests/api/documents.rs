//! The OpenAPI document and the pages a script can read.

use super::*;

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
            .replace("{user_id}", "1")
            .replace("{job}", "1");
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
                && path != "/calendar/{secret}"
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
    // Each EAC says which estimate it is; a finished project has no
    // forecast to colour; the legend explains the date colours.
    assert!(
        html.contains("(PM's)") || html.contains("(BAC/CPI)"),
        "EAC without its method"
    );
    let pilot = html
        .split("<tr data-project-id=")
        .find(|row| row.contains("Leak detection pilot"))
        .unwrap();
    assert!(
        pilot.contains("<td class=\"none\" data-metric=\"forecast_finish\">ended</td>"),
        "{pilot}"
    );
    assert!(html.contains("up to 14 days late"));
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
