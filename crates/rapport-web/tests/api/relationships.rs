//! Capturing what was said: an interaction with its questions and
//! commitments in one request, then the question answered and confirmed
//! and the commitment settled; refusals name each field's place.

use super::*;

/// A project, and a firm-side PM and a client rep on it.
async fn project_with_people(app: &TestApp) -> (i64, i64, i64) {
    let (account_id, pm, rep) = app.seed_people().await;
    let (status, project) = app
        .post("/api/v1/projects", &project_body(account_id, pm, rep))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{project}");
    (project["id"].as_i64().unwrap(), pm, rep)
}

#[tokio::test]
async fn a_call_is_captured_with_its_question_and_promise_then_followed_up() {
    let app = spawn_app().await;
    let (id, pm, rep) = project_with_people(&app).await;

    let (status, captured) = app
        .post(
            &format!("/api/v1/projects/{id}/interactions"),
            &json!({
                "occurred_on": "2026-11-26", "kind": "call",
                "summary": "Weekly call: cut-over window",
                "notes": "Dana worries about the night shift.",
                "participant_ids": [pm, rep, rep],
                "questions": [{"question": "Which pump goes first?", "asked_of_id": rep}],
                "commitments": [{"promised_by_id": pm, "promised_to_id": rep,
                                  "description": "Send the cut-over plan", "due_on": "2026-12-04"}]
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{captured}");
    let interaction = &captured["interaction"];
    let mut participants = vec![pm, rep];
    participants.sort_unstable();
    assert_eq!(interaction["participant_ids"], json!(participants));
    let question = &captured["questions"][0];
    assert_eq!(question["interaction_id"], interaction["id"]);
    assert_eq!(question["asked_on"], "2026-11-26");
    assert_eq!(question["state"], "open");
    let commitment = &captured["commitments"][0];
    assert_eq!(commitment["interaction_id"], interaction["id"]);
    assert_eq!(commitment["state"], "open");

    // The lists: the interaction on its page, the question with its wait
    // (the app's clock stands at 2026-11-27: one day).
    let (_, page) = app
        .get(&format!("/api/v1/projects/{id}/interactions"))
        .await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["summary"], "Weekly call: cut-over window");
    let (_, questions) = app
        .get(&format!("/api/v1/projects/{id}/questions?state=open"))
        .await;
    assert_eq!(questions[0]["waiting_days"], 1);

    // Answer, then confirm: who confirmed is the signed-in user.
    let qid = question["id"].as_i64().unwrap();
    let (status, body) = app
        .post(&format!("/api/v1/questions/{qid}/confirm"), &json!({}))
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "answered before confirmed: {body}"
    );
    let (status, answered) = app
        .post(
            &format!("/api/v1/questions/{qid}/answer"),
            &json!({"answer": "Pump 2, on a Sunday night"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answered}");
    assert_eq!(answered["answered_on"], "2026-11-27");
    let (_, confirmed) = app
        .post(&format!("/api/v1/questions/{qid}/confirm"), &json!({}))
        .await;
    assert_eq!(confirmed["state"], "understanding_confirmed");
    assert_eq!(confirmed["confirmed_by"], "Avery Admin");
    let (_, questions) = app.get(&format!("/api/v1/projects/{id}/questions")).await;
    assert_eq!(questions[0]["waiting_days"], Value::Null);

    // Renegotiate: a new date needs its reason.
    let cid = commitment["id"].as_i64().unwrap();
    let (status, body) = app
        .post(
            &format!("/api/v1/commitments/{cid}/resolve"),
            &json!({"state": "renegotiated", "new_due_on": "2026-12-11"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&body), ["reason"]);
    let (status, moved) = app
        .post(
            &format!("/api/v1/commitments/{cid}/resolve"),
            &json!({"state": "renegotiated", "new_due_on": "2026-12-11",
                    "reason": "Dana asked to wait for the board's decision"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["due_on"], "2026-12-11");
    let (_, kept) = app
        .post(
            &format!("/api/v1/commitments/{cid}/resolve"),
            &json!({"state": "kept"}),
        )
        .await;
    assert_eq!(
        (kept["state"].as_str(), kept["resolved_on"].as_str()),
        (Some("kept"), Some("2026-11-27"))
    );
    let (_, listed) = app.get(&format!("/api/v1/projects/{id}/commitments")).await;
    assert_eq!(
        listed[0]["reason"],
        "Dana asked to wait for the board's decision"
    );
}

#[tokio::test]
async fn a_capture_is_refused_whole_with_every_place_named() {
    let app = spawn_app().await;
    let (id, pm, rep) = project_with_people(&app).await;
    // Someone of another client.
    let (_, other) = app
        .post("/api/v1/accounts", &json!({"name": "Other Co"}))
        .await;
    let (_, stranger) = app
        .post(
            "/api/v1/people",
            &json!({"side": "client", "account_id": other["id"], "name": "Sam Stranger"}),
        )
        .await;
    let stranger = stranger["id"].as_i64().unwrap();

    let (status, body) = app
        .post(
            &format!("/api/v1/projects/{id}/interactions"),
            &json!({
                "occurred_on": "2026-11-26", "kind": "fax", "summary": " ",
                "participant_ids": [],
                "questions": [{"question": "Fine?", "asked_of_id": rep}, {"question": "", "asked_of_id": rep}],
                "commitments": [{"promised_by_id": pm, "promised_to_id": pm,
                                 "description": "Call back", "due_on": "2026-12-01"}]
            }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        field_names(&body),
        [
            "kind",
            "summary",
            "participant_ids",
            "questions[1].question",
            "commitments[0].promised_to_id"
        ]
    );

    let (status, body) = app
        .post(
            &format!("/api/v1/projects/{id}/interactions"),
            &json!({
                "occurred_on": "2026-11-26", "kind": "meeting", "summary": "Site walk",
                "participant_ids": [pm, stranger],
                "commitments": [{"promised_by_id": pm, "promised_to_id": 999999,
                                 "description": "Call back", "due_on": "2026-12-01"}]
            }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        field_names(&body),
        ["participant_ids[1]", "commitments[0].promised_to_id"]
    );
    // Nothing of either refusal was written.
    let (_, page) = app
        .get(&format!("/api/v1/projects/{id}/interactions"))
        .await;
    assert_eq!(page["total"], 0);
    let (_, questions) = app.get(&format!("/api/v1/projects/{id}/questions")).await;
    assert_eq!(questions, json!([]));

    // Paging is bounded and says so.
    let (status, body) = app
        .get(&format!("/api/v1/projects/{id}/interactions?limit=0"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&body), ["limit"]);
    let (status, _) = app
        .post("/api/v1/questions/424242/answer", &json!({"answer": "x"}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn interactions_come_newest_first_a_page_at_a_time() {
    let app = spawn_app().await;
    let (id, pm, rep) = project_with_people(&app).await;
    for day in 1..=5 {
        let (status, body) = app
            .post(
                &format!("/api/v1/projects/{id}/interactions"),
                &json!({"occurred_on": format!("2026-11-0{day}"), "kind": "email",
                        "summary": format!("Note {day}"), "participant_ids": [pm, rep]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (_, page) = app
        .get(&format!(
            "/api/v1/projects/{id}/interactions?limit=2&offset=1"
        ))
        .await;
    assert_eq!(page["total"], 5);
    let summaries: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["summary"].as_str().unwrap())
        .collect();
    assert_eq!(summaries, ["Note 4", "Note 3"]);
    assert_eq!(page["items"][0]["participant_ids"], json!([pm, rep]));
}

impl TestApp {
    /// Posts a page's form as a signed-in browser does (session cookie and
    /// its CSRF token); returns the status, the Location and the page.
    pub(super) async fn post_form(
        &self,
        path: &str,
        fields: &[(&str, String)],
    ) -> (StatusCode, String, String) {
        let mut form: Vec<(&str, String)> = vec![("csrf_token", "csrf".to_string())];
        form.extend(fields.iter().cloned());
        let response = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .post(format!("{}{path}", self.address))
            .header("cookie", &self.session_cookie)
            .form(&form)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let location = response
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string())
            .unwrap_or_default();
        (status, location, response.text().await.unwrap())
    }
}

/// The capture form refuses a conversation with nothing said, keeps what
/// was typed and says what is wrong beside the field; filled in, it
/// records the call, its question and its promise, and returns to the
/// cockpit, which shows them. A question of another project is not found
/// beneath this one.
#[tokio::test]
async fn the_capture_form_records_a_call_or_says_what_to_correct() {
    let app = spawn_app().await;
    let (id, pm, rep) = project_with_people(&app).await;
    let (other, _, other_rep) = project_with_people(&app).await;
    let form = |summary: &str| {
        vec![
            ("summary", summary.to_string()),
            ("occurred_on", "2026-11-26".to_string()),
            ("kind", "call".to_string()),
            ("participant_ids", pm.to_string()),
            ("participant_ids", rep.to_string()),
            ("notes", String::new()),
            ("question", "Which pump first?".to_string()),
            ("asked_of_id", rep.to_string()),
            ("question", String::new()),
            ("asked_of_id", rep.to_string()),
            ("promised_by_id", pm.to_string()),
            ("promised_to_id", rep.to_string()),
            ("description", "Send the plan".to_string()),
            ("due_on", "2026-12-04".to_string()),
        ]
    };
    let (status, _, page) = app
        .post_form(&format!("/projects/{id}/interactions"), &form(" "))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Nothing was recorded"), "{page}");
    assert!(
        page.contains(r#"<p class="field-error" id="summary-error">"#),
        "{page}"
    );
    assert!(
        page.contains(r#"value="Which pump first?""#),
        "what was typed is kept"
    );
    let (_, listed) = app
        .get(&format!("/api/v1/projects/{id}/interactions"))
        .await;
    assert_eq!(listed["total"], 0);

    let (status, location, _) = app
        .post_form(
            &format!("/projects/{id}/interactions"),
            &form("Weekly call"),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, format!("/projects/{id}?done=captured"));
    let cockpit = app.get_text(&format!("/projects/{id}")).await;
    for text in [
        "Weekly call",
        "Which pump first?",
        "Send the plan",
        "due in 7 days",
    ] {
        assert!(cockpit.contains(text), "{text} is not on the cockpit");
    }

    // A refused follow-up shows the cockpit again with the reason, not a
    // dead end; nothing changes.
    let (_, listed) = app.get(&format!("/api/v1/projects/{id}/commitments")).await;
    let cid = listed[0]["id"].as_i64().unwrap();
    let (status, _, page) = app
        .post_form(
            &format!("/projects/{id}/commitments/{cid}/resolve"),
            &[
                ("state", "renegotiated".to_string()),
                ("new_due_on", "2026-12-11".to_string()),
                ("reason", " ".to_string()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("Nothing was changed. Reason: say why the date moved"),
        "{page}"
    );
    assert!(page.contains("Send the plan"), "the cockpit is shown again");
    let (_, listed) = app.get(&format!("/api/v1/projects/{id}/commitments")).await;
    assert_eq!(listed[0]["state"], "open");

    // A conversation dated after today is refused.
    let mut future = form("Next week's call");
    future[1] = ("occurred_on", "2026-12-01".to_string());
    let (status, _, page) = app
        .post_form(&format!("/projects/{id}/interactions"), &future)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("record a conversation once it has happened"),
        "{page}"
    );

    // The other project's question, through this project's path.
    let (status, captured) = app
        .post(
            &format!("/api/v1/projects/{other}/interactions"),
            &json!({"occurred_on": "2026-11-26", "kind": "call", "summary": "Call",
                    "participant_ids": [other_rep],
                    "questions": [{"question": "Why?", "asked_of_id": other_rep}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{captured}");
    let theirs = captured["questions"][0]["id"].as_i64().unwrap();
    let (status, _, _) = app
        .post_form(
            &format!("/projects/{id}/questions/{theirs}/answer"),
            &[("answer", "Because".to_string())],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, questions) = app
        .get(&format!("/api/v1/projects/{other}/questions"))
        .await;
    assert_eq!(questions[0]["state"], "open", "nothing was changed");
}

/// Today, as JSON: a promise made to the signed-in user's person is on it
/// with its reason; once settled it is gone.
#[tokio::test]
async fn today_lists_what_needs_the_user_with_its_reason() {
    let app = spawn_app().await;
    let (id, _, rep) = project_with_people(&app).await;
    let (_, me) = app.get("/api/v1/me").await;
    let me = me["person_id"].as_i64().unwrap();
    // The admin of these tests is a firm-side person of their own, not on
    // the project: a promise to them is still theirs to chase.
    let (status, captured) = app
        .post(
            &format!("/api/v1/projects/{id}/interactions"),
            &json!({"occurred_on": "2026-11-20", "kind": "call", "summary": "Call",
                    "participant_ids": [rep],
                    "commitments": [{"promised_by_id": rep, "promised_to_id": me,
                                     "description": "Confirm the outage window", "due_on": "2026-11-25"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{captured}");
    let (status, today) = app.get("/api/v1/today").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(today["today"], "2026-11-27");
    let entry = today["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "commitment_overdue")
        .unwrap_or_else(|| panic!("{today}"));
    assert_eq!(entry["urgency"], "red");
    assert_eq!(
        entry["reason"],
        "Dana Rep promised you “Confirm the outage window”: 2 days overdue (due 2026-11-25)."
    );
    assert_eq!(entry["project_id"], id);
    let cid = captured["commitments"][0]["id"].as_i64().unwrap();
    assert_eq!(entry["commitment_id"], cid);
    app.post(
        &format!("/api/v1/commitments/{cid}/resolve"),
        &json!({"state": "late", "reason": "Dana was on leave"}),
    )
    .await;
    let (_, today) = app.get("/api/v1/today").await;
    assert!(today["entries"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["commitment_id"] != cid));
}

/// Search through the API: a hyphenated word finds the conversation, odd
/// input is words not syntax, and the limits are said.
#[tokio::test]
async fn search_finds_what_was_said_by_its_words() {
    let app = spawn_app().await;
    let (id, pm, rep) = project_with_people(&app).await;
    let (status, _) = app
        .post(
            &format!("/api/v1/projects/{id}/interactions"),
            &json!({"occurred_on": "2026-11-26", "kind": "visit", "summary": "Walked the cut-over route",
                    "notes": "Valve V-101 needs a new actuator.", "participant_ids": [pm, rep]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, hits) = app.get("/api/v1/search?q=cut-over").await;
    assert_eq!(status, StatusCode::OK, "{hits}");
    assert_eq!(hits[0]["kind"], "interaction");
    assert_eq!(hits[0]["project_id"], id);
    let (_, hits) = app.get("/api/v1/search?q=V-101").await;
    assert_eq!(hits.as_array().unwrap().len(), 1, "{hits}");
    for odd in ["%22pump%22%20OR", "NEAR(", "*", "-", "%27%3B", "%00", "%20"] {
        let (status, body) = app.get(&format!("/api/v1/search?q={odd}")).await;
        assert_eq!(status, StatusCode::OK, "{odd}: {body}");
    }
    let (status, body) = app.get("/api/v1/search?q=").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&body), ["q"]);
    let (status, body) = app.get("/api/v1/search?q=x&limit=0").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&body), ["limit"]);
}

/// The portfolio filters by account and by project manager; "all" (an
/// empty choice) shows everything.
#[tokio::test]
async fn the_portfolio_filters_by_account_and_manager() {
    let app = spawn_demo_app().await;
    let all = app.get_text("/").await;
    let rows = |page: &str| page.matches("data-project-id=").count();
    assert!(rows(&all) >= 3, "{all}");
    let (_, projects) = app.get("/api/v1/projects").await;
    let first = &projects[0];
    let account = first["account_id"].as_i64().unwrap();
    let in_account = projects
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["account_id"] == account)
        .count();
    let page = app.get_text(&format!("/?account={account}&pm=")).await;
    assert_eq!(rows(&page), in_account, "{page}");
    assert!(page.contains("Show all"));
    let pm = first["project_manager_id"].as_i64().unwrap();
    let managed = projects
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["project_manager_id"] == pm)
        .count();
    assert_eq!(
        rows(&app.get_text(&format!("/?account=&pm={pm}")).await),
        managed
    );
    assert_eq!(rows(&app.get_text("/?account=&pm=").await), rows(&all));
}

/// A person's page and their account's: one timeline of the conversations
/// with them, the promises both ways with their record, the questions
/// waiting on them and the contact clock; people of another client are
/// not found.
#[tokio::test]
async fn person_and_account_pages_show_one_timeline_and_promises_both_ways() {
    let app = spawn_app().await;
    let (id, pm, rep) = project_with_people(&app).await;
    let (_, project) = app.get(&format!("/api/v1/projects/{id}")).await;
    let account = project["account_id"].as_i64().unwrap();
    for (on, kind, summary) in [
        ("2026-11-10", "email", "Sent the <draft> plan"),
        ("2026-11-20", "meeting", "Steering meeting"),
    ] {
        let (status, body) = app
            .post(
                &format!("/api/v1/projects/{id}/interactions"),
                &json!({"occurred_on": on, "kind": kind, "summary": summary,
                        "participant_ids": [pm, rep],
                        "questions": [{"question": format!("After {summary}?"), "asked_of_id": rep}],
                        "commitments": [
                            {"promised_by_id": rep, "promised_to_id": pm,
                             "description": format!("Reply to {summary}"), "due_on": "2026-11-25"},
                            {"promised_by_id": pm, "promised_to_id": rep,
                             "description": format!("Minutes of {summary}"), "due_on": "2026-12-02"}]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (_, promises) = app.get(&format!("/api/v1/projects/{id}/commitments")).await;
    let kept = promises
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["description"] == "Reply to Steering meeting")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    app.post(
        &format!("/api/v1/commitments/{kept}/resolve"),
        &json!({"state": "kept"}),
    )
    .await;

    let page = app.get_text(&format!("/people/{rep}")).await;
    // The timeline, newest first, escaped.
    let steering = page
        .find("<strong>Steering meeting")
        .unwrap_or_else(|| panic!("{page}"));
    let draft = page
        .find("<strong>Sent the &#60;draft&#62; plan")
        .unwrap_or_else(|| panic!("{page}"));
    assert!(steering < draft, "newest first");
    assert!(page.contains("E-mail") && page.contains("Meeting"));
    // Seven days since the meeting: within the usual two weeks.
    assert!(
        page.contains("last contact 2026-11-20, 7 days ago"),
        "{page}"
    );
    // Promises both ways: the rep made two (one kept, one overdue) and
    // received two (open).
    assert!(
        page.contains("1 kept, 0 late, 0 broken, 1 open (1 overdue) · 50% kept on time"),
        "{page}"
    );
    assert!(page.contains("0 kept, 0 late, 0 broken, 2 open · none due yet"));
    assert!(page.contains("2 days overdue"));
    assert!(page.contains("After Steering meeting?"));
    assert!(page.contains(&format!("/projects/{id}/interactions/new?with={rep}")));

    let page = app.get_text(&format!("/accounts/{account}")).await;
    assert!(page.contains(&format!("href=\"/people/{rep}\"")));
    assert!(page.contains("Steering meeting") && page.contains("Sent the &#60;draft&#62; plan"));
    assert!(page.contains("last contact 2026-11-20, 7 days ago"));
    assert!(page.contains(&format!("href=\"/projects/{id}\"")));

    for missing in ["/people/999999", "/accounts/999999"] {
        let status = app.page_status(missing).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
    }
}

/// The cockpit's status form: amounts as typed (thousands separators
/// welcome), a figure below the last one comes back with a warning and is
/// recorded only when confirmed, and a bad amount or a second record on a
/// date says what to do.
#[tokio::test]
async fn the_status_form_warns_when_a_cumulative_figure_goes_down() {
    let app = spawn_app().await;
    let (id, _, _) = project_with_people(&app).await;
    let path = format!("/projects/{id}/status");
    let form = |date: &str, ev: &str, ac: &str, confirm: bool| {
        let mut fields = vec![
            ("status_date", date.to_string()),
            ("ev", ev.to_string()),
            ("ac", ac.to_string()),
            ("eac", String::new()),
            ("comment", "Month end".to_string()),
        ];
        if confirm {
            fields.push(("confirm_drop", "yes".to_string()));
        }
        fields
    };
    let (status, location, _) = app
        .post_form(&path, &form("2026-01-31", "30,000", "32 000.50", false))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, format!("/projects/{id}?done=status"));

    // February's EV below January's: a warning, nothing recorded.
    let (status, _, page) = app
        .post_form(&path, &form("2026-02-28", "25000", "60000", false))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("Earned value USD 25,000 is below the USD 30,000 recorded on 2026-01-31."),
        "{page}"
    );
    assert!(page.contains(r#"name="confirm_drop""#));
    assert!(page.contains(r#"value="25000""#), "what was typed is kept");
    let (_, records) = app.get(&format!("/api/v1/projects/{id}/status")).await;
    assert_eq!(records.as_array().unwrap().len(), 1);

    // Confirmed as a correction: recorded.
    let (status, _, _) = app
        .post_form(&path, &form("2026-02-28", "25000", "60000", true))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, records) = app.get(&format!("/api/v1/projects/{id}/status")).await;
    assert_eq!(records[0]["ac"], 32000.5);
    assert_eq!(records[1]["ev"], 25000.0);

    // Not an amount; a second record on a date.
    let (status, _, page) = app
        .post_form(&path, &form("2026-03-31", "lots", "70000", false))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains(r#"<span class="field-error" id="status-ev-error">“lots” is not an amount"#),
        "{page}"
    );
    let (status, _, page) = app
        .post_form(&path, &form("2026-02-28", "40000", "70000", false))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("2026-02-28"), "{page}");
    let (_, records) = app.get(&format!("/api/v1/projects/{id}/status")).await;
    assert_eq!(records.as_array().unwrap().len(), 2);
}
