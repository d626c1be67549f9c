//! Behaviour profiles: a PM places the client rep from the questionnaire,
//! then again directly; the latest is the profile, the earlier one counts
//! as history, the intervals land on the person, and nobody places
//! themselves.

use super::*;
use rapport_core::style::{ProfileDraft, ProfileInput, Style, QUESTIONNAIRE};

pub async fn story(store: &Store, pm: PersonId, rep: PersonId) {
    let now = at("2026-11-27T10:00:00Z");
    assert_eq!(store.profile(rep).await.unwrap(), None);

    // Tells (5 on assertiveness), controlled (1 on responsiveness): Driver.
    let answers: Vec<(&str, u8)> = QUESTIONNAIRE
        .iter()
        .map(|i| {
            let tells = i.axis == rapport_core::style::Axis::Assertiveness;
            (i.id, if tells { 5 } else { 1 })
        })
        .collect();
    let draft = ProfileDraft::new(ProfileInput {
        answers: Some(&answers),
        decision_style: Some("decides_alone"),
        wants: Some("to be seen delivering before the budget round"),
        preferred_channel: Some("call"),
        contact_ideal_days: Some(7),
        contact_max_days: Some(21),
        report_cadence_days: Some(14),
        detail_level: Some("headline"),
        ..Default::default()
    })
    .unwrap();
    let first = store
        .set_profile(now, ACTOR, rep, pm, &draft)
        .await
        .unwrap();
    assert_eq!(first.profile, draft, "read back as written");
    assert_eq!(first.profile.style(), Style::Driver);
    assert_eq!((first.assessed_by_id, first.earlier), (pm, 0));
    let person = store.person(rep).await.unwrap();
    assert_eq!(
        (person.contact_ideal_days, person.contact_max_days),
        (Some(7), Some(21))
    );

    let direct = ProfileDraft::new(ProfileInput {
        style: Some("analytical"),
        ..Default::default()
    })
    .unwrap();
    let later = at("2026-12-01T10:00:00Z");
    let second = store
        .set_profile(later, ACTOR, rep, pm, &direct)
        .await
        .unwrap();
    assert_eq!(
        (second.profile.style(), second.earlier),
        (Style::Analytical, 1)
    );
    assert_eq!(second.assessed_at, later);
    assert_eq!(store.profile(rep).await.unwrap(), Some(second.clone()));
    // No intervals given this time: the person's are cleared with it.
    assert_eq!(store.person(rep).await.unwrap().contact_ideal_days, None);

    let batch = store.profiles(&[rep, pm, rep]).await.unwrap();
    assert_eq!(batch.len(), 1, "only the placed");
    assert_eq!(batch[&rep], second);

    // Nobody places themselves; an unknown person is not found; nothing
    // was written by either.
    assert!(matches!(
        store.set_profile(later, ACTOR, pm, pm, &direct).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        store
            .set_profile(later, ACTOR, PersonId::new(424242), pm, &direct)
            .await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(store.profile(pm).await.unwrap(), None);
}
