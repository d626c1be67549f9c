//! Estimate versions of a project and the simulation results kept with
//! each. The store keeps the source text and the results as JSON; parsing
//! and simulating belong to `rapport-core`.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::projects::require_project;
use crate::{audit, conflict_on_unique, fetch, on_tx, take_turns, Result, Store, StoreError, Tx};
use rapport_core::ids::ProjectId;

#[derive(sqlx::FromRow)]
struct VersionRow {
    id: i64,
    project_id: i64,
    version: i64,
    name: String,
    source: String,
    created_by: String,
    created_at: DateTime<Utc>,
    simulated_at: Option<DateTime<Utc>>,
    item_count: Option<i64>,
    risk_count: Option<i64>,
    alternative_count: Option<i64>,
}
crate::direct::direct_row!(VersionRow {
    id,
    project_id,
    version,
    name,
    source,
    created_by,
    created_at,
    simulated_at,
    item_count,
    risk_count,
    alternative_count
});

/// How many items, risks and alternatives a version's file has, kept at
/// import so that lists never re-read the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct VersionCounts {
    pub items: i64,
    pub risks: i64,
    pub alternatives: i64,
}

impl VersionCounts {
    /// The counts of a read estimate.
    pub fn of(estimate: &rapport_core::estimate::Estimate) -> Self {
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        Self {
            items: count(estimate.items().len()),
            risks: count(estimate.risks().len()),
            alternatives: count(estimate.alternatives().len()),
        }
    }
}

/// One imported version of an estimate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EstimateVersion {
    pub id: i64,
    pub project_id: ProjectId,
    /// 1, 2, 3 … within the project.
    pub version: i64,
    pub name: String,
    /// The TOML as imported.
    pub source: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    /// When results were last computed, if ever.
    pub simulated_at: Option<DateTime<Utc>>,
    /// Kept at import; absent for versions imported before they were kept.
    pub counts: Option<VersionCounts>,
}

impl From<VersionRow> for EstimateVersion {
    fn from(r: VersionRow) -> Self {
        Self {
            id: r.id,
            project_id: ProjectId::new(r.project_id),
            version: r.version,
            name: r.name,
            source: r.source,
            created_by: r.created_by,
            created_at: r.created_at,
            simulated_at: r.simulated_at,
            counts: match (r.item_count, r.risk_count, r.alternative_count) {
                (Some(items), Some(risks), Some(alternatives)) => Some(VersionCounts {
                    items,
                    risks,
                    alternatives,
                }),
                _ => None,
            },
        }
    }
}

/// Results of simulating a version, as the JSON the engine produced.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct StoredResults {
    pub estimate_id: i64,
    pub iterations: i64,
    pub seed: i64,
    pub results: String,
    pub simulated_at: DateTime<Utc>,
}
crate::direct::direct_row!(StoredResults {
    estimate_id,
    iterations,
    seed,
    results,
    simulated_at
});

const SELECT_VERSION: &str =
    "SELECT v.id, v.project_id, v.version, v.name, v.source, v.created_by, v.created_at, \
     r.simulated_at, v.item_count, v.risk_count, v.alternative_count FROM estimate_versions v LEFT JOIN estimate_results r ON r.estimate_id = v.id";

impl Store {
    /// Stores a new version of a project's estimate: the next number after
    /// the project's latest. Reading the latest number and inserting the
    /// next happen in one write transaction, so on SQLite (which begins it
    /// `IMMEDIATE`) two imports cannot pick the same number; on PostgreSQL
    /// the unique index turns that race into a conflict to retry.
    pub async fn create_estimate_version(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        project_id: ProjectId,
        name: &str,
        source: &str,
        counts: VersionCounts,
    ) -> Result<EstimateVersion> {
        let project_id = project_id.get();
        let mut tx = self.begin().await?;
        // Parallel imports into one project number their versions in turn,
        // so the numbers are consecutive and none fails on the key.
        take_turns(
            &mut tx,
            &[&format!("estimate versions of project {project_id}")],
        )
        .await?;
        require_project(&mut tx, project_id).await?;
        let version = latest_version(&mut tx, project_id).await?.unwrap_or(0) + 1;
        let id = insert_version(&mut tx, now, actor, project_id, version, (name, source)).await?;
        save_counts(&mut tx, id, counts).await?;
        let detail = (project_id, version, name);
        audit(
            &mut tx,
            now,
            actor,
            "estimate_version",
            id,
            "create",
            &detail,
        )
        .await?;
        let stored = load_version(&mut tx, project_id, version).await?;
        tx.commit().await?;
        Ok(stored)
    }

    pub async fn estimate_version(
        &self,
        project_id: ProjectId,
        version: i64,
    ) -> Result<EstimateVersion> {
        let project_id = project_id.get();
        let mut tx = self.read_one().await?;
        let stored = load_version(&mut tx, project_id, version).await?;
        tx.commit().await?;
        Ok(stored)
    }

    /// A project's estimate versions, oldest first.
    pub async fn estimate_versions(&self, project_id: ProjectId) -> Result<Vec<EstimateVersion>> {
        let project_id = project_id.get();
        let mut tx = self.begin_read().await?;
        require_project(&mut tx, project_id).await?;
        let rows = select_versions(&mut tx, project_id).await?;
        tx.commit().await?;
        Ok(rows.into_iter().map(EstimateVersion::from).collect())
    }

