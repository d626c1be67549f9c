//! Behaviour profiles: placed through the API from the questionnaire or
//! directly, refused with every problem named, never by oneself; placed
//! through the page's form, which then shows the style and its advice on
//! the person's page.

use super::*;

/// Every assertiveness item at `tells` and every responsiveness item at
/// `shows`, as the API takes answers.
fn answers(tells: [i64; 6], shows: i64) -> Value {
    let assertive = [
        "pace_of_speech",
        "asks_or_tells",
        "pace_of_decisions",
        "takes_charge",
        "risk",
        "disagreement",
    ];
    let responsive = [
        "shows_feelings",
        "small_talk",
        "data_or_people",
        "face_and_voice",
        "time",
        "stories",
    ];
    let mut map = serde_json::Map::new();
    for (id, n) in assertive.iter().zip(tells) {
        map.insert((*id).into(), json!(n));
    }
    for id in responsive {
        map.insert(id.into(), json!(shows));
    }
    Value::Object(map)
}

#[tokio::test]
async fn a_pm_places_a_person_and_reads_back_the_axes_the_label_and_the_advice() {
    let app = spawn_app().await;
    let (_, _, rep) = app.seed_people().await;
    let path = format!("/api/v1/people/{rep}/profile");
    let (status, body) = app.get(&path).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("nobody has placed"));

    // Assertiveness 4,4,4,3,3,3: mean 3.5, score +0.25 (clear of the 0.2
    // band); responsiveness all 1: −1. A Driver, not borderline.
    let (status, profile) = app
        .send(
            reqwest::Method::PUT,
            &path,
            &json!({
                "answers": answers([4, 4, 4, 3, 3, 3], 1),
                "decision_style": "decides_alone",
                "preferred_channel": "call",
                "contact_ideal_days": 7, "contact_max_days": 21,
                "report_cadence_days": 14, "detail_level": "headline",
                "wants": "a clean cut-over before the budget round"
            }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{profile}");
    assert_eq!(profile["style"], "driver");
    assert_eq!(profile["method"], "questionnaire");
    assert_eq!(profile["assertiveness"], 0.25);
    assert_eq!(profile["responsiveness"], -1.0);
    assert_eq!(profile["borderline"], false);
    assert_eq!(profile["earlier_assessments"], 0);
    assert!(profile["guidance"]["inform"]
        .as_str()
        .unwrap()
        .starts_with("Lead with the bottom line"));
    let (_, person) = app.get(&format!("/api/v1/people/{rep}")).await;
    assert_eq!(
        person["contact_ideal_days"], 7,
        "the intervals are the person's"
    );

    // One answer lower: 4,4,3,3,3,3 → +0.1667, inside the band.
    let (_, again) = app
        .send(
            reqwest::Method::PUT,
            &path,
            &json!({"answers": answers([4, 4, 3, 3, 3, 3], 1)}),
        )
        .await;
    assert_eq!(
        (again["style"].as_str(), again["borderline"].as_bool()),
        (Some("driver"), Some(true))
    );
    assert_eq!(again["earlier_assessments"], 1);
    let (_, read) = app.get(&path).await;
    assert_eq!(read, again);

    // Named directly: no scores.
    let (status, direct) = app
        .send(reqwest::Method::PUT, &path, &json!({"style": "amiable"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{direct}");
    assert_eq!(direct["assertiveness"], Value::Null);
    assert_eq!(direct["method"], "direct");
}

#[tokio::test]
async fn a_profile_is_refused_with_every_problem_named_and_never_placed_by_oneself() {
    let app = spawn_app().await;
    let (_, _, rep) = app.seed_people().await;
    let path = format!("/api/v1/people/{rep}/profile");
    let mut bad = answers([4, 4, 4, 3, 3, 300], 1);
    bad["horoscope"] = json!(3);
    bad.as_object_mut().unwrap().remove("stories");
    let (status, body) = app
        .send(
            reqwest::Method::PUT,
            &path,
            &json!({"answers": bad, "detail_level": "everything", "contact_ideal_days": 40, "contact_max_days": 10}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    for field in [
        "answers.disagreement",
        "answers.horoscope",
        "answers.stories",
        "detail_level",
        "contact_ideal_days",
    ] {
        assert!(fields.contains(&field), "{field} in {body}");
    }
    let (status, body) = app
        .send(
            reqwest::Method::PUT,
            &path,
            &json!({"answers": answers([3; 6], 3), "style": "driver"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (_, none) = app.get(&path).await;
    assert_eq!(none["error"]["code"], "not_found", "nothing was written");

    // The admin's own person.
    let (_, me) = app.get("/api/v1/me").await;
    let own = me["person_id"].as_i64().unwrap();
    let (status, body) = app
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/people/{own}/profile"),
            &json!({"style": "driver"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("ask a colleague"));
}

#[tokio::test]
async fn the_profile_form_says_what_is_missing_then_places_the_person_and_their_page_advises() {
    let app = spawn_app().await;
    let (_, _, rep) = app.seed_people().await;
    let page = app.get_text(&format!("/people/{rep}")).await;
    assert!(page.contains("Nobody has placed Dana Rep yet"), "{page}");
    let form = app.get_text(&format!("/people/{rep}/profile")).await;
    assert_eq!(
        form.matches("type=\"radio\" name=\"answer.").count(),
        60,
        "12 items × 5"
    );

    // Half the questionnaire answered: each missing item is named, and
    // what was chosen comes back checked.
    let ids = [
        "pace_of_speech",
        "shows_feelings",
        "asks_or_tells",
        "small_talk",
        "pace_of_decisions",
        "data_or_people",
        "takes_charge",
        "face_and_voice",
        "risk",
        "time",
        "disagreement",
        "stories",
    ];
    let names: Vec<String> = ids.iter().map(|id| format!("answer.{id}")).collect();
    let mut fields: Vec<(&str, String)> = vec![("method", "questionnaire".into())];
    for name in &names[..6] {
        fields.push((name, "2".into()));
    }
    let (status, _, page) = app
        .post_form(&format!("/people/{rep}/profile"), &fields)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("Nothing was saved: 6 things to correct"),
        "{page}"
    );
    assert!(page.contains(r#"name="answer.pace_of_speech" value="2" aria-label="2: speaks slowly and deliberately" checked"#), "{page}");

    // All answered at 2 (asks, controlled): Analytical.
    for name in &names[6..] {
        fields.push((name, "2".into()));
    }
    fields.push(("report_cadence_days", "14".into()));
    let (status, location, _) = app
        .post_form(&format!("/people/{rep}/profile"), &fields)
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, format!("/people/{rep}?done=profile#style"));
    let page = app.get_text(&location).await;
    assert!(page.contains("Behaviour style: Analytical"), "{page}");
    assert!(
        page.contains("Send the figures first, in writing"),
        "{page}"
    );
    assert!(page.contains("A status report every 14 days."), "{page}");
    assert!(
        page.contains("Nobody has placed you yet"),
        "the admin has no style of their own"
    );
    assert!(page.contains("<svg"), "the grid");
}
