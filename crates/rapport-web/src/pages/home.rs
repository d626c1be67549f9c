//! `/`: every live project with its latest cost and schedule performance.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use rapport_core::domain::{project_evm, ProjectStatus};
use rapport_core::ids::{AccountId, PersonId, ProjectId};
use std::collections::HashMap;

use super::Nav;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::AppState;

/// One project row, every number already computed and formatted.
pub struct ProjectRow {
    pub id: i64,
    pub name: String,
    pub code: String,
    pub account: String,
    pub account_id: i64,
    pub status: &'static str,
    pub budget: String,
    pub status_date: String,
    pub percent_complete: String,
    pub cpi: String,
    pub cpi_class: &'static str,
    pub spi_t: String,
    pub spi_t_class: &'static str,
    pub eac: String,
    pub planned_finish: String,
    pub forecast_finish: String,
    pub finish_class: &'static str,
    /// Days since the last logged conversation with the client rep.
    pub rep_contact: String,
    pub rep_contact_class: &'static str,
    pub open_questions: i64,
    pub overdue_commitments: i64,
    /// The worse of CPI and SPI(t), for ordering by risk.
    worst_index: Option<f64>,
    /// The account's relationship health, as the last daily score.
    pub health: String,
    pub health_class: &'static str,
    health_score: Option<u8>,
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    pub nav: Nav,
    pub projects: Vec<ProjectRow>,
    pub account_options: Vec<FilterOption>,
    pub manager_options: Vec<FilterOption>,
    /// Whether a filter narrows the list.
    pub filtered: bool,
    pub location: Option<String>,
    /// Ordered by relationship health rather than delivery.
    pub by_health: bool,
}

/// One choice of a portfolio filter.
pub struct FilterOption {
    pub id: i64,
    pub name: String,
    pub selected: bool,
}

/// The portfolio's filters: one account, one project manager (empty:
/// all, as the form's first choice sends it).
#[derive(Debug, serde::Deserialize)]
pub struct PortfolioQuery {
    #[serde(default)]
    pub account: String,
    #[serde(default)]
    pub pm: String,
    /// `health`: weakest client relationship first (for leadership);
    /// otherwise most at risk on delivery first.
    #[serde(default)]
    pub order: String,
}

struct PortfolioFilter {
    account: Option<i64>,
    pm: Option<i64>,
}

/// The band's CSS class, of the index as shown ("none" without one).
pub(super) fn band(index: Option<f64>) -> &'static str {
    index.map_or("none", |v| rapport_core::evm::band::band(v).class())
}

pub(super) fn index(value: Option<f64>) -> String {
    value.map_or_else(|| "—".into(), rapport_core::evm::band::shown)
}

pub(super) fn money(value: f64, currency: &str) -> String {
    rapport_report::format::money(value, Some(currency))
}

pub(super) fn status_label(status: ProjectStatus) -> &'static str {
    match status {
        ProjectStatus::Proposed => "Proposed",
        ProjectStatus::Active => "Active",
        ProjectStatus::OnHold => "On hold",
        ProjectStatus::Finished => "Finished",
        ProjectStatus::Cancelled => "Cancelled",
    }
}

/// The portfolio: every project the user may see, most at risk first.
#[utoipa::path(get, path = "/", tag = "pages",
    params(("account" = Option<i64>, Query, description = "only this account's projects"), ("pm" = Option<i64>, Query, description = "only the projects this person manages"), ("order" = Option<String>, Query, description = "`health`: weakest client relationship first")),
    responses((status = 200, description = "the portfolio page", content_type = "text/html")))]
