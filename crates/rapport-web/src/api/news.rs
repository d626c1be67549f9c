//! `/api/v1/projects/{id}/news` and `/told`: the news to share a project's
//! client rep must hear from the PM first (found by the rules on every
//! status record, estimate result and commitment change), and the ledger
//! of what the client was told. News is told by recording the conversation
//! that told it (`told_news_ids` on `POST …/interactions`); here the PM
//! records that the client learned it elsewhere (a surprise) or
//! acknowledged it.

use axum::{extract::State, Json};
use chrono::{DateTime, NaiveDate, Utc};
use rapport_core::disclosure::{RuleSettings, DEFAULT_RULES};
use rapport_core::ids::{AccountId, PersonId, ProjectId};
use rapport_store::{NewsItem, SettingsOf, ToldEntry};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult, ErrorBody};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(ledger))
        .routes(routes!(learned_elsewhere))
        .routes(routes!(acknowledge))
        .routes(routes!(account_rules, set_account_rules))
        .routes(routes!(person_rules, set_person_rules))
}

/// The rules' thresholds an account or a client person tightens; each
/// field left out keeps the default (shown in `defaults`).
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RulesBody {
    /// CPI below this is news (default 0.95; at least that, at most 1.5).
    pub cpi_below: Option<f64>,
    /// SPI(t) below this is news (default 0.95).
    pub spi_t_below: Option<f64>,
    /// Business days of slip past what was told that are news (default 5; 0 to 5).
    pub finish_slip_days: Option<i64>,
    /// Percent of cost growth past what was told that is news (default 5).
    pub eac_rise_percent: Option<f64>,
    /// Percent an estimate's headline may move before it is news (default 10).
    pub estimate_move_percent: Option<f64>,
    /// Business days before a promise to the client is due when it is news (default 2; 2 to 20).
    pub commitment_warning_days: Option<i64>,
    /// Business days to tell critical news (default 0: the same day).
    pub critical_deadline_days: Option<i64>,
    /// Business days to tell other news (default 2).
    pub major_deadline_days: Option<i64>,
}

impl From<RuleSettings> for RulesBody {
    fn from(s: RuleSettings) -> Self {
        Self {
            cpi_below: s.cpi_below,
            spi_t_below: s.spi_t_below,
            finish_slip_days: s.finish_slip_days,
            eac_rise_percent: s.eac_rise_percent,
            estimate_move_percent: s.estimate_move_percent,
            commitment_warning_days: s.commitment_warning_days,
            critical_deadline_days: s.critical_deadline_days,
            major_deadline_days: s.major_deadline_days,
        }
    }
}

/// The settings, with the defaults they tighten.
#[derive(Debug, Serialize, ToSchema)]
pub struct RulesView {
    pub settings: RulesBody,
    pub defaults: RulesBody,
}

fn view(settings: Option<RuleSettings>) -> RulesView {
    let d = DEFAULT_RULES;
    RulesView {
        settings: settings.unwrap_or_default().into(),
        defaults: RulesBody {
            cpi_below: Some(d.cpi_below),
            spi_t_below: Some(d.spi_t_below),
            finish_slip_days: Some(d.finish_slip_days),
            eac_rise_percent: Some(d.eac_rise_percent),
            estimate_move_percent: Some(d.estimate_move_percent),
            commitment_warning_days: Some(d.commitment_warning_days),
            critical_deadline_days: Some(d.critical_deadline_days),
            major_deadline_days: Some(d.major_deadline_days),
        },
    }
}

fn settings_of(body: RulesBody) -> ApiResult<RuleSettings> {
    RuleSettings::new(RuleSettings {
        cpi_below: body.cpi_below,
        spi_t_below: body.spi_t_below,
        finish_slip_days: body.finish_slip_days,
        eac_rise_percent: body.eac_rise_percent,
        estimate_move_percent: body.estimate_move_percent,
        commitment_warning_days: body.commitment_warning_days,
        critical_deadline_days: body.critical_deadline_days,
        major_deadline_days: body.major_deadline_days,
    })
    .map_err(ApiError::invalid)
}

/// An account's tightening of the news rules.
#[utoipa::path(get, path = "/api/v1/accounts/{id}/news-rules", tag = "news",
    params(("id" = i64, Path, description = "account id")), responses((status = 200, body = RulesView)))]
