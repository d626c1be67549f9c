//! The calendar feed: `/calendar/{secret}.ics`, an iCalendar (RFC 5545)
//! file a calendar application subscribes to without signing in, so the
//! URL's secret is the credential — made on the settings page, shown
//! once, revocable there (a revoked or unknown URL answers 404).
//!
//! It carries the signed-in user's promises (made and received) on the
//! projects they see, the follow-up questions waiting on them (a week
//! after they were asked), the deadlines of news they must tell, and the
//! status reports their readers expect. Every item is an all-day date
//! (`VALUE=DATE`, so no time zone can move it) with a stable UID, and the
//! promises and news deadlines carry an alarm.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, NaiveDate};
use icalendar::{Alarm, Calendar, Component, Event, EventLike};
use rapport_core::disclosure::report_due;
use rapport_core::ids::{PersonId, ProjectId};
use rapport_store::Scope;

use crate::error::{ApiError, ApiPath};
use crate::AppState;

/// Follow-up questions show up this long after they were asked.
const FOLLOW_UP_AFTER_DAYS: i64 = 7;

fn item(uid: String, on: NaiveDate, summary: String, description: String) -> Event {
    Event::new()
        .uid(&uid)
        .all_day(on)
        .summary(&summary)
        .description(&description)
        .done()
}

/// The feed of the user the secret belongs to.
#[utoipa::path(get, path = "/calendar/{secret}", tag = "pages",
    params(("secret" = String, Path, description = "the feed's secret, as made on the settings page, with .ics")),
    responses((status = 200, description = "the calendar", content_type = "text/calendar"),
        (status = 404, description = "no such feed, or one revoked", content_type = "text/html")))]
pub async fn feed(
    State(state): State<AppState>,
    ApiPath(secret): ApiPath<String>,
) -> Result<Response, ApiError> {
    let not_found = || {
        ApiError::NotFound("no calendar feed at this address; make one on the settings page".into())
    };
    let secret = secret.strip_suffix(".ics").unwrap_or(&secret);
    if secret.is_empty() || secret.len() > 200 {
        return Err(not_found());
    }
    let digest = crate::auth::secret::digest(secret);
    let user_id = state
        .store
        .calendar_feed_user(&digest)
        .await?
        .ok_or_else(not_found)?;
    let user = state.store.user(user_id).await?;
    let scope = if user.role.sees_everything() {
        Scope::Everything
    } else {
        Scope::User {
            user_id: user.id,
            person_id: user.person_id,
        }
    };
    let me = user.person_id;
    let today = state.clock.today();
    let now = state.clock.now();
    let store = &state.store;

    let mut calendar = Calendar::new();
    calendar.name("Rapport: promises, follow-ups, news and reports");

    let ledger = store.ledger(scope).await?;
    let mut named: Vec<PersonId> = ledger
        .iter()
        .flat_map(|c| {
            [
                PersonId::new(c.promised_by_id),
                PersonId::new(c.promised_to_id),
            ]
        })
        .collect();
    let open_news = store.open_news(scope).await?;
    named.extend(open_news.iter().map(|(_, rep)| *rep));
    let reported = store.reported_to(me).await?;
    named.extend(reported.iter().map(|r| PersonId::new(r.person_id)));
    let people = store.people_named(&named).await?;
    let name = |id: PersonId| {
        people
            .iter()
            .find(|p| p.id == id)
            .map_or_else(|| format!("person {id}"), |p| p.name.clone())
    };
    let mut project_ids: Vec<ProjectId> = open_news.iter().map(|(n, _)| n.project_id).collect();
    project_ids.extend(reported.iter().map(|r| ProjectId::new(r.project_id)));
    let project_names = store.project_names(&project_ids).await?;
    let project = |id: ProjectId| project_names.get(&id).cloned().unwrap_or_default();

    for c in &ledger {
        let (by, to) = (
            PersonId::new(c.promised_by_id),
            PersonId::new(c.promised_to_id),
        );
        let open = c.state == "open" || c.state == "renegotiated";
        if !open || (by != me && to != me) {
            continue;
        }
        let summary = if by == me {
            format!("Promise due to {}: {}", name(to), c.description)
        } else {
            format!("Owed to you by {}: {}", name(by), c.description)
        };
        let mut event = item(
            format!("commitment-{}-{}@rapport", c.id, c.due_on),
            c.due_on,
            summary,
            format!("{} · promise {} · due {}", c.project_name, c.id, c.due_on),
        );
        // The afternoon before, in the reader's own time zone (a
        // trigger relative to an all-day start is floating).
        event.alarm(Alarm::display(
            "A promise is due tomorrow",
            -Duration::hours(9),
        ));
        calendar.push(event.done());
    }

    let facts = store.agenda_facts(scope, me, today).await?;
    for q in facts.questions.iter().filter(|q| !q.answered) {
        let on = q.asked_on + Duration::days(FOLLOW_UP_AFTER_DAYS);
        calendar.push(item(
            format!("question-{}@rapport", q.id),
            on,
            format!("Follow up with {}: {}", q.asked_of, q.question),
            format!("Asked on {}; no answer recorded yet.", q.asked_on),
        ));
    }

    for (n, rep) in &open_news {
        let mut event = item(
            format!("news-{}@rapport", n.id),
            n.deadline,
            format!("Tell {}: {}", name(*rep), short(&n.message)),
            format!(
                "{} · news to share, {} · {}",
                project(n.project_id),
                n.severity,
                n.message
            ),
        );
        event.alarm(Alarm::display("News to tell today", Duration::hours(8)));
        calendar.push(event.done());
    }

    let profiles = store
        .profiles(
            &reported
                .iter()
                .map(|r| PersonId::new(r.person_id))
                .collect::<Vec<_>>(),
        )
        .await?;
    for r in &reported {
        let person = PersonId::new(r.person_id);
        let Some(profile) = profiles.get(&person) else {
            continue;
        };
        let Some(cadence) = profile.profile.report_cadence_days() else {
            continue;
        };
        let last = r.last_sent.map(|t| t.date_naive());
        let since = r.project_start.max(profile.assessed_at.date_naive());
        // The next due date: past due shows today, else the day it falls due.
        let due = match report_due(last, since, cadence, today) {
            Some(_) => today,
            None => last.unwrap_or(since) + Duration::days(cadence),
        };
        calendar.push(item(
            format!("report-{}-{}-{}@rapport", r.project_id, r.person_id, due),
            due,
            format!(
                "Status report due: {} ({})",
                name(person),
                project(ProjectId::new(r.project_id))
            ),
            format!("{} expects a report every {cadence} days.", name(person)),
        ));
    }

    let mut body = calendar.done().to_string();
    // icalendar stamps DTSTAMP from the system clock; use ours.
    let stamp = now.format("%Y%m%dT%H%M%SZ").to_string();
    body = body
        .lines()
        .map(|l| {
            if l.starts_with("DTSTAMP:") {
                format!("DTSTAMP:{stamp}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\r\n");
    body.push_str("\r\n");
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "private, max-age=300"),
        ],
        body,
    )
        .into_response())
}

