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
//! Iterations run in chunks of [`CHUNK`], item by item inside a chunk so
//! each item's quantile table stays in cache while its draws are made.
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

// The kernels index several parallel arrays by iteration and slot; index
// loops say that more plainly than zipped iterators.
#![allow(clippy::needless_range_loop)]

use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use serde::Serialize;

use super::correlation::{build_copula, Copula};
use super::distribution::{Sampler, TableCache};
use super::model::{Estimate, Scenario};
use super::network::{longest_path, topological_order};
use super::rng::{normal_cdf, normal_quantile, Stream};

/// Iterations per unit of parallel work.
pub const CHUNK: usize = 256;

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
}

/// Percentiles and moments of a simulated total, with the base and the
/// contingency at the chosen confidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub mean: f64,
    pub sd: f64,
    pub min: f64,
    pub p5: f64,
    pub p10: f64,
    pub p20: f64,
    pub p30: f64,
    pub p40: f64,
    pub p50: f64,
    pub p60: f64,
    pub p70: f64,
    pub p80: f64,
    pub p90: f64,
    pub p95: f64,
    pub max: f64,
    /// Sum of most-likely values (cost) or the most-likely critical path
    /// (duration), without risks.
    pub base: f64,
    /// The value at the chosen confidence, P(confidence).
    pub at_confidence: f64,
    /// P(confidence) − base.
    pub contingency: f64,
    /// Values at P0, P1, …, P100 (the S-curve).
    pub curve: Vec<f64>,
    pub histogram: Histogram,
}

/// Counts of simulated values in equal bins from P0.5 to P99.5; the few
/// values outside are counted in the end bins.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Histogram {
    pub start: f64,
    pub width: f64,
    pub counts: Vec<u32>,
}

/// Chances of meeting the targets, when targets are given.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Probability {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<f64>,
    /// Both targets met in the same iteration (joint confidence).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub joint: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemResult {
    pub id: String,
    pub name: String,
    pub base_cost: f64,
    pub mean_cost: f64,
    /// Share of iterations on a critical path (None off the schedule).
    pub criticality: Option<f64>,
    /// Spearman rank correlation of the item with the total cost (None
    /// when its cost does not vary).
    pub sensitivity_cost: Option<f64>,
    /// … with the project duration (None when its duration does not vary).
    pub sensitivity_duration: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RiskResult {
    pub id: String,
    pub name: String,
    pub probability: f64,
    /// Share of iterations in which it occurred.
    pub occurred: f64,
    /// Expected cost it adds (over all iterations).
    pub mean_cost: f64,
    /// Expected working days it adds to its item (over all iterations).
    pub mean_delay: f64,
    pub on: Option<String>,
}

/// How an alternative compares with the estimate, iteration by iteration
/// (common random numbers make the pairing meaningful).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// Mean of (alternative − estimate) cost.
    pub mean_cost_difference: f64,
    pub mean_duration_difference: Option<f64>,
    /// Share of iterations in which the alternative costs less.
    pub probability_cheaper: f64,
    /// Share of iterations in which it finishes sooner.
    pub probability_sooner: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlternativeResult {
    pub name: String,
    pub description: Option<String>,
    pub cost: Summary,
    pub duration: Option<Summary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probability: Option<Probability>,
    pub compared_to_estimate: Comparison,
}

/// Everything the simulation found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EstimateResults {
    pub name: String,
    pub currency: Option<String>,
    pub iterations: u32,
    pub seed: u64,
    pub confidence: f64,
    pub cost: Summary,
    /// None when no item has a duration.
    pub duration: Option<Summary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probability: Option<Probability>,
    /// The most-likely critical path, by item id.
    pub base_critical_path: Vec<String>,
    pub items: Vec<ItemResult>,
    pub risks: Vec<RiskResult>,
    pub alternatives: Vec<AlternativeResult>,
}

struct CItem {
    stream: Stream,
    hours: Option<Sampler>,
    rate: f64,
    cost: Option<Sampler>,
    duration: Option<Sampler>,
    /// Position in the schedule (topological order), if scheduled.
    slot: Option<usize>,
    /// Position among the copula's members, if correlated.
    copula_slot: Option<usize>,
    cost_varies: bool,
    duration_varies: bool,
}