pub async fn account_rules(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<RulesView>> {
    Ok(Json(view(
        state
            .store
            .news_settings(SettingsOf::Account(AccountId::new(id)))
            .await?,
    )))
}

/// Tighten the news rules for every project of an account.
#[utoipa::path(put, path = "/api/v1/accounts/{id}/news-rules", tag = "news", request_body = RulesBody,
    params(("id" = i64, Path, description = "account id")),
    responses((status = 200, body = RulesView), (status = 422, body = ErrorBody)))]
pub async fn set_account_rules(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<RulesBody>,
) -> ApiResult<Json<RulesView>> {
    save_rules(
        &state,
        &current,
        SettingsOf::Account(AccountId::new(id)),
        body,
    )
    .await
}

/// Checks and keeps an account's or a person's settings.
async fn save_rules(
    state: &AppState,
    current: &CurrentUser,
    of: SettingsOf,
    body: RulesBody,
) -> ApiResult<Json<RulesView>> {
    let settings = settings_of(body)?;
    state
        .store
        .set_news_settings(state.clock.now(), &current.actor(), of, &settings)
        .await?;
    Ok(Json(view(Some(settings))))
}

/// A client person's tightening of the news rules (for projects they
/// are the client rep of).
#[utoipa::path(get, path = "/api/v1/people/{id}/news-rules", tag = "news",
    params(("id" = i64, Path, description = "person id")), responses((status = 200, body = RulesView)))]
pub async fn person_rules(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<RulesView>> {
    Ok(Json(view(
        state
            .store
            .news_settings(SettingsOf::Person(PersonId::new(id)))
            .await?,
    )))
}

/// Tighten the news rules for the projects this person is client rep of.
#[utoipa::path(put, path = "/api/v1/people/{id}/news-rules", tag = "news", request_body = RulesBody,
    params(("id" = i64, Path, description = "person id")),
    responses((status = 200, body = RulesView), (status = 422, body = ErrorBody)))]
pub async fn set_person_rules(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<RulesBody>,
) -> ApiResult<Json<RulesView>> {
    if state.store.person(PersonId::new(id)).await?.side != rapport_core::domain::Side::Client {
        return Err(ApiError::invalid_field(
            "id",
            format!("person {id} is on the firm's side; news rules are tightened for client people (the client reps who hear the news)"),
        ));
    }
    save_rules(
        &state,
        &current,
        SettingsOf::Person(PersonId::new(id)),
        body,
    )
    .await
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NewsView {
    pub id: i64,
    pub project_id: i64,
    /// `cpi_below`, `spi_t_below`, `finish_slip`, `eac_rise`,
    /// `estimate_move` or `commitment_at_risk`.
    pub rule: String,
    /// `critical` (tell the same business day) or `major`.
    pub severity: String,
    pub message: String,
    pub found_on: NaiveDate,
    /// The last business day to tell it.
    pub deadline: NaiveDate,
    /// `open`, `told`, `acknowledged` or `resolved` (its cause went away
    /// before it was told).
    pub state: String,
    pub told_on: Option<NaiveDate>,
    /// The conversation that told it.
    pub told_interaction_id: Option<i64>,
    pub learned_elsewhere: bool,
    /// Told after its deadline, or learned from someone else.
    pub surprise: bool,
    pub acknowledged_on: Option<NaiveDate>,
    pub resolved_on: Option<NaiveDate>,
}

impl From<NewsItem> for NewsView {
    fn from(n: NewsItem) -> Self {
        Self {
            id: n.id,
            project_id: n.project_id.get(),
            rule: n.rule.as_str().into(),
            severity: n.severity.as_str().into(),
            message: n.message,
            found_on: n.found_on,
            deadline: n.deadline,
            state: n.state.as_str().into(),
            told_on: n.told_on,
            told_interaction_id: n.told_interaction_id,
            learned_elsewhere: n.learned_elsewhere,
            surprise: n.surprise,
            acknowledged_on: n.acknowledged_on,
            resolved_on: n.resolved_on,
        }
    }
}

/// One entry of what the client was told: the figures told that time.
#[derive(Debug, Serialize, ToSchema)]
pub struct ToldView {
    pub id: i64,
    pub person_id: i64,
    pub told_on: NaiveDate,
    /// `conversation`, `report` or `elsewhere`.
    pub source: String,
    pub interaction_id: Option<i64>,
    pub forecast_finish: Option<NaiveDate>,
    /// In the project's currency units, exact to its minor unit.
    pub eac: Option<f64>,
    pub cpi: Option<f64>,
    pub spi_t: Option<f64>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ElsewhereBody {
    /// Open items of this project the client learned from someone else.
    #[schema(min_items = 1, max_items = 50)]
    pub news_ids: Vec<i64>,
    /// The day they learned it (not after today).
    #[serde(deserialize_with = "super::wire::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub on: NaiveDate,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgeBody {
    /// The day the client rep acknowledged it (not after today).
    #[serde(deserialize_with = "super::wire::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub on: NaiveDate,
}

/// A project's news to share: open first (by deadline), then told, then
/// resolved.
#[utoipa::path(get, path = "/api/v1/projects/{id}/news", tag = "news",
    params(("id" = i64, Path, description = "project id")),
    responses((status = 200, body = [NewsView])))]
