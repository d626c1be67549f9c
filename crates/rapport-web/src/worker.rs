//! The background work of the server process: the simulation worker runs
//! queued simulation jobs one at a time beside the requests, the news
//! sweep evaluates the day's news to share, and the mail sender delivers
//! queued status reports.
//!
//! It claims the oldest waiting job from the store (see
//! `rapport_store::SimulationJob` for the job's life), simulates it in the
//! one heavy-work slot the simulate and basis requests share, and reports
//! progress and a heartbeat about every second. The heartbeat is also how
//! it hears of a cancellation: once the store says the job is no longer
//! this attempt's, the run stops at its next chunk. Results are stored with
//! the job's end in one transaction, so a job never shows `done` without
//! them. A server killed mid-run leaves its job `running` with an old
//! heartbeat; the next worker to look claims it again.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rapport_core::estimate::{simulate_until, Estimate, Settings, SimulationError};
use rapport_store::SimulationJob;

use crate::AppState;

/// How often the worker looks for jobs queued by other servers (or left
/// by a dead one) when nothing woke it.
const POLL: Duration = Duration::from_secs(2);

/// How often a running job reports progress and proves its worker alive;
/// well inside `rapport_store::HEARTBEAT_TIMEOUT`.
const BEAT: Duration = Duration::from_secs(1);

/// How often the news sweep looks whether the day has changed.
const SWEEP: Duration = Duration::from_secs(15 * 60);

/// Evaluates every live project's news once a day (at start, then when
/// the date turns), then keeps each account's relationship health for
/// its history: the rules look at how near a promise to the client is
/// to its due date, so a day passing makes news that no change recorded.
/// Changes evaluate their own project as they are recorded. Several
/// servers sweeping the same day find the same items (one live item per
/// project and key), so the sweep needs no lock.
pub async fn sweep_news(state: AppState) {
    let mut swept: Option<chrono::NaiveDate> = None;
    loop {
        let today = state.clock.today();
        if swept != Some(today) {
            match state.store.reevaluate_all_news(today).await {
                Ok(projects) => {
                    tracing::info!(projects, %today, "news evaluated for the day");
                    // Then the day's relationship health of each account,
                    // for its history.
                    match crate::health::all_accounts(&state).await {
                        Ok(scores) => {
                            let scores: Vec<_> = scores.into_iter().collect();
                            let accounts = scores.len();
                            match state.store.save_health(today, &scores).await {
                                Ok(()) => tracing::info!(
                                    accounts,
                                    %today,
                                    "relationship health kept for the day"
                                ),
                                Err(e) => tracing::warn!(
                                    error = %e,
                                    "cannot keep the day's health scores"
                                ),
                            }
                        }
                        Err(e) => tracing::warn!(error = ?e, "cannot score the accounts' health"),
                    }
                    swept = Some(today);
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot evaluate the day's news; will try again")
                }
            }
        }
        tokio::time::sleep(SWEEP).await;
    }
}

/// How often the mail sender looks for reports queued by other servers or
/// due for another attempt, when nothing woke it.
const MAIL_POLL: Duration = Duration::from_secs(5);

/// Delivers queued status reports, one at a time, until aborted: claims
/// the most overdue (with a lease, so another server does not send it
/// too), hands it to the SMTP server, and records the outcome — sent, with
/// its interaction and the news told, only when the server accepted it;
/// otherwise the error and the time of the next attempt. A server killed
/// mid-send leaves the lease to run out, and the report is claimed again.
pub async fn deliver_reports(state: AppState) {
    loop {
        let Some(mail) = state.mail.clone() else {
            // Without SMTP nothing can be queued; nothing to do but wait.
            tokio::time::sleep(MAIL_POLL * 12).await;
            continue;
        };
        let now = state.clock.now();
        match state.store.claim_delivery(now).await {
            Ok(Some(d)) => {
                let outcome =
                    crate::mail::send(&mail, &d.envelope_from, &d.envelope_to, &d.message).await;
                let recorded = match &outcome {
                    Ok(()) => state
                        .store
                        .delivered(state.clock.now(), d.id)
                        .await
                        .map(|_| ()),
                    Err(error) => state
                        .store
                        .delivery_failed(state.clock.now(), d.id, error)
                        .await
                        .map(|_| ()),
                };
                match (&outcome, recorded) {
                    (Ok(()), Ok(())) => tracing::info!(report = d.id, "status report delivered"),
                    (Err(e), Ok(())) => {
                        tracing::warn!(report = d.id, error = %e, "status report not delivered; will retry")
                    }
                    (_, Err(e)) => {
                        // Accepted but not recorded: the lease runs out and
                        // the report is sent again; better twice than shown
                        // as unsent when it arrived, or as sent when not.
                        tracing::error!(report = d.id, error = %e, "cannot record a delivery");
                        tokio::time::sleep(MAIL_POLL).await;
                    }
                }
            }
            Ok(None) => {
                let _ = tokio::time::timeout(MAIL_POLL, state.mail_queued.notified()).await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot claim a report to deliver");
                tokio::time::sleep(MAIL_POLL * 6).await;
            }
        }
    }
}

