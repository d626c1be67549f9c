//! Projects: their baseline (budget, dates, planned-value curve), the
//! people on them and their stakeholders.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rapport_core::domain::{
    PlannedPoint, ProjectBaseline, ProjectDraft, ProjectStatus, Side, ValidationErrors,
};
use serde::Serialize;

use crate::accounts::account_exists;
use crate::people::{load_person, person_exists};
use crate::scope::project_visible;
use crate::{
    audit, fetch, fetch_list, on_tx, parse_stored, update_archived, Archivable, Result, Scope,
    Store, StoreError, Tx,
};
use rapport_core::ids::{AccountId, PersonId, ProjectId};

mod stakeholders;

pub use stakeholders::Stakeholder;
use stakeholders::{delete_stakeholders, insert_stakeholders, select_stakeholders_of};

#[derive(sqlx::FromRow)]
struct ProjectRow {
    id: i64,
    account_id: i64,
    name: String,
    code: Option<String>,
    project_manager_id: i64,
    client_rep_id: i64,
    currency: String,
    bac_minor: i64,
    baseline_start: NaiveDate,
    baseline_finish: NaiveDate,
    status: String,
    archived: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}
crate::direct::direct_row!(ProjectRow {
    id,
    account_id,
    name,
    code,
    project_manager_id,
    client_rep_id,
    currency,
    bac_minor,
    baseline_start,
    baseline_finish,
    status,
    archived,
    created_at,
    updated_at
});

#[derive(sqlx::FromRow)]
struct PlannedRow {
    project_id: i64,
    period_end: NaiveDate,
    pv_minor: i64,
}
crate::direct::direct_row!(PlannedRow {
    project_id,
    period_end,
    pv_minor
});

impl From<PlannedRow> for PlannedPoint {
    fn from(row: PlannedRow) -> Self {
        PlannedPoint {
            period_end: row.period_end,
            pv_minor: row.pv_minor,
        }
    }
}

/// A stored project with its baseline and stakeholders.
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    pub id: ProjectId,
    pub account_id: AccountId,
    pub name: String,
    pub code: Option<String>,
    pub project_manager_id: PersonId,
    pub client_rep_id: PersonId,
    pub status: ProjectStatus,
    pub baseline: ProjectBaseline,
    pub stakeholders: Vec<Stakeholder>,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn assemble(
    row: ProjectRow,
    planned: Vec<PlannedPoint>,
    stakeholders: Vec<Stakeholder>,
) -> Result<Project> {
    let baseline = ProjectBaseline::new(
        &row.currency,
        row.bac_minor,
        row.baseline_start,
        row.baseline_finish,
        planned,
    )
    .map_err(|e| StoreError::Corrupt(format!("project {} baseline: {e}", row.id)))?;
    Ok(Project {
        id: ProjectId::new(row.id),
        account_id: AccountId::new(row.account_id),
        name: row.name,
        code: row.code,
        project_manager_id: PersonId::new(row.project_manager_id),
        client_rep_id: PersonId::new(row.client_rep_id),
        status: parse_stored(&row.status, "projects.status")?,
        baseline,
        stakeholders,
        archived: row.archived,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

const SELECT_PROJECT: &str = "SELECT id, account_id, name, code, project_manager_id, client_rep_id, currency, \
     bac_minor, baseline_start, baseline_finish, status, archived, created_at, updated_at FROM projects";

/// What replacing a project does with its team.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TeamChange {
    /// The draft's stakeholders become the team.
    Replace,
    /// The team stays as it is at the moment of the change (the draft's
    /// stakeholders are not used): a change that leaves the team out must
    /// not undo a stakeholder added since the caller last read it.
    Keep,
}

/// What the audit log keeps of a project's client-facing facts.
#[derive(Serialize)]
struct ProjectAudit<'a> {
    name: &'a str,
    status: &'a str,
    currency: &'a str,
    bac_minor: i64,
    baseline_start: NaiveDate,
    baseline_finish: NaiveDate,
    planned: &'a [PlannedPoint],
    project_manager_id: i64,
    client_rep_id: i64,
}

impl<'a> ProjectAudit<'a> {
    fn of(draft: &'a ProjectDraft) -> Self {
        Self {
            name: draft.name(),
            status: draft.status().as_str(),
            currency: draft.baseline().currency().code(),
            bac_minor: draft.baseline().bac_minor(),
            baseline_start: draft.baseline().start(),
            baseline_finish: draft.baseline().finish(),
            planned: draft.baseline().planned(),
            project_manager_id: draft.project_manager_id().get(),
            client_rep_id: draft.client_rep_id().get(),
        }
    }
}

/// See [`Store::project_names`]; inside the caller's transaction.
pub(crate) async fn select_project_names(
    tx: &mut Tx,
    ids: &[ProjectId],
) -> Result<HashMap<ProjectId, String>> {
    let mut ids: Vec<i64> = ids.iter().map(|p| p.get()).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT id, name FROM projects WHERE id IN ({})",
        crate::in_list(ids.len())
    );
    let rows: Vec<(i64, String)> = fetch_list!(tx, fetch_all, &sql, &ids);
    Ok(rows
        .into_iter()
        .map(|(id, name)| (ProjectId::new(id), name))
        .collect())
}

