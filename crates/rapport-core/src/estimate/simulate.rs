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

// The kernels index several parallel arrays by iteration and slot; index
// loops say that more plainly than zipped iterators.
#![allow(clippy::needless_range_loop)]

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::correlation::{build_copula, Copula};
use super::distribution::Sampler;
use super::model::{Estimate, Scenario};
use super::network::{longest_path, topological_order};
use super::rng::{normal_cdf, normal_quantile, uniform_to_draw, Stream};

mod kernels;
mod statistics;

use kernels::{pair_rank_sum, rank_sum, schedule};
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

/// Percentiles and moments of a simulated total, with the base and the
/// contingency at the chosen confidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// Counts of simulated values in equal bins from P0.5 to P99.5, and how
/// many fell outside on either side. Counting outliers in the end bins
/// instead drew a false spike at each end of a long-tailed distribution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    pub start: f64,
    pub width: f64,
    pub counts: Vec<u32>,
    /// Values below `start`. Results stored before this field read as 0.
    #[serde(default)]
    pub below: u32,
    /// Values above the last bin.
    #[serde(default)]
    pub above: u32,
}

/// Chances of meeting the targets, when targets are given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Probability {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<f64>,
    /// Both targets met in the same iteration (joint confidence).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub joint: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Mean of (alternative − estimate) cost.
    pub mean_cost_difference: f64,
    pub mean_duration_difference: Option<f64>,
    /// Share of iterations in which the alternative costs less.
    pub probability_cheaper: f64,
    /// Share of iterations in which it finishes sooner.
    pub probability_sooner: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Row of the chunk's delay buffer for the item it holds up.
    delay_row: Option<usize>,
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
    /// Delay-buffer row of each slot that some risk can hold up.
    delay_row: Vec<Option<usize>>,
    /// Slots no other slot follows: only they can finish last.
    sinks: Vec<usize>,
    is_sink: Vec<bool>,
    delayed_slots: usize,
    base_cost: f64,
    base_item_costs: Vec<f64>,
    base_duration: Option<f64>,
    base_path: Vec<String>,
}

