//! `/people/{id}`: one person's page — who they are and how to reach them,
//! their contact clock against their intervals, the projects they are on,
//! their record of promises both ways (made by them and made to them), the
//! questions waiting on them, and one timeline of every conversation with
//! them across the projects you see.
//!
//! What it reads: the person, their account, the projects (one
//! `projects` call: three queries), the timeline (six queries in one
//! snapshot) and the names it shows (one query).

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use rapport_core::domain::{CommitmentState, Side};
use rapport_core::ids::PersonId;
use rapport_core::ledger::records;
use rapport_core::style::{self, guidance::borderline_hint, guidance::decision_hint, Guidance};
use rapport_report::charts::style_grid;
use rapport_store::{Profile, Subject};
use serde::Deserialize;

use super::home::status_label;
use super::profile::{channel_label, detail_label};
use super::timeline::{self, Clock, Rows, TIMELINE};
use super::Nav;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiPath};
use crate::AppState;

pub struct ProjectRow {
    pub id: i64,
    pub name: String,
    pub role: String,
    pub status: &'static str,
    pub may_capture: bool,
}

/// The behaviour-style panel: where the person stands, who placed them,
/// and the advice that follows.
pub struct StylePanel {
    pub label: &'static str,
    /// Said when the placement is near an axis.
    pub tentative: String,
    /// "Placed by … from the questionnaire on …".
    pub placed: String,
    /// The grid, as SVG (our own markup, names escaped).
    pub grid: String,
    pub guidance: Guidance,
    pub decision: &'static str,
    /// Pairing hints from the signed-in user's own style.
    pub pairing: Vec<&'static str>,
    /// Why there are no pairing hints, when there are none.
    pub pairing_note: String,
    /// How they like to be kept informed, in sentences.
    pub preferences: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct PersonQuery {
    pub done: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "people/show.html")]
pub struct PersonPage {
    pub nav: Nav,
    pub id: i64,
    pub name: String,
    /// "Head of engineering, Northwind" or "our firm".
    pub standing: String,
    pub client: bool,
    /// The page of the signed-in user's own person.
    pub is_me: bool,
    pub account: Option<(i64, String)>,
    pub email: String,
    pub phone: String,
    pub preferences: String,
    pub style: String,
    pub clock: Clock,
    pub projects: Vec<ProjectRow>,
    pub made: String,
    pub received: String,
    pub rows: Rows,
    pub profile: Option<StylePanel>,
    pub health: Option<crate::health::HealthPanel>,
    /// Whether the signed-in user may place this person.
    pub may_assess: bool,
    pub notice: Option<&'static str>,
}

/// Whether the user may record conversations on the project (the access
/// rule of `rapport_core::access`, from what the project row says).
pub(super) fn may_contribute(current: &CurrentUser, project: &rapport_store::Project) -> bool {
    use rapport_core::access::{project_access, ProjectAccess, Relation};
    let me = current.user.person_id;
    let relation = if project.project_manager_id == me {
        Relation::Manager
    } else if project.stakeholders.iter().any(|s| s.person_id == me) {
        Relation::Team
    } else {
        Relation::Outsider
    };
    project_access(current.user.role, relation) >= ProjectAccess::Contribute
}

/// One person's page.
#[utoipa::path(get, path = "/people/{id}", tag = "pages",
    params(("id" = i64, Path, description = "person id"), ("done" = Option<String>, Query, description = "what was just done, for the notice")),
    responses((status = 200, description = "the person's page", content_type = "text/html"),
        (status = 404, description = "no such person, or not one you may see", content_type = "text/html")))]
