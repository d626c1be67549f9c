//! The portfolio and the basis of estimate as a reader sees them.

use super::*;

/// What the portfolio shows, row by row, is what the API says: each
/// project's latest CPI and SPI(t) to two decimals, coloured by the band
/// of the figure shown, most at risk (the lower of the two) first; and a
/// project's name leads to that project's earned value.
#[tokio::test]
async fn portfolio_page_shows_each_projects_delivery_numbers_in_a_browser() {
    let Some((_driver, client)) = start_driver().await else {
        return;
    };
    let (address, token, _dir, _stop) = spawn_demo_app().await;
    let http = api(&token);

    sign_in(&client, &address, "admin@example.com", PASSWORD).await;
    // The day starts on Today; the portfolio is one click away.
    assert_eq!(client.current_url().await.unwrap().path(), "/today");
    client.goto(&format!("{address}/")).await.unwrap();
    assert_eq!(client.title().await.unwrap(), "Portfolio — Rapport");
    let rows = client
        .find_all(Locator::Css("#projects tbody tr"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 9);

    let projects = get_json(&http, &format!("{address}/api/v1/projects")).await;
    let id_of = |name: &str| {
        projects
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("no project {name} in the API"))["id"]
            .as_i64()
            .unwrap()
    };
    let shown = |v: &serde_json::Value| v.as_f64().map_or("—".to_string(), |x| format!("{x:.2}"));
    let mut worst_so_far = f64::NEG_INFINITY;
    for row in &rows {
        let name = row
            .find(Locator::Css("td.project a"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let evm = get_json(
            &http,
            &format!("{address}/api/v1/projects/{}/evm", id_of(&name)),
        )
        .await;
        let latest = evm["status"].as_array().unwrap().last().cloned();
        let mut worst = f64::INFINITY;
        for metric in ["cpi", "spi_t"] {
            let cell = row
                .find(Locator::Css(&format!("td[data-metric={metric}]")))
                .await
                .unwrap();
            let text = cell.text().await.unwrap();
            let expected = latest
                .as_ref()
                .map_or("—".to_string(), |l| shown(&l[metric]));
            assert_eq!(text, expected, "{name}: {metric}");
            let class = cell.attr("class").await.unwrap().unwrap_or_default();
            assert_eq!(
                class,
                format!("num {}", expected_band(&text)),
                "{name}: {metric} {text} is coloured {class}"
            );
            if let Some(v) = latest.as_ref().and_then(|l| l[metric].as_f64()) {
                worst = worst.min(v);
            }
        }
        if worst.is_finite() {
            assert!(
                worst >= worst_so_far,
                "{name} ({worst}) is listed after a project at less risk"
            );
            worst_so_far = worst;
        } else {
            worst_so_far = f64::INFINITY;
        }
    }

    // The finished pilot reads as finished and complete.
    let pilot = client
        .find(Locator::XPath("//tr[td/a[text()='Leak detection pilot']]"))
        .await
        .unwrap();
    let text = pilot.text().await.unwrap();
    assert!(text.contains("Finished") && text.contains("100%"), "{text}");

    // A project's name leads to its cockpit, which shows the same CPI.
    let pump = client
        .find(Locator::XPath("//tr[td/a[text()='Pump station retrofit']]"))
        .await
        .unwrap();
    pump.find(Locator::Css("td a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let url = client.current_url().await.unwrap();
    assert_eq!(
        url.path(),
        format!("/projects/{}", id_of("Pump station retrofit"))
    );
    client.close().await.unwrap();
}

/// The basis of estimate a client rep receives, read in a browser: the
/// headline answers how much and how sure, and the options sit side by side.
#[tokio::test]
async fn basis_of_estimate_reads_as_a_page_in_a_browser() {
    let Some((_driver, client)) = start_driver().await else {
        return;
    };
    let (address, token, _dir, _stop) = spawn_demo_app().await;
    let http = api(&token);
    let toml = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/control-system-upgrade.toml"
    ))
    .unwrap();
    let imported = http
        .post(format!("{address}/api/v1/projects/1/estimates"))
        .header("content-type", "application/toml")
        .body(toml)
        .send()
        .await
        .unwrap();
    assert_eq!(imported.status(), reqwest::StatusCode::CREATED);
    let simulated = http
        .post(format!(
            "{address}/api/v1/projects/1/estimates/1/simulate?iterations=3000"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(simulated.status(), reqwest::StatusCode::OK);

    sign_in(&client, &address, "admin@example.com", PASSWORD).await;
    client
        .goto(&format!(
            "{address}/api/v1/projects/1/estimates/1/basis?format=html"
        ))
        .await
        .unwrap();
    let headline = client
        .find(Locator::Id("headline"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // The headline, worked out again from the simulation's own results:
    // P80 cost rounded up to three significant figures, P80 duration up
    // to whole days.
    let results: serde_json::Value = simulated.json().await.unwrap();
    let p80 = results["cost"]["at_confidence"].as_f64().unwrap();
    let step = 10f64.powi(p80.log10().floor() as i32 - 2);
    let ceiling = ((p80 / step).ceil() * step) as u64;
    let grouped = format!("{},{:03}", ceiling / 1000, ceiling % 1000);
    let days = results["duration"]["at_confidence"]
        .as_f64()
        .unwrap()
        .ceil();
    assert_eq!(
        headline,
        format!(
            "We are 80% confident the cost stays under USD {grouped} and the work finishes within {days} working days."
        )
    );
    let options = client
        .find_all(Locator::Css("#options tbody tr"))
        .await
        .unwrap();
    assert_eq!(options.len(), 3, "the estimate and its two alternatives");
    let charts = client.find_all(Locator::Css("figure svg")).await.unwrap();
    assert_eq!(
        charts.len(),
        5,
        "cost, duration, what drives the cost, what drives the finish date, alternatives"
    );
    // The cover: the example file's own version ("2") wins over the
    // stored number (1); and the total row.
    let cover = client
        .find(Locator::Css("#cover"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(cover.contains("Client\nNorthwind Water"), "{cover}");
    assert!(cover.contains("Version\n2"), "{cover}");
    let total = client
        .find(Locator::Css("#items tfoot td"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(total, "Total");
    client.close().await.unwrap();
}
