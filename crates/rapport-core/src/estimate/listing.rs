//! Which rows a document lists when an estimate has more items (or risks)
//! than a reader can check: the largest by expected cost, kept in the
//! estimate's own order, and one line for the rest with their count and
//! their expected cost together.
//!
//! The rest's expected cost is the sum of their expected costs: the mean
//! of a sum is the sum of the means (linearity of expectation), so it is
//! exact for the simulated runs whatever the correlations between items.

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

#[cfg(test)]
mod tests {
    use super::*;

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
