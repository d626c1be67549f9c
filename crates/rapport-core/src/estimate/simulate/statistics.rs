//! The statistics of a simulated total: percentiles, moments and the
//! histogram, chances of meeting targets, and ranks for the Spearman
//! sensitivities. Pure functions of the iterations' values.

use super::{Histogram, Probability, Summary};
use crate::estimate::model::Estimate;

/// The percentile definition of the module docs, on sorted values.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    let rank = (p * n as f64 - 1e-9).ceil().max(1.0) as usize;
    sorted[rank.min(n) - 1]
}

pub(super) fn summarize(values: &[f64], base: f64, confidence: f64) -> (Summary, Vec<f64>) {
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
    let (mut below, mut above) = (0u32, 0u32);
    for v in &sorted {
        if *v < lo {
            below += 1;
            continue;
        }
        if *v > hi {
            above += 1;
            continue;
        }
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
            below,
            above,
        },
    };
    (summary, sorted)
}

pub(super) fn share_at_most(sorted: &[f64], target: f64) -> f64 {
    sorted.partition_point(|v| *v <= target) as f64 / sorted.len() as f64
}

pub(super) fn chances(
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
pub(super) fn normalised_ranks(values: &[f64]) -> Vec<f64> {
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

/// Mean and variance of normalised ranks.
pub(super) fn rank_moments(ranks: &[f64]) -> (f64, f64) {
    let n = ranks.len() as f64;
    let mean = ranks.iter().sum::<f64>() / n;
    (
        mean,
        ranks.iter().map(|r| r * r).sum::<f64>() / n - mean * mean,
    )
}

/// Spearman's ρ between an item's draws and a total, from Σ u·r over n
/// iterations: the draw's rank is its population rank n·u, whose mean
/// (1/2) and variance (1/12) are known exactly, as a permutation's are; the
/// total's ranks bring their own moments (ties share ranks).
pub(super) fn spearman(sum_ur: f64, (mean_r, var_r): (f64, f64), n: f64) -> Option<f64> {
    if var_r <= 1e-15 {
        return None;
    }
    Some(((sum_ur / n - 0.5 * mean_r) / (var_r / 12.0).sqrt()).clamp(-1.0, 1.0))
}
