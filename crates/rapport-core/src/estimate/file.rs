//! The estimate file (`rapport estimate FILE`), documented in
//! `docs/estimate-file.md`: TOML in, a validated [`Estimate`] out, or the
//! first problem with its line, column, item and field.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::correlation::{build_copula, CorrelationError};

/// The most items one estimate has.
pub const MAX_ITEMS: usize = 10_000;
/// The most alternatives one estimate compares.
pub const MAX_ALTERNATIVES: usize = 50;
/// The most correlation groups one file gives.
pub const MAX_CORRELATION_GROUPS: usize = 500;
/// The most items linked into one correlated set (groups sharing items form
/// one set). Checking a set costs the cube of its size, so the limit keeps
/// reading any file well under a second.
pub const MAX_CORRELATED_SET: usize = 200;
use super::distribution::{Shape, ThreePoint};
use super::model::{AaceClass, Alternative, Correlation, Estimate, HoursScale, Item, Risk, Role};
use super::network::topological_order;
use crate::located::FileError;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    estimate: RawEstimate,
    #[serde(default)]
    role: Vec<RawRole>,
    #[serde(default)]
    item: Vec<Spanned<RawItem>>,
    #[serde(default)]
    risk: Vec<Spanned<RawRisk>>,
    #[serde(default)]
    correlation: Vec<Spanned<RawCorrelation>>,
    #[serde(default)]
    assumption: Vec<Spanned<RawText>>,
    #[serde(default)]
    exclusion: Vec<Spanned<RawText>>,
    #[serde(default)]
    alternative: Vec<Spanned<RawAlternative>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEstimate {
    name: Spanned<String>,
    description: Option<String>,
    currency: Option<Spanned<String>>,
    distribution: Option<Spanned<String>>,
    iterations: Option<Spanned<i64>>,
    seed: Option<Spanned<i64>>,
    confidence: Option<Spanned<f64>>,
    class: Option<Spanned<i64>>,
    target_cost: Option<Spanned<f64>>,
    target_duration: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRole {
    id: Spanned<String>,
    name: Option<String>,
    rate: Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: Spanned<String>,
    name: Option<String>,
    role: Option<Spanned<String>>,
    hours: Option<Spanned<toml::Value>>,
    cost: Option<Spanned<toml::Value>>,
    duration: Option<Spanned<toml::Value>>,
    #[serde(default)]
    after: Vec<Spanned<String>>,
    distribution: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRisk {
    id: Spanned<String>,
    name: Option<String>,
    probability: Spanned<f64>,
    cost: Option<Spanned<toml::Value>>,
    delay: Option<Spanned<toml::Value>>,
    on: Option<Spanned<String>>,
    distribution: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCorrelation {
    items: Spanned<Vec<Spanned<String>>>,
    coefficient: Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawText {
    text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAlternative {
    name: Spanned<String>,
    description: Option<String>,
    #[serde(default)]
    drop: Vec<Spanned<String>>,
    #[serde(default)]
    drop_risks: Vec<Spanned<String>>,
    #[serde(default)]
    rates: BTreeMap<String, Spanned<f64>>,
    scale_hours: Option<Spanned<toml::Value>>,
    #[serde(default)]
    item: Vec<Spanned<RawItem>>,
}

/// Parsing context: the source, for turning spans into lines.
struct Ctx<'a> {
    source: &'a str,
}

impl Ctx<'_> {
    fn err(&self, span: Range<usize>, message: impl Into<String>) -> FileError {
        FileError::at(self.source, span, message)
    }

    /// A three-point value from `[low, likely, high]` or a single number.
    fn three_point(
        &self,
        what: &str,
        value: &Spanned<toml::Value>,
    ) -> Result<ThreePoint, FileError> {
        let number = |v: &toml::Value| match v {
            toml::Value::Integer(i) => Some(*i as f64),
            toml::Value::Float(f) => Some(*f),
            _ => None,
        };
        let result = match value.get_ref() {
            toml::Value::Array(values) if values.len() == 3 => {
                match (number(&values[0]), number(&values[1]), number(&values[2])) {
                    (Some(a), Some(m), Some(b)) => ThreePoint::new(a, m, b),
                    _ => Err("give three numbers [low, likely, high]".to_string()),
                }
            }
            toml::Value::Array(values) => Err(format!(
                "has {} values; give three numbers [low, likely, high] or one exact number",
                values.len()
            )),
            other => match number(other) {
                Some(x) => ThreePoint::exact(x),
                None => Err(format!(
                    "expected [low, likely, high] or a number, found {}",
                    other.type_str()
                )),
            },
        };
        result.map_err(|e| self.err(value.span(), format!("{what}: {e}")))
    }

    fn shape(
        &self,
        what: &str,
        value: &Option<Spanned<String>>,
        default: Shape,
    ) -> Result<Shape, FileError> {
        match value {
            None => Ok(default),
            Some(s) => {
                Shape::parse(s.get_ref()).map_err(|e| self.err(s.span(), format!("{what}: {e}")))
            }
        }
    }
}

fn check_id(
    ctx: &Ctx,
    kind: &str,
    id: &Spanned<String>,
    seen: &mut BTreeSet<String>,
) -> Result<String, FileError> {
    let text = id.get_ref().trim();
    if text.is_empty() {
        return Err(ctx.err(id.span(), format!("{kind} id must not be empty")));
    }
    if !seen.insert(text.to_string()) {
        return Err(ctx.err(
            id.span(),
            format!("{kind} id \"{text}\" is used twice; ids must be unique"),
        ));
    }
    Ok(text.to_string())
}

/// Validates one item's own fields (not its links to other items).
fn item(
    ctx: &Ctx,
    raw: &Spanned<RawItem>,
    roles: &BTreeMap<String, f64>,
    default: Shape,
    seen: &mut BTreeSet<String>,
) -> Result<Item, FileError> {
    let r = raw.get_ref();
    let id = check_id(ctx, "item", &r.id, seen)?;
    let what = |field: &str| format!("item \"{id}\": {field}");
    let hours = r
        .hours
        .as_ref()
        .map(|v| ctx.three_point(&what("hours"), v))
        .transpose()?;
    let cost = r
        .cost
        .as_ref()
        .map(|v| ctx.three_point(&what("cost"), v))
        .transpose()?;
    let duration = r
        .duration
        .as_ref()
        .map(|v| ctx.three_point(&what("duration"), v))
        .transpose()?;
    if hours.is_none() && cost.is_none() && duration.is_none() {
        return Err(ctx.err(
            r.id.span(),
            format!("item \"{id}\" needs at least one of hours, cost or duration"),
        ));
    }
    let role = match (&r.role, &hours) {
        (Some(role), _) if !roles.contains_key(role.get_ref()) => {
            let known: Vec<&str> = roles.keys().map(String::as_str).collect();
            return Err(ctx.err(
                role.span(),
                format!(
                    "{}: unknown role \"{}\"; the roles are: {}",
                    what("role"),
                    role.get_ref(),
                    if known.is_empty() {
                        "(none defined — add a [[role]])".to_string()
                    } else {
                        known.join(", ")
                    }
                ),
            ));
        }
        (None, Some(_)) => {
            return Err(ctx.err(
                r.hours.as_ref().map_or(r.id.span(), |h| h.span()),
                format!(
                    "{}: hours need a role to price them; add role = \"…\" to the item",
                    what("hours")
                ),
            ))
        }
        (role, _) => role.as_ref().map(|r| r.get_ref().clone()),
    };
    Ok(Item {
        name: r.name.clone().unwrap_or_else(|| id.clone()),
        role,
        hours,
        cost,
        duration,
        after: r
            .after
            .iter()
            .map(|a| a.get_ref().trim().to_string())
            .collect(),
        shape: ctx.shape(&what("distribution"), &r.distribution, default)?,
        id,
    })
}

/// Where an item and each of its `after` entries sit in the file.
struct ItemSpans {
    item: Range<usize>,
    after: Vec<Range<usize>>,
}

impl ItemSpans {
    fn of(raw: &Spanned<RawItem>) -> Self {
        Self {
            item: raw.span(),
            after: raw.get_ref().after.iter().map(|a| a.span()).collect(),
        }
    }
}

/// Checks predecessors name scheduled items and the network has no cycle.
fn check_network(
    ctx: &Ctx,
    items: &[Item],
    spans: &[ItemSpans],
    context: &str,
) -> Result<(), FileError> {
    // One lookup table, not a search per predecessor: with many items and
    // alternatives a linear search made reading a file take seconds.
    let positions: BTreeMap<&str, usize> = items
        .iter()
        .enumerate()
        .map(|(n, i)| (i.id.as_str(), n))
        .collect();
    let index = |id: &str| positions.get(id).copied();
    let mut preds = vec![Vec::new(); items.len()];
    for (n, (item, place)) in items.iter().zip(spans).enumerate() {
        for (k, after) in item.after.iter().enumerate() {
            let span = place
                .after
                .get(k)
                .cloned()
                .unwrap_or_else(|| place.item.clone());
            let Some(p) = index(after) else {
                return Err(ctx.err(
                    span,
                    format!(
                        "{context}item \"{}\": after: unknown item \"{after}\"",
                        item.id
                    ),
                ));
            };
            if p == n {
                return Err(ctx.err(
                    span,
                    format!(
                        "{context}item \"{}\": after: an item cannot follow itself",
                        item.id
                    ),
                ));
            }
            if items[p].duration.is_none() {
                return Err(ctx.err(
                    span,
                    format!(
                        "{context}item \"{}\": after: \"{after}\" has no duration, so it takes no place in the schedule; give it a duration or remove it from after",
                        item.id
                    ),
                ));
            }
            if item.duration.is_none() {
                return Err(ctx.err(
                    span,
                    format!("{context}item \"{}\": after: the item has no duration, so it takes no place in the schedule; give it a duration", item.id),
                ));
            }
            preds[n].push(p);
        }
    }
    topological_order(&preds).map(|_| ()).map_err(|cycle| {
        let names: Vec<&str> = cycle.iter().map(|&i| items[i].id.as_str()).collect();
        let first = cycle.first().copied().unwrap_or(0);
        ctx.err(
            spans[first].item.clone(),
            format!(
                "{context}items form a dependency cycle: {}; remove one of these `after` links",
                names.join(" → ")
            ),
        )
    })
}

impl Estimate {
    /// Parses and validates the text of an estimate file.
    pub fn parse(source: &str) -> Result<Self, FileError> {
        let ctx = Ctx { source };
        let raw: RawFile = toml::from_str(source).map_err(|e| {
            FileError::at(
                source,
                e.span().unwrap_or(0..0),
                e.message().trim().replace('\n', ": "),
            )
        })?;
        let e = &raw.estimate;

        let name = e.name.get_ref().trim().to_string();
        if name.is_empty() {
            return Err(ctx.err(e.name.span(), "estimate.name must not be empty"));
        }
        let shape = ctx.shape("estimate.distribution", &e.distribution, Shape::Pert)?;
        let iterations = match &e.iterations {
            None => 10_000,
            Some(n) => u32::try_from(*n.get_ref())
                .ok()
                .filter(|n| (100..=10_000_000).contains(n))
                .ok_or_else(|| {
                    ctx.err(
                        n.span(),
                        "estimate.iterations must be between 100 and 10,000,000",
                    )
                })?,
        };
        let seed = match &e.seed {
            None => 1,
            Some(s) => u64::try_from(*s.get_ref())
                .map_err(|_| ctx.err(s.span(), "estimate.seed must not be negative"))?,
        };
        let confidence = match &e.confidence {
            None => 0.8,
            Some(c) if *c.get_ref() > 0.0 && *c.get_ref() < 1.0 => *c.get_ref(),
            Some(c) => {
                return Err(ctx.err(
                    c.span(),
                    "estimate.confidence must be between 0 and 1, e.g. 0.8 for P80",
                ))
            }
        };
        let class = e
            .class
            .as_ref()
            .map(|c| {
                AaceClass::new(*c.get_ref())
                    .map_err(|m| ctx.err(c.span(), format!("estimate.class: {m}")))
            })
            .transpose()?;
        let positive = |v: &Option<Spanned<f64>>, field: &str| -> Result<Option<f64>, FileError> {
            match v {
                Some(x) if !(x.get_ref().is_finite() && *x.get_ref() > 0.0) => Err(ctx.err(
                    x.span(),
                    format!("estimate.{field} must be greater than zero"),
                )),
                other => Ok(other.as_ref().map(|x| *x.get_ref())),
            }
        };
        let target_cost = positive(&e.target_cost, "target_cost")?;
        let target_duration = positive(&e.target_duration, "target_duration")?;
        let currency = match &e.currency {
            Some(c) => Some(
                crate::domain::Currency::parse(c.get_ref())
                    .map_err(|m| ctx.err(c.span(), format!("estimate.currency: {m}")))?
                    .code()
                    .to_string(),
            ),
            None => None,
        };

        let mut role_ids = BTreeSet::new();
        let mut roles = Vec::new();
        for r in &raw.role {
            let id = check_id(&ctx, "role", &r.id, &mut role_ids)?;
            let rate = *r.rate.get_ref();
            if !(rate.is_finite() && rate >= 0.0) {
                return Err(ctx.err(
                    r.rate.span(),
                    format!("role \"{id}\": rate must be a number ≥ 0"),
                ));
            }
            roles.push(Role {
                id,
                name: r.name.clone(),
                rate,
            });
        }
        let rates: BTreeMap<String, f64> = roles.iter().map(|r| (r.id.clone(), r.rate)).collect();

        let mut item_ids = BTreeSet::new();
        let items = raw
            .item
            .iter()
            .map(|i| item(&ctx, i, &rates, shape, &mut item_ids))
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(extra) = raw.item.get(MAX_ITEMS) {
            return Err(ctx.err(
                extra.span(),
                format!(
                    "{} items; at most {MAX_ITEMS} are taken: group detailed work into larger items",
                    raw.item.len()
                ),
            ));
        }
        if items.is_empty() {
            return Err(ctx.err(
                0..0,
                "the estimate has no [[item]]; add at least one item of work",
            ));
        }
        let spans: Vec<ItemSpans> = raw.item.iter().map(ItemSpans::of).collect();
        check_network(&ctx, &items, &spans, "")?;

        let mut risk_ids = BTreeSet::new();
        let mut risks = Vec::new();
        for raw_risk in &raw.risk {
            let r = raw_risk.get_ref();
            let id = check_id(&ctx, "risk", &r.id, &mut risk_ids)?;
            let what = |field: &str| format!("risk \"{id}\": {field}");
            let p = *r.probability.get_ref();
            if !(0.0..=1.0).contains(&p) {
                return Err(ctx.err(
                    r.probability.span(),
                    format!(
                        "{}: {p} is not a probability; give a number from 0 to 1",
                        what("probability")
                    ),
                ));
            }
            let cost = r
                .cost
                .as_ref()
                .map(|v| ctx.three_point(&what("cost"), v))
                .transpose()?;
            let delay = r
                .delay
                .as_ref()
                .map(|v| ctx.three_point(&what("delay"), v))
                .transpose()?;
            if cost.is_none() && delay.is_none() {
                return Err(ctx.err(
                    r.id.span(),
                    format!("risk \"{id}\" needs a cost impact, a delay, or both"),
                ));
            }
            let on = match (&r.on, &delay) {
                (Some(on), Some(_)) => {
                    let target = items.iter().find(|i| i.id == *on.get_ref());
                    match target {
                        None => {
                            return Err(ctx.err(
                                on.span(),
                                format!("{}: unknown item \"{}\"", what("on"), on.get_ref()),
                            ))
                        }
                        Some(i) if i.duration.is_none() => {
                            return Err(ctx.err(
                                on.span(),
                                format!(
                                    "{}: item \"{}\" has no duration to delay",
                                    what("on"),
                                    i.id
                                ),
                            ))
                        }
                        Some(_) => Some(on.get_ref().clone()),
                    }
                }
                (None, Some(_)) => {
                    return Err(ctx.err(
                        r.delay.as_ref().map_or(r.id.span(), |d| d.span()),
                        format!(
                            "{}: a delay needs on = \"item\" to say which item it holds up",
                            what("delay")
                        ),
                    ))
                }
                (Some(on), None) => {
                    return Err(ctx.err(
                        on.span(),
                        format!(
                            "{}: give the delay it causes, e.g. delay = [5, 10, 20]",
                            what("on")
                        ),
                    ))
                }
                (None, None) => None,
            };
            risks.push(Risk {
                name: r.name.clone().unwrap_or_else(|| id.clone()),
                probability: p,
                cost,
                delay,
                on,
                shape: ctx.shape(&what("distribution"), &r.distribution, shape)?,
                id,
            });
        }

        let correlations = correlations_of(&ctx, &raw.correlation, &items)?;

        let texts = |list: &[Spanned<RawText>], kind: &str| -> Result<Vec<String>, FileError> {
            list.iter()
                .map(|t| {
                    let text = t.get_ref().text.trim();
                    if text.is_empty() {
                        Err(ctx.err(t.span(), format!("{kind}: text must not be empty")))
                    } else {
                        Ok(text.to_string())
                    }
                })
                .collect()
        };
        let assumptions = texts(&raw.assumption, "assumption")?;
        let exclusions = texts(&raw.exclusion, "exclusion")?;

        let mut estimate = Estimate {
            name,
            description: e.description.clone(),
            currency,
            shape,
            iterations,
            seed,
            confidence,
            class,
            target_cost,
            target_duration,
            roles,
            items,
            risks,
            correlations,
            assumptions,
            exclusions,
            alternatives: Vec::new(),
        };

        let mut alternative_names = BTreeSet::new();
        if raw.alternative.len() > MAX_ALTERNATIVES {
            return Err(ctx.err(
                0..0,
                format!(
                    "{} alternatives; at most {MAX_ALTERNATIVES} are compared side by side",
                    raw.alternative.len()
                ),
            ));
        }
        for raw_alt in &raw.alternative {
            let alternative =
                alternative(&ctx, raw_alt, &estimate, &rates, &mut alternative_names)?;
            estimate.alternatives.push(alternative);
        }
        Ok(estimate)
    }
}

fn alternative(
    ctx: &Ctx,
    raw: &Spanned<RawAlternative>,
    estimate: &Estimate,
    rates: &BTreeMap<String, f64>,
    names: &mut BTreeSet<String>,
) -> Result<Alternative, FileError> {
    let a = raw.get_ref();
    let name = check_id(ctx, "alternative", &a.name, names).map_err(|mut e| {
        e.message = e.message.replace("alternative id", "alternative name");
        e
    })?;
    let context = format!("alternative \"{name}\": ");
    let known_item = |id: &str| estimate.items.iter().any(|i| i.id == id);
    for d in &a.drop {
        if !known_item(d.get_ref()) {
            return Err(ctx.err(
                d.span(),
                format!("{context}drop: unknown item \"{}\"", d.get_ref()),
            ));
        }
    }
    for d in &a.drop_risks {
        if !estimate.risks.iter().any(|r| r.id == *d.get_ref()) {
            return Err(ctx.err(
                d.span(),
                format!("{context}drop_risks: unknown risk \"{}\"", d.get_ref()),
            ));
        }
    }
    let mut alt_rates = BTreeMap::new();
    for (role, rate) in &a.rates {
        if !rates.contains_key(role) {
            return Err(ctx.err(
                rate.span(),
                format!("{context}rates: unknown role \"{role}\""),
            ));
        }
        if !(rate.get_ref().is_finite() && *rate.get_ref() >= 0.0) {
            return Err(ctx.err(
                rate.span(),
                format!("{context}rates: {role} must be a number ≥ 0"),
            ));
        }
        alt_rates.insert(role.clone(), *rate.get_ref());
    }
    let scale_hours = match &a.scale_hours {
        None => HoursScale::All(1.0),
        Some(value) => {
            let positive = |v: &toml::Value| match v {
                toml::Value::Integer(i) if *i > 0 => Some(*i as f64),
                toml::Value::Float(f) if *f > 0.0 && f.is_finite() => Some(*f),
                _ => None,
            };
            match value.get_ref() {
                toml::Value::Table(table) => {
                    let mut map = BTreeMap::new();
                    for (id, v) in table {
                        if !known_item(id) {
                            return Err(ctx.err(value.span(), format!("{context}scale_hours: unknown item \"{id}\"")));
                        }
                        let f = positive(v).ok_or_else(|| ctx.err(value.span(), format!("{context}scale_hours: {id} must be a factor > 0")))?;
                        map.insert(id.clone(), f);
                    }
                    HoursScale::PerItem(map)
                }
                v => HoursScale::All(
                    positive(v).ok_or_else(|| ctx.err(value.span(), format!("{context}scale_hours must be a factor > 0 (e.g. 0.9) or a table of item = factor")))?,
                ),
            }
        }
    };
    let mut ids: BTreeSet<String> = estimate.items.iter().map(|i| i.id.clone()).collect();
    let add = a
        .item
        .iter()
        .map(|i| {
            item(ctx, i, rates, estimate.shape, &mut ids).map_err(|mut e| {
                e.message = format!("{context}{}", e.message);
                e
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let alternative = Alternative {
        name,
        description: a.description.clone(),
        drop: a.drop.iter().map(|d| d.get_ref().clone()).collect(),
        drop_risks: a.drop_risks.iter().map(|d| d.get_ref().clone()).collect(),
        rates: alt_rates,
        scale_hours,
        add,
    };
    // The resulting network must still be valid: added items may follow
    // items that are gone or each other. Items of the base estimate have no
    // place inside the alternative, so errors about them point at it.
    let scenario = estimate.scenario(Some(&alternative));
    let items: Vec<Item> = scenario.items.iter().map(|s| s.item.clone()).collect();
    if items.is_empty() {
        return Err(ctx.err(
            raw.span(),
            format!("{context}drops every item; keep or add at least one"),
        ));
    }
    let spans: Vec<ItemSpans> = items
        .iter()
        .map(|i| {
            match a
                .item
                .iter()
                .find(|r| r.get_ref().id.get_ref().trim() == i.id)
            {
                // `after` was rewritten for dropped items; point at the item.
                Some(r) => ItemSpans {
                    item: r.span(),
                    after: Vec::new(),
                },
                None => ItemSpans {
                    item: raw.span(),
                    after: Vec::new(),
                },
            }
        })
        .collect();
    check_network(ctx, &items, &spans, &context)?;
    Ok(alternative)
}

/// Reads the `[[correlation]]` groups: each names at least two known items
/// once, with a coefficient in [-1, 1]; two groups must not give one pair
/// different coefficients; and the groups linked by shared items must make
/// a valid (positive definite) correlation matrix.
///
/// Pairs not listed together are independent, so the matrix falls apart
/// into one block per set of linked items, and each block is checked once,
/// on its own: the cost is the sum over sets, not the cube of everything
/// for every group (400 two-item groups once took 17 s). Only when a set
/// fails is it replayed group by group, to name the group that broke it.
fn correlations_of(
    ctx: &Ctx<'_>,
    raw: &[Spanned<RawCorrelation>],
    items: &[Item],
) -> Result<Vec<Correlation>, FileError> {
    if let Some(extra) = raw.get(MAX_CORRELATION_GROUPS) {
        return Err(ctx.err(
            extra.span(),
            format!(
                "{} correlation groups; at most {MAX_CORRELATION_GROUPS} are taken: list items that move together in one group",
                raw.len()
            ),
        ));
    }
    let index: BTreeMap<&str, usize> = items
        .iter()
        .enumerate()
        .map(|(i, item)| (item.id.as_str(), i))
        .collect();
    let names: Vec<String> = items.iter().map(|i| i.id.clone()).collect();
    // Union-find over item indices: which set each correlated item is in.
    let mut parent: Vec<usize> = (0..items.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut pairs: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    let mut groups: Vec<(Vec<usize>, f64)> = Vec::new();
    for (n, raw_corr) in raw.iter().enumerate() {
        let c = raw_corr.get_ref();
        let coefficient = *c.coefficient.get_ref();
        if !(-1.0..=1.0).contains(&coefficient) {
            return Err(ctx.err(
                c.coefficient.span(),
                format!(
                    "correlation {}: coefficient {coefficient} must be between -1 and 1",
                    n + 1
                ),
            ));
        }
        let mut members = Vec::new();
        for id in c.items.get_ref() {
            let Some(&item) = index.get(id.get_ref().as_str()) else {
                return Err(ctx.err(
                    id.span(),
                    format!("correlation {}: unknown item \"{}\"", n + 1, id.get_ref()),
                ));
            };
            if members.contains(&item) {
                return Err(ctx.err(
                    id.span(),
                    format!(
                        "correlation {}: item \"{}\" is listed twice",
                        n + 1,
                        id.get_ref()
                    ),
                ));
            }
            members.push(item);
        }
        if members.len() < 2 {
            return Err(ctx.err(
                c.items.span(),
                format!(
                    "correlation {}: list at least two items that move together",
                    n + 1
                ),
            ));
        }
        if members.len() > MAX_CORRELATED_SET {
            return Err(ctx.err(
                c.items.span(),
                format!(
                    "correlation {}: {} items in one group; at most {MAX_CORRELATED_SET} items can move together",
                    n + 1,
                    members.len()
                ),
            ));
        }
        for (x, &a) in members.iter().enumerate() {
            for &b in &members[x + 1..] {
                let key = (a.min(b), a.max(b));
                if let Some(&existing) = pairs.get(&key) {
                    if existing != coefficient {
                        return Err(ctx.err(
                            c.coefficient.span(),
                            format!("correlation {}: items \"{}\" and \"{}\" are already correlated at {existing}, here at {coefficient}; give each pair one coefficient", n + 1, names[a], names[b]),
                        ));
                    }
                }
                pairs.insert(key, coefficient);
            }
        }
        for &m in &members[1..] {
            let (ra, rb) = (root(&mut parent, members[0]), root(&mut parent, m));
            parent[rb] = ra;
        }
        groups.push((members, coefficient));
    }
    // The groups of each linked set, in file order.
    let mut sets: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (g, (members, _)) in groups.iter().enumerate() {
        sets.entry(root(&mut parent, members[0]))
            .or_default()
            .push(g);
    }
    for set in sets.values() {
        let block: Vec<(Vec<usize>, f64)> = set.iter().map(|&g| groups[g].clone()).collect();
        let size = block
            .iter()
            .flat_map(|(m, _)| m.iter())
            .collect::<BTreeSet<_>>()
            .len();
        if size > MAX_CORRELATED_SET {
            let last = set[set.len() - 1];
            return Err(ctx.err(
                raw[last].get_ref().items.span(),
                format!(
                    "correlation {}: the groups sharing items with it link {size} items into one correlated set; at most {MAX_CORRELATED_SET} are taken",
                    last + 1
                ),
            ));
        }
        if let Err(CorrelationError::NotPositiveDefinite) = build_copula(&block, &names) {
            // Replay the set to name the first group that breaks it.
            let culprit = (1..=block.len())
                .find(|&k| build_copula(&block[..k], &names).is_err())
                .map_or(set[set.len() - 1], |k| set[k - 1]);
            return Err(ctx.err(
                raw[culprit].get_ref().coefficient.span(),
                format!(
                    "correlation {}: with the correlations before it, the coefficients make an invalid correlation matrix (not positive definite): no set of items can move together this way (pairs not listed together are independent); weaken a coefficient or list the items in one group",
                    culprit + 1
                ),
            ));
        }
    }
    Ok(groups
        .into_iter()
        .map(|(members, coefficient)| Correlation {
            items: members.iter().map(|&m| items[m].id.clone()).collect(),
            coefficient,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "[estimate]\nname = \"x\"\n[[role]]\nid = \"engineer\"\nrate = 150\n";

    fn error_of(body: &str) -> FileError {
        Estimate::parse(&format!("{HEADER}{body}")).expect_err("the file should be refused")
    }

    /// Line numbers below count the five header lines.
    #[test]
    fn a_three_point_out_of_order_names_item_field_and_line() {
        let e = error_of("[[item]]\nid = \"design\"\nrole = \"engineer\"\nhours = [80, 60, 200]\n");
        assert_eq!(e.line, 9, "{e}");
        assert!(
            e.message
                .contains("item \"design\": hours: low (80) is above likely (60)"),
            "{e}"
        );
    }

    #[test]
    fn probability_outside_zero_one() {
        let e = error_of(
            "[[item]]\nid = \"a\"\ncost = 1\n[[risk]]\nid = \"r\"\nprobability = 1.5\ncost = 5\n",
        );
        assert_eq!(e.line, 11, "{e}");
        assert!(
            e.message
                .contains("risk \"r\": probability: 1.5 is not a probability"),
            "{e}"
        );
    }

    #[test]
    fn unknown_role_lists_the_known_ones() {
        let e = error_of("[[item]]\nid = \"a\"\nrole = \"welder\"\nhours = [1, 2, 3]\n");
        assert_eq!(e.line, 8);
        assert!(
            e.message
                .contains("unknown role \"welder\"; the roles are: engineer"),
            "{e}"
        );
    }

    #[test]
    fn unknown_predecessor() {
        let e = error_of("[[item]]\nid = \"a\"\nduration = 1\nafter = [\"survey\"]\n");
        assert_eq!(e.line, 9);
        assert!(
            e.message
                .contains("item \"a\": after: unknown item \"survey\""),
            "{e}"
        );
    }

    #[test]
    fn dependency_cycles_are_printed() {
        let e = error_of(
            "[[item]]\nid = \"a\"\nduration = 1\nafter = [\"c\"]\n\
             [[item]]\nid = \"b\"\nduration = 1\nafter = [\"a\"]\n\
             [[item]]\nid = \"c\"\nduration = 1\nafter = [\"b\"]\n",
        );
        assert!(e.message.contains("dependency cycle: "), "{e}");
        for step in ["a → b", "b → c", "c → a"] {
            assert!(e.message.contains(step), "{e}");
        }
    }

    /// `n` items `i0`, `i1`, … costing 1 to 3.
    fn items(n: usize) -> String {
        (0..n)
            .map(|i| format!("[[item]]\nid = \"i{i}\"\ncost = [1, 2, 3]\n"))
            .collect()
    }

    fn group(members: &[usize], coefficient: f64) -> String {
        let ids: Vec<String> = members.iter().map(|m| format!("\"i{m}\"")).collect();
        format!(
            "[[correlation]]\nitems = [{}]\ncoefficient = {coefficient}\n",
            ids.join(", ")
        )
    }

    /// Many separate groups are each checked on their own (400 two-item
    /// groups once took 17 seconds to read).
    #[test]
    fn four_hundred_separate_pairs_are_read_and_kept_in_order() {
        let pairs: String = (0..400).map(|p| group(&[2 * p, 2 * p + 1], 0.5)).collect();
        let estimate = Estimate::parse(&format!("{HEADER}{}{pairs}", items(800))).expect("valid");
        assert_eq!(estimate.correlations().len(), 400);
        assert_eq!(estimate.correlations()[399].items(), ["i798", "i799"]);
    }

    /// Work is iterations × (items + risks) × scenarios: with 3 items, 2
    /// risks and 2 alternatives, 1,000 × 5 × (1 + 2) = 15,000.
    #[test]
    fn simulation_work_counts_every_item_and_risk_draw() {
        let alternatives = "[[alternative]]\nname = \"a\"\n[[alternative]]\nname = \"b\"\n";
        let risks = "[[risk]]\nid = \"r1\"\nprobability = 0.1\ncost = 5\n[[risk]]\nid = \"r2\"\nprobability = 0.2\ncost = 5\n";
        let estimate =
            Estimate::parse(&format!("{HEADER}{}{risks}{alternatives}", items(3))).expect("valid");
        assert_eq!(estimate.simulation_work(1_000), 15_000);
        assert_eq!(estimate.iterations_within(15_000), 1_000);
        assert_eq!(estimate.iterations_within(14_999), 999);
        assert_eq!(estimate.simulation_work(u32::MAX), 4_294_967_295 * 15);
    }

    #[test]
    fn alternatives_and_items_have_stated_limits() {
        let alternatives: String = (0..51)
            .map(|a| format!("[[alternative]]\nname = \"option {a}\"\n"))
            .collect();
        let e = error_of(&format!("{}{alternatives}", items(2)));
        assert!(e.message.contains("51 alternatives; at most 50"), "{e}");
        let e = error_of(&items(10_001));
        assert!(e.message.contains("10001 items; at most 10000"), "{e}");
    }

    #[test]
    fn correlated_sets_and_group_counts_have_stated_limits() {
        let too_many: String = (0..501).map(|p| group(&[2 * p, 2 * p + 1], 0.5)).collect();
        let e = error_of(&format!("{}{too_many}", items(1002)));
        assert!(e.message.contains("at most 500"), "{e}");
        let big: Vec<usize> = (0..201).collect();
        let e = error_of(&format!("{}{}", items(201), group(&big, 0.2)));
        assert!(
            e.message.contains("201 items in one group; at most 200"),
            "{e}"
        );
        // A chain of pairs links 201 items into one set.
        let chain: String = (0..200).map(|p| group(&[p, p + 1], 0.3)).collect();
        let e = error_of(&format!("{}{chain}", items(201)));
        assert!(
            e.message.contains("correlation 200") && e.message.contains("link 201 items"),
            "{e}"
        );
    }

    #[test]
    fn an_impossible_correlation_matrix_is_refused() {
        let e = error_of(
            "[[item]]\nid = \"a\"\ncost = [1, 2, 3]\n[[item]]\nid = \"b\"\ncost = [1, 2, 3]\n[[item]]\nid = \"c\"\ncost = [1, 2, 3]\n\
             [[correlation]]\nitems = [\"a\", \"b\"]\ncoefficient = 0.9\n\
             [[correlation]]\nitems = [\"b\", \"c\"]\ncoefficient = 0.9\n\
             [[correlation]]\nitems = [\"a\", \"c\"]\ncoefficient = -0.9\n",
        );
        // a~b and b~c at 0.9 leave a and c independent, which is already
        // impossible: the second group is refused.
        assert_eq!(e.line, 20, "{e}");
        assert!(
            e.message.contains("correlation 2") && e.message.contains("not positive definite"),
            "{e}"
        );
    }

    #[test]
    fn items_need_something_to_estimate_and_hours_need_a_role() {
        let e = error_of("[[item]]\nid = \"a\"\nname = \"Nothing\"\n");
        assert!(
            e.message
                .contains("needs at least one of hours, cost or duration"),
            "{e}"
        );
        let e = error_of("[[item]]\nid = \"a\"\nhours = [1, 2, 3]\n");
        assert!(e.message.contains("hours need a role"), "{e}");
    }

    #[test]
    fn delays_need_an_item_with_a_duration() {
        let e = error_of("[[item]]\nid = \"a\"\ncost = 1\n[[risk]]\nid = \"r\"\nprobability = 0.5\ndelay = [1, 2, 3]\non = \"a\"\n");
        assert!(
            e.message.contains("item \"a\" has no duration to delay"),
            "{e}"
        );
        let e = error_of("[[item]]\nid = \"a\"\nduration = 1\n[[risk]]\nid = \"r\"\nprobability = 0.5\ndelay = [1, 2, 3]\n");
        assert!(e.message.contains("a delay needs on = \"item\""), "{e}");
    }

    #[test]
    fn alternatives_are_checked_against_the_estimate() {
        let e = error_of(
            "[[item]]\nid = \"a\"\ncost = 1\n[[alternative]]\nname = \"less\"\ndrop = [\"zzz\"]\n",
        );
        assert!(
            e.message
                .contains("alternative \"less\": drop: unknown item \"zzz\""),
            "{e}"
        );
        let e = error_of("[[item]]\nid = \"a\"\ncost = 1\n[[alternative]]\nname = \"cheap\"\nrates = { welder = 3 }\n");
        assert!(e.message.contains("rates: unknown role \"welder\""), "{e}");
    }

    #[test]
    fn a_dropped_item_hands_its_place_to_its_predecessors() {
        let estimate = Estimate::parse(&format!(
            "{HEADER}[[item]]\nid = \"a\"\nduration = 1\n[[item]]\nid = \"b\"\nduration = 1\nafter = [\"a\"]\n\
             [[item]]\nid = \"c\"\nduration = 1\nafter = [\"b\"]\n[[alternative]]\nname = \"skip b\"\ndrop = [\"b\"]\n"
        ))
        .unwrap();
        let scenario = estimate.scenario(Some(&estimate.alternatives[0]));
        let c = scenario.items.iter().find(|i| i.item.id == "c").unwrap();
        assert_eq!(c.item.after, vec!["a"]);
    }

    #[test]
    fn a_single_number_is_an_exact_value() {
        let estimate = Estimate::parse(&format!(
            "{HEADER}[[item]]\nid = \"licence\"\ncost = 12000\n"
        ))
        .unwrap();
        assert!(estimate.items[0].cost.unwrap().is_exact());
        assert_eq!(estimate.iterations, 10_000);
        assert_eq!(estimate.confidence, 0.8);
    }
}
