//! Status reports in the browser: the demo PM previews the pump station's
//! report for two readers — Dana (Analytical) and Marcus (Expressive) —
//! each shaped for its reader and both carrying the news, and puts their
//! own words at the top of one.

use super::*;

/// From the cockpit, drafts a report for the reader whose option label
/// starts with `name`, and returns the preview's text.
async fn preview_for(client: &Client, address: &str, cockpit: &str, name: &str) -> String {
    client.goto(&format!("{address}{cockpit}")).await.unwrap();
    let option = client
        .find(Locator::XPath(&format!(
            "//form[@id='new-report']//option[starts-with(normalize-space(.), '{name}')]"
        )))
        .await
        .unwrap();
    option.click().await.unwrap();
    submit(
        client
            .find(Locator::Css("#new-report button[type=submit]"))
            .await
            .unwrap(),
    )
    .await;
    client
        .find(Locator::Id("preview"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_pm_previews_the_report_for_two_readers_each_in_their_form() {
    let Some((_driver, client)) = start_driver().await else {
        return;
    };
    let (address, token, _dir, _stop) = spawn_demo_app().await;
    sign_in(&client, &address, "pm@example.com", PASSWORD).await;
    let projects = get_json(&api(&token), &format!("{address}/api/v1/projects")).await;
    let pump = projects
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Pump station retrofit")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let cockpit = format!("/projects/{pump}");

    let analytical = preview_for(&client, &address, &cockpit, "Dana Whitfield").await;
    let shaped = |client: &Client| {
        let client = client.clone();
        async move {
            client
                .find(Locator::Id("shaped"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    // The note on the form is the PM's, beside the report, not in it.
    assert!(shaped(&client)
        .await
        .contains("shaped for an Analytical reader"));
    assert!(!analytical.contains("shaped for"), "{analytical}");
    assert!(
        analytical.contains("How the forecasts are made"),
        "{analytical}"
    );
    assert!(
        analytical.contains("News you should hear from us"),
        "{analytical}"
    );
    assert!(
        analytical.contains("Cost performance at the 2026-10-31 status is 0.88"),
        "{analytical}"
    );
    // The PM's own words go at the top.
    client
        .find(Locator::Id("pm_words"))
        .await
        .unwrap()
        .send_keys("Dana, the figures first, as you like them.")
        .await
        .unwrap();
    submit(
        client
            .find(Locator::Css("#words-form button[type=submit]"))
            .await
            .unwrap(),
    )
    .await;
    let words = client
        .find(Locator::Id("pm-words"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(words, "Dana, the figures first, as you like them.");
    // No mail server in this demo: the page says so and offers the rest.
    let send = client
        .find(Locator::Id("send"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(send.contains("E-mail is not set up"), "{send}");
    for width in [1280, 390] {
        screenshot(&client, "report-analytical", width).await;
    }
    client.set_window_size(1280, 1000).await.unwrap();

    let expressive = preview_for(&client, &address, &cockpit, "Marcus Oyelaran").await;
    assert!(shaped(&client)
        .await
        .contains("shaped for an Expressive reader"));
    // Marcus is not the client rep: his report waits until Dana has heard.
    let first = client
        .find(Locator::Id("rep-first"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(first.contains("tell Dana Whitfield first"), "{first}");
    assert!(expressive.contains("The big picture"), "{expressive}");
    assert!(
        !expressive.contains("How the forecasts are made"),
        "{expressive}"
    );
    assert!(
        expressive.contains("Cost performance at the 2026-10-31 status is 0.88"),
        "the news, whatever the form"
    );
    for width in [1280, 390] {
        screenshot(&client, "report-expressive", width).await;
    }
    client.close().await.unwrap();
}