pub async fn list(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<NewsView>>> {
    let news = state.store.news(ProjectId::new(id)).await?;
    Ok(Json(news.into_iter().map(NewsView::from).collect()))
}

/// The ledger of what the project's client rep was told, oldest first.
#[utoipa::path(get, path = "/api/v1/projects/{id}/told", tag = "news",
    params(("id" = i64, Path, description = "project id")),
    responses((status = 200, body = [ToldView])))]
pub async fn ledger(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<ToldView>>> {
    let project = state.store.project(ProjectId::new(id)).await?;
    let currency = project.baseline.currency().clone();
    let entries = state.store.told_ledger(ProjectId::new(id)).await?;
    Ok(Json(
        entries
            .into_iter()
            .map(|e: ToldEntry| ToldView {
                id: e.id,
                person_id: e.person_id,
                told_on: e.told_on,
                source: e.source,
                interaction_id: e.interaction_id,
                forecast_finish: e.forecast_finish,
                eac: e.eac_minor.map(|m| currency.to_units(m)),
                cpi: e.cpi,
                spi_t: e.spi_t,
                recorded_by: e.recorded_by,
                recorded_at: e.recorded_at,
            })
            .collect(),
    ))
}

fn not_after_today(state: &AppState, on: NaiveDate) -> ApiResult<()> {
    let today = state.clock.today();
    if on > today {
        return Err(ApiError::invalid_field(
            "on",
            format!("{on} is after today ({today}); record it once it has happened"),
        ));
    }
    Ok(())
}

/// Record that the client learned news from someone else before the PM
/// told them: each item becomes told, as a surprise, and the figures go
/// into the ledger of what the client knows.
#[utoipa::path(post, path = "/api/v1/projects/{id}/news/learned-elsewhere", tag = "news",
    params(("id" = i64, Path, description = "project id")), request_body = ElsewhereBody,
    responses((status = 200, body = [NewsView]), (status = 422, body = ErrorBody)))]
pub async fn learned_elsewhere(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ElsewhereBody>,
) -> ApiResult<Json<Vec<NewsView>>> {
    not_after_today(&state, body.on)?;
    if body.news_ids.is_empty() || body.news_ids.len() > 50 {
        return Err(ApiError::invalid_field(
            "news_ids",
            "give one to 50 ids of open news items of this project",
        ));
    }
    let mut ids = body.news_ids.clone();
    ids.sort_unstable();
    ids.dedup();
    let items = state
        .store
        .news_learned_elsewhere(
            state.clock.now(),
            &current.actor(),
            ProjectId::new(id),
            &ids,
            body.on,
        )
        .await?;
    Ok(Json(items.into_iter().map(NewsView::from).collect()))
}

/// Record that the client rep acknowledged news they were told.
#[utoipa::path(post, path = "/api/v1/projects/{id}/news/{news_id}/acknowledge", tag = "news",
    params(("id" = i64, Path, description = "project id"), ("news_id" = i64, Path, description = "news item id")),
    request_body = AcknowledgeBody,
    responses((status = 200, body = NewsView), (status = 422, body = ErrorBody)))]
pub async fn acknowledge(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath((id, news_id)): ApiPath<(i64, i64)>,
    ApiJson(body): ApiJson<AcknowledgeBody>,
) -> ApiResult<Json<NewsView>> {
    not_after_today(&state, body.on)?;
    let item = state
        .store
        .acknowledge_news(
            state.clock.now(),
            &current.actor(),
            ProjectId::new(id),
            news_id,
            body.on,
        )
        .await?;
    Ok(Json(item.into()))
}
