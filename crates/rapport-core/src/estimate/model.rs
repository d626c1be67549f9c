//! The estimate model: roles, items, risks, correlations, assumptions,
//! exclusions and alternatives, validated (see [`super::file`] for how a
//! TOML file becomes one), and the scenarios the simulation runs.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::distribution::{Shape, ThreePoint};

/// A whole estimate, valid by construction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) currency: Option<String>,
    /// Default distribution of three-point values.
    pub(crate) shape: Shape,
    pub(crate) iterations: u32,
    pub(crate) seed: u64,
    /// Headline percentile and contingency level, in (0, 1).
    pub(crate) confidence: f64,
    pub(crate) class: Option<AaceClass>,
    pub(crate) target_cost: Option<f64>,
    /// Working days.
    pub(crate) target_duration: Option<f64>,
    pub(crate) roles: Vec<Role>,
    pub(crate) items: Vec<Item>,
    pub(crate) risks: Vec<Risk>,
    pub(crate) correlations: Vec<Correlation>,
    pub(crate) assumptions: Vec<String>,
    pub(crate) exclusions: Vec<String>,
    pub(crate) alternatives: Vec<Alternative>,
    pub(crate) cover: Cover,
}

/// What a client files the document under: who it is for and from, when
/// it was issued and how long it holds. Every field is optional in the
/// file; the document shows those given.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Cover {
    pub client: Option<String>,
    pub firm: Option<String>,
    pub prepared_by: Option<String>,
    pub date: Option<chrono::NaiveDate>,
    /// As the author writes it: "2", "B", "2.1 draft".
    pub version: Option<String>,
    /// The last day the figures are offered at; not before `date`.
    pub valid_until: Option<chrono::NaiveDate>,
}

/// Read access for other crates; values are built only by parsing a file
/// (`Estimate::parse`), which checks them.
impl Estimate {
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    pub fn currency(&self) -> Option<&str> {
        self.currency.as_deref()
    }

    pub fn shape(&self) -> Shape {
        self.shape
    }

    pub fn iterations(&self) -> u32 {
        self.iterations
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn confidence(&self) -> f64 {
        self.confidence
    }

    pub fn class(&self) -> Option<AaceClass> {
        self.class
    }

    pub fn target_cost(&self) -> Option<f64> {
        self.target_cost
    }

    pub fn target_duration(&self) -> Option<f64> {
        self.target_duration
    }

    pub fn roles(&self) -> &[Role] {
        &self.roles
    }

    pub fn items(&self) -> &[Item] {
        &self.items
    }

    pub fn risks(&self) -> &[Risk] {
        &self.risks
    }

    pub fn correlations(&self) -> &[Correlation] {
        &self.correlations
    }

    pub fn assumptions(&self) -> &[String] {
        &self.assumptions
    }

    pub fn exclusions(&self) -> &[String] {
        &self.exclusions
    }

    pub fn cover(&self) -> &Cover {
        &self.cover
    }

    pub fn alternatives(&self) -> &[Alternative] {
        &self.alternatives
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Role {
    pub(crate) id: String,
    pub(crate) name: Option<String>,
    /// Cost per hour.
    pub(crate) rate: f64,
}

/// Read access for other crates; values are built only by parsing a file
/// (`Estimate::parse`), which checks them.
impl Role {
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    pub fn rate(&self) -> f64 {
        self.rate
    }
}

/// One piece of work. Its hours, direct cost and duration share one random
/// draw per iteration: when the work turns out harder than likely, all
/// three are high together. Independent uncertainties belong in separate
/// items.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) role: Option<String>,
    pub(crate) hours: Option<ThreePoint>,
    pub(crate) cost: Option<ThreePoint>,
    /// Working days; items without one take no place in the schedule.
    pub(crate) duration: Option<ThreePoint>,
    /// Finish-to-start predecessors (items with a duration).
    pub(crate) after: Vec<String>,
    pub(crate) shape: Shape,
}

/// Read access for other crates; values are built only by parsing a file
/// (`Estimate::parse`), which checks them.
impl Item {
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn role(&self) -> Option<&str> {
        self.role.as_deref()
    }

    pub fn hours(&self) -> Option<&ThreePoint> {
        self.hours.as_ref()
    }

    pub fn cost(&self) -> Option<&ThreePoint> {
        self.cost.as_ref()
    }

    pub fn duration(&self) -> Option<&ThreePoint> {
        self.duration.as_ref()
    }

    pub fn after(&self) -> &[String] {
        &self.after
    }

    pub fn shape(&self) -> Shape {
        self.shape
    }
}

/// An uncertain event: with `probability` it adds `cost` and delays the
/// item `on` by `delay` working days. Cost and delay of one occurrence
/// share one draw (a bigger event costs more and lasts longer).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Risk {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) probability: f64,
    pub(crate) cost: Option<ThreePoint>,
    pub(crate) delay: Option<ThreePoint>,
    pub(crate) on: Option<String>,
    pub(crate) shape: Shape,
}

/// Read access for other crates; values are built only by parsing a file
/// (`Estimate::parse`), which checks them.
impl Risk {
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn probability(&self) -> f64 {
        self.probability
    }

