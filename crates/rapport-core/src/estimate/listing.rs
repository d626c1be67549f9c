//! Which rows a document lists when an estimate has more items (or risks)
//! than a reader can check: the largest by expected cost, kept in the
//! estimate's own order, and one line for the rest with their count and
//! their expected cost together.
//!
//! The rest's expected cost is the sum of their expected costs: the mean
//! of a sum is the sum of the means (linearity of expectation), so it is
//! exact for the simulated runs whatever the correlations between items.
//! The same holds for the total row of the item table.

use super::model::{Estimate, Item};
use super::simulate::EstimateResults;

/// The rows to show and what the others add up to.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    /// Indices of the rows shown, ascending (the estimate's order).
    pub shown: Vec<usize>,
    /// How many rows are left out.
    pub rest: usize,
    /// The left-out rows' expected cost together.
    pub rest_total: f64,
}

/// At most `limit` rows: those with the largest `expected` values (ties
/// keep the earlier row), listed in their original order.
pub fn largest(expected: &[f64], limit: usize) -> Listing {
    let mut order: Vec<usize> = (0..expected.len()).collect();
    order.sort_by(|&a, &b| expected[b].total_cmp(&expected[a]).then(a.cmp(&b)));
    let (kept, left) = order.split_at(limit.min(order.len()));
    let mut shown = kept.to_vec();
    shown.sort_unstable();
    Listing {
        shown,
        rest: left.len(),
        rest_total: left.iter().map(|&i| expected[i]).sum(),
    }
}

/// An item's lowest and highest credible cost from its parts: hours ×
/// the role's rate plus the direct cost, each at its low (or high) end.
/// `None` for an item with neither hours nor a direct cost (schedule only).
pub fn cost_bounds(item: &Item, rate: Option<f64>) -> Option<(f64, f64)> {
    if item.hours().is_none() && item.cost().is_none() {
        return None;
    }
    let rate = rate.unwrap_or(0.0);
    let low = item.hours().map_or(0.0, |h| h.low() * rate) + item.cost().map_or(0.0, |c| c.low());
    let high =
        item.hours().map_or(0.0, |h| h.high() * rate) + item.cost().map_or(0.0, |c| c.high());
    Some((low, high))
}

/// The total row of an item table: the columns added up.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemTotals {
    /// Every item at its lowest credible cost together; no run is expected
    /// to reach it, it bounds the sum.
    pub low: f64,
    /// The most-likely costs together: the base cost without risks.
    pub likely: f64,
    pub high: f64,
    /// The items' expected costs together.
    pub mean: f64,
    /// The risks' expected costs together: added to `mean`, the estimate's
    /// mean cost (linearity of expectation).
    pub risks_mean: f64,
}

/// The columns of the item table added up, over every item (listed or not).
pub fn item_totals(estimate: &Estimate, results: &EstimateResults) -> ItemTotals {
    let mut totals = ItemTotals {
        low: 0.0,
        likely: 0.0,
        high: 0.0,
        mean: 0.0,
        risks_mean: results.risks.iter().map(|r| r.mean_cost).sum(),
    };
    for (item, result) in estimate.items().iter().zip(&results.items) {
        let rate = item.role().and_then(|role| estimate.rate_of(role));
        if let Some((low, high)) = cost_bounds(item, rate) {
            totals.low += low;
            totals.high += high;
        }
        totals.likely += result.base_cost;
        totals.mean += result.mean_cost;
    }
    totals
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hand-worked on a two-item estimate: "design" 10–20–40 h at 100/h
    /// plus a direct 500–600–900, "kit" 1,000–1,200–2,000 direct:
    /// low = 1,000 + 500 + 1,000 = 2,500; likely = 2,000 + 600 + 1,200 =
    /// 3,800; high = 4,000 + 900 + 2,000 = 6,900. The means of the items
    /// plus the risk's add up to the simulated mean (linearity).
    #[test]
    fn the_item_totals_add_up_the_columns() {
        let estimate = Estimate::parse(
            "[estimate]\nname = \"x\"\niterations = 2000\n[[role]]\nid = \"eng\"\nrate = 100\n\
             [[item]]\nid = \"design\"\nrole = \"eng\"\nhours = [10, 20, 40]\ncost = [500, 600, 900]\n\
             [[item]]\nid = \"kit\"\ncost = [1000, 1200, 2000]\n\
             [[risk]]\nid = \"r\"\nprobability = 0.5\ncost = 300\n",
        )
        .unwrap();
        let results = crate::estimate::simulate::simulate(
            &estimate,
            &crate::estimate::simulate::Settings::of(&estimate),
            &|_| {},
        )
        .unwrap();
        let totals = item_totals(&estimate, &results);
        assert_eq!(
            (totals.low, totals.likely, totals.high),
            (2_500.0, 3_800.0, 6_900.0)
        );
        assert!((totals.mean + totals.risks_mean - results.cost.mean).abs() < 1e-6);
        assert!(totals.risks_mean > 0.0);
        assert_eq!(
            cost_bounds(&estimate.items()[1], None),
            Some((1_000.0, 2_000.0))
        );
    }

    #[test]
    fn a_short_list_is_shown_whole_in_its_order() {
        let listing = largest(&[3.0, 1.0, 2.0], 5);
        assert_eq!(listing.shown, [0, 1, 2]);
        assert_eq!((listing.rest, listing.rest_total), (0, 0.0));
    }

    /// Hand-worked: the two largest of 5, 9, 1, 9, 4 are rows 1 and 3 (the
    /// tie at 9 keeps both); the rest, 5 + 1 + 4 = 10.
    #[test]
    fn a_long_list_keeps_the_largest_and_totals_the_rest() {
        let listing = largest(&[5.0, 9.0, 1.0, 9.0, 4.0], 2);
        assert_eq!(listing.shown, [1, 3]);
        assert_eq!((listing.rest, listing.rest_total), (3, 10.0));
        // Ties go to the earlier row.
        assert_eq!(largest(&[2.0, 2.0, 2.0], 1).shown, [0]);
    }
}
