//! The `[[correlation]]` groups of the estimate file, checked to form a
//! valid correlation matrix.

use super::*;

/// Reads the `[[correlation]]` groups: each names at least two known items
/// once, with a coefficient in (-1, 1); two groups must not give one pair
/// different coefficients; and the groups linked by shared items must make
/// a valid (positive definite) correlation matrix.
///
/// Pairs not listed together are independent, so the matrix falls apart
/// into one block per set of linked items, and each block is checked once,
/// on its own: the cost is the sum over sets, not the cube of everything
/// for every group (400 two-item groups once took 17 s). Only when a set
/// fails is it replayed group by group, to name the group that broke it.
pub(super) fn correlations_of(
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
        if !(coefficient > -1.0 && coefficient < 1.0) {
            // ±1 is no correlation two items can have and stay two: the
            // matrix would be singular, and the message below would blame
            // groups that are not there.
            let hint = if coefficient.abs() == 1.0 {
                "; ±1 makes the items one: merge them into one item, or give 0.99"
            } else {
                ""
            };
            return Err(ctx.err(
                c.coefficient.span(),
                format!(
                    "correlation {}: coefficient {coefficient} must be between -1 and 1, both excluded{hint}",
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
            let first = (1..=block.len()).find(|&k| build_copula(&block[..k], &names).is_err());
            let culprit = first.map_or(set[set.len() - 1], |k| set[k - 1]);
            let together = if first == Some(1) {
                "its coefficient makes"
            } else {
                "with the correlations before it, the coefficients make"
            };
            return Err(ctx.err(
                raw[culprit].get_ref().coefficient.span(),
                format!(
                    "correlation {}: {together} an invalid correlation matrix (not positive definite): no set of items can move together this way (pairs not listed together are independent); weaken a coefficient or list the items in one group",
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