    pub fn cost(&self) -> Option<&ThreePoint> {
        self.cost.as_ref()
    }

    pub fn delay(&self) -> Option<&ThreePoint> {
        self.delay.as_ref()
    }

    pub fn on(&self) -> Option<&str> {
        self.on.as_deref()
    }

    pub fn shape(&self) -> Shape {
        self.shape
    }
}

/// Items whose values move together: every pair has this Spearman rank
/// correlation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Correlation {
    pub(crate) items: Vec<String>,
    pub(crate) coefficient: f64,
}

/// Read access for other crates; values are built only by parsing a file
/// (`Estimate::parse`), which checks them.
impl Correlation {
    pub fn items(&self) -> &[String] {
        &self.items
    }

    pub fn coefficient(&self) -> f64 {
        self.coefficient
    }
}

/// How an alternative scales hours.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum HoursScale {
    All(f64),
    PerItem(BTreeMap<String, f64>),
}

impl HoursScale {
    pub fn factor(&self, item: &str) -> f64 {
        match self {
            HoursScale::All(f) => *f,
            HoursScale::PerItem(map) => map.get(item).copied().unwrap_or(1.0),
        }
    }
}

/// A variant of the estimate compared side by side with it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alternative {
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    /// Items taken out; their successors inherit their predecessors.
    pub(crate) drop: Vec<String>,
    pub(crate) drop_risks: Vec<String>,
    /// Role rates that differ from the estimate's.
    pub(crate) rates: BTreeMap<String, f64>,
    pub(crate) scale_hours: HoursScale,
    /// Items added.
    pub(crate) add: Vec<Item>,
}

/// Read access for other crates; values are built only by parsing a file
/// (`Estimate::parse`), which checks them.
impl Alternative {
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    pub fn drop(&self) -> &[String] {
        &self.drop
    }

    pub fn drop_risks(&self) -> &[String] {
        &self.drop_risks
    }

    pub fn rates(&self) -> &BTreeMap<String, f64> {
        &self.rates
    }

    pub fn scale_hours(&self) -> &HoursScale {
        &self.scale_hours
    }

    pub fn add(&self) -> &[Item] {
        &self.add
    }
}

/// AACE International estimate classes (Recommended Practice 18R-97,
/// Figure 1): maturity of project definition, end usage and the typical
/// accuracy range (low and high ends of the ranges, as fractions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AaceClass(u8);

impl AaceClass {
    pub fn new(class: i64) -> Result<Self, String> {
        match class {
            1..=5 => Ok(Self(class as u8)),
            other => Err(format!(
                "{other} is not an AACE estimate class; use 1 (most defined) to 5 (concept)"
            )),
        }
    }

    pub fn number(self) -> u8 {
        self.0
    }

    /// Maturity level of project definition deliverables, as a text range.
    pub fn maturity(self) -> &'static str {
        match self.0 {
            5 => "0% to 2%",
            4 => "1% to 15%",
            3 => "10% to 40%",
            2 => "30% to 75%",
            _ => "65% to 100%",
        }
    }

    pub fn end_usage(self) -> &'static str {
        match self.0 {
            5 => "concept screening",
            4 => "study or feasibility",
            3 => "budget authorisation or control",
            2 => "control or bid/tender",
            _ => "check estimate or bid/tender",
        }
    }

    /// Expected accuracy: (low range, high range), each (best, worst), as
    /// fractions of the estimate, e.g. class 3: low −10% to −20%, high +10%
    /// to +30%.
    pub fn accuracy(self) -> ((f64, f64), (f64, f64)) {
        match self.0 {
            5 => ((-0.20, -0.50), (0.30, 1.00)),
            4 => ((-0.15, -0.30), (0.20, 0.50)),
            3 => ((-0.10, -0.20), (0.10, 0.30)),
            2 => ((-0.05, -0.15), (0.05, 0.20)),
            _ => ((-0.03, -0.10), (0.03, 0.15)),
        }
    }
}

/// The items, risks and rates one simulation runs: the estimate itself or
/// one alternative applied to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub items: Vec<ScenarioItem>,
    pub risks: Vec<Risk>,
    pub correlations: Vec<Correlation>,
}

/// An item with its rate resolved and hours scaled.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioItem {
    pub item: Item,
    /// Cost per hour of the item's role (0 without hours).
    pub rate: f64,
}

impl Estimate {
    /// The work of simulating this estimate `iterations` times: draws,
    /// iterations × (items + risks) × (1 + alternatives), each scenario
    /// being run once and each risk drawn like an item. Time and memory
    /// grow with it (measured for issue 9: 30,000 items × 10,000
    /// iterations, 3 × 10^8, took 0.9 GB; a one-item file with 5,000 risks
    /// ran 3,300 iterations a second before risks were counted), so the
    /// server refuses runs over a budget of it.
    pub fn simulation_work(&self, iterations: u32) -> u64 {
        let items = (self.items.len() + self.risks.len()).max(1) as u64;
        let scenarios = 1 + self.alternatives.len() as u64;
        u64::from(iterations)
            .saturating_mul(items)
            .saturating_mul(scenarios)
    }

