//! `/projects/{id}`: the project cockpit — delivery at a glance (baseline
//! against forecast, the earned-value chart), and the relationship work of
//! the project: open follow-up questions, commitments due, the interaction
//! timeline, the stakeholders and the estimate versions.
//!
//! What it reads: `Store::cockpit`, one read transaction of eleven
//! statements (the project with its baseline and team, its account, its
//! status records, its latest 20 interactions with their participants and
//! their count, its questions, its commitments, its estimate versions with
//! their results, and the people those name), whatever the size of the
//! portfolio or the number of estimate versions.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::Extension;
use chrono::NaiveDate;
use rapport_core::domain::{open_for_days, project_evm, CommitmentState, QuestionState};
use rapport_core::estimate::EstimateResults;
use rapport_core::ids::{PersonId, ProjectId};
use rapport_report::charts::{earned_value, EarnedValueSeries};
use serde::Deserialize;

use super::home::{band, index, money, status_label};
use super::Nav;
use crate::auth::{CurrentUser, ProjectAccessOf};
use crate::error::{ApiError, ApiPath};
use crate::AppState;

/// How many interactions the timeline shows.
const TIMELINE: i64 = 20;

pub struct Figure {
    pub label: &'static str,
    pub value: String,
    pub class: &'static str,
    pub note: String,
}

pub struct StatusRow {
    pub date: String,
    pub ev: String,
    pub ac: String,
    pub eac: String,
    pub comment: String,
}

pub struct StakeholderRow {
    pub id: i64,
    pub name: String,
    pub role: String,
}

pub struct QuestionRow {
    pub id: i64,
    pub question: String,
    pub asked_of: String,
    pub asked_of_id: i64,
    pub asked_on: String,
    pub state: &'static str,
    pub waiting: String,
    pub answer: String,
    pub answered: bool,
}

pub struct CommitmentRow {
    pub id: i64,
    pub description: String,
    pub by: String,
    pub by_id: i64,
    pub to: String,
    pub to_id: i64,
    pub due_on: String,
    pub when: String,
    pub class: &'static str,
    pub state: &'static str,
    pub reason: String,
}

pub struct InteractionRow {
    pub date: String,
    pub kind: &'static str,
    pub summary: String,
    pub notes: String,
    pub people: Vec<super::timeline::PersonLink>,
}

pub struct VersionRow {
    pub version: i64,
    pub name: String,
    pub created: String,
    pub headline: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "projects/cockpit.html")]
pub struct CockpitPage {
    pub nav: Nav,
    pub id: i64,
    pub name: String,
    pub code: String,
    pub account: String,
    pub account_id: i64,
    pub status: &'static str,
    pub manager: String,
    pub manager_id: i64,
    pub rep: String,
    pub rep_id: i64,
    pub figures: Vec<Figure>,
    pub chart: String,
    pub status_rows: Vec<StatusRow>,
    pub stakeholders: Vec<StakeholderRow>,
    pub questions: Vec<QuestionRow>,
    pub commitments: Vec<CommitmentRow>,
    pub interactions: Vec<InteractionRow>,
    /// Says the timeline shows only the latest, when it does.
    pub timeline_note: Option<String>,
    pub versions: Vec<VersionRow>,
    pub may_contribute: bool,
    /// Whether the user may record status (the project's manager).
    pub may_manage: bool,
    /// The status form: today's date, or what was typed when it came back.
    pub status_form: StatusFormView,
    pub notice: Option<&'static str>,
    pub error: Option<String>,
    pub news: super::news::NewsPanel,
    pub reports: super::reports::ReportsPanel,
}

/// The status form's values and what it says about them.
pub struct StatusFormView {
    pub date: String,
    pub ev: String,
    pub ac: String,
    pub eac: String,
    pub comment: String,
    pub error: Option<String>,
    /// Each field's error, shown beside it.
    pub fields: Vec<(String, String)>,
    pub warning: Option<String>,
    /// Open the form (it came back with something to fix or confirm).
    pub open: bool,
}

impl StatusFormView {
    /// The error of one field, if it has one.
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
}

