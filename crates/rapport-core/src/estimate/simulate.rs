//! The Monte Carlo engine: cost and duration of an estimate and of each
//! alternative, with the statistics a basis of estimate reports.
//!
//! Per iteration: every item draws one uniform u (correlated items through
//! the copula of [`super::correlation`]); its cost is hours(u) × rate +
//! cost(u) and its duration duration(u) plus the delays of risks that
//! occur on it; the project duration is the longest path through the
//! finish-to-start network; the project cost is the sum of item costs and
//! of the cost impacts of risks that occur.
//!
//! Iterations run in chunks (see [`chunk_size`]), item by item inside a
//! chunk so each item's quantile table stays in cache while its draws are
//! made.
//! Chunks run in parallel; every random number is a pure function of
//! (seed, stream, iteration) and per-chunk results are combined in chunk
//! order, so the results are bit-for-bit the same whatever the number of
//! threads.
//!
//! Statistics:
//! - percentile p: the smallest simulated value whose empirical CDF is at
//!   least p (index ⌈p·n⌉ − 1 of the sorted values);
//! - criticality index of an item: share of iterations in which it lies on
//!   a longest path (every tie counted);
//! - sensitivity: Spearman rank correlation between an item's draw and the
//!   total. An item's cost and duration are increasing functions of its
//!   draw u, so its rank among the iterations is the rank of u; that rank
//!   is taken as n·u, the population rank of a uniform, which differs from
//!   the sample rank by O(1/√n) and spares storing every item's samples
//!   (memory stays proportional to the iterations, not items × iterations).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rayon::prelude::*;

use super::model::Estimate;

mod chunk;
mod compiled;
mod kernels;
mod results;
mod statistics;

use chunk::{ChunkStats, Workspace};
use compiled::Compiled;
pub use results::{
    AlternativeResult, Comparison, EstimateResults, Histogram, ItemResult, Probability, RiskResult,
    Summary,
};
pub use statistics::percentile;
use statistics::{chances, normalised_ranks, rank_moments, spearman, summarize};

/// Iterations per unit of parallel work: about an eighth of the run, so
/// two, four or eight threads share it evenly, and between 64 and 4,096
/// so an item's quantile table is reused many times once loaded. The
/// per-thread workspace holds 8 bytes per item and iteration of the chunk,
/// so a chunk of many items is shorter: at most [`WORKSPACE_BYTES`] (a
/// 10,000-item estimate at 640-iteration chunks took 51 MB per thread).
/// It depends on the iterations and the items only, never on the threads,
/// so results do not either.
pub fn chunk_size(iterations: usize, items: usize) -> usize {
    // Multiples of 64 keep chunks aligned to the draws' pairs.
    let by_iterations = iterations.div_ceil(8).div_ceil(64).clamp(4, 64);
    let by_memory = (WORKSPACE_BYTES / (8 * items.max(1) * 64)).max(1);
    by_iterations.min(by_memory) * 64
}

/// The most a thread's chunk workspace holds, in bytes.
pub const WORKSPACE_BYTES: usize = 8 << 20;

/// How to run a simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub iterations: u32,
    pub seed: u64,
    /// Worker threads; `None` uses one per core.
    pub threads: Option<usize>,
}

