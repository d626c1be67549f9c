//! Writing a status report from live data and queuing it for e-mail: the
//! glue between the store (what happened), core (the numbers), the report
//! crate (the words, shaped for the reader) and the mail module. The API
//! and the pages both go through here, so a preview is what gets sent.

use std::collections::HashMap;

use chrono::NaiveDate;
use rapport_core::disclosure::{NewsState, Severity};
use rapport_core::domain::{project_evm, CommitmentState, Side};
use rapport_core::ids::PersonId;
use rapport_report::charts::{earned_value, EarnedValueSeries};
use rapport_report::status::{NewsLine, Promise};
use rapport_report::{status_report, StatusInput, StatusReport};
use rapport_store::{Outgoing, Report};

use crate::error::ApiError;
use crate::AppState;

/// News told within this many days stays in the reports that follow, so
/// a reader who missed the conversation still reads it.
const RECENT_DAYS: i64 = 30;

/// Promises due within this many days are the next steps.
const NEXT_DAYS: i64 = 21;

/// Refuses a report to anyone but the client rep while it carries news
/// the rep has not been told: the rep must never hear it second.
pub async fn rep_told_first(state: &AppState, report: &Report) -> Result<(), ApiError> {
    let project = state.store.project(report.project_id).await?;
    if report.recipient_id == project.client_rep_id {
        return Ok(());
    }
    let open = state
        .store
        .news(report.project_id)
        .await?
        .into_iter()
        .filter(|n| n.state == NewsState::Open)
        .count();
    if open > 0 {
        let rep = state.store.person(project.client_rep_id).await?.name;
        return Err(ApiError::Conflict(format!(
            "this report carries {open} item{} of news that {rep}, the client rep, has not been told; tell {rep} first (record the conversation, or send them their report), then send this one",
            if open == 1 { "" } else { "s" }
        )));
    }
    Ok(())
}

