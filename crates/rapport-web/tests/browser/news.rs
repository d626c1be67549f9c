//! News to share in the browser: the demo PM finds the pump station's
//! news on Today with advice for telling Dana (an Analytical), follows the
//! link to record the call that told it (the item ticked already), and the
//! cockpit then shows it told in time.

use super::*;

#[tokio::test]
async fn a_pm_finds_news_on_today_and_records_the_call_that_told_it() {
    let Some((_driver, client)) = start_driver().await else {
        return;
    };
    let (address, _token, _dir, _stop) = spawn_demo_app().await;
    sign_in(&client, &address, "pm@example.com", PASSWORD).await;
    client.goto(&format!("{address}/today")).await.unwrap();
    let news = client
        .find(Locator::Id("news"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(news.contains("News to share"), "{news}");
    assert!(
        news.contains("CPI is 0.88 at the 2026-10-31 status"),
        "{news}"
    );
    assert!(
        news.contains("Dana Whitfield (Analytical): Send the figures and their cause in writing"),
        "{news}"
    );
    for width in [1280, 390] {
        screenshot(&client, "today-news", width).await;
    }
    client.set_window_size(1280, 1000).await.unwrap();

    // The CPI item's link leads to the capture form with it ticked.
    let item = client
        .find(Locator::XPath(
            "//section[@id='news']//li[contains(., 'CPI is 0.88')]",
        ))
        .await
        .unwrap();
    let news_id = item.attr("data-news-id").await.unwrap().unwrap();
    item.find(Locator::Css("a[href*='interactions/new']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let ticked = client
        .find(Locator::Css(&format!(
            "#told-news input[value='{news_id}']"
        )))
        .await
        .unwrap();
    assert_eq!(
        ticked.prop("checked").await.unwrap().as_deref(),
        Some("true")
    );
    client
        .find(Locator::Id("summary"))
        .await
        .unwrap()
        .send_keys("Walked Dana through the cost performance")
        .await
        .unwrap();
    submit(
        client
            .find(Locator::Css("#capture-form button[type=submit]"))
            .await
            .unwrap(),
    )
    .await;
    let panel = client
        .find(Locator::Id("news"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        panel.contains("1 to tell"),
        "the cost overrun is left: {panel}"
    );
    let told = client
        .find(Locator::Css(&format!(
            "#news-told li[data-news-id='{news_id}']"
        )))
        .await
        .unwrap()
        .prop("textContent")
        .await
        .unwrap()
        .unwrap_or_default();
    // Folded away under "Told in the last 90 days" while news is open.
    assert!(told.contains("told on 2026-11-27, in time"), "{told}");
    for width in [1280, 390] {
        screenshot(&client, "cockpit-news", width).await;
    }
    client.close().await.unwrap();
}