#[derive(Debug, Deserialize)]
pub struct CockpitQuery {
    pub done: Option<String>,
}

pub(super) fn kind_label(kind: rapport_core::domain::InteractionKind) -> &'static str {
    use rapport_core::domain::InteractionKind::*;
    match kind {
        Meeting => "Meeting",
        Call => "Call",
        Email => "E-mail",
        Visit => "Visit",
        Message => "Message",
    }
}

pub(super) fn question_state(state: QuestionState) -> &'static str {
    match state {
        QuestionState::Open => "waiting for an answer",
        QuestionState::Answered => "answered, to confirm",
        QuestionState::UnderstandingConfirmed => "understanding confirmed",
    }
}

pub(super) fn commitment_state(state: CommitmentState) -> &'static str {
    match state {
        CommitmentState::Open => "open",
        CommitmentState::Kept => "kept",
        CommitmentState::Late => "kept late",
        CommitmentState::Broken => "broken",
        CommitmentState::Renegotiated => "renegotiated",
    }
}

/// "due in 3 days", "due today", "4 days overdue", in whole days, with the
/// colour of the promise's standing (core's, as the ledger and Today use).
pub(super) fn due_words(due: NaiveDate, today: NaiveDate) -> (String, &'static str) {
    use rapport_core::ledger::{standing, Standing};
    let days = (due - today).num_days();
    let plural = |n: i64| if n == 1 { "" } else { "s" };
    let words = match days {
        d if d < 0 => format!("{} day{} overdue", -d, plural(-d)),
        0 => "due today".into(),
        d => format!("due in {d} day{}", plural(d)),
    };
    let class = match standing(due, today) {
        Standing::Overdue => "bad",
        Standing::DueSoon => "watch",
        Standing::Later => "none",
    };
    (words, class)
}

/// The cockpit of one project.
#[utoipa::path(get, path = "/projects/{id}", tag = "pages",
    params(("id" = i64, Path, description = "project id"), ("done" = Option<String>, Query, description = "what was just done, for the notice")),
    responses((status = 200, description = "the project cockpit", content_type = "text/html")))]
pub async fn show(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    Query(query): Query<CockpitQuery>,
    Extension(ProjectAccessOf(access)): Extension<ProjectAccessOf>,
) -> Result<CockpitPage, ApiError> {
    let notice = match query.done.as_deref() {
        Some("captured") => Some("The conversation was recorded."),
        Some("answered") => Some("The answer was recorded; confirm it once the person agrees."),
        Some("confirmed") => Some("Understanding confirmed."),
        Some("resolved") => Some("The commitment was updated."),
        Some("status") => Some("The status was recorded."),
        Some("elsewhere") => {
            Some("Recorded: the client heard it from someone else. It counts as a surprise.")
        }
        Some("acknowledged") => Some("Recorded: the client rep acknowledged it."),
        _ => None,
    };
    page(&state, &current, id, access, notice, None, None).await
}

