//! Signing in, seeing only one's own projects, signing out, lock-out.

use super::*;

/// The demo PM signs in, sees only the three projects they manage, signs
/// out, and after five wrong passwords is told sign-in is locked — even
/// for the right password.
#[tokio::test]
async fn a_pm_signs_in_sees_only_their_projects_signs_out_and_is_locked_out() {
    let Some((_driver, client)) = start_driver().await else {
        return;
    };
    let (address, _token, _dir, _stop) = spawn_demo_app().await;

    // Signed out, the portfolio sends you to sign in.
    client.goto(&format!("{address}/")).await.unwrap();
    assert_eq!(client.current_url().await.unwrap().path(), "/login");

    sign_in(&client, &address, "pm@example.com", PASSWORD).await;
    assert_eq!(client.current_url().await.unwrap().path(), "/today");
    client.goto(&format!("{address}/")).await.unwrap();
    let who = client
        .find(Locator::Css("header .who span"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(who, "Priya Nair · pm");
    assert_eq!(
        project_names(&client).await,
        [
            "Energy centre controls upgrade",
            "Pump station retrofit",
            "Warehouse management integration"
        ]
    );

    client
        .find(Locator::Css("header .who button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // Signing out lands on the sign-in form (waiting for the navigation).
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("email"))
        .await
        .unwrap();
    assert_eq!(client.current_url().await.unwrap().path(), "/login");
    client.goto(&format!("{address}/")).await.unwrap();
    assert_eq!(
        client.current_url().await.unwrap().path(),
        "/login",
        "signed out, the portfolio is closed again"
    );

    for attempt in 1..=5 {
        sign_in(&client, &address, "pm@example.com", "not the password").await;
        let message = client
            .find(Locator::Id("message"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            message.contains("do not match"),
            "attempt {attempt}: {message}"
        );
    }
    sign_in(&client, &address, "pm@example.com", PASSWORD).await;
    let message = client
        .find(Locator::Id("message"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(message.starts_with("Too many failed sign-ins"), "{message}");
    assert_eq!(client.current_url().await.unwrap().path(), "/login");
    client.close().await.unwrap();
}