/// Runs jobs until the task is aborted.
pub async fn run(state: AppState) {
    let mut failures = 0u32;
    loop {
        match state.store.claim_simulation_job(state.clock.now()).await {
            Ok(Some(job)) => {
                failures = 0;
                run_job(&state, job).await;
            }
            Ok(None) => {
                failures = 0;
                // Either a request here queued a job, or it is time to look
                // for jobs from elsewhere.
                let _ = tokio::time::timeout(POLL, state.jobs_queued.notified()).await;
            }
            Err(e) => {
                // The database is unwell: back off, up to a minute.
                failures = failures.saturating_add(1);
                let wait = POLL * 2u32.saturating_pow(failures.min(5));
                tracing::warn!(error = %e, retry_in = ?wait, "cannot claim a simulation job");
                tokio::time::sleep(wait).await;
            }
        }
    }
}

async fn run_job(state: &AppState, job: SimulationJob) {
    tracing::info!(
        job = job.id,
        attempt = job.attempt,
        "simulation job started"
    );
    let estimate = match state
        .store
        .estimate_version(job.project_id, job.version)
        .await
    {
        Ok(stored) => {
            match tokio::task::spawn_blocking(move || Estimate::parse(&stored.source)).await {
                Ok(Ok(estimate)) => estimate,
                Ok(Err(e)) => {
                    return fail(state, &job, &format!("the estimate no longer reads: {e}")).await
                }
                Err(e) => {
                    return fail(state, &job, &format!("reading the estimate failed: {e}")).await
                }
            }
        }
        Err(e) => {
            // Leave it running: the heartbeat lapses and the job is tried
            // again later, when the database may answer.
            tracing::warn!(job = job.id, error = %e, "cannot load the estimate of a simulation job");
            return;
        }
    };
    let mut settings = Settings::of(&estimate);
    settings.iterations = u32::try_from(job.iterations).unwrap_or(u32::MAX);
    settings.seed = u64::try_from(job.seed).unwrap_or(0);

    let cancel = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let beating = tokio::spawn(beat(
        state.clone(),
        job.clone(),
        done.clone(),
        cancel.clone(),
    ));
    let outcome = state
        .heavy_until(cancel.clone(), {
            let done = done.clone();
            move |cancel| {
                simulate_until(
                    &estimate,
                    &settings,
                    &|n| {
                        done.store(n, Ordering::Relaxed);
                    },
                    cancel,
                )
            }
        })
        .await;
    beating.abort();
    let now = state.clock.now();
    let ended = match outcome {
        Ok(Ok(results)) => match serde_json::to_string(&results) {
            Ok(json) => state.store.finish_simulation_job(now, &job, &json).await,
            Err(e) => {
                state
                    .store
                    .fail_simulation_job(now, &job, &format!("the results do not serialise: {e}"))
                    .await
            }
        },
        // Cancelled by a user, or the job was claimed again elsewhere:
        // the store already says so.
        Ok(Err(SimulationError::Cancelled)) => Ok(false),
        Ok(Err(e)) => {
            state
                .store
                .fail_simulation_job(now, &job, &e.to_string())
                .await
        }
        Err(e) => {
            state
                .store
                .fail_simulation_job(now, &job, &format!("{e:?}"))
                .await
        }
    };
    match ended {
        Ok(true) => tracing::info!(job = job.id, "simulation job ended"),
        Ok(false) => tracing::info!(
            job = job.id,
            "simulation job stopped: cancelled or taken over"
        ),
        Err(e) => {
            tracing::warn!(job = job.id, error = %e, "cannot record the end of a simulation job; it will run again")
        }
    }
}

async fn fail(state: &AppState, job: &SimulationJob, reason: &str) {
    if let Err(e) = state
        .store
        .fail_simulation_job(state.clock.now(), job, reason)
        .await
    {
        tracing::warn!(job = job.id, error = %e, "cannot record a failed simulation job");
    }
}

/// Reports progress every [`BEAT`] until aborted; sets `cancel` once the
/// job is no longer this attempt's to run.
async fn beat(state: AppState, job: SimulationJob, done: Arc<AtomicU64>, cancel: Arc<AtomicBool>) {
    loop {
        tokio::time::sleep(BEAT).await;
        let n = done.load(Ordering::Relaxed);
        match state
            .store
            .beat_simulation_job(state.clock.now(), &job, n)
            .await
        {
            Ok(true) => {}
            Ok(false) => {
                cancel.store(true, Ordering::Relaxed);
                return;
            }
            // A missed beat is not fatal; several in a row let another
            // worker take the job, and then this one is told to stop.
            Err(e) => tracing::warn!(job = job.id, error = %e, "cannot record simulation progress"),
        }
    }
}
