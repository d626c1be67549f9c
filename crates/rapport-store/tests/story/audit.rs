//! The audit log commits with the change it records: when the entry
//! cannot be written the change is rolled back, a refused change leaves no
//! entry, and the facts a client rep is shown (people, estimate results)
//! are audited like the rest.

use super::*;
use sqlx::Connection;

/// The audit table is taken away under the store (renamed through a
/// second connection): every write fails and none of them lands; once
/// the table is back, writes and their entries land together.
#[tokio::test]
async fn a_change_whose_audit_entry_fails_is_rolled_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rapport.db");
    let store = Store::open_file(&path).await.unwrap();
    let now = at("2026-04-01T09:00:00Z");
    let draft = AccountDraft::new("Northwind Water", None, None, vec![]).unwrap();
    let mut side = sqlx::SqliteConnection::connect(&format!("sqlite:{}", path.display()))
        .await
        .unwrap();
    sqlx::query("ALTER TABLE audit_log RENAME TO audit_log_away")
        .execute(&mut side)
        .await
        .unwrap();
    let refused = store.create_account(now, ACTOR, None, &draft).await;
    assert!(
        matches!(refused, Err(StoreError::Database(_))),
        "{refused:?}"
    );
    sqlx::query("ALTER TABLE audit_log_away RENAME TO audit_log")
        .execute(&mut side)
        .await
        .unwrap();
    assert!(
        store
            .accounts(Scope::Everything, true)
            .await
            .unwrap()
            .is_empty(),
        "the account was rolled back with its entry"
    );
    let account = store
        .create_account(now, ACTOR, None, &draft)
        .await
        .unwrap();
    let trail = store
        .audit_trail("account", account.id.get())
        .await
        .unwrap();
    assert_eq!(trail.len(), 1);
    assert_eq!(
        (trail[0].actor.as_str(), trail[0].action.as_str()),
        (ACTOR, "create")
    );
}

/// Told through the story's store: a refused write leaves no entry, and
/// people and estimate results have their trail.
pub async fn story(store: &Store, person_id: PersonId, project_id: ProjectId, estimate_id: i64) {
    let now = at("2026-04-02T09:00:00Z");
    // A record, then a change to it that is refused (dated on the
    // baseline start): the refusal leaves its trail as it was.
    let record = store
        .create_status(
            now,
            ACTOR,
            project_id,
            &StatusDraft::new(date("2026-03-20"), 100, 100, None, None).unwrap(),
        )
        .await
        .unwrap();
    let on_start = StatusDraft::new(date("2026-01-01"), 100, 100, None, None).unwrap();
    assert!(matches!(
        store
            .update_status(now, ACTOR, project_id, record.id, &on_start)
            .await,
        Err(StoreError::Invalid(_))
    ));
    let trail = store
        .audit_trail("status_record", record.id.get())
        .await
        .unwrap();
    assert_eq!(trail.len(), 1, "only the creation: {trail:?}");
    let person_trail = store.audit_trail("person", person_id.get()).await.unwrap();
    assert_eq!(person_trail[0].action, "create");
    store
        .save_estimate_results(now, "analyst", estimate_id, 500, 3, "{\"cost\": 9}")
        .await
        .unwrap();
    let results_trail = store
        .audit_trail("estimate_results", estimate_id)
        .await
        .unwrap();
    let last = results_trail.last().unwrap();
    assert_eq!(
        (last.actor.as_str(), last.action.as_str()),
        ("analyst", "simulate")
    );
    assert_eq!(last.detail, serde_json::json!([500, 3]));
}