struct CRisk {
    occurs: Stream,
    impact: Stream,
    probability: f64,
    cost: Option<Sampler>,
    delay: Option<Sampler>,
    slot: Option<usize>,
}

/// A scenario ready to simulate.
struct Compiled {
    items: Vec<CItem>,
    /// Items in processing order: scheduled items in topological order,
    /// then the rest.
    order: Vec<usize>,
    /// Predecessor slots of each slot.
    preds: Vec<Vec<usize>>,
    copula: Option<Copula>,
    copula_streams: Vec<Stream>,
    risks: Vec<CRisk>,
    base_cost: f64,
    base_item_costs: Vec<f64>,
    base_duration: Option<f64>,
    base_path: Vec<String>,
}

impl Compiled {
    fn new(scenario: &Scenario, seed: u64, cache: &mut TableCache) -> Self {
        let n = scenario.items.len();
        let index = |id: &str| scenario.items.iter().position(|s| s.item.id == id);
        let preds_all: Vec<Vec<usize>> = scenario
            .items
            .iter()
            .map(|s| s.item.after.iter().filter_map(|a| index(a)).collect())
            .collect();
        // Validated upstream: the network is acyclic.
        let topo = topological_order(&preds_all).unwrap_or_else(|_| (0..n).collect());
        let scheduled: Vec<usize> = topo
            .iter()
            .copied()
            .filter(|&i| scenario.items[i].item.duration.is_some())
            .collect();
        let mut slot_of = vec![None; n];
        for (slot, &i) in scheduled.iter().enumerate() {
            slot_of[i] = Some(slot);
        }
        let preds: Vec<Vec<usize>> = scheduled
            .iter()
            .map(|&i| preds_all[i].iter().filter_map(|&p| slot_of[p]).collect())
            .collect();
        let mut order = scheduled.clone();
        order.extend((0..n).filter(|i| slot_of[*i].is_none()));

        let names: Vec<String> = scenario.items.iter().map(|s| s.item.id.clone()).collect();
        let groups: Vec<(Vec<usize>, f64)> = scenario
            .correlations
            .iter()
            .map(|c| {
                (
                    c.items.iter().filter_map(|id| index(id)).collect(),
                    c.coefficient,
                )
            })
            .collect();
        // Validated upstream; an alternative only removes members.
        let copula = build_copula(&groups, &names).ok().flatten();
        let mut copula_slot = vec![None; n];
        if let Some(c) = &copula {
            for (k, &m) in c.members.iter().enumerate() {
                copula_slot[m] = Some(k);
            }
        }

        let items: Vec<CItem> = scenario
            .items
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let it = &s.item;
                let mut sampler = |v: Option<super::distribution::ThreePoint>| {
                    v.map(|v| Sampler::new(v, it.shape, cache))
                };
                let hours = sampler(it.hours);
                let cost = sampler(it.cost);
                let duration = sampler(it.duration);
                let cost_varies = hours
                    .as_ref()
                    .is_some_and(|h| !h.is_constant() && s.rate > 0.0)
                    || cost.as_ref().is_some_and(|c| !c.is_constant());
                let duration_varies = duration.as_ref().is_some_and(|d| !d.is_constant());
                CItem {
                    stream: Stream::new(seed, &format!("item:{}", it.id)),
                    hours,
                    rate: s.rate,
                    cost,
                    duration,
                    slot: slot_of[i],
                    copula_slot: copula_slot[i],
                    cost_varies,
                    duration_varies,
                }
            })
            .collect();
        let copula_streams = copula
            .as_ref()
            .map(|c| c.members.iter().map(|&m| items[m].stream).collect())
            .unwrap_or_default();

        let risks = scenario
            .risks
            .iter()
            .map(|r| CRisk {
                occurs: Stream::new(seed, &format!("risk-occurs:{}", r.id)),
                impact: Stream::new(seed, &format!("risk-impact:{}", r.id)),
                probability: r.probability,
                cost: r.cost.map(|v| Sampler::new(v, r.shape, cache)),
                delay: r.delay.map(|v| Sampler::new(v, r.shape, cache)),
                slot: r.on.as_deref().and_then(index).and_then(|i| slot_of[i]),
            })
            .collect();

        let base_item_costs: Vec<f64> = scenario
            .items
            .iter()
            .map(|s| {
                s.item.hours.map_or(0.0, |h| h.likely() * s.rate)
                    + s.item.cost.map_or(0.0, |c| c.likely())
            })
            .collect();
        let (base_duration, base_path) = if scheduled.is_empty() {
            (None, Vec::new())
        } else {
            let likely: Vec<f64> = scheduled
                .iter()
                .map(|&i| scenario.items[i].item.duration.map_or(0.0, |d| d.likely()))
                .collect();
            let slots: Vec<usize> = (0..scheduled.len()).collect();
            let (total, path) = longest_path(&slots, &preds, &likely);
            (
                Some(total),
                path.iter().map(|&s| names[scheduled[s]].clone()).collect(),
            )
        };
        Self {
            items,
            order,
            preds,
            copula,
            copula_streams,
            risks,
            base_cost: base_item_costs.iter().sum(),
            base_item_costs,
            base_duration,
            base_path,
        }
    }

    fn slots(&self) -> usize {
        self.preds.len()
    }

    /// Fills `cu` with the correlated uniforms of the chunk, member-major.
    fn fill_copula(&self, first: u64, len: usize, z: &mut Vec<f64>, cu: &mut Vec<f64>) {
        let Some(copula) = &self.copula else { return };
        let m = copula.members.len();
        z.resize(m, 0.0);
        cu.resize(m * len, 0.0);
        for j in 0..len {
            let i = first + j as u64;
            for (k, stream) in self.copula_streams.iter().enumerate() {
                z[k] = normal_quantile(stream.uniform(i));
            }
            for row in 0..m {
                let mut s = 0.0;
                for col in 0..=row {
                    s += copula.factor[row * m + col] * z[col];
                }
                cu[row * len + j] = normal_cdf(s);
            }
        }
    }

    #[inline]
    fn draw(&self, item: &CItem, i: u64, j: usize, len: usize, cu: &[f64]) -> f64 {
        match item.copula_slot {
            Some(k) => cu[k * len + j],
            None => item.stream.uniform(i),
        }
    }

    /// Simulates iterations first..first+len into `cost` and `duration`.
    fn run_chunk(
        &self,
        first: u64,
        cost: &mut [f64],
        duration: &mut [f64],
        ws: &mut Workspace,
    ) -> ChunkStats {
        let len = cost.len();
        let slots = self.slots();
        let mut stats = ChunkStats::new(self.items.len(), slots, self.risks.len());
        self.fill_copula(first, len, &mut ws.z, &mut ws.cu);
        cost.fill(0.0);
        ws.start.clear();
        ws.start.resize(slots * len, 0.0);
        ws.finish.clear();
        ws.finish.resize(slots * len, 0.0);
        ws.delay.clear();
        ws.delay.resize(slots * len, 0.0);

        for (r, risk) in self.risks.iter().enumerate() {
            for j in 0..len {
                let i = first + j as u64;
                if risk.occurs.uniform(i) >= risk.probability {
                    continue;
                }
                stats.risk_hits[r] += 1;
                let v = risk.impact.uniform(i);
                if let Some(c) = &risk.cost {
                    let x = c.sample(v);
                    cost[j] += x;
                    stats.risk_cost[r] += x;
                }
                if let (Some(d), Some(slot)) = (&risk.delay, risk.slot) {
                    let x = d.sample(v);
                    ws.delay[slot * len + j] += x;
                    stats.risk_delay[r] += x;
                }
            }
        }

        for &k in &self.order {
            let item = &self.items[k];
            let priced = item.hours.is_some() || item.cost.is_some();
            let mut item_cost = 0.0;
            match item.slot {
                Some(slot) => {
                    let (before, rest) = ws.finish.split_at_mut(slot * len);
                    let finish = &mut rest[..len];
                    let start = &mut ws.start[slot * len..(slot + 1) * len];
                    let delay = &ws.delay[slot * len..(slot + 1) * len];
                    let dur = item.duration.as_ref();
                    for j in 0..len {
                        let u = self.draw(item, first + j as u64, j, len, &ws.cu);
                        if priced {
                            let c = item.hours.as_ref().map_or(0.0, |h| h.sample(u) * item.rate)
                                + item.cost.as_ref().map_or(0.0, |c| c.sample(u));
                            cost[j] += c;
                            item_cost += c;
                        }
                        let mut s = 0.0f64;
                        for &p in &self.preds[slot] {
                            // Predecessors come earlier in topological order.
                            s = s.max(before[p * len + j]);
                        }
                        start[j] = s;
                        finish[j] = s + dur.map_or(0.0, |d| d.sample(u)) + delay[j];
                    }
                }
                None => {
                    for j in 0..len {
                        let u = self.draw(item, first + j as u64, j, len, &ws.cu);
                        let c = item.hours.as_ref().map_or(0.0, |h| h.sample(u) * item.rate)
                            + item.cost.as_ref().map_or(0.0, |c| c.sample(u));
                        cost[j] += c;
                        item_cost += c;
                    }
                }
            }
            stats.item_cost[k] = item_cost;
        }

        if slots > 0 {
            for (j, total) in duration.iter_mut().enumerate() {
                let mut longest = 0.0f64;
                for slot in 0..slots {
                    longest = longest.max(ws.finish[slot * len + j]);
                }
                *total = longest;
            }
            ws.mark.resize(slots, 0);
            for (j, &total) in duration.iter().enumerate() {
                ws.stamp = ws.stamp.wrapping_add(1);
                if ws.stamp == 0 {
                    ws.mark.fill(0);
                    ws.stamp = 1;
                }
                ws.stack.clear();
                for slot in 0..slots {
                    if ws.finish[slot * len + j] == total {
                        ws.mark[slot] = ws.stamp;
                        ws.stack.push(slot);
                    }
                }
                while let Some(slot) = ws.stack.pop() {
                    stats.critical[slot] += 1;
                    let start = ws.start[slot * len + j];
                    for &p in &self.preds[slot] {
                        if ws.mark[p] != ws.stamp && ws.finish[p * len + j] == start {
                            ws.mark[p] = ws.stamp;
                            ws.stack.push(p);
                        }
                    }
                }
            }
        }
        stats
    }

    /// Per item: Σu, Σu², Σu·rank_cost, Σu·rank_duration over the chunk.
    fn sensitivity_chunk(
        &self,
        first: u64,
        cost_ranks: &[f64],
        duration_ranks: Option<&[f64]>,
        ws: &mut Workspace,
    ) -> Vec<[f64; 4]> {
        let len = cost_ranks.len();
        self.fill_copula(first, len, &mut ws.z, &mut ws.cu);
        self.items
            .iter()
            .map(|item| {
                let mut sums = [0.0; 4];
                if !(item.cost_varies || item.duration_varies) {
                    return sums;
                }
                for j in 0..len {
                    let u = self.draw(item, first + j as u64, j, len, &ws.cu);
                    sums[0] += u;
                    sums[1] += u * u;
                    sums[2] += u * cost_ranks[j];
                    if let Some(d) = duration_ranks {
                        sums[3] += u * d[j];
                    }
                }
                sums
            })
            .collect()
    }
}

