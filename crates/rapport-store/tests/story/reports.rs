//! A report's life in the store: what is frozen is what was written; a
//! sender's claim holds it; a failure backs off, a permanent one stops;
//! a claim that outlived its sender is taken again.

use super::*;
use rapport_store::{Figures, Outgoing, ReportState, LEASE, MAX_DELIVERY_ATTEMPTS};

fn outgoing(pm: PersonId, words: Option<&str>) -> Outgoing {
    Outgoing {
        sender_id: pm,
        pm_words: words.map(str::to_string),
        subject: "Pump station retrofit: status report".into(),
        markdown: "# Report".into(),
        html: "<h1>Report</h1>".into(),
        pdf: b"%PDF".to_vec(),
        message: b"From: a\r\n\r\nbody".to_vec(),
        message_id: "<report-1.x@firm.example>".into(),
        envelope_from: "rapport@firm.example".into(),
        envelope_to: "dana@client.example".into(),
        news_ids: vec![],
        figures: Figures::default(),
    }
}

pub async fn story(store: &Store, project: ProjectId, pm: PersonId, rep: PersonId) {
    let now = at("2026-11-27T09:00:00Z");
    let report = store
        .create_report(now, ACTOR, project, rep, Some("First words"))
        .await
        .unwrap();
    assert_eq!(report.state, ReportState::Draft);
    // Written with words that are no longer the draft's: refused.
    store
        .set_report_words(report.id, Some("Second words"))
        .await
        .unwrap();
    let stale = store
        .queue_report(now, ACTOR, report.id, &outgoing(pm, Some("First words")))
        .await;
    assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
    let queued = store
        .queue_report(now, ACTOR, report.id, &outgoing(pm, Some("Second words")))
        .await
        .unwrap();
    assert_eq!(queued.state, ReportState::Queued);
    // Words do not change once it is on its way.
    assert!(matches!(
        store.set_report_words(report.id, Some("Third")).await,
        Err(StoreError::Conflict(_))
    ));

    // Claimed: sending, held for a lease; not claimable, not retried.
    let claim = store.claim_delivery(now).await.unwrap().unwrap();
    assert_eq!(claim.id, report.id);
    assert_eq!(
        store.report(report.id).await.unwrap().state,
        ReportState::Sending
    );
    assert!(store.claim_delivery(now).await.unwrap().is_none());
    assert!(matches!(
        store.retry_report(now, ACTOR, report.id).await,
        Err(StoreError::Conflict(_))
    ));
    // Its sender died: once the lease runs out another takes it.
    let later = now + LEASE + chrono::Duration::seconds(1);
    assert_eq!(
        store.claim_delivery(later).await.unwrap().map(|d| d.id),
        Some(report.id)
    );

    // A refusal that waiting will not cure stops the retries.
    let failed = store
        .delivery_failed(
            later,
            report.id,
            "smtp://x permanently refused or could not be reached: 550",
        )
        .await
        .unwrap();
    assert_eq!(
        (failed.state, failed.attempts),
        (ReportState::Failed, MAX_DELIVERY_ATTEMPTS)
    );
    assert!(store
        .claim_delivery(later + chrono::Duration::days(1))
        .await
        .unwrap()
        .is_none());
    // The PM sends it again: at once, with fresh attempts.
    let again = store.retry_report(later, ACTOR, report.id).await.unwrap();
    assert_eq!((again.state, again.attempts), (ReportState::Queued, 0));
    let claim = store.claim_delivery(later).await.unwrap().unwrap();
    let sent = store.delivered(later, claim.id).await.unwrap();
    assert_eq!(sent.state, ReportState::Sent);
    assert!(sent.interaction_id.is_some());
}
