//! Capturing a conversation: the interaction, its questions and its
//! commitments written together or not at all, read back a page at a time.

use super::*;
use rapport_core::domain::CaptureDraft;

pub async fn story(store: &Store, project_id: ProjectId, pm: PersonId, rep: PersonId) {
    let now = at("2026-04-02T10:00:00Z");
    let call = |people: &[PersonId]| {
        InteractionDraft::new(
            date("2026-04-02"),
            "call",
            "Cut-over window agreed",
            None,
            people,
        )
    };
    let question = QuestionDraft::new("Which pump goes first?", rep, date("2026-04-02"));
    let promise =
        |to: PersonId| CommitmentDraft::new(pm, to, "Send the cut-over plan", date("2026-04-09"));
    let before = store.interactions_page(project_id, 200, 0).await.unwrap().1;

    // Someone of another client cannot be named: nothing is written.
    let other = store
        .create_account(
            now,
            ACTOR,
            None,
            &AccountDraft::new("Other client", None, None, vec![]).unwrap(),
        )
        .await
        .unwrap();
    let stranger = store
        .create_person(
            now,
            ACTOR,
            &person("client", Some(other.id), "Sam Stranger"),
        )
        .await
        .unwrap();
    let refused = CaptureDraft::new(
        call(&[pm, rep]),
        vec![question.clone()],
        vec![promise(stranger.id)],
    )
    .unwrap();
    match store
        .capture_interaction(now, ACTOR, project_id, &refused)
        .await
    {
        Err(StoreError::Invalid(errors)) => {
            assert_eq!(errors.0[0].field, "commitments[0].promised_to_id")
        }
        other => panic!("a stranger was accepted: {other:?}"),
    }
    assert_eq!(
        store.interactions_page(project_id, 200, 0).await.unwrap().1,
        before
    );

    let capture = CaptureDraft::new(call(&[pm, rep]), vec![question], vec![promise(rep)]).unwrap();
    let captured = store
        .capture_interaction(now, ACTOR, project_id, &capture)
        .await
        .unwrap();
    let id = captured.interaction.id;
    assert_eq!(captured.questions.len(), 1);
    assert_eq!(captured.questions[0].interaction_id, Some(id));
    assert_eq!(captured.commitments[0].interaction_id, Some(id));
    assert_eq!(captured.commitments[0].due_on, date("2026-04-09"));
    let questions = store.questions(project_id).await.unwrap();
    assert!(questions.iter().any(|q| q.interaction_id == Some(id)));

    // The newest first, with its participants, and the count of all.
    let (page, total) = store.interactions_page(project_id, 1, 0).await.unwrap();
    assert_eq!(total, before + 1);
    assert_eq!(page[0].id, id);
    assert_eq!(page[0].participant_ids.len(), 2);
    let (rest, _) = store.interactions_page(project_id, 200, 1).await.unwrap();
    assert_eq!(rest.len() as i64, total - 1);
    assert!(rest.iter().all(|i| i.id != id));

    // Access checks find a record's project.
    let commitment = captured.commitments[0].id;
    assert_eq!(
        store.commitment_project(commitment).await.unwrap(),
        Some(project_id)
    );
    assert_eq!(store.question_project(i64::MAX).await.unwrap(), None);
}