    /// Keeps a version's simulation results, replacing earlier ones, with
    /// an audit entry naming who ran it.
    pub async fn save_estimate_results(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        estimate_id: i64,
        iterations: u32,
        seed: u64,
        results: &str,
    ) -> Result<()> {
        let seed = i64::try_from(seed)
            .map_err(|_| StoreError::invalid("seed", "must be below 2^63 to be stored"))?;
        let mut tx = self.begin().await?;
        keep_results(
            &mut tx,
            now,
            actor,
            estimate_id,
            i64::from(iterations),
            seed,
            results,
        )
        .await?;
        let (project_id,): (i64,) = fetch!(
            tx,
            fetch_one,
            "SELECT project_id FROM estimate_versions WHERE id = $1",
            estimate_id
        );
        crate::news::reevaluate(&mut tx, project_id, now.date_naive()).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn estimate_results(&self, estimate_id: i64) -> Result<Option<StoredResults>> {
        let mut tx = self.read_one().await?;
        let results = select_results(&mut tx, estimate_id).await?;
        tx.commit().await?;
        Ok(results)
    }
}

async fn load_version(tx: &mut Tx, project_id: i64, version: i64) -> Result<EstimateVersion> {
    let row: Option<VersionRow> = fetch!(
        tx,
        fetch_optional,
        &format!("{SELECT_VERSION} WHERE v.project_id = $1 AND v.version = $2"),
        project_id,
        version
    );
    row.map(EstimateVersion::from)
        .ok_or_else(|| StoreError::NotFound {
            entity: "estimate version",
            id: version,
        })
}

async fn select_versions(tx: &mut Tx, project_id: i64) -> Result<Vec<VersionRow>> {
    Ok(fetch!(
        tx,
        fetch_all,
        &format!("{SELECT_VERSION} WHERE v.project_id = $1 AND NOT v.archived ORDER BY v.version"),
        project_id
    ))
}

async fn latest_version(tx: &mut Tx, project_id: i64) -> Result<Option<i64>> {
    let (latest,): (Option<i64>,) = fetch!(
        tx,
        fetch_one,
        "SELECT MAX(version) FROM estimate_versions WHERE project_id = $1",
        project_id
    );
    Ok(latest)
}

async fn insert_version(
    tx: &mut Tx,
    now: DateTime<Utc>,
    actor: &str,
    project_id: i64,
    version: i64,
    (name, source): (&str, &str),
) -> Result<i64> {
    let (id,): (i64,) = on_tx!(tx, conn => {
        sqlx::query_as(
            "INSERT INTO estimate_versions (project_id, version, name, source, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(project_id)
        .bind(version)
        .bind(name)
        .bind(source)
        .bind(actor)
        .bind(now)
        .fetch_one(conn)
        .await
        .map_err(|e| conflict_on_unique(e, || format!("another version of project {project_id}'s estimate was saved at the same moment; try again")))?
    });
    Ok(id)
}

async fn select_results(tx: &mut Tx, estimate_id: i64) -> Result<Option<StoredResults>> {
    Ok(fetch!(
        tx,
        fetch_optional,
        "SELECT estimate_id, iterations, seed, results, simulated_at FROM estimate_results WHERE estimate_id = $1",
        estimate_id,
    ))
}

async fn save_counts(tx: &mut Tx, id: i64, counts: VersionCounts) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE estimate_versions SET item_count = $1, risk_count = $2, alternative_count = $3 WHERE id = $4",
        )
        .bind(counts.items)
        .bind(counts.risks)
        .bind(counts.alternatives)
        .bind(id)
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// Keeps a version's results, replacing earlier ones in one statement: two
/// simulations finishing at once must not both insert (a delete then an
/// insert let the second fail on the key on PostgreSQL). The results are
/// what a client rep is shown, so the change is audited with them.
pub(crate) async fn keep_results(
    tx: &mut Tx,
    now: DateTime<Utc>,
    actor: &str,
    estimate_id: i64,
    iterations: i64,
    seed: i64,
    results: &str,
) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO estimate_results (estimate_id, iterations, seed, results, simulated_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (estimate_id) DO UPDATE SET iterations = excluded.iterations, seed = excluded.seed, \
             results = excluded.results, simulated_at = excluded.simulated_at",
        )
        .bind(estimate_id)
        .bind(iterations)
        .bind(seed)
        .bind(results)
        .bind(now)
        .execute(conn)
        .await?;
    });
    audit(
        tx,
        now,
        actor,
        "estimate_results",
        estimate_id,
        "simulate",
        &(iterations, seed),
    )
    .await
}

/// The kept results of a project's `n` latest simulated versions, newest
/// first: (version, results JSON).
pub(crate) async fn latest_results(
    tx: &mut Tx,
    project_id: i64,
    n: i64,
) -> Result<Vec<(i64, String)>> {
    Ok(fetch!(
        tx,
        fetch_all,
        "SELECT v.version, r.results FROM estimate_results r \
             JOIN estimate_versions v ON v.id = r.estimate_id WHERE v.project_id = $1 \
             ORDER BY v.version DESC LIMIT $2",
        project_id,
        n
    ))
}

/// A project's estimate versions, oldest first, each with its kept
/// results (if simulated): two queries whatever the number of versions.
pub(crate) async fn versions_with_results(
    tx: &mut Tx,
    project_id: i64,
) -> Result<Vec<(EstimateVersion, Option<StoredResults>)>> {
    let versions = select_versions(tx, project_id).await?;
    let results: Vec<StoredResults> = fetch!(
        tx,
        fetch_all,
        "SELECT r.estimate_id, r.iterations, r.seed, r.results, r.simulated_at FROM estimate_results r \
         JOIN estimate_versions v ON v.id = r.estimate_id WHERE v.project_id = $1",
        project_id,
    );
    let mut results: std::collections::HashMap<i64, StoredResults> =
        results.into_iter().map(|r| (r.estimate_id, r)).collect();
    Ok(versions
        .into_iter()
        .map(|row| {
            let version = EstimateVersion::from(row);
            let kept = results.remove(&version.id);
            (version, kept)
        })
        .collect())
}
