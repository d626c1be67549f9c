//! The synthetic portfolio of `rapport seed`, read back through the domain
//! types: every project's baseline and every status record is one the
//! validated drafts accept, the pages' reads work on it, and a record added
//! afterwards does not collide with the ids the seed wrote.

use super::*;
use rapport_store::{SeedSize, Subject};

pub async fn story(store: &Store) {
    let now = at("2026-11-27T09:00:00Z");
    let seeded = store
        .seed(
            now,
            SeedSize {
                projects: 18,
                interactions: 500,
            },
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
        )
        .await
        .unwrap();
    assert_eq!(
        (seeded.projects, seeded.accounts, seeded.pm_emails.len()),
        (18, 5, 3)
    );
    assert_eq!(seeded.interactions, 500);
    assert!(seeded.questions > 0 && seeded.commitments > 0 && seeded.status_records > 0);

    // Into a database that holds anything: refused, nothing written.
    let again = store
        .seed(
            now,
            SeedSize {
                projects: 1,
                interactions: 0,
            },
            "x",
        )
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");

    let projects = store
        .projects(Scope::Everything, None, false)
        .await
        .unwrap();
    assert_eq!(projects.len(), 18);
    for project in &projects {
        let records = store.status_records(project.id, false).await.unwrap();
        let drafts: Vec<StatusDraft> = records.iter().map(|r| r.draft().unwrap()).collect();
        let evm = project_evm(&project.baseline, &drafts);
        assert_eq!(evm.len(), drafts.len());
        store.questions(project.id).await.unwrap();
        store.commitments(project.id).await.unwrap();
    }
    // The first PM's agenda and their client rep's timeline.
    let users = store.users().await.unwrap();
    let pm = users
        .iter()
        .find(|u| u.email == seeded.pm_emails[0])
        .unwrap();
    let scope = Scope::User {
        user_id: pm.id,
        person_id: pm.person_id,
    };
    let facts = store
        .agenda_facts(scope, pm.person_id, now.date_naive())
        .await
        .unwrap();
    assert_eq!(facts.projects.len(), 8, "a PM per eight projects");
    assert!(!facts.contacts.is_empty());
    let mine = store.projects(scope, None, false).await.unwrap();
    let rep = mine[0].client_rep_id;
    let timeline = store
        .timeline(scope, Subject::Person(rep), 10)
        .await
        .unwrap();
    assert!(timeline.total > 0, "{timeline:?}");
    assert!(timeline.last_contact.contains_key(&rep));
    // Each PM sees their own eight projects and no one else's.
    assert_eq!(mine.len(), 8);
    assert!(mine.iter().all(|p| p.project_manager_id == pm.person_id));

    // The next records take ids after the seed's.
    let account = store
        .create_account(
            now,
            ACTOR,
            None,
            &AccountDraft::new("After the seed", None, None, vec![]).unwrap(),
        )
        .await
        .unwrap();
    assert!(account.id.get() > 5);
    let person = store
        .create_person(
            now,
            ACTOR,
            &person("client", Some(account.id), "New Person"),
        )
        .await
        .unwrap();
    let created = store
        .create_project(
            now,
            ACTOR,
            &project(account.id, pm.person_id, person.id, vec![]),
        )
        .await
        .unwrap();
    assert!(created.id.get() > 18);
    let call = InteractionDraft::new(
        date("2026-11-26"),
        "call",
        "After the seed",
        None,
        &[person.id],
    )
    .unwrap();
    let recorded = store
        .record_interaction(now, ACTOR, created.id, &call)
        .await
        .unwrap();
    assert!(recorded.id > 500);
}
