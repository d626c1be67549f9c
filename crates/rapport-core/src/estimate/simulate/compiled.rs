//! A scenario made ready to simulate: its items in schedule order with
//! their samplers and random streams, each scheduled item's predecessors
//! by slot, the copula, the risks, and the most-likely cost, duration and
//! critical path; and the draws of one item over a chunk.

use crate::estimate::correlation::{build_copula, Copula};
use crate::estimate::distribution::Sampler;
use crate::estimate::model::Scenario;
use crate::estimate::network::{longest_path, topological_order};
use crate::estimate::rng::{normal_cdf, normal_quantile, uniform_to_draw, Stream};

pub(super) struct CItem {
    pub(super) stream: Stream,
    pub(super) hours: Option<Sampler>,
    pub(super) rate: f64,
    pub(super) cost: Option<Sampler>,
    pub(super) duration: Option<Sampler>,
    /// Position in the schedule (topological order), if scheduled.
    pub(super) slot: Option<usize>,
    /// Position among the copula's members, if correlated.
    pub(super) copula_slot: Option<usize>,
    pub(super) cost_varies: bool,
    pub(super) duration_varies: bool,
}

pub(super) struct CRisk {
    pub(super) occurs: Stream,
    pub(super) impact: Stream,
    pub(super) probability: f64,
    pub(super) cost: Option<Sampler>,
    pub(super) delay: Option<Sampler>,
    /// Row of the chunk's delay buffer for the item it holds up.
    pub(super) delay_row: Option<usize>,
}

/// A scenario ready to simulate.
pub(super) struct Compiled {
    pub(super) items: Vec<CItem>,
    /// Items in processing order: scheduled items in topological order,
    /// then the rest.
    pub(super) order: Vec<usize>,
    /// Predecessor slots of each slot.
    pub(super) preds: Vec<Vec<usize>>,
    pub(super) copula: Option<Copula>,
    pub(super) copula_streams: Vec<Stream>,
    pub(super) risks: Vec<CRisk>,
    /// Delay-buffer row of each slot that some risk can hold up.
    pub(super) delay_row: Vec<Option<usize>>,
    /// Slots no other slot follows: only they can finish last.
    pub(super) sinks: Vec<usize>,
    pub(super) is_sink: Vec<bool>,
    pub(super) delayed_slots: usize,
    pub(super) base_cost: f64,
    pub(super) base_item_costs: Vec<f64>,
    pub(super) base_duration: Option<f64>,
    pub(super) base_path: Vec<String>,
}