pub async fn show(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    Query(query): Query<PersonQuery>,
) -> Result<PersonPage, ApiError> {
    let store = &state.store;
    let today = state.clock.today();
    let person_id = PersonId::new(id);
    let person = store.person(person_id).await?;
    let account = match person.account_id {
        Some(a) => Some(store.account(a).await?),
        None => None,
    };
    let scope = current.scope();
    let projects = store.projects(scope, person.account_id, false).await?;
    let record = store
        .timeline(scope, Subject::Person(person_id), TIMELINE)
        .await?;
    let me = current.user.person_id;
    let mut profiles = store.profiles(&[person_id, me]).await?;
    let profile = profiles.remove(&person_id);
    let my_style = profiles.remove(&me).map(|p| p.profile.style());
    let mut named = timeline::named(&record);
    named.extend(profile.as_ref().map(|p| p.assessed_by_id));
    let names: HashMap<PersonId, String> = store
        .people_named(&named)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();

    let projects = projects
        .iter()
        .filter_map(|p| {
            let role = if p.client_rep_id == person_id {
                "client rep".to_string()
            } else if p.project_manager_id == person_id {
                "project manager".to_string()
            } else {
                p.stakeholders
                    .iter()
                    .find(|s| s.person_id == person_id)?
                    .role
                    .clone()
            };
            Some(ProjectRow {
                id: p.id.get(),
                name: p.name.clone(),
                role,
                status: status_label(p.status),
                may_capture: may_contribute(&current, p),
            })
        })
        .collect();

    let outcomes: Vec<(PersonId, PersonId, CommitmentState, chrono::NaiveDate)> = record
        .promises
        .iter()
        .map(|c| (c.promised_by_id, c.promised_to_id, c.state, c.due_on))
        .collect();
    let (made, received) = records(&outcomes, today)
        .remove(&person_id)
        .unwrap_or_default();

    let standing = match (&person.title, &account) {
        _ if person.side == Side::Firm => match &person.title {
            Some(t) => format!("{t}, our firm"),
            None => "our firm".to_string(),
        },
        (Some(t), Some(a)) => format!("{t}, {}", a.name),
        (None, Some(a)) => a.name.clone(),
        (Some(t), None) => t.clone(),
        (None, None) => String::new(),
    };
    let health = if person.side == Side::Client {
        let h = crate::health::person_health(&state, scope, person_id).await?;
        Some(crate::health::HealthPanel::of(&h, String::new()))
    } else {
        None
    };
    Ok(PersonPage {
        health,
        nav: Nav::of(&current),
        id,
        name: person.name.clone(),
        standing,
        client: person.side == Side::Client,
        is_me: person_id == current.user.person_id,
        account: account.map(|a| (a.id.get(), a.name)),
        email: person.email.clone().unwrap_or_default(),
        phone: person.phone.clone().unwrap_or_default(),
        preferences: person.communication_preferences.clone().unwrap_or_default(),
        style: person.behaviour_style.clone().unwrap_or_default(),
        clock: timeline::clock(
            record.last_contact.get(&person_id).copied(),
            person.contact_ideal_days,
            person.contact_max_days,
            today,
        ),
        projects,
        made: timeline::describe(made),
        received: timeline::describe(received),
        rows: timeline::rows(&record, &names, today),
        profile: profile.map(|p| style_panel(&p, &person.name, person_id == me, my_style, &names)),
        may_assess: current.user.role.may_create_records() && person_id != me,
        notice: match query.done.as_deref() {
            Some("profile") => Some("The assessment was saved; the advice below follows from it."),
            _ => None,
        },
    })
}

/// The style panel of a placed person.
fn style_panel(
    p: &Profile,
    name: &str,
    is_me: bool,
    my_style: Option<style::Style>,
    names: &HashMap<PersonId, String>,
) -> StylePanel {
    let d = &p.profile;
    let by = names
        .get(&p.assessed_by_id)
        .cloned()
        .unwrap_or_else(|| format!("person {}", p.assessed_by_id));
    let how = if d.answers().is_some() {
        "from the questionnaire"
    } else {
        "directly"
    };
    let earlier = match p.earlier {
        0 => String::new(),
        1 => "; one earlier assessment".to_string(),
        n => format!("; {n} earlier assessments"),
    };
    let (pairing, pairing_note) = match (is_me, my_style) {
        (true, _) => (Vec::new(), String::new()),
        (false, Some(mine)) => (style::pairing(mine, d.style()), String::new()),
        (false, None) => (
            Vec::new(),
            "Nobody has placed you yet: ask a colleague to fill in the questionnaire about you, and this page will say how your style and theirs fit.".to_string(),
        ),
    };
    let mut preferences = Vec::new();
    if let Some(channel) = d.preferred_channel() {
        preferences.push(format!(
            "Prefers to hear from you by {}.",
            channel_label(channel)
        ));
    }
    if let Some(days) = d.report_cadence_days() {
        preferences.push(format!("A status report every {days} days."));
    }
    if let Some(level) = d.detail_level() {
        preferences.push(format!("In reports, wants {}.", detail_label(level)));
    }
    if let Some(wants) = d.wants() {
        preferences.push(format!("Wants from the project: {wants}"));
    }
    StylePanel {
        label: d.style().label(),
        tentative: match d.scores().filter(|_| d.borderline()) {
            Some(scores) => borderline_hint(d.style(), scores),
            None => String::new(),
        },
        placed: format!(
            "Placed by {by} {how} on {}{earlier}.",
            p.assessed_at.format("%Y-%m-%d")
        ),
        grid: style_grid(name, d.style(), d.scores()),
        guidance: style::guidance(d.style()),
        decision: d.decision_style().map_or("", decision_hint),
        pairing,
        pairing_note,
        preferences,
    }
}