/// The report as it stands now, and the open news it contains.
pub async fn compose(
    state: &AppState,
    report: &Report,
    prepared_by: &str,
) -> Result<(StatusReport, Vec<i64>), ApiError> {
    let store = &state.store;
    let today = state.clock.today();
    let project = store.project(report.project_id).await?;
    let account = store.account(project.account_id).await?;
    let recipient = store.person(report.recipient_id).await?;
    let profile = store.profile(report.recipient_id).await?;
    let records = store.status_records(report.project_id, false).await?;
    let drafts = records
        .iter()
        .map(|r| r.draft())
        .collect::<Result<Vec<_>, _>>()?;
    let b = &project.baseline;
    let evm = project_evm(b, &drafts);
    let news = store.news(report.project_id).await?;
    let recent = today - chrono::Duration::days(RECENT_DAYS);
    let mut open_ids = Vec::new();
    let mut lines = Vec::new();
    for n in &news {
        let standing = match n.state {
            NewsState::Open => {
                open_ids.push(n.id);
                String::new()
            }
            NewsState::Told | NewsState::Acknowledged if n.told_on.is_some_and(|t| t >= recent) => {
                let on = n.told_on.unwrap_or(today);
                if n.learned_elsewhere {
                    format!("which reached you on {on} before we told you")
                } else {
                    format!("as we told you on {on}")
                }
            }
            _ => continue,
        };
        // Worded for the reader: a promise to them is theirs.
        let message = n.client_message.replacen(
            &format!("Promised to {}:", recipient.name),
            "Promised to you:",
            1,
        );
        lines.push(NewsLine {
            critical: n.severity == Severity::Critical,
            message,
            standing,
        });
    }
    let commitments = store.commitments(report.project_id).await?;
    let questions = store.questions(report.project_id).await?;
    let mut named: Vec<PersonId> = commitments
        .iter()
        .flat_map(|c| [c.promised_by_id, c.promised_to_id])
        .collect();
    named.extend(project.stakeholders.iter().map(|s| s.person_id));
    named.push(project.project_manager_id);
    let people = store.people_named(&named).await?;
    let names: HashMap<PersonId, String> = people.iter().map(|p| (p.id, p.name.clone())).collect();
    let name = |id: PersonId| names.get(&id).cloned().unwrap_or_default();
    let firm: Vec<PersonId> = people
        .iter()
        .filter(|p| p.side == Side::Firm)
        .map(|p| p.id)
        .collect();
    let settled = commitments
        .iter()
        .filter(|c| {
            matches!(
                c.state,
                CommitmentState::Kept | CommitmentState::Late | CommitmentState::Broken
            )
        })
        .count();
    let kept = commitments
        .iter()
        .filter(|c| c.state == CommitmentState::Kept)
        .count();
    let due_by: NaiveDate = today + chrono::Duration::days(NEXT_DAYS);
    let mut planned = vec![(b.start() - chrono::Duration::days(1), 0.0)];
    planned.extend(
        b.planned()
            .iter()
            .map(|p| (p.period_end, b.currency().to_units(p.pv_minor))),
    );
    let status_points: Vec<(NaiveDate, f64, f64)> = evm
        .iter()
        .map(|d| (d.status_date, d.metrics.ev, d.metrics.ac))
        .collect();
    let latest = evm.last().map(|m| &m.metrics);
    let eac = latest.and_then(|m| m.eac.manager.or(m.eac.cpi));
    let chart = (!evm.is_empty()).then(|| {
        earned_value(
            "Planned value, earned value and actual cost",
            &EarnedValueSeries {
                planned: &planned,
                status: &status_points,
                bac: b.currency().to_units(b.bac_minor()),
                forecast: latest.and_then(|m| m.forecast_finish).zip(eac),
            },
            &|v| rapport_report::format::grouped(v),
        )
    });
    let brief = store.brief_history(report.project_id).await?;
    let input = StatusInput {
        project: project.name.clone(),
        account: account.name.clone(),
        recipient: recipient.name.clone(),
        style: profile.as_ref().map(|p| p.profile.style()),
        detail: profile.as_ref().and_then(|p| p.profile.detail_level()),
        prepared_by: prepared_by.to_string(),
        date: today,
        currency: b.currency().clone(),
        bac_minor: b.bac_minor(),
        baseline_finish: b.finish(),
        evm,
        news: lines,
        goal: brief.first().map(|b| b.goal.clone()),
        next: commitments
            .iter()
            .filter(|c| {
                matches!(
                    c.state,
                    CommitmentState::Open | CommitmentState::Renegotiated
                ) && c.due_on <= due_by
            })
            .map(|c| Promise {
                by: name(c.promised_by_id),
                to: name(c.promised_to_id),
                what: c.description.clone(),
                due: c.due_on,
            })
            .collect(),
        questions: questions
            .iter()
            .filter(|q| q.asked_of_id == report.recipient_id && q.answer.is_none())
            .map(|q| format!("{} (asked on {})", q.question, q.asked_on))
            .collect(),
        kept: (kept, settled),
        team: project
            .stakeholders
            .iter()
            .filter(|s| firm.contains(&s.person_id))
            .map(|s| (name(s.person_id), s.role.clone()))
            .collect(),
        pm_words: report.pm_words.clone(),
        chart,
    };
    Ok((status_report(&input), open_ids))
}

/// The report as it stands, in every form, with what it states.
struct Rendered {
    model: StatusReport,
    markdown: String,
    html: String,
    pdf: Vec<u8>,
    news_ids: Vec<i64>,
    figures: rapport_store::Figures,
}

async fn render(
    state: &AppState,
    report: &Report,
    prepared_by: &str,
) -> Result<Rendered, ApiError> {
    let figures = state.store.forecast_figures(report.project_id).await?;
    let (model, news_ids) = compose(state, report, prepared_by).await?;
    let markdown = model.markdown();
    let html = model
        .html()
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let typeset = model.clone();
    let pdf = state
        .heavy(move |_| typeset.pdf())
        .await?
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(Rendered {
        model,
        markdown,
        html,
        pdf,
        news_ids,
        figures,
    })
}

