//! Capturing a conversation: the interaction, its questions and its
//! commitments written together or not at all, read back a page at a time.

use super::*;
use rapport_core::domain::CaptureDraft;
use rapport_store::Subject;

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
        .capture_interaction(now, ACTOR, project_id, &refused, &[])
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
        .capture_interaction(now, ACTOR, project_id, &capture, &[])
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

    // Today's facts (of live projects: the story archived this one): the
    // promise made by the PM is theirs to keep.
    let archived = store
        .agenda_facts(Scope::Everything, pm, date("2026-04-08"))
        .await
        .unwrap();
    assert!(
        archived.commitments.is_empty(),
        "an archived project asks nothing"
    );
    store
        .set_project_archived(now, ACTOR, project_id, false)
        .await
        .unwrap();
    let facts = store
        .agenda_facts(Scope::Everything, pm, date("2026-04-08"))
        .await
        .unwrap();
    let mine = facts
        .commitments
        .iter()
        .find(|c| c.id == captured.commitments[0].id)
        .unwrap();
    assert_eq!((mine.promised_by, mine.due_on), (pm, date("2026-04-09")));
    assert!(facts
        .questions
        .iter()
        .any(|q| q.id == captured.questions[0].id));
    assert!(facts.projects.iter().any(|p| p.id == project_id));

    // A client person with a contact interval, read back on this backend,
    // is on the contact clock with the capture as their last contact.
    let mut input = PersonInput {
        side: "client",
        account_id: Some(facts_account(store, project_id).await),
        name: "Kim Keeper",
        title: None,
        organisation: None,
        email: None,
        phone: None,
        behaviour_style: None,
        communication_preferences: None,
        contact_ideal_days: Some(14),
        contact_max_days: Some(30),
    };
    let kim = store
        .create_person(now, ACTOR, &PersonDraft::new(input.clone()).unwrap())
        .await
        .unwrap();
    assert_eq!(
        (kim.contact_ideal_days, kim.contact_max_days),
        (Some(14), Some(30))
    );
    input.contact_max_days = Some(45);
    let kim = store
        .update_person(now, ACTOR, kim.id, &PersonDraft::new(input).unwrap())
        .await
        .unwrap();
    assert_eq!(kim.contact_max_days, Some(45));
    // Only the client people of the PM's projects are theirs to call:
    // Kim once on the team.
    let facts = store
        .agenda_facts(Scope::Everything, pm, date("2026-04-08"))
        .await
        .unwrap();
    assert!(facts.contacts.iter().all(|c| c.person_id != kim.id));
    store
        .set_stakeholder(now, ACTOR, project_id, kim.id, "Operations")
        .await
        .unwrap();
    let facts = store
        .agenda_facts(Scope::Everything, pm, date("2026-04-08"))
        .await
        .unwrap();
    let clock = facts
        .contacts
        .iter()
        .find(|c| c.person_id == kim.id)
        .unwrap_or_else(|| panic!("{:?} {:?}", kim, facts.contacts));
    assert_eq!(
        (clock.ideal_days, clock.max_days, clock.last_contact),
        (Some(14), Some(45), None)
    );
    // The rep has no interval of their own: on the clock all the same,
    // kept to the usual ones (core's).
    let rep_clock = facts.contacts.iter().find(|c| c.person_id == rep).unwrap();
    assert_eq!((rep_clock.ideal_days, rep_clock.max_days), (None, None));

    // Search, with the backend's own index: a hyphenated word finds the
    // conversation; quotes and operators are words, not syntax; another
    // person's scope does not see this project.
    let hits = store
        .search(Scope::Everything, "cut-over", 20)
        .await
        .unwrap();
    assert!(
        hits.iter()
            .any(|h| h.kind == "interaction" && h.record_id == id),
        "{hits:?}"
    );
    assert!(hits.iter().any(|h| h.kind == "commitment"), "{hits:?}");
    for odd in [
        r#"pump" OR "x"#,
        "NEAR(",
        "*",
        "-cut",
        "'; DROP TABLE people; --",
        "a\u{0}b",
        " ",
    ] {
        store.search(Scope::Everything, odd, 20).await.unwrap();
    }
    let stranger_scope = Scope::User {
        user_id: rapport_core::ids::UserId::new(999_999),
        person_id: PersonId::new(999_999),
    };
    assert!(store
        .search(stranger_scope, "cut-over", 20)
        .await
        .unwrap()
        .is_empty());
    // The PM's own search lists the best fit first, whatever its age: a
    // short record naming the word twice before the rest.
    let mut rehearsal = None;
    for (on, summary) in [
        ("2026-04-01", "Cut-over rehearsal: the cut-over ran long"),
        (
            "2026-04-02",
            "Review of the schedule, the budget, the staffing plan and, last, the cut-over",
        ),
    ] {
        let draft = CaptureDraft::new(
            InteractionDraft::new(date(on), "meeting", summary, None, &[pm]),
            vec![],
            vec![],
        )
        .unwrap();
        let captured = store
            .capture_interaction(now, ACTOR, project_id, &draft, &[])
            .await
            .unwrap();
        rehearsal.get_or_insert(captured.interaction.id);
    }
    let pm_scope = Scope::User {
        user_id: rapport_core::ids::UserId::new(999_998),
        person_id: pm,
    };
    let hits = store.search(pm_scope, "cut-over", 20).await.unwrap();
    assert_eq!(
        (hits[0].kind.as_str(), Some(hits[0].record_id)),
        ("interaction", rehearsal),
        "{hits:?}"
    );
    assert!(hits.len() >= 4, "{hits:?}");
    assert_eq!(
        store.search(pm_scope, "cut-over", 2).await.unwrap().len(),
        2,
        "the limit holds after ranking"
    );
    // Equal fits: the newer conversation first, whatever order they were
    // recorded in.
    let mut same = Vec::new();
    for on in ["2026-03-20", "2026-03-01"] {
        let draft = CaptureDraft::new(
            InteractionDraft::new(date(on), "call", "Cut-over call", None, &[pm]),
            vec![],
            vec![],
        )
        .unwrap();
        let captured = store
            .capture_interaction(now, ACTOR, project_id, &draft, &[])
            .await
            .unwrap();
        same.push(captured.interaction.id);
    }
    let hits = store.search(pm_scope, "cut-over", 20).await.unwrap();
    let place = |id: i64| {
        hits.iter()
            .position(|h| h.record_id == id && h.kind == "interaction")
    };
    assert!(place(same[0]) < place(same[1]), "{hits:?}");
    assert!(place(same[0]).is_some(), "{hits:?}");
    let answered = store
        .answer_question(
            now,
            ACTOR,
            captured.questions[0].id,
            "Pump two, on a Sunday",
            date("2026-04-03"),
        )
        .await
        .unwrap();
    let hits = store.search(Scope::Everything, "Sunday", 20).await.unwrap();
    assert!(
        hits.iter()
            .any(|h| h.kind == "question" && h.record_id == answered.id),
        "the answer is found once given: {hits:?}"
    );

    // The mission brief keeps its versions; a concern is raised and
    // answered; both are found by search on this backend.
    let brief = |goal: &str| {
        rapport_core::domain::BriefDraft::new(rapport_core::domain::BriefInput {
            goal,
            personal_stakes: Some("First upgrade as operations lead"),
            ..Default::default()
        })
        .unwrap()
    };
    store
        .save_brief(now, ACTOR, project_id, &brief("Keep supply on"), "Priya")
        .await
        .unwrap();
    let second = store
        .save_brief(
            now,
            ACTOR,
            project_id,
            &brief("No loss of supply during cut-over"),
            "Priya",
        )
        .await
        .unwrap();
    assert_eq!(second.version, 2);
    let history = store.brief_history(project_id).await.unwrap();
    assert_eq!(
        history.iter().map(|b| b.version).collect::<Vec<_>>(),
        [2, 1]
    );
    let concern = store
        .raise_concern(now, ACTOR, project_id, pm, "Is the night shift covered?")
        .await
        .unwrap();
    let elsewhere = ProjectId::new(project_id.get() + 1000);
    assert!(matches!(
        store
            .answer_concern(now, ACTOR, elsewhere, concern.id, "Yes", "Priya")
            .await,
        Err(StoreError::NotFound { .. })
    ));
    let answered = store
        .answer_concern(
            now,
            ACTOR,
            project_id,
            concern.id,
            "Yes, Tomás covers nights",
            "Priya",
        )
        .await
        .unwrap();
    assert_eq!(answered.answered_by.as_deref(), Some("Priya"));
    assert_eq!(store.concerns(project_id).await.unwrap().len(), 1);
    let hits = store
        .search(Scope::Everything, "night shift", 20)
        .await
        .unwrap();
    assert!(
        hits.iter()
            .any(|h| h.kind == "concern" && h.record_id == concern.id),
        "{hits:?}"
    );
    let hits = store
        .search(Scope::Everything, "cut-over supply", 20)
        .await
        .unwrap();
    let briefs: Vec<_> = hits.iter().filter(|h| h.kind == "brief").collect();
    assert_eq!(
        briefs.len(),
        1,
        "only the latest version is found: {hits:?}"
    );
    assert_eq!(briefs[0].record_id, second.id);

    // Access checks find a record's project.
    let commitment = captured.commitments[0].id;
    assert_eq!(
        store.commitment_project(commitment).await.unwrap(),
        Some(project_id)
    );
    assert_eq!(store.question_project(i64::MAX).await.unwrap(), None);

    // The rep's timeline: the capture newest first with its project's
    // name, the promise made to them, the question waiting on them.
    let timeline = store
        .timeline(Scope::Everything, Subject::Person(rep), 1)
        .await
        .unwrap();
    assert_eq!(timeline.entries.len(), 1);
    assert!(timeline.total >= 1);
    let newest = &timeline.entries[0];
    assert!(newest.interaction.participant_ids.contains(&rep));
    assert!(!newest.project_name.is_empty());
    assert!(timeline.promises.iter().any(|c| c.id == commitment));
    assert!(timeline
        .questions
        .iter()
        .all(|q| q.asked_of_id == rep && q.state != QuestionState::UnderstandingConfirmed));
    assert_eq!(
        timeline.last_contact.get(&rep),
        Some(&newest.interaction.occurred_on)
    );
    // The account's holds the same conversation; someone who sees none of
    // its projects sees an empty record.
    let account = facts_account(store, project_id).await;
    let whole = store
        .timeline(Scope::Everything, Subject::Account(account), 50)
        .await
        .unwrap();
    assert!(whole.entries.iter().any(|e| e.interaction.id == id));
    assert!(whole.total >= timeline.total);
    let outsider = Scope::User {
        user_id: rapport_core::ids::UserId::new(i64::MAX),
        person_id: stranger.id,
    };
    let hidden = store
        .timeline(outsider, Subject::Account(account), 50)
        .await
        .unwrap();
    assert_eq!(
        (
            hidden.entries.len(),
            hidden.total,
            hidden.promises.len(),
            hidden.questions.len()
        ),
        (0, 0, 0, 0)
    );
    // Not even when the rep was last spoken to.
    assert!(hidden.last_contact.is_empty(), "{:?}", hidden.last_contact);
    // Nor does search show them a word of it.
    assert!(store
        .search(outsider, "cut-over", 20)
        .await
        .unwrap()
        .is_empty());
}

async fn facts_account(store: &Store, project_id: ProjectId) -> AccountId {
    store.project(project_id).await.unwrap().account_id
}