impl Settings {
    pub fn of(estimate: &Estimate) -> Self {
        Self {
            iterations: estimate.iterations,
            seed: estimate.seed,
            threads: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SimulationError {
    #[error("cannot start {threads} worker threads: {reason}")]
    Threads { threads: usize, reason: String },
    #[error("the iterations must be at least 1")]
    NoIterations,
    /// The caller set the cancel flag; the run stopped at the next chunk.
    #[error("the simulation was cancelled")]
    Cancelled,
}

/// Raw outcome of one scenario: every iteration's totals and the summed
/// per-chunk statistics.
struct Run {
    cost: Vec<f64>,
    duration: Option<Vec<f64>>,
    critical: Vec<u64>,
    item_cost: Vec<f64>,
    risk_hits: Vec<u64>,
    risk_cost: Vec<f64>,
    risk_delay: Vec<f64>,
}

/// The scenario's run, or `None` when `cancel` was set: every chunk looks
/// at the flag before it starts, and rayon stops handing out chunks at the
/// first `None`.
fn run(compiled: &Compiled, n: usize, done: &AtomicU64, watch: &Watch) -> Option<Run> {
    let mut cost = vec![0.0; n];
    let mut duration = vec![0.0; n];
    let items = compiled.items.len();
    let chunk = chunk_size(n, items);
    let chunks = n.div_ceil(chunk);
    // One long job per thread: each allocates its workspace (megabytes)
    // once. Chunks cost about the same, so nothing is lost to imbalance.
    let per_job = chunks.div_ceil(rayon::current_num_threads()).max(1);
    let per_chunk: Vec<ChunkStats> = cost
        .par_chunks_mut(chunk)
        .zip(duration.par_chunks_mut(chunk))
        .enumerate()
        .with_min_len(per_job)
        .map_init(Workspace::default, |ws, (c, (cs, ds))| {
            if watch.cancelled() {
                return None;
            }
            let stats = compiled.run_chunk((c * chunk) as u64, cs, ds, ws);
            (watch.progress)(done.fetch_add(cs.len() as u64, Ordering::Relaxed) + cs.len() as u64);
            Some(stats)
        })
        .collect::<Option<_>>()?;
    let mut out = Run {
        cost,
        duration: (compiled.slots() > 0).then_some(duration),
        critical: vec![0; compiled.slots()],
        item_cost: vec![0.0; compiled.items.len()],
        risk_hits: vec![0; compiled.risks.len()],
        risk_cost: vec![0.0; compiled.risks.len()],
        risk_delay: vec![0.0; compiled.risks.len()],
    };
    // In chunk order, so floating-point sums do not depend on scheduling.
    for s in per_chunk {
        for (a, b) in out.critical.iter_mut().zip(&s.critical) {
            *a += u64::from(*b);
        }
        for (a, b) in out.item_cost.iter_mut().zip(&s.item_cost) {
            *a += b;
        }
        for (a, b) in out.risk_hits.iter_mut().zip(&s.risk_hits) {
            *a += u64::from(*b);
        }
        for (a, b) in out.risk_cost.iter_mut().zip(&s.risk_cost) {
            *a += b;
        }
        for (a, b) in out.risk_delay.iter_mut().zip(&s.risk_delay) {
            *a += b;
        }
    }
    Some(out)
}

/// Simulates the estimate and its alternatives. `progress` is called with
/// the number of iterations done so far (all scenarios together; the
/// total is iterations × (1 + alternatives)).
pub fn simulate(
    estimate: &Estimate,
    settings: &Settings,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<EstimateResults, SimulationError> {
    simulate_until(estimate, settings, progress, &AtomicBool::new(false))
}

/// [`simulate`], stopping with [`SimulationError::Cancelled`] once `cancel`
/// is set: the flag is read before every chunk (a few thousand iterations,
/// milliseconds of work), so a run nobody waits for any more ends within a
/// chunk per thread. A server sets it when the request that asked for the
/// run goes away, or when its job is cancelled.
pub fn simulate_until(
    estimate: &Estimate,
    settings: &Settings,
    progress: &(dyn Fn(u64) + Sync),
    cancel: &AtomicBool,
) -> Result<EstimateResults, SimulationError> {
    if settings.iterations == 0 {
        return Err(SimulationError::NoIterations);
    }
    let watch = Watch { progress, cancel };
    let outcome = match settings.threads {
        None => simulate_here(estimate, settings, &watch),
        Some(threads) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads.max(1))
                .build()
                .map_err(|e| SimulationError::Threads {
                    threads,
                    reason: e.to_string(),
                })?;
            pool.install(|| simulate_here(estimate, settings, &watch))
        }
    };
    outcome.ok_or(SimulationError::Cancelled)
}

/// What a run reports to, and listens to, while it works.
struct Watch<'a> {
    progress: &'a (dyn Fn(u64) + Sync),
    cancel: &'a AtomicBool,
}

impl Watch<'_> {
    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// The results, or `None` when the run was cancelled.
fn simulate_here(
    estimate: &Estimate,
    settings: &Settings,
    watch: &Watch,
) -> Option<EstimateResults> {
    let n = settings.iterations as usize;
    let done = AtomicU64::new(0);
    let scenario = estimate.base_scenario();
    let compiled = Compiled::new(&scenario, settings.seed);
    let base = run(&compiled, n, &done, watch)?;
    // Sorting and ranking a million totals takes a moment of its own: the
    // flag is read between those steps too.

    let (cost, sorted_cost) = summarize(&base.cost, compiled.base_cost, estimate.confidence);
    let (duration, sorted_duration) = match (&base.duration, compiled.base_duration) {
        (Some(d), Some(b)) => {
            let (s, sorted) = summarize(d, b, estimate.confidence);
            (Some(s), Some(sorted))
        }
        _ => (None, None),
    };
    if watch.cancelled() {
        return None;
    }
    let probability = chances(
        &base.cost,
        base.duration.as_deref(),
        &sorted_cost,
        sorted_duration.as_deref(),
        estimate,
    );

    // Sensitivities: a second pass over the same draws against the ranks.
    let chunk = chunk_size(n, compiled.items.len());
    let chunks_per_thread = n
        .div_ceil(chunk)
        .div_ceil(rayon::current_num_threads())
        .max(1);
    let cost_ranks = normalised_ranks(&base.cost);
    if watch.cancelled() {
        return None;
    }
    let duration_ranks = base.duration.as_deref().map(normalised_ranks);
    if watch.cancelled() {
        return None;
    }
    let items_n = compiled.items.len();
    let chunks: Vec<Vec<[f64; 2]>> = cost_ranks
        .par_chunks(chunk)
        .enumerate()
        .with_min_len(chunks_per_thread)
        .map_init(Workspace::default, |ws, (c, ranks)| {
            if watch.cancelled() {
                return None;
            }
            let d = duration_ranks
                .as_deref()
                .map(|d| &d[c * chunk..c * chunk + ranks.len()]);
            Some(compiled.sensitivity_chunk((c * chunk) as u64, ranks, d, ws))
        })
        .collect::<Option<_>>()?;
    let mut sums = vec![[0.0; 2]; items_n];
    for chunk in chunks {
        for (total, part) in sums.iter_mut().zip(chunk) {
            total[0] += part[0];
            total[1] += part[1];
        }
    }
    let nf = n as f64;
    let cost_moments = rank_moments(&cost_ranks);
    let duration_moments = duration_ranks.as_deref().map(rank_moments);
    // What only the sensitivities needed goes before the alternatives run:
    // at a million iterations each of these is 8 MB.
    drop((cost_ranks, duration_ranks, sorted_cost, sorted_duration));
    let items = scenario
        .items
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let c = &compiled.items[k];
            ItemResult {
                id: s.item.id.clone(),
                name: s.item.name.clone(),
                base_cost: compiled.base_item_costs[k],
                mean_cost: base.item_cost[k] / nf,
                criticality: c.slot.map(|slot| base.critical[slot] as f64 / nf),
                sensitivity_cost: if c.cost_varies {
                    spearman(sums[k][0], cost_moments, nf)
                } else {
                    None
                },
                sensitivity_duration: match (duration_moments, c.duration_varies) {
                    (Some(m), true) => spearman(sums[k][1], m, nf),
                    _ => None,
                },
            }
        })
        .collect();
    let risks = scenario
        .risks
        .iter()
        .enumerate()
        .map(|(r, risk)| RiskResult {
            id: risk.id.clone(),
            name: risk.name.clone(),
            probability: risk.probability,
            occurred: base.risk_hits[r] as f64 / nf,
            mean_cost: base.risk_cost[r] / nf,
            mean_delay: base.risk_delay[r] / nf,
            on: risk.on.clone(),
        })
        .collect();

    let alternatives = estimate
        .alternatives
        .iter()
        .map(|alt| {
            let scenario = estimate.scenario(Some(alt));
            let compiled = Compiled::new(&scenario, settings.seed);
            let out = run(&compiled, n, &done, watch)?;
            let (cost, sorted_cost) = summarize(&out.cost, compiled.base_cost, estimate.confidence);
            if watch.cancelled() {
                return None;
            }
            let (duration, sorted_duration) = match (&out.duration, compiled.base_duration) {
                (Some(d), Some(b)) => {
                    let (s, sorted) = summarize(d, b, estimate.confidence);
                    (Some(s), Some(sorted))
                }
                _ => (None, None),
            };
            let mean_difference =
                |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x - y).sum::<f64>() / nf;
            let share_below =
                |a: &[f64], b: &[f64]| a.iter().zip(b).filter(|(x, y)| x < y).count() as f64 / nf;
            let comparison = Comparison {
                mean_cost_difference: mean_difference(&out.cost, &base.cost),
                mean_duration_difference: match (&out.duration, &base.duration) {
                    (Some(a), Some(b)) => Some(mean_difference(a, b)),
                    _ => None,
                },
                probability_cheaper: share_below(&out.cost, &base.cost),
                probability_sooner: match (&out.duration, &base.duration) {
                    (Some(a), Some(b)) => Some(share_below(a, b)),
                    _ => None,
                },
            };
            Some(AlternativeResult {
                name: alt.name.clone(),
                description: alt.description.clone(),
                probability: chances(
                    &out.cost,
                    out.duration.as_deref(),
                    &sorted_cost,
                    sorted_duration.as_deref(),
                    estimate,
                ),
                cost,
                duration,
                compared_to_estimate: comparison,
            })
        })
        .collect::<Option<_>>()?;

    Some(EstimateResults {
        name: estimate.name.clone(),
        currency: estimate.currency.clone(),
        iterations: settings.iterations,
        seed: settings.seed,
        confidence: estimate.confidence,
        cost,
        duration,
        probability,
        base_critical_path: compiled.base_path.clone(),
        items,
        risks,
        alternatives,
    })
}

#[cfg(test)]
mod tests;
