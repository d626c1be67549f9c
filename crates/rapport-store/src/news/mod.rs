//! News to share, stored: the items the rules find, kept in step with the
//! project by [`reevaluate`] inside every transaction that changes what
//! the rules look at (a status record, an estimate's results, a
//! commitment), and the ledger of what the client was told.
//!
//! An item found is *open*, with a deadline from the day it was found.
//! Telling it (a conversation marked "told") records a ledger entry with
//! the figures told, so the same facts are no longer news; the client
//! learning it elsewhere is recorded the same way and counts as a
//! surprise, as does telling it after its deadline. An open item whose
//! cause went away (the CPI recovered, the promise was kept) is resolved.

use chrono::{DateTime, NaiveDate, Utc};
use rapport_core::disclosure::{self, Finding, NewsRule, NewsState, Severity};
use rapport_core::ids::{PersonId, ProjectId};
use serde::Serialize;

use crate::fetch_list;
use crate::scope::project_visible;
use crate::{
    audit, fetch, in_list, on_tx, parse_stored, take_turns, Result, Scope, Store, StoreError, Tx,
};

mod settings;
mod situation;

pub use settings::SettingsOf;

/// One item of news.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewsItem {
    pub id: i64,
    pub project_id: ProjectId,
    pub rule: NewsRule,
    pub key: String,
    pub severity: Severity,
    pub message: String,
    /// The same facts worded for the client.
    pub client_message: String,
    pub found_on: NaiveDate,
    /// The last day to tell it.
    pub deadline: NaiveDate,
    pub state: NewsState,
    pub told_on: Option<NaiveDate>,
    pub told_interaction_id: Option<i64>,
    pub learned_elsewhere: bool,
    pub surprise: bool,
    pub acknowledged_on: Option<NaiveDate>,
    pub resolved_on: Option<NaiveDate>,
}

#[derive(sqlx::FromRow)]
struct ItemRow {
    id: i64,
    project_id: i64,
    rule: String,
    key: String,
    severity: String,
    message: String,
    client_message: String,
    found_on: NaiveDate,
    deadline: NaiveDate,
    state: String,
    told_on: Option<NaiveDate>,
    told_interaction_id: Option<i64>,
    learned_elsewhere: bool,
    surprise: bool,
    acknowledged_on: Option<NaiveDate>,
    resolved_on: Option<NaiveDate>,
}
crate::direct::direct_row!(ItemRow {
    id,
    project_id,
    rule,
    key,
    severity,
    message,
    client_message,
    found_on,
    deadline,
    state,
    told_on,
    told_interaction_id,
    learned_elsewhere,
    surprise,
    acknowledged_on,
    resolved_on
});

impl TryFrom<ItemRow> for NewsItem {
    type Error = StoreError;
    fn try_from(r: ItemRow) -> Result<Self> {
        Ok(Self {
            id: r.id,
            project_id: ProjectId::new(r.project_id),
            rule: parse_stored(&r.rule, "news_items.rule")?,
            key: r.key,
            severity: parse_stored(&r.severity, "news_items.severity")?,
            message: r.message,
            client_message: r.client_message,
            found_on: r.found_on,
            deadline: r.deadline,
            state: parse_stored(&r.state, "news_items.state")?,
            told_on: r.told_on,
            told_interaction_id: r.told_interaction_id,
            learned_elsewhere: r.learned_elsewhere,
            surprise: r.surprise,
            acknowledged_on: r.acknowledged_on,
            resolved_on: r.resolved_on,
        })
    }
}

#[derive(sqlx::FromRow)]
struct OpenRow {
    #[sqlx(flatten)]
    item: ItemRow,
    client_rep_id: i64,
}

impl crate::direct::DirectRow for OpenRow {
    type Columns = (Vec<usize>, usize);
    fn columns(statement: &rusqlite::Statement<'_>) -> rusqlite::Result<Self::Columns> {
        Ok((
            ItemRow::columns(statement)?,
            statement.column_index("client_rep_id")?,
        ))
    }
    fn decode(row: &rusqlite::Row<'_>, columns: &Self::Columns) -> rusqlite::Result<Self> {
        Ok(Self {
            item: ItemRow::decode(row, &columns.0)?,
            client_rep_id: row.get(columns.1)?,
        })
    }
}

