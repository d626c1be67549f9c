//! Writes whose caller goes away part-way (a request whose client hung
//! up, a worker aborted as its server stops) leave the database as they
//! found it: rolled back, and writable by the next caller at once.

use chrono::NaiveDate;
use rapport_store::Store;

/// Starts a writer that commits empty transactions in a loop, lets it
/// run a few scheduler turns (a different number each round, so the abort
/// lands on every await point of `begin` and `commit` in turn), aborts it,
/// and writes. A transaction left open by the abort holds SQLite's write
/// lock: the write after it waits out the busy timeout and fails.
pub async fn cancelled_writes_leave_the_database_writable(store: Store) {
    let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    for round in 0..300u32 {
        let writer = tokio::spawn({
            let store = store.clone();
            async move {
                loop {
                    store.save_health(day, &[]).await.unwrap();
                }
            }
        });
        for _ in 0..round % 7 {
            tokio::task::yield_now().await;
        }
        writer.abort();
        assert!(writer.await.unwrap_err().is_cancelled(), "round {round}");
        if let Err(e) = store.save_health(day, &[]).await {
            panic!("after the writer of round {round} was aborted: {e}");
        }
    }
}