#[derive(Default)]
struct Workspace {
    z: Vec<f64>,
    cu: Vec<f64>,
    start: Vec<f64>,
    finish: Vec<f64>,
    delay: Vec<f64>,
    mark: Vec<u32>,
    stamp: u32,
    stack: Vec<usize>,
}

struct ChunkStats {
    critical: Vec<u32>,
    item_cost: Vec<f64>,
    risk_hits: Vec<u32>,
    risk_cost: Vec<f64>,
    risk_delay: Vec<f64>,
}

impl ChunkStats {
    fn new(items: usize, slots: usize, risks: usize) -> Self {
        Self {
            critical: vec![0; slots],
            item_cost: vec![0.0; items],
            risk_hits: vec![0; risks],
            risk_cost: vec![0.0; risks],
            risk_delay: vec![0.0; risks],
        }
    }
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

fn run(compiled: &Compiled, n: usize, done: &AtomicU64, progress: &(dyn Fn(u64) + Sync)) -> Run {
    let mut cost = vec![0.0; n];
    let mut duration = vec![0.0; if compiled.slots() > 0 { n } else { 0 }];
    let per_chunk: Vec<ChunkStats> = if compiled.slots() > 0 {
        cost.par_chunks_mut(CHUNK)
            .zip(duration.par_chunks_mut(CHUNK))
            .enumerate()
            .map_init(Workspace::default, |ws, (c, (cs, ds))| {
                let stats = compiled.run_chunk((c * CHUNK) as u64, cs, ds, ws);
                progress(done.fetch_add(cs.len() as u64, Ordering::Relaxed) + cs.len() as u64);
                stats
            })
            .collect()
    } else {
        cost.par_chunks_mut(CHUNK)
            .enumerate()
            .map_init(Workspace::default, |ws, (c, cs)| {
                let stats = compiled.run_chunk((c * CHUNK) as u64, cs, &mut [], ws);
                progress(done.fetch_add(cs.len() as u64, Ordering::Relaxed) + cs.len() as u64);
                stats
            })
            .collect()
    };
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
    out
}

/// The percentile definition of the module docs, on sorted values.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    let rank = (p * n as f64 - 1e-9).ceil().max(1.0) as usize;
    sorted[rank.min(n) - 1]
}

