//! Estimates: import, simulate (in the request or as a job), results and
//! the basis of estimate.

use super::*;

const ESTIMATE: &str = r#"
[estimate]
name = "Control system upgrade"
currency = "USD"
iterations = 2000
seed = 7
target_cost = 30000
[[role]]
id = "engineer"
rate = 150
[[item]]
id = "design"
role = "engineer"
hours = [80, 120, 200]
duration = [10, 15, 25]
[[item]]
id = "build"
cost = [5000, 6000, 9000]
duration = [5, 8, 12]
after = ["design"]
[[risk]]
id = "late"
probability = 0.3
delay = [2, 4, 8]
on = "build"
[[alternative]]
name = "No build"
drop = ["build"]
"#;

impl TestApp {
    async fn post_toml(&self, path: &str, body: &'static str) -> (StatusCode, Value) {
        self.post_raw(path, "application/toml", body).await
    }
}

#[tokio::test]
async fn an_estimate_is_imported_simulated_and_documented() {
    let app = spawn_app().await;
    let id = app.create_project().await;
    let base = format!("/api/v1/projects/{id}/estimates");

    // A form post (what curl sends by default) is not taken for a file.
    let (status, error) = app
        .post_raw(&base, "application/x-www-form-urlencoded", ESTIMATE)
        .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{error}");
    assert!(error["error"]["message"]
        .as_str()
        .unwrap()
        .contains("application/toml"));

    let (status, version) = app.post_toml(&base, ESTIMATE).await;
    assert_eq!(status, StatusCode::CREATED, "{version}");
    assert_eq!(version["version"], 1);
    assert_eq!(version["items"], 2);
    assert_eq!(version["simulated_at"], Value::Null);
    assert_eq!(version["created_at"], "2026-11-27T09:00:00Z");

    // Not simulated yet: results and documents say what to do.
    let (status, error) = app.get(&format!("{base}/1/results")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(error["error"]["message"]
        .as_str()
        .unwrap()
        .contains("/simulate first"));

    let (status, results) = app.post(&format!("{base}/1/simulate"), &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{results}");
    assert_eq!(results["iterations"], 2000);
    // Base cost: 120 h × 150 + 6,000 = 24,000; base duration 15 + 8 = 23.
    assert_eq!(results["cost"]["base"], 24000.0);
    assert_eq!(results["duration"]["base"], 23.0);
    // The API answers exactly what the engine computes for the file, with
    // the file's iterations and seed (the engine itself is checked against
    // closed forms and a second engine in rapport-core).
    let estimate = rapport_core::estimate::Estimate::parse(ESTIMATE).unwrap();
    let engine = rapport_core::estimate::simulate(
        &estimate,
        &rapport_core::estimate::Settings::of(&estimate),
        &|_| {},
    )
    .unwrap();
    // Both through JSON text, as the API's answer came (serde_json reads a
    // float back to within one unit in the last place).
    let engine: Value = serde_json::from_str(&serde_json::to_string(&engine).unwrap()).unwrap();
    assert_eq!(results, engine);
    assert_eq!(results["alternatives"][0]["name"], "No build");

    let (status, kept) = app.get(&format!("{base}/1/results")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kept, results, "the results are kept as simulated");
    // To the last digit: the stored JSON reads back to the same bits.
    let text = |response: reqwest::Response| async move { response.text().await.unwrap() };
    let simulated = text(
        app.client
            .post(format!("{}{base}/1/simulate", app.address))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let stored = text(
        app.client
            .get(format!("{}{base}/1/results", app.address))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(stored, simulated);
    let (_, list) = app.get(&base).await;
    assert_eq!(
        list[0]["simulated_at"], "2026-11-27T09:00:00Z",
        "stamped by the app's clock"
    );

    let pdf = app
        .client
        .get(format!("{}{base}/1/basis", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), StatusCode::OK);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-"));
    let md = app.get_text(&format!("{base}/1/basis?format=md")).await;
    assert!(
        md.contains("# Basis of estimate: Control system upgrade"),
        "{md}"
    );
    assert!(md.contains("confident the cost stays under USD"), "{md}");
    // The cover: a file without a date or version is issued on the day
    // it was stored (the app's clock), under its stored number.
    assert!(md.contains("- **Date:** 27 November 2026\n"), "{md}");
    assert!(md.contains("- **Version:** 1\n"), "{md}");
    let (status, _) = app.get(&format!("{base}/1/basis?format=docx")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_broken_estimate_file_is_refused_with_its_line_and_column() {
    let app = spawn_app().await;
    let id = app.create_project().await;
    let (status, error) = app
        .post_toml(
            &format!("/api/v1/projects/{id}/estimates"),
            "[estimate]\nname = \"x\"\n[[item]]\nid = \"a\"\ncost = [3, 2, 1]\n",
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&error), vec!["source:5:8"], "{error}");
    assert!(error["error"]["message"]
        .as_str()
        .unwrap()
        .contains("item \"a\": cost: low (3) is above likely (2)"));
    let (status, _) = app.get(&format!("/api/v1/projects/{id}/estimates/1")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "nothing was stored");
    let (status, _) = app
        .post_toml("/api/v1/projects/999/estimates", ESTIMATE)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// A tiny EV once overflowed the forecast date and dropped the connection
/// for the project's analysis and for everyone's portfolio. Here EV 1 of a
/// 420,000 budget at month three: SPI(t) about 0.00001, IEAC(t) some
/// 450,000 months.
/// Every simulation request is bounded: 1,000,000 iterations of 200 items
/// is 2 × 10^8 draws, over the 5 × 10^7 budget; the answer says how many
/// iterations fit (250,000).
#[tokio::test]
async fn a_simulation_over_the_work_budget_is_refused_with_what_fits() {
    let app = spawn_app().await;
    let id = app.create_project().await;
    let items: String = (0..200)
        .map(|i| format!("[[item]]\nid = \"i{i}\"\ncost = [1, 2, 3]\n"))
        .collect();
    let source = format!("[estimate]\nname = \"Large\"\n{items}");
    let (status, version) = app
        .post(
            &format!("/api/v1/projects/{id}/estimates"),
            &json!({ "source": source }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{version}");
    let (status, error) = app
        .post(
            &format!("/api/v1/projects/{id}/estimates/1/simulate?iterations=1000000"),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
    let message = error["error"]["fields"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("200 items and 0 risks in 1 scenario(s) is 200000000 draws")
            && message.contains("?iterations=250000 or fewer"),
        "{message}"
    );
    let (status, _) = app
        .post(
            &format!("/api/v1/projects/{id}/estimates/1/simulate?iterations=1000"),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

impl TestApp {
    /// Follows a job until it ends; the bound only stops a broken worker
    /// from hanging the suite, it is not a timing expectation.
    async fn job_when_ended(&self, url: &str) -> Value {
        for _ in 0..600 {
            let (status, job) = self.get(url).await;
            assert_eq!(status, StatusCode::OK, "{job}");
            if ["done", "failed", "cancelled"].contains(&job["state"].as_str().unwrap()) {
                return job;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the job at {url} did not end within a minute");
    }
}

#[tokio::test]
async fn a_queued_simulation_runs_as_a_job_and_keeps_the_same_results() {
    let app = spawn_app().await;
    let id = app.create_project().await;
    let base = format!("/api/v1/projects/{id}/estimates");
    app.post_toml(&base, ESTIMATE).await;

    let response = app
        .client
        .post(format!(
            "{}{base}/1/simulations?iterations=3000",
            app.address
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let queued: Value = response.json().await.unwrap();
    assert_eq!(location, queued["url"].as_str().unwrap());
    assert!(
        location.starts_with(&format!("{base}/1/simulations/")),
        "{location}"
    );
    // Two scenarios (the estimate and "No build") of 3,000 iterations.
    assert_eq!(queued["total"], 6000);
    assert_eq!(queued["created_by"], "admin@example.com (user 1)");

    let job = app.job_when_ended(&location).await;
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(job["done"], 6000);
    assert_eq!(job["progress"], 1.0);
    assert_eq!(job["results_url"], format!("{base}/1/results"));
    let (status, from_job) = app.get(&format!("{base}/1/results")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(from_job["iterations"], 3000);

    // The same run in the request gives the same numbers: one engine.
    let (_, in_request) = app
        .post(&format!("{base}/1/simulate?iterations=3000"), &json!({}))
        .await;
    assert_eq!(from_job, in_request);

    let (status, list) = app.get(&format!("{base}/1/simulations")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 1);

    // An ended job cannot be cancelled; another version's path does not
    // reach it.
    let (status, error) = app
        .send(reqwest::Method::DELETE, &location, &json!({}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{error}");
    let job_id = job["id"].as_i64().unwrap();
    app.post_toml(&base, ESTIMATE).await;
    let (status, _) = app.get(&format!("{base}/2/simulations/{job_id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.get(&format!("{base}/9/simulations")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_cancelled_job_ends_cancelled_and_leaves_earlier_results_alone() {
    let app = spawn_app().await;
    let id = app.create_project().await;
    let base = format!("/api/v1/projects/{id}/estimates");
    app.post_toml(&base, ESTIMATE).await;
    let (_, earlier) = app.post(&format!("{base}/1/simulate"), &json!({})).await;

    // A large job first, so the small one behind it is still waiting when
    // it is cancelled (the worker runs one job at a time); then the large
    // one, queued or running.
    let (status, first) = app
        .post(
            &format!("{base}/1/simulations?iterations=1000000"),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{first}");
    let (_, second) = app
        .post(&format!("{base}/1/simulations?iterations=500"), &json!({}))
        .await;
    for job in [&second, &first] {
        let url = job["url"].as_str().unwrap();
        let (status, cancelled) = app.send(reqwest::Method::DELETE, url, &json!({})).await;
        assert_eq!(status, StatusCode::OK, "{cancelled}");
        assert_eq!(cancelled["state"], "cancelled");
        let ended = app.job_when_ended(url).await;
        assert_eq!(ended["state"], "cancelled", "{ended}");
        assert_eq!(ended["results_url"], Value::Null);
    }
    let (_, kept) = app.get(&format!("{base}/1/results")).await;
    assert_eq!(kept, earlier, "a cancelled job writes no results");
}

#[tokio::test]
async fn a_job_over_the_budget_is_refused_before_it_is_queued() {
    let app = spawn_app().await;
    let id = app.create_project().await;
    let base = format!("/api/v1/projects/{id}/estimates");
    app.post_toml(&base, ESTIMATE).await;
    let (status, error) = app
        .post(&format!("{base}/1/simulations?iterations=50"), &json!({}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
    let (_, list) = app.get(&format!("{base}/1/simulations")).await;
    assert_eq!(list, json!([]));
}