impl Store {
    pub async fn create_project(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        draft: &ProjectDraft,
    ) -> Result<Project> {
        let mut tx = self.begin().await?;
        check_project_references(&mut tx, draft, &[]).await?;
        let id = insert_project(&mut tx, now, draft).await?;
        insert_planned(&mut tx, id, draft.baseline().planned()).await?;
        insert_stakeholders(&mut tx, id, draft.stakeholders()).await?;
        let detail = ProjectAudit::of(draft);
        audit(&mut tx, now, actor, "project", id, "create", &detail).await?;
        let project = load_project(&mut tx, id).await?;
        tx.commit().await?;
        Ok(project)
    }

    pub async fn project(&self, id: ProjectId) -> Result<Project> {
        let id = id.get();
        let mut tx = self.begin_read().await?;
        let project = load_project(&mut tx, id).await?;
        tx.commit().await?;
        Ok(project)
    }

    /// Projects by name, optionally one account's; archived ones only when
    /// asked for. Three queries whatever the number of projects.
    pub async fn projects(
        &self,
        scope: Scope,
        account_id: Option<AccountId>,
        include_archived: bool,
    ) -> Result<Vec<Project>> {
        let mut tx = self.begin_read().await?;
        let projects = list_projects(&mut tx, scope, account_id, include_archived).await?;
        tx.commit().await?;
        Ok(projects)
    }

    /// The names of these projects, in one query (those that exist).
    pub async fn project_names(&self, ids: &[ProjectId]) -> Result<HashMap<ProjectId, String>> {
        let mut tx = self.read_one().await?;
        let names = select_project_names(&mut tx, ids).await?;
        tx.commit().await?;
        Ok(names)
    }

    /// Replaces a project's fields and baseline, and its stakeholders as
    /// `team` says.
    pub async fn update_project(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        id: ProjectId,
        draft: &ProjectDraft,
        team: TeamChange,
    ) -> Result<Project> {
        let id = id.get();
        let mut tx = self.begin().await?;
        require_project(&mut tx, id).await?;
        // Whoever already holds a role may keep it though archived since;
        // only a newly named PM or rep must be a current person.
        let holders = select_project(&mut tx, id)
            .await?
            .map(|row| vec![row.project_manager_id, row.client_rep_id])
            .unwrap_or_default();
        check_project_references(&mut tx, draft, &holders).await?;
        keep_status_after_start(&mut tx, id, draft).await?;
        update_project_fields(&mut tx, now, id, draft).await?;
        delete_planned(&mut tx, id).await?;
        insert_planned(&mut tx, id, draft.baseline().planned()).await?;
        if team == TeamChange::Replace {
            delete_stakeholders(&mut tx, id).await?;
            insert_stakeholders(&mut tx, id, draft.stakeholders()).await?;
        }
        let detail = ProjectAudit::of(draft);
        audit(&mut tx, now, actor, "project", id, "update", &detail).await?;
        let project = load_project(&mut tx, id).await?;
        crate::news::reevaluate(&mut tx, id, now.date_naive()).await?;
        tx.commit().await?;
        Ok(project)
    }

