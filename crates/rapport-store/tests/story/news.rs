//! News to share, end to end in the store: a status record makes news
//! with its deadline; a call tells part of it (the ledger moves for those
//! figures only); the client learns one item elsewhere (a surprise); one
//! is told late (a surprise); a told item is acknowledged; a promise to
//! the client about to be missed is news until it is kept.

use super::*;
use rapport_core::disclosure::{NewsRule, NewsState, Severity};
use rapport_core::domain::CaptureDraft;
use rapport_store::{NewsItem, Resolution};

fn item(news: &[NewsItem], rule: NewsRule) -> NewsItem {
    news.iter()
        .find(|n| n.rule == rule && n.state != NewsState::Resolved)
        .unwrap_or_else(|| panic!("no live {rule} in {news:?}"))
        .clone()
}

pub async fn story(store: &Store) {
    let now = at("2026-03-03T09:00:00Z"); // a Tuesday
    let account = store
        .create_account(
            now,
            ACTOR,
            None,
            &AccountDraft::new("Northwind", None, None, vec![]).unwrap(),
        )
        .await
        .unwrap();
    let pm = store
        .create_person(now, ACTOR, &person("firm", None, "Priya PM"))
        .await
        .unwrap()
        .id;
    let rep = store
        .create_person(now, ACTOR, &person("client", Some(account.id), "Dana Rep"))
        .await
        .unwrap()
        .id;
    let project = store
        .create_project(now, ACTOR, &project(account.id, pm, rep, vec![]))
        .await
        .unwrap()
        .id;
    assert_eq!(
        store.news(project).await.unwrap(),
        [],
        "a new project has no news"
    );

    // End of February: EV 81,000 against PV 90,000, AC 90,000. CPI 0.90,
    // SPI(t) 1.85 / 2 = 0.925, EAC 420,000 / 0.9 = 466,666.67 (+11.1 %),
    // forecast finish 5 / 0.925 = 5.41 months: past 2026-05-31 by more
    // than five business days. Four items, major, due in two business
    // days (Thursday 2026-03-05).
    let status = StatusDraft::new(date("2026-02-28"), 81_000_00, 90_000_00, None, None).unwrap();
    store
        .create_status(now, ACTOR, project, &status)
        .await
        .unwrap();
    let news = store.news(project).await.unwrap();
    let mut rules: Vec<&str> = news.iter().map(|n| n.rule.as_str()).collect();
    rules.sort_unstable();
    assert_eq!(
        rules,
        ["cpi_below", "eac_rise", "finish_slip", "spi_t_below"],
        "{news:?}"
    );
    for n in &news {
        assert_eq!(
            (n.state, n.severity),
            (NewsState::Open, Severity::Major),
            "{n:?}"
        );
        assert_eq!(
            (n.found_on, n.deadline),
            (date("2026-03-03"), date("2026-03-05"))
        );
    }
    assert_eq!(store.open_news(Scope::Everything).await.unwrap().len(), 4);
    // Evaluating again finds the same items: nothing new, nothing closed.
    store
        .reevaluate_news(project, date("2026-03-03"))
        .await
        .unwrap();
    assert_eq!(store.news(project).await.unwrap(), news);

    // Wednesday's call tells the cost news only.
    let (cpi, eac) = (
        item(&news, NewsRule::CpiBelow),
        item(&news, NewsRule::EacRise),
    );
    let call = |day: &str, people: &[PersonId]| {
        CaptureDraft::new(
            InteractionDraft::new(
                date(day),
                "call",
                "Told Dana about the overrun",
                None,
                people,
            ),
            vec![],
            vec![],
        )
        .unwrap()
    };
    let later = at("2026-03-04T16:00:00Z");
    store
        .capture_interaction(
            later,
            ACTOR,
            project,
            &call("2026-03-04", &[pm, rep]),
            &[cpi.id, eac.id],
        )
        .await
        .unwrap();
    let news = store.news(project).await.unwrap();
    for rule in [NewsRule::CpiBelow, NewsRule::EacRise] {
        let told = item(&news, rule);
        assert_eq!(
            (told.state, told.told_on, told.surprise),
            (NewsState::Told, Some(date("2026-03-04")), false)
        );
    }
    let ledger = store.told_ledger(project).await.unwrap();
    assert_eq!(ledger.len(), 1);
    assert_eq!(
        (ledger[0].source.as_str(), ledger[0].person_id),
        ("conversation", rep.get())
    );
    assert_eq!(
        (ledger[0].cpi, ledger[0].eac_minor),
        (Some(0.9), Some(466_666_67))
    );
    assert_eq!(
        (ledger[0].forecast_finish, ledger[0].spi_t),
        (None, None),
        "not told"
    );
    // The schedule news stands, against the baseline, deadline unchanged.
    let finish = item(&news, NewsRule::FinishSlip);
    assert_eq!(
        (finish.state, finish.key.as_str(), finish.deadline),
        (NewsState::Open, "finish_slip@baseline", date("2026-03-05"))
    );

    // Telling news in a conversation without the rep, or telling news
    // already told, is refused and writes nothing.
    let refused = store
        .capture_interaction(
            later,
            ACTOR,
            project,
            &call("2026-03-04", &[pm]),
            &[finish.id],
        )
        .await;
    assert!(
        matches!(refused, Err(StoreError::Invalid(ref e)) if e.0[0].field == "told_news_ids"),
        "{refused:?}"
    );
    let refused = store
        .capture_interaction(
            later,
            ACTOR,
            project,
            &call("2026-03-04", &[pm, rep]),
            &[cpi.id],
        )
        .await;
    assert!(
        matches!(refused, Err(StoreError::Invalid(ref e)) if e.0[0].message.contains("already told")),
        "{refused:?}"
    );
    assert_eq!(store.told_ledger(project).await.unwrap().len(), 1);
    assert_eq!(store.interactions(project).await.unwrap().len(), 1);

    // Told in a conversation dated before the news was found: refused
    // (it would pass a late telling for an early one).
    let early = store
        .capture_interaction(
            later,
            ACTOR,
            project,
            &call("2026-03-02", &[pm, rep]),
            &[finish.id],
        )
        .await;
    assert!(
        matches!(early, Err(StoreError::Invalid(ref e)) if e.0[0].message.contains("cannot have been told on 2026-03-02")),
        "{early:?}"
    );

    // Friday: the client heard about the pace from their own engineers.
    let spi = item(&news, NewsRule::SpiTBelow);
    let told = store
        .news_learned_elsewhere(
            at("2026-03-06T10:00:00Z"),
            ACTOR,
            project,
            &[spi.id],
            date("2026-03-06"),
        )
        .await
        .unwrap();
    assert_eq!(
        (told[0].state, told[0].learned_elsewhere, told[0].surprise),
        (NewsState::Told, true, true)
    );

    // Monday: the slip is told, after its Thursday deadline: a surprise.
    store
        .capture_interaction(
            at("2026-03-09T10:00:00Z"),
            ACTOR,
            project,
            &call("2026-03-09", &[pm, rep]),
            &[finish.id],
        )
        .await
        .unwrap();
    let news = store.news(project).await.unwrap();
    let finish = item(&news, NewsRule::FinishSlip);
    assert_eq!((finish.state, finish.surprise), (NewsState::Told, true));
    let ledger = store.told_ledger(project).await.unwrap();
    assert_eq!(
        ledger.iter().map(|e| e.source.as_str()).collect::<Vec<_>>(),
        ["conversation", "elsewhere", "conversation"]
    );
    assert!(ledger[2].forecast_finish.is_some() && ledger[2].cpi.is_none());
    assert!(
        news.iter().all(|n| n.state != NewsState::Open),
        "everything told: {news:?}"
    );

    // Dana acknowledges the cost news; an item not told cannot be.
    let acknowledged = store
        .acknowledge_news(
            at("2026-03-10T09:00:00Z"),
            ACTOR,
            project,
            cpi.id,
            date("2026-03-10"),
        )
        .await
        .unwrap();
    assert_eq!(acknowledged.state, NewsState::Acknowledged);
    assert!(matches!(
        store
            .acknowledge_news(
                at("2026-03-10T09:00:00Z"),
                ACTOR,
                project,
                cpi.id,
                date("2026-03-10")
            )
            .await,
        Err(StoreError::Invalid(_))
    ));

    // Tuesday 2026-03-10: a promise to Dana due Thursday is news (two
    // business days away) until it is kept, when it resolves.
    let now = at("2026-03-10T09:00:00Z");
    let promise =
        CommitmentDraft::new(pm, rep, "Send the recovery plan", date("2026-03-12")).unwrap();
    let promise = store
        .record_commitment(now, ACTOR, project, &promise)
        .await
        .unwrap();
    let news = store.news(project).await.unwrap();
    let at_risk = item(&news, NewsRule::CommitmentAtRisk);
    assert_eq!(
        at_risk.key,
        format!("commitment_at_risk@{}:2026-03-12", promise.id)
    );
    assert_eq!(at_risk.deadline, date("2026-03-12"));
    store
        .settle_commitment(
            now,
            ACTOR,
            promise.id,
            &Resolution {
                state: CommitmentState::Kept,
                on: date("2026-03-10"),
                new_due: None,
                reason: None,
            },
        )
        .await
        .unwrap();
    let resolved = store
        .news(project)
        .await
        .unwrap()
        .into_iter()
        .find(|n| n.id == at_risk.id)
        .unwrap();
    assert_eq!(
        (resolved.state, resolved.resolved_on),
        (NewsState::Resolved, Some(date("2026-03-10")))
    );
    assert_eq!(store.open_news(Scope::Everything).await.unwrap(), []);
}