/// A message cut to a summary line's length.
fn short(text: &str) -> String {
    let mut out: String = text.chars().take(90).collect();
    if text.chars().count() > 90 {
        out.push('…');
    }
    out
}

/// Makes a new calendar address for the signed-in user (the old one stops
/// working) and shows it once.
#[utoipa::path(post, path = "/settings/calendar", tag = "pages",
    responses((status = 200, description = "the settings page with the new address, shown once", content_type = "text/html")))]
pub async fn start(
    State(state): State<AppState>,
    current: crate::auth::CurrentUser,
    headers: axum::http::HeaderMap,
) -> Result<super::settings::SettingsPage, ApiError> {
    let secret = crate::auth::secret::random_secret()
        .map_err(|e| ApiError::Internal(format!("no randomness for a calendar secret: {e}")))?;
    state
        .store
        .start_calendar_feed(
            state.clock.now(),
            current.user.id,
            &crate::auth::secret::digest(&secret),
        )
        .await?;
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = if state.auth.secure_cookie {
        "https"
    } else {
        "http"
    };
    let mut page = super::settings::page(&state, &current, None, None, None).await?;
    page.new_calendar = Some(format!("{scheme}://{host}/calendar/{secret}.ics"));
    Ok(page)
}

/// Stops the signed-in user's calendar feed.
#[utoipa::path(post, path = "/settings/calendar/revoke", tag = "pages",
    responses((status = 303, description = "back to the settings page")))]
pub async fn stop(
    State(state): State<AppState>,
    current: crate::auth::CurrentUser,
) -> Result<axum::response::Redirect, ApiError> {
    state
        .store
        .revoke_calendar_feed(state.clock.now(), current.user.id)
        .await?;
    Ok(axum::response::Redirect::to(
        "/settings?done=calendar-stopped#calendar",
    ))
}