    /// Archives (or restores) a project; nothing is deleted.
    pub async fn set_project_archived(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        id: ProjectId,
        archived: bool,
    ) -> Result<Project> {
        let id = id.get();
        let mut tx = self.begin().await?;
        if !update_archived(&mut tx, Archivable::Projects, now, id, archived).await? {
            return Err(StoreError::not_found("project", id));
        }
        let action = if archived { "archive" } else { "restore" };
        audit(&mut tx, now, actor, "project", id, action, &archived).await?;
        let project = load_project(&mut tx, id).await?;
        tx.commit().await?;
        Ok(project)
    }
}

/// Refuses a baseline that would start on or after a live status record:
/// the record would measure nothing and drop out of the earned value.
async fn keep_status_after_start(tx: &mut Tx, id: i64, draft: &ProjectDraft) -> Result<()> {
    let (earliest,): (Option<NaiveDate>,) = fetch!(
        tx,
        fetch_one,
        "SELECT MIN(status_date) FROM status_records WHERE project_id = $1 AND NOT archived",
        id
    );
    let start = draft.baseline().start();
    match earliest {
        Some(first) if first <= start => Err(StoreError::invalid(
            "baseline.start",
            format!(
                "the project has a status record dated {first}, not after this start ({start}): start the baseline before {first}, or archive that record first"
            ),
        )),
        _ => Ok(()),
    }
}

/// One project with its baseline and stakeholders, read inside the
/// caller's transaction.
pub(crate) async fn load_project(tx: &mut Tx, id: i64) -> Result<Project> {
    let row = select_project(tx, id)
        .await?
        .ok_or_else(|| StoreError::not_found("project", id))?;
    let planned = select_planned_of(tx, id).await?;
    let stakeholders = select_stakeholders_of(tx, id).await?;
    assemble(row, planned, stakeholders)
}

/// Fails with `NotFound` unless the project exists (archived or not): the
/// check before anything is recorded against a project.
pub(crate) async fn require_project(tx: &mut Tx, id: i64) -> Result<()> {
    let found: Option<(i64,)> = fetch!(
        tx,
        fetch_optional,
        "SELECT id FROM projects WHERE id = $1",
        id
    );
    found
        .map(|_| ())
        .ok_or_else(|| StoreError::not_found("project", id))
}

/// Checks that what a project refers to exists and fits: the account, a
/// firm-side project manager, a client rep from the same account, and each
/// stakeholder.
async fn check_project_references(
    tx: &mut Tx,
    draft: &ProjectDraft,
    holders: &[i64],
) -> Result<()> {
    let mut errors = ValidationErrors::default();
    let newly_archived =
        |person: &crate::Person| person.archived && !holders.contains(&person.id.get());
    if !account_exists(tx, draft.account_id().get()).await? {
        errors.add(
            "account_id",
            format!("no account with id {}", draft.account_id()),
        );
    }
    match load_person(tx, draft.project_manager_id().get()).await {
        Ok(pm) if pm.side != Side::Firm => errors.add(
            "project_manager_id",
            format!("{} (person {}) is on the client side; the project manager is one of the firm's people", pm.name, pm.id),
        ),
        Ok(pm) if newly_archived(&pm) => errors.add(
            "project_manager_id",
            format!("{} (person {}) is archived; restore them first, or name someone current", pm.name, pm.id),
        ),
        Err(StoreError::NotFound { .. }) => errors.add(
            "project_manager_id",
            format!("no person with id {}", draft.project_manager_id()),
        ),
        Err(e) => return Err(e),
        Ok(_) => {}
    }
    match load_person(tx, draft.client_rep_id().get()).await {
        Ok(rep) if rep.side != Side::Client || rep.account_id != Some(draft.account_id()) => errors.add(
            "client_rep_id",
            format!(
                "{} (person {}) is not one of account {}'s people; the client rep works for the client",
                rep.name, rep.id, draft.account_id()
            ),
        ),
        Ok(rep) if newly_archived(&rep) => errors.add(
            "client_rep_id",
            format!("{} (person {}) is archived; restore them first, or name someone current", rep.name, rep.id),
        ),
        Err(StoreError::NotFound { .. }) => {
            errors.add("client_rep_id", format!("no person with id {}", draft.client_rep_id()))
        }
        Err(e) => return Err(e),
        Ok(_) => {}
    }
    for (i, (person_id, _)) in draft.stakeholders().iter().enumerate() {
        if !person_exists(tx, person_id.get()).await? {
            errors.add(
                format!("stakeholders[{i}].person_id"),
                format!("no person with id {person_id}"),
            );
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(errors))
    }
}