const SELECT_ITEM: &str =
    "SELECT n.id, n.project_id, n.rule, n.key, n.severity, n.message, n.client_message, n.found_on, \
     n.deadline, n.state, n.told_on, n.told_interaction_id, n.learned_elsewhere, n.surprise, \
     n.acknowledged_on, n.resolved_on FROM news_items n";

/// One entry of the ledger of what the client was told.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct ToldEntry {
    pub id: i64,
    pub project_id: i64,
    /// The client person told (the project's client rep).
    pub person_id: i64,
    pub told_on: NaiveDate,
    /// `conversation`, `report` or `elsewhere`.
    pub source: String,
    pub interaction_id: Option<i64>,
    /// The figures told that time; the others were not.
    pub forecast_finish: Option<NaiveDate>,
    pub eac_minor: Option<i64>,
    pub cpi: Option<f64>,
    pub spi_t: Option<f64>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}
crate::direct::direct_row!(ToldEntry {
    id,
    project_id,
    person_id,
    told_on,
    source,
    interaction_id,
    forecast_finish,
    eac_minor,
    cpi,
    spi_t,
    recorded_by,
    recorded_at
});

/// How the client came to know.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Telling {
    /// In a recorded conversation with the client rep.
    Conversation { interaction_id: i64 },
    /// In a status report delivered to them (recorded as an e-mail
    /// interaction), stating the figures it was written with.
    Report {
        interaction_id: i64,
        figures: Figures,
    },
    /// From someone else, before the PM told them: a surprise.
    Elsewhere,
}

/// The forecast figures a telling states: today's, or those frozen into
/// a report when it was queued.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, serde::Deserialize)]
pub struct Figures {
    pub forecast_finish: Option<NaiveDate>,
    pub eac_minor: Option<i64>,
    pub cpi: Option<f64>,
    pub spi_t: Option<f64>,
}

/// The project's forecast figures now, inside the caller's transaction.
pub(crate) async fn current_figures(tx: &mut Tx, project_id: i64) -> Result<Figures> {
    let (_, _, situation) = situation::load(tx, project_id).await?;
    Ok(situation
        .forecast
        .map_or_else(Figures::default, |f| Figures {
            forecast_finish: f.forecast_finish,
            eac_minor: f.eac_minor,
            cpi: f.cpi,
            spi_t: f.spi_t,
        }))
}

/// A project's news, live first (open by deadline, then told), then the
/// resolved, inside the caller's transaction.
pub(crate) async fn select_news(tx: &mut Tx, project_id: i64) -> Result<Vec<NewsItem>> {
    let rows: Vec<ItemRow> = fetch!(
        tx,
        fetch_all,
        &format!(
            "{SELECT_ITEM} WHERE n.project_id = $1 ORDER BY \
             CASE n.state WHEN 'open' THEN 0 WHEN 'told' THEN 1 WHEN 'acknowledged' THEN 2 ELSE 3 END, \
             n.deadline, n.id"
        ),
        project_id
    );
    rows.into_iter().map(NewsItem::try_from).collect()
}

/// Open news of every project the scope sees, by deadline, each with the
/// client rep it is to be told to, inside the caller's transaction.
pub(crate) async fn select_open_news(
    tx: &mut Tx,
    scope: Scope,
) -> Result<Vec<(NewsItem, PersonId)>> {
    let (all, person, user) = scope.binds();
    let rows: Vec<OpenRow> = fetch!(
        tx,
        fetch_all,
        &format!(
            "SELECT x.*, p.client_rep_id FROM ({SELECT_ITEM} WHERE n.state = 'open') x \
             JOIN projects p ON p.id = x.project_id \
             WHERE NOT p.archived AND {} ORDER BY x.deadline, x.id",
            project_visible(scope, "p", 1)
        ),
        all,
        person,
        user
    );
    rows.into_iter()
        .map(|r| Ok((NewsItem::try_from(r.item)?, PersonId::new(r.client_rep_id))))
        .collect()
}

impl Store {
    /// A project's news, live first (open by deadline, then told), then
    /// the resolved.
    pub async fn news(&self, project_id: ProjectId) -> Result<Vec<NewsItem>> {
        let mut tx = self.read_one().await?;
        let news = select_news(&mut tx, project_id.get()).await?;
        tx.commit().await?;
        Ok(news)
    }

