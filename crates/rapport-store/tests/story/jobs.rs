//! The simulation job queue's chapter of the story: queued, claimed,
//! beating, ended once; a worker that stops beating loses its job to the
//! next, and its late updates change nothing.

use super::*;
use rapport_store::{JobRequest, JobState, HEARTBEAT_TIMEOUT, MAX_ATTEMPTS};

pub async fn story(store: &Store, project_id: ProjectId, version: i64, estimate_id: i64) {
    let t0 = at("2026-04-01T09:00:00Z");
    let request = JobRequest {
        estimate_id,
        iterations: 1_000,
        seed: 7,
        total: 2_000,
    };
    let first = store.queue_simulation(t0, ACTOR, request).await.unwrap();
    assert_eq!(first.state, JobState::Queued);
    assert_eq!((first.project_id, first.version), (project_id, version));
    let second = store.queue_simulation(t0, ACTOR, request).await.unwrap();

    // Oldest first; a running job with a fresh heartbeat is not taken.
    let claimed = store.claim_simulation_job(t0).await.unwrap().unwrap();
    assert_eq!((claimed.id, claimed.attempt), (first.id, 1));
    assert_eq!(claimed.state, JobState::Running);
    let next = store.claim_simulation_job(t0).await.unwrap().unwrap();
    assert_eq!(next.id, second.id);
    assert_eq!(store.claim_simulation_job(t0).await.unwrap(), None);

    // Progress is recorded, never beyond the total.
    assert!(store.beat_simulation_job(t0, &claimed, 500).await.unwrap());
    assert!(store
        .beat_simulation_job(t0, &claimed, 9_999)
        .await
        .unwrap());
    let seen = store
        .simulation_job(project_id, version, first.id)
        .await
        .unwrap();
    assert_eq!(seen.done, 2_000);

    // The first worker dies; after the timeout its job is claimed again,
    // and the dead worker's late updates change nothing.
    let later = t0 + HEARTBEAT_TIMEOUT + chrono::TimeDelta::seconds(1);
    let retaken = store.claim_simulation_job(later).await.unwrap().unwrap();
    assert_eq!((retaken.id, retaken.attempt), (first.id, 2));
    assert!(!store
        .beat_simulation_job(later, &claimed, 10)
        .await
        .unwrap());
    assert!(!store
        .finish_simulation_job(later, &claimed, "{\"stale\": true}")
        .await
        .unwrap());
    assert!(store
        .finish_simulation_job(later, &retaken, "{\"cost\": 4}")
        .await
        .unwrap());
    let done = store
        .simulation_job(project_id, version, first.id)
        .await
        .unwrap();
    assert_eq!((done.state, done.done), (JobState::Done, 2_000));
    let kept = store.estimate_results(estimate_id).await.unwrap().unwrap();
    assert_eq!(
        kept.results, "{\"cost\": 4}",
        "results come with the job's end"
    );
    assert_eq!(kept.iterations, 1_000);

    // Cancelling: an ended job cannot be; a running one can, and its
    // worker hears of it at its next beat.
    assert!(matches!(
        store
            .cancel_simulation_job(later, project_id, version, first.id)
            .await,
        Err(StoreError::Conflict(_))
    ));
    let cancelled = store
        .cancel_simulation_job(later, project_id, version, second.id)
        .await
        .unwrap();
    assert_eq!(cancelled.state, JobState::Cancelled);
    assert!(!store.beat_simulation_job(later, &next, 1).await.unwrap());
    assert!(matches!(
        store
            .simulation_job(project_id, version + 1, first.id)
            .await,
        Err(StoreError::NotFound { .. })
    ));

    // A job whose worker dies every time is given up, with the reason.
    let doomed = store.queue_simulation(t0, ACTOR, request).await.unwrap();
    let mut when = later;
    for attempt in 1..=MAX_ATTEMPTS {
        when += HEARTBEAT_TIMEOUT + chrono::TimeDelta::seconds(1);
        let job = store.claim_simulation_job(when).await.unwrap().unwrap();
        assert_eq!((job.id, job.attempt), (doomed.id, attempt));
    }
    when += HEARTBEAT_TIMEOUT + chrono::TimeDelta::seconds(1);
    assert_eq!(store.claim_simulation_job(when).await.unwrap(), None);
    let failed = store
        .simulation_job(project_id, version, doomed.id)
        .await
        .unwrap();
    assert_eq!(failed.state, JobState::Failed);
    assert!(failed.error.unwrap().contains("gave up after 3 attempts"));
    let listed = store.simulation_jobs(project_id, version).await.unwrap();
    assert_eq!(
        listed.iter().map(|j| j.id).collect::<Vec<_>>(),
        [doomed.id, second.id, first.id],
        "newest first"
    );

    // The newest request's results stand: an older job that ends late
    // (it was interrupted and taken up again) does not overwrite them.
    store.queue_simulation(when, ACTOR, request).await.unwrap();
    let newer = store.queue_simulation(when, ACTOR, request).await.unwrap();
    let older = store.claim_simulation_job(when).await.unwrap().unwrap();
    let newer_claimed = store.claim_simulation_job(when).await.unwrap().unwrap();
    assert_eq!(newer_claimed.id, newer.id);
    assert!(store
        .finish_simulation_job(when, &newer_claimed, "{\"newer\": 1}")
        .await
        .unwrap());
    assert!(store
        .finish_simulation_job(when, &older, "{\"older\": 1}")
        .await
        .unwrap());
    let kept = store.estimate_results(estimate_id).await.unwrap().unwrap();
    assert_eq!(kept.results, "{\"newer\": 1}");

    // One caller may have five jobs open at once; the sixth waits.
    for _ in 0..rapport_store::MAX_OPEN_JOBS {
        store.queue_simulation(when, "busy", request).await.unwrap();
    }
    assert!(matches!(
        store.queue_simulation(when, "busy", request).await,
        Err(StoreError::Conflict(message)) if message.contains("already have 5 simulations")
    ));
    store
        .queue_simulation(when, "someone else", request)
        .await
        .unwrap();
}
