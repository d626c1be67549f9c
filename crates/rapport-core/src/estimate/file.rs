//! The estimate file (`rapport estimate FILE`), documented in
//! `docs/estimate-file.md`: TOML in, a validated [`Estimate`] out, or the
//! first problem with its line, column, item and field.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use toml_spanner::Toml;

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

mod alternative;
mod correlations;
mod cover;
mod plain;
mod reader;
mod spanned;

use alternative::alternative;
use correlations::correlations_of;
use reader::read;
use spanned::{Any, Spanned};

#[derive(Toml)]
struct RawFile {
    estimate: RawEstimate,
    #[toml(default)]
    role: Vec<RawRole>,
    #[toml(default)]
    item: Vec<Spanned<RawItem>>,
    #[toml(default)]
    risk: Vec<Spanned<RawRisk>>,
    #[toml(default)]
    correlation: Vec<Spanned<RawCorrelation>>,
    #[toml(default)]
    assumption: Vec<Spanned<RawText>>,
    #[toml(default)]
    exclusion: Vec<Spanned<RawText>>,
    #[toml(default)]
    alternative: Vec<Spanned<RawAlternative>>,
}

#[derive(Toml)]
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
    // The cover (see `cover.rs`).
    client: Option<Spanned<String>>,
    firm: Option<Spanned<String>>,
    prepared_by: Option<Spanned<String>>,
    date: Option<Spanned<Any>>,
    version: Option<Spanned<Any>>,
    valid_until: Option<Spanned<Any>>,
}

#[derive(Toml)]
struct RawRole {
    id: Spanned<String>,
    name: Option<String>,
    rate: Spanned<f64>,
}

#[derive(Toml)]
struct RawItem {
    id: Spanned<String>,
    name: Option<String>,
    role: Option<Spanned<String>>,
    hours: Option<Spanned<Any>>,
    cost: Option<Spanned<Any>>,
    duration: Option<Spanned<Any>>,
    #[toml(default)]
    after: Vec<Spanned<String>>,
    distribution: Option<Spanned<String>>,
}

#[derive(Toml)]
struct RawRisk {
    id: Spanned<String>,
    name: Option<String>,
    probability: Spanned<f64>,
    cost: Option<Spanned<Any>>,
    delay: Option<Spanned<Any>>,
    on: Option<Spanned<String>>,
    distribution: Option<Spanned<String>>,
}

#[derive(Toml)]
struct RawCorrelation {
    items: Spanned<Vec<Spanned<String>>>,
    coefficient: Spanned<f64>,
}

#[derive(Toml)]
struct RawText {
    text: String,
}

#[derive(Toml)]
struct RawAlternative {
    name: Spanned<String>,
    description: Option<String>,
    #[toml(default)]
    drop: Vec<Spanned<String>>,
    #[toml(default)]
    drop_risks: Vec<Spanned<String>>,
    #[toml(default)]
    rates: BTreeMap<String, Spanned<f64>>,
    scale_hours: Option<Spanned<Any>>,
    #[toml(default)]
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
    /// `what` names the field in a message, made only when there is one:
    /// formatting it for every field of every item was a fifth of reading
    /// the 1,000-item benchmark file.
    fn three_point(
        &self,
        what: impl Fn() -> String,
        value: &Spanned<Any>,
    ) -> Result<ThreePoint, FileError> {
        let number = |v: &toml::Value| match v {
            toml::Value::Integer(i) => Some(*i as f64),
            toml::Value::Float(f) => Some(*f),
            _ => None,
        };
        let result = match &value.get_ref().0 {
            toml::Value::Array(values) if values.len() == 3 => {
                match (number(&values[0]), number(&values[1]), number(&values[2])) {
                    (Some(a), Some(m), Some(b)) => ThreePoint::new(a, m, b),
                    _ => Err("give three numbers [low, likely, high]".to_string()),
                }
            }
            toml::Value::Array(values) => Err(format!(
                "has {} value{}; give three numbers [low, likely, high] or one exact number",
                values.len(),
                if values.len() == 1 { "" } else { "s" }
            )),
            other => match number(other) {
                Some(x) => ThreePoint::exact(x),
                None => Err(format!(
                    "expected [low, likely, high] or a number, found {}",
                    other.type_str()
                )),
            },
        };
        result.map_err(|e| self.err(value.span(), format!("{}: {e}", what())))
    }

    fn shape(
        &self,
        what: impl Fn() -> String,
        value: &Option<Spanned<String>>,
        default: Shape,
    ) -> Result<Shape, FileError> {
        match value {
            None => Ok(default),
            Some(s) => Shape::parse(s.get_ref())
                .map_err(|e| self.err(s.span(), format!("{}: {e}", what()))),
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
        .map(|v| ctx.three_point(|| what("hours"), v))
        .transpose()?;
    let cost = r
        .cost
        .as_ref()
        .map(|v| ctx.three_point(|| what("cost"), v))
        .transpose()?;
    let duration = r
        .duration
        .as_ref()
        .map(|v| ctx.three_point(|| what("duration"), v))
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
        shape: ctx.shape(|| what("distribution"), &r.distribution, default)?,
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
        let raw = read(source)?;
        plain::check(&ctx, &raw)?;
        let e = &raw.estimate;

        let name = e.name.get_ref().trim().to_string();
        if name.is_empty() {
            return Err(ctx.err(e.name.span(), "estimate.name must not be empty"));
        }
        let shape = ctx.shape(
            || "estimate.distribution".into(),
            &e.distribution,
            Shape::Pert,
        )?;
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
            if !(0.0..=ThreePoint::MAX).contains(&rate) {
                return Err(ctx.err(
                    r.rate.span(),
                    format!("role \"{id}\": rate must be a number from 0 to 1e15"),
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
                .map(|v| ctx.three_point(|| what("cost"), v))
                .transpose()?;
            let delay = r
                .delay
                .as_ref()
                .map(|v| ctx.three_point(|| what("delay"), v))
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
                shape: ctx.shape(|| what("distribution"), &r.distribution, shape)?,
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
            cover: cover::cover(&ctx, e)?,
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

#[cfg(test)]
mod tests;