impl Compiled {
    fn new(scenario: &Scenario, seed: u64) -> Self {
        let n = scenario.items.len();
        // One map, not a scan per predecessor: on a 1,000-task network the
        // scans were a million string comparisons, milliseconds of every run.
        let positions: std::collections::HashMap<&str, usize> = scenario
            .items
            .iter()
            .enumerate()
            .map(|(k, s)| (s.item.id.as_str(), k))
            .collect();
        let index = |id: &str| positions.get(id).copied();
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
        let mut followed = vec![false; scheduled.len()];
        for list in &preds {
            for &p in list {
                followed[p] = true;
            }
        }
        let sinks: Vec<usize> = (0..scheduled.len()).filter(|&s| !followed[s]).collect();
        let is_sink: Vec<bool> = followed.iter().map(|f| !f).collect();
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
                let sampler = |v: Option<super::distribution::ThreePoint>| {
                    v.map(|v| Sampler::new(v, it.shape))
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

        let mut delay_row = vec![None; scheduled.len()];
        let mut delayed_slots = 0;
        let risks = scenario
            .risks
            .iter()
            .map(|r| {
                let slot = r.on.as_deref().and_then(index).and_then(|i| slot_of[i]);
                let row = slot.map(|s| {
                    *delay_row[s].get_or_insert_with(|| {
                        delayed_slots += 1;
                        delayed_slots - 1
                    })
                });
                CRisk {
                    occurs: Stream::new(seed, &format!("risk-occurs:{}", r.id)),
                    impact: Stream::new(seed, &format!("risk-impact:{}", r.id)),
                    probability: r.probability,
                    cost: r.cost.map(|v| Sampler::new(v, r.shape)),
                    delay: r.delay.map(|v| Sampler::new(v, r.shape)),
                    delay_row: if r.delay.is_some() { row } else { None },
                }
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
            delay_row,
            delayed_slots,
            sinks,
            is_sink,
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
        // A member whose row is the identity's (the first of each group)
        // keeps its own uniform: Φ(Φ⁻¹(u)) is u only to 1.2e-7, and an
        // alternative that drops its partners draws u itself, so common
        // random numbers must see u here too.
        let own: Vec<bool> = (0..m)
            .map(|row| {
                let factor = &copula.factor[row * m..row * m + row + 1];
                factor[row] == 1.0 && factor[..row].iter().all(|f| *f == 0.0)
            })
            .collect();
        for j in 0..len {
            let i = first + j as u64;
            for (k, stream) in self.copula_streams.iter().enumerate() {
                z[k] = normal_quantile(stream.uniform(i));
            }
            for row in 0..m {
                if own[row] {
                    cu[row * len + j] = self.copula_streams[row].uniform(i);
                    continue;
                }
                let factor = &copula.factor[row * m..row * m + row + 1];
                let s: f64 = factor.iter().zip(z.iter()).map(|(f, z)| f * z).sum();
                cu[row * len + j] = normal_cdf(s);
            }
        }
    }

    /// The item's draws for the chunk.
    fn fill_bits(&self, item: &CItem, first: u64, len: usize, cu: &[f64], bits: &mut Vec<u32>) {
        match item.copula_slot {
            Some(k) => {
                bits.clear();
                bits.extend(
                    cu[k * len..(k + 1) * len]
                        .iter()
                        .map(|u| uniform_to_draw(*u)),
                );
            }
            None => item.stream.fill(first, len, bits),
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
        duration.fill(0.0);
        ws.last.clear();
        ws.last.resize(len, NO_SLOT);
        ws.tied.clear();
        ws.tied.resize(len, false);
        // Every row of `finish` is written before it is read; only the
        // delay rows of items that risks can hold up need zeroing. The
        // room is reserved here (no memory is touched) and the rows are
        // added below.
        ws.finish
            .reserve((slots * len).saturating_sub(ws.finish.len()));
        ws.delay.clear();
        ws.delay.resize(self.delayed_slots * len, 0.0);

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
                if let (Some(d), Some(row)) = (&risk.delay, risk.delay_row) {
                    let x = d.sample(v);
                    ws.delay[row * len + j] += x;
                    stats.risk_delay[r] += x;
                }
            }
        }

        for (position, &k) in self.order.iter().enumerate() {
            let item = &self.items[k];
            // Fetch the next item's tables while this one is sampled.
            if let Some(&next) = self.order.get(position + 1) {
                let next = &self.items[next];
                for sampler in [&next.hours, &next.cost, &next.duration]
                    .into_iter()
                    .flatten()
                {
                    sampler.warm();
                }
            }
            self.fill_bits(item, first, len, &ws.cu, &mut ws.bits);
            let bits = &ws.bits;
            if item.hours.is_some() || item.cost.is_some() {
                let mut item_cost = 0.0;
                for (c, b) in cost.iter_mut().zip(bits) {
                    let x = item
                        .hours
                        .as_ref()
                        .map_or(0.0, |h| h.sample_draw(*b) * item.rate)
                        + item.cost.as_ref().map_or(0.0, |s| s.sample_draw(*b));
                    *c += x;
                    item_cost += x;
                }
                stats.item_cost[k] = item_cost;
            }
            let (Some(slot), Some(dur)) = (item.slot, item.duration.as_ref()) else {
                continue;
            };
            // Rows come in slot order. The workspace grows row by row on a
            // thread's first chunk, so each row is zeroed just before it is
            // written, while in cache, rather than all 8 MB up front.
            if ws.finish.len() < (slot + 1) * len {
                ws.finish.resize((slot + 1) * len, 0.0);
            }
            let (before, rest) = ws.finish.split_at_mut(slot * len);
            let finish = &mut rest[..len];
            let preds = self.preds[slot].as_slice();
            // One loop per kind of sampler, its parameters held in
            // registers: matching the sampler draw by draw cost a third of
            // the kernel's instructions.
            match *dur {
                Sampler::Constant(x) => schedule(preds, before, finish, bits, |_| x),
                Sampler::Table(table) => {
                    schedule(preds, before, finish, bits, |b| table.sample_draw(b))
                }
                ref other => schedule(preds, before, finish, bits, |b| other.sample_draw(b)),
            }
            if let Some(row) = self.delay_row[slot] {
                for (f, d) in finish.iter_mut().zip(&ws.delay[row * len..(row + 1) * len]) {
                    *f += d;
                }
            }
            // Only items nothing waits for can finish last: keep the
            // running latest finish (a branch-free maximum, which the
            // compiler vectorises; which item holds it is found below).
            if self.is_sink[slot] {
                for (d, f) in duration.iter_mut().zip(finish.iter()) {
                    *d = if *f > *d { *f } else { *d };
                }
            }
        }

        if slots > 0 {
            // Which items finished last, and whether two did at exactly
            // the same time (rare, but then both start critical chains).
            for &slot in &self.sinks {
                let row = &ws.finish[slot * len..(slot + 1) * len];
                for (j, (f, d)) in row.iter().zip(duration.iter()).enumerate() {
                    if f == d {
                        if ws.last[j] == NO_SLOT {
                            ws.last[j] = slot as u32;
                        } else {
                            ws.tied[j] = true;
                        }
                    }
                }
            }
            // Critical chains start at the items that finished last.
            ws.seeds.clear();
            for j in 0..len {
                if ws.tied[j] {
                    for &slot in &self.sinks {
                        if ws.finish[slot * len + j] == duration[j] {
                            ws.seeds.push((j as u32, slot as u32));
                        }
                    }
                } else if ws.last[j] != NO_SLOT {
                    ws.seeds.push((j as u32, ws.last[j]));
                }
                // Otherwise no sink reached the latest finish: only when
                // every finish was −∞ (a range too wide for f64), which
                // leaves no chain to follow.
            }
            ws.mark.resize(slots, 0);
            let mut k = 0;
            while k < ws.seeds.len() {
                let j = ws.seeds[k].0 as usize;
                ws.stamp = ws.stamp.wrapping_add(1);
                if ws.stamp == 0 {
                    ws.mark.fill(0);
                    ws.stamp = 1;
                }
                ws.stack.clear();
                while k < ws.seeds.len() && ws.seeds[k].0 as usize == j {
                    let slot = ws.seeds[k].1 as usize;
                    ws.mark[slot] = ws.stamp;
                    ws.stack.push(slot);
                    k += 1;
                }
                while let Some(slot) = ws.stack.pop() {
                    stats.critical[slot] += 1;
                    let preds = &self.preds[slot];
                    let start = preds
                        .iter()
                        .map(|&p| ws.finish[p * len + j])
                        .fold(0.0, f64::max);
                    for &p in preds {
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

    /// Per item: Σ q·rank_cost and Σ q·rank_duration over the chunk, where
    /// q is the item's quantised draw, recomputed from its counter (the
    /// same numbers pass one drew). Keeping pass one's draws instead took
    /// 2 bytes per item and iteration, 20 MB on the 1,000-task benchmark,
    /// which cost more to zero, write and read back than the hashes that
    /// make them again.
    fn sensitivity_chunk(
        &self,
        first: u64,
        cost_ranks: &[f64],
        duration_ranks: Option<&[f64]>,
        ws: &mut Workspace,
    ) -> Vec<[f64; 2]> {
        let len = cost_ranks.len();
        self.fill_copula(first, len, &mut ws.z, &mut ws.cu);
        // Σ u·r = Σ (q + ½)/2¹⁶ · r = (Σ q·r + ½ Σ r) / 2¹⁶.
        let half_cost: f64 = 0.5 * cost_ranks.iter().sum::<f64>();
        let half_duration: f64 = duration_ranks.map_or(0.0, |d| 0.5 * d.iter().sum::<f64>());
        self.items
            .iter()
            .map(|item| {
                if !(item.cost_varies || item.duration_varies) {
                    return [0.0; 2];
                }
                let cost = if item.cost_varies {
                    Some(cost_ranks)
                } else {
                    None
                };
                let duration = if item.duration_varies {
                    duration_ranks
                } else {
                    None
                };
                let [c, d] = match (item.copula_slot, cost, duration) {
                    // One ranking: each draw is made as it is summed. Pass
                    // one's chunks start at multiples of 64, so draws pair
                    // up from the first.
                    (None, Some(r), None) if first % 2 == 0 => {
                        [pair_rank_sum(item.stream, first / 2, r), 0.0]
                    }
                    (None, None, Some(r)) if first % 2 == 0 => {
                        [0.0, pair_rank_sum(item.stream, first / 2, r)]
                    }
                    // Two rankings (or correlated draws): the draws are
                    // made once, into the buffer, and summed twice.
                    _ => {
                        self.fill_bits(item, first, len, &ws.cu, &mut ws.bits);
                        [
                            cost.map_or(0.0, |r| rank_sum(&ws.bits, r)),
                            duration.map_or(0.0, |r| rank_sum(&ws.bits, r)),
                        ]
                    }
                };
                [(c + half_cost) / 65_536.0, (d + half_duration) / 65_536.0]
            })
            .collect()
    }
}

/// No slot yet, in [`Workspace::last`].
const NO_SLOT: u32 = u32::MAX;

#[derive(Default)]
struct Workspace {
    z: Vec<f64>,
    cu: Vec<f64>,
    /// The current item's draws for the chunk.
    bits: Vec<u32>,
    finish: Vec<f64>,
    /// (iteration in chunk, slot) of items that finish last.
    seeds: Vec<(u32, u32)>,
    /// Per iteration of the chunk: the first sink finishing last
    /// ([`NO_SLOT`] until found), and whether another finished at the same
    /// time.
    last: Vec<u32>,
    tied: Vec<bool>,
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