/// Renders the report as it stands, freezes it with the e-mail built from
/// it, and queues it for the sender.
pub async fn queue(
    state: &AppState,
    report: &Report,
    sender: PersonId,
    prepared_by: &str,
    actor: &str,
) -> Result<Report, ApiError> {
    if report.state != rapport_store::ReportState::Draft {
        return Err(ApiError::Conflict(format!(
            "report {} is {}; only a draft is sent (a failed one is sent again)",
            report.id,
            report.state.as_str()
        )));
    }
    let Some(mail) = state.mail.clone() else {
        return Err(ApiError::Conflict(
            "e-mail is not set up on this server: start Rapport with RAPPORT_SMTP_URL and RAPPORT_MAIL_FROM, or download the report, send it yourself and record that you did".into(),
        ));
    };
    let recipient = state.store.person(report.recipient_id).await?;
    let Some(address) = recipient.email.clone() else {
        return Err(ApiError::invalid_field(
            "recipient_id",
            format!(
                "{} has no e-mail address; add one on their page, or download the report",
                recipient.name
            ),
        ));
    };
    rep_told_first(state, report).await?;
    let r = render(state, report, prepared_by).await?;
    let today = state.clock.today();
    let stem: String = r
        .model
        .title
        .split(':')
        .next()
        .unwrap_or("report")
        .to_string();
    let stem = stem
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let filename = format!("{stem}-status-{today}.pdf");
    let reply_to = state.store.person(sender).await?.email;
    let built = crate::mail::build(
        &mail,
        crate::mail::Letter {
            report_id: report.id,
            to_name: recipient.name.clone(),
            to_address: address,
            subject: format!("{}, {}", r.model.title, today.format("%-d %B %Y")),
            reply_to,
            text: r.markdown.clone(),
            html: r.html.clone(),
            pdf: r.pdf.clone(),
            filename,
        },
    )
    .map_err(|e| ApiError::invalid_field("recipient_id", e))?;
    let queued = state
        .store
        .queue_report(
            state.clock.now(),
            actor,
            report.id,
            &Outgoing {
                sender_id: sender,
                pm_words: report.pm_words.clone(),
                subject: r.model.title,
                markdown: r.markdown,
                html: r.html,
                pdf: r.pdf,
                message: built.bytes,
                message_id: built.message_id,
                envelope_from: built.envelope_from,
                envelope_to: built.envelope_to,
                news_ids: r.news_ids,
                figures: r.figures,
            },
        )
        .await?;
    state.mail_queued.notify_one();
    Ok(queued)
}

/// Records that the PM sent the report as it stands themselves: frozen,
/// marked sent, the interaction recorded and its news told.
pub async fn sent_by_hand(
    state: &AppState,
    report: &Report,
    sender: PersonId,
    prepared_by: &str,
    actor: &str,
) -> Result<Report, ApiError> {
    let recipient = state.store.person(report.recipient_id).await?;
    if report.state == rapport_store::ReportState::Failed {
        // Already frozen as it was to go: record that as sent.
        return Ok(state
            .store
            .failed_sent_by_hand(state.clock.now(), actor, report.id)
            .await?);
    }
    rep_told_first(state, report).await?;
    let r = render(state, report, prepared_by).await?;
    Ok(state
        .store
        .sent_by_hand(
            state.clock.now(),
            actor,
            report.id,
            &Outgoing {
                sender_id: sender,
                pm_words: report.pm_words.clone(),
                subject: r.model.title,
                markdown: r.markdown,
                html: r.html,
                pdf: r.pdf,
                message: Vec::new(),
                message_id: String::new(),
                envelope_from: String::new(),
                envelope_to: recipient.email.unwrap_or(recipient.name),
                news_ids: r.news_ids,
                figures: r.figures,
            },
        )
        .await?)
}

/// The demo's sent report: the demo PM's report on the warehouse project
/// to its client rep, which the PM sent themselves (no mail server in a
/// demo, and nothing shows as e-mailed that was not). Its news counts as
/// told by the report.
pub async fn demo_report(state: &AppState, pm: PersonId) -> Result<(), ApiError> {
    let projects = state
        .store
        .projects(rapport_store::Scope::Everything, None, false)
        .await?;
    let Some(project) = projects
        .iter()
        .find(|p| p.project_manager_id == pm && p.name == "Warehouse management integration")
    else {
        return Ok(());
    };
    let pm_name = state.store.person(pm).await?.name;
    let draft = state
        .store
        .create_report(
            state.clock.now(),
            "demo",
            project.id,
            project.client_rep_id,
            Some("Priyanka, as promised on the phone: the revised dates and what is driving them, in writing."),
        )
        .await?;
    sent_by_hand(state, &draft, pm, &pm_name, "demo").await?;
    Ok(())
}
