//! News to share over HTTP: a status record makes news; a recorded call
//! tells part of it (the ledger keeps the figures told); the client hears
//! one item elsewhere (a surprise); a told item is acknowledged; the
//! cockpit and Today show what is left to tell.

use super::*;

async fn project(app: &TestApp) -> (i64, i64, i64) {
    let (account_id, pm, rep) = app.seed_people().await;
    let (status, project) = app
        .post("/api/v1/projects", &project_body(account_id, pm, rep))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{project}");
    (project["id"].as_i64().unwrap(), pm, rep)
}

fn id_of(news: &Value, rule: &str) -> i64 {
    news.as_array()
        .unwrap()
        .iter()
        .find(|n| n["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} in {news}"))["id"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn news_is_found_told_in_a_call_heard_elsewhere_and_acknowledged() {
    let app = spawn_app().await;
    let (id, pm, rep) = project(&app).await;
    let (_, none) = app.get(&format!("/api/v1/projects/{id}/news")).await;
    assert_eq!(none, json!([]));

    // CPI 0.90, SPI(t) 0.925, EAC 466,666.67, the finish slipping: four
    // items, found today (Friday 2026-11-27), due Tuesday.
    let (status, body) = app
        .post(
            &format!("/api/v1/projects/{id}/status"),
            &json!({"status_date": "2026-02-28", "ev": 81000, "ac": 90000}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, news) = app.get(&format!("/api/v1/projects/{id}/news")).await;
    assert_eq!(news.as_array().unwrap().len(), 4, "{news}");
    for n in news.as_array().unwrap() {
        assert_eq!(
            (n["state"].as_str(), n["deadline"].as_str()),
            (Some("open"), Some("2026-12-01")),
            "{n}"
        );
    }
    let (cpi, eac, spi, finish) = (
        id_of(&news, "cpi_below"),
        id_of(&news, "eac_rise"),
        id_of(&news, "spi_t_below"),
        id_of(&news, "finish_slip"),
    );

    // Told in a call the rep was not on: refused, nothing written.
    let call = |people: Vec<i64>, told: Vec<i64>| {
        json!({"occurred_on": "2026-11-27", "kind": "call", "summary": "Told Dana about the overrun",
               "participant_ids": people, "told_news_ids": told})
    };
    let (status, body) = app
        .post(
            &format!("/api/v1/projects/{id}/interactions"),
            &call(vec![pm], vec![cpi]),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(field_names(&body), ["told_news_ids"]);
    let (status, body) = app
        .post(
            &format!("/api/v1/projects/{id}/interactions"),
            &call(vec![pm, rep], vec![cpi, eac, cpi]),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, news) = app.get(&format!("/api/v1/projects/{id}/news")).await;
    let told: Vec<&Value> = news
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["state"] == "told")
        .collect();
    assert_eq!(told.len(), 2, "{news}");
    assert!(told
        .iter()
        .all(|n| n["surprise"] == false && n["told_interaction_id"] == body["interaction"]["id"]));
    let (_, ledger) = app.get(&format!("/api/v1/projects/{id}/told")).await;
    assert_eq!(ledger.as_array().unwrap().len(), 1, "{ledger}");
    assert_eq!(
        (ledger[0]["cpi"].as_f64(), ledger[0]["eac"].as_f64()),
        (Some(0.9), Some(466_666.67))
    );
    assert_eq!(
        (
            ledger[0]["person_id"].as_i64(),
            &ledger[0]["forecast_finish"]
        ),
        (Some(rep), &Value::Null)
    );

    // The client heard of the pace elsewhere: a surprise.
    let (status, body) = app
        .post(
            &format!("/api/v1/projects/{id}/news/learned-elsewhere"),
            &json!({"news_ids": [spi], "on": "2026-11-27"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (
            body[0]["surprise"].as_bool(),
            body[0]["learned_elsewhere"].as_bool()
        ),
        (Some(true), Some(true))
    );

    // Acknowledged: not tomorrow, not an item still open, not another
    // project's item; today, yes.
    let ack = |news_id: i64, on: &str| {
        (
            format!("/api/v1/projects/{id}/news/{news_id}/acknowledge"),
            json!({"on": on}),
        )
    };
    let (path, body) = ack(cpi, "2026-11-28");
    assert_eq!(
        app.post(&path, &body).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (path, body) = ack(finish, "2026-11-27");
    assert_eq!(
        app.post(&path, &body).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (other, _, _) = project(&app).await;
    let (status, _) = app
        .post(
            &format!("/api/v1/projects/{other}/news/{cpi}/acknowledge"),
            &json!({"on": "2026-11-27"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (path, body) = ack(cpi, "2026-11-27");
    let (status, acknowledged) = app.post(&path, &body).await;
    assert_eq!(
        (status, acknowledged["state"].as_str()),
        (StatusCode::OK, Some("acknowledged"))
    );

    // What is left to tell, on the cockpit and on Today, with its deadline.
    let cockpit = app.get_text(&format!("/projects/{id}")).await;
    assert!(cockpit.contains("News to share with"), "{cockpit}");
    assert!(cockpit.contains("1 to tell"), "{cockpit}");
    assert!(cockpit.contains("1 surprise so far"), "{cockpit}");
    assert!(
        cockpit.contains("tell them by Tuesday 1 December"),
        "{cockpit}"
    );
    let today = app.get_text("/today").await;
    assert!(today.contains(r#"id="news""#), "{today}");
    assert!(today.contains("The forecast finish is"), "{today}");
    assert!(today.contains(&format!("tell={finish}")), "{today}");
    // The same news through the API's Today, with whom to tell.
    let (status, today) = app.get("/api/v1/today").await;
    assert_eq!(status, StatusCode::OK, "{today}");
    let news = today["news"].as_array().unwrap();
    assert_eq!(news.len(), 1, "{today}");
    assert_eq!(news[0]["id"], finish, "{today}");
    assert_eq!(news[0]["state"], "open");
    assert_eq!(news[0]["deadline"], "2026-12-01");
    assert_eq!(news[0]["late"], false);
    assert_eq!(news[0]["project_id"], id);
    assert!(news[0]["tell_person_id"].as_i64().is_some(), "{today}");
}

/// A second estimate whose headline moves by more than 10 % is news; the
/// headline is the cost at the chosen confidence of each simulation.
#[tokio::test]
async fn a_new_estimate_that_moves_the_headline_is_news() {
    let app = spawn_app().await;
    let (id, _, _) = project(&app).await;
    let base = format!("/api/v1/projects/{id}/estimates");
    let estimate = |hours: [u32; 3]| {
        format!(
            "[estimate]\nname = \"Upgrade\"\ncurrency = \"USD\"\niterations = 2000\nseed = 7\n\
             [[role]]\nid = \"engineer\"\nrate = 150\n\
             [[item]]\nid = \"design\"\nrole = \"engineer\"\nhours = [{}, {}, {}]\n",
            hours[0], hours[1], hours[2]
        )
    };
    for (k, hours) in [[80, 120, 200], [160, 240, 400]].into_iter().enumerate() {
        let response = app
            .client
            .post(format!("{}{base}", app.address))
            .header("content-type", "application/toml")
            .body(estimate(hours))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        let (status, results) = app
            .post(&format!("{base}/{}/simulate", k + 1), &json!({}))
            .await;
        assert_eq!(status, StatusCode::OK, "{results}");
    }
    let (_, news) = app.get(&format!("/api/v1/projects/{id}/news")).await;
    let moved = news
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["rule"] == "estimate_move")
        .unwrap_or_else(|| panic!("{news}"));
    // Twice the hours: the headline doubles, far past 2.5 × 10 %.
    assert_eq!(moved["severity"], "critical");
    assert!(
        moved["message"]
            .as_str()
            .unwrap()
            .starts_with("Estimate version 2 puts the cost at USD "),
        "{moved}"
    );
}
