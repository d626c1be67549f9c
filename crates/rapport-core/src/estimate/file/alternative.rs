//! An `[[alternative]]` of the estimate file: a variant that drops, adds
//! or re-rates items, checked against the estimate it varies.

use super::*;

pub(super) fn alternative(
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
        if !(0.0..=ThreePoint::MAX).contains(rate.get_ref()) {
            return Err(ctx.err(
                rate.span(),
                format!("{context}rates: {role} must be a number from 0 to 1e15"),
            ));
        }
        alt_rates.insert(role.clone(), *rate.get_ref());
    }
    let scale_hours = match &a.scale_hours {
        None => HoursScale::All(1.0),
        Some(value) => {
            // Up to 1e15, like every value of an estimate: hours, scale
            // and rate then multiply to a finite cost.
            let positive = |v: &toml::Value| match v {
                toml::Value::Integer(i) if *i > 0 && (*i as f64) <= ThreePoint::MAX => {
                    Some(*i as f64)
                }
                toml::Value::Float(f) if *f > 0.0 && *f <= ThreePoint::MAX => Some(*f),
                _ => None,
            };
            match &value.get_ref().0 {
                toml::Value::Table(table) => {
                    let mut map = BTreeMap::new();
                    for (id, v) in table {
                        if !known_item(id) {
                            return Err(ctx.err(value.span(), format!("{context}scale_hours: unknown item \"{id}\"")));
                        }
                        let f = positive(v).ok_or_else(|| ctx.err(value.span(), format!("{context}scale_hours: {id} must be a factor > 0 and at most 1e15")))?;
                        map.insert(id.clone(), f);
                    }
                    HoursScale::PerItem(map)
                }
                v => HoursScale::All(
                    positive(v).ok_or_else(|| ctx.err(value.span(), format!("{context}scale_hours must be a factor > 0 and at most 1e15 (e.g. 0.9), or a table of item = factor")))?,
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
