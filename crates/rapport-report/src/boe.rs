//! The basis of estimate: how an estimate was built and how sure it is,
//! written for the client rep's management. Page one answers four
//! questions in plain words — how much, how sure, why, and what the options
//! are; the pages after it give the detail a cost engineer checks.

use chrono::NaiveDate;
use rapport_core::estimate::listing::Listing;
use rapport_core::estimate::{Estimate, EstimateResults};
use serde::Serialize;

mod cover;
pub use cover::lapsed;
mod tables;

use crate::charts;
use crate::format::{
    ceil3, chance, days, days_up, floor3, grouped, money, money_headline, percent, round3,
};

/// Everything the document says, already worded and formatted.
#[derive(Debug, Clone, Serialize)]
pub struct BasisOfEstimate {
    pub title: String,
    /// Who prepared it, for the PDF's metadata (none, one or two names).
    pub author: Vec<String>,
    pub description: Option<String>,
    /// Client, prepared by, date, version, validity and class: what a
    /// client files the document under.
    pub cover: Vec<CoverLine>,
    /// "We are 80% confident the cost stays under USD 512,000 and the work
    /// finishes within 124 working days."
    pub headline: String,
    /// How sure, in words and odds.
    pub certainty: Vec<String>,
    /// The range from P10 to P90 in words.
    pub range: String,
    pub targets: Vec<String>,
    /// What drives the cost and the schedule, as sentences.
    pub drivers: Vec<String>,
    pub options: Vec<OptionRow>,
    pub options_note: Option<String>,
    pub key_figures: Vec<FigureRow>,
    /// Says that the table is unrounded and how page one rounds.
    pub key_figures_note: String,
    pub class: Option<ClassSection>,
    pub items: Vec<ItemRow>,
    /// Every item's columns added up (listed or not).
    pub items_total: ItemRow,
    /// How the total row ties to the key figures.
    pub items_total_note: String,
    /// What the item table leaves out of a long estimate, in a sentence.
    pub items_note: Option<String>,
    pub risks: Vec<RiskRow>,
    /// What the risk table leaves out, in a sentence.
    pub risks_note: Option<String>,
    pub assumptions: Vec<String>,
    pub exclusions: Vec<String>,
    pub method: Vec<String>,
    pub rates: Vec<RateRow>,
    pub correlations: Vec<CorrelationRow>,
    pub charts: Charts,
}

