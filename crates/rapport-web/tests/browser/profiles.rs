//! Behaviour profiles in the browser: the demo PM reads how to work with
//! their client rep, then places another client person from the
//! questionnaire instead of the style a colleague named.

use super::*;

/// The id of the demo person with this name, through the API.
async fn person_id(http: &reqwest::Client, address: &str, name: &str) -> i64 {
    let people = get_json(http, &format!("{address}/api/v1/people")).await;
    people
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no demo person {name}"))["id"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn a_pm_reads_the_advice_for_their_rep_and_places_a_person_from_the_questionnaire() {
    let Some((_driver, client)) = start_driver().await else {
        return;
    };
    let (address, token, _dir, _stop) = spawn_demo_app().await;
    sign_in(&client, &address, "pm@example.com", PASSWORD).await;
    let http = api(&token);

    // Dana (Analytical) as Priya (a Driver) reads her: the pairing hint
    // says to slow down and send the data first.
    let dana = person_id(&http, &address, "Dana Whitfield").await;
    client
        .goto(&format!("{address}/people/{dana}"))
        .await
        .unwrap();
    let panel = client
        .find(Locator::Id("style"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(panel.contains("Behaviour style: Analytical"), "{panel}");
    assert!(
        panel.contains("You tell, they ask: slow down, send the data first"),
        "{panel}"
    );
    assert!(
        panel.contains("Placed by Priya Nair from the questionnaire"),
        "{panel}"
    );
    for width in [1280, 390] {
        screenshot(&client, "person-style", width).await;
    }
    client.set_window_size(1280, 1000).await.unwrap();

    // Marcus was named Expressive directly; Priya places him from the
    // questionnaire: every "tells" item at 2, every "shows" item at 4 —
    // asks and expressive, an Amiable.
    let marcus = person_id(&http, &address, "Marcus Oyelaran").await;
    client
        .goto(&format!("{address}/people/{marcus}"))
        .await
        .unwrap();
    client
        .find(Locator::LinkText("Place them again"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_path(&client, &format!("/people/{marcus}/profile")).await;
    let direct = client
        .find(Locator::Css("input[name=method][value=direct]"))
        .await
        .unwrap();
    assert!(direct.prop("checked").await.unwrap().as_deref() == Some("true"));
    client
        .find(Locator::Css("input[name=method][value=questionnaire]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let items = client
        .find_all(Locator::Css("table.questionnaire tbody tr"))
        .await
        .unwrap();
    assert_eq!(items.len(), 12);
    let profile = get_json(&http, &format!("{address}/api/v1/people/{dana}/profile")).await;
    let answers = profile["answers"].as_object().unwrap().clone();
    for (k, row) in items.iter().enumerate() {
        // The questionnaire interleaves the axes: even rows are "tells".
        let value = if k % 2 == 0 { 2 } else { 4 };
        let id = row.attr("id").await.unwrap().unwrap();
        assert!(answers.contains_key(id.trim_start_matches("item-")), "{id}");
        row.find(Locator::Css(&format!("input[value='{value}']")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
    // The style named before would contradict the answers: clear it.
    client
        .execute("document.getElementById('style').value = ''", vec![])
        .await
        .unwrap();
    for width in [1280, 390] {
        screenshot(&client, "profile-form", width).await;
    }
    client.set_window_size(1280, 1000).await.unwrap();
    submit(
        client
            .find(Locator::Css("#profile-form button[type=submit]"))
            .await
            .unwrap(),
    )
    .await;
    wait_for_path(&client, &format!("/people/{marcus}")).await;
    let panel = client
        .find(Locator::Id("style"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(panel.contains("Behaviour style: Amiable"), "{panel}");
    assert!(panel.contains("from the questionnaire"), "{panel}");
    assert!(panel.contains("one earlier assessment"), "{panel}");
    // Priya tells and keeps feelings in; Marcus asks and shows his.
    assert!(panel.contains("You tell, they ask"), "{panel}");
    assert!(
        panel.contains("You keep feelings in, they show theirs"),
        "{panel}"
    );
    client.close().await.unwrap();
}