/// The cockpit, with a notice of what was just done or an error of a form
/// that was refused (shown at the top, the page otherwise as it was).
pub async fn page(
    state: &AppState,
    current: &CurrentUser,
    id: i64,
    access: rapport_core::access::ProjectAccess,
    notice: Option<&'static str>,
    error: Option<String>,
    status_form: Option<super::status::StatusFormState>,
) -> Result<CockpitPage, ApiError> {
    let store = &state.store;
    let project_id = ProjectId::new(id);
    let today = state.clock.today();
    let rapport_store::CockpitRecord {
        project,
        account,
        status: records,
        interactions,
        interactions_total,
        questions,
        commitments,
        versions,
        people,
        news,
        reports,
        profiles,
    } = store.cockpit(project_id, TIMELINE).await?;
    let names: HashMap<PersonId, String> = people.iter().map(|p| (p.id, p.name.clone())).collect();
    let name = |id: PersonId| {
        names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("person {id}"))
    };

    let b = &project.baseline;
    let currency = b.currency().code().to_string();
    let m = |v: f64| money(v, &currency);
    let drafts = records
        .iter()
        .map(|r| r.draft())
        .collect::<Result<Vec<_>, _>>()?;
    let evm = project_evm(b, &drafts);
    let latest = evm.last();
    let metrics = latest.map(|l| &l.metrics);
    let eac = metrics.and_then(|m| m.eac.manager.or(m.eac.cpi));
    let figures = vec![
        Figure {
            label: "Budget (BAC)",
            value: m(b.currency().to_units(b.bac_minor())),
            class: "none",
            note: format!("planned finish {}", b.finish()),
        },
        Figure {
            label: "Complete",
            value: metrics.map_or("—".into(), |m| format!("{:.0}%", m.percent_complete)),
            class: "none",
            note: latest.map_or("no status recorded yet".into(), |l| {
                format!("as of {}", l.status_date)
            }),
        },
        Figure {
            label: "CPI",
            value: index(metrics.and_then(|m| m.cpi)),
            class: band(metrics.and_then(|m| m.cpi)),
            note: "value earned per unit spent".into(),
        },
        Figure {
            label: "SPI(t)",
            value: index(metrics.and_then(|m| m.spi_t)),
            class: band(metrics.and_then(|m| m.spi_t)),
            note: "schedule performance in time".into(),
        },
        Figure {
            label: "Estimate at completion (EAC)",
            value: eac.map_or("—".into(), &m),
            class: "none",
            note: match metrics.map(|m| m.eac.manager.is_some()) {
                Some(true) => "the PM's own estimate".into(),
                Some(false) => "BAC / CPI".into(),
                None => String::new(),
            },
        },
        Figure {
            label: "EAC at current CPI",
            value: metrics.and_then(|m| m.eac.cpi).map_or("—".into(), &m),
            class: "none",
            note: metrics.and_then(|m| m.tcpi.bac).map_or(String::new(), |t| {
                format!("finishing on budget needs a CPI of {t:.2} from here (TCPI)")
            }),
        },
        Figure {
            label: "Forecast finish",
            value: metrics
                .and_then(|m| m.forecast_finish)
                .map_or("—".into(), |d| d.to_string()),
            class: metrics.and_then(|m| m.forecast_finish).map_or("none", |d| {
                rapport_core::evm::band::finish_band(d, b.finish()).class()
            }),
            note: "earned schedule, IEAC(t)".into(),
        },
    ];

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
    let forecast = metrics.and_then(|m| m.forecast_finish).zip(eac);
    let chart = earned_value(
        "Planned value, earned value and actual cost",
        &EarnedValueSeries {
            planned: &planned,
            status: &status_points,
            bac: b.currency().to_units(b.bac_minor()),
            forecast,
        },
        &|v| rapport_report::format::grouped(v),
    );

    let status_rows = records
        .iter()
        .rev()
        .map(|r| StatusRow {
            date: r.status_date.to_string(),
            ev: m(b.currency().to_units(r.ev_minor)),
            ac: m(b.currency().to_units(r.ac_minor)),
            eac: r
                .manager_eac_minor
                .map_or("—".into(), |e| m(b.currency().to_units(e))),
            comment: r.comment.clone().unwrap_or_default(),
        })
        .collect();

    let question_rows = questions
        .iter()
        .filter(|q| q.state != QuestionState::UnderstandingConfirmed)
        .map(|q| QuestionRow {
            id: q.id,
            question: q.question.clone(),
            asked_of: name(q.asked_of_id),
            asked_of_id: q.asked_of_id.get(),
            asked_on: q.asked_on.to_string(),
            state: question_state(q.state),
            waiting: match open_for_days(q.asked_on, today) {
                0 => "asked today".to_string(),
                1 => "asked 1 day ago".to_string(),
                days => format!("asked {days} days ago"),
            },
            answer: q.answer.clone().unwrap_or_default(),
            answered: q.state == QuestionState::Answered,
        })
        .collect();

    let commitment_rows = commitments
        .iter()
        .filter(|c| {
            matches!(
                c.state,
                CommitmentState::Open | CommitmentState::Renegotiated
            )
        })
        .map(|c| {
            let (when, class) = due_words(c.due_on, today);
            CommitmentRow {
                id: c.id,
                description: c.description.clone(),
                by: name(c.promised_by_id),
                by_id: c.promised_by_id.get(),
                to: name(c.promised_to_id),
                to_id: c.promised_to_id.get(),
                due_on: c.due_on.to_string(),
                when,
                class,
                state: commitment_state(c.state),
                reason: c.reason.clone().unwrap_or_default(),
            }
        })
        .collect();

    let interaction_rows = interactions
        .iter()
        .map(|i| InteractionRow {
            date: i.occurred_on.to_string(),
            kind: kind_label(i.kind),
            summary: i.summary.clone(),
            notes: i.notes.clone().unwrap_or_default(),
            people: i
                .participant_ids
                .iter()
                .map(|p| super::timeline::PersonLink {
                    id: p.get(),
                    name: name(*p),
                })
                .collect(),
        })
        .collect();

    let mut version_rows = Vec::new();
    for (v, kept) in versions.iter().rev() {
        let headline = match kept {
            Some(kept) => match serde_json::from_str::<EstimateResults>(&kept.results) {
                Ok(r) => {
                    let cost = rapport_report::format::money(
                        rapport_report::format::ceil3(r.cost.at_confidence),
                        r.currency.as_deref(),
                    );
                    match &r.duration {
                        Some(d) => format!(
                            "{:.0}% confident under {cost} and within {} working days",
                            r.confidence * 100.0,
                            rapport_report::format::days_up(d.at_confidence)
                        ),
                        None => format!("{:.0}% confident under {cost}", r.confidence * 100.0),
                    }
                }
                Err(_) => "results kept in an older form: simulate again".into(),
            },
            None => "not simulated yet".into(),
        };
        version_rows.push(VersionRow {
            version: v.version,
            name: v.name.clone(),
            created: v.created_at.format("%Y-%m-%d").to_string(),
            headline,
        });
    }

    let news = super::news::panel(
        &news,
        project.client_rep_id,
        &name(project.client_rep_id),
        profiles
            .get(&project.client_rep_id)
            .map(|p| p.profile.style()),
        today,
    );
    let reports = super::reports::panel(&project, &reports, &people, &profiles);
    Ok(CockpitPage {
        reports,
        news,
        nav: Nav::of(current),
        id,
        name: project.name.clone(),
        code: project.code.clone().unwrap_or_default(),
        account: account.name,
        account_id: account.id.get(),
        status: status_label(project.status),
        manager: name(project.project_manager_id),
        manager_id: project.project_manager_id.get(),
        rep: name(project.client_rep_id),
        rep_id: project.client_rep_id.get(),
        figures,
        chart,
        status_rows,
        stakeholders: project
            .stakeholders
            .iter()
            .map(|s| StakeholderRow {
                id: s.person_id.get(),
                name: name(s.person_id),
                role: s.role.clone(),
            })
            .collect(),
        questions: question_rows,
        commitments: commitment_rows,
        timeline_note: (interactions_total > TIMELINE).then(|| {
            format!(
                "The latest {TIMELINE} of {interactions_total}; the API lists them all (GET /api/v1/projects/{id}/interactions)."
            )
        }),
        interactions: interaction_rows,
        versions: version_rows,
        may_contribute: access >= rapport_core::access::ProjectAccess::Contribute,
        may_manage: access >= rapport_core::access::ProjectAccess::Manage,
        status_form: match status_form {
            Some(typed) => StatusFormView {
                date: typed.form.status_date,
                ev: typed.form.ev,
                ac: typed.form.ac,
                eac: typed.form.eac,
                comment: typed.form.comment,
                error: typed.error,
                fields: typed.fields,
                warning: typed.warning,
                open: true,
            },
            None => StatusFormView {
                date: today.to_string(),
                ev: String::new(),
                ac: String::new(),
                eac: String::new(),
                comment: String::new(),
                error: None,
                fields: Vec::new(),
                warning: None,
                open: false,
            },
        },
        notice,
        error,
    })
}