fn summarize(values: &[f64], base: f64, confidence: f64) -> (Summary, Vec<f64>) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let sd = if values.len() > 1 {
        (values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0)).sqrt()
    } else {
        0.0
    };
    let mut sorted = values.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    let p = |q: f64| percentile(&sorted, q);
    let at_confidence = p(confidence);
    let (lo, hi) = (p(0.005), p(0.995));
    let bins = 30;
    let width = if hi > lo {
        (hi - lo) / bins as f64
    } else {
        1.0
    };
    let mut counts = vec![0u32; bins];
    for v in &sorted {
        let b = ((v - lo) / width).floor();
        let b = if b.is_finite() {
            b.clamp(0.0, (bins - 1) as f64) as usize
        } else {
            0
        };
        counts[b] += 1;
    }
    let summary = Summary {
        mean,
        sd,
        min: sorted[0],
        p5: p(0.05),
        p10: p(0.10),
        p20: p(0.20),
        p30: p(0.30),
        p40: p(0.40),
        p50: p(0.50),
        p60: p(0.60),
        p70: p(0.70),
        p80: p(0.80),
        p90: p(0.90),
        p95: p(0.95),
        max: sorted[sorted.len() - 1],
        base,
        at_confidence,
        contingency: at_confidence - base,
        curve: (0..=100)
            .map(|k| {
                if k == 0 {
                    sorted[0]
                } else {
                    p(f64::from(k) / 100.0)
                }
            })
            .collect(),
        histogram: Histogram {
            start: lo,
            width,
            counts,
        },
    };
    (summary, sorted)
}