/// What the caller knows of this issue of the document that the estimate
/// file may leave out: the day it is produced and, for a version stored in
/// Rapport, its number. The file's own `date` and `version` win.
#[derive(Debug, Clone)]
pub struct Issue {
    pub date: NaiveDate,
    pub version: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CoverLine {
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RateRow {
    pub role: String,
    pub rate: String,
    /// The most-likely hours of the items that use the role.
    pub likely_hours: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CorrelationRow {
    pub items: String,
    pub coefficient: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct OptionRow {
    pub name: String,
    pub description: String,
    pub cost: String,
    pub duration: String,
    pub difference: String,
    pub chance_cheaper: String,
}

/// One line of the key-figures table: label, cost, duration.
#[derive(Debug, Clone, Serialize)]
pub struct FigureRow {
    pub label: String,
    pub cost: String,
    pub duration: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClassSection {
    pub class: u8,
    /// The class, what it is used for, its typical accuracy and how the
    /// simulated range compares, in sentences.
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemRow {
    pub id: String,
    pub name: String,
    pub basis: String,
    pub cost_range: String,
    pub duration_range: String,
    pub after: String,
    pub mean_cost: String,
    pub criticality: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RiskRow {
    pub name: String,
    pub probability: String,
    pub impact: String,
    pub expected_cost: String,
    pub expected_delay: String,
}

/// The charts as SVG documents.
#[derive(Debug, Clone, Serialize)]
pub struct Charts {
    pub cost: String,
    pub duration: Option<String>,
    pub tornado: Option<String>,
    /// What drives the finish date, when the items have durations.
    pub tornado_duration: Option<String>,
    pub alternatives: Option<String>,
}

/// The most items the document lists: about three pages. A long estimate
/// printed whole ran to a thousand pages (and gigabytes to typeset); past
/// this the table keeps the items with the largest expected cost and one
/// sentence accounts for the rest.
pub const ITEMS_LISTED: usize = 60;

/// The most risks the document lists, likewise.
pub const RISKS_LISTED: usize = 40;

/// The sentence under a table that left rows out.
fn left_out(
    listing: &Listing,
    what: &str,
    listed: usize,
    m: &dyn Fn(f64) -> String,
) -> Option<String> {
    (listing.rest > 0).then(|| {
        format!(
            "This table lists the {listed} {what}s with the largest expected cost, in the order of the estimate; the other {} {what}s together have an expected cost of {}. Every {what} is in the estimate file and in the results (JSON).",
            crate::format::grouped(listing.rest as f64),
            m(listing.rest_total)
        )
    })
}

pub(crate) fn range3(low: f64, likely: f64, high: f64, fmt: &dyn Fn(f64) -> String) -> String {
    if low == high {
        fmt(likely)
    } else {
        format!("{} – {} – {}", fmt(low), fmt(likely), fmt(high))
    }
}

fn odds(p: f64) -> String {
    // "1 in 5" reads better than 20% for a board; fall back to percent.
    let q = 1.0 - p;
    let n = (1.0 / q).round();
    if q > 0.0 && ((1.0 / n) - q).abs() < 0.005 && n <= 20.0 {
        format!("1 in {n:.0}")
    } else {
        percent(q)
    }
}

pub fn basis_of_estimate(
    estimate: &Estimate,
    r: &EstimateResults,
    issue: &Issue,
) -> BasisOfEstimate {
    let cur = r.currency.as_deref();
    let m = |v: f64| money(v, cur);
    let mh = |v: f64| money_headline(v, cur);
    let conf = percent(r.confidence);
    let p_label = format!("P{:.0}", r.confidence * 100.0);

    let headline = match &r.duration {
        Some(d) => format!(
            "We are {conf} confident the cost stays under {} and the work finishes within {} working days.",
            mh(r.cost.at_confidence),
            days_up(d.at_confidence)
        ),
        None => format!("We are {conf} confident the cost stays under {}.", mh(r.cost.at_confidence)),
    };
    let mut certainty = vec![
        format!(
            "There is a {} chance the cost goes above {}: we simulated the work {} times with every item and risk varying within its range, and {} of the outcomes stayed at or under it.",
            odds(r.confidence),
            mh(r.cost.at_confidence),
            crate::format::grouped(f64::from(r.iterations)),
            conf
        ),
        format!(
            "If everything went as most likely and no risk occurred, the cost would be {}. We recommend holding the difference, {}, as contingency: it is what it takes to be {conf} sure.",
            m(r.cost.base),
            // Against the rounded headline, so the page adds up.
            m(ceil3(r.cost.at_confidence) - r.cost.base)
        ),
    ];
    if let Some(d) = &r.duration {
        // A most-likely schedule shorter than nine in ten simulated ones
        // puzzles a reader; one sentence says why (merge bias).
        let merge_bias = if d.base < d.p10 {
            " That most likely schedule is shorter than nine in ten of the simulated ones: where lines of work run in parallel the project waits for the latest of them, so uncertainty adds time far more often than it saves it."
        } else {
            ""
        };
        certainty.push(format!(
            "The most likely schedule is {} working days; allowing for uncertainty and risks, {} working days gives the same {conf} confidence.{merge_bias}",
            days_up(d.base),
            days_up(d.at_confidence)
        ));
    }
    let range = format!(
        "Nine in ten outcomes cost more than {} and nine in ten cost less than {}; the middle outcome is about {}.",
        // A floor rounds down and a ceiling up, so both stay true.
        m(floor3(r.cost.p10)),
        m(ceil3(r.cost.p90)),
        m(round3(r.cost.p50))
    );
    let mut targets = Vec::new();
    if let Some(p) = &r.probability {
        if let (Some(t), Some(pc)) = (estimate.target_cost(), p.cost) {
            targets.push(format!(
                "Chance of staying within the target cost of {}: {}.",
                m(t),
                chance(pc)
            ));
        }
        if let (Some(t), Some(pd)) = (estimate.target_duration(), p.duration) {
            targets.push(format!(
                "Chance of finishing within the target of {} working days: {}.",
                days_up(t),
                chance(pd)
            ));
        }
        if let Some(j) = p.joint {
            targets.push(format!("Chance of meeting both at once: {}.", chance(j)));
        }
    }

    let mut by_cost: Vec<_> = r
        .items
        .iter()
        .filter_map(|i| i.sensitivity_cost.map(|s| (i, s)))
        .collect();
    by_cost.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    let mut drivers = Vec::new();
    let top: Vec<String> = by_cost
        .iter()
        .take(3)
        .map(|(i, _)| quoted(&i.name))
        .collect();
    if !top.is_empty() {
        drivers.push(format!(
            "The cost depends most on {}: the uncertainty in these items moves the total more than anything else.",
            join_names(&top)
        ));
    }
    let mut by_time: Vec<_> = r
        .items
        .iter()
        .filter_map(|i| i.sensitivity_duration.map(|s| (i, s)))
        .collect();
    by_time.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    let top_time: Vec<String> = by_time
        .iter()
        .take(3)
        .map(|(i, _)| quoted(&i.name))
        .collect();
    if !top_time.is_empty() {
        drivers.push(format!(
            "The finish date depends most on {}.",
            join_names(&top_time)
        ));
    }
    let mut risks_by_cost: Vec<_> = r.risks.iter().collect();
    risks_by_cost
        .sort_by(|a, b| (b.mean_cost + b.mean_delay).total_cmp(&(a.mean_cost + a.mean_delay)));
    if let Some(top) = risks_by_cost.first() {
        let risk = estimate.risks().iter().find(|x| x.id() == top.id);
        let mut impact = Vec::new();
        if let Some(c) = risk.and_then(|x| x.cost()) {
            impact.push(format!("cost {} to {}", m(c.low()), m(c.high())));
        }
        if let (Some(d), Some(on)) = (risk.and_then(|x| x.delay()), risk.and_then(|x| x.on())) {
            let task = estimate
                .items()
                .iter()
                .find(|i| i.id() == on)
                .map_or(on, |i| i.name());
            impact.push(format!(
                "hold up {} by {} to {} working days",
                quoted(task),
                d.low(),
                d.high()
            ));
        }
        drivers.push(format!(
            "The largest risk is {} ({} likely). If it happens it would {}; averaged over all outcomes it adds {} to the cost.",
            quoted(&top.name),
            percent(top.probability),
            impact.join(" and "),
            m(round3(top.mean_cost))
        ));
    }

    let options: Vec<OptionRow> = std::iter::once(OptionRow {
        name: "As estimated".into(),
        description: "The scope and rates above.".into(),
        cost: m(ceil3(r.cost.at_confidence)),
        duration: r.duration.as_ref().map_or("—".into(), |d| {
            format!("{} days", days_up(d.at_confidence))
        }),
        difference: "—".into(),
        chance_cheaper: "—".into(),
    })
    .chain(r.alternatives.iter().map(|a| {
        // Differences of the rounded figures, so the table adds up.
        let diff = ceil3(a.cost.at_confidence) - ceil3(r.cost.at_confidence);
        OptionRow {
            name: a.name.clone(),
            description: a.description.clone().unwrap_or_default(),
            cost: m(ceil3(a.cost.at_confidence)),
            duration: a.duration.as_ref().map_or("—".into(), |d| {
                format!("{} days", days_up(d.at_confidence))
            }),
            difference: format!("{}{}", if diff > 0.0 { "+" } else { "" }, grouped(diff)),
            chance_cheaper: chance(a.compared_to_estimate.probability_cheaper),
        }
    }))
    .collect();
    let options_note = (!r.alternatives.is_empty()).then(|| {
        format!(
            "Costs and durations at {conf} confidence ({p_label}), rounded up to three significant figures; “vs estimate” in {}. Every option was simulated with the same random draws, so the differences come from the options themselves, not from chance; “cheaper in” is the share of simulated outcomes in which the option cost less than the estimate.",
            cur.unwrap_or("currency units")
        )
    });

    let d = r.duration.as_ref();
    let fig = |label: &str, c: f64, dv: Option<f64>| FigureRow {
        label: label.into(),
        cost: m(c),
        duration: dv.map_or("—".into(), days),
    };
    let key_figures = vec![
        fig("Most likely (base)", r.cost.base, d.map(|d| d.base)),
        fig("Optimistic (P10)", r.cost.p10, d.map(|d| d.p10)),
        fig("Middle (P50)", r.cost.p50, d.map(|d| d.p50)),
        fig(
            &format!("Recommended ({p_label})"),
            r.cost.at_confidence,
            d.map(|d| d.at_confidence),
        ),
        fig("Pessimistic (P90)", r.cost.p90, d.map(|d| d.p90)),
        fig("Contingency", r.cost.contingency, d.map(|d| d.contingency)),
        fig("Mean", r.cost.mean, d.map(|d| d.mean)),
    ];
    let key_figures_note = format!(
        "The table gives the simulated figures unrounded. Page one rounds them to three significant figures, up for a ceiling and down for a floor, so that every statement stays true: the {p_label} of {} is quoted as {}, and its contingency as {} rather than {}.",
        m(r.cost.at_confidence),
        m(ceil3(r.cost.at_confidence)),
        m(ceil3(r.cost.at_confidence) - r.cost.base),
        m(r.cost.contingency)
    );

    let class = estimate.class().map(|c| {
        let ((low_best, low_worst), (high_best, high_worst)) = c.accuracy();
        let point = r.cost.at_confidence;
        let pct = |f: f64| format!("{}{:.0}%", if f < 0.0 { "\u{2212}" } else { "+" }, (f * 100.0).abs());
        let (low, high) = (r.cost.p10 / point - 1.0, r.cost.p90 / point - 1.0);
        ClassSection {
            class: c.number(),
            text: format!(
                "This is an AACE International class {} estimate, the class used for {} when the project is {} defined. For such estimates the final cost typically lands between {} and {} below the estimate at worst and {} to {} above it (AACE International Recommended Practice 18R-97). Measured the same way from the recommended {p_label} figure, our simulation's P10 and P90 outcomes lie at {} and {}. {}",
                c.number(),
                c.end_usage(),
                c.maturity(),
                pct(low_best).trim_start_matches('\u{2212}'),
                pct(low_worst).trim_start_matches('\u{2212}'),
                pct(high_best).trim_start_matches('+'),
                pct(high_worst).trim_start_matches('+'),
                pct(low),
                pct(high),
                class_verdict(low, high, c.accuracy())
            ),
        }
    });

    let (items_total, items_total_note) = tables::items_total(estimate, r, &m);
    let (items, items_note) = tables::items(estimate, r, &m);
    let (risks, risks_note) = tables::risks(estimate, r, &m);
    let rates = tables::rate_card(estimate, &m);
    let correlations = tables::correlations(estimate);

    let method = vec![
        format!(
            "Each item was estimated as a range: lowest credible, most likely and highest credible value. The estimate was simulated {} times (random seed {}, so anyone can reproduce these figures exactly); in each run every item takes a value within its range, more often near its most likely value, and each risk occurs with its probability.",
            crate::format::grouped(f64::from(r.iterations)),
            r.seed
        ),
        format!(
            "Ranges follow the Beta-PERT distribution unless an item says triangular or uniform. Labour is costed as hours times the hourly rate of the role{}. An item's hours, direct cost and duration move together; {}",
            if rates.is_empty() { "" } else { " (the rate card below)" },
            if correlations.is_empty() {
                "otherwise the items vary independently of each other."
            } else {
                "the items listed below under “Items that move together” do so with the rank correlation stated (through a Gaussian copula, which keeps each item's own range exact); the others vary independently."
            }
        ),
        "The duration is the longest chain of dependent tasks in each run, including risk delays, so a task that is usually not critical still counts when it runs late. The criticality of a task is the share of runs in which it was on that longest chain.".into(),
        format!(
            "A percentile P is the smallest simulated value that at least P of the runs did not exceed. The contingency is the {p_label} value minus the base (the sum of most-likely values without risks)."
        ),
    ];

    let label_cost = |v: f64| grouped(round3(v));
    let charts = Charts {
        // Marker texts as page one quotes them: the base exactly, the
        // middle rounded, the confidence figure rounded up.
        cost: charts::distribution(
            &format!("Cost{}", cur.map(|c| format!(" ({c})")).unwrap_or_default()),
            &r.cost,
            r.confidence,
            &label_cost,
            [
                grouped(r.cost.base),
                grouped(round3(r.cost.p50)),
                grouped(ceil3(r.cost.at_confidence)),
            ],
        ),
        duration: r.duration.as_ref().map(|d| {
            charts::distribution(
                "Duration (working days)",
                d,
                r.confidence,
                &|v| format!("{v:.0}"),
                // Whole days like page one: the base as it is (a sum of
                // whole most-likely days, usually), the rest rounded up.
                [days_up(d.base), days_up(d.p50), days_up(d.at_confidence)],
            )
        }),
        tornado: (!by_cost.is_empty()).then(|| {
            let bars: Vec<(String, f64)> = by_cost
                .iter()
                .take(10)
                .map(|(i, s)| (i.name.clone(), *s))
                .collect();
            charts::tornado("What drives the cost", "the total cost", &bars)
        }),
        tornado_duration: (!by_time.is_empty()).then(|| {
            let bars: Vec<(String, f64)> = by_time
                .iter()
                .take(10)
                .map(|(i, s)| (i.name.clone(), *s))
                .collect();
            charts::tornado("What drives the finish date", "the duration", &bars)
        }),
        alternatives: (!r.alternatives.is_empty()).then(|| {
            let curves: Vec<(String, &[f64])> =
                std::iter::once(("As estimated".to_string(), r.cost.curve.as_slice()))
                    .chain(
                        r.alternatives
                            .iter()
                            .map(|a| (a.name.clone(), a.cost.curve.as_slice())),
                    )
                    .collect();
            charts::overlay("Options compared: cost", &curves, &label_cost, r.confidence)
        }),
    };

    BasisOfEstimate {
        title: estimate.name().to_string(),
        author: [&estimate.cover().prepared_by, &estimate.cover().firm]
            .into_iter()
            .flatten()
            .cloned()
            .collect(),
        description: estimate.description().map(str::to_string),
        cover: cover::cover(estimate, issue),
        headline,
        certainty,
        range,
        targets,
        drivers,
        options,
        options_note,
        key_figures,
        key_figures_note,
        class,
        items,
        items_total,
        items_total_note,
        items_note,
        risks,
        risks_note,
        assumptions: estimate.assumptions().to_vec(),
        exclusions: estimate.exclusions().to_vec(),
        method,
        rates,
        correlations,
        charts,
    }
}

/// What the simulated range says against the class's typical range: a
/// range narrower on both sides than even the class's best case suggests
/// the three-point ranges are too tight or risks are missing; wider on
/// both sides than its worst case, more uncertainty than the class
/// usually carries.
fn class_verdict(low: f64, high: f64, accuracy: ((f64, f64), (f64, f64))) -> &'static str {
    let ((low_best, low_worst), (high_best, high_worst)) = accuracy;
    if low > low_best && high < high_best {
        "The simulated range is narrower than this class usually achieves: the three-point ranges may be tighter than the project's definition warrants, or risks may be missing. Widen them, or add the risks, before relying on the recommended figure."
    } else if low < low_worst && high > high_worst {
        "The simulated range is wider than this class usually shows: the estimate carries more uncertainty than its class, and a better-defined scope would narrow it."
    } else {
        "The simulated range is in keeping with this class."
    }
}

/// An item's name for a reader, from its id (the id where none is found).
fn item_name<'a>(estimate: &'a Estimate, id: &'a str) -> &'a str {
    estimate
        .items()
        .iter()
        .find(|i| i.id() == id)
        .map_or(id, |i| i.name())
}

fn quoted(name: &str) -> String {
    format!("\u{201c}{name}\u{201d}")
}

fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests;
