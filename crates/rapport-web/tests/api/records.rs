//! Accounts, people, projects and status records: what is written reads
//! back, and what is wrong is refused field by field.

use super::*;

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

    // What is written reads back: the account, the person and the
    // project, each updated and read again.
    let account_body = json!({
        "name": "Northwind Water Co.",
        "industry": "Utilities",
        "notes": "Prefers calls to e-mail.",
        "standards": [{"title": "Monthly report", "description": "By the 5th"}]
    });
    let (status, updated) = app
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/accounts/{account_id}"),
            &account_body,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    let (_, read) = app.get(&format!("/api/v1/accounts/{account_id}")).await;
    assert_eq!(read, updated);
    for field in ["name", "industry", "notes", "standards"] {
        assert_eq!(read[field], account_body[field], "{field}");
    }
    let person_body = json!({
        "side": "client", "account_id": account_id, "name": "Sam Sponsor-Lee",
        "title": "Director", "organisation": "Northwind", "email": "sam@example.com",
        "phone": "+44 20 7946 0000", "behaviour_style": "analytical",
        "communication_preferences": "Written summary before calls"
    });
    let (status, updated) = app
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/people/{sponsor_id}"),
            &person_body,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    let (_, read) = app.get(&format!("/api/v1/people/{sponsor_id}")).await;
    assert_eq!(read, updated);
    for (field, value) in person_body.as_object().unwrap() {
        assert_eq!(&read[field], value, "{field}");
    }
    let mut project_body = project_body(
        account_id,
        project["project_manager_id"].as_i64().unwrap(),
        project["client_rep_id"].as_i64().unwrap(),
    );
    project_body["name"] = json!("Pump station retrofit, phase 2");
    project_body["code"] = json!("NW-042");
    project_body["status"] = json!("on_hold");
    project_body["stakeholders"] = json!([{"person_id": sponsor_id, "role": "Sponsor"}]);
    project_body["baseline"]["bac"] = json!(450000);
    project_body["baseline"]["planned"][4]["pv"] = json!(450000);
    let (status, updated) = app
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/projects/{id}"),
            &project_body,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    let (_, read) = app.get(&format!("/api/v1/projects/{id}")).await;
    assert_eq!(read, updated);
    for field in ["name", "code", "status", "stakeholders", "baseline"] {
        assert_eq!(
            floats(&read[field]),
            floats(&project_body[field]),
            "{field}"
        );
    }

    // A replacement that leaves the team out keeps it (a script that only
    // moves the baseline must not empty it); `[]` empties it.
    let mut without_team = project_body.clone();
    without_team.as_object_mut().unwrap().remove("stakeholders");
    without_team["name"] = json!("Pump station retrofit, phase 3");
    let (status, kept) = app
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/projects/{id}"),
            &without_team,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{kept}");
    assert_eq!(kept["name"], "Pump station retrofit, phase 3");
    assert_eq!(
        kept["stakeholders"],
        json!([{"person_id": sponsor_id, "role": "Sponsor"}])
    );
    let mut no_team = project_body.clone();
    no_team["stakeholders"] = json!([]);
    let (status, emptied) = app
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/projects/{id}"),
            &no_team,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{emptied}");
    assert_eq!(emptied["stakeholders"], json!([]));

    // Archived records leave the lists and come back when restored.
    for (kind, record) in [
        ("projects", id),
        ("people", sponsor_id),
        ("accounts", account_id),
    ] {
        let (status, archived) = app
            .post(&format!("/api/v1/{kind}/{record}/archive"), &json!({}))
            .await;
        assert_eq!(status, StatusCode::OK, "{archived}");
        assert_eq!(archived["archived"], true);
        let (_, listed) = app.get(&format!("/api/v1/{kind}")).await;
        assert!(
            !listed.as_array().unwrap().iter().any(|r| r["id"] == record),
            "archived {kind} {record} is still listed"
        );
        let (_, all) = app
            .get(&format!("/api/v1/{kind}?include_archived=true"))
            .await;
        assert!(all.as_array().unwrap().iter().any(|r| r["id"] == record));
    }
    for (kind, record) in [
        ("accounts", account_id),
        ("people", sponsor_id),
        ("projects", id),
    ] {
        let (status, restored) = app
            .post(&format!("/api/v1/{kind}/{record}/restore"), &json!({}))
            .await;
        assert_eq!(status, StatusCode::OK, "{restored}");
        assert_eq!(restored["archived"], false);
        let (_, listed) = app.get(&format!("/api/v1/{kind}")).await;
        assert!(listed.as_array().unwrap().iter().any(|r| r["id"] == record));
    }
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