    /// Open news of every project the scope sees, by deadline, each with
    /// the client rep it is to be told to.
    pub async fn open_news(&self, scope: Scope) -> Result<Vec<(NewsItem, PersonId)>> {
        let mut tx = self.read_one().await?;
        let news = select_open_news(&mut tx, scope).await?;
        tx.commit().await?;
        Ok(news)
    }

    /// The project an item of news belongs to, if it exists.
    pub async fn news_project(&self, id: i64) -> Result<Option<ProjectId>> {
        let mut tx = self.read_one().await?;
        let found: Option<(i64,)> = fetch!(
            tx,
            fetch_optional,
            "SELECT project_id FROM news_items WHERE id = $1",
            id
        );
        tx.commit().await?;
        Ok(found.map(|(p,)| ProjectId::new(p)))
    }

    /// The ledger of what the project's client was told, oldest first.
    pub async fn told_ledger(&self, project_id: ProjectId) -> Result<Vec<ToldEntry>> {
        let mut tx = self.read_one().await?;
        let rows: Vec<ToldEntry> = fetch!(
            tx,
            fetch_all,
            "SELECT id, project_id, person_id, told_on, source, interaction_id, forecast_finish, \
                 eac_minor, cpi, spi_t, recorded_by, recorded_at FROM told_ledger \
                 WHERE project_id = $1 ORDER BY id",
            project_id.get()
        );
        tx.commit().await?;
        Ok(rows)
    }

    /// Evaluates a project's news again on `today` (the rules also look at
    /// how near a promise's due date is, so a day passing can make news).
    pub async fn reevaluate_news(&self, project_id: ProjectId, today: NaiveDate) -> Result<()> {
        let mut tx = self.begin().await?;
        reevaluate(&mut tx, project_id.get(), today).await?;
        tx.commit().await
    }

    /// Evaluates the news of every live project, each in its own
    /// transaction; returns how many were evaluated.
    pub async fn reevaluate_all_news(&self, today: NaiveDate) -> Result<usize> {
        let mut tx = self.read_one().await?;
        let ids: Vec<(i64,)> = fetch!(
            tx,
            fetch_all,
            "SELECT id FROM projects WHERE NOT archived AND status IN ('proposed', 'active', 'on_hold') ORDER BY id",
        );
        tx.commit().await?;
        for (id,) in &ids {
            self.reevaluate_news(ProjectId::new(*id), today).await?;
        }
        Ok(ids.len())
    }

    /// Records that the client learned these items from someone else on
    /// `on`: told, as a surprise, with the figures they now know.
    pub async fn news_learned_elsewhere(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        project_id: ProjectId,
        item_ids: &[i64],
        on: NaiveDate,
    ) -> Result<Vec<NewsItem>> {
        let mut tx = self.begin().await?;
        tell(
            &mut tx,
            now,
            actor,
            project_id.get(),
            item_ids,
            on,
            Telling::Elsewhere,
        )
        .await?;
        let items = select_items(&mut tx, item_ids).await?;
        tx.commit().await?;
        Ok(items)
    }

    /// Records that the client rep acknowledged a told item of the
    /// project on `on`.
    pub async fn acknowledge_news(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        project_id: ProjectId,
        id: i64,
        on: NaiveDate,
    ) -> Result<NewsItem> {
        let mut tx = self.begin().await?;
        // An item of another project is not found beneath this one.
        let item = select_items(&mut tx, &[id])
            .await?
            .pop()
            .filter(|i| i.project_id == project_id)
            .ok_or_else(|| StoreError::not_found("news item", id))?;
        if item.state != NewsState::Told {
            return Err(StoreError::invalid(
                "state",
                format!(
                    "news item {id} is {}; only news told to the client can be acknowledged",
                    item.state
                ),
            ));
        }
        if item.told_on.is_some_and(|told| on < told) {
            return Err(StoreError::invalid(
                "on",
                format!("{on} is before the news was told ({}); give the day the client acknowledged it", item.told_on.unwrap_or(on)),
            ));
        }
        on_tx!(tx, conn => {
            sqlx::query("UPDATE news_items SET state = 'acknowledged', acknowledged_on = $1 WHERE id = $2")
                .bind(on)
                .bind(id)
                .execute(conn)
                .await?;
        });
        audit(&mut tx, now, actor, "news_item", id, "acknowledge", &on).await?;
        let item = select_items(&mut tx, &[id])
            .await?
            .pop()
            .ok_or_else(|| StoreError::not_found("news item", id))?;
        tx.commit().await?;
        Ok(item)
    }
}