fn share_at_most(sorted: &[f64], target: f64) -> f64 {
    sorted.partition_point(|v| *v <= target) as f64 / sorted.len() as f64
}

fn chances(
    cost: &[f64],
    duration: Option<&[f64]>,
    sorted_cost: &[f64],
    sorted_duration: Option<&[f64]>,
    estimate: &Estimate,
) -> Option<Probability> {
    if estimate.target_cost.is_none() && estimate.target_duration.is_none() {
        return None;
    }
    let joint = match (estimate.target_cost, estimate.target_duration, duration) {
        (Some(tc), Some(td), Some(d)) => Some(
            cost.iter()
                .zip(d)
                .filter(|(c, d)| **c <= tc && **d <= td)
                .count() as f64
                / cost.len() as f64,
        ),
        _ => None,
    };
    Some(Probability {
        cost: estimate.target_cost.map(|t| share_at_most(sorted_cost, t)),
        duration: match (estimate.target_duration, sorted_duration) {
            (Some(t), Some(d)) => Some(share_at_most(d, t)),
            _ => None,
        },
        joint,
    })
}

/// Ranks 1..=n of the values, ties sharing their average rank, divided by n.
fn normalised_ranks(values: &[f64]) -> Vec<f64> {
    let n = values.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by(|&a, &b| values[a].total_cmp(&values[b]).then(a.cmp(&b)));
    let mut ranks = vec![0.0; n];
    let mut k = 0;
    while k < n {
        let mut end = k + 1;
        while end < n && values[order[end]] == values[order[k]] {
            end += 1;
        }
        // Ranks k+1..=end share their mean.
        let rank = (k + 1 + end) as f64 / 2.0 / n as f64;
        for &i in &order[k..end] {
            ranks[i] = rank;
        }
        k = end;
    }
    ranks
}

