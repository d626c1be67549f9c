//! The mission brief and a team concern.

use super::*;

/// The PM writes the mission brief; a team member reads it, cannot edit
/// it, and raises a concern, which the PM then answers — all in forms.
#[tokio::test]
async fn a_member_reads_the_brief_and_raises_a_concern_the_pm_answers() {
    let Some((_driver, client)) = start_driver().await else {
        return;
    };
    let (address, token, _dir, _stop) = spawn_demo_app().await;
    let http = api(&token);
    let projects = get_json(&http, &format!("{address}/api/v1/projects")).await;
    let pump = projects
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Pump station retrofit")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let brief = format!("/projects/{pump}/brief");

    sign_in(&client, &address, "pm@example.com", PASSWORD).await;
    client.goto(&format!("{address}{brief}")).await.unwrap();
    client
        .find(Locator::Id("goal"))
        .await
        .unwrap()
        .send_keys("No loss of supply to the town while the controls are replaced.")
        .await
        .unwrap();
    client
        .find(Locator::Id("personal_stakes"))
        .await
        .unwrap()
        .send_keys("Dana's first upgrade as operations lead; her board watches the outage count.")
        .await
        .unwrap();
    submit(
        client
            .find(Locator::Css("#write-brief button"))
            .await
            .unwrap(),
    )
    .await;
    let notice = client
        .find(Locator::Id("notice"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(notice, "The brief was saved as a new version.");
    for width in [1280, 390] {
        screenshot(&client, "brief", width).await;
    }
    client.set_window_size(1280, 1000).await.unwrap();
    client.goto(&format!("{address}/today")).await.unwrap();
    submit(
        client
            .find(Locator::Css("header .who button"))
            .await
            .unwrap(),
    )
    .await;

    // The member reads it, has no form to edit it, and raises a concern.
    sign_in(&client, &address, "member@example.com", PASSWORD).await;
    client.goto(&format!("{address}{brief}")).await.unwrap();
    let text = client
        .find(Locator::Id("brief"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("No loss of supply to the town"), "{text}");
    assert!(
        client.find(Locator::Id("write-brief")).await.is_err(),
        "a member cannot edit the brief"
    );
    client
        .find(Locator::Id("concern"))
        .await
        .unwrap()
        .send_keys("Is the night shift covered during cut-over?")
        .await
        .unwrap();
    submit(
        client
            .find(Locator::Css("#raise-concern button"))
            .await
            .unwrap(),
    )
    .await;
    let concerns = client
        .find(Locator::Id("concerns"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(concerns.contains("raised by Sam Whitaker"), "{concerns}");
    submit(
        client
            .find(Locator::Css("header .who button"))
            .await
            .unwrap(),
    )
    .await;

    // The PM answers it.
    sign_in(&client, &address, "pm@example.com", PASSWORD).await;
    client.goto(&format!("{address}{brief}")).await.unwrap();
    let concern = client
        .find(Locator::XPath(
            "//li[div/strong[text()='Is the night shift covered during cut-over?']]",
        ))
        .await
        .unwrap();
    concern
        .find(Locator::Css("input[name=answer]"))
        .await
        .unwrap()
        .send_keys("Yes: Tomás covers nights, with me on call.")
        .await
        .unwrap();
    submit(concern.find(Locator::Css("button")).await.unwrap()).await;
    let concerns = client
        .find(Locator::Id("concerns"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        concerns.contains("Priya Nair: Yes: Tomás covers nights"),
        "{concerns}"
    );
    let listed = get_json(&http, &format!("{address}/api/v1/projects/{pump}/concerns")).await;
    assert_eq!(listed[0]["answered_by"], "Priya Nair");
    client.close().await.unwrap();
}