async fn select_items(tx: &mut Tx, ids: &[i64]) -> Result<Vec<NewsItem>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "{SELECT_ITEM} WHERE n.id IN ({}) ORDER BY n.id",
        in_list(ids.len())
    );
    let rows: Vec<ItemRow> = fetch_list!(tx, fetch_all, &sql, ids);
    rows.into_iter().map(NewsItem::try_from).collect()
}

/// Brings a project's stored news in step with what the rules find on
/// `today`, inside the caller's transaction: new findings are inserted
/// (found today, with their deadline); an open item found again keeps its
/// deadline unless it grew more severe, when the earlier of the two
/// deadlines stands; an open item no longer found is resolved. Told and
/// acknowledged items stay as they are.
pub(crate) async fn reevaluate(tx: &mut Tx, project_id: i64, today: NaiveDate) -> Result<()> {
    // Two evaluations of one project (a sweep on another server, a
    // request) take turns, so they cannot both insert the same item.
    take_turns(tx, &[&format!("news:{project_id}")]).await?;
    let (_, rules, situation) = situation::load(tx, project_id).await?;
    let findings = disclosure::evaluate(&rules, &situation, today);
    let live: Vec<ItemRow> = fetch!(
        tx,
        fetch_all,
        &format!("{SELECT_ITEM} WHERE n.project_id = $1 AND n.state <> 'resolved'"),
        project_id
    );
    let live: Vec<NewsItem> = live
        .into_iter()
        .map(NewsItem::try_from)
        .collect::<Result<_>>()?;
    for finding in &findings {
        match live.iter().find(|i| i.key == finding.key) {
            None => {
                insert_item(
                    tx,
                    project_id,
                    finding,
                    disclosure::deadline_of(&rules, finding, today),
                    today,
                )
                .await?
            }
            Some(item)
                if item.state == NewsState::Open
                    && (item.severity != finding.severity || item.message != finding.message) =>
            {
                let deadline = disclosure::deadline_of(&rules, finding, today).min(item.deadline);
                on_tx!(tx, conn => {
                    sqlx::query("UPDATE news_items SET severity = $1, message = $2, deadline = $3, client_message = $5 WHERE id = $4")
                        .bind(finding.severity.as_str())
                        .bind(&finding.message)
                        .bind(deadline)
                        .bind(item.id)
                        .bind(&finding.client_message)
                        .execute(conn)
                        .await?;
                });
            }
            Some(_) => {}
        }
    }
    for item in live.iter().filter(|i| i.state == NewsState::Open) {
        if !findings.iter().any(|f| f.key == item.key) {
            on_tx!(tx, conn => {
                sqlx::query("UPDATE news_items SET state = 'resolved', resolved_on = $1 WHERE id = $2")
                    .bind(today)
                    .bind(item.id)
                    .execute(conn)
                    .await?;
            });
        }
    }
    Ok(())
}

