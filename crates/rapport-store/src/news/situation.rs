//! What the rules look at for one project, read inside the caller's
//! transaction: today's forecast from the live status records, what the
//! client rep believes figure by figure from the ledger, the latest
//! simulated estimate against the one before it, the open promises to
//! client people, and the rules tightened by the account and the rep.

use chrono::NaiveDate;
use rapport_core::disclosure::{
    EstimateChange, Figure, Forecast, PromiseToClient, RuleSettings, Rules, Situation, Told,
    DEFAULT_RULES,
};
use rapport_core::domain::project_evm;
use rapport_core::estimate::EstimateResults;

use crate::estimates::latest_results;
use crate::projects::{load_project, Project};
use crate::status::live_statuses;
use crate::{fetch, Result, StoreError, Tx};

#[derive(sqlx::FromRow)]
struct LedgerRow {
    id: i64,
    told_on: NaiveDate,
    forecast_finish: Option<NaiveDate>,
    eac_minor: Option<i64>,
    cpi: Option<f64>,
    spi_t: Option<f64>,
}
crate::direct::direct_row!(LedgerRow {
    id,
    told_on,
    forecast_finish,
    eac_minor,
    cpi,
    spi_t
});

/// The project, its rules and its situation.
pub(crate) async fn load(tx: &mut Tx, project_id: i64) -> Result<(Project, Rules, Situation)> {
    let project = load_project(tx, project_id).await?;
    let rules = rules_of(tx, &project).await?;
    let baseline = project.baseline.clone();
    let currency = baseline.currency().clone();

    let drafts = live_statuses(tx, project_id)
        .await?
        .iter()
        .map(|r| r.draft())
        .collect::<Result<Vec<_>>>()?;
    let forecast = project_evm(&baseline, &drafts).pop().map(|m| {
        let eac = m.metrics.eac.manager.or(m.metrics.eac.cpi);
        Forecast {
            status_date: m.status_date,
            cpi: m.metrics.cpi,
            spi_t: m.metrics.spi_t,
            forecast_finish: m.metrics.forecast_finish,
            eac_minor: eac.and_then(|units| currency.to_minor(units).ok()),
            manager_eac: m.metrics.eac.manager.is_some(),
        }
    });

    let ledger: Vec<LedgerRow> = fetch!(
        tx,
        fetch_all,
        "SELECT id, told_on, forecast_finish, eac_minor, cpi, spi_t FROM told_ledger \
             WHERE project_id = $1 ORDER BY id",
        project_id
    );
    let start = baseline.start();
    let mut told = Told {
        forecast_finish: Figure {
            value: Some(baseline.finish()),
            entry: None,
            on: start,
        },
        eac_minor: Figure {
            value: Some(baseline.bac_minor()),
            entry: None,
            on: start,
        },
        cpi: Figure {
            value: None,
            entry: None,
            on: start,
        },
        spi_t: Figure {
            value: None,
            entry: None,
            on: start,
        },
    };
    for row in &ledger {
        let (entry, on) = (Some(row.id), row.told_on);
        if row.forecast_finish.is_some() {
            told.forecast_finish = Figure {
                value: row.forecast_finish,
                entry,
                on,
            };
        }
        if row.eac_minor.is_some() {
            told.eac_minor = Figure {
                value: row.eac_minor,
                entry,
                on,
            };
        }
        if row.cpi.is_some() {
            told.cpi = Figure {
                value: row.cpi,
                entry,
                on,
            };
        }
        if row.spi_t.is_some() {
            told.spi_t = Figure {
                value: row.spi_t,
                entry,
                on,
            };
        }
    }

    // The two latest versions with results: their headline is the cost at
    // the chosen confidence, the figure the cockpit and the basis of
    // estimate lead with. Only those two are read and parsed: this runs in
    // every status, promise and estimate transaction.
    let mut headlines: Vec<(i64, i64)> = latest_results(tx, project_id, 2)
        .await?
        .into_iter()
        .filter_map(|(version, json)| {
            let results: EstimateResults = serde_json::from_str(&json).ok()?;
            let minor = currency.to_minor(results.cost.at_confidence.round()).ok()?;
            Some((version, minor))
        })
        .collect();
    headlines.reverse();
    let estimate = match headlines.as_slice() {
        [.., (previous_version, previous_minor), (version, headline_minor)] => {
            Some(EstimateChange {
                version: *version,
                headline_minor: *headline_minor,
                previous_version: *previous_version,
                previous_minor: *previous_minor,
            })
        }
        _ => None,
    };

    let promises: Vec<(i64, String, NaiveDate, String)> = fetch!(
        tx,
        fetch_all,
        "SELECT c.id, c.description, c.due_on, p.name FROM commitments c \
             JOIN people p ON p.id = c.promised_to_id \
             WHERE c.project_id = $1 AND c.state IN ('open', 'renegotiated') AND NOT c.archived \
             AND p.side = 'client' ORDER BY c.due_on, c.id",
        project_id
    );
    let situation = Situation {
        currency,
        forecast,
        told,
        estimate,
        promises: promises
            .into_iter()
            .map(|(id, description, due_on, promised_to)| PromiseToClient {
                id,
                description,
                due_on,
                promised_to,
            })
            .collect(),
    };
    Ok((project, rules, situation))
}

/// The default rules, tightened by the account's settings and then the
/// client rep's.
async fn rules_of(tx: &mut Tx, project: &Project) -> Result<Rules> {
    let rows: Vec<(Option<i64>, String)> = fetch!(
        tx,
        fetch_all,
        "SELECT account_id, settings FROM news_settings WHERE account_id = $1 OR person_id = $2",
        project.account_id.get(),
        project.client_rep_id.get()
    );
    let mut rules = DEFAULT_RULES;
    for (_, json) in rows {
        let settings: RuleSettings = serde_json::from_str(&json).map_err(|e| {
            StoreError::Corrupt(format!("news_settings of project {}: {e}", project.id))
        })?;
        rules = rules.tightened(&settings);
    }
    Ok(rules)
}