impl Compiled {
    pub(super) fn new(scenario: &Scenario, seed: u64) -> Self {
        let n = scenario.items.len();
        // One map, not a scan per predecessor: on a 1,000-task network the
        // scans were a million string comparisons, milliseconds of every run.
        let positions: std::collections::HashMap<&str, usize> = scenario
            .items
            .iter()
            .enumerate()
            .map(|(k, s)| (s.item.id.as_str(), k))
            .collect();
        let index = |id: &str| positions.get(id).copied();
        let preds_all: Vec<Vec<usize>> = scenario
            .items
            .iter()
            .map(|s| s.item.after.iter().filter_map(|a| index(a)).collect())
            .collect();
        // Validated upstream: the network is acyclic.
        let topo = topological_order(&preds_all).unwrap_or_else(|_| (0..n).collect());
        let scheduled: Vec<usize> = topo
            .iter()
            .copied()
            .filter(|&i| scenario.items[i].item.duration.is_some())
            .collect();
        let mut slot_of = vec![None; n];
        for (slot, &i) in scheduled.iter().enumerate() {
            slot_of[i] = Some(slot);
        }
        let preds: Vec<Vec<usize>> = scheduled
            .iter()
            .map(|&i| preds_all[i].iter().filter_map(|&p| slot_of[p]).collect())
            .collect();
        let mut followed = vec![false; scheduled.len()];
        for list in &preds {
            for &p in list {
                followed[p] = true;
            }
        }
        let sinks: Vec<usize> = (0..scheduled.len()).filter(|&s| !followed[s]).collect();
        let is_sink: Vec<bool> = followed.iter().map(|f| !f).collect();
        let mut order = scheduled.clone();
        order.extend((0..n).filter(|i| slot_of[*i].is_none()));

        let names: Vec<String> = scenario.items.iter().map(|s| s.item.id.clone()).collect();
        let groups: Vec<(Vec<usize>, f64)> = scenario
            .correlations
            .iter()
            .map(|c| {
                (
                    c.items.iter().filter_map(|id| index(id)).collect(),
                    c.coefficient,
                )
            })
            .collect();
        // Validated upstream; an alternative only removes members.
        let copula = build_copula(&groups, &names).ok().flatten();
        let mut copula_slot = vec![None; n];
        if let Some(c) = &copula {
            for (k, &m) in c.members.iter().enumerate() {
                copula_slot[m] = Some(k);
            }
        }

        let items: Vec<CItem> = scenario
            .items
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let it = &s.item;
                let sampler = |v: Option<crate::estimate::distribution::ThreePoint>| {
                    v.map(|v| Sampler::new(v, it.shape))
                };
                let hours = sampler(it.hours);
                let cost = sampler(it.cost);
                let duration = sampler(it.duration);
                let cost_varies = hours
                    .as_ref()
                    .is_some_and(|h| !h.is_constant() && s.rate > 0.0)
                    || cost.as_ref().is_some_and(|c| !c.is_constant());
                let duration_varies = duration.as_ref().is_some_and(|d| !d.is_constant());
                CItem {
                    stream: Stream::new(seed, &format!("item:{}", it.id)),
                    hours,
                    rate: s.rate,
                    cost,
                    duration,
                    slot: slot_of[i],
                    copula_slot: copula_slot[i],
                    cost_varies,
                    duration_varies,
                }
            })
            .collect();
        let copula_streams = copula
            .as_ref()
            .map(|c| c.members.iter().map(|&m| items[m].stream).collect())
            .unwrap_or_default();

        let mut delay_row = vec![None; scheduled.len()];
        let mut delayed_slots = 0;
        let risks = scenario
            .risks
            .iter()
            .map(|r| {
                let slot = r.on.as_deref().and_then(index).and_then(|i| slot_of[i]);
                let row = slot.map(|s| {
                    *delay_row[s].get_or_insert_with(|| {
                        delayed_slots += 1;
                        delayed_slots - 1
                    })
                });
                CRisk {
                    occurs: Stream::new(seed, &format!("risk-occurs:{}", r.id)),
                    impact: Stream::new(seed, &format!("risk-impact:{}", r.id)),
                    probability: r.probability,
                    cost: r.cost.map(|v| Sampler::new(v, r.shape)),
                    delay: r.delay.map(|v| Sampler::new(v, r.shape)),
                    delay_row: if r.delay.is_some() { row } else { None },
                }
            })
            .collect();

        let base_item_costs: Vec<f64> = scenario
            .items
            .iter()
            .map(|s| {
                s.item.hours.map_or(0.0, |h| h.likely() * s.rate)
                    + s.item.cost.map_or(0.0, |c| c.likely())
            })
            .collect();
        let (base_duration, base_path) = if scheduled.is_empty() {
            (None, Vec::new())
        } else {
            let likely: Vec<f64> = scheduled
                .iter()
                .map(|&i| scenario.items[i].item.duration.map_or(0.0, |d| d.likely()))
                .collect();
            let slots: Vec<usize> = (0..scheduled.len()).collect();
            let (total, path) = longest_path(&slots, &preds, &likely);
            (
                Some(total),
                path.iter().map(|&s| names[scheduled[s]].clone()).collect(),
            )
        };
        Self {
            items,
            order,
            preds,
            copula,
            copula_streams,
            risks,
            delay_row,
            delayed_slots,
            sinks,
            is_sink,
            base_cost: base_item_costs.iter().sum(),
            base_item_costs,
            base_duration,
            base_path,
        }
    }

    pub(super) fn slots(&self) -> usize {
        self.preds.len()
    }

    /// Fills `cu` with the correlated uniforms of the chunk, member-major.
    pub(super) fn fill_copula(&self, first: u64, len: usize, z: &mut Vec<f64>, cu: &mut Vec<f64>) {
        let Some(copula) = &self.copula else { return };
        let m = copula.members.len();
        z.resize(m, 0.0);
        cu.resize(m * len, 0.0);
        // A member whose row is the identity's (the first of each group)
        // keeps its own uniform: Φ(Φ⁻¹(u)) is u only to 1.2e-7, and an
        // alternative that drops its partners draws u itself, so common
        // random numbers must see u here too.
        let own: Vec<bool> = (0..m)
            .map(|row| {
                let factor = &copula.factor[row * m..row * m + row + 1];
                factor[row] == 1.0 && factor[..row].iter().all(|f| *f == 0.0)
            })
            .collect();
        for j in 0..len {
            let i = first + j as u64;
            for (k, stream) in self.copula_streams.iter().enumerate() {
                z[k] = normal_quantile(stream.uniform(i));
            }
            for row in 0..m {
                if own[row] {
                    cu[row * len + j] = self.copula_streams[row].uniform(i);
                    continue;
                }
                let factor = &copula.factor[row * m..row * m + row + 1];
                let s: f64 = factor.iter().zip(z.iter()).map(|(f, z)| f * z).sum();
                cu[row * len + j] = normal_cdf(s);
            }
        }
    }

    /// The item's draws for the chunk.
    pub(super) fn fill_bits(
        &self,
        item: &CItem,
        first: u64,
        len: usize,
        cu: &[f64],
        bits: &mut Vec<u32>,
    ) {
        match item.copula_slot {
            Some(k) => {
                bits.clear();
                bits.extend(
                    cu[k * len..(k + 1) * len]
                        .iter()
                        .map(|u| uniform_to_draw(*u)),
                );
            }
            None => item.stream.fill(first, len, bits),
        }
    }
}