async fn select_project(tx: &mut Tx, id: i64) -> Result<Option<ProjectRow>> {
    Ok(fetch!(
        tx,
        fetch_optional,
        &format!("{SELECT_PROJECT} WHERE id = $1"),
        id
    ))
}

async fn select_planned_of(tx: &mut Tx, project_id: i64) -> Result<Vec<PlannedPoint>> {
    let rows: Vec<PlannedRow> = fetch!(
        tx,
        fetch_all,
        "SELECT project_id, period_end, pv_minor FROM planned_values WHERE project_id = $1 ORDER BY period",
        project_id,
    );
    Ok(rows.into_iter().map(PlannedPoint::from).collect())
}

/// The projects a list returns: archived ones only when asked, one
/// account's when given, those the scope sees. Binds `$1` (include
/// archived), `$2` and `$3` (the account, twice), `$4` and `$5` (the
/// scope), as [`fetch_listed`] does; the planned values and stakeholders of
/// a list are read for the same projects. One account's list is found
/// by its index: as `($2 IS NULL OR account_id = $3)` every project of
/// the firm was read for it (the daily health sweep lists each account's).
fn listed(scope: Scope, alias: &str, account_id: Option<i64>) -> String {
    let account = if account_id.is_some() {
        format!("$2 IS NOT NULL AND {alias}.account_id = $3")
    } else {
        "$2 IS NULL AND $3 IS NULL".to_string()
    };
    format!(
        "($1 OR NOT {alias}.archived) AND {account} AND {}",
        project_visible(scope, alias, 4)
    )
}

/// Every row of a listing built with [`listed`], with its five binds.
macro_rules! fetch_listed {
    ($tx:expr, $sql:expr, $include_archived:expr, $account_id:expr, $scope:expr) => {{
        let (all, person, _) = $scope.binds();
        fetch!(
            $tx,
            fetch_all,
            $sql,
            $include_archived,
            $account_id,
            $account_id,
            all,
            person
        )
    }};
}

async fn select_projects(
    tx: &mut Tx,
    scope: Scope,
    account_id: Option<i64>,
    include_archived: bool,
) -> Result<Vec<ProjectRow>> {
    let sql = format!(
        "{SELECT_PROJECT} WHERE {} ORDER BY name, id",
        listed(scope, "projects", account_id)
    );
    Ok(fetch_listed!(tx, &sql, include_archived, account_id, scope))
}

async fn select_listed_planned(
    tx: &mut Tx,
    scope: Scope,
    account_id: Option<i64>,
    include_archived: bool,
) -> Result<Vec<PlannedRow>> {
    let sql = format!(
        "SELECT pv.project_id, pv.period_end, pv.pv_minor FROM planned_values pv \
         JOIN projects lp ON lp.id = pv.project_id WHERE {} ORDER BY pv.project_id, pv.period",
        listed(scope, "lp", account_id)
    );
    Ok(fetch_listed!(tx, &sql, include_archived, account_id, scope))
}

async fn select_listed_stakeholders(
    tx: &mut Tx,
    scope: Scope,
    account_id: Option<i64>,
    include_archived: bool,
) -> Result<HashMap<i64, Vec<Stakeholder>>> {
    let sql = format!(
        "SELECT s.project_id, s.person_id, s.role FROM project_stakeholders s \
         JOIN projects lp ON lp.id = s.project_id WHERE {} ORDER BY s.project_id, s.person_id",
        listed(scope, "lp", account_id)
    );
    let rows: Vec<stakeholders::StakeholderRow> =
        fetch_listed!(tx, &sql, include_archived, account_id, scope);
    let mut map: HashMap<i64, Vec<Stakeholder>> = HashMap::new();
    for row in rows {
        map.entry(row.project_id).or_default().push(row.into());
    }
    Ok(map)
}