/// A status on or before the baseline start (2026-01-01) would measure
/// nothing, and the earned value would drop it without a word: it is
/// refused, as is a baseline moved to start on or after a record, and
/// restoring a record onto a date another live record holds.
#[tokio::test]
async fn status_records_come_after_the_baseline_start_and_restore_onto_free_dates() {
    let app = spawn_app().await;
    let id = app.create_project().await;
    let path = format!("/api/v1/projects/{id}/status");
    for date in ["2026-01-01", "2025-12-31"] {
        let (status, error) = app
            .post(&path, &json!({"status_date": date, "ev": 1, "ac": 1}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        assert_eq!(field_names(&error), ["status_date"]);
        assert!(
            error["error"]["fields"][0]["message"]
                .as_str()
                .unwrap()
                .contains("is not after the baseline start (2026-01-01)"),
            "{error}"
        );
    }
    let (status, first) = app
        .post(
            &path,
            &json!({"status_date": "2026-01-02", "ev": 1, "ac": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (_, project) = app.get(&format!("/api/v1/projects/{id}")).await;
    let mut moved = project.clone();
    for key in ["id", "archived", "created_at", "updated_at"] {
        moved.as_object_mut().unwrap().remove(key);
    }
    moved["baseline"]["start"] = json!("2026-01-02");
    let (status, error) = app
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/projects/{id}"),
            &moved,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
    assert_eq!(field_names(&error), ["baseline.start"]);

    // Archive the record, take its date with another, and restore: refused.
    let first_id = first["id"].as_i64().unwrap();
    let (status, _) = app
        .post(&format!("{path}/{first_id}/archive"), &json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .post(
            &path,
            &json!({"status_date": "2026-01-02", "ev": 2, "ac": 2}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, error) = app
        .post(&format!("{path}/{first_id}/restore"), &json!({}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{error}");
    let (_, live) = app.get(&path).await;
    assert_eq!(live.as_array().unwrap().len(), 1);
    assert_eq!(live[0]["ev"], 2.0);
}

/// Parallel posts for one date: exactly one is created, every other is a
/// conflict, none a 5xx.
#[tokio::test]
async fn parallel_status_posts_for_one_date_give_one_record_and_conflicts() {
    let app = spawn_app().await;
    let id = app.create_project().await;
    let path = format!("/api/v1/projects/{id}/status");
    let mut posts = tokio::task::JoinSet::new();
    for k in 0..12 {
        let request = app
            .client
            .post(format!("{}{path}", app.address))
            .json(&json!({"status_date": "2026-02-27", "ev": 100 + k, "ac": 100}));
        posts.spawn(async move { request.send().await.unwrap().status().as_u16() });
    }
    let mut statuses = posts.join_all().await;
    statuses.sort_unstable();
    let mut expected = vec![201];
    expected.extend([409; 11]);
    assert_eq!(statuses, expected);
}

/// The value with every number as a float: amounts sent as 450000 come
/// back as 450000.0, the same amount.
fn floats(value: &Value) -> Value {
    match value {
        Value::Number(n) => json!(n.as_f64().unwrap()),
        Value::Array(items) => Value::Array(items.iter().map(floats).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), floats(v))).collect())
        }
        other => other.clone(),
    }
}

/// An archived person cannot be named to a project (restore them first),
/// though a project they already serve keeps them through other edits;
/// an archived project leaves the portfolio page.
#[tokio::test]
async fn archived_people_are_not_named_and_archived_projects_leave_the_portfolio() {
    let app = spawn_app().await;
    let id = app.create_project().await;
    let (_, project) = app.get(&format!("/api/v1/projects/{id}")).await;
    let (account, pm, rep) = (
        project["account_id"].as_i64().unwrap(),
        project["project_manager_id"].as_i64().unwrap(),
        project["client_rep_id"].as_i64().unwrap(),
    );
    let (status, _) = app
        .post(&format!("/api/v1/people/{rep}/archive"), &json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, error) = app
        .post("/api/v1/projects", &project_body(account, pm, rep))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
    assert_eq!(field_names(&error), ["client_rep_id"]);
    assert!(error["error"]["fields"][0]["message"]
        .as_str()
        .unwrap()
        .contains("is archived; restore them first"));
    let mut renamed = project_body(account, pm, rep);
    renamed["name"] = json!("Pump station retrofit (renamed)");
    let (status, body) = app
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/projects/{id}"),
            &renamed,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "the rep it has stays: {body}");

    let portfolio = app.get_text("/").await;
    assert!(portfolio.contains("Pump station retrofit (renamed)"));
    let (status, _) = app
        .post(&format!("/api/v1/projects/{id}/archive"), &json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let portfolio = app.get_text("/").await;
    assert!(
        !portfolio.contains("Pump station retrofit (renamed)"),
        "an archived project is still on the portfolio"
    );
}