    /// The most iterations that fit in `budget` units of work, at least 0.
    pub fn iterations_within(&self, budget: u64) -> u64 {
        let per_iteration = self.simulation_work(1).max(1);
        budget / per_iteration
    }
}

impl Estimate {
    pub fn rate_of(&self, role: &str) -> Option<f64> {
        self.roles.iter().find(|r| r.id == role).map(|r| r.rate)
    }

    /// The estimate as it stands.
    pub fn base_scenario(&self) -> Scenario {
        self.scenario(None)
    }

    /// The estimate with an alternative applied: dropped items leave (their
    /// successors inherit their predecessors), rates and hours change,
    /// added items join. The file parser checked that the result is valid.
    pub fn scenario(&self, alternative: Option<&Alternative>) -> Scenario {
        let Some(alt) = alternative else {
            return Scenario {
                name: self.name.clone(),
                items: self
                    .items
                    .iter()
                    .map(|item| ScenarioItem {
                        rate: item
                            .role
                            .as_deref()
                            .and_then(|r| self.rate_of(r))
                            .unwrap_or(0.0),
                        item: item.clone(),
                    })
                    .collect(),
                risks: self.risks.clone(),
                correlations: self.correlations.clone(),
            };
        };
        // Sets and tables, not searches: a long chain of dropped items once
        // made building a scenario take seconds.
        let dropped_ids: BTreeSet<&str> = alt.drop.iter().map(String::as_str).collect();
        let dropped = |id: &str| dropped_ids.contains(id);
        let rate = |role: &Option<String>| {
            role.as_deref()
                .map(|r| {
                    alt.rates
                        .get(r)
                        .copied()
                        .or_else(|| self.rate_of(r))
                        .unwrap_or(0.0)
                })
                .unwrap_or(0.0)
        };
        let all: Vec<&Item> = self.items.iter().chain(alt.add.iter()).collect();
        let position: BTreeMap<&str, usize> = all
            .iter()
            .enumerate()
            .map(|(n, i)| (i.id.as_str(), n))
            .collect();
        // A dropped item's place in the network passes to its predecessors:
        // for each dropped item, the kept items it stands for, worked out
        // once (a long chain of dropped items walked once per kept item
        // made a scenario take seconds).
        let mut kept_before: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for start in alt.drop.iter().map(String::as_str) {
            let mut stack = vec![start];
            let mut open = BTreeSet::new();
            while let Some(&id) = stack.last() {
                if kept_before.contains_key(id) {
                    stack.pop();
                    continue;
                }
                let preds: &[String] = position.get(id).map_or(&[], |&n| &all[n].after);
                let waiting: Vec<&str> = preds
                    .iter()
                    .map(String::as_str)
                    .filter(|p| dropped(p) && !kept_before.contains_key(p))
                    .collect();
                if !waiting.is_empty() && open.insert(id) {
                    stack.extend(waiting);
                    continue;
                }
                // All dropped predecessors are worked out (or, in a cycle
                // the network check refuses anyway, being worked out).
                let mut kept = BTreeSet::new();
                for p in preds.iter().map(String::as_str) {
                    if dropped(p) {
                        if let Some(before) = kept_before.get(p) {
                            kept.extend(before.iter().copied());
                        }
                    } else {
                        kept.insert(p);
                    }
                }
                kept_before.insert(id, kept);
                stack.pop();
            }
        }
        let resolve = |after: &[String]| -> Vec<String> {
            let mut out = BTreeSet::new();
            for id in after.iter().map(String::as_str) {
                if dropped(id) {
                    if let Some(before) = kept_before.get(id) {
                        out.extend(before.iter().copied());
                    }
                } else {
                    out.insert(id);
                }
            }
            let mut out: Vec<&str> = out.into_iter().collect();
            out.sort_by_key(|id| position.get(id).copied());
            out.into_iter().map(str::to_string).collect()
        };
        let items = all
            .iter()
            .filter(|i| !dropped(&i.id))
            .map(|i| {
                let mut item = (*i).clone();
                item.after = resolve(&i.after);
                if let Some(hours) = item.hours {
                    item.hours = Some(hours.scaled(alt.scale_hours.factor(&item.id)));
                }
                ScenarioItem {
                    rate: rate(&item.role),
                    item,
                }
            })
            .collect();
        let risks = self
            .risks
            .iter()
            .filter(|r| !alt.drop_risks.contains(&r.id) && !r.on.as_deref().is_some_and(dropped))
            .cloned()
            .collect();
        let correlations = self
            .correlations
            .iter()
            .map(|c| Correlation {
                items: c.items.iter().filter(|i| !dropped(i)).cloned().collect(),
                coefficient: c.coefficient,
            })
            .filter(|c| c.items.len() > 1)
            .collect();
        Scenario {
            name: alt.name.clone(),
            items,
            risks,
            correlations,
        }
    }
}