async fn insert_project(tx: &mut Tx, now: DateTime<Utc>, draft: &ProjectDraft) -> Result<i64> {
    let b = &draft.baseline();
    let (id,): (i64,) = on_tx!(tx, conn => {
        sqlx::query_as(
            "INSERT INTO projects (account_id, name, code, project_manager_id, client_rep_id, currency, bac_minor, \
             baseline_start, baseline_finish, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(draft.account_id().get())
        .bind(draft.name())
        .bind(draft.code())
        .bind(draft.project_manager_id().get())
        .bind(draft.client_rep_id().get())
        .bind(b.currency().code())
        .bind(b.bac_minor())
        .bind(b.start())
        .bind(b.finish())
        .bind(draft.status().as_str())
        .bind(now)
        .bind(now)
        .fetch_one(conn)
        .await?
    });
    Ok(id)
}

async fn update_project_fields(
    tx: &mut Tx,
    now: DateTime<Utc>,
    id: i64,
    draft: &ProjectDraft,
) -> Result<()> {
    let b = &draft.baseline();
    on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE projects SET account_id = $1, name = $2, code = $3, project_manager_id = $4, client_rep_id = $5, \
             currency = $6, bac_minor = $7, baseline_start = $8, baseline_finish = $9, status = $10, updated_at = $11 \
             WHERE id = $12",
        )
        .bind(draft.account_id().get())
        .bind(draft.name())
        .bind(draft.code())
        .bind(draft.project_manager_id().get())
        .bind(draft.client_rep_id().get())
        .bind(b.currency().code())
        .bind(b.bac_minor())
        .bind(b.start())
        .bind(b.finish())
        .bind(draft.status().as_str())
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// Writes the planned-value curve, numbering periods from 1.
async fn insert_planned(tx: &mut Tx, project_id: i64, points: &[PlannedPoint]) -> Result<()> {
    for (i, point) in points.iter().enumerate() {
        on_tx!(tx, conn => {
            sqlx::query(
                "INSERT INTO planned_values (project_id, period, period_end, pv_minor) VALUES ($1, $2, $3, $4)",
            )
            .bind(project_id)
            .bind(i as i64 + 1)
            .bind(point.period_end)
            .bind(point.pv_minor)
            .execute(conn)
            .await?;
        });
    }
    Ok(())
}

async fn delete_planned(tx: &mut Tx, project_id: i64) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query("DELETE FROM planned_values WHERE project_id = $1")
            .bind(project_id)
            .execute(conn)
            .await?;
    });
    Ok(())
}

fn group_planned(rows: Vec<PlannedRow>) -> HashMap<i64, Vec<PlannedPoint>> {
    let mut map: HashMap<i64, Vec<PlannedPoint>> = HashMap::new();
    for row in rows {
        map.entry(row.project_id).or_default().push(row.into());
    }
    map
}

/// The projects a list shows (see [`Store::projects`]), in the caller's
/// transaction: three statements whatever the number of projects.
pub(crate) async fn list_projects(
    tx: &mut Tx,
    scope: Scope,
    account_id: Option<AccountId>,
    include_archived: bool,
) -> Result<Vec<Project>> {
    let account_id = account_id.map(AccountId::get);
    let rows = select_projects(tx, scope, account_id, include_archived).await?;
    let mut planned =
        group_planned(select_listed_planned(tx, scope, account_id, include_archived).await?);
    let mut stakeholders =
        select_listed_stakeholders(tx, scope, account_id, include_archived).await?;
    rows.into_iter()
        .map(|row| {
            let id = row.id;
            assemble(
                row,
                planned.remove(&id).unwrap_or_default(),
                stakeholders.remove(&id).unwrap_or_default(),
            )
        })
        .collect()
}
