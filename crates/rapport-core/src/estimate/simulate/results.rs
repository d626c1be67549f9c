//! What a simulation reports: the summaries of the totals, each item's and
//! risk's part, and how each alternative compares with the estimate. Plain
//! values: the CLI writes them as JSON and the server stores them with an
//! estimate version.

use serde::{Deserialize, Serialize};

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
