//! The detail tables of the basis of estimate: items with their total,
//! risks, the rate card and the correlations, each row worded for a reader
//! who checks the figures (names, never ids).

use rapport_core::estimate::listing::{cost_bounds, item_totals, largest};
use rapport_core::estimate::{Estimate, EstimateResults, Shape};

use super::{
    item_name, left_out, range3, CorrelationRow, ItemRow, RateRow, RiskRow, ITEMS_LISTED,
    RISKS_LISTED,
};
use crate::format::{days, grouped, percent};

type Money<'a> = &'a dyn Fn(f64) -> String;

/// A rate as "USD 150/h" with a no-break space. (The PDF template also
/// joins "/h", since typesetters break after a slash; an invisible joiner
/// in the text itself would break searching and copying it.)
pub(super) fn hourly(m: Money<'_>, rate: f64) -> String {
    format!("{}/h", m(rate).replace(' ', "\u{a0}"))
}

/// The rows of the item table (the largest when there are many) and the
/// sentence that accounts for those left out.
pub(super) fn items(
    estimate: &Estimate,
    r: &EstimateResults,
    m: Money<'_>,
) -> (Vec<ItemRow>, Option<String>) {
    let listing = largest(
        &r.items.iter().map(|i| i.mean_cost).collect::<Vec<_>>(),
        ITEMS_LISTED,
    );
    let note = left_out(&listing, "item", ITEMS_LISTED, m);
    let rows = listing
        .shown
        .iter()
        .map(|&k| (&estimate.items()[k], &r.items[k]))
        .map(|(item, res)| {
            let rate = item.role().and_then(|role| estimate.rate_of(role));
            let mut basis = Vec::new();
            if let (Some(h), Some(role), Some(rate)) = (item.hours(), item.role(), rate) {
                let role = estimate
                    .roles()
                    .iter()
                    .find(|r| r.id() == role)
                    .and_then(|r| r.name())
                    .unwrap_or(role);
                basis.push(format!(
                    "{} h × {}, {role}",
                    range3(h.low(), h.likely(), h.high(), &grouped),
                    hourly(m, rate)
                ));
            }
            if let Some(c) = item.cost() {
                basis.push(format!(
                    "direct {}",
                    range3(c.low(), c.likely(), c.high(), &|v| m(v))
                ));
            }
            if basis.is_empty() {
                basis.push("schedule only".into());
            }
            let bounds = cost_bounds(item, rate);
            ItemRow {
                id: item.id().to_string(),
                name: item.name().to_string(),
                // The method section names the usual shape; an item says
                // only when it differs, in words.
                basis: match item.shape() {
                    Shape::Pert => basis.join(" + "),
                    Shape::Triangular => format!("{}, triangular", basis.join(" + ")),
                    Shape::Uniform => format!("{}, evenly spread", basis.join(" + ")),
                },
                cost_range: bounds.map_or("—".into(), |(low, high)| {
                    range3(low, res.base_cost, high, &grouped)
                }),
                duration_range: item.duration().map_or("—".into(), |d| {
                    range3(d.low(), d.likely(), d.high(), &|v| format!("{v}"))
                }),
                after: if item.after().is_empty() {
                    "—".into()
                } else {
                    item.after()
                        .iter()
                        .map(|id| item_name(estimate, id).to_string())
                        .collect::<Vec<_>>()
                        // Names may hold commas; a semicolon keeps them apart.
                        .join("; ")
                },
                mean_cost: if bounds.is_some() {
                    grouped(res.mean_cost)
                } else {
                    "—".into()
                },
                criticality: res.criticality.map_or("—".into(), percent),
            }
        })
        .collect();
    (rows, note)
}

/// The item table's last row: every item's columns added up, listed or
/// not, so a reader can check the sums; and the sentence that ties the
/// total to the key figures.
pub(super) fn items_total(
    estimate: &Estimate,
    r: &EstimateResults,
    m: Money<'_>,
) -> (ItemRow, String) {
    let t = item_totals(estimate, r);
    let note = format!(
        "The total row adds up each column. No outcome is expected at the sum of every item's lowest or highest cost; the sum of the most likely costs is the base, {}. The items' mean costs add up to {}{} (each figure rounded to the unit, so the last digit may differ).",
        m(t.likely),
        m(t.mean),
        if estimate.risks().is_empty() {
            ", the estimate's mean".to_string()
        } else {
            format!(
                "; with the risks' expected cost of {} that makes the estimate's mean, {}",
                m(t.risks_mean),
                m(t.mean + t.risks_mean)
            )
        }
    );
    let row = ItemRow {
        id: String::new(),
        name: if estimate.items().len() > ITEMS_LISTED {
            format!("All {} items", grouped(estimate.items().len() as f64))
        } else {
            "Total".into()
        },
        basis: String::new(),
        cost_range: range3(t.low, t.likely, t.high, &grouped),
        duration_range: String::new(),
        after: String::new(),
        mean_cost: grouped(t.mean),
        criticality: String::new(),
    };
    (row, note)
}

/// The rows of the risk table (the largest when there are many) and the
/// sentence that accounts for those left out.
pub(super) fn risks(
    estimate: &Estimate,
    r: &EstimateResults,
    m: Money<'_>,
) -> (Vec<RiskRow>, Option<String>) {
    let listing = largest(
        &r.risks.iter().map(|x| x.mean_cost).collect::<Vec<_>>(),
        RISKS_LISTED,
    );
    let note = left_out(&listing, "risk", RISKS_LISTED, m);
    let rows = listing
        .shown
        .iter()
        .map(|&k| (&estimate.risks()[k], &r.risks[k]))
        .map(|(risk, res)| {
            let mut impact = Vec::new();
            if let Some(c) = risk.cost() {
                impact.push(format!(
                    "cost {}",
                    range3(c.low(), c.likely(), c.high(), &|v| m(v))
                ));
            }
            if let (Some(dl), Some(on)) = (risk.delay(), risk.on()) {
                impact.push(format!(
                    "delay {} days on {}",
                    range3(dl.low(), dl.likely(), dl.high(), &|v| format!("{v}")),
                    item_name(estimate, on)
                ));
            }
            RiskRow {
                name: risk.name().to_string(),
                probability: percent(risk.probability()),
                impact: impact.join("; "),
                expected_cost: m(res.mean_cost),
                expected_delay: if risk.delay().is_some() {
                    days(res.mean_delay)
                } else {
                    "—".into()
                },
            }
        })
        .collect();
    (rows, note)
}

/// Every role with its name and hourly rate, and what uses it.
pub(super) fn rate_card(estimate: &Estimate, m: Money<'_>) -> Vec<RateRow> {
    estimate
        .roles()
        .iter()
        .map(|role| {
            let hours: f64 = estimate
                .items()
                .iter()
                .filter(|i| i.role() == Some(role.id()))
                .filter_map(|i| i.hours().map(|h| h.likely()))
                .sum();
            RateRow {
                role: role.name().unwrap_or(role.id()).to_string(),
                rate: hourly(m, role.rate()),
                likely_hours: grouped(hours),
            }
        })
        .collect()
}

/// Each correlation group in words: the items by name and the coefficient.
pub(super) fn correlations(estimate: &Estimate) -> Vec<CorrelationRow> {
    estimate
        .correlations()
        .iter()
        .map(|c| CorrelationRow {
            items: c
                .items()
                .iter()
                .map(|id| item_name(estimate, id).to_string())
                .collect::<Vec<_>>()
                .join("; "),
            coefficient: format!("{:.2}", c.coefficient()).replace('-', "\u{2212}"),
        })
        .collect()
}
