//! The cockpit's forms: a status record, a call with its question and
//! promise, and their follow-up.

use super::*;

/// The demo PM opens a cockpit, records a call with a question and a
/// promise, answers and confirms the question, and marks the promise kept
/// — each step a form that works without JavaScript — and every page is
/// photographed at desktop and phone width.
#[tokio::test]
async fn a_pm_records_a_call_and_follows_it_up_from_the_cockpit() {
    let Some((_driver, client)) = start_driver().await else {
        return;
    };
    let (address, token, _dir, _stop) = spawn_demo_app().await;
    sign_in(&client, &address, "pm@example.com", PASSWORD).await;
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
    let cockpit = format!("/projects/{pump}");
    client.goto(&format!("{address}{cockpit}")).await.unwrap();
    for width in [1280, 390] {
        screenshot(&client, "cockpit", width).await;
    }
    client.set_window_size(1280, 1000).await.unwrap();

    // A status whose earned value is below October's comes back with a
    // warning and the figures as typed; nothing is recorded until the PM
    // confirms.
    client
        .find(Locator::Css("#status-form summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    for (name, value) in [("ev", "300,000"), ("ac", "380,000")] {
        client
            .find(Locator::Css(&format!("#status-form input[name={name}]")))
            .await
            .unwrap()
            .send_keys(value)
            .await
            .unwrap();
    }
    client
        .execute(
            "document.querySelector('#status-form input[name=status_date]').value = '2026-11-27'",
            vec![],
        )
        .await
        .unwrap();
    submit(
        client
            .find(Locator::Css("#status-form button[type=submit]"))
            .await
            .unwrap(),
    )
    .await;
    let warning = client
        .find(Locator::Id("status-warning"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        warning.contains(
            "Earned value USD 300,000 is below the USD 321,283.20 recorded on 2026-10-31."
        ),
        "{warning}"
    );
    for width in [1280, 390] {
        screenshot(&client, "cockpit-status-warning", width).await;
    }
    client.set_window_size(1280, 1000).await.unwrap();
    client.goto(&format!("{address}{cockpit}")).await.unwrap();

    // The figures are the API's: CPI as the evm endpoint gives it.
    let evm = get_json(&http, &format!("{address}/api/v1/projects/{pump}/evm")).await;
    let cpi = evm["status"].as_array().unwrap().last().unwrap()["cpi"]
        .as_f64()
        .unwrap();
    let figures = client
        .find(Locator::Css(".figures"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(figures.contains(&format!("{cpi:.2}")), "{figures}");

    // Record the call.
    client
        .find(Locator::Id("capture"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_path(&client, &format!("/projects/{pump}/interactions/new")).await;
    for width in [1280, 390] {
        screenshot(&client, "capture", width).await;
    }
    client.set_window_size(1280, 1000).await.unwrap();
    let type_into = |id: &'static str, text: &'static str| {
        let client = client.clone();
        async move {
            client
                .find(Locator::Id(id))
                .await
                .unwrap()
                .send_keys(text)
                .await
                .unwrap();
        }
    };
    type_into("summary", "Weekly call: cut-over window").await;
    type_into("question-0", "Which pump is cut over first?").await;
    type_into("what-0", "Send the revised cut-over plan").await;
    client
        .execute(
            "document.getElementById('due-0').value = '2026-12-04'",
            vec![],
        )
        .await
        .unwrap();
    submit(
        client
            .find(Locator::Css("#capture-form button[type=submit]"))
            .await
            .unwrap(),
    )
    .await;
    wait_for_path(&client, &cockpit).await;
    let notice = client
        .find(Locator::Id("notice"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(notice, "The conversation was recorded.");
    let timeline = client
        .find(Locator::Id("timeline"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        timeline.contains("Weekly call: cut-over window"),
        "{timeline}"
    );

    // Search finds the call by a hyphenated word, typed into the form.
    client.goto(&format!("{address}/search")).await.unwrap();
    client
        .find(Locator::Id("q"))
        .await
        .unwrap()
        .send_keys("cut-over")
        .await
        .unwrap();
    submit(
        client
            .find(Locator::Css("form[role=search] button"))
            .await
            .unwrap(),
    )
    .await;
    let hits = client
        .find(Locator::Id("hits"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(hits.contains("Weekly call: cut-over window"), "{hits}");
    assert!(hits.contains("Send the revised cut-over plan"), "{hits}");
    for width in [1280, 390] {
        screenshot(&client, "search", width).await;
    }
    client.set_window_size(1280, 1000).await.unwrap();

    // Today lists the new promise and question, each with its reason.
    client.goto(&format!("{address}/today")).await.unwrap();
    let week = client
        .find(Locator::Id("this-week"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        week.contains("You promised Dana Whitfield “Send the revised cut-over plan”: due in 7 days (2026-12-04)."),
        "{week}"
    );
    assert!(week.contains("Which pump is cut over first?"), "{week}");
    for width in [1280, 390] {
        screenshot(&client, "today", width).await;
    }
    client.set_window_size(1280, 1000).await.unwrap();
    client.goto(&format!("{address}{cockpit}")).await.unwrap();

    // Answer, then confirm the question.
    let question = client
        .find(Locator::XPath("//li[strong[text()='Which pump is cut over first?']] | //li[div/strong[text()='Which pump is cut over first?']]"))
        .await
        .unwrap();
    question
        .find(Locator::Css("input[name=answer]"))
        .await
        .unwrap()
        .send_keys("Pump 2, on a Sunday night")
        .await
        .unwrap();
    submit(question.find(Locator::Css("form button")).await.unwrap()).await;
    let question = client
        .find(Locator::XPath(
            "//li[div/strong[text()='Which pump is cut over first?']]",
        ))
        .await
        .unwrap();
    let confirm = question
        .find(Locator::XPath(
            ".//button[text()='Understanding confirmed']",
        ))
        .await
        .unwrap();
    submit(confirm).await;
    let notice = client
        .find(Locator::Id("notice"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(notice, "Understanding confirmed.");
    let questions = client
        .find(Locator::Id("questions"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !questions.contains("Which pump is cut over first?"),
        "{questions}"
    );

    // Mark the promise kept.
    let promise = client
        .find(Locator::XPath(
            "//li[div/strong[text()='Send the revised cut-over plan']]",
        ))
        .await
        .unwrap();
    // The outcome must be chosen: no outcome is preselected.
    promise
        .find(Locator::Css("select[name=state]"))
        .await
        .unwrap()
        .select_by_value("kept")
        .await
        .unwrap();
    submit(promise.find(Locator::Css("form button")).await.unwrap()).await;
    let commitments = client
        .find(Locator::Id("commitments"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !commitments.contains("Send the revised cut-over plan"),
        "{commitments}"
    );
    let listed = get_json(
        &http,
        &format!("{address}/api/v1/projects/{pump}/commitments"),
    )
    .await;
    let kept = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["description"] == "Send the revised cut-over plan")
        .unwrap();
    assert_eq!(
        (kept["state"].as_str(), kept["resolved_on"].as_str()),
        (Some("kept"), Some("2026-11-27"))
    );
    let questions = get_json(
        &http,
        &format!("{address}/api/v1/projects/{pump}/questions"),
    )
    .await;
    let confirmed = questions
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["question"] == "Which pump is cut over first?")
        .unwrap();
    assert_eq!(confirmed["confirmed_by"], "Priya Nair");
    assert_eq!(confirmed["answer"], "Pump 2, on a Sunday night");
    for width in [1280, 390] {
        screenshot(&client, "cockpit-after", width).await;
    }

    // The ledger lists the promise as kept, and Priya's record counts it.
    client.set_window_size(1280, 1000).await.unwrap();
    client
        .goto(&format!("{address}/commitments"))
        .await
        .unwrap();
    let settled = client
        .find(Locator::Id("settled"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        settled.contains("Send the revised cut-over plan")
            && settled.contains("kept on 2026-11-27"),
        "{settled}"
    );
    let records = client
        .find(Locator::Id("records"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(records.contains("Priya Nair"), "{records}");
    for width in [1280, 390] {
        screenshot(&client, "commitments", width).await;
    }

    // Priya's own page, from her name in the ledger: the promise she kept,
    // the conversation in her timeline.
    client.set_window_size(1280, 1000).await.unwrap();
    client
        .find(Locator::XPath(
            "//section[@id='records']//a[text()='Priya Nair']",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let made = client
        .find(Locator::Id("promises-made"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(made.contains("4 kept"), "{made}");
    let timeline = client
        .find(Locator::Id("timeline"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        timeline.contains("Weekly call: cut-over window"),
        "{timeline}"
    );
    for width in [1280, 390] {
        screenshot(&client, "person", width).await;
    }

    // The client rep's page from the cockpit, then their account's.
    client.set_window_size(1280, 1000).await.unwrap();
    client.goto(&format!("{address}{cockpit}")).await.unwrap();
    client
        .find(Locator::Css(".subtitle a[href^='/people/']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let clock = client
        .find(Locator::Id("contact-clock"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // The call above was with Priya alone; the demo's last conversation
    // with the rep is months old, past any interval: red.
    assert!(clock.contains("last contact 2026-08-04"), "{clock}");
    let class = client
        .find(Locator::Css("#contact-clock .value"))
        .await
        .unwrap()
        .attr("class")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(class.contains("bad"), "{class}");
    for width in [1280, 390] {
        screenshot(&client, "person-client", width).await;
    }
    client.set_window_size(1280, 1000).await.unwrap();
    client
        .find(Locator::Css(".crumbs a[href^='/accounts/']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let people = client
        .find(Locator::Id("people"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(people.contains("last contact 2026-08-04"), "{people}");
    for width in [1280, 390] {
        screenshot(&client, "account", width).await;
    }
    client.close().await.unwrap();
}