fn spearman_from_sums(sums: &[f64; 4], which: usize, ranks: &[f64], n: f64) -> Option<f64> {
    let mean_u = sums[0] / n;
    let var_u = sums[1] / n - mean_u * mean_u;
    let mean_r = ranks.iter().sum::<f64>() / n;
    let var_r = ranks.iter().map(|r| r * r).sum::<f64>() / n - mean_r * mean_r;
    if var_u <= 0.0 || var_r <= 1e-15 {
        return None;
    }
    Some(((sums[which] / n - mean_u * mean_r) / (var_u * var_r).sqrt()).clamp(-1.0, 1.0))
}

/// Simulates the estimate and its alternatives. `progress` is called with
/// the number of iterations done so far (all scenarios together; the
/// total is iterations × (1 + alternatives)).
pub fn simulate(
    estimate: &Estimate,
    settings: &Settings,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<EstimateResults, SimulationError> {
    if settings.iterations == 0 {
        return Err(SimulationError::NoIterations);
    }
    match settings.threads {
        None => Ok(simulate_here(estimate, settings, progress)),
        Some(threads) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads.max(1))
                .build()
                .map_err(|e| SimulationError::Threads {
                    threads,
                    reason: e.to_string(),
                })?;
            Ok(pool.install(|| simulate_here(estimate, settings, progress)))
        }
    }
}

fn simulate_here(
    estimate: &Estimate,
    settings: &Settings,
    progress: &(dyn Fn(u64) + Sync),
) -> EstimateResults {
    let n = settings.iterations as usize;
    let done = AtomicU64::new(0);
    let mut cache = TableCache::default();
    let scenario = estimate.base_scenario();
    let compiled = Compiled::new(&scenario, settings.seed, &mut cache);
    let base = run(&compiled, n, &done, progress);

    let (cost, sorted_cost) = summarize(&base.cost, compiled.base_cost, estimate.confidence);
    let (duration, sorted_duration) = match (&base.duration, compiled.base_duration) {
        (Some(d), Some(b)) => {
            let (s, sorted) = summarize(d, b, estimate.confidence);
            (Some(s), Some(sorted))
        }
        _ => (None, None),
    };
    let probability = chances(
        &base.cost,
        base.duration.as_deref(),
        &sorted_cost,
        sorted_duration.as_deref(),
        estimate,
    );

    // Sensitivities: a second pass over the same draws against the ranks.
    let cost_ranks = normalised_ranks(&base.cost);
    let duration_ranks = base.duration.as_deref().map(normalised_ranks);
    let chunks: Vec<Vec<[f64; 4]>> = cost_ranks
        .par_chunks(CHUNK)
        .enumerate()
        .map_init(Workspace::default, |ws, (c, ranks)| {
            let d = duration_ranks
                .as_deref()
                .map(|d| &d[c * CHUNK..c * CHUNK + ranks.len()]);
            compiled.sensitivity_chunk((c * CHUNK) as u64, ranks, d, ws)
        })
        .collect();
    let mut sums = vec![[0.0; 4]; compiled.items.len()];
    for chunk in chunks {
        for (total, part) in sums.iter_mut().zip(chunk) {
            for k in 0..4 {
                total[k] += part[k];
            }
        }
    }
    let nf = n as f64;
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
                    spearman_from_sums(&sums[k], 2, &cost_ranks, nf)
                } else {
                    None
                },
                sensitivity_duration: match (&duration_ranks, c.duration_varies) {
                    (Some(r), true) => spearman_from_sums(&sums[k], 3, r, nf),
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
            let compiled = Compiled::new(&scenario, settings.seed, &mut cache);
            let out = run(&compiled, n, &done, progress);
            let (cost, sorted_cost) = summarize(&out.cost, compiled.base_cost, estimate.confidence);
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
            AlternativeResult {
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
            }
        })
        .collect();

    EstimateResults {
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
    }
}

#[cfg(test)]
mod tests;