pub async fn show(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<PortfolioQuery>,
) -> Result<HomePage, ApiError> {
    let id = |text: &str, what: &str| -> Result<Option<i64>, ApiError> {
        match text.trim() {
            "" => Ok(None),
            t => t
                .parse()
                .map(Some)
                .map_err(|_| ApiError::invalid_field(what, format!("\"{t}\" is not an id"))),
        }
    };
    let filter = PortfolioFilter {
        account: id(&query.account, "account")?,
        pm: id(&query.pm, "pm")?,
    };
    let store = &state.store;
    let scope = current.scope();
    // One query: the daily score kept by the sweep (the factors are on
    // each account's page, computed live).
    let health = store.latest_health().await?;
    let accounts: HashMap<AccountId, String> = store
        .accounts(scope, true)
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    let today = state.clock.today();
    let relationships = store.relationship_summaries(scope, today).await?;
    let mut projects = Vec::new();
    let all = store.projects(scope, None, false).await?;
    // The filters offer what the user's projects hold: their accounts and
    // their managers, by name.
    // (And each client rep, whose own contact interval colours their cell.)
    let named: Vec<PersonId> = all
        .iter()
        .flat_map(|p| [p.project_manager_id, p.client_rep_id])
        .collect();
    let people: HashMap<PersonId, rapport_store::Person> = store
        .people_named(&named)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let manager_names: HashMap<PersonId, String> =
        people.iter().map(|(id, p)| (*id, p.name.clone())).collect();
    let mut account_options: Vec<FilterOption> = Vec::new();
    let mut manager_options: Vec<FilterOption> = Vec::new();
    for p in &all {
        let (a, m) = (p.account_id.get(), p.project_manager_id.get());
        if !account_options.iter().any(|o| o.id == a) {
            account_options.push(FilterOption {
                id: a,
                name: accounts.get(&p.account_id).cloned().unwrap_or_default(),
                selected: filter.account == Some(a),
            });
        }
        if !manager_options.iter().any(|o| o.id == m) {
            manager_options.push(FilterOption {
                id: m,
                name: manager_names
                    .get(&p.project_manager_id)
                    .cloned()
                    .unwrap_or_default(),
                selected: filter.pm == Some(m),
            });
        }
    }
    account_options.sort_by(|a, b| a.name.cmp(&b.name));
    manager_options.sort_by(|a, b| a.name.cmp(&b.name));
    let filtered = all.into_iter().filter(|p| {
        filter.account.is_none_or(|a| p.account_id.get() == a)
            && filter.pm.is_none_or(|m| p.project_manager_id.get() == m)
    });
    let filtered: Vec<_> = filtered.collect();
    let ids: Vec<ProjectId> = filtered.iter().map(|p| p.id).collect();
    let mut statuses = store.status_records_of(&ids).await?;
    for project in filtered {
        let relationship = relationships.get(&project.id).cloned().unwrap_or_default();
        let since_contact = relationship
            .rep_last_contact
            .map(|d| (today - d).num_days().max(0));
        let records = statuses.remove(&project.id).unwrap_or_default();
        let drafts = records
            .iter()
            .map(|r| r.draft())
            .collect::<Result<Vec<_>, _>>()?;
        let latest = project_evm(&project.baseline, &drafts).pop();
        let b = &project.baseline;
        let currency = b.currency().code();
        let m = latest.as_ref().map(|l| &l.metrics);
        let forecast = m.and_then(|m| m.forecast_finish);
        let ended = matches!(
            project.status,
            ProjectStatus::Finished | ProjectStatus::Cancelled
        );
        projects.push(ProjectRow {
            id: project.id.get(),
            name: project.name.clone(),
            code: project.code.clone().unwrap_or_default(),
            account: accounts
                .get(&project.account_id)
                .cloned()
                .unwrap_or_default(),
            account_id: project.account_id.get(),
            status: status_label(project.status),
            budget: money(b.currency().to_units(b.bac_minor()), currency),
            status_date: latest
                .as_ref()
                .map_or_else(|| "no status yet".into(), |l| l.status_date.to_string()),
            percent_complete: m
                .map_or_else(|| "—".into(), |m| format!("{:.0}%", m.percent_complete)),
            cpi: index(m.and_then(|m| m.cpi)),
            cpi_class: band(m.and_then(|m| m.cpi)),
            spi_t: index(m.and_then(|m| m.spi_t)),
            spi_t_class: band(m.and_then(|m| m.spi_t)),
            // Which estimate at completion, said beside it.
            eac: match (m.and_then(|m| m.eac.manager), m.and_then(|m| m.eac.cpi)) {
                (Some(v), _) => format!("{} (PM's)", money(v, currency)),
                (None, Some(v)) => format!("{} (BAC/CPI)", money(v, currency)),
                (None, None) => "—".into(),
            },
            planned_finish: b.finish().to_string(),
            forecast_finish: match (forecast, m.and_then(|m| m.forecast_note.as_ref())) {
                // A project that has ended has no forecast to colour.
                _ if ended => "ended".into(),
                (Some(d), _) => d.to_string(),
                // Too little earned to forecast a date (see the EVM note).
                (None, Some(_)) => "no date: too little earned".into(),
                (None, None) => "—".into(),
            },
            finish_class: match forecast {
                _ if ended => "none",
                None => "none",
                Some(d) => rapport_core::evm::band::finish_band(d, b.finish()).class(),
            },
            rep_contact: since_contact.map_or_else(
                || "never".into(),
                |d| match d {
                    0 => "today".into(),
                    1 => "1 day ago".into(),
                    d => format!("{d} days ago"),
                },
            ),
            // The rep's own contact interval colours it (the usual one when
            // they have none), as on Today and their page.
            rep_contact_class: {
                let rep = people.get(&project.client_rep_id);
                rapport_core::agenda::contact_band(
                    since_contact,
                    rep.and_then(|r| r.contact_ideal_days),
                    rep.and_then(|r| r.contact_max_days),
                )
                .class()
            },
            open_questions: relationship.open_questions,
            overdue_commitments: relationship.overdue_commitments,
            health: health
                .get(&project.account_id)
                .map_or_else(|| "—".into(), |s| s.to_string()),
            health_class: match health.get(&project.account_id) {
                Some(70..) => "good",
                Some(40..) => "watch",
                Some(_) => "bad",
                None => "none",
            },
            health_score: health.get(&project.account_id).copied(),
            worst_index: match (m.and_then(|m| m.cpi), m.and_then(|m| m.spi_t)) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            },
        });
    }
    // Most at risk first; projects without a status yet at the end.
    projects.sort_by(|a, b| match (a.worst_index, b.worst_index) {
        (Some(x), Some(y)) => x.total_cmp(&y).then_with(|| a.name.cmp(&b.name)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.name.cmp(&b.name),
    });
    let by_health = query.order == "health";
    if by_health {
        // Weakest relationship first, unscored last; delivery within.
        projects.sort_by_key(|p| p.health_score.map_or(u16::MAX, u16::from));
    }
    Ok(HomePage {
        nav: Nav::of(&current),
        projects,
        account_options,
        manager_options,
        filtered: filter.account.is_some() || filter.pm.is_some(),
        by_health,
        // Where the data lives is for administrators, not every reader.
        location: current
            .user
            .role
            .may_manage_users()
            .then(|| store.location().to_string()),
    })
}