async fn insert_item(
    tx: &mut Tx,
    project_id: i64,
    finding: &Finding,
    deadline: NaiveDate,
    today: NaiveDate,
) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO news_items (project_id, rule, key, severity, message, client_message, found_on, deadline, state) \
             VALUES ($1, $2, $3, $4, $5, $8, $6, $7, 'open')",
        )
        .bind(project_id)
        .bind(finding.rule.as_str())
        .bind(&finding.key)
        .bind(finding.severity.as_str())
        .bind(&finding.message)
        .bind(today)
        .bind(deadline)
        .bind(&finding.client_message)
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// Marks open items of a project as told on `on`, inside the caller's
/// transaction, with a ledger entry holding the current figures of the
/// rules told (the others stay as the client last heard them), then
/// evaluates the project again. Every id must be an open item of the
/// project; an item told after its deadline, or learned elsewhere, is a
/// surprise.
pub(crate) async fn tell(
    tx: &mut Tx,
    now: DateTime<Utc>,
    actor: &str,
    project_id: i64,
    item_ids: &[i64],
    on: NaiveDate,
    how: Telling,
) -> Result<()> {
    if item_ids.is_empty() {
        return Ok(());
    }
    // Two tellings of the same item cannot both find it open.
    take_turns(tx, &[&format!("news:{project_id}")]).await?;
    let items = select_items(tx, item_ids).await?;
    let mut errors = rapport_core::domain::ValidationErrors::default();
    let field = match how {
        Telling::Elsewhere => "news_ids",
        _ => "told_news_ids",
    };
    for (k, id) in item_ids.iter().enumerate() {
        match items.iter().find(|i| i.id == *id) {
            // Told before it was found would pass a late telling for an
            // early one.
            Some(i) if i.project_id.get() == project_id && i.state == NewsState::Open && on < i.found_on => errors.add(
                format!("{field}[{k}]"),
                format!("news item {id} was found on {}; it cannot have been told on {on}, before that", i.found_on),
            ),
            Some(i) if i.project_id.get() == project_id && i.state == NewsState::Open => {}
            Some(i) if i.project_id.get() == project_id => errors.add(
                format!("{field}[{k}]"),
                format!("news item {id} is already {}; tell only open news", i.state),
            ),
            _ => errors.add(
                format!("{field}[{k}]"),
                format!("no open news item {id} on project {project_id}"),
            ),
        }
    }
    errors.into_result(()).map_err(StoreError::Invalid)?;
    let rep = client_rep(tx, project_id).await?;
    let told = |rule: NewsRule| items.iter().any(|i| i.rule == rule);
    let (source, interaction_id, elsewhere, figures) = match how {
        Telling::Conversation { interaction_id } => (
            "conversation",
            Some(interaction_id),
            false,
            current_figures(tx, project_id).await?,
        ),
        Telling::Report {
            interaction_id,
            figures,
        } => ("report", Some(interaction_id), false, figures),
        Telling::Elsewhere => (
            "elsewhere",
            None,
            true,
            current_figures(tx, project_id).await?,
        ),
    };
    let moves = items.iter().any(|i| i.rule.moves_the_ledger());
    let entry: Option<i64> = if moves {
        let (id,): (i64,) = on_tx!(tx, conn => {
            sqlx::query_as(
                "INSERT INTO told_ledger (project_id, person_id, told_on, source, interaction_id, \
                 forecast_finish, eac_minor, cpi, spi_t, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            )
            .bind(project_id)
            .bind(rep.get())
            .bind(on)
            .bind(source)
            .bind(interaction_id)
            .bind(figures.forecast_finish.filter(|_| told(NewsRule::FinishSlip)))
            .bind(figures.eac_minor.filter(|_| told(NewsRule::EacRise)))
            .bind(figures.cpi.filter(|_| told(NewsRule::CpiBelow)))
            .bind(figures.spi_t.filter(|_| told(NewsRule::SpiTBelow)))
            .bind(actor)
            .bind(now)
            .fetch_one(conn)
            .await?
        });
        Some(id)
    } else {
        None
    };
    for item in &items {
        let surprise = disclosure::is_surprise(item.deadline, on, elsewhere);
        on_tx!(tx, conn => {
            sqlx::query(
                "UPDATE news_items SET state = 'told', told_on = $1, told_entry_id = $2, \
                 told_interaction_id = $3, learned_elsewhere = $4, surprise = $5 WHERE id = $6",
            )
            .bind(on)
            .bind(entry)
            .bind(interaction_id)
            .bind(elsewhere)
            .bind(surprise)
            .bind(item.id)
            .execute(conn)
            .await?;
        });
        audit(
            tx,
            now,
            actor,
            "news_item",
            item.id,
            if elsewhere {
                "learned_elsewhere"
            } else {
                "told"
            },
            &on,
        )
        .await?;
    }
    reevaluate(tx, project_id, now.date_naive()).await
}

/// Which of `ids` are open items of the project.
pub(crate) async fn open_among(tx: &mut Tx, project_id: i64, ids: &[i64]) -> Result<Vec<i64>> {
    Ok(select_items(tx, ids)
        .await?
        .into_iter()
        .filter(|i| i.project_id.get() == project_id && i.state == NewsState::Open)
        .map(|i| i.id)
        .collect())
}

/// The rep a project's news is told to, for callers that check a
/// conversation included them.
pub(crate) async fn client_rep(tx: &mut Tx, project_id: i64) -> Result<PersonId> {
    let found: Option<(i64,)> = fetch!(
        tx,
        fetch_optional,
        "SELECT client_rep_id FROM projects WHERE id = $1",
        project_id
    );
    found
        .map(|(id,)| PersonId::new(id))
        .ok_or_else(|| StoreError::not_found("project", project_id))
}
